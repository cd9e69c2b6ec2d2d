"""Every limit of the record format, exactly at it and one past it, on every path.

Exactly at a limit a record is clean; one past it, it has exactly one issue, the
same on every path: :func:`validate_record`, and files in each of the four
formats (JSON Lines through :func:`validate_files`, which takes the fast path).
The limits are the format's own constants, so these tests follow the format.

A clean record must also be *proven* clean by the fast paths (the quick check of
a record, and the JSON Lines line check that never builds the record): a fast
path that gave up at a limit would be caught by nothing else, since the full
check it falls back on finds the same nothing, only slower. The ``paths``
fixture watches which checks a run took.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
import yaml

from factories import TODAY, record
from personal_outcomes import Validator, validate_files, validate_record
from personal_outcomes._record_format import (
    MAX_CONTEXT_FIELDS,
    MAX_CONTRIBUTIONS,
    MAX_LENGTH,
    MAX_OUTCOMES,
)
from personal_outcomes.validation import _run
from personal_outcomes.validation._check import Checker

#: The longest context field name: a letter and 63 more (``CONTEXT_KEY_PATTERN``).
MAX_CONTEXT_NAME = 64
#: (pointer, code, message) of an issue.
Found = tuple[str, str, str]


# --- watching the paths -------------------------------------------------------------------


@attrs.define
class Paths:
    """What the checks of a run said: the fast paths' verdicts, and the full checks run."""

    quick: list[bool] = attrs.field(factory=list)
    lines: list[str | None] = attrs.field(factory=list)
    full: int = 0


@pytest.fixture
def paths(monkeypatch: pytest.MonkeyPatch) -> Paths:
    """Watch the quick check, the JSON Lines line check and the full check."""
    seen = Paths()
    make_quick = _run.make_quick_check  # type: ignore[attr-defined]
    make_line = _run.make_line_check  # type: ignore[attr-defined]
    check = Checker.check

    def watched_quick(checker: Checker) -> Callable[[object], bool]:
        quick = make_quick(checker)

        def watch(data: object) -> bool:
            verdict = quick(data)
            seen.quick.append(verdict)
            return verdict

        return watch

    def watched_line(checker: Checker, *, keep: bool = False) -> Callable[[bytes], Any]:
        line_check = make_line(checker, keep=keep)

        def watch(line: bytes) -> Any:
            verdict = line_check(line)
            seen.lines.append(verdict)
            return verdict

        return watch

    def watched_check(self: Checker, data: object, **options: Any) -> Any:
        seen.full += 1
        return check(self, data, **options)

    monkeypatch.setattr(_run, "make_quick_check", watched_quick)
    monkeypatch.setattr(_run, "make_line_check", watched_line)
    monkeypatch.setattr(Checker, "check", watched_check)
    return seen


# --- the four file formats ----------------------------------------------------------------


def _csv(data: dict[str, Any]) -> str:
    """One record as CSV in long format (no cell of these records needs escaping)."""
    context = data.get("context", {})
    record_columns = ["record_id", "framework", "person_id", "recorded_on", "stage", "notes"]
    outcome_columns = ["outcome", "what_matters", "why_it_matters", "contributions"]
    outcome_columns += ["status", "status_note"]
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*record_columns, *(f"context.{name}" for name in context), *outcome_columns])
    head = [data.get(name, "") for name in record_columns] + list(context.values())
    for outcome in data["outcomes"]:
        cells = dict(outcome)
        if "contributions" in cells:
            items = cells["contributions"]
            cells["contributions"] = " | ".join(f"{c['by']}: {c['what']}" for c in items)
        writer.writerow(head + [cells.get(name, "") for name in outcome_columns])
    return out.getvalue()


WRITERS: dict[str, Callable[[dict[str, Any]], str]] = {
    "json": lambda data: json.dumps(data, indent=2),
    "jsonl": lambda data: json.dumps(data) + "\n",
    "yaml": lambda data: yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
    "csv": _csv,
}


def _file(tmp_path: Path, data: dict[str, Any], fmt: str) -> Path:
    path = tmp_path / f"record.{fmt}"
    path.write_text(WRITERS[fmt](data), encoding="utf-8")
    return path


def _found(issues: Any) -> list[Found]:
    return [(issue.pointer, issue.code, issue.message) for issue in issues]


# --- the limits ---------------------------------------------------------------------------


def _outcome(number: int = 0, **changes: Any) -> dict[str, Any]:
    return {"outcome": "seeing-people", "what_matters": f"Friends {number}", **changes}


def _too_long(limit: int) -> str:
    return f"is longer than the maximum of {limit} characters"


@attrs.frozen
class Limit:
    """A limit: a record for a size, the limit, and the one issue one past it."""

    name: str
    build: Callable[[int], dict[str, Any]]
    limit: int
    pointer: str
    message: str
    code: str = "schema"
    #: The one issue one past the limit in CSV, where it differs.
    in_csv: Found | None = None


