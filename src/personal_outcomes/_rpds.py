"""A pure-Python stand-in for rpds, for where rpds-py (compiled) cannot load.

jsonschema and its ``referencing`` use rpds's persistent collections
(``HashTrieMap``, ``HashTrieSet``, ``List``). Where rpds-py is not installed (in
a browser, under Pyodide, which loads only pure-Python wheels offline),
:func:`ensure_rpds` puts this module in its place before the package imports
jsonschema, so that framework files, crosswalks and import profiles are checked
there as everywhere, with the same messages.

The collections behave as rpds's do for every operation they offer (the tests
hold them to rpds itself): immutable, each change returning a new collection.
They copy on each change rather than share structure, which is fine for the few
dozen schemas jsonschema keeps, not for large collections.
"""

from __future__ import annotations

import sys
from collections.abc import Hashable, Iterable, Iterator, Mapping
from typing import Any, TypeVar, overload

_K = TypeVar("_K", bound=Hashable)
_V = TypeVar("_V")
_T = TypeVar("_T")


def ensure_rpds() -> None:
    """Make ``import rpds`` work: the real rpds where installed, else this module."""
    try:
        import rpds  # noqa: F401, PLC0415
    except ModuleNotFoundError as missing:
        if missing.name != "rpds":  # pragma: no cover (rpds itself is broken)
            raise
        sys.modules["rpds"] = sys.modules[__name__]


def _pairs(value: Mapping[Any, Any] | Iterable[tuple[Any, Any]]) -> Iterable[tuple[Any, Any]]:
    return value.items() if isinstance(value, Mapping) else value


class HashTrieMap(Mapping[_K, _V]):
    """An immutable mapping; ``insert``, ``remove`` and the rest return a new one."""

    __slots__ = ("_items",)
    _items: dict[_K, _V]

    def __init__(self, value: Mapping[_K, _V] | Iterable[tuple[_K, _V]] = (), **kwds: _V) -> None:
        items = dict(_pairs(value))
        items.update(kwds)
        object.__setattr__(self, "_items", items)

    @classmethod
    def _of(cls, items: dict[_K, _V]) -> HashTrieMap[_K, _V]:
        made = cls.__new__(cls)
        object.__setattr__(made, "_items", items)
        return made

    @classmethod
    def convert(cls, value: Mapping[_K, _V] | Iterable[tuple[_K, _V]]) -> HashTrieMap[_K, _V]:
        """Return ``value`` if it is one already, else a new one holding it."""
        return value if isinstance(value, HashTrieMap) else cls(value)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __getitem__(self, key: _K) -> _V:
        return self._items[key]

    def __iter__(self) -> Iterator[_K]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        return hash(frozenset(self._items.items()))

    def __eq__(self, other: object) -> bool:
        # As rpds: equal to another of its kind only (not to a dict with the same items).
        if not isinstance(other, HashTrieMap):
            return NotImplemented
        return self._items == other._items

    def __repr__(self) -> str:
        return f"HashTrieMap({self._items!r})"

    def __reduce__(self) -> tuple[type[HashTrieMap[_K, _V]], tuple[dict[_K, _V]]]:
        return (type(self), (self._items,))

    def insert(self, key: _K, val: _V) -> HashTrieMap[_K, _V]:
        """Return a map with ``key`` set to ``val``."""
        items = dict(self._items)
        items[key] = val
        return self._of(items)

    def remove(self, key: _K) -> HashTrieMap[_K, _V]:
        """Return a map without ``key``; raise KeyError if it is not there."""
        items = dict(self._items)
        del items[key]
        return self._of(items)

    def discard(self, key: _K) -> HashTrieMap[_K, _V]:
        """Return a map without ``key``, whether or not it was there."""
        items = dict(self._items)
        items.pop(key, None)
        return self._of(items)

    def update(self, *args: Mapping[_K, _V] | Iterable[tuple[_K, _V]]) -> HashTrieMap[_K, _V]:
        """Return a map with the keys of each of ``args`` set, the last one winning."""
        items = dict(self._items)
        for each in args:
            items.update(_pairs(each))
        return self._of(items)


class HashTrieSet(frozenset[_T]):
    """An immutable set; ``insert``, ``remove`` and the rest return a new one."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"HashTrieSet({set(self)!r})" if self else "HashTrieSet({})"

    def insert(self, value: _T) -> HashTrieSet[_T]:
        """Return a set with ``value`` in it."""
        return HashTrieSet((*self, value))

    def remove(self, value: _T) -> HashTrieSet[_T]:
        """Return a set without ``value``; raise KeyError if it is not there."""
        if value not in self:
            raise KeyError(value)
        return self.discard(value)

    def discard(self, value: _T) -> HashTrieSet[_T]:
        """Return a set without ``value``, whether or not it was there."""
        return HashTrieSet(item for item in self if item != value)

    def update(self, *args: Iterable[_T]) -> HashTrieSet[_T]:
        """Return a set with every item of each of ``args`` in it."""
        return HashTrieSet(self.union(*args))


class List(Iterable[_T]):
    """An immutable list, changed at its front (``push_front``, ``drop_first``)."""

    __slots__ = ("_items",)
    _items: tuple[_T, ...]

    @overload
    def __init__(self, value: Iterable[_T] = ()) -> None: ...
    @overload
    def __init__(self, value: _T, *more: _T) -> None: ...
    def __init__(self, value: Any = (), *more: Any) -> None:
        items = (value, *more) if more else tuple(value)
        object.__setattr__(self, "_items", items)

    @classmethod
    def _of(cls, items: tuple[_T, ...]) -> List[_T]:
        made = cls.__new__(cls)
        object.__setattr__(made, "_items", items)
        return made

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __iter__(self) -> Iterator[_T]:
        return iter(self._items)

    def __reversed__(self) -> Iterator[_T]:
        return reversed(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, List):
            return NotImplemented
        return self._items == other._items

    def __hash__(self) -> int:
        return hash(self._items)

    def __repr__(self) -> str:
        return f"List({list(self._items)!r})"

    def __reduce__(self) -> tuple[type[List[_T]], tuple[tuple[_T, ...]]]:
        return (type(self), (self._items,))

    @property
    def first(self) -> _T:
        """The first item; IndexError if the list is empty."""
        if not self._items:
            raise IndexError("empty list has no first element")
        return self._items[0]

    @property
    def rest(self) -> List[_T]:
        """The list without its first item (empty for an empty list)."""
        return self._of(self._items[1:])

    def push_front(self, value: _T) -> List[_T]:
        """Return a list with ``value`` in front."""
        return self._of((value, *self._items))

    def drop_first(self) -> List[_T]:
        """Return the list without its first item; IndexError if it is empty."""
        if not self._items:
            raise IndexError("empty list has no first element")
        return self._of(self._items[1:])
