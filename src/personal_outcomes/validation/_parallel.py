"""Checking JSON Lines files with several worker processes (``--jobs N``).

A JSON Lines file is cut into chunks at line ends; each worker reads and checks
its chunks with the same code as a single process, and sends back only what the
parent needs: every record's id (for the duplicate index, which only the parent
can keep) and the results of records that have issues. The parent puts the
chunks back in order, renumbers records and lines, and finds duplicate ids.
Other formats, and standard input, are checked in the parent process.

With a tally (``summarise``, ``journeys``), each worker also sends back what each
of its chunk's records gives the tally, as plain values: a record whose id the
parent finds is a duplicate must be excluded, which its worker could not know, and
a tally cannot take a record back out (it keeps distinct persons, earliest dates).
The parent finds the chunk's duplicates, then counts its records in order: those
with errors (duplicates too) from their results, the others from their values.
Every chunk is read once, however many duplicates the input holds.

The Dask executor (``--dask``, :mod:`._dask`) shares the chunks, their checking and
their merging (:func:`read_chunk`, :func:`merge_chunk`) with this one.
"""

from __future__ import annotations

import contextlib
import io
import os
import stat
import sys
import typing
from collections.abc import Container, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Final, Protocol, Self

from personal_outcomes._codes import IssueCode, Severity
from personal_outcomes._formats import read_jsonl
from personal_outcomes.validation._results import Issue, RecordResult
from personal_outcomes.validation._run import (
    STDIN,
    Engine,
    Partial,
    Run,
    Segment,
    Source,
    Sources,
    relative_place,
)

if TYPE_CHECKING:
    import multiprocessing.pool

    from _typeshed import WriteableBuffer

#: Bytes of a JSON Lines file given to a worker at a time.
CHUNK_BYTES: Final = 4 * 1024 * 1024

_worker: Engine | None = None


class Accumulator(Protocol):
    """What counts records as they are checked (a summary's or journeys' tally)."""

    def add(self, result: RecordResult) -> None:
        """Count one checked record."""

    def add_clean(self, record: object) -> None:
        """Count one record proved clean (see ``Engine.scan``'s ``clean``)."""

    def empty(self) -> Self:
        """Return an empty accumulator of the same kind, for one slice of input."""

    def __iadd__(self, other: Self) -> Self:
        """Add the counts of a slice of input read after this one's."""

    def _plain(self, record: object) -> object:
        """Return what an included record gives the accumulator, as values that pickle."""

    def _add_plain(self, plains: Sequence[object], skip: Container[int]) -> None:
        """Count a slice's included records from their values (None: a record with errors).

        In order; the records numbered (from 0) in ``skip`` are passed over.
        """


def _start_worker(settings: tuple[object, ...]) -> None:
    global _worker  # noqa: PLW0603 (one validator per worker process)
    registry, today, include_values, quality = settings
    _worker = Engine(
        registry,  # type: ignore[arg-type]
        today=today,  # type: ignore[arg-type]
        include_values=include_values,  # type: ignore[arg-type]
        quality=quality,  # type: ignore[arg-type]
    )


#: An issue as sent from a worker: (line, column, record_id, pointer, code, severity,
#: message, value). Plain tuples pickle several times faster than attrs objects.
_IssueRow = tuple[int | None, int | None, str | None, str, IssueCode, Severity, str, str | None]
#: A record with issues: (number in the chunk, line, record_id, spoiled, issues).
_ResultRow = tuple[int, int | None, str | None, bool, list[_IssueRow]]
#: A checked chunk: (lines, records, record ids, their places, records with issues,
#: whether the reader stopped before the chunk's end, and with a tally what each record
#: gives it: its plain values, None for a record with errors).
Chunk = tuple[int, int, list[str], list[int], list[_ResultRow], bool, list[object] | None]
#: Bytes read at a time while looking for a line end or counting lines.
_PIECE: Final = 64 * 1024
#: A chunk up to this size is read into memory whole.
_WHOLE_CHUNK: Final = 4 * CHUNK_BYTES


class _Range(io.RawIOBase):
    """Bytes ``start`` to ``end`` of a file, read in pieces, counting the line ends read."""

    def __init__(self, handle: BinaryIO, start: int, end: int) -> None:
        super().__init__()
        handle.seek(start)
        self.handle = handle
        self.left = end - start
        self.newlines = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        view = memoryview(buffer).cast("B")
        data = self.handle.read(min(len(view), self.left))
        self.left -= len(data)
        self.newlines += data.count(b"\n")
        view[: len(data)] = data
        return len(data)


def _check_chunk(task: tuple[str, str, int, int]) -> Chunk:
    """Check one chunk in constant memory; return its counts, its ids, and its issues."""
    return read_chunk(task)


def _tally_chunk(task: tuple[tuple[str, str, int, int], Accumulator]) -> Chunk:
    """Check one chunk, with what each record gives the tally (an empty one) sent with it."""
    chunk, tally = task
    return read_chunk(chunk, tally)


def as_duplicate(engine: Engine, result: RecordResult) -> RecordResult:
    """Return the result with a duplicate-record-id error (for counting: where, unsaid)."""
    return engine.duplicate(result, (result.source, 0, None), "")


