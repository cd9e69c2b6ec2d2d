"""The pure-Python stand-in for rpds behaves as rpds does, operation for operation.

Where rpds-py (compiled) cannot load, as in a browser, jsonschema runs on
``personal_outcomes._rpds``; these tests hold each operation it offers to rpds's own.
"""

from __future__ import annotations

import functools
import pickle
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import BLOCKING
from personal_outcomes import _rpds

rpds: Any = None if BLOCKING else pytest.importorskip("rpds")
pytestmark = pytest.mark.skipif(BLOCKING, reason="compares with rpds, which is blocked")

# One kind of key: rpds itself cannot compare an int key with a text one (it panics).
_KEYS = st.sampled_from(["a", "b", "", "c", "1"])
_PAIRS = st.lists(st.tuples(_KEYS, st.integers(0, 5)), max_size=6)


def _outcome(action: Callable[[], object]) -> tuple[str, object]:
    """What an operation gives, in plain terms: its result, or the kind of its error."""
    try:
        result = action()
    except (KeyError, IndexError, TypeError) as err:
        return "error", type(err).__name__
    return "value", _plain(result)


def _plain(result: object) -> object:
    if isinstance(result, (rpds.HashTrieMap, _rpds.HashTrieMap)):
        return ("map", sorted(result.items(), key=repr), repr(dict(result)) if not result else "")
    if isinstance(result, (rpds.HashTrieSet, _rpds.HashTrieSet)):
        return ("set", sorted(result, key=repr))
    if isinstance(result, (rpds.List, _rpds.List)):
        return ("list", list(result), len(result))
    return result


def _both(make: Callable[[Any], Callable[[], object]]) -> None:
    assert _outcome(make(_rpds)) == _outcome(make(rpds))


_MAP_STEPS = st.lists(
    st.tuples(st.sampled_from(["insert", "remove", "discard", "update", "get", "in"]), _KEYS),
    max_size=8,
)


@given(_PAIRS, _MAP_STEPS)
def test_a_map_changes_as_rpds_s_does(pairs: list[tuple[object, int]], steps: list[Any]) -> None:
    def run(module: Any) -> Callable[[], object]:
        def go() -> object:
            seen: list[object] = []
            current = module.HashTrieMap(pairs)
            for number, (step, key) in enumerate(steps):
                before = current
                if step == "insert":
                    current = current.insert(key, number)
                elif step == "remove":
                    try:
                        current = current.remove(key)
                    except KeyError:
                        seen.append("KeyError")
                elif step == "discard":
                    current = current.discard(key)
                elif step == "update":
                    current = current.update({key: number}, [(key + "x", number)])
                elif step == "get":
                    seen.append(current.get(key, "none"))
                else:
                    seen.append(key in current)
                assert before is not current or step in ("get", "in", "remove")
                seen.append(_plain(current))
                seen.append((len(current), current == module.HashTrieMap(dict(current))))
            return seen

        return go

    _both(run)


@given(_PAIRS)
def test_a_map_is_made_compared_and_hashed_as_rpds_s_is(pairs: list[tuple[object, int]]) -> None:
    _both(lambda m: lambda: m.HashTrieMap(pairs, extra=1))
    _both(lambda m: lambda: m.HashTrieMap.convert(dict(pairs)))
    _both(lambda m: lambda: m.HashTrieMap(pairs) == dict(pairs))
    _both(lambda m: lambda: m.HashTrieMap(pairs) == m.HashTrieMap(dict(pairs)))
    _both(lambda m: lambda: m.HashTrieMap(pairs) == 1)
    _both(lambda m: lambda: hash(m.HashTrieMap(pairs)) == hash(m.HashTrieMap(dict(pairs))))
    _both(lambda m: lambda: hash(m.HashTrieMap({1: [1]})))
    _both(lambda m: lambda: sorted(m.HashTrieMap(pairs).keys(), key=repr))
    _both(lambda m: lambda: sorted(m.HashTrieMap(pairs).values()))
    _both(lambda m: lambda: m.HashTrieMap(pairs)[pairs[0][0]] if pairs else None)
    _both(lambda m: lambda: m.HashTrieMap()["absent"])
    made = _rpds.HashTrieMap(pairs)
    assert _rpds.HashTrieMap.convert(made) is made
    assert pickle.loads(pickle.dumps(made)) == made  # noqa: S301 (our own data)
    assert repr(_rpds.HashTrieMap()) == repr(rpds.HashTrieMap()) == "HashTrieMap({})"
    assert repr(_rpds.HashTrieMap({1: 2})) == repr(rpds.HashTrieMap({1: 2}))


