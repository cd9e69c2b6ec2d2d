"""Disclosure control for published tables of counts: small-number suppression.

Counts are given by key (anything hashable: a tuple ``(row, column)`` reads well),
with the *groups* that the published totals make. A group is a total's key and the
keys of the counts that add up to it: a row or a column. A count that takes part in
no group, such as a number of distinct people, is suppressed only for being small.

>>> from personal_outcomes.summaries._disclosure import suppress
>>> counts = {"met": 3, "not-met": 10, "unrated": 12, "reviewed": 25}
>>> suppress(counts, [("reviewed", ["met", "not-met", "unrated"])], below=5)
{'met': None, 'not-met': None, 'unrated': 12, 'reviewed': 25}

The 3 is below 5, so it is suppressed (primary suppression). The published total would
give it away (25 - 10 - 12), so the smallest other count of the row, the 10, is
suppressed as well (secondary suppression). ``None`` marks a suppressed count.

The rule, step by step:

1. Every count from 1 to ``below - 1`` is suppressed, totals included, and zeros too
   with ``zeros=True``.
2. Take the first group, in the order given, that has exactly one suppressed cell among
   its members and its total, and suppress the smallest other non-zero cell of that
   group: a member, or the total if no non-zero member is left (ties go to a member,
   then to the cell the groups name first). Repeat until no group has exactly one.
3. If a suppressed cell could still be worked out from the published cells and totals
   by any combination of the groups' sums (checked exactly, by Gaussian elimination over
   the rationals), suppress the smallest non-zero published cell of a group that holds
   it (of any group linked to it through suppressed cells, if its own have none), and go
   back to step 2. Stop when no suppressed cell can be worked out.

With ``zeros=True`` the shape of the groups alone can pin a cell to 0 whatever the
counts (``b`` when the groups say both t = a + b and t = a); no suppression can hide
such a cell, and step 3 leaves it. With zeros shown, only non-zero counts are ever
suppressed, so that cannot happen. The result is the same for the same counts and the
same groups, whatever the order of the mapping's keys.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any, Generic, TypeAlias, TypeVar

from attrs import field, frozen

from personal_outcomes.errors import DisclosureControlError

__all__ = ["Group", "Table", "share", "suppress"]

K = TypeVar("K", bound=Hashable)

#: A published total and the counts that add up to it: ``(total_key, member_keys)``.
Group: TypeAlias = tuple[K, Sequence[K]]

#: One equation of the elimination: coefficient by cell (sparse, whole numbers).
_Row: TypeAlias = dict[int, int]


def _whole(value: object) -> bool:
    """Tell whether ``value`` is a whole number (a bool is not)."""
    return isinstance(value, int) and not isinstance(value, bool)


def _threshold(below: int | None) -> int:
    """Return the threshold, 0 meaning no suppression."""
    if below is None:
        return 0
    if not _whole(below) or below < 0:
        raise DisclosureControlError(
            problem=(
                "the threshold 'below' must be a whole number, 1 or more "
                "(None or 0 turns suppression off)"
            )
        )
    return below


@frozen
class _Layout(Generic[K]):
    """A checked table by position: cells are numbered in the order the groups name them.

    Keys in no group come after, in the order of the mapping; they are never compared.
    """

    position: Mapping[K, int]
    counts: tuple[int, ...]
    totals: tuple[int, ...]
    members: tuple[tuple[int, ...], ...]
    #: For each cell, the groups it is the total or a member of.
    groups_of: tuple[tuple[int, ...], ...]


def _lay_out(values: Mapping[K, int], groups: Iterable[Group[K]]) -> _Layout[K]:
    """Check the counts and the groups and number the cells, or raise."""
    for key, count in values.items():
        if not _whole(count):
            raise DisclosureControlError(problem="a count is not a whole number", key=key)
        if count < 0:
            raise DisclosureControlError(problem="a count is negative", key=key)
    position: dict[K, int] = {}

    def place(key: K, group: int) -> int:
        if key not in values:
            raise DisclosureControlError(
                problem="names a key that has no count", group=group, key=key
            )
        return position.setdefault(key, len(position))

    totals: list[int] = []
    members: list[tuple[int, ...]] = []
    for index, (total, parts) in enumerate(groups):
        at = place(total, index)
        cells = tuple(place(part, index) for part in parts)
        if not cells:
            raise DisclosureControlError(problem="has no members", group=index, key=total)
        if at in cells:
            raise DisclosureControlError(
                problem="has its total among its members", group=index, key=total
            )
        if len(set(cells)) != len(cells):
            raise DisclosureControlError(problem="names a member twice", group=index, key=total)
        if sum(values[part] for part in parts) != values[total]:
            raise DisclosureControlError(
                problem="has members that do not add up to its total", group=index, key=total
            )
        totals.append(at)
        members.append(cells)
    for key in values:
        position.setdefault(key, len(position))
    groups_of: list[list[int]] = [[] for _ in position]
    for index, (at, cells) in enumerate(zip(totals, members, strict=True)):
        groups_of[at].append(index)
        for cell in cells:
            groups_of[cell].append(index)
    counts = [0] * len(position)
    for key, cell in position.items():
        counts[cell] = values[key]
    return _Layout(
        position=MappingProxyType(position),
        counts=tuple(counts),
        totals=tuple(totals),
        members=tuple(members),
        groups_of=tuple(tuple(of) for of in groups_of),
    )


def _freeze_values(values: Mapping[K, int]) -> Mapping[K, int]:
    return MappingProxyType(dict(values))


def _freeze_groups(groups: Iterable[Group[K]]) -> tuple[tuple[K, tuple[K, ...]], ...]:
    return tuple((total, tuple(parts)) for total, parts in groups)


@frozen
class Table(Generic[K]):
    """Counts by key and the groups that their published totals make, checked once.

    ``values`` maps each key to a count (a whole number, 0 or more). Each group is
    ``(total_key, member_keys)``, and the members' counts must add up to the total's.
    A key may be in several groups (a cell is in its row and in its column; a category's
    count is the total of its outcomes and a member of the framework's) or in none.
    Both are copied, so changing them afterwards does not change the table.

    Raises :class:`~personal_outcomes.errors.DisclosureControlError` if a count is
    negative or not a whole number, or a group names a key that has no count, has no
    members, names a member twice, has its total among its members, or does not add up.

    >>> table = Table({"a": 2, "b": 7, "c": 9, "all": 18}, [("all", ["a", "b", "c"])])
    >>> table.suppress(below=3)
    {'a': None, 'b': None, 'c': 9, 'all': 18}
    >>> table.suppress(below=None)
    {'a': 2, 'b': 7, 'c': 9, 'all': 18}
    """

    values: Mapping[K, int] = field(converter=_freeze_values)
    groups: tuple[tuple[K, tuple[K, ...]], ...] = field(default=(), converter=_freeze_groups)
    _layout: _Layout[K] = field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        """Check the counts and the groups, and number the cells."""
        object.__setattr__(self, "_layout", _lay_out(self.values, self.groups))

    def suppress(self, *, below: int | None, zeros: bool = False) -> dict[K, int | None]:
        """Return the counts to publish, with ``None`` for each suppressed one.

        ``below=N`` suppresses every count from 1 to N-1, then as many others as it
        takes for none of them to be worked out from what is published (the rule is in
        :func:`suppress`). ``None`` or 0 publishes every count as it is. ``zeros=True``
        suppresses zeros too. The keys come in the order of ``values``.
        """
        threshold = _threshold(below)
        if not threshold:
            return dict(self.values)
        hidden = _Suppression(self._layout, threshold, zeros=zeros).run()
        position = self._layout.position
        return {key: None if hidden[position[key]] else count for key, count in self.values.items()}


def suppress(
    values: Mapping[K, int],
    groups: Iterable[Group[K]] = (),
    *,
    below: int | None,
    zeros: bool = False,
) -> dict[K, int | None]:
    """Return the counts to publish, with ``None`` for each suppressed one.

    ``values`` maps keys to counts; ``groups`` lists each published total as
    ``(total_key, member_keys)``. ``below=N`` turns suppression on: N=5 suppresses 1
    to 4. ``None`` or 0 turns it off. ``zeros=True`` suppresses zeros as well.

    1. Every count from 1 to N-1 is suppressed, totals included (and zeros, with
       ``zeros=True``).
    2. Taking the groups in the order given, while a group has exactly one suppressed
       cell among its members and its total, the smallest other non-zero cell of that
       group is suppressed: a member, or the total when no non-zero member is left.
       Ties go to a member, then to the cell the groups name first.
    3. If any suppressed cell could still be worked out exactly from the published cells
       and totals, by combining the groups' sums, the smallest non-zero published cell of
       a group holding it is suppressed and step 2 runs again, until none can be.

    Raises :class:`~personal_outcomes.errors.DisclosureControlError` for a threshold
    below 0 and for the faults that :class:`Table` lists.

    >>> values = {("a", "x"): 1, ("a", "y"): 6, ("a", "all"): 7}
    >>> suppress(values, [(("a", "all"), [("a", "x"), ("a", "y")])], below=5)
    {('a', 'x'): None, ('a', 'y'): None, ('a', 'all'): 7}
    """
    return Table(values, groups).suppress(below=below, zeros=zeros)


class _Suppression:
    """One run of the rule on a laid-out table; ``run()`` says which cells to hide.

    Hidden cells that share a group are *linked* (a union-find that only ever merges,
    since cells are hidden and never shown again). The equations of each linked set are
    solved on their own, and again only when the set changes.
    """

    def __init__(self, layout: _Layout[Any], below: int, *, zeros: bool) -> None:
        self.layout = layout
        cells = len(layout.counts)
        self.hidden = [False] * cells
        #: How many of each group's cells (members and total) are hidden, and one of them.
        self.in_group = [0] * len(layout.totals)
        self.anchor = [0] * len(layout.totals)
        #: Groups that have had exactly one hidden cell, for step 2 (a heap: first first).
        self.lone: list[int] = []
        self.parent = list(range(cells))
        #: For each linked set (by its root): its groups, and how many cells it has.
        self.groups: dict[int, list[int]] = {}
        self.size: dict[int, int] = {}
        #: Linked sets changed since they were last solved.
        self.changed: set[int] = set()
        #: For each linked set with any, its cells that can be worked out, in order.
        self.pinned: dict[int, list[int]] = {}
        #: Cells that the shape of the groups alone determines (always 0): left alone.
        self.fixed: set[int] = set()
        for cell, count in enumerate(layout.counts):
            if 0 < count < below or (zeros and count == 0):
                self._hide(cell)

    def run(self) -> list[bool]:
        while True:
            self._close_groups()
            cell = self._first_pinned()
            if cell is None:
                return self.hidden
            choice = self._smallest(self.layout.groups_of[cell]) or self._smallest(
                self.groups[self._root(cell)]
            )
            if choice is None:
                self.fixed.add(cell)
            else:
                self._hide(choice[-1])

    def _root(self, cell: int) -> int:
        parent = self.parent
        while parent[cell] != cell:
            parent[cell] = parent[parent[cell]]
            cell = parent[cell]
        return cell

    def _link(self, one: int, other: int) -> None:
        one, other = self._root(one), self._root(other)
        if one == other:
            return
        if (self.size[one], other) < (self.size[other], one):
            one, other = other, one
        self.parent[other] = one
        self.size[one] += self.size.pop(other)
        self.groups[one].extend(self.groups.pop(other))
        self.changed.discard(other)
        self.pinned.pop(other, None)
        self.changed.add(one)

    def _hide(self, cell: int) -> None:
        self.hidden[cell] = True
        self.size[cell] = 1
        self.groups[cell] = []
        self.changed.add(cell)
        for group in self.layout.groups_of[cell]:
            self.in_group[group] += 1
            if self.in_group[group] == 1:
                self.anchor[group] = cell
                heapq.heappush(self.lone, group)
                self.groups[self._root(cell)].append(group)
            else:
                self._link(cell, self.anchor[group])

    def _close_groups(self) -> None:
        """Step 2: no group is left with exactly one hidden cell."""
        counts = self.layout.counts
        hidden = self.hidden
        while self.lone:
            group = heapq.heappop(self.lone)
            if self.in_group[group] != 1:
                continue
            total = self.layout.totals[group]
            # Never empty: the one hidden cell is non-zero (zeros=False) or every zero
            # is hidden (zeros=True), so the total or a member is shown and non-zero.
            self._hide(
                min(
                    (counts[cell], rank, cell)
                    for rank, cells in ((0, self.layout.members[group]), (1, (total,)))
                    for cell in cells
                    if counts[cell] and not hidden[cell]
                )[-1]
            )

    def _smallest(self, groups: Iterable[int]) -> tuple[int, int] | None:
        """Return ``(count, cell)`` of the smallest shown non-zero cell of the groups."""
        counts = self.layout.counts
        return min(
            (
                (counts[cell], cell)
                for group in groups
                for cell in (self.layout.totals[group], *self.layout.members[group])
                if counts[cell] and not self.hidden[cell]
            ),
            default=None,
        )

    def _first_pinned(self) -> int | None:
        """Step 3: return the first hidden cell that can be worked out, if any."""
        for root in self.changed:
            pinned = _recoverable([self._equation(group) for group in self.groups[root]])
            if pinned:
                self.pinned[root] = pinned
            else:
                self.pinned.pop(root, None)
        self.changed.clear()
        return min(
            (cell for pinned in self.pinned.values() for cell in pinned if cell not in self.fixed),
            default=None,
        )

    def _equation(self, group: int) -> _Row:
        hidden = self.hidden
        row = {cell: 1 for cell in self.layout.members[group] if hidden[cell]}
        total = self.layout.totals[group]
        if hidden[total]:
            row[total] = -1
        return row


def _recoverable(equations: Iterable[_Row]) -> list[int]:
    """Return, sorted, the unknowns whose value the equations fix.

    The equations are kept in reduced row echelon form, exactly, in whole numbers: each
    row of ``basis`` has its own pivot, which no other row holds. An unknown's value is
    fixed exactly when its unit vector is in the row space, that is when it is the
    pivot of a row that holds nothing else.
    """
    basis: dict[int, _Row] = {}
    #: For each unknown that is not a pivot, the pivots of the rows that hold it.
    holders: dict[int, set[int]] = {}
    # Short equations first keep the rows short: several times faster on real tables.
    for equation in sorted(equations, key=len):
        row = equation
        for pivot in [cell for cell in row if cell in basis]:
            row = _eliminate(row, basis[pivot], pivot)
        if not row:
            continue
        # The unknown held by the fewest rows keeps the rows sparse.
        pivot = min(row, key=lambda cell: (len(holders.get(cell, ())), cell))
        for other in sorted(holders.pop(pivot, ())):
            old = basis[other]
            new = basis[other] = _eliminate(old, row, pivot)
            for cell in old.keys() - new.keys() - {other, pivot}:
                holders[cell].discard(other)
            for cell in new.keys() - old.keys():
                holders.setdefault(cell, set()).add(other)
        basis[pivot] = row
        for cell in row:
            if cell != pivot:
                holders.setdefault(cell, set()).add(pivot)
    return sorted(pivot for pivot, row in basis.items() if len(row) == 1)


def _eliminate(row: _Row, by: _Row, pivot: int) -> _Row:
    """Return ``row`` less a multiple of ``by`` that clears ``pivot``, in lowest terms."""
    keep, take = by[pivot], row[pivot]
    out = dict(row) if keep == 1 else {cell: keep * value for cell, value in row.items()}
    for cell, value in by.items():
        combined = out.get(cell, 0) - take * value
        if combined:
            out[cell] = combined
        else:
            del out[cell]
    divisor = math.gcd(*out.values())
    if divisor > 1:
        out = {cell: value // divisor for cell, value in out.items()}
    return out


def share(count: int | None, denominator: int | None, *, digits: int = 1) -> float | None:
    """Return ``count`` as a percentage of ``denominator``, or ``None`` if it must not be shown.

    Pass the published values (after :func:`suppress`): a share is suppressed when its
    count or its denominator is, since a share and either one give the other away. It
    is ``None`` too when the denominator is 0. The percentage is rounded half up to
    ``digits`` decimal places.

    Raises :class:`~personal_outcomes.errors.DisclosureControlError` for a negative or
    non-whole count or denominator, a count larger than its denominator, or ``digits``
    below 0.

    >>> share(1, 8), share(1, 8, digits=0), share(None, 8), share(3, None), share(0, 0)
    (12.5, 13.0, None, None, None)
    """
    if not _whole(digits) or digits < 0:
        raise DisclosureControlError(problem="'digits' must be a whole number, 0 or more")
    for value in (count, denominator):
        if value is not None and not _whole(value):
            raise DisclosureControlError(problem="a share needs whole numbers")
        if value is not None and value < 0:
            raise DisclosureControlError(problem="a share needs counts of 0 or more")
    if count is None or denominator is None:
        return None
    if count > denominator:
        raise DisclosureControlError(problem="a share's count is larger than its denominator")
    if denominator == 0:
        return None
    scale: int = 10**digits
    # Half up: floor(x + 1/2), in whole numbers.
    scaled = (2 * 100 * scale * count + denominator) // (2 * denominator)
    return scaled / scale
