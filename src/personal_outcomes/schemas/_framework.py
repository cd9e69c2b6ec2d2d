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
#: ``ID@VERSION``: a framework and one of its versions, such as ``adults@1.0.0``.
BASE_PATTERN: Final = ID_PATTERN.removesuffix("$") + "@" + VERSION_PATTERN.removeprefix("^")
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


def text_schema(max_length: int) -> dict[str, object]:
    """Return the schema of a text of at most ``max_length`` characters."""
    return {"type": "string", "minLength": 1, "maxLength": max_length, "pattern": TEXT_PATTERN}


def object_schema(required: list[str], properties: dict[str, object]) -> dict[str, object]:
    """Return the schema of an object with these properties and no others."""
    return {
        "type": "object",
        "required": required,
        "additionalProperties": False,
        "properties": properties,
    }


def identifier_schema() -> dict[str, object]:
    """Return the schema of an id (framework, category, outcome, level)."""
    return {"type": "string", "pattern": whole(ID_PATTERN), "maxLength": 64}


def version_schema() -> dict[str, object]:
    """Return the schema of a data version, ``MAJOR.MINOR.PATCH``."""
    return {"type": "string", "pattern": whole(VERSION_PATTERN)}


def base_schema() -> dict[str, object]:
    """Return the schema of ``ID@VERSION`` (a framework's base)."""
    return {"type": "string", "pattern": whole(BASE_PATTERN), "maxLength": 200}


def source_key_schema() -> dict[str, object]:
    """Return the schema of a source key (``IRISS2012``)."""
    return {"type": "string", "pattern": whole(SOURCE_KEY_PATTERN), "maxLength": 64}


def aliases_schema() -> dict[str, object]:
    """Return the schema of a list of aliases (other published labels, with their sources)."""
    alias = object_schema(
        ["label", "source"], {"label": text_schema(200), "source": source_key_schema()}
    )
    return {"type": "array", "items": alias}


def outcome_properties() -> dict[str, object]:
    """Return the properties of an outcome in a framework file."""
    statement = object_schema(
        ["text", "source"], {"text": text_schema(300), "source": source_key_schema()}
    )
    return {
        "id": identifier_schema(),
        "label": text_schema(200),
        "about": {"enum": list(OUTCOME_ABOUT)},
        "aliases": aliases_schema(),
        "statement": statement,
        "description": text_schema(1000),
        "prompts": {"type": "array", "minItems": 2, "maxItems": 3, "items": text_schema(300)},
        "retired": {"type": "boolean"},
        "replaced_by": identifier_schema(),
    }


def opening_questions_schema() -> dict[str, object]:
    """Return the schema of a framework's opening questions."""
    return {"type": "array", "minItems": 1, "maxItems": 10, "items": text_schema(300)}


def source_schema() -> dict[str, object]:
    """Return the schema of one cited source."""
    return object_schema(
        ["key", "citation"],
        {"key": source_key_schema(), "citation": text_schema(1000), "note": text_schema(1000)},
    )


def framework_file_schema(base_uri: str = BASE_URI) -> dict[str, object]:
    """Return the JSON Schema of framework files, with its ``$id`` under ``base_uri``."""
    identifier = identifier_schema()
    outcome = object_schema(["id", "label", "description", "prompts"], outcome_properties())
    outcome["dependentSchemas"] = {
        "replaced_by": {"required": ["retired"], "properties": {"retired": {"const": True}}}
    }
    category = object_schema(
        ["id", "label", "type", "description", "outcomes"],
        {
            "id": identifier,
            "label": text_schema(200),
            "type": {"enum": list(OUTCOME_TYPES)},
            "aliases": aliases_schema(),
            "description": text_schema(1000),
            "outcomes": {"type": "array", "minItems": 1, "items": outcome},
        },
    )
    level = object_schema(
        ["id", "label", "description"],
        {"id": identifier, "label": text_schema(100), "description": text_schema(1000)},
    )
    schema = object_schema(
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
            "version": version_schema(),
            "based_on": base_schema(),
            "title": text_schema(200),
            "population": text_schema(1000),
            "opening_questions": opening_questions_schema(),
            "canonical_source": source_key_schema(),
            "sources": {"type": "array", "minItems": 1, "items": source_schema()},
            "review_scale": object_schema(
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
