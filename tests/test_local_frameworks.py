"""Local frameworks: a small file derives an organisation's framework from another one."""

from __future__ import annotations

import io
import json
import string
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from fhir.resources.R4B.codesystem import CodeSystem
from hypothesis import given
from hypothesis import strategies as st

from factories import TODAY, TODAY_ARG, record
from personal_outcomes import (
    Framework,
    Registry,
    _releases,
    bundled,
    derive_framework,
    load_framework,
    validate_record,
)
from personal_outcomes._cli import run
from personal_outcomes._formats._yaml import load_one
from personal_outcomes.errors import (
    DuplicateFrameworkError,
    InvalidFrameworkError,
    Problem,
    UnreadableFileError,
)
from personal_outcomes.frameworks import Alias, manifest
from personal_outcomes.frameworks._derive import DEFAULT_PROMPTS, DERIVED_SCHEMA_FILE
from personal_outcomes.interop import codesystem, fhir_url, valueset
from personal_outcomes.schemas import DERIVED_FRAMEWORK_SCHEMA_NAME, derived_framework_schema
from test_framework_data import rule_breaches

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "frameworks"
EXAMPLE = EXAMPLES / "lanark-adults.yaml"
RECORDS = EXAMPLES / "lanark-records.jsonl"
ADULTS = bundled().get("adults")

HEADER = """\
id: lanark-adults
version: 1.0.0
title: Outcomes important to adults in Lanark
extends: adults@1.0.0
"""


def cli(*arguments: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(arguments), out, err)
    return code, out.getvalue(), err.getvalue()


