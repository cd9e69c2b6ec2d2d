"""Exceptions raised by personal-outcomes.

Every exception the library raises on purpose derives from
:class:`PersonalOutcomesError`. Each is a frozen attrs class whose fields are the
context of the failure; its message is built from those fields and says where the
problem is and what to do about it. Messages never quote text taken from a record:
values supplied by the caller are kept as fields, not interpolated into ``str()``.

Lookups that fail derive from :class:`LookupError` as well (never :class:`KeyError`,
whose ``str()`` would quote the key):

>>> from personal_outcomes import bundled
>>> from personal_outcomes.errors import UnknownOutcomeError
>>> try:
...     bundled().get("adults").outcome("seeing-peple")
... except UnknownOutcomeError as err:
...     print(err)
framework 'adults' 1.1.0 has no outcome with that id; did you mean 'seeing-people'?
"""

from __future__ import annotations

from attrs import frozen

__all__ = [
    "AliasNotAllowedError",
    "ClusterError",
    "DisclosureControlError",
    "DuplicateFrameworkError",
    "DuplicateKeyError",
    "EncodingError",
    "InputError",
    "InvalidCrosswalkError",
    "InvalidFrameworkError",
    "InvalidProfileError",
    "MissingExtraError",
    "NestingTooDeepError",
    "NotValidError",
    "PersonalOutcomesError",
    "Problem",
    "RecordDataError",
    "RecordWriteError",
    "TooManyPanelsError",
    "UnknownCategoryError",
    "UnknownFormatError",
    "UnknownFrameworkError",
    "UnknownNationalOutcomeError",
    "UnknownOutcomeError",
    "UnknownReviewLevelError",
    "UnknownSourceError",
    "UnreadableFileError",
    "UnsupportedYAMLError",
    "YAMLSyntaxError",
]


class PersonalOutcomesError(Exception):
    """Base class of every error personal-outcomes raises on purpose."""


def _where(source: str, line: int | None, column: int | None) -> str:
    if line is None:
        return source
    if column is None:
        return f"{source}:{line}"
    return f"{source}:{line}:{column}"


@frozen(kw_only=True)
class InputError(PersonalOutcomesError):
    """Something is wrong at a place in an input file.

    ``line`` and ``column`` are 1-based where known; ``pointer`` is an RFC 6901
    JSON Pointer into the document ("" for the whole document).
    """

    source: str
    line: int | None = None
    column: int | None = None
    pointer: str = ""
    problem: str

    def __str__(self) -> str:
        """Say where the problem is and what it is."""
        location = _where(self.source, self.line, self.column)
        pointer = f" at {self.pointer}" if self.pointer else ""
        return f"{location}:{pointer} {self.problem}"


@frozen(kw_only=True)
class YAMLSyntaxError(InputError):
    """The text is not well-formed YAML."""


@frozen(kw_only=True)
class DuplicateKeyError(InputError):
    """A mapping has the same key twice (YAML would silently keep the last one)."""


@frozen(kw_only=True)
class AliasNotAllowedError(InputError):
    """The document uses a YAML anchor or alias, which are not allowed."""


@frozen(kw_only=True)
class NestingTooDeepError(InputError):
    """The document nests collections deeper than the reader allows."""


@frozen(kw_only=True)
class UnsupportedYAMLError(InputError):
    """The document uses a YAML feature the format does not allow.

    For example an explicit tag, a mapping used as a key, or a key that is not a
    string.
    """


@frozen(kw_only=True)
class EncodingError(InputError):
    """The bytes are not valid UTF-8 text."""


@frozen(kw_only=True)
class Problem:
    """One problem found while checking a document against its rules."""

    pointer: str
    message: str
    line: int | None = None
    column: int | None = None


def _problem_list(source: str, kind: str, problems: tuple[Problem, ...]) -> str:
    """List every problem of a document with its location, then where its format is."""
    count = len(problems)
    noun = "problem" if count == 1 else "problems"
    lines = [f"{source}: not a valid {kind} ({count} {noun}):"]
    lines.extend(
        f"  {_where(source, p.line, p.column)}: {p.pointer or '/'}: {p.message}" for p in problems
    )
    lines.append(f"  See the {kind} format in the documentation.")
    return "\n".join(lines)


