"""Excel exports through an import profile, end to end: records, located faults, the CLI."""

from __future__ import annotations

import datetime as dt
import io
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import openpyxl
import pytest

from factories import TODAY, TODAY_ARG
from personal_outcomes import Validator
from personal_outcomes._cli import run
from personal_outcomes.errors import MissingExtraError
from personal_outcomes.exports import parse_profile
from personal_outcomes.validation import RecordResult

FIELDS = """\
fields:
  record_id: Assessment ID
  person_id: Client ID
  framework: {value: adults}
  recorded_on: {column: Date, date_format: "%d/%m/%Y"}
  stage: {column: Type, values: {Initial assessment: assessment, Care plan: support-planning,
                                 Review: review}}
  outcome: {column: Outcome, match: label}
  what_matters: What matters to me
  status: {column: Progress, values: {Achieved: met, Partly achieved: partly-met,
                                      Not achieved: not-met, N/A: no-longer-relevant}}
  context.team: Team
"""

HEADER = [
    "Assessment ID",
    "Client ID",
    "Date",
    "Type",
    "Outcome",
    "What matters to me",
    "Progress",
    "Team",
]

NOT_A_WORKBOOK = "this file is not an Excel workbook (.xlsx); it was not read"
NO_SHEET = (
    "the workbook has no sheet of the name the profile gives; check the profile's sheet "
    "(names are exact)"
)
MISSING_EXTRA = "Excel files need openpyxl: pip install 'personal-outcomes[excel]'"

Issue = tuple[int | None, int | None, str, str, str]


def _profile_text(head: str = "", fields: str = FIELDS) -> str:
    return f"profile: 1\nformat: xlsx\n{head}{fields}"


def _validator(head: str = "", fields: str = FIELDS) -> Validator:
    return Validator(today=TODAY, profile=parse_profile(_profile_text(head, fields).encode()))


def _book(path: Path, sheets: dict[str, Sequence[Sequence[object]]]) -> Path:
    """Write a workbook: each sheet (in order) and its rows, from row 1."""
    book = openpyxl.Workbook()
    book.remove(book.worksheets[0])
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
    book.save(path)
    return path


def _issues(result: RecordResult) -> list[Issue]:
    return [(i.line, i.column, i.pointer, i.code, i.message) for i in result.issues]


def _column(name: str, number: int, text: str) -> str:
    return f"column '{name}' ({number}): {text}"


def _record(**fields: object) -> dict[str, object]:
    return {"framework": "adults", **fields}


def _cli(*arguments: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(arguments), out, err)
    return code, out.getvalue(), err.getvalue()


# --- 1. a clean workbook -------------------------------------------------------------------


def test_clean_workbook_gives_exact_records(tmp_path: Path) -> None:
    fields = FIELDS + "  context.score: Score\n  context.consent: Consent\n"
    header = [*HEADER, "Score", "Consent"]
    first = [12345.0, 678, dt.datetime(2026, 3, 1, 10, 30), "Initial assessment"]
    path = _book(
        tmp_path / "book.xlsx",
        {
            "Sheet": [
                header,
                [*first, "Seeing people", "My pals", None, "North", 2.5, True],
                [*first, "Feeling safe", "Safe at night", None, "North", 2.5, True],
                ["r-2", "p-2", dt.date(2026, 4, 1), " review ", "seeing people", "Pals",
                 "PARTLY ACHIEVED", None, 3.0, False],
                ["r-3", "p-3", "15/05/2026", "Care plan", "Feeling safe", "Feel safe",
                 None, "South", None, None],
            ]
        },
    )  # fmt: skip
    results = list(_validator(fields=fields).iter_validate([path]))
    assert [(r.index, r.line, r.record_id, r.valid, _issues(r)) for r in results] == [
        (0, 2, "12345", True, []),
        (1, 4, "r-2", True, []),
        (2, 5, "r-3", True, []),
    ]
    assert [r.data for r in results] == [
        _record(
            record_id="12345",
            person_id="678",
            recorded_on="2026-03-01",
            stage="assessment",
            context={"team": "North", "score": "2.5", "consent": "true"},
            outcomes=[
                {"outcome": "seeing-people", "what_matters": "My pals"},
                {"outcome": "feeling-safe", "what_matters": "Safe at night"},
            ],
        ),
        _record(
            record_id="r-2",
            person_id="p-2",
            recorded_on="2026-04-01",
            stage="review",
            context={"score": "3", "consent": "false"},
            outcomes=[{"outcome": "seeing-people", "what_matters": "Pals", "status": "partly-met"}],
        ),
        _record(
            record_id="r-3",
            person_id="p-3",
            recorded_on="2026-05-15",
            stage="support-planning",
            context={"team": "South"},
            outcomes=[{"outcome": "feeling-safe", "what_matters": "Feel safe"}],
        ),
    ]
    assert results[0].record().record_id == "12345"