def _length(field: str, path: str, build: Callable[[str], dict[str, Any]]) -> Limit:
    limit = MAX_LENGTH[field]
    return Limit(field, lambda n: build("x" * n), limit, path, _too_long(limit))


NAME_FAULT = (
    "a context field name must start with a letter and hold only letters, digits, '_' and "
    "'-' (at most 64)"
)

COLOUR = "unknown field 'colour'; the record format allows no other fields: remove it"
UNUSUAL_COLUMN = (
    "column 7 has an unusual name and is not a column of the record format; remove or rename "
    "it; it was ignored"
)

LIMITS = [
    _length("record_id", "/record_id", lambda text: record(record_id=text)),
    _length("person_id", "/person_id", lambda text: record(person_id=text)),
    _length("notes", "/notes", lambda text: record(notes=text)),
    _length("context", "/context/team", lambda text: record(context={"team": text})),
    _length(
        "what_matters",
        "/outcomes/0/what_matters",
        lambda text: record(outcomes=[_outcome(what_matters=text)]),
    ),
    _length(
        "why_it_matters",
        "/outcomes/0/why_it_matters",
        lambda text: record(outcomes=[_outcome(why_it_matters=text)]),
    ),
    _length(
        "status_note",
        "/outcomes/0/status_note",
        lambda text: record(stage="review", outcomes=[_outcome(status="met", status_note=text)]),
    ),
    _length(
        "what",
        "/outcomes/0/contributions/0/what",
        lambda text: record(outcomes=[_outcome(contributions=[{"by": "person", "what": text}])]),
    ),
    Limit(
        "outcomes",
        lambda n: record(outcomes=[_outcome(i) for i in range(n)]),
        MAX_OUTCOMES,
        "/outcomes",
        f"holds more than the maximum of {MAX_OUTCOMES} outcomes",
    ),
    Limit(
        "contributions",
        lambda n: record(
            outcomes=[
                _outcome(contributions=[{"by": "services", "what": f"Do {i}"} for i in range(n)])
            ]
        ),
        MAX_CONTRIBUTIONS,
        "/outcomes/0/contributions",
        f"holds more than the maximum of {MAX_CONTRIBUTIONS}",
    ),
    Limit(
        "context fields",
        lambda n: record(context={f"field{i}": "north" for i in range(n)}),
        MAX_CONTEXT_FIELDS,
        "/context",
        f"has more than the maximum of {MAX_CONTEXT_FIELDS} fields",
    ),
    Limit(
        "context name",
        lambda n: record(context={"k" * n: "north"}),
        MAX_CONTEXT_NAME,
        "/context",
        NAME_FAULT,
        # In CSV the name is a column's: a header fault at line 1, the column ignored.
        in_csv=("", "schema", UNUSUAL_COLUMN),
    ),
    Limit(
        "recorded_on",
        lambda days: record(recorded_on=(TODAY + dt.timedelta(days=days)).isoformat()),
        0,
        "/recorded_on",
        "recorded_on is after today's date everywhere on Earth (UTC+14); check the date",
        code="future-date",
    ),
]
IDS = [limit.name for limit in LIMITS]


def test_every_limit_has_a_case() -> None:
    """The table above covers every length limit of the format, and nothing else."""
    lengths = {limit.name for limit in LIMITS if limit.name in MAX_LENGTH}
    assert lengths == set(MAX_LENGTH)


@pytest.mark.parametrize("limit", LIMITS, ids=IDS)
def test_exactly_at_the_limit_is_clean_and_proven_clean_fast(limit: Limit, paths: Paths) -> None:
    """At the limit the record is clean, and the quick check proves it without the full one."""
    result = validate_record(limit.build(limit.limit), today=TODAY)
    assert (result.valid, result.issues) == (True, ())
    assert (paths.quick, paths.full) == ([True], 0)


@pytest.mark.parametrize("fmt", ["record", "jsonl"])
@pytest.mark.parametrize("limit", LIMITS, ids=IDS)
def test_exactly_at_the_limit_is_clean_in_the_full_check(
    tmp_path: Path, limit: Limit, fmt: str, paths: Paths
) -> None:
    """With another fault in the record, the full check runs, and finds only that fault."""
    data = {**limit.build(limit.limit), "colour": "red"}
    if fmt == "record":
        issues = validate_record(data, today=TODAY).issues
    else:
        issues = validate_files([_file(tmp_path, data, "jsonl")], today=TODAY).issues
    assert _found(issues) == [("", "schema", COLOUR)]
    assert paths.full == 1


TEXTS = [limit for limit in LIMITS if limit.name in MAX_LENGTH and "_id" not in limit.name]


