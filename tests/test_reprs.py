"""One-line reprs: they say what an object is and where, never what a record holds."""

from __future__ import annotations

import io
import json
from pathlib import Path

from factories import TODAY
from personal_outcomes import (
    Framework,
    Registry,
    Validator,
    bundled,
    iter_validate,
    validate_files,
    validate_record,
)
from personal_outcomes.validation import RecordResult, Report

DATA = Path(__file__).parent / "data"
MIXED = DATA / "records" / "mixed.jsonl"
MARKER = "MARKER-Jane-Smith"


def test_framework_repr() -> None:
    assert repr(bundled().get("adults")) == "<Framework adults 1.1.0: 3 categories, 15 outcomes>"
    assert [repr(fw) for fw in bundled()] == [
        "<Framework adults 1.1.0: 3 categories, 15 outcomes>",
        "<Framework care-homes 1.1.0: 3 categories, 20 outcomes>",
        "<Framework carers 1.1.0: 4 categories, 14 outcomes>",
    ]
    local = Registry().with_directory(DATA / "frameworks").get("local-test")
    assert repr(local) == "<Framework local-test 1.0.0: 1 category, 2 outcomes>"


def test_category_repr() -> None:
    assert [repr(category) for category in bundled().get("adults").categories] == [
        "<Category quality-of-life (quality-of-life): 6 outcomes>",
        "<Category process (process): 5 outcomes>",
        "<Category change (change): 4 outcomes>",
    ]
    carers = bundled().get("carers")
    assert repr(carers.category("quality-of-life-cared-for-person")) == (
        "<Category quality-of-life-cared-for-person (quality-of-life): 1 outcome>"
    )
    assert repr(carers.category("managing-the-caring-role")) == (
        "<Category managing-the-caring-role (managing-the-caring-role): 4 outcomes>"
    )


def _version(framework: Framework, version: str) -> Framework:
    return Framework.from_data({**framework.to_data(), "version": version})


def test_registry_repr() -> None:
    assert repr(bundled()) == "<Registry: adults 1.1.0, care-homes 1.1.0, carers 1.1.0>"
    assert repr(Registry()) == "<Registry: empty>"
    carers = bundled().get("carers")
    registry = (
        Registry()
        .with_framework(_version(carers, "1.10.0"))
        .with_framework(bundled().get("adults"))
        .with_framework(_version(carers, "1.9.0"))
    )
    # By id, then by version as numbers (1.9.0 before 1.10.0), whatever the order added.
    assert repr(registry) == "<Registry: adults 1.1.0, carers 1.9.0, carers 1.10.0>"


def test_validator_repr() -> None:
    assert repr(Validator()) == "<Validator: 3 frameworks>"
    assert repr(Validator(Registry())) == "<Validator: 0 frameworks>"
    one = Registry().with_framework(bundled().get("adults"))
    assert repr(Validator(one, today=TODAY, include_values=True)) == "<Validator: 1 framework>"
    versions = bundled().with_framework(_version(bundled().get("adults"), "2.0.0"))
    assert repr(Validator(versions)) == "<Validator: 4 frameworks>"


def test_validator_properties() -> None:
    validator = Validator(today=TODAY, include_values=True)
    assert (validator.registry, validator.today, validator.include_values) == (
        bundled(),
        TODAY,
        True,
    )
    default = Validator()
    assert (default.today, default.include_values) == (None, False)


def test_record_result_reprs_from_a_file() -> None:
    missing = str(DATA / "records" / "no-such-file.jsonl")
    results = list(iter_validate([MIXED, missing], today=TODAY))
    assert [repr(result) for result in results] == [
        f"<RecordResult {MIXED}:1 record 0: valid, 0 errors, 0 warnings>",
        f"<RecordResult {MIXED}:3 record 1: invalid, 1 errors, 0 warnings>",
        f"<RecordResult {MIXED}:4 record 2: invalid, 1 errors, 2 warnings>",
        f"<RecordResult {MIXED}:5 record 3: valid, 0 errors, 2 warnings>",
        f"<RecordResult {MIXED}:6 record 4: invalid, 2 errors, 0 warnings>",
        # A file that cannot be read: no line, no record.
        f"<RecordResult {missing} record None: invalid, 1 errors, 0 warnings>",
    ]
    assert [str(result) for result in results] == [repr(result) for result in results]


def test_record_result_repr_without_a_line() -> None:
    valid = validate_record(
        {
            "record_id": "r-1",
            "framework": "carers",
            "person_id": "p-1",
            "recorded_on": "2026-03-01",
            "stage": "review",
            "outcomes": [
                {"outcome": "satisfaction-in-caring", "what_matters": "Walks", "status": "met"},
                {"outcome": "satisfaction-in-caring", "what_matters": "Walks", "status": "met"},
            ],
        },
        today=TODAY,
    )
    assert repr(valid) == "<RecordResult <record> record 0: valid, 0 errors, 1 warnings>"
    invalid = Validator(today=TODAY).validate_record({"record_id": "r-1"}, source="form")
    assert repr(invalid) == "<RecordResult form record 0: invalid, 5 errors, 0 warnings>"
    spoiled = RecordResult(
        source="s.csv", index=2, line=None, record_id=None, issues=(), spoiled=True
    )
    assert repr(spoiled) == "<RecordResult s.csv record 2: invalid, 0 errors, 0 warnings>"


