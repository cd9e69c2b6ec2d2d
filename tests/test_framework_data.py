"""The bundled frameworks against an independent copy of the published reference."""

from __future__ import annotations

import re

import pytest

from personal_outcomes import Framework, bundled

# Copied from the reference tables (shared/reference/frameworks.md), not from the
# framework files: (category ids in order, (outcome id, category id, label) in order).
REFERENCE: dict[str, tuple[tuple[str, ...], tuple[tuple[str, str, str], ...]]] = {
    "adults": (
        ("quality-of-life", "process", "change"),
        (
            ("feeling-safe", "quality-of-life", "Feeling safe"),
            ("having-things-to-do", "quality-of-life", "Having things to do"),
            ("seeing-people", "quality-of-life", "Seeing people"),
            ("staying-as-well-as-you-can", "quality-of-life", "Staying as well as you can"),
            (
                "living-where-and-as-you-want",
                "quality-of-life",
                "Living where you want/as you want",
            ),
            (
                "dealing-with-stigma-and-discrimination",
                "quality-of-life",
                "Dealing with stigma/discrimination",
            ),
            ("listened-to", "process", "Listened to"),
            ("having-a-say", "process", "Having a say"),
            ("treated-with-respect", "process", "Treated with respect"),
            ("responded-to", "process", "Responded to"),
            ("reliability", "process", "Reliability"),
            ("improved-confidence-and-morale", "change", "Improved confidence/morale"),
            ("improved-skills", "change", "Improved skills"),
            ("improved-mobility", "change", "Improved mobility"),
            ("reduced-symptoms", "change", "Reduced symptoms"),
        ),
    ),
    "carers": (
        (
            "quality-of-life-cared-for-person",
            "quality-of-life-carer",
            "managing-the-caring-role",
            "process",
        ),
        (
            (
                "quality-of-life-for-the-cared-for-person",
                "quality-of-life-cared-for-person",
                "Quality of life for the cared for person",
            ),
            (
                "maintaining-health-and-wellbeing",
                "quality-of-life-carer",
                "Maintaining health and well-being",
            ),
            ("a-life-of-their-own", "quality-of-life-carer", "A life of their own"),
            (
                "positive-relationship-with-the-person-cared-for",
                "quality-of-life-carer",
                "Positive relationship with the person cared for",
            ),
            (
                "freedom-from-financial-hardship",
                "quality-of-life-carer",
                "Freedom from financial hardship",
            ),
            (
                "choices-in-caring",
                "managing-the-caring-role",
                "Choices in caring, including the limits of caring",
            ),
            (
                "feeling-informed-skilled-equipped",
                "managing-the-caring-role",
                "Feeling informed/ skilled/equipped",
            ),
            ("satisfaction-in-caring", "managing-the-caring-role", "Satisfaction in caring"),
            ("partnership-with-services", "managing-the-caring-role", "Partnership with services"),
            (
                "valued-respected-and-expertise-recognised",
                "process",
                "Valued/respected and expertise recognised",
            ),
            ("having-a-say-in-services", "process", "Having a say in services"),
            ("flexible-and-responsive", "process", "Flexible and responsive to changing needs"),
            (
                "positive-relationship-with-practitioners",
                "process",
                "Positive relationship with practitioners",
            ),
            (
                "accessible-and-available",
                "process",
                "Accessible, available and free at the point of need",
            ),
        ),
    ),
    "care-homes": (
        ("quality-of-life", "process", "change"),
        (
            ("feeling-safe-and-secure", "quality-of-life", "Feeling safe and secure"),
            ("seeing-people", "quality-of-life", "Seeing people"),
            ("having-things-to-do", "quality-of-life", "Having things to do"),
            ("living-in-a-nice-place", "quality-of-life", "Live in a nice place"),
            ("living-life-as-i-want", "quality-of-life", "Live life as I want and where I want"),
            ("staying-as-well-as-i-can", "quality-of-life", "Stay as well as I can"),
            ("belonging-to-a-community", "quality-of-life", "Belong to a community"),
            ("treated-as-an-individual", "process", "Treated as an individual"),
            ("valued-and-respected", "process", "Valued and respected"),
            ("listened-to", "process", "Listened to"),
            ("having-a-say", "process", "Having a say"),
            (
                "support-to-live-well-and-plan-for-end-of-life",
                "process",
                "Support to live well/ plan for end of life",
            ),
            ("family-and-friends-involved", "process", "Family and friends involved"),
            ("trusting-staff", "process", "Trust staff and rely on them to respond"),
            ("privacy-respected", "process", "Privacy is respected"),
            ("improved-skills", "change", "Improved skills"),
            ("improved-confidence-and-morale", "change", "Improved confidence and morale"),
            ("improved-mobility", "change", "Improved mobility"),
            ("improved-health-reduced-symptoms", "change", "Improved health / reduced symptoms"),
            ("settled-into-home", "change", "Settled into home"),
        ),
    ),
}

