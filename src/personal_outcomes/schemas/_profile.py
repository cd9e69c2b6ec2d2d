"""The JSON Schema (draft 2020-12) of import profiles: how an export maps onto records.

An import profile is a small YAML file that says how a care system's export (CSV or
Excel, with its own column names, words, date format and encoding) maps onto the
long format of record format 1 (one row per outcome). The schema is defined here
from the record format's own constants; ``tools/write_schemas.py`` writes it to the
file shipped in the package and a test proves the two agree.
"""

from __future__ import annotations

from typing import Final

from personal_outcomes._record_format import (
    CONTEXT_KEY_PATTERN,
    OUTCOME_FIELDS,
    OUTCOME_REQUIRED,
    PERSPECTIVES,
    RECORD_FIELDS,
    RECORD_REQUIRED,
    STAGES,
    TEXT_PATTERN,
)
from personal_outcomes._uris import BASE_URI, schema_uri
from personal_outcomes.schemas._framework import whole

PROFILE_SCHEMA_NAME: Final = "profile.schema.json"
#: The version of the profile format a profile must declare (``profile: 1``).
PROFILE_VERSION: Final = 1
#: Export formats a profile can read.
EXPORT_FORMATS: Final = ("csv", "xlsx")
#: Text encodings a CSV export can be in (utf-8 may start with a byte order mark).
ENCODINGS: Final = ("utf-8", "cp1252", "utf-16")
#: The fields a profile maps: the columns of the record format's long format.
PROFILE_FIELDS: Final = tuple(
    name for name in (*RECORD_FIELDS, *OUTCOME_FIELDS) if name not in {"context", "outcomes"}
)
#: The fields every profile must map.
PROFILE_REQUIRED: Final = tuple(
    name for name in (*RECORD_REQUIRED, *OUTCOME_REQUIRED) if name != "outcomes"
)
#: The longest column name, value or value table key a profile may hold.
MAX_PROFILE_TEXT: Final = 200
#: The most entries a value table may have.
MAX_VALUES: Final = 1_000


def _text() -> dict[str, object]:
    return {
        "type": "string",
        "minLength": 1,
        "maxLength": MAX_PROFILE_TEXT,
        "pattern": TEXT_PATTERN,
    }


def _table(target: dict[str, object]) -> dict[str, object]:
    return {
        "type": "object",
        "minProperties": 1,
        "maxProperties": MAX_VALUES,
        "propertyNames": {"minLength": 1, "maxLength": MAX_PROFILE_TEXT, "pattern": TEXT_PATTERN},
        "additionalProperties": target,
    }


def _from_column(extra: dict[str, object]) -> dict[str, object]:
    return {
        "type": "object",
        "required": ["column"],
        "additionalProperties": False,
        "properties": {"column": {"$ref": "#/$defs/column"}, **extra},
    }


def _mapping(*shapes: dict[str, object]) -> dict[str, object]:
    return {"oneOf": [{"$ref": "#/$defs/column"}, {"$ref": "#/$defs/constant"}, *shapes]}


def profile_schema(base_uri: str = BASE_URI) -> dict[str, object]:
    """Return the JSON Schema of import profiles, with its ``$id`` under ``base_uri``."""
    plain = _mapping(_from_column({"values": _table(_text())}))
    fields: dict[str, object] = dict.fromkeys(PROFILE_FIELDS, plain)
    fields["stage"] = _mapping(_from_column({"values": _table({"enum": list(STAGES)})}))
    fields["perspective"] = _mapping(_from_column({"values": _table({"enum": list(PERSPECTIVES)})}))
    fields["recorded_on"] = _mapping(
        _from_column({"date_format": {"type": "string", "pattern": "%", "maxLength": 100}})
    )
    fields["outcome"] = _mapping(
        _from_column({"values": _table(_text()), "match": {"enum": ["id", "label"]}})
    )
    context_key = CONTEXT_KEY_PATTERN.removeprefix("^")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": schema_uri(PROFILE_SCHEMA_NAME, base_uri),
        "title": "personal-outcomes import profile",
        "description": (
            "How an export from a care system (CSV or Excel) maps onto the long format of "
            "personal-outcomes record format 1: one row per outcome."
        ),
        "type": "object",
        "required": ["profile", "format", "fields"],
        "additionalProperties": False,
        "properties": {
            "profile": {"const": PROFILE_VERSION},
            "format": {"enum": list(EXPORT_FORMATS)},
            "encoding": {"enum": list(ENCODINGS)},
            "delimiter": {"enum": [",", ";", "\t", "|"]},
            "sheet": {"type": "string", "minLength": 1, "maxLength": 31},
            "header_row": {"type": "integer", "minimum": 1, "maximum": 1000},
            "fields": {
                "type": "object",
                "required": list(PROFILE_REQUIRED),
                "properties": fields,
                "patternProperties": {whole(f"^context\\.{context_key}"): plain},
                "additionalProperties": False,
            },
        },
        "allOf": [
            {
                "if": {"properties": {"format": {"const": "xlsx"}}},
                "then": {
                    "not": {"anyOf": [{"required": ["encoding"]}, {"required": ["delimiter"]}]}
                },
            },
            {
                "if": {"properties": {"format": {"const": "csv"}}},
                "then": {"not": {"required": ["sheet"]}},
            },
        ],
        "$defs": {
            "column": _text(),
            "constant": {
                "type": "object",
                "required": ["value"],
                "additionalProperties": False,
                "properties": {"value": _text()},
            },
        },
    }
