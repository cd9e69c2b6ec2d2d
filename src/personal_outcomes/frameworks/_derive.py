"""Local frameworks: a framework derived from another one by a small file.

A derived file (one with a top-level ``extends`` key) names the framework it
starts from as ``ID@VERSION`` and says what its own framework adds, relabels and
retires. The base is looked up in a registry: a version the registry holds, or an
earlier release of a bundled framework as the manifest records it (the newest data
restricted to that release's outcome ids and retirements, see ``_releases``).

The file is checked against its own JSON Schema, then against the rules below,
every problem collected and placed at its line and column; the result is built
as data in the framework file format and checked once more as any framework file
is, so a derived framework is always a valid framework of its own.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Final, NoReturn, cast

import attrs

from personal_outcomes._formats._yaml import YAMLDocument
from personal_outcomes._pointer import Path as NodePath
from personal_outcomes._pointer import to_pointer
from personal_outcomes._releases import Release, earlier_releases
from personal_outcomes._rpds import ensure_rpds
from personal_outcomes._text import closest
from personal_outcomes.errors import InvalidFrameworkError, Problem
from personal_outcomes.frameworks._data import manifest
from personal_outcomes.frameworks._model import Framework, build_framework, version_key
from personal_outcomes.frameworks._rules import (
    label_clashes,
    outcome_labels,
    schema_problems,
    sorted_problems,
    where,
)

if TYPE_CHECKING:
    import jsonschema

    from personal_outcomes.frameworks._registry import Registry

#: The file name of the derived framework file schema in the package's schemas folder.
DERIVED_SCHEMA_FILE: Final = "derived-framework.schema.json"

#: The prompts of an added outcome that gives none (a framework needs two or three).
DEFAULT_PROMPTS: Final = (
    "What does this mean for you?",
    "What helps with this just now, and who or what else could help?",
)


def default_description(label: str) -> str:
    """Return the description of an added outcome that gives none.

    >>> default_description("Getting online")
    'Getting online: an outcome added by a local framework, which gives no description.'
    """
    return f"{label}: an outcome added by a local framework, which gives no description."


def is_derived(data: object) -> bool:
    """Say whether data read from a framework file is a derived file (it has ``extends``)."""
    return isinstance(data, Mapping) and "extends" in data


@functools.cache
def _validator() -> jsonschema.Draft202012Validator:
    ensure_rpds()
    import jsonschema  # noqa: PLC0415 (only a derived file needs it, not every command)

    text = resources.files("personal_outcomes").joinpath("schemas", DERIVED_SCHEMA_FILE)
    schema = json.loads(text.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def _explain(error: jsonschema.ValidationError) -> str | None:
    """Say in plain words what the schema's message says in its own terms, where it helps."""
    path = tuple(error.absolute_path)
    if error.validator == "pattern" and path == ("extends",):
        return (
            "must be ID@VERSION: the id and version of the framework to extend, "
            "such as adults@1.0.0"
        )
    if path == ("remove",):
        return (
            "'remove' is not a key of derived framework files: an outcome is never removed "
            "(records name it); retire it instead, under 'retire'"
        )
    return None


def _split(base: str) -> tuple[str, str]:
    framework_id, _, version = base.partition("@")
    return framework_id, version


def _suggest(suggestion: str | None) -> str:
    return f"; did you mean {suggestion!r}?" if suggestion else ""


def as_release(framework: Framework, release: Release) -> Framework:
    """Return the newest data of a framework as an earlier release: its ids and retirements."""
    kept = set(release.outcome_ids)
    categories = []
    for category in framework.categories:
        outcomes = tuple(
            attrs.evolve(
                outcome,
                retired=outcome.id in release.retired,
                replaced_by=outcome.replaced_by if outcome.id in release.retired else None,
            )
            for outcome in category.outcomes
            if outcome.id in kept
        )
        if outcomes:
            categories.append(attrs.evolve(category, outcomes=outcomes))
    return attrs.evolve(framework, version=release.version, categories=tuple(categories))


