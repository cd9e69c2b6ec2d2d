"""Hostile YAML record files (issue 7): nothing lost, nothing leaked, lines as counted in ``\\n``.

Each fault is checked through :func:`validate_files`, with the exact issues
(record, line, column, pointer, code), the counts and ``report.files``, and with
libyaml's C parser and PyYAML's pure-Python one alike.
"""

from __future__ import annotations

import contextlib
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from hypothesis import example, given
from hypothesis import strategies as st

from factories import TODAY
from personal_outcomes import load_framework, validate_files
from personal_outcomes.errors import (
    AliasNotAllowedError,
    DuplicateKeyError,
    InputError,
    NestingTooDeepError,
    UnsupportedYAMLError,
)
from personal_outcomes.validation import Report

#: Stands for personal data. It holds spaces, so it never looks like a key: a key
#: that looks like one (``^[A-Za-z0-9_.-]{1,64}$``) may be quoted, by design.
MARKER = "MARKER Jane Smith"
LOADERS = ("libyaml", "pure-python")
_SWITCH = "__with_libyaml__"  # PyYAML's own switch between the two

Row = list[object]


@contextlib.contextmanager
def _parser(name: str) -> Iterator[None]:
    """Read YAML with libyaml's C parser, or with PyYAML's pure-Python one."""
    saved = yaml.__with_libyaml__
    setattr(yaml, _SWITCH, name == "libyaml")
    try:
        yield
    finally:
        setattr(yaml, _SWITCH, saved)


@pytest.fixture(params=LOADERS)
def loader(request: pytest.FixtureRequest) -> Iterator[str]:
    """Run a test with libyaml's C parser and again with PyYAML's pure-Python one."""
    if request.param == "libyaml" and not yaml.__with_libyaml__:  # pragma: no cover
        pytest.skip("libyaml is not available")
    with _parser(str(request.param)):
        yield str(request.param)


def _report(folder: Path, content: str | bytes) -> Report:
    path = folder / "records.yaml"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return validate_files([path], today=TODAY)


def _rows(report: Report) -> list[Row]:
    return [[i.record, i.line, i.column, i.pointer, i.code] for i in report.issues]


def _summary(report: Report) -> tuple[int, int, list[tuple[int, bool]]]:
    """Records, valid records, and (records, complete) of each file."""
    return report.records, report.valid, [(f.records, f.complete) for f in report.files]


def _item(number: int, **fields: str) -> str:
    """One valid record as an item of a block list (six lines), with fields replaced."""
    values = {
        "record_id": f"r-{number}",
        "framework": "adults",
        "person_id": f"p-{number}",
        "recorded_on": "2026-03-01",
        "stage": "assessment",
        "outcomes": "[{outcome: seeing-people, what_matters: Friends}]",
    }
    values.update(fields)
    lines = [f"{key}: {value}" for key, value in values.items()]
    return "- " + "\n  ".join(lines) + "\n"


def _document(number: int, **fields: str) -> str:
    """One valid record as a document of its own (six lines)."""
    return "\n".join(line[2:] for line in _item(number, **fields).split("\n"))


# ---- item 2: the records of a list before a fault are kept -----------------------------


@pytest.mark.usefixtures("loader")
def test_a_syntax_error_in_record_999_of_1000_keeps_the_998_before(tmp_path: Path) -> None:
    """Issue 7, item 2: a list of 1,000 with a syntax error in record 999 is 999 records.

    It was "1 record: 0 valid, 1 invalid": the 998 records before the fault were lost.
    """
    items = [_item(n) for n in range(1000)]
    items[998] = _item(998, person_id="[p-998")  # an unclosed flow list
    report = _report(tmp_path, "".join(items))
    # Record 998 starts on line 5989; the fault is found at the ':' on line 5992.
    assert _rows(report) == [[998, 5992, 14, "", "parse-error"]]
    assert _summary(report) == (999, 998, [(999, False)])
    assert report.issues[0].message.endswith("; the rest of the file was not read")


@pytest.mark.usefixtures("loader")
def test_nesting_too_deep_after_good_records_keeps_them(tmp_path: Path) -> None:
    """Item 2: the same for nesting deeper than the limit after two good records."""
    deep = "[" * 40 + "]" * 40
    report = _report(tmp_path, _item(0) + _item(1) + _item(2, notes=deep) + _item(3))
    # Record 2's notes (its last line) is line 19; the list 31 deep (the 33rd level) is at
    # column 40.
    assert _rows(report) == [[2, 19, 40, "", "parse-error"]]
    assert _summary(report) == (3, 2, [(3, False)])


