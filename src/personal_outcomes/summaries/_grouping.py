"""How recorded outcomes are grouped: by context, stage, perspective, period, national outcome.

Grouping by ``national-outcome`` puts each recorded outcome in the group of every
National Health and Wellbeing Outcome it serves (``"1"`` to ``"9"``, from the project's
own crosswalk), or in the group ``"none"`` if it serves none: the groups overlap. Counts
are kept without it and spread over its groups when the rows are made, so the
counting paths (streamed, fast, merged) are the same with it or without it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Final, Literal

from attrs import field, frozen

from personal_outcomes.frameworks import Registry, bundled
from personal_outcomes.interop._crosswalk import crosswalk, link_numbers

#: How ``recorded_on`` can be grouped.
Period = Literal["month", "quarter", "year", "financial-year"]
PERIODS: Final[tuple[Period, ...]] = ("month", "quarter", "year", "financial-year")

#: Fields a summary can be grouped by, besides ``context.NAME``.
GROUP_FIELDS: Final = ("stage", "perspective", "period", "national-outcome")
#: The field that groups outcomes by the national outcomes they serve.
NATIONAL_OUTCOME: Final = "national-outcome"
#: The ``national-outcome`` group of the outcomes that serve no national outcome.
NO_NATIONAL_OUTCOME: Final = "none"

_STAGE, _PERSPECTIVE, _PERIOD, _CONTEXT, _NATIONAL = range(5)
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


def national_at(fields: tuple[str, ...]) -> int | None:
    """Return where ``national-outcome`` is among the fields, if it is."""
    return fields.index(NATIONAL_OUTCOME) if NATIONAL_OUTCOME in fields else None


def national_groups(registry: Registry, framework_id: str) -> dict[str, tuple[str, ...]]:
    """Return the ``national-outcome`` groups of each outcome of a framework in ``registry``.

    An outcome's groups are the numbers (as text) of the national outcomes it serves,
    from the bundled crosswalk, or ``("none",)``; a local framework's bases are found in
    ``registry``. A framework not in ``registry`` gives ``{}``: none of its outcomes
    serves a national outcome.
    """
    if framework_id not in registry:
        return {}
    numbers = link_numbers(crosswalk(), registry.get(framework_id), registry=registry)
    return {
        outcome: tuple(map(str, found)) or (NO_NATIONAL_OUTCOME,)
        for outcome, found in numbers.items()
    }


@frozen(kw_only=True)
class Grouping:
    """How outcomes are grouped: by fields, and ``recorded_on`` by which period.

    Fields are ``context.NAME``, ``stage``, ``perspective``, ``period`` and
    ``national-outcome``. By ``national-outcome``, an outcome is in the group of each
    national outcome it serves (``"1"`` to ``"9"``), or in ``"none"``: the groups
    overlap, so their counts add up to more than the outcomes recorded.
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
                    f"cannot group by {name!r}: use context.NAME, stage, perspective, "
                    "period or national-outcome"
                )
                raise ValueError(message)
        if self.period not in PERIODS:
            raise ValueError(f"period must be one of: {', '.join(PERIODS)}")
        if len(set(self.fields)) != len(self.fields):
            raise ValueError("a field to group by is given twice")
        kinds = {
            "stage": _STAGE,
            "perspective": _PERSPECTIVE,
            "period": _PERIOD,
            NATIONAL_OUTCOME: _NATIONAL,
        }
        plan = tuple(
            (kinds.get(name, _CONTEXT), name.removeprefix("context.")) for name in self.fields
        )
        object.__setattr__(self, "_plan", plan)
        where = self.fields.index("perspective") if "perspective" in self.fields else None
        object.__setattr__(self, "_perspective_at", where)

    def groups(
        self,
        record: Mapping[str, object],
        outcome: Mapping[str, object],
        registry: Registry | None = None,
    ) -> tuple[Group, ...]:
        """Return the groups one recorded outcome falls into.

        One group, unless the fields hold ``national-outcome``: then one for each
        national outcome the outcome serves, by the framework of that id in
        ``registry`` (default: the bundled frameworks).
        """
        context = record.get("context")
        values = self.record_values(
            record.get("stage"),
            record.get("recorded_on"),
            context if isinstance(context, Mapping) else None,
        )
        group = self.outcome_group(values, outcome.get("perspective"))
        where = national_at(self.fields)
        if where is None:
            return (group,)
        framework, outcome_id = record.get("framework"), outcome.get("outcome")
        found = (
            national_groups(registry or bundled(), framework).get(outcome_id)
            if isinstance(framework, str) and isinstance(outcome_id, str)
            else None
        )
        return tuple(
            (*group[:where], label, *group[where + 1 :])
            for label in found or (NO_NATIONAL_OUTCOME,)
        )

    def record_values(
        self, stage: object, recorded_on: object, context: Mapping[str, object] | None
    ) -> list[str | None]:
        """Return the values of the fields a valid record gives.

        ``perspective`` and ``national-outcome``, which belong to each outcome, are
        None here: see :meth:`outcome_group`, and the rows of a summary.

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
                value = None  # the outcome's own perspective or national outcomes
            values.append(value if type(value) is str else None)
        return values

    def outcome_group(self, values: list[str | None], perspective: object) -> Group:
        """Return the group of one outcome of a record whose :meth:`record_values` these are."""
        where = self._perspective_at
        if where is not None:
            values = list(values)
            values[where] = perspective if isinstance(perspective, str) else None
        return tuple(values)
