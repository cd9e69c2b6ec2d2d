"""Summaries: counts against hand-computed fixtures, totals as sums, merging, the command."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from factories import TODAY, TODAY_ARG, record
from personal_outcomes import Framework, Validator, bundled
from personal_outcomes._cli import run
from personal_outcomes.frameworks._registry import parse_framework
from personal_outcomes.summaries import (
    Grouping,
    Summary,
    _grouping,
    period_of,
    published,
    summarise,
)
from strategies import records
from test_disclosure import recoverable

VALIDATOR = Validator(today=TODAY)


def _o(outcome: str, **fields: Any) -> dict[str, Any]:
    return {"outcome": outcome, "what_matters": f"About {outcome}", **fields}


# Six records of three persons; one with an error (excluded), one with a warning only.
FIXTURE = [
    record(record_id="a-1", person_id="p-1", recorded_on="2026-03-10",
           context={"team": "north"}, outcomes=[_o("seeing-people", perspective="person"),
                                                _o("feeling-safe")]),
    record(record_id="a-2", person_id="p-1", recorded_on="2026-04-02", stage="review",
           context={"team": "north"}, outcomes=[
               _o("seeing-people", status="partly-met", perspective="agreed"),
               _o("feeling-safe"),  # unrated
           ]),
    record(record_id="a-3", person_id="p-2", recorded_on="2026-04-20", stage="review",
           context={"team": "south"}, outcomes=[
               _o("seeing-people", status="met"),
               _o("seeing-people", what_matters="Church on Sundays", status="met"),
           ]),
    record(record_id="a-4", person_id="p-3", recorded_on="2026-05-01",
           outcomes=[_o("improved-mobility")]),
    record(record_id="a-5", person_id="p-3", recorded_on="2026-05-02",
           outcomes=[_o("no-such-outcome")]),  # an error: excluded
    record(record_id="c-1", framework="carers", person_id="p-9", recorded_on="2026-06-01",
           outcomes=[_o("a-life-of-their-own", perspective="family")]),
]  # fmt: skip


def _summary(grouping: Grouping | None = None) -> Summary:
    return summarise((VALIDATOR.validate_record(r) for r in FIXTURE), grouping=grouping)


def _compact(summary: Summary) -> list[tuple[Any, ...]]:
    return [
        (
            row.kind,
            tuple(v for _, v in row.group),
            row.framework,
            row.outcome or row.category,
            row.mentions,
            row.persons,
            row.reviewed,
            row.unrated,
            tuple(count for _, count in row.levels),
        )
        for row in summary.rows(bundled())
    ]


def test_counts_without_groups() -> None:
    summary = _summary()
    assert (summary.records, summary.included, summary.excluded) == (6, 5, 1)
    assert dict(summary.excluded_by_code) == {"unknown-outcome": 1}
    assert _compact(summary) == [
        # levels: met, partly-met, not-met, no-longer-relevant
        ("framework", (), "adults", None, 7, 3, 4, 1, (2, 1, 0, 0)),
        ("category", (), "adults", "quality-of-life", 6, 2, 4, 1, (2, 1, 0, 0)),
        ("outcome", (), "adults", "feeling-safe", 2, 1, 1, 1, (0, 0, 0, 0)),
        ("outcome", (), "adults", "seeing-people", 4, 2, 3, 0, (2, 1, 0, 0)),
        ("category", (), "adults", "change", 1, 1, 0, 0, (0, 0, 0, 0)),
        ("outcome", (), "adults", "improved-mobility", 1, 1, 0, 0, (0, 0, 0, 0)),
        ("framework", (), "carers", None, 1, 1, 0, 0, (0, 0, 0, 0)),
        ("category", (), "carers", "quality-of-life-carer", 1, 1, 0, 0, (0, 0, 0, 0)),
        ("outcome", (), "carers", "a-life-of-their-own", 1, 1, 0, 0, (0, 0, 0, 0)),
    ]


def test_counts_by_team_and_financial_year() -> None:
    grouping = Grouping(fields=("context.team", "period"), period="financial-year")
    rows = [row for row in _compact(_summary(grouping)) if row[0] == "outcome"]
    assert rows == [
        ("outcome", ("north", "2025/26"), "adults", "feeling-safe", 1, 1, 0, 0, (0, 0, 0, 0)),
        ("outcome", ("north", "2025/26"), "adults", "seeing-people", 1, 1, 0, 0, (0, 0, 0, 0)),
        ("outcome", ("north", "2026/27"), "adults", "feeling-safe", 1, 1, 1, 1, (0, 0, 0, 0)),
        ("outcome", ("north", "2026/27"), "adults", "seeing-people", 1, 1, 1, 0, (0, 1, 0, 0)),
        ("outcome", ("south", "2026/27"), "adults", "seeing-people", 2, 1, 2, 0, (2, 0, 0, 0)),
        ("outcome", (None, "2026/27"), "adults", "improved-mobility", 1, 1, 0, 0, (0, 0, 0, 0)),
        ("outcome", (None, "2026/27"), "carers", "a-life-of-their-own", 1, 1, 0, 0, (0, 0, 0, 0)),
    ]


def test_counts_by_perspective_and_stage() -> None:
    grouping = Grouping(fields=("perspective", "stage"))
    rows = [(row[1], row[3], row[4]) for row in _compact(_summary(grouping)) if row[0] == "outcome"]
    assert rows == [
        (("agreed", "review"), "seeing-people", 1),
        (("family", "assessment"), "a-life-of-their-own", 1),
        (("person", "assessment"), "seeing-people", 1),
        ((None, "assessment"), "feeling-safe", 1),
        ((None, "assessment"), "improved-mobility", 1),
        ((None, "review"), "feeling-safe", 1),
        ((None, "review"), "seeing-people", 2),
    ]


@pytest.mark.parametrize(
    ("day", "month", "quarter", "year", "financial"),
    [
        ("2026-01-01", "2026-01", "2026-Q1", "2026", "2025/26"),
        ("2026-03-31", "2026-03", "2026-Q1", "2026", "2025/26"),
        ("2026-04-01", "2026-04", "2026-Q2", "2026", "2026/27"),
        ("2026-12-31", "2026-12", "2026-Q4", "2026", "2026/27"),
        ("1999-04-01", "1999-04", "1999-Q2", "1999", "1999/00"),
    ],
)
def test_periods(day: str, month: str, quarter: str, year: str, financial: str) -> None:
    assert [period_of(day, p) for p in ("month", "quarter", "year", "financial-year")] == [
        month,
        quarter,
        year,
        financial,
    ]


def test_a_field_that_cannot_group_is_refused() -> None:
    for fields in (("colour",), ("context.",), ("stage", "stage")):
        with pytest.raises(ValueError, match="group"):
            Grouping(fields=fields)
    with pytest.raises(ValueError, match="period must be one of"):
        Grouping(period="week")  # type: ignore[arg-type]


@settings(max_examples=60)
@given(st.lists(records(), max_size=12), st.integers(0, 12))
def test_totals_are_sums_and_slices_merge(data: list[dict[str, Any]], cut: int) -> None:
    """Every total is the sum of its parts; two slices' summaries add up to the whole."""
    for number, item in enumerate(data):
        item["record_id"] = f"r-{number}"
    results = [VALIDATOR.validate_record(item) for item in data]
    grouping = Grouping(fields=("stage",))
    whole = summarise(results, grouping=grouping)
    merged = summarise(results[:cut], grouping=grouping) + summarise(
        results[cut:], grouping=grouping
    )
    registry = bundled()
    assert merged.to_dict(registry) == whole.to_dict(registry)
    rows = whole.rows(registry)
    for row in rows:
        assert row.reviewed == sum(count for _, count in row.levels) + row.unrated  # type: ignore[operator, misc]
    for parent, kind in (("framework", "category"), ("category", "outcome")):
        for top in (row for row in rows if row.kind == parent):
            parts = [
                row
                for row in rows
                if row.kind == kind
                and row.group == top.group
                and row.framework == top.framework
                and (parent == "framework" or row.category == top.category)
            ]
            assert top.mentions == sum(row.mentions for row in parts)  # type: ignore[misc]
            assert top.reviewed == sum(row.reviewed for row in parts)  # type: ignore[misc]
            assert top.persons <= sum(row.persons for row in parts)  # type: ignore[operator, misc]
    assert whole.records == len(data)
    assert sum(row.mentions for row in rows if row.kind == "framework") == sum(  # type: ignore[misc]
        len(item["outcomes"]) for item in data
    )


