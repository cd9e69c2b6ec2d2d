"""What validation finds: issues, the result of each record, and the report of a run."""

from __future__ import annotations

import reprlib
from collections.abc import Mapping
from typing import Final

import attrs
from attrs import frozen

from personal_outcomes._codes import ERROR, ISSUE_CODES, QUALITY_CODES, IssueCode, Severity
from personal_outcomes._record_format import SAFE_RECORD_ID
from personal_outcomes.errors import NotValidError
from personal_outcomes.records import OutcomesRecord

# The warnings that ``strict`` counts as errors: all but the recording-quality hints.
_STRICT_WARNINGS: Final = frozenset(
    code
    for code, severity in ISSUE_CODES.items()
    if severity != ERROR and code not in QUALITY_CODES
)

#: The longest value shown with ``include_values`` (longer ones are cut, marked ``…``).
VALUE_LIMIT: Final = 200


def safe_id(value: object) -> str | None:
    """Return a record_id fit to quote in a report (``^[A-Za-z0-9._:-]{1,64}$``), else None."""
    if type(value) is str and SAFE_RECORD_ID.fullmatch(value):
        return value
    return None


def _shown() -> reprlib.Repr:
    shown = reprlib.Repr()
    shown.maxlevel = 4
    shown.maxstring = shown.maxother = shown.maxlong = VALUE_LIMIT
    shown.maxlist = shown.maxtuple = shown.maxdict = shown.maxset = 10
    return shown


_SHOWN: Final = _shown()
#: Integers longer than this many bits are described, not written out (Python refuses to
#: write an integer of more than 4,300 digits, and no report needs that many).
_LONGEST_INT_BITS: Final = 1024
_DIGITS_PER_BIT: Final = 0.30103  # log10(2)


def show_value(value: object) -> str:
    """Return a value as shown with ``include_values``: a short repr, cut to a limit.

    Never raises: an integer too long to write out and a value nested too deeply
    are described instead.

    >>> show_value("Jane"), show_value(10**5000)
    ("'Jane'", 'an integer of about 5001 digits')
    """
    if isinstance(value, int) and value.bit_length() > _LONGEST_INT_BITS:
        return f"an integer of about {int(value.bit_length() * _DIGITS_PER_BIT) + 1} digits"
    try:
        text = _SHOWN.repr(value)
    except (ValueError, RecursionError):
        return f"a value of type {type(value).__name__} too large or deep to show"
    return text if len(text) <= VALUE_LIMIT else text[: VALUE_LIMIT - 1] + "…"


@frozen(kw_only=True, slots=True)
class Issue:
    """One problem found in the input, located as precisely as the format allows.

    ``line`` and ``column`` are 1-based; ``record`` is the 0-based index of the
    record in its source; ``record_id`` is given only when it has a safe form
    (``^[A-Za-z0-9._:-]{1,64}$``); ``pointer`` is an RFC 6901 JSON Pointer
    within the record. ``value`` is set only when values were asked for.
    """

    source: str
    line: int | None
    column: int | None
    record: int | None
    record_id: str | None
    pointer: str
    code: IssueCode
    severity: Severity
    message: str
    value: str | None = None

    def to_dict(self) -> dict[str, object]:
        """Return the issue as the JSON report's issue object."""
        data: dict[str, object] = {
            "source": self.source,
            "line": self.line,
            "column": self.column,
            "record": self.record,
            "record_id": self.record_id,
            "pointer": self.pointer,
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
        }
        if self.value is not None:
            data["value"] = self.value
        return data

    def __str__(self) -> str:
        """Return ``file:line:column: pointer: code: message``."""
        line, column, value = self.line, self.column, self.value
        if line is None:
            where = self.source
        elif column is None:
            where = f"{self.source}:{line}"
        else:
            where = f"{self.source}:{line}:{column}"
        severity = "" if self.severity == ERROR else " (warning)"
        shown = "" if value is None else f" [value: {value}]"
        return f"{where}: {self.pointer or '/'}: {self.code}{severity}: {self.message}{shown}"


