"""Frameworks written out for people: plain text for the terminal, Markdown for the docs.

Each outcome names the National Health and Wellbeing Outcomes it serves, from the
project's own crosswalk; an outcome the crosswalk does not cover names none.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Final

from personal_outcomes.frameworks._model import Framework, Outcome, ReviewScale
from personal_outcomes.interop._crosswalk import crosswalk, link_numbers

if TYPE_CHECKING:
    from personal_outcomes.frameworks._registry import Registry

#: What every listing of prompts says about them.
PROMPTS_NOTE: Final = (
    "The conversation prompts of each outcome follow up what the person raises; they are "
    "not a questionnaire or a checklist, and no conversation needs to go through every outcome."
)
#: Said of an outcome about the life of the person a carer looks after.
CARED_FOR_NOTE: Final = (
    "the life of the person cared for, as the carer sees it. It never replaces that person's "
    "own record: their own outcomes, in their own words, recorded with them."
)
#: The level ids of the project's own review scale, which the bundled frameworks use.
PROJECT_SCALE: Final = ("met", "partly-met", "not-met", "no-longer-relevant")


def national_note(version: str) -> str:
    """Say where the national outcomes shown for each outcome come from.

    >>> national_note("1.0.0")[:58]
    'National outcomes are the Scottish National Health and Wel'
    """
    return (
        "National outcomes are the Scottish National Health and Wellbeing Outcomes that each "
        f"outcome serves, by number, from this project's own crosswalk (version {version}). "
        "No official mapping exists; the documentation lists the nine outcomes and the "
        "reason for every link."
    )


def _national(framework: Framework, registry: Registry | None) -> dict[str, str]:
    """Return each linked outcome's national outcomes as shown: ``2 (Living...), 4 (...)``."""
    walk = crosswalk()
    titles = {national.number: national.title for national in walk.national_outcomes}
    return {
        outcome: ", ".join(f"{number} ({titles[number]})" for number in numbers)
        for outcome, numbers in link_numbers(walk, framework, registry=registry).items()
        if numbers
    }


def scale_provenance(scale: ReviewScale) -> str:
    """Say where a review scale comes from: the project's convention, or the file itself.

    >>> from personal_outcomes import bundled
    >>> scale_provenance(bundled().get("adults").review_scale)[:40]
    "This review scale is the project's own c"
    """
    if scale.ids == PROJECT_SCALE:
        return (
            "This review scale is the project's own convention. It is not taken from the "
            "published Talking Points material, whose exact review options are not confirmed."
        )
    return (
        "This review scale is defined by the framework file itself; it is not part of the "
        "published Talking Points frameworks."
    )


def _count(items: tuple[object, ...], noun: str) -> str:
    if len(items) == 1:
        return f"1 {noun}"
    plural = noun[:-1] + "ies" if noun.endswith("y") else noun + "s"
    return f"{len(items)} {plural}"


def _also(outcome: Outcome) -> str:
    return "; ".join(f"{alias.label} ({alias.source})" for alias in outcome.aliases)


