"""Validating records through the public API: one record, streams, files and options."""

from __future__ import annotations

import datetime as dt
import io
import shutil
from pathlib import Path

import pytest

from factories import TODAY
from factories import record as _record
from personal_outcomes import (
    OutcomesRecord,
    Validator,
    bundled,
    iter_validate,
    validate_files,
    validate_record,
)
from personal_outcomes.errors import NotValidError
from personal_outcomes.validation import UnknownFormatError, format_for

DATA = Path(__file__).parent / "data"
CORPUS = DATA / "records"


def test_valid_record_has_no_issues() -> None:
    """A valid record gives a valid result with no issues, and a typed record."""
    result = validate_record(_record(), today=TODAY)
    assert result.valid
    assert result.issues == ()
    typed = result.record()
    assert isinstance(typed, OutcomesRecord)
    assert typed.recorded_on == dt.date(2026, 3, 1)


def test_typed_record_is_validated_the_same_way() -> None:
    """A record built in Python is checked exactly like data from a file."""
    typed = OutcomesRecord.from_data(_record())
    assert validate_record(typed, today=TODAY).valid
    wrong = OutcomesRecord.from_data(_record(outcomes=[{"outcome": "nope", "what_matters": "x"}]))
    [issue] = validate_record(wrong, today=TODAY).issues
    assert (issue.pointer, issue.code) == ("/outcomes/0/outcome", "unknown-outcome")
    with pytest.raises(NotValidError) as raised:
        validate_record(wrong, today=TODAY).record()
    assert isinstance(raised.value, ValueError)
    assert str(raised.value) == (
        "<record>: record 0 is not valid, so it cannot be turned into an OutcomesRecord; "
        "fix its issues first"
    )


def test_every_issue_is_collected_in_order() -> None:
    """All issues are collected: structural ones first, then framework-aware ones."""
    record = _record(
        stage="review",
        colour="red",
        outcomes=[{"outcome": "seeing-ppl", "what_matters": ""}],
    )
    result = validate_record(record, today=TODAY)
    assert [(i.pointer, i.code) for i in result.issues] == [
        ("", "schema"),
        ("/outcomes/0/what_matters", "schema"),
        ("/outcomes/0/outcome", "unknown-outcome"),
        ("/outcomes/0", "status-missing"),
    ]
    assert [i.severity for i in result.issues] == ["error", "error", "error", "warning"]


@pytest.mark.parametrize(
    ("changes", "pointer", "message"),
    [
        ({"framework": "adult"}, "/framework", "did you mean 'adults'?"),
        ({"framework": "zzz"}, "/framework", "known: adults, care-homes, carers)"),
        (
            {"framework_version": "2.0.0"},
            "/framework_version",
            "no such version (known: 1.0.0, 1.1.0)",
        ),
        (
            {"outcomes": [{"outcome": "a-life-of-their-own", "what_matters": "x"}]},
            "/outcomes/0/outcome",
            "framework 'carers' has that id",
        ),
        (
            {"outcomes": [{"outcome": "Staying well", "what_matters": "x"}]},
            "/outcomes/0/outcome",
            "matches the label of 'staying-as-well-as-you-can'",
        ),
        (
            {"outcomes": [{"outcome": "qqqqqqqq", "what_matters": "x"}]},
            "/outcomes/0/outcome",
            "see `personal-outcomes show adults` for the ids",
        ),
    ],
)
def test_suggestions(changes: dict[str, object], pointer: str, message: str) -> None:
    """Unknown frameworks and outcomes come with a suggestion from the framework's own ids."""
    [issue] = validate_record(_record(**changes), today=TODAY).issues
    assert issue.pointer == pointer
    assert message in issue.message


def test_warnings_do_not_make_a_record_invalid() -> None:
    """Warnings (future date, status outside review) leave the record valid."""
    record = _record(
        recorded_on="2026-12-25",
        outcomes=[{"outcome": "seeing-people", "what_matters": "x", "status": "met"}],
    )
    result = validate_record(record, today=TODAY)
    assert result.valid
    assert [(i.code, i.severity) for i in result.issues] == [
        ("future-date", "warning"),
        ("status-outside-review", "warning"),
    ]


def test_future_date_is_judged_in_utc_plus_14() -> None:
    """A date is in the future only when it is after today everywhere on Earth."""
    assert validate_record(_record(recorded_on="2026-11-27"), today=TODAY).issues
    assert not validate_record(_record(recorded_on="2026-11-26"), today=TODAY).issues
    tomorrow = dt.datetime.now(dt.UTC) + dt.timedelta(hours=14)
    assert not validate_record(_record(recorded_on=tomorrow.date().isoformat())).issues


@pytest.mark.compiled
def test_retired_outcome_names_its_replacement() -> None:
    """Recording a retired outcome is a warning that names its replacement."""
    registry = bundled().with_directory(DATA / "frameworks")
    record = _record(
        framework="local-test", outcomes=[{"outcome": "old-outcome", "what_matters": "x"}]
    )
    [issue] = validate_record(record, registry, today=TODAY).issues
    assert (issue.code, issue.severity) == ("retired-outcome", "warning")
    assert "record 'being-outdoors' instead" in issue.message


