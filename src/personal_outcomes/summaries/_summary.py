"""Summaries of validated records: mentions, persons and review levels, by group.

A :class:`Summary` is an accumulator: records are added one at a time (streamed),
and two summaries of different slices of the input add up (``a + b``) to the
summary of both, so that slices checked apart (``--jobs``, and later Dask) can be
merged. Counts are exact; persons are counted as distinct ``person_id`` values,
so they are kept as sets until the rows are made.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Final, Literal

from attrs import field, frozen

from personal_outcomes._codes import ERROR
from personal_outcomes.frameworks import Framework, Registry
from personal_outcomes.validation import RecordResult

#: How ``recorded_on`` can be grouped.
Period = Literal["month", "quarter", "year", "financial-year"]
PERIODS: Final[tuple[Period, ...]] = ("month", "quarter", "year", "financial-year")

#: Fields a summary can be grouped by, besides ``context.NAME``.
GROUP_FIELDS: Final = ("stage", "perspective", "period")

RowKind = Literal["framework", "category", "outcome"]

#: A group: the grouping fields' values, in the order asked for (None: not recorded).
Group = tuple[str | None, ...]


def period_of(day: str, period: Period) -> str:
    """Return the period a ``YYYY-MM-DD`` date falls in.

    The UK financial year starts on 1 April: 2026-03-31 is in 2025/26, 2026-04-01 in
    2026/27.

    >>> [period_of("2026-03-31", p) for p in PERIODS]
    ['2026-03', '2026-Q1', '2026', '2025/26']
    >>> period_of("2026-04-01", "financial-year")
    '2026/27'
    """
    year, month = int(day[:4]), int(day[5:7])
    if period == "month":
        return day[:7]
    if period == "quarter":
        return f"{year}-Q{(month - 1) // 3 + 1}"
    if period == "year":
        return str(year)
    start = year if month >= 4 else year - 1  # noqa: PLR2004 (April)
    return f"{start}/{(start + 1) % 100:02d}"


@frozen(kw_only=True)
class Grouping:
    """How outcomes are grouped: by fields, and ``recorded_on`` by which period.

    Fields are ``context.NAME``, ``stage``, ``perspective`` and ``period``.
    """

    fields: tuple[str, ...] = ()
    period: Period = "month"

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

    def groups(
        self, record: Mapping[str, object], outcome: Mapping[str, object]
    ) -> tuple[Group, ...]:
        """Return the groups one recorded outcome falls into (one today; more may come)."""
        values: list[str | None] = []
        for name in self.fields:
            value: object
            if name == "stage":
                value = record.get("stage")
            elif name == "perspective":
                value = outcome.get("perspective")
            elif name == "period":
                day = record.get("recorded_on")
                value = period_of(day, self.period) if isinstance(day, str) else None
            else:
                context = record.get("context")
                value = context.get(name[8:]) if isinstance(context, Mapping) else None
            values.append(value if isinstance(value, str) else None)
        return (tuple(values),)


@frozen(kw_only=True)
class SummaryRow:
    """One row of a summary: a framework, a category or an outcome, in one group.

    ``levels`` maps every level of the framework's review scale to its count among
    the review-stage mentions; ``unrated`` counts review-stage mentions without a
    level, and ``reviewed`` is their sum. A count suppressed for publication is
    ``None``.
    """

    kind: RowKind
    group: tuple[tuple[str, str | None], ...]
    framework: str
    category: str | None
    outcome: str | None
    mentions: int | None
    persons: int | None
    reviewed: int | None
    unrated: int | None
    levels: tuple[tuple[str, int | None], ...]

    def to_dict(self) -> dict[str, object]:
        """Return the row as the JSON object ``summarise --format json`` prints."""
        return {
            "kind": self.kind,
            "group": dict(self.group),
            "framework": self.framework,
            "category": self.category,
            "outcome": self.outcome,
            "mentions": self.mentions,
            "persons": self.persons,
            "reviewed": self.reviewed,
            "unrated": self.unrated,
            "levels": dict(self.levels),
        }


_Key = tuple[Group, str, str]  # group, framework, outcome
_Where = tuple[str, str | None, str | None]  # framework, category, outcome


class _Cell:
    """The counts of one outcome in one group."""

    __slots__ = ("levels", "mentions", "persons", "unrated")

    def __init__(self) -> None:
        self.mentions = 0
        self.persons: set[str] = set()
        self.levels: Counter[str] = Counter()
        self.unrated = 0

    def add(self, other: _Cell) -> None:
        self.mentions += other.mentions
        self.persons |= other.persons
        self.levels.update(other.levels)
        self.unrated += other.unrated


@frozen(kw_only=True, eq=False)
class Summary:
    """Counts of validated records, by group, framework and outcome (see the module).

    Build one with :func:`summarise`, or add results one at a time with
    :meth:`add`; summaries of slices of the input add up with ``+``.
    """

    grouping: Grouping = field(factory=Grouping)
    #: Records seen, included (no errors) and excluded (with errors).
    records: int = field(default=0, init=False)
    included: int = field(default=0, init=False)
    #: For each error code, how many excluded records have it.
    excluded_by_code: dict[str, int] = field(factory=dict, init=False)
    _cells: dict[_Key, _Cell] = field(factory=dict, init=False, alias="_cells")

    @property
    def excluded(self) -> int:
        """Records left out because they have errors."""
        return self.records - self.included

    def add(self, result: RecordResult) -> None:
        """Count one checked record: included if it has no errors, else excluded by code.

        A result that is a fault of a file (no record) is not counted.
        """
        if result.index is None:
            return
        object.__setattr__(self, "records", self.records + 1)
        data = result.data
        if not result.valid or not isinstance(data, Mapping):
            codes = {issue.code for issue in result.issues if issue.severity == ERROR}
            for code in codes or {"schema"}:  # a spoiled CSV record: a column the file lacks
                self.excluded_by_code[code] = self.excluded_by_code.get(code, 0) + 1
            return
        object.__setattr__(self, "included", self.included + 1)
        framework = data["framework"]
        person = data["person_id"]
        review = data["stage"] == "review"
        cells = self._cells
        for outcome in data["outcomes"]:
            for group in self.grouping.groups(data, outcome):
                key = (group, framework, outcome["outcome"])
                cell = cells.get(key)
                if cell is None:
                    cell = cells[key] = _Cell()
                cell.mentions += 1
                cell.persons.add(person)
                if review:
                    status = outcome.get("status")
                    if status is None:
                        cell.unrated += 1
                    else:
                        cell.levels[status] += 1

    def add_all(self, results: Iterable[RecordResult]) -> Summary:
        """Count every result; return this summary."""
        for result in results:
            self.add(result)
        return self

    def __add__(self, other: Summary) -> Summary:
        """Return the summary of both inputs (the groupings must be the same)."""
        if not isinstance(other, Summary):
            return NotImplemented
        if other.grouping != self.grouping:
            raise ValueError("only summaries with the same grouping add up")
        total = Summary(grouping=self.grouping)
        for part in (self, other):
            object.__setattr__(total, "records", total.records + part.records)
            object.__setattr__(total, "included", total.included + part.included)
            for code, count in part.excluded_by_code.items():
                total.excluded_by_code[code] = total.excluded_by_code.get(code, 0) + count
            for key, cell in part._cells.items():
                mine = total._cells.get(key)
                if mine is None:
                    mine = total._cells[key] = _Cell()
                mine.add(cell)
        return total

    def rows(self, registry: Registry) -> list[SummaryRow]:
        """Return the rows: per group and framework, the framework, its categories, outcomes.

        Categories and outcomes come in the framework's order; only those mentioned
        appear. ``registry`` gives the frameworks (newest versions).
        """
        by_group: dict[tuple[Group, str], dict[str, _Cell]] = {}
        for (group, framework_id, outcome_id), cell in self._cells.items():
            by_group.setdefault((group, framework_id), {})[outcome_id] = cell
        rows: list[SummaryRow] = []
        for group, framework_id in sorted(by_group, key=_group_order):
            named = tuple(zip(self.grouping.fields, group, strict=True))
            rows.extend(
                _framework_rows(named, registry.get(framework_id), by_group[(group, framework_id)])
            )
        return rows

    def to_dict(
        self, registry: Registry, rows: Sequence[SummaryRow] | None = None
    ) -> dict[str, object]:
        """Return the JSON object ``summarise --format json`` prints.

        ``rows`` replaces the summary's own (its rows after suppression, say).
        """
        return {
            "records": self.records,
            "included": self.included,
            "excluded": {
                "total": self.excluded,
                "by_code": dict(sorted(self.excluded_by_code.items())),
            },
            "rows": [row.to_dict() for row in (self.rows(registry) if rows is None else rows)],
        }


def _group_order(key: tuple[Group, str]) -> tuple[tuple[tuple[bool, str], ...], str]:
    group, framework = key
    # Groups in order of their values, "not recorded" (None) last; then the framework.
    return tuple((value is None, value or "") for value in group), framework


def _framework_rows(
    group: tuple[tuple[str, str | None], ...], framework: Framework, cells: dict[str, _Cell]
) -> list[SummaryRow]:
    """Return one group's rows of one framework: the framework, categories, outcomes."""
    scale = framework.review_scale.ids
    everyone = _Cell()
    below: list[SummaryRow] = []
    for category in framework.categories:
        in_category = _Cell()
        outcomes: list[SummaryRow] = []
        for outcome in category.outcomes:
            found = cells.get(outcome.id)
            if found is not None:
                in_category.add(found)
                place: _Where = (framework.id, category.id, outcome.id)
                outcomes.append(_row("outcome", group, place, found, scale))
        if outcomes:
            everyone.add(in_category)
            place = (framework.id, category.id, None)
            below.extend((_row("category", group, place, in_category, scale), *outcomes))
    return [_row("framework", group, (framework.id, None, None), everyone, scale), *below]


