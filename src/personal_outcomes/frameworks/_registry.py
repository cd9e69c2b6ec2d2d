"""Reading framework files, and the registry of known frameworks."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator, Mapping
from pathlib import Path

from attrs import frozen

from personal_outcomes._formats._yaml import YAMLDocument, load_one
from personal_outcomes._text import closest
from personal_outcomes.errors import (
    DuplicateFrameworkError,
    UnknownFrameworkError,
    UnreadableFileError,
)
from personal_outcomes.frameworks._data import bundled_files, is_framework_file, manifest
from personal_outcomes.frameworks._model import (
    Framework,
    build_framework,
    data_digest,
    structure_framework,
    version_key,
)


def parse_framework(data: bytes, source: str, registry: Registry | None = None) -> Framework:
    """Read, check and build a framework from the bytes of a framework file.

    A derived file (with ``extends``) finds its base in ``registry``, by default
    the bundled frameworks.
    """
    return _build(load_one(data, source), source, registry)


def _build(document: YAMLDocument, source: str, registry: Registry | None) -> Framework:
    # Local frameworks (and jsonschema, which checks them) are imported when first met.
    from personal_outcomes.frameworks._derive import derive, is_derived  # noqa: PLC0415

    if is_derived(document.data):
        return derive(document.data, source, bundled() if registry is None else registry, document)
    return build_framework(document.data, source, document)


Releases = Mapping[str, Mapping[str, Mapping[str, object]]]


def released(data: object, releases: Releases) -> Framework | None:
    """Return the framework of data that is exactly its newest release, else None.

    ``releases`` is the manifest of the bundled data, which records the digest of
    every release's data. Data with the digest of the newest release of its
    framework is that release's, which passed every check of framework files (the
    tests keep the manifest and the bundled files in step), so it is built without
    checking it again. Any other data, such as a bundled file changed on disk,
    gets None: it must be checked like any framework file.
    """
    if not isinstance(data, dict):
        return None
    framework_id, version = data.get("id"), data.get("version")
    versions = releases.get(framework_id) if isinstance(framework_id, str) else None
    if not versions or version != max(versions, key=version_key):
        return None
    try:
        digest = data_digest(data)
    except (TypeError, ValueError):  # not JSON data (a bare date, say): not a release's
        return None
    if digest != versions[version]["sha256"]:
        return None
    framework = structure_framework(data)
    # The framework's digest is the data's (to_data() gives back exactly this data).
    object.__setattr__(framework, "digest", digest)
    return framework


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as err:
        raise UnreadableFileError(
            source=os.fspath(path), reason=err.strerror or type(err).__name__
        ) from err


def load_framework(path: str | os.PathLike[str], *, registry: Registry | None = None) -> Framework:
    """Read a framework file, check it fully, and return the framework.

    A derived file (one that ``extends`` another framework, see
    :func:`derive_framework`) finds its base in ``registry``, by default the
    bundled frameworks.

    Raises :class:`~personal_outcomes.errors.UnreadableFileError` when the file
    cannot be read, an :class:`~personal_outcomes.errors.InputError` subclass for
    YAML faults, and :class:`~personal_outcomes.errors.InvalidFrameworkError`
    listing every problem when the content breaks the framework file rules.
    """
    source = os.fspath(path)
    return parse_framework(_read(Path(source)), source, registry)


def derive_framework(
    data: Mapping[str, object], *, registry: Registry | None = None, source: str = "<data>"
) -> Framework:
    """Check the data of a derived framework file and build its framework.

    ``data["extends"]`` names the base as ``ID@VERSION``; it is looked up in
    ``registry`` (by default the bundled frameworks), which may also give an
    earlier release of a bundled framework. The result is a framework of its own
    whose ``based_on`` names the base. Raises
    :class:`~personal_outcomes.errors.InvalidFrameworkError` listing every
    problem; ``source`` names the data in messages.

    >>> from personal_outcomes.frameworks import derive_framework
    >>> local = derive_framework({
    ...     "id": "north-adults",
    ...     "version": "1.0.0",
    ...     "title": "Outcomes important to adults in the north",
    ...     "extends": "adults@1.1.0",
    ...     "relabel": {"seeing-people": "Seeing friends and family"},
    ... })
    >>> local.based_on, local.outcome("seeing-people").label
    ('adults@1.1.0', 'Seeing friends and family')
    >>> local.find_outcome("Seeing people").id
    'seeing-people'
    """
    from personal_outcomes.frameworks._derive import derive  # noqa: PLC0415 (see _build)

    return derive(data, source, bundled() if registry is None else registry)


#: Versions in numeric order (the name other modules import from here).
_version_key = version_key


@frozen(kw_only=True, repr=False)
class Registry:
    """The frameworks known to a program, by id and version.

    A registry never changes; adding frameworks returns a new registry.

    >>> from personal_outcomes import bundled
    >>> registry = bundled()
    >>> registry.ids
    ('adults', 'care-homes', 'carers')
    >>> registry.get("carers").version
    '1.1.0'
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

    def __repr__(self) -> str:
        """List the known frameworks and versions on one line."""
        known = ", ".join(f"{fw.id} {fw.version}" for fw in self)
        return f"<Registry: {known}>" if known else "<Registry: empty>"

    def __contains__(self, framework_id: object) -> bool:
        """Say whether a framework with this id is known."""
        return any(framework.id == framework_id for framework in self.frameworks)

    def with_framework(self, framework: Framework, *, origin: str = "<data>") -> Registry:
        """Return a new registry that also knows this framework."""
        return Registry(frameworks=(*self.frameworks, framework), origins=(*self.origins, origin))

    def with_directory(self, path: str | os.PathLike[str]) -> Registry:
        """Return a new registry that also knows every framework file in a folder.

        Files ending ``.yaml`` or ``.yml`` (in any case) are read; every one must be a
        valid framework file. Ordinary framework files are loaded first, in name
        order, then derived files (see :func:`derive_framework`), each once the
        framework it extends is known: so a derived file may extend a framework, or
        another derived one, from the same folder, whatever the files' names.
        """
        from personal_outcomes.frameworks._derive import (  # noqa: PLC0415 (see _build)
            base_of,
            derive,
            is_derived,
            resolve_base,
        )

        folder = Path(path)
        try:
            files = sorted(p for p in folder.iterdir() if is_framework_file(p.name))
        except OSError as err:
            raise UnreadableFileError(
                source=os.fspath(folder), reason=err.strerror or type(err).__name__
            ) from err
        registry = self
        derived: list[tuple[str, YAMLDocument]] = []
        for file in files:
            source = os.fspath(file)
            document = load_one(_read(file), source)
            if is_derived(document.data):
                derived.append((source, document))
            else:
                framework = build_framework(document.data, source, document)
                registry = registry.with_framework(framework, origin=source)
        while derived:
            # The first file whose base is known now; if none is, the error says why.
            ready = next(
                (
                    item
                    for item in derived
                    if isinstance(resolve_base(registry, base_of(item[1].data) or ""), Framework)
                ),
                None,
            )
            if ready is None:
                from personal_outcomes.frameworks._derive import refuse_blocked  # noqa: PLC0415

                refuse_blocked(registry, derived)
            derived.remove(ready)
            source, document = ready
            framework = derive(document.data, source, registry, document)
            registry = registry.with_framework(framework, origin=source)
        return registry

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
    :mod:`importlib.resources`, checked like any other framework file (but for a
    file whose data is exactly the newest release the package's manifest records,
    which was checked before it was released), and cached: every call returns the
    same (immutable) registry.
    """
    files = bundled_files()
    releases = manifest()
    frameworks = []
    for origin, data in files:
        document = load_one(data, origin)
        framework = released(document.data, releases)
        frameworks.append(framework or _build(document, origin, None))
    return Registry(frameworks=tuple(frameworks), origins=tuple(origin for origin, _ in files))
