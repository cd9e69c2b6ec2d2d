"""The lean JSON Schemas an integrator would write by hand from the record format's page.

One schema per bundled framework, written from ``docs/reference/record-format.md``
rather than taken from the project's published schemas (``personal-outcomes schema``),
which are heavier: they spell out what counts as space in patterns on every text field
and identifier, and the exact shape of a date and of a context field's name. This one
keeps what a competent integrator writes first:

- ``required`` and ``additionalProperties: false`` on the record, each outcome and each
  contribution; ``type`` on every field;
- enums for the stage, the outcome ids and review levels (the bundled framework's own),
  the framework's released versions (from its manifest), contributors and perspectives;
- ``minLength: 1`` and the page's ``maxLength`` on text, ``minItems`` and ``maxItems`` on
  lists, and a context of at most 50 text values;
- ``format: date`` for ``recorded_on`` (a validator must be asked to check formats);
- the review rule as an ``if``/``then``: at stage ``review`` every outcome has a
  ``status``. Since record format 1.1 its absence is the warning ``status-missing``, so
  the baselines count an error under ``then`` as a warning, as
  ``personal-outcomes validate`` does.

Everything is inline (no ``$ref``), in draft 2020-12.

    python benchmarks/lean_schema.py                # the three schemas, as one JSON object
    python benchmarks/lean_schema.py --framework carers
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from typing import Any

from personal_outcomes import Framework, bundled
from personal_outcomes.frameworks import manifest

#: The values and limits as the record format's page lists them.
STAGES = ["assessment", "support-planning", "review"]
CONTRIBUTORS = ["person", "family-and-friends", "community", "services"]
PERSPECTIVES = ["person", "family", "representative", "practitioner", "agreed"]
MAX_IDENTIFIER = 100
MAX_NOTES = 10_000
MAX_OUTCOME_TEXT = 2_000
MAX_WHAT = 1_000
MAX_CONTEXT_VALUE = 200
MAX_CONTEXT_FIELDS = 50
MAX_OUTCOMES = 50
MAX_CONTRIBUTIONS = 20

Schema = dict[str, Any]


def _text(longest: int) -> Schema:
    return {"type": "string", "minLength": 1, "maxLength": longest}


def lean_schema(framework: Framework, versions: list[str]) -> Schema:
    """Return the lean record schema of one framework, accepting ``versions``."""
    contribution = {
        "type": "object",
        "required": ["by", "what"],
        "additionalProperties": False,
        "properties": {"by": {"enum": CONTRIBUTORS}, "what": _text(MAX_WHAT)},
    }
    outcome = {
        "type": "object",
        "required": ["outcome", "what_matters"],
        "additionalProperties": False,
        "properties": {
            "outcome": {"enum": list(framework.outcome_ids)},
            "what_matters": _text(MAX_OUTCOME_TEXT),
            "why_it_matters": _text(MAX_OUTCOME_TEXT),
            "contributions": {
                "type": "array",
                "minItems": 1,
                "maxItems": MAX_CONTRIBUTIONS,
                "items": contribution,
            },
            "status": {"enum": list(framework.review_scale.ids)},
            "status_note": _text(MAX_OUTCOME_TEXT),
            "perspective": {"enum": PERSPECTIVES},
        },
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"A {framework.id} record (lean, written by hand)",
        "type": "object",
        "required": ["record_id", "framework", "person_id", "recorded_on", "stage", "outcomes"],
        "additionalProperties": False,
        "properties": {
            "record_id": _text(MAX_IDENTIFIER),
            "framework": {"const": framework.id},
            "framework_version": {"enum": versions},
            "person_id": _text(MAX_IDENTIFIER),
            "recorded_on": {"type": "string", "format": "date"},
            "stage": {"enum": STAGES},
            "context": {
                "type": "object",
                "maxProperties": MAX_CONTEXT_FIELDS,
                "additionalProperties": _text(MAX_CONTEXT_VALUE),
            },
            "notes": _text(MAX_NOTES),
            "outcomes": {
                "type": "array",
                "minItems": 1,
                "maxItems": MAX_OUTCOMES,
                "items": outcome,
            },
        },
        "if": {"properties": {"stage": {"const": "review"}}, "required": ["stage"]},
        "then": {"properties": {"outcomes": {"items": {"required": ["status"]}}}},
    }


def lean_schemas() -> dict[str, Schema]:
    """Return the lean schema of each bundled framework (newest data), by framework id."""
    released = manifest()
    return {
        framework.id: lean_schema(
            framework, sorted({framework.version, *released.get(framework.id, {})})
        )
        for framework in bundled().latest()
    }


def is_warning(schema_path: Sequence[str | int]) -> bool:
    """Say whether an error is the review rule's (``status-missing``, a warning)."""
    return bool(schema_path) and schema_path[0] == "then"


def main() -> None:
    """Print the lean schemas."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--framework", help="print only this framework's schema")
    args = parser.parse_args()
    schemas = lean_schemas()
    shown = schemas[args.framework] if args.framework else schemas
    print(json.dumps(shown, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
