"""The CSV reader and writer (long format), through read_csv and write_csv."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from personal_outcomes._codes import PARSE_ERROR, SCHEMA
from personal_outcomes._formats._csv import (
    CELL_LIMIT,
    OUTCOME_COLUMNS,
    RECORD_COLUMNS,
    read_csv,
    write_csv,
)
from personal_outcomes._formats._raw import FILE_LEVEL, RawProblem, RawRecord

HEADER = "record_id,framework,person_id,recorded_on,stage,outcome,what_matters"
ROW = "adults,p1,2026-03-01,review,seeing-people,friends"
# Every column but perspective (optional, record format 1.1): the rows below predate it.
FULL_HEADER = ",".join(
    (*RECORD_COLUMNS, "context.team", *(c for c in OUTCOME_COLUMNS if c != "perspective"))
)


def _read(data: bytes) -> list[RawRecord]:
    return list(read_csv(io.BytesIO(data), "records.csv"))


def _text(*lines: str) -> bytes:
    return "".join(line + "\n" for line in lines).encode()


def _problems(records: list[RawRecord]) -> list[tuple[int, object, int | None, str]]:
    return [(r.index, p.path, p.line, p.code) for r in records for p in r.problems]


def _data(record: RawRecord) -> dict[str, Any]:
    assert isinstance(record.data, dict)
    return record.data


def _only_problem(record: RawRecord) -> RawProblem:
    assert record.data is None
    assert len(record.problems) == 1
    return record.problems[0]


def _write(records: list[Mapping[str, object]], context_names: list[str] | None = None) -> str:
    out = io.StringIO(newline="")
    write_csv(records, out, context_names=context_names)
    return out.getvalue()


# --- reading good files ------------------------------------------------------------------


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_reads_records_with_any_line_end_and_bom(newline: str, bom: bytes) -> None:
    """Adjacent rows with one record_id make one record, whatever the line ends and BOM."""
    lines = [
        FULL_HEADER,
        (
            "ab-1,adults,1.0.0,p-7f3a9c,2026-03-01,review,A note,north-east,seeing-people,"
            '"Bowling, Thursdays",Lonely,person: Practise the walk | services: Go with me,'
            "partly-met,Went twice"
        ),
        "ab-1,adults,1.0.0,p-7f3a9c,2026-03-01,review,A note,north-east,being-safe,Safe,,,met,",
        "ab-2,carers,,p-2,2026-03-02,assessment,,,having-a-life,Time off,,,,",
    ]
    records = _read(bom + newline.join(lines).encode() + newline.encode())
    assert [r.data for r in records] == [
        {
            "record_id": "ab-1",
            "framework": "adults",
            "framework_version": "1.0.0",
            "person_id": "p-7f3a9c",
            "recorded_on": "2026-03-01",
            "stage": "review",
            "notes": "A note",
            "context": {"team": "north-east"},
            "outcomes": [
                {
                    "outcome": "seeing-people",
                    "what_matters": "Bowling, Thursdays",
                    "why_it_matters": "Lonely",
                    "contributions": [
                        {"by": "person", "what": "Practise the walk"},
                        {"by": "services", "what": "Go with me"},
                    ],
                    "status": "partly-met",
                    "status_note": "Went twice",
                },
                {"outcome": "being-safe", "what_matters": "Safe", "status": "met"},
            ],
        },
        {
            "record_id": "ab-2",
            "framework": "carers",
            "person_id": "p-2",
            "recorded_on": "2026-03-02",
            "stage": "assessment",
            "outcomes": [{"outcome": "having-a-life", "what_matters": "Time off"}],
        },
    ]
    assert [(r.index, r.line, r.column, r.problems, r.suppressed) for r in records] == [
        (0, 2, None, (), frozenset()),
        (1, 4, None, (), frozenset()),
    ]


def test_quoted_newlines_keep_physical_line_numbers() -> None:
    """A row starts on the line after the previous row ended, even when cells span lines."""
    data = _text(
        HEADER,
        f'r1,{ROW[:-8]},"line one',
        "line two",
        'line three"',
        f"r1,{ROW}",
        f'r2,{ROW[:-8]},"a\r\nb"',
        f"r3,{ROW}",
    )
    records = _read(data)
    assert [r.line for r in records] == [2, 6, 8]
    assert _data(records[0])["outcomes"][0]["what_matters"] == "line one\nline two\nline three"
    assert _data(records[1])["outcomes"][0]["what_matters"] == "a\r\nb"


def test_positions_give_each_outcome_its_row_line() -> None:
    """Positions place an outcome's parts at its row, and everything else at the first row."""
    records = _read(_text(HEADER, f'r1,{ROW[:-8]},"two\nlines"', f"r1,{ROW}", f"r1,{ROW}"))
    positions = records[0].positions
    assert positions is not None
    assert positions.locate(("outcomes", 0, "what_matters")) == (2, None)
    assert positions.locate(("outcomes", 1)) == (4, None)
    assert positions.locate(("outcomes", 2, "contributions", 0, "by")) == (5, None)
    assert positions.locate(("outcomes", 3)) == (2, None)
    assert positions.locate(("outcomes", -1)) == (2, None)
    assert positions.locate(("outcomes",)) == (2, None)
    assert positions.locate(("stage",)) == (2, None)
    assert positions.locate(()) == (2, None)
    assert positions.typed_plain(("stage",)) is False