def _write(folder: Path, text: str, name: str = "local.yaml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _problems(path: Path, registry: Registry | None = None) -> list[tuple[int, int, str, str]]:
    with pytest.raises(InvalidFrameworkError) as info:
        load_framework(path, registry=registry)
    assert str(info.value).startswith(f"{path}: not a valid framework file (")
    return [(p.line or 0, p.column or 0, p.pointer, p.message) for p in info.value.problems]


# ---- the shipped example --------------------------------------------------------------


def test_the_example_is_a_framework_of_its_own_based_on_adults_1_0_0() -> None:
    """The example keeps every outcome of its base, adds one, relabels one, retires one."""
    local = load_framework(EXAMPLE)
    assert (local.id, local.version, local.based_on) == ("lanark-adults", "1.0.0", "adults@1.0.0")
    assert local.title == "Outcomes important to adults in Lanark"
    ids = list(ADULTS.outcome_ids)
    assert local.outcome_ids == (*ids[:6], "getting-online", *ids[6:])
    assert ids[5] == "dealing-with-stigma-and-discrimination"  # the last quality of life
    added = local.outcome("getting-online")
    assert (added.label, added.category, added.about, added.aliases) == (
        "Getting online",
        "quality-of-life",
        "person",
        (),
    )
    assert added.description == (
        "Getting online: an outcome added by a local framework, which gives no description."
    )
    assert added.prompts == DEFAULT_PROMPTS
    seeing = local.outcome("seeing-people")
    assert seeing.label == "Seeing friends and family"
    assert seeing.aliases == (Alias(label="Seeing people", source="IRISS2012"),)
    retired = local.outcome("reduced-symptoms")
    assert (retired.retired, retired.replaced_by) == (True, "improved-mobility")
    # Everything else is the base's, as it is.
    assert local.outcome("feeling-safe") == ADULTS.outcome("feeling-safe")
    assert (local.population, local.sources, local.review_scale, local.canonical_source) == (
        ADULTS.population,
        ADULTS.sources,
        ADULTS.review_scale,
        ADULTS.canonical_source,
    )
    assert local.opening_questions == ADULTS.opening_questions


def test_the_old_label_of_a_relabelled_outcome_is_still_found() -> None:
    """A relabelled outcome's old label becomes an alias, so lookups by it still work."""
    local = load_framework(EXAMPLE)
    assert local.find_outcome("Seeing people").id == "seeing-people"
    assert local.find_outcome("seeing friends and FAMILY!").id == "seeing-people"
    assert local.find_outcome("Getting online").id == "getting-online"


def test_a_derived_framework_written_out_is_an_ordinary_framework_file() -> None:
    """to_data() gives a valid framework file, with based_on, that reads back the same."""
    local = load_framework(EXAMPLE)
    data = local.to_data()
    assert list(data)[:4] == ["id", "version", "based_on", "title"]
    assert data["based_on"] == "adults@1.0.0"
    assert Framework.from_data(data) == local
    assert Framework.from_data(data).digest == local.digest


def test_based_on_is_left_out_of_other_frameworks_data() -> None:
    """Frameworks of their own have no based_on, so their data and digests are unchanged."""
    for framework in bundled():
        assert framework.based_on is None
        assert "based_on" not in framework.to_data()
        assert manifest()[framework.id][framework.version]["sha256"] == framework.digest


def test_the_default_prompts_follow_the_rule_for_prompts() -> None:
    """The prompts an added outcome gets by default are open, strengths-first questions."""
    assert [rule_breaches(prompt) for prompt in DEFAULT_PROMPTS] == [[], []]


def test_an_added_outcome_keeps_what_it_gives() -> None:
    """Description, prompts, about, aliases and statement of an added outcome are kept."""
    local = derive_framework(
        {
            "id": "local-carers",
            "version": "2.0.0",
            "title": "Local carers",
            "extends": "carers@1.1.0",
            "population": "Carers in one town.",
            "opening_questions": ["What matters to you?"],
            "canonical_source": "TOWN2026",
            "sources": [{"key": "TOWN2026", "citation": "The town's list, 2026."}],
            "add": [
                {
                    "id": "time-for-hobbies",
                    "label": "Time for hobbies",
                    "category": "quality-of-life-carer",
                    "about": "person",
                    "description": "Having time for the things the carer enjoys.",
                    "prompts": ["What do you enjoy?", "When do you get time for it?"],
                    "aliases": [{"label": "Hobbies", "source": "TOWN2026"}],
                    "statement": {"text": "I have time for my hobbies", "source": "TOWN2026"},
                }
            ],
        }
    )
    added = local.outcome("time-for-hobbies")
    assert (added.description, added.prompts, added.statement) == (
        "Having time for the things the carer enjoys.",
        ("What do you enjoy?", "When do you get time for it?"),
        local.find_outcome("I have time for my hobbies").statement,
    )
    assert added.aliases == (Alias(label="Hobbies", source="TOWN2026"),)
    assert local.category_of(added).outcomes[-1] == added
    assert (local.population, local.opening_questions, local.canonical_source) == (
        "Carers in one town.",
        ("What matters to you?",),
        "TOWN2026",
    )
    assert [s.key for s in local.sources] == [
        *(s.key for s in bundled().get("carers").sources),
        "TOWN2026",
    ]


# ---- property: any valid derivation ------------------------------------------------------

_WORDS = st.text(alphabet=string.ascii_lowercase, min_size=3, max_size=10)


LOCAL = bundled().with_directory(EXAMPLES)


def _base(extends: str) -> Framework:
    """The base's data: adults 1.0.0 had the ids of the newest data, which it is read as."""
    framework_id, version = extends.split("@")
    return LOCAL.get(framework_id, version if version in LOCAL.versions(framework_id) else None)


@st.composite
def derivations(draw: st.DrawFn) -> dict[str, Any]:
    """Draw valid derived-file data over adults, or over the example (which retired one)."""
    extends = draw(st.sampled_from(["adults@1.0.0", "adults@1.1.0", "lanark-adults@1.0.0"]))
    base = _base(extends)
    ids = list(base.outcome_ids)
    relabel = draw(st.lists(st.sampled_from(ids), unique=True, max_size=4))
    retire = draw(
        st.lists(st.sampled_from([o.id for o in base if not o.retired]), unique=True, max_size=4)
    )
    added = draw(st.integers(min_value=0, max_value=3))
    words = draw(st.lists(_WORDS, min_size=len(relabel) + added, max_size=7, unique=True))
    categories = [category.id for category in base.categories]
    data: dict[str, Any] = {
        "id": "local-adults",
        "version": draw(st.sampled_from(["0.1.0", "1.0.0", "12.3.45"])),
        "title": "Local adults",
        "extends": extends,
    }
    if relabel:
        data["relabel"] = {i: f"Local {w}" for i, w in zip(relabel, words, strict=False)}
    add = [
        {"id": f"new-{w}", "label": f"New {w}", "category": draw(st.sampled_from(categories))}
        for w in words[len(relabel) : len(relabel) + added]
    ]
    if add:
        data["add"] = add
    in_use = [o.id for o in base if not o.retired and o.id not in retire]
    in_use += [item["id"] for item in add]
    items: list[dict[str, str]] = []
    for outcome_id in retire:
        item = {"id": outcome_id}
        replacement = draw(st.none() | st.sampled_from(in_use))
        if replacement is not None:
            item["replaced_by"] = replacement
        items.append(item)
    if items:
        data["retire"] = items
    return data


@given(derivations())
def test_any_derived_framework_round_trips_and_keeps_every_id(data: dict[str, Any]) -> None:
    """Framework.from_data(derived.to_data()) == derived; no id of the base is lost."""
    base = _base(data["extends"])
    derived = derive_framework(data, registry=LOCAL)
    assert Framework.from_data(derived.to_data()) == derived
    assert derived.based_on == data["extends"]
    added = [item["id"] for item in data.get("add", [])]
    assert sorted(derived.outcome_ids) == sorted([*base.outcome_ids, *added])
    for outcome_id, label in data.get("relabel", {}).items():
        outcome = derived.outcome(outcome_id)
        assert outcome.label == label
        assert derived.find_outcome(base.outcome(outcome_id).label) == outcome
    retired_now = {item["id"]: item.get("replaced_by") for item in data.get("retire", [])}
    retired_before = {
        o.id: retired_now.get(o.replaced_by, o.replaced_by) for o in base if o.retired
    }
    assert {o.id: o.replaced_by for o in derived if o.retired} == {
        **retired_before,
        **retired_now,
    }


def test_a_replacement_retired_without_one_leaves_none(tmp_path: Path) -> None:
    """Retiring the replacement of a retired outcome, with no replacement, leaves it none."""
    _write(tmp_path, EXAMPLE.read_text(encoding="utf-8"), "lanark.yaml")
    _write(
        tmp_path,
        "id: lanark-north\nversion: 1.0.0\ntitle: North\nextends: lanark-adults@1.0.0\n"
        "retire:\n  - {id: improved-mobility}\n",
        "north.yaml",
    )
    north = bundled().with_directory(tmp_path).get("lanark-north")
    assert {o.id: o.replaced_by for o in north if o.retired} == {
        "improved-mobility": None,
        "reduced-symptoms": None,
    }


# ---- bases: bundled releases, registries, folders -------------------------------------


def test_every_bundled_release_can_be_extended() -> None:
    """adults@1.0.0 (an earlier release, from the manifest) and adults@1.1.0 both work."""
    for version in manifest()["adults"]:
        local = derive_framework(
            {"id": "l", "version": "1.0.0", "title": "L", "extends": f"adults@{version}"}
        )
        assert local.based_on == f"adults@{version}"
        assert local.outcome_ids == ADULTS.outcome_ids


def test_an_earlier_release_is_the_newest_data_with_that_release_s_ids(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A release without an outcome gives a base without it; its retirements hold."""
    recorded = manifest()
    entry = dict(recorded["adults"]["1.0.0"])
    ids: list[str] = entry["outcomes"]  # type: ignore[assignment]
    entry["outcomes"] = [i for i in ids if i not in {"seeing-people", "reduced-symptoms"}]
    assert ids == list(ADULTS.outcome_ids)
    entry["retired"] = ["feeling-safe"]
    recorded["adults"] = {"0.5.0": entry, **recorded["adults"]}
    monkeypatch.setattr(_releases, "_manifest", lambda: recorded)
    local = derive_framework(
        {"id": "l", "version": "1.0.0", "title": "L", "extends": "adults@0.5.0"}
    )
    assert "seeing-people" not in local
    kept = [i for i in ids if i not in {"seeing-people", "reduced-symptoms"}]
    assert local.outcome_ids == tuple(kept)
    assert [o.id for o in local if o.retired] == ["feeling-safe"]
    with pytest.raises(InvalidFrameworkError) as info:
        derive_framework(
            {
                "id": "l",
                "version": "1.0.0",
                "title": "L",
                "extends": "adults@0.5.0",
                "retire": [{"id": "feeling-safe"}],
            }
        )
    assert info.value.problems == (
        Problem(pointer="/retire/0/id", message="this outcome is already retired in adults 0.5.0"),
    )


def test_a_release_whose_last_outcome_of_a_category_is_new_has_no_such_category(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A category with none of a release's outcomes is not in that release's base."""
    recorded = manifest()
    entry = dict(recorded["adults"]["1.0.0"])
    change = [o.id for o in ADULTS.category("change")]
    entry["outcomes"] = [i for i in ADULTS.outcome_ids if i not in change]
    recorded["adults"] = {"0.5.0": entry, **recorded["adults"]}
    monkeypatch.setattr(_releases, "_manifest", lambda: recorded)
    local = derive_framework(
        {"id": "l", "version": "1.0.0", "title": "L", "extends": "adults@0.5.0"}
    )
    assert [c.id for c in local.categories] == ["quality-of-life", "process"]


def test_a_derived_file_without_a_registry_extends_the_bundled_frameworks(tmp_path: Path) -> None:
    """load_framework on its own resolves the base against the bundled frameworks."""
    path = _write(tmp_path, HEADER.replace("adults@1.0.0", "carers@1.1.0"))
    assert load_framework(path).based_on == "carers@1.1.0"
    assert load_framework(path, registry=bundled()).based_on == "carers@1.1.0"
    with pytest.raises(InvalidFrameworkError) as info:
        load_framework(path, registry=Registry())
    assert info.value.problems == (
        Problem(
            pointer="/extends",
            message=(
                "names a framework that is not known (known: none): correct the id, or "
                "load the framework's file first"
            ),
            line=4,
            column=10,
        ),
    )


def test_a_folder_loads_bases_first_whatever_the_names(tmp_path: Path) -> None:
    """Plain files first, then each derived file once its base is known: chains work too."""
    day = (ROOT / "docs" / "examples" / "day-opportunities.yaml").read_text(encoding="utf-8")
    _write(tmp_path, day, "zz-day.yaml")
    _write(
        tmp_path,
        "id: day-north\nversion: 1.0.0\ntitle: North\nextends: day-south@2.0.0\n"
        "retire:\n  - {id: getting-out, replaced_by: seeing-people}\n",
        "aa-north.yaml",
    )
    _write(
        tmp_path,
        "id: day-south\nversion: 2.0.0\ntitle: South\n"
        "extends: example-day-opportunities@2.0.0\n"
        "relabel:\n  seeing-people: Seeing old friends\n",
        "bb-south.yml",
    )
    registry = bundled().with_directory(tmp_path)
    assert registry.ids == (
        "adults",
        "care-homes",
        "carers",
        "day-north",
        "day-south",
        "example-day-opportunities",
    )
    assert registry.origins[3:] == (
        str(tmp_path / "zz-day.yaml"),
        str(tmp_path / "bb-south.yml"),
        str(tmp_path / "aa-north.yaml"),
    )
    north = registry.get("day-north")
    assert north.based_on == "day-south@2.0.0"
    assert north.outcome("seeing-people").label == "Seeing old friends"
    assert north.find_outcome("Seeing people").id == "seeing-people"
    # trips-out was retired in favour of getting-out, which north retires: it follows on.
    retired = {o.id: o.replaced_by for o in north if o.retired}
    assert retired == {"trips-out": "seeing-people", "getting-out": "seeing-people"}


def _derived(framework_id: str, extends: str) -> str:
    return f"id: {framework_id}\nversion: 1.0.0\ntitle: T\nextends: {extends}\n"


def _folder_error(folder: Path) -> tuple[str, tuple[Problem, ...]]:
    with pytest.raises(InvalidFrameworkError) as info:
        bundled().with_directory(folder)
    return Path(info.value.source).name, info.value.problems


def test_two_derived_files_that_extend_each_other_are_a_cycle(tmp_path: Path) -> None:
    """A cycle is refused at its first file by name, naming the other file and both ids."""
    _write(tmp_path, _derived("one", "two@1.0.0"), "a.yaml")
    _write(tmp_path, _derived("two", "one@1.0.0"), "b.yaml")
    message = (
        "this file and b.yaml extend each other in a cycle: it extends two@1.0.0 (b.yaml), "
        "which extends one@1.0.0 (this file), so none of them has a base to start from; make "
        "one of them extend a framework that is known"
    )
    assert _folder_error(tmp_path) == (
        "a.yaml",
        (Problem(pointer="/extends", message=message, line=4, column=10),),
    )
    code, out, err = cli("--framework-dir", str(tmp_path), "list")
    assert (code, out) == (2, "")
    assert err == (
        f"personal-outcomes: {tmp_path / 'a.yaml'}: not a valid framework file (1 problem):\n"
        f"  {tmp_path / 'a.yaml'}:4:10: /extends: {message}\n"
        "  See the framework file format in the documentation.\n"
    )


def test_a_cycle_of_three_is_named_in_order_from_its_first_file(tmp_path: Path) -> None:
    """A file that only leads into a cycle is not blamed: the cycle's first file is."""
    _write(tmp_path, _derived("lead", "three@1.0.0"), "a.yaml")
    _write(tmp_path, _derived("three", "four@1.0.0"), "c.yaml")
    _write(tmp_path, _derived("four", "five@1.0.0"), "d.yaml")
    _write(tmp_path, _derived("five", "three@1.0.0"), "e.yaml")
    assert _folder_error(tmp_path) == (
        "c.yaml",
        (
            Problem(
                pointer="/extends",
                message=(
                    "this file, d.yaml and e.yaml extend each other in a cycle: it extends "
                    "four@1.0.0 (d.yaml), which extends five@1.0.0 (e.yaml), which extends "
                    "three@1.0.0 (this file), so none of them has a base to start from; make "
                    "one of them extend a framework that is known"
                ),
                line=4,
                column=10,
            ),
        ),
    )


def test_a_derived_file_that_extends_itself_says_so(tmp_path: Path) -> None:
    """Its own id and version as its base is a cycle of one."""
    _write(tmp_path, _derived("one", "one@1.0.0"))
    message = (
        "names this file's own id and version: a framework cannot extend itself; name the "
        "framework it is derived from"
    )
    assert _folder_error(tmp_path) == (
        "local.yaml",
        (Problem(pointer="/extends", message=message, line=4, column=10),),
    )


def test_a_file_of_a_cycle_with_a_fault_of_its_own_reports_that(tmp_path: Path) -> None:
    """The first file of the cycle is checked against the schema before the cycle is named."""
    _write(tmp_path, _derived("one", "two@1.0.0") + "colour: red\n", "a.yaml")
    _write(tmp_path, _derived("two", "one@1.0.0"), "b.yaml")
    assert _folder_error(tmp_path) == (
        "a.yaml",
        (
            Problem(
                pointer="",
                message="Additional properties are not allowed ('colour' was unexpected)",
                line=1,
                column=1,
            ),
        ),
    )


def test_a_chain_whose_base_never_comes_is_refused_at_its_end(tmp_path: Path) -> None:
    """a extends b (in b.yaml), b extends an unknown framework: b's error, not a's."""
    _write(tmp_path, _derived("one", "two@1.0.0"), "a.yaml")
    _write(tmp_path, _derived("two", "adutls@1.0.0"), "b.yaml")
    message = (
        "names a framework that is not known (known: adults, care-homes, carers): correct "
        "the id, or load the framework's file first; did you mean 'adults'?"
    )
    assert _folder_error(tmp_path) == (
        "b.yaml",
        (Problem(pointer="/extends", message=message, line=4, column=10),),
    )


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (_derived("one", "nothing@1.0.0"), Problem(pointer="/extends", message=(
            "names a framework that is not known (known: adults, care-homes, carers): correct "
            "the id, or load the framework's file first"), line=4, column=10)),
        ("id: one\nversion: 1.0.0\nextends: two@1.0.0\n", Problem(
            pointer="", message="'title' is a required property", line=1, column=1)),
        ("id: [one]\nversion: 1.0.0\ntitle: T\nextends: nothing@1.0.0\n", Problem(
            pointer="/id", message="expected text, but this is a list", line=1, column=5)),
        ("id: one\nversion: 1.0.0\ntitle: T\nextends: 7\n", Problem(
            pointer="/extends", message=("expected text, but YAML reads this unquoted value "
                                         "as a number; put it in quotes"), line=4, column=10)),
    ],
)  # fmt: skip
def test_a_lone_file_whose_base_is_not_known_gives_its_own_error(
    tmp_path: Path, text: str, problem: Problem
) -> None:
    """With no file defining its base, a file's own fault (schema or base) is reported."""
    _write(tmp_path, text, "a.yaml")
    _write(tmp_path, _derived("two", "one@1.0.0"), "b.yaml")
    assert _folder_error(tmp_path) == ("a.yaml", (problem,))


