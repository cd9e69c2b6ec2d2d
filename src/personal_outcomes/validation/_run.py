"""The run: reading sources, checking records, counting, and finding duplicate ids.

:class:`Engine` checks records as readers produce them. :class:`Run` holds what
one validation run has seen so far: the counts, and every ``record_id`` with the
place where it was first seen (an ``IdIndex``, which holds millions in little
memory). Work done elsewhere (a worker process, later a Dask partition) comes back
as a :class:`Partial`: a checked slice of input that merges associatively with the
next, so that however the input was cut and however the pieces were merged, the
run reports exactly what one process would.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO, Final, cast

import attrs
from attrs import frozen

from personal_outcomes._codes import DUPLICATE_RECORD_ID, ERROR, ISSUE_CODES, UNREADABLE_FILE
from personal_outcomes._formats import EXTENSIONS, FORMATS, READERS
from personal_outcomes._formats._json import Marked, read_jsonl_marked
from personal_outcomes._formats._raw import FILE_LEVEL, RawProblem, RawRecord
from personal_outcomes._pointer import to_pointer
from personal_outcomes.errors import UnknownFormatError
from personal_outcomes.exports._profile import Profile
from personal_outcomes.exports._read import export_reader
from personal_outcomes.frameworks import Registry
from personal_outcomes.validation._check import (
    Checker,
    Found,
    UnknownKey,
    latest_date_today,
    make_quick_check,
)
from personal_outcomes.validation._index import IdIndex
from personal_outcomes.validation._results import (
    FileSummary,
    Issue,
    RecordResult,
    Report,
    safe_id,
    show_value,
)

# msgspec is an accelerator: without it (in a browser, say) no line is proved clean
# in advance, and every JSON Lines line takes the full check, with the same results.
try:
    from personal_outcomes.validation._fast_json import make_line_check
except ModuleNotFoundError as missing:
    if missing.name != "msgspec":  # pragma: no cover (msgspec itself is broken)
        raise

    def make_line_check(checker: Checker, *, keep: bool = False) -> Callable[[bytes], Any]:
        """Return a line check that proves no line clean (msgspec is not installed)."""
        del checker, keep
        return _proves_nothing


def _proves_nothing(line: bytes) -> None:
    """Prove no line clean: the full check reads every line."""
    del line


#: The source name of standard input.
STDIN: Final = "-"

# Where a record_id was first seen, packed in one int (see Run.place): the record's
# number in the run and its line, 40 bits each.
_SHIFT: Final = 1 << 40
_TICK: Final = 4095  # report progress every 4,096 records
#: How many JSON Pointers of issues an engine keeps, made once for every issue at the path.
_POINTERS_KEPT: Final = 10_000


def format_for(source: str, input_format: str | None = None) -> str:
    """Return the input format of a source: the one given, or from its file name ending.

    >>> format_for("records.jsonl"), format_for("x.YML"), format_for("-", "csv")
    ('jsonl', 'yaml', 'csv')
    """
    found = input_format if input_format is not None else EXTENSIONS.get(_suffix(source))
    if found not in FORMATS:
        raise UnknownFormatError(source=source, formats=FORMATS, endings=tuple(sorted(EXTENSIONS)))
    return found


def _suffix(source: str) -> str:
    return Path(source).suffix.lower()


def display_name(name: str) -> str:
    r"""Return a file name fit to print: bytes that are not UTF-8 written as ``\xNN``.

    >>> display_name("caf\udcc3\udca9.json"), display_name("bad\udcff.csv")
    ('café.json', 'bad\\xff.csv')
    """
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(name).decode("utf-8", "backslashreplace")
    return name


#: The format of a source read through an import profile (an export).
PROFILE: Final = "profile"

#: The inputs of a run: file names (``-`` for standard input) or folders, or a single one.
Sources = Iterable[str | os.PathLike[str]] | str | os.PathLike[str]


@frozen(kw_only=True, slots=True)
class Source:
    """One input to read: where it is, the name to report it by, and its format."""

    path: str
    label: str
    format: str
    #: Set when the source (a folder) could not even be listed.
    error: OSError | None = None


@frozen(kw_only=True, slots=True)
class Plan:
    """The inputs of a run, folders expanded, and how many files in them were skipped."""

    sources: tuple[Source, ...]
    skipped: int = 0


def plan_sources(
    sources: Sources,
    input_format: str | None = None,
    *,
    export_format: str | None = None,
) -> Plan:
    """Return the inputs to read, in order; raise before reading anything if one cannot be.

    A single name (a ``str`` or path) is one source, not a sequence of letters.
    A folder stands for every file inside it, at any depth, whose name ends
    with a known ending (its format comes from the ending), in sorted order;
    hidden files and folders (names starting with ``.``) are passed over, and
    other files are counted as skipped. ``input_format`` applies to the files
    named directly. Raises :class:`~personal_outcomes.errors.UnknownFormatError`
    for a named file whose format cannot be told. With ``export_format`` (``csv``
    or ``xlsx``, an import profile's), every file named is an export (format
    ``profile``), and a folder stands for its files with that ending.
    """
    if isinstance(sources, str | os.PathLike):
        sources = [sources]
    planned: list[Source] = []
    skipped = 0
    for given in sources:
        name = os.fspath(given)
        if name != STDIN and Path(name).is_dir():
            found, passed = _folder(name, export_format)
            planned.extend(found)
            skipped += passed
            continue
        fmt = PROFILE if export_format is not None else format_for(name, input_format)
        planned.append(Source(path=name, label=display_name(name), format=fmt))
    return Plan(sources=tuple(planned), skipped=skipped)


def _folder(folder: str, export_format: str | None) -> tuple[list[Source], int]:
    found: list[Source] = []
    skipped = 0
    errors: list[OSError] = []
    for root, folders, files in os.walk(folder, onerror=errors.append):
        folders[:] = sorted(name for name in folders if not name.startswith("."))
        for name in sorted(files):
            if name.startswith("."):
                continue
            path = os.path.join(root, name)  # noqa: PTH118 (os.walk gives strings)
            fmt = EXTENSIONS.get(_suffix(name))
            if export_format is not None:
                fmt = PROFILE if _suffix(name) == f".{export_format}" else None
            if fmt is None:
                skipped += 1
            else:
                found.append(Source(path=path, label=display_name(path), format=fmt))
    for error in errors:
        name = os.fspath(error.filename) if error.filename is not None else folder
        found.append(Source(path=name, label=display_name(name), format="json", error=error))
    found.sort(key=lambda source: Path(source.path).parts)
    return found, skipped


def relative_place(number: int, line: int | None) -> int:
    """Pack a record's number and line within a segment, for :class:`Segment`."""
    return number * _SHIFT + (line or 0)


