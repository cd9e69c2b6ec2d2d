"""Floor: decoding into typed structs alone (msgspec), as a whole process.

Each JSON Lines record is decoded by one reused ``msgspec.json.Decoder`` straight into
``msgspec.Struct`` classes of the record format, written here as an integrator would
from the record format's page: the fields and their types, required and optional
fields, no unknown keys, the text limits, the stage, contributors and perspectives as
``Literal``s and ``recorded_on`` a real date. Outcome ids, review levels and versions
are left as text (they depend on the framework: the part a validator adds), and so is
every rule across fields. The ``record_id`` s of the records that decode go in a set.
It shows what typed decoding costs before any framework-aware check.

    python benchmarks/floor_msgspec.py benchmarks/_data/records-100k.jsonl

Prints one line: ``records=N valid=N invalid=N errors=N duplicates=N`` where
"invalid" counts the lines that do not decode into a record, and duplicate ids.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Annotated, Literal

import msgspec
from msgspec import UNSET, Meta, Struct, UnsetType

Stage = Literal["assessment", "support-planning", "review"]
Contributor = Literal["person", "family-and-friends", "community", "services"]
Perspective = Literal["person", "family", "representative", "practitioner", "agreed"]
Identifier = Annotated[str, Meta(min_length=1, max_length=100)]
OutcomeText = Annotated[str, Meta(min_length=1, max_length=2_000)]


class Contribution(Struct, forbid_unknown_fields=True):
    """Who will do what."""

    by: Contributor
    what: Annotated[str, Meta(min_length=1, max_length=1_000)]


class Outcome(Struct, forbid_unknown_fields=True):
    """One outcome of a record."""

    outcome: str
    what_matters: OutcomeText
    why_it_matters: OutcomeText | UnsetType = UNSET
    contributions: Annotated[list[Contribution], Meta(min_length=1, max_length=20)] | UnsetType = (
        UNSET
    )
    status: str | UnsetType = UNSET
    status_note: OutcomeText | UnsetType = UNSET
    perspective: Perspective | UnsetType = UNSET


class Record(Struct, forbid_unknown_fields=True):
    """One record: one conversation with one person."""

    record_id: Identifier
    framework: str
    person_id: Identifier
    recorded_on: dt.date
    stage: Stage
    outcomes: Annotated[list[Outcome], Meta(min_length=1, max_length=50)]
    framework_version: str | UnsetType = UNSET
    context: (
        Annotated[
            dict[str, Annotated[str, Meta(min_length=1, max_length=200)]],
            Meta(min_length=1, max_length=50),
        ]
        | UnsetType
    ) = UNSET
    notes: Annotated[str, Meta(min_length=1, max_length=10_000)] | UnsetType = UNSET


def main() -> None:
    """Decode the file; print the counts."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("file", type=Path)
    args = parser.parse_args()

    decode = msgspec.json.Decoder(Record).decode
    seen: set[str] = set()
    records = valid = errors = duplicates = 0
    with args.file.open("rb") as lines:
        for line in lines:
            if not line.strip():
                continue
            records += 1
            try:
                record_id = decode(line).record_id
            except (msgspec.MsgspecError, UnicodeDecodeError):  # not JSON, not this shape
                errors += 1
                continue
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
