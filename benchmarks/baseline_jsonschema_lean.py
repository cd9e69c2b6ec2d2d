"""Baseline: a lean JSON Schema written by hand, checked with jsonschema, as a whole process.

The schemas are those of ``lean_schema.py``: what an integrator writes from the record
format's page (enums, ``required``, ``additionalProperties: false``, lengths, a date
format, the review ``if``/``then``), lighter than the project's published schemas that
``baseline_jsonschema.py`` uses. One reused ``jsonschema.Draft202012Validator`` per
framework, with ``format_checker=Draft202012Validator.FORMAT_CHECKER``; every line
parsed with ``json.loads``; every error collected with ``iter_errors`` (an error of the
review rule counted as a warning, as record format 1.1 has it); duplicate ids found
with a set. The loop is ``baseline_jsonschema.check_file``.

    python benchmarks/baseline_jsonschema_lean.py benchmarks/_data/records-10k.jsonl

Prints one line: ``records=N valid=N invalid=N errors=N warnings=N duplicates=N``.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from baseline_jsonschema import Problems, check_file
from jsonschema import Draft202012Validator
from lean_schema import is_warning, lean_schemas


def lean_problems() -> Problems:
    """Return the check of one record against its framework's lean schema."""
    validators = {
        framework: Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
        for framework, schema in lean_schemas().items()
    }

    def problems(record: dict[str, Any]) -> tuple[int, int]:
        framework = record.get("framework")
        validator = validators.get(framework) if isinstance(framework, str) else None
        if validator is None:
            return 1, 0  # an unknown framework
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
    print(check_file(args.file, lean_problems()))


if __name__ == "__main__":
    main()
