"""Exact behaviour that mutation testing found untested, module by module.

Each test pins what a surviving mutant changed: an exact issue list (record,
line, column, pointer, code), an exact message, an exact line inside a
multi-line quoted row, or a limit exactly at and one past it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest
import yaml

from factories import TODAY, outcome_record, record
from personal_outcomes import (
    Registry,
    Validator,
    bundled,
    load_framework,
    validate_files,
    validate_record,
)
from personal_outcomes._formats._csv import CELL_LIMIT, ROW_LIMIT, read_csv, write_csv
from personal_outcomes._record_format import CONTEXT_KEY_PATTERN
from personal_outcomes.errors import RecordWriteError
from personal_outcomes.validation import Report, _check, _fast_json
from personal_outcomes.validation._run import Engine

HEADER = "record_id,framework,person_id,recorded_on,stage,outcome,what_matters"
BOM = b"\xef\xbb\xbf"
NOT_READ = "the rest of the file was not read"
RESAVE = (
    "save it as CSV UTF-8 (in Excel: Save As, file type 'CSV UTF-8 (Comma delimited)'), or "
    "read it as it is with --encoding cp1252 or utf-16 (or an import profile)"
)
WRITE_QUOTES = 'close it, or write each double quote inside a quoted cell as two ("")'
Issue = tuple[int | None, int | None, int | None, str, str]


def row(number: int, what: str = "Friends", outcome: str = "seeing-people") -> str:
    """Return a good row of record r<number> (a valid record on its own)."""
    return f"r{number},adults,p{number},2026-03-01,assessment,{outcome},{what}"


def lines(*rows: str, end: str = "\n") -> bytes:
    return "".join(text + end for text in rows).encode()


def check(tmp_path: Path, data: bytes) -> tuple[Report, list[Issue]]:
    """Validate ``data`` as a CSV file; return the report and its issues as tuples."""
    path = tmp_path / "records.csv"
    path.write_bytes(data)
    report = validate_files([path], today=TODAY)
    assert sum(summary.records for summary in report.files) == report.records
    return report, [(i.record, i.line, i.column, i.pointer, i.code) for i in report.issues]


def counts(report: Report) -> tuple[int, int, int, bool]:
    """Return (records, valid, the file's records, whether the file was read to its end)."""
    (summary,) = report.files
    return report.records, report.valid, summary.records, summary.complete


def messages(report: Report) -> list[str]:
    return [issue.message for issue in report.issues]


def parse_error(record: int | None, line: int) -> Issue:
    return (record, line, None, "", "parse-error")


# === personal_outcomes._formats._csv ====================================================

# --- _header_names ---------------------------------------------------------------------


def test_an_empty_first_line_is_no_header_with_the_exact_message(tmp_path: Path) -> None:
    report, issues = check(tmp_path, lines(",,,", HEADER, row(1)))
    assert issues == [parse_error(None, 1)]
    assert counts(report) == (0, 0, 0, False)
    assert messages(report) == [
        (
            "the first line is empty, so the file has no header row; put the column names on the "
            f"first line; {NOT_READ}"
        )
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", ("the file is empty, so it has no header row; the first line must name the "
         "columns (record_id, framework, person_id, ...)")),
        (lines(HEADER.replace(",", ";")), ("the header is a single column, and the file looks "
         "semicolon-separated; read it with --delimiter ';' (or an import profile), or save it "
         f"as comma-separated CSV (RFC 4180); {NOT_READ}")),
        (b"record_id,\0\n", ("the first line holds NUL characters (zero bytes), which text "
         "never holds: the file may be UTF-16 without a byte order mark, or not a CSV file at "
         f"all; {RESAVE}; it was not read")),
    ],
    ids=["empty", "semicolons", "nul"],
)  # fmt: skip
def test_a_file_without_a_usable_header_has_the_exact_message(
    tmp_path: Path, data: bytes, message: str
) -> None:
    report, issues = check(tmp_path, data)
    assert issues == [parse_error(None, 1)]
    assert messages(report) == [message]


def test_a_header_not_utf8_on_its_second_line_is_placed_on_it(tmp_path: Path) -> None:
    report, issues = check(tmp_path, b'"x\ny\xff",' + lines(HEADER, "z," + row(1)))
    assert issues == [parse_error(None, 2)]
    assert messages(report) == [
        f"the file is not UTF-8 text from this line on; {RESAVE}; {NOT_READ}"
    ]


def test_a_header_name_of_exactly_the_cell_limit_is_read(tmp_path: Path) -> None:
    report, issues = check(tmp_path, lines(f"{HEADER},{'x' * CELL_LIMIT}", row(1) + ","))
    assert issues == [(0, 1, None, "", "schema")]
    assert counts(report) == (1, 0, 1, True)


# --- _lone_cr_file ------------------------------------------------------------------------


def test_a_file_with_lone_cr_line_ends_is_refused_with_the_exact_message(tmp_path: Path) -> None:
    """Lone-CR line ends from the header on: one parse-error at line 1, its message in full."""
    report, issues = check(tmp_path, lines(HEADER, row(1), row(2), end="\r"))
    assert issues == [parse_error(None, 1)]
    assert counts(report) == (0, 0, 0, False)
    assert messages(report) == [
        (
            "the lines end with a lone carriage return (CR); save the file with CRLF or LF line "
            "ends (as CSV UTF-8); it was not read"
        )
    ]


# --- _judge: a lone CR in a row, placed on its own line -----------------------------------


def test_a_lone_cr_after_line_breaks_in_a_quoted_cell_is_placed_on_its_line(
    tmp_path: Path,
) -> None:
    """A row over lines 3 to 5 (two line breaks in a quoted cell), then a lone CR on line 5.

    Reading stops on line 5, where the CR is: not on the row's first line, nor on a
    line counted from the CR to the row's end.
    """
    spanning = 'r2,adults,p2,2026-03-01,"assess\nment\nx",seeing-people,a\rb'
    report, issues = check(tmp_path, lines(HEADER, row(1), spanning, row(3)))
    assert issues == [parse_error(1, 5)]
    assert counts(report) == (2, 1, 2, False)
    assert messages(report) == [
        (
            "a line ends with a lone carriage return (CR) here; save the file with CRLF or LF "
            f"line ends; {NOT_READ}"
        )
    ]


