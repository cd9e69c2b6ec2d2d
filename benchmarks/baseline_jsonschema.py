"""Baseline: the JSON Schema validation an integrator would write, as a whole process.

One reused ``jsonschema.Draft202012Validator`` per framework (with format checking),
built once from the published per-framework record schemas; every JSON Lines record
is parsed with ``json.loads``, checked against its framework's schema with
``iter_errors`` (every error collected, not just the first), and its ``record_id``
put in a set to find duplicates, as ``personal-outcomes validate`` does.

    python benchmarks/baseline_jsonschema.py benchmarks/_data/records-10k.jsonl

Prints one line: ``records=N valid=N invalid=N errors=N warnings=N duplicates=N``.
:func:`check_file`, the loop over the lines, is shared with the other JSON Schema
baselines (``baseline_jsonschema_lean.py``, ``baseline_jsonschema_rs.py``).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from personal_outcomes import bundled
from personal_outcomes._releases import earlier_releases
from personal_outcomes.schemas import record_schema

#: The errors and warnings found in one parsed record (a dict).
Problems = Callable[[dict[str, Any]], tuple[int, int]]


def build_validators() -> tuple[
    dict[tuple[str, str], Draft202012Validator], dict[str, Draft202012Validator]
]:
    """Return validators by (framework, version), and by framework for its newest version."""
    registry = bundled()
    by_version = {
        (framework.id, version): Draft202012Validator(
            record_schema(framework, version=version),
            format_checker=Draft202012Validator.FORMAT_CHECKER,
        )
        for framework in registry.latest()
        # The newest version, and the published schemas of earlier releases.
        for version in (framework.version, *(r.version for r in earlier_releases(framework)))
    }
    newest = {
        framework.id: by_version[framework.id, framework.version] for framework in registry.latest()
    }
    return by_version, newest


def check_file(path: Path, problems: Problems, loads: Callable[[bytes], Any] = json.loads) -> str:
    """Check every JSON Lines record of ``path``; return the counts line.

    A line that does not parse, or is not an object, is one error; otherwise
    ``problems`` counts the record's errors and warnings. A ``record_id`` seen
    before is one more error. A record is valid when it has no error.
    """
    seen: set[str] = set()
    records = valid = errors = warnings = duplicates = 0
    with path.open("rb") as lines:
        for line in lines:
            if not line.strip():
                continue
            records += 1
            try:
                record = loads(line)
            except ValueError:  # json's and orjson's decode errors, bad UTF-8
                errors += 1
                continue
            if not isinstance(record, dict):
                errors += 1
                continue
            found, warned = problems(record)
            warnings += warned
            record_id = record.get("record_id")
            if isinstance(record_id, str):
                if record_id in seen:
                    duplicates += 1
                    found += 1
                else:
                    seen.add(record_id)
            if found:
                errors += found
            else:
                valid += 1
    return (
        f"records={records} valid={valid} invalid={records - valid} "
        f"errors={errors} warnings={warnings} duplicates={duplicates}"
    )


def _problems() -> Problems:
    by_version, newest = build_validators()

    def problems(record: dict[str, Any]) -> tuple[int, int]:
        framework = record.get("framework")
        version = record.get("framework_version")
        validator = None
        if isinstance(framework, str):
            if version is None:
                validator = newest.get(framework)
            elif isinstance(version, str):
                validator = by_version.get((framework, version))
        if validator is None:
            return 1, 0  # an unknown framework or version
        return sum(1 for _ in validator.iter_errors(record)), 0

    return problems


def main() -> None:
    """Check the file; print the counts."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("file", type=Path)
    args = parser.parse_args()
    print(check_file(args.file, _problems()))


if __name__ == "__main__":
    main()
