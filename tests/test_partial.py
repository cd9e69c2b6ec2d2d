"""Checked slices of input merge associatively, and a run of them reports what one scan does.

A JSON Lines file is cut at line boundaries into slices; each slice is checked on its
own into a :class:`Partial` (as a worker does), the partials are added in any
bracketing and absorbed into a run. The results (every issue, in order) and the
counts must be exactly those of one process scanning the whole file.
"""

from __future__ import annotations

import io
import itertools
import json
import tempfile
from collections.abc import Sequence
from pathlib import Path

import attrs
from hypothesis import given
from hypothesis import strategies as st

from factories import TODAY
from personal_outcomes import bundled
from personal_outcomes._formats import read_jsonl
from personal_outcomes._formats._csv import read_csv
from personal_outcomes.validation import Issue, Partial, RecordResult
from personal_outcomes.validation._run import Engine, Run, Segment, check_segment
from strategies import mutated_records, records

DATA = Path(__file__).parent / "data"
MIXED = DATA / "records" / "mixed.jsonl"
MIXED_LINES = [line for line in MIXED.read_bytes().split(b"\n") if line]
ENGINES = {
    include_values: Engine(bundled(), today=TODAY, include_values=include_values)
    for include_values in (False, True)
}
IDS = ["a", "b", "j-1", "j-2", "ünsafe id", ""]

IssueRow = tuple[str, int | None, int | None, str, str, str]
ResultRow = tuple[str, int | None, int | None, bool, tuple[IssueRow, ...]]
Counts = tuple[int, int, int, int]


# ---- material -----------------------------------------------------------------------


def _encoded(data: object, ascii_only: bool) -> bytes:
    return json.dumps(data, ensure_ascii=ascii_only).encode("utf-8")


@st.composite
def record_lines(draw: st.DrawFn) -> bytes:
    """One line of a JSON Lines file (without its newline): good, bad, blank or broken."""
    kind = draw(st.sampled_from(["valid", "mutated", "corpus", "junk"]))
    if kind == "corpus":
        return draw(st.sampled_from(MIXED_LINES))
    if kind == "junk":
        return draw(
            st.sampled_from(
                [
                    b"",
                    b"   \t",
                    b"not json",
                    b"[1, 2]",
                    b'{"record_id": "a", ',
                    b'{"record_id": "b"}',
                    b'{"record_id": 7}',
                    b"\xff\xfe{}",
                    b"null",
                    b"\xef\xbb\xbf" + MIXED_LINES[0],  # a byte order mark past the start
                    MIXED_LINES[0] + b'\r{"record_id": "a"}',  # two records split by a lone CR
                    b"\r",
                ]
            )
        )
    data: object = draw(records() if kind == "valid" else mutated_records())
    if isinstance(data, dict) and draw(st.booleans()):
        data["record_id"] = draw(st.sampled_from(IDS))  # repeated ids, across slices too
    return _encoded(data, draw(st.booleans()))


@st.composite
def jsonl_files(draw: st.DrawFn, max_lines: int = 12) -> list[bytes]:
    """The lines of a JSON Lines file, each with its newline but perhaps the last."""
    lines = [line + b"\n" for line in draw(st.lists(record_lines(), max_size=max_lines))]
    unended, bom = draw(st.booleans()), draw(st.booleans())
    if lines and unended:
        lines[-1] = lines[-1].removesuffix(b"\n")
    if lines and bom:
        lines[0] = b"\xef\xbb\xbf" + lines[0]  # a byte order mark, allowed at the start only
    return lines


def _cuts(data: st.DataObject, lines: list[bytes]) -> list[bytes]:
    """Cut the lines into slices at random line boundaries (empty slices allowed)."""
    bounds = sorted(data.draw(st.lists(st.integers(0, len(lines)), max_size=5)))
    edges = [0, *bounds, len(lines)]
    return [b"".join(lines[start:end]) for start, end in itertools.pairwise(edges)]


