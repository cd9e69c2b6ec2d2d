"""Rules checked by their exact issue lists: every issue, in order, and nothing more.

Each case gives the whole list of (pointer, code, message), so a spurious extra
issue, a lost one or a reworded one fails, and most lists hold two or more bad
items, so a check that stopped at the first bad one fails too. Each record is
checked through :func:`validate_record` and as a file in JSON, JSON Lines (through
:func:`validate_files`, which takes the fast path) and YAML. A local framework
with a retired outcome is taken through every path, CSV included; the CSV
reader's header and row faults are checked for their line, their record and
whether the rest of the file was read, and the CSV writer's faults for the
record, the place and the problem they name.
"""

from __future__ import annotations

import enum
import io
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
import yaml

from factories import TODAY, record
from personal_outcomes import Registry, Validator, bundled, validate_files, validate_record
from personal_outcomes._formats._csv import write_csv
from personal_outcomes.errors import RecordWriteError
from personal_outcomes.validation import Issue
from personal_outcomes.validation import _check as check_module

DATA = Path(__file__).parent / "data"
#: tests/data/frameworks/minimal.yaml: framework 'local-test', whose 'old-outcome' is
#: retired and replaced by 'being-outdoors'; its review levels are achieved, not-achieved.
LOCAL = DATA / "frameworks"
Found = tuple[str, str, str]

CONTEXT_NAME = (
    "a context field name must start with a letter and hold only letters, digits, '_' and "
    "'-' (at most 64)"
)
NOT_EMPTY = "must not be empty or only spaces"
LEVELS = "met, partly-met, not-met, no-longer-relevant"
OUTSIDE_REVIEW = "a status is recorded at a stage other than review; statuses belong to reviews"
UNRATED = (
    "no status at a review: the outcome is counted as unrated; if it was discussed, "
    "record how far it was achieved"
)
ADULTS = "not an outcome id of framework 'adults' 1.1.0"
RETIRED = "this outcome is retired in framework 'local-test' 1.0.0; record 'being-outdoors' instead"
FUTURE = "recorded_on is after today's date everywhere on Earth (UTC+14); check the date"
NO_SUCH_FRAMEWORK = "no framework with this id is known (known: adults, care-homes, carers)"


def _repeats(first: int) -> str:
    return (
        f"repeats outcome /outcomes/{first} of this record (same outcome and the same "
        "what_matters); record it once"
    )


def _unknown(key: str) -> str:
    return f"unknown field '{key}'; the record format allows no other fields: remove it"


def _o(what: object = "My pals", **changes: Any) -> dict[str, Any]:
    return {"outcome": "seeing-people", "what_matters": what, **changes}


def _found(issues: Iterable[Issue]) -> list[Found]:
    return [(issue.pointer, issue.code, issue.message) for issue in issues]


def _local() -> Registry:
    return bundled().with_directory(LOCAL)


