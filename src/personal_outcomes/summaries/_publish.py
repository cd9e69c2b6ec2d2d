"""Safe publication: rows with small counts suppressed (see :mod:`._disclosure`).

Each group and framework of a summary is one table. Its published totals are:
in every row, ``reviewed`` = the review levels + ``unrated``, and ``mentions`` =
``reviewed`` + the mentions at other stages (never shown, but the difference of two
shown counts, so held to the rule like any cell); in every column but ``persons``, a
category row = the sum of its outcome rows, and the framework row = the sum of its
category rows. ``persons`` counts distinct people, which do not add
up, so it is in no total: it is only suppressed when it is small itself.

Journeys have one total per row: ``starts`` = the levels + ``unrated`` +
``no_review``. Their ``median_days`` describes the starts that reached a review
(``starts - no_review``), so it is suppressed when those are from 1 to N-1.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import overload

import attrs

from personal_outcomes.summaries._disclosure import Group, suppress
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
    """
    journey_rows = [row for row in rows if isinstance(row, JourneyRow)]
    summary_rows = [row for row in rows if isinstance(row, SummaryRow)]
    if len(rows) not in {len(journey_rows), len(summary_rows)}:
        raise TypeError("rows to publish must all be SummaryRow or all JourneyRow")
    if not below:
        return journey_rows or summary_rows
    if journey_rows:
        return _journey_rows(journey_rows, below=below, zeros=zeros)
    result: list[SummaryRow] = []
    start = 0
    while start < len(summary_rows):
        end = start + 1
        while end < len(summary_rows) and summary_rows[end].kind != "framework":
            end += 1
        result.extend(_block(summary_rows[start:end], below=below, zeros=zeros))
        start = end
    return result


def _block(rows: Sequence[SummaryRow], *, below: int, zeros: bool) -> list[SummaryRow]:
    """Suppress one table: a framework row, then its categories, each with its outcomes."""
    levels = [level for level, _ in rows[0].levels]
    columns = ["mentions", "unrated", "reviewed", _OTHER, *(_LEVEL + level for level in levels)]
    values: dict[_Key, int] = {}
    for number, row in enumerate(rows):
        counts = dict(row.levels)
        values[(number, "persons")] = row.persons or 0
        for column in columns:
            level = column.removeprefix(_LEVEL)
            if column == _OTHER:
                value: int | None = (row.mentions or 0) - (row.reviewed or 0)
            else:
                value = counts[level] if level != column else getattr(row, column)
            values[(number, column)] = value or 0  # rows of a summary: never None here
    groups: list[Group[_Key]] = []
    for number in range(len(rows)):
        groups.append(
            ((number, "reviewed"), [(number, "unrated"), *((number, _LEVEL + lv) for lv in levels)])
        )
        # The mentions at other stages are never shown, but are the difference of two
        # published counts: a cell of their own, which no total may give away either.
        groups.append(((number, "mentions"), [(number, "reviewed"), (number, _OTHER)]))
    categories: list[int] = []
    for number, row in enumerate(rows):
        if row.kind == "category":
            categories.append(number)
            members = []
            for after in range(number + 1, len(rows)):
                if rows[after].kind != "outcome":
                    break
                members.append(after)
            groups.extend(((number, c), [(m, c) for m in members]) for c in columns)
    groups.extend(((0, c), [(m, c) for m in categories]) for c in columns)
    shown = suppress(values, groups, below=below, zeros=zeros)
    out: list[SummaryRow] = []
    for number, row in enumerate(rows):
        out.append(
            attrs.evolve(
                row,
                mentions=shown[(number, "mentions")],
                persons=shown[(number, "persons")],
                reviewed=shown[(number, "reviewed")],
                unrated=shown[(number, "unrated")],
                levels=tuple((lv, shown[(number, _LEVEL + lv)]) for lv in levels),
            )
        )
    return out


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
