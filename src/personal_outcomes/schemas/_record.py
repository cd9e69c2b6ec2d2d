"""JSON Schemas (draft 2020-12) for records: one generic, one per framework version.

They state the same structural rules as the checker, from the same constants in
``_record_format``; a test proves the checker and these schemas agree. A
per-framework schema also lists that framework's outcome ids and review levels.
Each schema is self-contained (its only ``$ref`` s point inside it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from personal_outcomes._record_format import (
    CONTEXT_KEY_PATTERN,
    CONTRIBUTION_FIELDS,
    CONTRIBUTORS,
    DATE_PATTERN,
    IDENTIFIER_PATTERN,
    MAX_CONTEXT_FIELDS,
    MAX_CONTRIBUTIONS,
    MAX_LENGTH,
    MAX_OUTCOMES,
    OUTCOME_REQUIRED,
    PERSPECTIVES,
    RECORD_FORMAT_VERSION,
    RECORD_REQUIRED,
    STAGES,
    TEXT_PATTERN,
)
from personal_outcomes._releases import earlier_releases
from personal_outcomes._uris import BASE_URI, schema_uri
from personal_outcomes.schemas._framework import ID_PATTERN, VERSION_PATTERN, whole

if TYPE_CHECKING:
    from personal_outcomes.frameworks import Framework

RECORD_SCHEMA_NAME: Final = "record.schema.json"


def record_schema_name(framework: Framework | None = None, version: str | None = None) -> str:
    """Return the file name of a record schema, relative to the schemas folder.

    ``version`` names an earlier release of ``framework`` (see :func:`record_schema`).

    >>> from personal_outcomes import bundled
    >>> record_schema_name(bundled().get("adults"), "1.0.0")
    'records/adults-1.0.0.schema.json'
    """
    if framework is None:
        return RECORD_SCHEMA_NAME
    return f"records/{framework.id}-{version or framework.version}.schema.json"


def _text(name: str) -> dict[str, object]:
    return {
        "type": "string",
        "minLength": 1,
        "maxLength": MAX_LENGTH[name],
        "pattern": TEXT_PATTERN,
    }


def _identifier(name: str) -> dict[str, object]:
    return {
        "type": "string",
        "minLength": 1,
        "maxLength": MAX_LENGTH[name],
        "pattern": whole(IDENTIFIER_PATTERN),
    }


def record_schema(
    framework: Framework | None = None, base_uri: str = BASE_URI, *, version: str | None = None
) -> dict[str, object]:
    """Return the JSON Schema of records: generic, or for one framework version.

    ``version`` asks for an earlier release of a bundled ``framework``, as the
    manifest records it: the same schema with that release's outcome ids (the
    validator reads such records the same way). Raises :class:`ValueError` for
    a version that is not an earlier release of ``framework``.
    """
    release = None
    if framework is not None and version is not None and version != framework.version:
        release = next((r for r in earlier_releases(framework) if r.version == version), None)
        if release is None:
            message = f"{version} is not an earlier release of framework '{framework.id}'"
            raise ValueError(message)
    if framework is None:
        framework_field: dict[str, object] = {"type": "string", "pattern": whole(ID_PATTERN)}
        version_field: dict[str, object] = {"type": "string", "pattern": whole(VERSION_PATTERN)}
        outcome_field: dict[str, object] = {"type": "string"}
        status_field: dict[str, object] = {"type": "string", "minLength": 1}
        title = f"Personal outcomes record (format version {RECORD_FORMAT_VERSION})"
    else:
        ids = framework.outcome_ids
        if release is not None:
            ids = tuple(i for i in ids if i in release.outcome_ids)
        framework_field = {"const": framework.id}
        version_field = {"const": version or framework.version}
        outcome_field = {"enum": list(ids)}
        status_field = {"enum": list(framework.review_scale.ids)}
        title = (
            f"Personal outcomes record (format version {RECORD_FORMAT_VERSION}) for framework "
            f"'{framework.id}' {version or framework.version}"
        )
    contribution = {
        "type": "object",
        "required": list(CONTRIBUTION_FIELDS),
        "additionalProperties": False,
        "properties": {"by": {"enum": list(CONTRIBUTORS)}, "what": _text("what")},
    }
    outcome = {
        "type": "object",
        "required": list(OUTCOME_REQUIRED),
        "additionalProperties": False,
        "properties": {
            "outcome": outcome_field,
            "what_matters": _text("what_matters"),
            "why_it_matters": _text("why_it_matters"),
            "contributions": {
                "type": "array",
                "minItems": 1,
                "maxItems": MAX_CONTRIBUTIONS,
                "items": {"$ref": "#/$defs/contribution"},
            },
            "status": status_field,
            "status_note": _text("status_note"),
            "perspective": {"enum": list(PERSPECTIVES)},
        },
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": schema_uri(record_schema_name(framework, version), base_uri),
        "title": title,
        "type": "object",
        "required": list(RECORD_REQUIRED),
        "additionalProperties": False,
        "properties": {
            "record_id": _identifier("record_id"),
            "framework": framework_field,
            "framework_version": version_field,
            "person_id": _identifier("person_id"),
            "recorded_on": {"type": "string", "pattern": whole(DATE_PATTERN), "format": "date"},
            "stage": {"enum": list(STAGES)},
            "context": {
                "type": "object",
                "minProperties": 1,
                "maxProperties": MAX_CONTEXT_FIELDS,
                "propertyNames": {"pattern": whole(CONTEXT_KEY_PATTERN)},
                "additionalProperties": _text("context"),
            },
            "notes": _text("notes"),
            "outcomes": {
                "type": "array",
                "minItems": 1,
                "maxItems": MAX_OUTCOMES,
                "items": {"$ref": "#/$defs/outcome"},
            },
        },
        "$defs": {"outcome": outcome, "contribution": contribution},
    }