def test_a_later_folder_may_extend_an_earlier_one(tmp_path: Path) -> None:
    """Each --framework-dir adds to the registry the next one is resolved against."""
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    _write(first, EXAMPLE.read_text(encoding="utf-8"))
    _write(second, "id: lanark-north\nversion: 1.0.0\ntitle: North\nextends: lanark-adults@1.0.0\n")
    registry = bundled().with_directory(first).with_directory(second)
    assert registry.get("lanark-north").outcome_ids == registry.get("lanark-adults").outcome_ids
    code, out, err = cli("--framework-dir", str(first), "--framework-dir", str(second), "list")
    assert (code, err) == (0, "")
    assert "lanark-north   1.0.0          16  North" in out


def test_the_same_derived_framework_twice_is_refused(tmp_path: Path) -> None:
    """A derived id and version already known is a DuplicateFrameworkError."""
    text = EXAMPLE.read_text(encoding="utf-8")
    _write(tmp_path, text, "a.yaml")
    _write(tmp_path, text, "b.yaml")
    with pytest.raises(DuplicateFrameworkError) as info:
        bundled().with_directory(tmp_path)
    assert info.value.sources == (str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml"))


def test_an_unreadable_derived_file(tmp_path: Path) -> None:
    """A file that cannot be read is an UnreadableFileError, as for any framework file."""
    with pytest.raises(UnreadableFileError):
        load_framework(tmp_path / "missing.yaml")
    (tmp_path / "folder.yaml").mkdir()
    with pytest.raises(UnreadableFileError) as info:
        bundled().with_directory(tmp_path)
    assert info.value.source == str(tmp_path / "folder.yaml")


# ---- conflicts: every problem, placed --------------------------------------------------

CONFLICTS = (
    HEADER
    + """\
sources:
  - {key: IRISS2012, citation: Again.}
  - {key: LANARK2026, citation: "Lanark's own list of outcomes, 2026."}
add:
  - {id: seeing-people, label: Seeing people twice, category: quality-of-life}
  - {id: getting-online, label: Getting online, category: quality-of-lfe}
  - {id: getting-online, label: Being online, category: change}
  - {id: change, label: Changing things, category: change}
  - id: going-out
    label: Having things to do!
    category: quality-of-life
    aliases:
      - {label: Going out, source: NOWHERE}
    statement: {text: I get out, source: NOWHERE}
relabel:
  seeing-peple: Seeing friends
  feeling-safe: Feeling safe
  reliability: LISTENED TO
  getting-online: Online
retire:
  - {id: reduced-symptom}
  - {id: improved-skills, replaced_by: improved-skills}
  - {id: improved-mobility, replaced_by: improved-skills}
  - {id: improved-mobility}
  - {id: listened-to, replaced_by: nowhere-else}
  - {id: getting-online}
"""
)


def test_every_conflict_is_reported_with_its_line_and_column(tmp_path: Path) -> None:
    """Each kind of conflict with the base is a located problem; all are collected."""
    assert _problems(_write(tmp_path, CONFLICTS)) == [
        (6, 11, "/sources/0/key", ("this source key is already defined, by adults 1.0.0 or "
         "above; cite it without defining it again")),
        (9, 10, "/add/0/id", ("adults 1.0.0 already has an outcome with this id, and ids are "
         "never reused: choose a new id, or relabel the outcome instead")),
        (10, 59, "/add/1/category", ("adults 1.0.0 has no category with this id (its "
         "categories: quality-of-life, process, change); did you mean 'quality-of-life'?")),
        (11, 10, "/add/2/id", "this outcome id is already added above"),
        (12, 10, "/add/3/id", ("this id is a category id of adults 1.0.0; an outcome needs an "
         "id of its own")),
        (14, 12, "/add/4/label", ("this label is also a label of outcome 'having-things-to-do' "
         "(ignoring case, spacing and punctuation), so a lookup by label would be ambiguous; "
         "reword one")),
        (17, 36, "/add/4/aliases/0/source", ("names a source key that neither adults 1.0.0 "
         "nor this file's sources define")),
        (18, 42, "/add/4/statement/source", ("names a source key that neither adults 1.0.0 "
         "nor this file's sources define")),
        (20, 3, "/relabel/seeing-peple", ("adults 1.0.0 has no outcome with this id; did you "
         "mean 'seeing-people'?")),
        (21, 17, "/relabel/feeling-safe", ("this is already the outcome's label in adults "
         "1.0.0; leave it out")),
        (22, 16, "/relabel/reliability", ("this label is also a label of outcome "
         "'listened-to' (ignoring case, spacing and punctuation), so a lookup by label would "
         "be ambiguous; reword one")),
        (23, 3, "/relabel/getting-online", ("this outcome is added by this file, not one of "
         "the base's; give its label under 'add'")),
        (25, 10, "/retire/0/id", ("adults 1.0.0 has no outcome with this id; did you mean "
         "'reduced-symptoms'?")),
        (26, 40, "/retire/1/replaced_by", "an outcome cannot replace itself"),
        (27, 42, "/retire/2/replaced_by", ("names an outcome that is itself retired; name the "
         "outcome to record instead")),
        (28, 10, "/retire/3/id", "this outcome is already retired above"),
        (29, 36, "/retire/4/replaced_by", ("names an outcome that is neither in adults 1.0.0 "
         "nor added by this file")),
        (30, 10, "/retire/5/id", ("this outcome is added by this file, not one of the base's; "
         "leave it out of 'add' instead of retiring it")),
    ]  # fmt: skip


def test_labels_clash_between_added_and_relabelled_outcomes(tmp_path: Path) -> None:
    """An added label may not be a relabelled outcome's old or new label, nor another's."""
    text = (
        HEADER
        + "add:\n"
        + "  - {id: a-new, label: Seeing people, category: quality-of-life}\n"
        + "  - {id: b-new, label: Seeing pals, category: change}\n"
        + "  - {id: c-new, label: Seeing Pals!, category: process,"
        + " statement: {text: I feel safe, source: IRISS2012}}\n"
        + "relabel:\n  seeing-people: Seeing pals\n"
    )
    clash = (
        "this label is also a label of outcome {!r} (ignoring case, spacing and punctuation), "
        "so a lookup by label would be ambiguous; reword one"
    )
    assert _problems(_write(tmp_path, text)) == [
        (6, 24, "/add/0/label", clash.format("seeing-people")),
        (7, 24, "/add/1/label", clash.format("seeing-people")),
        (8, 24, "/add/2/label", clash.format("seeing-people")),
    ]


def test_a_derived_framework_needs_its_own_id_and_a_defined_canonical_source(
    tmp_path: Path,
) -> None:
    """The id of the base, or an undefined canonical source, are refused."""
    text = HEADER.replace("id: lanark-adults", "id: adults") + "canonical_source: LANARK\n"
    assert _problems(_write(tmp_path, text)) == [
        (1, 5, "/id", ("a local framework needs an id of its own, not the id of the framework "
         "it extends; choose a new one, such as your organisation's name and the base's id "
         "(lanark-adults)")),
        (5, 19, "/canonical_source", ("names a source key that neither adults 1.0.0 nor this "
         "file's sources define")),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("framework_id", "extends"),
    [
        ("carers", "adults@1.1.0"),
        ("care-homes", "adults@1.0.0"),
        ("adults", "carers@1.1.0"),
        ("adults", "lanark-adults@1.0.0"),
    ],
)
def test_a_derived_framework_cannot_take_a_bundled_frameworks_id(
    tmp_path: Path, framework_id: str, extends: str
) -> None:
    """Any bundled id is refused, not only the base's: it would pass for that framework."""
    base = extends.partition("@")[0]
    text = f"id: {framework_id}\nversion: 2.0.0\ntitle: T\nextends: {extends}\n"
    registry = bundled().with_directory(EXAMPLES)
    assert _problems(_write(tmp_path, text), registry) == [
        (1, 5, "/id", (f"'{framework_id}' is the id of a bundled framework: a local framework "
         "with it would pass for a version of that framework; choose an id of your "
         f"organisation's own, such as your organisation's name and the base's id "
         f"(lanark-{base})")),
    ]  # fmt: skip


def test_a_local_id_that_only_begins_like_a_bundled_one_is_its_own(tmp_path: Path) -> None:
    """The refusal is of the bundled ids themselves, not of ids that contain them."""
    text = "id: carers-north\nversion: 2.0.0\ntitle: T\nextends: carers@1.1.0\n"
    assert load_framework(_write(tmp_path, text)).id == "carers-north"


def test_the_bundled_frameworks_stay_themselves_beside_a_refused_file(tmp_path: Path) -> None:
    """The defect this guards against: carers records failing after a file took 'carers'."""
    folder = tmp_path / "frameworks"
    folder.mkdir()
    _write(folder, "id: carers\nversion: 2.0.0\ntitle: T\nextends: adults@1.1.0\n")
    records = _write(tmp_path, json.dumps(record(
        framework="carers",
        outcomes=[{"outcome": "a-life-of-their-own", "what_matters": "x"}],
    )) + "\n", "carers-records.jsonl")  # fmt: skip
    code, out, err = cli("--framework-dir", str(folder), "validate", TODAY_ARG, str(records))
    assert (code, out) == (2, "")
    assert err.startswith(f"personal-outcomes: {folder / 'local.yaml'}: not a valid framework")
    assert "/id: 'carers' is the id of a bundled framework" in err


def test_retiring_what_the_base_retired_or_replacing_by_it_is_refused(tmp_path: Path) -> None:
    """A base's retired outcome cannot be retired again, nor name a replacement."""
    registry = bundled().with_directory(EXAMPLES)
    text = (
        "id: lanark-north\nversion: 1.0.0\ntitle: North\nextends: lanark-adults@1.0.0\n"
        "retire:\n  - {id: reduced-symptoms}\n"
        "  - {id: improved-skills, replaced_by: reduced-symptoms}\n"
    )
    assert _problems(_write(tmp_path, text), registry) == [
        (6, 10, "/retire/0/id", "this outcome is already retired in lanark-adults 1.0.0"),
        (7, 40, "/retire/1/replaced_by", ("names an outcome that is itself retired; name the "
         "outcome to record instead")),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("extends", "message"),
    [
        ("adutls@1.0.0", ("names a framework that is not known (known: adults, care-homes, "
         "carers): correct the id, or load the framework's file first; did you mean 'adults'?")),
        ("xyz@1.0.0", ("names a framework that is not known (known: adults, care-homes, "
         "carers): correct the id, or load the framework's file first")),
        ("adults@1.2.0", ("names a version of framework 'adults' that is not known (known: "
         "1.0.0, 1.1.0); did you mean '1.1.0'?")),
        ("adults@9.9.9", ("names a version of framework 'adults' that is not known (known: "
         "1.0.0, 1.1.0)")),
        ("adults@1.0", ("must be ID@VERSION: the id and version of the framework to extend, "
         "such as adults@1.0.0")),
        ("Adults@1.0.0", ("must be ID@VERSION: the id and version of the framework to extend, "
         "such as adults@1.0.0")),
        ("adults@1.0.0\\n", ("must be ID@VERSION: the id and version of the framework to "
         "extend, such as adults@1.0.0")),
    ],
)  # fmt: skip
def test_an_unknown_base_is_refused_with_the_closest_known(
    tmp_path: Path, extends: str, message: str
) -> None:
    """An unknown framework or version names what is known and suggests the closest."""
    text = HEADER.replace("extends: adults@1.0.0", f'extends: "{extends}"')
    assert _problems(_write(tmp_path, text)) == [(4, 10, "/extends", message)]


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ('version: "1.0"', (2, 10, "/version", ("must be a version MAJOR.MINOR.PATCH without "
                            "leading zeros, such as 1.0.0"))),
        ("version: 1.0", (2, 10, "/version", ("expected text, but YAML reads this unquoted "
                          "value as a number; put it in quotes"))),
        ("version: 01.0.0", (2, 10, "/version", ("must be a version MAJOR.MINOR.PATCH without "
                             "leading zeros, such as 1.0.0"))),
        ("remove: [reduced-symptoms]", (5, 9, "/remove", ("'remove' is not a key of derived "
         "framework files: an outcome is never removed (records name it); retire it instead, "
         "under 'retire'"))),
        ("add: []", (5, 6, "/add", "[] should be non-empty")),
        ("relabel: {}", (5, 10, "/relabel", "{} should be non-empty")),
        ("relabel: {Seeing: x}", (5, 11, "/relabel/Seeing", ("must be an id: lower-case "
         "letters, digits and hyphens, starting with a letter, such as seeing-people"))),
        (f"relabel: {{{'a' * 65}: x}}", (5, 11, f"/relabel/{'a' * 65}", ("is longer than the "
         "64 characters allowed; shorten it"))),
        (f"relabel: {{{'a' * 64}: x}}", (5, 11, f"/relabel/{'a' * 64}", ("adults 1.0.0 has no "
         "outcome with this id"))),
        ("retire: [{replaced_by: x}]", (5, 10, "/retire/0", "'id' is a required property")),
    ],
)  # fmt: skip
def test_the_derived_file_schema_comes_first(
    tmp_path: Path, line: str, problem: tuple[int, int, str, str]
) -> None:
    """Shape faults are reported from the derived file schema, placed, before any rule."""
    if line.startswith("version"):
        text = HEADER.replace("version: 1.0.0", line) + "relabel: {nothing: Nothing}\n"
    else:
        text = HEADER + f"{line}\n"
    assert _problems(_write(tmp_path, text)) == [problem]


