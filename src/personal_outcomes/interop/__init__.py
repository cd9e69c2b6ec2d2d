"""Interoperability: the frameworks as FHIR R4 resources.

:func:`codesystem` gives a framework version as a FHIR R4 (4.0.1) CodeSystem, and
:func:`valueset` the outcomes a new record may name; their canonical URLs are under the
project's one base URI (:func:`fhir_url`). ``personal-outcomes export codesystem`` and
``export valueset`` print them.
"""

from __future__ import annotations

from personal_outcomes.interop._fhir import FHIR_VERSION, codesystem, fhir_url, valueset

__all__ = ["FHIR_VERSION", "codesystem", "fhir_url", "valueset"]


def __dir__() -> list[str]:
    return sorted(__all__)
