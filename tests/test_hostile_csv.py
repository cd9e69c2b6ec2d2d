"""Hostile and careless CSV files: nothing lost, nothing invented, no leak, bounded memory.

Each file is written here with Python. A record may go uncounted only in a file
whose report says it is not ``complete``, and only after the place where
reading stopped; every other row is in exactly one record.
"""

from __future__ import annotations

import csv
import io
import os
import resource
import subprocess
import sys
import tempfile
import tracemalloc
from pathlib import Path
from typing import Any, BinaryIO

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factories import TODAY
from personal_outcomes import Validator, validate_files
from personal_outcomes._cli import run
from personal_outcomes._formats._csv import (
    CELL_LIMIT,
    COLUMN_LIMIT,
    ROW_LIMIT,
    read_csv,
)
from personal_outcomes._formats._raw import FILE_LEVEL, RawRecord
from personal_outcomes.validation import Report

HEADER = "record_id,framework,person_id,recorded_on,stage,outcome,what_matters"
BOM = b"\xef\xbb\xbf"
NOT_READ = "the rest of the file was not read"
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


# --- item 1: a quote never closed, a cell over the limit -------------------------------


def test_an_unclosed_quote_stops_reading_at_its_row(tmp_path: Path) -> None:
    """An unclosed quote on row 2 of 5,000: one parse-error there, and the file is incomplete.

    (It was 3,498 records and a "cell is longer" issue, 1,501 records neither
    checked nor reported, and the file complete.)
    """
    rows = [row(n) for n in range(1, 5001)]
    rows[1] = row(2, what='"Friends')
    report, issues = check(tmp_path, lines(HEADER, *rows))
    assert issues == [parse_error(1, 3)]
    assert counts(report) == (2, 1, 2, False)
    assert messages(report) == [
        (
            "a double quote on this line opens a cell that is never closed (the file ends "
            "inside it: was it cut short?); close it, or write each double quote inside a "
            f'quoted cell as two (""); {NOT_READ}'
        )
    ]


def test_an_unclosed_quote_closed_by_a_later_quoted_cell_stops_reading(tmp_path: Path) -> None:
    """The usual case: the quote left open runs on to the next quoted cell, then a fault.

    The rows in between were inside the cell: reading stops at the row where it opens.
    """
    rows = [row(n, what='"Friends, family"') for n in range(1, 5001)]
    rows[1] = row(2, what='"Friends')
    report, issues = check(tmp_path, lines(HEADER, *rows))
    assert issues == [parse_error(1, 3)]
    assert counts(report) == (2, 1, 2, False)
    assert messages(report) == [
        (
            "a quoted cell of this row holds line breaks, so the row runs on to line 4, and it "
            "has text after a closing double quote: a double quote was probably never closed, "
            "which makes the rows after it part of a cell; close it, or write each double quote "
            f'inside a quoted cell as two (""); {NOT_READ}'
        )
    ]


def test_an_unclosed_quote_in_a_later_row_of_a_record_spoils_that_record(
    tmp_path: Path,
) -> None:
    """The row where reading stops belongs to the record its first cells name."""
    data = lines(HEADER, row(1), row(2), row(2, what='"Friends'), row(3))
    report, issues = check(tmp_path, data)
    assert issues == [parse_error(1, 4)]
    assert counts(report) == (2, 1, 2, False)


def test_an_unclosed_quote_is_placed_on_the_line_where_it_opens(tmp_path: Path) -> None:
    """A row whose first quoted cell closes, then a second opens and is never closed."""
    data = lines(HEADER, row(1), 'r2,adults,p2,2026-03-01,assessment,"seeing', 'people","Pals')
    report, issues = check(tmp_path, data)
    assert issues == [parse_error(1, 4)]
    assert counts(report) == (2, 1, 2, False)
    assert [(i.record, i.line) for i in report.issues] == [(1, 4)]


