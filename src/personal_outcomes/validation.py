"""Validating personal-outcomes records: one at a time, or files in bulk.

Every problem is an :class:`Issue`: where it is (source, line, column, record
index, JSON Pointer), a stable ``code``, a ``severity`` and a message for people.
Messages never quote a value taken from a record; pass ``include_values=True``
to get the offending value in :attr:`Issue.value` for local debugging.

>>> from personal_outcomes import validate_record
>>> result = validate_record({
...     "record_id": "r-1", "framework": "adults", "person_id": "p-1",
...     "recorded_on": "2026-03-01", "stage": "review",
...     "outcomes": [{"outcome": "seeing-peple", "what_matters": "My pals"}],
... })
>>> result.valid
False
>>> for issue in result.issues:
...     print(issue.pointer, issue.code)
/outcomes/0/outcome unknown-outcome
/outcomes/0 status-required
>>> print(result.issues[0].message)
not an outcome id of framework 'adults' 1.0.0; did you mean 'seeing-people'?
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import BinaryIO, Final

import attrs
from attrs import frozen

from personal_outcomes._check import (
    SEVERITY,
    Checker,
    Found,
    UnknownKey,
    latest_date_today,
    make_quick_check,
)
from personal_outcomes._fast_json import make_line_check
from personal_outcomes._loading import Registry, bundled
from personal_outcomes._pointer import to_pointer
from personal_outcomes._raw import (
    DUPLICATE_RECORD_ID,
    ERROR,
    PARSE_ERROR,
    UNREADABLE_FILE,
    RawProblem,
    RawRecord,
)
from personal_outcomes._readers import EXTENSIONS, FORMATS, READERS, read_jsonl
from personal_outcomes._record_format import SAFE_RECORD_ID
from personal_outcomes.errors import PersonalOutcomesError
from personal_outcomes.records import OutcomesRecord

__all__ = [
    "FORMATS",
    "ISSUE_CODES",
    "Issue",
    "RecordResult",
    "Report",
    "UnknownFormatError",
    "Validator",
    "format_for",
    "iter_validate",
    "validate_files",
    "validate_record",
]

#: Every issue code, with its severity.
ISSUE_CODES: Final = {
    PARSE_ERROR: ERROR,
    **SEVERITY,
    DUPLICATE_RECORD_ID: ERROR,
    UNREADABLE_FILE: ERROR,
}
#: The source name of standard input.
STDIN: Final = "-"
_VALUE_LIMIT: Final = 200


def __dir__() -> list[str]:
    return sorted(__all__)


@frozen(kw_only=True)
class UnknownFormatError(PersonalOutcomesError):
    """The input format cannot be told from the file name and was not given."""

    source: str

    def __str__(self) -> str:
        """Say how to name the format."""
        endings = ", ".join(sorted(EXTENSIONS))
        return (
            f"{self.source}: cannot tell the input format from the file name "
            f"(known endings: {endings}); name the format ({', '.join(FORMATS)}) "
            "with --input-format, or input_format= in Python"
        )


def format_for(source: str, input_format: str | None = None) -> str:
    """Return the input format of a source: the one given, or from its file name ending.

    >>> format_for("records.jsonl"), format_for("x.YML"), format_for("-", "csv")
    ('jsonl', 'yaml', 'csv')
    """
    if input_format is not None:
        if input_format not in FORMATS:
            raise UnknownFormatError(source=source)
        return input_format
    found = EXTENSIONS.get(Path(source).suffix.lower())
    if found is None:
        raise UnknownFormatError(source=source)
    return found


@frozen(kw_only=True, slots=True)
class Issue:
    """One problem found in the input, located as precisely as the format allows.

    ``line`` and ``column`` are 1-based; ``record`` is the 0-based index of the
    record in its source; ``record_id`` is given only when it has a safe form
    (``^[A-Za-z0-9._:-]{1,64}$``); ``pointer`` is an RFC 6901 JSON Pointer
    within the record. ``value`` is set only when values were asked for.
    """

    source: str
    line: int | None
    column: int | None
    record: int | None
    record_id: str | None
    pointer: str
    code: str
    severity: str
    message: str
    value: str | None = None

    def to_dict(self) -> dict[str, object]:
        """Return the issue as the JSON report's issue object."""
        data: dict[str, object] = {
            "source": self.source,
            "line": self.line,
            "column": self.column,
            "record": self.record,
            "record_id": self.record_id,
            "pointer": self.pointer,
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
        }
        if self.value is not None:
            data["value"] = self.value
        return data

    def __str__(self) -> str:
        """Return ``file:line:column: pointer: code: message``."""
        where = self.source
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        value = f" [value: {self.value}]" if self.value is not None else ""
        severity = " (warning)" if self.severity != ERROR else ""
        return f"{where}: {self.pointer or '/'}: {self.code}{severity}: {self.message}{value}"


