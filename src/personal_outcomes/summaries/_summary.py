"""Summaries of validated records: mentions, persons and review levels, by group.

A :class:`Summary` is an accumulator: records are added one at a time (streamed),
and two summaries of different slices of the input add up (``a + b``) to the
summary of both, so that slices checked apart (``--jobs``, and later Dask) can be
merged. Counts are exact; persons are counted as distinct ``person_id`` values,
so they are kept as sets until the rows are made.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar, Literal

from attrs import field, frozen

from personal_outcomes._record_format import REVIEW_STAGE
from personal_outcomes.frameworks import Framework, Registry
from personal_outcomes.interop._crosswalk import crosswalk
from personal_outcomes.summaries._grouping import (
    GROUP_FIELDS,
    NO_NATIONAL_OUTCOME,
    PERIODS,
    Group,
    Grouping,
    Period,
    national_at,
    national_groups,
    period_of,
)
from personal_outcomes.summaries._tally import Mention, Tally
from personal_outcomes.validation import RecordResult

__all__ = [
    "GROUP_FIELDS",
    "PERIODS",
    "Group",
    "Grouping",
    "Period",
    "RowKind",
    "Summary",
    "SummaryRow",
    "period_of",
    "summarise",
]

RowKind = Literal["framework", "category", "outcome"]


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


_Key = tuple[Group, str]  # group, framework
_Where = tuple[str, str | None, str | None]  # framework, category, outcome


class _Cell:
    """The counts of one outcome in one group."""

    __slots__ = ("levels", "mentions", "persons", "unrated")

    def __init__(self) -> None:
        self.mentions = 0
        self.persons: set[str] = set()
        self.levels: dict[str, int] = {}
        self.unrated = 0

    def add(self, other: _Cell) -> None:
        self.mentions += other.mentions
        self.persons |= other.persons
        levels = self.levels
        for level, count in other.levels.items():
            levels[level] = levels.get(level, 0) + count
        self.unrated += other.unrated


@frozen(kw_only=True, eq=False)
class Summary(Tally):
    """Counts of validated records, by group, framework and outcome (see the module).

    Build one with :func:`summarise`, or add results one at a time with
    :meth:`add`; summaries of slices of the input add up with ``+`` (and ``+=``).
    """

    _plural: ClassVar[str] = "summaries"
    #: Per group and framework, each outcome's counts.
    _cells: dict[_Key, dict[str, _Cell]] = field(factory=dict, init=False, alias="_cells")

    def _take(
        self,
        framework: str,
        person: str,
        stage: str,
        *,
        recorded_on: object,
        context: Mapping[str, object] | None,
        mentions: list[Mention],
    ) -> None:
        grouping = self.grouping
        review = stage == REVIEW_STAGE
        tables = self._cells
        values = grouping.record_values(stage, recorded_on, context) if grouping.fields else []
        by_perspective = "perspective" in grouping.fields
        key = (tuple(values), framework)
        table = tables.get(key)
        if table is None:
            table = tables[key] = {}
        for outcome, status, perspective in mentions:
            if by_perspective:
                key = (grouping.outcome_group(values, perspective), framework)
                table = tables.get(key)
                if table is None:
                    table = tables[key] = {}
            cell = table.get(outcome)
            if cell is None:
                cell = table[outcome] = _Cell()
            cell.mentions += 1
            cell.persons.add(person)
            if review:
                if status is None:
                    cell.unrated += 1
                else:
                    levels = cell.levels
                    levels[status] = levels.get(status, 0) + 1

    def add_clean(self, record: object) -> None:
        """Count one record the checker proved clean, as :meth:`add` counts a result.

        The JSON Lines fast path's decoded records, the bulk of a large input, are
        counted here directly, without the plain values every other record goes through.
        """
        grouping = self.grouping
        fields = grouping.fields
        if type(record) is dict or (fields and "perspective" in fields):
            super().add_clean(record)  # a dict, or a group per outcome: the general way
            return
        proven: Any = record  # a struct: its fields are attributes, absent ones not text
        try:
            outcomes = proven.outcomes
        except AttributeError:  # another kind of mapping
            super().add_clean(record)
            return
        object.__setattr__(self, "records", self.records + 1)
        object.__setattr__(self, "included", self.included + 1)
        stage = proven.stage
        if fields:
            context = proven.context
            group = tuple(
                grouping.record_values(
                    stage, proven.recorded_on, context if type(context) is dict else None
                )
            )
        else:
            group = ()
        key = (group, proven.framework)
        tables = self._cells
        table = tables.get(key)
        if table is None:
            table = tables[key] = {}
        person = proven.person_id
        if stage != REVIEW_STAGE:
            for outcome in outcomes:
                cell = table.get(outcome.outcome)
                if cell is None:
                    cell = table[outcome.outcome] = _Cell()
                cell.mentions += 1
                cell.persons.add(person)
            return
        for outcome in outcomes:  # a clean record at review has a level for every outcome
            cell = table.get(outcome.outcome)
            if cell is None:
                cell = table[outcome.outcome] = _Cell()
            cell.mentions += 1
            cell.persons.add(person)
            levels = cell.levels
            levels[outcome.status] = levels.get(outcome.status, 0) + 1

    def _merge(self, other: Summary) -> None:
        tables = self._cells
        for key, theirs in other._cells.items():
            table = tables.get(key)
            if table is None:
                table = tables[key] = {}
            for outcome, cell in theirs.items():
                mine = table.get(outcome)
                if mine is None:
                    mine = table[outcome] = _Cell()
                mine.add(cell)

    def rows(self, registry: Registry) -> list[SummaryRow]:
        """Return the rows: per group and framework, the framework, its categories, outcomes.

        Categories and outcomes come in the newest version's order, then those only
        earlier versions in ``registry`` have (records may name an earlier version);
        only those mentioned appear. The levels are the newest review scale's, then any
        other level the records hold, in id order. Raises :class:`ValueError` if an
        outcome counted is in no version of its framework in ``registry`` (the summary
        was made with other frameworks).
        """
        by_group = {key: table for key, table in self._by_national(registry).items() if table}
        rows: list[SummaryRow] = []
        orders: dict[str, _Order] = {}
        for group, framework_id in sorted(by_group, key=_group_order):
            named = tuple(zip(self.grouping.fields, group, strict=True))
            order = orders.get(framework_id)
            if order is None:
                order = orders[framework_id] = _order(registry, framework_id)
            rows.extend(_framework_rows(named, order, by_group[(group, framework_id)]))
        return rows

    def _by_national(self, registry: Registry) -> dict[_Key, dict[str, _Cell]]:
        """Return the counts by group, each outcome in every national outcome group it has.

        Counts are kept with the ``national-outcome`` value unset (None); here each
        outcome's counts are put in the group of every national outcome it serves, or
        in ``none``. Without that field, the counts as they are.
        """
        where = national_at(self.grouping.fields)
        if where is None:
            return self._cells
        spread: dict[_Key, dict[str, _Cell]] = {}
        found: dict[str, dict[str, tuple[str, ...]]] = {}
        for (group, framework_id), table in self._cells.items():
            labels = found.get(framework_id)
            if labels is None:
                labels = found[framework_id] = national_groups(registry, framework_id)
            for outcome, cell in table.items():
                for label in labels.get(outcome, (NO_NATIONAL_OUTCOME,)):
                    key = ((*group[:where], label, *group[where + 1 :]), framework_id)
                    spread.setdefault(key, {})[outcome] = cell  # read, never changed
        return spread

    def to_dict(
        self, registry: Registry, rows: Sequence[SummaryRow] | None = None
    ) -> dict[str, object]:
        """Return the JSON object ``summarise --format json`` prints.

        ``rows`` replaces the summary's own (its rows after suppression, say). Grouped
        by ``national-outcome``, the object also has ``national_outcomes``: the version
        of the crosswalk, a note that says the groups overlap, and each group's title.
        """
        data = {
            **self.to_dict_counts(),
            "rows": [row.to_dict() for row in (self.rows(registry) if rows is None else rows)],
        }
        if national_at(self.grouping.fields) is not None:
            walk = crosswalk()
            data["national_outcomes"] = {
                "crosswalk_version": walk.version,
                "note": national_outcomes_note(),
                "groups": {
                    **{str(national.number): national.title for national in walk.national_outcomes},
                    NO_NATIONAL_OUTCOME: "serves no national outcome in the crosswalk",
                },
            }
        return data


def national_outcomes_note() -> str:
    """Say what the ``national-outcome`` groups of a summary are, and why they overlap.

    >>> national_outcomes_note()[:62]
    'Grouped by national-outcome: each recorded outcome is counted '
    """
    return (
        "Grouped by national-outcome: each recorded outcome is counted in the group of every "
        "National Health and Wellbeing Outcome it serves (1 to 9), by this project's own "
        f"crosswalk (version {crosswalk().version}; no official mapping exists), so the groups "
        "overlap and their counts add up to more than the outcomes recorded. The group "
        f"'{NO_NATIONAL_OUTCOME}' holds the outcomes that serve no national outcome."
    )


def _group_order(key: tuple[Group, str]) -> tuple[tuple[tuple[bool, str], ...], str]:
    group, framework = key
    # Groups in order of their values, "not recorded" (None) last; then the framework.
    return tuple((value is None, value or "") for value in group), framework


#: A framework's categories in order, each with its outcomes in order (all versions),
#: and the newest review scale.
_Order = tuple[str, tuple[tuple[str, tuple[str, ...]], ...], tuple[str, ...]]


def _order(registry: Registry, framework_id: str) -> _Order:
    """Return the order of a framework's categories and outcomes over all its versions."""
    categories: dict[str, dict[str, None]] = {}
    for version in reversed(registry.versions(framework_id)):  # the newest first
        framework: Framework = registry.get(framework_id, version)
        for category in framework.categories:
            known = categories.setdefault(category.id, {})
            known.update(dict.fromkeys(outcome.id for outcome in category.outcomes))
    scale = registry.get(framework_id).review_scale.ids
    return framework_id, tuple((c, tuple(o)) for c, o in categories.items()), tuple(scale)


