"""The framework model: frozen, keyword-only attrs classes with tuples inside."""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Literal, cast

import attrs
from attrs import frozen

from personal_outcomes._text import closest, normalise_label
from personal_outcomes.errors import (
    InvalidFrameworkError,
    UnknownCategoryError,
    UnknownOutcomeError,
    UnknownReviewLevelError,
    UnknownSourceError,
)

if TYPE_CHECKING:
    import cattrs

    from personal_outcomes._formats._yaml import YAMLDocument

OutcomeType = Literal["quality-of-life", "process", "change", "managing-the-caring-role"]
OutcomeAbout = Literal["person", "cared-for-person"]


@frozen(kw_only=True)
class Source:
    """A published source the framework cites, by its key (``IRISS2012``)."""

    key: str
    citation: str
    note: str | None = None


@frozen(kw_only=True)
class Alias:
    """Another published label of an outcome or category, with its source key."""

    label: str
    source: str


@frozen(kw_only=True)
class Statement:
    """A first-person statement of an outcome ("I feel safe and secure"), with its source."""

    text: str
    source: str


@frozen(kw_only=True)
class ReviewLevel:
    """One level of a review scale (``met``, ``partly-met``...)."""

    id: str
    label: str
    description: str


@frozen(kw_only=True)
class ReviewScale:
    """The levels a review can record for an outcome, in order."""

    levels: tuple[ReviewLevel, ...]

    @property
    def ids(self) -> tuple[str, ...]:
        """The level ids, in order."""
        return tuple(level.id for level in self.levels)

    def __iter__(self) -> Iterator[ReviewLevel]:
        """Iterate over the levels in order."""
        return iter(self.levels)

    def __len__(self) -> int:
        """Return the number of levels."""
        return len(self.levels)


@frozen(kw_only=True)
class Outcome:
    """One outcome of a framework.

    ``category`` is the id of the category the outcome belongs to. ``about`` says
    whose life the outcome is about: the person themself (``"person"``, the
    default), or the person a carer looks after (``"cared-for-person"``).
    """

    id: str
    label: str
    category: str
    about: OutcomeAbout = "person"
    description: str
    prompts: tuple[str, ...]
    aliases: tuple[Alias, ...] = ()
    statement: Statement | None = None
    retired: bool = False
    replaced_by: str | None = None

    @property
    def labels(self) -> tuple[str, ...]:
        """Every label of the outcome: canonical, aliases, then its statement."""
        statement = (self.statement.text,) if self.statement else ()
        return (self.label, *(alias.label for alias in self.aliases), *statement)


@frozen(kw_only=True, repr=False)
class Category:
    """A category of outcomes, of one outcome type."""

    id: str
    label: str
    type: OutcomeType
    description: str
    outcomes: tuple[Outcome, ...]
    aliases: tuple[Alias, ...] = ()

    def __iter__(self) -> Iterator[Outcome]:
        """Iterate over the category's outcomes in published order."""
        return iter(self.outcomes)

    def __repr__(self) -> str:
        """Give the id, type and number of outcomes (the data: :meth:`Framework.to_data`)."""
        return f"<Category {self.id} ({self.type}): {_count(len(self.outcomes), 'outcome')}>"


def version_key(version: str) -> tuple[tuple[int, str], ...]:
    """Order versions numerically without int(): parts of any length compare correctly.

    Version parts have no leading zeros (the framework file schema says so), so a
    longer part is a larger number, and parts of one length compare as text.

    >>> sorted(["1.10.0", "1.9.0", "10.0.0"], key=version_key)
    ['1.9.0', '1.10.0', '10.0.0']
    """
    return tuple((len(part), part) for part in version.split("."))


def data_digest(data: object) -> str:
    """Return the SHA-256 (hex) of data as canonical JSON (keys sorted, no spaces).

    Raises :class:`TypeError` or :class:`ValueError` for data that is not JSON.
    """
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _count(number: int, noun: str, plural: str = "") -> str:
    return f"{number} {noun if number == 1 else plural or noun + 's'}"


