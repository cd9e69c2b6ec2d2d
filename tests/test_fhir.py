"""The frameworks as FHIR R4 CodeSystems and ValueSets, checked by an independent library.

``fhir.resources`` (its R4B models, whose CodeSystem and ValueSet are R4's) validates
every resource exported; the mapping is checked against a hand-written table.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.codesystem import CodeSystem
from fhir.resources.R4B.valueset import ValueSet
from hypothesis import given
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, SKOS

from factories import TODAY_ARG, record
from personal_outcomes import Framework, _releases, bundled
from personal_outcomes._cli import run
from personal_outcomes.frameworks import manifest
from personal_outcomes.frameworks._registry import parse_framework
from personal_outcomes.interop import (
    codesystem,
    concept_uri,
    fhir_url,
    goal_id,
    goals_bundle,
    valueset,
)

REGISTRY = bundled()
EXAMPLE = parse_framework(
    Path("docs/examples/day-opportunities.yaml").read_bytes(), "day-opportunities.yaml"
)
FRAMEWORKS = [*REGISTRY, EXAMPLE]


def _codesystem(framework: Framework) -> dict[str, Any]:
    return codesystem(framework)


def _valueset(framework: Framework) -> dict[str, Any]:
    return valueset(framework)


def cli(*arguments: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(arguments), out, err)
    return code, out.getvalue(), err.getvalue()


def _children(resource: dict[str, Any]) -> dict[str, list[str]]:
    return {c["code"]: [o["code"] for o in c["concept"]] for c in resource["concept"]}


@pytest.mark.parametrize("framework", FRAMEWORKS, ids=lambda f: f"{f.id}-{f.version}")
def test_every_codesystem_and_valueset_is_valid_fhir(framework: Framework) -> None:
    resource = _codesystem(framework)
    model = CodeSystem.model_validate(resource)
    assert (model.url, model.version, model.content, model.caseSensitive) == (
        fhir_url("CodeSystem", framework.id),
        framework.version,
        "complete",
        True,
    )
    assert resource["count"] == len(framework.categories) + len(framework.outcome_ids)
    assert _children(resource) == {
        category.id: [outcome.id for outcome in category.outcomes]
        for category in framework.categories
    }
    for category in resource["concept"]:
        assert category["property"] == [{"code": "notSelectable", "valueBoolean": True}]
    outcomes = {o.id: o for o in framework.outcomes}
    for concept in (o for c in resource["concept"] for o in c["concept"]):
        outcome = outcomes[concept["code"]]
        assert (concept["display"], concept["definition"]) == (outcome.label, outcome.description)
        assert [d["value"] for d in concept.get("designation", [])] == [
            alias.label for alias in outcome.aliases
        ]
    values = _valueset(framework)
    ValueSet.model_validate(values)
    include = values["compose"]["include"][0]
    assert (include["system"], include["version"]) == (resource["url"], framework.version)
    assert [c["code"] for c in include["concept"]] == [
        o.id for o in framework.outcomes if not o.retired
    ]


# A hand-written table of the mapping, for one framework.
ADULTS_TABLE: dict[str, Any] = {
    "name": "PersonalOutcomesAdults",
    "title": "Outcomes important to adults living in the community",
    "status": "active",
    "experimental": False,
    "hierarchyMeaning": "grouped-by",
    "valueSet": "https://w3id.org/personal-outcomes/fhir/ValueSet/adults",
    "categories": {
        "quality-of-life": "Quality of life",
        "process": "Process",
        "change": "Change",
    },
    "some outcomes": {
        "seeing-people": "Seeing people",
        "treated-with-respect": "Treated with respect",
        "reduced-symptoms": "Reduced symptoms",
    },
}


def test_the_adults_codesystem_follows_the_table() -> None:
    resource = _codesystem(REGISTRY.get("adults"))
    for key in ("name", "title", "status", "experimental", "hierarchyMeaning", "valueSet"):
        assert resource[key] == ADULTS_TABLE[key], key
    assert {c["code"]: c["display"] for c in resource["concept"]} == ADULTS_TABLE["categories"]
    displays = {o["code"]: o["display"] for c in resource["concept"] for o in c["concept"]}
    assert ADULTS_TABLE["some outcomes"].items() <= displays.items()
    assert {p["code"] for p in resource["property"]} == {"notSelectable", "status", "replacedBy"}


def test_a_retired_outcome_is_deprecated_with_its_replacement() -> None:
    retired = [o for o in EXAMPLE.outcomes if o.retired]
    assert retired  # the example has one
    resource = _codesystem(EXAMPLE)
    concepts = {o["code"]: o for c in resource["concept"] for o in c["concept"]}
    for outcome in retired:
        assert concepts[outcome.id]["property"] == [
            {"code": "status", "valueCode": "deprecated"},
            {"code": "replacedBy", "valueCode": outcome.replaced_by},
        ]


def test_a_code_used_twice_is_refused() -> None:
    data: Any = REGISTRY.get("adults").to_data()
    data["categories"][0]["id"] = data["categories"][0]["outcomes"][0]["id"]
    with pytest.raises(ValueError, match="uses an id for a category and an outcome alike"):
        codesystem(Framework.from_data(data))


def test_the_command_prints_the_resources() -> None:
    code, out, err = cli("export", "codesystem", "carers")
    assert (code, err) == (0, "")
    assert json.loads(out) == codesystem(REGISTRY.get("carers"))
    code, out, _ = cli("export", "valueset", "carers", "--base-uri", "https://example.org/po/")
    assert json.loads(out)["url"] == "https://example.org/po/fhir/ValueSet/carers"
    code, out, _ = cli("export", "codesystem", "adults", "--framework-version", "1.1.0")
    assert json.loads(out)["version"] == "1.1.0"
    code, out, err = cli("export", "codesystem", "no-such-framework")
    assert (code, out, err) == (
        2,
        "",
        (
            "personal-outcomes: no framework with that id is known (known: adults, care-homes, "
            "carers)\n"
        ),
    )
    assert cli("export", "goals", "adults")[0] == 2  # not a kind (yet)


# ---- Goals of recorded outcomes -----------------------------------------------------------


def _o(outcome: str, **fields: Any) -> dict[str, Any]:
    return {"outcome": outcome, "what_matters": f"About {outcome}", **fields}


# Stage and review level -> lifecycleStatus and achievementStatus, by hand.
GOAL_TABLE = [
    ("assessment", None, "proposed", None),
    ("support-planning", None, "active", None),
    ("review", "met", "completed", "achieved"),
    ("review", "partly-met", "active", "improving"),
    ("review", "not-met", "active", "not-achieved"),
    ("review", "no-longer-relevant", "cancelled", None),
    ("review", None, "active", None),
]


def test_goals_follow_the_mapping_table_and_are_valid_fhir() -> None:
    records = []
    for number, (stage, status, _, _) in enumerate(GOAL_TABLE):
        fields = {"status": status} if status else {}
        records.append(
            record(record_id=f"r-{number}", stage=stage, recorded_on=f"2026-0{number + 1}-01",
                   outcomes=[_o("seeing-people", **fields)])
        )  # fmt: skip
    bundle: dict[str, Any] = goals_bundle(records, REGISTRY)
    Bundle.model_validate(bundle)
    goals = [entry["resource"] for entry in bundle["entry"]]
    assert [
        (g["lifecycleStatus"], g.get("achievementStatus", {}).get("coding", [{}])[0].get("code"))
        for g in goals
    ] == [(lifecycle, achieved) for _, _, lifecycle, achieved in GOAL_TABLE]
    # The start: the earliest assessment or support planning of the person naming it.
    assert {g["startDate"] for g in goals} == {"2026-01-01"}
    assert goals[0]["subject"] == {
        "identifier": {"system": "https://w3id.org/personal-outcomes/fhir/person-id",
                       "value": "p-1"}
    }  # fmt: skip
    assert goals[0]["description"] == {
        "coding": [{"system": "https://w3id.org/personal-outcomes/fhir/CodeSystem/adults",
                    "version": "1.1.0", "code": "seeing-people", "display": "Seeing people"}],
        "text": "About seeing-people",
    }  # fmt: skip
    assert [g["id"] for g in goals] == [goal_id(f"r-{n}", 0) for n in range(len(GOAL_TABLE))]


def test_goals_carry_contributions_as_notes_and_repeat_no_id() -> None:
    contributions = [{"by": "person", "what": "Ring Jo"}, {"by": "services", "what": "Lifts"}]
    data = record(outcomes=[_o("seeing-people", contributions=contributions),
                            _o("seeing-people", what_matters="Church")])  # fmt: skip
    review_only = record(record_id="r-2", person_id="p-9", stage="review",
                         outcomes=[_o("feeling-safe", status="met")])  # fmt: skip
    bundle: dict[str, Any] = goals_bundle([data, review_only], REGISTRY, base_uri="https://e.org/")
    Bundle.model_validate(bundle)
    first, second, third = (entry["resource"] for entry in bundle["entry"])
    assert first["note"] == [{"text": "person: Ring Jo"}, {"text": "services: Lifts"}]
    assert "note" not in second
    assert first["id"] != second["id"]  # one outcome twice in a record: two Goals
    assert "startDate" not in third  # a review with no start among the records
    assert bundle["entry"][0]["fullUrl"] == f"https://e.org/fhir/Goal/{first['id']}"


def test_the_goals_command(tmp_path: Path) -> None:
    path = tmp_path / "records.jsonl"
    bad = record(record_id="r-2", outcomes=[_o("no-such-outcome")])
    path.write_text(json.dumps(record()) + "\n" + json.dumps(bad) + "\n", encoding="utf-8")
    code, out, err = cli("export", "goals", TODAY_ARG, str(path))
    assert code == 1
    assert len(json.loads(out)["entry"]) == 1
    assert err.splitlines()[-1] == "personal-outcomes export: 1 record(s) with errors were left out"
    assert "unknown-outcome" in err
    code, out, err = cli("export", "goals", TODAY_ARG, str(tmp_path / "missing.jsonl"))
    assert (code, out) == (2, "")
    assert err.endswith("personal-outcomes export: a file could not be read; nothing was written\n")
    code, out, _ = cli("export", "goals", TODAY_ARG, "examples/records/reviews.jsonl")
    assert code == 0
    Bundle.model_validate(json.loads(out))
    code, _, err = cli("export", "codesystem", "adults", "carers")
    assert (code, err) == (2, "personal-outcomes export: error: codesystem takes one FRAMEWORK\n")
    assert cli("export", "goals", "x.txt")[0] == 2
    # A record of an earlier release is coded against that release's CodeSystem.
    older = record(framework_version="1.0.0")
    goals: dict[str, Any] = goals_bundle([older, record(record_id="r-2")], REGISTRY)
    assert [e["resource"]["description"]["coding"][0]["version"] for e in goals["entry"]] == [
        "1.0.0",
        "1.1.0",
    ]


# perspective -> expressedBy, by hand ("agreed" names no one).
EXPRESSED_BY_TABLE = {
    "person": {"type": "Patient",
               "identifier": {"system": "https://w3id.org/personal-outcomes/fhir/person-id",
                              "value": "p-1"}},
    "family": {"type": "RelatedPerson", "display": "A family member"},
    "representative": {"type": "RelatedPerson",
                       "display": "A representative (welfare guardian or attorney)"},
    "practitioner": {"type": "Practitioner", "display": "A practitioner"},
    "agreed": None,
    None: None,
}  # fmt: skip


def test_goals_carry_whose_view_why_the_date_and_the_reason() -> None:
    outcomes = [
        _o("improved-mobility", **({"perspective": p} if p else {})) for p in EXPRESSED_BY_TABLE
    ]
    planning = record(recorded_on="2026-02-03", outcomes=outcomes)
    review = record(
        record_id="r-2", stage="review", recorded_on="2026-05-04",
        outcomes=[_o("improved-mobility", status="partly-met", status_note="Stairs still hard",
                     why_it_matters="To get to the shop", contributions=[
                         {"by": "family-and-friends", "what": "Walk with me"}])],
    )  # fmt: skip
    bundle: dict[str, Any] = goals_bundle([planning, review], REGISTRY)
    Bundle.model_validate(bundle)
    goals = [entry["resource"] for entry in bundle["entry"]]
    assert [g.get("expressedBy") for g in goals[:-1]] == list(EXPRESSED_BY_TABLE.values())
    assert [g["statusDate"] for g in goals] == ["2026-02-03"] * 6 + ["2026-05-04"]
    assert ["statusReason" in g for g in goals] == [False] * 6 + [True]
    last = goals[-1]
    assert last["statusReason"] == "Stairs still hard"
    assert last["note"] == [
        {"text": "Why it matters: To get to the shop"},
        {"text": "family-and-friends: Walk with me"},
    ]
    assert last["category"] == [
        {"coding": [{"system": "https://w3id.org/personal-outcomes/fhir/CodeSystem/adults",
                     "version": "1.1.0", "code": "change", "display": "Change"}]}
    ]  # fmt: skip
    assert {g["startDate"] for g in goals} == {"2026-02-03"}
    assert all("note" not in g for g in goals[:-1])


def test_a_goal_of_an_unknown_outcome_keeps_its_code_without_a_display() -> None:
    # goals_bundle takes valid records; given an unknown outcome id it codes it as given.
    bundle: dict[str, Any] = goals_bundle([record(outcomes=[_o("no-such")])], REGISTRY)
    goal = bundle["entry"][0]["resource"]
    assert goal["description"]["coding"] == [
        {"system": "https://w3id.org/personal-outcomes/fhir/CodeSystem/adults",
         "version": "1.1.0", "code": "no-such"}
    ]  # fmt: skip
    assert "category" not in goal


# ---- FHIR JSON has no empty lists, objects or strings --------------------------------------


def _empties(value: object, pointer: str = "") -> list[str]:
    """Return where a value breaks FHIR JSON: an empty array, object or string."""
    if isinstance(value, dict):
        items: list[tuple[object, object]] = list(value.items())
    elif isinstance(value, list):
        items = list(enumerate(value))
    else:
        return [pointer] if value == "" else []
    found = [] if items else [pointer]
    for key, item in items:
        found += _empties(item, f"{pointer}/{key}")
    return found


def test_the_empty_finder_finds_every_empty_value() -> None:
    """The helper the tests below rely on finds empty arrays, objects and strings."""
    assert _empties({"a": [], "b": {}, "c": "", "d": [{"e": ""}, 0, False], "f": "x"}) == [
        "/a",
        "/b",
        "/c",
        "/d/0/e",
    ]
    assert _empties([]) == [""]


@pytest.mark.parametrize("framework", FRAMEWORKS, ids=lambda f: f"{f.id}-{f.version}")
def test_no_resource_holds_an_empty_value(framework: Framework) -> None:
    """Not even a framework without aliases or retirements gives an empty list."""
    assert _empties(codesystem(framework)) == []
    assert _empties(valueset(framework)) == []


def test_a_framework_without_aliases_gives_no_designation() -> None:
    """An outcome without other published labels has no designation list at all."""
    adults = REGISTRY.get("adults")
    plain = attrs.evolve(
        adults,
        categories=tuple(
            attrs.evolve(c, outcomes=tuple(attrs.evolve(o, aliases=()) for o in c.outcomes))
            for c in adults.categories
        ),
    )
    concepts = [o for c in codesystem(plain)["concept"] for o in c["concept"]]  # type: ignore[attr-defined]
    assert [c for c in concepts if "designation" in c] == []
    assert _empties(codesystem(plain)) == []


def test_a_valueset_with_no_outcome_to_name_is_refused() -> None:
    """Every outcome retired: no ValueSet (an include without concepts means every code)."""
    adults = REGISTRY.get("adults")
    retired = attrs.evolve(
        adults,
        categories=tuple(
            attrs.evolve(c, outcomes=tuple(attrs.evolve(o, retired=True) for o in c.outcomes))
            for c in adults.categories
        ),
    )
    with pytest.raises(
        ValueError,
        match=exactly(
            "framework 'adults' version 1.1.0 has no outcome a new record may name "
            "(every outcome is retired), so it has no ValueSet"
        ),
    ):
        valueset(retired)
    # Its CodeSystem is still whole: every outcome deprecated.
    resource: dict[str, Any] = codesystem(retired)
    CodeSystem.model_validate(resource)
    assert _empties(resource) == []
    # One outcome left to name (not retired) is enough.
    first = adults.categories[0]
    one_left = attrs.evolve(
        retired,
        categories=(attrs.evolve(first, outcomes=first.outcomes[:1]), *retired.categories[1:]),
    )
    assert [c["code"] for c in valueset(one_left)["compose"]["include"][0]["concept"]] == [  # type: ignore[index]
        first.outcomes[0].id
    ]


def test_a_framework_with_an_empty_list_has_no_codesystem() -> None:
    """No categories, or a category without outcomes, would be an empty concept list."""
    adults = REGISTRY.get("adults")
    message = exactly(
        "framework 'adults' has no categories, or a category without outcomes: "
        "a CodeSystem cannot hold an empty list of concepts"
    )
    with pytest.raises(ValueError, match=message):
        codesystem(attrs.evolve(adults, categories=()))
    emptied = attrs.evolve(adults.categories[-1], outcomes=())
    with pytest.raises(ValueError, match=message):
        codesystem(attrs.evolve(adults, categories=(*adults.categories[:-1], emptied)))


def test_a_bundle_without_goals_has_no_entry(tmp_path: Path) -> None:
    """No records (or none valid): a Bundle without 'entry', never an empty list."""
    assert goals_bundle([], REGISTRY) == {"resourceType": "Bundle", "type": "collection"}
    Bundle.model_validate(goals_bundle([], REGISTRY))
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    assert cli("export", "goals", TODAY_ARG, str(empty)) == (
        0,
        '{\n  "resourceType": "Bundle",\n  "type": "collection"\n}\n',
        "",
    )
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(record(outcomes=[_o("no-such-outcome")])) + "\n", encoding="utf-8")
    code, out, err = cli("export", "goals", TODAY_ARG, str(bad))
    assert (code, json.loads(out)) == (1, {"resourceType": "Bundle", "type": "collection"})
    assert err.endswith("personal-outcomes export: 1 record(s) with errors were left out\n")
    # One record: one entry.
    one = goals_bundle([record()], REGISTRY)
    assert len(one["entry"]) == 1  # type: ignore[arg-type]


# ---- Base URI and patient system ------------------------------------------------------------

NO_SCHEME = "it does not start with a scheme (such as https:)"
CHARACTER = (
    'it holds a character no URI may hold (a space, a control character, or one of <>"{}|^`\\)'
)
BEYOND_ASCII = "it holds a character beyond ASCII (percent-encode it as UTF-8)"
PERCENT = "a % in it is not followed by two hexadecimal digits"
HASH = "it has a # (a FHIR canonical URL has none: references to it use # for a fragment)"
HASHES = "it has more than one #"
DEFAULT_BASE = "https://w3id.org/personal-outcomes/"
DEFAULT_SYSTEM = "https://w3id.org/personal-outcomes/fhir/person-id"

# A value that is not a FHIR URI, and why; each is refused as a base and a patient system.
NOT_URIS = [
    ("", NO_SCHEME),
    ("has space", NO_SCHEME),
    ("example.org/po/", NO_SCHEME),
    ("/po/", NO_SCHEME),
    ("1https://example.org/", NO_SCHEME),
    *((f"https://example.org/a{c}b/", CHARACTER) for c in ' \n\t\x00\x7f<>"{}|^`\\'),
    ("https://example.org/po\n", CHARACTER),
    ("https://exämple.org/", BEYOND_ASCII),
    ("https://example.org/\u00a0", BEYOND_ASCII),
    ("https://example.org/50%", PERCENT),
    ("https://example.org/%4g/", PERCENT),
]


def exactly(message: str) -> str:
    """Return a pattern that matches this message and nothing else."""
    return f"^{re.escape(message)}$"


class _Unread:
    """Records that fail the test if read: the URIs are checked first."""

    def __iter__(self) -> Iterator[dict[str, Any]]:
        pytest.fail("a record was read before the URIs were checked")


@pytest.mark.parametrize(
    ("base", "reason"),
    [*NOT_URIS, ("https://example.org/po#", HASH), ("https://example.org/#a#b", HASH)],
)
def test_a_base_that_gives_no_canonical_urls_is_refused(base: str, reason: str) -> None:
    """A FHIR base URI is an absolute URI without '#': every resource refuses another."""
    message = f"the base URI is not an absolute URI: {reason}; give one such as {DEFAULT_BASE}"
    adults = REGISTRY.get("adults")
    with pytest.raises(ValueError, match=exactly(message)):
        codesystem(adults, base_uri=base)
    with pytest.raises(ValueError, match=exactly(message)):
        valueset(adults, base_uri=base)
    with pytest.raises(ValueError, match=exactly(message)):
        goals_bundle(_Unread(), REGISTRY, base_uri=base)
    for kind in ("codesystem", "valueset"):
        assert cli("export", kind, "adults", "--base-uri", base) == (
            2,
            "",
            f"personal-outcomes export: error: {message}\n",
        )


@pytest.mark.parametrize(("system", "reason"), [*NOT_URIS, ("https://example.org/a#b#c", HASHES)])
def test_a_patient_system_that_is_not_a_uri_is_refused(system: str, reason: str) -> None:
    """The identifier system of person_id is an absolute URI: '#' once at most."""
    expected = (
        f"the patient system is not an absolute URI: {reason}; give one such as {DEFAULT_SYSTEM}"
    )
    with pytest.raises(ValueError, match=exactly(expected)):
        goals_bundle(_Unread(), REGISTRY, patient_system=system)


@pytest.mark.parametrize(
    "base",
    [
        "urn:example:po",
        "https://example.org/r%C3%A9sum%C3%A9/",
        "https://[::1]:8080/po",
        "https://user@example.org/a;b=c/d,e!f$g&h'i(j)k*l+m~n_o.p?q=r",
        "HTTP://EXAMPLE.ORG",
    ],
)
def test_any_absolute_uri_without_a_hash_is_a_base(base: str) -> None:
    """URNs, percent escapes, IP literals, queries: every canonical URL is under the base."""
    root = base.rstrip("/")
    resource: dict[str, Any] = codesystem(REGISTRY.get("adults"), base_uri=base)
    CodeSystem.model_validate(resource)
    assert (resource["url"], resource["valueSet"]) == (
        f"{root}/fhir/CodeSystem/adults",
        f"{root}/fhir/ValueSet/adults",
    )
    assert valueset(REGISTRY.get("adults"), base_uri=base)["url"] == f"{root}/fhir/ValueSet/adults"
    bundle: dict[str, Any] = goals_bundle([record()], REGISTRY, base_uri=base)
    entry = bundle["entry"][0]
    assert entry["fullUrl"] == f"{root}/fhir/Goal/{goal_id('r-1', 0)}"
    # The default patient system follows the base.
    assert entry["resource"]["subject"]["identifier"]["system"] == f"{root}/fhir/person-id"


def test_a_patient_system_may_have_one_fragment() -> None:
    """An identifier system is a uri, not a canonical: one '#' is allowed."""
    system = "https://example.org/ids#person"
    bundle: dict[str, Any] = goals_bundle([record()], REGISTRY, patient_system=system)
    assert bundle["entry"][0]["resource"]["subject"] == {
        "identifier": {"system": system, "value": "p-1"}
    }


def test_the_goals_command_checks_the_uris_before_reading(tmp_path: Path) -> None:
    """A bad --base-uri or --patient-system: one line, exit 2, nothing read or printed."""
    missing = str(tmp_path / "missing.jsonl")
    assert cli("export", "goals", TODAY_ARG, "--base-uri", "", missing) == (
        2,
        "",
        (
            f"personal-outcomes export: error: the base URI is not an absolute URI: {NO_SCHEME}; "
            f"give one such as {DEFAULT_BASE}\n"
        ),
    )
    assert cli("export", "goals", TODAY_ARG, "--patient-system", "https://e.org/\nx", missing) == (
        2,
        "",
        (
            "personal-outcomes export: error: the patient system is not an absolute URI: "
            f"{CHARACTER}; give one such as {DEFAULT_SYSTEM}\n"
        ),
    )
    code, out, err = cli(
        "export", "goals", TODAY_ARG, "--base-uri", "https://example.org/po",
        "--patient-system", "urn:example:persons", "examples/records/reviews.jsonl",
    )  # fmt: skip
    assert (code, err) == (0, "")
    entries = json.loads(out)["entry"]
    assert {e["resource"]["subject"]["identifier"]["system"] for e in entries} == {
        "urn:example:persons"
    }
    assert all(e["fullUrl"].startswith("https://example.org/po/fhir/Goal/po-") for e in entries)


# ---- Earlier releases -----------------------------------------------------------------------

RELEASES = [
    (framework_id, version)
    for framework_id, releases in manifest().items()
    for version in releases
    if version != REGISTRY.get(framework_id).version
]


def test_every_bundled_framework_has_an_earlier_release() -> None:
    """The tests below mean something: each framework has a release before its newest."""
    assert sorted({framework_id for framework_id, _ in RELEASES}) == sorted(REGISTRY.ids)


@pytest.mark.parametrize(("framework_id", "version"), RELEASES)
def test_an_earlier_release_exports_as_itself(framework_id: str, version: str) -> None:
    """--framework-version of an earlier release: that version, its outcomes and retirements."""
    entry: dict[str, Any] = manifest()[framework_id][version]
    newest = REGISTRY.get(framework_id)
    outcomes = [i for i in newest.outcome_ids if i in entry["outcomes"]]
    assert sorted(outcomes) == sorted(entry["outcomes"])
    code, out, err = cli("export", "codesystem", framework_id, "--framework-version", version)
    assert (code, err) == (0, "")
    resource = json.loads(out)
    CodeSystem.model_validate(resource)
    assert _empties(resource) == []
    assert (resource["url"], resource["version"]) == (fhir_url("CodeSystem", framework_id), version)
    assert [c["code"] for c in resource["concept"]] == entry["categories"]
    concepts = [o for c in resource["concept"] for o in c["concept"]]
    assert [o["code"] for o in concepts] == outcomes
    assert [o["code"] for o in concepts if "property" in o] == entry["retired"]
    code, out, err = cli("export", "valueset", framework_id, "--framework-version", version)
    assert (code, err) == (0, "")
    values = json.loads(out)
    ValueSet.model_validate(values)
    include = values["compose"]["include"][0]
    assert (values["version"], include["system"], include["version"]) == (
        version,
        fhir_url("CodeSystem", framework_id),
        version,
    )
    assert [c["code"] for c in include["concept"]] == [
        i for i in outcomes if i not in entry["retired"]
    ]
    code, out, err = cli("export", "skos", framework_id, "--framework-version", version)
    assert (code, err) == (0, "")
    graph = Graph().parse(data=out, format="turtle")
    scheme = URIRef(concept_uri(framework_id))
    assert set(graph.objects(scheme, OWL.versionInfo)) == {Literal(version)}
    concepts_in_scheme = graph.subjects(SKOS.inScheme, scheme)
    notations = {str(n) for c in concepts_in_scheme for n in graph.objects(c, SKOS.notation)}
    assert notations == {*entry["categories"], *outcomes}


def _pretend_release(monkeypatch: pytest.MonkeyPatch, version: str, retired: list[str]) -> None:
    """Pretend adults had a release without seeing-people, with these outcomes retired."""
    recorded = manifest()
    entry = dict(recorded["adults"]["1.0.0"])
    ids: list[str] = entry["outcomes"]  # type: ignore[assignment]
    entry["outcomes"] = [i for i in ids if i != "seeing-people"]
    entry["retired"] = retired
    recorded["adults"] = {version: entry, **recorded["adults"]}
    monkeypatch.setattr(_releases, "_manifest", lambda: recorded)


def test_a_release_with_other_outcomes_exports_them(monkeypatch: pytest.MonkeyPatch) -> None:
    """A release without an outcome has no such code; one it retired is deprecated."""
    _pretend_release(monkeypatch, "0.5.0", ["feeling-safe"])
    code, out, _ = cli("export", "codesystem", "adults", "--framework-version", "0.5.0")
    resource = json.loads(out)
    concepts = {o["code"]: o for c in resource["concept"] for o in c["concept"]}
    assert (code, resource["version"], resource["count"]) == (0, "0.5.0", 3 + 14)
    assert "seeing-people" not in concepts
    assert concepts["feeling-safe"]["property"] == [{"code": "status", "valueCode": "deprecated"}]
    code, out, _ = cli("export", "valueset", "adults", "--framework-version", "0.5.0")
    codes = [c["code"] for c in json.loads(out)["compose"]["include"][0]["concept"]]
    assert (code, len(codes)) == (0, 13)
    assert not {"seeing-people", "feeling-safe"} & set(codes)
    # A record of that release is coded against it.
    goals: dict[str, Any] = goals_bundle(
        [record(framework_version="0.5.0", outcomes=[_o("feeling-safe")])], REGISTRY
    )
    assert goals["entry"][0]["resource"]["description"]["coding"][0]["version"] == "0.5.0"
    # A version neither loaded nor released: the error lists every one.
    for kind in ("codesystem", "valueset", "skos"):
        assert cli("export", kind, "adults", "--framework-version", "1.0.1") == (
            2,
            "",
            (
                "personal-outcomes: framework 'adults' has no such version "
                "(known: 0.5.0, 1.0.0, 1.1.0)\n"
            ),
        )


def test_a_release_with_every_outcome_retired_has_no_valueset(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Its CodeSystem is exported; its ValueSet would be empty, so it is a usage error."""
    _pretend_release(
        monkeypatch,
        "0.4.0",
        [i for i in REGISTRY.get("adults").outcome_ids if i != "seeing-people"],
    )
    assert cli("export", "valueset", "adults", "--framework-version", "0.4.0") == (
        2,
        "",
        (
            "personal-outcomes export: error: framework 'adults' version 0.4.0 has no outcome "
            "a new record may name (every outcome is retired), so it has no ValueSet\n"
        ),
    )
    code, out, _ = cli("export", "codesystem", "adults", "--framework-version", "0.4.0")
    assert code == 0
    assert _empties(json.loads(out)) == []