@frozen(kw_only=True, slots=True)
class RecordResult:
    """The outcome of checking one record (or of failing to read a file).

    ``index`` is ``None`` only for a file that could not be read at all.
    ``data`` is the record as read (``None`` when it could not be read).
    """

    source: str
    index: int | None
    line: int | None
    record_id: str | None
    issues: tuple[Issue, ...]
    data: object = None
    #: The record lacks a field that the whole file lacks (a CSV column missing
    #: from the header); that error is reported once, with the file's first record.
    spoiled: bool = False

    @property
    def valid(self) -> bool:
        """Say whether the record has no errors (warnings allowed)."""
        return (
            self.index is not None
            and not self.spoiled
            and all(i.severity != ERROR for i in self.issues)
        )

    def record(self) -> OutcomesRecord:
        """Return the record as a typed object; only for a valid record."""
        if not self.valid or not isinstance(self.data, Mapping):
            raise ValueError("only a valid record can be turned into an OutcomesRecord")
        return OutcomesRecord.from_data(self.data)


@frozen(kw_only=True)
class Report:
    """The summary of a validation run.

    ``issues`` may be cut short by a cap (then ``truncated`` is true); the
    counts (records, valid, invalid, unreadable files, errors and warnings)
    are always exact.
    """

    records: int
    valid: int
    invalid: int
    truncated: bool
    issues: tuple[Issue, ...]
    unreadable: int = 0
    errors: int = 0
    warnings: int = 0

    def to_dict(self) -> dict[str, object]:
        """Return the report as the CLI's JSON object."""
        return {
            "records": self.records,
            "valid": self.valid,
            "invalid": self.invalid,
            "truncated": self.truncated,
            "issues": [issue.to_dict() for issue in self.issues],
        }


def _after_reader(found: list[Found], problems: tuple[RawProblem, ...]) -> list[Found]:
    """Drop checks of a part the reader already reported broken (each fault once)."""
    broken = {problem.path for problem in problems if problem.path}
    if not broken:
        return found
    return [item for item in found if not any(item[0][: len(path)] == path for path in broken)]


def _safe_id(value: object) -> str | None:
    if type(value) is str and SAFE_RECORD_ID.fullmatch(value):
        return value
    return None


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= _VALUE_LIMIT else text[: _VALUE_LIMIT - 1] + "…"