@frozen(kw_only=True, repr=False)
class Framework:
    """A Personal Outcomes framework: categories of outcomes, sources, review scale.

    >>> from personal_outcomes import bundled
    >>> adults = bundled().get("adults")
    >>> adults.outcome("seeing-people").label
    'Seeing people'
    >>> adults.category("change").type
    'change'
    >>> len(adults.outcomes)
    15

    ``based_on`` names the framework a local framework was derived from, as
    ``ID@VERSION`` (such as ``"adults@1.0.0"``), and is ``None`` for any other
    framework (see :func:`~personal_outcomes.frameworks.derive_framework`).
    """

    id: str
    version: str
    based_on: str | None = None
    title: str
    population: str
    opening_questions: tuple[str, ...] = ()
    canonical_source: str
    sources: tuple[Source, ...]
    review_scale: ReviewScale
    categories: tuple[Category, ...]

    @cached_property
    def digest(self) -> str:
        """SHA-256 (hex) of the framework's data, independent of file layout.

        Two files that parse to the same data have the same digest, whatever
        their formatting, key order or line endings.
        """
        return data_digest(unstructure_framework(self))

    def __repr__(self) -> str:
        """Give the id, version and counts; the whole data is one call away (:meth:`to_data`)."""
        return (
            f"<Framework {self.id} {self.version}: "
            f"{_count(len(self.categories), 'category', 'categories')}, "
            f"{_count(len(self.outcomes), 'outcome')}>"
        )

    def to_data(self) -> dict[str, object]:
        """Return the framework as plain data in the framework file format."""
        return unstructure_framework(self)

    @classmethod
    def from_data(cls, data: Mapping[str, object], *, source: str = "<data>") -> Framework:
        """Check data in the framework file format fully and build the framework.

        Raises :class:`~personal_outcomes.errors.InvalidFrameworkError` listing
        every problem. ``source`` names the data in messages.

        >>> from personal_outcomes import Framework, bundled
        >>> data = bundled().get("carers").to_data()
        >>> Framework.from_data(data) == bundled().get("carers")
        True
        """
        return build_framework(data, source)

    @cached_property
    def outcomes(self) -> tuple[Outcome, ...]:
        """Every outcome, retired ones included, in published order."""
        return tuple(outcome for category in self.categories for outcome in category)

    @cached_property
    def _outcomes_by_id(self) -> dict[str, Outcome]:
        return {outcome.id: outcome for outcome in self.outcomes}

    @cached_property
    def _outcomes_by_label(self) -> dict[str, Outcome]:
        found: dict[str, Outcome] = {}
        for outcome in self.outcomes:
            for label in outcome.labels:
                found.setdefault(normalise_label(label), outcome)
        return found

    def __iter__(self) -> Iterator[Outcome]:
        """Iterate over every outcome in published order."""
        return iter(self.outcomes)

    def __contains__(self, outcome_id: object) -> bool:
        """Say whether the framework has an outcome with this id."""
        return outcome_id in self._outcomes_by_id

    @property
    def outcome_ids(self) -> tuple[str, ...]:
        """Every outcome id, in published order."""
        return tuple(self._outcomes_by_id)

    def outcome(self, outcome_id: str) -> Outcome:
        """Return the outcome with this id.

        Raises :class:`~personal_outcomes.errors.UnknownOutcomeError` (a
        :class:`LookupError`) naming the closest id when there is none.
        """
        try:
            return self._outcomes_by_id[outcome_id]
        except KeyError:
            raise self._unknown(UnknownOutcomeError, outcome_id, self.outcome_ids) from None

    def find_outcome(self, label: str) -> Outcome:
        """Return the outcome with this id, label, other published label or statement.

        Case, spacing and punctuation are ignored:

        >>> from personal_outcomes import bundled
        >>> bundled().get("carers").find_outcome("feeling informed, skilled, equipped").id
        'feeling-informed-skilled-equipped'
        """
        if label in self._outcomes_by_id:
            return self._outcomes_by_id[label]
        key = normalise_label(label)
        if key in self._outcomes_by_label:
            return self._outcomes_by_label[key]
        suggestion = closest(key, list(self._outcomes_by_label))
        raise UnknownOutcomeError(
            framework=self.id,
            version=self.version,
            requested=label,
            suggestion=self._outcomes_by_label[suggestion].id if suggestion else None,
        )

    def category(self, category_id: str) -> Category:
        """Return the category with this id."""
        for category in self.categories:
            if category.id == category_id:
                return category
        ids = [category.id for category in self.categories]
        raise self._unknown(UnknownCategoryError, category_id, ids)

    def category_of(self, outcome: Outcome | str) -> Category:
        """Return the category an outcome (or outcome id) belongs to."""
        found = self.outcome(outcome) if isinstance(outcome, str) else outcome
        return self.category(found.category)

    def source(self, key: str) -> Source:
        """Return the cited source with this key."""
        for source in self.sources:
            if source.key == key:
                return source
        raise self._unknown(UnknownSourceError, key, [source.key for source in self.sources])

    def review_level(self, level_id: str) -> ReviewLevel:
        """Return the review scale's level with this id."""
        for level in self.review_scale:
            if level.id == level_id:
                return level
        raise self._unknown(UnknownReviewLevelError, level_id, list(self.review_scale.ids))

    def _unknown(
        self,
        kind: type[UnknownOutcomeError]
        | type[UnknownCategoryError]
        | type[UnknownSourceError]
        | type[UnknownReviewLevelError],
        requested: str,
        candidates: list[str] | tuple[str, ...],
    ) -> LookupError:
        return kind(
            framework=self.id,
            version=self.version,
            requested=requested,
            suggestion=closest(requested, list(candidates)),
        )