def test_values_only_on_request() -> None:
    """Messages never quote record values; include_values puts them in Issue.value."""
    record = _record(person_id="Jane Smith", outcomes=[{"outcome": "x-secret", "what_matters": 7}])
    plain = validate_record(record, today=TODAY)
    assert all(issue.value is None for issue in plain.issues)
    assert not any("Jane" in str(i) or "x-secret" in str(i) for i in plain.issues)
    shown = validate_record(record, today=TODAY, include_values=True)
    assert [issue.value for issue in shown.issues] == ["'Jane Smith'", "7", "'x-secret'"]
    assert "[value: 'Jane Smith']" in str(shown.issues[0])
    assert shown.issues[0].to_dict()["value"] == "'Jane Smith'"
    assert "value" not in plain.issues[0].to_dict()


def test_record_id_is_reported_only_in_its_safe_form() -> None:
    """An issue carries the record_id only when it has the safe form."""
    unsafe = validate_record(_record(record_id="r 1"), today=TODAY)
    assert all(issue.record_id is None for issue in unsafe.issues)
    safe = validate_record(_record(record_id="r:1", stage="bad"), today=TODAY)
    assert safe.issues[0].record_id == "r:1"


def test_iter_validate_is_lazy_and_ordered() -> None:
    """iter_validate yields one result per record, in file order."""
    results = iter_validate([CORPUS / "valid-array.json", CORPUS / "valid.jsonl"], today=TODAY)
    first = next(results)
    assert (first.source, first.index, first.line, first.valid) == (
        str(CORPUS / "valid-array.json"),
        0,
        2,
        True,
    )
    rest = list(results)
    assert [r.index for r in rest] == [1, 0, 1]


def test_duplicate_ids_across_files() -> None:
    """A record_id seen in an earlier file of the same run is a duplicate."""
    path = CORPUS / "valid.jsonl"
    report = validate_files([path, path], today=TODAY)
    assert (report.records, report.valid, report.invalid) == (4, 2, 2)
    issue = report.issues[0]
    assert issue.code == "duplicate-record-id"
    assert issue.message == (
        f"this record_id was already used by record 0 of {path}, line 1; "
        "every record needs its own id"
    )


def test_unreadable_file_does_not_stop_the_run(tmp_path: Path) -> None:
    """A missing file is an unreadable-file issue; the other files are still checked."""
    missing = tmp_path / "missing.jsonl"
    report = validate_files([missing, CORPUS / "valid.jsonl"], today=TODAY)
    assert (report.records, report.valid, report.unreadable) == (2, 2, 1)
    [issue] = report.issues
    assert (issue.code, issue.source, issue.record) == ("unreadable-file", str(missing), None)


def test_max_issues_truncates_but_counts_stay_exact() -> None:
    """A cap on issues cuts the list, says so, and keeps the counts exact."""
    full = validate_files([CORPUS / "invalid-array.json"], today=TODAY)
    capped = validate_files([CORPUS / "invalid-array.json"], today=TODAY, max_issues=3)
    assert len(capped.issues) == 3
    assert capped.truncated
    assert not full.truncated
    assert (capped.records, capped.invalid, capped.errors) == (
        full.records,
        full.invalid,
        full.errors,
    )
    assert capped.to_dict()["truncated"] is True


def test_streams_and_standard_input() -> None:
    """Records can come from any binary stream, and '-' reads standard input."""
    data = (CORPUS / "valid.jsonl").read_bytes()
    validator = Validator(today=TODAY)
    results = list(validator.iter_stream(io.BytesIO(data), source="upload", input_format="jsonl"))
    assert [r.valid for r in results] == [True, True]
    report = validator.validate_files(["-"], input_format="jsonl", stdin=io.BytesIO(data))
    assert (report.records, report.valid) == (2, 2)


def test_format_from_name_or_option() -> None:
    """The format comes from the file name ending, or must be given."""
    assert format_for("a.ndjson") == "jsonl"
    with pytest.raises(UnknownFormatError, match="with --input-format, or input_format= in Python"):
        format_for("records.txt")
    with pytest.raises(UnknownFormatError):
        format_for("-")
    with pytest.raises(UnknownFormatError):
        format_for("a.json", "xml")


def test_csv_missing_column_spoils_every_record_once() -> None:
    """A missing required CSV column is reported once, and every record is invalid."""
    report = validate_files([CORPUS / "missing-column.csv"], today=TODAY)
    assert (report.records, report.valid, len(report.issues)) == (2, 0, 1)
    assert "what_matters" in report.issues[0].message


@pytest.mark.compiled
def test_local_framework_files(tmp_path: Path) -> None:
    """An organisation's own framework is used like a bundled one."""
    shutil.copy(DATA / "frameworks" / "minimal.yaml", tmp_path)
    registry = bundled().with_directory(tmp_path)
    record = _record(
        framework="local-test",
        stage="review",
        outcomes=[{"outcome": "being-outdoors", "what_matters": "x", "status": "achieved"}],
    )
    assert validate_record(record, registry, today=TODAY).valid
    assert not validate_record(record, today=TODAY).valid


def test_unknown_yaml_keys_are_placed_on_their_own_line() -> None:
    """An unknown key's issue has its parent's pointer but the key's own line and column."""
    text = (
        b"record_id: y-1\nframework: adults\nperson_id: p-1\nrecorded_on: 2026-03-01\n"
        b"stage: assessment\ncolour: blue\noutcomes:\n  - outcome: seeing-people\n"
        b"    what_matters: pals\n    extra:\n      nested: 1\n"
    )
    [result] = Validator(today=TODAY).iter_stream(io.BytesIO(text), source="r.yaml")
    assert [(i.pointer, i.line, i.column) for i in result.issues] == [
        ("", 6, 1),
        ("/outcomes/0", 10, 5),
    ]