def test_a_date_cell_is_its_date_without_a_date_format(tmp_path: Path) -> None:
    fields = FIELDS.replace('{column: Date, date_format: "%d/%m/%Y"}', "Date")
    path = _book(
        tmp_path / "book.xlsx",
        {"Sheet": [HEADER, ["a-1", "p-1", dt.datetime(2026, 3, 1, 23, 59), "Review",
                            "Seeing people", "Pals", "Achieved", None]]},
    )  # fmt: skip
    [result] = _validator(fields=fields).iter_validate([path])
    assert _issues(result) == []
    assert result.data == _record(
        record_id="a-1",
        person_id="p-1",
        recorded_on="2026-03-01",
        stage="review",
        outcomes=[{"outcome": "seeing-people", "what_matters": "Pals", "status": "met"}],
    )


# --- 2. mapping faults at the Excel row and column -----------------------------------------


def test_every_mapping_fault_is_at_its_row_and_column(tmp_path: Path) -> None:
    ok = ["Review", "Seeing people", "Pals", "Achieved", "North"]
    path = _book(
        tmp_path / "book.xlsx",
        {
            "Sheet": [
                HEADER,
                ["a-1", "p-1", "2026-03-01", *ok],
                ["a-2", "p-1", "31/02/2026", *ok],
                ["a-3", "p-1", dt.date(2026, 3, 2), "Revue", *ok[1:]],
                ["a-4", "p-1", "02/03/2026", "Review", "Seeing peple", *ok[2:]],
                ["a-5", "p-1", "02/03/2026", *ok[:3], "Done", "North"],
                ["a-6", "p-1", "02/03/2026", *ok],
                ["a-6", "p-1", "02/03/2026", "Review", "Feeling safe", "Safe", "Sort of", "North"],
                ["a-7", "p-1", dt.date(2026, 12, 25), *ok],
                ["a-8", "p-1", "1 March 2026", "Revue", "Seeing peple", "Pals", "Done", "North"],
            ]
        },
    )
    results = list(_validator().iter_validate([path]))
    date = _column("Date", 3, "this is not a date written %d/%m/%Y, as the profile says")
    stage = _column(
        "Type",
        4,
        "this value is not in the profile's table for stage; add it under fields.stage.values",
    )
    outcome = _column(
        "Outcome",
        5,
        "no outcome of framework 'adults' has this label or a published variant of it; "
        "check the spelling, or map it under fields.outcome.values",
    )
    status = _column(
        "Progress",
        7,
        "this value is not in the profile's table for status; add it under fields.status.values",
    )
    future = "recorded_on is after today's date everywhere on Earth (UTC+14); check the date"
    assert [(r.index, r.line, r.record_id, r.valid, _issues(r)) for r in results] == [
        (0, 2, "a-1", False, [(2, 3, "/recorded_on", "schema", date)]),
        (1, 3, "a-2", False, [(3, 3, "/recorded_on", "schema", date)]),
        (2, 4, "a-3", False, [(4, 4, "/stage", "schema", stage)]),
        (3, 5, "a-4", False, [(5, 5, "/outcomes/0/outcome", "unknown-outcome", outcome)]),
        (4, 6, "a-5", False, [(6, 7, "/outcomes/0/status", "schema", status)]),
        (5, 7, "a-6", False, [(8, 7, "/outcomes/1/status", "schema", status)]),
        (6, 9, "a-7", True, [(9, 3, "/recorded_on", "future-date", future)]),
        (7, 10, "a-8", False, [
            (10, 3, "/recorded_on", "schema", date),
            (10, 4, "/stage", "schema", stage),
            (10, 5, "/outcomes/0/outcome", "unknown-outcome", outcome),
            (10, 7, "/outcomes/0/status", "schema", status),
        ]),
    ]  # fmt: skip
    # A cell that cannot be mapped is kept as it was (the checker does not complain again).
    assert results[7].data == _record(
        record_id="a-8",
        person_id="p-1",
        recorded_on="1 March 2026",
        stage="Revue",
        context={"team": "North"},
        outcomes=[{"outcome": "Seeing peple", "what_matters": "Pals", "status": "Done"}],
    )
    messages = " ".join(i.message for r in results for i in r.issues)
    for cell in ("2026-03-01", "31/02/2026", "Revue", "peple", "Done", "Sort of", "1 March"):
        assert cell not in messages