# ---- A Goal never starts after its own date -------------------------------------------------


def _start_and_status(*records: dict[str, Any]) -> list[tuple[str | None, str]]:
    bundle: dict[str, Any] = goals_bundle(records, REGISTRY)
    Bundle.model_validate(bundle)
    goals = [entry["resource"] for entry in bundle["entry"]]
    return [(goal.get("startDate"), goal["statusDate"]) for goal in goals]


def test_a_goal_never_starts_after_its_status_date() -> None:
    """The start is the earliest one on or before the Goal's own date; none if all are later."""
    assessment = record(recorded_on="2026-06-01")
    review = record(record_id="r-2", stage="review", outcomes=[_o("seeing-people", status="met")])

    def at(day: str) -> dict[str, Any]:
        return {**review, "recorded_on": day}

    assert _start_and_status(assessment, at("2026-01-01")) == [
        ("2026-06-01", "2026-06-01"),
        (None, "2026-01-01"),
    ]
    assert _start_and_status(assessment, at("2026-05-31"))[1] == (None, "2026-05-31")
    assert _start_and_status(assessment, at("2026-06-01"))[1] == ("2026-06-01", "2026-06-01")
    assert _start_and_status(assessment, at("2026-06-02"))[1] == ("2026-06-01", "2026-06-02")
    # Two starts: a review between them starts at the earlier one, as does the later start.
    planning = record(record_id="r-3", stage="support-planning", recorded_on="2026-03-01")
    assert _start_and_status(assessment, at("2026-04-01"), planning) == [
        ("2026-03-01", "2026-06-01"),
        ("2026-03-01", "2026-04-01"),
        ("2026-03-01", "2026-03-01"),
    ]
    # Another person's or framework's start is not this one's.
    other = record(record_id="r-4", person_id="p-2", recorded_on="2026-01-01")
    assert _start_and_status(other, at("2026-04-01"))[1] == (None, "2026-04-01")


