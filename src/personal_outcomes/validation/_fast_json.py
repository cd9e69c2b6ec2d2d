"""The fast path for JSON Lines: prove a line holds a clean record without building dicts.

msgspec decodes the line straight into typed structs, checking types, required
and unknown fields, lengths, enumerations and real dates in C; a short Python
pass then checks what it cannot express (text that is only space and identifiers
without space, space as ``_record_format`` defines it; the framework's outcome ids
and review levels, status by stage, future dates, duplicated outcomes). Anything
it does not prove clean goes to the full check, which finds and locates every
issue; tests prove the two agree.

The structs are built from the record format's constants, and the framework
values (ids, levels) stay data: sets looked up at run time, never code.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Annotated, Any, Literal

import msgspec
from msgspec import UNSET, Meta, Struct, UnsetType

from personal_outcomes._record_format import (
    CONTEXT_KEY_PATTERN,
    IDENTIFIER_PATTERN,
    MAX_CONTEXT_FIELDS,
    MAX_CONTRIBUTIONS,
    MAX_LENGTH,
    MAX_OUTCOMES,
    REVIEW_STAGE,
    SPACE_CHARACTERS,
)
from personal_outcomes.validation._check import Checker

_CACHE_LIMIT = 100_000
_Contributor = Literal["person", "family-and-friends", "community", "services"]
_Stage = Literal["assessment", "support-planning", "review"]
_Perspective = Literal["person", "family", "representative", "practitioner", "agreed"]


_What = Annotated[str, Meta(min_length=1, max_length=MAX_LENGTH["what"])]
_WhatMatters = Annotated[str, Meta(min_length=1, max_length=MAX_LENGTH["what_matters"])]
_Why = Annotated[str, Meta(min_length=1, max_length=MAX_LENGTH["why_it_matters"])]
_Note = Annotated[str, Meta(min_length=1, max_length=MAX_LENGTH["status_note"])]
_Notes = Annotated[str, Meta(min_length=1, max_length=MAX_LENGTH["notes"])]
_ContextValue = Annotated[str, Meta(min_length=1, max_length=MAX_LENGTH["context"])]
_RecordId = Annotated[str, Meta(min_length=1, max_length=MAX_LENGTH["record_id"])]
_PersonId = Annotated[str, Meta(min_length=1, max_length=MAX_LENGTH["person_id"])]


# gc=False: the decoded records hold no reference cycles, so the collector need not
# track them (cheaper to make).
class _Contribution(Struct, forbid_unknown_fields=True, gc=False):
    by: _Contributor
    what: _What


class _Outcome(Struct, forbid_unknown_fields=True, gc=False):
    outcome: str
    what_matters: _WhatMatters
    why_it_matters: _Why | UnsetType = UNSET
    contributions: (
        Annotated[list[_Contribution], Meta(min_length=1, max_length=MAX_CONTRIBUTIONS)] | UnsetType
    ) = UNSET
    status: str | UnsetType = UNSET
    status_note: _Note | UnsetType = UNSET
    perspective: _Perspective | UnsetType = UNSET


class _Record(Struct, forbid_unknown_fields=True, gc=False):
    record_id: _RecordId
    framework: str
    person_id: _PersonId
    recorded_on: dt.date
    stage: _Stage
    outcomes: Annotated[list[_Outcome], Meta(min_length=1, max_length=MAX_OUTCOMES)]
    framework_version: str | UnsetType = UNSET
    context: (
        Annotated[dict[str, _ContextValue], Meta(min_length=1, max_length=MAX_CONTEXT_FIELDS)]
        | UnsetType
    ) = UNSET
    notes: _Notes | UnsetType = UNSET


def make_line_check(checker: Checker, *, keep: bool = False) -> Callable[[bytes], Any]:
    """Build a check of one JSON text: its record_id if the record is clean, else None.

    "Clean" means the full check would find no issue at all, warnings included.
    With ``keep``, the check returns the decoded record itself (a struct with the
    record's fields as attributes, absent ones :data:`msgspec.UNSET`) rather than its
    id, for callers that count what clean records hold (``summarise``).
    """
    decode = msgspec.json.Decoder(_Record).decode
    failures = (msgspec.MsgspecError, UnicodeDecodeError)
    indexes = checker.indexes
    latest = dt.date.fromisoformat(checker.latest)
    no_space = re.compile(IDENTIFIER_PATTERN).fullmatch
    # Blank: only space (see _record_format); str.isspace() knows every such character
    # but U+FEFF, so strip() is called only for a text that holds one.
    space = SPACE_CHARACTERS
    bom = "\ufeff"
    context_key = re.compile(CONTEXT_KEY_PATTERN).fullmatch
    good_keys: set[str] = set()
    review_stage = REVIEW_STAGE
    quality = checker.quality

    def check(line: bytes) -> str | _Record | None:
        try:
            record = decode(line)
        except failures:
            return None
        record_id = record.record_id
        # Neither id holds space: one match over both (neither is empty, see _Record).
        if not no_space(record_id + record.person_id):
            return None
        version = record.framework_version
        index = indexes.get((record.framework, None if version is UNSET else version))
        if index is None or record.recorded_on > latest:
            return None
        context = record.context
        if context is not UNSET:
            for key, value in context.items():
                if key not in good_keys:
                    if not context_key(key):
                        return None
                    if len(good_keys) < _CACHE_LIMIT:
                        good_keys.add(key)
                if value.isspace() or (bom in value and not value.strip(space)):
                    return None
        notes = record.notes
        if notes is not UNSET and (notes.isspace() or (bom in notes and not notes.strip(space))):
            return None
        review = record.stage == review_stage
        usable = index.usable
        levels = index.levels
        outcomes = record.outcomes
        pairs: set[tuple[str, str]] | None = set() if len(outcomes) > 1 else None
        for outcome in outcomes:
            outcome_id = outcome.outcome
            what = outcome.what_matters
            if outcome_id not in usable or (
                what.isspace() or (bom in what and not what.strip(space))
            ):
                return None
            why = outcome.why_it_matters
            if why is not UNSET and (why.isspace() or (bom in why and not why.strip(space))):
                return None
            contributions = outcome.contributions
            if contributions is not UNSET:
                for item in contributions:
                    if item.what.isspace() or (bom in item.what and not item.what.strip(space)):
                        return None
            status = outcome.status
            if status is UNSET:
                if review:
                    return None
            elif not review or status not in levels:
                return None
            note = outcome.status_note
            if note is not UNSET and (note.isspace() or (bom in note and not note.strip(space))):
                return None
            if quality and (
                why is UNSET
                or (status is not UNSET and note is UNSET)
                or (
                    contributions is not UNSET
                    and all(item.by == "services" for item in contributions)
                )
            ):
                return None
            if pairs is not None:
                pair = (outcome_id, what)
                if pair in pairs:
                    return None
                pairs.add(pair)
        return record if keep else record_id

    return check