CATEGORY_LABELS = {
    "adults": ("Quality of life", "Process", "Change"),
    "carers": (
        "Quality of life for the cared for person",
        "Quality of life for the carer",
        "Managing the caring role",
        "Process",
    ),
    "care-homes": ("Quality of life", "Process", "Change"),
}

CATEGORY_TYPES = {
    "adults": ("quality-of-life", "process", "change"),
    "carers": ("quality-of-life", "quality-of-life", "managing-the-caring-role", "process"),
    "care-homes": ("quality-of-life", "process", "change"),
}

ALIASES = {
    "adults": {
        "staying-as-well-as-you-can": (("Staying well", "COOK-SLIDES"),),
        "living-where-and-as-you-want": (
            ("Living where and as you want", "DUMFRIES2011"),
            ("Living as you / where want", "COOK-SLIDES"),
        ),
        "improved-confidence-and-morale": (("Improved confidence", "COOK-SLIDES"),),
    },
    "carers": {
        "maintaining-health-and-wellbeing": (("Maintaining health and wellbeing", "COOK-SLIDES"),),
        "positive-relationship-with-the-person-cared-for": (
            ("Positive relationship with cared for person", "COOK-SLIDES"),
        ),
        "choices-in-caring": (("Choices in caring", "COOK-SLIDES"),),
        "having-a-say-in-services": (("Having a say", "COOK-SLIDES"),),
        "flexible-and-responsive": (("Flexible and responsive", "COOK-SLIDES"),),
    },
    "care-homes": {},
}

STATEMENTS = {
    "feeling-safe-and-secure": "I feel safe and secure",
    "seeing-people": "I see people",
    "having-things-to-do": "I have things to do",
    "living-in-a-nice-place": "I live in a nice place",
    "living-life-as-i-want": "I live life as I want and where I want",
    "staying-as-well-as-i-can": "I stay as well as I can",
    "belonging-to-a-community": "I belong to a community",
    "treated-as-an-individual": "I am treated as an individual",
    "valued-and-respected": "I am valued and respected",
    "listened-to": "I am listened to",
    "having-a-say": "I have a say in decisions about my care and support",
}

CANONICAL = {"adults": "IRISS2012", "carers": "IRISS2012", "care-homes": "COOK-SLIDES"}


@pytest.fixture(params=sorted(REFERENCE))
def framework(request: pytest.FixtureRequest) -> Framework:
    return bundled().get(str(request.param))


def test_three_frameworks_are_bundled() -> None:
    """Exactly the three published frameworks ship, each at version 1.1.0."""
    assert bundled().ids == ("adults", "care-homes", "carers")
    assert {fw.version for fw in bundled()} == {"1.1.0"}


def test_outcome_counts() -> None:
    """The frameworks have 15, 14 and 20 outcomes."""
    counts = {fw.id: len(fw.outcomes) for fw in bundled()}
    assert counts == {"adults": 15, "carers": 14, "care-homes": 20}


def test_categories_match_reference(framework: Framework) -> None:
    """Category ids, labels and types are as published, in order."""
    assert tuple(c.id for c in framework.categories) == REFERENCE[framework.id][0]
    assert tuple(c.label for c in framework.categories) == CATEGORY_LABELS[framework.id]
    assert tuple(c.type for c in framework.categories) == CATEGORY_TYPES[framework.id]


def test_outcomes_match_reference_exactly(framework: Framework) -> None:
    """Outcome ids, categories and labels match the reference byte for byte, in order."""
    actual = tuple((o.id, o.category, o.label) for o in framework.outcomes)
    assert actual == REFERENCE[framework.id][1]


def test_aliases_match_reference(framework: Framework) -> None:
    """Other published labels are exactly those the reference lists, with their sources."""
    actual = {
        o.id: tuple((a.label, a.source) for a in o.aliases) for o in framework.outcomes if o.aliases
    }
    assert actual == ALIASES[framework.id]


def test_carers_category_alias() -> None:
    """IRISS2012's heading for the cared-for person's category is kept as an alias."""
    category = bundled().get("carers").category("quality-of-life-cared-for-person")
    assert [(a.label, a.source) for a in category.aliases] == [
        ("Quality of life of cared for person", "IRISS2012")
    ]


def test_statements_only_where_confirmed(framework: Framework) -> None:
    """First-person statements exist only for the eleven confirmed care-home outcomes."""
    actual = {o.id: o.statement.text for o in framework.outcomes if o.statement}
    expected = STATEMENTS if framework.id == "care-homes" else {}
    assert actual == expected
    assert all(o.statement.source == "IRISS2012" for o in framework.outcomes if o.statement)


def test_sources_and_review_scale(framework: Framework) -> None:
    """Each framework names its canonical source and the default review scale."""
    assert framework.canonical_source == CANONICAL[framework.id]
    assert framework.source(framework.canonical_source).citation
    assert framework.review_scale.ids == ("met", "partly-met", "not-met", "no-longer-relevant")
    assert [level.label for level in framework.review_scale] == [
        "Met",
        "Partly met",
        "Not met",
        "No longer relevant",
    ]