def resolve_base(registry: Registry, base: str) -> Framework | str:
    """Return the framework ``ID@VERSION`` names, or a message saying why there is none.

    A version the registry holds is used as it is; an earlier release of a bundled
    framework is the newest data as that release (:func:`as_release`).
    """
    framework_id, version = _split(base)
    if framework_id not in registry:
        known = ", ".join(registry.ids) or "none"
        return (
            f"names a framework that is not known (known: {known}): correct the id, or "
            f"load the framework's file first{_suggest(closest(framework_id, list(registry.ids)))}"
        )
    held = registry.versions(framework_id)
    if version in held:
        return registry.get(framework_id, version)
    newest = registry.get(framework_id)
    releases = {release.version: release for release in earlier_releases(newest)}
    if version in releases:
        return as_release(newest, releases[version])
    versions = sorted({*held, *releases}, key=version_key)
    return (
        f"names a version of framework {framework_id!r} that is not known "
        f"(known: {', '.join(versions)}){_suggest(closest(version, versions))}"
    )


class _Derivation:
    """The rules of one derived file against its base; collects placed problems."""

    def __init__(
        self, data: Mapping[str, object], base: Framework, document: YAMLDocument | None
    ) -> None:
        self.data = data
        self.base = base
        self.document = document
        self.name = f"{base.id} {base.version}"
        self.problems: list[Problem] = []
        self.base_ids = set(base.outcome_ids)
        self.added = [
            cast("dict[str, object]", item) for item in cast("list[object]", data.get("add", []))
        ]
        self.added_ids = {item["id"] for item in self.added}
        self.relabel = cast("dict[str, str]", data.get("relabel", {}))
        self.retire = cast("list[dict[str, str]]", data.get("retire", []))
        self.keys = {source.key for source in base.sources}

    def problem(self, path: NodePath, message: str, *, at_key: bool = False) -> None:
        """Record a problem at the node (or the key) at ``path``."""
        line, column = where(self.document, path)
        if at_key and self.document is not None:
            line, column = self.document.key_positions.get(path, (line, column))
        self.problems.append(
            Problem(pointer=to_pointer(path), message=message, line=line, column=column)
        )

    def check(self) -> None:
        """Check every rule, collecting the problems."""
        self._own_id()
        self._sources()
        self._added()
        self._relabelled()
        self._retired()
        # The base's labels first: its own are distinct, so every clash is at this file's.
        labels: list[tuple[NodePath, str, object]] = [
            ((), label, outcome.id) for outcome in self.base for label in outcome.labels
        ]
        for outcome_id, label in self.relabel.items():
            if outcome_id in self.base_ids:
                labels.append((("relabel", outcome_id), label, outcome_id))
        for index, item in enumerate(self.added):
            labels += [(p, label, item["id"]) for p, label in outcome_labels(("add", index), item)]
        for path, message in label_clashes(labels):
            self.problem(path, message)

    def _own_id(self) -> None:
        """Refuse the base's id, and the id of any bundled framework (the manifest's)."""
        own = self.data["id"]
        example = f"such as your organisation's name and the base's id (lanark-{self.base.id})"
        if own == self.base.id:
            self.problem(
                ("id",),
                "a local framework needs an id of its own, not the id of the framework it "
                f"extends; choose a new one, {example}",
            )
        elif own in manifest():
            self.problem(
                ("id",),
                f"{own!r} is the id of a bundled framework: a local framework with it would "
                f"pass for a version of that framework; choose an id of your organisation's "
                f"own, {example}",
            )

    def _sources(self) -> None:
        sources = cast("list[dict[str, str]]", self.data.get("sources", []))
        for index, source in enumerate(sources):
            if source["key"] in self.keys:
                self.problem(
                    ("sources", index, "key"),
                    f"this source key is already defined, by {self.name} or above; cite it "
                    "without defining it again",
                )
            self.keys.add(source["key"])
        if self.data.get("canonical_source", self.base.canonical_source) not in self.keys:
            self.problem(("canonical_source",), self._undefined_source)

    @property
    def _undefined_source(self) -> str:
        return f"names a source key that neither {self.name} nor this file's sources define"

    def _added(self) -> None:
        categories = [category.id for category in self.base.categories]
        seen: set[object] = set()
        for index, item in enumerate(self.added):
            path: NodePath = ("add", index)
            if item["id"] in self.base_ids:
                self.problem(
                    (*path, "id"),
                    f"{self.name} already has an outcome with this id, and ids are never "
                    "reused: choose a new id, or relabel the outcome instead",
                )
            elif item["id"] in categories:
                self.problem(
                    (*path, "id"),
                    f"this id is a category id of {self.name}; an outcome needs an id of its own",
                )
            elif item["id"] in seen:
                self.problem((*path, "id"), "this outcome id is already added above")
            seen.add(item["id"])
            if item["category"] not in categories:
                suggestion = _suggest(closest(cast("str", item["category"]), categories))
                self.problem(
                    (*path, "category"),
                    f"{self.name} has no category with this id (its categories: "
                    f"{', '.join(categories)}){suggestion}",
                )
            for alias_index, alias in enumerate(
                cast("list[dict[str, str]]", item.get("aliases", []))
            ):
                if alias["source"] not in self.keys:
                    self.problem((*path, "aliases", alias_index, "source"), self._undefined_source)
            statement = cast("dict[str, str] | None", item.get("statement"))
            if statement is not None and statement["source"] not in self.keys:
                self.problem((*path, "statement", "source"), self._undefined_source)

    def _unknown_outcome(self, outcome_id: str) -> str:
        if outcome_id in self.added_ids:
            return "this outcome is added by this file, not one of the base's"
        suggestion = _suggest(closest(outcome_id, list(self.base.outcome_ids)))
        return f"{self.name} has no outcome with this id{suggestion}"

    def _relabelled(self) -> None:
        for outcome_id, label in self.relabel.items():
            path: NodePath = ("relabel", outcome_id)
            if outcome_id not in self.base_ids:
                message = self._unknown_outcome(outcome_id)
                if outcome_id in self.added_ids:
                    message += "; give its label under 'add'"
                self.problem(path, message, at_key=True)
            elif self.base.outcome(outcome_id).label == label:
                self.problem(
                    path, f"this is already the outcome's label in {self.name}; leave it out"
                )

    def _retired(self) -> None:
        retiring = {item["id"] for item in self.retire}
        seen: set[str] = set()
        for index, item in enumerate(self.retire):
            path: NodePath = ("retire", index)
            outcome_id = item["id"]
            if outcome_id not in self.base_ids:
                message = self._unknown_outcome(outcome_id)
                if outcome_id in self.added_ids:
                    message += "; leave it out of 'add' instead of retiring it"
                self.problem((*path, "id"), message)
            elif self.base.outcome(outcome_id).retired:
                self.problem((*path, "id"), f"this outcome is already retired in {self.name}")
            elif outcome_id in seen:
                self.problem((*path, "id"), "this outcome is already retired above")
            seen.add(outcome_id)
            replacement = item.get("replaced_by")
            if replacement is None:
                continue
            if replacement == outcome_id:
                self.problem((*path, "replaced_by"), "an outcome cannot replace itself")
            elif replacement not in self.base_ids | self.added_ids:
                suggestion = _suggest(
                    closest(replacement, [*self.base.outcome_ids, *map(str, self.added_ids)])
                )
                self.problem(
                    (*path, "replaced_by"),
                    f"names an outcome that is neither in {self.name} nor added by this file"
                    f"{suggestion}",
                )
            elif replacement in retiring or (
                replacement in self.base_ids and self.base.outcome(replacement).retired
            ):
                self.problem(
                    (*path, "replaced_by"),
                    "names an outcome that is itself retired; name the outcome to record instead",
                )

    def framework_data(self) -> dict[str, object]:
        """Return the derived framework as data in the framework file format."""
        data = self.base.to_data()
        data.update(
            id=self.data["id"],
            version=self.data["version"],
            based_on=self.data["extends"],
            title=self.data["title"],
        )
        for key in ("population", "opening_questions", "canonical_source"):
            if key in self.data:
                data[key] = self.data[key]
        data["sources"] = [
            *cast("list[object]", data["sources"]),
            *cast("list[object]", self.data.get("sources", [])),
        ]
        retire = {item["id"]: item.get("replaced_by") for item in self.retire}
        categories = cast("list[dict[str, object]]", data["categories"])
        for category in categories:
            outcomes = cast("list[dict[str, object]]", category["outcomes"])
            for outcome in outcomes:
                outcome_id = cast("str", outcome["id"])
                if outcome_id in self.relabel:
                    old = {"label": outcome["label"], "source": self.base.canonical_source}
                    outcome["aliases"] = [*cast("list[object]", outcome.get("aliases", [])), old]
                    outcome["label"] = self.relabel[outcome_id]
                if outcome_id in retire:
                    outcome["retired"] = True
                    if retire[outcome_id] is not None:
                        outcome["replaced_by"] = retire[outcome_id]
                elif outcome.get("replaced_by") in retire:
                    # Retired before, in favour of an outcome retired now: follow it on.
                    replacement = retire[cast("str", outcome.pop("replaced_by"))]
                    if replacement is not None:
                        outcome["replaced_by"] = replacement
            outcomes += [
                _added_outcome(item) for item in self.added if item["category"] == category["id"]
            ]
        return data