@pytest.mark.usefixtures("loader")
@pytest.mark.parametrize(
    ("before", "deep", "after", "where"),
    [
        pytest.param(_item(0) + _item(1), "- notes: ", "\n", [2, 13, 40], id="in-a-list"),
        pytest.param("", "", "\n", [0, 1, 33], id="first-document"),
        pytest.param("", "  ", "\n", [0, 1, 35], id="first-document-indented"),
        pytest.param(_document(0) + "---\n", "", "\n", [1, 8, 33], id="second-document"),
        pytest.param(_document(0) + "--- ", "", "\n", [1, 7, 37], id="after-the-marker"),
        pytest.param(_document(0) + "...\n---\n", "", "\n", [1, 9, 33], id="after-an-end"),
        pytest.param(_document(0) + "---\n", "- - - ", "\n", [1, 8, 36], id="in-block-lists"),
    ],
)
def test_nesting_past_libyaml_s_own_limit_is_placed_as_with_the_pure_parser(
    tmp_path: Path, before: str, deep: str, after: str, where: list[int]
) -> None:
    """libyaml refuses 1,000 levels, and its look-ahead meets them before this reader's
    limit of 32 is reached: the report is the pure-Python parser's all the same.

    It was a syntax error at column 1006 with libyaml, and this at column 38 without.
    """
    report = _report(tmp_path, before + deep + "[" * 1100 + "]" * 1100 + after)
    assert _rows(report) == [[*where, "", "parse-error"]]
    assert "nested more than 32 deep" in report.issues[0].message
    records = where[0] + 1
    assert _summary(report) == (records, records - 1, [(records, False)])


@pytest.mark.usefixtures("loader")
def test_a_flow_list_cut_short_keeps_its_closed_records(tmp_path: Path) -> None:
    """A file truncated inside a flow list: the records closed before the end are read."""
    record = "{record_id: f-%d, framework: adults, person_id: p, recorded_on: 2026-03-01, "
    record += "stage: assessment, outcomes: [{outcome: seeing-people, what_matters: x}]}"
    text = "[" + ",\n ".join(record % n for n in range(3)) + ",\n {record_id: f-3, stage: asse"
    report = _report(tmp_path, text)
    assert _rows(report) == [[3, 4, 30, "", "parse-error"]]
    assert _summary(report) == (4, 3, [(4, False)])


@pytest.mark.usefixtures("loader")
def test_a_fault_on_a_list_cut_before_its_first_record_goes_with_the_parse_error(
    tmp_path: Path,
) -> None:
    """An anchor on the list itself is not lost when no record of the list was complete."""
    report = _report(tmp_path, "&list\n- record_id: [r-1\n  stage: assessment\n")
    assert _rows(report) == [[0, 1, 1, "", "parse-error"], [0, 3, 8, "", "parse-error"]]
    assert _summary(report) == (1, 0, [(1, False)])


@pytest.mark.usefixtures("loader")
def test_a_closed_record_before_a_fault_is_read(tmp_path: Path) -> None:
    """A flow mapping that was closed before a stray bracket is a whole record."""
    record = (
        "{record_id: r-1, framework: adults, person_id: p-1, recorded_on: 2026-03-01, "
        "stage: assessment, outcomes: [{outcome: seeing-people, what_matters: x}]}"
    )
    report = _report(tmp_path, record + "}\n")
    assert _rows(report) == [[1, 1, len(record) + 1, "", "parse-error"]]
    assert _summary(report) == (2, 1, [(2, False)])


@pytest.mark.usefixtures("loader")
def test_each_record_keeps_its_own_faults_in_a_long_list(tmp_path: Path) -> None:
    """A fault in every record of a long list: each goes with its own record, and only it."""
    items = [
        _item(n).replace("  person_id:", "  record_id: again\n  person_id:") for n in range(300)
    ]
    report = _report(tmp_path, "".join(items))
    assert _rows(report) == [[n, 7 * n + 3, 3, "/record_id", "parse-error"] for n in range(300)]
    assert _summary(report) == (300, 0, [(300, True)])


# ---- characters YAML does not allow, and byte order marks ------------------------------

_FIVE = "".join(_item(n) for n in range(5))


