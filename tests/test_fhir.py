"""The frameworks as FHIR R4 CodeSystems and ValueSets, checked by an independent library.

``fhir.resources`` (its R4B models, whose CodeSystem and ValueSet are R4's) validates
every resource exported; the mapping is checked against a hand-written table.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.codesystem import CodeSystem
from fhir.resources.R4B.valueset import ValueSet

from factories import TODAY_ARG, record
from personal_outcomes import Framework, bundled
from personal_outcomes._cli import run
from personal_outcomes.frameworks._registry import parse_framework
from personal_outcomes.interop import codesystem, fhir_url, goal_id, goals_bundle, valueset

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
    older = record(framework_version="1.0.0")
    goals = goals_bundle([older], REGISTRY)
    assert goals["entry"][0]["resource"]["description"]["coding"][0]["version"] == "1.1.0"  # type: ignore[index]


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
