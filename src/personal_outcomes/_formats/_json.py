"""Readers for JSON Lines (one record a line, streamed) and JSON documents.

Memory: JSON Lines are read a line (a record) at a time, in constant memory. A
JSON document is read into memory as text first (about the file's size), then
its records are built and checked one at a time.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import BinaryIO, Final

import orjson

from personal_outcomes._codes import PARSE_ERROR
from personal_outcomes._formats._raw import RawProblem, RawRecord
from personal_outcomes._formats._text_input import BOM as _BOM
from personal_outcomes._formats._text_input import NOT_READ as _NOT_READ
from personal_outcomes._formats._text_input import parse_error as _parse_error
from personal_outcomes._formats._text_input import read_text as _read_text

_WHITESPACE: Final = " \t\r\n"


def _decode_json_line(line: bytes) -> object:
    """Parse one JSON text; raise ValueError if it is not valid UTF-8 JSON."""
    return orjson.loads(line)


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