@pytest.mark.usefixtures("loader")
@pytest.mark.parametrize(
    ("text", "summary", "rows"),
    [
        pytest.param(
            _FIVE.replace("p-2", "p-\x012"),
            (3, 2, [(3, False)]),
            [[2, 15, 16, "", "parse-error"]],
            id="control-in-record-3",
        ),
        pytest.param(
            _FIVE.replace("p-2", "p-\x9b2"),
            (3, 2, [(3, False)]),
            [[2, 15, 16, "", "parse-error"]],
            id="c1-control-in-record-3",
        ),
        pytest.param(
            _FIVE.replace("- record_id: r-2", "\x00\n- record_id: r-2"),
            (3, 2, [(3, False)]),
            [[2, 13, 1, "", "parse-error"]],
            id="nul-on-a-line-between-records",
        ),
        pytest.param(
            _FIVE + "\x1a",
            (6, 5, [(6, False)]),
            [[5, 31, 1, "", "parse-error"]],
            id="ctrl-z-at-the-end",
        ),
        pytest.param(
            _FIVE.replace("- record_id: r-2", "\ufeff- record_id: r-2"),
            (3, 2, [(3, False)]),
            [[2, 13, 1, "", "parse-error"]],
            id="bom-of-a-joined-file",
        ),
        pytest.param(
            "\ufeff\ufeff" + _FIVE,
            (1, 0, [(1, False)]),
            [[0, 1, 1, "", "parse-error"]],
            id="two-boms-at-the-start",
        ),
    ],
)
def test_a_character_yaml_refuses_stops_the_file_after_the_records_before_it(
    tmp_path: Path, text: str, summary: tuple[int, int, list[tuple[int, bool]]], rows: list[Row]
) -> None:
    """A control character, or a byte order mark at the start of a line (where libyaml
    skips it and PyYAML keeps it), stops the file where it stands, the same with both
    parsers; the records before it are read.

    The pure-Python parser refused the whole file before reading a record, and libyaml
    16 KiB or so before the character, at a byte offset counted as characters.
    """
    report = _report(tmp_path, text)
    assert _rows(report) == rows
    assert _summary(report) == summary
    message = report.issues[-1].message
    assert message.endswith("the rest of the file was not read")
    assert ("byte order mark" in message) == ("\ufeff" in text)


@pytest.mark.usefixtures("loader")
def test_a_byte_order_mark_inside_a_line_is_text(tmp_path: Path) -> None:
    """U+FEFF inside a value is a character like any other; one opening the file is skipped."""
    report = _report(tmp_path, "\ufeff" + _item(0, notes='"a\ufeffb"') + _item(1, notes="c\ufeffd"))
    assert _rows(report) == []
    assert _summary(report) == (2, 2, [(2, True)])


# ---- item 15: lines are counted in \n ------------------------------------------------


@pytest.mark.usefixtures("loader")
@pytest.mark.parametrize("separator", ["\x85", "\u2028", "\u2029", "\r"])
@pytest.mark.parametrize(
    "value",
    [
        '"one{0}two{0}three"',
        "'one{0}two'",
        "|\n    one{0}    two\n    three",
        "x  # a comment{0}# and another",
    ],
    ids=["double-quoted", "single-quoted", "literal-block", "comment"],
)
def test_line_breaks_other_than_newline_do_not_move_later_issues(
    tmp_path: Path, separator: str, value: str
) -> None:
    """Issue 7, item 15: U+0085, U+2028, U+2029 and a lone CR are line breaks to YAML,
    not to the report: an issue after one is on the line counted in ``\\n``.

    libyaml and PyYAML counted them, so these issues were reported lines too late.
    """
    notes = value.format(separator).replace("    ", "  ")
    text = f"record_id: r-1\nnotes: {notes}\nodd key: 1\nstage: nope\n"
    report = _report(tmp_path, text)
    lines = text.split("\n")
    odd = lines.index("odd key: 1") + 1
    assert _rows(report) == [
        [0, odd, 1, "", "schema"],  # the unknown key
        *[[0, 1, 1, "", "schema"]] * 4,  # four fields missing from the record
        [0, odd + 1, 8, "/stage", "schema"],
    ]
    assert _summary(report) == (1, 0, [(1, True)])


@pytest.mark.usefixtures("loader")
def test_columns_after_another_line_break_count_from_the_newline(tmp_path: Path) -> None:
    """On one line, a column is counted from the last ``\\n``, through any U+2028."""
    text = 'record_id: r\nnotes: "a\u2028b", stage: nope\n'
    text = "{" + text.replace("\n", ", ", 1).rstrip("\n") + "}\n"
    report = _report(tmp_path, text)
    assert [row for row in _rows(report) if row[3] == "/stage"] == [
        [0, 1, text.index("nope") + 1, "/stage", "schema"]
    ]


@pytest.mark.usefixtures("loader")
def test_a_syntax_error_after_another_line_break_is_on_its_newline_line(tmp_path: Path) -> None:
    """A syntax error's place is counted in ``\\n`` too."""
    text = _item(0, notes='"a\u2028b\u2029c\x85d"') + _item(1, person_id="[p-1")
    report = _report(tmp_path, text)
    # Record 1 starts on line 8 (record 0 has seven); the fault is at the ':' on line 11.
    assert _rows(report) == [[1, 11, 14, "", "parse-error"]]
    assert _summary(report) == (2, 1, [(2, False)])


@pytest.mark.usefixtures("loader")
def test_a_file_with_lone_cr_line_ends_is_one_line(tmp_path: Path) -> None:
    """Lone CRs (old Mac line ends) are read as YAML reads them, and counted as other formats
    count them: everything is on line 1."""
    text = _document(0, stage="nope").replace("\n", "\r")
    report = _report(tmp_path, text)
    assert _rows(report) == [[0, 1, text.index("nope") + 1, "/stage", "schema"]]