class Validator:
    """Checks records against the frameworks of a registry.

    Build one and reuse it: it prepares each framework once. ``today`` (default:
    the current date in UTC+14, the latest anywhere on Earth) is the last date
    that is not in the future. ``include_values`` adds each offending value to
    its issue, for local debugging only: the values are personal data.
    """

    def __init__(
        self,
        registry: Registry | None = None,
        *,
        today: dt.date | None = None,
        include_values: bool = False,
    ) -> None:
        """Prepare the checks for ``registry`` (default: the bundled frameworks)."""
        self.registry = registry if registry is not None else bundled()
        self.today = today
        self.checker = Checker(self.registry, latest_date=today or latest_date_today())
        self._quick = make_quick_check(self.checker)
        self.line_check = make_line_check(self.checker)
        self.include_values = include_values

    # ---- one record ---------------------------------------------------------------

    def validate_record(
        self, record: Mapping[str, object] | OutcomesRecord, *, source: str = "<record>"
    ) -> RecordResult:
        """Check one record (plain data or a typed record) and return its result."""
        data: object = record
        if isinstance(record, OutcomesRecord):
            data = record.to_data()
        elif isinstance(record, Mapping):
            data = dict(record)
        raw = RawRecord(index=0, line=None, column=None, data=data)
        return self.check_raw(raw, source)

    def check_raw(self, raw: RawRecord, source: str) -> RecordResult:
        """Check one record as a reader produced it."""
        data = raw.data
        if not raw.problems and self._quick(data):
            return RecordResult(
                source=source,
                index=raw.index,
                line=raw.line,
                record_id=_safe_id(data.get("record_id")),  # type: ignore[attr-defined]
                issues=(),
                data=data,
            )
        return self._full(raw, source)

    def _full(self, raw: RawRecord, source: str) -> RecordResult:
        """Check one record fully, collecting and locating every issue."""
        data = raw.data
        record_id = _safe_id(data.get("record_id")) if type(data) is dict else None
        positions = raw.positions
        issues = [
            Issue(
                source=source,
                line=problem.line,
                column=problem.column,
                record=raw.index,
                record_id=record_id,
                pointer=to_pointer(problem.path),
                code=problem.code,
                severity=problem.severity,
                message=problem.message,
            )
            for problem in raw.problems
        ]
        if data is not None or not raw.problems:
            plain = positions.typed_plain if positions is not None else None
            found = (
                self.checker.check(data, suppressed=raw.suppressed, plain=plain)
                if plain is not None
                else self.checker.check(data, suppressed=raw.suppressed)
            )
            if raw.problems:
                found = _after_reader(found, raw.problems)
            issues.extend(self._issues(found, raw, source, record_id))
        return RecordResult(
            source=source,
            index=raw.index,
            line=raw.line,
            record_id=record_id,
            issues=tuple(issues),
            data=data,
            spoiled=bool(raw.suppressed),
        )

    def _issues(
        self, found: list[Found], raw: RawRecord, source: str, record_id: str | None
    ) -> Iterator[Issue]:
        positions = raw.positions
        for path, code, message, value in found:
            if positions is None:
                line, column = raw.line, raw.column
            elif isinstance(value, UnknownKey) and type(value.key) is str:
                # The pointer is the parent's; the line is the unknown key's own.
                line, column = positions.locate_key((*path, value.key))
            else:
                line, column = positions.locate(path)
            yield Issue(
                source=source,
                line=line,
                column=column,
                record=raw.index,
                record_id=record_id,
                pointer=to_pointer(path),
                code=code,
                severity=SEVERITY[code],
                message=message,
                value=_show(value) if self.include_values and value is not None else None,
            )

    # ---- streams and files --------------------------------------------------------

    def iter_stream(
        self, stream: BinaryIO, *, source: str, input_format: str | None = None
    ) -> Iterator[RecordResult]:
        """Check every record of a binary stream, lazily (see the readers on memory).

        Record ids are compared across the records of this stream only; use
        :meth:`iter_files` to compare them across several files.
        """
        reader = READERS[format_for(source, input_format)]
        yield from self.run_records(reader(stream, source), source, Run(), every=True)

    def iter_files(
        self,
        sources: Iterable[str | os.PathLike[str]],
        *,
        input_format: str | None = None,
        stdin: BinaryIO | None = None,
    ) -> Iterator[RecordResult]:
        """Check every record of several files (``-`` is standard input), lazily.

        Yields one result per record, in order. A ``record_id`` seen before in
        the same run is a ``duplicate-record-id`` error. A file that cannot be
        opened gives one result with an ``unreadable-file`` issue and ``index``
        ``None``; the others are still read. Raises :class:`UnknownFormatError`
        before reading anything when a source's format cannot be told.
        """
        yield from self.scan(sources, input_format=input_format, stdin=stdin, every=True)

    def scan(
        self,
        sources: Iterable[str | os.PathLike[str]],
        *,
        input_format: str | None = None,
        stdin: BinaryIO | None = None,
        every: bool = False,
        run: Run | None = None,
    ) -> Iterator[RecordResult]:
        """Check files, yielding results for records with issues (all, with ``every``).

        The counts of every record, clean or not, are kept in ``run``.
        """
        names = [os.fspath(source) for source in sources]
        formats = [format_for(name, input_format) for name in names]
        run = run if run is not None else Run()
        for name, fmt in zip(names, formats, strict=True):
            reader = READERS[fmt]
            if fmt == "jsonl" and not every:
                # Only issues are wanted: clean lines need not become dicts at all.
                reader = functools.partial(read_jsonl, line_check=self.line_check)
            if name == STDIN:
                stream = stdin if stdin is not None else sys.stdin.buffer
                yield from self.run_records(reader(stream, name), name, run, every=every)
                continue
            try:
                handle = Path(name).open("rb")  # noqa: SIM115 (closed below, after lazy reading)
            except OSError as err:
                run.unreadable += 1
                result = self._unreadable(name, err)
                self._count(result, run)
                yield result
                continue
            with handle:
                run.position = handle.tell
                run.size = _size(handle)
                yield from self.run_records(reader(handle, name), name, run, every=every)

    def run_records(
        self, raws: Iterable[RawRecord], source: str, run: Run, *, every: bool
    ) -> Iterator[RecordResult]:
        """Check records as read, keeping counts and the index of record ids (internal)."""
        quick = self._quick
        seen = run.seen
        file_number = run.file_number
        run.file_number += 1
        run.sources.append(source)
        tick = run.on_progress
        for raw in raws:
            run.records += 1
            if tick is not None and not run.records & _TICK:
                tick(run)
            record_id: object = raw.clean_id
            if record_id is None:
                data = raw.data
                if raw.problems or not quick(data):
                    result = self._full(raw, source)
                    record_id = data.get("record_id") if type(data) is dict else None
                    if type(record_id) is str:
                        first = seen.get(record_id)
                        if first is None:
                            seen[record_id] = _pack(file_number, raw.index, raw.line)
                        else:
                            result = self.duplicate(result, _unpack(first, run.sources), record_id)
                    self._count(result, run)
                    yield result
                    continue
                record_id = data["record_id"]  # type: ignore[index]
            # A clean record: only its id can still be wrong.
            first = seen.get(record_id)  # type: ignore[call-overload]
            if first is None:
                seen[record_id] = _pack(file_number, raw.index, raw.line)  # type: ignore[index]
                run.valid += 1
                if every:
                    yield RecordResult(
                        source=source,
                        index=raw.index,
                        line=raw.line,
                        record_id=_safe_id(record_id),
                        issues=(),
                        data=raw.data,
                    )
                continue
            result = RecordResult(
                source=source,
                index=raw.index,
                line=raw.line,
                record_id=_safe_id(record_id),
                issues=(),
                data=raw.data,
            )
            result = self.duplicate(result, _unpack(first, run.sources), str(record_id))
            self._count(result, run)
            yield result

    def merge_chunk(
        self,
        count: int,
        keys: list[str],
        relative: list[int],
        results: dict[int, RecordResult],
        *,
        run: Run,
        file_number: int,
        first: int,
        offset: int,
    ) -> Iterator[RecordResult]:
        """Count a chunk checked elsewhere and find its duplicate ids (internal).

        ``count`` records start at record ``first`` and line ``offset + 1`` of
        the file; ``keys`` are their record_ids (where they have one) and
        ``relative`` where each was, packed as :func:`relative_position` does;
        ``results`` holds the records with issues, by their number in the chunk.
        """
        seen = run.seen
        base = _pack(file_number, first, offset)
        run.records += count
        # Set and dict operations in C find the few duplicates; only they cost Python.
        packed = list(map(base.__add__, relative))
        firsts = dict(zip(reversed(keys), reversed(packed), strict=True))  # first place wins
        before = firsts.keys() & seen.keys()
        if before or len(firsts) != len(keys):
            source = run.sources[file_number]
            for key, place, here in zip(keys, relative, packed, strict=True):
                if key not in before and firsts[key] == here:
                    continue
                number, line = divmod(place, _SHIFT)
                result = results.get(number) or RecordResult(
                    source=source,
                    index=first + number,
                    line=line + offset if line else None,
                    record_id=_safe_id(key),
                    issues=(),
                )
                earlier = seen[key] if key in before else firsts[key]
                results[number] = self.duplicate(result, _unpack(earlier, run.sources), key)
            for key in before:
                del firsts[key]
        seen.update(firsts)
        run.valid += count - len(results)
        for number in sorted(results):
            result = results[number]
            self._count(result, run)
            yield result

    @staticmethod
    def _count(result: RecordResult, run: Run) -> None:
        run.valid += result.valid
        for issue in result.issues:
            if issue.severity == ERROR:
                run.errors += 1
            else:
                run.warnings += 1

    def _unreadable(self, name: str, err: OSError) -> RecordResult:
        reason = err.strerror or type(err).__name__
        issue = Issue(
            source=name,
            line=None,
            column=None,
            record=None,
            record_id=None,
            pointer="",
            code=UNREADABLE_FILE,
            severity=ERROR,
            message=f"the file cannot be read ({reason}); check the path and permissions",
        )
        return RecordResult(source=name, index=None, line=None, record_id=None, issues=(issue,))

    def duplicate(
        self, result: RecordResult, first: tuple[str, int, int | None], value: str
    ) -> RecordResult:
        """Return the result with a duplicate-record-id issue added."""
        source, index, line = first
        at_line = f", line {line}" if line is not None else ""
        issue = Issue(
            source=result.source,
            line=result.line,
            column=None,
            record=result.index,
            record_id=result.record_id,
            pointer="/record_id",
            code=DUPLICATE_RECORD_ID,
            severity=ERROR,
            message=(
                f"this record_id was already used by record {index} of {source}{at_line}; "
                "every record needs its own id"
            ),
            value=_show(value) if self.include_values else None,
        )
        return attrs.evolve(result, issues=(*result.issues, issue))

    def validate_files(
        self,
        sources: Iterable[str | os.PathLike[str]],
        *,
        input_format: str | None = None,
        max_issues: int | None = None,
        stdin: BinaryIO | None = None,
    ) -> Report:
        """Check files and return the summary report; at most ``max_issues`` issues kept."""
        run = Run()
        issues: list[Issue] = []
        truncated = False
        for result in self.scan(sources, input_format=input_format, stdin=stdin, run=run):
            room = len(result.issues) if max_issues is None else max_issues - len(issues)
            if room < len(result.issues):
                truncated = True
            issues.extend(result.issues[: max(room, 0)])
        return run.report(tuple(issues), truncated=truncated)


