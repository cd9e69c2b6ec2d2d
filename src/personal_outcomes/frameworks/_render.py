"""Frameworks written out for people: plain text for the terminal, Markdown for the docs."""

from __future__ import annotations

import textwrap

from personal_outcomes.frameworks._model import Framework, Outcome


def _count(items: tuple[object, ...], noun: str) -> str:
    if len(items) == 1:
        return f"1 {noun}"
    plural = noun[:-1] + "ies" if noun.endswith("y") else noun + "s"
    return f"{len(items)} {plural}"


def _also(outcome: Outcome) -> str:
    return "; ".join(f"{alias.label} ({alias.source})" for alias in outcome.aliases)


def framework_text(framework: Framework, width: int = 88) -> str:
    """Describe a framework in plain text, for a terminal."""

    def wrap(text: str, indent: str) -> list[str]:
        return textwrap.wrap(text, width, initial_indent=indent, subsequent_indent=indent)

    lines = [framework.title, "=" * len(framework.title)]
    lines.append(
        f"id: {framework.id}   version: {framework.version}   "
        f"outcomes: {len(framework.outcomes)} in {_count(framework.categories, 'category')}"
    )
    lines.extend(wrap(f"For: {framework.population}", ""))
    canonical = framework.source(framework.canonical_source)
    lines.extend(wrap(f"Canonical source: {canonical.citation}", ""))
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
            lines.extend(wrap(outcome.description, "      "))
    lines.extend(["", "Review scale"])
    for level in framework.review_scale:
        lines.extend(wrap(f"{level.id}: {level.label}. {level.description}", "  "))
    lines.extend(["", "Sources"])
    for source in framework.sources:
        note = f" {source.note}" if source.note else ""
        lines.extend(wrap(f"{source.key}: {source.citation}{note}", "  "))
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def framework_markdown(framework: Framework) -> str:
    """Describe a framework as a Markdown (MyST) page, for the documentation."""
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
        f"**Who it is for.** {framework.population}",
        "",
        f"**Canonical source.** {canonical.citation}",
        "",
        (
            "This page is generated from the framework file, so it cannot drift from the data. "
            "Labels are as published; descriptions and conversation prompts are the project's own."
        ),
    ]
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
            lines.extend([outcome.description, "", "Conversation prompts:", ""])
            lines.extend(f"- {prompt}" for prompt in outcome.prompts)
    lines.extend(["", "## Review scale", "", "| id | label | meaning |", "|---|---|---|"])
    lines.extend(
        f"| `{level.id}` | {_cell(level.label)} | {_cell(level.description)} |"
        for level in framework.review_scale
    )
    lines.extend(["", "## Sources", "", "| key | citation |", "|---|---|"])
    for source in framework.sources:
        note = f" {source.note}" if source.note else ""
        lines.append(f"| `{source.key}` | {_cell(source.citation)}{_cell(note)} |")
    return "\n".join(lines) + "\n"