# ---- item 6: no key that is not key-like in a pointer or a message ---------------------

_PLANTED = f"""\
- record_id: {MARKER}
  framework: {MARKER}
  person_id: "{MARKER}"
  recorded_on: {MARKER}
  stage: {MARKER}
  notes: !!binary {MARKER}
  {MARKER} 1: &anchor {MARKER}
  {MARKER} 1: {MARKER}
  ? {MARKER} 2
  : *anchor
  !!python/str {MARKER} 3: {MARKER}
  &key {MARKER} 4: {MARKER}
  *anchor : {MARKER}
  ? [{MARKER} 5, {MARKER}]
  : {MARKER}
  ? {{{MARKER} 6: {MARKER}, {MARKER} 6: *anchor}}
  : {MARKER}
  {MARKER} 7: {{{MARKER}: !!python/object {MARKER}, {MARKER} 8: [*anchor]}}
  <<: {{{MARKER} 9: {MARKER}}}
  context:
    {MARKER} 10: {MARKER}
    {MARKER} 10: {MARKER}
    team: !!set {{{MARKER}}}
    {MARKER} 11: !!int {MARKER}
    {MARKER} 12: {"1" * 5000}
  outcomes:
    - outcome: {MARKER}
      what_matters: {MARKER}
      {MARKER} 14: {MARKER}
      {MARKER} 14: {MARKER}
      contributions:
        - by: {MARKER}
          what: &what {MARKER}
          {MARKER} 15: *what
- {{record_id: r-2, {MARKER}: {MARKER}, {MARKER}: {MARKER}, {"[" * 40}{MARKER}: 1}}
"""


def _leaks(report: Report) -> list[str]:
    return [
        str(issue)
        for issue in report.issues
        if MARKER in str(issue) or MARKER in issue.pointer or MARKER in issue.message
    ]


@pytest.mark.usefixtures("loader")
def test_a_planted_marker_never_reaches_a_pointer_or_a_message(tmp_path: Path) -> None:
    """Issue 7, item 6: the marker stands in every key and value position, with tags,
    anchors, aliases, duplicates, complex keys, a merge key and context keys; no issue
    quotes it, in its pointer or its message. Each fault under a key that is not
    key-like is reported at the pointer of the mapping that holds it.

    A duplicate key, or a tag, anchor or alias under such a key, put the key in the
    pointer (``/context/Jane Smith ...``).
    """
    report = _report(tmp_path, _PLANTED)
    assert _leaks(report) == []
    assert _rows(report) == [
        [0, 6, 10, "/notes", "parse-error"],
        [0, 7, 24, "", "parse-error"],  # an anchor on a value under an odd key
        [0, 8, 3, "", "parse-error"],  # the odd key again
        [0, 10, 5, "", "parse-error"],  # an alias as the value of an odd key
        [0, 11, 3, "", "parse-error"],  # a tag on a key
        [0, 12, 3, "", "parse-error"],  # an anchor on a key
        [0, 13, 3, "", "parse-error"],  # an alias as a key
        [0, 14, 5, "", "parse-error"],  # a list as a key
        [0, 16, 5, "", "parse-error"],  # a mapping as a key,
        [0, 16, 46, "", "parse-error"],  # a key twice inside it,
        [0, 16, 67, "", "parse-error"],  # and an alias inside it
        [0, 18, 44, "", "parse-error"],  # a tag two odd keys down
        [0, 18, 101, "", "parse-error"],  # an alias two odd keys down
        [0, 22, 5, "/context", "parse-error"],  # an odd context key twice
        [0, 23, 11, "/context/team", "parse-error"],
        [0, 24, 27, "/context", "parse-error"],  # !!int on text
        [0, 25, 27, "/context", "parse-error"],  # a number too long to read
        [0, 30, 7, "/outcomes/0", "parse-error"],
        [0, 33, 17, "/outcomes/0/contributions/0/what", "parse-error"],
        [0, 34, 33, "/outcomes/0/contributions/0", "parse-error"],
        # Unknown keys, each on its own line (the others were refused as keys).
        [0, 7, 3, "", "schema"],
        [0, 9, 5, "", "schema"],
        [0, 12, 3, "", "schema"],
        [0, 18, 3, "", "schema"],
        [0, 19, 3, "", "schema"],  # <<
        [0, 1, 14, "/record_id", "schema"],
        [0, 3, 14, "/person_id", "schema"],
        [0, 4, 16, "/recorded_on", "schema"],
        [0, 5, 10, "/stage", "schema"],
        [0, 2, 14, "/framework", "unknown-framework"],
        # A list nested too deep inside a key stops the file in the last record.
        [1, 35, 126, "", "parse-error"],
    ]
    assert _summary(report) == (2, 0, [(2, False)])


