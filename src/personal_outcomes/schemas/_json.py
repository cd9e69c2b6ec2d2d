r"""The text of a schema file: indented JSON in which every character shows.

The patterns hold space characters as themselves, so that every regex dialect
reads them alike (see ``_record_format``). Written as is, most of them would be
invisible in the file, and some cannot be written at all to an output that is
not UTF-8; they are written as JSON escapes instead, which JSON reads back as the
same characters:

>>> from personal_outcomes.schemas import record_schema
>>> text = schema_text(record_schema())
>>> "\\u2028" in text, "\u2028" in text, json.loads(text) == record_schema()
(True, False, True)
"""

from __future__ import annotations

import json
from collections.abc import Mapping


def _visible(character: str) -> str:
    r"""Return a character as is if it shows, else as a JSON escape (such as ``\u2028``)."""
    if character.isascii() or character.isprintable():
        return character
    return json.dumps(character)[1:-1]


def schema_text(schema: Mapping[str, object]) -> str:
    """Return a schema as the text of its file: indented JSON ending in a newline.

    No character in it is invisible; characters outside ASCII that show (such as
    letters with accents) are kept as they are. Every shipped schema file is
    exactly this text (``make schemas``).
    """
    text = json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
    return "".join(map(_visible, text))