@pytest.mark.parametrize("limit", TEXTS, ids=[limit.name for limit in TEXTS])
def test_blank_text_exactly_at_the_limit_is_blank_not_too_long(limit: Limit) -> None:
    """A text of only spaces, exactly as long as allowed, is empty, not too long."""
    data = json.loads(
        json.dumps(limit.build(limit.limit)).replace("x" * limit.limit, " " * limit.limit)
    )
    [issue] = validate_record(data, today=TODAY).issues
    assert (issue.pointer, issue.code, issue.message) == (
        limit.pointer,
        "schema",
        "must not be empty or only spaces",
    )


@pytest.mark.parametrize("field", ["record_id", "person_id"])
def test_identifier_with_a_space_exactly_at_the_limit_has_a_space(field: str) -> None:
    """An identifier as long as allowed but holding a space is refused for the space."""
    limit = MAX_LENGTH[field]
    [issue] = validate_record(record(**{field: "p" * (limit - 2) + " p"}), today=TODAY).issues
    assert (issue.pointer, issue.message) == (
        f"/{field}",
        "must be an identifier without spaces (never a person's name)",
    )


@pytest.mark.parametrize("limit", LIMITS, ids=IDS)
def test_one_past_the_limit_is_exactly_one_issue(limit: Limit, paths: Paths) -> None:
    """One past the limit is one issue, found by the full check after the quick one gave up."""
    result = validate_record(limit.build(limit.limit + 1), today=TODAY)
    assert _found(result.issues) == [(limit.pointer, limit.code, limit.message)]
    assert (paths.quick, paths.full) == ([False], 1)


@pytest.mark.compiled
@pytest.mark.parametrize("limit", LIMITS, ids=IDS)
def test_json_lines_fast_path_proves_the_limit_clean(
    tmp_path: Path, limit: Limit, paths: Paths
) -> None:
    """The JSON Lines line check accepts a record at the limit without building it."""
    data = limit.build(limit.limit)
    report = validate_files([_file(tmp_path, data, "jsonl")], today=TODAY)
    assert (report.records, report.valid, report.issues) == (1, 1, ())
    assert (paths.lines, paths.quick, paths.full) == ([data["record_id"]], [], 0)


@pytest.mark.parametrize("limit", LIMITS, ids=IDS)
def test_json_lines_fast_path_refuses_one_past_the_limit(
    tmp_path: Path, limit: Limit, paths: Paths
) -> None:
    """One past the limit, the line check gives up and the full check finds the one issue."""
    path = _file(tmp_path, limit.build(limit.limit + 1), "jsonl")
    report = validate_files([path], today=TODAY)
    assert _found(report.issues) == [(limit.pointer, limit.code, limit.message)]
    assert [issue.line for issue in report.issues] == [1]
    assert (paths.lines, paths.full) == ([None], 1)


@pytest.mark.parametrize("fmt", ["json", "jsonl", "yaml", "csv"])
@pytest.mark.parametrize("limit", LIMITS, ids=IDS)
def test_every_format_agrees_at_and_past_the_limit(tmp_path: Path, limit: Limit, fmt: str) -> None:
    """Each format: clean at the limit; one past, the same one issue (CSV: its own form)."""
    validator = Validator(today=TODAY)
    at = validator.validate_files([_file(tmp_path, limit.build(limit.limit), fmt)])
    assert (at.records, at.valid, at.issues) == (1, 1, ())
    past = validator.validate_files([_file(tmp_path, limit.build(limit.limit + 1), fmt)])
    expected = (limit.pointer, limit.code, limit.message)
    if fmt == "csv" and limit.in_csv is not None:
        expected = limit.in_csv
    assert _found(past.issues) == [expected]
    assert past.records == 1
    assert past.valid == (1 if limit.code == "future-date" else 0)


@pytest.mark.parametrize("limit", LIMITS, ids=IDS)
def test_csv_issues_stand_on_the_line_of_their_row(tmp_path: Path, limit: Limit) -> None:
    """In CSV a record-level issue is at the first row's line, an outcome's at its row's."""
    report = validate_files([_file(tmp_path, limit.build(limit.limit + 1), "csv")], today=TODAY)
    [issue] = report.issues
    assert issue.line == (1 if limit.in_csv is not None else 2)
    assert (issue.record, issue.column) == (0, None)


def test_a_limit_in_a_later_outcome_is_on_that_outcome_s_row(tmp_path: Path) -> None:
    """A fault in the third outcome of a CSV record is reported on the third row's line."""
    data = record(outcomes=[_outcome(0), _outcome(1), _outcome(2, what_matters="x" * 2001)])
    report = validate_files([_file(tmp_path, data, "csv")], today=TODAY)
    assert [(i.line, i.pointer) for i in report.issues] == [(4, "/outcomes/2/what_matters")]


