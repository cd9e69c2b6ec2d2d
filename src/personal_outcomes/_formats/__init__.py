"""Readers of record files: JSON, JSON Lines, YAML and CSV (private).

Each reader turns a binary stream into raw records, one at a time, and never
raises for bad input: a fault becomes a problem on the record it spoils.
"""

from __future__ import annotations

from personal_outcomes._formats._readers import EXTENSIONS, FORMATS, READERS, read_jsonl

__all__ = ["EXTENSIONS", "FORMATS", "READERS", "read_jsonl"]
