"""The rules of framework files: the published JSON Schema, then what it cannot state.

Every problem is collected (never only the first) and placed, when the data came
from a YAML file, at its line and column.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from importlib import resources
from typing import TYPE_CHECKING, Final, cast

from personal_outcomes._formats._yaml import YAMLDocument, describe_type
from personal_outcomes._pointer import Path as NodePath
from personal_outcomes._pointer import to_pointer
from personal_outcomes._record_format import TEXT_PATTERN
from personal_outcomes._rpds import ensure_rpds
from personal_outcomes._text import normalise_label
from personal_outcomes.errors import Problem
from personal_outcomes.schemas._framework import (
    BASE_PATTERN,
    ID_PATTERN,
    SOURCE_KEY_PATTERN,
    VERSION_PATTERN,
    whole,
)

if TYPE_CHECKING:
    import jsonschema

#: The file name of the framework file schema in the package's schemas folder.
FRAMEWORK_SCHEMA_FILE = "framework.schema.json"


@functools.cache
def _shipped_schema() -> dict[str, object]:
    """Return the shipped JSON Schema of framework files."""
    text = resources.files("personal_outcomes").joinpath("schemas", FRAMEWORK_SCHEMA_FILE)
    return cast("dict[str, object]", json.loads(text.read_text(encoding="utf-8")))


@functools.cache
def _validator() -> jsonschema.Draft202012Validator:
    ensure_rpds()
    import jsonschema  # noqa: PLC0415 (only checking a framework file needs it)

    return jsonschema.Draft202012Validator(
        _shipped_schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def where(document: YAMLDocument | None, path: NodePath) -> tuple[int | None, int | None]:
    """Return the line and column of the node at ``path``, where known."""
    if document is None:
        return None, None
    return document.positions.get(path, (None, None))


def _as_is(error: jsonschema.ValidationError) -> str | None:
    del error
    return None


#: What the schemas' patterns mean, in plain words, by pattern.
_PATTERNS: Final = {
    TEXT_PATTERN: "must be text, with at least one character that is not a space",
    whole(ID_PATTERN): (
        "must be an id: lower-case letters, digits and hyphens, starting with a letter, "
        "such as seeing-people"
    ),
    whole(SOURCE_KEY_PATTERN): (
        "must be a source key: upper-case letters, digits and hyphens, starting with a "
        "letter, such as IRISS2012"
    ),
    whole(VERSION_PATTERN): (
        "must be a version MAJOR.MINOR.PATCH without leading zeros, such as 1.0.0"
    ),
    whole(BASE_PATTERN): (
        "must be ID@VERSION: the id of a framework and one of its versions, such as adults@1.0.0"
    ),
}
#: The schemas' types, in plain words.
_TYPES: Final = {
    "string": "text",
    "array": "a list",
    "object": "a mapping (key: value pairs)",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "null",
}


def _kind(value: object) -> str:
    """Name the kind of a value, in the words of :data:`_TYPES`, for messages."""
    if isinstance(value, str):
        return "text"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None or isinstance(value, bool | int | float | dt.date):
        return describe_type(value)
    return f"a Python {type(value).__name__}"  # only from Python, never from a file


def _type_words(error: jsonschema.ValidationError, typed_plain: str | None) -> str:
    """Say what a type error means: what was expected, and what the value is."""
    expected = cast("str", error.validator_value)  # the schemas give one type each
    if typed_plain is not None and expected == "string":
        return (
            f"expected text, but YAML reads this unquoted value as "
            f"{describe_type(error.instance)}; put it in quotes"
        )
    if not error.absolute_path and expected == "object":
        return (
            "a framework file is a mapping of keys such as id, version and title, "
            f"but this file holds {_kind(error.instance)}"
        )
    return f"expected {_TYPES.get(expected, expected)}, but this is {_kind(error.instance)}"


def _plain_words(error: jsonschema.ValidationError, typed_plain: str | None) -> str | None:
    """Say what a type, pattern or length error means, never quoting a regex.

    ``typed_plain`` is the text of an unquoted YAML scalar read as a non-string, if
    the error's value is one: it needs quotes only where the schema expects text.
    """
    words = None
    if error.validator == "type":
        words = _type_words(error, typed_plain)
    elif error.validator == "pattern":
        words = _PATTERNS.get(cast("str", error.validator_value))
    elif error.validator == "minLength" and error.validator_value == 1:
        words = _PATTERNS[TEXT_PATTERN]  # an empty text, which the pattern refuses too
    elif error.validator == "maxLength":
        words = f"is longer than the {error.validator_value} characters allowed; shorten it"
    return words


def _key_problems(data: object, path: NodePath = ()) -> Iterator[tuple[NodePath, str]]:
    """Find keys that are not text (only data from Python can have them).

    The schema cannot check them (its patterns would fail on them), so they are
    found first, each reported at its mapping.
    """
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(key, str):
                yield from _key_problems(value, (*path, key))
            else:
                yield path, f"a key here is {_kind(key)}; every key must be text"
    elif isinstance(data, list):
        for index, item in enumerate(data):
            yield from _key_problems(item, (*path, index))


def schema_problems(
    validator: jsonschema.Draft202012Validator,
    data: object,
    document: YAMLDocument | None,
    *,
    explain: Callable[[jsonschema.ValidationError], str | None] = _as_is,
) -> Iterator[Problem]:
    """Yield a placed problem for every error of ``data`` against a validator's schema.

    ``explain`` may give a plainer message for an error than the schema's own. A
    fault of a key (``propertyNames``) is placed at the key. Each problem is
    yielded once, though the schema may find it twice (an empty text is both too
    short and without a character that is not a space). Keys that are not text are
    the only problems of data that has them.
    """
    keys = list(_key_problems(data))
    if keys:
        for path, message in dict.fromkeys(keys):
            yield Problem(pointer=to_pointer(path), message=message)
        return
    seen: set[Problem] = set()
    for error in validator.iter_errors(data):
        path = tuple(error.absolute_path)
        plain = document.typed_plain.get(path) if document else None
        message = explain(error) or _plain_words(error, plain) or error.message
        line, column = where(document, path)
        if list(error.absolute_schema_path)[-2:-1] == ["propertyNames"]:
            path = (*path, cast("str", error.instance))
            if document is not None:
                line, column = document.key_positions.get(path, (line, column))
        problem = Problem(pointer=to_pointer(path), message=message, line=line, column=column)
        if problem not in seen:
            seen.add(problem)
            yield problem


def _rule_problems(data: Mapping[str, object]) -> Iterator[tuple[NodePath, str]]:
    """Rules a JSON Schema cannot state; ``data`` already follows the schema."""
    sources = cast("list[dict[str, str]]", data["sources"])
    levels = cast("list[dict[str, str]]", cast("dict[str, object]", data["review_scale"])["levels"])
    yield from _unique(sources, "key", ("sources",), "this source key is already defined")
    keys = {source["key"] for source in sources}
    if data["canonical_source"] not in keys:
        yield ("canonical_source",), "names a source key that is not defined under sources"
    yield from _unique(levels, "id", ("review_scale", "levels"), "this level id is already used")
    categories = cast("list[dict[str, object]]", data["categories"])
    yield from _unique(categories, "id", ("categories",), "this category id is already used")
    outcomes: list[tuple[NodePath, dict[str, object]]] = []
    for c_index, category in enumerate(categories):
        yield from _alias_problems(category, ("categories", c_index), keys)
        for o_index, outcome in enumerate(cast("list[dict[str, object]]", category["outcomes"])):
            outcomes.append((("categories", c_index, "outcomes", o_index), outcome))
    yield from _outcome_problems(outcomes, keys)


def _unique(
    items: Sequence[Mapping[str, object]], key: str, path: NodePath, message: str
) -> Iterator[tuple[NodePath, str]]:
    seen: set[object] = set()
    for index, item in enumerate(items):
        if item[key] in seen:
            yield (*path, index, key), message
        seen.add(item[key])


def _outcome_problems(
    outcomes: list[tuple[NodePath, dict[str, object]]], keys: set[str]
) -> Iterator[tuple[NodePath, str]]:
    ids: set[object] = set()
    for path, outcome in outcomes:
        if outcome["id"] in ids:
            yield (*path, "id"), "this outcome id is already used in the framework"
        ids.add(outcome["id"])
        yield from _alias_problems(outcome, path, keys)
        statement = cast("dict[str, str] | None", outcome.get("statement"))
        if statement is not None and statement["source"] not in keys:
            yield (*path, "statement", "source"), "names a source key that is not defined"
    yield from _label_clashes(outcomes)
    retired = {outcome["id"] for _, outcome in outcomes if outcome.get("retired")}
    for path, outcome in outcomes:
        replacement = outcome.get("replaced_by")
        if replacement is None:
            continue
        if replacement == outcome["id"]:
            yield (*path, "replaced_by"), "an outcome cannot replace itself"
        elif replacement not in ids:
            yield (*path, "replaced_by"), "names an outcome id that is not in this framework"
        elif replacement in retired:
            yield (
                (*path, "replaced_by"),
                ("names an outcome that is itself retired; name the outcome to record instead"),
            )


def outcome_labels(path: NodePath, outcome: Mapping[str, object]) -> Iterator[tuple[NodePath, str]]:
    """Yield the path and text of an outcome's labels: label, aliases, statement."""
    yield (*path, "label"), cast("str", outcome["label"])
    for index, alias in enumerate(cast("list[dict[str, str]]", outcome.get("aliases", []))):
        yield (*path, "aliases", index, "label"), alias["label"]
    statement = cast("dict[str, str] | None", outcome.get("statement"))
    if statement is not None:
        yield (*path, "statement", "text"), statement["text"]


