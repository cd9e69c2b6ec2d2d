"""Typed personal-outcomes records (record format version 1).

A record is one conversation (assessment, support planning or review) with one
person about one or more outcomes of one framework. Build records in Python and
check them like files, or turn checked data into typed objects:

>>> import datetime
>>> from personal_outcomes.records import Contribution, OutcomesRecord, RecordedOutcome
>>> record = OutcomesRecord(
...     record_id="ab-2026-000123",
...     framework="adults",
...     person_id="p-7f3a9c",
...     recorded_on=datetime.date(2026, 3, 1),
...     stage="assessment",
...     outcomes=(
...         RecordedOutcome(
...             outcome="seeing-people",
...             what_matters="Getting back to the bowling club",
...             contributions=(Contribution(by="person", what="Practise the walk"),),
...         ),
...     ),
... )
>>> record.to_data()["outcomes"][0]["contributions"]
[{'by': 'person', 'what': 'Practise the walk'}]
>>> OutcomesRecord.from_data(record.to_data()) == record
True
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import Literal, cast, get_args, get_origin

import cattrs
from attrs import field, frozen
from cattrs.errors import (
    ClassValidationError,
    IterableValidationError,
    IterableValidationNote,
)

from personal_outcomes._pointer import to_pointer
from personal_outcomes._record_format import DATE_PATTERN
from personal_outcomes.errors import RecordDataError

__all__ = [
    "Contribution",
    "Contributor",
    "OutcomesRecord",
    "Perspective",
    "RecordedOutcome",
    "Stage",
]

Stage = Literal["assessment", "support-planning", "review"]
Contributor = Literal["person", "family-and-friends", "community", "services"]
#: Whose view a recorded outcome holds (record format 1.1).
Perspective = Literal["person", "family", "representative", "practitioner", "agreed"]


_DATE = re.compile(DATE_PATTERN.removeprefix("^").removesuffix("$"))


def __dir__() -> list[str]:
    return sorted(__all__)


def _frozen_mapping(value: Mapping[str, str] | None) -> Mapping[str, str] | None:
    return None if value is None else MappingProxyType(dict(value))


@frozen(kw_only=True)
class Contribution:
    """Who will do what towards an outcome."""

    by: Contributor
    what: str


@frozen(kw_only=True)
class RecordedOutcome:
    """One outcome discussed in the conversation, in the person's own words."""

    outcome: str
    what_matters: str
    why_it_matters: str | None = None
    contributions: tuple[Contribution, ...] | None = None
    status: str | None = None
    status_note: str | None = None
    #: Whose view this is: ``person``, ``family``, ``representative`` (a welfare
    #: guardian or attorney), ``practitioner`` or ``agreed``; ``None`` if not recorded.
    perspective: Perspective | None = None


@frozen(kw_only=True)
class OutcomesRecord:
    """One personal-outcomes record.

    ``context`` is a read-only mapping of grouping fields (team, service...).
    Use :func:`~personal_outcomes.validation.validate_record` to check a record; typed
    objects can hold data the format forbids (an unknown outcome id, say) until
    they are checked.
    """

    record_id: str
    framework: str
    framework_version: str | None = None
    person_id: str
    recorded_on: dt.date
    stage: Stage
    context: Mapping[str, str] | None = field(default=None, converter=_frozen_mapping, hash=False)
    notes: str | None = None
    outcomes: tuple[RecordedOutcome, ...]

    def to_data(self) -> dict[str, object]:
        """Return the record as plain data in record format v1 (absent fields left out)."""
        return cast("dict[str, object]", _converter.unstructure(self))

    @classmethod
    def from_data(cls, data: Mapping[str, object]) -> OutcomesRecord:
        """Build a record from plain data that has passed validation.

        Check the data first (:func:`~personal_outcomes.validation.validate_record`);
        data that breaks the format raises
        :class:`~personal_outcomes.errors.RecordDataError` naming where (never
        what the data holds), not a located issue.

        >>> OutcomesRecord.from_data({"record_id": "r-1"})
        Traceback (most recent call last):
        ...
        personal_outcomes.errors.RecordDataError: the data is not a valid record (at /framework, ...
        """
        try:
            return _converter.structure(data, cls)
        except Exception as err:  # cattrs raises several kinds, and their text quotes values
            raise RecordDataError(pointers=tuple(_pointers(err))) from None


_converter = cattrs.Converter(
    omit_if_default=True,
    forbid_extra_keys=True,
    unstruct_collection_overrides={Sequence: list, Mapping: dict},
)


def _date(value: object, _: object) -> dt.date:
    """Read a date written exactly YYYY-MM-DD, as on every other path."""
    if type(value) is not str or _DATE.fullmatch(value) is None:
        raise ValueError  # located by from_data, never quoted
    return dt.date.fromisoformat(value)


def _pointers(err: BaseException, path: tuple[str | int, ...] = ()) -> Iterator[str]:
    """Yield where each fault inside a cattrs error is; mapping keys are never named.

    The path follows field names and list indexes only: a key of ``context``
    (or an unknown key) is data, so its fault is placed at the mapping.
    """
    if isinstance(err, ClassValidationError):
        noted, others = err.group_exceptions()
        for inner, note in noted:
            yield from _pointers(inner, (*path, note.name))
    elif isinstance(err, IterableValidationError):
        noted_items, others = err.group_exceptions()
        for inner, item in noted_items:
            index = item.index
            yield from _pointers(inner, (*path, index) if type(index) is int else path)
    else:
        yield to_pointer(path)
        return
    for inner in others:
        yield from _pointers(inner, path)


_converter.register_structure_hook(dt.date, _date)


def _text(value: object, _: object) -> str:
    """Take text as it is: the record format converts nothing (a number is not text)."""
    if type(value) is not str:
        raise TypeError  # located by from_data, never quoted
    return value


def _tuple_hook(kind: type) -> Callable[[object, object], tuple[object, ...]]:
    """Structure a list into a tuple; a string or a mapping is not a list."""
    (item, _) = get_args(kind)

    def structure(value: object, _: object) -> tuple[object, ...]:
        if not isinstance(value, list | tuple):
            raise TypeError  # located by from_data, never quoted
        done: list[object] = []
        faults: list[Exception] = []
        for index, element in enumerate(value):
            try:
                done.append(_converter.structure(element, item))
            except Exception as err:
                err.__notes__ = [
                    *getattr(err, "__notes__", []),
                    IterableValidationNote(f"Structuring {kind} @ index {index}", index, item),
                ]
                faults.append(err)
        if faults:
            raise IterableValidationError("the list does not fit", faults, kind)
        return tuple(done)

    return structure


_converter.register_structure_hook(str, _text)


def _is_tuple(kind: object) -> bool:
    return get_origin(kind) is tuple


_converter.register_structure_hook_factory(_is_tuple, _tuple_hook)
_converter.register_unstructure_hook(dt.date, lambda value: value.isoformat())
_converter.register_unstructure_hook(MappingProxyType, dict)