def test_problems_of_data_have_pointers_and_no_places() -> None:
    """derive_framework on data (no file) reports pointers, with no line or column."""
    with pytest.raises(InvalidFrameworkError) as info:
        derive_framework(
            {
                "id": "l",
                "version": "1.0.0",
                "title": "L",
                "extends": "adults@1.1.0",
                "relabel": {"nothing": "Nothing"},
            },
            source="local",
        )
    assert info.value.problems == (
        Problem(pointer="/relabel/nothing", message="adults 1.1.0 has no outcome with this id"),
    )
    assert str(info.value).startswith("local: not a valid framework file (1 problem):\n")
    with pytest.raises(InvalidFrameworkError) as info:
        derive_framework({"id": "l", "extends": "adults@1.1.0"})
    assert sorted(p.message for p in info.value.problems) == [
        "'title' is a required property",
        "'version' is a required property",
    ]


# ---- records against a local framework -------------------------------------------------


def _local_record(outcome: str) -> dict[str, Any]:
    return record(
        framework="lanark-adults",
        framework_version="1.0.0",
        outcomes=[{"outcome": outcome, "what_matters": "My pals"}],
    )


def test_a_record_naming_a_retired_outcome_is_warned_of_its_replacement() -> None:
    """The retired-outcome warning names the replacement the derived file gives."""
    registry = bundled().with_directory(EXAMPLES)
    result = validate_record(_local_record("reduced-symptoms"), registry, today=TODAY)
    assert result.valid
    assert [(i.code, i.severity, i.pointer, i.message) for i in result.issues] == [
        (
            "retired-outcome",
            "warning",
            "/outcomes/0/outcome",
            (
                "this outcome is retired in framework 'lanark-adults' 1.0.0; record "
                "'improved-mobility' instead"
            ),
        )
    ]
    assert validate_record(_local_record("getting-online"), registry, today=TODAY).issues == ()
    plain = record(outcomes=[{"outcome": "getting-online", "what_matters": "x"}])
    unknown = validate_record(plain, registry, today=TODAY)
    assert [i.code for i in unknown.issues] == ["unknown-outcome"]


