"""The pure-Python strict JSON reader agrees with orjson, value for value and refusal for refusal.

Without orjson (in a browser, where only pure-Python wheels load) the package reads
JSON with ``personal_outcomes._formats._strict_json``; every record must read the
same either way, so these tests hold it to orjson's own results.
"""

from __future__ import annotations

import json
import sys

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from conftest import BLOCKING
from personal_outcomes._formats._json import _STRUCTURE, _strict_message
from personal_outcomes._formats._strict_json import MAX_DEPTH, StrictJSONError, loads

orjson = pytest.importorskip("orjson") if not BLOCKING else None
pytestmark = pytest.mark.skipif(BLOCKING, reason="compares with orjson, which is blocked")


def _outcome(reader: object, data: bytes | str) -> tuple[str, str]:
    """Return ("value", repr of the value) or ("error", the reason our message gives)."""
    try:
        value = reader(data)  # type: ignore[operator]
    except ValueError as err:
        return "error", _strict_message(err)
    return "value", _shape(value)


class _Mark(str):
    """Punctuation of the written form (not a string of the value)."""


def _shape(value: object) -> str:
    """Write a value out without recursion: types, -0.0 and the order of keys all tell."""
    out: list[str] = []
    pending: list[object] = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, _Mark):
            out.append(item)
        elif isinstance(item, dict):
            out.append("{")
            pending.append(_Mark("}"))
            for key, inner in reversed(item.items()):
                pending.extend((inner, _Mark(repr(key) + ":")))
        elif isinstance(item, list):
            out.append("[")
            pending.append(_Mark("]"))
            pending.extend(reversed(item))
        else:
            out.append(f"{type(item).__name__}:{item!r}")
    return " ".join(out)


def _agree(data: bytes | str) -> None:
    """Both read the same value, or both refuse; a text refused gives the same reason.

    A reason is given only for a value in a JSON document whose structure is sound
    (the reader finds the structure first; a broken one has a message of its own).
    Bytes are read only from JSON Lines, where every refusal has the same message
    (and orjson words bytes that are not UTF-8 as if they were a surrogate).
    """
    assert orjson is not None
    ours, theirs = _outcome(loads, data), _outcome(orjson.loads, data)
    if ours[0] == theirs[0] == "error" and (isinstance(data, bytes) or not _sound(data)):
        return
    assert ours == theirs


def _sound(text: str) -> bool:
    """Say whether the document reader's first pass finds one sound value in ``text``."""
    try:
        _STRUCTURE.decode(text)
    except (ValueError, RecursionError):
        return False
    return True


_PIECES = st.sampled_from(
    [
        "{",
        "}",
        "[",
        "]",
        ",",
        ":",
        " ",
        "\t",
        "\n",
        "\r",
        "\x0c",
        "\xa0",
        '"',
        '"a"',
        '"b"',
        "0",
        "-0",
        "1",
        "-1",
        "01",
        "1.5",
        "-0.0",
        "1e5",
        "1E400",
        "1e-400",
        ".5",
        "5.",
        "9223372036854775807",
        "9223372036854775808",
        "18446744073709551615",
        "18446744073709551616",
        "-9223372036854775808",
        "-9223372036854775809",
        "1" + "0" * 300,
        "1" + "0" * 400,
        "1" * 5000,
        "NaN",
        "Infinity",
        "-Infinity",
        "true",
        "false",
        "null",
        "tru",
        "\\",
        "\\n",
        "\\u00e9",
        "\\ud83d\\ude00",
        "\\ud800",
        "\\udc00",
        "\\ud800\\u0041",
        "\\x",
        "\\u12",
        "\x00",
        "\x1f",
        "\x7f",
        "é",
        "\U0001f600",
        "\ufeff",
        "\u2028",
    ]
)
_TEXTS = st.lists(_PIECES, max_size=30).map("".join)
_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(_TEXTS)
@example('{"a": 1, "b": 2, "a": 3}')
@example('"\\ud800"')
@example('"\\udc00\\ud800"')
@example('"\\\\ud800"')
@example("[1, 2,]")
@example("\ufeff{}")
@example("1 2")
def test_texts_read_as_orjson_reads_them(text: str) -> None:
    _agree(text)
    _agree(text.encode("utf-8", "surrogatepass"))


@given(st.binary(max_size=40))
@example(b"\xff{}")
@example(b'"\xed\xa0\x80"')
@example(b"\xef\xbb\xbf{}")
def test_bytes_read_as_orjson_reads_them(data: bytes) -> None:
    _agree(data)


@given(_VALUES)
def test_every_json_value_reads_back_the_same(value: object) -> None:
    text = json.dumps(value, ensure_ascii=False)
    _agree(text.encode("utf-8", "surrogatepass"))
    _agree(json.dumps(value))


@pytest.mark.parametrize(
    "depth", [1, 900, 999, 1000, MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 1, 5000]
)
@pytest.mark.parametrize(("opening", "closing"), [("[", "]"), ('{"a":', "}")])
def test_nesting_at_the_limit(depth: int, opening: str, closing: str) -> None:
    _agree(opening * depth + "1" + closing * depth)
    limit = sys.getrecursionlimit()
    _agree(opening * depth + "1" + closing * depth)
    assert sys.getrecursionlimit() == limit  # the deep read leaves the limit as it was


def test_brackets_in_strings_are_not_nesting() -> None:
    text = '["' + "[" * (MAX_DEPTH + 10) + '"]'
    assert loads(text) == ["[" * (MAX_DEPTH + 10)]
    _agree(text)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("1e400", "a number is beyond the range of a 64-bit float (such as 1e400)"),
        ("1" * 400, "a number is beyond the range of a 64-bit float (such as 1e400)"),
        (
            '"\\ud800"',
            "a string holds a lone surrogate escape (\\ud800 to \\udfff without its pair)",
        ),
        ('"\x00"', "a string holds a control character (such as a tab or NUL) unescaped"),
        ('"\\q"', "a string holds an escape that JSON does not have"),
        ("[" * 1025 + "]" * 1025, "values are nested more than 1,024 deep"),
        ("NaN", "it holds NaN or Infinity, or something else that is not strict JSON"),
    ],
)
def test_each_refusal_gives_its_reason(text: str, reason: str) -> None:
    with pytest.raises(StrictJSONError) as raised:
        loads(text)
    assert (
        _strict_message(raised.value)
        == f"this value cannot be read as strict JSON: {reason}; correct it"
    )


def test_integers_as_orjson_reads_them() -> None:
    assert loads("18446744073709551615") == 2**64 - 1
    assert type(loads("18446744073709551616")) is float
    assert loads("-9223372036854775808") == -(2**63)
    assert type(loads("-9223372036854775809")) is float
    assert type(loads("-0")) is int


def test_a_string_left_open_is_read_once() -> None:
    """Escaped quotes in a string left open, then many brackets: read in one pass.

    Were each quote a new start (as a pattern that must find the closing quote
    makes it), this text of a million escaped quotes would take hours.
    """
    text = '{"x": "' + '\\"' * 1_000_000 + "[" * (MAX_DEPTH + 1)
    with pytest.raises(StrictJSONError):
        loads(text)
    _agree(text[:10_000] + "[" * (MAX_DEPTH + 1))
