"""Record format version 1: its fields, values and limits, defined once.

The checker, the JSON Schemas, the CSV reader and the docs all take these from
here, so they cannot drift apart.
"""

from __future__ import annotations

import re
from typing import Final

RECORD_FORMAT_VERSION: Final = 1

#: Record-level fields, in the order the format lists them.
RECORD_FIELDS: Final = (
    "record_id",
    "framework",
    "framework_version",
    "person_id",
    "recorded_on",
    "stage",
    "context",
    "notes",
    "outcomes",
)
RECORD_REQUIRED: Final = ("record_id", "framework", "person_id", "recorded_on", "stage", "outcomes")

#: Fields of each recorded outcome.
OUTCOME_FIELDS: Final = (
    "outcome",
    "what_matters",
    "why_it_matters",
    "contributions",
    "status",
    "status_note",
)
OUTCOME_REQUIRED: Final = ("outcome", "what_matters")
CONTRIBUTION_FIELDS: Final = ("by", "what")

STAGES: Final = ("assessment", "support-planning", "review")
REVIEW_STAGE: Final = "review"
CONTRIBUTORS: Final = ("person", "family-and-friends", "community", "services")

#: Longest text allowed in each free-text or identifier field, in characters.
MAX_LENGTH: Final = {
    "record_id": 100,
    "person_id": 100,
    "notes": 10_000,
    "what_matters": 2_000,
    "why_it_matters": 2_000,
    "status_note": 2_000,
    "what": 1_000,
    "context": 200,
}
MAX_OUTCOMES: Final = 50
MAX_CONTRIBUTIONS: Final = 20
MAX_CONTEXT_FIELDS: Final = 50

#: Identifiers (record_id, person_id) are text without spaces: a name never fits.
IDENTIFIER_PATTERN: Final = r"^\S+$"
#: Context field names: also CSV column names after ``context.``.
CONTEXT_KEY_PATTERN: Final = r"^[A-Za-z][A-Za-z0-9_-]{0,63}$"
#: A date is exactly YYYY-MM-DD (and must be a real calendar date).
DATE_PATTERN: Final = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
#: A record_id is quoted in reports only when it has this safe form.
SAFE_RECORD_ID: Final = re.compile(r"[A-Za-z0-9._:-]{1,64}")
#: A key's name is quoted in messages only when it looks like a key.
KEY_LIKE: Final = re.compile(r"[A-Za-z0-9_.-]{1,64}")