def label_clashes(labels: Iterable[tuple[NodePath, str, object]]) -> Iterator[tuple[NodePath, str]]:
    """Labels found by lookup (ignoring case, spacing, punctuation) name one outcome only.

    ``labels`` gives each label's path, text and owner (an outcome id); a clash is
    reported at the later of the two labels.
    """
    owners: dict[str, object] = {}
    for label_path, label, outcome_id in labels:
        key = normalise_label(label)
        owner = owners.setdefault(key, outcome_id) if key else outcome_id
        if owner != outcome_id:
            yield (
                label_path,
                (
                    f"this label is also a label of outcome {owner!r} (ignoring case, spacing "
                    "and punctuation), so a lookup by label would be ambiguous; reword one"
                ),
            )


def _label_clashes(
    outcomes: list[tuple[NodePath, dict[str, object]]],
) -> Iterator[tuple[NodePath, str]]:
    labels = (
        (label_path, label, outcome["id"])
        for path, outcome in outcomes
        for label_path, label in outcome_labels(path, outcome)
    )
    return label_clashes(labels)


def _alias_problems(
    item: Mapping[str, object], path: NodePath, keys: set[str]
) -> Iterator[tuple[NodePath, str]]:
    for index, alias in enumerate(cast("list[dict[str, str]]", item.get("aliases", []))):
        if alias["source"] not in keys:
            yield (*path, "aliases", index, "source"), "names a source key that is not defined"


def framework_problems(data: object, document: YAMLDocument | None = None) -> tuple[Problem, ...]:
    """Check framework data against the schema, then the rules; return every problem.

    ``document`` (when the data came from a YAML file) gives each problem its
    line and column. The problems are sorted by position.
    """
    problems = list(schema_problems(_validator(), data, document))
    if not problems:
        mapping = cast("Mapping[str, object]", data)
        for path, message in _rule_problems(mapping):
            line, column = where(document, path)
            problems.append(
                Problem(pointer=to_pointer(path), message=message, line=line, column=column)
            )
    return sorted_problems(problems)


def sorted_problems(problems: Iterable[Problem]) -> tuple[Problem, ...]:
    """Return problems in the order of their places (line, column, pointer), then message."""
    return tuple(sorted(problems, key=lambda p: (p.line or 0, p.column or 0, p.pointer, p.message)))