def test_summaries_of_different_groupings_do_not_add() -> None:
    with pytest.raises(ValueError, match="same grouping"):
        _summary() + _summary(Grouping(fields=("stage",)))
    assert Summary().__add__(3) is NotImplemented  # type: ignore[operator]


# ---- the command ---------------------------------------------------------------------


def cli(*arguments: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(arguments), out, err)
    return code, out.getvalue(), err.getvalue()


def _fixture_file(tmp_path: Path) -> str:
    path = tmp_path / "records.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in FIXTURE), encoding="utf-8")
    return str(path)


def test_the_command_json_is_the_api_s(tmp_path: Path) -> None:
    path = _fixture_file(tmp_path)
    code, out, err = cli("summarise", TODAY_ARG, "--format", "json", "--by", "stage", path)
    assert (code, err) == (0, "")
    expected = _summary(Grouping(fields=("stage",))).to_dict(bundled())
    assert json.loads(out) == {**expected, "records": 6}
    assert json.loads(out)["excluded"] == {"total": 1, "by_code": {"unknown-outcome": 1}}


def test_the_command_writes_every_format(tmp_path: Path) -> None:
    path = _fixture_file(tmp_path)
    code, table, _ = cli("summarise", TODAY_ARG, path)
    assert code == 0
    assert table.splitlines()[0].split() == [
        "framework", "/", "category", "/", "outcome", "mentions", "persons", "met",
        "partly-met", "not-met", "no-longer-relevant", "unrated", "reviewed",
    ]  # fmt: skip
    assert table.splitlines()[-1] == (
        "6 records: 5 included, 1 excluded for errors (unknown-outcome 1)"
    )
    code, text, _ = cli("summarise", TODAY_ARG, "--format", "csv", path)
    assert text.splitlines()[1] == "adults,,,7,3,2,1,0,0,1,4"
    code, text, _ = cli("summarise", TODAY_ARG, "--format", "markdown", path)
    assert text.splitlines()[1].startswith("|---|---|---|---:|")
    output = tmp_path / "out.csv"
    code, text, _ = cli("summarise", TODAY_ARG, "--format", "csv", "--output", str(output), path)
    assert (code, text) == (0, "")
    assert output.read_text(encoding="utf-8").splitlines()[1] == "adults,,,7,3,2,1,0,0,1,4"