def _check(
    engine: Engine, data: bytes, source: str, *, first: bool, at_start: bool, fast: bool
) -> Partial:
    """Check one slice as a worker does: lines counted from 1, records from 0.

    ``first``: the first slice of its source; ``at_start``: the slice starts at the
    source's first byte (so does an empty slice before it).
    """
    raws = read_jsonl(
        io.BytesIO(data), source, line_check=engine.line_check if fast else None, at_start=at_start
    )
    lines = data.count(b"\n") + (not data.endswith(b"\n") and data != b"")
    segment = check_segment(engine, raws, source, lines=lines, continued=not first)
    return Partial(segments=(segment,))


def _checked(engine: Engine, slices: list[bytes], source: str, *, fast: bool) -> list[Partial]:
    """Check each slice of one source."""
    return [
        _check(
            engine,
            text,
            source,
            first=number == 0,
            at_start=not any(slices[:number]),
            fast=fast,
        )
        for number, text in enumerate(slices)
    ]


def _bracketed(data: st.DataObject, parts: Sequence[Partial]) -> Partial:
    """Add the partials, in order, in a random bracketing."""
    if not parts:
        return Partial()
    if len(parts) == 1:
        return parts[0]
    split = data.draw(st.integers(1, len(parts) - 1))
    return _bracketed(data, parts[:split]) + _bracketed(data, parts[split:])


def _rows(results: list[RecordResult]) -> list[ResultRow]:
    return [
        (
            result.source,
            result.index,
            result.line,
            result.valid,
            tuple(
                (issue.source, issue.line, issue.record, issue.pointer, issue.code, issue.message)
                for issue in result.issues
            ),
        )
        for result in results
    ]


def _counts(run: Run) -> Counts:
    return run.records, run.valid, run.errors, run.warnings


def _whole(results: list[RecordResult]) -> list[tuple[object, ...]]:
    """Every field of every result and issue but the record's data (a worker drops it)."""
    return [
        (result.source, result.index, result.line, result.record_id, result.spoiled, result.issues)
        for result in results
    ]


Outcome = tuple[list[ResultRow], Counts, list[tuple[object, ...]], object]


def _outcome(results: list[RecordResult], run: Run) -> Outcome:
    return _rows(results), _counts(run), _whole(results), run.files()


def _scanned(engine: Engine, paths: list[Path]) -> Outcome:
    run = Run()
    return _outcome(list(engine.scan(paths, run=run)), run)


def _absorbed(engine: Engine, partials: Sequence[Partial]) -> Outcome:
    run = Run()
    return _outcome([result for partial in partials for result in engine.absorb(partial, run)], run)


def _write(folder: str, name: str, lines: list[bytes]) -> Path:
    path = Path(folder) / name
    path.write_bytes(b"".join(lines))
    return path


# ---- one process and many agree ----------------------------------------------------


@given(st.data())
def test_slices_merged_in_any_bracketing_report_what_one_scan_does(data: st.DataObject) -> None:
    lines = data.draw(jsonl_files())
    engine = ENGINES[data.draw(st.booleans())]
    fast = data.draw(st.booleans())
    with tempfile.TemporaryDirectory() as folder:
        path = _write(folder, "records.jsonl", lines)
        slices = _cuts(data, lines)
        parts = _checked(engine, slices, str(path), fast=fast)
        merged = _bracketed(data, parts)
        expected = _scanned(engine, [path])
        assert _absorbed(engine, [merged]) == expected
        # Absorbing the slices one by one, as they come back, gives the same.
        assert _absorbed(engine, parts) == expected
    # However it was bracketed, the merged partial is the one segment of the file.
    assert [segment.source for segment in merged.segments] == [str(path)]
    assert merged.records == expected[1][0]


