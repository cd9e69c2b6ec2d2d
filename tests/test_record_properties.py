"""Property-based tests of record validation.

* The fast check that proves a record clean agrees with the full check that
  collects every issue, on the corpus and on generated records.
* The full check agrees with the published per-framework JSON Schemas.
* Any valid record round-trips through every input format and the typed model.
* Hostile input never raises anything but the library's own errors, and no
  message ever echoes a value from the record.
"""

from __future__ import annotations

import copy
import io
import json

import jsonschema
import pytest
import yaml
from hypothesis import example, given
from hypothesis import strategies as st

from factories import TODAY
from personal_outcomes import OutcomesRecord, Validator, bundled
from personal_outcomes._formats._csv import write_csv
from personal_outcomes._releases import earlier_releases
from personal_outcomes.schemas import record_schema
from personal_outcomes.validation import ISSUE_CODES, IssueCode
from personal_outcomes.validation._run import Engine
from strategies import mutated_records, records
from test_corpus import FILES

VALIDATOR = Validator(today=TODAY)
# The quick check, the full check and the line check are internal paths; their agreement
# is the point of this module.
ENGINE = Engine(bundled(), today=TODAY)


def _validator(schema: dict[str, object]) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


# The schema of every version a record may name: the newest (also for no version) and
# every earlier release of a bundled framework.
SCHEMAS = {
    (framework.id, version): _validator(record_schema(framework, version=version))
    for framework in bundled().latest()
    for version in (None, framework.version, *(r.version for r in earlier_releases(framework)))
}


def _fast(data: object) -> bool:
    return ENGINE.quick(copy.deepcopy(data))


def _full(data: object) -> list[tuple[IssueCode, str]]:
    found = ENGINE.checker.check(copy.deepcopy(data))
    return [(code, message) for _, code, message, _ in found]


def _errors(data: object) -> list[str]:
    return [code for code, _ in _full(data) if ISSUE_CODES[code] == "error"]


def _schema_valid(data: object) -> bool | None:
    """The per-framework schema's verdict, or None when no framework schema applies."""
    if not isinstance(data, dict):
        return None
    framework, version = data.get("framework"), data.get("framework_version")
    if not isinstance(framework, str) or (framework, None) not in SCHEMAS:
        return None
    # A version that is not known: the newest schema, whose const rejects it.
    newest = SCHEMAS[(framework, None)]
    schema = SCHEMAS.get((framework, version), newest) if isinstance(version, str) else newest
    return schema.is_valid(data)


def test_fast_and_full_agree_on_the_corpus() -> None:
    """On every record of the corpus, the fast check is clean exactly when the full one is."""
    count = 0
    for path in FILES:
        for result in Validator(today=TODAY).iter_validate([path]):
            if result.data is not None:
                count += 1
                assert _fast(result.data) == (_full(result.data) == []), (path, result.index)
    assert count > 20


@given(st.one_of(records(), mutated_records()))
def test_fast_and_full_agree(data: object) -> None:
    """On generated records, valid or broken, the fast and full checks agree."""
    assert _fast(data) == (_full(data) == [])


@given(st.one_of(records(), mutated_records()))
@example(
    {
        "record_id": "r",
        "framework": "adults",
        "person_id": "p",
        "recorded_on": "2026-03-01",
        "stage": "review",
        "outcomes": [{"outcome": "seeing-people", "what_matters": "x"}],
    }
)
def test_checker_agrees_with_the_published_schema(data: object) -> None:
    """The checker finds an error exactly when the framework's JSON Schema rejects the record."""
    verdict = _schema_valid(data)
    if verdict is not None:
        assert verdict == (_errors(data) == []), _full(data)


BASE = {
    "record_id": "r",
    "framework": "adults",
    "person_id": "p",
    "recorded_on": "2026-03-01",
    "stage": "assessment",
    "outcomes": [{"outcome": "seeing-people", "what_matters": "x"}],
}


@pytest.mark.parametrize(
    "change",
    [
        {"record_id": "r\n"},
        {"person_id": "p\n"},
        {"framework_version": "1.0.0\n"},
        {"recorded_on": "2026-03-01\n"},
        {"context": {"team\n": "x"}},
        {"context": {"team": "x"}},
    ],
)
def test_schema_and_checker_agree_at_the_end_of_the_text(change: dict[str, object]) -> None:
    """A final newline breaks an id, a version or a date for the schema and the checker alike."""
    record = BASE | change
    valid = change == {"context": {"team": "x"}}
    assert _schema_valid(record) == (_errors(record) == []) == valid


def test_checker_agrees_with_the_schema_on_the_corpus() -> None:
    """On the corpus too, checker errors and schema verdicts agree."""
    for path in FILES:
        for result in Validator(today=TODAY).iter_validate([path]):
            verdict = _schema_valid(result.data)
            if verdict is not None and not any(i.code == "parse-error" for i in result.issues):
                assert verdict == (_errors(result.data) == []), (path, result.index)


def _read(text: bytes, fmt: str) -> list[object]:
    results = list(VALIDATOR.iter_stream(io.BytesIO(text), source=f"x.{fmt}", input_format=fmt))
    assert all(result.valid for result in results), [r.issues for r in results]
    return [result.data for result in results]