def test_context_columns_make_a_context_map_of_non_empty_cells() -> None:
    """Each non-empty context.NAME cell is a context field; with none, context is absent."""
    records = _read(
        _text(
            f"{HEADER},context.team,context.Service_2,context.x-y",
            f"r1,{ROW},ne,,reablement",
            f"r2,{ROW},,,",
        )
    )
    assert [_data(r).get("context") for r in records] == [
        {"team": "ne", "x-y": "reablement"},
        None,
    ]
    assert all(not r.problems for r in records)


def test_empty_cells_are_absent_and_other_cells_are_kept_exactly() -> None:
    """An empty cell is an absent field; other cells stay strings, untrimmed and unconverted."""
    records = _read(_text(FULL_HEADER, "r1,,,  p1 , 0012,review,,,o,  ,,,,"))
    assert records[0].data == {
        "record_id": "r1",
        "person_id": "  p1 ",
        "recorded_on": " 0012",
        "stage": "review",
        "outcomes": [{"outcome": "o", "what_matters": "  "}],
    }


def test_blank_rows_are_skipped() -> None:
    """Blank lines and rows of empty cells are skipped; rows either side still join up."""
    records = _read(_text(HEADER, "", f"r1,{ROW}", ",,,,,,", "", f"r1,{ROW}", ",,", f"r2,{ROW}"))
    assert [(r.index, r.line, len(_data(r)["outcomes"])) for r in records] == [
        (0, 3, 2),
        (1, 8, 1),
    ]
    assert records[0].positions is not None
    assert records[0].positions.locate(("outcomes", 1)) == (6, None)


def test_without_a_record_id_column_each_row_is_a_record() -> None:
    """With no record_id column, rows cannot be grouped: each row is a record of its own."""
    records = _read(_text(HEADER.removeprefix("record_id,"), ROW, ROW))
    assert [(r.index, r.line, r.suppressed) for r in records] == [
        (0, 2, frozenset({"record_id"})),
        (1, 3, frozenset({"record_id"})),
    ]


def test_reads_lazily_from_an_endless_stream() -> None:
    """Records come out while the file is still being read: it is never read whole."""

    class Endless(io.RawIOBase):
        def __init__(self) -> None:
            self.pending = (HEADER + "\r\n").encode()
            self.count = 0

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
            while len(self.pending) < len(buffer):
                self.count += 1
                self.pending += f"r{self.count},{ROW}\r\n".encode()
            size = len(buffer)
            buffer[:size] = self.pending[:size]
            self.pending = self.pending[size:]
            return size

    with io.BufferedReader(Endless()) as stream:
        records = read_csv(stream, "endless.csv")
        first, second = next(records), next(records)
    assert (first.line, second.line) == (2, 3)
    assert _data(second)["record_id"] == "r2"


# --- contributions -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "items", "faults"),
    [
        ("person: walk", [("person", "walk")], []),
        (
            "person:walk|services :  go with me  |community: club",
            [("person", "walk"), ("services", "go with me"), ("community", "club")],
            [],
        ),
        ("person: at 10:00: bus", [("person", "at 10:00: bus")], []),
        (
            r"person: a \| b | services: c \\ d\\",
            [("person", "a | b"), ("services", "c \\ d\\")],
            [],
        ),
        (r"person: \|\\\|", [("person", "|\\|")], []),
        ("person: walk | go with me", [("person", "walk")], [(1, "has no ':'")]),
        ("person: walk |", [("person", "walk")], [(1, "is empty")]),
        ("person: walk || services: x", [("person", "walk"), ("services", "x")], [(1, "empty")]),
        (": walk", [], [(0, "nothing before its ':'")]),
        ("person:  ", [], [(0, "nothing after its ':'")]),
        (r"person: a \n b | services: x", [("services", "x")], [(0, "a backslash")]),
        ("services: x | person: ends \\", [("services", "x")], [(1, "a backslash")]),
        ("walk", [], [(0, "has no ':'")]),
        ("   ", [], [(0, "is empty")]),
    ],
)
def test_contributions_cell_is_parsed_into_by_and_what(
    cell: str, items: list[tuple[str, str]], faults: list[tuple[int, str]]
) -> None:
    """A contributions cell is 'by: what' items split at '|', with \\| and \\\\ escapes.

    A bad item is a problem at its own index and an empty stand-in in the data.
    """
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerows([[*HEADER.split(","), "contributions"], ["r1", *ROW.split(","), cell]])
    (record,) = _read(out.getvalue().encode())
    outcome = _data(record)["outcomes"][0]
    # A bad item stays as an empty stand-in, so the others keep their index.
    expected: list[dict[str, str]] = [{"by": b, "what": w} for b, w in items]
    for j, _ in sorted(faults):
        expected.insert(j, {})
    assert outcome["contributions"] == expected
    assert [(p.path, p.code, p.line) for p in record.problems] == [
        (("outcomes", 0, "contributions", j), SCHEMA, 2) for j, _ in faults
    ]
    for problem, (_, words) in zip(record.problems, faults, strict=True):
        assert words in problem.message
        assert "'by: what'" in problem.message


