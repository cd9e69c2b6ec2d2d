"""The published framework file schema."""

from __future__ import annotations

import importlib.util
import json
from importlib import resources
from pathlib import Path
from types import ModuleType

import jsonschema
import pytest

import personal_outcomes.schemas
from personal_outcomes import bundled
from personal_outcomes.schemas import (
    BASE_URI,
    FRAMEWORK_SCHEMA_NAME,
    PROFILE_SCHEMA_NAME,
    framework_file_schema,
    profile_schema,
    record_schema,
    record_schema_name,
)


def _shipped() -> object:
    text = resources.files("personal_outcomes.schemas").joinpath(FRAMEWORK_SCHEMA_NAME)
    return json.loads(text.read_text(encoding="utf-8"))


def test_shipped_schema_matches_the_code() -> None:
    """The schema file in the package is exactly what the code defines (run `make schemas`)."""
    assert _shipped() == framework_file_schema()


def test_schema_is_valid_draft_2020_12() -> None:
    """The schema itself passes the draft 2020-12 meta-schema."""
    schema = framework_file_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_schema_id_is_under_the_base_uri() -> None:
    """The $id is under the project's one base URI, which can be overridden."""
    assert framework_file_schema()["$id"] == f"{BASE_URI}schemas/{FRAMEWORK_SCHEMA_NAME}"
    other = framework_file_schema("https://example.org/outcomes")
    assert other["$id"] == "https://example.org/outcomes/schemas/framework.schema.json"


@pytest.mark.parametrize("framework_id", ["adults", "carers", "care-homes"])
def test_bundled_data_follows_the_schema(framework_id: str) -> None:
    """Each bundled framework's data passes the published schema on its own."""
    validator = jsonschema.Draft202012Validator(framework_file_schema())
    assert list(validator.iter_errors(bundled().get(framework_id).to_data())) == []


def test_public_namespace_is_small() -> None:
    """The schemas module exports only its documented names."""
    assert dir(personal_outcomes.schemas) == [
        "BASE_URI",
        "CROSSWALK_SCHEMA_NAME",
        "DERIVED_FRAMEWORK_SCHEMA_NAME",
        "FRAMEWORK_SCHEMA_NAME",
        "PROFILE_SCHEMA_NAME",
        "RECORD_SCHEMA_NAME",
        "crosswalk_schema",
        "derived_framework_schema",
        "framework_file_schema",
        "profile_schema",
        "record_schema",
        "record_schema_name",
    ]


def test_the_shipped_profile_schema_is_the_code_s_and_valid() -> None:
    """The import profile schema: shipped as the code writes it, under the base URI."""
    text = resources.files("personal_outcomes").joinpath("schemas", PROFILE_SCHEMA_NAME)
    shipped = json.loads(text.read_text(encoding="utf-8"))
    assert shipped == profile_schema()
    jsonschema.Draft202012Validator.check_schema(shipped)
    assert shipped["$id"] == f"{BASE_URI}schemas/{PROFILE_SCHEMA_NAME}"
    assert profile_schema("https://example.org/po/")["$id"] == (
        "https://example.org/po/schemas/profile.schema.json"
    )


def _refs(schema: object) -> list[str]:
    if isinstance(schema, dict):
        found = [str(schema["$ref"])] if "$ref" in schema else []
        return found + [ref for value in schema.values() for ref in _refs(value)]
    if isinstance(schema, list):
        return [ref for value in schema for ref in _refs(value)]
    return []


@pytest.mark.parametrize("framework_id", [None, "adults", "carers", "care-homes"])
def test_shipped_record_schemas_match_the_code(framework_id: str | None) -> None:
    """Each shipped record schema is what the code generates, valid and self-contained."""
    framework = bundled().get(framework_id) if framework_id else None
    name = record_schema_name(framework)
    text = resources.files("personal_outcomes.schemas").joinpath(*name.split("/"))
    shipped = json.loads(text.read_text(encoding="utf-8"))
    assert shipped == record_schema(framework)
    jsonschema.Draft202012Validator.check_schema(shipped)
    assert shipped["$id"] == f"{BASE_URI}schemas/{name}"
    assert all(ref.startswith("#/") for ref in _refs(shipped))


def test_framework_schema_lists_ids_and_levels() -> None:
    """A framework's record schema enumerates its outcome ids and review levels."""
    carers = bundled().get("carers")
    schema = record_schema(carers)
    outcome = schema["$defs"]["outcome"]["properties"]  # type: ignore[index]
    assert outcome["outcome"] == {"enum": list(carers.outcome_ids)}
    assert outcome["status"] == {"enum": ["met", "partly-met", "not-met", "no-longer-relevant"]}
    assert schema["properties"]["framework"] == {"const": "carers"}  # type: ignore[index]


def _write_schemas() -> ModuleType:
    path = Path(__file__).resolve().parent.parent / "tools" / "write_schemas.py"
    spec = importlib.util.spec_from_file_location("write_schemas", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_shipped_files_are_exactly_what_the_tool_writes() -> None:
    """Byte for byte, each shipped schema file is what `make schemas` writes."""
    folder = resources.files("personal_outcomes.schemas")
    files: dict[str, str] = _write_schemas().schema_files()
    assert "record.schema.json" in files
    for name, text in files.items():
        assert folder.joinpath(*name.split("/")).read_text(encoding="utf-8") == text, name


def test_shipped_files_hold_no_invisible_character() -> None:
    """Space characters in patterns are written as JSON escapes, never as themselves."""
    for name, text in _write_schemas().schema_files().items():
        hidden = {c for c in text if not (c.isascii() or c.isprintable())}
        assert hidden == set(), name
        assert "\\u2028" in text, name  # in the class of every text pattern, as an escape