@given(st.data())
def test_two_files_in_one_partial_stay_separate_sources(data: st.DataObject) -> None:
    engine = ENGINES[False]
    files = [data.draw(jsonl_files(max_lines=6)) for _ in range(2)]
    with tempfile.TemporaryDirectory() as folder:
        paths = [
            _write(folder, f"{name}.jsonl", lines) for name, lines in zip("ab", files, strict=True)
        ]
        parts = [
            part
            for path, lines in zip(paths, files, strict=True)
            for part in _checked(engine, _cuts(data, lines), str(path), fast=True)
        ]
        merged = _bracketed(data, parts)
        assert [segment.source for segment in merged.segments] == [str(path) for path in paths]
        expected = _scanned(engine, paths)
        assert _absorbed(engine, [merged]) == expected
        assert _absorbed(engine, parts) == expected


@given(st.data())
def test_adding_partials_is_associative(data: st.DataObject) -> None:
    engine = ENGINES[data.draw(st.booleans())]
    files = [data.draw(jsonl_files(max_lines=6)) for _ in range(2)]
    fast = data.draw(st.booleans())
    parts = [Partial()] + [
        part
        for name, lines in zip(["a.jsonl", "b.jsonl"], files, strict=True)
        for part in _checked(engine, _cuts(data, lines), name, fast=fast)
    ]
    a, b, c = (data.draw(st.sampled_from(parts)) for _ in range(3))
    assert (a + b) + c == a + (b + c)
    assert a + Partial() == a == Partial() + a


# ---- by hand ------------------------------------------------------------------------


def _segment(source: str, **fields: object) -> Segment:
    values: dict[str, object] = {"records": 0, "lines": 0, "results": (), "keys": (), "places": ()}
    values.update(fields)
    return Segment(source=source, **values)  # type: ignore[arg-type]


def test_a_continued_slice_joins_the_one_before() -> None:
    first = Partial(segments=(_segment("a", records=2, lines=3, keys=("x",), places=(1 << 40,)),))
    joined = first + Partial(
        segments=(_segment("a", records=1, lines=1, keys=("y",), places=(1,), continued=True),)
    )
    assert joined == Partial(
        segments=(
            _segment("a", records=3, lines=4, keys=("x", "y"), places=(1 << 40, (2 << 40) + 4)),
        )
    )
    assert joined.records == 3
    # A slice of another source, or one that starts its source, stays a segment of its own.
    other = Partial(segments=(_segment("b", records=1, lines=1, continued=True),))
    fresh = Partial(segments=(_segment("a", records=1, lines=1),))
    assert [s.source for s in (first + other).segments] == ["a", "b"]
    assert [s.records for s in (first + fresh).segments] == [2, 1]


def test_a_joined_slice_keeps_every_field_of_its_results_and_issues() -> None:
    issue = Issue(
        source="a",
        line=2,
        column=7,
        record=1,
        record_id="r-1",
        pointer="/outcomes/0",
        code="schema",
        severity="error",
        message="m",
        value="v",
    )
    unplaced = attrs.evolve(issue, line=None)
    result = RecordResult(
        source="a",
        index=1,
        line=2,
        record_id="r-1",
        issues=(issue, unplaced),
        data={"k": 1},
        spoiled=True,
    )
    # Every field is listed here: a new one must be carried over when slices join.
    assert [f.name for f in attrs.fields(Issue)] == [*ISSUE_FIELDS]
    assert [f.name for f in attrs.fields(RecordResult)] == [*RESULT_FIELDS]
    earlier = _segment("a", records=5, lines=9)
    joined = _segment("a", results=(result,), records=2, lines=3, continued=True).after(earlier)
    assert joined.results == (
        attrs.evolve(
            result,
            index=6,
            line=11,
            issues=(attrs.evolve(issue, record=6, line=11), attrs.evolve(unplaced, record=6)),
        ),
    )
    # A slice at the start of its source is not moved at all.
    assert _segment("a", results=(result,)).after(_segment("a")).results[0] is result
    unnumbered = attrs.evolve(result, index=None, line=None, issues=(unplaced,))
    moved = _segment("a", results=(unnumbered,)).after(earlier).results[0]
    assert (moved.index, moved.line, moved.issues[0].record) == (None, None, None)


