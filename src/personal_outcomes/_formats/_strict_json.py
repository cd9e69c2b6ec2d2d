r"""Strict JSON in pure Python: what orjson accepts, read as orjson reads it.

orjson is an accelerator the package can run without (in a browser, say, where
only pure-Python wheels load). Without it, :func:`loads` takes its place and
gives the same value for every text orjson reads, and an error for every text
orjson refuses, worded with the same clue (see ``_STRICT_REASONS`` in
:mod:`personal_outcomes._formats._json`):

- the text must be UTF-8 (bytes) and must not open with a byte order mark;
- ``NaN``, ``Infinity`` and ``-Infinity`` are refused, and so is a number beyond
  the range of a 64-bit float (``1e400``, an integer of 400 digits);
- an integer from -2**63 to 2**64 - 1 is an ``int``; one beyond is a ``float``;
- a lone surrogate escape (``\ud800`` without its pair) is refused;
- a control character unescaped in a string, or an escape JSON lacks, is refused;
- values may nest at most 1,024 deep (a text nested deeper is refused before
  Python's parser, which recurses, goes down into it);
- an object with the same key twice keeps the last value.

The json module (its C scanner where the platform has it) does the reading.
"""

from __future__ import annotations

import json
import math
import re
import sys
from typing import Final

#: How deep values may nest, as in orjson.
MAX_DEPTH: Final = 1024
_INT_LOW: Final = -(2**63)
_INT_HIGH: Final = 2**64 - 1
# Digits beyond which an integer is outside 64 bits whatever they are (and beyond
# which int() would refuse a long text): such an integer is read as a float.
_INT_DIGITS: Final = 19
# An escape of a surrogate (\uD800 to \uDFFF): only then can a decoded string hold one.
_SURROGATE_ESCAPE: Final = re.compile(r"\\u[dD][89a-fA-F]")
# A surrogate left in a decoded string: its escape had no pair.
_SURROGATE: Final = re.compile("[\ud800-\udfff]")
# What the depth count must step over: strings (one left open runs to the end of the
# text, so that no character is read twice), and the brackets themselves.
_NESTING: Final = re.compile(r'"(?:[^"\\]++|\\.)*+"?|[\[{]|[\]}]', re.DOTALL)


class StrictJSONError(ValueError):
    """A text that is not strict JSON; the message names the reason, never the text."""


def _refuse_constant(name: str) -> object:
    del name
    raise StrictJSONError("unexpected character, expected a JSON value (NaN or Infinity)")


def _float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise StrictJSONError("number is infinity when parsed as double")
    return value


def _int(text: str) -> int | float:
    digits = len(text) - (text[0] == "-")
    if digits < _INT_DIGITS:
        return int(text)
    if digits <= _INT_DIGITS + 1:
        value = int(text)
        if _INT_LOW <= value <= _INT_HIGH:
            return value
    return _float(text)


_DECODER: Final = json.JSONDecoder(
    parse_constant=_refuse_constant, parse_float=_float, parse_int=_int, strict=True
)


def _depth(text: str) -> int:
    """Return how deep the values of ``text`` nest (brackets in strings not counted)."""
    depth = deepest = 0
    for token in _NESTING.finditer(text):
        mark = token[0]
        if mark in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif mark in "]}":
            depth -= 1
    return deepest


def _holds_surrogate(value: object) -> bool:
    """Say whether any key or string in ``value`` holds a surrogate (walked without recursion)."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return True
        elif isinstance(item, dict):
            pending.extend(item)
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


def _decode(text: str) -> object:
    try:
        return _DECODER.decode(text)
    except json.JSONDecodeError as err:
        reason = err.msg
        if reason.startswith("Invalid control character"):
            reason = "unexpected control character in string"
        raise StrictJSONError(reason) from None


def loads(data: bytes | str) -> object:
    """Read one strict JSON text, as ``orjson.loads`` does; raise :class:`StrictJSONError`."""
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
    except UnicodeDecodeError:
        raise StrictJSONError("str is not valid UTF-8") from None
    if text.startswith("\ufeff"):
        raise StrictJSONError("UTF-8 byte order mark (BOM) is not supported")
    # Count only when there are enough brackets to matter: most texts have few.
    if text.count("[") + text.count("{") > MAX_DEPTH and _depth(text) > MAX_DEPTH:
        raise StrictJSONError("depth limit exceeded")
    try:
        value = _decode(text)
    except RecursionError:
        # No deeper than orjson goes, but deeper than Python's limit lets the parser
        # recurse: read it again with room for the levels allowed.
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(limit + 2 * MAX_DEPTH)
        try:
            value = _decode(text)
        except RecursionError:
            raise StrictJSONError("depth limit exceeded (deeper than Python goes)") from None
        finally:
            sys.setrecursionlimit(limit)
    if _SURROGATE_ESCAPE.search(text) and _holds_surrogate(value):
        raise StrictJSONError("no low surrogate in string (a lone surrogate)")
    return value