def test_validate_command_reports_faults_at_row_and_column(tmp_path: Path) -> None:
    profile = tmp_path / "profile.yaml"
    profile.write_text(_profile_text(), encoding="utf-8")
    path = _book(
        tmp_path / "book.xlsx",
        {"Sheet": [HEADER,
                   ["a-1", "p-1", dt.date(2026, 3, 1), "Review", "Seeing people", "Pals",
                    "Achieved", "North"],
                   ["a-2", "p-1", "2026-03-01", "Review", "Seeing people", "Pals", "Done",
                    None]]},
    )  # fmt: skip
    code, out, err = _cli("validate", TODAY_ARG, "--profile", str(profile), str(path))
    assert (code, err) == (1, "")
    assert out == (
        f"{path}:3:3: /recorded_on: schema: column 'Date' (3): this is not a date written "
        "%d/%m/%Y, as the profile says\n"
        f"{path}:3:7: /outcomes/0/status: schema: column 'Progress' (7): this value is not in "
        "the profile's table for status; add it under fields.status.values\n"
        "2 records: 1 valid, 1 invalid (2 errors, 0 warnings)\n"
    )


# --- 3. sheet: -----------------------------------------------------------------------------


def _two_sheets(path: Path) -> Path:
    return _book(
        path,
        {
            "Cover": [["Outcomes export, March"], ["Produced by the case system"]],
            "Outcomes": [
                HEADER,
                ["a-1", "p-1", "01/03/2026", "Review", "Seeing people", "Pals", "Achieved", None],
            ],
        },
    )


def test_sheet_selects_a_named_sheet(tmp_path: Path) -> None:
    path = _two_sheets(tmp_path / "book.xlsx")
    results = list(_validator("sheet: Outcomes\n").iter_validate([path]))
    assert [(r.index, r.line, r.record_id, _issues(r)) for r in results] == [(0, 2, "a-1", [])]
    assert results[0].data == _record(
        record_id="a-1",
        person_id="p-1",
        recorded_on="2026-03-01",
        stage="review",
        outcomes=[{"outcome": "seeing-people", "what_matters": "Pals", "status": "met"}],
    )


def test_without_sheet_the_first_sheet_is_read(tmp_path: Path) -> None:
    path = _two_sheets(tmp_path / "book.xlsx")
    [result] = _validator().iter_validate([path])
    listed = ", ".join(f"'{name}'" for name in HEADER)
    message = (
        f"the header has no column {listed}, which the profile maps; check the profile's "
        "column names against the export; nothing was read"
    )
    assert (result.index, result.line, result.valid) == (None, 1, False)
    assert _issues(result) == [(1, None, "", "schema", message)]