def test_a_planted_marker_never_reaches_a_framework_error(tmp_path: Path) -> None:
    """The same rule holds for framework files: their errors never quote an odd key."""
    cases: list[tuple[str, type[InputError], str]] = [
        (f"id: x\n{MARKER}: 1\n{MARKER}: 2\n", DuplicateKeyError, ""),
        (f"id: x\n{MARKER}: !!python/object x\n", UnsupportedYAMLError, ""),
        (f"id: x\nsources:\n  - {MARKER}: &a 1\n", AliasNotAllowedError, "/sources/0"),
        (f"id: x\n{MARKER}: {{a: *b}}\n", AliasNotAllowedError, ""),
        (f"id: x\n{MARKER}:\n  deep: {'[' * 40}{']' * 40}\n", NestingTooDeepError, ""),
    ]
    path = tmp_path / "f.yaml"
    for text, kind, pointer in cases:
        path.write_text(text, encoding="utf-8")
        with pytest.raises(InputError) as info:
            load_framework(path)
        assert type(info.value) is kind
        assert info.value.pointer == pointer
        assert MARKER not in str(info.value)


@pytest.mark.usefixtures("loader")
def test_a_duplicate_key_that_looks_like_a_key_is_named(tmp_path: Path) -> None:
    """A key that looks like a key is still named, in the pointer and the message."""
    text = _document(0).replace("stage:", "context: {team: a, team: b}\nstage:")
    report = _report(tmp_path, text)
    assert _rows(report) == [[0, 5, 20, "/context/team", "parse-error"]]
    assert "the key 'team' appears twice" in report.issues[0].message


@pytest.mark.usefixtures("loader")
def test_keys_that_are_numbers_or_mistagged_are_placed_on_their_mapping(tmp_path: Path) -> None:
    """A key tagged as what it is not, or a number too long to read, is a fault of the
    mapping that holds it, and the key is never quoted."""
    # An explicit key ("? "), as a key of 5,000 characters cannot be a plain one.
    text = _document(0, stage=f"{{!!int {MARKER}: x, ? {'1' * 5000}: y}}")
    report = _report(tmp_path, text)
    assert _rows(report) == [
        [0, 5, 9, "/stage", "parse-error"],
        [0, 5, 39, "/stage", "parse-error"],
    ]
    assert "put the key in quotes" in report.issues[1].message
    assert _leaks(report) == []


# ---- the rest of their kind --------------------------------------------------------------


@pytest.mark.usefixtures("loader")
def test_a_file_that_is_not_utf8_is_one_parse_error(tmp_path: Path) -> None:
    """Bytes that are not UTF-8 stop the file before any record (it is read as text first).

    No record was read, so none is counted: the fault is the file's own.
    """
    report = _report(tmp_path, (_item(0) + _item(1)).encode("utf-8") + b"- caf\xe9\n")
    assert _rows(report) == [[None, 1, None, "", "parse-error"]]
    assert "on line 13" in report.issues[0].message
    assert _summary(report) == (0, 0, [(0, False)])


@pytest.mark.usefixtures("loader")
@pytest.mark.parametrize(
    "text",
    ["", "\n\n", "# only a comment\n", "---\n", "--- # a comment\n...\n", "\ufeff# a comment\n"],
    ids=["empty", "blank", "comment", "empty-document", "ended-document", "bom-and-comment"],
)
def test_a_file_with_no_document_holds_no_record(tmp_path: Path, text: str) -> None:
    """An empty file, or one of comments and markers only, holds no record and is complete."""
    report = _report(tmp_path, text)
    assert _rows(report) == []
    assert _summary(report) == (0, 0, [(0, True)])


@pytest.mark.usefixtures("loader")
def test_tags_for_binary_sets_and_ordered_maps_are_refused_in_place(tmp_path: Path) -> None:
    """``!!binary``, ``!!set``, ``!!omap`` and a Python tag are parse-errors at their node."""
    text = (
        _document(
            0,
            notes="!!binary aGVsbG8=",
            stage="!!python/name:os.system",
            outcomes="!!omap [{outcome: seeing-people}]",
        )
        + "context: !!set {a, b}\n"
    )
    report = _report(tmp_path, text)
    assert _rows(report) == [
        [0, 5, 8, "/stage", "parse-error"],
        [0, 6, 11, "/outcomes", "parse-error"],
        [0, 7, 8, "/notes", "parse-error"],
        [0, 8, 10, "/context", "parse-error"],
    ]