# name, record, the exact issues
CASES: list[tuple[str, dict[str, Any], list[Found]]] = [
    (
        "every required field missing",
        {},
        [
            ("", "schema", f"missing required field '{name}'")
            for name in ("record_id", "framework", "person_id", "recorded_on", "stage", "outcomes")
        ],
    ),
    (
        "two unknown fields, one not key-like",
        record(colour="red", **{"Bad key!": 1}),
        [
            ("", "schema", _unknown("colour")),
            (
                "",
                "schema",
                "an unknown field with an unusual name; the record format allows no other fields",
            ),
        ],
    ),
    (
        "every record-level field of the wrong type",
        record(
            record_id=3,
            person_id=True,
            framework=None,
            recorded_on=20260301,
            stage=None,
            context="x",
            notes=5,
            outcomes="x",
        ),
        [
            ("/record_id", "schema", "must be text, not a number"),
            ("/person_id", "schema", "must be text, not true/false"),
            ("/framework", "schema", "must be text, not null"),
            (
                "/recorded_on",
                "schema",
                "must be a real calendar date written YYYY-MM-DD, not a number",
            ),
            ("/stage", "schema", "must be one of: assessment, support-planning, review, not null"),
            ("/context", "schema", "must be an object of text fields"),
            ("/notes", "schema", "must be text, not a number"),
            ("/outcomes", "schema", "must be a list of outcomes"),
        ],
    ),
    (
        "every record-level text wrong, unknown framework last",
        record(
            record_id="",
            person_id="a b",
            framework="zzz",
            framework_version="1.0",
            recorded_on="2026-02-30",
            stage="x",
            notes=" ",
            context={"team": "x" * 201},
        ),
        [
            ("/record_id", "schema", "must not be empty"),
            (
                "/person_id",
                "schema",
                "must be an identifier without spaces (never a person's name)",
            ),
            ("/framework_version", "schema", "must be a version written MAJOR.MINOR.PATCH"),
            ("/recorded_on", "schema", "must be a real calendar date written YYYY-MM-DD"),
            ("/stage", "schema", "must be one of: assessment, support-planning, review"),
            ("/context/team", "schema", "is longer than the maximum of 200 characters"),
            ("/notes", "schema", NOT_EMPTY),
            ("/framework", "unknown-framework", NO_SUCH_FRAMEWORK),
        ],
    ),
    (
        "an unknown version of a known framework",
        record(framework_version="2.0.0", recorded_on="2026-13-01"),
        [
            ("/recorded_on", "schema", "must be a real calendar date written YYYY-MM-DD"),
            (
                "/framework_version",
                "unknown-framework",
                "framework 'adults' has no such version (known: 1.0.0, 1.1.0)",
            ),
        ],
    ),
    (
        "a close framework id is suggested",
        record(framework="adult"),
        [("/framework", "unknown-framework", NO_SUCH_FRAMEWORK[:-1] + "); did you mean 'adults'?")],
    ),
    (
        "two bad context names, then two bad values",
        record(context={"1a": "x", "team": "", "2b": "y", "area": " "}),
        [
            ("/context", "schema", CONTEXT_NAME),
            ("/context/team", "schema", NOT_EMPTY),
            ("/context", "schema", CONTEXT_NAME),
            ("/context/area", "schema", NOT_EMPTY),
        ],
    ),
    (
        "a context value that is not text, after a name that is not text-like",
        record(context={"team": ["north"], "ok": "x", "Z z": "y"}),
        [
            ("/context/team", "schema", "must be text, not a list"),
            ("/context", "schema", CONTEXT_NAME),
        ],
    ),
    (
        "two outcomes that are not objects",
        record(outcomes=["a", 3, _o()]),
        [
            ("/outcomes/0", "schema", "must be an object (mapping) of fields"),
            ("/outcomes/1", "schema", "must be an object (mapping) of fields, not a number"),
        ],
    ),
    (
        "two outcomes missing fields",
        record(outcomes=[{}, {"outcome": "seeing-people", "colour": "red"}]),
        [
            ("/outcomes/0", "schema", "missing required field 'outcome'"),
            ("/outcomes/0", "schema", "missing required field 'what_matters'"),
            ("/outcomes/1", "schema", _unknown("colour")),
            ("/outcomes/1", "schema", "missing required field 'what_matters'"),
        ],
    ),
    (
        "outcome ids and texts of the wrong type",
        record(
            framework_version="1.0.0",
            outcomes=[_o(outcome=5), _o(what=5), _o(outcome=None, what=None)],
        ),
        [
            ("/outcomes/0/outcome", "schema", "must be an outcome id (text), not a number"),
            ("/outcomes/1/what_matters", "schema", "must be text, not a number"),
            ("/outcomes/2/outcome", "schema", "must be an outcome id (text), not null"),
            ("/outcomes/2/what_matters", "schema", "must be text, not null"),
        ],
    ),
    (
        "outcomes repeated with ids or texts that are not text are no repeats",
        record(outcomes=[_o(outcome=5), _o(outcome=5), _o(what=["x"]), _o(what=["x"])]),
        [
            ("/outcomes/0/outcome", "schema", "must be an outcome id (text), not a number"),
            ("/outcomes/1/outcome", "schema", "must be an outcome id (text), not a number"),
            ("/outcomes/2/what_matters", "schema", "must be text, not a list"),
            ("/outcomes/3/what_matters", "schema", "must be text, not a list"),
        ],
    ),
    (
        "every optional outcome text wrong, in two outcomes",
        record(
            outcomes=[
                _o("a", why_it_matters=" ", status_note=""),
                _o("b", why_it_matters="x" * 2001, status_note=3),
            ]
        ),
        [
            ("/outcomes/0/why_it_matters", "schema", NOT_EMPTY),
            ("/outcomes/0/status_note", "schema", NOT_EMPTY),
            (
                "/outcomes/1/why_it_matters",
                "schema",
                "is longer than the maximum of 2000 characters",
            ),
            ("/outcomes/1/status_note", "schema", "must be text, not a number"),
        ],
    ),
    (
        "three bad contributions in one list",
        record(
            outcomes=[
                _o(
                    contributions=[
                        "x",
                        {"by": "nobody", "what": ""},
                        {"who": 1},
                        {"by": "person", "what": "ok"},
                    ]
                )
            ]
        ),
        [
            ("/outcomes/0/contributions/0", "schema", "must be an object with by and what"),
            (
                "/outcomes/0/contributions/1/by",
                "schema",
                "must be one of: person, family-and-friends, community, services",
            ),
            ("/outcomes/0/contributions/1/what", "schema", NOT_EMPTY),
            ("/outcomes/0/contributions/2", "schema", _unknown("who")),
            ("/outcomes/0/contributions/2", "schema", "missing required field 'by'"),
            ("/outcomes/0/contributions/2", "schema", "missing required field 'what'"),
        ],
    ),
    (
        "a contribution by someone not in the list, the only fault",
        record(outcomes=[_o(contributions=[{"by": "nobody", "what": "Call"}])]),
        [
            (
                "/outcomes/0/contributions/0/by",
                "schema",
                "must be one of: person, family-and-friends, community, services",
            )
        ],
    ),
    (
        "bad contributions in two outcomes",
        record(
            outcomes=[
                _o("a", contributions=[{"by": 1, "what": "x"}]),
                _o("b", contributions={}),
                _o("c", contributions=[{"by": "person", "what": 2}]),
            ]
        ),
        [
            (
                "/outcomes/0/contributions/0/by",
                "schema",
                "must be one of: person, family-and-friends, community, services, not a number",
            ),
            (
                "/outcomes/1/contributions",
                "schema",
                "must be a list of contributions, not an object",
            ),
            ("/outcomes/2/contributions/0/what", "schema", "must be text, not a number"),
        ],
    ),
    (
        "three different unknown outcome ids, three different hints",
        record(
            outcomes=[
                _o(outcome="seeing-peple"),
                _o(outcome="Seeing people"),
                _o(outcome="zzzzzzzzzz"),
                _o(outcome="seeing-peple", what="b"),
            ]
        ),
        [
            ("/outcomes/0/outcome", "unknown-outcome", f"{ADULTS}; did you mean 'seeing-people'?"),
            (
                "/outcomes/1/outcome",
                "unknown-outcome",
                f"{ADULTS}; it matches the label of 'seeing-people': record that id",
            ),
            (
                "/outcomes/2/outcome",
                "unknown-outcome",
                f"{ADULTS}; see `personal-outcomes show adults` for the ids",
            ),
            ("/outcomes/3/outcome", "unknown-outcome", f"{ADULTS}; did you mean 'seeing-people'?"),
        ],
    ),
    (
        "at review, a missing status and a status that is not a level",
        record(
            stage="review",
            outcomes=[_o("a"), _o("b", status="done"), _o("c", status="met"), _o("d")],
        ),
        [
            ("/outcomes/1/status", "schema", f"must be one of: {LEVELS}"),
            (
                "/outcomes/0",
                "status-missing",
                f"{UNRATED} (one of: {LEVELS})",
            ),
            (
                "/outcomes/3",
                "status-missing",
                f"{UNRATED} (one of: {LEVELS})",
            ),
        ],
    ),
    (
        "statuses outside a review",
        record(
            stage="support-planning",
            outcomes=[_o("a", status="met"), _o("b", status="nope"), _o("c")],
        ),
        [
            ("/outcomes/1/status", "schema", f"must be one of: {LEVELS}"),
            ("/outcomes/0/status", "status-outside-review", OUTSIDE_REVIEW),
            ("/outcomes/1/status", "status-outside-review", OUTSIDE_REVIEW),
        ],
    ),
    (
        "a status at a stage that is not known is only the stage's fault",
        record(stage="planning", recorded_on="2026-12-01", outcomes=[_o(status="met")]),
        [
            ("/stage", "schema", "must be one of: assessment, support-planning, review"),
            ("/recorded_on", "future-date", FUTURE),
        ],
    ),
    (
        "a status in a record without a stage is only the stage's fault",
        {k: v for k, v in record(outcomes=[_o(status="met"), _o("b")]).items() if k != "stage"},
        [("", "schema", "missing required field 'stage'")],
    ),
    (
        "unknown framework: statuses checked for their shape only",
        record(
            framework="zzz",
            stage="review",
            outcomes=[_o("a", status=""), _o("b"), _o("c", status="anything")],
        ),
        [
            ("/outcomes/0/status", "schema", "must not be empty"),
            ("/framework", "unknown-framework", NO_SUCH_FRAMEWORK),
            (
                "/outcomes/1",
                "status-missing",
                UNRATED,
            ),
        ],
    ),
    (
        "a repeated outcome in a record of two",
        record(outcomes=[_o(), _o()]),
        [("/outcomes/1", "duplicate-outcome", _repeats(0))],
    ),
    (
        "two repeated pairs, each pointing at its own first",
        record(outcomes=[_o(), _o("x"), _o(), _o("x"), _o("x", outcome="reliability")]),
        [
            ("/outcomes/2", "duplicate-outcome", _repeats(0)),
            ("/outcomes/3", "duplicate-outcome", _repeats(1)),
        ],
    ),
    (
        "an empty what_matters in a record of two",
        record(outcomes=[_o(), _o("")]),
        [("/outcomes/1/what_matters", "schema", NOT_EMPTY)],
    ),
    (
        "a blank what_matters, repeated",
        record(outcomes=[_o(" "), _o(" ")]),
        [
            ("/outcomes/0/what_matters", "schema", NOT_EMPTY),
            ("/outcomes/1/what_matters", "schema", NOT_EMPTY),
            ("/outcomes/1", "duplicate-outcome", _repeats(0)),
        ],
    ),
    (
        "texts of only space, as the format counts space",
        record(
            notes="\ufeff",
            context={"team": "\x1c\x1f"},
            outcomes=[
                _o(
                    "\u3000 ",
                    why_it_matters="\x85",
                    contributions=[{"by": "person", "what": "\u2028"}],
                )
            ],
        ),
        [
            ("/context/team", "schema", NOT_EMPTY),
            ("/notes", "schema", NOT_EMPTY),
            ("/outcomes/0/what_matters", "schema", NOT_EMPTY),
            ("/outcomes/0/why_it_matters", "schema", NOT_EMPTY),
            ("/outcomes/0/contributions/0/what", "schema", NOT_EMPTY),
        ],
    ),
    (
        "the same what_matters under two outcomes is no repeat",
        record(outcomes=[_o(), _o(outcome="reliability")]),
        [],
    ),
]
IDS = [case[0] for case in CASES]