def test_contribution_problems_point_at_their_own_row() -> None:
    """A bad contribution in a record's second row is reported at that row and outcome."""
    records = _read(
        _text(f"{HEADER},contributions", f"r1,{ROW},person: x", f"r1,{ROW},person: x|oops")
    )
    assert _problems(records) == [(0, ("outcomes", 1, "contributions", 1), 3, SCHEMA)]


# --- rows that disagree ------------------------------------------------------------------


def test_disagreeing_rows_are_reported_once_per_column_at_the_first_differing_row() -> None:
    """A later row differing on a record-level column is one schema issue per column."""
    header = (
        "record_id,framework,person_id,recorded_on,stage,notes,context.team,outcome,what_matters"
    )
    records = _read(
        _text(
            header,
            "r1,adults,p1,2026-03-01,review,n,ne,o1,w",
            "r1,adults,p1,2026-03-01,review,n,ne,o2,w",
            "r1,adults,p1,2026-03-01,assessment,n,nw,o3,w",
            "r1,adults,p1,2026-03-01,support-planning,,,o4,w",
            "r2,adults,p1,2026-03-01,review,n,ne,o1,w",
        )
    )
    assert _data(records[0])["stage"] == "review"
    assert _problems(records) == [
        (0, ("stage",), 4, SCHEMA),
        (0, ("context", "team"), 4, SCHEMA),
        (0, ("notes",), 5, SCHEMA),
    ]
    assert [p.message for p in records[0].problems][:2] == [
        (
            "rows of one record disagree on column 'stage'; every row of a record must repeat "
            "the same record-level values"
        ),
        (
            "rows of one record disagree on column 'context.team'; every row of a record must "
            "repeat the same record-level values"
        ),
    ]


# --- header faults -----------------------------------------------------------------------


def test_header_faults_are_reported_once_at_line_one_on_the_first_record() -> None:
    """Unknown and duplicate columns are schema issues at line 1, on the first record only."""
    header = f"{HEADER},Bogus,Stage,context.1x,secret value,,stage, notes ,context.1x,Bogus,stage"
    row = f"{ROW},a,b,c,d,e,f,g,h,i,j"
    records = _read(_text(header, f"r1,{row}", f"r2,{row}"))
    assert [r.data is not None for r in records] == [True, True]
    assert _data(records[0])["stage"] == "review"
    assert "notes" not in _data(records[0])
    assert not records[1].problems
    assert [(p.path, p.line, p.column, p.code) for p in records[0].problems] == [
        ((), 1, None, SCHEMA)
    ] * 7
    assert [p.message for p in records[0].problems] == [
        (
            "column 'Bogus' is not a column of the record format; remove or rename it; "
            "it was ignored"
        ),
        (
            "column 'Stage' is not a column of the record format (did you mean 'stage'?); "
            "remove or rename it; it was ignored"
        ),
        (
            "column 'context.1x' is not a valid context column: after 'context.' the name must "
            "start with a letter and have at most 64 letters, digits, '_' or '-'; rename it; "
            "it was ignored"
        ),
        (
            "column 11 has an unusual name and is not a column of the record format; remove "
            "or rename it; it was ignored"
        ),
        "column 12 has no name; name it or remove it; it was ignored",
        (
            "column 'stage' appears more than once in the header; remove the extra copies "
            "(only the first was read)"
        ),
        "column 14 ('notes') has spaces around its name; remove them; it was ignored",
    ]


