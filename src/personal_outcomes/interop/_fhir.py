"""FHIR R4 (4.0.1) resources of a framework: its CodeSystem and its ValueSet.

The CodeSystem holds the framework's categories as parent concepts, marked not
selectable, and its outcomes as their children: ``code`` the outcome id, ``display``
its label, ``definition`` its description, each published variant label a designation,
a retired outcome's ``status`` ``deprecated`` (with what replaced it). The ValueSet
holds the outcomes a new record may name: every outcome not retired. Canonical URLs
are under the project's one base URI. A local framework derived from another one
(its ``based_on``) has a complete CodeSystem of its own that declares its base with
the core ``cqf-relatedArtifact`` extension, type ``derived-from`` (not ``supplements``:
a supplement cannot add codes).

Every URI given is checked first: canonical URLs need an absolute URI without ``#``
(``check_base_uri``), and FHIR JSON never holds an empty list, so a framework that
would give one is refused rather than exported.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Final, cast

from personal_outcomes._uris import BASE_URI, check_base_uri
from personal_outcomes.frameworks import Framework, Registry
from personal_outcomes.frameworks._derive import resolve_base

#: The FHIR version these resources follow.
FHIR_VERSION: Final = "4.0.1"
#: Who publishes the resources: this project, not the frameworks' authors.
PUBLISHER: Final = "personal-outcomes (an independent implementation of the published frameworks)"
_CONCEPT_PROPERTIES: Final = "http://hl7.org/fhir/concept-properties"
_DESIGNATION_USAGE: Final = "http://terminology.hl7.org/CodeSystem/designation-usage"


def fhir_url(kind: str, framework_id: str, base_uri: str = BASE_URI) -> str:
    """Return the canonical URL of a resource of a framework (the base is not checked).

    >>> fhir_url("CodeSystem", "adults")
    'https://w3id.org/personal-outcomes/fhir/CodeSystem/adults'
    """
    return f"{base_uri.rstrip('/')}/fhir/{kind}/{framework_id}"


def _check_base(base_uri: str) -> None:
    """Raise :class:`ValueError` unless the base gives canonical URLs: an absolute URI, no ``#``."""
    check_base_uri(base_uri, ascii_only=True, fragment=False)


def _check_codes(framework: Framework) -> None:
    """Raise :class:`ValueError` unless the codes make a CodeSystem: unique, none missing."""
    codes = [category.id for category in framework.categories] + list(framework.outcome_ids)
    if len(set(codes)) != len(codes):
        message = f"framework '{framework.id}' uses an id for a category and an outcome alike"
        raise ValueError(message)
    if not framework.categories or not all(category.outcomes for category in framework.categories):
        message = (
            f"framework '{framework.id}' has no categories, or a category without outcomes: "
            "a CodeSystem cannot hold an empty list of concepts"
        )
        raise ValueError(message)


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


#: The R4 core extension that names a related artifact, such as what a resource derives from.
RELATED_ARTIFACT: Final = "http://hl7.org/fhir/StructureDefinition/cqf-relatedArtifact"


def _derived_from(framework: Framework, base_uri: str) -> dict[str, object]:
    """Return the ``extension`` and ``description`` that declare a framework's base, if any."""
    if framework.based_on is None:
        return {"description": _description(framework)}
    base_id, _, base_version = framework.based_on.partition("@")
    base = f"{fhir_url('CodeSystem', base_id, base_uri)}|{base_version}"
    return {
        "extension": [
            {
                "url": RELATED_ARTIFACT,
                "valueRelatedArtifact": {"type": "derived-from", "resource": base},
            }
        ],
        "description": (
            f"{_description(framework)} A local framework derived from framework "
            f"'{base_id}' version {base_version} (CodeSystem {base}): it keeps every code "
            "of that version, and may add, relabel and retire outcomes."
        ),
    }