@pytest.mark.usefixtures("loader")
def test_merge_keys_merge_nothing(tmp_path: Path) -> None:
    """``<<`` is a key like any other (an unknown one), and its alias is refused."""
    text = "- &base {framework: adults}\n" + _item(1, framework="x").replace(
        "  person_id", "  <<: *base\n  person_id"
    )
    report = _report(tmp_path, text)
    assert [row for row in _rows(report) if row[4] == "parse-error"] == [
        [0, 1, 3, "", "parse-error"],  # the anchor
        [1, 4, 7, "", "parse-error"],  # the alias
    ]
    assert [row for row in _rows(report) if row[0] == 1] == [
        [1, 4, 7, "", "parse-error"],
        [1, 4, 3, "", "schema"],  # the unknown key '<<', on its own line
        [1, 3, 14, "/framework", "unknown-framework"],
    ]


@pytest.mark.usefixtures("loader")
def test_tabs_and_overlong_keys_are_syntax_errors(tmp_path: Path) -> None:
    """A tab as indentation, or a plain key longer than YAML's 1,024 characters, stops the file."""
    report = _report(tmp_path, _item(0) + "-\trecord_id: r-1\n")
    assert _rows(report) == [[1, 7, 2, "", "parse-error"]]
    assert _summary(report) == (2, 1, [(2, False)])
    # Too long to be a key, the text is read as an item of its own (not a record: it
    # is not a mapping), then the ':' after it is the fault.
    report = _report(tmp_path, _item(0) + "- " + "k" * 2000 + ": v\n")
    assert _rows(report) == [[1, 7, 3, "", "schema"], [2, 7, 2003, "", "parse-error"]]
    assert _summary(report) == (3, 1, [(3, False)])


@pytest.mark.usefixtures("loader")
def test_numbers_too_long_to_read_are_faults_not_text(tmp_path: Path) -> None:
    """An unquoted number of more than 4,300 characters was text to the reader (Python
    will not read it as a number), so it passed as notes where 30 digits did not. Now it
    is a parse-error at its place; a long sexagesimal number is refused just as quickly.
    """
    start = time.perf_counter()
    text = _document(0, notes="1" * 5000, person_id="1" + ":30" * 100_000)
    report = _report(tmp_path, text)
    assert time.perf_counter() - start < 10  # reading 1:30:30... as a number takes minutes
    assert _rows(report) == [
        [0, 3, 12, "/person_id", "parse-error"],
        [0, 7, 8, "/notes", "parse-error"],
    ]
    assert "longer than 4300 characters" in report.issues[0].message
    report = _report(tmp_path, _document(0, notes="1" * 40))
    assert _rows(report) == [[0, 7, 8, "/notes", "schema"]]
    assert "put it in quotes" in report.issues[0].message


@pytest.mark.usefixtures("loader")
def test_a_very_long_value_is_checked_not_refused(tmp_path: Path) -> None:
    """A megabyte of notes is read, and is too long."""
    report = _report(tmp_path, _document(0, notes="x" * 1_000_000))
    assert _rows(report) == [[0, 7, 8, "/notes", "schema"]]


# ---- random YAML-ish text --------------------------------------------------------------

YAML_PIECES = st.sampled_from(
    [
        "record_id", "framework", "context", "outcomes", ": ", "- ", "\n", "  ", "&a ", "*a",
        "!!str ", "!!binary ", "!!set ", "!!python/object ", "? ", "<<", "[", "]", "{", "}",
        ", ", "'", '"', "#", "|", ">", "---\n", "...\n", "%YAML 1.1\n", "no", "0012", "1:30",
        "2026-02-30", "~", "\t", "\r\n", "\r", "\x85", "\u2028", "\ufeff", "\x00", "é",
        MARKER, MARKER + ": ", MARKER + ": " + MARKER + "\n", "\n- " + MARKER + ": x",
    ]
)  # fmt: skip
#: Where generated files are written (Hypothesis cannot use ``tmp_path``); removed at exit.
_TEMPORARY = tempfile.TemporaryDirectory(prefix="hostile-yaml-")
_FOLDER = Path(_TEMPORARY.name)


def _random_report(text: str, loader_name: str) -> Report:
    with _parser(loader_name):
        return _report(_FOLDER, text)


@pytest.mark.compiled
@pytest.mark.parametrize("loader_name", LOADERS)
@given(text=st.lists(YAML_PIECES, max_size=40).map("".join))
@example(text="[" * 1100)
@example(text="- a\n- [" + "{" * 1100)
@example(text=f"{MARKER}: 1\n{MARKER}: 2\n")
@example(text="- x\n- \x00\n- y")
def test_random_yaml_never_raises_leaks_or_loses_a_record(loader_name: str, text: str) -> None:
    """Random YAML-ish text never raises; the counts add up; no issue quotes the marker."""
    report = _random_report(text, loader_name)
    assert sum(summary.records for summary in report.files) == report.records
    assert report.valid + report.invalid == report.records
    assert all(
        issue.record is not None and 0 <= issue.record < report.records for issue in report.issues
    )
    assert len({issue.record for issue in report.issues}) == report.invalid
    assert _leaks(report) == []
    stopped = any(issue.message.endswith("was not read") for issue in report.issues)
    assert [summary.complete for summary in report.files] == [not stopped]


