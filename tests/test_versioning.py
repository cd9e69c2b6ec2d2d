"""The data versioning policy, enforced against frameworks/MANIFEST.json.

Ids are never removed or reused, only retired; any change to a framework's
content bumps its version by the rule: wording -> patch, new outcomes -> minor,
retirement -> major. The manifest records the digest of the parsed data of every
released version, so a content change without a bump fails here.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable
from pathlib import Path

import attrs
import pytest

from personal_outcomes import Framework, bundled

MANIFEST_PATH = Path(__file__).resolve().parent.parent / "frameworks" / "MANIFEST.json"

Entry = dict[str, object]
Manifest = dict[str, dict[str, Entry]]


def _version(text: str) -> tuple[int, int, int]:
    major, minor, patch = (int(part) for part in text.split("."))
    return major, minor, patch


def _entry(framework: Framework) -> Entry:
    return {
        "sha256": framework.digest,
        "categories": [c.id for c in framework.categories],
        "outcomes": [o.id for o in framework.outcomes],
        "retired": [o.id for o in framework.outcomes if o.retired],
    }


def _ids(entry: Entry, key: str) -> set[str]:
    value = entry[key]
    assert isinstance(value, list)
    return {str(item) for item in value}


def bump_problems(old_version: str, old: Entry, new_version: str, new: Entry) -> list[str]:
    """Say what is wrong with going from one recorded version to the next."""
    problems = []
    for key in ("outcomes", "categories"):
        gone = _ids(old, key) - _ids(new, key)
        if gone:
            problems.append(f"{key} removed (retire them instead): {sorted(gone)}")
    before, after = _version(old_version), _version(new_version)
    if after <= before:
        problems.append(f"version {new_version} is not newer than {old_version}")
    elif _ids(new, "retired") - _ids(old, "retired") and after[0] == before[0]:
        problems.append("outcomes were retired: that needs a major version bump")
    elif _ids(new, "outcomes") - _ids(old, "outcomes") and after[:2] == before[:2]:
        problems.append("outcomes were added: that needs at least a minor version bump")
    return problems


def manifest_problems(frameworks: Iterable[Framework], manifest: Manifest) -> list[str]:
    """Check frameworks against the manifest; return what breaks the policy."""
    problems = []
    for framework in frameworks:
        name = f"{framework.id} {framework.version}"
        versions = manifest.get(framework.id, {})
        recorded = versions.get(framework.version)
        if recorded is None:
            problems.append(f"{name} is not in the manifest: run `make manifest`")
        elif recorded["sha256"] != framework.digest:
            problems.append(f"{name}: content changed without a version bump")
        newest = max(versions, key=_version, default=framework.version)
        if _version(newest) > _version(framework.version):
            problems.append(f"{name} is older than recorded version {newest}")
        ordered = sorted(versions, key=_version)
        for old, new in itertools.pairwise(ordered):
            problems.extend(bump_problems(old, versions[old], new, versions[new]))
        current = _entry(framework)
        for version in ordered:
            gone = _ids(versions[version], "outcomes") - _ids(current, "outcomes")
            if gone:
                problems.append(f"{name} lost outcome ids of {version}: {sorted(gone)}")
    return problems


def _manifest() -> Manifest:
    data = json.loads(MANIFEST_PATH.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_bundled_frameworks_follow_the_policy() -> None:
    """Every bundled framework version is recorded, unchanged, and bumped by the rule."""
    assert manifest_problems(bundled(), _manifest()) == []


def test_manifest_records_ids_of_each_version() -> None:
    """The manifest keeps every released version's ids."""
    manifest = _manifest()
    for framework in bundled():
        assert manifest[framework.id][framework.version] == _entry(framework)


def test_content_change_without_bump_fails() -> None:
    """Changing a description but not the version is caught."""
    adults = bundled().get("adults")
    changed = attrs.evolve(adults, title=adults.title + " (edited)")
    assert manifest_problems([changed], _manifest()) == [
        f"adults {adults.version}: content changed without a version bump"
    ]


def test_new_version_must_be_recorded() -> None:
    """A bumped version must be added to the manifest."""
    adults = attrs.evolve(bundled().get("adults"), version="9.0.1")
    assert manifest_problems([adults], _manifest()) == [
        "adults 9.0.1 is not in the manifest: run `make manifest`"
    ]


def test_going_back_a_version_fails() -> None:
    """A framework cannot be older than a version already released."""
    manifest = _manifest()
    adults = bundled().get("adults")
    manifest["adults"]["9.0.0"] = _entry(adults)
    assert f"adults {adults.version} is older than recorded version 9.0.0" in manifest_problems(
        [adults], manifest
    )


@pytest.mark.parametrize(
    ("old_version", "new_version", "change", "problem"),
    [
        ("1.0.0", "1.0.1", "wording", None),
        ("1.0.0", "1.0.1", "add", "outcomes were added: that needs at least a minor version bump"),
        ("1.0.0", "1.1.0", "add", None),
        ("1.0.0", "1.1.0", "retire", "outcomes were retired: that needs a major version bump"),
        ("1.0.0", "2.0.0", "retire", None),
        ("1.0.0", "2.0.0", "remove", "outcomes removed (retire them instead): ['x']"),
        ("1.1.0", "1.0.9", "wording", "version 1.0.9 is not newer than 1.1.0"),
    ],
)
def test_bump_rule(old_version: str, new_version: str, change: str, problem: str | None) -> None:
    """Wording changes need a patch, new outcomes a minor, retirements a major bump."""
    old: Entry = {"sha256": "a", "categories": ["c"], "outcomes": ["x", "y"], "retired": []}
    new = dict(old, sha256="b")
    if change == "add":
        new["outcomes"] = ["x", "y", "z"]
    elif change == "retire":
        new["retired"] = ["y"]
    elif change == "remove":
        new["outcomes"] = ["y"]
    expected = [] if problem is None else [problem]
    assert bump_problems(old_version, old, new_version, new) == expected