def test_missing_required_columns_are_reported_once_and_suppressed_on_every_record() -> None:
    """A missing required column is one issue at line 1 and suppressed on every record."""
    records = _read(_text("record_id,framework,outcome", "r1,adults,o", "r2,adults,o", "r3,x"))
    missing = ["person_id", "recorded_on", "stage", "what_matters"]
    assert [p.message for p in records[0].problems] == [
        f"the header has no '{name}' column, which is required; add it" for name in missing
    ]
    assert _problems(records) == [(0, (), 1, SCHEMA)] * 4 + [(2, (), 4, PARSE_ERROR)]
    assert [r.suppressed for r in records] == [frozenset(missing)] * 3


def test_header_faults_go_on_a_first_record_that_could_not_be_read() -> None:
    """When the first record is a bad row, the header faults still come with it."""
    records = _read(_text(f"{HEADER},Bogus", "r1,x", f"r2,{ROW},b"))
    assert _problems(records) == [(0, (), 1, SCHEMA), (0, (), 2, PARSE_ERROR)]
    assert records[1].data is not None


def test_header_only_file_has_no_records() -> None:
    """A header with no data rows gives no records."""
    assert _read(_text(HEADER)) == []


def test_header_only_file_with_faults_gives_the_file_s_own_fault() -> None:
    """A faulty header with no data rows is a fault of the file (no record), at line 1."""
    (record,) = _read(_text("record_id,framework,person_id,recorded_on,stage,outcome", ",,,,,"))
    assert (record.index, record.line, record.data) == (FILE_LEVEL, 1, None)
    assert [(p.path, p.line, p.code) for p in record.problems] == [((), 1, SCHEMA)]
    assert record.suppressed == {"what_matters"}


# --- bad rows ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            f"r1,{ROW},extra,cells",
            (
                "row has 9 cells but the header has 7; put cells that contain commas in "
                "double quotes"
            ),
        ),
        (
            "r1,adults,p1",
            (
                "row has 3 cells but the header has 7; every row needs a cell for each column, "
                "even an empty one, and a cell with a line break must be in double quotes"
            ),
        ),
        (
            f'r1,{ROW[:-8]},"quoted" then text',
            (
                "a quoted cell has text after its closing double quote; inside a quoted cell, "
                'write each double quote as two ("")'
            ),
        ),
        (
            f"r1,{ROW[:-8]},{'x' * (csv.field_size_limit() + 1)}",
            (
                f"a cell is longer than {csv.field_size_limit()} characters, the most a cell "
                "may hold; shorten it"
            ),
        ),
    ],
    ids=["more-cells", "fewer-cells", "bad-quoting", "huge-cell"],
)
def test_a_bad_row_spoils_only_itself(row: str, message: str) -> None:
    """A row that is not valid CSV or has the wrong cell count is a record of its own."""
    records = _read(_text(HEADER, f"r0,{ROW}", f"r0,{ROW}", row, f"r2,{ROW}", f"r3,{ROW}"))
    assert [(r.index, r.line, r.data is None) for r in records] == [
        (0, 2, False),
        (1, 4, True),
        (2, 5, False),
        (3, 6, False),
    ]
    problem = _only_problem(records[1])
    assert (problem.path, problem.line, problem.column, problem.code) == ((), 4, None, PARSE_ERROR)
    assert problem.message == message


def test_a_bad_row_inside_a_record_spoils_that_record() -> None:
    """A bad row between rows of one record goes with it, not into a record of its own."""
    records = _read(
        _text(HEADER, f"r0,{ROW}", f"r1,{ROW}", f"r1,{ROW},extra", f"r1,{ROW}", f"r2,{ROW}")
    )
    assert [(r.index, r.line, r.data is None) for r in records] == [
        (0, 2, False),
        (1, 3, False),
        (2, 6, False),
    ]
    assert len(_data(records[1])["outcomes"]) == 2
    [problem] = records[1].problems
    assert (problem.line, problem.code) == (4, PARSE_ERROR)


def test_an_unreadable_row_between_rows_of_one_record_spoils_it() -> None:
    """A row whose record_id cannot be read, between rows of one record, goes with it."""
    records = _read(_text(HEADER, f"r1,{ROW}", '"r1"x,bad', f"r1,{ROW}", f"r2,{ROW}"))
    assert [(r.index, r.line, r.data is None) for r in records] == [(0, 2, False), (1, 5, False)]
    assert _problems(records) == [(0, (), 3, PARSE_ERROR)]
    assert len(_data(records[0])["outcomes"]) == 2