def _framework_rows(
    group: tuple[tuple[str, str | None], ...], order: _Order, cells: dict[str, _Cell]
) -> list[SummaryRow]:
    """Return one group's rows of one framework: the framework, categories, outcomes."""
    framework_id, categories, scale = order
    others = sorted({level for cell in cells.values() for level in cell.levels} - set(scale))
    levels = (*scale, *others)
    everyone = _Cell()
    below: list[SummaryRow] = []
    placed = 0
    for category_id, outcome_ids in categories:
        in_category = _Cell()
        outcomes: list[SummaryRow] = []
        for outcome_id in outcome_ids:
            found = cells.get(outcome_id)
            if found is not None:
                placed += 1
                in_category.add(found)
                place: _Where = (framework_id, category_id, outcome_id)
                outcomes.append(_row("outcome", group, place, found, levels))
        if outcomes:
            everyone.add(in_category)
            place = (framework_id, category_id, None)
            below.extend((_row("category", group, place, in_category, levels), *outcomes))
    if placed != len(cells):
        message = (
            f"the summary counts outcomes that no version of framework '{framework_id}' in "
            "the registry has; make the rows with the registry the records were checked with"
        )
        raise ValueError(message)
    return [_row("framework", group, (framework_id, None, None), everyone, levels), *below]


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
