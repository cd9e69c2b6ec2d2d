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
