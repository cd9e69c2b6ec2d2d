"""FHIR R4 (4.0.1) resources of a framework: its CodeSystem and its ValueSet.

The CodeSystem holds the framework's categories as parent concepts, marked not
selectable, and its outcomes as their children: ``code`` the outcome id, ``display``
its label, ``definition`` its description, each published variant label a designation,
a retired outcome's ``status`` ``deprecated`` (with what replaced it). The ValueSet
holds the outcomes a new record may name: every outcome not retired. Canonical URLs
are under the project's one base URI.
"""

from __future__ import annotations

from typing import Final

from personal_outcomes._uris import BASE_URI
from personal_outcomes.frameworks import Framework

#: The FHIR version these resources follow.
FHIR_VERSION: Final = "4.0.1"
#: Who publishes the resources: this project, not the frameworks' authors.
PUBLISHER: Final = "personal-outcomes (an independent implementation of the published frameworks)"
_CONCEPT_PROPERTIES: Final = "http://hl7.org/fhir/concept-properties"
_DESIGNATION_USAGE: Final = "http://terminology.hl7.org/CodeSystem/designation-usage"


def fhir_url(kind: str, framework_id: str, base_uri: str = BASE_URI) -> str:
    """Return the canonical URL of a resource of a framework.

    >>> fhir_url("CodeSystem", "adults")
    'https://w3id.org/personal-outcomes/fhir/CodeSystem/adults'
    """
    return f"{base_uri.rstrip('/')}/fhir/{kind}/{framework_id}"


def _name(framework: Framework) -> str:
    """Return a name fit for machines (``^[A-Z][A-Za-z0-9_]*$``): PersonalOutcomesCareHomes."""
    words = framework.id.replace("_", "-").split("-")
    return "PersonalOutcomes" + "".join(word[:1].upper() + word[1:] for word in words if word)


def _description(framework: Framework) -> str:
    canonical = next(s for s in framework.sources if s.key == framework.canonical_source)
    return (
        f"{framework.population} Outcome labels as published; descriptions are this "
        f"project's own. Canonical source: {canonical.citation}"
    )


def codesystem(framework: Framework, *, base_uri: str = BASE_URI) -> dict[str, object]:
    """Return the FHIR R4 CodeSystem of a framework version, as JSON-ready data.

    >>> from personal_outcomes import bundled
    >>> resource = codesystem(bundled().get("adults"))
    >>> resource["url"], resource["count"], resource["hierarchyMeaning"]
    ('https://w3id.org/personal-outcomes/fhir/CodeSystem/adults', 18, 'grouped-by')

    Raises :class:`ValueError` if a category and an outcome share an id (a code must
    be unique in a CodeSystem).
    """
    codes = [category.id for category in framework.categories] + list(framework.outcome_ids)
    if len(set(codes)) != len(codes):
        message = f"framework '{framework.id}' uses an id for a category and an outcome alike"
        raise ValueError(message)
    url = fhir_url("CodeSystem", framework.id, base_uri)
    concepts: list[dict[str, object]] = []
    for category in framework.categories:
        children: list[dict[str, object]] = []
        for outcome in category.outcomes:
            concept: dict[str, object] = {
                "code": outcome.id,
                "display": outcome.label,
                "definition": outcome.description,
            }
            if outcome.aliases:
                concept["designation"] = [
                    {
                        "use": {"system": _DESIGNATION_USAGE, "code": "synonym"},
                        "value": alias.label,
                    }
                    for alias in outcome.aliases
                ]
            if outcome.retired:
                status: list[dict[str, object]] = [{"code": "status", "valueCode": "deprecated"}]
                if outcome.replaced_by is not None:
                    status.append({"code": "replacedBy", "valueCode": outcome.replaced_by})
                concept["property"] = status
            children.append(concept)
        concepts.append(
            {
                "code": category.id,
                "display": category.label,
                "definition": category.description,
                "property": [{"code": "notSelectable", "valueBoolean": True}],
                "concept": children,
            }
        )
    return {
        "resourceType": "CodeSystem",
        "id": framework.id,
        "url": url,
        "version": framework.version,
        "name": _name(framework),
        "title": framework.title,
        "status": "active",
        "experimental": False,
        "publisher": PUBLISHER,
        "description": _description(framework),
        "caseSensitive": True,
        "valueSet": fhir_url("ValueSet", framework.id, base_uri),
        "hierarchyMeaning": "grouped-by",
        "content": "complete",
        "count": len(codes),
        "property": [
            {
                "code": "notSelectable",
                "uri": f"{_CONCEPT_PROPERTIES}#notSelectable",
                "description": "A category: it groups outcomes, and is never recorded itself.",
                "type": "boolean",
            },
            {
                "code": "status",
                "uri": f"{_CONCEPT_PROPERTIES}#status",
                "description": "deprecated: a retired outcome, still valid in old records.",
                "type": "code",
            },
            {
                "code": "replacedBy",
                "uri": f"{url}#replacedBy",
                "description": "The outcome that replaced a retired one.",
                "type": "code",
            },
        ],
        "concept": concepts,
    }


def valueset(framework: Framework, *, base_uri: str = BASE_URI) -> dict[str, object]:
    """Return the FHIR R4 ValueSet of the outcomes a new record may name (not retired).

    >>> from personal_outcomes import bundled
    >>> resource = valueset(bundled().get("carers"))
    >>> include = resource["compose"]["include"][0]
    >>> include["system"], include["version"], len(include["concept"])
    ('https://w3id.org/personal-outcomes/fhir/CodeSystem/carers', '1.1.0', 14)
    """
    concepts = [
        {"code": outcome.id, "display": outcome.label}
        for category in framework.categories
        for outcome in category.outcomes
        if not outcome.retired
    ]
    return {
        "resourceType": "ValueSet",
        "id": framework.id,
        "url": fhir_url("ValueSet", framework.id, base_uri),
        "version": framework.version,
        "name": _name(framework),
        "title": framework.title,
        "status": "active",
        "experimental": False,
        "publisher": PUBLISHER,
        "description": (
            f"The outcomes of {framework.title} ({framework.id} {framework.version}) that a "
            "new record may name: all but retired ones."
        ),
        "compose": {
            "include": [
                {
                    "system": fhir_url("CodeSystem", framework.id, base_uri),
                    "version": framework.version,
                    "concept": concepts,
                }
            ]
        },
    }
