"""JSON Pointers (RFC 6901) from paths of keys and indexes."""

from __future__ import annotations

from collections.abc import Iterable

Path = tuple[str | int, ...]


def to_pointer(path: Iterable[str | int]) -> str:
    """Return the RFC 6901 JSON Pointer for a path of keys and indexes.

    >>> to_pointer(("outcomes", 0, "what/matters~"))
    '/outcomes/0/what~1matters~0'
    >>> to_pointer(())
    ''
    """
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)