def test_every_outcome_has_description_and_prompts(framework: Framework) -> None:
    """Every outcome is described and has two or three conversation prompts."""
    for outcome in framework.outcomes:
        assert outcome.description.strip()
        assert 2 <= len(outcome.prompts) <= 3
        assert all(prompt.rstrip().endswith("?") for prompt in outcome.prompts)
        assert not outcome.retired


# ---- the rule for conversation prompts (docs/guides/conversations.md) ----------------

#: Open questions start with one of these words (never "Do you", "Are there", "Is it").
OPEN_STEMS = ("What ", "How ", "Who ", "Which ", "Where ", "When ")
#: Openings that presume a loss, a worry or a problem (the prompts of version 1.0.0 had them).
DEFICIT_STEMS = (
    "What worries",
    "What money worries",
    "What takes",
    "What have you had to give up",
    "What do you miss",
    "Which symptoms",
    "Which health problems",
    "How has caring",
    "At what times is it hardest",
)
#: Words that presume harm, loss, a problem or a need, wherever they come in a prompt.
DEFICIT_WORDS = re.compile(
    r"\b(worr\w*|miss(ed|ing)?|toll|give up|gave up|los[st]|loss|problems?|hardest|"
    r"struggl\w*|unfair\w*|discriminat\w*|afraid|fears?|cope|coping)\b",
    re.IGNORECASE,
)
#: Words by which a process prompt asks about support and the people who give it.
SUPPORT_WORDS = re.compile(r"\b(support\w*|services?|staff|practitioners|help\w*|care|home)\b")


def rule_breaches(question: str) -> list[str]:
    """Say how a prompt or opening question breaks the checkable parts of the rule."""
    breaches = []
    if not question.endswith("?"):
        breaches.append("not a question")
    if not question.startswith(OPEN_STEMS):
        breaches.append("not open")
    if question.startswith(DEFICIT_STEMS) or DEFICIT_WORDS.search(question):
        breaches.append("deficit-led")
    return breaches


@pytest.mark.parametrize(
    ("question", "breaches"),
    [
        ("What helps you feel safe at home?", []),
        ("What worries you about their future?", ["deficit-led"]),
        ("What have you had to give up that you would like back?", ["deficit-led"]),
        ("What do you miss most from before you moved here?", ["deficit-led"]),
        ("What takes the biggest toll on your health?", ["deficit-led"]),
        ("Are there times or places where you feel less safe?", ["not open"]),
        ("How has caring affected your finances?", ["deficit-led"]),
        ("Tell me about your week", ["not a question", "not open"]),
    ],
)
def test_rule_breaches_finds_what_the_rule_forbids(question: str, breaches: list[str]) -> None:
    """The check below catches the faults of the old prompts and passes a good one."""
    assert rule_breaches(question) == breaches


def test_every_prompt_follows_the_rule(framework: Framework) -> None:
    """Every prompt and opening question is an open question that presumes no deficit."""
    found = {
        (outcome.id, prompt): rule_breaches(prompt)
        for outcome in framework.outcomes
        for prompt in outcome.prompts
    }
    found.update({("opening", q): rule_breaches(q) for q in framework.opening_questions})
    assert {key: value for key, value in found.items() if value} == {}


def test_process_prompts_ask_about_support(framework: Framework) -> None:
    """Each process outcome has a prompt about support or the people who provide it."""
    process = [o for o in framework.outcomes if framework.category_of(o).type == "process"]
    assert process
    assert [
        o.id for o in process if not any(SUPPORT_WORDS.search(prompt) for prompt in o.prompts)
    ] == []


def test_prompts_are_unique_within_an_outcome(framework: Framework) -> None:
    """No outcome asks the same question twice."""
    for outcome in framework.outcomes:
        assert len(set(outcome.prompts)) == len(outcome.prompts)


OPENING_TOPICS = {
    "what matters": re.compile(r"^What matters most to you\b"),
    "what is working": re.compile(r"\b(working well|good about)\b"),
    "what the person can do": re.compile(r"\b(do for yourself|able to do yourself)\b"),
    "who else helps": re.compile(r"^Who (else )?helps\b"),
}


def test_opening_questions_cover_the_four_topics(framework: Framework) -> None:
    """Each framework opens with what matters, what works, what the person does, who helps."""
    questions = framework.opening_questions
    assert 4 <= len(questions) <= 10
    for topic, pattern in OPENING_TOPICS.items():
        assert [q for q in questions if pattern.search(q)], topic


def test_only_the_cared_for_persons_outcome_is_about_them() -> None:
    """One outcome is about the cared-for person's life; every other is the person's own."""
    about = {(fw.id, o.id): o.about for fw in bundled() for o in fw if o.about != "person"}
    assert about == {("carers", "quality-of-life-for-the-cared-for-person"): "cared-for-person"}
    carers = bundled().get("carers")
    category = carers.category("quality-of-life-cared-for-person")
    assert {o.about for o in category} == {"cared-for-person"}
