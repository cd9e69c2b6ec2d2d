"""Small text helpers shared by lookups and messages."""

from __future__ import annotations

import difflib
import re

_NOT_ALNUM = re.compile(r"[\W_]+")


def normalise_label(label: str) -> str:
    """Fold a label for lookup: ignore case, spacing and punctuation.

    >>> normalise_label("Feeling informed/ skilled/equipped")
    'feelinginformedskilledequipped'
    """
    return _NOT_ALNUM.sub("", label.casefold())


def closest(word: str, candidates: list[str]) -> str | None:
    """Return the candidate most like ``word``, if any is close enough."""
    matches = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    return matches[0] if matches else None
