"""Safe publication: rows with small counts suppressed (see :mod:`._disclosure`).

Each group and framework of a summary is one table. Its published totals are:
in every row, ``reviewed`` = the review levels + ``unrated``, and ``mentions`` =
``reviewed`` + the mentions at other stages (never shown, but the difference of two
shown counts, so held to the rule like any cell); in every column but ``persons``, a
category row = the sum of its outcome rows, and the framework row = the sum of its
category rows. ``persons`` counts distinct people, which do not add
up, so it is in no total: it is only suppressed when it is small itself.

Grouped by ``national-outcome``, an outcome that serves several national outcomes has
the same row in several tables (those of one framework and the same other group values).
Those tables are suppressed together, as one set of cells held to every table's totals,
so that a count hidden in one of them is hidden in all, and no sum across them gives it
away.

Journeys have one total per row: ``starts`` = the levels + ``unrated`` +
``no_review``. Their ``median_days`` describes the starts that reached a review
(``starts - no_review``), so it is suppressed when those are from 1 to N-1.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import overload

import attrs

from personal_outcomes.errors import DisclosureControlError
from personal_outcomes.summaries._disclosure import Group, suppress
from personal_outcomes.summaries._grouping import NATIONAL_OUTCOME
from personal_outcomes.summaries._journeys import JourneyRow
from personal_outcomes.summaries._summary import SummaryRow

_Key = tuple[int, str]  # (row number, column)
_LEVEL = "level:"
_OTHER = "other"


@overload
def published(
    rows: Sequence[SummaryRow], *, below: int | None, zeros: bool = False
) -> list[SummaryRow]: ...


@overload
def published(
    rows: Sequence[JourneyRow], *, below: int | None, zeros: bool = False
) -> list[JourneyRow]: ...


def published(
    rows: Sequence[SummaryRow] | Sequence[JourneyRow], *, below: int | None, zeros: bool = False
) -> list[SummaryRow] | list[JourneyRow]:
    """Return the rows with every count from 1 to ``below - 1`` suppressed (``None``).

    ``rows`` are a summary's or journeys' rows. Further counts are suppressed
    wherever a published total would let a suppressed one be worked out
    (:func:`~personal_outcomes.summaries.suppress`): in a summary, a row's
    ``reviewed`` and each category and framework row are totals; in journeys, a
    row's ``starts``. A journey row's ``median_days`` is suppressed when the starts
    that reached a review (``starts - no_review``) number from 1 to ``below - 1``.
    ``zeros`` suppresses zeros too. ``below`` None or 0 returns the rows as they are.
    Grouped by ``national-outcome``, the tables that share an outcome's row are
    suppressed together, so that its counts are hidden alike in every group it is in.
    """
    journey_rows = [row for row in rows if isinstance(row, JourneyRow)]
    summary_rows = [row for row in rows if isinstance(row, SummaryRow)]
    if len(rows) not in {len(journey_rows), len(summary_rows)}:
        raise TypeError("rows to publish must all be SummaryRow or all JourneyRow")
    if not below:
        return journey_rows or summary_rows
    if journey_rows:
        return _journey_rows(journey_rows, below=below, zeros=zeros)
    blocks: list[list[SummaryRow]] = []
    for row in summary_rows:
        if row.kind == "framework" or not blocks:
            blocks.append([])
        blocks[-1].append(row)
    # Tables that share outcome rows (the national-outcome groups of one framework and
    # other group values) are suppressed together: a count hidden in one is hidden in all.
    together: dict[object, list[int]] = {}
    for number, block in enumerate(blocks):
        head = block[0]
        rest = tuple((name, value) for name, value in head.group if name != NATIONAL_OUTCOME)
        shared = len(rest) < len(head.group)
        together.setdefault((rest, head.framework) if shared else number, []).append(number)
    shown: list[list[SummaryRow]] = [[] for _ in blocks]
    for numbers in together.values():
        tables = _tables([blocks[number] for number in numbers], below=below, zeros=zeros)
        for number, table in zip(numbers, tables, strict=True):
            shown[number] = table
    return [row for table in shown for row in table]


def _tables(
    tables: Sequence[Sequence[SummaryRow]], *, below: int, zeros: bool
) -> list[list[SummaryRow]]:
    """Suppress tables together: each a framework row, then its categories with their outcomes.

    An outcome's row in several tables (of national-outcome groups) is one set of cells,
    held to every table's totals.
    """
    rows, identity = _identify(tables)
    values, groups = _cells(rows, identity, tables)
    groups.extend(_totals(tables, identity))
    hidden = suppress(values, groups, below=below, zeros=zeros)
    return [
        [
            attrs.evolve(
                row,
                mentions=hidden[(number, "mentions")],
                persons=hidden[(number, "persons")],
                reviewed=hidden[(number, "reviewed")],
                unrated=hidden[(number, "unrated")],
                levels=tuple((lv, hidden[(number, _LEVEL + lv)]) for lv, _ in row.levels),
            )
            for row, number in zip(table, numbers, strict=True)
        ]
        for table, numbers in zip(tables, identity, strict=True)
    ]


def _identify(
    tables: Sequence[Sequence[SummaryRow]],
) -> tuple[list[SummaryRow], list[list[int]]]:
    """Return the rows whose cells are their own, and the number of each table's rows.

    An outcome's later rows (in other national-outcome groups) share its first row's
    number, and so its cells.
    """
    first: dict[tuple[str | None, str | None], int] = {}
    rows: list[SummaryRow] = []
    identity: list[list[int]] = []
    for table in tables:
        numbers = []
        for row in table:
            number = len(rows)
            if row.kind == "outcome":
                number = first.setdefault((row.category, row.outcome), number)
            if number == len(rows):
                rows.append(row)
            elif _counts(rows[number]) != _counts(row):
                raise DisclosureControlError(
                    problem=(
                        "an outcome's rows in the national-outcome groups of one table "
                        "must have the same counts (they count the same mentions)"
                    )
                )
            numbers.append(number)
        identity.append(numbers)
    return rows, identity


def _cells(
    rows: Sequence[SummaryRow],
    identity: Sequence[Sequence[int]],
    tables: Sequence[Sequence[SummaryRow]],
) -> tuple[dict[_Key, int], list[Group[_Key]]]:
    """Return every row's cells, and the totals within each row."""
    columns_of: dict[int, list[str]] = {}
    for table, numbers in zip(tables, identity, strict=True):
        for row, number in zip(table, numbers, strict=True):
            known = columns_of.setdefault(number, ["mentions", "unrated", "reviewed", _OTHER])
            known.extend(_LEVEL + lv for lv, _ in row.levels if _LEVEL + lv not in known)
    values: dict[_Key, int] = {}
    groups: list[Group[_Key]] = []
    for number, row in enumerate(rows):
        counts = dict(row.levels)
        values[(number, "persons")] = row.persons or 0
        for column in columns_of[number]:
            level = column.removeprefix(_LEVEL)
            if column == _OTHER:
                value: int | None = (row.mentions or 0) - (row.reviewed or 0)
            else:
                value = counts.get(level, 0) if level != column else getattr(row, column)
            values[(number, column)] = value or 0  # rows of a summary: never None here
        levels = [column for column in columns_of[number] if column.startswith(_LEVEL)]
        groups.append(((number, "reviewed"), [(number, "unrated"), *((number, c) for c in levels)]))
        # The mentions at other stages are never shown, but are the difference of two
        # published counts: a cell of their own, which no total may give away either.
        groups.append(((number, "mentions"), [(number, "reviewed"), (number, _OTHER)]))
    return values, groups