def test_report_reprs() -> None:
    assert repr(validate_files([MIXED], today=TODAY)) == (
        "<Report 5 records: 2 valid, 3 invalid; 4 errors, 4 warnings>"
    )
    assert repr(validate_files([MIXED], today=TODAY, max_issues=2)) == (
        "<Report 5 records: 2 valid, 3 invalid; 4 errors, 4 warnings, truncated>"
    )
    assert repr(validate_files([], today=TODAY)) == (
        "<Report 0 records: 0 valid, 0 invalid; 0 errors, 0 warnings>"
    )
    assert repr(Report(records=1, valid=1, invalid=0, truncated=False, issues=())) == (
        "<Report 1 records: 1 valid, 0 invalid; 0 errors, 0 warnings>"
    )


# ---- no personal data ---------------------------------------------------------------


def _marked(marker: str, framework: str) -> dict[str, object]:
    """Return a record with the marker as the value of every field."""
    return {
        "record_id": marker,
        "framework": framework,
        "framework_version": marker,
        "person_id": marker,
        "recorded_on": marker,
        "stage": marker,
        "context": {"team": marker},
        "notes": marker,
        "outcomes": [
            {
                "outcome": marker,
                "what_matters": marker,
                "why_it_matters": marker,
                "contributions": [{"by": marker, "what": marker}],
                "status": marker,
                "status_note": marker,
                "colour": marker,
            },
            marker,
        ],
        "shoe_size": marker,
    }


def _valid_marked(marker: str) -> dict[str, object]:
    """Return a valid record with the marker in every free-text field."""
    return {
        "record_id": "r-1",
        "framework": "adults",
        "person_id": marker,
        "recorded_on": "2026-03-01",
        "stage": "review",
        "context": {"team": marker},
        "notes": marker,
        "outcomes": [
            {
                "outcome": "seeing-people",
                "what_matters": marker,
                "why_it_matters": marker,
                "contributions": [{"by": "person", "what": marker}],
                "status": "met",
                "status_note": marker,
            }
        ],
    }


def _texts(*items: RecordResult | Report) -> list[str]:
    texts: list[str] = []
    for item in items:
        texts += [repr(item), str(item)]
        texts += [str(issue) for issue in item.issues]
        texts += [issue.message for issue in item.issues]
    return texts


def test_no_repr_or_message_holds_a_value_from_the_record(tmp_path: Path) -> None:
    records = [
        _marked(MARKER, MARKER),
        _marked(MARKER, "adults"),
        _valid_marked(MARKER),
        {**_valid_marked(MARKER), "record_id": "r-1"},  # a duplicate id
    ]
    path = tmp_path / "marked.jsonl"
    path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    validator = Validator(today=TODAY)
    one = [validator.validate_record(record) for record in records]
    results = list(validator.iter_validate([path]))
    report = validator.validate_files([path])
    stream = list(validator.iter_stream(io.BytesIO(path.read_bytes()), source="stream.jsonl"))
    # Every part of the record was checked: the results are what they should be.
    fields = [
        ("", "schema"),
        ("/framework_version", "schema"),
        ("/recorded_on", "schema"),
        ("/stage", "schema"),
        ("/outcomes/0", "schema"),
        ("/outcomes/0/contributions/0/by", "schema"),
    ]
    assert [[(i.pointer, i.code) for i in result.issues] for result in results] == [
        [*fields, ("/outcomes/1", "schema"), ("/framework", "unknown-framework")],
        [
            *fields,
            ("/outcomes/0/status", "schema"),
            ("/outcomes/1", "schema"),
            ("/outcomes/0/outcome", "unknown-outcome"),
            ("/record_id", "duplicate-record-id"),
        ],
        [],
        [("/record_id", "duplicate-record-id")],
    ]
    assert report.records == 4
    assert results[2].record().notes == MARKER  # the value is there, in the data only
    texts = _texts(*one, *results, *stream, report)
    assert len(texts) > 80
    assert [text for text in texts if MARKER in text or "MARKER" in text] == []


def test_an_unsafe_record_id_is_never_quoted() -> None:
    unsafe = "MARKER Jane Smith"
    result = validate_record(_marked(unsafe, "adults"), today=TODAY)
    assert result.record_id is None
    assert {issue.record_id for issue in result.issues} == {None}
    texts = [repr(result), *(repr(issue) for issue in result.issues), *_texts(result)]
    assert [text for text in texts if "MARKER" in text] == []
