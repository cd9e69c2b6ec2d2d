"""Shared test settings.

With ``PERSONAL_OUTCOMES_BLOCK_ACCELERATORS=1`` in the environment, the compiled
accelerators are made impossible to import before anything imports the package,
as in a browser where only pure-Python wheels load: msgspec, orjson, PyYAML's
libyaml binding, and rpds (jsonschema then runs on the package's stand-in for it).
``make test`` runs the agreement and corpus tests a second time that way.
"""

from __future__ import annotations

import importlib.abc
import os
import sys
from collections.abc import Sequence
from types import ModuleType

import pytest
from hypothesis import HealthCheck, settings

#: The modules that are compiled (or need compiled ones), blocked in the pure-Python run.
BLOCKED = ("msgspec", "orjson", "yaml._yaml", "_yaml", "rpds", "jsonschema_rs")
BLOCKING = os.environ.get("PERSONAL_OUTCOMES_BLOCK_ACCELERATORS") == "1"


class _Blocker(importlib.abc.MetaPathFinder):
    """Refuse the accelerators, as an interpreter that does not have them would."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> None:
        del path, target
        if fullname in BLOCKED or fullname.split(".", maxsplit=1)[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {fullname!r}", name=fullname)


if BLOCKING:
    loaded = [name for name in BLOCKED if name in sys.modules]
    assert not loaded, f"already imported, too late to block: {loaded}"
    sys.meta_path.insert(0, _Blocker())
    # jsonschema then runs on the package's pure-Python stand-in for rpds, as in a
    # browser (the package installs it itself before it imports jsonschema; the tests
    # that import jsonschema directly need it installed first).
    from personal_outcomes._rpds import ensure_rpds

    ensure_rpds()


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker of tests about the accelerators themselves."""
    config.addinivalue_line(
        "markers",
        "compiled: needs an accelerator (msgspec, libyaml) or jsonschema; "
        "skipped when they are blocked",
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Skip the tests marked ``compiled`` when the accelerators are blocked."""
    if BLOCKING:
        skip = pytest.mark.skip(reason="needs a compiled module, blocked in this run")
        for item in items:
            if item.get_closest_marker("compiled") is not None:
                item.add_marker(skip)


settings.register_profile(
    "ci", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=50, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")