ISSUE_FIELDS = [
    "source",
    "line",
    "column",
    "record",
    "record_id",
    "pointer",
    "code",
    "severity",
    "message",
    "value",
]
RESULT_FIELDS = ["source", "index", "line", "record_id", "issues", "data", "spoiled", "strict"]


def test_the_mixed_file_cut_in_three() -> None:
    engine = ENGINES[False]
    lines = [line + b"\n" for line in MIXED.read_bytes().split(b"\n")[:-1]]
    source = str(MIXED)
    parts = _checked(
        engine, [b"".join(lines[:2]), b"".join(lines[2:4]), b"".join(lines[4:])], source, fast=True
    )
    absorbed = _absorbed(engine, [parts[0] + (parts[1] + parts[2])])
    rows, counts = absorbed[:2]
    assert counts == (5, 2, 4, 4)
    assert [
        (index, line, [issue[4] for issue in issues]) for _, index, line, _, issues in rows
    ] == [
        (1, 3, ["parse-error"]),
        (2, 4, ["future-date", "status-outside-review", "duplicate-record-id"]),
        (3, 5, ["duplicate-outcome", "status-missing"]),
        (4, 6, ["schema", "unknown-outcome"]),
    ]
    duplicate = rows[1][4][2]
    assert duplicate == (
        source,
        4,
        2,
        "/record_id",
        "duplicate-record-id",
        (
            f"this record_id was already used by record 0 of {source}, line 1; "
            "every record needs its own id"
        ),
    )
    assert absorbed == _scanned(engine, [MIXED])


def test_a_slice_of_another_format_carries_its_file_s_own_faults() -> None:
    """A fault of the file itself (here a CSV header with faults and no rows) is no record.

    Slices of any format merge the same way: the fault's result has no index, is not
    counted as a record, and comes after the records of its segment.
    """
    engine = ENGINES[False]
    empty_header = io.BytesIO(b"record_id,framework,bogus\n")
    raws = read_csv(empty_header, "h.csv")
    segment = check_segment(engine, raws, "h.csv", lines=1, continued=False)
    assert (segment.records, [r.index for r in segment.results]) == (0, [None])
    good = io.BytesIO(MIXED_LINES[0] + b"\n")
    first = check_segment(engine, read_jsonl(good, "a"), "a", lines=1, continued=False)
    run = Run()
    results = [
        *engine.absorb(Partial(segments=(first,)), run),
        *engine.absorb(Partial(segments=(segment,)), run),
    ]
    assert [(r.source, r.index) for r in results] == [("h.csv", None)]
    assert [i.record for i in results[0].issues] == [None] * len(results[0].issues)
    assert (run.records, run.valid, run.errors) == (1, 1, len(results[0].issues))
    # The engine reports such a fault the same way when asked to check it alone.
    raw = next(iter(read_csv(io.BytesIO(b"record_id,framework,bogus\n"), "h.csv")))
    assert engine.check_raw(raw, "h.csv") == results[0]


def test_slices_after_the_reader_stopped_are_not_counted(tmp_path: Path) -> None:
    """A UTF-16 file stops the reader at line 1: its later slices count nothing."""
    record = (
        b'{"record_id": "0", "framework": "adults", "person_id": "0", "recorded_on": '
        b'"2000-01-01", "stage": "assessment", "outcomes": [{"outcome": "feeling-safe", '
        b'"what_matters": "0 0"}]}\n'
    )
    lines = [b"\xff\xfe{}\n", record, record.replace(b'"0"', b'"1"', 1)]
    path = _write(str(tmp_path), "records.jsonl", lines)
    engine = ENGINES[True]
    parts = _checked(engine, [lines[0], lines[1], lines[2]], str(path), fast=True)
    expected = _scanned(engine, [path])
    assert expected[1][0] == 0  # no record
    assert _absorbed(engine, parts) == expected
    assert _absorbed(engine, [parts[0] + parts[1] + parts[2]]) == expected
    assert _absorbed(engine, [parts[0] + (parts[1] + parts[2])]) == expected