def test_the_example_records_validate_on_the_command_line() -> None:
    """`--framework-dir examples/frameworks validate` reads the example records."""
    code, out, err = cli(
        "--framework-dir", str(EXAMPLES), "validate", TODAY_ARG, "--format", "json", str(RECORDS)
    )
    assert (code, err) == (0, "")
    report = json.loads(out)
    assert (report["records"], report["valid"], report["invalid"]) == (3, 3, 0)
    assert [(i["line"], i["record_id"], i["code"], i["message"]) for i in report["issues"]] == [
        (
            3,
            "lk-2026-0003",
            "retired-outcome",
            (
                "this outcome is retired in framework 'lanark-adults' 1.0.0; record "
                "'improved-mobility' instead"
            ),
        )
    ]
    code, out, _ = cli("validate", "--framework-dir", str(EXAMPLES), TODAY_ARG, str(RECORDS))
    assert code == 0
    assert out.endswith("3 records: 3 valid, 0 invalid (0 errors, 1 warnings)\n")
    code, _, _ = cli("validate", TODAY_ARG, str(RECORDS))
    assert code == 1  # without the folder, lanark-adults is unknown


def test_show_and_list_know_the_local_framework() -> None:
    """`show lanark-adults` and `list` work with the folder."""
    code, out, err = cli("--framework-dir", str(EXAMPLES), "show", "lanark-adults")
    assert (code, err) == (0, "")
    assert out.startswith("Outcomes important to adults in Lanark\n")
    assert "  - seeing-people: Seeing friends and family\n" in out
    assert "  - getting-online: Getting online\n" in out
    code, out, err = cli("--framework-dir", str(EXAMPLES), "list")
    assert out.endswith(
        "lanark-adults  1.0.0          16  Outcomes important to adults in Lanark\n"
    )


