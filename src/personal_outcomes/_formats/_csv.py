"""Records as CSV, in long format: one row per outcome.

The record-level columns (``record_id`` ... ``notes`` and ``context.NAME``) are
repeated on every row of a record, and the rows of one record are adjacent:
consecutive rows with the same ``record_id`` cell make one record. Empty cells
mean absent; every value stays a string exactly as written in its cell.

:func:`read_csv` streams: it holds only the rows of the record it is reading.
It reads the file as binary lines and decodes each one (a line break never
falls inside a UTF-8 character), so a byte that is not UTF-8 is reported at its
own line and every record before it is still read; a text wrapper decoding
8 KiB at a time would lose the good rows sharing a chunk with a bad byte.

Messages never quote a cell: cells hold personal data. They quote column names
only when these look like column names (``^[A-Za-z0-9_.-]{1,64}$``).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import chain
from operator import itemgetter
from typing import BinaryIO, Final, Protocol, TextIO, TypeVar

from attrs import frozen

from personal_outcomes._codes import PARSE_ERROR, SCHEMA
from personal_outcomes._formats._raw import RawProblem, RawRecord
from personal_outcomes._pointer import Path, to_pointer
from personal_outcomes._record_format import (
    CONTEXT_KEY_PATTERN,
    KEY_LIKE,
    OUTCOME_FIELDS,
    OUTCOME_REQUIRED,
    RECORD_FIELDS,
    RECORD_REQUIRED,
)
from personal_outcomes.errors import RecordWriteError

_NOT_COLUMNS: Final = ("context", "outcomes")  # context.NAME columns; one row per outcome
#: Record-level columns, in the order :func:`write_csv` writes them.
RECORD_COLUMNS: Final = tuple(name for name in RECORD_FIELDS if name not in _NOT_COLUMNS)
#: Outcome-level columns, in the order :func:`write_csv` writes them (after the context ones).
OUTCOME_COLUMNS: Final = OUTCOME_FIELDS
#: Columns every CSV file of records must have.
REQUIRED_COLUMNS: Final = frozenset(
    {name for name in RECORD_REQUIRED if name not in _NOT_COLUMNS} | set(OUTCOME_REQUIRED)
)
#: A context field NAME is the column ``context.NAME``.
CONTEXT_PREFIX: Final = "context."

_CONTEXT_NAME: Final = re.compile(CONTEXT_KEY_PATTERN.removeprefix("^").removesuffix("$"))
_KEYLIKE: Final = KEY_LIKE
_KNOWN: Final = frozenset(RECORD_COLUMNS + OUTCOME_COLUMNS)
_RECORD_KEYS: Final = frozenset({*RECORD_COLUMNS, "context", "outcomes"})
_OUTCOME_KEYS: Final = frozenset(OUTCOME_COLUMNS)
_CONTRIBUTION_KEYS: Final = frozenset({"by", "what"})

_UTF8_BOM: Final = b"\xef\xbb\xbf"
_UTF16_BOMS: Final = (b"\xff\xfe", b"\xfe\xff")
# The first line is read at most this far before checking for lone-CR line ends,
# so a file that uses them (one huge "line") is refused without reading it whole.
_PEEK: Final = 1 << 16

_RESAVE_UTF8: Final = (
    "save it as CSV UTF-8 (in Excel: Save As, file type 'CSV UTF-8 (Comma delimited)')"
)
_NOT_READ: Final = "the rest of the file was not read"
_T = TypeVar("_T")
_CONTRIBUTION_FORM: Final = (
    "write each contribution as 'by: what' (for example 'person: Practise the walk'), "
    "with ' | ' between contributions"
)


# --- reading ---------------------------------------------------------------------------


@frozen(kw_only=True, slots=True)
class _Header:
    """What the header row says about the columns of every row."""

    width: int
    record_id: int | None
    record_cells: tuple[tuple[str, int], ...]
    context_cells: tuple[tuple[str, int], ...]
    outcome_cells: tuple[tuple[str, int], ...]
    #: (path, column name, cell index) of each record-level column, context ones included.
    levels: tuple[tuple[Path, str, int], ...]
    #: The record-level cells of a row, for comparing rows at once.
    level_key: Callable[[list[str]], object] | None
    problems: tuple[RawProblem, ...]
    suppressed: frozenset[str]


class _RowPositions:
    """Each outcome is at the line where its row starts; the rest at the first row's."""

    __slots__ = ("_lines",)

    def __init__(self, lines: list[int]) -> None:
        self._lines = lines

    def locate(self, path: Path) -> tuple[int | None, int | None]:
        """Return the start line of the row that holds ``path``; CSV has no columns."""
        lines = self._lines
        if len(path) > 1 and path[0] == "outcomes":
            row = path[1]
            if isinstance(row, int) and 0 <= row < len(lines):
                return lines[row], None
        return lines[0], None

    #: A key is a column: it stands where its row starts.
    locate_key = locate

    def typed_plain(self, path: Path) -> bool:
        """Say no: every CSV cell is a string."""
        del path
        return False


