"""The published JSON Schemas (draft 2020-12) and the project's base URI.

The schema files ship in this package: ``framework.schema.json`` (framework
files), ``record.schema.json`` (records of any framework) and
``records/<framework>-<version>.schema.json`` (records of one framework version,
with its outcome ids and review levels), ``profile.schema.json`` (import profiles,
how an export maps onto records) and ``derived-framework.schema.json`` (derived
framework files, which make a local framework from another one). The functions
here return the same schemas as data, optionally under another base URI:

>>> from personal_outcomes import bundled
>>> from personal_outcomes.schemas import BASE_URI, framework_file_schema, record_schema
>>> framework_file_schema()["$id"] == BASE_URI + "schemas/framework.schema.json"
True
>>> framework_file_schema("https://example.org/po/")["$id"]
'https://example.org/po/schemas/framework.schema.json'
>>> record_schema(bundled().get("carers"))["$id"]
'https://w3id.org/personal-outcomes/schemas/records/carers-1.1.0.schema.json'

``crosswalk.schema.json`` is the schema of the crosswalk file to the National Health
and Wellbeing Outcomes (:func:`crosswalk_schema`).
"""

from __future__ import annotations

from personal_outcomes._uris import BASE_URI
from personal_outcomes.schemas._crosswalk import CROSSWALK_SCHEMA_NAME, crosswalk_schema
from personal_outcomes.schemas._derived import (
    DERIVED_FRAMEWORK_SCHEMA_NAME,
    derived_framework_schema,
)
from personal_outcomes.schemas._framework import FRAMEWORK_SCHEMA_NAME, framework_file_schema
from personal_outcomes.schemas._profile import PROFILE_SCHEMA_NAME, profile_schema
from personal_outcomes.schemas._record import RECORD_SCHEMA_NAME, record_schema, record_schema_name

__all__ = [
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


def __dir__() -> list[str]:
    return sorted(__all__)