@frozen(kw_only=True, slots=True, repr=False)
class RecordResult:
    """The outcome of checking one record (or of failing to read a file).

    ``index`` is ``None`` only for a fault of a file rather than a record (a file
    that could not be read, an empty file...). ``data`` is the record as read
    (``None`` when it could not be read).
    """

    source: str
    index: int | None
    line: int | None
    record_id: str | None
    issues: tuple[Issue, ...]
    data: object = None
    #: The record lacks a field that the whole file lacks (a CSV column missing
    #: from the header); that error is reported once, with the file's first record.
    spoiled: bool = False
    #: Checked with ``strict``: a warning (but a recording-quality hint) makes the
    #: record invalid too.
    strict: bool = False

    @property
    def valid(self) -> bool:
        """Say whether the record has no errors (warnings allowed, unless ``strict``)."""
        if self.index is None or self.spoiled:
            return False
        # Loops rather than all(): a result is asked this once for every record with issues.
        if self.strict:
            for issue in self.issues:
                if issue.severity == ERROR or issue.code in _STRICT_WARNINGS:
                    return False
            return True
        for issue in self.issues:  # noqa: SIM110 (see above)
            if issue.severity == ERROR:
                return False
        return True

    def record(self) -> OutcomesRecord:
        """Return the record as a typed object; only for a valid record.

        Raises :class:`~personal_outcomes.errors.NotValidError` for a record
        with errors (or one that was not read).
        """
        if not self.valid or not isinstance(self.data, Mapping):
            raise NotValidError(source=self.source, index=self.index, line=self.line)
        return OutcomesRecord.from_data(self.data)

    def __repr__(self) -> str:
        """Say where the record is and what was found, never what it holds."""
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        errors = sum(issue.severity == ERROR for issue in self.issues)
        state = "valid" if self.valid else "invalid"
        return (
            f"<RecordResult {where} record {self.index}: {state}, "
            f"{errors} errors, {len(self.issues) - errors} warnings>"
        )

    def with_issue(self, issue: Issue) -> RecordResult:
        """Return the result with one more issue."""
        return attrs.evolve(self, issues=(*self.issues, issue))


@frozen(kw_only=True, slots=True)
class FileSummary:
    """How many records one source held, and whether it was read to its end.

    ``complete`` is false when the reader had to stop before the end (a syntax
    error in a JSON document or YAML stream, text that is not UTF-8, an
    unclosed quote in CSV) or the file could not be read at all: only then can
    records go uncounted, and only after the place where reading stopped.
    """

    source: str
    records: int
    complete: bool = True

    def to_dict(self) -> dict[str, object]:
        """Return the summary as the JSON report's file object."""
        return {"source": self.source, "records": self.records, "complete": self.complete}


@frozen(kw_only=True, repr=False)
class Report:
    """The summary of a validation run.

    ``issues`` may be cut short by a cap (then ``truncated`` is true); the
    counts (records, valid, invalid, unreadable files, errors and warnings)
    are always exact.
    """

    records: int
    valid: int
    invalid: int
    truncated: bool
    issues: tuple[Issue, ...]
    unreadable: int = 0
    errors: int = 0
    warnings: int = 0
    #: One summary per source, in the order read.
    files: tuple[FileSummary, ...] = ()
    #: Files inside the folders given that were passed over (not a record file's ending).
    skipped: int = 0

    def to_dict(self) -> dict[str, object]:
        """Return the report as the CLI's JSON object."""
        return {
            "records": self.records,
            "valid": self.valid,
            "invalid": self.invalid,
            "truncated": self.truncated,
            "errors": self.errors,
            "warnings": self.warnings,
            "issues": [issue.to_dict() for issue in self.issues],
            "files": [summary.to_dict() for summary in self.files],
        }

    def __repr__(self) -> str:
        """Give the counts on one line."""
        cut = ", truncated" if self.truncated else ""
        return (
            f"<Report {self.records} records: {self.valid} valid, {self.invalid} invalid; "
            f"{self.errors} errors, {self.warnings} warnings{cut}>"
        )