def test_a_broken_derived_file_is_an_error_message_not_a_traceback(tmp_path: Path) -> None:
    """The CLI prints every problem of a derived file with its place, and exits 2."""
    _write(tmp_path, HEADER + "relabel:\n  seeing-peple: Seeing pals\n")
    code, out, err = cli("--framework-dir", str(tmp_path), "list")
    assert (code, out) == (2, "")
    assert err == (
        f"personal-outcomes: {tmp_path / 'local.yaml'}: not a valid framework file (1 problem):\n"
        f"  {tmp_path / 'local.yaml'}:6:3: /relabel/seeing-peple: adults 1.0.0 has no outcome "
        "with this id; did you mean 'seeing-people'?\n"
        "  See the framework file format in the documentation.\n"
    )


# ---- FHIR ------------------------------------------------------------------------------


def test_the_codesystem_of_a_local_framework_declares_its_base() -> None:
    """A complete CodeSystem of its own, derived-from its base; valid FHIR R4."""
    local = load_framework(EXAMPLE)
    resource = codesystem(local)
    model = CodeSystem.model_validate(resource)
    assert (model.url, model.version, model.content, model.count) == (
        fhir_url("CodeSystem", "lanark-adults"),
        "1.0.0",
        "complete",
        19,
    )
    assert "supplements" not in resource
    assert resource["extension"] == [
        {
            "url": "http://hl7.org/fhir/StructureDefinition/cqf-relatedArtifact",
            "valueRelatedArtifact": {
                "type": "derived-from",
                "resource": "https://w3id.org/personal-outcomes/fhir/CodeSystem/adults|1.0.0",
            },
        }
    ]
    assert str(resource["description"]).endswith(
        " A local framework derived from framework 'adults' version 1.0.0 (CodeSystem "
        "https://w3id.org/personal-outcomes/fhir/CodeSystem/adults|1.0.0): it keeps every "
        "code of that version, and may add, relabel and retire outcomes."
    )
    other = codesystem(local, base_uri="https://example.org/po/")
    assert other["extension"][0]["valueRelatedArtifact"]["resource"] == (  # type: ignore[index]
        "https://example.org/po/fhir/CodeSystem/adults|1.0.0"
    )
    assert "extension" not in codesystem(ADULTS)
    retired = [
        concept
        for category in resource["concept"]  # type: ignore[attr-defined]
        for concept in category["concept"]
        if concept["code"] == "reduced-symptoms"
    ]
    assert retired[0]["property"] == [
        {"code": "status", "valueCode": "deprecated"},
        {"code": "replacedBy", "valueCode": "improved-mobility"},
    ]
    included = valueset(local)["compose"]["include"][0]["concept"]  # type: ignore[index]
    codes = [concept["code"] for concept in included]
    assert ("getting-online" in codes, "reduced-symptoms" in codes) == (True, False)