_DAYS = st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2026, 1, 10))
_RECORDS = st.lists(
    st.tuples(
        st.sampled_from(["p-1", "p-2"]),
        st.sampled_from(["assessment", "support-planning", "review"]),
        _DAYS,
        st.lists(st.sampled_from(["seeing-people", "feeling-safe"]), min_size=1, max_size=2),
    ),
    max_size=8,
)


@given(_RECORDS)
def test_goals_of_any_records_start_on_or_before_their_date(
    drawn: list[tuple[str, str, dt.date, list[str]]],
) -> None:
    """For any records: startDate is the earliest start on or before the Goal's own date."""
    records = [
        record(record_id=f"r-{n}", person_id=person, stage=stage, recorded_on=day.isoformat(),
               outcomes=[_o(o) for o in outcomes])
        for n, (person, stage, day, outcomes) in enumerate(drawn)
    ]  # fmt: skip
    bundle: dict[str, Any] = goals_bundle(records, REGISTRY)
    assert _empties(bundle) == []
    assert ("entry" in bundle) == bool(records)
    goals = iter(entry["resource"] for entry in bundle.get("entry", []))
    for data in records:
        for outcome in data["outcomes"]:
            goal = next(goals)
            starts = [
                other["recorded_on"]
                for other in records
                if other["stage"] != "review"
                and other["person_id"] == data["person_id"]
                and other["recorded_on"] <= data["recorded_on"]
                and any(o["outcome"] == outcome["outcome"] for o in other["outcomes"])
            ]
            assert goal.get("startDate") == min(starts, default=None)
            assert goal["statusDate"] == data["recorded_on"]
    assert next(goals, None) is None


