"""Import profiles at their edges: every kind of profile fault, odd cells and files."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest

from factories import TODAY
from personal_outcomes import Validator
from personal_outcomes.errors import InvalidProfileError
from personal_outcomes.exports import Profile, parse_profile
from personal_outcomes.exports._profile import build_profile
from personal_outcomes.exports._rows import cell_text
from personal_outcomes.summaries import Grouping
from personal_outcomes.validation import RecordResult

FIELDS: dict[str, Any] = {
    "record_id": "Id",
    "person_id": "Person",
    "framework": {"value": "adults"},
    "recorded_on": {"column": "Date", "date_format": "%d/%m/%Y"},
    "stage": {"column": "Stage", "values": {"Review": "review", "Start": "assessment"}},
    "outcome": {"column": "Outcome", "values": {"Pals": "seeing-people"}, "match": "label"},
    "what_matters": "Words",
    "status": {"column": "Result", "values": {"Yes": "met"}},
    "context.team": {"column": "Team", "values": {"N": "north"}},
}
HEADER = "Id,Person,Date,Stage,Outcome,Words,Result,Team"


def _problems(data: object) -> list[tuple[str, str]]:
    with pytest.raises(InvalidProfileError) as caught:
        build_profile(data, "data")
    assert all(p.line is None and p.column is None for p in caught.value.problems)
    return [(p.pointer, p.message) for p in caught.value.problems]


def _profile(**changes: Any) -> Profile:
    data = {"profile": 1, "format": "csv", "fields": FIELDS, **changes}
    return parse_profile(json.dumps(data).encode(), "p.yaml")


def _check(tmp_path: Path, lines: list[str], profile: Profile | None = None) -> list[RecordResult]:
    path = tmp_path / "export.csv"
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return list(Validator(today=TODAY, profile=profile or _profile()).iter_validate([path]))


def _issues(results: list[RecordResult]) -> list[tuple[Any, ...]]:
    return [(i.line, i.column, i.pointer, i.code, i.message) for r in results for i in r.issues]


def test_profile_data_checked_without_a_file_has_no_places() -> None:
    """Every keyword's message, none quoting a value (a profile may be the wrong file)."""
    fields = {**FIELDS, "notes": "x" * 201}
    assert _problems(["Jane Smith", "p-1"]) == [
        ("", "a profile is a mapping of profile, format, fields and the rest")
    ]
    assert _problems(
        {"profile": 1, "format": "csv", "header_row": 0, "colour": 1, "fields": fields}
    ) == [
        (
            "/colour",
            (
                "'colour' is not a key of a profile; the keys are profile, format, encoding, "
                "delimiter, sheet, header_row, fields"
            ),
        ),
        ("/fields/notes", "a column name is at most 200 characters"),
        ("/header_row", "must be at least 1"),
    ]
    assert _problems({"profile": 1, "format": "csv", "header_row": 1001, "fields": FIELDS}) == [
        ("/header_row", "must be at most 1000")
    ]
    assert _problems({"profile": 1, "format": "csv", "header_row": "2", "fields": FIELDS}) == [
        ("/header_row", "must be a whole number")
    ]
    assert _problems({"profile": 1, "format": "csv"}) == [("", "must have 'fields'")]
    odd = {**FIELDS, "notes": {"column": "Notes", "colour": "red"}}
    assert _problems({"profile": 1, "format": "csv", "fields": odd}) == [
        ("/fields/notes", "holds a key that is not allowed here; the keys are column, values")
    ]
    values = {**FIELDS, "status": {"column": "Result", "values": {"  ": "met"}}}
    assert _problems({"profile": 1, "format": "csv", "fields": values}) == [
        ("/fields/status/values", "must not be empty or only spaces")
    ]


def test_rows_of_one_record_that_disagree_name_the_export_s_column(tmp_path: Path) -> None:
    lines = [HEADER, "r-1,p-1,01/03/2026,Start,Pals,x,,N", "r-1,p-1,01/03/2026,Start,Pals,y,,S"]
    table = (
        "column 'Team' (8): this value is not in the profile's table for context.team; add it "
        "under fields.context.team.values"
    )
    disagree = (
        "rows of one record disagree on column 'Team' (8); every row of a record must repeat "
        "the same record-level values"
    )
    assert sorted(_issues(_check(tmp_path, lines))) == [
        (3, 8, "/context/team", "schema", table),
        (3, 8, "/context/team", "schema", disagree),
    ]