@pytest.mark.parametrize(("data", "expected"), [case[1:] for case in CASES], ids=IDS)
def test_exact_issues_of_a_record(data: dict[str, Any], expected: list[Found]) -> None:
    """validate_record gives exactly these issues, in this order."""
    result = validate_record(data, today=TODAY)
    assert _found(result.issues) == expected
    assert result.valid == all(code in WARNINGS for _, code, _ in expected)


WARNINGS = {"duplicate-outcome", "future-date", "retired-outcome", "status-outside-review"}


_PLAIN = {
    ", not a number": "a number",
    ", not true/false": "a true/false value",
    ", not null": "null",
}


def _in_yaml(found: Found) -> Found:
    """The issue in YAML, where a field's unquoted scalar of another type is named as such."""
    pointer, code, message = found
    field = pointer.rpartition("/")[2]
    for said, named in _PLAIN.items():
        lists = {"", "context", "outcomes", "contributions"}
        if message.endswith(said) and field not in lists and not field.isdigit():
            message = message.removesuffix(said) + (
                f", but YAML reads this unquoted value as {named}; put it in quotes"
            )
    return pointer, code, message


@pytest.mark.parametrize("fmt", ["jsonl", "json", "yaml"])
@pytest.mark.parametrize(("data", "expected"), [case[1:] for case in CASES], ids=IDS)
def test_exact_issues_in_a_file(
    tmp_path: Path, data: dict[str, Any], expected: list[Found], fmt: str
) -> None:
    """The same record in a file gives the same issues, all on the record's line."""
    path = tmp_path / f"one.{fmt}"
    if fmt == "yaml":
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        expected = [_in_yaml(found) for found in expected]
    else:
        path.write_text(json.dumps(data) + "\n", encoding="utf-8")
    report = validate_files([path], today=TODAY)
    assert _found(report.issues) == expected
    assert report.records == 1
    if fmt != "yaml":  # YAML places each issue on its own value's line
        assert {issue.line for issue in report.issues} <= {1}


def _blank_at(field: str, text: str) -> tuple[dict[str, Any], str]:
    """A record whose one text field ``field`` holds ``text``, and that field's pointer."""
    if field == "notes":
        return record(notes=text), "/notes"
    if field == "context":
        return record(context={"team": "north", "area": text}), "/context/area"
    if field == "what":
        contributions = [{"by": "person", "what": "Call"}, {"by": "services", "what": text}]
        return record(
            outcomes=[_o(contributions=contributions)]
        ), "/outcomes/0/contributions/1/what"
    if field == "status_note":
        outcomes = [_o("a", status="met"), _o(status="met", status_note=text)]
        return record(stage="review", outcomes=outcomes), "/outcomes/1/status_note"
    return record(outcomes=[_o("a"), _o(**{field: text})]), f"/outcomes/1/{field}"


TEXTS = ["notes", "context", "what_matters", "why_it_matters", "status_note", "what"]


