"""The JSON Schema (draft 2020-12) that every framework file must follow.

It is defined here as data; ``tools/write_schemas.py`` writes it to the file
shipped in the package (``personal_outcomes/schemas/framework.schema.json``) and
a test proves the two agree.
"""

from __future__ import annotations

from typing import Final

from personal_outcomes._record_format import TEXT_PATTERN
from personal_outcomes._uris import BASE_URI, schema_uri

#: Identifiers: lower-case letters, digits and hyphens, starting with a letter.
ID_PATTERN: Final = "^[a-z][a-z0-9-]*$"
#: Semantic version of a framework's data: MAJOR.MINOR.PATCH.
VERSION_PATTERN: Final = r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$"
#: Source keys as the reference writes them (IRISS2012, COOK-SLIDES).
SOURCE_KEY_PATTERN: Final = "^[A-Z][A-Z0-9-]*$"
#: Outcome types: what kind of outcome a category holds.
OUTCOME_TYPES: Final = ("quality-of-life", "process", "change", "managing-the-caring-role")
#: Whose life an outcome is about: the person themself (the default), or the person a
#: carer looks after (in the carers' framework).
OUTCOME_ABOUT: Final = ("person", "cared-for-person")

FRAMEWORK_SCHEMA_NAME: Final = "framework.schema.json"


def whole(pattern: str) -> str:
    r"""Anchor a pattern at the very end of the text, in every regex dialect.

    JSON Schema patterns follow ECMA 262, where ``$`` is the end of the text;
    Python's ``re`` (which python-jsonschema uses) also lets ``$`` match before a
    final newline. ``(?![\s\S])`` means the end in both: ``[\s\S]`` is any
    character in every dialect, whatever each takes ``\s`` to be.

    >>> import re
    >>> bool(re.search(whole("^[a-z]+$"), "adults\n")), bool(re.search("^[a-z]+$", "adults\n"))
    (False, True)
    """
    return pattern.removesuffix("$") + r"(?![\s\S])"


def _text(max_length: int) -> dict[str, object]:
    return {"type": "string", "minLength": 1, "maxLength": max_length, "pattern": TEXT_PATTERN}


def _object(required: list[str], properties: dict[str, object]) -> dict[str, object]:
    return {
        "type": "object",
        "required": required,
        "additionalProperties": False,
        "properties": properties,
    }


def framework_file_schema(base_uri: str = BASE_URI) -> dict[str, object]:
    """Return the JSON Schema of framework files, with its ``$id`` under ``base_uri``."""
    identifier = {"type": "string", "pattern": whole(ID_PATTERN), "maxLength": 64}
    source_key = {"type": "string", "pattern": whole(SOURCE_KEY_PATTERN), "maxLength": 64}
    alias = _object(["label", "source"], {"label": _text(200), "source": source_key})
    aliases = {"type": "array", "items": alias}
    outcome = _object(
        ["id", "label", "description", "prompts"],
        {
            "id": identifier,
            "label": _text(200),
            "about": {"enum": list(OUTCOME_ABOUT)},
            "aliases": aliases,
            "statement": _object(["text", "source"], {"text": _text(300), "source": source_key}),
            "description": _text(1000),
            "prompts": {"type": "array", "minItems": 2, "maxItems": 3, "items": _text(300)},
            "retired": {"type": "boolean"},
            "replaced_by": identifier,
        },
    )
    outcome["dependentSchemas"] = {
        "replaced_by": {"required": ["retired"], "properties": {"retired": {"const": True}}}
    }
    category = _object(
        ["id", "label", "type", "description", "outcomes"],
        {
            "id": identifier,
            "label": _text(200),
            "type": {"enum": list(OUTCOME_TYPES)},
            "aliases": aliases,
            "description": _text(1000),
            "outcomes": {"type": "array", "minItems": 1, "items": outcome},
        },
    )
    level = _object(
        ["id", "label", "description"],
        {"id": identifier, "label": _text(100), "description": _text(1000)},
    )
    source = _object(
        ["key", "citation"],
        {"key": source_key, "citation": _text(1000), "note": _text(1000)},
    )
    schema = _object(
        [
            "id",
            "version",
            "title",
            "population",
            "canonical_source",
            "sources",
            "review_scale",
            "categories",
        ],
        {
            "id": identifier,
            "version": {"type": "string", "pattern": whole(VERSION_PATTERN)},
            "title": _text(200),
            "population": _text(1000),
            "opening_questions": {
                "type": "array",
                "minItems": 1,
                "maxItems": 10,
                "items": _text(300),
            },
            "canonical_source": source_key,
            "sources": {"type": "array", "minItems": 1, "items": source},
            "review_scale": _object(
                ["levels"], {"levels": {"type": "array", "minItems": 1, "items": level}}
            ),
            "categories": {"type": "array", "minItems": 1, "items": category},
        },
    )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": schema_uri(FRAMEWORK_SCHEMA_NAME, base_uri),
        "title": "Personal Outcomes framework file",
        "description": (
            "One framework of the Personal Outcomes approach: its categories, outcomes, "
            "sources and review scale."
        ),
        **schema,
    }
