"""The rules of crosswalk files: the published JSON Schema, then what it cannot state.

Every problem is collected (never only the first) and placed, when the data came
from a YAML file, at its line and column.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, cast

from personal_outcomes._formats._yaml import YAMLDocument
from personal_outcomes._pointer import Path as NodePath
from personal_outcomes._pointer import to_pointer
from personal_outcomes._rpds import ensure_rpds
from personal_outcomes._text import closest
from personal_outcomes.errors import Problem
from personal_outcomes.frameworks import Registry
from personal_outcomes.frameworks._rules import schema_problems
from personal_outcomes.schemas._crosswalk import crosswalk_schema

if TYPE_CHECKING:
    import jsonschema

#: A problem found by a rule: where (and whether at the key of that place), and what.
_Found = tuple[NodePath, bool, str]


@functools.cache
def _validator() -> jsonschema.Draft202012Validator:
    ensure_rpds()
    import jsonschema  # noqa: PLC0415 (only reading a crosswalk needs it)

    return jsonschema.Draft202012Validator(crosswalk_schema())


def _where(
    document: YAMLDocument | None, path: NodePath, *, key: bool = False
) -> tuple[int | None, int | None]:
    """Return where a node (or, with ``key``, its key) is, when the data came from a file."""
    if document is None:
        return None, None
    return (document.key_positions if key else document.positions)[path]


def _explain(error: jsonschema.ValidationError) -> str | None:
    """Say what a crosswalk file is, when it is not a mapping at all."""
    if not error.absolute_path and error.validator == "type":
        return "a crosswalk file is a mapping of keys such as id, version and national_outcomes"
    return None


def _schema_problems(data: object, document: YAMLDocument | None) -> Iterator[Problem]:
    return schema_problems(_validator(), data, document, explain=_explain)


def _rule_problems(data: Mapping[str, object], registry: Registry) -> Iterator[_Found]:
    """Rules a JSON Schema cannot state; ``data`` already follows the schema."""
    nationals = cast("list[dict[str, object]]", data["national_outcomes"])
    for index, national in enumerate(nationals):
        if national["number"] != index + 1:
            yield (
                ("national_outcomes", index, "number"),
                False,
                (
                    "the national outcomes are listed once each, in order, 1 to 9: "
                    f"this one must be number {index + 1}"
                ),
            )
    frameworks = cast("dict[str, list[dict[str, object]]]", data["frameworks"])
    for framework_id, entries in frameworks.items():
        place: NodePath = ("frameworks", framework_id)
        if framework_id not in registry:
            suggestion = closest(framework_id, list(registry.ids))
            hint = f"; did you mean {suggestion!r}?" if suggestion else ""
            known = ", ".join(registry.ids)
            yield place, True, f"names a framework that is not bundled (bundled: {known}){hint}"
            continue
        framework = registry.get(framework_id)
        seen: set[object] = set()
        for index, entry in enumerate(entries):
            outcome = cast("str", entry["outcome"])
            at = (*place, index, "outcome")
            if outcome not in framework:
                suggestion = closest(outcome, list(framework.outcome_ids))
                hint = f"; did you mean {suggestion!r}?" if suggestion else ""
                yield at, False, f"framework {framework_id!r} has no outcome with that id{hint}"
            elif outcome in seen:
                yield (
                    at,
                    False,
                    (
                        "this outcome is already listed for the framework; give all its "
                        "links in one entry"
                    ),
                )
            seen.add(outcome)
            links = cast("list[dict[str, object]]", entry["national_outcomes"])
            yield from _link_problems(links, (*place, index, "national_outcomes"))


def _link_problems(links: list[dict[str, object]], place: NodePath) -> Iterator[_Found]:
    """Check that an outcome's links name each national outcome once, in number order."""
    before = 0
    for index, link in enumerate(links):
        number = cast("int", link["number"])
        at = (*place, index, "number")
        if any(other["number"] == number for other in links[:index]):
            yield at, False, "this national outcome is already linked to this outcome"
        elif number < before:
            yield at, False, "list an outcome's national outcomes in number order"
        before = max(before, number)


def crosswalk_problems(
    data: object, registry: Registry, document: YAMLDocument | None = None
) -> tuple[Problem, ...]:
    """Check crosswalk data against the schema, then the rules; return every problem.

    Framework and outcome ids must be those of ``registry``. ``document`` (when the
    data came from a YAML file) gives each problem its line and column. The problems
    are sorted by position.
    """
    problems = list(_schema_problems(data, document))
    if not problems:
        mapping = cast("Mapping[str, object]", data)
        for path, key, message in _rule_problems(mapping, registry):
            line, column = _where(document, path, key=key)
            problems.append(
                Problem(pointer=to_pointer(path), message=message, line=line, column=column)
            )
    problems.sort(key=lambda p: (p.line or 0, p.column or 0, p.pointer, p.message))
    return tuple(problems)
