"""Journeys: from the start of each person's outcome to its next review, by group.

The rule, its ties and its grouping are stated once, in :class:`Journeys`.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import ClassVar

from attrs import field, frozen

from personal_outcomes._record_format import REVIEW_STAGE
from personal_outcomes.frameworks import Registry
from personal_outcomes.summaries._grouping import Group, Grouping, day_of
from personal_outcomes.summaries._tally import Mention, Tally
from personal_outcomes.validation import RecordResult

_Triple = tuple[str, str, str]  # person, framework, outcome


def refuse_fields(fields: Sequence[str]) -> None:
    """Raise ValueError for a field that cannot group journeys (only context.NAME, period)."""
    for name in fields:
        if name != "period" and not (name.startswith("context.") and len(name) > len("context.")):
            why = (
                "journeys are counted per outcome, not per national outcome (summarise can "
                "group by it)"
                if name == "national-outcome"
                else "a journey spans several records"
            )
            message = (
                f"cannot group journeys by {name!r}: {why}; "
                "group by context.NAME or period (taken from the start record)"
            )
            raise ValueError(message)


@frozen(kw_only=True)
class JourneyRow:
    """The journeys of one outcome of one framework, in one group.

    ``levels`` maps every level of the framework's review scale (then any other
    status met, in id order) to the starts whose next review reached it;
    ``unrated`` counts those whose next review gave no status and ``no_review``
    those with no next review yet: ``starts`` is their sum. ``median_days`` is the
    median of the days from start to next review (a whole number unless it falls
    between two), ``None`` if no start reached a review. A count suppressed for
    publication is ``None``.
    """

    group: tuple[tuple[str, str | None], ...]
    framework: str
    outcome: str
    starts: int | None
    levels: tuple[tuple[str, int | None], ...]
    unrated: int | None
    no_review: int | None
    median_days: float | None

    def to_dict(self) -> dict[str, object]:
        """Return the row as the JSON object ``journeys --format json`` prints."""
        return {
            "group": dict(self.group),
            "framework": self.framework,
            "outcome": self.outcome,
            "starts": self.starts,
            "levels": dict(self.levels),
            "unrated": self.unrated,
            "no_review": self.no_review,
            "median_days": self.median_days,
        }


class _Journey:
    """One person's outcome: its start so far and the reviews that may be its next."""

    __slots__ = ("groups", "reviews", "start")

    def __init__(self) -> None:
        self.start: str | None = None
        self.groups: tuple[Group, ...] = ()
        #: Review date -> status of the first review read on that date.
        self.reviews: dict[str, str | None] = {}

    def add_start(self, day: str, groups: tuple[Group, ...]) -> None:
        if self.start is None or day < self.start:
            self.start = day
            self.groups = groups
            self._prune()

    def add_review(self, day: str, status: str | None) -> None:
        if day not in self.reviews:
            self.reviews[day] = status
            self._prune()

    def _prune(self) -> None:
        """Keep, of the reviews on or after the start, only the earliest."""
        start = self.start
        if start is None:
            return
        later = [day for day in self.reviews if day >= start]
        if len(later) > 1:
            keep = min(later)
            for day in later:
                if day != keep:
                    del self.reviews[day]

    def next_review(self, start: str) -> tuple[str, str | None] | None:
        """Return the date and status of the first review on or after the start, if any."""
        later = [day for day in self.reviews if day >= start]
        if not later:
            return None
        day = min(later)
        return day, self.reviews[day]


class _Tally:
    """The journeys of one outcome in one group."""

    __slots__ = ("days", "levels", "no_review", "starts", "unrated")

    def __init__(self) -> None:
        self.starts = 0
        self.levels: Counter[str] = Counter()
        self.unrated = 0
        self.no_review = 0
        self.days: list[int] = []