@pytest.mark.parametrize("row", [f'r1,"a"x,"b"y,{ROW[10:]}', 'r1,"a"x,"b'])
def test_a_row_with_two_quoting_faults_is_one_problem(row: str) -> None:
    """The first fault of a row is reported; the row is one problem, and reading goes on."""
    records = _read(_text(HEADER, row, f"r2,{ROW}"))
    assert _problems(records) == [(0, (), 2, PARSE_ERROR)]
    assert "text after its closing double quote" in _only_problem(records[0]).message
    assert _data(records[1])["record_id"] == "r2"


def test_a_row_over_several_lines_with_the_wrong_cell_count_stops_reading() -> None:
    """A quoted cell over line breaks, then too many cells: a quote was probably left open."""
    records = _read(_text(HEADER, f'r1,{ROW[:-8]},"one', 'two",x', f"r2,{ROW}"))
    problem = _only_problem(records[0])
    assert (len(records), problem.line, problem.stops) == (1, 2, True)
    assert "runs on to line 3, and it then has 8 cells but the header has 7" in problem.message


def test_where_reading_stops_without_a_record_id_column_the_row_is_a_record() -> None:
    """Without a record_id column, the row where reading stops is a record of its own."""
    records = _read(_text(HEADER.removeprefix("record_id,"), ROW, f'{ROW[:-8]},"open'))
    assert [(r.index, r.line, r.data is None) for r in records] == [(0, 2, False), (1, 3, True)]


def test_a_ragged_row_spoils_the_record_its_id_names() -> None:
    """A row with the wrong cell count spoils the record whose record_id it shows."""
    records = _read(
        _text(HEADER, f"r1,{ROW}", f"r1,{ROW},extra", f"r2,{ROW},extra", f"r2,{ROW}", f"r3,{ROW}")
    )
    assert [(r.index, r.line, len(r.problems)) for r in records] == [
        (0, 2, 1),
        (1, 5, 1),
        (2, 6, 0),
    ]
    assert [p.line for r in records for p in r.problems] == [3, 4]


def test_rows_without_a_record_id_are_records_of_their_own() -> None:
    """Adjacent rows with an empty record_id cell are not merged into one record."""
    records = _read(_text(HEADER, f",{ROW}", f",{ROW}"))
    assert [(r.index, r.line) for r in records] == [(0, 2), (1, 3)]


def test_an_unreadable_row_between_records_is_its_own_record() -> None:
    """A row whose record_id cannot be read, between two records, is a record of its own."""
    records = _read(_text(HEADER, f"r1,{ROW}", '"r1"x,bad,1', f"r2,{ROW}"))
    assert [(r.index, r.line, r.data is None) for r in records] == [
        (0, 2, False),
        (1, 3, True),
        (2, 4, False),
    ]


def test_a_row_that_is_not_valid_csv_after_its_record_id_spoils_that_record() -> None:
    """The cells before a quoting fault are read exactly: the row's record_id places it."""
    records = _read(_text(HEADER, f"r1,{ROW}", 'r1,"bad"x,1', f"r2,{ROW}"))
    assert [(r.index, r.line, r.data is None) for r in records] == [(0, 2, False), (1, 4, False)]
    assert _problems(records) == [(0, (), 3, PARSE_ERROR)]


def test_bad_quoting_after_a_cell_with_line_breaks_stops_reading() -> None:
    """A quoted cell over several lines, then a quoting fault: where rows go on is not known.

    A quote left open runs on to the next double quote, which usually opens a
    later row's cell: resuming after that line would lose the rows in between.
    """
    records = _read(_text(HEADER, f'r1,{ROW[:-8]},"one', 'two"x', f"r2,{ROW}"))
    assert [(r.index, r.line, r.data is None) for r in records] == [(0, 2, True)]
    problem = _only_problem(records[0])
    assert (problem.line, problem.code, problem.stops) == (2, PARSE_ERROR, True)
    assert problem.message == (
        "a quoted cell of this row holds line breaks, so the row runs on to line 3, and it "
        "has text after a closing double quote: a double quote was probably never closed, "
        "which makes the rows after it part of a cell; close it, or write each double quote "
        'inside a quoted cell as two (""); the rest of the file was not read'
    )


def test_an_unclosed_quote_says_the_rest_of_the_file_was_not_read() -> None:
    """A quote never closed swallows the rest of the file; the message says so."""
    records = _read(_text(HEADER, f"r1,{ROW}", f'r2,{ROW[:-8]},"open', f"r3,{ROW}"))
    assert [r.line for r in records] == [2, 3]
    problem = _only_problem(records[1])
    assert (problem.line, problem.code) == (3, PARSE_ERROR)
    assert "never closed" in problem.message
    assert "the rest of the file was not read" in problem.message


# --- files that cannot be read -----------------------------------------------------------