def _row(
    kind: RowKind,
    group: tuple[tuple[str, str | None], ...],
    where: _Where,
    cell: _Cell,
    scale: Sequence[str],
) -> SummaryRow:
    framework, category, outcome = where
    levels = tuple((level, cell.levels.get(level, 0)) for level in scale)
    return SummaryRow(
        kind=kind,
        group=group,
        framework=framework,
        category=category,
        outcome=outcome,
        mentions=cell.mentions,
        persons=len(cell.persons),
        reviewed=sum(count for _, count in levels) + cell.unrated,
        unrated=cell.unrated,
        levels=levels,
    )


def summarise(results: Iterable[RecordResult], *, grouping: Grouping | None = None) -> Summary:
    """Summarise checked records (``Validator.iter_validate`` results, say).

    >>> from personal_outcomes import Validator, bundled
    >>> import datetime
    >>> validator = Validator(today=datetime.date(2026, 11, 26))
    >>> summary = summarise(validator.iter_validate(["examples/records/adults-review.json"]))
    >>> summary.records, summary.included, summary.excluded
    (2, 2, 0)
    >>> [(row.kind, row.outcome, row.mentions, row.unrated) for row in summary.rows(bundled())][:3]
    [('framework', None, 2, 1), ('category', None, 1, 0), ('outcome', 'seeing-people', 1, 0)]
    """
    return Summary(grouping=grouping or Grouping()).add_all(results)
