"""JSON and JSON Lines under hostile input: nothing lost, nothing leaked, nothing raised.

Every record a file holds is counted (``report.files``), a fault spoils only its
own record wherever the structure is still sound, a reader that must stop says
so (``complete`` is false), JSON Lines take constant memory whatever a line's
length, and no message quotes the file.
"""

from __future__ import annotations

import io
import json
import multiprocessing.pool
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from factories import TODAY, TODAY_ARG, record
from personal_outcomes import Validator, validate_files
from personal_outcomes._cli import run
from personal_outcomes._formats import _json
from personal_outcomes._formats._json import MAX_LINE_BYTES, read_json, read_jsonl
from personal_outcomes.validation import Report, _parallel

CORPUS = Path(__file__).parent / "data" / "records"
VALIDATOR = Validator(today=TODAY)
MARKER = "Zq Marker"  # planted in values; never a key-like word, so never to be quoted

Row = tuple[int | None, int | None, int | None, str, str]


def _rows(report: Report) -> list[Row]:
    return [(i.record, i.line, i.column, i.pointer, i.code) for i in report.issues]


def _files(report: Report) -> list[tuple[int, bool]]:
    return [(f.records, f.complete) for f in report.files]


def _line(**changes: Any) -> str:
    return json.dumps(record(**changes))


def _check(path: Path) -> Report:
    return validate_files([path], today=TODAY)


def _stream(data: bytes, input_format: str) -> Report:
    return VALIDATOR.validate_files(["-"], input_format=input_format, stdin=io.BytesIO(data))


# ---- the corpus files of this kind say whether they were read to the end -----------------

HOSTILE = [
    path
    for path in sorted(CORPUS.glob("*.json*"))
    if not path.name.endswith(".expected.json")
    and "files" in json.loads((CORPUS / f"{path.name}.expected.json").read_text("utf-8"))
]


def test_the_hostile_corpus_is_there() -> None:
    names = {path.name for path in HOSTILE}
    assert {"huge-integer.json", "lone-cr.jsonl", "not-utf8-in-array.json"} <= names


@pytest.mark.parametrize("path", HOSTILE, ids=[p.name for p in HOSTILE])
def test_corpus_file_counts_and_completeness(path: Path) -> None:
    """Each file's records and ``complete`` are as expected; no message quotes the file."""
    expected = json.loads((CORPUS / f"{path.name}.expected.json").read_text("utf-8"))
    report = _check(path)
    assert [{"records": f.records, "complete": f.complete} for f in report.files] == (
        expected["files"]
    )
    assert sum(f.records for f in report.files) == report.records
    for issue in report.issues:
        for word in ("pals", "Caf", "p-h-", "p-s-"):
            assert word not in issue.message


# ---- item 3: a huge integer spoils only its record -------------------------------------


def test_a_5000_digit_integer_spoils_only_its_record(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    cells = [_line(record_id="a"), _line(record_id="b", person_id=0), _line(record_id="c")]
    text = "[\n" + ",\n".join(cells) + "\n]\n"
    path.write_text(text.replace('"person_id": 0', '"person_id": 1' + "0" * 4999))
    report = _check(path)
    assert _rows(report) == [(1, 3, 1, "", "parse-error")]
    assert "beyond the range of a 64-bit float" in report.issues[0].message
    assert (report.records, report.valid, _files(report)) == (3, 2, [(3, True)])
    # A 30-digit integer is read (as a float, as orjson reads it): a schema error.
    path.write_text(text.replace('"person_id": 0', '"person_id": 1' + "0" * 29))
    report = _check(path)
    assert _rows(report) == [(1, 3, 1, "/person_id", "schema")]
    assert (report.records, report.valid, _files(report)) == (3, 2, [(3, True)])


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("1e400", "beyond the range of a 64-bit float"),
        ("-1" + "0" * 400, "beyond the range of a 64-bit float"),
        ("NaN", "NaN or Infinity"),
        ("-Infinity", "NaN or Infinity"),
        ('"p-\\ud800"', "lone surrogate escape"),
        ('"p-\\udc00-\\ud800"', "lone surrogate escape"),
        ('"p\u0000"', "control character"),
        ('"p\t1"', "control character"),
        ("[" * 1500 + "]" * 1500, "nested more than 1,024 deep"),
        ("[" * 100_000 + "]" * 100_000, "nested more than 1,024 deep"),
        ('{"a": ' * 5000 + "1" + "}" * 5000, "nested more than 1,024 deep"),
    ],
)
def test_a_value_that_is_not_strict_json_spoils_only_its_record(
    tmp_path: Path, value: str, reason: str
) -> None:
    path = tmp_path / "values.json"
    cells = [_line(record_id="a"), _line(record_id="b", person_id=0), _line(record_id="c")]
    text = "[\n" + ",\n".join(cells) + "\n]\n"
    path.write_text(text.replace('"person_id": 0', f'"person_id": {value}'), encoding="utf-8")
    report = _check(path)
    assert _rows(report) == [(1, 3, 1, "", "parse-error")]
    assert reason in report.issues[0].message
    assert (report.records, report.valid, _files(report)) == (3, 2, [(3, True)])