def test_csv_cells_are_never_formulas(tmp_path: Path) -> None:
    data = record(context={"team": "=HYPERLINK(1)"}, outcomes=[_o("seeing-people")])
    path = tmp_path / "r.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    _, text, _ = cli("summarise", TODAY_ARG, "--by", "context.team", "--format", "csv", str(path))
    assert text.splitlines()[1].startswith("'=HYPERLINK(1),adults")


def test_the_command_s_usage_errors_and_unreadable_files(tmp_path: Path) -> None:
    assert cli("summarise", "--by", "colour", "x.json")[0] == 2
    assert cli("summarise", "x.txt")[0] == 2
    code, _, err = cli("summarise", TODAY_ARG, str(tmp_path / "missing.json"))
    assert (code, err) == (
        2,
        (
            f"{tmp_path / 'missing.json'}: /: unreadable-file: the file cannot be read (No such "
            "file or directory); check the path and permissions\n"
            "personal-outcomes summarise: 1 file(s) could not be read; nothing was written\n"
        ),
    )
    (tmp_path / "empty.json").write_text("")
    code, out, err = cli("summarise", TODAY_ARG, str(tmp_path / "empty.json"))
    assert code == 0
    assert "in no record" in err
    assert out.splitlines()[-1] == "0 records: 0 included, 0 excluded for errors"


# ---- safe publication ---------------------------------------------------------------


def _blocks(rows: list[Any]) -> list[list[Any]]:
    blocks: list[list[Any]] = []
    for row in rows:
        if row.kind == "framework":
            blocks.append([])
        blocks[-1].append(row)
    return blocks


def _counts(row: Any) -> dict[str, Any]:
    return {
        "mentions": row.mentions,
        "persons": row.persons,
        "reviewed": row.reviewed,
        "unrated": row.unrated,
        **{f"level:{level}": count for level, count in row.levels},
    }