@pytest.mark.parametrize("field", TEXTS)
@pytest.mark.parametrize(
    "text", ["\ufeff", "\ufeff \x1c", "\x85\u3000"], ids=["bom", "bom-space-fs", "nel-ideographic"]
)
def test_text_of_only_format_space_is_empty_on_every_path(
    tmp_path: Path, field: str, text: str
) -> None:
    """Space is the format's (U+FEFF too, which Python does not count): one issue per path."""
    data, pointer = _blank_at(field, text)
    expected = [(pointer, "schema", NOT_EMPTY)]
    assert _found(validate_record(data, today=TODAY).issues) == expected
    path = _lines(tmp_path, "blank.jsonl", [data])
    assert _found(validate_files([path], today=TODAY).issues) == expected
    clean, _ = _blank_at(field, text + "x")
    assert validate_record(clean, today=TODAY).issues == ()
    assert validate_files([_lines(tmp_path, "clean.jsonl", [clean])], today=TODAY).issues == ()


# --- several records in one run -----------------------------------------------------------


def _lines(tmp_path: Path, name: str, records: Iterable[dict[str, Any]]) -> Path:
    path = tmp_path / name
    path.write_text("".join(json.dumps(data) + "\n" for data in records), encoding="utf-8")
    return path


def test_different_unknown_ids_in_one_run_get_their_own_hints(tmp_path: Path) -> None:
    """Each wrong id gets its own hint, however often ids recur in a run and in what framework."""
    ids = ["seeing-peple", "Seeing people", "zzzzzzzzzz", "seeing-peple", "Seeing people"]
    first = [record(record_id=f"a-{n}", outcomes=[_o(outcome=i)]) for n, i in enumerate(ids)]
    carers = [
        record(record_id="c-1", framework="carers", outcomes=[_o(outcome="zzzzzzzzzz")]),
        record(record_id="c-2", framework="carers", outcomes=[_o(outcome="seeing-people")]),
    ]
    path = _lines(tmp_path, "many.jsonl", [*first, *carers])
    hints = {
        "seeing-peple": "did you mean 'seeing-people'?",
        "Seeing people": "it matches the label of 'seeing-people': record that id",
        "zzzzzzzzzz": "see `personal-outcomes show adults` for the ids",
    }
    expected = [f"{ADULTS}; {hints[i]}" for i in ids]
    carers_id = "not an outcome id of framework 'carers' 1.1.0"
    expected += [
        f"{carers_id}; see `personal-outcomes show carers` for the ids",
        f"{carers_id}; framework 'adults' has that id: is the framework right?",
    ]
    validator = Validator(today=TODAY)
    for _ in range(2):  # a second run of the same validator gives the same
        report = validator.validate_files([path])
        assert [i.message for i in report.issues] == expected
        assert [(i.record, i.line) for i in report.issues] == [(n, n + 1) for n in range(7)]
    direct = [validator.validate_record(data).issues[0].message for data in [*first, *carers]]
    assert direct == expected


def test_a_recurring_wrong_id_is_worked_out_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The hint for a wrong id is worked out once per run, however often the id recurs."""
    looked_up: list[str] = []
    closest = check_module.closest  # type: ignore[attr-defined]

    def counting(word: str, candidates: list[str]) -> str | None:
        looked_up.append(word)
        return closest(word, candidates)

    monkeypatch.setattr(check_module, "closest", counting)
    ids = ["seeing-peple", "zzzzzzzzzz", "seeing-peple", "zzzzzzzzzz", "seeing-peple"]
    records = [record(record_id=f"r-{n}", outcomes=[_o(outcome=i)]) for n, i in enumerate(ids)]
    report = validate_files([_lines(tmp_path, "again.jsonl", records)], today=TODAY)
    assert [i.message.rpartition("; ")[2] for i in report.issues] == [
        "did you mean 'seeing-people'?",
        "see `personal-outcomes show adults` for the ids",
    ] * 2 + ["did you mean 'seeing-people'?"]
    assert looked_up == ["seeing-peple", "zzzzzzzzzz"]


def test_an_id_of_another_framework_names_that_framework() -> None:
    """An id that is not in the record's framework but is in another one names the other."""
    data = record(framework="carers", outcomes=[_o(outcome="seeing-people")])
    [issue] = validate_record(data, today=TODAY).issues
    assert issue.message == (
        "not an outcome id of framework 'carers' 1.1.0; framework 'adults' has that id: is the "
        "framework right?"
    )


def test_json_lines_fast_path_refuses_every_kind_of_fault(tmp_path: Path) -> None:
    """Lines the fast path must not pass: each gives its issue, and clean lines stay clean."""
    lines = [
        record(record_id="ok-1"),
        record(record_id="bad-1", outcomes=[_o(outcome="seeing-peple")]),
        record(record_id="ok-2", framework_version="1.0.0"),
        record(record_id="bad-2", outcomes=[_o(), _o()]),
        record(record_id="bad-3", stage="review"),
        record(record_id="bad-4", outcomes=[_o(status="met")]),
        record(record_id="bad-5", recorded_on="2026-11-27"),
        record(record_id="bad-6", person_id="p 1"),
        record(record_id="bad 7"),
        record(record_id="bad-8", context={"team": "north", "1x": "y"}),
        record(record_id="bad-9", framework="zzz"),
        record(record_id="bad-10", framework_version="9.9.9"),
        record(record_id="bad-11", stage="review", outcomes=[_o(status="achieved")]),
        record(record_id="ok-3", stage="review", outcomes=[_o(status="met")]),
        record(record_id="ok-1"),
    ]
    report = validate_files([_lines(tmp_path, "mixed.jsonl", lines)], today=TODAY)
    assert [(i.record, i.pointer, i.code) for i in report.issues] == [
        (1, "/outcomes/0/outcome", "unknown-outcome"),
        (3, "/outcomes/1", "duplicate-outcome"),
        (4, "/outcomes/0", "status-missing"),
        (5, "/outcomes/0/status", "status-outside-review"),
        (6, "/recorded_on", "future-date"),
        (7, "/person_id", "schema"),
        (8, "/record_id", "schema"),
        (9, "/context", "schema"),
        (10, "/framework", "unknown-framework"),
        (11, "/framework_version", "unknown-framework"),
        (12, "/outcomes/0/status", "schema"),
        (14, "/record_id", "duplicate-record-id"),
    ]
    assert (report.records, report.valid) == (15, 7)  # bad-3's warning leaves it valid