@frozen(kw_only=True)
class InvalidFrameworkError(PersonalOutcomesError):
    """A framework file does not follow the framework file schema or its rules.

    Every problem found is in ``problems``, sorted by position; the message lists
    them one per line.
    """

    source: str
    problems: tuple[Problem, ...]

    def __str__(self) -> str:
        """List every problem with its location."""
        return _problem_list(self.source, "framework file", self.problems)


@frozen(kw_only=True)
class InvalidProfileError(PersonalOutcomesError):
    """An import profile does not follow the profile format.

    Every problem found is in ``problems``, sorted by position; the message lists
    them one per line.
    """

    source: str
    problems: tuple[Problem, ...]

    def __str__(self) -> str:
        """List every problem with its location."""
        return _problem_list(self.source, "import profile", self.problems)


@frozen(kw_only=True)
class InvalidCrosswalkError(PersonalOutcomesError):
    """A crosswalk file does not follow the crosswalk schema or its rules.

    Every problem found is in ``problems``, sorted by position; the message lists
    them one per line.
    """

    source: str
    problems: tuple[Problem, ...]

    def __str__(self) -> str:
        """List every problem with its location."""
        return _problem_list(self.source, "crosswalk file", self.problems)


@frozen(kw_only=True)
class UnreadableFileError(PersonalOutcomesError):
    """A file or folder cannot be opened or read at all."""

    source: str
    reason: str

    def __str__(self) -> str:
        """Say which file and why."""
        return f"{self.source}: cannot be read ({self.reason}); check the path and permissions"


def _suggest(suggestion: str | None) -> str:
    return f"; did you mean {suggestion!r}?" if suggestion else ""


@frozen(kw_only=True)
class UnknownFrameworkError(LookupError, PersonalOutcomesError):
    """No framework is known by that id (or at that version).

    ``requested`` holds what was asked for; it is not quoted in the message.
    """

    requested: str
    version: str | None = None
    known: tuple[str, ...] = ()
    suggestion: str | None = None

    def __str__(self) -> str:
        """Say which frameworks are known instead."""
        what = (
            "that version of the framework is not known"
            if self.version
            else "no framework with that id is known"
        )
        known = ", ".join(self.known) if self.known else "none"
        return f"{what} (known: {known}){_suggest(self.suggestion)}"


@frozen(kw_only=True)
class _UnknownInFrameworkError(LookupError, PersonalOutcomesError):
    framework: str
    version: str
    requested: str
    suggestion: str | None = None

    _thing = "item"

    def __str__(self) -> str:
        """Name the framework and suggest the closest id."""
        return (
            f"framework {self.framework!r} {self.version} has no {self._thing} with that id"
            f"{_suggest(self.suggestion)}"
        )


@frozen(kw_only=True)
class UnknownOutcomeError(_UnknownInFrameworkError):
    """The framework has no outcome with that id (or label)."""

    _thing = "outcome"


@frozen(kw_only=True)
class UnknownCategoryError(_UnknownInFrameworkError):
    """The framework has no category with that id."""

    _thing = "category"


@frozen(kw_only=True)
class UnknownSourceError(_UnknownInFrameworkError):
    """The framework cites no source with that key."""

    _thing = "source"


@frozen(kw_only=True)
class UnknownReviewLevelError(_UnknownInFrameworkError):
    """The framework's review scale has no level with that id."""

    _thing = "review level"


@frozen(kw_only=True)
class UnknownNationalOutcomeError(LookupError, PersonalOutcomesError):
    """There is no National Health and Wellbeing Outcome with that number (they are 1 to 9).

    ``requested`` holds what was asked for; it is not quoted in the message.
    """

    requested: object

    def __str__(self) -> str:
        """Say how the national outcomes are numbered."""
        return (
            "there is no National Health and Wellbeing Outcome with that number; "
            "they are numbered 1 to 9"
        )


@frozen(kw_only=True)
class DuplicateFrameworkError(PersonalOutcomesError):
    """Two framework definitions have the same id and version."""

    framework: str
    version: str
    sources: tuple[str, ...]

    def __str__(self) -> str:
        """Name both definitions."""
        where = " and ".join(self.sources)
        return (
            f"framework {self.framework!r} {self.version} is defined twice ({where}); "
            "give the local framework its own id or a new version"
        )


