"""The messages of faulty framework files, ordinary and derived: plain words, each said once."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from personal_outcomes import Framework, bundled, derive_framework, load_framework
from personal_outcomes.errors import InvalidFrameworkError, Problem

MINIMAL = Path(__file__).parent / "data" / "frameworks" / "minimal.yaml"
TEXT = "must be text, with at least one character that is not a space"
DERIVED = """\
id: lanark-x
version: 1.0.0
title: T
extends: adults@1.0.0
"""


def _problems(text: str, tmp_path: Path) -> list[tuple[int, int, str, str]]:
    path = tmp_path / "local.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidFrameworkError) as info:
        load_framework(path)
    return [(p.line or 0, p.column or 0, p.pointer, p.message) for p in info.value.problems]


def _minimal(old: str, new: str) -> str:
    text = MINIMAL.read_text(encoding="utf-8")
    assert text.count(old) == 1
    return text.replace(old, new)


# ---- types: the quoting hint only where the schema wants text ---------------------------


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("sources: 3", (5, 10, "/sources", "expected a list, but this is a number")),
        ("add: [5]", (5, 7, "/add/0", ("expected a mapping (key: value pairs), but this is a "
                                      "number"))),
        ("retire: [5]", (5, 10, "/retire/0", ("expected a mapping (key: value pairs), but this "
                                             "is a number"))),
        ("relabel: [seeing-people]", (5, 10, "/relabel", ("expected a mapping (key: value "
                                                         "pairs), but this is a list"))),
        ("opening_questions: yes", (5, 20, "/opening_questions", ("expected a list, but this is "
                                                                 "a true/false value"))),
        ("add: [{id: x, label: X, category: change, aliases: 3}]", (5, 52, "/add/0/aliases",
         "expected a list, but this is a number")),
        ("add: [{id: x, label: X, category: change, statement: [a]}]", (5, 54,
         "/add/0/statement", "expected a mapping (key: value pairs), but this is a list")),
        ("retire: [{id: 5}]", (5, 15, "/retire/0/id", ("expected text, but YAML reads this "
                                                      "unquoted value as a number; put it in "
                                                      "quotes"))),
        ("relabel: {seeing-people: no}", (5, 26, "/relabel/seeing-people", ("expected text, but "
         "YAML reads this unquoted value as a true/false value; put it in quotes"))),
        ("population: 2026-01-01", (5, 13, "/population", ("expected text, but YAML reads this "
                                                          "unquoted value as a date; put it in "
                                                          "quotes"))),
        ("population: [text]", (5, 13, "/population", "expected text, but this is a list")),
        ("population: {a: b}", (5, 13, "/population", "expected text, but this is a mapping")),
    ],
)  # fmt: skip
def test_a_derived_file_of_the_wrong_type_says_what_is_expected(
    tmp_path: Path, line: str, problem: tuple[int, int, str, str]
) -> None:
    """A list or mapping where one is expected is named; only text gets 'put it in quotes'."""
    assert _problems(DERIVED + line + "\n", tmp_path) == [problem]


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ("sources:\n  - key: LOCAL2026\n    citation: A local source, 2026.\n", "sources: 3\n",
         (7, 10, "/sources", "expected a list, but this is a number")),
        ("population: People in a test.", "population: [People]",
         (5, 13, "/population", "expected text, but this is a list")),
        ("version: \"1.0.0\"", "version: 1.10",
         (3, 10, "/version", ("expected text, but YAML reads this unquoted value as a number; "
                             "put it in quotes"))),
        ("        label: Being outdoors\n", "        label: 12\n",
         (25, 16, "/categories/0/outcomes/0/label", ("expected text, but YAML reads this "
                                                    "unquoted value as a number; put it in "
                                                    "quotes"))),
    ],
)  # fmt: skip
def test_an_ordinary_file_of_the_wrong_type_says_what_is_expected(
    tmp_path: Path, old: str, new: str, problem: tuple[int, int, str, str]
) -> None:
    """The same words in an ordinary framework file."""
    assert _problems(_minimal(old, new), tmp_path) == [problem]


@pytest.mark.parametrize(
    ("text", "kind"),
    [("~\n", "null"), ("3\n", "a number"), ("- id: x\n", "a list"), ("just words\n", "text")],
)
def test_a_file_that_is_not_a_mapping_says_what_a_framework_file_is(
    tmp_path: Path, text: str, kind: str
) -> None:
    """A file holding only null, a number, a list or text: one problem at its start."""
    assert _problems(text, tmp_path) == [
        (1, 1, "", (f"a framework file is a mapping of keys such as id, version and title, "
                   f"but this file holds {kind}")),
    ]  # fmt: skip


# ---- patterns and lengths: plain words, never a regex, each fault once -----------------


@pytest.mark.parametrize("label", ['""', '"   "', '"\\t"', "' \u00a0 '"])
def test_an_empty_or_blank_label_is_one_problem(tmp_path: Path, label: str) -> None:
    """The schema finds an empty label twice (length and pattern); it is said once."""
    ordinary = _minimal("        label: Being outdoors\n", f"        label: {label}\n")
    assert _problems(ordinary, tmp_path) == [(25, 16, "/categories/0/outcomes/0/label", TEXT)]
    derived = DERIVED + f"add: [{{id: x, label: {label}, category: change}}]\n"
    assert _problems(derived, tmp_path) == [(5, 22, "/add/0/label", TEXT)]
    relabelled = DERIVED + f"relabel: {{seeing-people: {label}}}\n"
    assert _problems(relabelled, tmp_path) == [(5, 26, "/relabel/seeing-people", TEXT)]


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ("id: local-test", "id: Local-test",
         (2, 5, "/id", ("must be an id: lower-case letters, digits and hyphens, starting with a "
                       "letter, such as seeing-people"))),
        ("canonical_source: LOCAL2026", "canonical_source: local2026",
         (6, 19, "/canonical_source", ("must be a source key: upper-case letters, digits and "
                                      "hyphens, starting with a letter, such as IRISS2012"))),
        ('version: "1.0.0"', 'version: "1.0"',
         (3, 10, "/version", ("must be a version MAJOR.MINOR.PATCH without leading zeros, such "
                             "as 1.0.0"))),
        ('version: "1.0.0"', 'version: "1.0.0"\nbased_on: adults',
         (4, 11, "/based_on", ("must be ID@VERSION: the id of a framework and one of its "
                              "versions, such as adults@1.0.0"))),
        ("id: local-test", f"id: {'a' * 65}",
         (2, 5, "/id", "is longer than the 64 characters allowed; shorten it")),
        ("title: A local test framework", f"title: {'T' * 201}",
         (4, 8, "/title", "is longer than the 200 characters allowed; shorten it")),
    ],
)  # fmt: skip
def test_a_pattern_or_length_fault_is_said_in_plain_words(
    tmp_path: Path, old: str, new: str, problem: tuple[int, int, str, str]
) -> None:
    """Ids, source keys, versions, bases and lengths: what the value must be."""
    assert _problems(_minimal(old, new), tmp_path) == [problem]


@pytest.mark.parametrize(("old", "new"), [
    ("id: local-test", f"id: {'a' * 64}"),
    ("title: A local test framework", f"title: {'T' * 200}"),
])  # fmt: skip
def test_a_value_at_its_length_limit_is_fine(tmp_path: Path, old: str, new: str) -> None:
    """64 characters of id and 200 of title are allowed."""
    path = tmp_path / "local.yaml"
    path.write_text(_minimal(old, new), encoding="utf-8")
    assert load_framework(path).outcome_ids == ("being-outdoors", "old-outcome")


# ---- keys that are not text (data from Python) ------------------------------------------

#: Keys of other kinds than text, each with the words the message uses for it.
ODD_KEYS = st.one_of(
    st.integers().map(lambda key: (key, "a number")),
    st.floats(allow_nan=False).map(lambda key: (key, "a number")),
    st.booleans().map(lambda key: (key, "a true/false value")),
    st.none().map(lambda key: (key, "null")),
    st.tuples(st.integers()).map(lambda key: (key, "a Python tuple")),
    st.frozensets(st.integers(), max_size=2).map(lambda key: (key, "a Python frozenset")),
    st.binary(max_size=3).map(lambda key: (key, "a Python bytes")),
)


def _derived_data() -> dict[str, Any]:
    return {
        "id": "lanark-x",
        "version": "1.0.0",
        "title": "T",
        "extends": "adults@1.0.0",
        "sources": [{"key": "LANARK", "citation": "C"}],
        "add": [
            {
                "id": "getting-online",
                "label": "Getting online",
                "category": "quality-of-life",
                "statement": {"text": "I get online", "source": "LANARK"},
            }
        ],
        "relabel": {"seeing-people": "Seeing friends"},
        "retire": [{"id": "reduced-symptoms"}],
    }


#: A mapping in a derived file's data, by its path.
DERIVED_MAPPINGS = ((), ("sources", 0), ("add", 0), ("add", 0, "statement"), ("relabel",),
                    ("retire", 0))  # fmt: skip


def _at(data: Any, path: tuple[str | int, ...]) -> Any:
    for step in path:
        data = data[step]
    return data


def _pointer(path: tuple[str | int, ...]) -> str:
    return "".join(f"/{step}" for step in path)


def test_a_fault_of_a_key_in_data_has_its_pointer_and_no_place() -> None:
    """From Python, a relabelled id that is not an id is named by its pointer."""
    with pytest.raises(InvalidFrameworkError) as info:
        derive_framework({**_derived_data(), "relabel": {"Seeing": "x"}})
    assert info.value.problems == (
        Problem(pointer="/relabel/Seeing", message=(
            "must be an id: lower-case letters, digits and hyphens, starting with a letter, "
            "such as seeing-people")),
    )  # fmt: skip


def test_a_relabel_key_that_is_a_number_is_a_located_problem() -> None:
    """The case a tester found: relabel {1: 'x'} raised a bare TypeError."""
    data = {**_derived_data(), "relabel": {1: "x"}}
    with pytest.raises(InvalidFrameworkError) as info:
        derive_framework(data)
    assert info.value.problems == (
        Problem(pointer="/relabel", message="a key here is a number; every key must be text"),
    )


@given(
    where=st.sampled_from(DERIVED_MAPPINGS),
    key=ODD_KEYS,
    more=st.lists(st.sampled_from(DERIVED_MAPPINGS), max_size=2),
)
def test_a_key_that_is_not_text_anywhere_in_a_derived_file_is_located(
    where: tuple[str | int, ...],
    key: tuple[object, str],
    more: list[tuple[str | int, ...]],
) -> None:
    """Any key of another kind, in any mapping: an InvalidFrameworkError at that mapping."""
    data = _derived_data()
    value, words = key
    for path in (where, *more):
        _at(data, path)[value] = "x"
    with pytest.raises(InvalidFrameworkError) as info:
        derive_framework(data)
    message = f"a key here is {words}; every key must be text"
    pointers = sorted({_pointer(path) for path in (where, *more)})
    assert info.value.problems == tuple(
        Problem(pointer=pointer, message=message) for pointer in pointers
    )


#: A mapping in an ordinary framework's data, by its path.
ORDINARY_MAPPINGS = ((), ("sources", 0), ("review_scale",), ("review_scale", "levels", 0),
                     ("categories", 0), ("categories", 1, "outcomes", 2),
                     ("categories", 1, "outcomes", 0, "aliases", 0))  # fmt: skip


@given(where=st.sampled_from(ORDINARY_MAPPINGS), key=ODD_KEYS)
def test_a_key_that_is_not_text_in_framework_data_is_located(
    where: tuple[str | int, ...], key: tuple[object, str]
) -> None:
    """Framework.from_data says the same of ordinary framework data."""
    data = copy.deepcopy(bundled().get("carers").to_data())
    value, words = key
    _at(data, where)[value] = "x"
    with pytest.raises(InvalidFrameworkError) as info:
        Framework.from_data(data)
    assert info.value.problems == (
        Problem(pointer=_pointer(where), message=f"a key here is {words}; every key must be text"),
    )
