r"""Record format version 1: its fields, values and limits, defined once.

The checker, the JSON Schemas, the CSV reader and the docs all take these from
here, so they cannot drift apart.

What counts as space
--------------------

Identifiers may not hold space, and free text may not be only space. Regex
dialects disagree on what space is: Python (``str.isspace``, ``re``'s ``\s``)
counts U+001C to U+001F and U+0085 but not U+FEFF; ECMA-262, the dialect of
JSON Schema patterns, counts U+FEFF but not U+001C to U+001F nor U+0085. The
format takes the **union** of the two (:data:`SPACE_CHARACTERS`: the Unicode
White_Space characters, the information separators U+001C to U+001F, and U+FEFF),
so a text of only U+FEFF, or only U+001C, is empty everywhere, and ``\S`` and
``\s`` appear in no published pattern: they say "not space" with an explicit
character class (:data:`NOT_SPACE`) that holds the characters themselves, not
escapes, which every dialect reads alike. The checker and the JSON Lines fast
path test identifiers with :data:`IDENTIFIER_PATTERN` and text with
``text.strip(SPACE_CHARACTERS)`` (:func:`is_blank`), never with ``str.isspace``
or ``str.strip()`` without arguments.
"""

from __future__ import annotations

import re
from typing import Final

RECORD_FORMAT_VERSION: Final = "1.1"

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
    "perspective",
)
OUTCOME_REQUIRED: Final = ("outcome", "what_matters")
CONTRIBUTION_FIELDS: Final = ("by", "what")

STAGES: Final = ("assessment", "support-planning", "review")
REVIEW_STAGE: Final = "review"
CONTRIBUTORS: Final = ("person", "family-and-friends", "community", "services")
#: Whose view a recorded outcome holds: the person's own, their family's, a
#: representative's (a welfare guardian or attorney), a practitioner's, or one agreed
#: between them (record format 1.1).
PERSPECTIVES: Final = ("person", "family", "representative", "practitioner", "agreed")

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

#: Every character the format counts as space, in code point order: the union of
#: Python's whitespace and ECMA-262's (see the module's docstring).
SPACE_CHARACTERS: Final = (
    "\t\n\x0b\x0c\r"  # U+0009 to U+000D: tab, line feed, line and form feed, return
    "\x1c\x1d\x1e\x1f"  # information separators: space to Python, not to ECMA-262
    " "  # U+0020 space
    "\x85"  # next line (NEL): space to Python, not to ECMA-262
    "\xa0"  # no-break space
    "\u1680"  # ogham space mark
    "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"  # en quad to hair space
    "\u2028\u2029"  # line and paragraph separators
    "\u202f\u205f\u3000"  # narrow no-break, medium mathematical and ideographic spaces
    "\ufeff"  # zero width no-break space (byte order mark): space to ECMA-262, not to Python
)
#: A regex matching one character that is not space, the same in every dialect: a
#: class of the characters themselves (no escapes such as ``\s`` or ``\u2028``, which
#: dialects read differently or not at all), runs of them as ranges. A test proves
#: it excludes exactly :data:`SPACE_CHARACTERS`.
NOT_SPACE: Final = (
    "[^\t-\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]"
)
#: Free text must hold at least one character that is not space (a search, unanchored).
TEXT_PATTERN: Final = NOT_SPACE
#: Identifiers (record_id, person_id) are text without spaces: a name never fits.
IDENTIFIER_PATTERN: Final = f"^{NOT_SPACE}+$"


def is_blank(text: str) -> bool:
    r"""Say whether a text is empty or holds only space (:data:`SPACE_CHARACTERS`).

    >>> is_blank(""), is_blank(" \t"), is_blank("\ufeff"), is_blank("\x1c"), is_blank("\ufeffa")
    (True, True, True, True, False)
    """
    # str.isspace() knows every space character but U+FEFF (tested): strip() only for that.
    return not text or text.isspace() or ("\ufeff" in text and not text.strip(SPACE_CHARACTERS))


#: Context field names: also CSV column names after ``context.``.
CONTEXT_KEY_PATTERN: Final = r"^[A-Za-z][A-Za-z0-9_-]{0,63}$"
#: A date is exactly YYYY-MM-DD (and must be a real calendar date).
DATE_PATTERN: Final = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
#: A record_id is quoted in reports only when it has this safe form.
SAFE_RECORD_ID: Final = re.compile(r"[A-Za-z0-9._:-]{1,64}")
#: A key's name is quoted in messages only when it looks like a key.
KEY_LIKE: Final = re.compile(r"[A-Za-z0-9_.-]{1,64}")