# ---- Options that do not apply to a KIND ----------------------------------------------------

GOALS_ONLY = "only to export goals"
FRAMEWORKS_ONLY = "only to export codesystem, valueset and skos"
REFUSED = [
    (["codesystem", "adults", "--patient-system", "urn:x"],
     f"--patient-system applies {GOALS_ONLY}, not codesystem"),
    (["valueset", "adults", TODAY_ARG], f"--today applies {GOALS_ONLY}, not valueset"),
    (["skos", "adults", "--input-format", "csv"], f"--input-format applies {GOALS_ONLY}, not skos"),
    (["codesystem", "adults", "--profile", "p.yaml"],
     f"--profile applies {GOALS_ONLY}, not codesystem"),
    (["valueset", "carers", "--encoding", "cp1252", "--delimiter", ";"],
     f"--encoding and --delimiter apply {GOALS_ONLY}, not valueset"),
    (["skos", "adults", "--patient-system", "urn:x", "--input-format", "json", TODAY_ARG],
     f"--patient-system, --input-format and --today apply {GOALS_ONLY}, not skos"),
    (["goals", "x.jsonl", "--framework-version", "9.9.9"],
     f"--framework-version applies {FRAMEWORKS_ONLY}, not goals"),
    (["goals", "x.jsonl", "--framework-version", ""],
     f"--framework-version applies {FRAMEWORKS_ONLY}, not goals"),
]  # fmt: skip