def test_invalid_utf8_is_reported_at_its_line_after_the_records_before_it() -> None:
    """A byte that is not UTF-8 stops reading at its line; every record before it is kept."""
    data = _text(HEADER, f"r1,{ROW}", f"r1,{ROW}") + b"r1,caf\xe9\n" + _text(f"r2,{ROW}")
    records = _read(data)
    assert [(r.index, r.line, r.data is None) for r in records] == [(0, 2, False), (1, 4, True)]
    problem = _only_problem(records[1])
    assert (problem.path, problem.line, problem.code) == ((), 4, PARSE_ERROR)
    assert "not UTF-8" in problem.message
    assert "save it as CSV UTF-8" in problem.message
    assert "the rest of the file was not read" in problem.message


def test_invalid_utf8_inside_a_quoted_cell_is_at_the_line_of_the_byte() -> None:
    """The reported line is the line with the bad byte, even within a multi-line row."""
    records = _read(_text(HEADER, f'r1,{ROW[:-8]},"a', "b") + b'c\xff"\n')
    assert [(r.line, r.data is None) for r in records] == [(4, True)]


def test_invalid_utf8_in_the_header_is_one_parse_error() -> None:
    """A header that is not UTF-8 is one parse error at line 1."""
    (record,) = _read(b"record_id,fr\xe9mework\n" + _text(f"r1,{ROW}"))
    problem = _only_problem(record)
    assert (record.index, record.line, problem.line, problem.code) == (
        FILE_LEVEL,
        1,
        1,
        PARSE_ERROR,
    )
    assert "save it as CSV UTF-8" in problem.message


@pytest.mark.parametrize("bom", [b"\xff\xfe", b"\xfe\xff"])
def test_utf16_is_one_parse_error(bom: bytes) -> None:
    """A UTF-16 file is refused up front with advice to save it as CSV UTF-8."""
    codec = "utf-16-le" if bom == b"\xff\xfe" else "utf-16-be"
    (record,) = _read(bom + _text(HEADER, f"r1,{ROW}").decode().encode(codec))
    problem = _only_problem(record)
    assert (record.line, problem.line, problem.code) == (1, 1, PARSE_ERROR)
    assert "UTF-16" in problem.message
    assert "save it as CSV UTF-8" in problem.message


@pytest.mark.parametrize(("separator", "kind"), [(";", "semicolon"), ("\t", "tab")])
def test_a_semicolon_or_tab_separated_file_is_one_parse_error(separator: str, kind: str) -> None:
    """A one-column header holding ';' or a tab means the wrong separator; reading stops."""
    (record,) = _read(_text(HEADER.replace(",", separator), ROW.replace(",", separator)))
    problem = _only_problem(record)
    assert (problem.line, problem.code) == (1, PARSE_ERROR)
    assert f"looks {kind}-separated" in problem.message
    assert "comma-separated CSV (RFC 4180)" in problem.message


def test_lone_carriage_return_line_ends_are_one_parse_error() -> None:
    """A file whose lines end with a lone CR is refused without reading it whole."""
    (record,) = _read((f"{HEADER}\r" + f"r1,{ROW}\r" * 50_000).encode())
    problem = _only_problem(record)
    assert "lone carriage return" in problem.message


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf"])
def test_an_empty_file_has_no_header_row(data: bytes) -> None:
    """An empty file is one parse error saying it has no header row."""
    (record,) = _read(data)
    problem = _only_problem(record)
    assert (record.index, problem.line, problem.code) == (FILE_LEVEL, 1, PARSE_ERROR)
    assert "has no header row" in problem.message


def test_a_blank_first_line_means_no_header_row() -> None:
    """A blank first line is one parse error: the header must be on the first line."""
    (record,) = _read(_text("", HEADER, f"r1,{ROW}"))
    assert "has no header row" in _only_problem(record).message


def test_a_header_with_a_lone_carriage_return_is_one_parse_error() -> None:
    """A CR inside the header line, outside quotes: the file's lines end with lone CRs."""
    (record,) = _read(_text("record_id,frame\rwork", f"r1,{ROW}"))
    problem = _only_problem(record)
    assert (problem.line, problem.stops) == (1, True)
    assert "lone carriage return" in problem.message


@pytest.mark.parametrize(
    ("header", "fault"),
    [
        ('record_id,"framework', "a double quote opens a cell that is never closed"),
        (f"record_id,{'x' * (CELL_LIMIT + 1)}", "a cell is longer than 131072 characters"),
    ],
    ids=["open-quote", "huge-name"],
)
def test_a_header_with_a_fault_stops_reading(header: str, fault: str) -> None:
    """A header cell never closed, or longer than a cell may be, is one parse-error."""
    (record,) = _read(_text(header, f"r1,{ROW}"))
    problem = _only_problem(record)
    assert (problem.line, problem.stops) == (1, True)
    assert problem.message.startswith(f"the header row is not valid CSV: {fault}")


