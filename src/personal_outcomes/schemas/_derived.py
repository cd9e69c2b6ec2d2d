"""The JSON Schema (draft 2020-12) of derived framework files (local frameworks).

A derived file names a framework it ``extends`` (``ID@VERSION``) and says what
its own framework adds, relabels and retires. It is defined here as data, from
the same parts as the framework file schema; ``tools/write_schemas.py`` writes it
to the file shipped in the package (``derived-framework.schema.json``) and a test
proves the two agree.
"""

from __future__ import annotations

from typing import Final

from personal_outcomes._uris import BASE_URI, schema_uri
from personal_outcomes.schemas._framework import (
    ID_PATTERN,
    aliases_schema,
    base_schema,
    identifier_schema,
    object_schema,
    opening_questions_schema,
    outcome_properties,
    source_key_schema,
    source_schema,
    text_schema,
    version_schema,
    whole,
)

DERIVED_FRAMEWORK_SCHEMA_NAME: Final = "derived-framework.schema.json"


def derived_framework_schema(base_uri: str = BASE_URI) -> dict[str, object]:
    """Return the JSON Schema of derived framework files, with its ``$id`` under ``base_uri``."""
    outcome = outcome_properties()
    added = object_schema(
        ["id", "label", "category"],
        {
            "id": identifier_schema(),
            "label": outcome["label"],
            "category": identifier_schema(),
            "about": outcome["about"],
            "description": outcome["description"],
            "prompts": outcome["prompts"],
            "aliases": aliases_schema(),
            "statement": outcome["statement"],
        },
    )
    retired = object_schema(["id"], {"id": identifier_schema(), "replaced_by": identifier_schema()})
    schema = object_schema(
        ["id", "version", "title", "extends"],
        {
            "id": identifier_schema(),
            "version": version_schema(),
            "title": text_schema(200),
            "extends": base_schema(),
            "population": text_schema(1000),
            "opening_questions": opening_questions_schema(),
            "canonical_source": source_key_schema(),
            "sources": {"type": "array", "minItems": 1, "items": source_schema()},
            "add": {"type": "array", "minItems": 1, "items": added},
            "relabel": {
                "type": "object",
                "minProperties": 1,
                "propertyNames": {"pattern": whole(ID_PATTERN), "maxLength": 64},
                "additionalProperties": text_schema(200),
            },
            "retire": {"type": "array", "minItems": 1, "items": retired},
            # Named only to be refused with a message of its own.
            "remove": {
                "not": {},
                "description": "Outcomes are never removed (records name them): retire them.",
            },
        },
    )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": schema_uri(DERIVED_FRAMEWORK_SCHEMA_NAME, base_uri),
        "title": "Personal Outcomes derived framework file",
        "description": (
            "A local framework derived from another one: the framework it extends "
            "(ID@VERSION), and the outcomes it adds, relabels and retires."
        ),
        **schema,
    }