def test_a_huge_quoted_cell_over_many_lines_is_one_faulty_row(tmp_path: Path) -> None:
    """A cell of ~140,000 characters over 2,000 lines, in a 3-record file: 3 records.

    (It was 4,465 records: after the csv module's field limit the reader
    resumed inside the cell.) The next row is read at its own line.
    """
    cell = "\n".join("x" * 69 for _ in range(2000))
    assert len(cell) > CELL_LIMIT
    data = lines(HEADER, row(1), row(2, what=f'"{cell}"'), row(3, outcome="seeing-peple"))
    report, issues = check(tmp_path, data)
    assert issues == [parse_error(1, 3), (2, 2003, None, "/outcomes/0/outcome", "unknown-outcome")]
    assert counts(report) == (3, 1, 3, True)
    assert messages(report)[0] == (
        f"a cell is longer than {CELL_LIMIT} characters, the most a cell may hold; shorten it"
    )


@pytest.mark.parametrize("quoted", [True, False])
@pytest.mark.parametrize(("size", "fault"), [(CELL_LIMIT, False), (CELL_LIMIT + 1, True)])
def test_a_cell_may_hold_exactly_the_limit(
    tmp_path: Path, size: int, fault: bool, quoted: bool
) -> None:
    """A cell of CELL_LIMIT characters is read; one more is a parse-error for its row."""
    cell = "x" * size
    data = lines(HEADER, row(1, what=f'"{cell}"' if quoted else cell), row(2))
    report, issues = check(tmp_path, data)
    if fault:
        assert issues == [parse_error(0, 2)]
    else:  # read: then too long for what_matters
        assert issues == [(0, 2, None, "/outcomes/0/what_matters", "schema")]
    assert counts(report) == (2, 1, 2, True)


def test_a_record_id_cell_over_the_limit_names_no_record(tmp_path: Path) -> None:
    """An over-long record_id cell is not taken as the row's record_id: the row stands alone."""
    huge = "r" * (CELL_LIMIT + 1)
    report, issues = check(tmp_path, lines(HEADER, row(1), f"{huge},{row(2)[3:]}", row(3)))
    assert issues == [parse_error(1, 3)]
    assert counts(report) == (3, 2, 3, True)


def test_a_cell_limit_set_elsewhere_does_not_change_the_documented_one(tmp_path: Path) -> None:
    """The csv module's field limit is global: whatever it is, CELL_LIMIT is the limit."""
    data = lines(HEADER, row(1, what="x" * 1000), row(2, what="y" * (CELL_LIMIT + 1)))
    old = csv.field_size_limit(100)
    try:
        _, lower = check(tmp_path, data)
        csv.field_size_limit(sys.maxsize)
        _, higher = check(tmp_path, data)
    finally:
        csv.field_size_limit(old)
    assert lower == higher == [parse_error(1, 3)]


# --- item 5: counting ------------------------------------------------------------------


def test_broken_rows_with_one_record_id_are_one_record(tmp_path: Path) -> None:
    """Two broken rows with the same record_id are one record, spoilt (they were two)."""
    report, issues = check(tmp_path, lines(HEADER, "r1,adults,p1", "r1,adults,p1", row(2)))
    assert issues == [parse_error(0, 2), parse_error(0, 3)]
    assert counts(report) == (2, 1, 2, True)


def test_broken_rows_around_good_rows_of_their_record_spoil_it(tmp_path: Path) -> None:
    """Broken rows naming a record, before and after its good rows, are that record's."""
    data = lines(HEADER, "r1,adults", row(1), 'r1,"x"y,z', row(1, what="Pals"), "r1,adults", row(2))
    report, issues = check(tmp_path, data)
    assert issues == [parse_error(0, 2), parse_error(0, 4), parse_error(0, 6)]
    assert counts(report) == (2, 1, 2, True)


def test_a_header_with_faults_and_no_rows_is_the_file_s_fault_not_a_record(
    tmp_path: Path,
) -> None:
    """Header faults of a file without rows: the file's own error at line 1, no record.

    The file holds no record, so none is counted (files[].records agrees), but the
    error still fails the run.
    """
    report, issues = check(tmp_path, lines(f"{HEADER},bogus"))
    assert issues == [(None, 1, None, "", "schema")]
    assert counts(report) == (0, 0, 0, True)
    assert (report.invalid, report.errors) == (0, 1)
    assert run(["validate", str(tmp_path / "records.csv")], io.StringIO(), io.StringIO()) == 1