def framework_text(
    framework: Framework, width: int = 88, *, registry: Registry | None = None
) -> str:
    """Describe a framework in plain text, for a terminal.

    ``registry`` is where a local framework's bases are found, for its national outcomes.
    """

    def wrap(text: str, indent: str) -> list[str]:
        return textwrap.wrap(text, width, initial_indent=indent, subsequent_indent=indent)

    lines = [framework.title, "=" * len(framework.title)]
    lines.append(
        f"id: {framework.id}   version: {framework.version}   "
        f"outcomes: {len(framework.outcomes)} in {_count(framework.categories, 'category')}"
    )
    lines.extend([f"Based on: {framework.based_on}"] if framework.based_on else [])
    lines.extend(wrap(f"For: {framework.population}", ""))
    canonical = framework.source(framework.canonical_source)
    lines.extend(wrap(f"Canonical source: {canonical.citation}", ""))
    lines.extend(["", "The conversation"])
    if framework.opening_questions:
        lines.extend(wrap("Open it with what matters to the person, for example:", "  "))
        for question in framework.opening_questions:
            lines.extend(
                textwrap.wrap(question, width, initial_indent="  - ", subsequent_indent="    ")
            )
    lines.extend(
        wrap(
            f"{PROMPTS_NOTE} The prompts are in the documentation, and in the output of "
            "show --format markdown.",
            "  ",
        )
    )
    national = _national(framework, registry)
    for category in framework.categories:
        lines.extend(["", f"{category.label} [{category.id}, type {category.type}]"])
        lines.extend(wrap(category.description, "  "))
        for outcome in category:
            retired = ""
            if outcome.retired:
                instead = f", replaced by {outcome.replaced_by}" if outcome.replaced_by else ""
                retired = f"  (retired{instead})"
            lines.append(f"  - {outcome.id}: {outcome.label}{retired}")
            if outcome.aliases:
                lines.extend(wrap(f"also published as: {_also(outcome)}", "      "))
            if outcome.statement:
                lines.append(f'      "{outcome.statement.text}" ({outcome.statement.source})')
            if outcome.about == "cared-for-person":
                lines.extend(wrap(f"about: cared-for-person, {CARED_FOR_NOTE}", "      "))
            lines.extend(wrap(outcome.description, "      "))
            if outcome.id in national:
                lines.extend(wrap(f"national outcomes: {national[outcome.id]}", "      "))
    if national:
        lines.extend(["", "National Health and Wellbeing Outcomes"])
        lines.extend(wrap(national_note(crosswalk().version), "  "))
    lines.extend(["", "Review scale"])
    lines.extend(wrap(scale_provenance(framework.review_scale), "  "))
    for level in framework.review_scale:
        lines.extend(wrap(f"{level.id}: {level.label}. {level.description}", "  "))
    lines.extend(["", "Sources"])
    for source in framework.sources:
        note = f" {source.note}" if source.note else ""
        lines.extend(wrap(f"{source.key}: {source.citation}{note}", "  "))
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def framework_markdown(framework: Framework, *, registry: Registry | None = None) -> str:
    """Describe a framework as a Markdown (MyST) page, for the documentation.

    ``registry`` is where a local framework's bases are found, for its national outcomes.
    """
    canonical = framework.source(framework.canonical_source)
    lines = [
        f"# {framework.title}",
        "",
        (
            f"Framework id `{framework.id}`, data version {framework.version}: "
            f"{_count(framework.outcomes, 'outcome')} in "
            f"{_count(framework.categories, 'category')}."
        ),
        "",
        *([f"**Based on.** `{framework.based_on}`", ""] if framework.based_on else []),
        f"**Who it is for.** {framework.population}",
        "",
        f"**Canonical source.** {canonical.citation}",
        "",
        (
            "This page is generated from the framework file, so it cannot drift from the data. "
            "Labels are as published; descriptions, opening questions and conversation prompts "
            "are the project's own."
        ),
        "",
        "## The conversation",
        "",
    ]
    if framework.opening_questions:
        lines.extend(["Open the conversation with what matters to the person, for example:", ""])
        lines.extend(f"- {question}" for question in framework.opening_questions)
        lines.append("")
    lines.append(PROMPTS_NOTE)
    national = _national(framework, registry)
    for category in framework.categories:
        aliases = "".join(
            f" Also published as *{alias.label}* ({alias.source})." for alias in category.aliases
        )
        lines.extend(
            [
                "",
                f"## {category.label}",
                "",
                (
                    f"Category id `{category.id}`, outcome type `{category.type}`. "
                    f"{category.description}{aliases}"
                ),
            ]
        )
        for outcome in category:
            retired = " (retired)" if outcome.retired else ""
            lines.extend(["", f"### {outcome.label}{retired}", "", f"Id `{outcome.id}`.", ""])
            if outcome.aliases:
                lines.extend([f"Other published labels: {_also(outcome)}.", ""])
            if outcome.statement:
                lines.extend(
                    [
                        (
                            f"First-person statement: *{outcome.statement.text}* "
                            f"({outcome.statement.source})."
                        ),
                        "",
                    ]
                )
            if outcome.replaced_by:
                lines.extend([f"Replaced by `{outcome.replaced_by}`.", ""])
            if outcome.about == "cared-for-person":
                lines.extend([f"About `cared-for-person`: {CARED_FOR_NOTE}", ""])
            lines.extend(
                [
                    outcome.description,
                    "",
                    "Conversation prompts, to follow up what the person raises:",
                    "",
                ]
            )
            lines.extend(f"- {prompt}" for prompt in outcome.prompts)
            if outcome.id in national:
                lines.extend(["", f"National outcomes: {national[outcome.id]}."])
    if national:
        lines.extend(
            [
                "",
                "## National Health and Wellbeing Outcomes",
                "",
                national_note(crosswalk().version),
            ]
        )
    lines.extend(["", "## Review scale", "", scale_provenance(framework.review_scale)])
    lines.extend(["", "| id | label | meaning |", "|---|---|---|"])
    lines.extend(
        f"| `{level.id}` | {_cell(level.label)} | {_cell(level.description)} |"
        for level in framework.review_scale
    )
    lines.extend(["", "## Sources", "", "| key | citation |", "|---|---|"])
    for source in framework.sources:
        note = f" {source.note}" if source.note else ""
        lines.append(f"| `{source.key}` | {_cell(source.citation)}{_cell(note)} |")
    return "\n".join(lines) + "\n"