# --- a local framework with a retired outcome, through every path --------------------------


def _retired_record(**changes: Any) -> dict[str, Any]:
    changes.setdefault("framework", "local-test")
    return record(
        outcomes=[
            {"outcome": "old-outcome", "what_matters": "The park"},
            {"outcome": "being-outdoors", "what_matters": "The sea"},
            {"outcome": "old-outcome", "what_matters": "The hills"},
        ],
        **changes,
    )


RETIRED_ISSUES = [
    ("/outcomes/0/outcome", "retired-outcome", RETIRED),
    ("/outcomes/2/outcome", "retired-outcome", RETIRED),
]


def _csv(*records: dict[str, Any]) -> str:
    rows = ["record_id,framework,person_id,recorded_on,stage,outcome,what_matters"]
    for data in records:
        fields = [data[name] for name in ("record_id", "framework", "person_id")]
        fields += [data["recorded_on"], data["stage"]]
        rows += [",".join([*fields, o["outcome"], o["what_matters"]]) for o in data["outcomes"]]
    return "".join(row + "\n" for row in rows)


WRITERS: dict[str, Callable[[list[dict[str, Any]]], str]] = {
    "json": json.dumps,
    "jsonl": lambda records: "".join(json.dumps(data) + "\n" for data in records),
    "yaml": yaml.safe_dump,
    "csv": lambda records: _csv(*records),
}


def test_retired_outcome_through_validate_record() -> None:
    """A retired outcome is a warning naming its replacement, for each time it is recorded."""
    result = validate_record(_retired_record(), _local(), today=TODAY)
    assert _found(result.issues) == RETIRED_ISSUES
    assert result.valid


@pytest.mark.parametrize("fmt", ["json", "jsonl", "yaml", "csv"])
def test_retired_outcome_through_every_format(tmp_path: Path, fmt: str) -> None:
    """In every format (JSON Lines by the fast path), the same two warnings, valid records."""
    clean = record(
        record_id="r-2",
        framework="local-test",
        outcomes=[{"outcome": "being-outdoors", "what_matters": "The sea"}],
    )
    path = tmp_path / f"local.{fmt}"
    path.write_text(WRITERS[fmt]([_retired_record(), clean]), encoding="utf-8")
    report = Validator(_local(), today=TODAY).validate_files([path])
    assert _found(report.issues) == RETIRED_ISSUES
    assert (report.records, report.valid, report.warnings, report.errors) == (2, 2, 2, 0)
    if fmt in {"jsonl", "csv"}:
        assert [i.line for i in report.issues] == ([1, 1] if fmt == "jsonl" else [2, 4])


def test_retired_outcome_at_review_and_in_an_unknown_version(tmp_path: Path) -> None:
    """The local framework's own review levels apply; an unknown version names the known."""
    path = _lines(
        tmp_path,
        "local.jsonl",
        [
            _retired_record(record_id="v", framework_version="1.0.0"),
            _retired_record(record_id="w", framework_version="1.0.1"),
            record(
                record_id="x",
                framework="local-test",
                stage="review",
                outcomes=[
                    {"outcome": "being-outdoors", "what_matters": "a", "status": "met"},
                    {"outcome": "being-outdoors", "what_matters": "b", "status": "achieved"},
                ],
            ),
        ],
    )
    report = Validator(_local(), today=TODAY).validate_files([path])
    assert [(i.record, *f) for i, f in zip(report.issues, _found(report.issues), strict=True)] == [
        (0, *RETIRED_ISSUES[0]),
        (0, *RETIRED_ISSUES[1]),
        (
            1,
            "/framework_version",
            "unknown-framework",
            "framework 'local-test' has no such version (known: 1.0.0)",
        ),
        (2, "/outcomes/0/status", "schema", "must be one of: achieved, not-achieved"),
    ]


def test_with_no_frameworks_at_all_every_framework_is_unknown() -> None:
    """An empty registry knows no framework: the record is checked for its shape only."""
    data = record(outcomes=[_o(outcome="anything", status="any")])
    assert _found(validate_record(data, Registry(), today=TODAY).issues) == [
        ("/framework", "unknown-framework", "no framework with this id is known (known: none)"),
        ("/outcomes/0/status", "status-outside-review", OUTSIDE_REVIEW),
    ]


def test_a_framework_of_two_versions(tmp_path: Path) -> None:
    """Each known version can be asked for, the newest is the default; others name them all."""
    text = (LOCAL / "minimal.yaml").read_text(encoding="utf-8")
    assert 'version: "1.0.0"' in text
    (tmp_path / "one.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "two.yaml").write_text(
        text.replace('version: "1.0.0"', 'version: "1.1.0"'), encoding="utf-8"
    )
    registry = bundled().with_directory(tmp_path)
    records = [
        _retired_record(record_id=f"r-{n}", **version)
        for n, version in enumerate(
            [{}, {"framework_version": "1.0.0"}, {"framework_version": "1.1.0"}]
        )
    ]
    records.append(_retired_record(record_id="r-3", framework_version="1.2.0"))
    report = Validator(registry, today=TODAY).validate_files([_lines(tmp_path, "v.jsonl", records)])
    retired = [
        (record_number, pointer, f"this outcome is retired in framework 'local-test' {version}")
        for record_number, version in enumerate(["1.1.0", "1.0.0", "1.1.0"])
        for pointer in ("/outcomes/0/outcome", "/outcomes/2/outcome")
    ]
    assert [(i.record, i.pointer, i.message.partition(";")[0]) for i in report.issues] == [
        *retired,
        (
            3,
            "/framework_version",
            "framework 'local-test' has no such version (known: 1.0.0, 1.1.0)",
        ),
    ]