def test_a_header_without_faults_and_no_rows_holds_no_records(tmp_path: Path) -> None:
    """A good header and no rows: no records, complete, valid (exit 0)."""
    report, issues = check(tmp_path, lines(HEADER, "", ",,,,,,"))
    assert issues == []
    assert counts(report) == (0, 0, 0, True)
    assert run(["validate", str(tmp_path / "records.csv")], io.StringIO(), io.StringIO()) == 0


# --- item 10: limits on lines and rows, in bounded memory ------------------------------


class Endless(io.RawIOBase):
    """A stream that never ends: ``head`` then ``fill`` over and over; counts what is read."""

    def __init__(self, head: bytes, fill: bytes) -> None:
        self.head, self.fill, self.given = head, fill, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        size = len(buffer)
        chunk = self.head[:size]
        self.head = self.head[size:]
        if len(chunk) < size:
            need = size - len(chunk)
            chunk += (self.fill * (need // len(self.fill) + 1))[:need]
        buffer[:size] = chunk
        self.given += size
        return size


def _read_bounded(stream: BinaryIO) -> tuple[list[RawRecord], int]:
    """Read all records of ``stream``; return them and the peak memory taken meanwhile."""
    tracemalloc.start()
    try:
        records = list(read_csv(stream, "stream.csv"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return records, peak


HEAD = lines(HEADER)


@pytest.mark.parametrize(
    ("head", "fill", "line", "words"),
    [
        (b"", b"\0", 1, "the first line holds NUL characters"),
        (b"", b",", 1, "the first line is longer than 1 MiB (1,048,576 bytes)"),
        (b"", b"a\r", 1, "the lines end with a lone carriage return (CR)"),
        (HEAD, b"\0", 2, "the line is longer than 1 MiB (1,048,576 bytes)"),
        (HEAD, b"x", 2, "the line is longer than 1 MiB (1,048,576 bytes)"),
        (HEAD + b'r1,a,b,c,d,e,"', b"a line of text\r\n" * 8, 2, "is still open 1 MiB"),
        (HEAD, row(1).encode() + b"\r", 2, "a line ends with a lone carriage return (CR) here"),
    ],
    ids=["zeros", "commas", "cr-only", "header-zeros", "endless-line", "open-quote", "cr-rows"],
)
def test_an_endless_stream_stops_at_the_limit_in_bounded_memory(
    head: bytes, fill: bytes, line: int, words: str
) -> None:
    """Like /dev/zero: reading stops at ROW_LIMIT with a located parse-error, memory bounded."""
    source = Endless(head, fill)
    records, peak = _read_bounded(io.BufferedReader(source))
    [record] = records
    [problem] = record.problems
    assert (record.data, problem.line, problem.code, problem.stops) == (
        None,
        line,
        "parse-error",
        True,
    )
    assert words in problem.message
    assert source.given <= 2 * ROW_LIMIT + (1 << 16)
    assert peak < 3 * ROW_LIMIT


def test_five_million_zero_bytes_are_one_parse_error() -> None:
    """A bounded /dev/zero: the first line is not text; nothing else is read."""
    stream = io.BytesIO(b"\0" * 5_000_000)
    records, peak = _read_bounded(stream)
    problems = [(r.index, r.line, [p.stops for p in r.problems]) for r in records]
    assert problems == [(FILE_LEVEL, 1, [True])]
    assert stream.tell() <= ROW_LIMIT + 4
    assert peak < 4 * ROW_LIMIT


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_the_command_on_dev_zero_ends_with_one_parse_error() -> None:
    """`validate --input-format csv /dev/zero` ends (exit 1), in a process with capped memory."""

    def cap() -> None:  # pragma: no cover (runs in the child)
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    done = subprocess.run(
        [
            *(sys.executable, "-m", "personal_outcomes", "validate", "--format", "json"),
            *("--input-format", "csv", "/dev/zero"),
        ],
        capture_output=True,
        timeout=120,
        preexec_fn=cap,
        check=False,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1] / "src")},
    )
    assert done.returncode == 1, done.stderr
    assert b'"complete": false' in done.stdout
    assert b"NUL characters" in done.stdout


@pytest.mark.parametrize(("extra", "fault"), [(0, False), (1, True)])
def test_a_row_may_take_exactly_the_limit(tmp_path: Path, extra: int, fault: bool) -> None:
    """A row of ROW_LIMIT bytes, line end included, is read; one byte more stops reading."""
    header = "record_id,framework,person_id,recorded_on,stage,notes,outcome,what_matters"
    wide = "\U0001f600" * CELL_LIMIT  # 4 bytes a character: 512 KiB, the longest cell
    start = f"r1,adults,p1,2026-03-01,assessment,{wide},seeing-people,"
    rest = ROW_LIMIT + extra - len(start.encode()) - 1
    what = "\U0001f600" * (rest // 4) + "x" * (rest % 4)
    assert len((start + what + "\n").encode()) == ROW_LIMIT + extra
    data = lines(header, start + what, "r2,adults,p2,2026-03-01,assessment,,seeing-people,Pals")
    report, issues = check(tmp_path, data)
    if fault:
        assert issues == [parse_error(0, 2)]
        assert counts(report) == (1, 0, 1, False)
    else:
        assert issues == [
            (0, 2, None, "/notes", "schema"),
            (0, 2, None, "/outcomes/0/what_matters", "schema"),
        ]
        assert counts(report) == (2, 1, 2, True)


def test_a_record_keeps_only_as_many_rows_as_it_may_have_outcomes(tmp_path: Path) -> None:
    """10,000 rows of one record: one record, too many outcomes; only 51 rows are held."""
    data = lines(HEADER, *[row(1, what=f"F{n}") for n in range(10_000)], row(2))
    records = list(read_csv(io.BytesIO(data), "records.csv"))
    assert [(r.index, r.line, len(r.data["outcomes"])) for r in records] == [  # type: ignore[index]
        (0, 2, 51),
        (1, 10_002, 1),
    ]
    report, issues = check(tmp_path, data)
    assert issues == [(0, 2, None, "/outcomes", "schema")]
    assert counts(report) == (2, 1, 2, True)


def test_a_record_lists_a_hundred_faulty_rows_and_counts_the_rest(tmp_path: Path) -> None:
    """1,000 broken rows of one record: one record, 100 listed, one issue counts the rest."""
    data = lines(HEADER, *["r1,adults"] * 1000, row(2))
    report, issues = check(tmp_path, data)
    assert issues == [parse_error(0, line) for line in range(2, 102)] + [parse_error(0, 2)]
    assert messages(report)[-1] == "and 900 more rows of this record are faulty too (not listed)"
    assert counts(report) == (2, 1, 2, True)


def test_many_unplaced_broken_rows_each_stand_alone(tmp_path: Path) -> None:
    """Broken rows whose record cannot be told are not held up without end: each is a record."""
    data = lines(HEADER, row(1), *['"x"y,z'] * 250, row(1))
    report, issues = check(tmp_path, data)
    assert issues[:3] == [parse_error(1, 3), parse_error(2, 4), parse_error(3, 5)]
    assert len(issues) == 251
    assert issues[-1] == (251, 253, None, "/record_id", "duplicate-record-id")
    assert counts(report) == (252, 1, 252, True)


# --- the rest of their kind ------------------------------------------------------------


def test_a_nul_in_a_row_spoils_only_its_record(tmp_path: Path) -> None:
    """A zero byte in a cell is a parse-error for its row, as in JSON and YAML."""
    report, issues = check(tmp_path, lines(HEADER, row(1), row(1, what="a\0b"), row(2)))
    assert issues == [parse_error(0, 3)]
    assert counts(report) == (2, 1, 2, True)
    assert "NUL character" in messages(report)[0]


def test_utf16_without_a_byte_order_mark_is_refused(tmp_path: Path) -> None:
    """UTF-16 text without a BOM has a NUL in every other byte: refused at line 1."""
    report, issues = check(tmp_path, lines(HEADER, row(1)).decode().encode("utf-16-le"))
    assert issues == [parse_error(None, 1)]
    assert counts(report) == (0, 0, 0, False)


def test_a_file_cut_short_in_the_middle_of_a_row_says_so(tmp_path: Path) -> None:
    """The last row, cut short: too few cells, no line end; the records before are kept."""
    report, issues = check(tmp_path, lines(HEADER, row(1), row(2)) + b"r3,adults,p3,2026")
    assert issues == [parse_error(2, 4)]
    assert counts(report) == (3, 2, 3, True)
    assert messages(report)[0].endswith(
        "; the file ends in this row without a line end, so it may have been cut short"
    )


def test_a_file_cut_short_in_a_quoted_cell_stops_there(tmp_path: Path) -> None:
    """Cut short inside a quoted cell: the quote is never closed."""
    report, issues = check(tmp_path, lines(HEADER, row(1)) + row(2, what='"Fri').encode())
    assert issues == [parse_error(1, 3)]
    assert counts(report) == (2, 1, 2, False)


def test_a_file_cut_short_in_a_character_says_so(tmp_path: Path) -> None:
    """Cut short in the middle of a UTF-8 character: not a wrong encoding, a short file."""
    data = lines(HEADER, row(1)) + row(2, what="caf\u00e9").encode()[:-1]
    report, issues = check(tmp_path, data)
    assert issues == [parse_error(1, 3)]
    assert counts(report) == (2, 1, 2, False)
    assert messages(report) == [
        (
            "the file ends in the middle of a character (an incomplete UTF-8 sequence), so it "
            f"may have been cut short; {NOT_READ}"
        )
    ]


def test_lone_carriage_returns_after_the_first_line_stop_reading(tmp_path: Path) -> None:
    """CR-only line ends after an LF one: one "line" holds many rows; reading stops there.

    (A lone CR was a fault of one row, and the rows after it on that "line" were lost.)
    """
    data = lines(HEADER, row(1)) + lines(row(2), row(3), row(4), end="\r")
    report, issues = check(tmp_path, data)
    assert issues == [parse_error(1, 3)]
    assert counts(report) == (2, 1, 2, False)
    assert messages(report) == [
        (
            "a line ends with a lone carriage return (CR) here; save the file with CRLF or LF "
            f"line ends; {NOT_READ}"
        )
    ]


def test_a_carriage_return_inside_an_unquoted_cell_spoils_only_its_row(tmp_path: Path) -> None:
    """A CR in a cell not in quotes (as Python's csv writer leaves it with LF line ends).

    With it read as cell text, the row has the header's number of cells, so it is
    one row: a parse-error for its record, and reading goes on.
    """
    report, issues = check(tmp_path, lines(HEADER, row(1), row(2, what="a\rb"), row(3)))
    assert issues == [parse_error(1, 3)]
    assert counts(report) == (3, 2, 3, True)
    assert messages(report) == [
        (
            "a cell holds a carriage return (CR) but is not in double quotes; put cells that "
            "hold line breaks in double quotes"
        )
    ]


def test_line_breaks_inside_quoted_cells_are_kept(tmp_path: Path) -> None:
    """CR, LF and CRLF inside quotes are text, not line ends; lines are still counted."""
    data = lines(HEADER, row(1, what='"a\rb\r\nc\nd"'), row(2, outcome="x"), end="\r\n")
    report, issues = check(tmp_path, data)
    assert issues == [(1, 5, None, "/outcomes/0/outcome", "unknown-outcome")]
    assert counts(report) == (2, 1, 2, True)


def test_files_joined_together_repeat_the_header(tmp_path: Path) -> None:
    """Two exports joined: the second header (after its BOM) is a faulty row, said so."""
    first = BOM + lines(HEADER, row(1), row(2))
    second = BOM + lines(HEADER, row(3), row(4))
    report, issues = check(tmp_path, first + second)
    assert issues == [parse_error(2, 4)]
    assert counts(report) == (5, 4, 5, True)
    assert messages(report) == [
        ("the row repeats the header row, as when two files are joined together; remove it")
    ]
    _, again = check(tmp_path, lines(HEADER, row(1), HEADER, row(2)))
    assert again == [parse_error(1, 3)]


def test_a_header_may_have_exactly_the_most_columns(tmp_path: Path) -> None:
    """COLUMN_LIMIT columns are read; one more stops reading at line 1."""
    extra = [f"context.c{n}" for n in range(COLUMN_LIMIT - 7)]
    data = lines(f"{HEADER},{','.join(extra)}", row(1) + "," * len(extra))
    report, issues = check(tmp_path, data)
    assert (issues, counts(report)) == ([], (1, 1, 1, True))
    report, issues = check(tmp_path, lines(f"{HEADER},{','.join(extra)},x", row(1)))
    assert (issues, counts(report)) == ([parse_error(None, 1)], (0, 0, 0, False))
    assert messages(report) == [
        (f"the header has more than 1,000 columns, the most a file of records may have; {NOT_READ}")
    ]


def test_a_header_longer_than_the_limit_is_refused(tmp_path: Path) -> None:
    """A first line over ROW_LIMIT bytes cannot be a header row."""
    report, issues = check(tmp_path, lines(HEADER + "," + "x" * ROW_LIMIT, row(1)))
    assert (issues, counts(report)) == ([parse_error(None, 1)], (0, 0, 0, False))


def test_duplicate_header_names_are_reported_once_and_the_first_read(tmp_path: Path) -> None:
    """A column named twice is one schema issue at line 1; the first column is read."""
    data = lines(f"{HEADER},outcome,outcome", f"{row(1)},x,y", row(2) + ",,")
    report, issues = check(tmp_path, data)
    assert issues == [(0, 1, None, "", "schema")]
    assert counts(report) == (2, 1, 2, True)


MARKER = "Jane Smith, diagnosed: cancer"


@pytest.mark.parametrize(
    "name", [MARKER, f" {MARKER}", "\ufeffJane Smith", "Jane.Smith@nhs.example", "x" * 65]
)
def test_a_header_cell_that_holds_personal_data_is_never_quoted(tmp_path: Path, name: str) -> None:
    """A header cell that does not look like a column name is described, never quoted."""
    out = io.StringIO(newline="")
    csv.writer(out).writerows([[*HEADER.split(","), name], [*row(1).split(","), "x"]])
    report, issues = check(tmp_path, out.getvalue().encode())
    assert issues == [(0, 1, None, "", "schema")]
    assert messages(report) == [
        (
            "column 8 has an unusual name and is not a column of the record format; remove or "
            "rename it; it was ignored"
        )
    ]


def test_a_second_byte_order_mark_on_a_column_name_is_named(tmp_path: Path) -> None:
    """A BOM twice: the first column's name starts with U+FEFF; the message says so."""
    report, issues = check(tmp_path, BOM + BOM + lines(HEADER, row(1)))
    assert issues == [(0, 1, None, "", "schema"), (0, 1, None, "", "schema")]
    assert messages(report)[0].startswith(
        "column 1 ('record_id') starts with a byte order mark (U+FEFF)"
    )


# --- a property: random CSV texts ------------------------------------------------------

CELL = st.text(alphabet=st.sampled_from('ab ,"\r\n\u00e9\ufeff|'), max_size=6)
EDITS = st.sampled_from(
    [
        b'"',
        b",",
        b"\r",
        b"\n",
        b"\r\n",
        b"\0",
        b"\xff",
        b"\xc3",
        BOM,
        b'""',
        b"x" * (CELL_LIMIT + 1),
    ]
)


@st.composite
def csv_files(draw: st.DrawFn) -> tuple[bytes, int, list[str]]:
    """A CSV file of distinct records (1 to 3 rows each), then up to 3 hostile edits.

    Return the file, how many edits it had, and the record ids.
    """
    ids = [f"r{n}" for n in range(draw(st.integers(0, 6)))]
    out = io.StringIO(newline="")
    # The csv module quotes a cell holding a CR only when the line end has one.
    if draw(st.booleans()):
        writer = csv.writer(out, lineterminator="\r\n")
    else:
        writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(HEADER.split(","))
    for record_id in ids:
        for _ in range(draw(st.integers(1, 3))):
            what = draw(CELL.filter(lambda text: text.strip(" \r\n\ufeff") != ""))
            writer.writerow([record_id, "adults", "p1", "2026-03-01", "assessment", "o1", what])
    data = out.getvalue().encode()
    edits = draw(st.integers(0, 3))
    for _ in range(edits):
        at = draw(st.integers(0, len(data)))
        cut = draw(st.integers(0, 3)) == 0
        data = data[:at] if cut else data[:at] + draw(EDITS) + data[at:]
    return data, edits, ids


TOKENS = st.sampled_from(
    [
        *('"', ",", "\r", "\n", "\r\n", "a", "r1", "r2", "\u00e9", "\0", "\ufeff", ",,,,,,"),
        *("r1,adults,p1,2026-03-01,assessment,o1,w\n", "x" * (CELL_LIMIT + 1)),
    ]
)


@st.composite
def csv_texts(draw: st.DrawFn) -> tuple[bytes, int, list[str]]:
    """A header, then random text made of CSV's special characters and bits of rows."""
    header = draw(st.sampled_from([HEADER, f"{HEADER},notes", "outcome,what_matters"]))
    end = draw(st.sampled_from(["\n", "\r\n"]))
    body = "".join(draw(st.lists(TOKENS, max_size=40)))
    return (header + end + body).encode(), -1, []


def oracle(data: bytes) -> list[tuple[int, list[str] | None]] | None:
    """The rows of a file by the csv module's strict grammar: (start line, cells or None).

    A row the csv module refuses is None and ends with its line. Any cell
    length is read. None when a line is not UTF-8 or the file ends in a quote.
    """
    try:
        texts = [line.decode() for line in io.BytesIO(data.removeprefix(BOM))]
    except UnicodeDecodeError:
        return None
    old = csv.field_size_limit(sys.maxsize)
    try:
        reader = csv.reader(iter(texts), strict=True)
        rows: list[tuple[int, list[str] | None]] = []
        previous = 0
        while True:
            try:
                cells: list[str] | None = next(reader)
            except StopIteration:
                return rows
            except csv.Error as err:
                if "unexpected end of data" in str(err):
                    return None
                cells = None
            rows.append((previous + 1, cells))
            previous = reader.line_num
    finally:
        csv.field_size_limit(old)


def _good(cells: list[str], header: list[str]) -> bool:
    return (
        len(cells) == len(header)
        and not any("\0" in cell or len(cell) > CELL_LIMIT for cell in cells)
        and [cells[0].removeprefix("\ufeff"), *cells[1:]] != header
    )


def _all_results(data: bytes) -> tuple[Report, list[Any]]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "random.csv"
        path.write_bytes(data)
        report = validate_files([path], today=TODAY)
        results = list(Validator(today=TODAY).iter_validate([path]))
    return report, results


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.one_of(csv_files(), csv_texts()))
def test_every_row_of_a_random_file_is_accounted_for(file: tuple[bytes, int, list[str]]) -> None:
    """For any text: no exception, counts that add up, and, when complete, no row lost.

    A complete file's records are exactly the records of the rows the csv
    module's grammar finds: every good row's record_id is a record's, and the
    count lies between the runs of good rows and the number of rows.
    """
    data, edits, ids = file
    report, every = _all_results(data)
    results = [result for result in every if result.index is not None]
    faults = [result for result in every if result.index is None]  # the file's own
    (summary,) = report.files
    assert summary.records == report.records == len(results)
    assert [result.index for result in results] == list(range(len(results)))
    assert not faults or not results  # a file fault is one that no record could carry
    assert all(
        issue.record is None if faults else issue.record < report.records  # type: ignore[operator]
        for issue in report.issues
    )
    assert report.invalid == sum(not result.valid for result in results)
    found = [
        r.data["record_id"] for r in results if isinstance(r.data, dict) and "record_id" in r.data
    ]
    if edits == 0:
        assert summary.complete
        assert found == ids
        assert not [i for i in report.issues if i.code == "parse-error"]
        return
    if not summary.complete:
        return
    rows = oracle(data)
    assert rows is not None
    if not rows:  # an empty file: the file's own fault says so
        assert (report.records, len(faults)) == (0, 1)
        return
    header = rows[0][1]
    assert header is not None
    body = [(line, cells) for line, cells in rows[1:] if cells is None or any(cells)]
    key = header.index("record_id") if "record_id" in header else None
    good = [cells for _, cells in body if cells is not None and _good(cells, header)]
    if key is None:  # each row is a record
        assert report.records == len(body)
        assert len(faults) == (not body and bool(report.issues))
        return
    assert set(found) == {cells[key] for cells in good if cells[key]}
    runs = sum(
        1
        for n, cells in enumerate(good)
        if not cells[key] or n == 0 or good[n - 1][key] != cells[key]
    )
    assert runs <= report.records <= len(body)
