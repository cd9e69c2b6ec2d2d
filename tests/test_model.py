"""Lookups on the framework model and the errors they raise."""

from __future__ import annotations

import attrs
import pytest

from personal_outcomes import Category, Framework, Outcome, bundled
from personal_outcomes.errors import (
    PersonalOutcomesError,
    UnknownCategoryError,
    UnknownOutcomeError,
    UnknownReviewLevelError,
    UnknownSourceError,
)


@pytest.fixture
def adults() -> Framework:
    return bundled().get("adults")


def test_outcome_by_id_knows_its_category(adults: Framework) -> None:
    """An outcome found by id knows its category."""
    outcome = adults.outcome("improved-mobility")
    assert isinstance(outcome, Outcome)
    assert outcome.category == "change"
    assert adults.category_of(outcome).label == "Change"
    assert adults.category_of("listened-to").id == "process"


def test_iteration_is_in_published_order(adults: Framework) -> None:
    """Iterating a framework or a category yields outcomes in published order."""
    assert [o.id for o in adults][:3] == ["feeling-safe", "having-things-to-do", "seeing-people"]
    assert list(adults) == list(adults.outcomes)
    assert adults.outcome_ids == tuple(o.id for o in adults.outcomes)
    process = adults.category("process")
    assert isinstance(process, Category)
    assert [o.id for o in process] == [
        "listened-to",
        "having-a-say",
        "treated-with-respect",
        "responded-to",
        "reliability",
    ]
    assert "seeing-people" in adults
    assert "seeing-ppl" not in adults


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Seeing people", "seeing-people"),
        ("seeing-people", "seeing-people"),
        ("  SEEING   people ", "seeing-people"),
        ("Staying well", "staying-as-well-as-you-can"),
        ("living as you/where want", "living-where-and-as-you-want"),
        ("Improved confidence / morale", "improved-confidence-and-morale"),
        ("Dealing with stigma, discrimination", "dealing-with-stigma-and-discrimination"),
    ],
)
def test_find_outcome_by_label_or_alias(adults: Framework, text: str, expected: str) -> None:
    """Label lookup finds canonical labels and aliases, ignoring case, spacing, punctuation."""
    assert adults.find_outcome(text).id == expected


def test_find_outcome_by_first_person_statement() -> None:
    """Care-home outcomes can be found by their first-person statement."""
    care_homes = bundled().get("care-homes")
    assert care_homes.find_outcome("I am listened to").id == "listened-to"


def test_unknown_outcome_suggests_closest_id(adults: Framework) -> None:
    """An unknown id is a LookupError (not KeyError) that suggests the closest id."""
    with pytest.raises(UnknownOutcomeError) as info:
        adults.outcome("improved-mobilty")
    error = info.value
    assert isinstance(error, LookupError)
    assert isinstance(error, PersonalOutcomesError)
    assert not isinstance(error, KeyError)
    assert error.suggestion == "improved-mobility"
    assert error.requested == "improved-mobilty"
    assert "improved-mobilty" not in str(error)
    assert str(error) == (
        f"framework 'adults' {adults.version} has no outcome with that id; "
        "did you mean 'improved-mobility'?"
    )


def test_unknown_label_suggests_closest_outcome(adults: Framework) -> None:
    """An unknown label suggests the id of the outcome with the closest label."""
    with pytest.raises(UnknownOutcomeError) as info:
        adults.find_outcome("Seing peple")
    assert info.value.suggestion == "seeing-people"
    with pytest.raises(UnknownOutcomeError) as nothing_close:
        adults.find_outcome("zzzz")
    assert nothing_close.value.suggestion is None
    assert str(nothing_close.value).endswith("has no outcome with that id")


def test_other_lookups(adults: Framework) -> None:
    """Categories, sources and review levels are found by id, with helpful errors."""
    assert adults.source("IRISS2012").note == "Page 2 lists all three frameworks."
    assert adults.review_level("partly-met").label == "Partly met"
    assert len(adults.review_scale) == 4
    with pytest.raises(UnknownCategoryError, match="did you mean 'process'"):
        adults.category("proces")
    with pytest.raises(UnknownSourceError, match="did you mean 'IRISS2012'"):
        adults.source("IRISS2011")
    with pytest.raises(UnknownReviewLevelError, match="did you mean 'met'"):
        adults.review_level("mett")


def test_model_is_frozen_and_keyword_only(adults: Framework) -> None:
    """Model objects cannot be changed in place; evolve makes changed copies."""
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        adults.version = "2.0.0"  # type: ignore[misc]
    newer = attrs.evolve(adults, version="9.0.0")
    assert newer.version == "9.0.0"
    assert adults.version == bundled().get("adults").version != "9.0.0"
    assert newer.outcomes == adults.outcomes
    assert isinstance(adults.categories, tuple)
    assert isinstance(adults.outcome("seeing-people").prompts, tuple)


def test_labels_lists_every_published_label() -> None:
    """An outcome's labels are its label, its aliases and its statement."""
    outcome = bundled().get("adults").outcome("living-where-and-as-you-want")
    assert outcome.labels == (
        "Living where you want/as you want",
        "Living where and as you want",
        "Living as you / where want",
    )


def test_digest_is_stable_and_content_sensitive(adults: Framework) -> None:
    """The digest depends on the data only."""
    assert adults.digest == bundled().get("adults").digest
    assert len(adults.digest) == 64
    assert attrs.evolve(adults, title="Another").digest != adults.digest