def test_a_value_table_before_labels(tmp_path: Path) -> None:
    """A value in the table maps; any other is looked up as a label."""
    results = _check(tmp_path, [HEADER, "r-1,p-1,01/03/2026,Start,Pals,x,,N",
                                "r-2,p-1,01/03/2026,Start,Feeling safe,x,,N",
                                "r-3,p-1,01/03/2026,Start,Nope,x,,N"])  # fmt: skip
    assert [r.data["outcomes"][0]["outcome"] for r in results if isinstance(r.data, dict)] == [
        "seeing-people",
        "feeling-safe",
        "Nope",
    ]
    assert [i.code for i in results[2].issues] == ["unknown-outcome"]


def test_where_an_issue_of_a_record_is(tmp_path: Path) -> None:
    """An issue of a whole outcome is at its row, in no one column."""
    (result,) = _check(tmp_path, [HEADER, "r-1,p-1,01/03/2026,Review,Pals,x,,N"])
    assert _issues([result]) == [
        (2, None, "/outcomes/0", "status-missing", result.issues[0].message),
    ]
    assert result.issues[0].severity == "warning"


def test_cells_as_text() -> None:
    assert cell_text(dt.time(9, 30)) == "09:30:00"
    assert cell_text(dt.date(2026, 3, 1)) == "2026-03-01"
    assert cell_text(dt.datetime(2026, 3, 1, 9, 0)) == "2026-03-01T09:00:00"
    assert cell_text(12.5) == "12.5"
    assert cell_text(7) == "7"


def test_a_utf16_export_with_a_line_longer_than_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes((HEADER + "\n").encode("utf-16") + ("x" * (1 << 20 + 1)).encode("utf-16-le"))
    profile = _profile(encoding="utf-16")
    results = list(Validator(today=TODAY, profile=profile).iter_validate([path]))
    assert _issues(results)[-1][:2] == (2, None)
    assert "longer than 1,048,576 bytes" in _issues(results)[-1][4]


def test_an_export_from_a_stream_that_cannot_seek() -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    sheet.append(["r-1", "p-1", dt.datetime(2026, 3, 1), "Start", "Pals", "x", None, "N"])
    data = io.BytesIO()
    book.save(data)

    class Pipe(io.RawIOBase):
        def __init__(self, payload: bytes) -> None:
            self.inner = io.BytesIO(payload)

        def readable(self) -> bool:
            return True

        def seekable(self) -> bool:
            return False

        def readinto(self, buffer: Any) -> int:
            chunk = self.inner.read(len(buffer))
            buffer[: len(chunk)] = chunk
            return len(chunk)

    profile = _profile(format="xlsx")
    validator = Validator(today=TODAY, profile=profile)
    stream = io.BufferedReader(Pipe(data.getvalue()))
    (result,) = validator.iter_stream(stream, source="<stdin>")
    assert result.issues == ()
    assert isinstance(result.data, dict)
    assert result.data["recorded_on"] == "2026-03-01"


def test_the_public_grouping_of_one_outcome() -> None:
    grouping = Grouping(fields=("context.team", "perspective", "period", "stage"))
    record = {"stage": "review", "recorded_on": dt.date(2026, 4, 1), "context": {"team": "n"}}
    assert grouping.groups(record, {"perspective": "agreed"}) == (
        ("n", "agreed", "2026-04", "review"),
    )
    assert grouping.groups({"context": "not a mapping", "recorded_on": 3}, {}) == (
        (None, None, None, None),
    )


