"""Baseline: jsonschema-rs and orjson on the lean JSON Schemas, as a whole process.

The fast JSON Schema route an integrator would take: the lean schemas of
``lean_schema.py`` (the same as ``baseline_jsonschema_lean.py``) compiled once per
framework by ``jsonschema_rs.validator_for`` with ``validate_formats=True`` (draft
2020-12 only annotates ``format`` unless asked, and the date must be checked); every
line parsed with ``orjson.loads``; ``is_valid`` first, and for an invalid record every
error collected with ``iter_errors`` (an error of the review rule counted as a warning,
as record format 1.1 has it); duplicate ids found with a set. The loop is
``baseline_jsonschema.check_file``.

    python benchmarks/baseline_jsonschema_rs.py benchmarks/_data/records-100k.jsonl

Prints one line: ``records=N valid=N invalid=N errors=N warnings=N duplicates=N``.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import jsonschema_rs
import orjson
from baseline_jsonschema import Problems, check_file
from lean_schema import is_warning, lean_schemas


def rs_problems() -> Problems:
    """Return the check of one record against its framework's lean schema."""
    validators = {
        framework: jsonschema_rs.validator_for(schema, validate_formats=True)
        for framework, schema in lean_schemas().items()
    }

    def problems(record: dict[str, Any]) -> tuple[int, int]:
        framework = record.get("framework")
        validator = validators.get(framework) if isinstance(framework, str) else None
        if validator is None:
            return 1, 0  # an unknown framework
        if validator.is_valid(record):
            return 0, 0
        errors = warnings = 0
        for error in validator.iter_errors(record):
            if is_warning(error.schema_path):
                warnings += 1
            else:
                errors += 1
        return errors, warnings

    return problems


def main() -> None:
    """Check the file; print the counts."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("file", type=Path)
    args = parser.parse_args()
    print(check_file(args.file, rs_problems(), loads=orjson.loads))


if __name__ == "__main__":
    main()
