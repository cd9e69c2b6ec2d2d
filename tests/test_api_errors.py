"""Errors raised through the API: exact types, exact places, exact messages, no values."""

from __future__ import annotations

import datetime as dt
import io
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from factories import TODAY, outcome_record, record
from personal_outcomes import (
    Registry,
    Validator,
    bundled,
    iter_validate,
    validate_files,
    validate_record,
)
from personal_outcomes._formats._csv import write_csv
from personal_outcomes.errors import (
    NotValidError,
    PersonalOutcomesError,
    RecordDataError,
    RecordWriteError,
    UnknownFormatError,
    UnreadableFileError,
)
from personal_outcomes.frameworks import manifest
from personal_outcomes.frameworks._data import bundled_files, find_folder
from personal_outcomes.records import OutcomesRecord
from personal_outcomes.validation import RecordResult, format_for

DATA = Path(__file__).parent / "data"
MIXED = DATA / "records" / "mixed.jsonl"
MINIMAL = DATA / "frameworks" / "minimal.yaml"
MARKER = "MARKER-Jane-Smith"
ADVICE = "check it with validate_record() first, which says what is wrong at each place"


# ---- OutcomesRecord.from_data -------------------------------------------------------


def _data_error(data: object) -> RecordDataError:
    with pytest.raises(RecordDataError) as raised:
        OutcomesRecord.from_data(data)  # type: ignore[arg-type]
    return raised.value


REQUIRED = ["/record_id", "/framework", "/person_id", "/recorded_on", "/stage", "/outcomes"]


@pytest.mark.parametrize(
    ("data", "pointers"),
    [
        pytest.param({}, REQUIRED, id="empty"),
        pytest.param({"record_id": MARKER}, REQUIRED[1:], id="only-an-id"),
        pytest.param(
            {key: value for key, value in record().items() if key != "person_id"},
            ["/person_id"],
            id="no-person",
        ),
        pytest.param(record(stage=MARKER), ["/stage"], id="stage-not-a-stage"),
        pytest.param(record(stage=5), ["/stage"], id="stage-a-number"),
        pytest.param(record(outcomes=None), ["/outcomes"], id="outcomes-none"),
        pytest.param(record(outcomes=5), ["/outcomes"], id="outcomes-a-number"),
        pytest.param(record(context=[MARKER]), ["/context"], id="context-a-list"),
        pytest.param(record(context=MARKER), ["/context"], id="context-a-string"),
        pytest.param(record(notes=None), [], id="none-is-absent"),
        pytest.param(
            record(outcomes=[{"outcome": "seeing-people", "what_matters": "x"}, MARKER]),
            ["/outcomes/1"],
            id="outcome-item-a-string",
        ),
        pytest.param(
            record(outcomes=[{"outcome": "seeing-people", "what_matters": "x"}, {"outcome": "x"}]),
            ["/outcomes/1/what_matters"],
            id="outcome-item-missing-a-field",
        ),
        pytest.param(
            outcome_record(contributions=[{"by": "person", "what": "x"}, {"by": MARKER}]),
            ["/outcomes/0/contributions/1/by", "/outcomes/0/contributions/1/what"],
            id="contribution-faults",
        ),
        pytest.param(
            outcome_record(contributions=[5]), ["/outcomes/0/contributions/0"], id="contribution-5"
        ),
        pytest.param(record(colour=MARKER), [""], id="unknown-field"),
        pytest.param(outcome_record(colour=MARKER), ["/outcomes/0"], id="unknown-outcome-field"),
        pytest.param(MARKER, [""], id="not-a-mapping"),
        pytest.param(None, [""], id="none"),
        pytest.param(
            record(
                recorded_on="2026-3-1",
                stage=MARKER,
                outcomes=[{"outcome": "seeing-people"}, 7],
            ),
            ["/recorded_on", "/stage", "/outcomes/0/what_matters", "/outcomes/1"],
            id="several-faults-in-order",
        ),
    ],
)
def test_from_data_names_each_place_that_does_not_fit(data: Any, pointers: list[str]) -> None:
    if not pointers:
        assert OutcomesRecord.from_data(data).notes is None
        return
    error = _data_error(data)
    assert error.pointers == tuple(pointers)
    assert isinstance(error, ValueError)
    assert isinstance(error, PersonalOutcomesError)
    places = ", ".join(pointer or "/" for pointer in pointers)
    assert str(error) == f"the data is not a valid record (at {places}); {ADVICE}"
    assert "MARKER" not in str(error)
    assert "MARKER" not in repr(error)