def test_a_header_that_is_not_valid_csv_is_one_parse_error() -> None:
    """A header the csv module refuses stops reading, with a message saying why."""
    (record,) = _read(_text('record_id,"framework"x', f"r1,{ROW}"))
    problem = _only_problem(record)
    assert problem.message.startswith("the header row is not valid CSV: a quoted cell")
    assert problem.message.endswith("the rest of the file was not read")


def test_a_long_header_line_is_read_whole() -> None:
    """A header of 64 KiB and more (the old first read) is read whole before it is parsed."""
    names = [f"context.c{n:03}{'x' * 60}" for n in range(900)]
    assert len(",".join(names)) > 1 << 16
    header = f"{HEADER},{','.join(names)}"
    (record,) = _read(_text(header, f"r1,{ROW}" + "," * len(names)))
    assert not record.problems


# --- no personal data in messages --------------------------------------------------------

MARKER_TEXT = st.text(alphabet="abcxyz019 ,;|:\\-'\"", max_size=8)


@st.composite
def _marked_file(draw: st.DrawFn) -> tuple[bytes, list[str]]:
    """A file with every kind of row fault, each cell a unique marker string."""
    texts = draw(st.lists(MARKER_TEXT, min_size=120, max_size=120))
    markers = [f"MK{n}{text}QZ" for n, text in enumerate(texts)]
    pool = iter(markers)
    columns = [*RECORD_COLUMNS, "context.team", *OUTCOME_COLUMNS]
    header = [*columns, f"odd {next(pool)}"]

    def row(record_id: str, **cells: str) -> list[str]:
        values = [next(pool) for _ in header]
        values[0] = record_id
        for name, value in cells.items():
            values[columns.index(name)] = value
        return values

    first, second = next(pool), next(pool)
    bad_by, bad_what, bad_escape = next(pool), next(pool), next(pool)
    contributions = f"{bad_by} | : {bad_what} | person: {bad_escape}\\q | person: |"
    rows = [
        row(first, contributions=contributions),
        row(first),
        row(second),
        row(second)[:-2],
        [*row(second), next(pool)],
    ]
    out = io.StringIO(newline="")
    csv.writer(out).writerows([header, *rows])
    text = out.getvalue()
    quoted = next(pool).replace('"', '""')
    text += f'{next(pool).replace(",", "")},"{quoted}"{next(pool).replace(",", "")}\r\n'
    ending = draw(st.sampled_from([b"\xe9" + next(pool).encode(), f'"{next(pool)}'.encode()]))
    return text.encode() + ending, markers


@given(_marked_file())
def test_messages_never_quote_a_cell(file: tuple[bytes, list[str]]) -> None:
    """No message, whatever the fault, contains a value taken from a cell."""
    data, markers = file
    records = _read(data)
    messages = [p.message for r in records for p in r.problems]
    codes = {p.code for r in records for p in r.problems}
    assert codes == {SCHEMA, PARSE_ERROR}
    assert len(messages) >= 14
    for message in messages:
        assert "MK" not in message, message
        assert not [marker for marker in markers if marker in message]


# --- writing -----------------------------------------------------------------------------


def test_write_csv_writes_the_standard_header_and_one_row_per_outcome() -> None:
    """The writer lists every column, context ones sorted, and escapes contributions."""
    record: dict[str, object] = {
        "record_id": "r1",
        "framework": "adults",
        "context": {"team": "ne", "area": "x, y"},
        "outcomes": [
            {
                "outcome": "o1",
                "contributions": [
                    {"by": "person", "what": "a|b\\c"},
                    {"by": "services", "what": 'say "hi"'},
                ],
            },
            {"outcome": "o2", "what_matters": "two\nlines"},
        ],
    }
    assert _write([record]) == (
        "record_id,framework,framework_version,person_id,recorded_on,stage,notes,"
        "context.area,context.team,outcome,what_matters,why_it_matters,contributions,"
        "status,status_note,perspective\r\n"
        'r1,adults,,,,,,"x, y",ne,o1,,,"person: a\\|b\\\\c | services: say ""hi""",,,\r\n'
        'r1,adults,,,,,,"x, y",ne,o2,"two\nlines",,,,,\r\n'
    )


def test_write_csv_streams_when_given_the_context_names() -> None:
    """With context_names the records are written as they come, header first."""
    written: list[str] = []

    def records() -> Iterator[dict[str, object]]:
        for n in range(3):
            written.append(out.getvalue())
            yield {"record_id": f"r{n}", "context": {"b": "1"}, "outcomes": [{"outcome": "o"}]}

    out = io.StringIO(newline="")
    write_csv(records(), out, context_names=["b", "a", "b"])
    assert written[0].startswith("record_id,")
    assert written[0].count("\r\n") == 1
    assert written[2].count("\r\n") == 3
    assert "context.a,context.b,outcome" in out.getvalue()


