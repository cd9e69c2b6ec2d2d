"""The published patterns mean the same in every regex dialect, and the checker agrees.

JSON Schema patterns are ECMA-262 regular expressions; python-jsonschema runs them
with Python's ``re``. The two disagree on what ``\\s`` is, so the format defines
space itself (``_record_format.SPACE_CHARACTERS``, the union of both) and the
patterns spell it out. These tests run every pattern of every shipped schema
under Node's ECMA-262 engine (with and without the ``u`` flag) and under
python-jsonschema, on every whitespace and line-terminator character of both
dialects, and check that the checker, the quick check, the JSON Lines fast path
and the schemas give one verdict on records holding such text.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

import jsonschema
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from conftest import BLOCKING
from factories import TODAY, outcome_record, record
from personal_outcomes import bundled
from personal_outcomes._record_format import (
    IDENTIFIER_PATTERN,
    NOT_SPACE,
    SPACE_CHARACTERS,
    TEXT_PATTERN,
    is_blank,
)
from personal_outcomes.schemas import record_schema
from personal_outcomes.validation import ISSUE_CODES
from personal_outcomes.validation._run import Engine

NODE = shutil.which("node")
needs_node = pytest.mark.skipif(
    NODE is None,
    reason="node is not on PATH: the ECMA-262 (JavaScript) engine these tests run is missing",
)


def _span(first: int, last: int) -> list[str]:
    return [chr(code) for code in range(first, last + 1)]


#: Whitespace to Python (``str.isspace``, ``re``'s ``\s``), listed by hand.
PYTHON_SPACE = [
    *_span(0x09, 0x0D),
    *_span(0x1C, 0x1F),
    " ",
    "\x85",
    "\xa0",
    "\u1680",
    *_span(0x2000, 0x200A),
    "\u2028",
    "\u2029",
    "\u202f",
    "\u205f",
    "\u3000",
]
#: WhiteSpace and LineTerminator to ECMA-262 (its ``\s``), listed by hand.
ECMA_SPACE = [
    *_span(0x09, 0x0D),
    " ",
    "\xa0",
    "\u1680",
    *_span(0x2000, 0x200A),
    "\u2028",
    "\u2029",
    "\u202f",
    "\u205f",
    "\u3000",
    "\ufeff",
]
#: Look like space, or once were (U+180E until Unicode 6.3), but are space nowhere.
LOOKALIKES = ["\u180e", "\u200b", "\u2060", "\x00", "\x1b", "\x7f", "\xad"]
SPACE = sorted(set(PYTHON_SPACE) | set(ECMA_SPACE))
CHARACTERS = SPACE + LOOKALIKES

# ---- the ECMA-262 engine ---------------------------------------------------------------

#: Reads one JSON request a line and answers with one JSON line:
#: {"patterns", "strings"} -> {"u": [[bool per string] per pattern], "": [...]};
#: {"rejects": pattern} -> the code points that pattern does not match ("u" flag);
#: {"space": true} -> the code points ECMA-262's \s matches.
NODE_SCRIPT = r"""
const lines = require("readline").createInterface({ input: process.stdin });
const everyCodePoint = (keep) => {
  const found = [];
  for (let code = 0; code <= 0x10ffff; code++) {
    if (keep(String.fromCodePoint(code))) found.push(code);
  }
  return found;
};
lines.on("line", (line) => {
  const request = JSON.parse(line);
  let answer;
  if (request.space) {
    answer = everyCodePoint((text) => /^\s$/u.test(text));
  } else if (request.rejects !== undefined) {
    const pattern = new RegExp(request.rejects, "u");
    answer = everyCodePoint((text) => !pattern.test(text));
  } else {
    answer = {};
    for (const flags of ["u", ""]) {
      answer[flags] = request.patterns.map((source) => {
        const pattern = new RegExp(source, flags);
        return request.strings.map((text) => pattern.test(text));
      });
    }
  }
  process.stdout.write(JSON.stringify(answer) + "\n");
});
"""


class Ecma:
    """A Node process that answers questions about ECMA-262 regular expressions."""

    def __init__(self, node: str) -> None:
        self.process = subprocess.Popen(
            [node, "-e", NODE_SCRIPT],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )

    def ask(self, request: dict[str, object]) -> Any:
        """Send one request (as ASCII JSON, so no character is mangled) and read the answer."""
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline()
        assert answer, "node stopped without answering"
        return json.loads(answer)

    def verdicts(self, patterns: list[str], strings: list[str]) -> dict[str, list[list[bool]]]:
        """Say, with the ``u`` flag and without, whether each pattern matches each string."""
        return dict(self.ask({"patterns": patterns, "strings": strings}))

    def close(self) -> None:
        """End the process: closing its input ends it."""
        self.process.communicate(timeout=30)


@pytest.fixture(scope="module")
def ecma() -> Iterator[Ecma]:
    if NODE is None:
        pytest.skip("node is not on PATH: the ECMA-262 (JavaScript) engine these tests run")
    engine = Ecma(NODE)
    yield engine
    engine.close()


# ---- the shipped schemas' patterns -------------------------------------------------------


def _shipped_files() -> dict[str, Traversable]:
    folder = resources.files("personal_outcomes.schemas")
    files = {"framework.schema.json": folder / "framework.schema.json"}
    files["record.schema.json"] = folder / "record.schema.json"
    for item in sorted((folder / "records").iterdir(), key=lambda item: item.name):
        if item.name.endswith(".schema.json"):
            files[f"records/{item.name}"] = item
    return files


def _patterns(schema: object, where: str = "") -> Iterator[tuple[str, str]]:
    """Yield (location, pattern) for every ``pattern`` keyword in a schema."""
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key == "pattern" and isinstance(value, str):
                yield where or "/", value
            elif key not in {"enum", "const"}:
                yield from _patterns(value, f"{where}/{key}")
    elif isinstance(schema, list):
        for index, value in enumerate(schema):
            yield from _patterns(value, f"{where}/{index}")


SHIPPED = {
    name: json.loads(item.read_text(encoding="utf-8")) for name, item in _shipped_files().items()
}
#: Every pattern of every shipped schema, with the places it is used.
PATTERNS: dict[str, list[str]] = {}
for _name, _schema in SHIPPED.items():
    for _where, _pattern in _patterns(_schema):
        PATTERNS.setdefault(_pattern, []).append(f"{_name}#{_where}")

#: Values that some pattern accepts, so that a character added to them is tested too.
BASES = ["a", "adults", "r-1", "ab-2026-000123", "ADULTS-1", "1.0.0", "2026-03-01", "team_a"]


def _samples() -> list[str]:
    """Each character alone, doubled, at the start, middle and end of each base value."""
    found = ["", *BASES, *(base + "\n" for base in BASES)]
    for character in CHARACTERS:
        found += [character, character * 2, f"a{character}b"]
        for base in BASES:
            found += [character + base, base + character, base[:1] + character + base[1:]]
    return list(dict.fromkeys(found))


SAMPLES = _samples()


def test_every_shipped_schema_is_covered() -> None:
    assert sorted(SHIPPED) == [
        "framework.schema.json",
        "record.schema.json",
        "records/adults-1.0.0.schema.json",
        "records/adults-1.1.0.schema.json",
        "records/care-homes-1.0.0.schema.json",
        "records/care-homes-1.1.0.schema.json",
        "records/carers-1.0.0.schema.json",
        "records/carers-1.1.0.schema.json",
    ]
    for name, schema in SHIPPED.items():
        assert list(_patterns(schema)), name
    assert TEXT_PATTERN in PATTERNS
    assert f"{IDENTIFIER_PATTERN.removesuffix('$')}(?![\\s\\S])" in PATTERNS


def test_no_pattern_leaves_space_to_the_dialect() -> None:
    r"""No pattern uses \s, \S or \uXXXX (dialects differ), except [\s\S]: any character."""
    for pattern, places in PATTERNS.items():
        rest = pattern.replace(r"[\s\S]", "")
        assert not re.search(r"\\[sSux]", rest), (pattern, places)


def test_the_format_space_is_the_union_of_both_dialects() -> None:
    assert sorted(SPACE_CHARACTERS) == SPACE
    assert len(SPACE_CHARACTERS) == len(set(SPACE_CHARACTERS)) == 30
    everything = [chr(code) for code in range(0x110000)]
    assert [c for c in everything if c.isspace()] == PYTHON_SPACE
    space = re.compile(r"\s")
    assert [c for c in everything if space.fullmatch(c)] == PYTHON_SPACE


def test_blank_text_is_text_of_space_characters_only() -> None:
    every_one = [chr(code) for code in range(0x110000)]
    assert [c for c in every_one if is_blank(c)] == SPACE
    assert is_blank("")
    assert is_blank("\ufeff \ufeff\u3000")
    assert not is_blank("\ufeff a")
    assert not is_blank("\ufeff\u200b")  # ZERO WIDTH SPACE is not space in either dialect


@given(st.text(alphabet=st.sampled_from([*SPACE, "a", "\u200b", "\x00"]), max_size=8))
def test_blank_means_nothing_is_left_after_removing_space(text: str) -> None:
    assert is_blank(text) == (text.strip(SPACE_CHARACTERS) == "")


def test_not_space_rejects_exactly_the_space_characters_in_python() -> None:
    not_space = re.compile(NOT_SPACE)
    rejected = [chr(c) for c in range(0x110000) if not_space.fullmatch(chr(c)) is None]
    assert rejected == SPACE


@needs_node
def test_not_space_rejects_exactly_the_space_characters_in_ecma_262(ecma: Ecma) -> None:
    assert [chr(code) for code in ecma.ask({"space": True})] == ECMA_SPACE
    assert [chr(code) for code in ecma.ask({"rejects": NOT_SPACE})] == SPACE


def _python_verdicts(pattern: str, strings: list[str]) -> list[bool]:
    """What python-jsonschema says of each string under this pattern."""
    validator = jsonschema.Draft202012Validator({"type": "string", "pattern": pattern})
    return [validator.is_valid(text) for text in strings]


def _format_verdict(pattern: str, text: str) -> bool | None:
    """What the format says of a text, for the patterns about space; None for others."""
    if pattern == TEXT_PATTERN:
        return not is_blank(text)
    if pattern.startswith(IDENTIFIER_PATTERN.removesuffix("$")):
        return text != "" and not any(character in SPACE_CHARACTERS for character in text)
    return None


@needs_node
def test_every_pattern_has_one_verdict_in_every_dialect(ecma: Ecma) -> None:
    """ECMA-262 (``u`` flag or not), python-jsonschema and the format agree on every sample."""
    patterns = list(PATTERNS)
    answers = ecma.verdicts(patterns, SAMPLES)
    disagreements = []
    for number, pattern in enumerate(patterns):
        python = _python_verdicts(pattern, SAMPLES)
        for index, text in enumerate(SAMPLES):
            verdicts = {
                "python-jsonschema": python[index],
                "ECMA-262 u": answers["u"][number][index],
                "ECMA-262": answers[""][number][index],
            }
            expected = _format_verdict(pattern, text)
            if expected is not None:
                verdicts["format"] = expected
            if len(set(verdicts.values())) > 1:
                disagreements.append((PATTERNS[pattern][0], ascii(text), verdicts))
    assert disagreements == []


def test_the_end_of_the_text_is_the_end_in_every_dialect() -> None:
    """``(?![\\s\\S])`` is the end of the text: a final line break is not ignored."""
    for pattern in PATTERNS:
        if pattern.endswith(r"(?![\s\S])"):
            assert not re.search(pattern, "adults\n")
            assert not re.search(pattern, "adults\u2028")


# ---- every path through the library gives one verdict -------------------------------------

ENGINE = Engine(bundled(), today=TODAY)
ADULTS = bundled().get("adults")
SCHEMAS = {
    "adults": jsonschema.Draft202012Validator(
        record_schema(ADULTS), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    ),
    "generic": jsonschema.Draft202012Validator(
        record_schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    ),
}

#: Where a text goes in a record: its field name, its pattern, and how to build the record.
PLACES: dict[str, tuple[str, Callable[[str], dict[str, Any]]]] = {
    "record_id": (IDENTIFIER_PATTERN, lambda text: record(record_id=text)),
    "person_id": (IDENTIFIER_PATTERN, lambda text: record(person_id=text)),
    "notes": (TEXT_PATTERN, lambda text: record(notes=text)),
    "context": (TEXT_PATTERN, lambda text: record(context={"team": text})),
    "what_matters": (TEXT_PATTERN, lambda text: outcome_record(what_matters=text)),
    "why_it_matters": (TEXT_PATTERN, lambda text: outcome_record(why_it_matters=text)),
    "contribution": (
        TEXT_PATTERN,
        lambda text: outcome_record(contributions=[{"by": "person", "what": text}]),
    ),
    "status_note": (
        TEXT_PATTERN,
        lambda text: record(
            stage="review",
            outcomes=[
                {
                    "outcome": "seeing-people",
                    "what_matters": "My pals",
                    "status": "met",
                    "status_note": text,
                }
            ],
        ),
    ),
}


def _verdicts(data: dict[str, Any]) -> dict[str, bool]:
    """Whether each path finds the record valid (checks) or clean (fast paths)."""
    found = ENGINE.checker.check(copy.deepcopy(data))
    verdicts = {
        "checker": not [code for _, code, _, _ in found if ISSUE_CODES[code] == "error"],
        "checker, no issue at all": not found,
        "quick check": ENGINE.quick(copy.deepcopy(data)),
        "per-framework schema": SCHEMAS["adults"].is_valid(data),
        "generic schema": SCHEMAS["generic"].is_valid(data),
    }
    if not BLOCKING:  # without msgspec there is no JSON Lines fast path
        verdicts["JSON Lines fast path"] = ENGINE.line_check(json.dumps(data).encode()) is not None
    return verdicts


def _expected(pattern: str, text: str) -> bool:
    verdict = _format_verdict(pattern, text)
    assert verdict is not None
    return verdict


@pytest.mark.parametrize("place", list(PLACES))
@pytest.mark.parametrize("character", CHARACTERS, ids=lambda c: f"U+{ord(c):04X}")
def test_every_path_agrees_on_each_character(place: str, character: str) -> None:
    """A character alone, at the start, the middle and the end: one verdict everywhere."""
    pattern, build = PLACES[place]
    for text in (character, character * 3, f"{character}ab", f"a{character}b", f"ab{character}"):
        expected = _expected(pattern, text)
        verdicts = _verdicts(build(text))
        assert verdicts == dict.fromkeys(verdicts, expected), (place, ascii(text))


@pytest.mark.parametrize(
    ("place", "text", "valid"),
    [
        ("notes", "\x1c", False),  # the issue's example: space to Python, not to ECMA-262
        ("notes", "\x85", False),
        ("notes", "\ufeff", False),  # space to ECMA-262, not to Python
        ("notes", "\ufeff\x1c \u2028", False),
        ("notes", "\u200b", True),  # a zero width space is not White_Space anywhere
        ("notes", "\u180e", True),  # no longer a space since Unicode 6.3
        ("record_id", "ab\ufeff", False),
        ("record_id", "a\x1fb", False),
        ("record_id", "a\u180eb", True),
        ("person_id", "\ufeffp-1", False),
    ],
)
def test_the_issue_examples(place: str, text: str, valid: bool) -> None:
    _, build = PLACES[place]
    verdicts = _verdicts(build(text))
    assert verdicts == dict.fromkeys(verdicts, valid)


TEXTS = st.text(alphabet=st.sampled_from([*CHARACTERS, "a", "Z", "é", "-", "1"]), max_size=8)


@given(st.sampled_from(list(PLACES)), TEXTS)
@example("notes", "\x1c")
@example("record_id", "r\ufeff")
def test_every_path_agrees_on_mixed_text(place: str, text: str) -> None:
    """Space characters of both dialects mixed with letters: one verdict on every path."""
    pattern, build = PLACES[place]
    verdicts = _verdicts(build(text))
    assert verdicts == dict.fromkeys(verdicts, _expected(pattern, text)), ascii(text)


@needs_node
@given(st.lists(TEXTS, min_size=1, max_size=20))
def test_ecma_262_agrees_on_mixed_text(ecma: Ecma, texts: list[str]) -> None:
    """The space patterns, run by ECMA-262 on mixed text, say what the format says."""
    patterns = [TEXT_PATTERN, f"{IDENTIFIER_PATTERN.removesuffix('$')}(?![\\s\\S])"]
    answers = ecma.verdicts(patterns, texts)
    for number, pattern in enumerate(patterns):
        expected = [_expected(pattern, text) for text in texts]
        assert answers["u"][number] == answers[""][number] == expected, pattern
        assert _python_verdicts(pattern, texts) == expected, pattern
