"""Journeys: hand-computed fixtures, parts summing to starts, merging, the command."""

from __future__ import annotations

import datetime as dt
import io
import json
import statistics
from collections import Counter
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from factories import TODAY, TODAY_ARG, record
from personal_outcomes import Validator, bundled
from personal_outcomes._cli import run
from personal_outcomes.summaries import (
    Grouping,
    JourneyRow,
    Journeys,
    journeys,
    period_of,
    published,
    summarise,
)
from personal_outcomes.summaries._output import journey_table_rows
from personal_outcomes.validation import RecordResult

VALIDATOR = Validator(today=TODAY)
REGISTRY = bundled()


def _o(outcome: str, **fields: Any) -> dict[str, Any]:
    return {"outcome": outcome, "what_matters": f"About {outcome}", **fields}


def _review(record_id: str, person: str, day: str, *outcomes: dict[str, Any], **more: Any) -> Any:
    return record(
        record_id=record_id,
        person_id=person,
        recorded_on=day,
        stage="review",
        outcomes=list(outcomes),
        **more,
    )


# Adults unless said. By hand, per person and outcome (start -> next review):
#   p-1 seeing-people   2026-03-10 (north) -> 2026-04-02 partly-met, 23 days; the review of
#                       2026-03-01 is before the start, 2026-05-01 is later, and the
#                       care-homes review of 2026-03-20 is another framework
#   p-1 feeling-safe    2026-02-01 (south; the 2026-03-10 start is later) -> 2026-03-01
#                       unrated, 28 days
#   p-2 seeing-people   2026-04-01 (south) -> 2026-04-11 met, 10 days
#   p-2 feeling-safe    2026-04-01 (south) -> 2026-04-14 met, 13 days
#   p-2 improved-mobility  2026-04-01 (south) -> no review yet
#   p-3 seeing-people   2026-03-31 (no team) -> 2026-04-12 not-met (first read of two
#                       reviews that day), 12 days
#   p-5 seeing-people   a review only: no journey.  One record with an error: excluded.
FIXTURE = [
    record(record_id="s-1", person_id="p-1", recorded_on="2026-03-10", context={"team": "north"},
           outcomes=[_o("seeing-people"), _o("feeling-safe")]),
    _review("r-0", "p-1", "2026-03-01", _o("seeing-people", status="met"), _o("feeling-safe")),
    record(record_id="s-0", person_id="p-1", recorded_on="2026-02-01", stage="support-planning",
           context={"team": "south"}, outcomes=[_o("feeling-safe")]),
    _review("r-1", "p-1", "2026-04-02", _o("seeing-people", status="partly-met"),
            _o("seeing-people", what_matters="Again", status="met")),
    _review("r-2", "p-1", "2026-05-01", _o("seeing-people", status="met")),
    _review("ch-1", "p-1", "2026-03-20", _o("seeing-people", status="met"),
            framework="care-homes"),
    record(record_id="s-2", person_id="p-2", recorded_on="2026-04-01", context={"team": "south"},
           outcomes=[_o("seeing-people"), _o("improved-mobility"), _o("feeling-safe")]),
    _review("r-3", "p-2", "2026-04-11", _o("seeing-people", status="met")),
    _review("r-4", "p-2", "2026-04-14", _o("feeling-safe", status="met")),
    record(record_id="s-3", person_id="p-3", recorded_on="2026-03-31",
           outcomes=[_o("seeing-people")]),
    _review("r-5", "p-3", "2026-04-12", _o("seeing-people", status="not-met")),
    _review("r-6", "p-3", "2026-04-12", _o("seeing-people", status="met")),
    record(record_id="x-1", person_id="p-4", outcomes=[_o("no-such-outcome")]),
    _review("r-7", "p-5", "2026-04-12", _o("seeing-people", status="met")),
]  # fmt: skip

LEVELS = ("met", "partly-met", "not-met", "no-longer-relevant")


def _results(data: list[dict[str, Any]] = FIXTURE) -> list[RecordResult]:
    return [VALIDATOR.validate_record(item) for item in data]