@pytest.mark.parametrize(
    "date",
    [
        "20260301",
        "2026-W10-1",
        "2026-060",
        "2026-02-30",
        "2026-3-1",
        " 2026-03-01",
        "2026-03-01\n",
        "2026-03-01T00:00",
        "\uff12\uff10\uff12\uff16-03-01",  # full-width digits
        20260301,
        None,
        dt.date(2026, 3, 1),
        ["2026-03-01"],
    ],
)
def test_from_data_takes_dates_written_exactly_yyyy_mm_dd(date: object) -> None:
    error = _data_error(record(recorded_on=date))
    assert error.pointers == ("/recorded_on",)
    assert str(error) == f"the data is not a valid record (at /recorded_on); {ADVICE}"


def test_from_data_reads_a_good_date() -> None:
    typed = OutcomesRecord.from_data(record(recorded_on="2024-02-29"))
    assert typed.recorded_on == dt.date(2024, 2, 29)
    assert typed.to_data() == record(recorded_on="2024-02-29")


def test_from_data_never_quotes_a_marked_record() -> None:
    data: dict[str, object] = dict.fromkeys(record(), MARKER)
    data["outcomes"] = [{"outcome": MARKER, "what_matters": MARKER, MARKER: MARKER}]
    data[MARKER] = MARKER
    error = _data_error(data)
    assert error.pointers == ("/recorded_on", "/stage", "/outcomes/0", "")
    assert "MARKER" not in str(error)


def test_record_data_error_message_for_the_whole_record() -> None:
    assert str(RecordDataError(pointers=("", "/a~1b"))) == (
        f"the data is not a valid record (at /, /a~1b); {ADVICE}"
    )


# The record format has no coercions: a number is not a string, a string is not a list.
@pytest.mark.parametrize(
    ("data", "pointers"),
    [
        pytest.param(record(record_id=5), ["/record_id"], id="record-id-a-number"),
        pytest.param(record(person_id=True), ["/person_id"], id="person-id-a-bool"),
        pytest.param(outcome_record(outcome=5), ["/outcomes/0/outcome"], id="outcome-a-number"),
        pytest.param(record(context={"team": 5}), ["/context"], id="context-value-a-number"),
        pytest.param(record(outcomes=MARKER), ["/outcomes"], id="outcomes-a-string"),
        pytest.param(record(outcomes={"a": 1}), ["/outcomes"], id="outcomes-a-mapping"),
        pytest.param(
            outcome_record(contributions=MARKER),
            ["/outcomes/0/contributions"],
            id="contributions-a-string",
        ),
    ],
)
def test_from_data_refuses_wrong_types(data: Any, pointers: list[str]) -> None:
    assert not validate_record(data, today=TODAY).valid
    assert _data_error(data).pointers == tuple(pointers)


# ---- write_csv ----------------------------------------------------------------------

GOOD = record(context={"team": "north"})
BY_WITH_COLON = record(
    record_id="r-2",
    outcomes=[
        {"outcome": "seeing-people", "what_matters": "x"},
        {
            "outcome": "feeling-safe",
            "what_matters": "y",
            "contributions": [{"by": "a:b", "what": "z"}],
        },
    ],
)
HEADER = (
    "record_id,framework,framework_version,person_id,recorded_on,stage,notes,context.team,"
    "outcome,what_matters,why_it_matters,contributions,status,status_note,perspective\r\n"
)
GOOD_ROW = "r-1,adults,,p-1,2026-03-01,assessment,,north,seeing-people,My pals,,,,,\r\n"


def _write_error(
    records: list[Any], context_names: list[str] | None
) -> tuple[RecordWriteError, str]:
    out = io.StringIO(newline="")
    with pytest.raises(RecordWriteError) as raised:
        write_csv(records, out, context_names=context_names)
    return raised.value, out.getvalue()