@pytest.mark.compiled
@given(text=st.lists(YAML_PIECES, max_size=40).map("".join))
@example(text='notes: "a\u2028b"\nstage: x\n')
def test_both_parsers_agree_when_both_read_to_the_end(text: str) -> None:
    """Where libyaml and PyYAML both read a file to its end, the reports are the same
    (lines counted in ``\\n`` with both)."""
    with_c = _random_report(text, "libyaml")
    pure = _random_report(text, "pure-python")
    if with_c.files[0].complete and pure.files[0].complete:
        assert _rows(with_c) == _rows(pure)
        assert _summary(with_c) == _summary(pure)


# One text for each fault PyYAML's pure-Python parser words otherwise than libyaml (in
# the order of the rules in _formats/_yaml.py), found by a search over YAML_PIECES.
_WORDED_APART = [
    "!!python/object &a é&a \n- x: x---\n",
    "!!binary ? : éé\n- x: x\n- x: x",
    '!!set &a x: - "record_id|\n',
    "}framework#---\n!!str *a[",
    "- [>, &a &a \r\n- ",
    ': }"}0012, ',
    "\n- x: x\nx: x\n\r[2026-02-30? ]",
    "|\r\n\né",
    "[no---\n*aoutcomes\n- x: x",
    "\n{\r\n2026-02-30'",
    '"&a ---\n---\né',
    "*a']\r\n- }",
    "\r\n|  {x: context",
    "|0012>!!set {no: }",
]


@pytest.mark.compiled
@pytest.mark.parametrize("text", _WORDED_APART)
def test_the_pure_parser_s_faults_are_put_in_libyaml_s_words(text: str) -> None:
    """The same report from either parser, though the pure one words the fault otherwise."""
    from personal_outcomes._formats._yaml import _LIBYAML_WORDS  # noqa: PLC0415

    rule = _LIBYAML_WORDS[_WORDED_APART.index(text)]
    with _parser("pure-python"), pytest.raises(yaml.MarkedYAMLError) as raised:
        list(yaml.load_all(text, Loader=yaml.SafeLoader))
    where, pattern, words = rule
    assert where in (None, raised.value.context)
    assert pattern.fullmatch(raised.value.problem or "")
    libyaml = [str(issue) for issue in _random_report(text, "libyaml").issues]
    assert [str(issue) for issue in _random_report(text, "pure-python").issues] == libyaml
    assert any(words in issue for issue in libyaml)


# ---- where PyYAML's pure-Python parser read otherwise than libyaml ---------------------


def _noted(notes: str) -> str:
    """A valid record as a document, with notes written as given (lines kept as they are)."""
    return _document(0) + "notes: " + notes + "\n"


_OUTCOMES = "outcomes: [{outcome: seeing-people, what_matters: Friends}]"
_TABS_LIBYAML_READS = {
    "after-a-key": _document(0).replace("stage: ", "stage:\t"),
    "inside-a-value": _noted("x\tb"),
    "between-words": _noted("Helping in the\t garden"),
    "before-a-line-break": _document(0).replace(
        _OUTCOMES, "outcomes:\t\n  - outcome: seeing-people\n    what_matters: Friends"
    ),
    "in-a-flow-list": _document(0).replace("seeing-people, what", "seeing-people,\twhat"),
    "before-a-comment": _document(0).replace("stage: assessment", "stage: assessment\t# c"),
    "before-quotes": _document(0).replace("stage: assessment", 'stage:\t"assessment"'),
    "at-the-end": _document(0).replace("stage: assessment", "stage: assessment\t"),
    "in-a-continued-line": _noted("Helping\n \tin the garden"),
    "in-a-flow-line": _document(0).replace("seeing-people, what", "seeing-people,\n\t what"),
    "after-a-block-indicator": _noted("|\t# c\n  Helping\tin the garden"),
}


@pytest.mark.compiled
@pytest.mark.parametrize("text", _TABS_LIBYAML_READS.values(), ids=_TABS_LIBYAML_READS.keys())
def test_a_tab_where_libyaml_allows_one_is_read_by_both_parsers(text: str) -> None:
    """libyaml reads a tab between tokens (not at a line's start or after '-', '?' or a
    complex ':') and inside plain values; the pure-Python parser refused every tab, so
    the record was lost and the exit code differed. Now both read the record, valid."""
    for name in LOADERS:
        report = _random_report(text, name)
        assert (_rows(report), _summary(report)) == ([], (1, 1, [(1, True)])), name


def _same_report(text: str) -> list[str]:
    """The issues of a text read with libyaml, after checking the pure parser's are the same."""
    with_c = _random_report(text, "libyaml")
    pure = _random_report(text, "pure-python")
    assert [str(issue) for issue in pure.issues] == [str(issue) for issue in with_c.issues]
    assert _summary(pure) == _summary(with_c)
    return [f"{issue.line}:{issue.column}: {issue.message}" for issue in with_c.issues]


