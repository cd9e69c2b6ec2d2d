"""Readers for record files: JSON, JSON Lines and YAML (CSV lives in ``_csv``).

Each reader turns a binary stream into :class:`~personal_outcomes._formats._raw.RawRecord`
objects, one at a time, and never raises for bad input: a fault becomes a
``parse-error`` problem on the record it spoils.

Memory: JSON Lines and CSV are read a line (a record) at a time, in constant
memory. A JSON document and a YAML stream are read into memory as text first
(about the file's size), then their records are built and checked one at a time.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from typing import BinaryIO, Final

import orjson
from attrs import frozen

from personal_outcomes._codes import PARSE_ERROR
from personal_outcomes._formats._csv import read_csv
from personal_outcomes._formats._raw import RawProblem, RawRecord
from personal_outcomes._formats._yaml import YAMLDocument, iter_documents
from personal_outcomes._pointer import Path
from personal_outcomes.errors import InputError, YAMLSyntaxError

#: Input formats, and the file name endings that select them.
FORMATS: Final = ("json", "jsonl", "yaml", "csv")
EXTENSIONS: Final = {
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".csv": "csv",
}
_BOM: Final = b"\xef\xbb\xbf"
_WHITESPACE: Final = " \t\r\n"
_NOT_READ: Final = "; the rest of the file was not read"


def _decode_json_line(line: bytes) -> object:
    """Parse one JSON text; raise ValueError if it is not valid UTF-8 JSON."""
    return orjson.loads(line)


def _parse_error(
    index: int, line: int | None, column: int | None, message: str, *, stops: bool = False
) -> RawRecord:
    problem = RawProblem(
        path=(), code=PARSE_ERROR, message=message, line=line, column=column, stops=stops
    )
    return RawRecord(index=index, line=line, column=column, data=None, problems=(problem,))


def read_jsonl(
    stream: BinaryIO,
    source: str,
    line_check: Callable[[bytes], str | None] | None = None,
    *,
    at_start: bool = True,
) -> Iterator[RawRecord]:
    """Read JSON Lines: one record per non-blank line, in constant memory.

    With ``line_check``, a line it proves clean is yielded with ``clean_id`` set
    and no data built; other lines are parsed as usual. ``at_start`` says the
    stream begins at the start of the file, where a byte order mark is allowed
    (a part of a file cut out for a worker does not).
    """
    del source
    index = 0
    for number, raw in enumerate(stream, 1):
        line = raw.removeprefix(_BOM) if number == 1 and at_start else raw
        # Most lines start with "{"; only look for a blank line when one does not.
        if line[:1] != b"{" and not line.strip():
            continue
        if line_check is not None:
            clean_id = line_check(line)
            if clean_id is not None:
                yield RawRecord(index, number, None, None, clean_id=clean_id)
                index += 1
                continue
        try:
            data = _decode_json_line(line)
        except ValueError:
            message = (
                "this line is not valid JSON (or not UTF-8); each line must hold one "
                "complete JSON object"
            )
            yield _parse_error(index, number, None, message)
        else:
            yield RawRecord(index, number, None, data)
        index += 1


def _line_column(
    text: str, position: int, last: tuple[int, int]
) -> tuple[int, int, tuple[int, int]]:
    """Return the 1-based line and column of ``position``, counting on from ``last``."""
    last_position, last_line = last
    line = last_line + text.count("\n", last_position, position)
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    return line, column, (position, line)


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in _WHITESPACE:
        position += 1
    return position


def _read_text(stream: BinaryIO) -> str | RawRecord:
    """Read a whole stream as UTF-8 text (a BOM allowed), or the parse-error saying why not."""
    data = stream.read().removeprefix(_BOM)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        return _parse_error(
            0, line, None, "the file is not valid UTF-8; save it as UTF-8", stops=True
        )


def read_json(stream: BinaryIO, source: str) -> Iterator[RawRecord]:
    """Read a JSON document holding one record or an array of records."""
    del source
    text = _read_text(stream)
    if isinstance(text, RawRecord):
        yield text
        return
    decoder = json.JSONDecoder()
    start = _skip_space(text, 0)
    if start == len(text):
        yield _parse_error(
            0, 1, 1, "the file is empty; it must hold a record or an array of records"
        )
        return
    if text[start] != "[":
        yield from _read_json_single(decoder, text, start)
        return
    yield from _read_json_array(decoder, text, start)


class _Element:
    """One JSON value cut out of a document: its data, or why it could not be read."""

    __slots__ = ("data", "end", "fatal", "fault")

    def __init__(self, decoder: json.JSONDecoder, text: str, position: int) -> None:
        self.data: object = None
        self.fault: tuple[int, str] | None = None
        self.fatal = True
        self.end = position
        try:
            _, self.end = decoder.raw_decode(text, position)
        except json.JSONDecodeError as err:
            self.fault = (err.pos, f"not valid JSON: {err.msg}")
            return
        except RecursionError:
            self.fault = (position, "not valid JSON here: values are nested too deeply")
            return
        except ValueError:  # an integer too long to read
            self.fault = (position, "not valid JSON here: a number is too long to read")
            return
        # The structure is sound; the value itself is read by orjson, as JSON Lines
        # are, so that every format accepts exactly the same JSON (no NaN, no lone
        # surrogates, no numbers beyond 64 bits).
        self.fatal = False
        try:
            self.data = orjson.loads(text[position : self.end])
        except orjson.JSONDecodeError:
            self.fault = (
                position,
                (
                    "this value is not strict JSON (NaN, Infinity, a lone surrogate escape or "
                    "an integer beyond 64 bits); correct it"
                ),
            )


def _element_record(
    element: _Element, index: int, line: int, column: int, problems: tuple[RawProblem, ...] = ()
) -> RawRecord:
    if element.fault is not None:
        message = element.fault[1]
        problem = RawProblem(path=(), code=PARSE_ERROR, message=message, line=line, column=column)
        return RawRecord(index, line, column, None, problems=(problem, *problems))
    return RawRecord(index, line, column, element.data, problems=problems)


def _read_json_single(decoder: json.JSONDecoder, text: str, start: int) -> Iterator[RawRecord]:
    line, column, last = _line_column(text, start, (0, 1))
    element = _Element(decoder, text, start)
    if element.fatal:
        assert element.fault is not None  # noqa: S101 (fatal means a fault)
        line, column, _ = _line_column(text, element.fault[0], last)
        yield _parse_error(0, line, column, element.fault[1], stops=True)
        return
    extra: tuple[RawProblem, ...] = ()
    rest = _skip_space(text, element.end)
    if rest < len(text):
        at_line, at_column, _ = _line_column(text, rest, last)
        message = "extra data after the record; hold many records in an array"
        extra = (
            RawProblem(path=(), code=PARSE_ERROR, message=message, line=at_line, column=at_column),
        )
    yield _element_record(element, 0, line, column, extra)


def _read_json_array(decoder: json.JSONDecoder, text: str, start: int) -> Iterator[RawRecord]:
    last = (0, 1)
    position = _skip_space(text, start + 1)
    index = 0
    if position < len(text) and text[position] == "]":
        position += 1
    else:
        while True:
            line, column, last = _line_column(text, position, last)
            element = _Element(decoder, text, position)
            if element.fatal:
                assert element.fault is not None  # noqa: S101 (fatal means a fault)
                line, column, last = _line_column(text, element.fault[0], last)
                yield _parse_error(index, line, column, element.fault[1] + _NOT_READ, stops=True)
                return
            yield _element_record(element, index, line, column)
            index += 1
            position = _skip_space(text, element.end)
            if position < len(text) and text[position] == ",":
                position = _skip_space(text, position + 1)
                continue
            if position < len(text) and text[position] == "]":
                position += 1
                break
            line, column, last = _line_column(text, position, last)
            yield _parse_error(
                index,
                line,
                column,
                f"not valid JSON: expected ',' or ']' after a record{_NOT_READ}",
                stops=True,
            )
            return
    rest = _skip_space(text, position)
    if rest < len(text):
        line, column, last = _line_column(text, rest, last)
        yield _parse_error(index, line, column, "extra data after the array of records")


@frozen(slots=True)
class _YAMLPositions:
    """Positions of one record inside a YAML document."""

    document: YAMLDocument
    prefix: Path

    def locate(self, path: Path) -> tuple[int | None, int | None]:
        """Return the node's (line, column), or its nearest parent's."""
        full = self.prefix + path
        positions = self.document.positions
        while full not in positions and len(full) > len(self.prefix):
            full = full[:-1]
        found = positions.get(full)
        return found if found is not None else (None, None)

    def locate_key(self, path: Path) -> tuple[int | None, int | None]:
        """Return the key's (line, column), or its mapping's."""
        found = self.document.key_positions.get(self.prefix + path)
        return found if found is not None else self.locate(path[:-1])

    def typed_plain(self, path: Path) -> bool:
        """Say whether the node was an unquoted scalar YAML read as a non-string."""
        return self.prefix + path in self.document.typed_plain


def _yaml_record(
    document: YAMLDocument,
    index: int,
    prefix: Path,
    data: object,
    problems: list[tuple[Path, InputError]],
) -> RawRecord:
    if type(data) is dict:
        when = data.get("recorded_on")
        # A bare YAML date in the date field is that date, written as the format wants.
        if type(when) is dt.date:
            data["recorded_on"] = when.isoformat()
            document.typed_plain.pop((*prefix, "recorded_on"), None)
    line, column = document.positions.get(prefix, (None, None))
    return RawRecord(
        index=index,
        line=line,
        column=column,
        data=data,
        positions=_YAMLPositions(document, prefix),
        problems=tuple(
            RawProblem(
                path=path[len(prefix) :],
                code=PARSE_ERROR,
                message=error.problem,
                line=error.line,
                column=error.column,
            )
            for path, error in problems
        ),
    )


def read_yaml(stream: BinaryIO, source: str) -> Iterator[RawRecord]:
    """Read YAML: one record, a list of records, or a stream of documents of either.

    A fault inside a record (a duplicate key, an alias, a tag) spoils that record
    only; a syntax error ends the file, after the records before it.
    """
    text = _read_text(stream)
    if isinstance(text, RawRecord):
        yield text
        return
    index = 0
    for item in iter_documents(text, source):
        if isinstance(item, InputError):  # a syntax error, or nesting too deep
            message = item.problem.removeprefix("is not valid YAML: ")
            if isinstance(item, YAMLSyntaxError):
                message = f"not valid YAML: {message}"
            yield _parse_error(index, item.line, item.column, message + _NOT_READ, stops=True)
            index += 1
            continue
        elements: list[tuple[Path, object]]
        if type(item.data) is list:
            elements = [((number,), element) for number, element in enumerate(item.data)]
        elif item.data is None and not item.problems:
            continue  # an empty document holds no record
        else:
            elements = [((), item.data)]
        # Each fault goes with the record it is in; one above the records (on the
        # list itself) goes with the first.
        for number, (prefix, element) in enumerate(elements):
            mine = [
                (path, error)
                for path, error in item.problems
                if path[: len(prefix)] == prefix and (prefix or number == 0)
            ]
            if number == 0 and prefix:
                mine = [(path, error) for path, error in item.problems if not path] + mine
            yield _yaml_record(item, index, prefix, element, mine)
            index += 1


READERS: Final = {"json": read_json, "jsonl": read_jsonl, "yaml": read_yaml, "csv": read_csv}
