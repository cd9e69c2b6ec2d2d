"""Reading, checking and registering framework files."""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Iterator, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Final, cast

import jsonschema
from attrs import frozen

from personal_outcomes._convert import structure_framework
from personal_outcomes._framework_schema import FRAMEWORK_SCHEMA_NAME
from personal_outcomes._model import Framework, closest, normalise_label
from personal_outcomes._pointer import Path as NodePath
from personal_outcomes._pointer import to_pointer
from personal_outcomes._yaml import YAMLDocument, describe_type, load_one
from personal_outcomes.errors import (
    DuplicateFrameworkError,
    InvalidFrameworkError,
    Problem,
    UnknownFrameworkError,
    UnreadableFileError,
)

#: File name endings read as framework files in a folder.
FRAMEWORK_SUFFIXES: Final = (".yaml", ".yml")


@functools.cache
def framework_file_schema() -> dict[str, object]:
    """Return the shipped JSON Schema of framework files."""
    text = resources.files("personal_outcomes").joinpath("schemas", FRAMEWORK_SCHEMA_NAME)
    return cast("dict[str, object]", json.loads(text.read_text(encoding="utf-8")))


@functools.cache
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(
        framework_file_schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def _where(document: YAMLDocument | None, path: NodePath) -> tuple[int | None, int | None]:
    if document is None:
        return None, None
    return document.positions.get(path, (None, None))


def _schema_problems(data: object, document: YAMLDocument | None) -> Iterator[Problem]:
    for error in _validator().iter_errors(data):
        path = tuple(error.absolute_path)
        message = error.message
        plain = document.typed_plain.get(path) if document else None
        if plain is not None and error.validator == "type":
            message = (
                f"expected text, but YAML reads this unquoted value as "
                f"{describe_type(error.instance)}; put it in quotes"
            )
        line, column = _where(document, path)
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


def _label_clashes(
    outcomes: list[tuple[NodePath, dict[str, object]]],
) -> Iterator[tuple[NodePath, str]]:
    """Labels found by lookup (ignoring case, spacing, punctuation) name one outcome only."""
    owners: dict[str, object] = {}
    for path, outcome in outcomes:
        labels: list[tuple[NodePath, str]] = [((*path, "label"), cast("str", outcome["label"]))]
        aliases = cast("list[dict[str, str]]", outcome.get("aliases", []))
        labels += [((*path, "aliases", i, "label"), a["label"]) for i, a in enumerate(aliases)]
        statement = cast("dict[str, str] | None", outcome.get("statement"))
        if statement is not None:
            labels.append(((*path, "statement", "text"), statement["text"]))
        for label_path, label in labels:
            key = normalise_label(label)
            owner = owners.setdefault(key, outcome["id"]) if key else outcome["id"]
            if owner != outcome["id"]:
                yield (
                    label_path,
                    (
                        f"this label is also a label of outcome {owner!r} (ignoring case, spacing "
                        "and punctuation), so a lookup by label would be ambiguous; reword one"
                    ),
                )


def _alias_problems(
    item: Mapping[str, object], path: NodePath, keys: set[str]
) -> Iterator[tuple[NodePath, str]]:
    for index, alias in enumerate(cast("list[dict[str, str]]", item.get("aliases", []))):
        if alias["source"] not in keys:
            yield (*path, "aliases", index, "source"), "names a source key that is not defined"


def check_framework_data(
    data: object, source: str, document: YAMLDocument | None = None
) -> Framework:
    """Check framework data against the schema and the rules, then build it."""
    problems = list(_schema_problems(data, document))
    if not problems:
        mapping = cast("Mapping[str, object]", data)
        for path, message in _rule_problems(mapping):
            line, column = _where(document, path)
            problems.append(
                Problem(pointer=to_pointer(path), message=message, line=line, column=column)
            )
    if problems:
        problems.sort(key=lambda p: (p.line or 0, p.column or 0, p.pointer, p.message))
        raise InvalidFrameworkError(source=source, problems=tuple(problems))
    return structure_framework(cast("Mapping[str, object]", data))


def parse_framework(data: bytes, source: str) -> Framework:
    """Read, check and build a framework from the bytes of a framework file."""
    document = load_one(data, source)
    return check_framework_data(document.data, source, document)


def load_framework(path: str | os.PathLike[str]) -> Framework:
    """Read a framework file, check it fully, and return the framework.

    Raises :class:`~personal_outcomes.errors.UnreadableFileError` when the file
    cannot be read, an :class:`~personal_outcomes.errors.InputError` subclass for
    YAML faults, and :class:`~personal_outcomes.errors.InvalidFrameworkError`
    listing every problem when the content breaks the framework file rules.
    """
    source = os.fspath(path)
    try:
        data = Path(source).read_bytes()
    except OSError as err:
        raise UnreadableFileError(source=source, reason=err.strerror or type(err).__name__) from err
    return parse_framework(data, source)


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


@frozen(kw_only=True)
class Registry:
    """The frameworks known to a program, by id and version.

    A registry never changes; adding frameworks returns a new registry.

    >>> from personal_outcomes import bundled
    >>> registry = bundled()
    >>> registry.ids
    ('adults', 'care-homes', 'carers')
    >>> registry.get("carers").version
    '1.0.0'
    """

    frameworks: tuple[Framework, ...] = ()
    #: Where each framework came from (a file name), in the same order.
    origins: tuple[str, ...] = ()

    def __attrs_post_init__(self) -> None:
        """Refuse two definitions of the same framework version."""
        if len(self.origins) != len(self.frameworks):
            object.__setattr__(self, "origins", ("<data>",) * len(self.frameworks))
        seen: dict[tuple[str, str], str] = {}
        for framework, origin in zip(self.frameworks, self.origins, strict=True):
            key = (framework.id, framework.version)
            if key in seen:
                raise DuplicateFrameworkError(
                    framework=framework.id, version=framework.version, sources=(seen[key], origin)
                )
            seen[key] = origin

    @property
    def ids(self) -> tuple[str, ...]:
        """The ids of the known frameworks, sorted."""
        return tuple(sorted({framework.id for framework in self.frameworks}))

    def versions(self, framework_id: str) -> tuple[str, ...]:
        """Return the known versions of a framework, oldest first."""
        found = [fw.version for fw in self.frameworks if fw.id == framework_id]
        if not found:
            raise self._unknown(framework_id, None)
        return tuple(sorted(found, key=_version_key))

    def get(self, framework_id: str, version: str | None = None) -> Framework:
        """Return a framework by id: the newest version, or the one asked for."""
        candidates = [fw for fw in self.frameworks if fw.id == framework_id]
        if not candidates:
            raise self._unknown(framework_id, None)
        if version is None:
            return max(candidates, key=lambda fw: _version_key(fw.version))
        for framework in candidates:
            if framework.version == version:
                return framework
        raise self._unknown(framework_id, version)

    def latest(self) -> tuple[Framework, ...]:
        """Return the newest version of every framework, ordered by id."""
        return tuple(self.get(framework_id) for framework_id in self.ids)

    def __iter__(self) -> Iterator[Framework]:
        """Iterate over every known framework version, by id then version."""
        return iter(sorted(self.frameworks, key=lambda fw: (fw.id, _version_key(fw.version))))

    def __len__(self) -> int:
        """Return the number of framework versions known."""
        return len(self.frameworks)

    def __contains__(self, framework_id: object) -> bool:
        """Say whether a framework with this id is known."""
        return any(framework.id == framework_id for framework in self.frameworks)

    def with_framework(self, framework: Framework, *, origin: str = "<data>") -> Registry:
        """Return a new registry that also knows this framework."""
        return Registry(frameworks=(*self.frameworks, framework), origins=(*self.origins, origin))

    def with_directory(self, path: str | os.PathLike[str]) -> Registry:
        """Return a new registry that also knows every framework file in a folder.

        Files ending ``.yaml`` or ``.yml`` are read, in name order; every one
        must be a valid framework file.
        """
        folder = Path(path)
        try:
            files = sorted(p for p in folder.iterdir() if p.suffix in FRAMEWORK_SUFFIXES)
        except OSError as err:
            raise UnreadableFileError(
                source=os.fspath(folder), reason=err.strerror or type(err).__name__
            ) from err
        frameworks = [load_framework(file) for file in files]
        return Registry(
            frameworks=(*self.frameworks, *frameworks),
            origins=(*self.origins, *(os.fspath(file) for file in files)),
        )

    def _unknown(self, framework_id: str, version: str | None) -> UnknownFrameworkError:
        known = self.ids
        if version is not None:
            known = tuple(f"{framework_id} {v}" for v in self.versions(framework_id))
        return UnknownFrameworkError(
            requested=framework_id,
            version=version,
            known=known,
            suggestion=None if version else closest(framework_id, list(self.ids)),
        )


@functools.cache
def bundled() -> Registry:
    """Return a registry of the frameworks shipped with the package.

    They are read from the installed package's data with
    :mod:`importlib.resources`, checked like any other framework file, and
    cached: every call returns the same (immutable) registry.
    """
    folder = resources.files("personal_outcomes").joinpath("frameworks")
    entries = sorted(
        (entry for entry in folder.iterdir() if entry.name.endswith(FRAMEWORK_SUFFIXES)),
        key=lambda entry: entry.name,
    )
    frameworks = [
        parse_framework(entry.read_bytes(), f"frameworks/{entry.name}") for entry in entries
    ]
    return Registry(
        frameworks=tuple(frameworks), origins=tuple(f"frameworks/{entry.name}" for entry in entries)
    )