_PLACED = "the rest of the file was not read"
_NOT_A_START = (
    "not valid YAML: while scanning for the next token; found character that cannot start any token"
)
_PLAIN_TAB = (
    "not valid YAML: while scanning a plain scalar; found a tab character that violates indentation"
)
_BLOCK_TAB = (
    "not valid YAML: while scanning a block scalar; "
    "found a tab character where an indentation space is expected"
)
_BAD_ESCAPE = (
    "not valid YAML: while parsing a quoted scalar; found invalid Unicode character escape code"
)
_NOT_HEX = "not valid YAML: while parsing a quoted scalar; did not find expected hexdecimal number"
_NOT_A_COMMENT = (
    "not valid YAML: while scanning a block scalar; did not find expected comment or line break"
)


@pytest.mark.compiled
@pytest.mark.parametrize(
    ("text", "issues"),
    [
        pytest.param(
            "\t" + _document(0),
            [f"1:1: {_NOT_A_START}"],
            id="at-a-line-start",
        ),
        pytest.param(
            "- \t" + _document(0),
            [f"1:3: {_NOT_A_START}"],
            id="after-a-dash",
        ),
        pytest.param(
            _noted("Helping\n\tin the garden"),
            [f"8:1: {_PLAIN_TAB}"],
            id="left-of-a-value-s-indentation",
        ),
        pytest.param(
            _noted("|\n  Helping\n\tin the garden"),
            [f"9:1: {_BLOCK_TAB}"],
            id="left-of-a-block-s-indentation",
        ),
        pytest.param(
            _noted("|\n\tHelping"),
            [f"8:1: {_BLOCK_TAB}"],
            id="as-a-block-s-indentation",
        ),
        pytest.param(
            _noted('"\\ud800"'),
            [f"7:11: {_BAD_ESCAPE}"],
            id="a-surrogate",
        ),
        pytest.param(
            _noted('"\\udc00x"'),
            [f"7:11: {_BAD_ESCAPE}"],
            id="a-low-surrogate",
        ),
        pytest.param(
            _noted('"x\\ud83d\\ude00"'),
            [f"7:12: {_BAD_ESCAPE}"],
            id="a-surrogate-pair",
        ),
        pytest.param(
            _noted('"\\U0000d800"'),
            [f"7:11: {_BAD_ESCAPE}"],
            id="a-long-surrogate",
        ),
        pytest.param(
            _noted('"\\U00110000"'),
            [f"7:11: {_BAD_ESCAPE}"],
            id="past-the-last-character",
        ),
        pytest.param(
            _noted('"\\u12x4"'),
            [f"7:11: {_NOT_HEX}"],
            id="not-hexadecimal",
        ),
        pytest.param(
            _noted('"\\q"'),
            ["7:9: not valid YAML: while parsing a quoted scalar; found unknown escape character"],
            id="an-unknown-escape",
        ),
        *(
            pytest.param(
                f"%YAML {version}\n---\n" + _document(0),
                ["1:1: not valid YAML: found incompatible YAML document"],
                id=f"yaml-{version}",
            )
            for version in ("1.3", "1.0", "1.9", "1.10", "2.0")
        ),
        pytest.param(
            "%YAML 1.1\n%YAML 1.2\n---\n" + _document(0),
            ["2:1: not valid YAML: found duplicate %YAML directive"],
            id="two-yaml-directives",
        ),
        pytest.param(
            "%TAG !a! tag:a,2026:\n%TAG !a! tag:b,2026:\n---\n" + _document(0),
            ["2:1: not valid YAML: found duplicate %TAG directive"],
            id="two-tag-directives",
        ),
        pytest.param(
            _noted("|x"),
            [f"7:9: {_NOT_A_COMMENT}"],
            id="text-after-a-block-indicator",
        ),
    ],
)  # fmt: skip
def test_faults_libyaml_refuses_are_refused_alike_by_the_pure_parser(
    text: str, issues: list[str]
) -> None:
    """A tab at the start of a line, after '-' or left of the indentation; a surrogate
    escape (the pure parser made a lone surrogate, and writing the data out failed); a
    YAML version other than 1.1 or 1.2: libyaml refuses them, and now so does the pure
    parser, in the same words at the same place."""
    assert _same_report(text) == [f"{issue}; {_PLACED}" for issue in issues]


@pytest.mark.parametrize("version", ["1.1", "1.2"])
def test_yaml_1_1_and_1_2_are_read(version: str) -> None:
    """The versions libyaml reads, read with the parser in use."""
    report = _random_report(f"%YAML {version}\n---\n" + _document(0), "pure-python")
    assert (_rows(report), _summary(report)) == ([], (1, 1, [(1, True)]))