@frozen(kw_only=True)
class Segment:
    """A checked slice of one source: its counts, its records with issues, and its ids.

    Record numbers and lines are relative to the slice's start in its source
    (``continued`` says the slice follows another slice of the same source);
    ``keys`` holds every string record_id in order, ``places`` where each was
    (packed record number and line). ``results`` are the records with issues of their
    own, in order; duplicate ids are found only when segments meet a run.
    """

    source: str
    records: int
    lines: int
    results: tuple[RecordResult, ...]
    keys: tuple[str, ...]
    places: tuple[int, ...]
    continued: bool = False
    #: The reader read this slice to its end (see :attr:`FileSummary.complete`).
    complete: bool = True

    def after(self, earlier: Segment) -> Segment:
        """Return this segment joined onto the end of an earlier slice of the same source.

        If the reader stopped in the earlier slice (a UTF-16 file, say), one process
        would not have read this one: the earlier slice is returned as it is.
        """
        if not earlier.complete:
            return earlier
        shift = earlier.records * _SHIFT + earlier.lines
        moved = tuple(_moved(result, earlier.records, earlier.lines) for result in self.results)
        return Segment(
            source=earlier.source,
            records=earlier.records + self.records,
            lines=earlier.lines + self.lines,
            results=(*earlier.results, *moved),
            keys=(*earlier.keys, *self.keys),
            places=(*earlier.places, *(shift + place for place in self.places)),
            continued=earlier.continued,
            complete=self.complete,  # the earlier slice is complete (above)
        )


