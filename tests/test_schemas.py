"""The published framework file schema."""

from __future__ import annotations

import json
from importlib import resources

import jsonschema
import pytest

import personal_outcomes.schemas
from personal_outcomes import bundled
from personal_outcomes.schemas import BASE_URI, FRAMEWORK_SCHEMA_NAME, framework_file_schema


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
        "FRAMEWORK_SCHEMA_NAME",
        "framework_file_schema",
    ]
