"""Writing records in any of the four formats of record format 1, streaming.

JSON Lines writes one record per line; JSON one array; YAML a stream of documents,
one record each, every string YAML would read as something else quoted; CSV the
long format (:func:`~personal_outcomes._formats._csv.write_csv`), whose header needs
every context name first: the records are spooled to a temporary file on disk
while the names are gathered, so memory does not grow with the number of records.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from typing import Final, TextIO

import yaml

from personal_outcomes._formats._csv import write_csv

#: The formats records can be written in.
WRITE_FORMATS: Final = ("jsonl", "json", "yaml", "csv")


def write_records(records: Iterable[Mapping[str, object]], out: TextIO, output: str) -> int:
    """Write records to a text stream (opened with ``newline=""``); return how many."""
    if output == "csv":
        return _write_csv(records, out)
    count = 0
    if output == "json":
        out.write("[")
        for count, record in enumerate(records, start=1):
            out.write("\n" if count == 1 else ",\n")
            out.write(json.dumps(record, ensure_ascii=False, indent=2))
        out.write("\n]\n" if count else "]\n")
        return count
    for record in records:
        count += 1
        if output == "yaml":
            out.write(
                yaml.safe_dump(
                    dict(record),
                    explicit_start=True,
                    sort_keys=False,
                    allow_unicode=True,
                    width=100,
                )
            )
        else:
            out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
    return count


def _write_csv(records: Iterable[Mapping[str, object]], out: TextIO) -> int:
    names: set[str] = set()
    count = 0
    with tempfile.TemporaryFile("w+", encoding="utf-8") as spool:
        for record in records:
            context = record.get("context")
            if isinstance(context, Mapping):
                names.update(str(name) for name in context)
            spool.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
        spool.seek(0)
        write_csv(_spooled(spool), out, context_names=sorted(names))
    return count


def _spooled(spool: TextIO) -> Iterator[dict[str, object]]:
    for line in spool:
        record: dict[str, object] = json.loads(line)
        yield record
