"""The hardened YAML reader, through load_framework: one fixture file per hazard."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml

from personal_outcomes import load_framework
from personal_outcomes.errors import (
    AliasNotAllowedError,
    DuplicateKeyError,
    EncodingError,
    InputError,
    InvalidFrameworkError,
    NestingTooDeepError,
    PersonalOutcomesError,
    UnsupportedYAMLError,
    YAMLSyntaxError,
)

DATA = Path(__file__).parent / "data"
HAZARDS = DATA / "yaml"
MINIMAL = DATA / "frameworks" / "minimal.yaml"


@pytest.fixture(params=["libyaml", "pure-python"])
def loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test with libyaml's C parser and again with PyYAML's pure-Python one."""
    if request.param == "libyaml":
        if not yaml.__with_libyaml__:  # pragma: no cover (libyaml ships in PyYAML's wheels)
            pytest.skip("libyaml is not available")
    else:
        monkeypatch.setattr(yaml, "__with_libyaml__", False)
    return str(request.param)


def _error(name: str) -> PersonalOutcomesError:
    with pytest.raises(PersonalOutcomesError) as info:
        load_framework(HAZARDS / name)
    return info.value


def _located(error: PersonalOutcomesError) -> tuple[str, int | None, int | None, str]:
    assert isinstance(error, InputError)
    return type(error).__name__, error.line, error.column, error.pointer


@pytest.mark.usefixtures("loader")
@pytest.mark.parametrize(
    ("name", "kind", "line", "column", "pointer"),
    [
        ("duplicate-key.yaml", DuplicateKeyError, 3, 1, "/id"),
        ("alias.yaml", AliasNotAllowedError, 1, 7, "/base"),
        ("billion-laughs.yaml", AliasNotAllowedError, 1, 4, "/a"),
        ("deep-nesting.yaml", NestingTooDeepError, 1, 38, "/deep" + "/0" * 31),
        ("syntax-error.yaml", YAMLSyntaxError, 2, 5, ""),
        ("python-tag.yaml", UnsupportedYAMLError, 1, 6, "/run"),
        ("number-key.yaml", UnsupportedYAMLError, 1, 1, ""),
        ("complex-key.yaml", UnsupportedYAMLError, 1, 3, ""),
        ("control-character.yaml", YAMLSyntaxError, 1, 10, ""),
        ("latin-1.yaml", EncodingError, 1, 10, ""),
        ("empty.yaml", YAMLSyntaxError, 1, 1, ""),
        ("tag-mismatch.yaml", UnsupportedYAMLError, 1, 4, "/a"),
        # Issue 7: a key that is not key-like never reaches the pointer.
        ("duplicate-key-not-key-like.yaml", DuplicateKeyError, 4, 1, ""),
        ("tag-under-key-not-key-like.yaml", UnsupportedYAMLError, 3, 12, ""),
        # libyaml's look-ahead meets its own limit (1,000) first: placed as without it.
        ("flow-nesting-past-libyaml.yaml", NestingTooDeepError, 1, 38, "/deep" + "/0" * 31),
        ("long-number.yaml", UnsupportedYAMLError, 2, 10, "/version"),
        ("bom-at-line-start.yaml", YAMLSyntaxError, 6, 1, ""),
    ],
)
def test_hazard_is_a_located_error(
    name: str, kind: type[InputError], line: int, column: int, pointer: str
) -> None:
    """Each YAML hazard is the library's own error, with file, line, column and pointer."""
    error = _error(name)
    assert type(error) is kind
    assert _located(error) == (kind.__name__, line, column, pointer)
    assert isinstance(error, InputError)
    assert str(error).startswith(f"{HAZARDS / name}:{line}:{column}:")


def test_both_loaders_agree_on_every_hazard(monkeypatch: pytest.MonkeyPatch) -> None:
    """libyaml's parser and the pure-Python one give the same result for every file.

    Syntax errors agree on kind and place; their wording is each parser's own.
    """
    names = sorted(path.name for path in HAZARDS.iterdir())
    with_c = [_outcome(name) for name in names]
    monkeypatch.setattr(yaml, "__with_libyaml__", False)
    pure = [_outcome(name) for name in names]
    assert with_c == pure


def _outcome(name: str) -> object:
    try:
        return load_framework(HAZARDS / name).digest
    except YAMLSyntaxError as err:
        return _located(err)
    except PersonalOutcomesError as err:
        return str(err)


def test_messages_say_what_to_do() -> None:
    """Messages name the fault and the fix."""
    assert "keep only one" in str(_error("duplicate-key.yaml"))
    assert "write the data out in full" in str(_error("alias.yaml"))
    assert "32 deep" in str(_error("deep-nesting.yaml"))
    assert "save the file as UTF-8" in str(_error("latin-1.yaml"))
    assert "put the key in quotes" in str(_error("number-key.yaml"))