def _moved(result: RecordResult, records: int, lines: int) -> RecordResult:
    """Return a result renumbered ``records`` and ``lines`` further into its source.

    Built field by field rather than with ``attrs.evolve``: ``--jobs`` moves every
    flagged record of every chunk after the first, and evolve costs three times as much.
    """
    if not records and not lines:
        return result
    index = None if result.index is None else result.index + records
    return RecordResult(
        source=result.source,
        index=index,
        line=None if result.line is None else result.line + lines,
        record_id=result.record_id,
        issues=tuple(
            Issue(
                source=issue.source,
                line=None if issue.line is None else issue.line + lines,
                column=issue.column,
                record=index,
                record_id=issue.record_id,
                pointer=issue.pointer,
                code=issue.code,
                severity=issue.severity,
                message=issue.message,
                value=issue.value,
            )
            for issue in result.issues
        ),
        data=result.data,
        spoiled=result.spoiled,
        strict=result.strict,
    )


@frozen(kw_only=True)
class Partial:
    """A checked slice of input: segments of one or more sources, in order.

    Partials merge associatively (``(a + b) + c == a + (b + c)``): a segment
    that continues the source the earlier partial ended with is joined onto
    it. Adding a partial to a validation run finds the duplicate ids; the
    report is the same however the input was cut.
    """

    segments: tuple[Segment, ...] = ()

    def __add__(self, other: Partial) -> Partial:
        """Return the partial of this slice of input followed by ``other``."""
        if not self.segments or not other.segments:
            return Partial(segments=self.segments or other.segments)
        last, first = self.segments[-1], other.segments[0]
        if first.continued and first.source == last.source:
            joined = first.after(last)
            return Partial(segments=(*self.segments[:-1], joined, *other.segments[1:]))
        return Partial(segments=(*self.segments, *other.segments))

    @property
    def records(self) -> int:
        """The number of records in the slice."""
        return sum(segment.records for segment in self.segments)


class Run:
    """Counts, the record_id index and progress of one validation run."""

    def __init__(self) -> None:
        """Start an empty run."""
        self.records = self.valid = self.unreadable = self.errors = self.warnings = 0
        self.skipped = 0  # files in folders passed over (not a record file's ending)
        #: Every string record_id with its place (see :meth:`place`).
        self.ids = IdIndex()
        self.sources: list[str] = []
        self.starts: list[int] = []  # the records before each source
        self.counts: list[int] = []  # records of each finished source
        self.complete: list[bool] = []
        self.file_records = self.file_lines = 0
        self.position: Callable[[], int] | None = None
        self.size: int | None = None
        self.on_progress: Callable[[Run], None] | None = None

    def start_file(self, source: str) -> int:
        """Start counting a new source; return its number in the run."""
        if self.sources:
            self.counts.append(self.file_records)
        self.sources.append(source)
        self.starts.append(self.records)
        self.complete.append(True)
        self.file_records = self.file_lines = 0
        return len(self.sources) - 1

    def place(self, file_number: int, index: int, line: int | None) -> int:
        """Pack where a record is in one int: its number in the run, and its line."""
        return (self.starts[file_number] + index) * _SHIFT + (line or 0)

    def where(self, place: int) -> tuple[str, int, int | None]:
        """Return the source, record index and line of a packed place."""
        number, line = divmod(place, _SHIFT)
        # The last source starting at or before the record (sources before it may be empty).
        file_number = bisect.bisect_right(self.starts, number) - 1
        return self.sources[file_number], number - self.starts[file_number], line or None

    def stopped(self) -> None:
        """Note that the reader of the current source stopped before its end."""
        self.complete[-1] = False

    def files(self) -> tuple[FileSummary, ...]:
        """Return how many records each source held, and whether it was read to the end."""
        counts = [*self.counts, self.file_records][: len(self.sources)]
        return tuple(
            FileSummary(source=source, records=count, complete=complete)
            for source, count, complete in zip(self.sources, counts, self.complete, strict=True)
        )

    def count(self, result: RecordResult) -> None:
        """Count one record's result (its validity, errors and warnings)."""
        self.valid += result.valid
        for issue in result.issues:
            if issue.severity == ERROR:
                self.errors += 1
            else:
                self.warnings += 1

    def report(self, issues: tuple[Issue, ...], *, truncated: bool) -> Report:
        """Return the run's report, with the issues kept."""
        return Report(
            records=self.records,
            valid=self.valid,
            invalid=self.records - self.valid,
            truncated=truncated,
            issues=issues,
            unreadable=self.unreadable,
            errors=self.errors,
            warnings=self.warnings,
            files=self.files(),
            skipped=self.skipped,
        )