_Unit = tuple[list[list[str]], list[int], list[RawProblem]] | RawProblem


class _Reader(Protocol):
    """What is used of a csv reader."""

    @property
    def line_num(self) -> int:
        """Return how many lines the reader has taken from its input."""
        ...  # pragma: no cover

    def __next__(self) -> list[str]:
        """Return the next row."""
        ...  # pragma: no cover


def read_csv(stream: BinaryIO, source: str) -> Iterator[RawRecord]:
    r"""Read records from a CSV file in long format, one :class:`RawRecord` at a time.

    ``stream`` is the file opened in binary mode; it is read line by line, and
    only the rows of the current record are held. ``source`` names the file
    (as for the other readers); issues carry it, so messages do not.

    The dialect is RFC 4180: comma-separated, double-quoted, UTF-8 with or
    without a byte order mark, CRLF or LF line ends. Faults never raise: they
    are problems on the records they spoil. Header faults are ``schema``
    problems at line 1 on the first record; a missing required column is also
    in every record's ``suppressed``. A row that is not valid CSV, or has the
    wrong number of cells, is a record of its own with ``data`` ``None``; the
    records after it are still read. A file that is not UTF-8, is UTF-16, looks
    semicolon- or tab-separated, has lone-CR line ends or no header row is one
    ``parse-error`` record, and reading stops. Blank rows (no cells, or only
    empty ones) are skipped. Without a ``record_id`` column each row is a record.
    """
    del source
    opened = _open(stream)
    if isinstance(opened, RawProblem):
        yield _unread(opened)
        return
    reader, header = opened
    index = -1
    for index, unit in enumerate(_units(reader, header)):
        extra = header.problems if index == 0 else ()
        if isinstance(unit, RawProblem):
            yield _unread(unit, index=index, header=header, extra=extra)
        else:
            yield _record(header, *unit, index=index, extra=extra)
    if index < 0 and header.problems:
        yield RawRecord(
            index=0,
            line=1,
            column=None,
            data=None,
            problems=header.problems,
            suppressed=header.suppressed,
        )


def _first_line(stream: BinaryIO) -> bytes | RawProblem:
    """Return the file's first line without a byte order mark, or say why it cannot be read."""
    first = stream.readline(_PEEK)
    if first.startswith(_UTF16_BOMS):
        return _parse_error(
            1, f"the file is UTF-16 text, not UTF-8; {_RESAVE_UTF8}; it was not read", stops=True
        )
    if not first.endswith(b"\n"):
        if b"\r" in first.rstrip(b"\r"):
            return _parse_error(
                1,
                "the lines end with a lone carriage return (CR); save the file with "
                "CRLF or LF line ends (as CSV UTF-8); it was not read",
                stops=True,
            )
        first += stream.readline()
    first = first.removeprefix(_UTF8_BOM)
    if not first:
        return _parse_error(
            1,
            "the file is empty, so it has no header row; the first line must name "
            "the columns (record_id, framework, person_id, ...)",
        )
    return first


def _open(stream: BinaryIO) -> tuple[_Reader, _Header] | RawProblem:
    """Read the header, or say why the file cannot be read as CSV records."""
    first = _first_line(stream)
    if isinstance(first, RawProblem):
        return first
    reader: _Reader = csv.reader(map(bytes.decode, chain((first,), stream)), strict=True)
    try:
        names = next(reader)
    except csv.Error as err:
        fault, _ = _row_fault(err)
        return _parse_error(1, f"the header row is not valid CSV: {fault}; {_NOT_READ}", stops=True)
    except UnicodeDecodeError:
        return _not_utf8(reader.line_num + 1)
    if not any(names):
        return _parse_error(
            1,
            "the first line is empty, so the file has no header row; put the column "
            f"names on the first line; {_NOT_READ}",
            stops=True,
        )
    if len(names) == 1 and (";" in names[0] or "\t" in names[0]):
        kind = "semicolon" if ";" in names[0] else "tab"
        return _parse_error(
            1,
            f"the header is a single column, and the file looks {kind}-separated; "
            f"save it as comma-separated CSV (RFC 4180); {_NOT_READ}",
            stops=True,
        )
    return reader, _read_header(names)


