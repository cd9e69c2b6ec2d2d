"""Interoperability: the frameworks as FHIR R4 resources.

:func:`codesystem` gives a framework version as a FHIR R4 (4.0.1) CodeSystem, and
:func:`valueset` the outcomes a new record may name; their canonical URLs are under the
project's one base URI (:func:`fhir_url`). :func:`goals_bundle` gives valid records as
a Bundle of a Goal per recorded outcome. ``personal-outcomes export codesystem``,
``export valueset`` and ``export goals`` print them.
:func:`crosswalk` gives the project's own crosswalk from every outcome to the
Scottish National Health and Wellbeing Outcomes it serves (:class:`Crosswalk`).
:func:`skos` gives a framework version as a SKOS concept scheme in Turtle, its IRIs
minted by :func:`concept_uri` (``export skos``).
"""

from __future__ import annotations

from personal_outcomes._uris import concept_uri
from personal_outcomes.interop._crosswalk import (
    Crosswalk,
    CrosswalkEntry,
    NationalLink,
    NationalOutcome,
    crosswalk,
    load_crosswalk,
    national_outcome_uri,
)
from personal_outcomes.interop._fhir import (
    FHIR_VERSION,
    codesystem,
    fhir_url,
    goal_id,
    goals_bundle,
    valueset,
)
from personal_outcomes.interop._skos import skos

__all__ = [
    "FHIR_VERSION",
    "Crosswalk",
    "CrosswalkEntry",
    "NationalLink",
    "NationalOutcome",
    "codesystem",
    "concept_uri",
    "crosswalk",
    "fhir_url",
    "goal_id",
    "goals_bundle",
    "load_crosswalk",
    "national_outcome_uri",
    "skos",
    "valueset",
]


def __dir__() -> list[str]:
    return sorted(__all__)