def test_a_row_whose_cells_do_not_fit_the_header_is_a_fault(tmp_path: Path) -> None:
    """An unquoted delimiter shifts the cells: the row is a fault, never read askew."""
    lines = [
        HEADER,
        "r-1,p-1,01/03/2026,Start,Pals,To feel safe, at home,,N",
        "r-2,p-1,01/03/2026,Start,Pals,x",
        "r-3,p-1,01/03/2026,Start,Pals,x,,N,,",
    ]
    results = _check(tmp_path, lines)
    assert [(r.line, [i.message for i in r.issues]) for r in results] == [
        (
            2,
            [
                (
                    "this row has 9 cells but the header has 8; a cell that holds the "
                    "delimiter must be in double quotes"
                )
            ],
        ),
        (
            3,
            [
                (
                    "this row has 6 cells but the header has 8; a cell that holds the "
                    "delimiter must be in double quotes"
                )
            ],
        ),
        (4, []),  # empty cells past the header's end are no fault
    ]


def test_a_row_with_a_nul_character_is_a_fault_and_reading_goes_on(tmp_path: Path) -> None:
    results = _check(tmp_path, [HEADER, "r-1,p-1,01/03/2026,Start,Pals,a\x00b,,N",
                                "r-2,p-1,01/03/2026,Start,Pals,x,,N"])  # fmt: skip
    assert [(r.line, r.valid) for r in results] == [(2, False), (3, True)]
    assert results[0].issues[0].message == (
        "this row holds a NUL character (a zero byte), which text never holds; the file may "
        "be damaged, or in another encoding"
    )


def test_a_mapped_column_twice_in_the_header_is_the_file_s_fault(tmp_path: Path) -> None:
    (result,) = _check(tmp_path, [HEADER + ",words", "r-1,p-1,01/03/2026,Start,Pals,x,,N,y"])
    assert (result.index, result.issues[0].message) == (
        None,
        (
            "the header has column 'Words', which the profile maps, more than once (columns 6 and "
            "9); rename one, so that it is clear which to read; check the profile's column names "
            "against the export; nothing was read"
        ),
    )


def test_cells_compare_in_one_unicode_form(tmp_path: Path) -> None:
    """An accent written as its own mark, or full-width letters, match the table's words."""
    results = _check(tmp_path, [HEADER, "r-1,p-1,01/03/2026,\uff33tart,Pals,x,,N",
                                "r-2,p-1,01/03/2026,Start,Pals,x,,\u004e"])  # fmt: skip
    assert [r.issues for r in results] == [(), ()]


def test_the_own_columns_dialect_speaks_of_its_options(tmp_path: Path) -> None:
    """Read with --encoding/--delimiter, messages name those, not a profile."""
    path = tmp_path / "records.csv"
    path.write_bytes(b"record_id;framework\n\x81\n")
    dialect = Profile(format="csv", encoding="cp1252", delimiter=";", source="options")
    from personal_outcomes.validation._run import Engine, Run  # noqa: PLC0415

    engine = Engine(Validator().registry, today=TODAY, csv_dialect=dialect)
    (result,) = engine.scan([path], run=Run(), every=True)
    assert result.issues[-1].message == (
        "this line is not cp1252 text, the encoding --encoding/--delimiter gives; check it "
        "(utf-8, cp1252 or utf-16); the rest of the file was not read"
    )
    path.write_bytes(b"")
    (result,) = engine.scan([path], run=Run(), every=True)
    assert result.issues[0].message == "the file has no header row; nothing was read"


def test_context_names_and_constants_in_a_profile_are_said_plainly() -> None:
    fields = {**FIELDS, "context.a b": "Team", "framework": {"value": "adults", "values": {}}}
    assert _problems({"profile": 1, "format": "csv", "fields": fields}) == [
        (
            "/fields/context.a b",
            (
                "this key is not a context field: after 'context.', a letter, "
                "then up to 63 letters, digits, '_' or '-'"
            ),
        ),
        (
            "/fields/framework",
            "a constant is written {value: TEXT} and takes nothing else (not 'values')",
        ),
    ]


def test_a_sheet_that_says_it_reaches_the_last_cell_is_read_as_written(tmp_path: Path) -> None:
    """One stray value in XFD1048576: the rows are read as stored, not padded to that size."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    sheet.append(["r-1", "p-1", "01/03/2026", "Start", "Pals", "x", None, "N"])
    sheet["XFD1048576"] = "stray"
    path = tmp_path / "export.xlsx"
    book.save(path)
    results = list(Validator(today=TODAY, profile=_profile(format="xlsx")).iter_validate([path]))
    assert [(r.line, r.valid) for r in results] == [(2, True), (1048576, False)]
