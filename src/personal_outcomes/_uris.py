"""The project's one canonical base URI, defined here and nowhere else."""

from __future__ import annotations

from typing import Final

#: The base of every identifier the project mints: JSON Schema ``$id``\ s now,
#: FHIR canonical URLs and identifier systems later. Functions that mint
#: identifiers take a ``base_uri`` argument to override it.
BASE_URI: Final = "https://w3id.org/personal-outcomes/"


def schema_uri(name: str, base_uri: str = BASE_URI) -> str:
    """Return the ``$id`` of a published JSON Schema.

    >>> schema_uri("framework.schema.json")
    'https://w3id.org/personal-outcomes/schemas/framework.schema.json'
    """
    return f"{base_uri.rstrip('/')}/schemas/{name}"


def concept_uri(framework_id: str, concept_id: str | None = None, base_uri: str = BASE_URI) -> str:
    """Return the IRI of a framework (its SKOS concept scheme) or of a concept in it.

    A concept is a category or an outcome, by its id. The IRIs carry no version: an id
    keeps its meaning from one version of a framework to the next.

    >>> concept_uri("adults")
    'https://w3id.org/personal-outcomes/id/adults'
    >>> concept_uri("adults", "seeing-people")
    'https://w3id.org/personal-outcomes/id/adults/seeing-people'
    """
    scheme = f"{base_uri.rstrip('/')}/id/{framework_id}"
    return scheme if concept_id is None else f"{scheme}/{concept_id}"