def read_chunk(
    task: tuple[str, str, int, int],
    tally: Accumulator | None = None,
    duplicates: frozenset[int] = frozenset(),
    *,
    engine: Engine | None = None,
) -> Chunk:
    """Check one chunk (path, source, start, end) with ``engine`` (a worker's own by default).

    With ``tally``, the chunk holds what each record gives it (left empty), for
    :func:`merge_chunk` to count once the run knows which ids are duplicates.
    ``duplicates`` is not used: the Dask executor still passes it, an empty set.
    """
    del duplicates
    path, source, start, end = task
    if engine is None:
        assert _worker is not None  # noqa: S101 (set by the pool's initializer)
        engine = _worker
    keys: list[str] = []
    places: list[int] = []
    flagged: list[_ResultRow] = []
    plains: list[object] | None = None if tally is None else []
    number = -1
    stopped = False
    with Path(path).open("rb") as handle, _Range(handle, start, end) as piece:
        # A chunk of ordinary lines is read whole (fastest); one that a very long line
        # stretched is read in pieces, in constant memory.
        whole = end - start <= _WHOLE_CHUNK
        stream: BinaryIO = io.BytesIO(piece.read()) if whole else io.BufferedReader(piece, _PIECE)
        check = engine.line_check if tally is None else engine.line_proof
        raws = read_jsonl(stream, source, line_check=check, at_start=start == 0)
        for number, raw in enumerate(raws):
            key: object = raw.clean_id
            if key is not None:
                keys.append(key)  # type: ignore[arg-type]
                places.append(relative_place(number, raw.line))
                if plains is not None:
                    plains.append(tally._plain(raw.data))  # type: ignore[union-attr]
                continue
            record = raw.data
            key = record.get("record_id") if type(record) is dict else None
            stopped = stopped or any(problem.stops for problem in raw.problems)
            result = engine.check_raw(raw, source)
            if plains is not None:
                # What Tally.add would count as included; else counted from the result.
                counts = result.valid and isinstance(result.data, Mapping)
                plains.append(tally._plain(result.data) if counts else None)  # type: ignore[union-attr]
            if result.issues:
                issues = [
                    (
                        i.line,
                        i.column,
                        i.record_id,
                        i.pointer,
                        i.code,
                        i.severity,
                        i.message,
                        i.value,
                    )
                    for i in result.issues
                ]
                flagged.append((number, result.line, result.record_id, result.spoiled, issues))
            if type(key) is str:
                keys.append(key)
                places.append(relative_place(number, raw.line))
        while stream.read(_PIECE):  # count the line ends of anything left unread
            pass
        lines = piece.newlines
    return lines, number + 1, keys, places, flagged, stopped, plains


def _chunks(path: str, size: int, chunk: int | None = None) -> Iterator[tuple[int, int]]:
    """Cut a file into chunks of about ``chunk`` bytes (CHUNK_BYTES) that end at a line end.

    The line end (LF) is looked for in bounded pieces, so a very long line costs no memory.
    """
    chunk = chunk or CHUNK_BYTES
    with Path(path).open("rb") as handle:
        start = 0
        while start < size:
            end = min(start + chunk, size)
            handle.seek(end)
            while end < size:
                piece = handle.read(_PIECE)
                found = piece.find(b"\n")
                if found >= 0:
                    end += found + 1
                    break
                end += len(piece)
            end = min(end, size)
            yield start, end
            start = end


def _result(row: _ResultRow, source: str, *, strict: bool, first: int, offset: int) -> RecordResult:
    """Build a worker's result at its place: ``first`` records and ``offset`` lines on."""
    number, line, record_id, spoiled, issues = row
    number += first
    return RecordResult(
        source=source,
        index=number,
        line=None if line is None else line + offset,
        record_id=record_id,
        issues=tuple(
            Issue(
                source=source,
                line=None if at is None else at + offset,
                column=column,
                record=number,
                record_id=record_id,
                pointer=pointer,
                code=code,
                severity=severity,
                message=message,
                value=value,
            )
            for at, column, record_id, pointer, code, severity, message, value in issues
        ),
        spoiled=spoiled,
        strict=strict,
    )


def make_pool(jobs: int, settings: tuple[object, ...]) -> multiprocessing.pool.Pool:
    """Start ``jobs`` worker processes, each with its own engine."""
    import multiprocessing  # noqa: PLC0415 (only --jobs needs it, not every command)

    context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    return context.Pool(jobs, initializer=_start_worker, initargs=(settings,))