@pytest.mark.parametrize(
    ("record", "error"),
    [
        ({"record_id": "r", "outcomes": [], "extra": "x"}, ValueError),
        ({"record_id": "r", "outcomes": []}, ValueError),
        ({"record_id": "r"}, ValueError),
        ({"record_id": "r", "outcomes": "o"}, TypeError),
        ({"record_id": 1, "outcomes": [{}]}, TypeError),
        ({"context": {"bad name": "x"}, "outcomes": [{}]}, ValueError),
        ({"context": ["x"], "outcomes": [{}]}, TypeError),
        ({"outcomes": ["o"]}, TypeError),
        ({"outcomes": [{"outcome": "o", "extra": "x"}]}, ValueError),
        ({"outcomes": [{"status": None}]}, TypeError),
        ({"outcomes": [{"contributions": "person: x"}]}, TypeError),
        ({"outcomes": [{"contributions": ["person: x"]}]}, TypeError),
        ({"outcomes": [{"contributions": [{"by": "person", "how": "x"}]}]}, ValueError),
        ({"outcomes": [{"contributions": [{"by": "a:b", "what": "x"}]}]}, ValueError),
        ({"outcomes": [{"contributions": [{"by": "person", "what": 3}]}]}, TypeError),
        ({"outcomes": [{"what_matters": "a\0b"}]}, ValueError),
    ],
)
def test_write_csv_refuses_what_csv_cannot_carry(record: object, error: type[Exception]) -> None:
    """A record outside the record format, or one CSV cannot carry, raises."""
    with pytest.raises(error):
        _write([record])  # type: ignore[list-item]


def test_write_csv_refuses_a_record_outside_the_given_context_names() -> None:
    """When streaming, a context name missing from context_names raises."""
    with pytest.raises(ValueError, match="context_names"):
        _write([{"context": {"a": "x"}, "outcomes": [{}]}], context_names=["b"])


def test_write_csv_refuses_a_record_that_is_not_a_mapping() -> None:
    """A record must be a mapping."""
    with pytest.raises(TypeError):
        _write([["record_id"]], context_names=[])  # type: ignore[list-item]


# --- round trip --------------------------------------------------------------------------

TEXT = st.text(  # every character CSV can carry: all but NUL
    alphabet=st.one_of(
        st.sampled_from(',"|\\:; \t\r\n'),
        st.characters(codec="utf-8", exclude_characters="\0"),
    ),
    min_size=1,
    max_size=12,
)
STRIPPED = TEXT.map(str.strip).filter(bool)
CONTEXT_NAMES = st.from_regex(r"[A-Za-z][A-Za-z0-9_-]{0,8}", fullmatch=True)


@st.composite
def _records(draw: st.DrawFn) -> list[dict[str, object]]:
    """Records CSV can carry: non-empty strings, distinct adjacent ids, stripped by/what."""
    ids = draw(st.lists(TEXT, min_size=1, max_size=4, unique=True))
    names = draw(st.lists(CONTEXT_NAMES, max_size=3, unique=True))
    contribution = st.fixed_dictionaries(
        {"by": STRIPPED.filter(lambda s: ":" not in s), "what": STRIPPED}
    )
    optional_outcome: dict[str, st.SearchStrategy[object]] = {
        name: TEXT for name in OUTCOME_COLUMNS if name != "contributions"
    }
    optional_outcome["contributions"] = st.lists(contribution, min_size=1, max_size=3)
    outcome = st.fixed_dictionaries({}, optional=optional_outcome)
    records = []
    for record_id in ids:
        record: dict[str, object] = draw(
            st.fixed_dictionaries(
                {"record_id": st.just(record_id)},
                optional=dict.fromkeys(RECORD_COLUMNS[1:], TEXT),
            )
        )
        context = draw(st.fixed_dictionaries({}, optional=dict.fromkeys(names, TEXT)))
        if context:
            record["context"] = context
        record["outcomes"] = draw(st.lists(outcome, min_size=1, max_size=3))
        records.append(record)
    return records


@given(_records())
def test_reading_what_write_csv_wrote_gives_the_same_records(
    records: list[dict[str, object]],
) -> None:
    """write_csv then read_csv gives back exactly the records written, without problems."""
    read = _read(_write(list(records)).encode())
    assert [r.data for r in read] == records
    assert [r.problems for r in read] == [()] * len(records)
    assert [r.index for r in read] == list(range(len(records)))