def test_a_lone_cr_in_a_short_row_is_on_the_row_s_line(tmp_path: Path) -> None:
    """A one-line row with a lone CR and too few cells: reading stops at that line (3)."""
    report, issues = check(tmp_path, lines(HEADER, row(1), "r2,adults\rp2", row(3)))
    assert issues == [parse_error(1, 3)]
    assert counts(report) == (2, 1, 2, False)


# --- _judge: a quoted cell holding line breaks, then a fault --------------------------------


def test_a_runaway_quote_names_the_last_line_of_its_row(tmp_path: Path) -> None:
    """A quoted cell over lines 3 to 5, then too many cells: the message says line 5."""
    spanning = 'r2,adults,p2,2026-03-01,assessment,seeing-people,"a\nb\nc",extra'
    report, issues = check(tmp_path, lines(HEADER, row(1), spanning, row(3)))
    assert issues == [parse_error(1, 3)]
    assert counts(report) == (2, 1, 2, False)
    assert messages(report) == [
        (
            "a quoted cell of this row holds line breaks, so the row runs on to line 5, and it "
            "then has 8 cells but the header has 7: a double quote was probably never closed, "
            f"which makes the rows after it part of a cell; {WRITE_QUOTES}; {NOT_READ}"
        )
    ]


def test_a_runaway_quote_closed_on_the_file_s_last_byte_names_that_line(tmp_path: Path) -> None:
    """The quote closes on line 4, which holds only it and no line end: the row runs to 4."""
    report, issues = check(tmp_path, lines(HEADER, row(1)) + b'r2,"a\n"')
    assert issues == [parse_error(1, 3)]
    assert counts(report) == (2, 1, 2, False)
    assert messages(report) == [
        (
            "a quoted cell of this row holds line breaks, so the row runs on to line 4, and it "
            "then has 2 cells but the header has 7: a double quote was probably never closed, "
            f"which makes the rows after it part of a cell; {WRITE_QUOTES}; {NOT_READ}"
        )
    ]


def test_a_runaway_quote_in_a_later_row_of_a_record_spoils_that_record(tmp_path: Path) -> None:
    """The row where reading stops names r1 on its first line: it spoils r1, not a record."""
    spanning = 'r1,adults,p1,2026-03-01,assessment,seeing-people,"a\nb",extra'
    report, issues = check(tmp_path, lines(HEADER, row(1), spanning))
    assert issues == [parse_error(0, 3)]
    assert counts(report) == (1, 0, 1, False)


# --- _judge and _row_fault: which record a faulty row spoils ------------------------------


def test_a_record_id_cell_over_the_limit_between_rows_of_a_record_spoils_it(
    tmp_path: Path,
) -> None:
    """A row whose record_id cell is too long names no record: the record around it takes it."""
    huge = "r" * (CELL_LIMIT + 1)
    data = lines(HEADER, row(1), f"{huge},{row(1)[3:]}", row(1, what="Pals"))
    report, issues = check(tmp_path, data)
    assert issues == [parse_error(0, 3)]
    assert counts(report) == (1, 0, 1, True)


def test_a_long_cell_elsewhere_keeps_the_row_s_record_id(tmp_path: Path) -> None:
    """A too-long what_matters cell: the row still names r2, so r2's next row joins it."""
    huge = "x" * (CELL_LIMIT + 1)
    data = lines(HEADER, row(1), row(2, what=huge), row(2, what="Pals"))
    report, issues = check(tmp_path, data)
    assert issues == [parse_error(1, 3)]
    assert counts(report) == (2, 1, 2, True)
    assert messages(report) == [
        f"a cell is longer than {CELL_LIMIT} characters, the most a cell may hold; shorten it"
    ]


def test_a_faulty_row_after_a_byte_order_mark_names_its_record(tmp_path: Path) -> None:
    """A BOM starts a short row of r2: its record_id is r2, so r2's next row joins it."""
    data = lines(HEADER, row(1)) + BOM + lines("r2,adults", row(2))
    report, issues = check(tmp_path, data)
    assert issues == [parse_error(1, 3)]
    assert counts(report) == (2, 1, 2, True)


def test_a_faulty_row_after_a_byte_order_mark_without_a_record_id_column(
    tmp_path: Path,
) -> None:
    """No record_id column: a BOM-led short row is a record of its own, as every row is."""
    header = HEADER.removeprefix("record_id,")
    good = row(1).removeprefix("r1,")
    report, issues = check(tmp_path, lines(header, good) + BOM + lines("adults,p2", good))
    assert issues == [(0, 1, None, "", "schema"), parse_error(1, 3)]
    assert counts(report) == (3, 0, 3, True)


# --- _clean: rows over several lines that the csv module reads, but that are not good ------


def test_a_repeated_header_over_two_lines_is_still_a_repeated_header(tmp_path: Path) -> None:
    """A header with a quoted name holding a line break, repeated (files joined): a fault."""
    header = HEADER + ',"x\ny"'
    report, issues = check(tmp_path, lines(header, row(1) + ",", header, row(2) + ","))
    assert issues == [(0, 1, None, "", "schema"), parse_error(1, 4)]
    assert counts(report) == (3, 1, 3, True)
    assert messages(report)[1] == (
        "the row repeats the header row, as when two files are joined together; remove it"
    )


def test_a_nul_in_a_quoted_cell_over_two_lines_spoils_its_row(tmp_path: Path) -> None:
    report, issues = check(tmp_path, lines(HEADER, row(1), row(2, what='"a\nb\0c"'), row(3)))
    assert issues == [parse_error(1, 3)]
    assert counts(report) == (3, 2, 3, True)
    assert messages(report)[0].startswith("the row holds a NUL character (a zero byte)")