def usable_cores() -> int:
    """Return how many processor cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover (not on Linux)
        return os.cpu_count() or 1


_UTF16_BOMS: Final = (b"\xff\xfe", b"\xfe\xff")


def size_for_workers(source: Source) -> int | None:
    """Return the size of a JSON Lines file workers can share, or None to check it here."""
    if source.format != "jsonl" or source.path == STDIN or source.error is not None:
        return None
    try:
        status = os.stat(source.path)  # noqa: PTH116 (one call for the kind and the size)
        if not stat.S_ISREG(status.st_mode):
            return None
        with Path(source.path).open("rb") as handle:
            if handle.read(2) in _UTF16_BOMS:
                return None  # not UTF-8 at all: one fault of the file, reported here
    except OSError:
        return None  # the in-process path reports it as unreadable
    return status.st_size


def scan_parallel(
    engine: Engine,
    sources: Sources,
    *,
    jobs: int,
    run: Run,
    input_format: str | None = None,
    stdin: BinaryIO | None = None,
    tally: Accumulator | None = None,
) -> Iterator[RecordResult]:
    """Check files like :meth:`Engine.scan`, JSON Lines files with up to ``jobs`` workers.

    No more workers start than the largest JSON Lines file has chunks (none for
    small files), nor than there are usable cores. With ``tally``, every record is
    counted into it, the records with issues as well: those are still yielded, for
    the caller to note (faults of a file, say), but must not be counted again.
    """
    plan = engine.plan(sources, input_format)
    run.skipped += plan.skipped
    sizes = [size_for_workers(source) for source in plan.sources]
    chunks = max((-(-size // CHUNK_BYTES) for size in sizes if size is not None), default=0)
    workers = min(jobs, usable_cores(), chunks)
    settings = (engine.registry, engine.today, engine.include_values, engine.quality)
    with contextlib.ExitStack() as stack:
        pool: multiprocessing.pool.Pool | None = None  # started for the first JSON Lines file
        for source, size in zip(plan.sources, sizes, strict=True):
            if size is None or workers < 2:  # noqa: PLR2004 (one worker: no pool at all)
                yield from scan_here(engine, source, run, stdin=stdin, tally=tally)
                continue
            if pool is None:
                pool = stack.enter_context(make_pool(workers, settings))
            yield from _scan_file(engine, pool, source, size, run, tally=tally)


def scan_here(
    engine: Engine,
    source: Source,
    run: Run,
    *,
    stdin: BinaryIO | None = None,
    tally: Accumulator | None = None,
) -> Iterator[RecordResult]:
    """Check one source in this process; with ``tally``, count every record into it."""
    if tally is None:
        yield from engine.scan_one(source, run, stdin=stdin)
        return
    for result in engine.scan_one(source, run, stdin=stdin, clean=tally.add_clean):
        tally.add(result)
        yield result


def _empty(name: str) -> Segment:
    return Segment(source=name, records=0, lines=0, results=(), keys=(), places=())


def merge_chunk(
    engine: Engine,
    name: str,
    start: int,
    chunk: Chunk,
    run: Run,
    *,
    tally: Accumulator | None = None,
    part: object = None,
    recount: object = None,
) -> Iterator[RecordResult]:
    """Add a chunk checked by a worker (from byte ``start`` of ``name``) to the run.

    Yields its records with issues, in order, duplicate ids found. With ``tally``,
    then counts the chunk's records into it, in order, as one process would: those
    with errors (a duplicate id now among them) from their results, the others from
    what the worker sent (see :func:`read_chunk`); none is read again. ``part`` and
    ``recount`` are not used: the Dask executor still passes them.
    """
    del part, recount
    lines, count, keys, places, flagged, stopped, plains = chunk
    # Each flagged record is built once, where the run will place it.
    first, offset = engine.where_next(name, run, continued=start > 0)
    segment = Segment(
        source=name,
        records=count,
        lines=lines,
        results=tuple(
            _result(row, name, strict=engine.strict, first=first, offset=offset) for row in flagged
        ),
        keys=tuple(keys),
        places=tuple(places),
        continued=start > 0,
        complete=not stopped,
    )
    if tally is None or plains is None:
        yield from engine.absorb_placed(segment, run)
    else:
        excluded: set[int] = set()
        for result in engine.absorb_placed(segment, run):
            # Each a record's (a chunk of JSON Lines holds no fault of its file itself).
            number = typing.cast("int", result.index) - first
            if plains[number] is None or not result.valid:
                tally.add(result)
                excluded.add(number)
            yield result
        tally._add_plain(plains, excluded)
    if run.on_progress is not None:
        run.on_progress(run)


def _scan_file(
    engine: Engine,
    pool: multiprocessing.pool.Pool,
    source: Source,
    size: int,
    run: Run,
    *,
    tally: Accumulator | None,
) -> Iterator[RecordResult]:
    name = source.label
    run.position = None
    started = False
    try:
        tasks = [(source.path, name, start, end) for start, end in _chunks(source.path, size)]
        if not tasks:  # an empty file: no records, but a source of the run all the same
            yield from engine.absorb(Partial(segments=(_empty(name),)), run)
        if tally is None:
            done = pool.imap(_check_chunk, tasks)
        else:
            empty = tally.empty()  # only asked what each record gives it
            done = pool.imap(_tally_chunk, [(task, empty) for task in tasks])
        for task, chunk in zip(tasks, done, strict=True):
            started = True
            yield from merge_chunk(engine, name, task[2], chunk, run, tally=tally)
    except OSError as err:  # the file could not be read to its end
        yield engine.unreadable(name, err, run, started=started)