@pytest.mark.parametrize("value", ["-0", "-0.0", "1e-400", "1" + "0" * 300])
def test_numbers_json_allows_are_read(tmp_path: Path, value: str) -> None:
    path = tmp_path / "one.json"
    path.write_text(_line(person_id=0).replace('"person_id": 0', f'"person_id": {value}'))
    report = _check(path)
    assert _rows(report) == [(0, 1, 1, "/person_id", "schema")]


def test_deep_nesting_of_the_whole_document(tmp_path: Path) -> None:
    """Nested at the top: the array's one element is spoiled; left open, the file stops."""
    path = tmp_path / "deep.json"
    path.write_text("[" * 200_000 + "]" * 200_000)
    report = _check(path)
    assert _rows(report) == [(0, 1, 2, "", "parse-error")]
    assert _files(report) == [(1, True)]
    path.write_text("[" * 200_000)
    report = _check(path)
    assert _rows(report) == [(0, 1, 200_001, "", "parse-error")]
    assert "cut short" in report.issues[0].message
    assert _files(report) == [(1, False)]
    path.write_text('{"a": [' * 50_000)  # an object, not an array: one record
    report = _check(path)
    assert _rows(report) == [(0, 1, 350_001, "", "parse-error")]
    assert _files(report) == [(1, False)]


# ---- faults in the structure stop the reader, and say so --------------------------------


def _array(*cells: str) -> str:
    return "[\n" + ",\n".join(cells) + "\n]\n"


_A, _B = _line(record_id="a"), _line(record_id="b")


@pytest.mark.parametrize(
    ("text", "row", "records", "clue"),
    [
        # cut short inside a string, before the array is closed, after a comma
        (_array(_A, _B)[:-30], (1, 3, _B[:-27].rindex('"') + 1), 2, "never closed"),
        # after the last record the fault is in no record: the file's own
        (_array(_A, _B)[:-3], (None, 3, len(_B) + 1), 2, "array of records is closed"),
        (_array(_A, "")[:-3], (None, 3, 1), 1, "cut short"),  # ends where a record should
        # a NUL byte, or a byte order mark, where a value should start
        (_array(_A, "\x00" + _B), (1, 3, 1), 2, "NUL byte"),
        (_array(_A, _B.replace(' "p-1"', '\ufeff"p-1"')), (1, 3, 55), 2, "byte order mark"),
        # anything after the array, or after the one record, is not read
        (_array(_A) + _array(_B), (None, 4, 1), 1, "extra data"),
        (_A + "\n" + _B, (0, 2, 1), 1, "extra data"),
    ],
)
def test_a_broken_structure_stops_the_reader_where_it_is_broken(
    tmp_path: Path, text: str, row: tuple[int | None, int, int], records: int, clue: str
) -> None:
    path = tmp_path / "broken.json"
    path.write_text(text, encoding="utf-8")
    report = _check(path)
    assert _rows(report) == [(*row, "", "parse-error")]
    assert clue in report.issues[-1].message
    assert report.issues[-1].message.endswith("the rest of the file was not read")
    assert (report.records, _files(report)) == (records, [(records, False)])