def test_a_repeated_header_after_a_byte_order_mark_over_two_lines_is_a_fault(
    tmp_path: Path,
) -> None:
    """Files joined, each with a BOM and a header over two lines: the second header is a fault."""
    header = HEADER + ',"x\ny"'
    data = lines(header, row(1) + ",") + BOM + lines(header, row(2) + ",")
    report, issues = check(tmp_path, data)
    assert issues == [(0, 1, None, "", "schema"), parse_error(1, 4)]
    assert counts(report) == (3, 1, 3, True)
    assert messages(report)[1] == (
        "the row repeats the header row, as when two files are joined together; remove it"
    )


def test_a_row_over_several_lines_longer_than_a_cell_may_be_is_read(tmp_path: Path) -> None:
    """Two cells of 70,000 characters (one over 35,000 lines): the row is longer than
    CELL_LIMIT, but no cell is, so it is read (then both texts are too long)."""
    header = "record_id,framework,person_id,recorded_on,stage,notes,outcome,what_matters"
    notes = '"' + "n\n" * 35_000 + '"'
    wide = f"r1,adults,p1,2026-03-01,assessment,{notes},seeing-people,{'w' * 70_000}"
    report, issues = check(tmp_path, lines(header, wide))
    assert issues == [
        (0, 2, None, "/notes", "schema"),
        (0, 2, None, "/outcomes/0/what_matters", "schema"),
    ]
    assert counts(report) == (1, 0, 1, True)


def test_a_cell_over_the_limit_over_several_lines_whatever_the_csv_limit(
    tmp_path: Path,
) -> None:
    """With the csv module's field limit raised, a multi-line cell over CELL_LIMIT is a fault."""
    data = lines(HEADER, row(1), row(2, what='"' + "x\n" * 70_000 + '"'), row(3))
    old = csv.field_size_limit(sys.maxsize)
    try:
        report, issues = check(tmp_path, data)
    finally:
        csv.field_size_limit(old)
    assert issues == [parse_error(1, 3)]
    assert counts(report) == (3, 2, 3, True)
    assert messages(report) == [
        f"a cell is longer than {CELL_LIMIT} characters, the most a cell may hold; shorten it"
    ]


# --- _first_line_key: which record a row where reading stops belongs to -----------------

#: A header whose record_id column is the last one.
ID_LAST = "framework,person_id,recorded_on,stage,outcome,what_matters,record_id"


def id_last(number: int) -> str:
    return f"adults,p{number},2026-03-01,assessment,seeing-people,Friends,r{number}"


def test_a_too_long_line_of_two_cells_names_its_record(tmp_path: Path) -> None:
    """The first cell of a line over ROW_LIMIT (of two cells, no fault) is its record_id."""
    report, issues = check(tmp_path, lines(HEADER, row(1), "r1," + "x" * ROW_LIMIT))
    assert issues == [parse_error(0, 3)]
    assert counts(report) == (1, 0, 1, False)
    assert messages(report) == [
        f"the line is longer than 1 MiB (1,048,576 bytes), the most a row may take; {NOT_READ}"
    ]


def test_a_too_long_line_whose_record_id_cell_is_faulty_names_no_record(tmp_path: Path) -> None:
    """'"r1"x' is not read exactly (text after a closing quote): it names no record, not r1x."""
    faulty = '"r1"x,adults,p1,2026-03-01,assessment,seeing-people,' + "x" * ROW_LIMIT
    report, issues = check(tmp_path, lines(HEADER, "r1x" + row(1)[2:], faulty))
    assert issues == [parse_error(1, 3)]
    assert counts(report) == (2, 1, 2, False)


def test_a_too_long_line_without_a_record_id_cell_names_no_record(tmp_path: Path) -> None:
    """Six cells then the line's end is past ROW_LIMIT: the cut-short sixth is not record_id."""
    long = "adults,p1,2026-03-01,assessment,seeing-people," + "x" * ROW_LIMIT
    report, issues = check(tmp_path, lines(ID_LAST, id_last(1), long))
    assert issues == [parse_error(1, 3)]
    assert counts(report) == (2, 1, 2, False)


def test_an_unclosed_quote_in_the_second_of_two_cells_keeps_the_first(tmp_path: Path) -> None:
    report, issues = check(tmp_path, lines(HEADER, row(1), 'r1,"Fri'))
    assert issues == [parse_error(0, 3)]
    assert counts(report) == (1, 0, 1, False)


def test_a_record_id_cell_left_open_names_no_record(tmp_path: Path) -> None:
    """The quote left open is in the record_id cell: it may be cut short, so it names none."""
    open_id = 'adults,p1,2026-03-01,assessment,seeing-people,Friends,"r1'
    report, issues = check(tmp_path, lines(ID_LAST, id_last(1), open_id))
    assert issues == [parse_error(1, 3)]
    assert counts(report) == (2, 1, 2, False)


def test_a_runaway_quote_s_record_id_is_read_from_its_first_line_only(tmp_path: Path) -> None:
    """record_id comes after the quoted cell that holds a line break: the first line does not
    show it, so the row names no record (not r1, read after the line break)."""
    spanning = 'adults,p1,2026-03-01,assessment,seeing-people,"Fri\nends",r1,extra'
    report, issues = check(tmp_path, lines(ID_LAST, id_last(1), spanning, id_last(2)))
    assert issues == [parse_error(1, 3)]
    assert counts(report) == (2, 1, 2, False)


# --- _stopped: a line too long because its lines end with a lone CR ---------------------