# --- the latest allowed day without --today -----------------------------------------------


def _latest_day() -> dt.date:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(hours=14)).date()


def test_the_latest_allowed_day_is_today_in_utc_plus_14() -> None:
    """Without ``today``, the latest day anywhere on Earth is clean and the next day is not."""
    for _ in range(3):  # should the day change while the test runs, look again
        latest = _latest_day()
        on_it = validate_record(record(recorded_on=latest.isoformat()))
        after = validate_record(record(recorded_on=(latest + dt.timedelta(days=1)).isoformat()))
        if _latest_day() == latest:
            break
    assert on_it.issues == ()
    assert [(i.pointer, i.code) for i in after.issues] == [("/recorded_on", "future-date")]


@pytest.mark.skipif(not hasattr(time, "tzset"), reason="time zones are set by tzset")
@pytest.mark.parametrize("zone", ["Etc/GMT-14", "Etc/GMT+12"])
def test_the_latest_allowed_day_does_not_depend_on_the_machine_s_time_zone(zone: str) -> None:
    """In the first (UTC+14) and the last (UTC-12) time zones, the latest day is the same.

    Between them the two zones see every hour of the day: whatever the time, in one
    of them local time plus 14 hours falls on another date than UTC plus 14 hours.
    """
    before = os.environ.get("TZ")
    os.environ["TZ"] = zone
    time.tzset()
    try:
        for _ in range(3):
            latest = _latest_day()
            on_it = validate_record(record(recorded_on=latest.isoformat()))
            after = validate_record(record(recorded_on=(latest + dt.timedelta(days=1)).isoformat()))
            if _latest_day() == latest:
                break
    finally:
        if before is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = before
        time.tzset()
    assert on_it.issues == ()
    assert [(i.pointer, i.code) for i in after.issues] == [("/recorded_on", "future-date")]


def test_a_date_long_before_today_is_never_in_the_future() -> None:
    """The comparison is of dates, not of text: the first day of the year 1000 is past."""
    assert validate_record(record(recorded_on="1000-01-01"), today=TODAY).issues == ()


# --- empty and one: the lower limits -------------------------------------------------------


def _lower() -> Iterator[tuple[str, dict[str, Any], Found]]:
    yield "record_id", record(record_id=""), ("/record_id", "schema", "must not be empty")
    yield "person_id", record(person_id=""), ("/person_id", "schema", "must not be empty")
    yield (
        "context",
        record(context={}),
        ("/context", "schema", "must have at least one field when present"),
    )
    yield "outcomes", record(outcomes=[]), ("/outcomes", "schema", "must hold at least one outcome")
    yield (
        "contributions",
        record(outcomes=[_outcome(contributions=[])]),
        (
            "/outcomes/0/contributions",
            "schema",
            "must hold at least one contribution when present",
        ),
    )
    for field in ("what_matters", "why_it_matters", "status_note"):
        changes: dict[str, Any] = {field: ""}
        stage = "assessment"
        if field == "status_note":
            changes["status"] = "met"
            stage = "review"
        yield (
            field,
            record(stage=stage, outcomes=[_outcome(**changes)]),
            (f"/outcomes/0/{field}", "schema", "must not be empty or only spaces"),
        )


LOWER = list(_lower())


@pytest.mark.parametrize(("data", "issue"), [case[1:] for case in LOWER], ids=[c[0] for c in LOWER])
def test_one_below_the_lower_limit_is_exactly_one_issue(
    tmp_path: Path, data: dict[str, Any], issue: Found, paths: Paths
) -> None:
    """Empty text, an empty list or an empty context is one issue, on every path."""
    assert _found(validate_record(data, today=TODAY).issues) == [issue]
    assert (paths.quick, paths.full) == ([False], 1)
    report = validate_files([_file(tmp_path, data, "jsonl")], today=TODAY)
    assert _found(report.issues) == [issue]
    assert paths.lines == [None]


@pytest.mark.compiled
def test_one_character_and_one_item_are_enough(tmp_path: Path, paths: Paths) -> None:
    """The shortest texts and lists, with every field there is, are proven clean fast."""
    data = record(
        record_id="r",
        framework_version="1.0.0",
        person_id="p",
        context={"t": "n"},
        notes="n",
        stage="review",
        outcomes=[
            {
                "outcome": "seeing-people",
                "what_matters": "m",
                "why_it_matters": "w",
                "contributions": [{"by": "person", "what": "d"}],
                "status": "met",
                "status_note": "s",
            }
        ],
    )
    assert validate_record(data, today=TODAY).issues == ()
    report = validate_files([_file(tmp_path, data, "jsonl")], today=TODAY)
    assert (report.valid, report.issues) == (1, ())
    assert (paths.quick, paths.lines, paths.full) == ([True], ["r"], 0)