MAPPING, STRING, LIST = "must be a mapping", "must be a string", "must be a list"
KEY = "has a key that is not in the record format"
NO_OUTCOME = "a record needs at least one outcome to be written as CSV"
WITHOUT_OUTCOMES = {key: value for key, value in record().items() if key != "outcomes"}
WRITE_FAULTS = [
    pytest.param(
        BY_WITH_COLON,
        "/outcomes/1/contributions/0/by",
        "a contribution's 'by' cannot contain ':' in CSV",
        id="by-with-colon",
    ),
    pytest.param(MARKER, "", MAPPING, id="not-a-mapping"),
    pytest.param(record(colour=MARKER), "", KEY, id="unknown-key"),
    pytest.param(record(context=MARKER), "/context", MAPPING, id="context-a-string"),
    pytest.param(record(context={"team": 5}), "/context/team", STRING, id="context-value"),
    pytest.param(record(record_id=5), "/record_id", STRING, id="record-id-a-number"),
    pytest.param(record(outcomes=[]), "/outcomes", NO_OUTCOME, id="no-outcomes"),
    pytest.param(WITHOUT_OUTCOMES, "/outcomes", NO_OUTCOME, id="outcomes-missing"),
    pytest.param(record(outcomes=MARKER), "/outcomes", LIST, id="outcomes-a-string"),
    pytest.param(record(outcomes=[MARKER]), "/outcomes/0", MAPPING, id="outcome-a-string"),
    pytest.param(outcome_record(colour=MARKER), "/outcomes/0", KEY, id="outcome-key"),
    pytest.param(
        outcome_record(what_matters=5), "/outcomes/0/what_matters", STRING, id="what-matters"
    ),
    pytest.param(outcome_record(status=None), "/outcomes/0/status", STRING, id="status-none"),
    pytest.param(
        outcome_record(contributions=MARKER),
        "/outcomes/0/contributions",
        LIST,
        id="contributions-a-string",
    ),
    pytest.param(
        outcome_record(contributions=[MARKER]),
        "/outcomes/0/contributions/0",
        MAPPING,
        id="contribution-a-string",
    ),
    pytest.param(
        outcome_record(contributions=[{"by": "person", "how": MARKER}]),
        "/outcomes/0/contributions/0",
        KEY,
        id="contribution-key",
    ),
    pytest.param(
        outcome_record(contributions=[{"by": "person", "what": 3}]),
        "/outcomes/0/contributions/0/what",
        STRING,
        id="contribution-what",
    ),
]


@pytest.mark.parametrize(("bad", "pointer", "problem"), WRITE_FAULTS)
@pytest.mark.parametrize("names", [["team"], None], ids=["streamed", "gathered"])
def test_write_csv_names_the_record_and_the_place(
    bad: Any, pointer: str, problem: str, names: list[str] | None
) -> None:
    error, written = _write_error([GOOD, bad, GOOD], names)
    assert (error.record, error.pointer, error.problem) == (1, pointer, problem)
    assert str(error) == f"record 1: {pointer or '/'}: {problem}"
    assert isinstance(error, TypeError)
    assert isinstance(error, ValueError)
    assert "MARKER" not in str(error)
    # The records before the fault are written, whichever way the header was found;
    # gathering the context names meets a record that is not a mapping before writing.
    if names is None and pointer in {"", "/context"} and problem == MAPPING:
        assert written == ""
    else:
        assert written == HEADER + GOOD_ROW


def test_write_csv_refuses_a_context_name_outside_context_names() -> None:
    error, written = _write_error([GOOD, record(context={"team": "a", "area": "b"})], ["team"])
    assert (error.record, error.pointer, error.problem) == (
        1,
        "/context",
        "has a context name that is not in context_names",
    )
    assert written == HEADER + GOOD_ROW


BAD_NAME = "a context name must start with a letter and have at most 64 letters, digits, '_' or '-'"


def test_write_csv_refuses_a_bad_context_name_given() -> None:
    error, written = _write_error([GOOD], ["team", "bad name"])
    assert (error.record, error.pointer, error.problem) == (0, "/context", BAD_NAME)
    assert str(error) == f"record 0: /context: {BAD_NAME}"
    assert written == ""


def test_write_csv_refuses_a_bad_context_name_in_the_first_record() -> None:
    error, written = _write_error([record(context={"1st": "x"}), GOOD], None)
    assert (error.record, error.pointer, error.problem) == (0, "/context", BAD_NAME)
    assert written == ""