def codesystem(framework: Framework, *, base_uri: str = BASE_URI) -> dict[str, object]:
    """Return the FHIR R4 CodeSystem of a framework version, as JSON-ready data.

    >>> from personal_outcomes import bundled
    >>> resource = codesystem(bundled().get("adults"))
    >>> resource["url"], resource["count"], resource["hierarchyMeaning"]
    ('https://w3id.org/personal-outcomes/fhir/CodeSystem/adults', 18, 'grouped-by')

    A framework derived from another one (one with a ``based_on``) gets a complete
    CodeSystem of its own, under its own id, whose ``extension`` declares its base:
    the R4 core extension ``cqf-relatedArtifact`` with a ``derived-from``
    RelatedArtifact naming the base CodeSystem's canonical URL and version.

    Raises :class:`ValueError` if ``base_uri`` does not give canonical URLs (it must be
    an absolute URI without ``#``), if a category and an outcome share an id (a code must
    be unique in a CodeSystem), or if the framework has no categories or a category
    without outcomes (FHIR JSON has no empty lists).
    """
    _check_base(base_uri)
    _check_codes(framework)
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
        **_derived_from(framework, base_uri),
        "url": url,
        "version": framework.version,
        "name": _name(framework),
        "title": framework.title,
        "status": "active",
        "experimental": False,
        "publisher": PUBLISHER,
        "caseSensitive": True,
        "valueSet": fhir_url("ValueSet", framework.id, base_uri),
        "hierarchyMeaning": "grouped-by",
        "content": "complete",
        "count": len(framework.categories) + len(framework.outcome_ids),
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

    Raises :class:`ValueError` if ``base_uri`` does not give canonical URLs (it must be
    an absolute URI without ``#``), or if every outcome is retired: an ``include``
    without ``concept`` would mean every code of the CodeSystem, and FHIR JSON has no
    empty lists, so such a ValueSet cannot be written.
    """
    _check_base(base_uri)
    concepts = [
        {"code": outcome.id, "display": outcome.label}
        for category in framework.categories
        for outcome in category.outcomes
        if not outcome.retired
    ]
    if not concepts:
        message = (
            f"framework '{framework.id}' version {framework.version} has no outcome a new "
            "record may name (every outcome is retired), so it has no ValueSet"
        )
        raise ValueError(message)
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


#: Where a Goal's lifecycle stands, by the record's stage (and, at review, its level).
LIFECYCLE: Final = {"assessment": "proposed", "support-planning": "active"}
#: A review level's lifecycle status; any other level (not-met, partly-met) is ``active``.
REVIEW_LIFECYCLE: Final = {"met": "completed", "no-longer-relevant": "cancelled"}
#: A review level's achievement status; a level not listed gives none.
ACHIEVEMENT: Final = {"met": "achieved", "partly-met": "improving", "not-met": "not-achieved"}
_ACHIEVEMENT_SYSTEM: Final = "http://terminology.hl7.org/CodeSystem/goal-achievement"
#: Who expressed an outcome, by its ``perspective``: the resource type referred to, and a
#: display naming the role (never a person). ``person`` refers to the subject itself;
#: ``agreed`` (agreed between several people) names no one, so gives no ``expressedBy``.
EXPRESSED_BY: Final = {
    "family": ("RelatedPerson", "A family member"),
    "representative": ("RelatedPerson", "A representative (welfare guardian or attorney)"),
    "practitioner": ("Practitioner", "A practitioner"),
}
#: The default identifier system of the persons (Patients) Goals are about, under the
#: project's base URI; under another ``base_uri``, ``BASE/fhir/person-id`` likewise.
PATIENT_SYSTEM: Final = BASE_URI + "fhir/person-id"


def goal_id(record_id: str, position: int) -> str:
    """Return a Goal's stable id: a hash of its record's id and the outcome's place in it.

    An outcome id may appear twice in one record, so the place, not the id, tells them
    apart. The id fits FHIR's id pattern (letters, digits, '-' and '.', at most 64) and
    says nothing of the record.

    >>> goal_id("ab-2026-000123", 0)
    'po-bfd1aa71cc631adcf0309838ea5bb966b44e1b86'
    """
    digest = hashlib.sha256(f"{record_id}\x00{position}".encode()).hexdigest()
    return f"po-{digest[:40]}"


def goals_bundle(
    records: Iterable[Mapping[str, object]],
    registry: Registry,
    *,
    base_uri: str = BASE_URI,
    patient_system: str | None = None,
) -> dict[str, object]:
    """Return one FHIR R4 Bundle (``collection``) of a Goal per recorded outcome.

    ``records`` are valid records (their data). Each Goal: ``description`` coded from the
    CodeSystem of the framework version the record names (an earlier release of a bundled
    framework included; the newest if it names none), with the person's own words as its
    text; ``subject`` the person by identifier (``patient_system``, by default
    ``BASE/fhir/person-id`` under ``base_uri``; the ``person_id``), never by name;
    ``startDate`` the outcome's start: the date of the earliest assessment or
    support-planning record of the person and framework naming it (as
    :class:`~personal_outcomes.summaries.Journeys` finds it) when that is on or before the
    Goal's own record's date, none otherwise (no such record among ``records``, or only
    later ones: a Goal never starts after its ``statusDate``); ``lifecycleStatus`` and
    ``achievementStatus`` by stage and review level, as at ``statusDate`` (the record's
    date), with the review's ``status_note`` as ``statusReason``; ``category`` the
    outcome's category in the CodeSystem; ``expressedBy`` from the outcome's
    ``perspective``; why it matters and the contributions as notes. The mapping table and
    a comparison with the HL7 Person-Centered Outcomes IG are in the FHIR guide. Without
    records the Bundle has no ``entry`` (FHIR JSON has no empty lists). Records are held
    in memory to find the starts.

    Raises :class:`ValueError`, before reading any record, if ``base_uri`` does not give
    canonical URLs (it must be an absolute URI without ``#``) or ``patient_system`` is
    not an absolute URI.
    """
    _check_base(base_uri)
    if patient_system is None:
        patient_system = f"{base_uri.rstrip('/')}/fhir/person-id"
    check_base_uri(
        patient_system, name="the patient system", example=PATIENT_SYSTEM, ascii_only=True
    )
    held = list(records)
    starts = _starts(held)
    entries: list[dict[str, object]] = []
    frameworks: dict[tuple[str, object], Framework] = {}
    for data in held:
        framework = _framework(
            registry, str(data["framework"]), data.get("framework_version"), frameworks
        )
        day = str(data["recorded_on"])[:10]
        subject = {"identifier": {"system": patient_system, "value": data["person_id"]}}
        for position, outcome in enumerate(_outcomes(data)):
            identifier = goal_id(str(data["record_id"]), position)
            code = str(outcome["outcome"])
            goal: dict[str, object] = {
                "resourceType": "Goal",
                "id": identifier,
                **_statuses(str(data["stage"]), outcome.get("status")),
                **_coded(framework, code, base_uri),
            }
            goal["description"] = {"coding": goal.pop("coding"), "text": outcome["what_matters"]}
            goal["subject"] = subject
            start = starts.get((data["person_id"], data["framework"], code))
            if start is not None and start <= day:
                goal["startDate"] = start
            goal["statusDate"] = day
            if "status_note" in outcome:
                goal["statusReason"] = outcome["status_note"]
            perspective = outcome.get("perspective")
            if perspective == "person":
                goal["expressedBy"] = {"type": "Patient", **subject}
            elif perspective in EXPRESSED_BY:
                kind, role = EXPRESSED_BY[str(perspective)]
                goal["expressedBy"] = {"type": kind, "display": role}
            notes = _notes(outcome)
            if notes:
                goal["note"] = notes
            entries.append(
                {"fullUrl": f"{base_uri.rstrip('/')}/fhir/Goal/{identifier}", "resource": goal}
            )
    bundle: dict[str, object] = {"resourceType": "Bundle", "type": "collection"}
    if entries:
        bundle["entry"] = entries
    return bundle


def _starts(held: Iterable[Mapping[str, object]]) -> dict[tuple[object, object, object], str]:
    """Return the earliest start of each (person, framework, outcome) among the records."""
    starts: dict[tuple[object, object, object], str] = {}
    for data in held:
        if data["stage"] == "review":
            continue
        day = str(data["recorded_on"])[:10]
        for outcome in _outcomes(data):
            key = (data["person_id"], data["framework"], outcome["outcome"])
            if key not in starts or day < starts[key]:
                starts[key] = day
    return starts


def _framework(
    registry: Registry,
    framework_id: str,
    version: object,
    found: dict[tuple[str, object], Framework],
) -> Framework:
    """Return the framework version a record names (the newest if none); remember it."""
    key = (framework_id, version)
    if key not in found:
        named = resolve_base(registry, f"{framework_id}@{version}") if version else None
        found[key] = named if isinstance(named, Framework) else registry.get(framework_id)
    return found[key]


def _statuses(stage: str, status: object) -> dict[str, object]:
    """Return a Goal's ``lifecycleStatus`` and ``achievementStatus`` (if any) by stage."""
    if stage != "review":
        return {"lifecycleStatus": LIFECYCLE[stage]}
    found: dict[str, object] = {"lifecycleStatus": REVIEW_LIFECYCLE.get(str(status), "active")}
    achieved = ACHIEVEMENT.get(str(status))
    if achieved is not None:
        found["achievementStatus"] = {"coding": [{"system": _ACHIEVEMENT_SYSTEM, "code": achieved}]}
    return found


def _coded(framework: Framework, code: str, base_uri: str) -> dict[str, object]:
    """Return a Goal's ``category`` and the ``coding`` of its ``description``."""
    coding = {
        "system": fhir_url("CodeSystem", framework.id, base_uri),
        "version": framework.version,
        "code": code,
    }
    if code not in framework:
        return {"coding": [coding]}
    category = framework.category_of(code)
    return {
        "category": [{"coding": [{**coding, "code": category.id, "display": category.label}]}],
        "coding": [{**coding, "display": framework.outcome(code).label}],
    }


def _notes(outcome: Mapping[str, object]) -> list[dict[str, object]]:
    """Return a Goal's notes: why the outcome matters, then who will do what."""
    notes: list[dict[str, object]] = []
    if "why_it_matters" in outcome:
        notes.append({"text": f"Why it matters: {outcome['why_it_matters']}"})
    contributions = cast("list[dict[str, str]]", outcome.get("contributions", []))
    notes += [{"text": f"{item['by']}: {item['what']}"} for item in contributions]
    return notes


def _outcomes(data: Mapping[str, object]) -> list[Mapping[str, object]]:
    outcomes: list[Mapping[str, object]] = data["outcomes"]  # type: ignore[assignment]
    return outcomes
