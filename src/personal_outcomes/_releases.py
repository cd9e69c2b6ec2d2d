"""Earlier releases of a bundled framework, as the manifest records them.

Ids are never removed or reused (see the versioning policy), so a record made
against an earlier release is read against the newest data, restricted to the
outcome ids that release had. Only the bundled data has a manifest: a framework
whose data is not the bundled release of its version has no earlier releases.
"""

from __future__ import annotations

import functools

from attrs import frozen

from personal_outcomes.frameworks._data import manifest
from personal_outcomes.frameworks._model import Framework
from personal_outcomes.frameworks._model import version_key as _version_key


@frozen(kw_only=True)
class Release:
    """What the manifest says of one earlier release of a framework."""

    version: str
    outcome_ids: tuple[str, ...]
    retired: frozenset[str]


@functools.cache
def _manifest() -> dict[str, dict[str, dict[str, object]]]:
    return manifest()


def earlier_releases(framework: Framework) -> tuple[Release, ...]:
    """Return the releases before ``framework``'s version, oldest first (see the module)."""
    releases = _manifest().get(framework.id, {})
    entry = releases.get(framework.version)
    if entry is None or entry["sha256"] != framework.digest:
        return ()
    newest = _version_key(framework.version)
    found = [
        Release(
            version=version,
            outcome_ids=tuple(older["outcomes"]),  # type: ignore[arg-type]
            retired=frozenset(older["retired"]),  # type: ignore[call-overload]
        )
        for version, older in releases.items()
        if _version_key(version) < newest
    ]
    return tuple(sorted(found, key=lambda release: _version_key(release.version)))
