"""What summaries and journeys share: counting records in and out, and merging.

A tally takes checked records one at a time. A record with errors is excluded and
counted by each of its error codes; any other record is included, and what it
holds goes to the subclass as plain values (:meth:`Tally._take`), whether it came
as a dict (any reader) or as the JSON Lines fast path's decoded record.

Those plain values also travel: a ``--jobs`` or Dask worker cannot know which of
its records the run will find to be duplicates, so it sends back each included
record's values (:meth:`Tally._plain`), and the run counts them in order once it
knows (:meth:`Tally._add_plain`).
"""

from __future__ import annotations

import sys
from collections.abc import Container, Iterable, Mapping, Sequence
from typing import Any, ClassVar, Self, cast

from attrs import field, frozen

from personal_outcomes._codes import ERROR
from personal_outcomes.summaries._grouping import Grouping
from personal_outcomes.validation import RecordResult

#: One mention of an outcome in a record: (outcome id, status, perspective).
Mention = tuple[str, str | None, str | None]
#: What an included record gives a tally, as plain values (the arguments of
#: ``Tally._take``): framework, person, stage, date, context, mentions.
Plain = tuple[str, str, str, object, Mapping[str, object] | None, list[Mention]]


@frozen(kw_only=True, eq=False)
class Tally:
    """Records seen, included and excluded by code; subclasses count what they hold."""

    _plural: ClassVar[str] = "tallies"
    #: Whether :meth:`_take` reads a record's date whatever the grouping.
    _dated: ClassVar[bool] = False
    #: How outcomes are grouped.
    grouping: Grouping = field(factory=Grouping)
    #: Records seen (a fault of a file itself is no record).
    records: int = field(default=0, init=False)
    #: Records counted: those without errors (warnings allowed).
    included: int = field(default=0, init=False)
    #: For each error code, how many excluded records have it.
    excluded_by_code: dict[str, int] = field(factory=dict, init=False)
    #: Whether :meth:`_take` reads a record's context, date and perspectives.
    _reads: tuple[bool, bool, bool] = field(init=False, repr=False, alias="_reads")

    @_reads.default
    def _reads_of_grouping(self) -> tuple[bool, bool, bool]:
        fields = self.grouping.fields
        return (
            any(name.startswith("context.") for name in fields),
            self._dated or "period" in fields,
            "perspective" in fields,
        )

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
        self._take_dict(data)

    def add_all(self, results: Iterable[RecordResult]) -> Self:
        """Count every result; return this tally."""
        for result in results:
            self.add(result)
        return self

    def add_clean(self, record: object) -> None:
        """Count one record the checker proved clean (no issue at all), as it was read.

        ``record`` is its data (a dict) or the JSON Lines fast path's decoded record;
        for ``clean=`` of the engine's scan, which hands clean records over unchecked
        by :meth:`add` (so that a clean line never becomes a dict).
        """
        object.__setattr__(self, "records", self.records + 1)
        object.__setattr__(self, "included", self.included + 1)
        framework, person, stage, recorded_on, context, mentions = self._plain(record)
        self._take(
            framework, person, stage, recorded_on=recorded_on, context=context, mentions=mentions
        )

    def _take_dict(self, data: Mapping[str, object]) -> None:
        framework, person, stage, recorded_on, context, mentions = self._plain(data)
        self._take(
            framework, person, stage, recorded_on=recorded_on, context=context, mentions=mentions
        )

    def _plain(self, record: object) -> Plain:
        """Return what an included record gives this tally: the plain values _take takes.

        ``record`` is as :meth:`add_clean` takes it. What :meth:`_take` will not read
        with this grouping is None: the context unless grouping by a context field, the
        date unless by period (journeys always read it), the perspectives unless by
        perspective. A decoded record's date becomes its text (``YYYY-MM-DD``, as it
        counts), and the names that recur in such records (framework, outcome ids,
        levels) are interned: the values of a slice of input that a worker sends back
        share them, and pickle small.
        """
        context_read, date_read, perspective_read = self._reads
        if isinstance(record, dict) or not hasattr(record, "outcomes"):
            data: Mapping[str, Any] = record  # type: ignore[assignment]  # another mapping
            context = data.get("context") if context_read else None
            return (
                data["framework"],
                data["person_id"],
                data["stage"],
                data["recorded_on"] if date_read else None,
                context if isinstance(context, Mapping) else None,
                [
                    (
                        outcome["outcome"],
                        outcome.get("status"),
                        outcome.get("perspective") if perspective_read else None,
                    )
                    for outcome in data["outcomes"]
                ],
            )
        # A decoded struct: absent fields are a marker that is not text (msgspec.UNSET).
        proven: Any = record
        intern = sys.intern
        context = proven.context if context_read else None
        outcomes = proven.outcomes
        mentions: list[Mention]
        if perspective_read:
            mentions = [
                (
                    intern(outcome.outcome),
                    intern(status) if type(status := outcome.status) is str else None,
                    seen if type(seen := outcome.perspective) is str else None,
                )
                for outcome in outcomes
            ]
        else:
            mentions = [
                (
                    intern(outcome.outcome),
                    intern(status) if type(status := outcome.status) is str else None,
                    None,
                )
                for outcome in outcomes
            ]
        return (
            intern(proven.framework),
            proven.person_id,
            proven.stage,
            proven.recorded_on.isoformat() if date_read else None,
            context if type(context) is dict else None,
            mentions,
        )

    def _add_plain(self, plains: Sequence[object], skip: Container[int]) -> None:
        """Count the included records of a slice of input from their plain values, in order.

        ``plains`` holds an item for each record of the slice, numbered from 0: its
        plain values (:meth:`_plain`), or None if it has errors of its own. Those
        numbered in ``skip`` (duplicates, say, counted from their results) are passed over.
        """
        take = self._take
        counted = 0
        for number, plain in enumerate(cast("Sequence[Plain | None]", plains)):
            if plain is None or number in skip:
                continue
            framework, person, stage, recorded_on, context, mentions = plain
            take(
                framework,
                person,
                stage,
                recorded_on=recorded_on,
                context=context,
                mentions=mentions,
            )
            counted += 1
        object.__setattr__(self, "records", self.records + counted)
        object.__setattr__(self, "included", self.included + counted)

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
        """Count what one included record holds (each subclass its own way)."""
        raise NotImplementedError  # pragma: no cover

    def _merge(self, other: Self) -> None:
        """Add the counts of ``other``, read after this one's (each subclass its own)."""
        raise NotImplementedError  # pragma: no cover

    def __iadd__(self, other: Self) -> Self:
        """Add ``other`` (its records read after these) to this tally; return it."""
        if type(other) is not type(self):
            return NotImplemented
        if other.grouping != self.grouping:
            raise ValueError(f"only {self._plural} with the same grouping add up")
        object.__setattr__(self, "records", self.records + other.records)
        object.__setattr__(self, "included", self.included + other.included)
        for code, count in other.excluded_by_code.items():
            self.excluded_by_code[code] = self.excluded_by_code.get(code, 0) + count
        self._merge(other)
        return self

    def __add__(self, other: Self) -> Self:
        """Return the tally of both inputs, this one's read first (same grouping)."""
        if type(other) is not type(self):
            return NotImplemented
        total = type(self)(grouping=self.grouping)
        total += self
        total += other
        return total

    def empty(self) -> Self:
        """Return an empty tally of the same kind and grouping (for one slice of input)."""
        return type(self)(grouping=self.grouping)

    def to_dict_counts(self) -> dict[str, object]:
        """Return the record counts of the JSON object ``--format json`` prints."""
        return {
            "records": self.records,
            "included": self.included,
            "excluded": {
                "total": self.excluded,
                "by_code": dict(sorted(self.excluded_by_code.items())),
            },
        }
