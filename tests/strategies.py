"""Hypothesis strategies shared by the property tests."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from hypothesis import assume
from hypothesis import strategies as st

from personal_outcomes import bundled
from personal_outcomes._record_format import is_blank

IDS = st.from_regex(r"[a-z][a-z0-9-]{0,20}", fullmatch=True)
KEYS = st.from_regex(r"[A-Z][A-Z0-9-]{0,10}", fullmatch=True)
TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=40
).filter(lambda s: not is_blank(s))


@st.composite
def framework_data(draw: st.DrawFn) -> dict[str, object]:
    """Valid framework file data: unique ids, defined sources, optional fields at random."""
    source_keys = draw(st.lists(KEYS, min_size=1, max_size=3, unique=True))
    outcome_ids = draw(st.lists(IDS, min_size=1, max_size=6, unique=True))
    category_ids = draw(st.lists(IDS, min_size=1, max_size=len(outcome_ids), unique=True))
    used = st.sampled_from(source_keys)

    def optional(key: str, strategy: st.SearchStrategy[object]) -> dict[str, object]:
        return {key: draw(strategy)} if draw(st.booleans()) else {}

    retired = set(draw(st.lists(st.sampled_from(outcome_ids), max_size=2)))
    aliases = st.lists(
        st.fixed_dictionaries({"label": TEXT, "source": used}), min_size=1, max_size=2
    )
    outcomes = []
    for outcome_id in outcome_ids:
        outcome: dict[str, object] = {"id": outcome_id, "label": draw(TEXT)}
        # Only a value other than the default: to_data leaves out "person".
        outcome |= optional("about", st.just("cared-for-person"))
        outcome |= optional("aliases", aliases)
        outcome |= optional("statement", st.fixed_dictionaries({"text": TEXT, "source": used}))
        outcome["description"] = draw(TEXT)
        outcome["prompts"] = draw(st.lists(TEXT, min_size=2, max_size=3))
        if outcome_id in retired:
            outcome["retired"] = True
            in_use = [o for o in outcome_ids if o not in retired]
            replaced = draw(st.booleans())
            if in_use and replaced:
                outcome["replaced_by"] = draw(st.sampled_from(in_use))
        outcomes.append(outcome)
    # Share the outcomes out over the categories in order, at least one each.
    cuts = (
        sorted(
            draw(
                st.lists(
                    st.integers(1, len(outcomes) - 1),
                    unique=True,
                    min_size=len(category_ids) - 1,
                    max_size=len(category_ids) - 1,
                )
            )
        )
        if len(category_ids) > 1
        else []
    )
    bounds = [0, *cuts, len(outcomes)]
    categories = []
    for index, category_id in enumerate(category_ids):
        category: dict[str, object] = {
            "id": category_id,
            "label": draw(TEXT),
            "type": draw(
                st.sampled_from(
                    ["quality-of-life", "process", "change", "managing-the-caring-role"]
                )
            ),
        }
        category |= optional("aliases", aliases)
        category["description"] = draw(TEXT)
        category["outcomes"] = outcomes[bounds[index] : bounds[index + 1]]
        categories.append(category)
    sources = []
    for key in source_keys:
        source: dict[str, object] = {"key": key, "citation": draw(TEXT)}
        source |= optional("note", TEXT)
        sources.append(source)
    levels = [
        {"id": level_id, "label": draw(TEXT), "description": draw(TEXT)}
        for level_id in draw(st.lists(IDS, min_size=1, max_size=4, unique=True))
    ]
    # Labels that match once case and punctuation are ignored must name one outcome.
    owners: dict[str, object] = {}
    for outcome in outcomes:
        texts = [outcome["label"]]
        texts += [a["label"] for a in outcome.get("aliases", [])]  # type: ignore[attr-defined]
        if "statement" in outcome:
            texts.append(outcome["statement"]["text"])  # type: ignore[index]
        for text in texts:
            key = re.sub(r"[\W_]+", "", str(text).casefold())
            assume(not key or owners.setdefault(key, outcome["id"]) == outcome["id"])
    version = ".".join(str(draw(st.integers(0, 20))) for _ in range(3))
    return {
        "id": draw(IDS),
        "version": version,
        "title": draw(TEXT),
        "population": draw(TEXT),
        **optional("opening_questions", st.lists(TEXT, min_size=1, max_size=10)),
        "canonical_source": draw(used),
        "sources": sources,
        "review_scale": {"levels": levels},
        "categories": categories,
    }


# ---- records --------------------------------------------------------------------


FRAMEWORKS = bundled().latest()
WORDS = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")),
    min_size=1,
    max_size=30,
).filter(lambda s: not is_blank(s) and s.strip() == s)
IDENTIFIERS = st.from_regex(r"[A-Za-z0-9._:-]{1,20}", fullmatch=True)
DATES = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2026, 11, 1)).map(
    dt.date.isoformat
)
CONTRIBUTORS = st.sampled_from(["person", "family-and-friends", "community", "services"])
PERSPECTIVES = st.sampled_from(["person", "family", "representative", "practitioner", "agreed"])


@st.composite
def records(draw: st.DrawFn, words: st.SearchStrategy[str] = WORDS) -> dict[str, object]:
    """A valid record of a bundled framework, optional fields at random."""
    framework = draw(st.sampled_from(FRAMEWORKS))
    stage = draw(st.sampled_from(["assessment", "support-planning", "review"]))
    ids = draw(st.lists(st.sampled_from(framework.outcome_ids), min_size=1, max_size=4))
    outcomes: list[dict[str, object]] = []
    for number, outcome_id in enumerate(ids):
        outcome: dict[str, object] = {
            "outcome": outcome_id,
            "what_matters": f"{draw(words)} {number}",
        }
        if draw(st.booleans()):
            outcome["why_it_matters"] = draw(words)
        if draw(st.booleans()):
            outcome["contributions"] = draw(
                st.lists(
                    st.fixed_dictionaries({"by": CONTRIBUTORS, "what": words}),
                    min_size=1,
                    max_size=3,
                )
            )
        if stage == "review":
            outcome["status"] = draw(st.sampled_from(framework.review_scale.ids))
            if draw(st.booleans()):
                outcome["status_note"] = draw(words)
        if draw(st.booleans()):
            outcome["perspective"] = draw(PERSPECTIVES)
        outcomes.append(outcome)
    record: dict[str, object] = {
        "record_id": draw(IDENTIFIERS),
        "framework": framework.id,
    }
    if draw(st.booleans()):
        record["framework_version"] = framework.version
    record |= {"person_id": draw(IDENTIFIERS), "recorded_on": draw(DATES), "stage": stage}
    if draw(st.booleans()):
        record["context"] = draw(
            st.dictionaries(
                st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True),
                words,
                min_size=1,
                max_size=3,
            )
        )
    if draw(st.booleans()):
        record["notes"] = draw(words)
    record["outcomes"] = outcomes
    return record


JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(["", " ", "\t", "x" * 2001, "2026-02-30", "2026-1-1", "review", "met", "a b"]),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.sampled_from(["by", "what", "x"]), st.text(max_size=3), max_size=2),
    WORDS,
)


def _paths(data: object, prefix: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    found = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            found.extend(_paths(value, (*prefix, key)))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found.extend(_paths(value, (*prefix, index)))
    return found


@st.composite
def mutated_records(draw: st.DrawFn) -> object:
    """A record with one to three random faults: dropped, added or replaced parts."""
    record: object = draw(records())
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(record)
        path = draw(st.sampled_from(paths))
        action = draw(st.sampled_from(["replace", "drop", "add", "duplicate"]))
        if not path:
            if action == "replace":
                record = draw(JUNK)
            continue
        parent: Any = record
        for part in path[:-1]:
            parent = parent[part]
        last = path[-1]
        if action == "replace":
            parent[last] = draw(JUNK)
        elif action == "drop":
            del parent[last]
        elif action == "add" and isinstance(parent, dict):
            parent[draw(st.sampled_from(["colour", "what", "status", "by", "Ünusual key!"]))] = (
                draw(JUNK)
            )
        elif action == "duplicate" and isinstance(parent, list) and isinstance(last, int):
            parent.append(parent[last])
    return record
