"""The JSON Schema (draft 2020-12) of the crosswalk to the National Health and Wellbeing Outcomes.

The crosswalk file (``frameworks/crosswalks/national-outcomes.yaml``) names the nine
national outcomes and, for each outcome of the bundled frameworks, the national
outcomes it serves, each with a rationale. The schema is defined here;
``tools/write_schemas.py`` writes it to the file shipped in the package and a test
proves the two agree. What a schema cannot state (the nine numbered in order, no
outcome twice, ids that exist) is checked by the crosswalk's loader.
"""

from __future__ import annotations

from typing import Final

from personal_outcomes._record_format import TEXT_PATTERN
from personal_outcomes._uris import BASE_URI, schema_uri
from personal_outcomes.schemas._framework import ID_PATTERN, VERSION_PATTERN, whole

CROSSWALK_SCHEMA_NAME: Final = "crosswalk.schema.json"
#: The id every crosswalk file to the national outcomes declares.
CROSSWALK_ID: Final = "national-outcomes"
#: How many National Health and Wellbeing Outcomes there are (numbered from 1).
NATIONAL_OUTCOMES: Final = 9
#: The most national outcomes one outcome may be linked to.
MAX_LINKS: Final = 3


def _text(max_length: int) -> dict[str, object]:
    return {"type": "string", "minLength": 1, "maxLength": max_length, "pattern": TEXT_PATTERN}


def _object(required: list[str], properties: dict[str, object]) -> dict[str, object]:
    return {
        "type": "object",
        "required": required,
        "additionalProperties": False,
        "properties": properties,
    }


def crosswalk_schema(base_uri: str = BASE_URI) -> dict[str, object]:
    """Return the JSON Schema of the national outcomes crosswalk, ``$id`` under ``base_uri``."""
    identifier = {"type": "string", "pattern": whole(ID_PATTERN), "maxLength": 64}
    number = {"type": "integer", "minimum": 1, "maximum": NATIONAL_OUTCOMES}
    national = _object(
        ["number", "title", "wording"],
        {"number": number, "title": _text(100), "wording": _text(500)},
    )
    link = _object(["number", "rationale"], {"number": number, "rationale": _text(300)})
    entry = _object(
        ["outcome", "national_outcomes"],
        {
            "outcome": identifier,
            "national_outcomes": {
                "type": "array",
                "minItems": 1,
                "maxItems": MAX_LINKS,
                "items": link,
            },
        },
    )
    schema = _object(
        ["id", "version", "statement", "source", "national_outcomes", "frameworks"],
        {
            "id": {"const": CROSSWALK_ID},
            "version": {"type": "string", "pattern": whole(VERSION_PATTERN)},
            "statement": _text(1000),
            "source": _text(1000),
            "national_outcomes": {
                "type": "array",
                "minItems": NATIONAL_OUTCOMES,
                "maxItems": NATIONAL_OUTCOMES,
                "items": national,
            },
            "frameworks": {
                "type": "object",
                "propertyNames": identifier,
                "additionalProperties": {"type": "array", "minItems": 1, "items": entry},
            },
        },
    )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": schema_uri(CROSSWALK_SCHEMA_NAME, base_uri),
        "title": "personal-outcomes crosswalk to the National Health and Wellbeing Outcomes",
        "description": (
            "The project's own mapping from each outcome of the Talking Points frameworks to "
            "the Scottish National Health and Wellbeing Outcomes it serves; no official "
            "mapping exists."
        ),
        **schema,
    }