@frozen(kw_only=True)
class UnknownFormatError(PersonalOutcomesError, ValueError):
    """The input format cannot be told from the file name and was not given."""

    source: str
    formats: tuple[str, ...]
    endings: tuple[str, ...]

    def __str__(self) -> str:
        """Say how to name the format."""
        return (
            f"{self.source}: cannot tell the input format from the file name "
            f"(known endings: {', '.join(self.endings)}); name the format "
            f"({', '.join(self.formats)}) with --input-format, or input_format= in Python"
        )


@frozen(kw_only=True)
class NotValidError(PersonalOutcomesError, ValueError):
    """Only a valid record can become a typed record; this one has errors."""

    source: str
    index: int | None
    line: int | None = None

    def __str__(self) -> str:
        """Say which record, and what to do."""
        which = "the file" if self.index is None else f"record {self.index}"
        return (
            f"{_where(self.source, self.line, None)}: {which} is not valid, so it cannot "
            "be turned into an OutcomesRecord; fix its issues first"
        )


@frozen(kw_only=True)
class RecordDataError(PersonalOutcomesError, ValueError):
    """Data given to ``OutcomesRecord.from_data`` does not fit the record format.

    ``pointers`` lists where (RFC 6901, within the record); the values found
    there are never quoted.
    """

    pointers: tuple[str, ...]

    def __str__(self) -> str:
        """Name the places that do not fit."""
        places = ", ".join(pointer or "/" for pointer in self.pointers)
        return (
            f"the data is not a valid record (at {places}); check it with "
            "validate_record() first, which says what is wrong at each place"
        )


@frozen(kw_only=True)
class RecordWriteError(PersonalOutcomesError, TypeError, ValueError):
    """A record cannot be written in the format asked for: a wrong type, or what it cannot carry.

    ``pointer`` is where in the record (RFC 6901); the value is never quoted.
    """

    record: int
    pointer: str
    problem: str

    def __str__(self) -> str:
        """Say which record, where, and what is wrong."""
        return f"record {self.record}: {self.pointer or '/'}: {self.problem}"


@frozen(kw_only=True)
class DisclosureControlError(PersonalOutcomesError):
    """The counts, groups or threshold given to disclosure control do not fit together.

    ``group`` is the index (from 0) of the group at fault in the sequence given, or
    ``None``; ``key`` is the key of the count at fault, or ``None``. Neither the key
    nor any count is quoted in the message: keys can carry names from the records,
    and an unpublished small count is exactly what disclosure control hides.
    """

    problem: str
    group: int | None = None
    key: object = None

    def __str__(self) -> str:
        """Say which group, if any, and what is wrong."""
        where = "" if self.group is None else f"group {self.group} (counting from 0) "
        return f"cannot apply disclosure control: {where}{self.problem}"


@frozen(kw_only=True)
class TooManyPanelsError(PersonalOutcomesError, ValueError):
    """A chart would have more ``panels`` than the ``most`` one chart may have."""

    panels: int
    most: int

    def __str__(self) -> str:
        """Say how many panels there would be and what to do."""
        return (
            f"the chart would have {self.panels} panels, more than {self.most}: "
            "group by fewer fields, or summarise a part of the records"
        )


@frozen(kw_only=True)
class MissingExtraError(PersonalOutcomesError):
    """A feature needs a package of an optional extra that is not installed.

    ``purpose`` is what needs it (``charts``), ``package`` the missing package
    (``matplotlib``) and ``extra`` the extra that installs it (``charts``).
    """

    purpose: str
    package: str
    extra: str

    def __str__(self) -> str:
        """Say what is missing and how to install it."""
        return f"{self.purpose} need {self.package}: pip install 'personal-outcomes[{self.extra}]'"


@frozen(kw_only=True)
class ClusterError(PersonalOutcomesError):
    """A Dask cluster could not be reached, or failed while checking files.

    ``scheduler`` is the cluster as given (an address, or ``local:N``) and ``reason``
    what went wrong, in Dask's words.
    """

    scheduler: str
    reason: str

    def __str__(self) -> str:
        """Say which cluster failed, why, and what to check."""
        return (
            f"cannot use the Dask cluster at {self.scheduler} ({self.reason}); check the "
            "address (tcp://HOST:8786, or local:N for N worker processes on this machine), "
            "that the scheduler is running, and that every worker has the same version of "
            "personal-outcomes[dask] installed"
        )
