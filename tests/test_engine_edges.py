"""The run's edges: workers meeting empty, missing and vanishing files, folders that
cannot be listed, slices read short, bounded caches, and values too big to show."""

from __future__ import annotations

import io
import json
import multiprocessing.pool
import os
from pathlib import Path

import pytest

from factories import TODAY, outcome_record, record
from personal_outcomes import Validator, bundled, validate_files, validate_record
from personal_outcomes._formats import read_jsonl
from personal_outcomes._formats._raw import RawRecord
from personal_outcomes.validation import (
    FileSummary,
    Issue,
    Partial,
    RecordResult,
    Segment,
    _check,
    _fast_json,
    _parallel,
)
from personal_outcomes.validation._run import Engine, Run

DATA = Path(__file__).parent / "data"
MIXED = DATA / "records" / "mixed.jsonl"
NOT_FOUND = "the file cannot be read (No such file or directory); check the path and permissions"


def _lines(count: int, prefix: str = "r") -> str:
    """JSON Lines text: mostly clean records, an unknown outcome and a repeated id now and then."""
    lines = []
    for number in range(count):
        data = record(record_id=f"{prefix}-{number}", person_id=f"p-{number}")
        if number % 7 == 0:
            data["outcomes"] = [{"outcome": "seeing-peple", "what_matters": "Friends"}]
        if number % 11 == 5:
            data["record_id"] = f"{prefix}-1"
        lines.append(json.dumps(data))
    return "\n".join(lines) + "\n"