@given(st.lists(_KEYS, max_size=6), st.lists(st.tuples(st.booleans(), _KEYS), max_size=6))
def test_a_set_changes_as_rpds_s_does(items: list[object], steps: list[Any]) -> None:
    def run(module: Any) -> Callable[[], object]:
        def go() -> object:
            seen: list[object] = []
            current = module.HashTrieSet(items)
            for adding, item in steps:
                current = current.insert(item) if adding else current.discard(item)
                seen.append(_plain(current))
                seen.append(_outcome(functools.partial(current.remove, item)))
            seen.append(_plain(current.update(items, [9])))
            seen.append(current == frozenset(current))
            return seen

        return go

    _both(run)
    assert repr(_rpds.HashTrieSet()) == repr(rpds.HashTrieSet()) == "HashTrieSet({})"
    assert repr(_rpds.HashTrieSet([1])) == repr(rpds.HashTrieSet([1]))


@given(st.lists(st.integers(0, 9), max_size=5), st.lists(st.integers(0, 9), max_size=5))
def test_a_list_changes_as_rpds_s_does(items: list[int], pushed: list[int]) -> None:
    def run(module: Any) -> Callable[[], object]:
        def go() -> object:
            current = module.List(items)
            seen: list[object] = [_plain(current), repr(current)]
            for item in pushed:
                current = current.push_front(item)
                seen.append((_plain(current), list(reversed(current))))
            while True:
                seen.append(_outcome(functools.partial(getattr, current, "first")))
                seen.append(_plain(current.rest))
                try:
                    current = current.drop_first()
                except IndexError:
                    seen.append("IndexError")
                    break
            return seen

        return go

    _both(run)
    _both(lambda m: lambda: m.List(1, 2, 3))
    _both(lambda m: lambda: m.List(items) == m.List(items))
    _both(lambda m: lambda: m.List(items) == items)
    _both(lambda m: lambda: hash(m.List(items)) == hash(m.List(list(items))))
    made = _rpds.List(items)
    assert pickle.loads(pickle.dumps(made)) == made  # noqa: S301 (our own data)


@pytest.mark.parametrize("made", [_rpds.HashTrieMap({1: 2}), _rpds.List([1])])
def test_they_cannot_be_changed_in_place(made: object) -> None:
    with pytest.raises(AttributeError, match="is immutable"):
        made._items = {}  # type: ignore[attr-defined]


def test_the_stand_in_is_installed_only_where_rpds_is_missing() -> None:
    """With rpds there, nothing changes; without it, ``import rpds`` gives the stand-in."""
    _rpds.ensure_rpds()
    assert sys.modules["rpds"] is rpds
    script = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'rpds':\n"
        "            raise ModuleNotFoundError('blocked', name='rpds')\n"
        "sys.meta_path.insert(0, Block())\n"
        "from personal_outcomes._rpds import ensure_rpds\n"
        "ensure_rpds()\n"
        "import rpds, jsonschema\n"
        "print(rpds.__name__)\n"
        "v = jsonschema.Draft202012Validator({'type': 'object', 'required': ['a']})\n"
        "print([e.message for e in v.iter_errors({})])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.splitlines() == [
        "personal_outcomes._rpds",
        "[\"'a' is a required property\"]",
    ]