def test_invalid_utf8_keeps_the_records_before_it(tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    cells = [
        json.dumps(record(record_id=name, notes="Zq Caf\u00e9"), ensure_ascii=False)
        for name in "abc"
    ]
    cells[0] = _line(record_id="a")
    path.write_bytes(_array(*cells).encode("latin-1"))
    report = _check(path)
    at = cells[1].index("\u00e9") + 1
    assert _rows(report) == [(1, 3, at, "", "parse-error")]
    assert report.issues[0].message == (
        "the file is not valid UTF-8 from here on; save it as UTF-8; "
        "the rest of the file was not read"
    )
    assert (report.records, report.valid, _files(report)) == (2, 1, [(2, False)])
    # Between two records, and after the one record of a document.
    path.write_bytes(b"[" + _line().encode() + b",\xff" + _line().encode() + b"]")
    assert _rows(_check(path)) == [(None, 1, len(_line()) + 3, "", "parse-error")]  # no record
    path.write_bytes(_line().encode() + b"\n\xff")
    report = _check(path)
    assert _rows(report) == [(0, 2, 1, "", "parse-error")]
    assert "not valid UTF-8" in report.issues[0].message
    assert _files(report) == [(1, False)]


def test_utf16_is_named(tmp_path: Path) -> None:
    path = tmp_path / "utf16.json"
    path.write_text(_array(_line()), encoding="utf-16")
    report = _check(path)
    assert _rows(report) == [(None, 1, None, "", "parse-error")]
    assert "UTF-16" in report.issues[0].message
    assert _files(report) == [(0, False)]


def test_stray_bom_and_trailing_comma_spoil_a_record_and_reading_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "joined.json"
    text = _array(_line(record_id="a"), "\ufeff" + _line(record_id="b"), _line(record_id="c"))
    path.write_text(text.replace("\n]", ",\n]"), encoding="utf-8")
    report = _check(path)
    comma = len(_line(record_id="c")) + 1
    assert _rows(report) == [(1, 3, 1, "", "parse-error"), (2, 4, comma, "", "parse-error")]
    assert (report.records, report.valid, _files(report)) == (3, 1, [(3, True)])


def test_duplicate_keys_keep_the_last_value(tmp_path: Path) -> None:
    path = tmp_path / "twice.json"
    path.write_text(_line().replace('"person_id"', '"person_id": "Zq Marker", "person_id"'))
    report = _check(path)
    assert (report.records, report.valid, report.issues) == (1, 1, ())


def test_a_minified_array_is_read_in_linear_time(tmp_path: Path) -> None:
    """Columns are counted on from the last record, not from the start of the line.

    (They were counted from the line's start: 20,000 records on one line took 47 s.)
    """
    records = [record(record_id=f"r-{n}") for n in range(20_000)]
    records[19_999]["stage"] = "later"
    data = json.dumps(records).encode()
    raws = list(read_json(io.BytesIO(data), "x"))
    assert len(raws) == 20_000
    assert (raws[-1].line, raws[-1].column) == (1, data.rindex(b'{"record_id"') + 1)


# ---- item 4: JSON Lines with lone CR line ends ---------------------------------------------


def test_lone_cr_line_ends_are_line_ends(tmp_path: Path) -> None:
    """Each record of an old Mac file is read; lines count LF only, so columns place them."""
    lines = [_line(record_id="a"), _line(record_id="b", stage="later"), "", _line(record_id="c")]
    path = tmp_path / "mac.jsonl"
    path.write_bytes("\r".join(lines).encode() + b"\r")
    report = _check(path)
    column = len(lines[0]) + 2
    assert _rows(report) == [(1, 1, column, "/stage", "schema")]
    assert (report.records, report.valid, _files(report)) == (3, 2, [(3, True)])
    # Mixed with LF and CRLF line ends.
    path.write_bytes(
        b"\r\n".join([lines[0].encode(), b"\r".join(line.encode() for line in lines[1:])])
    )
    report = _check(path)
    assert _rows(report) == [(1, 2, None, "/stage", "schema")]
    assert (report.records, report.valid) == (3, 2)


def test_a_raw_cr_inside_a_record_ends_it(tmp_path: Path) -> None:
    """A CR is a line end even where JSON would allow it as whitespace."""
    path = tmp_path / "cr.jsonl"
    path.write_bytes(_line().replace(', "stage"', ',\r"stage"').encode() + b"\n")
    report = _check(path)
    assert [(record, line, column) for record, line, column, *_ in _rows(report)] == [
        (0, 1, None),
        (1, 1, _line().index(' "stage"') + 2),
    ]
    assert report.records == 2


def test_a_byte_order_mark_opening_a_later_line(tmp_path: Path) -> None:
    bom = "\ufeff"
    path = tmp_path / "cat.jsonl"
    path.write_text(
        f"{bom}{_line(record_id='a')}\n{bom}{_line(record_id='b')}\n{bom}  \n", encoding="utf-8"
    )
    report = _check(path)
    assert _rows(report) == [(1, 2, None, "", "parse-error")]
    assert "byte order mark" in report.issues[0].message
    assert (report.records, report.valid, _files(report)) == (2, 1, [(2, True)])


# ---- item 10: a line's length is limited, and memory is constant -------------------------


def test_the_line_limit_is_above_the_longest_valid_record() -> None:
    """Every limit of the format filled, every character a 12-byte escape: it still fits."""
    big = "\U0001f600"
    data = record(
        framework="adults",
        framework_version="1.0.0",
        record_id="r" * 100,
        person_id="p" * 100,
        stage="support-planning",
        notes=big * 10_000,
        context={f"k{n:02}" + "x" * 61: big * 200 for n in range(50)},
        outcomes=[
            {
                "outcome": "seeing-people",
                "what_matters": big * 2000,
                "why_it_matters": big * 2000,
                "status_note": big * 2000,
                "contributions": [{"by": "family-and-friends", "what": big * 1000}] * 20,
            }
        ]
        * 50,
    )
    line = json.dumps(data).encode()
    assert 15 * 1024 * 1024 < len(line) < MAX_LINE_BYTES
    assert MAX_LINE_BYTES > 10_000 * 1_200  # the benchmarks' records: about 1.2 kB
    report = _stream(line + b"\n", "jsonl")
    codes = {issue.code for issue in report.issues}
    assert "parse-error" not in codes
    assert (report.records, _files(report)) == (1, [(1, True)])


def test_a_line_longer_than_the_limit_spoils_only_itself(tmp_path: Path) -> None:
    path = tmp_path / "long.jsonl"
    with path.open("wb") as handle:
        handle.write(_line(record_id="a").encode() + b"\n")
        handle.write(b"{" + b"x" * (20 * 1000 * 1000))  # 20 MB without a newline
        handle.write(b"\n" + _line(record_id="b", stage="later").encode() + b"\n")
    report = _check(path)
    assert _rows(report) == [(1, 2, None, "", "parse-error"), (2, 3, None, "/stage", "schema")]
    assert report.issues[0].message.startswith("this line is longer than 16,777,216 bytes")
    assert (report.records, report.valid, _files(report)) == (3, 1, [(3, True)])
    # A line of exactly the limit is read (and is not JSON); one byte more is too long.
    for size, message in [(MAX_LINE_BYTES, "not valid JSON"), (MAX_LINE_BYTES + 1, "longer")]:
        for end in (b"\n", b"\r\n", b"\r"):
            report = _stream(b"x" * size + end + _line().encode(), "jsonl")
            assert _rows(report) == [(0, 1, None, "", "parse-error")], (size, end)
            assert message in report.issues[0].message
            assert report.records == 2


_MEMORY = textwrap.dedent(
    """
    import io, json, resource, sys
    from personal_outcomes._formats._json import read_jsonl

    class Endless(io.RawIOBase):
        # So many zero bytes, then the tail: never held in memory.
        def __init__(self, size, tail):
            self.left, self.tail = size, tail
        def readable(self):
            return True
        def readinto(self, buffer):
            if self.left:
                size = min(len(buffer), self.left)
                buffer[:size] = bytes(size)
                self.left -= size
                return size
            size = min(len(buffer), len(self.tail))
            buffer[:size] = self.tail[:size]
            self.tail = self.tail[size:]
            return size

    size, tail = int(sys.argv[1]), sys.argv[2].encode()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    raws = read_jsonl(io.BufferedReader(Endless(size, tail)), "zeros")
    found = [(raw.line, raw.column, raw.data is not None) for raw in raws]
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    print(json.dumps({"found": found, "grown_kib": grown}))
    """
)


@pytest.mark.parametrize("size", [20 * 1000 * 1000, 160 * 1000 * 1000])
@pytest.mark.parametrize("tail", ["\n{}\n", "\r{}\r"])
def test_an_endless_line_takes_constant_memory(size: int, tail: str) -> None:
    """/dev/zero with an end: memory does not grow with the line (watched with getrusage)."""
    done = subprocess.run(
        [sys.executable, "-c", _MEMORY, str(size), tail],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    result = json.loads(done.stdout)
    column = None if tail[0] == "\n" else size + 2
    assert result["found"] == [[1, None, False], [1 + (tail[0] == "\n"), column, True]]
    assert result["grown_kib"] * 1024 < 2.5 * MAX_LINE_BYTES  # the 16 MiB window, not the line


# ---- the line splitter, against a plain reference ------------------------------------------


def _blank(line: bytes) -> bool:
    return not line.removeprefix(b"\xef\xbb\xbf").strip()


def _reference(data: bytes, limit: int) -> Iterator[tuple[int, int | None, bytes | None]]:
    """Non-blank lines: split at LF, CRLF and lone CR; numbered by LF; placed by column."""
    for number, whole in enumerate(data.split(b"\n"), 1):
        column = 1
        for piece in whole.removesuffix(b"\r").split(b"\r"):
            if not _blank(piece):
                yield number, column if column > 1 else None, piece if len(piece) <= limit else None
            column += len(piece.decode("utf-8", "surrogateescape")) + 1


_BYTES = st.lists(
    st.sampled_from(
        [b"a", b"{", b" ", b"\t", b"\r", b"\n", b"\r\n", b"\xc3\xa9", b"\xff", b"\xef\xbb\xbf"]
    ),
    max_size=60,
).map(b"".join)


# The limit is at least a byte order mark's 3 bytes, as the real one is.
@given(data=_BYTES, limit=st.integers(3, 12), skip=st.integers(1, 5), buffer=st.integers(1, 9))
@example(data=b"aaa\r\naa", limit=3, skip=1, buffer=1)
@example(data=b"aaaa\r", limit=3, skip=1, buffer=1)
@example(data=b"aaaa\r\r\na", limit=3, skip=2, buffer=1)
def test_lines_are_split_as_the_reference_splits_them(
    data: bytes, limit: int, skip: int, buffer: int
) -> None:
    """The reader makes a record of every line the reference finds, with its bytes."""
    stream = io.BufferedReader(io.BytesIO(data), buffer_size=buffer)
    found: list[tuple[int | None, int | None, bool]] = []
    marked: set[int] = set()  # records with a byte order mark at the start of a later line
    checked: dict[int, bytes] = {}

    def check(line: bytes) -> None:  # shown every line read (and proving none clean)
        checked[len(found)] = line.removesuffix(b"\n").removesuffix(b"\r")

    with (
        mock.patch.object(_json, "MAX_LINE_BYTES", limit),
        mock.patch.object(_json, "_SKIP_BYTES", skip),
    ):
        for raw in read_jsonl(stream, "x", check):
            messages = [problem.message for problem in raw.problems]
            if any(message.startswith("this line starts with a byte") for message in messages):
                marked.add(len(found))
            too_long = any(message.startswith("this line is longer") for message in messages)
            found.append((raw.line, raw.column, too_long))
    expected = list(_reference(data, limit))
    assert found == [(number, column, line is None) for number, column, line in expected]
    # The bytes of each line checked (a byte order mark opening one is not its text).
    assert checked == {
        at: line.removeprefix(b"\xef\xbb\xbf")
        for at, (_, _, line) in enumerate(expected)
        if at in checked and line is not None
    }
    assert set(checked) == {at for at, row in enumerate(found) if not row[2]} - marked


# ---- --jobs reads lone CRs and long lines as one process does ---------------------------------


def test_jobs_agree_on_lone_crs_and_long_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_parallel, "CHUNK_BYTES", 600)
    monkeypatch.setattr(_json, "MAX_LINE_BYTES", 400)

    def threads(jobs: int, settings: tuple[object, ...]) -> multiprocessing.pool.Pool:
        return multiprocessing.pool.ThreadPool(
            jobs, initializer=_parallel._start_worker, initargs=(settings,)
        )

    monkeypatch.setattr(_parallel, "make_pool", threads)
    parts = []
    for number in range(30):
        line = _line(record_id=f"r-{number}", stage="later" if number % 4 == 1 else "assessment")
        parts.append(line + ["\n", "\r", "\r\n"][number % 3])
        if number % 7 == 3:
            parts.append("x" * 1000 + "\r")
    path = tmp_path / "mixed.jsonl"
    path.write_text("".join(parts), encoding="utf-8")

    def validate(*options: str) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        code = run(["validate", "--today", TODAY.isoformat(), *options, str(path)], out, err)
        return code, out.getvalue(), err.getvalue()

    assert validate("--jobs", "2") == validate()
    one = validate("--format", "json")
    assert validate("--format", "json", "--jobs", "2") == one
    report = json.loads(one[1])
    assert report["records"] == 30 + 4
    assert report["files"] == [{"source": str(path), "records": 34, "complete": True}]
    long_lines = [issue["line"] for issue in report["issues"] if issue["code"] == "parse-error"]
    assert len(long_lines) == 4


# ---- random bytes and mutations never raise, and every record is counted ------------------


def _valid_records() -> list[dict[str, Any]]:
    return [
        record(record_id=f"r-{n}", notes=f"{MARKER} {n}", context={"team": MARKER})
        for n in range(3)
    ]


def _jsonl() -> bytes:
    lines = [json.dumps(r, ensure_ascii=n % 2 == 0) for n, r in enumerate(_valid_records())]
    return "".join(line + "\n" for line in lines).encode()


def _document() -> bytes:
    return json.dumps(_valid_records(), indent=1, ensure_ascii=False).encode()


@st.composite
def _mutated(draw: st.DrawFn, data: bytes) -> bytes:
    """``data`` with a few hostile edits: cut short, bytes flipped, line ends swapped..."""
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        kind = draw(
            st.sampled_from(["cut", "flip", "cr", "lf", "number", "bom", "nul", "deep", "utf8"])
        )
        if kind == "cut":
            data = data[:at]
        elif kind == "flip":
            if not data:
                continue
            at = min(at, len(data) - 1)
            data = data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1 :]
        elif kind == "cr":
            data = data.replace(b"\n", b"\r")
        elif kind == "lf":
            data = data.replace(b"\r", b"\n").replace(b"\n", b"\r\n")
        else:
            inserted = {
                "number": b"1" + b"0" * draw(st.sampled_from([30, 400, 5000])),
                "bom": b"\xef\xbb\xbf",
                "nul": b"\x00",
                "deep": b"[" * 3000,
                "utf8": b"\xff",
            }[kind]
            data = data[:at] + inserted + data[at:]
    return data


