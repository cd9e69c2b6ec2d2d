"""Safe publication: summary rows with small counts suppressed (see :mod:`._disclosure`).

Each group and framework of a summary is one table. Its published totals are:
in every row, ``reviewed`` = the review levels + ``unrated``; in every column but
``persons``, a category row = the sum of its outcome rows, and the framework row =
the sum of its category rows. ``persons`` counts distinct people, which do not add
up, so it is in no total: it is only suppressed when it is small itself.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from personal_outcomes.summaries._disclosure import Group, suppress
from personal_outcomes.summaries._summary import SummaryRow

_Key = tuple[int, str]  # (row number, column)
_LEVEL = "level:"


def published(
    rows: Sequence[SummaryRow], *, below: int | None, zeros: bool = False
) -> list[SummaryRow]:
    """Return the rows with every count from 1 to ``below - 1`` suppressed (``None``).

    Further counts are suppressed wherever a published total would let a
    suppressed one be worked out (:func:`~personal_outcomes.summaries.suppress`);
    ``zeros`` suppresses zeros too. ``below`` None or 0 returns the rows as they are.
    """
    if not below:
        return list(rows)
    result: list[SummaryRow] = []
    start = 0
    while start < len(rows):
        end = start + 1
        while end < len(rows) and rows[end].kind != "framework":
            end += 1
        result.extend(_block(rows[start:end], below=below, zeros=zeros))
        start = end
    return result


def _block(rows: Sequence[SummaryRow], *, below: int, zeros: bool) -> list[SummaryRow]:
    """Suppress one table: a framework row, then its categories, each with its outcomes."""
    levels = [level for level, _ in rows[0].levels]
    columns = ["mentions", "unrated", "reviewed", *(_LEVEL + level for level in levels)]
    values: dict[_Key, int] = {}
    for number, row in enumerate(rows):
        counts = dict(row.levels)
        values[(number, "persons")] = row.persons or 0
        for column in columns:
            level = column.removeprefix(_LEVEL)
            value: int | None = counts[level] if level != column else getattr(row, column)
            values[(number, column)] = value or 0  # rows of a summary: never None here
    groups: list[Group[_Key]] = [
        ((number, "reviewed"), [(number, "unrated"), *((number, _LEVEL + lv) for lv in levels)])
        for number in range(len(rows))
    ]
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
