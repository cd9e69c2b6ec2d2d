"""Doctests in the documentation pages: what every page may assume."""

from __future__ import annotations

from pathlib import Path

import pytest

#: The example framework files shipped with the documentation (``docs/examples``).
EXAMPLES = Path(__file__).resolve().parent / "examples"


@pytest.fixture(autouse=True)
def _examples_folder(doctest_namespace: dict[str, object]) -> None:
    """Let the pages refer to the example folder as ``EXAMPLES``."""
    doctest_namespace["EXAMPLES"] = EXAMPLES
