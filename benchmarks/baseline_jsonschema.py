"""Baseline: the JSON Schema validation an integrator would write, as a whole process.

One reused ``jsonschema.Draft202012Validator`` per framework (with format checking),
built once from the published per-framework record schemas; every JSON Lines record
is parsed with ``json.loads``, checked against its framework's schema with
``iter_errors`` (every error collected, not just the first), and its ``record_id``
put in a set to find duplicates, as ``personal-outcomes validate`` does.

    python benchmarks/baseline_jsonschema.py benchmarks/_data/records-10k.jsonl

Prints one line: ``records=N valid=N invalid=N errors=N duplicates=N``.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from jsonschema import Draft202012Validator

from personal_outcomes import bundled
from personal_outcomes._releases import earlier_releases
from personal_outcomes.schemas import record_schema


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


def main() -> None:
    """Check the file; print the counts."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("file", type=Path)
    args = parser.parse_args()

    by_version, newest = build_validators()
    seen: set[str] = set()
    records = valid = errors = duplicates = 0
    with args.file.open(encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                continue
            records += 1
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                errors += 1
                continue
            if not isinstance(record, dict):
                errors += 1
                continue
            framework = record.get("framework")
            version = record.get("framework_version")
            validator = None
            if isinstance(framework, str):
                if version is None:
                    validator = newest.get(framework)
                elif isinstance(version, str):
                    validator = by_version.get((framework, version))
            problems = (
                [str(error.message) for error in validator.iter_errors(record)]
                if validator is not None
                else ["unknown framework"]
            )
            record_id = record.get("record_id")
            if isinstance(record_id, str):
                if record_id in seen:
                    duplicates += 1
                    problems.append("duplicate record_id")
                else:
                    seen.add(record_id)
            if problems:
                errors += len(problems)
            else:
                valid += 1
    print(
        f"records={records} valid={valid} invalid={records - valid} "
        f"errors={errors} duplicates={duplicates}"
    )


if __name__ == "__main__":
    main()
