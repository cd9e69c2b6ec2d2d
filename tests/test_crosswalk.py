"""The crosswalk to the National Health and Wellbeing Outcomes: data, rules, API, commands."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from personal_outcomes import bundled
from personal_outcomes.errors import (
    UnknownFrameworkError,
    UnknownNationalOutcomeError,
    UnknownOutcomeError,
)
from personal_outcomes.frameworks import load_framework, manifest
from personal_outcomes.interop import (
    Crosswalk,
    NationalLink,
    NationalOutcome,
    crosswalk,
    load_crosswalk,
    national_outcome_uri,
)

ROOT = Path(__file__).resolve().parent.parent
FILE = ROOT / "frameworks" / "crosswalks" / "national-outcomes.yaml"
DAY_OPPORTUNITIES = ROOT / "docs" / "examples" / "day-opportunities.yaml"

WORDING = {
    1: (
        "People are able to look after and improve their own health and wellbeing and live "
        "in good health for longer."
    ),
    2: (
        "People, including those with disabilities or long term conditions, or who are frail, "
        "are able to live, as far as reasonably practicable, independently and at home or in a "
        "homely setting in their community."
    ),
    3: (
        "People who use health and social care services have positive experiences of those "
        "services, and have their dignity respected."
    ),
    4: (
        "Health and social care services are centred on helping to maintain or improve the "
        "quality of life of people who use those services."
    ),
    5: "Health and social care services contribute to reducing health inequalities.",
    6: (
        "People who provide unpaid care are supported to look after their own health and "
        "wellbeing, including to reduce any negative impact of their caring role on their "
        "own health and well-being."
    ),
    7: "People who use health and social care services are safe from harm.",
    8: (
        "People who work in health and social care services feel engaged with the work they "
        "do and are supported to continuously improve the information, support, care and "
        "treatment they provide."
    ),
    9: (
        "Resources are used effectively and efficiently in the provision of health and social "
        "care services."
    ),
}

#: Every (framework, outcome) of every release in the manifest.
RELEASED = sorted(
    {
        (framework_id, outcome)
        for framework_id, releases in manifest().items()
        for release in releases.values()
        for outcome in release["outcomes"]  # type: ignore[attr-defined]
    }
)


# ---- the data -------------------------------------------------------------------------


def test_the_nine_national_outcomes_have_their_exact_published_wording() -> None:
    walk = crosswalk()
    assert [national.number for national in walk.national_outcomes] == list(range(1, 10))
    assert {national.number: national.wording for national in walk.national_outcomes} == WORDING
    assert [national.title for national in walk.national_outcomes] == [
        "Health and wellbeing",
        "Living independently at home",
        "Positive experiences and dignity",
        "Quality of life",
        "Health inequalities",
        "Unpaid carers' health and wellbeing",
        "Safe from harm",
        "Engaged workforce",
        "Effective use of resources",
    ]


def test_the_crosswalk_says_it_is_the_projects_own_and_cites_the_regulations() -> None:
    walk = crosswalk()
    assert walk.version == "1.0.0"
    assert walk.statement.startswith("This crosswalk is the personal-outcomes project's own.")
    assert "No official mapping" in walk.statement
    assert '"chime well"' in walk.statement
    assert walk.source == (
        "The nine National Health and Wellbeing Outcomes are prescribed by the Public Bodies "
        "(Joint Working) (National Health and Wellbeing Outcomes) (Scotland) Regulations 2014 "
        "(SSI 2014/343), made under the Public Bodies (Joint Working) (Scotland) Act 2014, and "
        "set out in the Scottish Government's National Health and Wellbeing Outcomes Framework "
        "(February 2015)."
    )
    assert (
        repr(walk) == "<Crosswalk national-outcomes 1.0.0: 9 national outcomes, 49 outcomes linked>"
    )


def test_every_outcome_of_every_released_version_is_linked_once() -> None:
    """The manifest's outcomes, retired ones included, are exactly the crosswalk's entries."""
    walk = crosswalk()
    covered = [(entry.framework, entry.outcome) for entry in walk.entries]
    assert sorted(covered) == RELEASED
    assert len(covered) == len(set(covered)) == 49
    assert walk.framework_ids == ("adults", "care-homes", "carers")
    for entry in walk.entries:
        assert 1 <= len(entry.links) <= 3
        assert [link.number for link in entry.links] == sorted({n.number for n in entry.links})
        assert all(link.rationale.strip() for link in entry.links)


def test_no_outcome_serves_the_workforce_or_resources_outcomes() -> None:
    """Outcomes 8 (staff) and 9 (resources) are about services, not about the person."""
    for framework in bundled().latest():
        assert crosswalk().outcomes_serving(8, framework) == ()
        assert crosswalk().outcomes_serving(9, framework) == ()


@pytest.mark.parametrize(
    ("framework", "outcome", "numbers"),
    [
        ("adults", "feeling-safe", (7,)),
        ("adults", "staying-as-well-as-you-can", (1,)),
        ("adults", "living-where-and-as-you-want", (2, 4)),
        ("adults", "listened-to", (3,)),
        ("adults", "treated-with-respect", (3,)),
        ("care-homes", "feeling-safe-and-secure", (7,)),
        ("care-homes", "privacy-respected", (3,)),
        ("care-homes", "trusting-staff", (3, 7)),
        ("carers", "maintaining-health-and-wellbeing", (6,)),
        ("carers", "a-life-of-their-own", (6,)),
        ("carers", "freedom-from-financial-hardship", (5, 6)),
        ("carers", "quality-of-life-for-the-cared-for-person", (4,)),
    ],
)
def test_links_a_practitioner_would_expect(
    framework: str, outcome: str, numbers: tuple[int, ...]
) -> None:
    assert crosswalk().numbers(framework, outcome) == numbers


def test_every_carers_own_quality_of_life_outcome_serves_outcome_6() -> None:
    carers = bundled().get("carers")
    for outcome in carers.category("quality-of-life-carer"):
        assert 6 in crosswalk().numbers(carers, outcome.id)
    for category in carers.categories:
        if category.type == "process":
            for outcome in category:
                assert crosswalk().numbers(carers, outcome.id) == (3, 6)


def test_the_bundled_crosswalk_is_read_once() -> None:
    assert crosswalk() is crosswalk()


def test_the_file_loads_as_the_bundled_one() -> None:
    assert load_crosswalk(FILE) == crosswalk()


# ---- the API, both ways -----------------------------------------------------------------


def test_links_carry_their_rationale() -> None:
    links = crosswalk().links("adults", "improved-mobility")
    assert links == (
        NationalLink(
            number=1, rationale="Moving about more easily is an improvement in physical health."
        ),
        NationalLink(
            number=2,
            rationale=(
                "Better mobility helps the person stay independent at home and in the community."
            ),
        ),
    )


def test_national_outcome_by_number() -> None:
    assert crosswalk().national_outcome(7) == NationalOutcome(
        number=7, title="Safe from harm", wording=WORDING[7]
    )


@pytest.mark.parametrize("number", [0, 10, -1, True, 1.0, "1", None])
def test_a_number_other_than_1_to_9_is_a_lookup_error(number: Any) -> None:
    with pytest.raises(UnknownNationalOutcomeError) as caught:
        crosswalk().national_outcome(number)
    assert isinstance(caught.value, LookupError)
    assert caught.value.requested == number
    assert str(caught.value) == (
        "there is no National Health and Wellbeing Outcome with that number; "
        "they are numbered 1 to 9"
    )
    with pytest.raises(UnknownNationalOutcomeError):
        crosswalk().outcomes_serving(number, "adults")
    with pytest.raises(UnknownNationalOutcomeError):
        national_outcome_uri(number)


def test_an_unknown_framework_names_the_closest() -> None:
    with pytest.raises(UnknownFrameworkError) as caught:
        crosswalk().numbers("adult", "seeing-people")
    assert str(caught.value) == (
        "no framework with that id is known (known: adults, care-homes, carers); "
        "did you mean 'adults'?"
    )
    with pytest.raises(UnknownFrameworkError):
        crosswalk().outcomes_serving(3, "carer")


def test_an_unknown_outcome_names_the_closest() -> None:
    with pytest.raises(UnknownOutcomeError) as caught:
        crosswalk().links("adults", "seeing-peple")
    assert str(caught.value) == (
        "framework 'adults' 1.1.0 has no outcome with that id; did you mean 'seeing-people'?"
    )
    with pytest.raises(UnknownOutcomeError):
        crosswalk().numbers(bundled().get("carers"), "seeing-people")


def test_an_organisations_own_framework_has_no_links() -> None:
    own = load_framework(DAY_OPPORTUNITIES)
    assert {crosswalk().numbers(own, outcome) for outcome in own.outcome_ids} == {()}
    assert all(crosswalk().outcomes_serving(n, own) == () for n in range(1, 10))


def test_a_framework_by_id_or_object_gives_the_same_links() -> None:
    for framework in bundled().latest():
        for outcome in framework.outcome_ids:
            assert crosswalk().links(framework, outcome) == crosswalk().links(framework.id, outcome)


@given(
    framework=st.sampled_from(["adults", "care-homes", "carers"]),
    number=st.integers(min_value=1, max_value=9),
)
def test_both_ways_agree(framework: str, number: int) -> None:
    """An outcome serves a national outcome exactly when it is among those serving it."""
    walk = crosswalk()
    serving = walk.outcomes_serving(number, framework)
    ids = bundled().get(framework).outcome_ids
    assert serving == tuple(o for o in ids if number in walk.numbers(framework, o))
    assert list(serving) == [o for o in ids if o in serving]  # published order


def test_every_link_is_found_both_ways() -> None:
    walk = crosswalk()
    for entry in walk.entries:
        for link in entry.links:
            assert entry.outcome in walk.outcomes_serving(link.number, entry.framework)
    pairs = sum(len(walk.outcomes_serving(n, f)) for n in range(1, 10) for f in walk.framework_ids)
    assert pairs == sum(len(entry.links) for entry in walk.entries)


def test_national_outcome_uris_are_under_the_base_uri() -> None:
    assert [national_outcome_uri(n) for n in (1, 9)] == [
        "https://w3id.org/personal-outcomes/national-outcomes/1",
        "https://w3id.org/personal-outcomes/national-outcomes/9",
    ]
    assert national_outcome_uri(3, "https://example.org/po/") == (
        "https://example.org/po/national-outcomes/3"
    )


def test_the_classes_are_frozen() -> None:
    walk = crosswalk()
    with pytest.raises(AttributeError):
        walk.version = "2.0.0"  # type: ignore[misc]
    assert isinstance(walk, Crosswalk)
