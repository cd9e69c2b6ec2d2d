"""Writing records in any of the four formats of record format 1, streaming.

JSON Lines writes one record per line; JSON one array; YAML a stream of documents,
one record each, every string YAML would read as something else quoted; CSV the
long format (:func:`~personal_outcomes._formats._csv.write_csv`), whose header needs
every context name first: the records are spooled to a temporary file on disk
while the names are gathered, so memory does not grow with the number of records.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from typing import Final, TextIO

import yaml

from personal_outcomes._formats._csv import write_csv

#: Characters YAML reads as a line break (or drops) wherever a plain or single-quoted
#: scalar holds them: texts holding one are written double-quoted, where they are escaped.
_BREAKS: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff]")


class _Dumper(yaml.SafeDumper):
    """The safe dumper, writing a text YAML would not give back as it is double-quoted."""


def _text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    style = '"' if _BREAKS.search(text) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dumper.add_representer(str, _text)

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
                yaml.dump(
                    dict(record),
                    Dumper=_Dumper,
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