def test_lone_cr_line_ends_over_the_row_limit_have_the_exact_message(tmp_path: Path) -> None:
    data = lines(HEADER, row(1)) + (row(2) + "\r").encode() * (ROW_LIMIT // 40)
    report, issues = check(tmp_path, data)
    assert issues == [parse_error(1, 3)]
    assert counts(report) == (2, 1, 2, False)
    assert messages(report) == [
        (
            "a line ends with a lone carriage return (CR) here; save the file with CRLF or LF "
            f"line ends; {NOT_READ}"
        )
    ]


# --- _scan: where a row with quoted cells over several lines ends -----------------------


def test_a_header_starting_with_a_quoted_name_over_two_lines_is_read(tmp_path: Path) -> None:
    """The header's first name is quoted and holds a line break: the header is lines 1-2."""
    report, issues = check(tmp_path, lines('"x\ny",' + HEADER, "z," + row(1)))
    assert issues == [(0, 1, None, "", "schema")]
    assert counts(report) == (1, 0, 1, True)
    assert messages(report) == [
        (
            "column 1 has an unusual name and is not a column of the record format; remove or "
            "rename it; it was ignored"
        )
    ]


def test_a_header_with_an_empty_quoted_name_then_one_over_two_lines_is_read(
    tmp_path: Path,
) -> None:
    """'""' closes at once; a later quoted name holds a line break: the header is lines 1-2."""
    report, issues = check(tmp_path, lines('"",' + HEADER + ',"x\ny"', "," + row(1) + ",z"))
    assert issues == [(0, 1, None, "", "schema"), (0, 1, None, "", "schema")]
    assert counts(report) == (1, 0, 1, True)
    assert messages(report)[0] == "column 1 has no name; name it or remove it; it was ignored"


@pytest.mark.parametrize(
    "spanning",
    [
        row(2, what='"Friends\n"'),  # the closing quote starts a line
        row(2, what='"Fri\nen""ds\nmore"'),  # a doubled quote on a line the cell goes on after
        row(2, what='"Fri\nends"""'),  # a doubled quote right before the closing one
    ],
    ids=["quote-first", "doubled-then-more", "doubled-then-closed"],
)
def test_a_quoted_cell_over_several_lines_ends_where_its_quote_closes(
    tmp_path: Path, spanning: str
) -> None:
    """Rows 1 and 3 are read on their own lines; row 2 is one row however its quotes fall."""
    report, issues = check(tmp_path, lines(HEADER, row(1), spanning, row(3)))
    assert issues == []
    assert counts(report) == (3, 3, 3, True)
    records = list(read_csv(io.BytesIO(lines(HEADER, row(1), spanning, row(3))), "x.csv"))
    assert [(r.index, r.line) for r in records] == [
        (0, 2),
        (1, 3),
        (2, 3 + spanning.count("\n") + 1),
    ]


def test_a_quoted_cell_over_two_lines_followed_by_more_cells_ends_its_row(
    tmp_path: Path,
) -> None:
    spanning = 'adults,p2,2026-03-01,assessment,seeing-people,"Fri\nends",r2'
    report, issues = check(tmp_path, lines(ID_LAST, id_last(1), spanning, id_last(3)))
    assert issues == []
    assert counts(report) == (3, 3, 3, True)


# --- _slow_row: a good row over several lines, without a record_id column ---------------


def test_without_a_record_id_column_a_row_over_two_lines_is_a_record(tmp_path: Path) -> None:
    header = HEADER.removeprefix("record_id,")
    data = lines(header, row(1).removeprefix("r1,"), row(2, what='"Fri\nends"')[3:])
    report, issues = check(tmp_path, data)
    assert issues == [(0, 1, None, "", "schema")]
    assert counts(report) == (2, 0, 2, True)


# --- _contributions: each fault of a contributions cell ---------------------------------

CONTRIBUTION_FORM = (
    "write each contribution as 'by: what' (for example 'person: Practise the walk'), "
    "with ' | ' between contributions"
)


def test_each_fault_of_a_contributions_cell_has_its_exact_message(tmp_path: Path) -> None:
    data = lines(HEADER + ",contributions", row(1) + ",person\\x: Call | | nothing here")
    report, issues = check(tmp_path, data)
    assert issues == [(0, 2, None, f"/outcomes/0/contributions/{n}", "schema") for n in range(3)]
    assert messages(report) == [
        (
            "a backslash must be followed by '|' or '\\' (write '\\|' for a literal '|' and "
            f"'\\\\' for a literal backslash); {CONTRIBUTION_FORM}"
        ),
        f"this contribution is empty (two '|' in a row, or one at an end); {CONTRIBUTION_FORM}",
        f"this contribution has no ':'; {CONTRIBUTION_FORM}",
    ]


# --- _tokenize: cells read leniently -----------------------------------------------------


def test_a_header_name_with_a_doubled_quote_is_read_as_one_quote(tmp_path: Path) -> None:
    """'"a""b"' names column 1 a"b: the header repeated later is seen as a repeated header."""
    header = '"a""b",' + HEADER
    report, issues = check(tmp_path, lines(header, "x," + row(1), header, "x," + row(2)))
    assert issues == [(0, 1, None, "", "schema"), parse_error(1, 3)]
    assert counts(report) == (3, 1, 3, True)
    assert messages(report)[1] == (
        "the row repeats the header row, as when two files are joined together; remove it"
    )


def test_a_long_cell_before_the_record_id_cell_keeps_the_row_s_record(tmp_path: Path) -> None:
    """record_id is the last column, after a cell over the limit: the row still names r2."""
    huge = "x" * (CELL_LIMIT + 1)
    long = f"adults,p2,2026-03-01,assessment,seeing-people,{huge},r2"
    report, issues = check(tmp_path, lines(ID_LAST, id_last(1), long, id_last(2)))
    assert issues == [parse_error(1, 3)]
    assert counts(report) == (2, 1, 2, True)


def test_only_a_row_s_first_fault_bounds_its_readable_cells(tmp_path: Path) -> None:
    """Text after a closing quote in cell 6, then a quote left open: record_id (cell 7, after
    the first fault) is not read, so the row names no record."""
    faulty = 'adults,p2,2026-03-01,assessment,seeing-people,"a"b,r2,"open'
    report, issues = check(tmp_path, lines(ID_LAST, id_last(1), faulty, id_last(2)))
    assert issues == [parse_error(1, 3)]
    assert counts(report) == (3, 2, 3, True)
    assert messages(report) == [
        (
            "a quoted cell has text after its closing double quote; inside a quoted cell, write "
            'each double quote as two ("")'
        )
    ]


# --- _physical: a row's bytes, at most ROW_LIMIT and one more ----------------------------


def test_a_row_left_open_is_read_only_up_to_the_limit_and_one_byte_more() -> None:
    """A quote left open before 3 MiB without a line end: the row's bytes read stop at
    ROW_LIMIT + 1, and reading stops there."""
    before = lines(HEADER, row(1))
    stream = io.BytesIO(before + lines(row(2, what='"x')) + b"x" * (3 * ROW_LIMIT))
    records = list(read_csv(stream, "open.csv"))
    assert [(r.index, r.line, [(p.line, p.stops) for p in r.problems]) for r in records] == [
        (0, 2, []),
        (1, 3, [(3, True)]),
    ]
    assert stream.tell() == len(before) + ROW_LIMIT + 1


def test_a_faulty_row_of_exactly_the_limit_is_read_and_reading_goes_on(tmp_path: Path) -> None:
    """A row of ROW_LIMIT bytes with text after a closing quote: a fault of its own row only."""
    header = "record_id,framework,person_id,recorded_on,stage,notes,outcome,what_matters"
    wide = "\U0001f600" * CELL_LIMIT  # 4 bytes a character: 512 KiB, the longest cell
    start = f'r1,adults,"p"1,2026-03-01,assessment,{wide},seeing-people,'
    rest = ROW_LIMIT - len(start.encode()) - 1
    what = "\U0001f600" * (rest // 4) + "x" * (rest % 4)
    assert len((start + what + "\n").encode()) == ROW_LIMIT
    data = lines(header, start + what, "r2,adults,p2,2026-03-01,assessment,,seeing-people,Pals")
    report, issues = check(tmp_path, data)
    assert issues == [parse_error(0, 2)]
    assert counts(report) == (2, 1, 2, True)


def test_a_row_over_two_lines_of_exactly_the_limit_is_read(tmp_path: Path) -> None:
    """A quoted cell holding a line break, in a row of exactly ROW_LIMIT bytes: read."""
    header = "record_id,framework,person_id,recorded_on,stage,notes,outcome,what_matters"
    notes = "\U0001f600" * (CELL_LIMIT - 2) + "\nx"  # CELL_LIMIT characters, over two lines
    start = f'r1,adults,p1,2026-03-01,assessment,"{notes}",seeing-people,'
    rest = ROW_LIMIT - len(start.encode()) - 1
    what = "\U0001f600" * (rest // 4) + "x" * (rest % 4)
    assert len((start + what + "\n").encode()) == ROW_LIMIT
    data = lines(header, start + what, "r2,adults,p2,2026-03-01,assessment,,seeing-people,Pals")
    report, issues = check(tmp_path, data)
    assert issues == [
        (0, 2, None, "/notes", "schema"),
        (0, 2, None, "/outcomes/0/what_matters", "schema"),
    ]
    assert counts(report) == (2, 1, 2, True)


# --- _row_fault: messages -------------------------------------------------------------------


def test_a_row_cut_short_at_the_end_of_the_file_has_the_whole_message(tmp_path: Path) -> None:
    """Too few cells and no line end: the ragged-row message, then that it may be cut short."""
    report, issues = check(tmp_path, lines(HEADER, row(1)) + b"r2,adults,p2,2026")
    assert issues == [parse_error(1, 3)]
    assert messages(report) == [
        (
            "row has 4 cells but the header has 7; every row needs a cell for each column, even "
            "an empty one, and a cell with a line break must be in double quotes; the file ends "
            "in this row without a line end, so it may have been cut short"
        )
    ]


def test_a_nul_in_a_row_has_the_exact_message(tmp_path: Path) -> None:
    report, issues = check(tmp_path, lines(HEADER, row(1, what="a\0b"), row(2)))
    assert issues == [parse_error(0, 2)]
    assert messages(report) == [
        (
            "the row holds a NUL character (a zero byte), which text never holds: the file may be "
            f"damaged or not UTF-8; remove it, or {RESAVE}"
        )
    ]


# --- _undecodable -----------------------------------------------------------------------------


def test_a_stray_byte_at_the_very_end_is_not_utf8_not_a_cut_character(tmp_path: Path) -> None:
    """A byte that can start no character, last in the file: not UTF-8 (not 'cut short')."""
    report, issues = check(tmp_path, lines(HEADER, row(1)) + row(2).encode() + b"\xff")
    assert issues == [parse_error(1, 3)]
    assert counts(report) == (2, 1, 2, False)
    assert messages(report) == [
        f"the file is not UTF-8 text from this line on; {RESAVE}; {NOT_READ}"
    ]


def test_a_stray_byte_in_a_row_whose_quoted_cell_goes_on_is_not_utf8_at_its_line(
    tmp_path: Path,
) -> None:
    """The bad byte is on line 3, where a quoted cell opens that closes on line 4."""
    bad = row(2, what='"Fr\xffi\nends"').encode("latin-1")  # \xff: the one byte not ASCII
    data = lines(HEADER, row(1)) + bad + b"\n"
    report, issues = check(tmp_path, data + lines(row(3)))
    assert issues == [parse_error(1, 3)]
    assert counts(report) == (2, 1, 2, False)
    assert messages(report) == [
        f"the file is not UTF-8 text from this line on; {RESAVE}; {NOT_READ}"
    ]


# --- _spoil -----------------------------------------------------------------------------------


def test_faulty_rows_past_the_hundred_listed_are_each_counted(tmp_path: Path) -> None:
    """100 faulty rows of r1 are listed; 3 more, whose record is told only by the row after
    them, are all counted in the last issue."""
    data = lines(HEADER, row(1), *["r1,adults"] * 100, *['"x"y,z'] * 3, row(1, what="Pals"))
    report, issues = check(tmp_path, data)
    assert issues == [parse_error(0, line) for line in range(3, 103)] + [parse_error(0, 2)]
    assert messages(report)[-1] == "and 3 more rows of this record are faulty too (not listed)"
    assert counts(report) == (1, 0, 1, True)


# --- _groups: faulty rows held, counted, or standing alone -------------------------------

UNPLACED = '"x"y,z'  # a faulty row whose record_id cannot be read


def test_faulty_rows_not_listed_are_counted_across_every_run_of_them(tmp_path: Path) -> None:
    """101 faulty rows of r1 (1 not listed), one unplaced, then r1 again: 2 not listed."""
    data = lines(HEADER, row(1), *["r1,adults"] * 101, UNPLACED, row(1, what="Pals"))
    report, issues = check(tmp_path, data)
    assert issues == [parse_error(0, line) for line in range(3, 103)] + [parse_error(0, 2)]
    assert messages(report)[-1] == "and 2 more rows of this record are faulty too (not listed)"
    assert counts(report) == (1, 0, 1, True)


def test_exactly_a_hundred_unplaced_faulty_rows_are_held_for_their_record(
    tmp_path: Path,
) -> None:
    """100 unplaced faulty rows between rows of r1 spoil r1; one more and they stand alone."""
    data = lines(HEADER, row(1), *[UNPLACED] * 100, row(1, what="Pals"))
    report, issues = check(tmp_path, data)
    assert issues == [parse_error(0, line) for line in range(3, 103)]
    assert counts(report) == (1, 0, 1, True)
    data = lines(HEADER, row(1), *[UNPLACED] * 101, row(1, what="Pals"))
    report, issues = check(tmp_path, data)
    assert issues[:2] == [parse_error(1, 3), parse_error(2, 4)]
    assert issues[-1] == (102, 104, None, "/record_id", "duplicate-record-id")
    assert counts(report) == (103, 1, 103, True)


def test_a_record_ended_by_unplaced_faulty_rows_still_counts_its_unlisted_ones(
    tmp_path: Path,
) -> None:
    """r1 with 101 faulty rows (1 not listed), then 101 unplaced: r1 says 1 more is faulty."""
    data = lines(HEADER, row(1), *["r1,adults"] * 101, *[UNPLACED] * 101)
    report, issues = check(tmp_path, data)
    own = [parse_error(0, line) for line in range(3, 103)] + [parse_error(0, 2)]
    alone = [parse_error(n, 103 + n) for n in range(1, 102)]
    assert issues == own + alone
    assert messages(report)[100] == "and 1 more rows of this record are faulty too (not listed)"
    assert counts(report) == (102, 0, 102, True)


# --- write_csv and _text: what CSV cannot carry ------------------------------------------


def test_context_names_that_cannot_be_columns_are_refused_naming_the_place() -> None:
    with pytest.raises(RecordWriteError) as info:
        write_csv([record()], io.StringIO(), context_names=["team", "bad name"])
    assert (info.value.record, info.value.pointer, str(info.value)) == (
        0,
        "/context",
        (
            "record 0: /context: a context name must start with a letter and have at most 64 "
            "letters, digits, '_' or '-'"
        ),
    )


def test_a_nul_character_cannot_be_written_as_csv() -> None:
    records = [record(), record(record_id="r-2", notes="a\0b")]
    with pytest.raises(RecordWriteError) as info:
        write_csv(records, io.StringIO())
    assert str(info.value) == "record 1: /notes: CSV cannot carry a NUL character (U+0000)"


# === personal_outcomes.validation._check ================================================

# --- _quality: the hints' messages ------------------------------------------------------


def test_each_quality_hint_has_its_exact_message() -> None:
    data = record(
        stage="review",
        outcomes=[
            {"outcome": "seeing-people", "what_matters": "Pals", "status": "met"},
            {
                "outcome": "feeling-safe",
                "what_matters": "Safe",
                "why_it_matters": "Calm",
                "contributions": [{"by": "services", "what": "Lifts"}],
                "status": "met",
                "status_note": "Calmer now",
            },
        ],
    )
    result = validate_record(data, today=TODAY, quality=True)
    assert [(i.pointer, i.code, i.message) for i in result.issues] == [
        (
            "/outcomes/0",
            "quality-no-why",
            (
                "no why_it_matters: the reason an outcome matters, in the person's words, guides "
                "what support fits"
            ),
        ),
        (
            "/outcomes/0/status",
            "quality-status-unexplained",
            "a review level without a status_note: say why it was or was not achieved",
        ),
        (
            "/outcomes/1/contributions",
            "quality-services-only",
            (
                "every contribution is from services: record what the person, their family and "
                "friends or the community will do too, where they have a part"
            ),
        ),
    ]


# --- Checker._unknown_outcome: a bounded message cache -----------------------------------


def test_the_message_cache_holds_at_most_its_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """With room for 2 messages, a third wrong id is worked out again each time it recurs."""
    worked_out: list[str] = []
    closest = _check.closest  # type: ignore[attr-defined]

    def counting(word: str, candidates: list[str]) -> str | None:
        worked_out.append(word)
        return closest(word, candidates)

    monkeypatch.setattr(_check, "closest", counting)
    monkeypatch.setattr(_check, "_MESSAGE_CACHE", 2)
    validator = Validator(today=TODAY)
    wrong = ["seeing-peple", "feling-safe", "zzzzzzzzzz"]
    for _ in range(2):
        for outcome in wrong:
            [issue] = validator.validate_record(outcome_record(outcome=outcome)).issues
            assert issue.code == "unknown-outcome"
    assert worked_out == [*wrong, "zzzzzzzzzz"]


# --- Checker._unknown_outcome_message: only the newest versions are "elsewhere" -----------


def test_an_id_only_in_an_older_version_of_the_framework_is_not_named_elsewhere(
    tmp_path: Path,
) -> None:
    """Version 2 dropped an id version 1 had: a record of version 2 is not told to look in
    'local-test', its own framework."""
    text = (Path(__file__).parent / "data" / "frameworks" / "minimal.yaml").read_text("utf-8")
    (tmp_path / "v1.yaml").write_text(text, encoding="utf-8")
    newer = text.replace('version: "1.0.0"', 'version: "2.0.0"')
    newer = newer[: newer.index("      - id: old-outcome")]
    (tmp_path / "v2.yaml").write_text(newer, encoding="utf-8")
    registry = Registry(
        frameworks=(load_framework(tmp_path / "v1.yaml"), load_framework(tmp_path / "v2.yaml"))
    )
    data = record(
        framework="local-test", outcomes=[{"outcome": "old-outcome", "what_matters": "x"}]
    )
    [issue] = validate_record(data, registry, today=TODAY).issues
    assert (issue.pointer, issue.code, issue.message) == (
        "/outcomes/0/outcome",
        "unknown-outcome",
        (
            "not an outcome id of framework 'local-test' 2.0.0; see `personal-outcomes show "
            "local-test` for the ids"
        ),
    )


# --- _type_name: what a value of the wrong type is called --------------------------------


def test_a_date_where_text_belongs_is_called_a_date() -> None:
    """A date object (as YAML reads an unquoted date) where text belongs: named, not quoted."""
    result = validate_record(record(record_id=dt.date(2026, 3, 1)), today=TODAY)
    assert [(i.pointer, i.code, i.message) for i in result.issues] == [
        ("/record_id", "schema", "must be text, not a date or time")
    ]


# --- Checker._outcomes: a perspective that is not one of the format's -------------------

PERSPECTIVES = "one of: person, family, representative, practitioner, agreed"


def test_a_wrong_perspective_names_every_allowed_one() -> None:
    result = validate_record(outcome_record(perspective="someone"), today=TODAY)
    assert [(i.pointer, i.code, i.message) for i in result.issues] == [
        ("/outcomes/0/perspective", "schema", f"must be {PERSPECTIVES}")
    ]


def test_an_unquoted_yaml_perspective_is_told_to_be_quoted(tmp_path: Path) -> None:
    path = tmp_path / "record.yaml"
    path.write_text(yaml.safe_dump(outcome_record(perspective=1)), encoding="utf-8")
    report = validate_files([path], today=TODAY)
    assert [(i.record, i.line, i.column, i.pointer, i.code, i.message) for i in report.issues] == [
        (
            0,
            4,
            16,
            "/outcomes/0/perspective",
            "schema",
            (
                f"must be {PERSPECTIVES}, but YAML reads this unquoted value as a number; "
                "put it in quotes"
            ),
        )
    ]


# --- Checker._framework: the known versions, oldest first --------------------------------


def test_an_unknown_framework_version_lists_the_known_ones_in_version_order() -> None:
    """1.9.0 comes before 1.10.0 (by number, not by text)."""
    adults = bundled().get("adults")
    versions = ("1.9.0", "1.10.0", "1.0.0")
    registry = Registry(frameworks=tuple(attrs.evolve(adults, version=v) for v in versions))
    result = validate_record(record(framework_version="2.0.0"), registry, today=TODAY)
    assert [(i.pointer, i.code, i.message) for i in result.issues] == [
        (
            "/framework_version",
            "unknown-framework",
            "framework 'adults' has no such version (known: 1.0.0, 1.9.0, 1.10.0)",
        )
    ]


# --- Checker.__init__: quality hints only when asked ----------------------------------


def test_a_checker_made_without_quality_gives_no_quality_hint() -> None:
    """A record without why_it_matters: no hint unless quality is asked for."""
    data = outcome_record()
    assert _check.Checker(bundled(), latest_date=TODAY).check(data) == []
    assert _check.make_quick_check(_check.Checker(bundled(), latest_date=TODAY))(data)
    hinted = _check.Checker(bundled(), latest_date=TODAY, quality=True).check(data)
    assert [(path, code) for path, code, _, _ in hinted] == [(("outcomes", 0), "quality-no-why")]


# --- make_quick_check: a record with every field is proven clean -------------------------

#: A review record whose one outcome has every field the format allows, each good,
#: with quality hints satisfied (a why, a note for its level, not services alone).
EVERY_FIELD = record(
    stage="review",
    notes="Seen at home",
    context={"team": "North"},
    outcomes=[
        {
            "outcome": "seeing-people",
            "what_matters": "Pals",
            "why_it_matters": "Company",
            "contributions": [{"by": "person", "what": "Call them"}],
            "status": "met",
            "status_note": "Weekly now",
            "perspective": "person",
        }
    ],
)


@pytest.mark.parametrize("quality", [False, True])
def test_a_record_with_every_outcome_field_is_proven_clean_fast(quality: bool) -> None:
    """Clean with or without quality hints, and both fast paths prove it."""
    assert validate_record(EVERY_FIELD, today=TODAY, quality=quality).issues == ()
    engine = Engine(bundled(), today=TODAY, quality=quality)
    assert engine.quick(EVERY_FIELD) is True
    assert engine.line_check(json.dumps(EVERY_FIELD).encode()) == "r-1"


@pytest.mark.parametrize("by", ["person", "family-and-friends", "community"])
def test_with_quality_a_contribution_not_from_services_is_proven_clean_fast(by: str) -> None:
    data = outcome_record(why_it_matters="Company", contributions=[{"by": by, "what": "Call"}])
    assert validate_record(data, today=TODAY, quality=True).issues == ()
    engine = Engine(bundled(), today=TODAY, quality=True)
    assert engine.quick(data) is True
    assert engine.line_check(json.dumps(data).encode()) == "r-1"


def test_with_quality_services_alone_are_never_passed_by_a_fast_path(tmp_path: Path) -> None:
    """Contributions only from services: the fast paths give up, and the hint is reported."""
    data = outcome_record(
        why_it_matters="Company", contributions=[{"by": "services", "what": "Lifts"}]
    )
    engine = Engine(bundled(), today=TODAY, quality=True)
    assert engine.quick(data) is False
    assert engine.line_check(json.dumps(data).encode()) is None
    path = tmp_path / "records.jsonl"
    path.write_text(json.dumps(data) + "\n", encoding="utf-8")
    report = Validator(today=TODAY, quality=True).validate_files([path])
    assert [(i.record, i.line, i.pointer, i.code) for i in report.issues] == [
        (0, 1, "/outcomes/0/contributions", "quality-services-only")
    ]


# --- make_quick_check: bounded caches of dates and context names seen good --------------

#: The most dates, and the most context names, the quick check remembers as good.
QUICK_CACHE = 100_000


class _Counting:
    """A compiled pattern whose fullmatch counts the texts it is asked about."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self.asked: Counter[str] = Counter()

    def fullmatch(self, text: str) -> re.Match[str] | None:
        self.asked[text] += 1
        return self.pattern.fullmatch(text)


def test_the_quick_check_remembers_at_most_its_limit_of_dates(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Once the cache is full, a new date is checked every time; a remembered one never."""
    shape = _Counting(_check._DATE)
    monkeypatch.setattr(_check, "_DATE", shape)
    quick = _check.make_quick_check(_check.Checker(bundled(), latest_date=TODAY))
    start = dt.date(1700, 1, 1)
    dates = [(start + dt.timedelta(days=n)).isoformat() for n in range(QUICK_CACHE + 1)]
    base = record()
    assert all(quick({**base, "recorded_on": when}) for when in dates)
    assert all(quick({**base, "recorded_on": when}) for when in (dates[-1], dates[0]))
    assert (shape.asked[dates[-1]], shape.asked[dates[0]]) == (2, 1)
    assert shape.asked.total() == QUICK_CACHE + 2


def test_the_quick_check_remembers_at_most_its_limit_of_context_names(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Once the cache is full, a new context name is checked every time; a remembered one never."""
    key = _Counting(_check._CONTEXT_KEY)
    monkeypatch.setattr(_check, "_CONTEXT_KEY", key)
    quick = _check.make_quick_check(_check.Checker(bundled(), latest_date=TODAY))
    names = [f"k{n}" for n in range(QUICK_CACHE + 1)]
    base = record()
    assert all(quick({**base, "context": {name: "x"}}) for name in names)
    assert all(quick({**base, "context": {name: "x"}}) for name in (names[-1], names[0]))
    assert (key.asked[names[-1]], key.asked[names[0]]) == (2, 1)
    assert key.asked.total() == QUICK_CACHE + 2


# === personal_outcomes.validation._fast_json ============================================

# --- make_line_check: text with a byte order mark that is not blank is proven clean ----------


def _review(**changes: Any) -> dict[str, Any]:
    outcome = {"outcome": "seeing-people", "what_matters": "Pals", "status": "met"}
    outcome.update(changes)
    return record(stage="review", outcomes=[outcome])


TEXT = "\ufeffFriends"
BOM_TEXTS: dict[str, dict[str, Any]] = {
    "context": record(context={"team": TEXT}),
    "notes": record(notes=TEXT),
    "what_matters": outcome_record(what_matters=TEXT),
    "why_it_matters": outcome_record(why_it_matters=TEXT),
    "contribution": outcome_record(contributions=[{"by": "person", "what": TEXT}]),
    "status_note": _review(status_note=TEXT),
}


@pytest.mark.parametrize("field", sorted(BOM_TEXTS))
def test_text_holding_a_byte_order_mark_but_not_blank_is_proven_clean(field: str) -> None:
    """U+FEFF then words is not blank: the record is clean, and the line check proves it."""
    data = BOM_TEXTS[field]
    assert validate_record(data, today=TODAY).issues == ()
    engine = Engine(bundled(), today=TODAY)
    assert engine.line_check(json.dumps(data).encode()) == "r-1"
    blank = json.loads(json.dumps(data).replace("\\ufeffFriends", "\\ufeff "))
    assert engine.line_check(json.dumps(blank).encode()) is None


# --- make_line_check: a bounded cache of context keys already proven good -----------------


def test_the_context_key_cache_holds_at_most_its_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """With room for 2 keys, a third is checked again each time it recurs; the two are not."""
    checked: list[str] = []
    compiled = re.compile

    class Counting:
        def __init__(self, pattern: str) -> None:
            self.pattern = compiled(pattern)

        def fullmatch(self, text: str) -> re.Match[str] | None:
            checked.append(text)
            return self.pattern.fullmatch(text)

    def compile_(pattern: str) -> Any:
        return Counting(pattern) if pattern == CONTEXT_KEY_PATTERN else compiled(pattern)

    monkeypatch.setattr(_fast_json, "_CACHE_LIMIT", 2)
    with monkeypatch.context() as patched:
        patched.setattr(re, "compile", compile_)
        line_check: Callable[[bytes], str | None] = Engine(bundled(), today=TODAY).line_check
    texts = [json.dumps(record(context={key: "x"})).encode() for key in ("team", "area", "ward")]
    assert [line_check(text) for text in texts * 2] == ["r-1"] * 6
    assert checked == ["team", "area", "ward", "ward"]


# --- _record: a record with context and notes keeps both, context first ----------------------


def test_a_csv_record_with_context_and_notes_keeps_both_in_the_format_s_order() -> None:
    text = (
        "record_id,framework,person_id,recorded_on,stage,notes,context.team,outcome,what_matters\n"
        "r-1,adults,p-1,2026-03-01,assessment,A note,north,seeing-people,Friends\n"
        "r-2,adults,p-1,2026-03-01,assessment,Another,,seeing-people,Friends\n"
    )
    first, second = (raw.data for raw in read_csv(io.BytesIO(text.encode()), "x.csv"))
    assert isinstance(first, dict)
    assert isinstance(second, dict)
    assert list(first) == [
        "record_id", "framework", "person_id", "recorded_on", "stage", "context", "notes",
        "outcomes",
    ]  # fmt: skip
    assert (first["notes"], first["context"]) == ("A note", {"team": "north"})
    assert list(second)[-2:] == ["notes", "outcomes"]
    assert second["notes"] == "Another"


# --- csv_fault: what CSV cannot carry exactly --------------------------------------------------


def test_csv_fault_names_each_thing_csv_cannot_carry() -> None:
    from personal_outcomes._formats._csv import csv_fault  # noqa: PLC0415

    spaced = outcome_record(contributions=[{"by": "person", "what": "Ring Jo"},
                                           {"by": "services", "what": "Lifts "}])  # fmt: skip
    assert csv_fault(spaced) == (
        "/outcomes/0/contributions/1/what",
        (
            "a contribution's text that starts or ends with space cannot be written as CSV, "
            "whose reader trims it"
        ),
    )
    second = record(outcomes=[{"outcome": "seeing-people", "what_matters": "x"},
                              {"outcome": "feeling-safe", "what_matters": "y",
                               "contributions": [{"by": " person", "what": "Ring"}]}])  # fmt: skip
    assert csv_fault(second) == (
        "/outcomes/1/contributions/0/by",
        (
            "a contribution's text that starts or ends with space cannot be written as CSV, "
            "whose reader trims it"
        ),
    )
    assert csv_fault(record(notes="a\x00b")) == (
        "/notes",
        "CSV cannot carry a NUL character (U+0000)",
    )
    assert csv_fault(outcome_record(contributions=[{"by": "person", "what": "Ring Jo"}])) is None
