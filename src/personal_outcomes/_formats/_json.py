r"""Readers for JSON Lines (one record a line, streamed) and JSON documents.

JSON Lines
----------

A file is read a line (a record) at a time, in constant memory, and every
non-blank line is exactly one record: a line that cannot be read spoils only
itself, and the lines after it are still read.

- **Line ends.** A line ends at LF, at CRLF, or at a lone CR (the line ends of
  old Mac files): lone CRs are read as line ends, not refused, so such a file
  gives one record a line like any other. JSON allows a raw CR only as
  whitespace between tokens, where no writer of JSON Lines puts one, so a CR is
  never part of a record. Line *numbers* count LF only, as in every format (and
  as ``--jobs`` counts them when it cuts a file); a record that starts after a
  lone CR is placed by its line and its column (in characters).
- **Length.** A line may hold at most :data:`MAX_LINE_BYTES` (16 MiB), not
  counting its line end. That is above the longest valid record, every limit
  of the format filled and every character written as a ``\u`` escape (about
  15.2 MiB), and far above real records (the benchmarks' records are about
  1.2 kB). A longer line is a ``parse-error`` for its own record; it is read
  past in pieces of :data:`_SKIP_BYTES`, never held whole, so even an endless
  line (``/dev/zero``) takes constant memory.
- **Byte order mark.** A BOM may open the file. A BOM that opens a later line
  (files joined with ``cat``) is a ``parse-error`` on that line's record, whose
  data is still checked.
- Blank lines (ASCII whitespace only, perhaps after a byte order mark) are
  skipped: they hold no record.

JSON documents
--------------

A document is read into memory as text first (about the file's size: for very
large sets of records use JSON Lines), then its records are built and checked
one at a time. A fault that leaves the document's structure sound spoils only
its record, and the records after it are still read: a value that is not strict
JSON (NaN, Infinity, a number beyond the range of a 64-bit float such as
``1e400`` or an integer of 5,000 digits, a lone surrogate escape, a raw control
character such as NUL inside a string), values nested deeper than Python's
parser goes, a comma after the last record, and a byte order mark between two
records. A fault in the structure itself (a syntax error, a file cut short,
bytes that are not UTF-8) stops the reader there: the records before it are
still read and checked, and the message says that the rest of the file was not
read. A fault after the last record (an array left open, text after it) or
before any (an empty file, UTF-16) is in no record: it is the file's own
(index :data:`~personal_outcomes._formats._raw.FILE_LEVEL`). An object with the
same key twice keeps the last value.

Integers beyond 64 bits (up to a float's range) are read as floats, as orjson
reads them; no field of the format takes a number, so they are ``schema``
errors either way.

No message quotes text from the file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from typing import BinaryIO, Final

from personal_outcomes._codes import PARSE_ERROR
from personal_outcomes._formats._raw import FILE_LEVEL, Proven, RawProblem, RawRecord
from personal_outcomes._formats._text_input import BOM as _BOM
from personal_outcomes._formats._text_input import NOT_READ as _NOT_READ
from personal_outcomes._formats._text_input import decode_utf8 as _decode_utf8
from personal_outcomes._formats._text_input import parse_error as _parse_error

# orjson is an accelerator: without it (in a browser, say) the pure-Python reader
# gives the same values and refuses the same texts.
_StrictError: type[ValueError]
_loads: Callable[[bytes | str], object]
try:
    import orjson
except ModuleNotFoundError as missing:
    if missing.name != "orjson":  # pragma: no cover (orjson itself is broken)
        raise
    from personal_outcomes._formats import _strict_json

    _StrictError, _loads = _strict_json.StrictJSONError, _strict_json.loads
else:
    _StrictError, _loads = orjson.JSONDecodeError, orjson.loads

#: The most bytes a JSON Lines line may hold, not counting its line end.
MAX_LINE_BYTES: Final = 16 * 1024 * 1024
#: Bytes read at a time while reading past a line longer than the limit.
_SKIP_BYTES: Final = 64 * 1024

_SPACE: Final = re.compile(r"[ \t\r\n]*+").match
_new: Final = tuple.__new__
_NONE: Final[frozenset[str]] = frozenset()
_LF: Final = 0x0A
_UTF16_BOMS: Final = (b"\xff\xfe", b"\xfe\xff")
# UTF-8 continuation bytes: deleting them leaves one byte per character.
_CONTINUATION: Final = bytes(range(0x80, 0xC0))
# Anything but the whitespace bytes.strip() removes: a line holding one is not blank.
_NOT_BLANK: Final = re.compile(rb"[^ \t\n\r\x0b\x0c]")

_LINE_NOT_JSON: Final = (
    "this line is not valid JSON (or not UTF-8); each line must hold one complete JSON object"
)
_LINE_TOO_LONG: Final = (
    f"this line is longer than {MAX_LINE_BYTES:,} bytes (16 MiB), the most a line may hold, "
    "so it was not read; each line must hold one record"
)
_LINE_BOM: Final = (
    "this line starts with a byte order mark (U+FEFF), which may stand only at the start "
    "of the file (were files joined?); remove it"
)


# ---- JSON Lines ---------------------------------------------------------------------


def _decode_json_line(line: bytes) -> object:
    """Parse one JSON text; raise ValueError if it is not valid UTF-8 JSON."""
    return _loads(line)


#: A line the line check proved clean, as ``read_jsonl(marked=True)`` yields it:
#: (record index, line number, what the check returned).
Marked = tuple[int, int, str | Proven]
#: A check that proves a line clean: its record_id, or the decoded record, or None.
LineCheck = Callable[[bytes], str | Proven | None]


def read_jsonl(
    stream: BinaryIO,
    source: str,
    line_check: LineCheck | None = None,
    *,
    at_start: bool = True,
) -> Iterator[RawRecord]:
    """Read JSON Lines: one record per non-blank line, in constant memory.

    With ``line_check``, a line it proves clean is yielded with ``clean_id`` set
    and no data built (or, if the check returns the decoded record rather than its
    id, with that record as the data); other lines are parsed as usual. ``at_start``
    says the stream begins at the start of the file, where a byte order mark is
    allowed (a part of a file cut out for a worker does not). Lines are numbered
    from 1 within the stream, counting LF only (see the module's docstring).
    """
    del source
    # Without ``marked``, only raw records are made.
    return _read_jsonl(stream, line_check, at_start=at_start, marked=False)  # type: ignore[return-value]


def read_jsonl_marked(
    stream: BinaryIO,
    source: str,
    line_check: LineCheck | None,
    *,
    at_start: bool = True,
) -> Iterator[RawRecord | Marked]:
    """Read JSON Lines as :func:`read_jsonl` does, a line proved clean yielded as :data:`Marked`.

    A plain tuple costs less to make than a raw record, and a line proved clean
    needs no more.
    """
    del source
    return _read_jsonl(stream, line_check, at_start=at_start, marked=True)


def _read_jsonl(  # noqa: PLR0912, PLR0915 (one loop, no calls per line)
    stream: BinaryIO,
    line_check: LineCheck | None,
    *,
    at_start: bool,
    marked: bool,
) -> Iterator[RawRecord | Marked]:
    index = 0
    readline = stream.readline
    limit = MAX_LINE_BYTES
    size = limit + 2  # room for the line end, so a line of exactly ``limit`` bytes fits
    number = 0
    while True:
        raw = readline(size)
        if not raw:
            return
        number += 1
        end = len(raw)
        cr = raw.find(b"\r")
        # The common line: short enough, and no CR but perhaps one ending it (CRLF, or a
        # lone CR at the end of the file). Any other is cut into its lines (the lone CRs)
        # or read past (too long) by _split_line. Lines carry their LF or CRLF end.
        if end <= limit and (cr < 0 or cr == end - 1 or (cr == end - 2 and raw[-1] == _LF)):
            # Most lines start with "{" and are clean: the line check proves it, and no
            # more is done here.
            if line_check is not None and raw[:1] == b"{":
                clean = line_check(raw)
                if clean is not None:
                    if marked:
                        yield (index, number, clean)
                    # Built in C (tuple.__new__), not through the named tuple's __new__.
                    elif type(clean) is str:
                        yield _new(RawRecord, (index, number, None, None, None, (), _NONE, clean))
                    else:  # the decoded record itself (a Proven), kept as the data
                        proven = (index, number, None, clean, None, (), _NONE, clean.record_id)  # type: ignore[union-attr]
                        yield _new(RawRecord, proven)
                    index += 1
                    continue
                # Not proved clean: read on below, without checking it again.
                lines: Iterable[_Line] = ((number, None, raw),)
                checked = True
            else:
                lines = ((number, None, raw),)
                checked = False
        else:
            lines = _split_line(readline, raw, number, limit, _SKIP_BYTES)
            checked = False
        for line_number, column, read in lines:
            if read is None:
                yield _parse_error(index, line_number, column, _LINE_TOO_LONG)
                index += 1
                continue
            line = read
            extra: tuple[RawProblem, ...] = ()
            if line[:1] != b"{":
                if at_start and line_number == 1 and line.startswith(_UTF16_BOMS):
                    message = (
                        "the file is UTF-16 text, not UTF-8; save it as UTF-8; it was not read"
                    )
                    yield _parse_error(FILE_LEVEL, 1, None, message, stops=True)
                    return
                if line[:3] == _BOM:
                    line = line[3:]
                    if line.strip() and not (at_start and line_number == 1 and column is None):
                        problem = RawProblem(
                            path=(),
                            code=PARSE_ERROR,
                            message=_LINE_BOM,
                            line=line_number,
                            column=column,
                        )
                        extra = (problem,)
                if not line.strip():
                    continue
            if line_check is not None and not extra and not checked:
                clean = line_check(line)
                if clean is not None:
                    if marked:
                        yield (index, line_number, clean)
                    elif type(clean) is str:
                        yield RawRecord(index, line_number, column, None, clean_id=clean)
                    else:
                        proof = clean.record_id  # type: ignore[union-attr]
                        yield RawRecord(index, line_number, column, clean, clean_id=proof)
                    index += 1
                    continue
            try:
                data = _decode_json_line(line)
            except ValueError:
                problem = RawProblem(
                    path=(),
                    code=PARSE_ERROR,
                    message=_LINE_NOT_JSON,
                    line=line_number,
                    column=column,
                )
                yield RawRecord(index, line_number, column, None, problems=(*extra, problem))
            else:
                yield RawRecord(index, line_number, column, data, problems=extra)
            index += 1


def _chars(data: bytes) -> int:
    """Count the characters of UTF-8 bytes (a byte that is not UTF-8 counts as one)."""
    return len(data.translate(None, _CONTINUATION))


def _lone_cr(chunk: bytes) -> int:
    """Return where the first lone CR of a piece of one LF line is, or -1.

    A CR that is the piece's last byte may be the start of a CRLF: it is not
    counted. (LF can only be a piece's last byte, as readline stops there.)
    """
    at = chunk.find(b"\r")
    if 0 <= at < len(chunk) - 1 and chunk[at + 1] != _LF:
        return at
    return -1


_Line = tuple[int, int | None, bytes | None]


def _split_line(
    readline: Callable[[int], bytes], buffer: bytes, number: int, limit: int, skip: int
) -> Iterator[_Line]:
    """Yield the lines of one LF line that holds lone CRs or is longer than ``limit``.

    ``buffer`` is the LF line's first ``limit + 2`` bytes (or all of it); the
    rest is read here, through the line's LF, in pieces of bounded size.
    """
    size = limit + 2
    column = 1  # where ``buffer`` starts, in characters
    ended = buffer[-1:] == b"\n" or len(buffer) < size
    while True:
        if ended:
            body = buffer.removesuffix(b"\n").removesuffix(b"\r")
            for piece in body.split(b"\r"):
                if len(piece) <= limit or not _blank(piece):
                    yield number, column if column > 1 else None, _within(piece, limit)
                column += _chars(piece) + 1
            return
        # No LF in the buffer: every CR but perhaps a last one is a lone CR.
        last = buffer.rfind(b"\r", 0, len(buffer) - 1)
        if last >= 0:
            for piece in buffer[:last].split(b"\r"):
                if len(piece) <= limit or not _blank(piece):
                    yield number, column if column > 1 else None, _within(piece, limit)
                column += _chars(piece) + 1
            buffer = buffer[last + 1 :]
        if len(buffer) - (buffer[-1:] == b"\r") > limit:
            skipped = _skip_line(readline, buffer, skip)
            if skipped.blank is False:
                yield number, column if column > 1 else None, None
            if skipped.rest is None:
                return
            column += skipped.chars + 1
            buffer, ended = skipped.rest, skipped.ended
            continue
        want = size - len(buffer)
        more = readline(want)
        ended = not more or more[-1:] == b"\n" or len(more) < want
        buffer += more


def _blank(piece: bytes) -> bool:
    """Say whether a line holds only whitespace (after a byte order mark, if it opens it)."""
    return _NOT_BLANK.search(piece, 3 if piece[:3] == _BOM else 0) is None


def _within(piece: bytes, limit: int) -> bytes | None:
    return piece if len(piece) <= limit else None


class _Skipped:
    """What reading past a line longer than the limit found."""

    __slots__ = ("blank", "chars", "ended", "rest")

    def __init__(self) -> None:
        self.blank = True
        self.chars = 0
        #: What follows the line after a lone CR (``None``: the LF line ended with it).
        self.rest: bytes | None = None
        self.ended = False

    def add(self, part: bytes, *, opening: bool = False) -> None:
        """Take in the next part of the line (``opening``: its first part)."""
        if opening and part[:3] == _BOM:
            self.chars += 1
            part = part[3:]
        self.blank = self.blank and _NOT_BLANK.search(part) is None
        self.chars += _chars(part)


def _skip_line(readline: Callable[[int], bytes], start: bytes, size: int) -> _Skipped:
    """Read past the rest of a line that began with ``start``, in pieces of ``size`` bytes."""
    skipped = _Skipped()
    pending_cr = start[-1:] == b"\r"
    skipped.add(start[:-1] if pending_cr else start, opening=True)
    while True:
        chunk = readline(size)
        if not chunk:
            return skipped
        if pending_cr and chunk[:1] != b"\n":  # the CR that ended the last piece was lone
            skipped.rest = chunk
            skipped.ended = chunk[-1:] == b"\n" or len(chunk) < size
            return skipped
        at = _lone_cr(chunk)
        if at >= 0:
            skipped.add(chunk[:at])
            skipped.rest = chunk[at + 1 :]
            skipped.ended = chunk[-1:] == b"\n" or len(chunk) < size
            return skipped
        if chunk[-1:] == b"\n":
            skipped.add(chunk)
            return skipped
        pending_cr = chunk[-1:] == b"\r"
        skipped.add(chunk[:-1] if pending_cr else chunk)


# ---- JSON documents -----------------------------------------------------------------


def read_json(stream: BinaryIO, source: str) -> Iterator[RawRecord]:
    """Read a JSON document holding one record or an array of records."""
    del source
    data = stream.read()
    if data.startswith(_UTF16_BOMS):
        message = "the file is UTF-16 text, not UTF-8; save it as UTF-8; it was not read"
        yield _parse_error(FILE_LEVEL, 1, None, message, stops=True)
        return
    document = _Document(data.removeprefix(_BOM))
    start = _skip_space(document.text, 0)
    if start == len(document.text):
        message = "the file is empty; it must hold a record or an array of records"
        yield _parse_error(FILE_LEVEL, 1, 1, message)
        return
    if document.text[start] == "[":
        yield from document.read_array(start)
    else:
        yield from document.read_single(start)


def _skip_space(text: str, position: int) -> int:
    """Return where the JSON whitespace at ``position`` ends."""
    space = _SPACE(text, position)
    return space.end() if space is not None else position


# The structure is found by the json module (in C), its values read by orjson. Numbers
# are not converted in the first pass, so no number is too long to get past; control
# characters in strings are let through, to be refused by orjson for their record only.
_STRUCTURE: Final = json.JSONDecoder(strict=False, parse_int=len, parse_float=len)

_STRICT_REASONS: Final = (
    ("infinity", "a number is beyond the range of a 64-bit float (such as 1e400)"),
    ("surrogate", "a string holds a lone surrogate escape (\\ud800 to \\udfff without its pair)"),
    ("control character", "a string holds a control character (such as a tab or NUL) unescaped"),
    ("depth", "values are nested more than 1,024 deep"),
    ("escape", "a string holds an escape that JSON does not have"),
)


def _strict_message(err: ValueError) -> str:
    """Say why orjson refused a value whose structure is sound (never quoting it)."""
    text = str(err)
    reason = next(
        (reason for clue, reason in _STRICT_REASONS if clue in text),
        "it holds NaN or Infinity, or something else that is not strict JSON",
    )
    return f"this value cannot be read as strict JSON: {reason}; correct it"


class _Element:
    """One JSON value cut out of a document: its data, or why it could not be read.

    ``fatal`` means the structure itself is broken at ``fault``: the reader
    cannot tell where the value ends, so it stops there.
    """

    __slots__ = ("data", "end", "fatal", "fault")

    def __init__(self, text: str, position: int) -> None:
        self.data: object = None
        self.fault: tuple[int, str] | None = None
        self.fatal = True
        self.end = position
        try:
            _, self.end = _STRUCTURE.raw_decode(text, position)
        except json.JSONDecodeError as err:
            self.fault = (err.pos, _syntax_message(text, err.pos, err.msg))
            return
        except RecursionError:
            # Deeper than the json module goes: find the end without recursion.
            end, message = _scan_value(text, position)
            if message is not None:
                self.fault = (end, message)
                return
            self.end = end
        # The structure is sound; the value itself is read by orjson, as JSON Lines
        # are, so that every format accepts exactly the same JSON.
        self.fatal = False
        try:
            self.data = _loads(text[position : self.end])
        except _StrictError as err:
            self.fault = (position, _strict_message(err))


def _syntax_message(text: str, position: int, message: str) -> str:
    """Say what is wrong with the structure at ``position`` (never quoting the file)."""
    if message.startswith("Unterminated string"):
        return "not valid JSON: a string is never closed (was the file cut short?)"
    if _skip_space(text, position) >= len(text):
        return "not valid JSON: the file ends before the JSON does (was it cut short?)"
    found = text[position]
    if found == "\ufeff":
        return (
            "not valid JSON: a byte order mark (U+FEFF) stands here; it may stand only at "
            "the start of the file"
        )
    if found == "\x00":
        return "not valid JSON: a NUL byte stands here (is the file damaged?)"
    return f"not valid JSON: {message.removesuffix(' at')}"


# One token of JSON, after any whitespace: a string, a scalar, or punctuation.
_TOKEN: Final = re.compile(
    r"""[ \t\r\n]*+(?:
        (?P<string>"(?:[^"\\]++|\\.)*+")
      | (?P<scalar>-?(?:0|[1-9][0-9]*+)(?:\.[0-9]++)?(?:[eE][-+]?[0-9]++)?
          |true|false|null|NaN|-?Infinity)
      | (?P<punct>[\[\]{},:])
    )""",
    re.VERBOSE,
)
# What the scanner expects next.
_VALUE, _VALUE_OR_CLOSE, _KEY, _KEY_OR_CLOSE, _COLON, _AFTER = range(6)
_CLOSER: Final = {"[": "]", "{": "}"}


def _scan_value(text: str, position: int) -> tuple[int, str | None]:
    """Find where the JSON value at ``position`` ends, without recursion.

    Return ``(end, None)``, or ``(position, message)`` where the structure is
    broken. Strings and scalars are checked only as far as finding their end
    needs: orjson reads the value afterwards.
    """
    stack: list[str] = []
    state = _VALUE
    while True:
        found = _TOKEN.match(text, position)
        if found is None:
            at = _skip_space(text, position)
            return at, _syntax_message(text, at, "Expecting value")
        kind = found.lastgroup or ""
        lexeme = found[kind]
        at, position = found.start(kind), found.end()
        state = _next_state(state, stack, kind, lexeme)
        if state < 0:
            return at, _syntax_message(text, at, "Expecting a value or a delimiter")
        if state == _AFTER and not stack:
            return position, None


def _next_state(state: int, stack: list[str], kind: str, lexeme: str) -> int:  # noqa: PLR0911
    """Return the state after one token (pushing or popping ``stack``), or -1 if it is wrong."""
    if state in (_VALUE, _VALUE_OR_CLOSE):
        if kind != "punct":
            return _AFTER
        if lexeme in _CLOSER:
            stack.append(lexeme)
            return _VALUE_OR_CLOSE if lexeme == "[" else _KEY_OR_CLOSE
        if state == _VALUE_OR_CLOSE and lexeme == "]":
            stack.pop()
            return _AFTER
        return -1
    if state in (_KEY, _KEY_OR_CLOSE):
        if kind == "string":
            return _COLON
        if state == _KEY_OR_CLOSE and lexeme == "}":
            stack.pop()
            return _AFTER
        return -1
    if state == _COLON:
        return _VALUE if lexeme == ":" else -1
    # _AFTER, inside a container (a value at the top ends the scan before this)
    if lexeme == ",":
        return _VALUE if stack[-1] == "[" else _KEY
    if lexeme == _CLOSER[stack[-1]]:
        stack.pop()
        return _AFTER
    return -1


class _Places:
    """Lines and columns of positions in a text, counted on from the last one asked for."""

    __slots__ = ("line", "position", "start", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.position = 0
        self.line = 1
        self.start = 0  # where the line of ``position`` starts

    def __call__(self, position: int) -> tuple[int, int]:
        """Return the 1-based line and column (in characters) of ``position``."""
        if position < self.position:
            self.position, self.line, self.start = 0, 1, 0
        breaks = self.text.count("\n", self.position, position)
        if breaks:
            self.line += breaks
            self.start = self.text.rfind("\n", self.position, position) + 1
        self.position = position
        return self.line, position - self.start + 1


class _Document:
    """A JSON document as text, with where its first byte that is not UTF-8 is."""

    def __init__(self, data: bytes) -> None:
        # Read on past the first byte that is not UTF-8, so that the records before it
        # are still read; the reader stops when it gets there.
        self.text, bad = _decode_utf8(data)
        self.bad = len(self.text) + 1 if bad is None else bad
        self.place = _Places(self.text)

    def stop(self, index: int, position: int, message: str) -> RawRecord:
        """Return the parse-error that stops reading at ``position``."""
        if position >= self.bad:
            position = self.bad
            message = "the file is not valid UTF-8 from here on; save it as UTF-8"
        line, column = self.place(position)
        return _parse_error(index, line, column, message + _NOT_READ, stops=True)

    def record(
        self, element: _Element, index: int, place: tuple[int, int], problems: list[RawProblem]
    ) -> RawRecord:
        """Return the record read from ``element``, which starts at ``place``."""
        line, column = place
        if element.fault is not None:
            problem = _problem(element.fault[1], line, column)
            return RawRecord(index, line, column, None, problems=(problem, *problems))
        return RawRecord(index, line, column, element.data, problems=tuple(problems))

    def problem(self, position: int, message: str, *, stops: bool = False) -> RawProblem:
        """Return a parse-error at ``position`` (never before the last place asked for)."""
        return _problem(message, *self.place(position), stops=stops)

    def read_single(self, start: int) -> Iterator[RawRecord]:
        """Read a document that holds one record (or some other value)."""
        text = self.text
        place = self.place(start)
        element = _Element(text, start)
        if element.fatal:
            assert element.fault is not None  # noqa: S101 (fatal means a fault)
            yield self.stop(0, *element.fault)
            return
        if self.bad < element.end:
            yield self.stop(0, self.bad, "")
            return
        problems: list[RawProblem] = []
        rest = _skip_space(text, element.end)
        if rest >= self.bad:
            message = "the file is not valid UTF-8 after the record; save it as UTF-8"
            problems.append(self.problem(self.bad, message + _NOT_READ, stops=True))
        elif rest < len(text):
            message = "extra data after the record; hold many records in an array"
            problems.append(self.problem(rest, message + _NOT_READ, stops=True))
        yield self.record(element, 0, place, problems)

    def read_array(self, start: int) -> Iterator[RawRecord]:  # noqa: PLR0912 (a branch a case)
        """Read a document that is an array of records, one element at a time."""
        text = self.text
        position = _skip_space(text, start + 1)
        index = 0
        if text[position : position + 1] == "]":
            position += 1
        else:
            while True:
                faults, position = self.before_record(position)
                yield from faults
                if faults and faults[-1].problems[-1].stops:
                    return
                if text[position : position + 1] == "]":  # after stray commas
                    position += 1
                    break
                problems = self.stray_bom(position)
                if problems:
                    position = _skip_space(text, position + 1)
                place = self.place(position)
                element = _Element(text, position)
                if element.fatal:
                    assert element.fault is not None  # noqa: S101 (fatal means a fault)
                    yield self.stop(index, *element.fault)
                    return
                if self.bad < element.end:
                    yield self.stop(index, self.bad, "")
                    return
                after = _skip_space(text, element.end)
                follows = text[after : after + 1]
                if follows == ",":
                    comma = after
                    after = _skip_space(text, after + 1)
                    if text[after : after + 1] != "]":
                        yield self.record(element, index, place, problems)
                        index += 1
                        position = after
                        continue
                    message = "not valid JSON: a comma after the last record; remove it"
                    problems.append(self.problem(comma, message))
                    follows = "]"
                yield self.record(element, index, place, problems)
                index += 1
                if follows != "]":
                    message = "not valid JSON: expected ',' or ']' after a record"
                    if not follows:
                        message = (
                            "not valid JSON: the file ends before the array of records is "
                            "closed (was it cut short?)"
                        )
                    yield self.stop(FILE_LEVEL, after, message)
                    return
                position = after + 1
                break
        rest = _skip_space(text, position)
        if rest < len(text):
            yield self.stop(FILE_LEVEL, rest, "extra data after the array of records")

    def before_record(self, position: int) -> tuple[list[RawRecord], int]:
        """Pass over what stands where an array's record should start and is no record.

        A comma there is the file's own fault (no record), and reading goes on after
        it; the end of the file (or of its UTF-8) there stops the reader. Return
        those faults and where the record (or the array's end) starts.
        """
        text = self.text
        faults: list[RawRecord] = []
        while text[position : position + 1] == ",":
            message = "not valid JSON: a comma where a record should start; remove it"
            problem = self.problem(position, message)
            faults.append(
                RawRecord(FILE_LEVEL, problem.line, problem.column, None, problems=(problem,))
            )
            position = _skip_space(text, position + 1)
        if position >= len(text) or position >= self.bad:
            message = (
                "not valid JSON: the file ends before the array of records is closed "
                "(was it cut short?)"
            )
            faults.append(self.stop(FILE_LEVEL, position, message))
        return faults, position

    def stray_bom(self, position: int) -> list[RawProblem]:
        """Return the problem of a byte order mark before an array's element, if one is there.

        Only a mark that a value follows is passed over (and reported on that
        value's record); any other stops the reader like any syntax error.
        """
        text = self.text
        if text[position : position + 1] != "\ufeff":
            return []
        after = _skip_space(text, position + 1)
        if text[after : after + 1] in ("]", ""):
            return []
        message = (
            "a byte order mark (U+FEFF) stands before this record; it may stand only at "
            "the start of the file (were files joined?); remove it"
        )
        return [self.problem(position, message)]


def _problem(
    message: str, line: int | None, column: int | None, *, stops: bool = False
) -> RawProblem:
    return RawProblem(
        path=(), code=PARSE_ERROR, message=message, line=line, column=column, stops=stops
    )