def _assert_sound(report: Report) -> None:
    assert sum(f.records for f in report.files) == report.records
    assert report.valid + report.invalid == report.records
    for issue in report.issues:
        assert MARKER not in issue.message
        assert MARKER not in issue.pointer
        assert issue.record_id is None or MARKER not in issue.record_id


def _non_blank_lines(data: bytes) -> int:
    return sum(1 for _ in _reference(data, MAX_LINE_BYTES))


@given(st.binary(max_size=300) | _mutated(_jsonl()))
@example(_jsonl().replace(b"\n", b"\r"))
@example(b"\xef\xbb\xbf\r{}")
@example(b"\xfe\xff")
@example(b"\xff\xfe{}\n")
def test_json_lines_never_raise_and_every_line_is_one_record(data: bytes) -> None:
    report = _stream(data, "jsonl")
    _assert_sound(report)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # UTF-16 is refused whole, with one located error and no record.
        assert [(i.code, i.line, i.record) for i in report.issues] == [("parse-error", 1, None)]
        assert _files(report) == [(0, False)]
        return
    assert report.records == _non_blank_lines(data)
    assert _files(report) == [(report.records, True)]
    raws = list(read_jsonl(io.BytesIO(data), "x"))
    assert [raw.index for raw in raws] == list(range(len(raws)))


