"""The published JSON Schemas (draft 2020-12) and the project's base URI.

The schema files ship in this package (``framework.schema.json``); the functions
here return the same schemas as data, optionally under another base URI:

>>> from personal_outcomes.schemas import BASE_URI, framework_file_schema
>>> framework_file_schema()["$id"] == BASE_URI + "schemas/framework.schema.json"
True
>>> framework_file_schema("https://example.org/po/")["$id"]
'https://example.org/po/schemas/framework.schema.json'
"""

from __future__ import annotations

from personal_outcomes._framework_schema import FRAMEWORK_SCHEMA_NAME, framework_file_schema
from personal_outcomes._uris import BASE_URI

__all__ = ["BASE_URI", "FRAMEWORK_SCHEMA_NAME", "framework_file_schema"]


def __dir__() -> list[str]:
    return sorted(__all__)
