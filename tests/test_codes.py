"""One table of issue codes: the reference page lists exactly the codes and severities."""

from __future__ import annotations

import re
from pathlib import Path

from personal_outcomes.validation import ISSUE_CODES

PAGE = Path(__file__).resolve().parent.parent / "docs" / "reference" / "issues.md"
ROW = re.compile(r"^\| `([a-z-]+)` \| (error|warning) \|", re.MULTILINE)


def test_the_reference_page_lists_every_code_with_its_severity() -> None:
    """The codes table on the issues page is the table in the code, in the same order."""
    documented = ROW.findall(PAGE.read_text(encoding="utf-8"))
    assert documented == list(ISSUE_CODES.items())


def test_the_table_is_read_only() -> None:
    """Nobody can change a code's severity at run time."""
    assert type(ISSUE_CODES).__name__ == "mappingproxy"
    assert sorted(set(ISSUE_CODES.values())) == ["error", "warning"]
