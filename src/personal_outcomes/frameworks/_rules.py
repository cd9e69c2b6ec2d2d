"""The rules of framework files: the published JSON Schema, then what it cannot state.

Every problem is collected (never only the first) and placed, when the data came
from a YAML file, at its line and column.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from importlib import resources
from typing import cast

import jsonschema

from personal_outcomes._formats._yaml import YAMLDocument, describe_type
from personal_outcomes._pointer import Path as NodePath
from personal_outcomes._pointer import to_pointer
from personal_outcomes._text import normalise_label
from personal_outcomes.errors import Problem

#: The file name of the framework file schema in the package's schemas folder.
FRAMEWORK_SCHEMA_FILE = "framework.schema.json"


@functools.cache
def _shipped_schema() -> dict[str, object]:
    """Return the shipped JSON Schema of framework files."""
    text = resources.files("personal_outcomes").joinpath("schemas", FRAMEWORK_SCHEMA_FILE)
    return cast("dict[str, object]", json.loads(text.read_text(encoding="utf-8")))


@functools.cache
def _validator() -> jsonschema.Draft202012Validator:
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


def schema_problems(
    validator: jsonschema.Draft202012Validator,
    data: object,
    document: YAMLDocument | None,
    *,
    explain: Callable[[jsonschema.ValidationError], str | None] = _as_is,
) -> Iterator[Problem]:
    """Yield a placed problem for every error of ``data`` against a validator's schema.

    ``explain`` may give a plainer message for an error than the schema's own.
    """
    for error in validator.iter_errors(data):
        path = tuple(error.absolute_path)
        message = explain(error) or error.message
        plain = document.typed_plain.get(path) if document else None
        if plain is not None and error.validator == "type":
            message = (
                f"expected text, but YAML reads this unquoted value as "
                f"{describe_type(error.instance)}; put it in quotes"
            )
        line, column = where(document, path)
        yield Problem(pointer=to_pointer(path), message=message, line=line, column=column)


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
