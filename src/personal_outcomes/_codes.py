"""The issue codes: one typed table of every code and its severity.

The checker, the readers, the run and the documentation all take the codes from
here; a test proves the reference page lists exactly these codes and severities.
Programs branch on the code, never on the text of a message.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final, Literal

#: Whether an issue makes its record invalid (``error``) or only asks for a look.
Severity = Literal["error", "warning"]

#: Every issue code validation can report.
IssueCode = Literal[
    "parse-error",
    "schema",
    "unknown-framework",
    "unknown-outcome",
    "status-missing",
    "status-outside-review",
    "duplicate-outcome",
    "duplicate-record-id",
    "future-date",
    "retired-outcome",
    "unreadable-file",
    "quality-no-why",
    "quality-services-only",
    "quality-status-unexplained",
]

ERROR: Final = "error"
WARNING: Final = "warning"

PARSE_ERROR: Final = "parse-error"
SCHEMA: Final = "schema"
UNKNOWN_FRAMEWORK: Final = "unknown-framework"
UNKNOWN_OUTCOME: Final = "unknown-outcome"
STATUS_MISSING: Final = "status-missing"
STATUS_OUTSIDE_REVIEW: Final = "status-outside-review"
DUPLICATE_OUTCOME: Final = "duplicate-outcome"
DUPLICATE_RECORD_ID: Final = "duplicate-record-id"
FUTURE_DATE: Final = "future-date"
RETIRED_OUTCOME: Final = "retired-outcome"
UNREADABLE_FILE: Final = "unreadable-file"
QUALITY_NO_WHY: Final = "quality-no-why"
QUALITY_SERVICES_ONLY: Final = "quality-services-only"
QUALITY_STATUS_UNEXPLAINED: Final = "quality-status-unexplained"

#: Every issue code with its severity, in the order the reference lists them.
ISSUE_CODES: Final[Mapping[IssueCode, Severity]] = MappingProxyType(
    {
        PARSE_ERROR: ERROR,
        SCHEMA: ERROR,
        UNKNOWN_FRAMEWORK: ERROR,
        UNKNOWN_OUTCOME: ERROR,
        STATUS_MISSING: WARNING,
        STATUS_OUTSIDE_REVIEW: WARNING,
        DUPLICATE_OUTCOME: WARNING,
        DUPLICATE_RECORD_ID: ERROR,
        FUTURE_DATE: WARNING,
        RETIRED_OUTCOME: WARNING,
        UNREADABLE_FILE: ERROR,
        QUALITY_NO_WHY: WARNING,
        QUALITY_SERVICES_ONLY: WARNING,
        QUALITY_STATUS_UNEXPLAINED: WARNING,
    }
)

#: The recording-quality hints: reported only when asked for (``--quality``), always
#: warnings, and never errors, even with ``--strict``.
QUALITY_CODES: Final = frozenset(
    {QUALITY_NO_WHY, QUALITY_SERVICES_ONLY, QUALITY_STATUS_UNEXPLAINED}
)

#: Codes no longer reported, each with the code that took its place (see the reference).
RETIRED_CODES: Final[Mapping[str, IssueCode]] = MappingProxyType(
    {"status-required": STATUS_MISSING}
)