@settings(max_examples=40, deadline=None)
@given(st.lists(records(), min_size=1, max_size=10), st.integers(2, 4))
def test_published_rows_hide_small_counts_and_give_none_away(
    data: list[dict[str, Any]], below: int
) -> None:
    for number, item in enumerate(data):
        item["record_id"] = f"r-{number}"
    summary = summarise(VALIDATOR.validate_record(item) for item in data)
    rows = summary.rows(bundled())
    shown = published(rows, below=below)
    assert [(r.kind, r.framework, r.category, r.outcome) for r in shown] == [
        (r.kind, r.framework, r.category, r.outcome) for r in rows
    ]
    for before, after in zip(rows, shown, strict=True):
        for name, value in _counts(after).items():
            original = _counts(before)[name]
            assert value is None or value == original  # a shown count is the count
            if 0 < original < below:
                assert value is None  # every small count is hidden
    for block in _blocks(shown):
        for row in block:  # reviewed = levels + unrated: never exactly one unknown
            hidden = [
                value is None
                for name, value in _counts(row).items()
                if name not in {"persons", "mentions"}
            ]
            assert sum(hidden) != 1
        categories = [i for i, row in enumerate(block) if row.kind == "category"]
        for name in ("mentions", "reviewed", "unrated"):
            column = [_counts(row)[name] for row in block]
            total = [column[0], *(column[i] for i in categories)]
            assert sum(value is None for value in total) != 1
    assert published(rows, below=None) == rows


def test_suppression_on_the_command_line(tmp_path: Path) -> None:
    path = _fixture_file(tmp_path)
    code, out, _ = cli("summarise", TODAY_ARG, "--format", "json", "--suppress-below", "3", path)
    rows = json.loads(out)["rows"]
    assert code == 0
    carers = [row for row in rows if row["framework"] == "carers"]
    assert {row["mentions"] for row in carers} == {None}  # 1 mention: hidden everywhere
    assert rows[0]["mentions"] == 7  # the adults' framework row is not small
    code, out, _ = cli("summarise", TODAY_ARG, "--format", "csv", "--suppress-below", "3", path)
    assert "*" in out
    zeros = cli("summarise", TODAY_ARG, "--format", "json", "--suppress-below", "3",
                "--suppress-zeros", path)  # fmt: skip
    assert json.loads(zeros[1])["rows"][-1]["levels"] == {
        "met": None, "partly-met": None, "not-met": None, "no-longer-relevant": None,
    }  # fmt: skip
    code, _, err = cli("summarise", TODAY_ARG, "--output", str(tmp_path / "no" / "x.csv"), path)
    assert (code, err) == (
        2,
        (
            f"personal-outcomes summarise: cannot write {tmp_path / 'no' / 'x.csv'} "
            "(No such file or directory)\n"
        ),
    )


