"""Checking JSON Lines files with several worker processes (``--jobs N``).

A JSON Lines file is cut into chunks at line ends; each worker reads and checks
its chunks with the same code as a single process, and sends back only what the
parent needs: every record's id (for the duplicate index, which only the parent
can keep) and the results of records that have issues. The parent puts the
chunks back in order, renumbers records and lines, and finds duplicate ids.
Other formats, and standard input, are checked in the parent process.
"""

from __future__ import annotations

import io
import multiprocessing
import multiprocessing.pool
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO, Final

import attrs

from personal_outcomes._readers import read_jsonl
from personal_outcomes.validation import (
    STDIN,
    RecordResult,
    Run,
    Validator,
    format_for,
)

#: Bytes of a JSON Lines file given to a worker at a time.
CHUNK_BYTES: Final = 4 * 1024 * 1024

_worker: Validator | None = None


def _start_worker(settings: tuple[object, ...]) -> None:
    global _worker  # noqa: PLW0603 (one validator per worker process)
    registry, today, include_values = settings
    _worker = Validator(registry, today=today, include_values=include_values)  # type: ignore[arg-type]


_Chunk = tuple[int, list[object], list[int | None], list[tuple[int, RecordResult]]]


def _check_chunk(task: tuple[str, str, int, int]) -> _Chunk:
    """Check one chunk; return its line count, every record's id and line, and issues."""
    path, source, start, end = task
    assert _worker is not None  # noqa: S101 (set by the pool's initializer)
    with Path(path).open("rb") as handle:
        handle.seek(start)
        data = handle.read(end - start)
    ids: list[object] = []
    lines: list[int | None] = []
    flagged: list[tuple[int, RecordResult]] = []
    raws = read_jsonl(io.BytesIO(data), source, line_check=_worker.line_check)
    for number, raw in enumerate(raws):
        lines.append(raw.line)
        if raw.clean_id is not None:
            ids.append(raw.clean_id)
            continue
        record = raw.data
        ids.append(record.get("record_id") if type(record) is dict else None)
        result = _worker.check_raw(raw, source)
        if result.issues:
            flagged.append((number, attrs.evolve(result, data=None)))
    return data.count(b"\n"), ids, lines, flagged


def _chunks(path: str, size: int) -> Iterator[tuple[int, int]]:
    with Path(path).open("rb") as handle:
        start = 0
        while start < size:
            handle.seek(min(start + CHUNK_BYTES, size))
            handle.readline()
            end = min(handle.tell(), size)
            yield start, end
            start = end


def _shift(result: RecordResult, index: int, lines: int) -> RecordResult:
    issues = tuple(
        attrs.evolve(
            issue,
            record=index,
            line=None if issue.line is None else issue.line + lines,
        )
        for issue in result.issues
    )
    line = None if result.line is None else result.line + lines
    return attrs.evolve(result, index=index, line=line, issues=issues)


def make_pool(jobs: int, settings: tuple[object, ...]) -> multiprocessing.pool.Pool:
    """Start ``jobs`` worker processes, each with its own validator."""
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    return context.Pool(jobs, initializer=_start_worker, initargs=(settings,))


def scan_parallel(
    validator: Validator,
    sources: Iterable[str | os.PathLike[str]],
    *,
    jobs: int,
    run: Run,
    input_format: str | None = None,
    stdin: BinaryIO | None = None,
) -> Iterator[RecordResult]:
    """Check files like :meth:`Validator.scan`, JSON Lines files with ``jobs`` workers."""
    names = [os.fspath(source) for source in sources]
    formats = [format_for(name, input_format) for name in names]
    settings = (validator.registry, validator.today, validator.include_values)
    with make_pool(jobs, settings) as pool:
        for name, fmt in zip(names, formats, strict=True):
            if fmt != "jsonl" or name == STDIN or not Path(name).is_file():
                yield from validator.scan([name], input_format=fmt, stdin=stdin, run=run)
                continue
            yield from _scan_file(validator, pool, name, run)


def _scan_file(
    validator: Validator, pool: multiprocessing.pool.Pool, name: str, run: Run
) -> Iterator[RecordResult]:
    size = Path(name).stat().st_size
    file_number = run.file_number
    run.file_number += 1
    run.sources.append(name)
    tasks = ((name, name, start, end) for start, end in _chunks(name, size))
    offset = 0
    first = 0
    run.position = None
    for chunk_lines, ids, lines, flagged in pool.imap(_check_chunk, tasks):
        results = {number: _shift(result, first + number, offset) for number, result in flagged}
        shifted = [None if line is None else line + offset for line in lines]
        yield from validator.merge_chunk(
            ids, shifted, results, run=run, file_number=file_number, first=first
        )
        offset += chunk_lines
        first += len(ids)
        if run.on_progress is not None:
            run.on_progress(run)