@pytest.mark.parametrize(("arguments", "message"), REFUSED)
def test_an_option_of_another_kind_is_a_usage_error(arguments: list[str], message: str) -> None:
    """Never silently ignored: one line naming the options, exit 2, nothing printed."""
    assert cli("export", *arguments) == (2, "", f"personal-outcomes export: error: {message}\n")


def test_each_kind_takes_its_own_options_anywhere() -> None:
    """The options that apply are taken before or after the targets, --framework-dir too."""
    code, out, err = cli(
        "export", "--framework-dir", "examples/frameworks", "goals", "--patient-system", "urn:x",
        "examples/records/reviews.jsonl", TODAY_ARG, "--input-format", "jsonl",
    )  # fmt: skip
    assert (code, err) == (0, "")
    Bundle.model_validate(json.loads(out))
    code, out, err = cli("export", "--framework-version", "1.0.0", "valueset", "adults")
    assert (code, json.loads(out)["version"], err) == (0, "1.0.0", "")


@pytest.mark.parametrize("kind", ["codesystem", "goals"])
def test_export_help_shows_both_forms(kind: str) -> None:
    """--help (after any KIND) gives both command lines and which options belong to which."""
    code, out, err = cli("export", kind, "--help")
    assert (code, err) == (0, "")
    assert out.startswith(
        "usage: personal-outcomes export codesystem|valueset|skos FRAMEWORK "
        "[--framework-version VERSION]\n"
        "           [--base-uri URI]\n"
        "       personal-outcomes export goals FILE... [--base-uri URI] [--patient-system URI]\n"
        "           [--input-format FORMAT] [--profile PROFILE] [--encoding ENCODING]\n"
        "           [--delimiter DELIMITER] [--today YYYY-MM-DD]\n"
    )
    assert "\ncodesystem, valueset and skos only:\n  --framework-version VERSION\n" in out
    assert "\ngoals only:\n  --patient-system URI" in out