def test_a_retired_outcome_without_a_replacement(tmp_path: Path) -> None:
    """A retired outcome that names no replacement is still a warning, without the advice."""
    text = (LOCAL / "minimal.yaml").read_text(encoding="utf-8")
    assert "        replaced_by: being-outdoors\n" in text
    local = tmp_path / "frameworks"
    local.mkdir()
    (local / "gone.yaml").write_text(
        text.replace("        replaced_by: being-outdoors\n", "").replace(
            "id: local-test", "id: local-gone"
        ),
        encoding="utf-8",
    )
    data = _retired_record(framework="local-gone")
    registry = bundled().with_directory(local)
    message = "this outcome is retired in framework 'local-gone' 1.0.0"
    expected = [
        ("/outcomes/0/outcome", "retired-outcome", message),
        ("/outcomes/2/outcome", "retired-outcome", message),
    ]
    assert _found(validate_record(data, registry, today=TODAY).issues) == expected
    path = _lines(tmp_path, "gone.jsonl", [data])
    assert _found(Validator(registry, today=TODAY).validate_files([path]).issues) == expected


# --- CSV: where the header's faults are -----------------------------------------------------


HEADER = "record_id,framework,person_id,recorded_on,stage,outcome,what_matters"
ROW = "adults,p1,2026-03-01,assessment,seeing-people,Friends"


def _csv_report(tmp_path: Path, *lines: str) -> list[tuple[int | None, int | None, str, str]]:
    path = tmp_path / "records.csv"
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    report = validate_files([path], today=TODAY)
    return [(i.line, i.record, i.pointer, i.code) for i in report.issues]


def test_csv_header_faults_are_at_line_one_on_the_first_record(tmp_path: Path) -> None:
    """Unknown, duplicate and missing columns: line 1, record 0, and only there."""
    lines = (
        f"{HEADER},Colour,stage,bogus",
        f"r1,{ROW},a,b,c",
        f"r2,{ROW},a,b,c",
        f"r3,{ROW},a,b,c",
    )
    assert _csv_report(tmp_path, *lines) == [(1, 0, "", "schema")] * 3
    missing = ("record_id,framework,outcome", "r1,adults,reliability", "r2,adults,reliability")
    assert _csv_report(tmp_path, *missing) == [(1, 0, "", "schema")] * 4


def test_csv_header_faults_come_before_a_bad_first_row(tmp_path: Path) -> None:
    """A bad first row keeps its own line, after the header's faults at line 1."""
    lines = (f"{HEADER},Colour", "r1,x", f"r2,{ROW},c")
    assert _csv_report(tmp_path, *lines) == [(1, 0, "", "schema"), (2, 0, "", "parse-error")]


def test_csv_header_only_with_faults_is_the_file_s_fault_at_line_one(tmp_path: Path) -> None:
    """A header with faults and no rows: the file's own errors at line 1, no record."""
    path = tmp_path / "records.csv"
    path.write_text(f"{HEADER},Colour,colour\n", encoding="utf-8")
    report = validate_files([path], today=TODAY)
    assert [(i.line, i.record, i.pointer, i.code) for i in report.issues] == [
        (1, None, "", "schema")
    ] * 2
    assert (report.records, report.errors) == (0, 2)


# --- YAML: unquoted values of another type, and where unknown keys stand --------------------


YAML_TYPES = """\
record_id: r-1
framework: adults
framework_version: 1.0
person_id: p-1
recorded_on: 2026-03-01
stage: review
context:
  team: 5
outcomes:
  - outcome: seeing-people
    what_matters: My pals
    why_it_matters: 12
    status: 3
    contributions:
      - by: 7
        what: yes
---
record_id: r-2
framework: elsewhere
person_id: p-2
recorded_on: 2026-03-01
stage: review
outcomes:
  - outcome: anything
    what_matters: Something
    status: null
"""


def _quotes(expected: str, named: str = "a number") -> str:
    return f"must be {expected}, but YAML reads this unquoted value as {named}; put it in quotes"


def test_yaml_names_unquoted_values_of_another_type(tmp_path: Path) -> None:
    """Every field that takes text says so when YAML read an unquoted value as another type."""
    path = tmp_path / "types.yaml"
    path.write_text(YAML_TYPES, encoding="utf-8")
    report = validate_files([path], today=TODAY)
    assert [
        (i.record, i.line, *f) for i, f in zip(report.issues, _found(report.issues), strict=True)
    ] == [
        (0, 3, "/framework_version", "schema", _quotes("a version written MAJOR.MINOR.PATCH")),
        (0, 8, "/context/team", "schema", _quotes("text")),
        (0, 12, "/outcomes/0/why_it_matters", "schema", _quotes("text")),
        (
            0,
            15,
            "/outcomes/0/contributions/0/by",
            "schema",
            _quotes("one of: person, family-and-friends, community, services"),
        ),
        (
            0,
            16,
            "/outcomes/0/contributions/0/what",
            "schema",
            _quotes("text", "a true/false value"),
        ),
        (0, 13, "/outcomes/0/status", "schema", _quotes(f"one of: {LEVELS}")),
        (1, 26, "/outcomes/0/status", "schema", _quotes("a review level id", "null")),
        (1, 19, "/framework", "unknown-framework", NO_SUCH_FRAMEWORK),
    ]


UNKNOWN_KEYS = """\
record_id: r-1
framework: adults
person_id: p-1
recorded_on: 2026-03-01
stage: assessment
colour: red
outcomes:
  - outcome: seeing-people
    what_matters: My pals
    size: 2
    contributions:
      - by: person
        what: Call
        when: now
"""


def test_unknown_keys_stand_on_their_own_line_and_show_themselves(tmp_path: Path) -> None:
    """At every level an unknown key's issue is at its parent's pointer, on the key's line."""
    path = tmp_path / "keys.yaml"
    path.write_text(UNKNOWN_KEYS, encoding="utf-8")
    [result] = Validator(today=TODAY, include_values=True).iter_validate([path])
    assert [(i.line, i.pointer, i.message, i.value) for i in result.issues] == [
        (6, "", _unknown("colour"), "'colour'"),
        (10, "/outcomes/0", _unknown("size"), "'size'"),
        (14, "/outcomes/0/contributions/0", _unknown("when"), "'when'"),
    ]
    direct = validate_record(result.data, today=TODAY, include_values=True)  # type: ignore[arg-type]
    assert [(i.pointer, i.value) for i in direct.issues] == [
        ("", "'colour'"),
        ("/outcomes/0", "'size'"),
        ("/outcomes/0/contributions/0", "'when'"),
    ]


