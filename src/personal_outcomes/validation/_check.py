"""The record checker: every rule of record format v1, in straight-line Python.

One pass over a record collects *every* issue: first the structural (``schema``)
rules, then the framework-aware ones. It is written to be cheap when a record is
valid (no paths or messages are built unless something is wrong), which is what
makes bulk validation fast. The published JSON Schemas state the same structural
rules; a test proves the two agree on the test corpus and on generated records.

Messages never contain a value taken from the record. They may quote field names,
and the framework's own ids and labels.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Final

from attrs import frozen

from personal_outcomes._codes import (
    DUPLICATE_OUTCOME,
    FUTURE_DATE,
    QUALITY_NO_WHY,
    QUALITY_SERVICES_ONLY,
    QUALITY_STATUS_UNEXPLAINED,
    RETIRED_OUTCOME,
    SCHEMA,
    STATUS_MISSING,
    STATUS_OUTSIDE_REVIEW,
    UNKNOWN_FRAMEWORK,
    UNKNOWN_OUTCOME,
    IssueCode,
)
from personal_outcomes._formats._yaml import describe_type
from personal_outcomes._pointer import Path
from personal_outcomes._record_format import (
    CONTEXT_KEY_PATTERN,
    CONTRIBUTORS,
    IDENTIFIER_PATTERN,
    KEY_LIKE,
    MAX_CONTEXT_FIELDS,
    MAX_CONTRIBUTIONS,
    MAX_LENGTH,
    MAX_OUTCOMES,
    OUTCOME_FIELDS,
    OUTCOME_REQUIRED,
    PERSPECTIVES,
    RECORD_FIELDS,
    RECORD_REQUIRED,
    REVIEW_STAGE,
    SPACE_CHARACTERS,
    STAGES,
)
from personal_outcomes._releases import Release, earlier_releases
from personal_outcomes._text import closest, normalise_label
from personal_outcomes.frameworks import Framework, Registry
from personal_outcomes.frameworks._registry import _version_key

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_VERSION = re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)")
_CONTEXT_KEY = re.compile(CONTEXT_KEY_PATTERN)
_NO_SPACE = re.compile(IDENTIFIER_PATTERN)
_RECORD_FIELDS: Final = frozenset(RECORD_FIELDS)
_OUTCOME_FIELDS: Final = frozenset(OUTCOME_FIELDS)
_STAGES: Final = frozenset(STAGES)
_CONTRIBUTORS: Final = frozenset(CONTRIBUTORS)
_PERSPECTIVES: Final = frozenset(PERSPECTIVES)
_STAGE_LIST: Final = ", ".join(STAGES)
_CONTRIBUTOR_LIST: Final = ", ".join(CONTRIBUTORS)
_MESSAGE_CACHE: Final = 4096
#: Kiritimati (Line Islands) is UTC+14: the first place on Earth where a date begins.
LATEST_OFFSET: Final = dt.timedelta(hours=14)

#: Marks a field that is absent (``None`` is a value: JSON's null, which no field allows).
ABSENT: Final = object()

#: One issue found in a record: (path, code, message, offending value).
Found = tuple[Path, IssueCode, str, object]
#: Says whether the value at a path was an unquoted YAML scalar of another type.
PlainCheck = Callable[[Path], bool]


class UnknownKey:
    """The offending value of an unknown-field issue: the key, and where to find it.

    The issue's pointer is the parent's (the design's rule); a reader that knows
    where the key itself stands (YAML) can place the issue on the key's line.
    """

    __slots__ = ("key",)

    def __init__(self, key: object) -> None:
        self.key = key

    def __repr__(self) -> str:
        return repr(self.key)


def _never_plain(path: Path) -> bool:
    del path
    return False


def latest_date_today(now: dt.datetime | None = None) -> dt.date:
    """Return today's date in UTC+14, the latest date anywhere on Earth right now."""
    current = now or dt.datetime.now(dt.UTC)
    return (current.astimezone(dt.UTC) + LATEST_OFFSET).date()


@frozen(kw_only=True)
class _FrameworkIndex:
    """What the checker needs of one framework version, prepared once."""

    framework: Framework
    #: The version records name: the framework's own, or an earlier release of it.
    version: str
    outcome_ids: frozenset[str]
    retired: dict[str, str | None]
    #: The outcome ids a record may name without an issue: those not retired.
    usable: frozenset[str]
    levels: frozenset[str]
    level_list: str
    by_label: dict[str, str]

    @classmethod
    def build(cls, framework: Framework, release: Release | None = None) -> _FrameworkIndex:
        """Prepare a framework; with ``release``, as the manifest records an earlier version.

        An earlier release had a subset of today's outcomes (ids are never removed
        or reused), so its records are checked against today's data but only its
        own outcome ids, and the outcomes it had retired.
        """
        outcomes = framework.outcomes
        version = framework.version
        if release is not None:
            version = release.version
            outcomes = tuple(o for o in outcomes if o.id in release.outcome_ids)
            retired = {o.id: o.replaced_by for o in outcomes if o.id in release.retired}
        else:
            retired = {o.id: o.replaced_by for o in outcomes if o.retired}
        by_label: dict[str, str] = {}
        for outcome in outcomes:
            for label in outcome.labels:
                by_label.setdefault(normalise_label(label), outcome.id)
        return cls(
            framework=framework,
            version=version,
            outcome_ids=frozenset(o.id for o in outcomes),
            retired=retired,
            usable=frozenset(o.id for o in outcomes if o.id not in retired),
            levels=frozenset(framework.review_scale.ids),
            level_list=", ".join(framework.review_scale.ids),
            by_label=by_label,
        )


class Checker:
    """Checks raw records against record format v1 and the frameworks of a registry."""

    def __init__(self, registry: Registry, *, latest_date: dt.date, quality: bool = False) -> None:
        """Prepare the frameworks of ``registry``; dates after ``latest_date`` are future.

        ``quality`` adds the recording-quality hints (warnings) to every record's issues.
        """
        self.registry = registry
        self.quality = quality
        self.latest = latest_date.isoformat()
        self.indexes: dict[tuple[str, str | None], _FrameworkIndex] = {}
        for framework in registry:
            index = _FrameworkIndex.build(framework)
            self.indexes[(framework.id, framework.version)] = index
        for framework in registry.latest():
            self.indexes[(framework.id, None)] = self.indexes[(framework.id, framework.version)]
            # Records made against an earlier release of a bundled framework stay valid.
            for release in earlier_releases(framework):
                key = (framework.id, release.version)
                if key not in self.indexes:
                    self.indexes[key] = _FrameworkIndex.build(framework, release)
        self.known_ids = registry.ids
        self._messages: dict[tuple[str, str, str], str] = {}
        #: Says whether an outcome has no issue of its own (see make_quick_check).
        self.clean_outcome = _make_outcome_check(quality=quality)

    # ---- entry point ---------------------------------------------------------------

    def check(
        self,
        data: object,
        *,
        suppressed: frozenset[str] = frozenset(),
        plain: PlainCheck = _never_plain,
    ) -> list[Found]:
        """Return every issue of one record, structural ones first."""
        found: list[Found] = []
        if type(data) is not dict:
            found.append(((), SCHEMA, _must_be("an object (mapping) of fields", data), data))
            return found
        later: list[Found] = []
        for key in data:
            if key not in _RECORD_FIELDS:
                found.append(((), SCHEMA, _unknown_field(key), UnknownKey(key)))
        for name in RECORD_REQUIRED:
            if name not in data and name not in suppressed:
                found.append(((), SCHEMA, f"missing required field '{name}'", None))
        get = data.get
        value = get("record_id", ABSENT)
        if value is not ABSENT:
            self._identifier(value, "record_id", found, plain)
        value = get("person_id", ABSENT)
        if value is not ABSENT:
            self._identifier(value, "person_id", found, plain)
        index = self._framework(
            get("framework", ABSENT), get("framework_version", ABSENT), found, later, plain
        )
        value = get("recorded_on", ABSENT)
        if value is not ABSENT:
            self._date(value, found, later, plain)
        stage = get("stage", ABSENT)
        if stage is ABSENT:
            stage = None
        elif type(stage) is not str or stage not in _STAGES:
            found.append(
                (
                    ("stage",),
                    SCHEMA,
                    _must_be(f"one of: {_STAGE_LIST}", stage, plain, ("stage",)),
                    stage,
                )
            )
            stage = None
        value = get("context", ABSENT)
        if value is not ABSENT:
            self._context(value, found, plain)
        value = get("notes", ABSENT)
        if value is not ABSENT:
            _text(value, ("notes",), MAX_LENGTH["notes"], found, plain)
        outcomes = get("outcomes", ABSENT)
        if outcomes is not ABSENT:
            self._outcomes(outcomes, index, stage, found, later, plain, suppressed)
        found.extend(later)
        return found

    # ---- record-level fields -------------------------------------------------------

    @staticmethod
    def _identifier(value: object, name: str, found: list[Found], plain: PlainCheck) -> None:
        if (
            type(value) is str
            and value
            and len(value) <= MAX_LENGTH[name]
            and not _has_space(value)
        ):
            return
        path = (name,)
        if type(value) is not str:
            found.append((path, SCHEMA, _must_be("text", value, plain, path), value))
        elif not value:
            found.append((path, SCHEMA, "must not be empty", value))
        elif len(value) > MAX_LENGTH[name]:
            found.append((path, SCHEMA, _too_long(MAX_LENGTH[name]), value))
        else:
            found.append(
                (
                    path,
                    SCHEMA,
                    "must be an identifier without spaces (never a person's name)",
                    value,
                )
            )

    def _framework(
        self,
        value: object,
        version: object,
        found: list[Found],
        later: list[Found],
        plain: PlainCheck,
    ) -> _FrameworkIndex | None:
        wanted: str | None = None
        if version is not ABSENT:
            if type(version) is str and _VERSION.fullmatch(version):
                wanted = version
            else:
                path = ("framework_version",)
                expected = "a version written MAJOR.MINOR.PATCH"
                found.append((path, SCHEMA, _must_be(expected, version, plain, path), version))
        if value is ABSENT:
            return None
        if type(value) is not str:
            found.append(
                (("framework",), SCHEMA, _must_be("text", value, plain, ("framework",)), value)
            )
            return None
        index = self.indexes.get((value, wanted))
        if index is not None:
            return index
        if (value, None) not in self.indexes:
            suggestion = closest(value, list(self.known_ids))
            hint = f"; did you mean '{suggestion}'?" if suggestion else ""
            known = ", ".join(self.known_ids) or "none"
            message = f"no framework with this id is known (known: {known}){hint}"
            later.append((("framework",), UNKNOWN_FRAMEWORK, message, value))
            return None
        releases = [key[1] for key in self.indexes if key[0] == value and key[1] is not None]
        versions = ", ".join(sorted(releases, key=_version_key))
        message = f"framework '{value}' has no such version (known: {versions})"
        later.append((("framework_version",), UNKNOWN_FRAMEWORK, message, version))
        return None

    def _date(
        self, value: object, found: list[Found], later: list[Found], plain: PlainCheck
    ) -> None:
        path = ("recorded_on",)
        if type(value) is str and _DATE.fullmatch(value):
            try:
                dt.date.fromisoformat(value)
            except ValueError:
                pass
            else:
                if value > self.latest:
                    message = (
                        "recorded_on is after today's date everywhere on Earth (UTC+14); "
                        "check the date"
                    )
                    later.append((path, FUTURE_DATE, message, value))
                return
        found.append(
            (
                path,
                SCHEMA,
                _must_be("a real calendar date written YYYY-MM-DD", value, plain, path),
                value,
            )
        )

    @staticmethod
    def _context(value: object, found: list[Found], plain: PlainCheck) -> None:
        if type(value) is not dict:
            found.append((("context",), SCHEMA, _must_be("an object of text fields", value), value))
            return
        if not value:
            found.append((("context",), SCHEMA, "must have at least one field when present", value))
        elif len(value) > MAX_CONTEXT_FIELDS:
            message = f"has more than the maximum of {MAX_CONTEXT_FIELDS} fields"
            found.append((("context",), SCHEMA, message, None))
        for key, item in value.items():
            if type(key) is not str or not _CONTEXT_KEY.fullmatch(key):
                message = (
                    "a context field name must start with a letter and hold only letters, "
                    "digits, '_' and '-' (at most 64)"
                )
                found.append((("context",), SCHEMA, message, key))
                continue
            _text(item, ("context", key), MAX_LENGTH["context"], found, plain)

    # ---- outcomes ------------------------------------------------------------------

    def _outcomes(
        self,
        outcomes: object,
        index: _FrameworkIndex | None,
        stage: object,
        found: list[Found],
        later: list[Found],
        plain: PlainCheck,
        suppressed: frozenset[str],
    ) -> None:
        if type(outcomes) is not list:
            found.append(
                (("outcomes",), SCHEMA, _must_be("a list of outcomes", outcomes), outcomes)
            )
            return
        if not outcomes:
            found.append((("outcomes",), SCHEMA, "must hold at least one outcome", outcomes))
            return
        if len(outcomes) > MAX_OUTCOMES:
            message = f"holds more than the maximum of {MAX_OUTCOMES} outcomes"
            found.append((("outcomes",), SCHEMA, message, None))
        seen: dict[tuple[str, str], int] = {}
        review = stage == REVIEW_STAGE
        clean = self.clean_outcome
        for position, outcome in enumerate(outcomes):
            if type(outcome) is not dict:
                path: Path = ("outcomes", position)
                found.append(
                    (path, SCHEMA, _must_be("an object (mapping) of fields", outcome), outcome)
                )
                continue
            # Most outcomes of a record with issues have none: the quick check says so, and
            # only the others are checked rule by rule.
            if index is None or not clean(outcome, index.usable, index.levels, review):
                self._outcome(outcome, position, index, stage, found, later, plain, suppressed)
            outcome_id = outcome.get("outcome")
            what = outcome.get("what_matters")
            if type(outcome_id) is str and type(what) is str:
                key = (outcome_id, what)
                first = seen.get(key)
                if first is None:
                    seen[key] = position
                else:
                    message = (
                        f"repeats outcome /outcomes/{first} of this record "
                        "(same outcome and the same what_matters); record it once"
                    )
                    later.append((("outcomes", position), DUPLICATE_OUTCOME, message, None))

    def _outcome(
        self,
        outcome: dict[str, object],
        position: int,
        index: _FrameworkIndex | None,
        stage: object,
        found: list[Found],
        later: list[Found],
        plain: PlainCheck,
        suppressed: frozenset[str],
    ) -> None:
        """Check one outcome rule by rule (all but duplicates, which take the others)."""
        review = stage == REVIEW_STAGE
        for key in outcome:
            if key not in _OUTCOME_FIELDS:
                found.append((("outcomes", position), SCHEMA, _unknown_field(key), UnknownKey(key)))
        for name in OUTCOME_REQUIRED:
            if name not in outcome and name not in suppressed:
                message = f"missing required field '{name}'"
                found.append((("outcomes", position), SCHEMA, message, None))
        outcome_id = outcome.get("outcome", ABSENT)
        if outcome_id is not ABSENT:
            self._outcome_id(outcome_id, position, index, found, later, plain)
        what = outcome.get("what_matters", ABSENT)
        if what is not ABSENT:
            _text(
                what,
                ("outcomes", position, "what_matters"),
                MAX_LENGTH["what_matters"],
                found,
                plain,
            )
        value = outcome.get("why_it_matters", ABSENT)
        if value is not ABSENT:
            limit = MAX_LENGTH["why_it_matters"]
            _text(value, ("outcomes", position, "why_it_matters"), limit, found, plain)
        value = outcome.get("contributions", ABSENT)
        if value is not ABSENT:
            _contributions(value, position, found, plain)
        status = outcome.get("status", ABSENT)
        if status is not ABSENT:
            self._status(status, position, index, stage, found, later, plain)
        elif review:
            levels = f" (one of: {index.level_list})" if index else ""
            message = (
                "no status at a review: the outcome is counted as unrated; if it was "
                f"discussed, record how far it was achieved{levels}"
            )
            later.append((("outcomes", position), STATUS_MISSING, message, None))
        note = outcome.get("status_note", ABSENT)
        if note is not ABSENT:
            _text(
                note,
                ("outcomes", position, "status_note"),
                MAX_LENGTH["status_note"],
                found,
                plain,
            )
        value = outcome.get("perspective", ABSENT)
        if value is not ABSENT and (type(value) is not str or value not in _PERSPECTIVES):
            path = ("outcomes", position, "perspective")
            expected = f"one of: {', '.join(PERSPECTIVES)}"
            found.append((path, SCHEMA, _must_be(expected, value, plain, path), value))
        if self.quality:
            # Rated: a level of the scale (a wrong status is a schema error already).
            rated = review and type(status) is str and (index is None or status in index.levels)
            _quality(outcome, position, note, later, rated=rated)

    def _outcome_id(
        self,
        value: object,
        position: int,
        index: _FrameworkIndex | None,
        found: list[Found],
        later: list[Found],
        plain: PlainCheck,
    ) -> None:
        path: Path = ("outcomes", position, "outcome")
        if type(value) is not str:
            found.append(
                (path, SCHEMA, _must_be("an outcome id (text)", value, plain, path), value)
            )
            return
        if index is None:
            return
        if value in index.outcome_ids:
            if value in index.retired:
                replacement = index.retired[value]
                instead = f"; record '{replacement}' instead" if replacement else ""
                message = (
                    f"this outcome is retired in framework '{index.framework.id}' "
                    f"{index.version}{instead}"
                )
                later.append((path, RETIRED_OUTCOME, message, value))
            return
        later.append((path, UNKNOWN_OUTCOME, self._unknown_outcome(value, index), value))

    def _unknown_outcome(self, value: str, index: _FrameworkIndex) -> str:
        # The same wrong id tends to recur across a file: remember the message.
        key = (index.framework.id, index.version, value)
        message = self._messages.get(key)
        if message is None:
            message = self._unknown_outcome_message(value, index)
            if len(self._messages) < _MESSAGE_CACHE:
                self._messages[key] = message
        return message

    def _unknown_outcome_message(self, value: str, index: _FrameworkIndex) -> str:
        framework = index.framework
        message = f"not an outcome id of framework '{framework.id}' {index.version}"
        if value in framework.outcome_ids:  # a record naming an earlier release
            return (
                f"{message}, the version the record names; it was added in "
                f"{framework.version}: name that version, or none for the newest"
            )
        label_match = index.by_label.get(normalise_label(value))
        if label_match is not None:
            return f"{message}; it matches the label of '{label_match}': record that id"
        suggestion = closest(value, sorted(index.outcome_ids))
        if suggestion is not None:
            return f"{message}; did you mean '{suggestion}'?"
        elsewhere = [
            other.framework.id
            for key, other in self.indexes.items()
            if key[1] is None and other is not index and value in other.outcome_ids
        ]
        if elsewhere:
            return f"{message}; framework '{elsewhere[0]}' has that id: is the framework right?"
        return f"{message}; see `personal-outcomes show {framework.id}` for the ids"

    @staticmethod
    def _status(
        value: object,
        position: int,
        index: _FrameworkIndex | None,
        stage: object,
        found: list[Found],
        later: list[Found],
        plain: PlainCheck,
    ) -> None:
        path: Path = ("outcomes", position, "status")
        if type(value) is not str or (index is not None and value not in index.levels):
            expected = f"one of: {index.level_list}" if index is not None else "a review level id"
            found.append((path, SCHEMA, _must_be(expected, value, plain, path), value))
        elif index is None and not value:
            found.append((path, SCHEMA, "must not be empty", value))
        if stage is not None and stage != REVIEW_STAGE:
            message = (
                "a status is recorded at a stage other than review; statuses belong to reviews"
            )
            later.append((path, STATUS_OUTSIDE_REVIEW, message, None))


def _quality(
    outcome: dict[str, object], position: int, note: object, later: list[Found], *, rated: bool
) -> None:
    """Add the recording-quality hints (``--quality``) of one outcome."""
    base: Path = ("outcomes", position)
    if "why_it_matters" not in outcome:
        message = (
            "no why_it_matters: the reason an outcome matters, in the person's words, "
            "guides what support fits"
        )
        later.append((base, QUALITY_NO_WHY, message, None))
    contributions = outcome.get("contributions")
    if (
        type(contributions) is list
        and contributions
        and all(type(item) is dict and item.get("by") == "services" for item in contributions)
    ):
        message = (
            "every contribution is from services: record what the person, their family "
            "and friends or the community will do too, where they have a part"
        )
        later.append(((*base, "contributions"), QUALITY_SERVICES_ONLY, message, None))
    if rated and note is ABSENT:
        message = "a review level without a status_note: say why it was or was not achieved"
        later.append(((*base, "status"), QUALITY_STATUS_UNEXPLAINED, message, None))


def _contributions(value: object, position: int, found: list[Found], plain: PlainCheck) -> None:
    base: Path = ("outcomes", position, "contributions")
    if type(value) is not list:
        found.append((base, SCHEMA, _must_be("a list of contributions", value), value))
        return
    if not value:
        found.append((base, SCHEMA, "must hold at least one contribution when present", value))
        return
    if len(value) > MAX_CONTRIBUTIONS:
        found.append((base, SCHEMA, f"holds more than the maximum of {MAX_CONTRIBUTIONS}", None))
    for number, item in enumerate(value):
        if type(item) is not dict:
            found.append(
                ((*base, number), SCHEMA, _must_be("an object with by and what", item), item)
            )
            continue
        for key in item:
            if key != "by" and key != "what":  # noqa: PLR1714 (faster than a set here)
                found.append(((*base, number), SCHEMA, _unknown_field(key), UnknownKey(key)))
        by = item.get("by", ABSENT)
        if by is ABSENT:
            found.append(((*base, number), SCHEMA, "missing required field 'by'", None))
        elif type(by) is not str or by not in _CONTRIBUTORS:
            path = (*base, number, "by")
            found.append(
                (path, SCHEMA, _must_be(f"one of: {_CONTRIBUTOR_LIST}", by, plain, path), by)
            )
        what = item.get("what", ABSENT)
        if what is ABSENT:
            found.append(((*base, number), SCHEMA, "missing required field 'what'", None))
        else:
            _text(what, (*base, number, "what"), MAX_LENGTH["what"], found, plain)


def _text(value: object, path: Path, limit: int, found: list[Found], plain: PlainCheck) -> None:
    if type(value) is str and len(value) <= limit and value.strip(SPACE_CHARACTERS):
        return
    if type(value) is not str:
        found.append((path, SCHEMA, _must_be("text", value, plain, path), value))
    elif len(value) > limit:
        found.append((path, SCHEMA, _too_long(limit), None))
    else:
        found.append((path, SCHEMA, "must not be empty or only spaces", value))


def _has_space(value: str) -> bool:
    """Say whether an identifier holds a space character (or is empty)."""
    return _NO_SPACE.fullmatch(value) is None


def _too_long(limit: int) -> str:
    return f"is longer than the maximum of {limit} characters"


def _type_name(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if type(value) is str:
        return "text"
    if isinstance(value, str):  # an enum member or other subclass: only plain text is data
        return f"a Python {type(value).__name__} (use plain text: str(value))"
    if isinstance(value, list):
        return "a list"
    if type(value) is dict:
        return "an object"
    if isinstance(value, dt.date):  # YAML's dates and times
        return "a date or time"
    return f"a Python {type(value).__name__} (use plain dicts, lists, text and numbers)"


def _must_be(
    expected: str, value: object, plain: PlainCheck = _never_plain, path: Path | None = None
) -> str:
    """Say what a field must be and what it is, without quoting the value."""
    if path is not None and type(value) is not str and plain(path):
        return (
            f"must be {expected}, but YAML reads this unquoted value as "
            f"{describe_type(value)}; put it in quotes"
        )
    if type(value) is str:
        return f"must be {expected}"
    return f"must be {expected}, not {_type_name(value)}"


def _unknown_field(key: object) -> str:
    if type(key) is str and KEY_LIKE.fullmatch(key):
        return f"unknown field '{key}'; the record format allows no other fields: remove it"
    return "an unknown field with an unusual name; the record format allows no other fields"


def make_quick_check(checker: Checker) -> Callable[[object], bool]:
    """Build a check that says, fast, whether a record has no issue at all.

    It returns ``True`` only when :meth:`Checker.check` would find nothing (no
    error and no warning); for anything else the caller runs the full check,
    which collects and locates every issue. Tests prove the two agree. All the
    framework values it compares against are data (sets and dicts), never code.
    """
    absent = ABSENT
    indexes = checker.indexes
    latest = checker.latest
    record_keys = _RECORD_FIELDS
    stages = _STAGES
    no_space = _NO_SPACE.fullmatch
    space = SPACE_CHARACTERS
    date_shape = _DATE.fullmatch
    context_key = _CONTEXT_KEY.fullmatch
    from_iso = dt.date.fromisoformat
    max_id = MAX_LENGTH["record_id"]
    max_person = MAX_LENGTH["person_id"]
    max_notes = MAX_LENGTH["notes"]
    max_context = MAX_LENGTH["context"]
    clean_outcome = checker.clean_outcome
    # Dates and context names recur across records: remember the ones seen good.
    good_dates: set[str] = set()
    good_keys: set[str] = set()
    cache_limit = 100_000

    def text(value: object, limit: int) -> bool:
        # Not blank: something is left once space is stripped (see _record_format).
        return type(value) is str and len(value) <= limit and value.strip(space) != ""

    def quick(data: object) -> bool:
        if type(data) is not dict or not data.keys() <= record_keys:
            return False
        try:
            record_id = data["record_id"]
            framework = data["framework"]
            person_id = data["person_id"]
            when = data["recorded_on"]
            stage = data["stage"]
            outcomes = data["outcomes"]
        except KeyError:
            return False
        if not (type(record_id) is str and 0 < len(record_id) <= max_id and no_space(record_id)):
            return False
        if not (
            type(person_id) is str and 0 < len(person_id) <= max_person and no_space(person_id)
        ):
            return False
        version = data.get("framework_version", absent)
        if version is absent:
            version = None
        elif type(version) is not str:
            return False
        if type(framework) is not str:
            return False
        index = indexes.get((framework, version))
        if index is None:
            return False
        if type(when) is not str or when > latest:
            return False
        if when not in good_dates:
            if not date_shape(when):
                return False
            try:
                from_iso(when)
            except ValueError:
                return False
            if len(good_dates) < cache_limit:
                good_dates.add(when)
        if type(stage) is not str or stage not in stages:
            return False
        context = data.get("context", absent)
        if context is not absent:
            if type(context) is not dict or not 0 < len(context) <= MAX_CONTEXT_FIELDS:
                return False
            for key, value in context.items():
                if key not in good_keys:
                    if type(key) is not str or not context_key(key):
                        return False
                    if len(good_keys) < cache_limit:
                        good_keys.add(key)
                if not text(value, max_context):
                    return False
        notes = data.get("notes", absent)
        if notes is not absent and not text(notes, max_notes):
            return False
        if type(outcomes) is not list or not 0 < len(outcomes) <= MAX_OUTCOMES:
            return False
        review = stage == REVIEW_STAGE
        usable = index.usable
        levels = index.levels
        pairs: set[tuple[str, str]] | None = set() if len(outcomes) > 1 else None
        for outcome in outcomes:
            if not clean_outcome(outcome, usable, levels, review):
                return False
            if pairs is not None:
                pair = (outcome["outcome"], outcome["what_matters"])
                if pair in pairs:
                    return False
                pairs.add(pair)
        return True

    return quick


#: Says whether one outcome has no issue of its own: (outcome, the framework's outcome
#: ids not retired, its review levels, whether the record is a review).
OutcomeCheck = Callable[[object, frozenset[str], frozenset[str], bool], bool]


def _make_outcome_check(*, quality: bool) -> OutcomeCheck:
    """Build the quick check of one outcome, for the quick check and the full one.

    It returns ``True`` only when checking the outcome rule by rule would find
    nothing (no error and no warning, the quality hints too with ``quality``);
    duplicates, which take the record's other outcomes, are not its to find.
    """
    absent = ABSENT
    outcome_keys = _OUTCOME_FIELDS
    contributors = _CONTRIBUTORS
    perspectives = _PERSPECTIVES
    space = SPACE_CHARACTERS
    max_what_matters = MAX_LENGTH["what_matters"]
    max_why = MAX_LENGTH["why_it_matters"]
    max_note = MAX_LENGTH["status_note"]
    max_what = MAX_LENGTH["what"]

    # The text checks are written out in full below: this runs for every outcome of
    # every record, and a call per field would double its cost.
    def clean_outcome(
        outcome: object,
        usable: frozenset[str],
        levels: frozenset[str],
        review: bool,  # noqa: FBT001 (positional: called for every outcome)
    ) -> bool:
        if type(outcome) is not dict or not outcome.keys() <= outcome_keys:
            return False
        get = outcome.get
        outcome_id = get("outcome")
        if type(outcome_id) is not str or outcome_id not in usable:
            return False
        what = get("what_matters")
        if not (type(what) is str and len(what) <= max_what_matters and what.strip(space)):
            return False
        value = get("why_it_matters", absent)
        if value is not absent and not (
            type(value) is str and len(value) <= max_why and value.strip(space)
        ):
            return False
        contributions = get("contributions", absent)
        if contributions is not absent:
            if type(contributions) is not list or not 0 < len(contributions) <= MAX_CONTRIBUTIONS:
                return False
            for item in contributions:
                if type(item) is not dict or len(item) != 2:  # noqa: PLR2004 (by and what)
                    return False
                by = item.get("by")
                if type(by) is not str or by not in contributors:
                    return False
                value = item.get("what")
                if not (type(value) is str and len(value) <= max_what and value.strip(space)):
                    return False
        status = get("status", absent)
        if status is absent:
            if review:
                return False
        elif not review or type(status) is not str or status not in levels:
            return False
        note = get("status_note", absent)
        if note is not absent and not (
            type(note) is str and len(note) <= max_note and note.strip(space)
        ):
            return False
        value = get("perspective", absent)
        if value is not absent and (type(value) is not str or value not in perspectives):
            return False
        return not (
            quality
            and (
                "why_it_matters" not in outcome
                or (status is not absent and note is absent)
                or (
                    contributions is not absent
                    and all(item["by"] == "services" for item in contributions)
                )
            )
        )

    return clean_outcome