@frozen(kw_only=True, eq=False)
class Journeys(Tally):
    """Starts and next reviews per person, framework and outcome, by group.

    Build one with :func:`journeys`, or add results one at a time with :meth:`add`;
    the journeys of consecutive slices of the input add up with ``+``. Records with
    errors are left out and counted by error code, as in :class:`Summary`.

    The rule, for each person (matched by ``person_id`` only), framework and outcome:

    * the **start** is the earliest record at stage ``assessment`` or ``support-planning``
      that names the outcome;
    * the **next review** is the earliest record at stage ``review`` of the same person and
      framework, dated on or after the start (the same day counts), that names the outcome;
      its level is the status of the outcome's first mention in that record, or **unrated**
      if that mention has no status.

    Per framework and outcome, a :class:`JourneyRow` counts the ``starts``, the starts whose
    next review reached each level of the framework's review scale, the ``unrated`` and
    those with ``no_review`` yet (``starts`` is always the sum of the other three), and
    the median of the days from start to next review over all starts that reached one.
    Reviews of an outcome with no start are not journeys and are not counted.

    Dates compare as ``YYYY-MM-DD`` (a :class:`datetime.date` is taken as its date);
    days are calendar days. Ties: of several start records on the same earliest date,
    the first read is the start (it gives the group); of several review records on the
    same earliest date, the first read is the next review (it gives the level). "First
    read" is the order records are added; for ``a + b`` the records of ``a`` come before
    those of ``b``, so merging consecutive slices gives exactly what one pass over the
    whole input gives, whatever the order of dates in it (a review may come first).

    Grouping (``context.NAME`` or ``period``) uses the **start record's** values: its
    context and the period of its ``recorded_on``; each journey is counted once, in the
    group of its start. A journey spans several records, so a grouping by ``stage`` or
    ``perspective`` is refused (:class:`ValueError`).

    Memory: one entry per distinct (person, framework, outcome), holding the start's date
    and group and the review dates that could still be the next review: at most one
    review per date, and only the earliest one on or after the start (earlier reviews
    are kept, since a slice merged in later may hold an earlier start).
    """

    _plural: ClassVar[str] = "journeys"
    _dated: ClassVar[bool] = True  # a journey runs from a date to a date
    _journeys: dict[_Triple, _Journey] = field(factory=dict, init=False, alias="_journeys")

    def __attrs_post_init__(self) -> None:
        """Refuse a grouping by stage or perspective."""
        refuse_fields(self.grouping.fields)

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
        review = stage == REVIEW_STAGE  # else a start: assessment or support-planning
        day = day_of(recorded_on) or str(recorded_on)  # a valid record has a date
        first: dict[str, str | None] = {}
        for outcome, status, _ in mentions:
            if outcome not in first:
                first[outcome] = status
        groups: tuple[Group, ...] = ()
        if not review:
            values = self.grouping.record_values(stage, day, context)
            groups = (self.grouping.outcome_group(values, None),)
        found = self._journeys
        for outcome, status in first.items():
            key = (person, framework, outcome)
            journey = found.get(key)
            if journey is None:
                journey = found[key] = _Journey()
            if review:
                journey.add_review(day, status)
            else:
                journey.add_start(day, groups)

    def _merge(self, other: Journeys) -> None:
        found = self._journeys
        for key, journey in other._journeys.items():
            mine = found.get(key)
            if mine is None:
                mine = found[key] = _Journey()
            if journey.start is not None:
                mine.add_start(journey.start, journey.groups)
            for day, status in journey.reviews.items():
                mine.add_review(day, status)

    def rows(self, registry: Registry) -> list[JourneyRow]:
        """Return one row per group, framework and outcome with at least one start.

        Groups in order of their values (not recorded last), then frameworks by id,
        then outcomes in the framework's order. ``registry`` gives the frameworks
        (newest versions).
        """
        tallies: dict[tuple[Group, str, str], _Tally] = {}
        for (_, framework, outcome), journey in self._journeys.items():
            start = journey.start
            if start is None:
                continue  # reviews only: not a journey
            reached = journey.next_review(start)
            for group in journey.groups:
                tally = tallies.get((group, framework, outcome))
                if tally is None:
                    tally = tallies[(group, framework, outcome)] = _Tally()
                tally.starts += 1
                if reached is None:
                    tally.no_review += 1
                    continue
                day, status = reached
                tally.days.append(_days(start, day))
                if status is None:
                    tally.unrated += 1
                else:
                    tally.levels[status] += 1
        frameworks = {framework for _, framework, _ in tallies}
        scales = {fw: registry.get(fw).review_scale.ids for fw in frameworks}
        places = {fw: _positions(registry.get(fw).outcome_ids) for fw in frameworks}

        def order(key: tuple[Group, str, str]) -> tuple[object, ...]:
            group, framework, outcome = key
            place = places[framework].get(outcome, len(places[framework]))
            return tuple((value is None, value or "") for value in group), framework, place, outcome

        rows: list[JourneyRow] = []
        for key in sorted(tallies, key=order):
            group, framework, outcome = key
            tally = tallies[key]
            scale = scales[framework]
            others = sorted(set(tally.levels) - set(scale))
            rows.append(
                JourneyRow(
                    group=tuple(zip(self.grouping.fields, group, strict=True)),
                    framework=framework,
                    outcome=outcome,
                    starts=tally.starts,
                    levels=tuple((level, tally.levels[level]) for level in (*scale, *others)),
                    unrated=tally.unrated,
                    no_review=tally.no_review,
                    median_days=_median(tally.days),
                )
            )
        return rows

    def to_dict(
        self, registry: Registry, rows: Sequence[JourneyRow] | None = None
    ) -> dict[str, object]:
        """Return the JSON object ``journeys --format json`` prints.

        ``rows`` replaces the journeys' own (their rows after suppression, say).
        """
        return {
            **self.to_dict_counts(),
            "rows": [row.to_dict() for row in (self.rows(registry) if rows is None else rows)],
        }


def _days(start: str, review: str) -> int:
    return (dt.date.fromisoformat(review) - dt.date.fromisoformat(start)).days


def _positions(ids: Sequence[str]) -> dict[str, int]:
    return {outcome: place for place, outcome in enumerate(ids)}


def _median(days: Sequence[int]) -> float | None:
    """Return the median, a whole number as an int (10, 10.5), or None if there is none."""
    if not days:
        return None
    middle = statistics.median(days)
    return int(middle) if middle == int(middle) else middle


def journeys(results: Iterable[RecordResult], *, grouping: Grouping | None = None) -> Journeys:
    """Follow each person's outcomes from start to next review in checked records.

    The review may be read before the start:

    >>> from personal_outcomes import Validator, bundled
    >>> import datetime
    >>> validator = Validator(today=datetime.date(2026, 11, 26))
    >>> mention = {"outcome": "seeing-people", "what_matters": "Bowls with my pals"}
    >>> start = {"record_id": "r-1", "framework": "adults", "person_id": "p-1",
    ...          "recorded_on": "2026-03-01", "stage": "assessment", "outcomes": [mention]}
    >>> review = {**start, "record_id": "r-2", "recorded_on": "2026-04-12", "stage": "review",
    ...           "outcomes": [{**mention, "status": "partly-met"}]}
    >>> found = journeys(validator.validate_record(data) for data in (review, start))
    >>> (row,) = found.rows(bundled())
    >>> row.outcome, row.starts, dict(row.levels), row.no_review, row.median_days
    ('seeing-people', 1, {'met': 0, 'partly-met': 1, 'not-met': 0, 'no-longer-relevant': 0}, 0, 42)
    """
    return Journeys(grouping=grouping or Grouping()).add_all(results)