@given(records())
def test_valid_records_round_trip_through_every_format(record: dict[str, object]) -> None:
    """A valid record reads back unchanged from JSON, JSON Lines, YAML and CSV."""
    assert _read(json.dumps(record).encode(), "json") == [record]
    assert _read(json.dumps([record, record | {"record_id": "other"}]).encode(), "json") == [
        record,
        record | {"record_id": "other"},
    ]
    assert _read((json.dumps(record) + "\n").encode(), "jsonl") == [record]
    text = yaml.safe_dump(record, allow_unicode=True, sort_keys=False)
    assert _read(text.encode(), "yaml") == [record]
    buffer = io.StringIO(newline="")
    write_csv([record], buffer)
    assert _read(buffer.getvalue().encode(), "csv") == [record]


@given(records())
def test_valid_records_round_trip_through_the_typed_model(record: dict[str, object]) -> None:
    """A valid record becomes a typed record and back into the same data."""
    typed = VALIDATOR.validate_record(record).record()
    assert typed.to_data() == record
    assert OutcomesRecord.from_data(typed.to_data()) == typed


SECRET = "⟦secret⟧"  # noqa: S105 (a marker, not a password)
SECRET_WORDS = st.text(alphabet="abc ", max_size=5).map(lambda s: f"{SECRET}{s}{SECRET}")


@given(
    st.one_of(records(SECRET_WORDS), mutated_records()), st.sampled_from(["json", "yaml", "csv"])
)
@example(None, "csv")
def test_messages_never_echo_record_values(record: object, fmt: str) -> None:
    """Whatever the record holds, no issue message repeats its text."""
    if isinstance(record, dict):
        record = dict(record, person_id=f"{SECRET}p", record_id=f"{SECRET}r")
    if fmt == "json":
        data = json.dumps(record).encode()
    elif fmt == "yaml":
        data = yaml.safe_dump(record, allow_unicode=True).encode()
    else:
        buffer = io.StringIO(newline="")
        try:
            write_csv([record], buffer)  # type: ignore[list-item]
        except (TypeError, ValueError):
            return
        data = buffer.getvalue().encode()
    for result in VALIDATOR.iter_stream(io.BytesIO(data), source="x", input_format=fmt):
        for issue in result.issues:
            assert "⟦" not in issue.message
            assert issue.value is None


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


@given(JSON)
def test_arbitrary_json_gives_issues_not_exceptions(data: object) -> None:
    """Any JSON value is checked without raising; non-records are schema issues."""
    text = json.dumps(data).encode()
    results = list(VALIDATOR.iter_stream(io.BytesIO(text), source="x.json"))
    if isinstance(data, list):
        assert len(results) == len(data)
    else:
        assert len(results) == 1


@given(st.binary(max_size=300), st.sampled_from(["json", "jsonl", "yaml", "csv"]))
@example(b"\xff\xfe{}", "csv")
@example(b"[1, 2", "json")
@example(b"- a: &x 1\n- *x\n", "yaml")
def test_arbitrary_bytes_never_raise(data: bytes, fmt: str) -> None:
    """Arbitrary bytes in any format give results and issues, never an exception."""
    for result in VALIDATOR.iter_stream(io.BytesIO(data), source="x", input_format=fmt):
        # A record, or a fault of the file itself (an error of no record).
        assert result.index is not None or [i.record for i in result.issues] == [None] * len(
            result.issues
        )
        assert result.index is not None or result.issues


def _line_clean_by_dict_path(line: bytes) -> bool:
    results = list(VALIDATOR.iter_stream(io.BytesIO(line), source="x.jsonl"))
    return len(results) == 1 and results[0].issues == ()


@pytest.mark.compiled
def test_line_check_agrees_on_the_corpus() -> None:
    """The JSON Lines fast path proves clean exactly the lines the full path finds clean."""
    checked = 0
    for path in FILES:
        for result in Validator(today=TODAY).iter_validate([path]):
            if isinstance(result.data, dict | list | str):
                try:
                    line = json.dumps(result.data).encode()
                except TypeError:  # YAML data can hold values JSON cannot (a datetime)
                    continue
                assert (ENGINE.line_check(line) is not None) == _line_clean_by_dict_path(line)
                checked += 1
    assert checked > 20


@pytest.mark.compiled
@given(st.one_of(records(), mutated_records()))
@example({"record_id": "r", "framework": "adults", "framework_version": None})
def test_line_check_agrees(data: object) -> None:
    """On generated records, the JSON Lines fast path agrees with the full check."""
    line = json.dumps(data).encode()
    found = ENGINE.line_check(line)
    assert (found is not None) == _line_clean_by_dict_path(line)
    if found is not None:
        assert isinstance(data, dict)
        assert found == data["record_id"]


@given(st.binary(max_size=200))
@example(b'{"record_id": "\\ud800"}')
@example(b"\xff")
def test_line_check_never_raises(line: bytes) -> None:
    """Any bytes are either proved clean or left to the full path, never an exception."""
    assert ENGINE.line_check(line) is None or _line_clean_by_dict_path(line)