def _added_outcome(item: Mapping[str, object]) -> dict[str, object]:
    """Return an added outcome in the framework file format, with the defaults filled in."""
    outcome = {key: value for key, value in item.items() if key != "category"}
    outcome.setdefault("description", default_description(cast("str", item["label"])))
    outcome.setdefault("prompts", list(DEFAULT_PROMPTS))
    return outcome


def _checked(data: object, source: str, document: YAMLDocument | None) -> Mapping[str, object]:
    """Return a derived file's data if it follows the derived file schema, else raise."""
    problems = list(schema_problems(_validator(), data, document, explain=_explain))
    if problems:
        raise InvalidFrameworkError(source=source, problems=sorted_problems(problems))
    return cast("Mapping[str, object]", data)


def _at_extends(source: str, document: YAMLDocument | None, message: str) -> InvalidFrameworkError:
    line, column = where(document, ("extends",))
    problem = Problem(pointer="/extends", message=message, line=line, column=column)
    return InvalidFrameworkError(source=source, problems=(problem,))


def derive(
    data: object,
    source: str,
    registry: Registry,
    document: YAMLDocument | None = None,
) -> Framework:
    """Check a derived file's data, find its base in ``registry`` and build its framework.

    Raises :class:`~personal_outcomes.errors.InvalidFrameworkError` listing every
    problem; ``document`` (when the data came from a YAML file) places them.
    """
    mapping = _checked(data, source, document)
    base = resolve_base(registry, cast("str", mapping["extends"]))
    if isinstance(base, str):
        raise _at_extends(source, document, base)
    derivation = _Derivation(mapping, base, document)
    derivation.check()
    if derivation.problems:
        raise InvalidFrameworkError(source=source, problems=sorted_problems(derivation.problems))
    return build_framework(derivation.framework_data(), source)