_SHIFT = 1 << 40
_TICK = 4095  # report progress every 4,096 records


def _pack(file_number: int, index: int, line: int | None) -> int:
    """Pack where a record_id was first seen into one int (the index stays small)."""
    return (file_number * _SHIFT + index) * _SHIFT + (line or 0)


def relative_position(number: int, line: int | None) -> int:
    """Pack a record's number and line within a chunk, for :meth:`Validator.merge_chunk`."""
    return number * _SHIFT + (line or 0)


def _unpack(packed: int, sources: list[str]) -> tuple[str, int, int | None]:
    rest, line = divmod(packed, _SHIFT)
    file_number, index = divmod(rest, _SHIFT)
    return sources[file_number], index, line or None


def _size(handle: BinaryIO) -> int | None:
    try:
        return os.fstat(handle.fileno()).st_size
    except (OSError, ValueError):  # pragma: no cover (a real file always has a size)
        return None


class Run:
    """Counts, the record_id index and progress of one validation run (internal)."""

    def __init__(self) -> None:
        self.records = self.valid = self.unreadable = self.errors = self.warnings = 0
        self.seen: dict[str, int] = {}
        self.sources: list[str] = []
        self.file_number = 0
        self.position: Callable[[], int] | None = None
        self.size: int | None = None
        self.on_progress: Callable[[Run], None] | None = None

    def report(self, issues: tuple[Issue, ...], *, truncated: bool) -> Report:
        return Report(
            records=self.records,
            valid=self.valid,
            invalid=self.records - self.valid,
            truncated=truncated,
            issues=issues,
            unreadable=self.unreadable,
            errors=self.errors,
            warnings=self.warnings,
        )


def validate_record(
    record: Mapping[str, object] | OutcomesRecord,
    registry: Registry | None = None,
    *,
    today: dt.date | None = None,
    include_values: bool = False,
) -> RecordResult:
    """Check one record; for many, build a :class:`Validator` once and reuse it."""
    validator = Validator(registry, today=today, include_values=include_values)
    return validator.validate_record(record)


def iter_validate(
    sources: Iterable[str | os.PathLike[str]],
    registry: Registry | None = None,
    *,
    input_format: str | None = None,
    today: dt.date | None = None,
    include_values: bool = False,
) -> Iterator[RecordResult]:
    """Check every record of some files lazily, yielding one result per record."""
    validator = Validator(registry, today=today, include_values=include_values)
    return validator.iter_files(sources, input_format=input_format)


def validate_files(
    sources: Iterable[str | os.PathLike[str]],
    registry: Registry | None = None,
    *,
    input_format: str | None = None,
    today: dt.date | None = None,
    include_values: bool = False,
    max_issues: int | None = None,
) -> Report:
    """Check files and return a :class:`Report` with exact counts."""
    validator = Validator(registry, today=today, include_values=include_values)
    return validator.validate_files(sources, input_format=input_format, max_issues=max_issues)
