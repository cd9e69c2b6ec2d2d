"""Records as CSV, in long format: one row per outcome.

The record-level columns (``record_id`` ... ``notes`` and ``context.NAME``) are
repeated on every row of a record, and the rows of one record are adjacent:
consecutive rows with the same ``record_id`` cell make one record. Empty cells
mean absent; every value stays a string exactly as written in its cell.

:func:`read_csv` streams: it holds only the rows of the record it is reading.
It reads the file as binary lines and decodes each row, so a byte that is not
UTF-8 is reported at its own line and every record before it is still read.

Where rows end
--------------

The reader knows where each row ends before it trusts the row's cells. It
follows the csv module's strict grammar (RFC 4180): a row ends at the first
line end outside double quotes, or, when the row is not valid CSV, at the end
of the line where the fault is (where the csv module gives up on it). So it
always knows where the next row starts, whatever is wrong with this one, and
never reads a row from the middle of a cell (as the csv module does after its
field limit). Most rows are one line the csv module reads cleanly; for the
others :func:`_physical` finds the row's end and :func:`_tokenize` says what is
wrong with it, following the same grammar leniently.

Limits
------

A row (one line, or several when a quoted cell holds line breaks) may take at
most :data:`ROW_LIMIT` bytes (1 MiB), a cell hold at most :data:`CELL_LIMIT`
characters (131,072, the csv module's default field limit, whatever that limit
is set to), and a header at most :data:`COLUMN_LIMIT` columns (1,000). A
record keeps at most :data:`_ROWS_KEPT` of its rows (one more than the most
outcomes a record may have: the checker then says it has too many) and lists at
most :data:`_FAULTS_KEPT` faulty rows (one more problem counts the others). So
the memory used is bounded whatever the file holds, an endless line included,
and reading an endless stream ends.

Counting
--------

Every row that is not blank is in exactly one record. A faulty row spoils the
record it belongs to (the one whose ``record_id`` its cells show, or the one
whose rows surround it), or is a record of its own; faulty rows with the same
``record_id`` are one record. Where the reader cannot tell where the rows go
on, it stops, with a ``parse-error`` whose ``stops`` is set (the file is then
reported as not ``complete``, and the rest of it is not counted): a double
quote never closed; a row longer than :data:`ROW_LIMIT`; text that is not
UTF-8; a lone carriage return outside quotes, unless the row has the header's
number of cells with it read as cell text (otherwise it is a line end the
dialect does not have, and the line may hold several rows); and a quoted cell
holding line breaks whose row is then not valid CSV or does not have the
header's number of cells (a double quote left open takes in the rows after it,
up to the next double quote, so which rows it took in is not known). A row
left open at the end of the file, or cut short in a character, also stops
reading: there is nothing after it.

A fault of the file with no row to put it on (an empty file, a file that
cannot be read as CSV, or a header with faults and no rows) is the file's own
issue, at line 1 with no record number: the file holds no record, so none is
counted, but the issue is an error like any other and the run fails.

Messages never quote a cell: cells hold personal data. They quote column names
only when these look like column names (``^[A-Za-z0-9_.-]{1,64}$``).
"""

from __future__ import annotations

import csv
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import partial
from operator import itemgetter
from typing import BinaryIO, Final, NamedTuple, TextIO, TypeVar, cast

from attrs import frozen

