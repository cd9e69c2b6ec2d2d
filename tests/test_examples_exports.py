"""The example export of a care system (examples/exports/), as the demo and the guide use it.

The CSV and the workbook hold the same rows, so through their profiles they give the
same records and the same issues, each at the row and column its own file numbers.
Converting gives the valid records whole; the workbook is what make_xlsx.py writes.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import runpy
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from factories import TODAY, TODAY_ARG
from personal_outcomes import Validator
from personal_outcomes._cli import run
from personal_outcomes.exports import load_profile

EXPORTS = Path(__file__).resolve().parent.parent / "examples" / "exports"
CSV = EXPORTS / "outcomes-export.csv"
XLSX = EXPORTS / "outcomes-export.xlsx"
CSV_PROFILE = EXPORTS / "outcomes-export.profile.yaml"
XLSX_PROFILE = EXPORTS / "outcomes-export-xlsx.profile.yaml"
BOTH = [(CSV, CSV_PROFILE), (XLSX, XLSX_PROFILE)]

STATUS_FAULT = (
    "column 'Review result' (8): this value is not in the profile's table for status; add it "
    "under fields.status.values"
)
DATE_FAULT = (
    "column 'Assessment date' (3): this is not a date written %d/%m/%Y, as the profile says"
)
LABEL_FAULT = (
    "column 'Outcome' (5): no outcome of framework 'adults' has this label or a published "
    "variant of it; check the spelling, or map it under fields.outcome.values"
)
#: (record, line, column, pointer, code, message): rows 14, 15 and 16 in both files.
ISSUES = [
    (4, 14, 8, "/outcomes/1/status", "schema", STATUS_FAULT),
    (5, 15, 3, "/recorded_on", "schema", DATE_FAULT),
    (6, 16, 5, "/outcomes/0/outcome", "unknown-outcome", LABEL_FAULT),
]
#: (record index, first line, record_id, valid).
RECORDS = [
    (0, 4, "A-5001", True),
    (1, 6, "A-5002", True),
    (2, 8, "A-5003", True),
    (3, 11, "A-5004", True),
    (4, 13, "A-5005", False),
    (5, 15, "A-5006", False),
    (6, 16, "A-5007", False),
]


def _cli(*arguments: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(arguments), out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize(("export", "profile"), BOTH, ids=["csv", "xlsx"])
def test_the_example_export_has_exactly_its_three_faults(export: Path, profile: Path) -> None:
    results = list(Validator(today=TODAY, profile=load_profile(profile)).iter_validate([export]))
    assert [(r.index, r.line, r.record_id, r.valid) for r in results] == RECORDS
    assert [
        (i.record, i.line, i.column, i.pointer, i.code, i.message)
        for r in results
        for i in r.issues
    ] == ISSUES
    assert {i.source for r in results for i in r.issues} == {str(export)}


def test_the_csv_and_the_workbook_give_the_same_records() -> None:
    csv_results, xlsx_results = (
        list(Validator(today=TODAY, profile=load_profile(p)).iter_validate([e])) for e, p in BOTH
    )
    assert [r.data for r in csv_results] == [r.data for r in xlsx_results]


def test_the_cells_are_mapped_as_the_profile_says() -> None:
    profile = load_profile(CSV_PROFILE)
    results = list(Validator(today=TODAY, profile=profile).iter_validate([CSV]))
    review = results[2].data
    assert review == {
        "record_id": "A-5003",
        "framework": "adults",
        "person_id": "C-10231",
        "recorded_on": "2026-08-04",
        "stage": "review",
        "context": {"team": "North"},
        "outcomes": [
            {
                "outcome": "seeing-people",
                "what_matters": "To get back to the bowling club and see my pals",
                "status": "met",
                "status_note": "Back at the club on Tuesdays",
            },
            {
                "outcome": "feeling-safe",
                "what_matters": "To feel safe on the stairs at night",
                "status": "partly-met",
                "status_note": "Rail fitted; still worried at night",
            },
            {
                "outcome": "improved-mobility",
                "what_matters": "To walk to the caf\u00e9 on the corner on my own",
                "status": "not-met",
                "status_note": "Walks with a frame, not yet alone",
            },
        ],
    }
    texts = json.dumps([r.data for r in results], ensure_ascii=False)
    for character in ("\u00e9", "\u00a3", "\u2013"):  # é, £ and an en dash, from cp1252
        assert character in texts
    stages = [r.data["stage"] for r in results if isinstance(r.data, dict)]
    assert stages == ["assessment", "support-planning", "review", "assessment", "review",
                      "assessment", "support-planning"]  # fmt: skip
    first_plan = results[3].data
    assert isinstance(first_plan, dict)
    assert [o["outcome"] for o in first_plan["outcomes"]] == [
        "having-things-to-do",
        "staying-as-well-as-you-can",  # "Staying well", a published variant
    ]


@pytest.mark.parametrize(("export", "profile"), BOTH, ids=["csv", "xlsx"])
def test_converting_gives_exactly_the_valid_records(export: Path, profile: Path) -> None:
    results = list(Validator(today=TODAY, profile=load_profile(profile)).iter_validate([export]))
    code, out, err = _cli(
        "convert", TODAY_ARG, "--profile", str(profile), str(export), "--to", "jsonl",
        "--output", "-",
    )  # fmt: skip
    assert code == 1
    written = [json.loads(line) for line in out.splitlines()]
    assert written == [r.data for r in results if r.valid]
    assert [record["record_id"] for record in written] == ["A-5001", "A-5002", "A-5003", "A-5004"]
    assert err.splitlines() == [
        *(f"{export}:{line}:{column}: {pointer}: {code}: {message}"
          for _, line, column, pointer, code, message in ISSUES),
        "7 records: 4 written, 3 left out for errors (schema 2, unknown-outcome 1)",
    ]  # fmt: skip


def test_validate_reports_the_faults_on_the_command_line() -> None:
    code, out, err = _cli("validate", TODAY_ARG, "--profile", str(CSV_PROFILE), str(CSV))
    assert (code, err) == (1, "")
    assert out.splitlines()[-1] == "7 records: 4 valid, 3 invalid (3 errors, 0 warnings)"


def test_the_csv_is_written_as_the_system_writes_it() -> None:
    data = CSV.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # Windows-1252, not UTF-8
    text = data.decode("cp1252")
    assert text.endswith("\r\n")
    assert text.count("\r\n") == text.count("\n") == 16
    lines = text.split("\r\n")
    assert lines[2].startswith("Assessment ID;Client ID;Assessment date;")


def _cells(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return {
            name: [tuple(row) for row in book[name].iter_rows(values_only=True)]
            for name in book.sheetnames
        }
    finally:
        book.close()


def test_the_workbook_is_what_make_xlsx_writes(tmp_path: Path) -> None:
    script = runpy.run_path(str(EXPORTS / "make_xlsx.py"))
    assert script["main"]([str(tmp_path / "made.xlsx")]) == 0
    committed = _cells(XLSX)
    assert committed == _cells(tmp_path / "made.xlsx")
    rows = committed["Outcomes"]
    assert len(rows) == 16
    dates = [row[2] for row in rows[3:]]
    assert dates[0] == dt.datetime(2026, 2, 3)  # a real date cell
    assert sum(isinstance(day, dt.datetime) for day in dates) == 12
    assert dates[11] == "03/10/26"  # typed by hand: text, and the date fault