def test_export_codesystem_of_the_local_framework_on_the_command_line() -> None:
    """`export codesystem lanark-adults` prints the CodeSystem with its base."""
    code, out, err = cli("--framework-dir", str(EXAMPLES), "export", "codesystem", "lanark-adults")
    assert (code, err) == (0, "")
    assert json.loads(out) == codesystem(load_framework(EXAMPLE))


# ---- the schema ------------------------------------------------------------------------


def test_the_derived_file_schema_is_shipped_as_the_code_writes_it() -> None:
    """derived-framework.schema.json is the code's schema, valid, under the base URI."""
    assert DERIVED_SCHEMA_FILE == DERIVED_FRAMEWORK_SCHEMA_NAME
    text = resources.files("personal_outcomes.schemas").joinpath(DERIVED_FRAMEWORK_SCHEMA_NAME)
    shipped = json.loads(text.read_text(encoding="utf-8"))
    assert shipped == derived_framework_schema()
    jsonschema.Draft202012Validator.check_schema(shipped)
    assert (
        shipped["$id"] == "https://w3id.org/personal-outcomes/schemas/derived-framework.schema.json"
    )
    assert derived_framework_schema("https://example.org/po")["$id"] == (
        "https://example.org/po/schemas/derived-framework.schema.json"
    )


def test_the_example_follows_the_derived_file_schema() -> None:
    """Any JSON Schema validator accepts the shipped example."""
    data = load_one(EXAMPLE.read_bytes(), str(EXAMPLE)).data
    validator = jsonschema.Draft202012Validator(derived_framework_schema())
    assert list(validator.iter_errors(data)) == []


# ---- a local framework in the crosswalk, SKOS and show -------------------------------------


LANARK = bundled().with_directory(EXAMPLES).get("lanark-adults")


def test_a_local_framework_keeps_its_bases_national_outcomes_and_adds_none() -> None:
    from personal_outcomes.interop import crosswalk  # noqa: PLC0415

    walk = crosswalk()
    kept = [outcome for outcome in LANARK.outcome_ids if outcome in ADULTS]
    assert kept == list(ADULTS.outcome_ids)
    assert [walk.numbers(LANARK, o) for o in kept] == [walk.numbers(ADULTS, o) for o in kept]
    assert walk.numbers(LANARK, "getting-online") == ()
    assert walk.outcomes_serving(7, LANARK) == walk.outcomes_serving(7, ADULTS)
    code, out, _ = cli("--framework-dir", str(EXAMPLES), "show", "lanark-adults", "--format",
                       "json")  # fmt: skip
    assert code == 0
    shown = {
        outcome["id"]: outcome["national_outcomes"]
        for category in json.loads(out)["categories"]
        for outcome in category["outcomes"]
    }
    assert shown["getting-online"] == []
    assert shown["seeing-people"] == list(walk.numbers(ADULTS, "seeing-people")) != []


def test_show_names_the_base_of_a_local_framework() -> None:
    text = cli("--framework-dir", str(EXAMPLES), "show", "lanark-adults")[1]
    assert text.splitlines()[2:4] == [
        "id: lanark-adults   version: 1.0.0   outcomes: 16 in 3 categories",
        "Based on: adults@1.0.0",
    ]
    markdown = cli("--framework-dir", str(EXAMPLES), "show", "lanark-adults", "--format",
                   "markdown")[1]  # fmt: skip
    assert "\n**Based on.** `adults@1.0.0`\n" in markdown
    assert "Based on" not in cli("show", "adults")[1]
    assert "Based on" not in cli("show", "adults", "--format", "markdown")[1]


def test_the_skos_of_a_local_framework_is_derived_from_its_bases_scheme() -> None:
    import rdflib  # noqa: PLC0415

    from personal_outcomes.interop import skos  # noqa: PLC0415

    graph = rdflib.Graph().parse(data=skos(LANARK), format="turtle")
    prov = rdflib.Namespace("http://www.w3.org/ns/prov#")
    scheme = rdflib.URIRef("https://w3id.org/personal-outcomes/id/lanark-adults")
    assert list(graph.objects(scheme, prov.wasDerivedFrom)) == [
        rdflib.URIRef("https://w3id.org/personal-outcomes/id/adults")
    ]
    plain = rdflib.Graph().parse(data=skos(ADULTS), format="turtle")
    assert list(plain.triples((None, prov.wasDerivedFrom, None))) == []


# ---- a chain of local frameworks keeps the national outcomes of its root -------------------

NORTH = """\
id: lanark-north
version: 1.0.0
title: Outcomes important to adults in north Lanark
extends: lanark-adults@1.0.0
add:
  - {id: walking-group, label: Walking group, category: quality-of-life}
relabel:
  getting-online: Getting online and staying in touch
"""
#: The outcomes lanark-adults and lanark-north add: neither serves a national outcome.
ADDED = ("getting-online", "walking-group")