from personal_outcomes._codes import PARSE_ERROR, SCHEMA
from personal_outcomes._formats._raw import FILE_LEVEL, RawProblem, RawRecord
from personal_outcomes._pointer import Path, to_pointer
from personal_outcomes._record_format import (
    CONTEXT_KEY_PATTERN,
    KEY_LIKE,
    MAX_OUTCOMES,
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

#: The most bytes one row may take, its line ends included: one line, or all the
#: lines of a row whose quoted cells hold line breaks (1 MiB). A record's longest
#: row is far shorter (its longest text is 10,000 characters).
ROW_LIMIT: Final = 1 << 20
#: The most characters one cell may hold: the csv module's default field limit, held to
#: whatever that limit is set to.
CELL_LIMIT: Final = 131_072
#: The most columns a header may have.
COLUMN_LIMIT: Final = 1_000
#: A record keeps this many of its rows, one more than the most outcomes a
#: record may have: enough to show it has too many.
_ROWS_KEPT: Final = MAX_OUTCOMES + 1
#: A record lists this many faulty rows; the others are counted in one more problem.
_FAULTS_KEPT: Final = 100

_CONTEXT_NAME: Final = re.compile(CONTEXT_KEY_PATTERN.removeprefix("^").removesuffix("$"))
_KEYLIKE: Final = KEY_LIKE
_KNOWN: Final = frozenset(RECORD_COLUMNS + OUTCOME_COLUMNS)
_RECORD_KEYS: Final = frozenset({*RECORD_COLUMNS, "context", "outcomes"})
_OUTCOME_KEYS: Final = frozenset(OUTCOME_COLUMNS)
_CONTRIBUTION_KEYS: Final = frozenset({"by", "what"})

_UTF8_BOM: Final = b"\xef\xbb\xbf"
_UTF16_BOMS: Final = (b"\xff\xfe", b"\xfe\xff")
_BOM: Final = "\ufeff"

_RESAVE_UTF8: Final = (
    "save it as CSV UTF-8 (in Excel: Save As, file type 'CSV UTF-8 (Comma delimited)'), or "
    "read it as it is with --encoding cp1252 or utf-16 (or an import profile)"
)
_NOT_READ: Final = "the rest of the file was not read"
_WRITE_QUOTES: Final = 'close it, or write each double quote inside a quoted cell as two ("")'
_ROW_SIZE: Final = f"1 MiB ({ROW_LIMIT:,} bytes)"
_T = TypeVar("_T")
_CONTRIBUTION_FORM: Final = (
    "write each contribution as 'by: what' (for example 'person: Practise the walk'), "
    "with ' | ' between contributions"
)


# --- reading ---------------------------------------------------------------------------


@frozen(kw_only=True, slots=True)
class _Header:
    """What the header row says about the columns of every row."""

    names: list[str]
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


def read_csv(stream: BinaryIO, source: str) -> Iterator[RawRecord]:
    r"""Read records from a CSV file in long format, one :class:`RawRecord` at a time.

    ``stream`` is the file opened in binary mode; it is read a row at a time,
    and only the rows of the current record are held. ``source`` names the file
    (as for the other readers); issues carry it, so messages do not.

    The dialect is RFC 4180: comma-separated, double-quoted, UTF-8 with or
    without a byte order mark, CRLF or LF line ends. Faults never raise: they
    are problems on the records they spoil. Header faults are ``schema``
    problems at line 1 on the first record; a missing required column is also
    in every record's ``suppressed``. A row that is not valid CSV, has the wrong
    number of cells, a cell longer than :data:`CELL_LIMIT` characters or a NUL
    character, or repeats the header row (files joined together) is a
    ``parse-error`` that spoils the record it belongs to (or is a record of its
    own, ``data`` ``None``); the records after it are still read. Reading stops
    (``stops``) where the reader cannot tell where the rows go on: see the
    module's documentation. A file that is not UTF-8, is UTF-16, holds NUL
    characters on its first line, looks semicolon- or tab-separated, has
    lone-CR line ends, a header longer than :data:`ROW_LIMIT` bytes or wider
    than :data:`COLUMN_LIMIT` columns, or no header row is one ``parse-error``
    record, and reading stops. Blank rows (no cells, or only empty ones) are
    skipped. Without a ``record_id`` column each row is a record.
    """
    del source
    opened = _open(stream)
    if isinstance(opened, RawProblem):
        yield _unread(opened)
        return
    rows, header = opened
    index = -1
    for index, group in enumerate(_groups(rows)):
        if group.rows and index and not group.problems:
            yield _record(header, group.rows, group.starts, [], index=index)
        else:
            yield _build(header, group, index=index, extra=header.problems if index == 0 else ())
    if index < 0 and header.problems:
        yield RawRecord(
            index=FILE_LEVEL,
            line=1,
            column=None,
            data=None,
            problems=header.problems,
            suppressed=header.suppressed,
        )


# --- where rows end ----------------------------------------------------------------------

_OPEN: Final = "open"  # the file ends inside a quoted cell
_LONG: Final = "long"  # the row is longer than ROW_LIMIT
_AFTER_QUOTE: Final = "after-quote"  # text after a quoted cell's closing quote
_LONE_CR: Final = "lone-cr"  # a carriage return outside quotes, not followed by a line feed

# Outside quotes, what matters is a quote opening a cell, or the line's end (a CR or LF).
_OUTSIDE: Final = re.compile(rb',"|[\r\n]')
_LONE_CR_BYTES: Final = re.compile(rb"\r(?!\n)")


class _Physical(NamedTuple):
    """A row as read from the file, not yet decoded or split into cells."""

    #: The line the row starts on.
    start: int
    #: The last line read for it.
    end: int
    #: The row's bytes, line ends included; for a row where reading stops
    #: (``stop``), what was read of its first line.
    data: bytes
    #: The row has a quoted cell holding line breaks (it spans several lines).
    spans: bool = False
    #: Why reading stops at this row (_OPEN or _LONG), or None.
    stop: str | None = None
    #: With ``stop``: the line where the quoted cell still open opens.
    quote: int | None = None


def _scan(line: bytes, *, quoted: bool) -> tuple[bool, bool]:
    """Say whether a row goes on after ``line`` (which ends inside a quoted cell).

    ``quoted`` says that the line starts inside a quoted cell. The second item
    says whether the quoted cell still open at the line's end opened on it. A
    fault (text after a closing quote, a lone CR) ends the row with its line,
    where the csv module gives up on the line.
    """
    opened = False
    i = 0
    if not quoted and line.startswith(b'"'):
        quoted = opened = True
        i = 1
    while True:
        if quoted:
            j = line.find(b'"', i)
            if j < 0:
                return True, opened
            after = line[j + 1 : j + 2]
            if after == b'"':
                i = j + 2
                continue
            if after != b",":
                return False, False
            quoted = opened = False
            i = j + 1
        found = _OUTSIDE.search(line, i)
        if found is None or found.end() - found.start() == 1:
            return False, False
        quoted = opened = True
        i = found.end()


def _physical(
    line: bytes, number: int, readline: Callable[[int], bytes], *, quoted: bool = False
) -> _Physical:
    """Return the row whose first line, line ``number``, is ``line``, reading the rest of it.

    ``quoted`` says that the line is known to end inside a quoted cell. Reads
    at most :data:`ROW_LIMIT` bytes (and one more) for a row: a longer row, or a
    file that ends inside a quoted cell, is returned with ``stop``.
    """
    if len(line) > ROW_LIMIT:
        return _Physical(number, number, line, stop=_LONG)
    if not quoted and (b'"' not in line or not _scan(line, quoted=False)[0]):
        return _Physical(number, number, line)
    start = quote = number
    row = bytearray(line)
    quoted = True
    while quoted:
        more = readline(ROW_LIMIT + 1 - len(row))
        if not more:
            return _Physical(start, number, line, spans=True, stop=_OPEN, quote=quote)
        number += 1
        row += more
        if len(row) > ROW_LIMIT:
            return _Physical(start, number, line, spans=True, stop=_LONG, quote=quote)
        quoted, opened = _scan(more, quoted=True)
        if opened:
            quote = number
    return _Physical(start, number, bytes(row), spans=True)


# --- cells ------------------------------------------------------------------------------

_QUOTED_CELL: Final = re.compile(r'"([^"]*(?:""[^"]*)*)("?)')
_PLAIN_CELL: Final = re.compile(r"[^,\r\n]*")
_REST: Final = re.compile(r"[^,]*")  # the rest of a cell that is not valid CSV
_KEY_PEEK: Final = 1 << 16  # how much of a row where reading stops is looked at for its key


class _Cells(NamedTuple):
    """A row split into cells, and its first fault."""

    cells: list[str]
    #: _AFTER_QUOTE, _LONE_CR or _OPEN, or None.
    fault: str | None = None
    #: The index of the first cell that is not read exactly (-1: every cell is).
    exact: int = -1
    #: Where in the text the fault is.
    where: int = 0


def _tokenize(text: str) -> _Cells:
    """Split a row into cells as the csv module does, but leniently, and say what is wrong.

    Text after a quoted cell's closing quote, or after a CR outside quotes
    before the row's end (a lone CR), is added to the cell, up to the next
    comma (as the csv module does with text after a quote when not strict).
    Has no limit on a cell's length.
    """
    end = len(text.rstrip("\r\n"))
    cells: list[str] = []
    fault: str | None = None
    exact = where = -1
    i = 0
    while True:
        if text.startswith('"', i):
            quoted = _QUOTED_CELL.match(text, i, end)
            assert quoted is not None  # noqa: S101 (the pattern matches any quote)
            cell = quoted[1].replace('""', '"')
            i = quoted.end()
            if not quoted[2]:
                if fault is None:
                    fault, exact, where = _OPEN, len(cells), i
                cells.append(cell)
                break
            if i < end and text[i] != ",":
                if fault is None:
                    fault, exact, where = _AFTER_QUOTE, len(cells), i
                rest = _REST.match(text, i, end)
                assert rest is not None  # noqa: S101 (the pattern matches the empty string)
                cell += rest[0]
                i = rest.end()
        else:
            plain = _PLAIN_CELL.match(text, i, end)
            assert plain is not None  # noqa: S101 (the pattern matches the empty string)
            cell = plain[0]
            i = plain.end()
            if i < end and text[i] != ",":  # a CR outside quotes, before the row's end
                if fault is None:
                    fault, exact, where = _LONE_CR, len(cells), i
                rest = _REST.match(text, i, end)
                assert rest is not None  # noqa: S101 (the pattern matches the empty string)
                cell += rest[0]
                i = rest.end()
        cells.append(cell)
        if i >= end:
            break
        i += 1
    return _Cells(cells, fault, exact, where)


# --- the header ----------------------------------------------------------------------------


def _open(stream: BinaryIO) -> tuple[Iterator[_Row], _Header] | RawProblem:
    """Read the header, or say why the file cannot be read as CSV records."""
    first = stream.readline(ROW_LIMIT + 1 + len(_UTF8_BOM))
    if first.startswith(_UTF16_BOMS):
        return _parse_error(
            1, f"the file is UTF-16 text, not UTF-8; {_RESAVE_UTF8}; it was not read", stops=True
        )
    first = first.removeprefix(_UTF8_BOM)
    if not first:
        return _parse_error(
            1,
            "the file is empty, so it has no header row; the first line must name "
            "the columns (record_id, framework, person_id, ...)",
        )
    raw = _physical(first, 1, stream.readline)
    names = _header_names(raw)
    if isinstance(names, RawProblem):
        return names
    header = _read_header(names)
    return _rows(stream, header, raw.end), header


def _header_names(raw: _Physical) -> list[str] | RawProblem:
    """Return the names in the header row, or the parse-error that stops the file."""
    text = _header_text(raw)
    if isinstance(text, RawProblem):
        return text
    names, fault, _, _ = _tokenize(text)
    if fault == _LONE_CR:
        return _lone_cr_file()
    if fault is not None:
        message = f"the header row is not valid CSV: {_AFTER_QUOTE_FAULT}"
    elif not any(names):
        message = (
            "the first line is empty, so the file has no header row; put the column "
            "names on the first line"
        )
    elif len(names) == 1 and (";" in names[0] or "\t" in names[0]):
        kind, option = ("semicolon", "';'") if ";" in names[0] else ("tab", "tab")
        message = (
            f"the header is a single column, and the file looks {kind}-separated; read it "
            f"with --delimiter {option} (or an import profile), or save it as comma-separated "
            "CSV (RFC 4180)"
        )
    elif len(names) > COLUMN_LIMIT:
        message = (
            f"the header has more than {COLUMN_LIMIT:,} columns, the most a file of "
            "records may have"
        )
    elif max(map(len, names)) > CELL_LIMIT:
        message = f"the header row is not valid CSV: {_LONG_CELL_FAULT}"
    else:
        return names
    return _stops_at(1, f"{message}; {_NOT_READ}")


def _header_text(raw: _Physical) -> str | RawProblem:
    """Return the header row's text, or the parse-error that stops the file."""
    data = raw.data
    if b"\0" in data:
        message = (
            "the first line holds NUL characters (zero bytes), which text never holds: "
            "the file may be UTF-16 without a byte order mark, or not a CSV file at all; "
            f"{_RESAVE_UTF8}; it was not read"
        )
    elif raw.stop == _LONG and raw.quote is None:
        if _LONE_CR_BYTES.search(data):
            return _lone_cr_file()
        message = (
            f"the first line is longer than {_ROW_SIZE}, so it is not a header row; it was not read"
        )
    elif raw.stop is not None:
        message = (
            "the header row is not valid CSV: a double quote opens a cell that is never "
            f"closed; {_WRITE_QUOTES}; {_NOT_READ}"
        )
    else:
        try:
            return data.decode()
        except UnicodeDecodeError as err:
            return _undecodable(1 + data.count(b"\n", 0, err.start), err)
    return _stops_at(1, message)


_AFTER_QUOTE_FAULT: Final = (
    "a quoted cell has text after its closing double quote; inside a quoted "
    'cell, write each double quote as two ("")'
)
_LONG_CELL_FAULT: Final = (
    f"a cell is longer than {CELL_LIMIT} characters, the most a cell may hold; shorten it"
)


def _lone_cr_file() -> RawProblem:
    return _stops_at(
        1,
        "the lines end with a lone carriage return (CR); save the file with "
        "CRLF or LF line ends (as CSV UTF-8); it was not read",
    )


def _parse_error(line: int, message: str, *, stops: bool = False) -> RawProblem:
    return RawProblem(path=(), code=PARSE_ERROR, message=message, line=line, stops=stops)


def _stops_at(line: int, message: str) -> RawProblem:
    return _parse_error(line, message, stops=True)


def _unread(problem: RawProblem) -> RawRecord:
    """Return the one record of a file that could not be read: ``problem`` says why."""
    return RawRecord(
        index=FILE_LEVEL, line=problem.line, column=None, data=None, problems=(problem,)
    )


def _not_utf8(line: int) -> RawProblem:
    return _stops_at(
        line, f"the file is not UTF-8 text from this line on; {_RESAVE_UTF8}; {_NOT_READ}"
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
    elif name.startswith(_BOM) and _is_column(name.lstrip(_BOM)):
        text = (
            f"column {number} ('{name.lstrip(_BOM)}') starts with a byte order mark (U+FEFF), "
            f"as when a file has two; remove it, or {_RESAVE_UTF8}"
        )
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
        names=names,
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


# --- rows ------------------------------------------------------------------------------------

#: A row as read: the line it starts on, its cells or the problem that spoils it,
#: and its record_id cell when that can be read (it tells which record it spoils).
_Row = tuple[int, list[str] | RawProblem, str | None]


def _rows(stream: BinaryIO, header: _Header, number: int) -> Iterator[_Row]:
    """Yield each row after the header (line ``number``) with the line it starts on.

    Each row comes with its cells, or the problem that spoils it, and its
    record_id cell when that can be read, even from a faulty row. Blank rows are
    skipped. After a problem that stops reading, nothing more is yielded.

    The common row, one line that the csv module reads cleanly, takes the fast
    path: the csv module splits it, pulling its text from a deque (all in C).
    When the csv module refuses a line, or it ends inside a quoted cell,
    :func:`_physical` finds where the row ends and :func:`_slow_row` reads it.
    """
    width, key_index, names = header.width, header.record_id, header.names
    readline = stream.readline
    texts: deque[str] = deque()
    # The csv module asks for more only when a text ends inside a quoted cell, which
    # the rows given never do; then popleft raises IndexError.
    reader = csv.reader(iter(texts.popleft, None), strict=True)
    for line in iter(partial(readline, ROW_LIMIT + 1), b""):
        number += 1
        try:
            if len(line) > ROW_LIMIT:
                raise ValueError  # noqa: TRY301 (the slow path says why)
            text = line.decode()
            texts.append(text)
            row = next(reader)
        except IndexError:  # the line ends inside a quoted cell: the row goes on
            texts.clear()
            raw = _physical(line, number, readline, quoted=True)
            number = raw.end
            judged = _slow_row(raw, header, texts, reader)
        except (ValueError, csv.Error):  # a fault (UnicodeDecodeError is a ValueError)
            texts.clear()
            raw = _physical(line, number, readline)
            number = raw.end
            judged = _slow_row(raw, header, texts, reader)
        else:
            if (  # as _clean, inline: this is the path of almost every row
                len(row) == width
                and any(row)
                and row != names
                and "\0" not in text
                and not text.startswith(_BOM)
                and (len(text) <= CELL_LIMIT or _long_cell(row) is None)
            ):
                yield number, row, None if key_index is None else row[key_index]
                continue
            judged = _judge(_Physical(number, number, line), text, _Cells(row), header)
        if judged is not None:
            yield judged
            if isinstance(judged[1], RawProblem) and judged[1].stops:
                return


def _clean(row: list[str], text: str, header: _Header) -> bool:
    """Say whether a row the csv module read is good as it is (most are)."""
    return (
        len(row) == header.width
        and any(row)
        and row != header.names
        and "\0" not in text
        and not text.startswith(_BOM)
        and (len(text) <= CELL_LIMIT or _long_cell(row) is None)
    )


def _slow_row(
    raw: _Physical, header: _Header, texts: deque[str], reader: Iterator[list[str]]
) -> _Row | None:
    """Read a row the fast path did not take: quoted, multi-line, faulty or too long."""
    start, key_index = raw.start, header.record_id
    if raw.stop is not None:
        return start, _stopped(raw), _first_line_key(raw.data, key_index)
    data = raw.data
    try:
        text = data.decode()
    except UnicodeDecodeError as err:
        line = start + data.count(b"\n", 0, err.start)
        return line, _undecodable(line, err), None
    texts.append(text)
    try:
        row = next(reader)
    except (csv.Error, IndexError):  # not valid CSV, or a cell over the csv module's limit
        texts.clear()
        parsed = _tokenize(text)
    else:
        if _clean(row, text, header):
            return start, row, None if key_index is None else row[key_index]
        parsed = _Cells(row)
    return _judge(raw, text, parsed, header)


def _judge(raw: _Physical, text: str, parsed: _Cells, header: _Header) -> _Row | None:
    """Say what spoils a row the fast path did not take, or return its cells; None if blank."""
    start = raw.start
    cells, fault, exact, where = parsed
    width, key_index = header.width, header.record_id
    readable = len(cells) if exact < 0 else exact
    known = None if key_index is None or key_index >= readable else cells[key_index]
    if fault == _LONE_CR and (raw.spans or len(cells) != width):
        # A CR-only line end: the line may hold several rows.
        line = start + text.count("\n", 0, where)
        message = (
            "a line ends with a lone carriage return (CR) here; save the file with CRLF "
            f"or LF line ends; {_NOT_READ}"
        )
        return line, _stops_at(line, message), known
    if fault is None and not any(cells):
        return None
    if raw.spans and (fault is not None or len(cells) != width):
        # A quoted cell holding line breaks, and the row is not valid CSV after it: most
        # likely a quote left open, which took in the rows after it up to the next quote.
        end = start + text.count("\n", 0, len(text) - 1)
        if fault is None:
            how = f"then has {len(cells)} cells but the header has {width}"
        else:
            how = "has text after a closing double quote"
        message = (
            f"a quoted cell of this row holds line breaks, so the row runs on to line {end}, "
            f"and it {how}: a double quote was probably never closed, which makes the rows "
            f"after it part of a cell; {_WRITE_QUOTES}; {_NOT_READ}"
        )
        return start, _stops_at(start, message), _first_line_key(raw.data, key_index)
    fault_message = _row_fault(text, cells, fault, header)
    if fault_message is None:
        return start, cells, known
    message, key_kept = fault_message
    if not key_kept:
        known = None
    elif known is not None and text.startswith(_BOM):
        known = known.removeprefix(_BOM)
    return start, _parse_error(start, message), known


def _row_fault(
    text: str, cells: list[str], fault: str | None, header: _Header
) -> tuple[str, bool] | None:
    """Say what spoils a row that does not stop reading, and whether its record_id cell is good.

    Return None for a good row.
    """
    width = header.width
    key_kept = True
    if fault == _LONE_CR:  # with the header's number of cells: a CR inside a cell
        message = (
            "a cell holds a carriage return (CR) but is not in double quotes; put cells "
            "that hold line breaks in double quotes"
        )
    elif fault is not None:
        message = _AFTER_QUOTE_FAULT
    elif len(cells) != width:
        message = _ragged(len(cells), width)
        if len(cells) < width and not text.endswith("\n"):
            message += (
                "; the file ends in this row without a line end, so it may have been cut short"
            )
    elif (long := _long_cell(cells)) is not None:
        message = _LONG_CELL_FAULT
        key_kept = long != header.record_id
    elif "\0" in text:
        message = (
            "the row holds a NUL character (a zero byte), which text never holds: the "
            f"file may be damaged or not UTF-8; remove it, or {_RESAVE_UTF8}"
        )
    elif [cells[0].removeprefix(_BOM), *cells[1:]] == header.names:
        # Files joined together: the second one's header (and byte order mark) is a row.
        message = "the row repeats the header row, as when two files are joined together; remove it"
    else:
        return None
    return message, key_kept


def _long_cell(cells: list[str]) -> int | None:
    """Return the index of the first cell longer than CELL_LIMIT characters, if any."""
    return next((i for i, cell in enumerate(cells) if len(cell) > CELL_LIMIT), None)


def _stopped(raw: _Physical) -> RawProblem:
    """Say why reading stops at a row: a quote never closed, or a row too long."""
    if raw.quote is not None:
        line = raw.quote
        if raw.stop == _OPEN:
            fault = "is never closed (the file ends inside it: was it cut short?)"
        else:
            fault = f"is still open {_ROW_SIZE} later, more than a row may take"
        message = f"a double quote on this line opens a cell that {fault}; {_WRITE_QUOTES}"
    else:
        line = raw.start
        if _LONE_CR_BYTES.search(raw.data):
            message = (
                "a line ends with a lone carriage return (CR) here; save the file with "
                "CRLF or LF line ends"
            )
        else:
            message = f"the line is longer than {_ROW_SIZE}, the most a row may take"
    return _stops_at(line, f"{message}; {_NOT_READ}")


def _undecodable(line: int, err: UnicodeDecodeError) -> RawProblem:
    """Say that the file is not UTF-8 from ``line`` on, or ends in the middle of a character."""
    if err.end == len(err.object) and err.reason == "unexpected end of data":
        return _stops_at(
            line,
            "the file ends in the middle of a character (an incomplete UTF-8 sequence), so "
            f"it may have been cut short; {_NOT_READ}",
        )
    return _not_utf8(line)


def _first_line_key(data: bytes, key_index: int | None) -> str | None:
    """Return the record_id cell of a row where reading stops, if its first line shows it.

    Only the line's first 64 KiB are looked at, and its last cell is left out:
    it may be the cell left open, or cut short.
    """
    if key_index is None:
        return None
    line = data[:_KEY_PEEK].partition(b"\n")[0].decode(errors="replace")
    cells, _, exact, _ = _tokenize(line)
    readable = len(cells) - 1 if exact < 0 else min(exact, len(cells) - 1)
    return cells[key_index] if key_index < readable else None


def _ragged(cells: int, width: int) -> str:
    if cells > width:
        advice = "put cells that contain commas in double quotes"
    else:
        advice = (
            "every row needs a cell for each column, even an empty one, and a cell "
            "with a line break must be in double quotes"
        )
    return f"row has {cells} cells but the header has {width}; {advice}"


# --- records -------------------------------------------------------------------------------


class _Group(NamedTuple):
    """The rows of one record, and the faulty rows that spoil it."""

    #: Where its first row, good or faulty, starts.
    line: int
    rows: list[list[str]]
    starts: list[int]
    problems: list[RawProblem]
    #: Faulty rows not listed in ``problems``.
    dropped: int = 0


def _groups(rows: Iterable[_Row]) -> Iterator[_Group]:  # noqa: PLR0912 (no calls per row)
    """Yield each record: adjacent rows with one record_id, with the faulty rows that spoil it.

    A faulty row spoils the record it belongs to: the one whose record_id its
    cells show, or, when its cells cannot be read, the record whose rows
    surround it. A faulty row that belongs to no record with good rows is a
    record of its own, but faulty rows with the same record_id are one record.
    Rows with an empty record_id cell are each a record of their own. More than
    _FAULTS_KEPT faulty rows in a row whose record cannot be told are not held
    on to: each is a record of its own, and the open record ends there (a later
    row with its id is then a duplicate).
    """
    key: str | None = None  # the open record's record_id
    group: _Group | None = None
    good: list[list[str]] = []
    starts: list[int] = []
    problems: list[RawProblem] = []
    dropped = 0
    pending: list[tuple[int, RawProblem]] = []  # faulty rows whose record is still open
    for start, row, row_key in rows:
        if row_key and row_key == key:  # a row of the open record
            if isinstance(row, list):
                if len(good) < _ROWS_KEPT:
                    good.append(row)
                    starts.append(start)
                if pending:
                    dropped += _spoil(problems, [problem for _, problem in pending])
                    pending = []
            else:
                dropped += _spoil(problems, [*(problem for _, problem in pending), row])
                pending = []
            continue
        if row_key is None and isinstance(row, RawProblem):
            pending.append((start, row))
            if len(pending) > _FAULTS_KEPT:  # too many to hold: they stand alone
                if group is not None:
                    yield group._replace(dropped=dropped)
                yield from _alone(pending)
                key = group = None
                pending = []
            continue
        if group is not None:
            yield group._replace(dropped=dropped) if dropped else group
        yield from _alone(pending)
        pending = []
        key, dropped = row_key, 0
        if isinstance(row, list):
            good, starts, problems = [row], [start], []
        else:
            good, starts, problems = [], [], [row]
        group = _Group(start, good, starts, problems)
    if group is not None:
        yield group._replace(dropped=dropped) if dropped else group
    yield from _alone(pending)


def _spoil(problems: list[RawProblem], faults: list[RawProblem]) -> int:
    """Add faulty rows' problems to a record's, up to _FAULTS_KEPT; return how many were not."""
    dropped = 0
    for problem in faults:
        if len(problems) < _FAULTS_KEPT or problem.stops:
            problems.append(problem)
        else:
            dropped += 1
    return dropped


def _alone(pending: list[tuple[int, RawProblem]]) -> Iterator[_Group]:
    """Yield each faulty row as a record of its own."""
    for line, problem in pending:
        yield _Group(line, [], [], [problem])


def _build(
    header: _Header, group: _Group, *, index: int, extra: tuple[RawProblem, ...]
) -> RawRecord:
    """Build one record from its group of rows (data ``None`` when it has no good row)."""
    problems = [*extra, *group.problems]
    if group.dropped:
        problems.append(
            _parse_error(
                group.line,
                f"and {group.dropped} more rows of this record are faulty too (not listed)",
            )
        )
    if not group.rows:
        return RawRecord(
            index=index,
            line=group.line,
            column=None,
            data=None,
            problems=tuple(problems),
            suppressed=header.suppressed,
        )
    return _record(header, group.rows, group.starts, problems, index=index)


def _record(
    header: _Header,
    rows: list[list[str]],
    starts: list[int],
    problems: list[RawProblem],
    *,
    index: int,
) -> RawRecord:
    """Build one record's data from its rows; ``problems`` already found are added to."""
    first = rows[0]
    data: dict[str, object] = {name: first[i] for name, i in header.record_cells if first[i]}
    context = {name: first[i] for name, i in header.context_cells if first[i]}
    if context:
        notes = data.pop("notes", None)
        data["context"] = context  # before notes, in the record format's order
        if notes is not None:
            data["notes"] = notes
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


#: For readers of other layouts that map their rows onto these columns (import
#: profiles): the header, the grouping of rows into records, and building a record.
read_header: Final = _read_header
group_rows: Final = _groups
build_record: Final = _build
CsvRow = _Row


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
    a column name, a ``by`` containing ``:``, a NUL character (U+0000; the
    reader reports a zero byte in a file as a fault, as the other formats do).
    """
    if context_names is None:
        records = list(records)
        found: set[str] = set()
        for number, record in enumerate(records):
            found.update(_faults_located(number, _context_names, record))
        names = sorted(found)
    else:
        names = sorted(set(context_names))
        if not _column_names(names):
            raise RecordWriteError(record=0, pointer="/context", problem=_BAD_CONTEXT_NAME)
    writer = csv.writer(stream)
    writer.writerow([*RECORD_COLUMNS, *(CONTEXT_PREFIX + name for name in names), *OUTCOME_COLUMNS])
    for number, record in enumerate(records):
        writer.writerows(_faults_located(number, _record_rows, record, names))


def csv_fault(record: Mapping[str, object]) -> tuple[str, str] | None:
    """Return (pointer, problem) if CSV cannot carry this record exactly, else None.

    What :func:`write_csv` refuses (a NUL character, a ``by`` holding ``:``...), and
    a contribution whose ``by`` or ``what`` starts or ends with space, which
    :func:`read_csv` would give back trimmed.
    """
    try:
        _record_rows(record, _context_names(record))
    except _Fault as fault:
        return to_pointer(fault.path), fault.problem
    for number, outcome in enumerate(cast("list[Mapping[str, object]]", record["outcomes"])):
        items = outcome.get("contributions")
        for index, item in enumerate(cast("list[Mapping[str, str]]", items or ())):
            for key in ("by", "what"):
                text = item.get(key, "")
                if text != text.strip():
                    pointer = to_pointer(("outcomes", number, "contributions", index, key))
                    return pointer, (
                        "a contribution's text that starts or ends with space cannot be "
                        "written as CSV, whose reader trims it"
                    )
    return None


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
    if "\0" in value:
        raise _Fault(path, "CSV cannot carry a NUL character (U+0000)")
    return value


_BAD_CONTEXT_NAME: Final = (
    "a context name must start with a letter and have at most 64 letters, digits, '_' or '-'"
)


def _column_names(names: Iterable[object]) -> bool:
    """Say whether every name can follow ``context.`` in a column name."""
    return all(isinstance(name, str) and _CONTEXT_NAME.fullmatch(name) for name in names)


def _context_names(record: Mapping[str, object]) -> list[str]:
    """Return a record's context names, each fit to be part of a column name."""
    names = list(_context(record))
    if not _column_names(names):
        raise _Fault(("context",), _BAD_CONTEXT_NAME)
    return names


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