def test_billion_laughs_is_refused_quickly() -> None:
    """An alias bomb is refused before anything could expand it."""
    start = time.perf_counter()
    error = _error("billion-laughs.yaml")
    assert isinstance(error, AliasNotAllowedError)
    assert time.perf_counter() - start < 5  # generous: expansion would take far longer


def test_two_documents_are_refused() -> None:
    """A framework file holds exactly one YAML document."""
    error = _error("two-documents.yaml")
    assert isinstance(error, YAMLSyntaxError)
    assert "more than one YAML document" in str(error)


def test_keys_that_are_not_key_like_are_never_quoted() -> None:
    """A fault under a key that could be a name or a diagnosis never quotes the key."""
    for name in ("duplicate-key-not-key-like.yaml", "tag-under-key-not-key-like.yaml"):
        error = _error(name)
        assert "Jane" not in str(error)
        assert "cancer" not in str(error)


def test_syntax_error_does_not_echo_the_file() -> None:
    """A syntax error's message quotes punctuation at most, never text from the file."""
    path = HAZARDS / "syntax-error.yaml"
    error = _error("syntax-error.yaml")
    assert "unclosed" not in str(error)
    assert "next" not in str(error)
    assert path.exists()


@pytest.mark.usefixtures("loader")
@pytest.mark.parametrize(
    ("name", "pointer", "line", "column"),
    [
        ("version-one-ten.yaml", "/version", 3, 10),
        ("title-no.yaml", "/title", 4, 8),
        ("population-bare-date.yaml", "/population", 5, 13),
        ("outcome-id-leading-zero.yaml", "/categories/0/outcomes/0/id", 24, 13),
        ("title-null.yaml", "/title", 4, 8),
        # Issue 7: U+2028, U+2029 and U+0085 in a value above do not move the line.
        ("line-separators.yaml", "/sources/0/citation", 9, 15),
    ],
)
def test_yaml_1_1_surprises_are_errors_that_say_quote_it(
    name: str, pointer: str, line: int, column: int
) -> None:
    """Unquoted values YAML 1.1 turns into non-strings are errors, never silent changes."""
    error = _error(name)
    assert isinstance(error, InvalidFrameworkError)
    [problem] = error.problems
    assert (problem.pointer, problem.line, problem.column) == (pointer, line, column)
    assert "put it in quotes" in problem.message


@pytest.mark.usefixtures("loader")
@pytest.mark.parametrize("name", ["minimal-crlf.yaml", "minimal-bom.yaml"])
def test_crlf_and_bom_load_the_same(name: str) -> None:
    """CRLF line endings and a UTF-8 byte order mark make no difference to the data."""
    assert load_framework(HAZARDS / name) == load_framework(MINIMAL)


@pytest.mark.usefixtures("loader")
def test_explicit_tags_and_impossible_dates_stay_text() -> None:
    """An explicit !!str tag makes text; an impossible bare date is kept as written."""
    framework = load_framework(HAZARDS / "explicit-tags-and-impossible-date.yaml")
    assert framework.title == "2024-05-01"
    assert framework.population == "2026-02-30"
    assert framework.outcome_ids[0] == "being-outdoors"


def test_unquoted_types_are_named() -> None:
    """The message names what YAML made of the unquoted value."""
    kinds = {
        "title-null.yaml": "as null",
        "title-no.yaml": "as a true/false value",
        "version-one-ten.yaml": "as a number",
        "population-bare-date.yaml": "as a date",
    }
    for name, kind in kinds.items():
        error = _error(name)
        assert isinstance(error, InvalidFrameworkError)
        assert kind in error.problems[0].message


@pytest.mark.usefixtures("loader")
@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("'it''s \"here\" \\ now'", 'it\'s "here" \\ now'),
        ('"it\'s\\there \\"now\\""', 'it\'s\there "now"'),
        ('"\\x41\\u00e9\\U0001F600"', "A\u00e9\U0001f600"),
        ('"one \\\n  two"', "one two"),
        ("Helping\tin the\t garden\t", "Helping\tin the\t garden"),
        ("one\u2028  two", "one\u2028two"),
        ("|-\n  Helping\n\n  out", "Helping\n\nout"),
        ("|2\t# kept\n   indented", " indented\n"),
        ("|2-\n   indented\n", " indented"),
    ],
)
def test_scalars_read_the_same_with_either_parser(tmp_path: Path, written: str, read: str) -> None:
    """Quoted, escaped, tabbed and block scalars make the same text with either parser
    (the pure-Python one reads them with methods of its own, as libyaml does)."""
    text = MINIMAL.read_text(encoding="utf-8").replace("A local test framework", written)
    path = tmp_path / "f.yaml"
    path.write_text(text + "\n\n...\n", encoding="utf-8")
    assert load_framework(path).title == read