def _defines(data: object) -> str | None:
    """Return the ``ID@VERSION`` a derived file's data defines, if its id and version are text."""
    mapping = cast("Mapping[str, object]", data)  # a derived file's data is a mapping
    framework_id, version = mapping.get("id"), mapping.get("version")
    if isinstance(framework_id, str) and isinstance(version, str):
        return f"{framework_id}@{version}"
    return None


def refuse_blocked(registry: Registry, pending: Sequence[tuple[str, YAMLDocument]]) -> NoReturn:
    """Raise the error of derived files of a folder none of which can be derived yet.

    ``pending`` holds the files (source and document, in name order) whose bases
    ``registry`` does not know. Following each file's base to the file that defines
    it either ends at a file whose base no file defines, whose own error says what
    is wrong (an unknown base, or a fault of its own), or comes back to a file it
    passed: the files extend each other in a cycle, refused at the cycle's first
    file in name order, naming the others.
    """
    defined: dict[str, int] = {}
    for index, (_, document) in enumerate(pending):
        defines = _defines(document.data)
        if defines is not None:
            defined.setdefault(defines, index)
    passed: list[int] = []
    index = 0
    while index not in passed:
        passed.append(index)
        base = base_of(pending[index][1].data)
        following = defined.get(base) if base is not None else None
        if following is None:
            source, document = pending[index]
            mapping = _checked(document.data, source, document)
            # Its base is not known (or the file would not be pending): resolve says why.
            message = resolve_base(registry, cast("str", mapping["extends"]))
            raise _at_extends(source, document, cast("str", message))
        index = following
    cycle = passed[passed.index(index) :]
    start = cycle.index(min(cycle))
    files = [pending[at] for at in cycle[start:] + cycle[:start]]
    source, document = files[0]
    _checked(document.data, source, document)
    if len(files) == 1:
        message = (
            "names this file's own id and version: a framework cannot extend itself; "
            "name the framework it is derived from"
        )
    else:
        steps = ", which extends ".join(
            f"{_defines(data.data)} ({Path(other).name})" for other, data in files[1:]
        )
        names = ["this file", *(Path(other).name for other, _ in files[1:])]
        message = (
            f"{', '.join(names[:-1])} and {names[-1]} extend each other in a cycle: it "
            f"extends {steps}, "
            f"which extends {_defines(document.data)} (this file), so none of them has a base "
            "to start from; make one of them extend a framework that is known"
        )
    raise _at_extends(source, document, message)


def base_of(data: object) -> str | None:
    """Return the ``extends`` of a derived file's data if it is text, else None."""
    base = data.get("extends") if isinstance(data, Mapping) else None
    return base if isinstance(base, str) else None
