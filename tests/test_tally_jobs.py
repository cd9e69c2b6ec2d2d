"""summarise and journeys on the fast path and with --jobs: the same counts as the API.

The commands count clean JSON Lines records from the fast path's decoded records, never
built as dicts, and with ``--jobs`` each worker sends back what its chunk's records give
the counts, counted once the duplicates are known; the API counts every record's dict.
These tests hold the three to the same answer, on random mixes of clean records, records
with warnings, records with errors and duplicated ids, cut into chunks anywhere.
"""

from __future__ import annotations

import io
import json
import multiprocessing.pool
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factories import TODAY, TODAY_ARG, record
from personal_outcomes import Validator, bundled
from personal_outcomes._cli import _tallies, run
from personal_outcomes.summaries import Grouping, journeys, summarise
from personal_outcomes.validation import _parallel
from personal_outcomes.validation._run import Engine
from strategies import mutated_records, records

VALIDATOR = Validator(today=TODAY)


def cli(*arguments: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(arguments), out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def threads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let --jobs cut even a small file into chunks, counted by threads (fast, any machine)."""

    def pool(jobs: int, settings: tuple[object, ...]) -> multiprocessing.pool.Pool:
        return multiprocessing.pool.ThreadPool(
            jobs, initializer=_parallel._start_worker, initargs=(settings,)
        )

    monkeypatch.setattr(_parallel, "make_pool", pool)
    monkeypatch.setattr(_parallel, "usable_cores", lambda: 4)
    monkeypatch.setattr(_tallies, "usable_cores", lambda: 4)
    monkeypatch.setattr(_parallel, "CHUNK_BYTES", 300)


def _unrated(data: dict[str, Any]) -> dict[str, Any]:
    """The record at review with its first outcome's status dropped: a warning only."""
    outcomes = [dict(outcome) for outcome in data["outcomes"]]
    outcomes[0].pop("status", None)
    outcomes[0].pop("status_note", None)
    return {**data, "stage": "review", "outcomes": outcomes}


PERSONS = st.sampled_from(["p-1", "p-2", "p-3"])
IDS = st.sampled_from([f"r-{n}" for n in range(12)])  # few ids: duplicates, near and far
TEAMS = st.sampled_from([{}, {"context": {"team": "north"}}, {"context": {"team": "south"}}])


@st.composite
def mixed_records(draw: st.DrawFn) -> object:
    kind = draw(st.sampled_from(["clean", "clean", "clean", "warning", "error"]))
    if kind == "error":
        return draw(mutated_records())
    data: dict[str, Any] = draw(records())
    data = {k: v for k, v in data.items() if k != "context"} | draw(TEAMS)
    data |= {"record_id": draw(IDS), "person_id": draw(PERSONS)}
    return _unrated(data) if kind == "warning" else data


def _write(folder: str, items: Sequence[object]) -> str:
    path = Path(folder) / "records.jsonl"
    path.write_text("".join(json.dumps(item) + "\n" for item in items), encoding="utf-8")
    return str(path)


SUMMARY_BY = ("--by", "context.team", "--by", "perspective", "--by", "period")
JOURNEYS_BY = ("--by", "context.team", "--by", "period")


@pytest.mark.usefixtures("threads")
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(items=st.lists(mixed_records(), max_size=40))
def test_fast_path_and_jobs_count_as_the_api_does(items: list[object]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = _write(folder, items)
        grouping = Grouping(fields=("context.team", "perspective", "period"), period="quarter")
        expected = summarise(VALIDATOR.iter_validate(path), grouping=grouping).to_dict(bundled())
        by_journey = Grouping(fields=("context.team", "period"), period="quarter")
        journeyed = journeys(VALIDATOR.iter_validate(path), grouping=by_journey)
        expected_journeys = journeyed.to_dict(bundled())
        for jobs in ("1", "2", "3"):
            options = (TODAY_ARG, "--format", "json", "--period", "quarter", "--jobs", jobs)
            code, out, err = cli("summarise", *options, *SUMMARY_BY, path)
            assert (code, err) == (0, "")
            assert json.loads(out) == expected, f"summarise --jobs {jobs}"
            code, out, err = cli("journeys", *options, *JOURNEYS_BY, path)
            assert (code, err) == (0, "")
            assert json.loads(out) == expected_journeys, f"journeys --jobs {jobs}"


def _fixture(tmp_path: Path) -> str:
    """Records whose chunks of 300 bytes hold one or two records each."""
    review = {"outcome": "seeing-people", "what_matters": "My pals", "status": "met"}
    items = [
        record(record_id="r-1"),
        record(record_id="r-2", person_id="p-2"),
        record(record_id="r-3", stage="review", recorded_on="2026-04-01", outcomes=[review]),
        record(record_id="r-1", person_id="p-3"),  # a duplicate, clean otherwise
        record(
            record_id="r-4", person_id="p-4", outcomes=[{"outcome": "no-such", "what_matters": "x"}]
        ),
        record(
            record_id="r-2", person_id="p-5", outcomes=[{"outcome": "no-such", "what_matters": "x"}]
        ),
        record(record_id="r-5", person_id="p-2", stage="review", outcomes=[review]),
    ]
    return _write(str(tmp_path), items)


def test_duplicates_in_other_chunks_are_excluded_by_code(tmp_path: Path) -> None:
    path = _fixture(tmp_path)
    counts = {
        "records": 7,
        "included": 4,
        "excluded": {"total": 3, "by_code": {"duplicate-record-id": 2, "unknown-outcome": 2}},
    }
    for jobs in ("1", "2"):
        for command in ("summarise", "journeys"):
            code, out, _ = cli(command, TODAY_ARG, "--format", "json", "--jobs", jobs, path)
            found = json.loads(out)
            del found["rows"]
            assert (code, found) == (0, counts), (command, jobs)


@pytest.mark.usefixtures("threads")
def test_duplicates_in_other_chunks_with_threads(tmp_path: Path) -> None:
    test_duplicates_in_other_chunks_are_excluded_by_code(tmp_path)


def test_worker_processes_send_their_counts_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Real worker processes: what each record gives the counts travels back (pickled)."""
    monkeypatch.setattr(_parallel, "CHUNK_BYTES", 300)
    monkeypatch.setattr(_parallel, "usable_cores", lambda: 2)
    monkeypatch.setattr(_tallies, "usable_cores", lambda: 2)
    path = _fixture(tmp_path)
    for command in ("summarise", "journeys"):
        one = cli(command, TODAY_ARG, "--format", "json", path)
        two = cli(command, TODAY_ARG, "--format", "json", "--jobs", "2", path)
        assert one == two
        assert json.loads(one[1])["included"] == 4


def test_more_jobs_than_cores_is_noted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_tallies, "usable_cores", lambda: 1)
    path = _fixture(tmp_path)
    for command in ("summarise", "journeys"):
        code, out, err = cli(command, TODAY_ARG, "--jobs", "5", path)
        assert (code, out) == cli(command, TODAY_ARG, path)[:2]
        assert err == (
            f"personal-outcomes {command}: note: --jobs 5 is more than the 1 processor "
            "core(s) this command may use; using 1\n"
        )


@pytest.mark.compiled
def test_clean_records_of_any_mapping_are_counted_as_dicts_are() -> None:
    """add_clean takes a dict, another mapping, or the fast path's decoded record alike."""
    from types import MappingProxyType  # noqa: PLC0415

    review = {"outcome": "seeing-people", "what_matters": "My pals", "status": "met"}
    data = record(stage="review", context={"team": "north"}, outcomes=[review])
    line = json.dumps(data).encode()
    engine = Engine(VALIDATOR.registry, today=TODAY)
    for grouping in (Grouping(), Grouping(fields=("context.team", "period"))):
        counted = [summarise([], grouping=grouping) for _ in range(3)]
        counted[0].add_clean(data)
        counted[1].add_clean(MappingProxyType(data))
        counted[2].add_clean(engine.line_proof(line))
        first = counted[0].to_dict(VALIDATOR.registry)
        assert [c.to_dict(VALIDATOR.registry) for c in counted] == [first] * 3
        (row, *_) = counted[0].rows(VALIDATOR.registry)
        assert (row.mentions, dict(row.levels)["met"]) == (1, 1)


# ---- duplicates in every order: each chunk read once ------------------------------------

SEEING = {"outcome": "seeing-people", "what_matters": "My pals"}
UNKNOWN = [{"outcome": "no-such", "what_matters": "x"}]


def _review(record_id: str, day: str, status: str | None, **changes: Any) -> dict[str, Any]:
    mention = SEEING if status is None else {**SEEING, "status": status}
    return record(
        record_id=record_id, stage="review", recorded_on=day, outcomes=[mention], **changes
    )


#: Each record's id, and what it is. With one record a chunk, every duplicate is in a
#: later chunk than its id's first use; with larger chunks, some are in the same chunk.
ORDERS = [
    record(record_id="r-1", context={"team": "north"}),  # p-1's start (in north)
    record(record_id="r-2", person_id="p-2", outcomes=UNKNOWN),  # first use: with errors
    _review("r-3", "2026-05-01", None, person_id="p-5"),  # first use: a warning only
    # A duplicate of r-1: were it counted, p-1's earliest start, in south.
    record(record_id="r-1", recorded_on="2026-02-15", context={"team": "south"}),
    record(record_id="r-2", person_id="p-3"),  # its first use had errors: still a duplicate
    _review("r-3", "2026-04-01", "not-met"),  # a duplicate, read first of p-1's tied reviews
    _review("r-5", "2026-04-01", "met"),  # p-1's next review: met
    _review("r-5", "2026-03-20", "partly-met", notes=""),  # a duplicate with an error too
    _review("r-1", "2026-03-10", None, person_id="p-6"),  # a duplicate with a warning
    record(record_id="r-6", person_id="p-2", context={"team": "north"}),
]
#: A second file: a duplicate of the first file's last id, and a new id.
SECOND = [record(record_id="r-6", person_id="p-7"), record(record_id="r-7", person_id="p-8")]
ORDER_COUNTS = {
    "records": 12,
    "included": 5,
    "excluded": {
        "total": 7,
        "by_code": {"duplicate-record-id": 6, "schema": 1, "unknown-outcome": 1},
    },
}


def _two_files(folder: Path) -> list[str]:
    first, second = folder / "a.jsonl", folder / "b.jsonl"
    first.write_text("".join(json.dumps(item) + "\n" for item in ORDERS), encoding="utf-8")
    second.write_text("".join(json.dumps(item) + "\n" for item in SECOND), encoding="utf-8")
    return [str(first), str(second)]


ORDER_RUNS = [
    ("summarise", "json", ()),
    ("summarise", "table", ("--by", "context.team", "--by", "period")),
    ("summarise", "csv", ("--by", "perspective", "--by", "stage")),
    ("journeys", "json", ("--by", "context.team")),
    ("journeys", "table", ("--by", "period")),
]


@pytest.mark.usefixtures("threads")
@pytest.mark.parametrize("chunk", [1, 300, 700, 1_000_000])
def test_duplicates_in_every_order_count_as_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    """Duplicates in later chunks, in the same chunk, of another file: one process's bytes."""
    monkeypatch.setattr(_parallel, "CHUNK_BYTES", chunk)
    paths = _two_files(tmp_path)
    for command, output, by in ORDER_RUNS:
        options = (TODAY_ARG, "--format", output, *by, *paths)
        one = cli(command, *options)
        assert one[0] == 0, one[2]
        assert cli(command, "--jobs", "2", *options) == one, (command, output, chunk)
        if output == "json":
            found = json.loads(one[1])
            assert {key: found[key] for key in ORDER_COUNTS} == ORDER_COUNTS


def test_a_duplicate_read_first_of_tied_records_leaves_the_next_one(tmp_path: Path) -> None:
    """p-1's start is r-1's (north), and its next review the second of the tied ones (met)."""
    paths = _two_files(tmp_path)
    code, out, err = cli("journeys", TODAY_ARG, "--format", "json", "--by", "context.team", *paths)
    assert (code, err) == (0, "")
    rows = {(row["group"]["context.team"], row["outcome"]): row for row in json.loads(out)["rows"]}
    north = rows[("north", "seeing-people")]
    assert (north["starts"], north["levels"]["met"], north["no_review"]) == (2, 1, 1)
    assert north["median_days"] == 31
    assert ("south", "seeing-people") not in rows


@pytest.mark.usefixtures("threads")
def test_each_chunk_is_read_once_however_many_duplicates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No chunk is read again to leave its duplicates out: one read a chunk, no more."""
    monkeypatch.setattr(_parallel, "CHUNK_BYTES", 1)  # a record a chunk
    read: list[tuple[str, int]] = []
    read_chunk = _parallel.read_chunk

    def counted(task: tuple[str, str, int, int], *args: Any, **kwargs: Any) -> _parallel.Chunk:
        read.append((task[1], task[2]))
        return read_chunk(task, *args, **kwargs)

    monkeypatch.setattr(_parallel, "read_chunk", counted)
    paths = _two_files(tmp_path)
    chunks = len(ORDERS) + len(SECOND)
    for command in ("summarise", "journeys"):
        read.clear()
        code, _, err = cli(command, TODAY_ARG, "--jobs", "2", *paths)
        assert (code, err) == (0, "")
        assert len(read) == chunks
        assert len(set(read)) == chunks