@pytest.mark.parametrize(
    ("row", "complete"),
    [
        (f"r1,{ROW},extra", True),
        ("r1,adults,p1", True),
        (f'r1,{ROW[:-8]},"Friends" then', True),
        (f"r1,{ROW[:-8]},{'x' * 200_000}", True),
        (f"r1,{ROW[:-8]},Fri\rends", True),
        (f'r1,{ROW[:-8]},"Friends', False),
    ],
    ids=["more-cells", "fewer-cells", "text-after-quote", "huge-cell", "lone-cr", "unclosed"],
)
def test_csv_bad_row_says_whether_the_rest_was_read(
    tmp_path: Path, row: str, complete: bool
) -> None:
    """A bad row is one parse-error at its line; only an unclosed quote stops the reading."""
    path = tmp_path / "records.csv"
    path.write_bytes(f"{HEADER}\nr0,{ROW}\n{row}\nr2,{ROW}\n".encode())
    report = validate_files([path], today=TODAY)
    [issue] = report.issues
    assert (issue.line, issue.record, issue.code) == (3, 1, "parse-error")
    assert issue.message.endswith("the rest of the file was not read") != complete
    assert [(f.records, f.complete) for f in report.files] == [(3 if complete else 2, complete)]


@pytest.mark.parametrize(
    ("data", "line", "complete"),
    [
        (f"{HEADER}\nr0,{ROW}\nr1,{ROW[:-7]}Fr\xe9\xffnds\nr2,{ROW}\n".encode("latin-1"), 3, False),
        (b"record_id,fram\xffework\nr0,x\n", 1, False),
        (b"", 1, True),
        (b"\xef\xbb\xbf", 1, True),
        (b"\n" + f"{HEADER}\nr0,{ROW}\n".encode(), 1, False),
        (b"record_id;framework;person_id\nr0;x;y\n", 1, False),
        (b'"record_id,framework\nr0,x\n', 1, False),
        ("record_id,framework\nr0,x\n".encode("utf-16"), 1, False),
        (f"{HEADER}\rr0,{ROW}\r".encode(), 1, False),
        (b",,,\nr0,x,y,z\n", 1, False),
        (b"record_id\tframework\tperson_id\nr0\tx\ty\n", 1, False),
    ],
    ids=[
        "row-not-utf8",
        "header-not-utf8",
        "empty",
        "only-bom",
        "blank-first",
        "semicolon",
        "open",
        "utf-16",
        "lone-cr",
        "empty-cells",
        "tab",
    ],
)
def test_csv_file_faults_say_where_reading_stopped(
    tmp_path: Path, data: bytes, line: int, complete: bool
) -> None:
    """A file fault is one parse-error at its line, and says if the rest was not read."""
    path = tmp_path / "records.csv"
    path.write_bytes(data)
    report = validate_files([path], today=TODAY)
    assert [(i.line, i.code) for i in report.issues] == [(line, "parse-error")]
    assert ("not read" in report.issues[0].message) != complete
    assert [f.complete for f in report.files] == [complete]


def test_csv_column_names_with_spaces_around_them(tmp_path: Path) -> None:
    """Spaces around a column's name are named as such, but only for a column's name."""
    path = tmp_path / "records.csv"
    path.write_text(f"{HEADER}, stage , bogus ,bogus,x;y\nr1,{ROW},a,b,c,d\n", encoding="utf-8")
    report = validate_files([path], today=TODAY)
    assert [(i.line, i.message) for i in report.issues] == [
        (1, "column 8 ('stage') has spaces around its name; remove them; it was ignored"),
        (
            1,
            (
                "column 9 has an unusual name and is not a column of the record format; remove "
                "or rename it; it was ignored"
            ),
        ),
        (
            1,
            (
                "column 'bogus' is not a column of the record format; remove or rename it; it "
                "was ignored"
            ),
        ),
        (
            1,
            (
                "column 11 has an unusual name and is not a column of the record format; remove "
                "or rename it; it was ignored"
            ),
        ),
    ]
    assert (report.records, report.valid) == (1, 0)


def test_csv_header_whose_first_name_holds_a_semicolon_is_not_semicolon_separated(
    tmp_path: Path,
) -> None:
    """Only a header of one column is taken for a file separated by semicolons or tabs."""
    path = tmp_path / "records.csv"
    path.write_text(f"a;b,{HEADER},c\td\nx,r1,{ROW},y\n", encoding="utf-8")
    report = validate_files([path], today=TODAY)
    unusual = "has an unusual name and is not a column of the record format; remove or rename"
    assert [(i.line, i.code, i.message) for i in report.issues] == [
        (1, "schema", f"column 1 {unusual} it; it was ignored"),
        (1, "schema", f"column 9 {unusual} it; it was ignored"),
    ]
    assert (report.records, report.valid) == (1, 0)


def test_csv_lone_carriage_returns_are_named(tmp_path: Path) -> None:
    """A file whose lines end in a CR alone is refused at line 1, saying why."""
    path = tmp_path / "records.csv"
    path.write_bytes(f"{HEADER}\rr0,{ROW}\r".encode())
    [issue] = validate_files([path], today=TODAY).issues
    assert issue.message.startswith("the lines end with a lone carriage return (CR)")


def test_csv_header_ending_in_a_carriage_return_alone_is_read(tmp_path: Path) -> None:
    """A header-only file whose one line ends in a CR is a header, with no records."""
    path = tmp_path / "records.csv"
    path.write_bytes(f"{HEADER}\r".encode())
    report = validate_files([path], today=TODAY)
    assert (report.records, report.issues, [f.complete for f in report.files]) == (0, (), [True])