def _strict_length(data: bytes) -> int | None:
    """How many records a document that Python's json reads holds (None: it does not read it)."""
    decoder = json.JSONDecoder(strict=False, parse_int=len, parse_float=len)
    try:
        value = decoder.decode(data.removeprefix(b"\xef\xbb\xbf").decode("utf-8"))
    except (ValueError, RecursionError):
        return None
    return len(value) if isinstance(value, list) else 1


@given(st.binary(max_size=300) | _mutated(_document()))
@example(_document().replace(b"\n", b"\r"))
@example(b"[" + b"1" + b"0" * 5000 + b"]")
def test_json_documents_never_raise_and_lose_no_record(data: bytes) -> None:
    report = _stream(data, "json")
    _assert_sound(report)
    [summary] = report.files
    expected = _strict_length(data)
    if expected is not None:
        # A document whose structure is sound is read to its end, every record counted.
        assert (summary.complete, summary.records) == (True, expected)
    if not summary.complete:
        assert any(issue.message.endswith("was not read") for issue in report.issues)


def test_messages_never_quote_the_file() -> None:
    """Every parse-error message is one of the reader's own sentences."""
    secret = MARKER
    samples = [
        f'["{secret}" "{secret}"]',
        f'[{{"{secret}": 1 "{secret}": 2}}]',
        f'{{"{secret}"}}',
        f'["{secret}\\x"]',
        f"[{secret}]",
        f'{{"a": "{secret}"}} {secret}',
    ]
    for text in samples:
        for fmt in ("json", "jsonl"):
            report = _stream(text.encode(), fmt)
            assert report.issues
            for issue in report.issues:
                assert secret not in issue.message
                assert not re.search(r"Zq|Marker", issue.message)