def test_write_csv_names_the_record_with_a_bad_context_name() -> None:
    error, _ = _write_error([GOOD, GOOD, record(context={"bad name": MARKER})], None)
    assert (error.record, error.pointer) == (2, "/context")


@pytest.mark.parametrize("context", [{5: "x"}, {5: "x", "team": "y"}], ids=["alone", "mixed"])
def test_write_csv_streamed_refuses_a_context_name_that_is_not_text(
    context: dict[object, str],
) -> None:
    error, written = _write_error([GOOD, record(context=context)], ["team"])
    assert (error.record, error.pointer, error.problem) == (
        1,
        "/context",
        "has a context name that is not in context_names",
    )
    assert written == HEADER + GOOD_ROW


@pytest.mark.parametrize("context", [{5: "x"}, {5: "x", "team": "y"}], ids=["alone", "mixed"])
def test_write_csv_gathered_refuses_a_context_name_that_is_not_text(
    context: dict[object, str],
) -> None:
    error, _ = _write_error([GOOD, record(context=context)], None)
    assert (error.record, error.pointer) == (1, "/context")


def test_write_csv_gathers_records_from_an_iterator() -> None:
    def records() -> Iterator[dict[str, object]]:
        yield GOOD
        yield record(record_id="r-2", context={"area": "x"})

    out = io.StringIO(newline="")
    write_csv(records(), out)
    assert out.getvalue().splitlines() == [
        (
            "record_id,framework,framework_version,person_id,recorded_on,stage,notes,context.area,"
            "context.team,outcome,what_matters,why_it_matters,contributions,status,status_note,"
            "perspective"
        ),
        "r-1,adults,,p-1,2026-03-01,assessment,,,north,seeing-people,My pals,,,,,",
        "r-2,adults,,p-1,2026-03-01,assessment,,x,,seeing-people,My pals,,,,,",
    ]


# ---- RecordResult.record(), format_for ----------------------------------------------

NOT_VALID = "is not valid, so it cannot be turned into an OutcomesRecord; fix its issues first"


def test_record_of_an_invalid_record_raises_not_valid() -> None:
    results = list(iter_validate([MIXED, DATA / "records" / "nothing.jsonl"], today=TODAY))
    with pytest.raises(NotValidError) as raised:
        results[1].record()
    error = raised.value
    assert (error.source, error.index, error.line) == (str(MIXED), 1, 3)
    assert str(error) == f"{MIXED}:3: record 1 {NOT_VALID}"
    assert isinstance(error, ValueError)
    with pytest.raises(NotValidError) as raised:
        results[-1].record()  # the file that could not be read
    assert str(raised.value) == f"{DATA / 'records' / 'nothing.jsonl'}: the file {NOT_VALID}"
    assert results[0].record().record_id == "j-1"


def test_record_of_a_record_checked_alone() -> None:
    result = Validator(today=TODAY).validate_record(record(stage=MARKER), source="form-7")
    with pytest.raises(NotValidError) as raised:
        result.record()
    assert str(raised.value) == f"form-7: record 0 {NOT_VALID}"
    assert "MARKER" not in str(raised.value)
    # A valid result without its data (as from a worker) cannot become a record either.
    bare = RecordResult(source="s.jsonl", index=4, line=9, record_id="r-1", issues=())
    assert bare.valid
    with pytest.raises(NotValidError) as raised:
        bare.record()
    assert str(raised.value) == f"s.jsonl:9: record 4 {NOT_VALID}"


def test_record_of_a_record_with_only_warnings() -> None:
    result = validate_record(record(recorded_on="2026-12-01"), today=TODAY)
    assert [issue.code for issue in result.issues] == ["future-date"]
    assert result.record().recorded_on == dt.date(2026, 12, 1)


UNKNOWN_FORMAT = (
    ": cannot tell the input format from the file name (known endings: .csv, .json, .jsonl, "
    ".ndjson, .yaml, .yml); name the format (json, jsonl, yaml, csv) with --input-format, "
    "or input_format= in Python"
)