def _parse_error(line: int, message: str, *, stops: bool = False) -> RawProblem:
    return RawProblem(path=(), code=PARSE_ERROR, message=message, line=line, stops=stops)


def _unread(
    problem: RawProblem,
    *,
    index: int = 0,
    header: _Header | None = None,
    extra: tuple[RawProblem, ...] = (),
) -> RawRecord:
    """Return a record that could not be read: ``data`` is ``None``, ``problem`` says why."""
    return RawRecord(
        index=index,
        line=problem.line,
        column=None,
        data=None,
        problems=(*extra, problem),
        suppressed=frozenset() if header is None else header.suppressed,
    )


def _not_utf8(line: int) -> RawProblem:
    return _parse_error(
        line,
        f"the file is not UTF-8 text from this line on; {_RESAVE_UTF8}; {_NOT_READ}",
        stops=True,
    )


def _is_column(name: str) -> bool:
    return name in _KNOWN or (
        name.startswith(CONTEXT_PREFIX)
        and _CONTEXT_NAME.fullmatch(name, len(CONTEXT_PREFIX)) is not None
    )


def _header_problem(message: str) -> RawProblem:
    return RawProblem(path=(), code=SCHEMA, message=message, line=1)


def _unknown_column(name: str, number: int) -> RawProblem:
    """Report a header cell that is not a column of the record format."""
    bare = name.strip()
    if not bare:
        text = f"column {number} has no name; name it or remove it"
    elif bare != name and _is_column(bare):
        text = f"column {number} ('{bare}') has spaces around its name; remove them"
    elif _KEYLIKE.fullmatch(name) is None:
        text = (
            f"column {number} has an unusual name and is not a column of the record "
            "format; remove or rename it"
        )
    elif name.startswith(CONTEXT_PREFIX):
        text = (
            f"column '{name}' is not a valid context column: after 'context.' the name "
            "must start with a letter and have at most 64 letters, digits, '_' or '-'; "
            "rename it"
        )
    else:
        hint = f" (did you mean '{name.lower()}'?)" if name.lower() in _KNOWN else ""
        text = f"column '{name}' is not a column of the record format{hint}; remove or rename it"
    return _header_problem(f"{text}; it was ignored")


def _read_header(names: list[str]) -> _Header:
    """Map column names to cell indexes, and report the header's faults."""
    columns: dict[str, int] = {}
    unknown: set[str] = set()
    duplicates: set[str] = set()
    problems: list[RawProblem] = []
    for index, name in enumerate(names):
        if name in columns:
            if name not in duplicates:
                duplicates.add(name)
                problems.append(
                    _header_problem(
                        f"column '{name}' appears more than once in the header; remove "
                        "the extra copies (only the first was read)"
                    )
                )
        elif name not in unknown:
            if _is_column(name):
                columns[name] = index
            else:
                unknown.add(name)
                problems.append(_unknown_column(name, index + 1))
    missing = sorted(REQUIRED_COLUMNS - columns.keys())
    problems.extend(
        _header_problem(f"the header has no '{name}' column, which is required; add it")
        for name in missing
    )
    record_cells = tuple((name, columns[name]) for name in RECORD_COLUMNS if name in columns)
    context_cells = tuple(
        (name.removeprefix(CONTEXT_PREFIX), index)
        for name, index in columns.items()
        if name.startswith(CONTEXT_PREFIX)
    )
    levels = tuple(((name,), name, index) for name, index in record_cells) + tuple(
        (("context", name), CONTEXT_PREFIX + name, index) for name, index in context_cells
    )
    return _Header(
        width=len(names),
        record_id=columns.get("record_id"),
        record_cells=record_cells,
        context_cells=context_cells,
        outcome_cells=tuple((name, columns[name]) for name in OUTCOME_COLUMNS if name in columns),
        levels=levels,
        level_key=itemgetter(*(index for _, _, index in levels)) if levels else None,
        problems=tuple(problems),
        suppressed=frozenset(missing),
    )