@pytest.mark.parametrize(
    ("text", "rows", "records", "complete"),
    [
        # A comma where a record should start: the file's own fault; reading goes on.
        (f"[{_A},,{_B}]", [(None, 1, len(_A) + 3)], 2, True),
        (f"[,{_A}]", [(None, 1, 2)], 1, True),
        ("[ , ]", [(None, 1, 3)], 0, True),
        # The file ends where a record should start: no record, and it stops.
        ("[", [(None, 1, 2)], 0, False),
        (f"[{_A},", [(None, 1, len(_A) + 3)], 1, False),
    ],
)
def test_what_stands_where_a_record_should_is_no_record(
    tmp_path: Path,
    text: str,
    rows: list[tuple[int | None, int, int]],
    records: int,
    complete: bool,
) -> None:
    path = tmp_path / "commas.json"
    path.write_text(text, encoding="utf-8")
    report = _check(path)
    assert _rows(report) == [(*row, "", "parse-error") for row in rows]
    assert (report.records, report.valid) == (records, records)
    assert _files(report) == [(records, complete)]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_utf16_json_lines_is_the_file_s_fault(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: str
) -> None:
    """UTF-16 JSON Lines: one fault of the file, no record, with or without workers."""
    monkeypatch.setattr(_parallel, "CHUNK_BYTES", 200)
    monkeypatch.setattr(_parallel, "usable_cores", lambda: 2)
    path = tmp_path / "utf16.jsonl"
    path.write_text(_line() + "\n" + _line(record_id="b") + "\n", encoding="utf-16")
    out, err = io.StringIO(), io.StringIO()
    code = run(["validate", TODAY_ARG, "--jobs", jobs, "--format", "json", str(path)], out, err)
    report = json.loads(out.getvalue())
    assert code == 1
    assert [(i["record"], i["line"], i["code"]) for i in report["issues"]] == [
        (None, 1, "parse-error")
    ]
    assert "UTF-16" in report["issues"][0]["message"]
    assert report["files"] == [{"source": str(path), "records": 0, "complete": False}]