@pytest.fixture
def chain(tmp_path: Path) -> Path:
    """A folder of two local frameworks: lanark-north extends lanark-adults extends adults."""
    folder = tmp_path / "frameworks"
    folder.mkdir()
    _write(folder, EXAMPLE.read_text(encoding="utf-8"), "lanark-adults.yaml")
    _write(folder, NORTH, "lanark-north.yaml")
    return folder


def _expected_numbers(outcome_id: str) -> tuple[int, ...]:
    from personal_outcomes.interop import crosswalk  # noqa: PLC0415

    return () if outcome_id in ADDED else crosswalk().numbers(ADULTS, outcome_id)


def test_a_chain_keeps_the_national_outcomes_of_the_bundled_framework_at_its_root(
    chain: Path,
) -> None:
    """Through the registry, each kept outcome has adults' links; the added ones none."""
    from personal_outcomes.interop import crosswalk  # noqa: PLC0415

    walk = crosswalk()
    registry = bundled().with_directory(chain)
    north = registry.get("lanark-north")
    assert north.outcome_ids == (*LANARK.outcome_ids[:7], "walking-group", *LANARK.outcome_ids[7:])
    numbers = {o: walk.numbers(north, o, registry=registry) for o in north.outcome_ids}
    assert numbers == {o: _expected_numbers(o) for o in north.outcome_ids}
    assert numbers["living-where-and-as-you-want"] == (2, 4)
    assert walk.numbers("lanark-north", "feeling-safe", registry=registry) == (7,)
    assert walk.links(north, "reduced-symptoms", registry=registry) == walk.links(
        "adults", "reduced-symptoms"
    )
    for number in range(1, 10):
        assert walk.outcomes_serving(number, north, registry=registry) == (
            walk.outcomes_serving(number, ADULTS)
        )


def test_without_the_registry_of_its_bases_a_chain_has_no_links(chain: Path) -> None:
    """The bundled registry does not know lanark-adults, so lanark-north's chain stops."""
    from personal_outcomes.interop import crosswalk  # noqa: PLC0415

    north = bundled().with_directory(chain).get("lanark-north")
    assert {crosswalk().numbers(north, o) for o in north.outcome_ids} == {()}


def test_show_of_a_chain_names_each_kept_outcomes_national_outcomes(chain: Path) -> None:
    """show json, yaml, text and markdown all follow the chain through --framework-dir."""
    registry = bundled().with_directory(chain)
    north = registry.get("lanark-north")
    for fmt in ("json", "yaml"):
        code, out, err = cli("--framework-dir", str(chain), "show", "lanark-north", "--format",
                             fmt)  # fmt: skip
        assert (code, err) == (0, "")
        data: Any = json.loads(out) if fmt == "json" else load_one(out.encode(), "-").data
        shown = {
            outcome["id"]: tuple(outcome["national_outcomes"])
            for category in data["categories"]
            for outcome in category["outcomes"]
        }
        assert shown == {o: _expected_numbers(o) for o in north.outcome_ids}
    text = cli("--framework-dir", str(chain), "show", "lanark-north")[1]
    assert text.count("      national outcomes: ") == 15
    assert (
        "      national outcomes: 2 (Living independently at home), 4 (Quality of life)\n" in text
    )
    markdown = cli("--framework-dir", str(chain), "show", "lanark-north", "--format",
                   "markdown")[1]  # fmt: skip
    assert markdown.count("\nNational outcomes: ") == 15


def test_summarise_counts_a_chains_records_by_its_roots_national_outcomes(
    chain: Path, tmp_path: Path
) -> None:
    """Records of lanark-north fall in adults' national-outcome groups; added ones in none."""
    records = [
        record(framework="lanark-north", record_id="r-1", person_id="p-1", outcomes=[
            {"outcome": "living-where-and-as-you-want", "what_matters": "x"},
            {"outcome": "getting-online", "what_matters": "y"},
        ]),
        record(framework="lanark-north", record_id="r-2", person_id="p-2", outcomes=[
            {"outcome": "walking-group", "what_matters": "x"},
            {"outcome": "feeling-safe", "what_matters": "y"},
        ]),
    ]  # fmt: skip
    path = _write(tmp_path, "".join(json.dumps(item) + "\n" for item in records), "r.jsonl")
    code, out, err = cli("--framework-dir", str(chain), "summarise", TODAY_ARG, "--by",
                         "national-outcome", "--format", "json", str(path))  # fmt: skip
    assert (code, err) == (0, "")
    rows = [
        (row["group"]["national-outcome"], row["kind"], row["outcome"], row["mentions"])
        for row in json.loads(out)["rows"]
        if row["kind"] != "category"
    ]
    assert rows == [
        ("2", "framework", None, 1),
        ("2", "outcome", "living-where-and-as-you-want", 1),
        ("4", "framework", None, 1),
        ("4", "outcome", "living-where-and-as-you-want", 1),
        ("7", "framework", None, 1),
        ("7", "outcome", "feeling-safe", 1),
        ("none", "framework", None, 2),
        ("none", "outcome", "getting-online", 1),
        ("none", "outcome", "walking-group", 1),
    ]


def test_the_skos_of_a_chain_has_its_roots_close_matches(chain: Path) -> None:
    """export skos (and skos(registry=)) give each kept outcome adults' closeMatch links."""
    import rdflib  # noqa: PLC0415

    from personal_outcomes.interop import skos  # noqa: PLC0415

    code, out, err = cli("--framework-dir", str(chain), "export", "skos", "lanark-north")
    assert (code, err) == (0, "")
    registry = bundled().with_directory(chain)
    north = registry.get("lanark-north")
    assert out == skos(north, registry=registry)
    graph = rdflib.Graph().parse(data=out, format="turtle")
    close = rdflib.URIRef("http://www.w3.org/2004/02/skos/core#closeMatch")
    prov = rdflib.Namespace("http://www.w3.org/ns/prov#")
    scheme = rdflib.URIRef("https://w3id.org/personal-outcomes/id/lanark-north")
    assert list(graph.objects(scheme, prov.wasDerivedFrom)) == [
        rdflib.URIRef("https://w3id.org/personal-outcomes/id/lanark-adults")
    ]
    for outcome in north.outcome_ids:
        iri = rdflib.URIRef(f"https://w3id.org/personal-outcomes/id/lanark-north/{outcome}")
        assert sorted(str(o) for o in graph.objects(iri, close)) == [
            f"https://w3id.org/personal-outcomes/national-outcomes/{number}"
            for number in _expected_numbers(outcome)
        ]
    assert "closeMatch" not in skos(north)  # without the registry of its bases: none