def test_a_sheet_that_does_not_exist_is_one_fault_of_the_file(tmp_path: Path) -> None:
    path = _two_sheets(tmp_path / "book.xlsx")
    validator = _validator("sheet: outcomes\n")  # names are exact: case counts
    [result] = validator.iter_validate([path])
    assert (result.source, result.index, result.line, result.record_id, result.data) == (
        str(path),
        None,
        None,
        None,
        None,
    )
    assert _issues(result) == [(None, None, "", "parse-error", NO_SHEET)]
    assert not result.valid
    report = validator.validate_files([path])
    assert (report.records, report.valid, report.invalid, report.errors) == (0, 0, 0, 1)
    assert [(f.records, f.complete) for f in report.files] == [(0, False)]


# --- 4. header_row, blank rows, a header missing columns -----------------------------------


def test_header_row_below_title_rows_and_blank_rows_skipped(tmp_path: Path) -> None:
    header = [f"  {HEADER[0].upper()} ", *HEADER[1:]]  # spaces and case do not matter
    row = ["a-1", "p-1", "01/03/2026", "Review"]
    path = _book(
        tmp_path / "book.xlsx",
        {
            "Outcomes": [
                ["Outcomes export"],
                ["Run on 2 March 2026", None, "by the case system"],
                header,
                [],
                [*row, "Seeing people", "Pals", "Achieved", "North"],
                [None, None, "", "   "],
                [*row, "Feeling safe", "Safe", "Done", "North"],
                ["a-2", "p-2", "02/03/2026", "Initial assessment", "Seeing people", "Pals"],
                [None] * 8,
            ]
        },
    )
    results = list(_validator("header_row: 3\n").iter_validate([path]))
    status = _column(
        "Progress",
        7,
        "this value is not in the profile's table for status; add it under fields.status.values",
    )
    assert [(r.index, r.line, r.record_id, _issues(r)) for r in results] == [
        (0, 5, "a-1", [(7, 7, "/outcomes/1/status", "schema", status)]),
        (1, 8, "a-2", []),
    ]
    assert results[0].data == _record(
        record_id="a-1",
        person_id="p-1",
        recorded_on="2026-03-01",
        stage="review",
        context={"team": "North"},
        outcomes=[
            {"outcome": "seeing-people", "what_matters": "Pals", "status": "met"},
            {"outcome": "feeling-safe", "what_matters": "Safe", "status": "Done"},
        ],
    )


def test_a_header_missing_mapped_columns_is_one_fault_listing_them(tmp_path: Path) -> None:
    header = [name for name in HEADER if name not in {"Progress", "Team"}]
    path = _book(
        tmp_path / "book.xlsx",
        {"Sheet": [["Title"], [], header,
                   ["a-1", "p-1", "01/03/2026", "Review", "Seeing people", "Pals"]]},
    )  # fmt: skip
    validator = _validator("header_row: 3\n")
    [result] = validator.iter_validate([path])
    message = (
        "the header has no column 'Progress', 'Team', which the profile maps; check the "
        "profile's column names against the export; nothing was read"
    )
    assert (result.index, result.line, result.valid) == (None, 3, False)
    assert _issues(result) == [(3, None, "", "schema", message)]
    assert validator.validate_files([path]).records == 0


def test_a_sheet_shorter_than_its_header_row(tmp_path: Path) -> None:
    path = _book(tmp_path / "book.xlsx", {"Sheet": [["Title"], HEADER]})
    [result] = _validator("header_row: 3\n").iter_validate([path])
    message = "the file has no header row (the profile says it is row 3); nothing was read"
    assert (result.index, _issues(result)) == (None, [(1, None, "", "schema", message)])


