"""The record corpus: every file under tests/data/records gives exactly its expected issues."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from factories import TODAY
from personal_outcomes import validate_files
from personal_outcomes.validation import ISSUE_CODES

CORPUS = Path(__file__).parent / "data" / "records"
FILES = sorted(p for p in CORPUS.iterdir() if not p.name.endswith(".expected.json"))


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_file_gives_its_expected_issues(path: Path) -> None:
    """Each corpus file gives exactly the issues (record, line, column, pointer, code) listed."""
    expected = json.loads((CORPUS / f"{path.name}.expected.json").read_text(encoding="utf-8"))
    # "options": validation options for this file (strict, quality); none by default.
    report = validate_files([path], today=TODAY, **expected.get("options", {}))
    actual = [[i.record, i.line, i.column, i.pointer, i.code] for i in report.issues]
    assert actual == expected["issues"]
    assert (report.records, report.valid) == (expected["records"], expected["valid"])
    assert report.invalid == report.records - report.valid


def test_every_issue_code_appears_in_the_corpus() -> None:
    """The corpus exercises every issue code but unreadable-file (tested on its own)."""
    seen = set()
    for path in CORPUS.glob("*.expected.json"):
        seen |= {issue[4] for issue in json.loads(path.read_text(encoding="utf-8"))["issues"]}
    missing = set(ISSUE_CODES) - seen - {"unreadable-file", "retired-outcome"}
    assert missing == set()


def test_valid_files_are_valid() -> None:
    """The valid examples in every format have no issues at all."""
    valid = [p for p in FILES if p.name.startswith("valid")]
    assert {p.suffix for p in valid} == {".json", ".jsonl", ".yaml", ".csv"}
    report = validate_files(valid, today=TODAY)
    assert report.issues == ()
    assert report.records == report.valid == 9
