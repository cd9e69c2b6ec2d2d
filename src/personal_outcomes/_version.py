"""The package's version (kept in step with ``pyproject.toml`` by a test)."""

from __future__ import annotations

__version__ = "0.1.0"
