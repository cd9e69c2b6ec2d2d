"""What a reader hands to the checker: one raw record, and where its parts are.

Readers (JSON, JSON Lines, YAML, CSV) turn a file into a stream of
:class:`RawRecord`. A reader never raises for bad input: a fault it finds while
reading is a :class:`RawProblem` on the record it spoils, or, when the fault is
in no record (an empty file, a file that cannot be decoded, a CSV header with no
rows after it, text after a JSON array), on a raw record whose index is
:data:`FILE_LEVEL`: the file's own fault, reported but not counted as a record.
"""

from __future__ import annotations

from typing import Final, NamedTuple, Protocol

from attrs import frozen

from personal_outcomes._codes import ERROR, IssueCode, Severity
from personal_outcomes._pointer import Path

#: The index of a raw record that stands for a fault of the whole file, not a record.
FILE_LEVEL: Final = -1


class Positions(Protocol):
    """Where the parts of one record are in its file."""

    def locate(self, path: Path) -> tuple[int | None, int | None]:
        """Return the 1-based (line, column) of the node at ``path`` within the record.

        A path that does not exist (a missing field) gives its nearest existing
        parent's position. Unknown parts are ``None``.
        """
        ...  # pragma: no cover

    def locate_key(self, path: Path) -> tuple[int | None, int | None]:
        """Return where the key of the entry at ``path`` stands (or its mapping's place)."""
        ...  # pragma: no cover

    def typed_plain(self, path: Path) -> bool:
        """Say whether the value at ``path`` was an unquoted YAML scalar read as a non-string."""
        ...  # pragma: no cover


class Proven(Protocol):
    """A record a fast path decoded and proved clean: its fields are attributes."""

    @property
    def record_id(self) -> str:
        """The record's id."""
        ...  # pragma: no cover


@frozen(kw_only=True, slots=True)
class RawProblem:
    """A fault found while reading, before any checks ran."""

    path: Path
    code: IssueCode
    message: str
    line: int | None = None
    column: int | None = None
    severity: Severity = ERROR
    #: The reader stopped here: the rest of the source was not read.
    stops: bool = False


class RawRecord(NamedTuple):
    """One record as read from a file, not yet checked.

    ``data`` is the record as plain data (dicts, lists, strings...), or ``None``
    when the reader could not read it at all (then ``problems`` says why).
    ``positions`` says where its parts are; without it, every issue is placed at
    the record's ``line`` and ``column``. ``suppressed`` lists required fields
    whose absence was already reported once for the whole file (a CSV column
    missing from the header): the checker does not report them again for every
    record, but such a record is still invalid. (A named tuple: one is made per
    record, so it must be cheap.)
    """

    # The field shadows tuple.index, which nothing here uses.
    index: int  # type: ignore[assignment]
    line: int | None
    column: int | None
    data: object
    positions: Positions | None = None
    problems: tuple[RawProblem, ...] = ()
    suppressed: frozenset[str] = frozenset()
    #: Set (to the record_id) when a fast path already proved the record clean;
    #: ``data`` is then not built at all.
    clean_id: str | None = None