def _totals(
    tables: Sequence[Sequence[SummaryRow]], identity: Sequence[Sequence[int]]
) -> list[Group[_Key]]:
    """Return the totals of each table: its categories' columns, then its framework's."""
    groups: list[Group[_Key]] = []
    for table, numbers in zip(tables, identity, strict=True):
        columns = ["mentions", "unrated", "reviewed", _OTHER]
        columns += [_LEVEL + level for level, _ in table[0].levels]
        categories: list[int] = []
        for place, row in enumerate(table):
            if row.kind == "category":
                categories.append(numbers[place])
                members = []
                for after in range(place + 1, len(table)):
                    if table[after].kind != "outcome":
                        break
                    members.append(numbers[after])
                groups.extend(((numbers[place], c), [(m, c) for m in members]) for c in columns)
        groups.extend(((numbers[0], c), [(m, c) for m in categories]) for c in columns)
    return groups


def _counts(row: SummaryRow) -> tuple[object, ...]:
    """Return a row's counts, levels by name, to compare rows of one outcome."""
    levels = {level: count for level, count in row.levels if count}
    return row.mentions, row.persons, row.reviewed, row.unrated, levels


def _journey_rows(rows: Sequence[JourneyRow], *, below: int, zeros: bool) -> list[JourneyRow]:
    """Suppress journeys: each row's levels, unrated and no_review add up to its starts."""
    values: dict[_Key, int] = {}
    groups: list[Group[_Key]] = []
    for number, row in enumerate(rows):
        parts = [(_LEVEL + level, count) for level, count in row.levels]
        parts += [("unrated", row.unrated), ("no_review", row.no_review)]
        values[(number, "starts")] = row.starts or 0  # rows of journeys: never None here
        values.update(((number, column), count or 0) for column, count in parts)
        groups.append(((number, "starts"), [(number, column) for column, _ in parts]))
    shown = suppress(values, groups, below=below, zeros=zeros)
    out: list[JourneyRow] = []
    for number, row in enumerate(rows):
        reached = (row.starts or 0) - (row.no_review or 0)
        out.append(
            attrs.evolve(
                row,
                starts=shown[(number, "starts")],
                levels=tuple((lv, shown[(number, _LEVEL + lv)]) for lv, _ in row.levels),
                unrated=shown[(number, "unrated")],
                no_review=shown[(number, "no_review")],
                median_days=None if 0 < reached < below else row.median_days,
            )
        )
    return out