def _after_reader(found: list[Found], problems: tuple[RawProblem, ...]) -> list[Found]:
    """Drop checks of a part the reader already reported broken (each fault once)."""
    broken = {problem.path for problem in problems if problem.path}
    if not broken:
        return found
    return [item for item in found if not any(item[0][: len(path)] == path for path in broken)]


def _size(handle: BinaryIO) -> int | None:
    try:
        return os.fstat(handle.fileno()).st_size
    except (OSError, ValueError):  # pragma: no cover (a real file always has a size)
        return None


class Engine:
    """Checks records as readers produce them, and keeps a run's counts and ids."""

    def __init__(
        self,
        registry: Registry,
        *,
        today: dt.date | None = None,
        include_values: bool = False,
        strict: bool = False,
        quality: bool = False,
        profile: Profile | None = None,
        csv_dialect: Profile | None = None,
    ) -> None:
        """Prepare the checks for ``registry`` (``today``: None for the current date).

        ``strict`` counts warnings (but the quality hints) as errors for validity;
        ``quality`` adds the recording-quality hints; with ``profile``, every file
        is an export read through that import profile; with ``csv_dialect`` (a profile
        without fields), CSV files are read in its encoding and delimiter.
        """
        self.registry = registry
        self.profile = profile
        self.export_reader = None if profile is None else export_reader(profile, registry)
        self.csv_dialect = csv_dialect
        self.csv_reader = None if csv_dialect is None else export_reader(csv_dialect, registry)
        self.today = today
        self.include_values = include_values
        self.strict = strict
        self.quality = quality
        self.checker = Checker(registry, latest_date=today or latest_date_today(), quality=quality)
        self.quick = make_quick_check(self.checker)
        #: The check of a JSON Lines line that proves it clean (its id), and the same
        #: returning the decoded record (for a ``clean`` sink, see scan); None without
        #: msgspec, an accelerator: every line then takes the full check.
        self.line_check = make_line_check(self.checker)
        self.line_proof = make_line_check(self.checker, keep=True)
        self._pointers: dict[tuple[str | int, ...], str] = {}

    # ---- one record ---------------------------------------------------------------

    def check_raw(self, raw: RawRecord, source: str) -> RecordResult:
        """Check one record as a reader produced it (or report its file's own fault)."""
        if raw.index == FILE_LEVEL:
            return self.file_fault(raw, source)
        data = raw.data
        if not raw.problems and self.quick(data):
            return RecordResult(
                source=source,
                index=raw.index,
                line=raw.line,
                record_id=safe_id(data.get("record_id")),  # type: ignore[attr-defined]
                issues=(),
                data=data,
                strict=self.strict,
            )
        return self.full(raw, source)

    def full(self, raw: RawRecord, source: str) -> RecordResult:
        """Check one record fully, collecting and locating every issue."""
        data = raw.data
        record_id = safe_id(data.get("record_id")) if type(data) is dict else None
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
            positions = raw.positions
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
            strict=self.strict,
        )

    def file_fault(self, raw: RawRecord, source: str) -> RecordResult:
        """Report a fault of a whole file (:data:`FILE_LEVEL`): issues of no record."""
        issues = tuple(
            Issue(
                source=source,
                line=problem.line,
                column=problem.column,
                record=None,
                record_id=None,
                pointer="",
                code=problem.code,
                severity=problem.severity,
                message=problem.message,
            )
            for problem in raw.problems
        )
        return RecordResult(source=source, index=None, line=raw.line, record_id=None, issues=issues)

    def _issues(
        self, found: list[Found], raw: RawRecord, source: str, record_id: str | None
    ) -> list[Issue]:
        positions = raw.positions
        pointers = self._pointers
        issues = []
        for path, code, message, value in found:
            if positions is None:
                line, column = raw.line, raw.column
            elif isinstance(value, UnknownKey) and type(value.key) is str:
                # The pointer is the parent's; the line is the unknown key's own.
                line, column = positions.locate_key((*path, value.key))
            else:
                line, column = positions.locate(path)
            # The same few paths recur across a file: their pointers are kept, up to a limit.
            pointer = pointers.get(path)
            if pointer is None:
                pointer = to_pointer(path)
                if len(pointers) < _POINTERS_KEPT:
                    pointers[path] = pointer
            issues.append(
                Issue(
                    source=source,
                    line=line,
                    column=column,
                    record=raw.index,
                    record_id=record_id,
                    pointer=pointer,
                    code=code,
                    severity=ISSUE_CODES[code],
                    message=message,
                    value=show_value(value) if self.include_values and value is not None else None,
                )
            )
        return issues

    # ---- sources ------------------------------------------------------------------

    def scan(
        self,
        sources: Sources,
        *,
        input_format: str | None = None,
        stdin: BinaryIO | None = None,
        every: bool = False,
        clean: Callable[[object], None] | None = None,
        run: Run,
    ) -> Iterator[RecordResult]:
        """Check sources, yielding results for records with issues (all, with ``every``).

        The counts of every record, clean or not, are kept in ``run``. With ``clean``,
        each record proved clean (no issue at all, and an id not seen before) is passed
        to it instead: from JSON Lines as the fast path's decoded record (a struct whose
        attributes are the fields, absent ones ``msgspec.UNSET``), from other formats
        as the record's data. Raises :class:`~personal_outcomes.errors.UnknownFormatError`
        before reading anything when a source's format cannot be told.
        """
        plan = self.plan(sources, input_format)
        run.skipped += plan.skipped
        for source in plan.sources:
            yield from self.scan_one(source, run, stdin=stdin, every=every, clean=clean)

    def plan(self, sources: Sources, input_format: str | None = None) -> Plan:
        """Return the inputs to read (see :func:`plan_sources`), exports with a profile."""
        export = None if self.profile is None else self.profile.format
        return plan_sources(sources, input_format, export_format=export)

    def scan_one(
        self,
        source: Source,
        run: Run,
        *,
        stdin: BinaryIO | None = None,
        every: bool = False,
        clean: Callable[[object], None] | None = None,
    ) -> Iterator[RecordResult]:
        """Check one planned source (see :meth:`scan`)."""
        name = source.label
        reader: Callable[[BinaryIO, str], Iterable[RawRecord | Marked]] | None = (
            self.export_reader if source.format == PROFILE else READERS[source.format]
        )
        if source.format == "csv" and self.csv_reader is not None:
            reader = self.csv_reader
        if reader is None:  # pragma: no cover (a profile's sources come with a profile)
            raise ValueError("an export needs an import profile")
        proven = source.format == "jsonl" and not every
        if proven:
            # Only issues are wanted: clean lines need not become dicts at all.
            check = self.line_check if clean is None else self.line_proof
            reader = functools.partial(read_jsonl_marked, line_check=check)
        if source.path == STDIN:
            stream = stdin if stdin is not None else sys.stdin.buffer
            records = reader(stream, name)
            yield from self.run_records(records, name, run, every=every, clean=clean, proven=proven)
            return
        if source.error is not None:
            yield self.unreadable(name, source.error, run)
            return
        try:
            handle = Path(source.path).open("rb")  # noqa: SIM115 (closed below, after lazy reading)
        except OSError as err:
            yield self.unreadable(name, err, run)
            return
        with handle:
            run.position = handle.tell
            run.size = _size(handle)
            try:
                records = reader(handle, name)
                yield from self.run_records(
                    records, name, run, every=every, clean=clean, proven=proven
                )
            except OSError as err:  # the file opened, but reading it failed part way
                yield self.unreadable(name, err, run, started=True)

    def unreadable(
        self, name: str, err: OSError, run: Run, *, started: bool = False
    ) -> RecordResult:
        """Count a source that cannot be read (or could not be read to its end).

        ``started`` says its records up to the failure were already counted.
        """
        run.unreadable += 1
        if not started:
            run.start_file(name)
        run.stopped()
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
        result = RecordResult(source=name, index=None, line=None, record_id=None, issues=(issue,))
        run.count(result)
        return result

    def run_records(  # noqa: PLR0912, PLR0915 (one loop, no calls per clean record)
        self,
        raws: Iterable[RawRecord | Marked],
        source: str,
        run: Run,
        *,
        every: bool,
        clean: Callable[[object], None] | None = None,
        proven: bool = False,
    ) -> Iterator[RecordResult]:
        """Check records as read, keeping counts and the index of record ids (see scan).

        ``proven`` says a fast path has already tried every record without ``clean_id``
        and not proved it clean, so that the quick check need not try it again: it goes
        to the full check, and only a record that has no issue there is tried.
        """
        quick = self.quick
        ids = run.ids
        head, head_size, tail_first = ids.head, ids.head_size, ids.tail_first
        file_number = run.start_file(source)
        start = run.starts[file_number]
        tick = run.on_progress
        line: int | None
        data: object
        record_id: object
        for raw in raws:
            run.records += 1
            run.file_records += 1
            if tick is not None and not run.records & _TICK:
                tick(run)
            if type(raw) is not RawRecord:  # a line the line check proved clean (Marked)
                index, line, data = raw  # type: ignore[misc]
                record_id = data if type(data) is str else data.record_id  # type: ignore[union-attr]
                proved = True
            else:
                index, line, data, record_id = raw.index, raw.line, raw.data, raw.clean_id
                proved = record_id is not None
            if record_id is None:
                raw = cast("RawRecord", raw)
                if raw.problems or proven or not quick(data):
                    if raw.problems and any(problem.stops for problem in raw.problems):
                        run.stopped()
                    if index == FILE_LEVEL:  # the file's own fault: not a record
                        run.records -= 1
                        run.file_records -= 1
                        result = self.file_fault(raw, source)
                        run.count(result)
                        yield result
                        continue
                    result = self.full(raw, source)
                    # Without an issue, it is the quick check's to say (see ``proven``).
                    if result.issues or not quick(data):
                        record_id = data.get("record_id") if type(data) is dict else None
                        if type(record_id) is str:
                            place = run.place(file_number, index, line)
                            first = ids.first(record_id, place)
                            if first is not None:
                                result = self.duplicate(result, run.where(first), record_id)
                        run.count(result)
                        yield result
                        continue
                record_id = data["record_id"]  # type: ignore[index]
            # A clean record: only its id can still be wrong.
            first = head.get(record_id)  # type: ignore[call-overload]
            if first is None:
                # run.place(file_number, index, line), written out: once per record.
                place = (start + index) * _SHIFT + (line or 0)
                if len(head) < head_size:  # the head (a dict) first, while it has room
                    head[record_id] = place  # type: ignore[index]
                else:
                    first = tail_first(record_id, place)  # type: ignore[arg-type]
                if first is None:
                    run.valid += 1
                    if not every:
                        if clean is not None:
                            clean(data)
                        continue
            result = RecordResult(
                source=source,
                index=index,
                line=line,
                record_id=safe_id(record_id),
                issues=(),
                # A record the fast path proved clean holds no dict; nor does its result.
                data=None if proved else data,
                strict=self.strict,
            )
            if first is not None:
                result = self.duplicate(result, run.where(first), str(record_id))
                run.count(result)
            yield result

    def absorb(self, partial: Partial, run: Run) -> Iterator[RecordResult]:
        """Add a slice checked elsewhere to the run; yield its records with issues, in order.

        Duplicate ids are found against everything the run has seen: while the
        index's head (a dict) has room, with set and dict operations in C, so that
        only the few duplicates cost Python; beyond it, an id at a time.
        """
        for segment in partial.segments:
            yield from self._absorb_segment(segment, run)

    @staticmethod
    def where_next(source: str, run: Run, *, continued: bool) -> tuple[int, int]:
        """Return the records and lines of ``source`` the run holds before its next slice."""
        if continued and run.sources and run.sources[-1] == source:
            return run.file_records, run.file_lines
        return 0, 0

    def absorb_placed(self, segment: Segment, run: Run) -> Iterator[RecordResult]:
        """Absorb one segment whose results are already numbered where the run puts them.

        For ``--jobs``, which builds each flagged record once, at its place
        (:meth:`where_next`), rather than building it and then moving it.
        """
        yield from self._absorb_segment(segment, run, placed=True)

    def _absorb_segment(
        self, segment: Segment, run: Run, *, placed: bool = False
    ) -> Iterator[RecordResult]:
        if segment.continued and run.sources and run.sources[-1] == segment.source:
            if not run.complete[-1]:
                return  # the reader stopped in an earlier slice: one process reads no further
            file_number = len(run.sources) - 1
        else:
            file_number = run.start_file(segment.source)
        first, offset = run.file_records, run.file_lines
        if placed:
            results = {
                result.index - first: result
                for result in segment.results
                if result.index is not None
            }
            faults = [result for result in segment.results if result.index is None]
        else:
            results = {
                result.index: _moved(result, first, offset)
                for result in segment.results
                if result.index is not None
            }
            # The faults of the file itself (no record), after its records.
            faults = [_moved(r, 0, offset) for r in segment.results if r.index is None]
        base = run.place(file_number, first, offset)
        keys = segment.keys
        packed = list(map(base.__add__, segment.places))
        firsts = dict(zip(reversed(keys), reversed(packed), strict=True))  # first place wins
        before = run.ids.merge(firsts)  # the ids seen before, each with its place
        if before or len(firsts) != len(keys):
            for key, place, here in zip(keys, segment.places, packed, strict=True):
                if key not in before and firsts[key] == here:
                    continue
                number, line = divmod(place, _SHIFT)
                result = results.get(number) or RecordResult(
                    source=segment.source,
                    index=first + number,
                    line=line + offset if line else None,
                    record_id=safe_id(key),
                    issues=(),
                    strict=self.strict,
                )
                earlier = before[key] if key in before else firsts[key]
                results[number] = self.duplicate(result, run.where(earlier), key)
        if not segment.complete:
            run.stopped()
        run.records += segment.records
        run.file_records += segment.records
        run.file_lines += segment.lines
        run.valid += segment.records - len(results)
        for result in [*(results[number] for number in sorted(results)), *faults]:
            run.count(result)
            yield result

    def duplicate(
        self, result: RecordResult, first: tuple[str, int, int | None], value: str
    ) -> RecordResult:
        """Return the result with a duplicate-record-id issue added."""
        source, index, line = first
        at_line = f", line {line}" if line is not None else ""
        return result.with_issue(
            Issue(
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
                value=show_value(value) if self.include_values else None,
            )
        )


def check_segment(
    engine: Engine, raws: Iterable[RawRecord], source: str, *, lines: int, continued: bool
) -> Segment:
    """Check a slice of one source's records into a :class:`Segment`.

    ``raws`` are numbered from 0 and their lines from 1 within the slice;
    ``lines`` is how many lines the slice spans.
    """
    keys: list[str] = []
    places: list[int] = []
    results: list[RecordResult] = []
    records = 0
    stopped = False
    for raw in raws:
        key: object = raw.clean_id
        if key is None:
            data = raw.data
            key = data.get("record_id") if type(data) is dict else None
            stopped = stopped or any(problem.stops for problem in raw.problems)
            result = engine.check_raw(raw, source)
            if result.issues or not result.valid:
                results.append(attrs.evolve(result, data=None))
            if raw.index == FILE_LEVEL:
                continue
        records += 1
        if type(key) is str:
            keys.append(key)
            places.append(relative_place(raw.index, raw.line))
    return Segment(
        source=source,
        records=records,
        lines=lines,
        results=tuple(results),
        keys=tuple(keys),
        places=tuple(places),
        continued=continued,
        complete=not stopped,
    )