@pytest.mark.parametrize("kept", [0, 1, 2, 3])
def test_periods_beyond_those_remembered_are_worked_out_all_the_same(
    kept: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The period of each date is remembered up to a limit; past it, it is worked out again."""
    monkeypatch.setattr(_grouping, "_PERIODS_KEPT", kept)
    days = ["2026-03-31", "2026-04-01", "2026-03-31", "2025-12-31", "2026-04-01"]
    data = [record(record_id=f"r-{n}", recorded_on=day) for n, day in enumerate(days)]
    grouping = Grouping(fields=("period",), period="financial-year")
    found = summarise((VALIDATOR.validate_record(item) for item in data), grouping=grouping)
    frameworks = [
        (row.group, row.mentions) for row in found.rows(bundled()) if row.kind == "framework"
    ]
    assert frameworks == [((("period", "2025/26"),), 3), ((("period", "2026/27"),), 2)]
    assert len(grouping._periods) == min(kept, 3)


def _equations(rows: list[Any]) -> list[tuple[tuple[int, str], list[tuple[int, str]]]]:
    """Every sum a reader knows holds in one block of rows (the mentions at other stages
    are a cell of their own, never shown)."""
    levels = [f"level:{level}" for level, _ in rows[0].levels]
    groups: list[tuple[tuple[int, str], list[tuple[int, str]]]] = []
    for n in range(len(rows)):
        groups.append(((n, "reviewed"), [(n, "unrated"), *((n, level) for level in levels)]))
        groups.append(((n, "mentions"), [(n, "reviewed"), (n, "other")]))
    categories = [n for n, row in enumerate(rows) if row.kind == "category"]
    for column in ["mentions", "reviewed", "unrated", "other", *levels]:
        groups.append(((0, column), [(c, column) for c in categories]))
        for c in categories:
            members = []
            for after in range(c + 1, len(rows)):
                if rows[after].kind != "outcome":
                    break
                members.append((after, column))
            groups.append(((c, column), members))
    return groups


@settings(max_examples=60, deadline=None)
@given(
    st.lists(records(), min_size=1, max_size=10),
    st.integers(2, 4),
    st.lists(st.sampled_from(["stage", "perspective", "context.team"]), max_size=2, unique=True),
)
def test_no_hidden_count_of_a_published_summary_can_be_worked_out(
    data: list[dict[str, Any]], below: int, fields: list[str]
) -> None:
    """Exact elimination over every sum a reader knows, grouped by any fields (by stage,
    every mention of the review group is a review mention: mentions = reviewed)."""
    for number, item in enumerate(data):
        item["record_id"] = f"r-{number}"
    grouping = Grouping(fields=tuple(fields))
    summary = summarise((VALIDATOR.validate_record(item) for item in data), grouping=grouping)
    rows = summary.rows(bundled())
    shown = published(rows, below=below)
    for before, after in zip(_blocks(rows), _blocks(shown), strict=True):
        cells: dict[tuple[int, str], int | None] = {}
        small: set[tuple[int, str]] = set()
        for n, (row, out) in enumerate(zip(before, after, strict=True)):
            for name, value in _counts(out).items():
                if name != "persons":
                    cells[(n, name)] = value
            other = (row.mentions or 0) - (row.reviewed or 0)
            cells[(n, "other")] = None  # never shown
            if 0 < other < below:
                small.add((n, "other"))
        found = recoverable(cells, _equations(before))
        hidden = {key for key, value in cells.items() if value is None and key[1] != "other"}
        assert not found & (hidden | small)


def test_by_stage_the_review_group_gives_no_small_count_away() -> None:
    """In the review group every mention is a review mention: mentions = reviewed."""
    review = {"stage": "review", "recorded_on": "2026-01-01"}
    mentions = [
        [("improved-skills", "no-longer-relevant")],
        [("improved-confidence-and-morale", "partly-met")],
        [("improved-skills", "no-longer-relevant"), ("treated-with-respect", "partly-met")],
        [("listened-to", "no-longer-relevant")],
        [("seeing-people", "not-met")],
        [("listened-to", "partly-met"), ("having-things-to-do", "met")],
    ]
    data = [
        record(record_id=f"r-{n}", person_id=f"p-{n}", **review,
               outcomes=[_o(outcome, status=status) for outcome, status in items])
        for n, items in enumerate(mentions)
    ]  # fmt: skip
    grouping = Grouping(fields=("stage",))
    summary = summarise((VALIDATOR.validate_record(item) for item in data), grouping=grouping)
    (framework, quality, *_) = published(summary.rows(bundled()), below=3)
    # Shown, the framework row's 8 mentions would give its hidden reviewed away, and with
    # the other categories' shown counts, quality-of-life's 2.
    assert (framework.mentions, framework.reviewed) == (None, None)
    assert (quality.mentions, quality.reviewed) == (None, None)


@pytest.mark.compiled
def test_records_of_an_earlier_version_keep_every_mention_and_level() -> None:
    """An outcome and a level only an earlier loaded version has are counted all the same."""
    text = Path("docs/examples/day-opportunities.yaml").read_bytes()
    newer = parse_framework(text, "day-opportunities.yaml")
    data: dict[str, Any] = newer.to_data()
    data["version"] = "1.0.0"
    outcome = dict(data["categories"][0]["outcomes"][0])
    data["categories"][0]["outcomes"].append(
        {
            key: value
            for key, value in {**outcome, "id": "old-outcome", "label": "An old outcome"}.items()
            if key not in {"aliases", "statement"}
        }
    )
    level = dict(data["review_scale"]["levels"][0])
    data["review_scale"]["levels"].append({**level, "id": "old-level", "label": "Old level"})
    registry = bundled().with_framework(newer).with_framework(Framework.from_data(data))
    validator = Validator(registry, today=TODAY)
    first = newer.outcome_ids[0]
    old = {"framework": newer.id, "framework_version": "1.0.0"}
    items = [
        record(record_id="x-1", **old, outcomes=[_o("old-outcome")]),
        record(record_id="x-2", **old, stage="review",
               outcomes=[_o("old-outcome", status=newer.review_scale.ids[0])]),
        record(record_id="x-3", **old, stage="review", outcomes=[_o(first, status="old-level")]),
    ]  # fmt: skip
    results = [validator.validate_record(item) for item in items]
    assert [result.issues for result in results] == [(), (), ()]
    rows = summarise(results).rows(registry)
    top = rows[0]
    assert (top.mentions, top.reviewed, dict(top.levels)["old-level"]) == (3, 2, 1)
    assert [row.outcome for row in rows if row.kind == "outcome"][-1] == "old-outcome"
    assert [level for level, _ in top.levels][-1] == "old-level"
    with pytest.raises(ValueError, match=f"no version of framework '{newer.id}'"):
        summarise(results).rows(bundled().with_framework(newer))
