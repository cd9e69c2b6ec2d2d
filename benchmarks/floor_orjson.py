"""Floor: parsing alone, as a whole process (no validation at all).

Reads JSON Lines, parses every line with ``orjson.loads`` and indexes the
``record_id`` s in a set. No validator can be faster than this in Python, so it
shows how much of each contender's time is validation.

    python benchmarks/floor_orjson.py benchmarks/_data/records-100k.jsonl

Prints one line: ``records=N valid=N invalid=N errors=N duplicates=N`` where
"invalid" counts only unparseable lines and duplicate ids.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import orjson


def main() -> None:
    """Parse the file; print the counts."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("file", type=Path)
    args = parser.parse_args()

    loads = orjson.loads
    seen: set[str] = set()
    records = valid = errors = duplicates = 0
    with args.file.open("rb") as lines:
        for line in lines:
            if not line.strip():
                continue
            records += 1
            try:
                record = loads(line)
            except orjson.JSONDecodeError:
                errors += 1
                continue
            record_id = record.get("record_id") if type(record) is dict else None
            if isinstance(record_id, str):
                if record_id in seen:
                    duplicates += 1
                    errors += 1
                    continue
                seen.add(record_id)
            valid += 1
    print(
        f"records={records} valid={valid} invalid={records - valid} "
        f"errors={errors} duplicates={duplicates}"
    )


if __name__ == "__main__":
    main()