def _compact(found: Journeys) -> list[tuple[Any, ...]]:
    return [
        (
            tuple(value for _, value in row.group),
            row.framework,
            row.outcome,
            row.starts,
            tuple(count for _, count in row.levels),
            row.unrated,
            row.no_review,
            row.median_days,
        )
        for row in found.rows(REGISTRY)
    ]


def test_journeys_without_groups() -> None:
    found = journeys(_results())
    assert (found.records, found.included, found.excluded) == (14, 13, 1)
    assert found.excluded_by_code == {"unknown-outcome": 1}
    assert _compact(found) == [
        # levels: met, partly-met, not-met, no-longer-relevant
        ((), "adults", "feeling-safe", 2, (1, 0, 0, 0), 1, 0, 20.5),
        ((), "adults", "seeing-people", 3, (1, 1, 1, 0), 0, 0, 12),
        ((), "adults", "improved-mobility", 1, (0, 0, 0, 0), 0, 1, None),
    ]
    assert [tuple(dict(row.levels)) for row in found.rows(REGISTRY)] == [LEVELS] * 3
    assert isinstance(found.rows(REGISTRY)[1].median_days, int)


def test_journeys_by_team_and_financial_year_of_the_start() -> None:
    grouping = Grouping(fields=("context.team", "period"), period="financial-year")
    assert _compact(journeys(_results(), grouping=grouping)) == [
        (("north", "2025/26"), "adults", "seeing-people", 1, (0, 1, 0, 0), 0, 0, 23),
        (("south", "2025/26"), "adults", "feeling-safe", 1, (0, 0, 0, 0), 1, 0, 28),
        (("south", "2026/27"), "adults", "feeling-safe", 1, (1, 0, 0, 0), 0, 0, 13),
        (("south", "2026/27"), "adults", "seeing-people", 1, (1, 0, 0, 0), 0, 0, 10),
        (("south", "2026/27"), "adults", "improved-mobility", 1, (0, 0, 0, 0), 0, 1, None),
        ((None, "2025/26"), "adults", "seeing-people", 1, (0, 0, 1, 0), 0, 0, 12),
    ]


def test_the_json_of_journeys() -> None:
    found = journeys(_results(), grouping=Grouping(fields=("context.team",)))
    data: dict[str, Any] = found.to_dict(REGISTRY)
    assert data["excluded"] == {"total": 1, "by_code": {"unknown-outcome": 1}}
    assert (data["records"], data["included"]) == (14, 13)
    assert data["rows"][0] == {
        "group": {"context.team": "north"},
        "framework": "adults",
        "outcome": "seeing-people",
        "starts": 1,
        "levels": {"met": 0, "partly-met": 1, "not-met": 0, "no-longer-relevant": 0},
        "unrated": 0,
        "no_review": 0,
        "median_days": 23,
    }


def test_a_review_on_the_start_day_counts_and_medians_odd_and_even() -> None:
    data = [
        record(record_id=f"s-{n}", person_id=f"p-{n}", recorded_on="2026-01-01") for n in range(4)
    ] + [
        _review(f"r-{n}", f"p-{n}", f"2026-01-{day:02d}", _o("seeing-people", status="met"))
        for n, day in enumerate((1, 5, 10, 21))
    ]
    assert journeys(_results(data)).rows(REGISTRY)[0].median_days == 6.5  # 0 4 9 20
    assert journeys(_results(data[:3] + data[4:7])).rows(REGISTRY)[0].median_days == 4


