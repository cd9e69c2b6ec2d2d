"""Where the bundled framework files are: in the package, or in a source checkout.

``frameworks/`` at the root of the repository is the one canonical copy of the
data. A built wheel carries it inside the package (``personal_outcomes/frameworks/
_data/``, mapped in by the build); an editable install or a source checkout reads
the repository's folder itself. No symbolic link is involved, so every install
route and every platform's checkout work alike.
"""

from __future__ import annotations

import json
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Final

from personal_outcomes.errors import UnreadableFileError

#: File name endings read as framework files in a folder.
FRAMEWORK_SUFFIXES: Final = (".yaml", ".yml")

# src/personal_outcomes/frameworks/_data.py -> the repository's root.
_CHECKOUT: Final = Path(__file__).resolve().parents[3] / "frameworks"


def is_framework_file(name: str) -> bool:
    """Say whether a file name has a framework file's ending (case ignored).

    >>> is_framework_file("local.YAML"), is_framework_file("MANIFEST.json")
    (True, False)
    """
    return name.lower().endswith(FRAMEWORK_SUFFIXES)


def find_folder(
    packaged: Traversable | None = None, checkout: Traversable = _CHECKOUT
) -> Traversable:
    """Return the folder of bundled framework files: the packaged one, else the checkout's."""
    if packaged is None:
        packaged = resources.files(__package__ or "personal_outcomes.frameworks") / "_data"
    for folder in (packaged, checkout):
        if folder.is_dir():
            return folder
    raise UnreadableFileError(
        source="personal_outcomes/frameworks/_data",
        reason="the bundled framework files are missing; reinstall personal-outcomes",
    )


def bundled_files(folder: Traversable | None = None) -> tuple[tuple[str, bytes], ...]:
    """Return ``(origin, bytes)`` of every bundled framework file, in name order."""
    found = find_folder() if folder is None else folder
    entries = sorted(
        (entry for entry in found.iterdir() if is_framework_file(entry.name)),
        key=lambda entry: entry.name,
    )
    return tuple((f"frameworks/{entry.name}", entry.read_bytes()) for entry in entries)


def manifest() -> dict[str, dict[str, dict[str, object]]]:
    """Return the manifest of the bundled data: every released version's digest and ids.

    ``manifest()[framework_id][version]`` holds ``sha256`` (the
    :attr:`~personal_outcomes.frameworks.Framework.digest` of that version's data),
    ``categories`` and ``outcomes`` (ids in order) and ``retired`` (retired outcome ids).
    """
    text = find_folder().joinpath("MANIFEST.json").read_text(encoding="utf-8")
    data: dict[str, dict[str, dict[str, object]]] = json.loads(text)
    return data
