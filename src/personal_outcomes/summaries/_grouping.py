"""How recorded outcomes are grouped: by context fields, stage, perspective, or period."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Final, Literal

from attrs import field, frozen

#: How ``recorded_on`` can be grouped.
Period = Literal["month", "quarter", "year", "financial-year"]
PERIODS: Final[tuple[Period, ...]] = ("month", "quarter", "year", "financial-year")

#: Fields a summary can be grouped by, besides ``context.NAME``.
GROUP_FIELDS: Final = ("stage", "perspective", "period")

_STAGE, _PERSPECTIVE, _PERIOD, _CONTEXT = range(4)
_UNKNOWN: Final = object()
#: Dates whose period is remembered (a few years of days is a few thousand).
_PERIODS_KEPT: Final = 100_000

#: A group: the grouping fields' values, in the order asked for (None: not recorded).
Group = tuple[str | None, ...]


def period_of(day: str, period: Period) -> str:
    """Return the period a ``YYYY-MM-DD`` date falls in.

    The UK financial year starts on 1 April: 2026-03-31 is in 2025/26, 2026-04-01 in
    2026/27. Years have four digits (0999), so that periods sort in time order.

    >>> [period_of("2026-03-31", p) for p in PERIODS]
    ['2026-03', '2026-Q1', '2026', '2025/26']
    >>> period_of("2026-04-01", "financial-year")
    '2026/27'
    >>> [period_of("0999-06-01", p) for p in PERIODS], period_of("0001-01-01", "financial-year")
    (['0999-06', '0999-Q2', '0999', '0999/00'], '0000/01')
    """
    year, month = int(day[:4]), int(day[5:7])
    if period == "month":
        return day[:7]
    if period == "quarter":
        return f"{day[:4]}-Q{(month - 1) // 3 + 1}"
    if period == "year":
        return day[:4]
    start = year if month >= 4 else year - 1  # noqa: PLR2004 (April)
    return f"{start:04d}/{(start + 1) % 100:02d}"


def day_of(value: object) -> str | None:
    """Return a record's date as ``YYYY-MM-DD``: text as it is, a date object's date."""
    if isinstance(value, str):
        return value
    if isinstance(value, dt.date):
        return value.isoformat()[:10]
    return None


@frozen(kw_only=True)
class Grouping:
    """How outcomes are grouped: by fields, and ``recorded_on`` by which period.

    Fields are ``context.NAME``, ``stage``, ``perspective`` and ``period``.
    """

    fields: tuple[str, ...] = ()
    period: Period = "month"
    #: Each field as (kind, context key), worked out once.
    _plan: tuple[tuple[int, str], ...] = field(init=False, eq=False, repr=False)
    #: Where ``perspective`` is among the fields, if it is.
    _perspective_at: int | None = field(init=False, eq=False, repr=False)
    #: The period of each date met so far (up to _PERIODS_KEPT dates).
    _periods: dict[object, str | None] = field(init=False, eq=False, repr=False, factory=dict)

    def __attrs_post_init__(self) -> None:
        """Refuse a field that cannot group."""
        for name in self.fields:
            if name not in GROUP_FIELDS and not (
                name.startswith("context.") and len(name) > len("context.")
            ):
                message = (
                    f"cannot group by {name!r}: use context.NAME, stage, perspective or period"
                )
                raise ValueError(message)
        if self.period not in PERIODS:
            raise ValueError(f"period must be one of: {', '.join(PERIODS)}")
        if len(set(self.fields)) != len(self.fields):
            raise ValueError("a field to group by is given twice")
        kinds = {"stage": _STAGE, "perspective": _PERSPECTIVE, "period": _PERIOD}
        plan = tuple(
            (kinds.get(name, _CONTEXT), name.removeprefix("context.")) for name in self.fields
        )
        object.__setattr__(self, "_plan", plan)
        where = self.fields.index("perspective") if "perspective" in self.fields else None
        object.__setattr__(self, "_perspective_at", where)

    def groups(
        self, record: Mapping[str, object], outcome: Mapping[str, object]
    ) -> tuple[Group, ...]:
        """Return the groups one recorded outcome falls into (one today; more may come)."""
        context = record.get("context")
        values = self.record_values(
            record.get("stage"),
            record.get("recorded_on"),
            context if isinstance(context, Mapping) else None,
        )
        return (self.outcome_group(values, outcome.get("perspective")),)

    def record_values(
        self, stage: object, recorded_on: object, context: Mapping[str, object] | None
    ) -> list[str | None]:
        """Return the values of the fields a valid record gives (``perspective`` None, for now).

        Called once per record: the fields are looked at once, and the
        period of each date is worked out once.
        """
        values: list[str | None] = []
        periods = self._periods
        for kind, key in self._plan:
            if kind == _CONTEXT:
                value = context.get(key) if context is not None else None
            elif kind == _PERIOD:
                value = periods.get(recorded_on, _UNKNOWN)
                if value is _UNKNOWN:
                    day = day_of(recorded_on)
                    value = period_of(day, self.period) if day is not None else None
                    if len(periods) < _PERIODS_KEPT:
                        periods[recorded_on] = value
            elif kind == _STAGE:
                value = stage
            else:
                value = None  # the outcome's own perspective: see outcome_group
            values.append(value if type(value) is str else None)
        return values

    def outcome_group(self, values: list[str | None], perspective: object) -> Group:
        """Return the group of one outcome of a record whose :meth:`record_values` these are."""
        where = self._perspective_at
        if where is not None:
            values = list(values)
            values[where] = perspective if isinstance(perspective, str) else None
        return tuple(values)