def test_ties_go_to_the_first_read_and_merging_keeps_that_order() -> None:
    north = record(record_id="a", person_id="p-1", context={"team": "north"})
    south = record(record_id="b", person_id="p-1", context={"team": "south"})
    met = _review("c", "p-1", "2026-04-01", _o("seeing-people", status="met"))
    unrated = _review("d", "p-1", "2026-04-01", _o("seeing-people"))
    grouping = Grouping(fields=("context.team",))

    def rows(*parts: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
        total = Journeys(grouping=grouping)
        for part in parts:
            total = total + journeys(_results(part), grouping=grouping)
        return [(row.group, row.levels[0], row.unrated) for row in total.rows(REGISTRY)]

    first = [((("context.team", "north"),), ("met", 1), 0)]
    second = [((("context.team", "south"),), ("met", 0), 1)]
    assert rows([north, south, met, unrated]) == first
    assert rows([north, met], [south, unrated]) == first
    assert rows([south, unrated], [north, met]) == second
    assert rows([unrated], [met, south, north]) == second


def test_reviews_read_before_the_start_and_merged_slices() -> None:
    """A start read last still finds its review; an earlier start merged in moves it."""
    data = [
        _review("r-1", "p-1", "2026-05-01", _o("seeing-people", status="met")),
        _review("r-2", "p-1", "2026-04-01", _o("seeing-people", status="not-met")),
        _review("r-3", "p-1", "2026-03-01", _o("seeing-people", status="partly-met")),
        record(record_id="s-1", person_id="p-1", recorded_on="2026-03-15"),
        record(record_id="s-0", person_id="p-1", recorded_on="2026-02-15"),
    ]
    whole = journeys(_results(data))
    assert _compact(whole) == [((), "adults", "seeing-people", 1, (0, 1, 0, 0), 0, 0, 14)]
    for cut in range(len(data) + 1):
        merged = journeys(_results(data[:cut])) + journeys(_results(data[cut:]))
        assert merged.to_dict(REGISTRY) == whole.to_dict(REGISTRY)
    later = journeys(_results(data[:4]))  # without the earlier start
    assert _compact(later) == [((), "adults", "seeing-people", 1, (0, 0, 1, 0), 0, 0, 17)]


def test_date_objects_compare_as_their_dates() -> None:
    def result(index: int, **changes: Any) -> RecordResult:
        data = record(record_id=f"r-{index}", **changes)
        return RecordResult(
            source="x", index=index, line=None, record_id=None, issues=(), data=data
        )

    found = journeys(
        [
            result(0, recorded_on=dt.date(2026, 3, 31)),
            result(1, recorded_on="2026-04-03", stage="review",
                   outcomes=[_o("seeing-people", status="met")]),
            result(2, recorded_on=dt.datetime(2026, 4, 2, 9, 30, tzinfo=dt.UTC),
                   stage="review", outcomes=[_o("seeing-people", status="not-met")]),
        ],
        grouping=Grouping(fields=("period",), period="financial-year"),
    )  # fmt: skip
    assert _compact(found) == [(("2025/26",), "adults", "seeing-people", 1, (0, 0, 1, 0), 0, 0, 2)]


def test_a_status_off_the_scale_and_an_unknown_outcome_still_add_up() -> None:
    data = record(outcomes=[_o("not-in-adults")])
    review = _review("r-2", "p-1", "2026-04-01", _o("not-in-adults", status="half-met"))
    found = journeys(
        RecordResult(source="x", index=n, line=None, record_id=None, issues=(), data=item)
        for n, item in enumerate([data, review])
    )
    (row,) = found.rows(REGISTRY)
    assert row.levels == (*((level, 0) for level in LEVELS), ("half-met", 1))
    assert row.starts == 1


def test_faults_of_files_are_not_records() -> None:
    found = journeys(VALIDATOR.iter_validate(["examples/records/carers.jsonl"]))
    fault = RecordResult(source="x", index=None, line=None, record_id=None, issues=())
    found.add(fault)
    assert found.records == 3


def test_groupings_journeys_cannot_use_are_refused() -> None:
    for fields in (("stage",), ("perspective",), ("period", "stage")):
        with pytest.raises(ValueError, match=r"cannot group journeys by '(stage|perspective)'"):
            Journeys(grouping=Grouping(fields=fields))
    Journeys(grouping=Grouping(fields=("context.team", "period")))  # these can
    with pytest.raises(ValueError, match="same grouping"):
        journeys([]) + journeys([], grouping=Grouping(fields=("period",)))
    assert Journeys().__add__(3) is NotImplemented  # type: ignore[operator]


def test_suppressed_counts_and_no_median_are_shown() -> None:
    row = JourneyRow(
        group=(("context.team", None),),
        framework="adults",
        outcome="seeing-people",
        starts=None,
        levels=(("met", None), ("partly-met", 3)),
        unrated=0,
        no_review=None,
        median_days=None,
    )
    unreviewed = attrs.evolve(
        row, starts=7, levels=(("met", 0), ("partly-met", 0)), no_review=7, median_days=None
    )
    # A median is hidden ("*") when a count of the starts that reached a review is; it
    # is empty when none reached one.
    assert list(journey_table_rows([row, unreviewed])) == [
        ["(not recorded)", "adults", "seeing-people", "*", "*", "3", "0", "*", "*"],
        ["(not recorded)", "adults", "seeing-people", "7", "0", "0", "0", "7", ""],
    ]


# ---- properties ----------------------------------------------------------------------

PERSONS = st.sampled_from(["p-1", "p-2"])
SHARED = st.sampled_from(["seeing-people", "having-things-to-do", "listened-to"])
DAYS = st.integers(0, 40).map(lambda n: (dt.date(2026, 3, 15) + dt.timedelta(days=n)).isoformat())


@st.composite
def journey_records(draw: st.DrawFn) -> dict[str, Any]:
    """Records of few persons, days and outcomes (shared by two frameworks), some invalid."""
    stage = draw(st.sampled_from(["assessment", "support-planning", "review", "review"]))
    outcomes = []
    for number, outcome in enumerate(draw(st.lists(SHARED, min_size=1, max_size=3))):
        item = _o(outcome, what_matters=f"Matters {number}")
        if stage == "review" and draw(st.booleans()):
            item["status"] = draw(st.sampled_from(LEVELS))
        outcomes.append(item)
    if draw(st.integers(0, 9)) == 0:
        outcomes.append(_o("no-such"))  # an error: the record is excluded
    team = draw(st.sampled_from([None, "north", "south"]))
    return record(
        framework=draw(st.sampled_from(["adults", "care-homes"])),
        person_id=draw(PERSONS),
        recorded_on=draw(DAYS),
        stage=stage,
        outcomes=outcomes,
        **({"context": {"team": team}} if team else {}),
    )


def _oracle(data: list[dict[str, Any]], period: str) -> list[dict[str, Any]]:
    """The journeys computed the slow, obvious way from the whole list at once."""
    valid = [item for item, result in zip(data, _results(data), strict=True) if result.valid]
    triples = {
        (item["person_id"], item["framework"], o["outcome"])
        for item in valid
        if item["stage"] != "review"
        for o in item["outcomes"]
    }
    cells: dict[tuple[Any, ...], dict[str, Any]] = {}
    for person, framework, outcome in triples:

        def names(item: dict[str, Any], p: str = person, f: str = framework) -> list[str]:
            same = item["person_id"] == p and item["framework"] == f
            return [o["outcome"] for o in item["outcomes"]] if same else []

        starts = [i for i in valid if i["stage"] != "review" and outcome in names(i)]
        start = min(starts, key=lambda i: i["recorded_on"])  # min keeps the first of ties
        team = (start.get("context") or {}).get("team")
        group = (team, period_of(start["recorded_on"], period))  # type: ignore[arg-type]
        reviews = [
            i
            for i in valid
            if i["stage"] == "review"
            and outcome in names(i)
            and i["recorded_on"] >= start["recorded_on"]
        ]
        cell = cells.setdefault(
            (group, framework, outcome), {"starts": 0, "levels": Counter(), "days": []}
        )
        cell["starts"] += 1
        if reviews:
            review = min(reviews, key=lambda i: i["recorded_on"])
            status = next(o for o in review["outcomes"] if o["outcome"] == outcome).get("status")
            cell["levels"][status or "(unrated)"] += 1
            days = dt.date.fromisoformat(review["recorded_on"]) - dt.date.fromisoformat(
                start["recorded_on"]
            )
            cell["days"].append(days.days)
        else:
            cell["levels"]["(none)"] += 1
    return sorted(
        (
            {
                "group": {"context.team": group[0], "period": group[1]},
                "framework": framework,
                "outcome": outcome,
                "starts": cell["starts"],
                "levels": {level: cell["levels"][level] for level in LEVELS},
                "unrated": cell["levels"]["(unrated)"],
                "no_review": cell["levels"]["(none)"],
                "median_days": statistics.median(cell["days"]) if cell["days"] else None,
            }
            for (group, framework, outcome), cell in cells.items()
        ),
        key=lambda row: json.dumps(row, sort_keys=True),
    )


@settings(max_examples=80, deadline=None)
@given(st.lists(journey_records(), max_size=14), st.integers(0, 14), st.integers(0, 14))
def test_parts_sum_to_starts_and_slices_merge(
    data: list[dict[str, Any]], cut: int, other: int
) -> None:
    """Every start is counted once; any split merges to one pass; a slow oracle agrees."""
    for number, item in enumerate(data):
        item["record_id"] = f"r-{number}"
    results = _results(data)
    grouping = Grouping(fields=("context.team", "period"), period="month")
    whole = journeys(results, grouping=grouping)
    low, high = sorted((cut, other))
    merged = (
        journeys(results[:low], grouping=grouping) + journeys(results[low:high], grouping=grouping)
    ) + journeys(results[high:], grouping=grouping)
    assert merged.to_dict(REGISTRY) == whole.to_dict(REGISTRY)
    regrouped = journeys(results[:low], grouping=grouping) + (
        journeys(results[low:high], grouping=grouping) + journeys(results[high:], grouping=grouping)
    )
    assert regrouped.to_dict(REGISTRY) == whole.to_dict(REGISTRY)
    rows = whole.rows(REGISTRY)
    for row in rows:
        parts = sum(count for _, count in row.levels) + row.unrated + row.no_review  # type: ignore[operator, misc]
        assert row.starts == parts
    assert whole.records == whole.included + whole.excluded == len(data)
    got: list[Any] = whole.to_dict(REGISTRY)["rows"]  # type: ignore[assignment]
    got.sort(key=lambda row: json.dumps(row, sort_keys=True))
    assert got == _oracle(data, "month")


# ---- the command ---------------------------------------------------------------------


def cli(*arguments: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(arguments), out, err)
    return code, out.getvalue(), err.getvalue()


def _fixture_file(tmp_path: Path, data: list[dict[str, Any]] = FIXTURE) -> str:
    path = tmp_path / "records.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in data), encoding="utf-8")
    return str(path)


def test_the_command_json_is_the_api_s(tmp_path: Path) -> None:
    path = _fixture_file(tmp_path)
    code, out, err = cli("journeys", TODAY_ARG, "--format", "json", "--by", "context.team", path)
    assert (code, err) == (0, "")
    expected = journeys(_results(), grouping=Grouping(fields=("context.team",)))
    assert json.loads(out) == expected.to_dict(REGISTRY)


def test_the_command_writes_every_format(tmp_path: Path) -> None:
    path = _fixture_file(tmp_path)
    code, table, err = cli("journeys", TODAY_ARG, path)
    assert (code, err) == (0, "")
    assert table.splitlines() == [
        (
            "framework  outcome            starts  met  partly-met  not-met  no-longer-relevant"
            "  unrated  no_review  median_days"
        ),
        (
            "adults     feeling-safe            2    1           0        0                   0"
            "        1          0         20.5"
        ),
        (
            "adults     seeing-people           3    1           1        1                   0"
            "        0          0           12"
        ),
        (
            "adults     improved-mobility       1    0           0        0                   0"
            "        0          1            -"
        ),
        "14 records: 13 included, 1 excluded for errors (unknown-outcome 1)",
    ]
    code, text, _ = cli("journeys", TODAY_ARG, "--format", "csv", "--by", "period", path)
    assert text.splitlines()[:2] == [
        (
            "period,framework,outcome,starts,met,partly-met,not-met,no-longer-relevant,unrated,"
            "no_review,median_days"
        ),
        "2026-02,adults,feeling-safe,1,0,0,0,0,1,0,28",
    ]
    assert text.splitlines()[-1] == "2026-04,adults,improved-mobility,1,0,0,0,0,0,1,"
    assert text.endswith("\r\n")
    code, text, _ = cli("journeys", TODAY_ARG, "--format", "markdown", path)
    assert text.splitlines()[:3] == [
        (
            "| framework | outcome | starts | met | partly-met | not-met | no-longer-relevant "
            "| unrated | no_review | median_days |"
        ),
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        "| adults | feeling-safe | 2 | 1 | 0 | 0 | 0 | 1 | 0 | 20.5 |",
    ]
    output = tmp_path / "out.json"
    code, text, _ = cli("journeys", TODAY_ARG, "--format", "json", "--output", str(output), path)
    assert (code, text) == (0, "")
    assert json.loads(output.read_text(encoding="utf-8"))["records"] == 14


def test_csv_and_markdown_cells_are_safe(tmp_path: Path) -> None:
    data = [record(context={"team": "=HYPERLINK(1)|x"})]
    path = _fixture_file(tmp_path, data)
    by = ("--by", "context.team")
    _, text, _ = cli("journeys", TODAY_ARG, *by, "--format", "csv", path)
    assert text.splitlines()[1] == "'=HYPERLINK(1)|x,adults,seeing-people,1,0,0,0,0,0,1,"
    _, text, _ = cli("journeys", TODAY_ARG, *by, "--format", "markdown", path)
    assert text.splitlines()[2].startswith("| =HYPERLINK(1)\\|x | adults |")


def test_the_command_s_usage_errors_and_unreadable_files(tmp_path: Path) -> None:
    for field in ("colour", "stage", "perspective"):
        code, out, err = cli("journeys", "--by", field, "x.json")
        assert (code, out) == (2, "")
        assert err.startswith(
            f"personal-outcomes journeys: error: cannot group journeys by '{field}'"
        )
    code, _, err = cli("journeys", "--by", "national-outcome", "x.json")
    assert (code, err) == (
        2,
        (
            "personal-outcomes journeys: error: cannot group journeys by 'national-outcome': "
            "journeys are counted per outcome, not per national outcome (summarise can group by "
            "it); group by context.NAME or period (taken from the start record)\n"
        ),
    )
    code, _, err = cli("journeys", "--by", "colour", "x.json")
    assert err == (
        "personal-outcomes journeys: error: cannot group journeys by 'colour': a journey spans "
        "several records; group by context.NAME or period (taken from the start record)\n"
    )
    code, _, err = cli("journeys", "--by", "period", "--by", "period", "x.json")
    assert (code, err) == (
        2,
        "personal-outcomes journeys: error: a field to group by is given twice\n",
    )
    assert cli("journeys", "x.txt")[0] == 2
    code, _, err = cli("journeys", TODAY_ARG, str(tmp_path / "missing.json"))
    assert (code, err) == (
        2,
        (
            f"{tmp_path / 'missing.json'}: /: unreadable-file: the file cannot be read (No such "
            "file or directory); check the path and permissions\n"
            "personal-outcomes journeys: 1 file(s) could not be read; nothing was written\n"
        ),
    )
    (tmp_path / "empty.json").write_text("")
    code, out, err = cli("journeys", TODAY_ARG, str(tmp_path / "empty.json"))
    assert code == 0
    assert "in no record" in err
    assert out.splitlines()[-1] == "0 records: 0 included, 0 excluded for errors"
    code, out, _ = cli("journeys", TODAY_ARG, "--input-format", "jsonl", _fixture_file(tmp_path))
    assert (code, out.splitlines()[-1]) == (
        0,
        "14 records: 13 included, 1 excluded for errors (unknown-outcome 1)",
    )


# ---- safe publication --------------------------------------------------------------------


def test_suppression_of_journeys_on_the_command_line(tmp_path: Path) -> None:
    """By hand, below 3: feeling-safe's 2 starts (1 met, 1 unrated) and their median go;
    seeing-people's three 1s go but its 3 starts and median of 3 reviews stay; the lone
    start of improved-mobility goes with its no_review, and no median is shown there."""
    path = _fixture_file(tmp_path)
    code, table, err = cli("journeys", TODAY_ARG, "--suppress-below", "3", path)
    assert (code, err) == (0, "")
    assert table.splitlines()[1:4] == [
        (
            "adults     feeling-safe            *    *           0        0                   0"
            "        *          0            *"
        ),
        (
            "adults     seeing-people           3    *           *        *                   0"
            "        0          0           12"
        ),
        (
            "adults     improved-mobility       *    0           0        0                   0"
            "        0          *            -"
        ),
    ]
    code, text, _ = cli("journeys", TODAY_ARG, "--suppress-below", "3", "--format", "json", path)
    rows = json.loads(text)["rows"]
    assert [(r["starts"], r["unrated"], r["no_review"], r["median_days"]) for r in rows] == [
        (None, None, 0, None),
        (3, 0, 0, 12),
        (None, 0, None, None),
    ]
    code, text, _ = cli(
        "journeys", TODAY_ARG, "--suppress-below", "3", "--suppress-zeros", "--format", "csv", path
    )
    assert text.splitlines()[1:] == [
        "adults,feeling-safe,*,*,*,*,*,*,*,*",
        "adults,seeing-people,3,*,*,*,*,*,*,12",
        "adults,improved-mobility,*,*,*,*,*,*,*,*",
    ]
    # Below 2, only the 1s go; feeling-safe's median of 2 reviews stays (2 is not below 2).
    _, text, _ = cli("journeys", TODAY_ARG, "--suppress-below", "2", "--format", "json", path)
    medians = [row["median_days"] for row in json.loads(text)["rows"]]
    assert medians == [20.5, 12, None]


@settings(max_examples=200, deadline=None)
@given(
    counts=st.lists(
        st.tuples(st.lists(st.integers(0, 6), min_size=4, max_size=4), st.integers(0, 6),
                  st.integers(0, 6)),
        min_size=1,
        max_size=4,
    ),
    below=st.integers(1, 6),
    zeros=st.booleans(),
)  # fmt: skip
def test_published_journeys_give_no_suppressed_count_away(
    counts: list[tuple[list[int], int, int]], below: int, zeros: bool
) -> None:
    rows = [
        JourneyRow(
            group=(),
            framework="adults",
            outcome=f"o-{number}",
            starts=sum(levels) + unrated + no_review,
            levels=tuple(zip(LEVELS, levels, strict=True)),
            unrated=unrated,
            no_review=no_review,
            median_days=7 if sum(levels) + unrated else None,
        )
        for number, (levels, unrated, no_review) in enumerate(counts)
    ]
    shown = published(rows, below=below, zeros=zeros)
    for row, out in zip(rows, shown, strict=True):
        cells = [row.starts, *(n for _, n in row.levels), row.unrated, row.no_review]
        kept = [out.starts, *(n for _, n in out.levels), out.unrated, out.no_review]
        for given_count, published_count in zip(cells, kept, strict=True):
            assert published_count in {given_count, None}  # shown counts are exact
            small = 0 < (given_count or 0) < below or (zeros and given_count == 0 and below > 1)
            assert not small or published_count is None
        assert kept.count(None) != 1  # a lone hidden cell of a row would be its difference
        reached = (row.starts or 0) - (row.no_review or 0)
        assert out.median_days == (None if 0 < reached < below else row.median_days)
    assert published(rows, below=None) == rows


def test_rows_of_both_kinds_are_not_published_together() -> None:
    summary_rows = summarise([VALIDATOR.validate_record(record())]).rows(REGISTRY)
    journey_rows = journeys(_results()).rows(REGISTRY)
    with pytest.raises(TypeError, match="must all be SummaryRow or all JourneyRow"):
        published([*summary_rows, *journey_rows], below=5)  # type: ignore[list-item]


def test_a_file_that_cannot_be_written_is_said_so(tmp_path: Path) -> None:
    path = _fixture_file(tmp_path)
    target = tmp_path / "no-such-folder" / "out.csv"
    code, out, err = cli("journeys", TODAY_ARG, "--output", str(target), path)
    assert (code, out) == (2, "")
    assert err == f"personal-outcomes journeys: cannot write {target} (No such file or directory)\n"
    assert not target.parent.exists()


def test_an_output_in_a_missing_folder_is_refused_before_reading(tmp_path: Path) -> None:
    target = tmp_path / "no" / "out.csv"
    code, out, err = cli("journeys", TODAY_ARG, "--output", str(target), "missing.json")
    assert (code, out) == (2, "")
    assert err == f"personal-outcomes journeys: cannot write {target} (No such file or directory)\n"
