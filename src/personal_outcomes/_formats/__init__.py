"""Readers of record files: JSON, JSON Lines, YAML and CSV (private).

Each reader turns a binary stream into raw records, one at a time, and never
raises for bad input: a fault becomes a problem on the record it spoils.
"""

from __future__ import annotations

from typing import Final

from personal_outcomes._formats._csv import read_csv
from personal_outcomes._formats._json import read_json, read_jsonl
from personal_outcomes._formats._yaml_records import read_yaml

__all__ = ["EXTENSIONS", "FORMATS", "READERS", "read_jsonl"]

#: Input formats, and the file name endings that select them.
FORMATS: Final = ("json", "jsonl", "yaml", "csv")
EXTENSIONS: Final = {
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".csv": "csv",
}
READERS: Final = {"json": read_json, "jsonl": read_jsonl, "yaml": read_yaml, "csv": read_csv}
