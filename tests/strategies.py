"""Hypothesis strategies shared by the property tests."""

from __future__ import annotations

from hypothesis import strategies as st

IDS = st.from_regex(r"[a-z][a-z0-9-]{0,20}", fullmatch=True)
KEYS = st.from_regex(r"[A-Z][A-Z0-9-]{0,10}", fullmatch=True)
TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=40
).filter(lambda s: s.strip() != "")


@st.composite
def framework_data(draw: st.DrawFn) -> dict[str, object]:
    """Valid framework file data: unique ids, defined sources, optional fields at random."""
    source_keys = draw(st.lists(KEYS, min_size=1, max_size=3, unique=True))
    outcome_ids = draw(st.lists(IDS, min_size=1, max_size=6, unique=True))
    category_ids = draw(st.lists(IDS, min_size=1, max_size=len(outcome_ids), unique=True))
    used = st.sampled_from(source_keys)

    def optional(key: str, strategy: st.SearchStrategy[object]) -> dict[str, object]:
        return {key: draw(strategy)} if draw(st.booleans()) else {}

    aliases = st.lists(
        st.fixed_dictionaries({"label": TEXT, "source": used}), min_size=1, max_size=2
    )
    outcomes = []
    for outcome_id in outcome_ids:
        outcome: dict[str, object] = {"id": outcome_id, "label": draw(TEXT)}
        outcome |= optional("aliases", aliases)
        outcome |= optional("statement", st.fixed_dictionaries({"text": TEXT, "source": used}))
        outcome["description"] = draw(TEXT)
        outcome["prompts"] = draw(st.lists(TEXT, min_size=2, max_size=3))
        if draw(st.booleans()):
            outcome["retired"] = True
            others = [o for o in outcome_ids if o != outcome_id]
            replaced = draw(st.booleans())
            if others and replaced:
                outcome["replaced_by"] = draw(st.sampled_from(others))
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
    version = ".".join(str(draw(st.integers(0, 20))) for _ in range(3))
    return {
        "id": draw(IDS),
        "version": version,
        "title": draw(TEXT),
        "population": draw(TEXT),
        "canonical_source": draw(used),
        "sources": sources,
        "review_scale": {"levels": levels},
        "categories": categories,
    }
