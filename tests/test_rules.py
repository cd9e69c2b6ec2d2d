"""Every structural rule of record format v1, one case each: pointer and message."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from factories import TODAY
from factories import outcome_record as _outcome
from factories import record as _record
from personal_outcomes import validate_files, validate_record

OUTCOME = "/outcomes/0"


CASES = [
    # record level
    ("record_id empty", _record(record_id=""), "/record_id", "must not be empty"),
    ("record_id long", _record(record_id="r" * 101), "/record_id", "longer than the maximum of 100"),
    ("record_id spaces", _record(record_id="r 1"), "/record_id", "without spaces"),
    ("record_id null", _record(record_id=None), "/record_id", "must be text, not null"),
    ("person_id list", _record(person_id=["p"]), "/person_id", "must be text, not a list"),
    ("missing field", {k: v for k, v in _record().items() if k != "stage"}, "", "missing required field 'stage'"),
    ("framework number", _record(framework=3), "/framework", "must be text, not a number"),
    ("version shape", _record(framework_version="1.0"), "/framework_version", "MAJOR.MINOR.PATCH"),
    ("version null", _record(framework_version=None), "/framework_version", "MAJOR.MINOR.PATCH, not null"),
    ("date shape", _record(recorded_on="1/3/2026"), "/recorded_on", "YYYY-MM-DD"),
    ("date object", _record(recorded_on={"y": 2026}), "/recorded_on", "not an object"),
    ("stage", _record(stage="planning"), "/stage", "one of: assessment, support-planning, review"),
    ("stage bool", _record(stage=True), "/stage", "not true/false"),
    ("context type", _record(context=["team"]), "/context", "an object of text fields"),
    ("context empty", _record(context={}), "/context", "at least one field"),
    ("context big", _record(context={f"k{i}": "v" for i in range(51)}), "/context", "maximum of 50"),
    ("context key", _record(context={"1 team": "north"}), "/context", "must start with a letter"),
    ("context value", _record(context={"team": ""}), "/context/team", "not be empty"),
    ("context long", _record(context={"team": "x" * 201}), "/context/team", "maximum of 200"),
    ("notes", _record(notes=" \t"), "/notes", "only spaces"),
    ("notes long", _record(notes="x" * 10_001), "/notes", "maximum of 10000"),
    ("outcomes type", _record(outcomes={"a": 1}), "/outcomes", "a list of outcomes"),
    ("outcomes empty", _record(outcomes=[]), "/outcomes", "at least one outcome"),
    ("not a record", ["a", "list"], "", "an object (mapping) of fields, not a list"),
    # outcomes
    ("outcome type", _record(outcomes=["seeing-people"]), OUTCOME, "an object (mapping) of fields"),
    ("outcome extra", _outcome(colour="red"), OUTCOME, "unknown field 'colour'"),
    ("outcome odd key", _outcome(**{"Cölour !": "red"}), OUTCOME, "unusual name"),
    ("outcome missing", {**_record(), "outcomes": [{"outcome": "seeing-people"}]}, OUTCOME, "missing required field 'what_matters'"),
    ("outcome id type", _outcome(outcome=7), f"{OUTCOME}/outcome", "an outcome id (text), not a number"),
    ("what long", _outcome(what_matters="x" * 2001), f"{OUTCOME}/what_matters", "maximum of 2000"),
    ("why", _outcome(why_it_matters=""), f"{OUTCOME}/why_it_matters", "not be empty"),
    ("status note", _outcome(status_note=5.5), f"{OUTCOME}/status_note", "not a number"),
    ("contributions type", _outcome(contributions="person: x"), f"{OUTCOME}/contributions", "a list of contributions"),
    ("contributions empty", _outcome(contributions=[]), f"{OUTCOME}/contributions", "at least one"),
    ("contributions many", _outcome(contributions=[{"by": "person", "what": str(i)} for i in range(21)]), f"{OUTCOME}/contributions", "maximum of 20"),
    ("contribution no by", _outcome(contributions=[{"what": "x"}]), f"{OUTCOME}/contributions/0", "missing required field 'by'"),
    ("contribution no what", _outcome(contributions=[{"by": "person"}]), f"{OUTCOME}/contributions/0", "missing required field 'what'"),
    ("contribution extra", _outcome(contributions=[{"by": "person", "what": "x", "when": "now"}]), f"{OUTCOME}/contributions/0", "unknown field 'when'"),
    ("contribution what", _outcome(contributions=[{"by": "person", "what": "x" * 1001}]), f"{OUTCOME}/contributions/0/what", "maximum of 1000"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("record", "pointer", "message"), [case[1:] for case in CASES], ids=[c[0] for c in CASES]
)
def test_rule(record: Any, pointer: str, message: str) -> None:
    """Each rule gives one schema issue at its pointer, saying what the field must be."""
    [issue] = validate_record(record, today=TODAY).issues
    assert (issue.pointer, issue.code) == (pointer, "schema")
    assert message in issue.message


def test_many_outcomes() -> None:
    """More than 50 outcomes is too many."""
    outcomes = [{"outcome": "seeing-people", "what_matters": f"x{i}"} for i in range(51)]
    [issue] = validate_record(_record(outcomes=outcomes), today=TODAY).issues
    assert (issue.pointer, issue.message) == (
        "/outcomes",
        "holds more than the maximum of 50 outcomes",
    )


def test_unknown_framework_still_checks_structure() -> None:
    """With an unknown framework, the structure is still checked, ids and levels are not."""
    record = _record(
        framework="elsewhere",
        stage="review",
        outcomes=[{"outcome": "anything", "what_matters": "x", "status": ""}],
    )
    issues = validate_record(record, today=TODAY).issues
    assert [(i.pointer, i.code) for i in issues] == [
        ("/outcomes/0/status", "schema"),
        ("/framework", "unknown-framework"),
    ]
    assert issues[0].message == "must not be empty"
    status_text = _record(
        framework="elsewhere",
        stage="review",
        outcomes=[{"outcome": "x", "what_matters": "x", "status": 3}],
    )
    first = validate_record(status_text, today=TODAY).issues[0]
    assert first.message == "must be a review level id, not a number"
    no_status = _record(framework="elsewhere", stage="review")
    assert "counted as unrated" in validate_record(no_status, today=TODAY).issues[1].message


@pytest.mark.parametrize(
    ("record", "pointer", "message"), [case[1:] for case in CASES], ids=[c[0] for c in CASES]
)
def test_rule_in_json_lines(tmp_path: Path, record: Any, pointer: str, message: str) -> None:
    """The JSON Lines path (which skips building clean records) finds the same issue."""
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    [issue] = validate_files([path], today=TODAY).issues
    assert (issue.pointer, issue.code) == (pointer, "schema")
    assert message in issue.message


MORE = [
    _record(stage="review"),
    _record(recorded_on="2027-01-01"),
    _record(context={"team": " "}),
    _record(context={"1 team": "x"}),
    _record(notes=" "),
    _record(framework_version="1.0.0", context={"team": "north"}, notes="Fine"),
    _outcome(why_it_matters=" "),
    _outcome(contributions=[{"by": "person", "what": " "}]),
    _outcome(status="met"),
    _outcome(status_note=" "),
    _record(
        stage="review",
        outcomes=[{"outcome": "seeing-people", "what_matters": "x", "status": "done"}],
    ),
    _record(outcomes=[{"outcome": "seeing-people", "what_matters": "x"}] * 2),
    _record(outcomes=[{"outcome": "seeing-people", "what_matters": " "}]),
    _record(person_id="a b"),
]


@pytest.mark.parametrize("record", MORE)
def test_json_lines_and_records_agree(tmp_path: Path, record: Any) -> None:
    """A record gives the same issues from a JSON Lines file as from Python."""
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    from_file = [(i.pointer, i.code) for i in validate_files([path], today=TODAY).issues]
    direct = [(i.pointer, i.code) for i in validate_record(record, today=TODAY).issues]
    assert from_file == direct


@pytest.mark.parametrize(
    ("value", "named"),
    [
        (("a", "b"), "a Python tuple"),
        (b"bytes", "a Python bytes"),
        (dt.date(2026, 3, 1), "a date or time"),
    ],
)
def test_python_values_are_named(value: Any, named: str) -> None:
    """Values built in Python that no file format has are named plainly."""
    [issue] = validate_record(_record(notes=value), today=TODAY).issues
    assert issue.message.endswith(named) or named in issue.message
