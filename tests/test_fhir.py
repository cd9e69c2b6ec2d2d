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
from fhir.resources.R4B.codesystem import CodeSystem
from fhir.resources.R4B.valueset import ValueSet

from personal_outcomes import Framework, bundled
from personal_outcomes._cli import run
from personal_outcomes.frameworks._registry import parse_framework
from personal_outcomes.interop import codesystem, fhir_url, valueset

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