@pytest.fixture
def workers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let --jobs cut small files into chunks, checked by threads on any machine."""

    def threads(jobs: int, settings: tuple[object, ...]) -> multiprocessing.pool.Pool:
        return multiprocessing.pool.ThreadPool(
            jobs, initializer=_parallel._start_worker, initargs=(settings,)
        )

    monkeypatch.setattr(_parallel, "CHUNK_BYTES", 1024)
    monkeypatch.setattr(_parallel, "make_pool", threads)
    monkeypatch.setattr(_parallel, "usable_cores", lambda: 4)


Row = tuple[str, int | None, int | None, bool, tuple[Issue, ...]]
Summary = tuple[list[Row], tuple[int, int, int, int, int], tuple[FileSummary, ...]]


def _summary(results: list[RecordResult], run: Run) -> Summary:
    rows: list[Row] = [
        (result.source, result.index, result.line, result.valid, result.issues)
        for result in results
    ]
    counts = (run.records, run.valid, run.errors, run.warnings, run.unreadable)
    return rows, counts, run.files()


ENGINE = Engine(bundled(), today=TODAY)


def _one_process(sources: list[Path]) -> Summary:
    run = Run()
    return _summary(list(ENGINE.scan(sources, run=run)), run)


@pytest.mark.usefixtures("workers")
def test_workers_meet_empty_and_missing_files(tmp_path: Path) -> None:
    many = tmp_path / "many.jsonl"
    many.write_text(_lines(60), encoding="utf-8")
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    missing = tmp_path / "missing.jsonl"
    sources = [many, empty, missing, MIXED]
    run = Run()
    parallel = _summary(list(_parallel.scan_parallel(ENGINE, sources, jobs=2, run=run)), run)
    assert parallel == _one_process(sources)
    rows, counts, files = parallel
    assert counts == (65, 49, 19, 4, 1)
    assert files == (
        FileSummary(source=str(many), records=60, complete=True),
        FileSummary(source=str(empty), records=0, complete=True),
        FileSummary(source=str(missing), records=0, complete=False),
        FileSummary(source=str(MIXED), records=5, complete=True),
    )
    unreadable = [issues for source, _, _, _, issues in rows if source == str(missing)]
    assert [[issue.message for issue in issues] for issues in unreadable] == [[NOT_FOUND]]


@pytest.mark.usefixtures("workers")
def test_workers_report_progress_after_each_chunk(tmp_path: Path) -> None:
    many = tmp_path / "many.jsonl"
    many.write_text(_lines(60), encoding="utf-8")
    chunks = list(_parallel._chunks(str(many), many.stat().st_size))
    assert len(chunks) > 2
    seen: list[tuple[str, int, int]] = []
    run = Run()
    run.on_progress = lambda current: seen.append(
        (current.sources[-1], current.file_records, current.file_lines)
    )
    list(_parallel.scan_parallel(ENGINE, [many], jobs=2, run=run))
    assert len(seen) == len(chunks)
    assert [source for source, _, _ in seen] == [str(many)] * len(chunks)
    # After each chunk, the records and lines of every chunk so far (one record a line).
    ends = [end for _, end in chunks]
    text = many.read_bytes()
    assert [(records, lines) for _, records, lines in seen] == [
        (text.count(b"\n", 0, end), text.count(b"\n", 0, end)) for end in ends
    ]


@pytest.mark.usefixtures("workers")
def test_a_file_that_vanishes_before_the_workers_read_it(tmp_path: Path) -> None:
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first.write_text(_lines(30, "a"), encoding="utf-8")
    second.write_text(_lines(30, "b"), encoding="utf-8")
    run = Run()
    results: list[RecordResult] = []
    for result in _parallel.scan_parallel(ENGINE, [first, second], jobs=2, run=run):
        if not results:
            second.unlink()  # after the plan was made, before the workers open it
        results.append(result)
    rows, counts, files = _summary(results, run)
    assert rows[-1][:4] == (str(second), None, None, False)
    assert [issue.message for issue in rows[-1][4]] == [NOT_FOUND]
    assert {source for source, *_ in rows[:-1]} == {str(first)}
    assert counts == (30, 22, 9, 0, 1)
    assert files == (
        FileSummary(source=str(first), records=30, complete=True),
        FileSummary(source=str(second), records=0, complete=False),
    )


def test_a_slice_read_short_marks_its_source_incomplete() -> None:
    def segment(*, continued: bool, complete: bool) -> Segment:
        return Segment(
            source="big.json",
            records=2,
            lines=2,
            results=(),
            keys=(),
            places=(),
            continued=continued,
            complete=complete,
        )

    whole = Partial(segments=(segment(continued=False, complete=True),))
    short = whole + Partial(segments=(segment(continued=True, complete=False),))
    assert short.segments[0].complete is False
    run = Run()
    assert list(ENGINE.absorb(short, run)) == []
    assert run.files() == (FileSummary(source="big.json", records=4, complete=False),)
    assert (run.records, run.valid) == (4, 4)
    run = Run()
    list(ENGINE.absorb(whole, run))
    assert run.files() == (FileSummary(source="big.json", records=2, complete=True),)


def _deep_folder(top: Path, depth: int) -> str:
    """Make folders nested deeper than a path may be long; return the relative path."""
    name = "d" * 200
    descriptor = os.open(top, os.O_RDONLY)
    try:
        for _ in range(depth):
            os.mkdir(name, dir_fd=descriptor)
            inner = os.open(name, os.O_RDONLY, dir_fd=descriptor)
            os.close(descriptor)
            descriptor = inner
    finally:
        os.close(descriptor)
    return "/".join([name] * depth)


def test_a_folder_that_cannot_be_listed_is_an_unreadable_source(tmp_path: Path) -> None:
    folder = tmp_path / "records"
    folder.mkdir()
    (folder / "a.jsonl").write_bytes(MIXED.read_bytes())
    (folder / "notes.txt").write_text("not records", encoding="utf-8")
    deep = _deep_folder(folder, 24)  # more than PATH_MAX (4096) characters in all
    report = validate_files([folder], today=TODAY)
    unreadable = [issue for issue in report.issues if issue.code == "unreadable-file"]
    assert len(unreadable) == 1
    issue = unreadable[0]
    assert issue.source.startswith(f"{folder}/{'d' * 200}/")
    assert len(issue.source) > 4096
    assert deep.startswith(issue.source.removeprefix(f"{folder}/"))
    assert issue.message == (
        "the file cannot be read (File name too long); check the path and permissions"
    )
    assert (report.records, report.unreadable, report.skipped) == (5, 1, 1)
    assert [(f.source, f.records, f.complete) for f in report.files] == [
        (str(folder / "a.jsonl"), 5, True),
        (issue.source, 0, False),
    ]


# ---- bounded caches ----------------------------------------------------------------


def test_a_full_message_cache_changes_no_message(monkeypatch: pytest.MonkeyPatch) -> None:
    wrong = [outcome_record(outcome=outcome) for outcome in ("seeing-peple", "feling-safe", "x")]
    expected = [[str(i) for i in validate_record(data, today=TODAY).issues] for data in wrong]
    monkeypatch.setattr(_check, "_MESSAGE_CACHE", 1)
    validator = Validator(today=TODAY)
    for _ in range(2):
        assert [[str(i) for i in validator.validate_record(d).issues] for d in wrong] == expected
    version = bundled().get("adults").version
    assert expected[0] == [
        (
            "<record>: /outcomes/0/outcome: unknown-outcome: not an outcome id of framework "
            f"'adults' {version}; did you mean 'seeing-people'?"
        )
    ]


def test_a_full_key_cache_changes_no_verdict(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_fast_json, "_CACHE_LIMIT", 1)
    line_check = Engine(bundled(), today=TODAY).line_check
    contexts = [{"team": "a"}, {"area": "b"}, {"ward": "c", "team": "d"}, {"Bad key!": "e"}]
    lines = [
        json.dumps(record(record_id=f"r-{n}", context=c)).encode() for n, c in enumerate(contexts)
    ]
    assert [line_check(line) for line in lines * 2] == ["r-0", "r-1", "r-2", None] * 2


# ---- values too big to show ---------------------------------------------------------


def test_a_value_too_large_to_show_is_described() -> None:
    nested: list[object] = [10**5000]
    result = validate_record(record(record_id=nested), today=TODAY, include_values=True)
    assert [(i.pointer, i.message, i.value) for i in result.issues] == [
        (
            "/record_id",
            "must be text, not a list",
            "a value of type list too large or deep to show",
        )
    ]


def test_a_line_proven_clean_is_a_raw_record_with_every_default() -> None:
    """The fast path builds its raw records in C: they equal the named tuple's own."""
    lines = io.BytesIO(b'{"a": 1}\n\n{"b": 2}\r\n')
    raws = list(read_jsonl(lines, "x", line_check=lambda line: "id-" + line.decode()[2]))
    assert raws == [
        RawRecord(0, 1, None, None, clean_id="id-a"),
        RawRecord(1, 3, None, None, clean_id="id-b"),
    ]
    assert all(type(raw) is RawRecord for raw in raws)
    assert raws[0].suppressed == frozenset()
    assert raws[0].problems == ()


@pytest.mark.usefixtures("workers")
def test_workers_read_no_further_than_one_process_in_a_utf16_file(tmp_path: Path) -> None:
    """The reader stops at a UTF-16 file's first line; later chunks are not counted."""
    utf16 = tmp_path / "utf16.jsonl"
    utf16.write_bytes(b"\xff\xfe{}\n" + _lines(60).encode())
    run = Run()
    parallel = _summary(list(_parallel.scan_parallel(ENGINE, [utf16], jobs=2, run=run)), run)
    assert parallel == _one_process([utf16])
    rows, counts, files = parallel
    assert counts == (0, 0, 1, 0, 0)
    assert files == (FileSummary(source=str(utf16), records=0, complete=False),)
    assert [issue.code for _, _, _, _, issues in rows for issue in issues] == ["parse-error"]