def _row_fault(err: csv.Error) -> tuple[str, bool]:
    """Say what is wrong with a row the csv module refused, how to fix it, and if reading stops.

    The csv module says what it refused only in its message's text.
    """
    text = str(err)
    if "expected after" in text:
        return (
            "a quoted cell has text after its closing double quote; inside a quoted "
            'cell, write each double quote as two ("")'
        ), False
    if "unexpected end of data" in text:
        return (
            "a double quote opens a cell that is never closed, so the rest of the file "
            'was read into this row; close the quote, or write a double quote as two ("") '
            f"inside a quoted cell; {_NOT_READ}"
        ), True
    if "field limit" in text:
        return (
            f"a cell is longer than {csv.field_size_limit()} characters, the most a cell "
            "may hold; shorten it"
        ), False
    if "new-line character" in text:
        return (
            "a line ends with a lone carriage return (CR); save the file with CRLF or LF line ends"
        ), False
    # Every csv.Error a strict reader raises over lines is one of the above.
    return (  # pragma: no cover
        "the row is not valid CSV (RFC 4180); save it as comma-separated CSV",
        False,
    )


def _rows(
    reader: _Reader, width: int, key_index: int | None
) -> Iterator[tuple[int, list[str] | RawProblem, str | None]]:
    """Yield each row with the line it starts on, or the problem that spoils it.

    The third item is the row's record_id cell when it can be read, even from a
    row with the wrong number of cells (it tells which record the row spoils).

    A row starts on the line after the previous row ended (``reader.line_num``
    counts physical lines, and a quoted cell may span several). Blank rows are
    skipped; reading stops at a line that is not UTF-8.
    """
    previous = reader.line_num
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            start, previous = previous + 1, reader.line_num
            fault, stops = _row_fault(err)
            yield start, _parse_error(start, fault, stops=stops), None
            continue
        except UnicodeDecodeError:
            yield reader.line_num + 1, _not_utf8(reader.line_num + 1), None
            return
        start, previous = previous + 1, reader.line_num
        if not any(row):
            continue
        key = row[key_index] if key_index is not None and key_index < len(row) else None
        if len(row) != width:
            yield start, _parse_error(start, _ragged(len(row), width)), key
        else:
            yield start, row, key


def _units(reader: _Reader, header: _Header) -> Iterator[_Unit]:
    """Yield the rows of each record (adjacent rows with the same record_id), or a bad row.

    A bad row spoils the record it belongs to: the one whose record_id its cells
    show, or, when its cells cannot be read, the record whose rows surround it.
    A bad row that belongs to no record with good rows is a record of its own.
    Rows with an empty record_id cell are each a record of their own.
    """
    rows: list[list[str]] = []
    starts: list[int] = []
    spoilt: list[RawProblem] = []
    pending: list[RawProblem] = []  # unreadable rows: which record they belong to is open
    key: str | None = None

    def flush() -> Iterator[_Unit]:
        if rows:
            yield rows, starts, spoilt
        else:
            yield from spoilt

    for start, row, row_key in _rows(reader, header.width, header.record_id):
        same = row_key is not None and row_key != "" and row_key == key
        if isinstance(row, RawProblem):
            if row_key is None:
                pending.append(row)
            elif same:
                spoilt.extend((*pending, row))
                pending = []
            else:
                yield from flush()
                yield from pending
                rows, starts, spoilt, pending, key = [], [], [row], [], row_key
        elif same:
            spoilt.extend(pending)
            pending = []
            rows.append(row)
            starts.append(start)
        else:
            yield from flush()
            yield from pending
            rows, starts, spoilt, pending, key = [row], [start], [], [], row_key
    yield from flush()
    yield from pending


def _ragged(cells: int, width: int) -> str:
    if cells > width:
        advice = "put cells that contain commas in double quotes"
    else:
        advice = (
            "every row needs a cell for each column, even an empty one, and a cell "
            "with a line break must be in double quotes"
        )
    return f"row has {cells} cells but the header has {width}; {advice}"


def _record(
    header: _Header,
    rows: list[list[str]],
    starts: list[int],
    spoilt: list[RawProblem],
    *,
    index: int,
    extra: tuple[RawProblem, ...],
) -> RawRecord:
    """Build one record's data from its rows (and the bad rows found among them)."""
    problems = [*extra, *spoilt]
    first = rows[0]
    data: dict[str, object] = {name: first[i] for name, i in header.record_cells if first[i]}
    context = {name: first[i] for name, i in header.context_cells if first[i]}
    if context:
        data["context"] = context
    if len(rows) > 1 and header.level_key is not None:
        problems.extend(_disagreements(header, header.level_key, rows, starts))
    outcomes: list[dict[str, object]] = []
    for number, row in enumerate(rows):
        outcome: dict[str, object] = {name: row[i] for name, i in header.outcome_cells if row[i]}
        cell = outcome.get("contributions")
        if isinstance(cell, str):
            items = _contributions(cell, number, starts[number], problems)
            if items:
                outcome["contributions"] = items
            else:
                del outcome["contributions"]
        outcomes.append(outcome)
    data["outcomes"] = outcomes
    return RawRecord(
        index=index,
        line=starts[0],
        column=None,
        data=data,
        positions=_RowPositions(starts),
        problems=tuple(problems),
        suppressed=header.suppressed,
    )


