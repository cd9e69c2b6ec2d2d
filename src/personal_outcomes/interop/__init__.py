"""Interoperability: the frameworks as FHIR R4 resources.

:func:`codesystem` gives a framework version as a FHIR R4 (4.0.1) CodeSystem, and
:func:`valueset` the outcomes a new record may name; their canonical URLs are under the
project's one base URI (:func:`fhir_url`). :func:`goals_bundle` gives valid records as
a Bundle of a Goal per recorded outcome. ``personal-outcomes export codesystem``,
``export valueset`` and ``export goals`` print them.
"""

from __future__ import annotations

from personal_outcomes.interop._fhir import (
    FHIR_VERSION,
    codesystem,
    fhir_url,
    goal_id,
    goals_bundle,
    valueset,
)

__all__ = ["FHIR_VERSION", "codesystem", "fhir_url", "goal_id", "goals_bundle", "valueset"]


def __dir__() -> list[str]:
    return sorted(__all__)