# ---- plain data <-> model, with cattrs ----------------------------------------------
# The converter is built when first needed: cattrs compiles a function for each class.


@functools.cache
def _converter() -> cattrs.Converter:
    import cattrs  # noqa: PLC0415 (imported when first needed, see above)
    from cattrs.gen import (  # noqa: PLC0415
        make_dict_structure_fn,
        make_dict_unstructure_fn,
        override,
    )

    converter = cattrs.Converter(
        omit_if_default=True,
        forbid_extra_keys=True,
        unstruct_collection_overrides={Sequence: list},
    )
    # An outcome's category is where it sits in the file, not a key of its own.
    converter.register_unstructure_hook(
        Outcome,
        make_dict_unstructure_fn(
            Outcome, converter, _cattrs_omit_if_default=True, category=override(omit=True)
        ),
    )
    structure_category = make_dict_structure_fn(Category, converter, _cattrs_forbid_extra_keys=True)

    def category_hook(data: Mapping[str, object], cls: type[Category]) -> Category:
        outcomes = cast("list[Mapping[str, object]]", data["outcomes"])
        with_category = [{**outcome, "category": data["id"]} for outcome in outcomes]
        return structure_category({**data, "outcomes": with_category}, cls)

    converter.register_structure_hook(Category, category_hook)
    return converter


def structure_framework(data: Mapping[str, object]) -> Framework:
    """Build a :class:`Framework` from data that has passed the framework checks."""
    return _converter().structure(data, Framework)


def _in_field_order(data: dict[str, object], cls: type[Framework] | type[Outcome]) -> None:
    """Put the keys of ``data`` in the order of the class's fields, in place.

    cattrs writes fields left out when at their default after all the others; the
    data reads better in the order of the file format.
    """
    ordered = {field.name: data[field.name] for field in attrs.fields(cls) if field.name in data}
    data.clear()
    data.update(ordered)


def unstructure_framework(framework: Framework) -> dict[str, object]:
    """Return a framework as plain data, in the framework file format."""
    data = cast("dict[str, object]", _converter().unstructure(framework))
    _in_field_order(data, Framework)
    for category in cast("list[dict[str, object]]", data["categories"]):
        for outcome in cast("list[dict[str, object]]", category["outcomes"]):
            _in_field_order(outcome, Outcome)
    return data


def build_framework(data: object, source: str, document: YAMLDocument | None = None) -> Framework:
    """Check framework data against the schema and the rules, then build it.

    Raises :class:`~personal_outcomes.errors.InvalidFrameworkError` listing every
    problem; ``document`` (when the data came from a YAML file) places them.
    """
    # The rules (and jsonschema) are imported when a framework is first checked.
    from personal_outcomes.frameworks._rules import framework_problems  # noqa: PLC0415

    problems = framework_problems(data, document)
    if problems:
        raise InvalidFrameworkError(source=source, problems=problems)
    return structure_framework(cast("Mapping[str, object]", data))