def _disagreements(
    header: _Header,
    level_key: Callable[[list[str]], object],
    rows: list[list[str]],
    starts: list[int],
) -> Iterator[RawProblem]:
    """Report each record-level column on which a later row differs from the first, once."""
    first = rows[0]
    expected = level_key(first)
    reported: set[int] = set()
    for row, start in zip(rows[1:], starts[1:], strict=True):
        if level_key(row) == expected:
            continue
        for path, name, i in header.levels:
            if row[i] != first[i] and i not in reported:
                reported.add(i)
                yield RawProblem(
                    path=path,
                    code=SCHEMA,
                    message=(
                        f"rows of one record disagree on column '{name}'; every row of a "
                        "record must repeat the same record-level values"
                    ),
                    line=start,
                )


def _contributions(
    cell: str, row: int, line: int, problems: list[RawProblem]
) -> list[dict[str, str]]:
    """Parse a contributions cell; add a problem for each item that is not ``by: what``.

    A bad item stays in the list as an empty mapping, so every item keeps its index.
    """
    if "\\" in cell:
        items, bad_escapes = _split_escaped(cell)
    else:
        items, bad_escapes = cell.split("|"), set()
    parsed: list[dict[str, str]] = []
    for j, item in enumerate(items):
        by, colon, what = item.partition(":")
        by, what = by.strip(), what.strip()
        if j in bad_escapes:
            fault = (
                "a backslash must be followed by '|' or '\\' (write '\\|' for a "
                "literal '|' and '\\\\' for a literal backslash)"
            )
        elif not item.strip():
            fault = "this contribution is empty (two '|' in a row, or one at an end)"
        elif not colon:
            fault = "this contribution has no ':'"
        elif not by or not what:
            fault = f"this contribution has nothing {'before' if not by else 'after'} its ':'"
        else:
            parsed.append({"by": by, "what": what})
            continue
        # An empty stand-in keeps the later items at their own index (and so their
        # own pointer); the problem here says what is wrong with this one.
        parsed.append({})
        problems.append(
            RawProblem(
                path=("outcomes", row, "contributions", j),
                code=SCHEMA,
                message=f"{fault}; {_CONTRIBUTION_FORM}",
                line=line,
            )
        )
    return parsed


def _split_escaped(cell: str) -> tuple[list[str], set[int]]:
    r"""Split at each ``|`` not escaped, turning ``\|`` and ``\\`` into ``|`` and ``\``.

    Return the items and the indexes of those with any other backslash.
    """
    items: list[str] = []
    bad: set[int] = set()
    chars: list[str] = []
    i, end = 0, len(cell)
    while i < end:
        char = cell[i]
        if char == "\\":
            escaped = cell[i + 1 : i + 2]
            if escaped in {"|", "\\"}:
                chars.append(escaped)
                i += 2
                continue
            bad.add(len(items))
            chars.append(char)
        elif char == "|":
            items.append("".join(chars))
            chars = []
        else:
            chars.append(char)
        i += 1
    items.append("".join(chars))
    return items, bad


# --- writing ---------------------------------------------------------------------------