# --- 5. not a workbook ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        b"Assessment ID,Client ID,Date\na-1,p-1,01/03/2026\n",
        b"",
        b"PK\x03\x04 but not really a zip",
    ],
    ids=["csv text", "empty", "broken zip"],
)
def test_a_file_that_is_not_a_workbook(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "export.xlsx"
    path.write_bytes(content)
    validator = _validator()
    [result] = validator.iter_validate([path])
    assert (result.index, result.line, result.valid) == (None, None, False)
    assert _issues(result) == [(None, None, "", "parse-error", NOT_A_WORKBOOK)]
    report = validator.validate_files([path])
    assert (report.records, report.errors) == (0, 1)


def test_validate_command_on_a_file_that_is_not_a_workbook(tmp_path: Path) -> None:
    profile = tmp_path / "profile.yaml"
    profile.write_text(_profile_text(), encoding="utf-8")
    path = tmp_path / "export.xlsx"
    path.write_text("Assessment ID,Client ID\n", encoding="utf-8")
    code, out, _ = _cli("validate", TODAY_ARG, "--profile", str(profile), str(path))
    assert code == 1
    assert out.startswith(f"{path}: /: parse-error: {NOT_A_WORKBOOK}\n")


# --- 6. without openpyxl -------------------------------------------------------------------


@pytest.fixture
def no_openpyxl(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make ``import openpyxl`` fail, as when the excel extra is not installed."""
    monkeypatch.setitem(sys.modules, "openpyxl", None)


def test_without_openpyxl_the_api_raises_missing_extra(tmp_path: Path, no_openpyxl: None) -> None:
    del no_openpyxl
    path = tmp_path / "export.xlsx"
    path.write_bytes(b"whatever: not read")
    with pytest.raises(MissingExtraError) as caught:
        list(_validator().iter_validate([path]))
    assert (caught.value.purpose, caught.value.package, caught.value.extra) == (
        "Excel files",
        "openpyxl",
        "excel",
    )
    assert str(caught.value) == MISSING_EXTRA


def test_without_openpyxl_the_commands_exit_2_and_write_nothing(
    tmp_path: Path, no_openpyxl: None
) -> None:
    del no_openpyxl
    profile = tmp_path / "profile.yaml"
    profile.write_text(_profile_text(), encoding="utf-8")
    path = tmp_path / "export.xlsx"
    path.write_bytes(b"whatever: not read")
    before = sorted(p.name for p in tmp_path.iterdir())
    output = tmp_path / "out.jsonl"
    code, out, err = _cli(
        "convert", "--profile", str(profile), str(path), "--to", "jsonl", "--output", str(output)
    )
    assert (code, out, err) == (2, "", f"personal-outcomes: {MISSING_EXTRA}\n")
    assert not output.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    code, out, err = _cli("validate", "--profile", str(profile), str(path))
    assert (code, out, err) == (2, "", f"personal-outcomes: {MISSING_EXTRA}\n")


# --- 7. convert ----------------------------------------------------------------------------


def test_convert_writes_the_valid_records_and_reports_what_was_left_out(tmp_path: Path) -> None:
    profile = tmp_path / "profile.yaml"
    profile.write_text(_profile_text(), encoding="utf-8")
    path = _book(
        tmp_path / "book.xlsx",
        {
            "Sheet": [
                HEADER,
                [101.0, 7.0, dt.date(2026, 3, 1), "Initial assessment", "Seeing people",
                 "Pals", None, "North"],
                [101.0, 7.0, dt.date(2026, 3, 1), "Initial assessment", "Feeling safe",
                 "Safe", None, "North"],
                ["a-2", "p-2", "31/02/2026", "Review", "Seeing people", "Pals", "Achieved", None],
                ["a-3", "p-3", "02/03/2026", "Review", "Feeling safe", "Safe", "N/A", None],
            ]
        },
    )  # fmt: skip
    output = tmp_path / "out.jsonl"
    code, out, err = _cli(
        "convert", TODAY_ARG, "--profile", str(profile), str(path),
        "--to", "jsonl", "--output", str(output),
    )  # fmt: skip
    assert (code, out) == (1, "")
    assert err == (
        f"{path}:4:3: /recorded_on: schema: column 'Date' (3): this is not a date written "
        "%d/%m/%Y, as the profile says\n"
        "3 records: 2 written, 1 left out for errors (schema 1)\n"
    )
    lines = output.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == [
        _record(
            record_id="101",
            person_id="7",
            recorded_on="2026-03-01",
            stage="assessment",
            context={"team": "North"},
            outcomes=[
                {"outcome": "seeing-people", "what_matters": "Pals"},
                {"outcome": "feeling-safe", "what_matters": "Safe"},
            ],
        ),
        _record(
            record_id="a-3",
            person_id="p-3",
            recorded_on="2026-03-02",
            stage="review",
            outcomes=[
                {"outcome": "feeling-safe", "what_matters": "Safe", "status": "no-longer-relevant"}
            ],
        ),
    ]


def test_convert_of_a_clean_workbook_exits_0(tmp_path: Path) -> None:
    profile = tmp_path / "profile.yaml"
    profile.write_text(_profile_text(), encoding="utf-8")
    path = _book(
        tmp_path / "book.xlsx",
        {"Sheet": [HEADER, ["a-1", "p-1", "01/03/2026", "Review", "Seeing people", "Pals",
                            "Not achieved", "North"]]},
    )  # fmt: skip
    output = tmp_path / "out.jsonl"
    code, out, err = _cli(
        "convert", TODAY_ARG, "--profile", str(profile), str(path),
        "--to", "jsonl", "--output", str(output),
    )  # fmt: skip
    assert (code, out, err) == (0, "", "1 record: 1 written, 0 left out for errors\n")
    assert [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()] == [
        _record(
            record_id="a-1",
            person_id="p-1",
            recorded_on="2026-03-01",
            stage="review",
            context={"team": "North"},
            outcomes=[{"outcome": "seeing-people", "what_matters": "Pals", "status": "not-met"}],
        )
    ]


def test_convert_of_a_missing_sheet_writes_no_record_and_exits_1(tmp_path: Path) -> None:
    profile = tmp_path / "profile.yaml"
    profile.write_text(_profile_text("sheet: Nope\n"), encoding="utf-8")
    path = _two_sheets(tmp_path / "book.xlsx")
    output = tmp_path / "out.jsonl"
    code, out, err = _cli(
        "convert", TODAY_ARG, "--profile", str(profile), str(path),
        "--to", "jsonl", "--output", str(output),
    )  # fmt: skip
    assert (code, out) == (1, "")
    assert err == (
        f"{path}: /: parse-error: {NO_SHEET}\n0 records: 0 written, 0 left out for errors\n"
    )
    assert output.read_text(encoding="utf-8") == ""


# --- 8. streaming --------------------------------------------------------------------------


def test_a_large_workbook_validates_with_exact_counts(tmp_path: Path) -> None:
    fields = """\
fields:
  record_id: Assessment ID
  person_id: Client ID
  framework: {value: adults}
  recorded_on: {column: Date, date_format: "%d/%m/%Y"}
  stage: {value: review}
  outcome: {column: Outcome, match: label}
  what_matters: What matters to me
  status: {column: Progress, values: {Achieved: met}}
"""
    path = tmp_path / "big.xlsx"
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Outcomes")
    sheet.append(
        ["Assessment ID", "Client ID", "Date", "Outcome", "What matters to me", "Progress"]
    )
    records = 2_500  # two rows each: 5,001 rows with the header
    for number in range(records):
        progress = "Done" if number % 100 == 7 else "Achieved"
        day = dt.date(2026, 1, 1) + dt.timedelta(days=number % 300)
        for outcome in ("Seeing people", "Feeling safe"):
            sheet.append([float(number), f"p-{number % 40}", day, outcome, "Pals", progress])
    book.save(path)
    report = _validator("sheet: Outcomes\n", fields).validate_files([path])
    status = _column(
        "Progress",
        6,
        "this value is not in the profile's table for status; add it under fields.status.values",
    )
    assert [(i.record, i.record_id, i.line, i.column, i.pointer, i.code, i.message)
            for i in report.issues] == [
        (n, str(n), line, 6, f"/outcomes/{k}/status", "schema", status)
        for n in range(7, records, 100)
        for k, line in enumerate((2 + 2 * n, 3 + 2 * n))
    ]  # fmt: skip
    assert (report.records, report.valid, report.invalid, report.errors, report.warnings) == (
        2_500,
        2_475,
        25,
        50,
        0,
    )
    assert [(f.records, f.complete) for f in report.files] == [(2_500, True)]
