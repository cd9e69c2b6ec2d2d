"""Validating personal-outcomes records: one at a time, or files in bulk.

Every problem is an :class:`Issue`: where it is (source, line, column, record
index, JSON Pointer), a stable ``code``, a ``severity`` and a message for people.
Messages never quote a value taken from a record; pass ``include_values=True``
to get the offending value in the issue's ``value`` for local debugging.

>>> from personal_outcomes import validate_record
>>> result = validate_record({
...     "record_id": "r-1", "framework": "adults", "person_id": "p-1",
...     "recorded_on": "2026-03-01", "stage": "review",
...     "outcomes": [{"outcome": "seeing-peple", "what_matters": "My pals"}],
... })
>>> result.valid
False
>>> for issue in result.issues:
...     print(issue.pointer, issue.code)
/outcomes/0/outcome unknown-outcome
/outcomes/0 status-missing
>>> print(result.issues[0].message)
not an outcome id of framework 'adults' 1.1.0; did you mean 'seeing-people'?
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from personal_outcomes._codes import ISSUE_CODES, IssueCode, Severity
from personal_outcomes._formats import FORMATS
from personal_outcomes.errors import UnknownFormatError
from personal_outcomes.validation._results import FileSummary, Issue, RecordResult, Report
from personal_outcomes.validation._run import Partial, Segment, format_for

if TYPE_CHECKING:
    from personal_outcomes.validation._validator import (
        Validator,
        iter_validate,
        validate_files,
        validate_record,
    )

__all__ = [
    "FORMATS",
    "ISSUE_CODES",
    "FileSummary",
    "Issue",
    "IssueCode",
    "Partial",
    "RecordResult",
    "Report",
    "Segment",
    "Severity",
    "UnknownFormatError",
    "Validator",
    "format_for",
    "iter_validate",
    "validate_files",
    "validate_record",
]

# The classes' public home is this module (reprs, pickles and the docs say so).
for _class in (FileSummary, Issue, Partial, RecordResult, Report, Segment):
    _class.__module__ = __name__
del _class

# The validator's module (which imports every executor) is imported when first used:
# the command line checks files with the engine alone.
_LATER = frozenset({"Validator", "iter_validate", "validate_files", "validate_record"})


def __getattr__(name: str) -> object:
    if name not in _LATER:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = importlib.import_module(f"{__name__}._validator")
    module.Validator.__module__ = __name__
    value = getattr(module, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