def test_format_for_an_unknown_ending() -> None:
    with pytest.raises(UnknownFormatError) as raised:
        format_for("x.txt")
    error = raised.value
    assert str(error) == "x.txt" + UNKNOWN_FORMAT
    assert (error.source, error.formats) == ("x.txt", ("json", "jsonl", "yaml", "csv"))
    assert isinstance(error, ValueError)
    with pytest.raises(UnknownFormatError) as raised:
        format_for("-")
    assert str(raised.value) == "-" + UNKNOWN_FORMAT
    with pytest.raises(UnknownFormatError) as raised:
        format_for("records.json", "xml")
    assert str(raised.value) == "records.json" + UNKNOWN_FORMAT
    assert format_for("x.txt", "csv") == "csv"
    assert format_for("X.NDJSON") == "jsonl"


def test_an_unknown_format_is_refused_before_any_file_is_read() -> None:
    with pytest.raises(UnknownFormatError) as raised:
        validate_files([MIXED, "notes.txt"])
    assert str(raised.value) == "notes.txt" + UNKNOWN_FORMAT


# ---- the bundled data's folder, local folders, the manifest -------------------------

MISSING = (
    "personal_outcomes/frameworks/_data: cannot be read (the bundled framework files are "
    "missing; reinstall personal-outcomes); check the path and permissions"
)


def test_find_folder_prefers_the_packaged_folder(tmp_path: Path) -> None:
    packaged, checkout = tmp_path / "packaged", tmp_path / "checkout"
    packaged.mkdir()
    checkout.mkdir()
    assert find_folder(packaged, checkout) == packaged


def test_find_folder_falls_back_to_the_checkout(tmp_path: Path) -> None:
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    assert find_folder(tmp_path / "packaged", checkout) == checkout
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    assert find_folder(tmp_path / "a-file", checkout) == checkout


def test_find_folder_without_either_folder(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFileError) as raised:
        find_folder(tmp_path / "packaged", tmp_path / "checkout")
    assert str(raised.value) == MISSING
    assert raised.value.source == "personal_outcomes/frameworks/_data"


def test_find_folder_by_default_holds_the_bundled_files() -> None:
    folder = find_folder()
    assert sorted(entry.name for entry in folder.iterdir() if entry.name != "__pycache__") == [
        "MANIFEST.json",
        "adults.yaml",
        "care-homes.yaml",
        "carers.yaml",
        "crosswalks",
    ]


def test_bundled_files_reads_framework_files_in_name_order(tmp_path: Path) -> None:
    (tmp_path / "b.yml").write_bytes(b"b")
    (tmp_path / "A.YAML").write_bytes(b"a")
    (tmp_path / "MANIFEST.json").write_bytes(b"{}")
    (tmp_path / "c.yaml.bak").write_bytes(b"c")
    assert bundled_files(tmp_path) == (("frameworks/A.YAML", b"a"), ("frameworks/b.yml", b"b"))


def test_with_directory_reads_upper_case_endings(tmp_path: Path) -> None:
    text = MINIMAL.read_text(encoding="utf-8")
    shutil.copy(MINIMAL, tmp_path / "Local.YAML")
    (tmp_path / "other.Yml").write_text(
        text.replace("id: local-test", "id: other-test"), encoding="utf-8"
    )
    (tmp_path / "notes.txt").write_text("id: not-read\n", encoding="utf-8")
    (tmp_path / "skipped.yaml.txt").write_text("id: not-read\n", encoding="utf-8")
    registry = Registry().with_directory(tmp_path)
    assert registry.ids == ("local-test", "other-test")
    assert registry.origins == (str(tmp_path / "Local.YAML"), str(tmp_path / "other.Yml"))
    assert repr(registry) == "<Registry: local-test 1.0.0, other-test 1.0.0>"


def test_manifest_matches_the_bundled_frameworks() -> None:
    data = manifest()
    assert sorted(data) == ["adults", "care-homes", "carers"]
    assert (
        data["adults"][bundled().get("adults").version]["sha256"] == bundled().get("adults").digest
    )
    for framework in bundled():
        entry = data[framework.id][framework.version]
        assert sorted(entry) == ["categories", "outcomes", "retired", "sha256"]
        assert entry["sha256"] == framework.digest
        assert entry["outcomes"] == list(framework.outcome_ids)
        assert entry["categories"] == [category.id for category in framework.categories]