def write_csv(
    records: Iterable[Mapping[str, object]],
    stream: TextIO,
    *,
    context_names: Iterable[str] | None = None,
) -> None:
    r"""Write records (record format, version 1) as CSV, one row per outcome.

    ``stream`` is a text stream opened with ``newline=""`` (and, for a file,
    ``encoding="utf-8"``). The header lists every standard column, with one
    ``context.NAME`` column per context name, sorted, in place of ``context``;
    rows end with ``\r\n`` and cells are quoted only where needed. In
    contributions, ``|`` and ``\`` in ``by`` and ``what`` are written ``\|`` and
    ``\\``, and items are joined with ``" | "``.

    The header needs every context name before the first row: when
    ``context_names`` is ``None`` the records are first gathered in memory to
    find them; pass the names to stream instead (a record with any other
    context name is then an error).

    :func:`read_csv` gives back the same records provided that adjacent records
    have different, non-empty ``record_id`` values, every string is non-empty,
    ``context`` and ``contributions`` are non-empty when present, and each
    contribution's ``by`` and ``what`` have no space at either end (the reader
    strips them; the writer writes them as given).

    Raise :class:`~personal_outcomes.errors.RecordWriteError` (a
    :class:`TypeError` and a :class:`ValueError`), naming the record and the
    place, for a value of the wrong type or what CSV cannot carry: a key outside
    the record format, a record without outcomes, a context name that cannot be
    a column name, a ``by`` containing ``:``.
    """
    if context_names is None:
        records = list(records)
        found: set[str] = set()
        for number, record in enumerate(records):
            found.update(_faults_located(number, _context, record))
        names = sorted(found)
    else:
        names = sorted(set(context_names))
    for name in names:
        if _CONTEXT_NAME.fullmatch(name) is None:
            raise RecordWriteError(
                record=0,
                pointer="/context",
                problem=(
                    "a context name must start with a letter and have at most 64 letters, "
                    "digits, '_' or '-'"
                ),
            )
    writer = csv.writer(stream)
    writer.writerow([*RECORD_COLUMNS, *(CONTEXT_PREFIX + name for name in names), *OUTCOME_COLUMNS])
    for number, record in enumerate(records):
        writer.writerows(_faults_located(number, _record_rows, record, names))


def _faults_located(number: int, function: Callable[..., _T], *args: object) -> _T:
    """Call ``function``; a fault it finds becomes a RecordWriteError naming the record."""
    try:
        return function(*args)
    except _Fault as fault:
        raise RecordWriteError(
            record=number, pointer=to_pointer(fault.path), problem=fault.problem
        ) from None


class _Fault(Exception):  # noqa: N818 (control flow, never leaves this module)
    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(problem)
        self.path = path
        self.problem = problem


def _mapping(value: object, path: Path) -> Mapping[str, object]:
    if not isinstance(value, Mapping):
        raise _Fault(path, "must be a mapping")
    return value


def _sequence(value: object, path: Path) -> Sequence[object]:
    if not isinstance(value, Sequence) or isinstance(value, str):
        raise _Fault(path, "must be a list")
    return value


def _keys(mapping: Mapping[str, object], allowed: frozenset[str], path: Path) -> None:
    if not mapping.keys() <= allowed:
        raise _Fault(path, "has a key that is not in the record format")


def _text(value: object, path: Path) -> str:
    if not isinstance(value, str):
        raise _Fault(path, "must be a string")
    return value


def _context(record: Mapping[str, object]) -> Mapping[str, object]:
    return _mapping(_mapping(record, ()).get("context", {}), ("context",))


def _record_rows(record: Mapping[str, object], names: list[str]) -> list[list[str]]:
    """Return the CSV rows of one record."""
    _keys(_mapping(record, ()), _RECORD_KEYS, ())
    context = _context(record)
    if not context.keys() <= set(names):
        raise _Fault(("context",), "has a context name that is not in context_names")
    head = [_text(record.get(name, ""), (name,)) for name in RECORD_COLUMNS]
    head += [_text(context.get(name, ""), ("context", name)) for name in names]
    outcomes = _sequence(record.get("outcomes", ()), ("outcomes",))
    if not outcomes:
        raise _Fault(("outcomes",), "a record needs at least one outcome to be written as CSV")
    rows = []
    for index, value in enumerate(outcomes):
        path = ("outcomes", index)
        outcome = _mapping(value, path)
        _keys(outcome, _OUTCOME_KEYS, path)
        cells = [
            _join(outcome.get(name, ()), (*path, name))
            if name == "contributions"
            else _text(outcome.get(name, ""), (*path, name))
            for name in OUTCOME_COLUMNS
        ]
        rows.append(head + cells)
    return rows


def _join(value: object, path: Path) -> str:
    """Return the contributions cell for a list of ``{"by": ..., "what": ...}``."""
    items = []
    for index, item in enumerate(_sequence(value, path)):
        contribution = _mapping(item, (*path, index))
        _keys(contribution, _CONTRIBUTION_KEYS, (*path, index))
        by = _text(contribution.get("by", ""), (*path, index, "by"))
        what = _text(contribution.get("what", ""), (*path, index, "what"))
        if ":" in by:
            raise _Fault((*path, index, "by"), "a contribution's 'by' cannot contain ':' in CSV")
        items.append(f"{_escape(by)}: {_escape(what)}")
    return " | ".join(items)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|")