def test_csv_without_record_level_columns(tmp_path: Path) -> None:
    """A header with outcome columns only: each missing column once, each row a record."""
    path = tmp_path / "records.csv"
    path.write_text("outcome,what_matters\nseeing-people,a\nseeing-people,b\n", encoding="utf-8")
    report = validate_files([path], today=TODAY)
    missing = ["framework", "person_id", "record_id", "recorded_on", "stage"]
    assert [(i.line, i.record, i.message) for i in report.issues] == [
        (1, 0, f"the header has no '{name}' column, which is required; add it") for name in missing
    ]
    assert (report.records, report.valid) == (2, 0)


def test_csv_short_row_when_record_id_is_the_last_column(tmp_path: Path) -> None:
    """A row too short to reach the record_id column is a record of its own."""
    header = "framework,person_id,recorded_on,stage,outcome,what_matters,record_id"
    good = "adults,p1,2026-03-01,assessment,seeing-people,Friends"
    path = tmp_path / "records.csv"
    path.write_text(f"{header}\n{good},r1\n{good}\n{good},r2\n", encoding="utf-8")
    report = validate_files([path], today=TODAY)
    assert [(i.line, i.record, i.code) for i in report.issues] == [(3, 1, "parse-error")]
    assert (report.records, report.valid) == (3, 2)


# --- the CSV writer: each fault named exactly ------------------------------------------------


def _write_csv(records: list[Any], context_names: list[str] | None = None) -> str:
    out = io.StringIO(newline="")
    write_csv(records, out, context_names=context_names)
    return out.getvalue()


GOOD = {"record_id": "r0", "outcomes": [{"outcome": "seeing-people"}]}
KEY = "has a key that is not in the record format"
NO_OUTCOME = "a record needs at least one outcome to be written as CSV"
STRING, LIST, MAPPING = "must be a string", "must be a list", "must be a mapping"
BY_COLON = "a contribution's 'by' cannot contain ':' in CSV"
FIRST = "/outcomes/0/contributions/0"


def _given(*items: object) -> dict[str, object]:
    """A record whose one outcome has these contributions."""
    return {"outcomes": [{"contributions": list(items)}]}


@pytest.mark.parametrize(
    ("bad", "pointer", "problem"),
    [
        ("not a record", "", MAPPING),
        ({"record_id": "r", "outcomes": [{}], "extra": "x"}, "", KEY),
        ({"record_id": "r", "outcomes": []}, "/outcomes", NO_OUTCOME),
        ({"record_id": "r"}, "/outcomes", NO_OUTCOME),
        ({"record_id": "r", "outcomes": "o"}, "/outcomes", LIST),
        ({"record_id": 1, "outcomes": [{}]}, "/record_id", STRING),
        ({"context": ["x"], "outcomes": [{}]}, "/context", MAPPING),
        ({"context": {"team": 3}, "outcomes": [{}]}, "/context/team", STRING),
        ({"outcomes": [{}, "o"]}, "/outcomes/1", MAPPING),
        ({"outcomes": [{"outcome": "o", "extra": "x"}]}, "/outcomes/0", KEY),
        ({"outcomes": [{}, {"status": None}]}, "/outcomes/1/status", STRING),
        ({"outcomes": [{"contributions": "person: x"}]}, "/outcomes/0/contributions", LIST),
        (_given({"by": "person", "what": "x"}, "person: x"), FIRST[:-1] + "1", MAPPING),
        (_given({"by": "person", "how": "x"}), FIRST, KEY),
        (_given({"by": "a:b", "what": "x"}), f"{FIRST}/by", BY_COLON),
        (_given({"by": 3, "what": "x"}), f"{FIRST}/by", STRING),
        (_given({"by": "person", "what": 3}), f"{FIRST}/what", STRING),
    ],
)
def test_csv_writer_names_the_record_the_place_and_the_fault(
    bad: object, pointer: str, problem: str
) -> None:
    """Each fault is a RecordWriteError naming its record (here the third), place and fault."""
    with pytest.raises(RecordWriteError) as raised:
        _write_csv([GOOD, GOOD, bad])
    error = raised.value
    assert (error.record, error.pointer, error.problem) == (2, pointer, problem)
    assert str(error) == f"record 2: {pointer or '/'}: {problem}"


def test_csv_writer_names_a_context_name_outside_the_ones_given() -> None:
    """Streaming with context names, a record with another name is refused by its number."""
    records = [GOOD, {**GOOD, "context": {"team": "x"}}]
    with pytest.raises(RecordWriteError) as raised:
        _write_csv(records, context_names=["area"])
    assert (
        str(raised.value) == "record 1: /context: has a context name that is not in context_names"
    )


def test_csv_writer_streaming_names_a_record_that_is_not_a_mapping() -> None:
    """Streaming with context names, a record that is not a mapping is named by its number."""
    with pytest.raises(RecordWriteError) as raised:
        _write_csv([GOOD, ["not", "a", "record"]], context_names=[])
    assert str(raised.value) == "record 1: /: must be a mapping"


def test_csv_writer_refuses_a_context_name_that_cannot_be_a_column() -> None:
    """A context name that cannot be a column's is refused before anything is written."""
    with pytest.raises(RecordWriteError) as raised:
        _write_csv([{**GOOD, "context": {"bad name": "x"}}])
    assert (raised.value.pointer, raised.value.problem) == (
        "/context",
        "a context name must start with a letter and have at most 64 letters, digits, '_' or '-'",
    )


def test_csv_writer_writes_absent_fields_as_empty_cells() -> None:
    """Absent fields, and a contribution's absent by or what, are empty; tuples are lists."""
    outcome = {"outcome": "o", "contributions": ({"what": "Call"}, {"by": "person"})}
    text = _write_csv([{"record_id": "r", "outcomes": (outcome,)}])
    assert text.splitlines()[1] == "r,,,,,,,o,,,: Call | person: ,,,"


class _Stage(enum.StrEnum):
    REVIEW = "review"


def test_a_str_subclass_is_named_for_what_it_is() -> None:
    """An enum member or other str subclass is not plain text, and the message says so."""
    result = validate_record(record(stage=_Stage.REVIEW), today=TODAY)
    expected = (
        "must be one of: assessment, support-planning, review, not a Python _Stage "
        "(use plain text: str(value))"
    )
    assert [(issue.pointer, issue.message) for issue in result.issues] == [("/stage", expected)]
