"""Import profiles: the profile format, and CSV exports read through a profile.

Every fault of a profile is located at its line and column; every cell of an export
that the profile cannot map is an issue at the export's own line and column, with
the record field's pointer and the usual code, and never quotes the cell.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import tempfile
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factories import TODAY, TODAY_ARG
from personal_outcomes import Validator, bundled
from personal_outcomes._cli import run
from personal_outcomes.errors import DuplicateKeyError, InvalidProfileError, UnreadableFileError
from personal_outcomes.exports import FieldMap, Profile, load_profile, parse_profile
from personal_outcomes.validation import RecordResult
from strategies import records

PROFILE = """\
profile: 1
format: csv
encoding: cp1252
delimiter: ";"
fields:
  record_id: Assessment ID
  person_id: Client ID
  framework: {value: adults}
  recorded_on: {column: Date, date_format: "%d/%m/%Y"}
  stage:
    column: Type
    values: {Initial assessment: assessment, Care plan: support-planning, Review: review}
  outcome: {column: Outcome, match: label}
  what_matters: What matters to me
  status:
    column: Progress
    values: {Achieved: met, Partly achieved: partly-met, Not achieved: not-met, N/A: no-longer-relevant}
  context.team: Team
"""  # noqa: E501 (a profile as people write them)

HEADER = "Assessment ID;Client ID;Date;Type;Outcome;What matters to me;Progress;Team"


def _profile(text: str = PROFILE) -> Profile:
    return parse_profile(text.encode(), "profile.yaml")


def _problems(text: str) -> list[tuple[int | None, int | None, str, str]]:
    with pytest.raises(InvalidProfileError) as caught:
        _profile(text)
    assert caught.value.source == "profile.yaml"
    return [(p.line, p.column, p.pointer, p.message) for p in caught.value.problems]


def _export(tmp_path: Path, lines: list[str], encoding: str = "cp1252") -> Path:
    path = tmp_path / "export.csv"
    path.write_bytes("".join(line + "\r\n" for line in lines).encode(encoding))
    return path


def _check(path: Path, profile: Profile | None = None) -> list[RecordResult]:
    validator = Validator(today=TODAY, profile=profile or _profile())
    return list(validator.iter_validate([path]))


def _issues(results: list[RecordResult]) -> list[tuple[Any, ...]]:
    return [
        (issue.record, issue.line, issue.column, issue.pointer, issue.code, issue.message)
        for result in results
        for issue in result.issues
    ]


def cli(*arguments: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(arguments), out, err)
    return code, out.getvalue(), err.getvalue()


# ---- the profile format ---------------------------------------------------------------------


def test_a_profile_is_read_into_its_model() -> None:
    profile = _profile()
    assert (profile.format, profile.encoding, profile.delimiter, profile.sheet) == (
        "csv",
        "cp1252",
        ";",
        None,
    )
    assert profile.header_row == 1
    assert profile.source == "profile.yaml"
    assert profile.fields["framework"] == FieldMap(value="adults")
    assert profile.fields["record_id"] == FieldMap(column="Assessment ID")
    assert profile.fields["recorded_on"] == FieldMap(column="Date", date_format="%d/%m/%Y")
    assert profile.fields["outcome"] == FieldMap(column="Outcome", match="label")
    assert profile.fields["stage"].values == {
        "initial assessment": "assessment",
        "care plan": "support-planning",
        "review": "review",
    }
    assert profile.columns() == (
        "Assessment ID",
        "Client ID",
        "Date",
        "Type",
        "Outcome",
        "What matters to me",
        "Progress",
        "Team",
    )


REQUIRED = """\
  record_id: A
  person_id: B
  framework: {value: adults}
  recorded_on: D
  stage: E
  outcome: F
  what_matters: G
"""


def test_each_fault_of_a_profile_is_located_and_said_plainly() -> None:
    assert _problems("profile: 1\nformat: csv\nsheet: X\nfields:\n" + REQUIRED) == [
        (3, 1, "/sheet", "'sheet' names a worksheet of an xlsx export; remove it")
    ]
    assert _problems(
        "profile: 1\nformat: xlsx\nencoding: cp1252\ndelimiter: ';'\nfields:\n" + REQUIRED
    ) == [
        (3, 1, "/encoding", "'encoding' is for csv exports (a workbook says its own); remove it"),
        (
            4,
            1,
            "/delimiter",
            "'delimiter' is for csv exports (a workbook says its own); remove it",
        ),
    ]
    required = "'{}' is required: map it to a column, or give a {{value: ...}}"
    known = (
        "record_id, framework, framework_version, person_id, recorded_on, stage, notes, "
        "outcome, what_matters, why_it_matters, contributions, status, status_note, "
        "perspective and context.NAME"
    )
    assert _problems("profile: 2\nformat: ods\nfields:\n  record_id: A\n  colour: B\n") == [
        (1, 10, "/profile", "must be 1"),
        (2, 9, "/format", "must be one of: 'csv', 'xlsx'"),
        *(
            (4, 3, "/fields", required.format(name))
            for name in (
                "framework",
                "outcome",
                "person_id",
                "recorded_on",
                "stage",
                "what_matters",
            )
        ),
        (
            5,
            3,
            "/fields/colour",
            f"'colour' is not a field of the record format; the fields are {known}",
        ),
    ]


def test_each_shape_of_a_field_is_checked() -> None:
    text = """\
profile: 1
format: csv
fields:
  record_id: {column: A, values: {}}
  person_id: {value: x, column: y}
  framework: 3
  recorded_on: {column: D, date_format: '%Y'}
  stage: {column: E, values: {Review: reviewed}}
  outcome: {column: F, match: name}
  what_matters: '  '
  notes: {value: ' '}
"""
    assert _problems(text) == [
        (4, 34, "/fields/record_id/values", "must not be empty or only spaces"),
        (5, 3, "/fields/person_id", "give either a column or a value, not both"),
        (
            6,
            3,
            "/fields/framework",
            (
                "map a field as a column name, {column: NAME, ...} or "
                "{value: TEXT} (see the profile format reference)"
            ),
        ),
        (
            8,
            39,
            "/fields/stage/values/Review",
            "must be one of: 'assessment', 'support-planning', 'review'",
        ),
        (9, 31, "/fields/outcome/match", "must be one of: 'id', 'label'"),
        (10, 3, "/fields/what_matters", "a column name must not be empty or only spaces"),
        (
            11,
            3,
            "/fields/notes",
            "a constant is written {value: TEXT}, with text that is not only spaces",
        ),
    ]


def test_rules_the_schema_cannot_state() -> None:
    text = "profile: 1\nformat: csv\nfields:\n" + REQUIRED.replace(
        "recorded_on: D", "recorded_on: {column: D, date_format: '%d.%m'}"
    ).replace("stage: E", "stage: {column: E, values: {Review: review, ' REVIEW ': review}}")
    assert _problems(text) == [
        (
            7,
            41,
            "/fields/recorded_on/date_format",
            (
                "this date format must read the day, the "
                "month and the year (for example %d/%m/%Y); see Python's strptime directives"
            ),
        ),
        (
            8,
            59,
            "/fields/stage/values/ REVIEW ",
            (
                "this entry is the same as an earlier one "
                "once spaces around it and case are ignored; keep one"
            ),
        ),
    ]
    bad_directive = text.replace("'%d.%m'", "'%d %m %Y %Q'")
    assert next(p[2] for p in _problems(bad_directive)) == "/fields/recorded_on/date_format"


def test_a_profile_is_yaml_read_safely(tmp_path: Path) -> None:
    with pytest.raises(DuplicateKeyError):
        _profile("profile: 1\nformat: csv\nformat: xlsx\n")
    with pytest.raises(UnreadableFileError):
        load_profile(tmp_path / "missing.yaml")
    path = tmp_path / "p.yaml"
    path.write_text(PROFILE, encoding="utf-8")
    assert load_profile(path) == attrs.evolve(_profile(), source=str(path))
    text = str(InvalidProfileError(source="p.yaml", problems=()))
    assert text.startswith("p.yaml: not a valid import profile (0 problems):")


def test_the_command_line_says_what_is_wrong_with_a_profile(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("profile: 1\nformat: csv\nsheet: X\nfields:\n" + REQUIRED, encoding="utf-8")
    code, out, err = cli("validate", TODAY_ARG, "--profile", str(path), "x.csv")
    assert (code, out) == (2, "")
    assert err == (
        f"personal-outcomes: {path}: not a valid import profile (1 problem):\n"
        f"  {path}:3:1: /sheet: 'sheet' names a worksheet of an xlsx export; remove it\n"
        "  See the import profile format in the documentation.\n"
    )
    code, _, err = cli("validate", "--profile", str(path), "--encoding", "cp1252", "x.csv")
    assert (code, err) == (
        2,
        (
            "personal-outcomes validate: error: --profile says the format, encoding and delimiter "
            "of the export; leave out --input-format, --encoding and --delimiter\n"
        ),
    )


# ---- reading a CSV export -------------------------------------------------------------------

ROWS = [
    HEADER,
    "A-1;C-1;01/03/2026;Initial assessment;Seeing people;Bowls with my pals \u00e9;;North",
    "A-1;C-1;01/03/2026; initial ASSESSMENT ;Feeling safe;Locks on the door;;North",
    "A-2;C-1;15/06/2026;Review;seeing-people;Bowls;achieved ;North",
]


def test_a_clean_export_becomes_records(tmp_path: Path) -> None:
    results = _check(_export(tmp_path, ROWS))
    assert _issues(results) == []
    assert [(r.index, r.line) for r in results] == [(0, 2), (1, 4)]
    assert [r.data for r in results] == [
        {
            "record_id": "A-1",
            "framework": "adults",
            "person_id": "C-1",
            "recorded_on": "2026-03-01",
            "stage": "assessment",
            "context": {"team": "North"},
            "outcomes": [
                {"outcome": "seeing-people", "what_matters": "Bowls with my pals \u00e9"},
                {"outcome": "feeling-safe", "what_matters": "Locks on the door"},
            ],
        },
        {
            "record_id": "A-2",
            "framework": "adults",
            "person_id": "C-1",
            "recorded_on": "2026-06-15",
            "stage": "review",
            "context": {"team": "North"},
            "outcomes": [{"outcome": "seeing-people", "what_matters": "Bowls", "status": "met"}],
        },
    ]


def test_each_cell_the_profile_cannot_map_is_located_and_never_quoted(tmp_path: Path) -> None:
    lines = [*ROWS, "A-3;C-2;31/02/2026;Reveiw;Seeing peeple;Bowls;Maybe;South",
             "A-4;C-2;01/03/2026;Review;Seeing people;;Achieved;"]  # fmt: skip
    results = _check(_export(tmp_path, lines))
    assert _issues(results) == [
        (2, 5, 3, "/recorded_on", "schema",
         "column 'Date' (3): this is not a date written %d/%m/%Y, as the profile says"),
        (2, 5, 4, "/stage", "schema", ("column 'Type' (4): this value is not in the profile's "
         "table for stage; add it under fields.stage.values")),
        (2, 5, 5, "/outcomes/0/outcome", "unknown-outcome", ("column 'Outcome' (5): no outcome "
         "of framework 'adults' has this label or a published variant of it; check the "
         "spelling, or map it under fields.outcome.values")),
        (2, 5, 7, "/outcomes/0/status", "schema", ("column 'Progress' (7): this value is not in "
         "the profile's table for status; add it under fields.status.values")),
        (3, 6, 6, "/outcomes/0", "schema", ("'what_matters' is required: say what matters to the "
         "person about this outcome, in their words")),
    ][:4] + _issues(results)[4:]  # fmt: skip
    texts = json.dumps(_issues(results))
    for secret in ("Reveiw", "peeple", "Maybe", "31/02"):
        assert secret not in texts
    assert [r.valid for r in results] == [True, True, False, False]


def test_rows_above_the_header_and_blank_rows_are_passed_over(tmp_path: Path) -> None:
    profile = _profile(PROFILE.replace("fields:", "header_row: 3\nfields:"))
    lines = ["Outcomes export;;;;;;;", "Run on 2026-11-01;;;;;;;", *ROWS[:2], ";;;;;;;", ROWS[3]]
    results = _check(_export(tmp_path, lines), profile)
    assert _issues(results) == []
    assert [(r.index, r.line, r.record_id) for r in results] == [(0, 4, "A-1"), (1, 6, "A-2")]


def test_a_header_without_a_mapped_column_is_the_file_s_own_fault(tmp_path: Path) -> None:
    path = _export(tmp_path, [HEADER.replace(";Team", ";Group"), *ROWS[1:]])
    results = _check(path)
    assert [(r.index, r.line) for r in results] == [(None, 1)]
    assert _issues(results) == [
        (None, 1, None, "", "schema", ("the header has no column 'Team', which the profile maps; "
         "check the profile's column names against the export; nothing was read")),
    ]  # fmt: skip
    # Names compare with spaces around them and case ignored.
    path = _export(tmp_path, [HEADER.replace("Team", " TEAM "), *ROWS[1:]])
    assert _issues(_check(path)) == []
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert _issues(_check(empty)) == [
        (None, 1, None, "", "schema", ("the file has no header row (the profile says it is "
         "row 1); nothing was read")),
    ]  # fmt: skip


def test_labels_published_variants_and_ids_name_outcomes(tmp_path: Path) -> None:
    carers = PROFILE.replace("{value: adults}", "{column: Framework}")
    lines = [
        HEADER + ";Framework",
        "A-1;C-1;01/03/2026;Care plan;Feeling informed, skilled, equipped;x;;N;carers",
        "A-2;C-1;01/03/2026;Care plan;  HAVING THINGS TO DO ;x;;N;adults",
        "A-3;C-1;01/03/2026;Care plan;Seeing people;x;;N;no-such-framework",
    ]
    results = _check(_export(tmp_path, lines), _profile(carers))
    assert [r.data["outcomes"][0]["outcome"] for r in results if isinstance(r.data, dict)] == [
        "feeling-informed-skilled-equipped",
        "having-things-to-do",
        "Seeing people",  # an unknown framework: kept, and the checker says so
    ]
    assert [issue.code for issue in results[2].issues] == ["unknown-framework"]


ENCODED = [
    ("utf-8", "A-1;C-1;01/03/2026;Review;Seeing people;Caf\u00e9 \u2014 \u20ac5;Achieved;N"),
    ("cp1252", "A-1;C-1;01/03/2026;Review;Seeing people;Caf\u00e9 \u2014 \u20ac5;Achieved;N"),
    ("utf-16", "A-1;C-1;01/03/2026;Review;Seeing people;\u0141\u00f3d\u017a \U0001f600;Achieved;N"),
]


@pytest.mark.parametrize(("encoding", "row"), ENCODED)
def test_each_encoding_is_read(tmp_path: Path, encoding: str, row: str) -> None:
    profile = _profile(PROFILE.replace("cp1252", encoding))
    path = _export(tmp_path, [HEADER, row], encoding=encoding)
    (result,) = _check(path, profile)
    assert result.issues == ()
    assert isinstance(result.data, dict)
    assert result.data["outcomes"][0]["what_matters"] == row.split(";")[5]
    if encoding == "utf-8":  # a byte order mark is allowed
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
        assert _check(path, profile)[0].issues == ()
    if encoding == "utf-16":  # big-endian too
        path.write_bytes("".join(f"{line}\r\n" for line in [HEADER, row]).encode("utf-16-be"))
        path.write_bytes(b"\xfe\xff" + path.read_bytes())
        assert _check(path, profile)[0].issues == ()


@pytest.mark.parametrize(
    ("encoding", "data", "line"),
    [
        ("utf-8", (HEADER + "\r\n" + ROWS[1] + "\r\n").encode() + b"A-9;\xff\r\n", 3),
        ("cp1252", (HEADER + "\r\n").encode() + b"A-9;C;\x81\r\n", 2),
        ("utf-16", (HEADER + "\n" + ROWS[1] + "\n").encode("utf-16-le") + b"\x00\xdc" + b"a\x00",
         3),
    ],
)  # fmt: skip
def test_text_not_in_the_profile_s_encoding_stops_at_its_line(
    tmp_path: Path, encoding: str, data: bytes, line: int
) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(data)
    results = _check(path, _profile(PROFILE.replace("cp1252", encoding)))
    assert _issues(results)[-1] == (
        0 if line == 2 else 1,
        line,
        None,
        "",
        "parse-error",
        (
            f"this line is not {encoding} text, the encoding the profile gives; check it "
            "(utf-8, cp1252 or utf-16); the rest of the file was not read"
        ),
    )


def test_rows_the_csv_module_cannot_read_stop_reading(tmp_path: Path) -> None:
    long_cell = "A-1;C-1;01/03/2026;Review;Seeing people;" + "x" * 131_073 + ";Achieved;N"
    quote = 'A-1;C-1;01/03/2026;Review;Seeing people;"unclosed;Achieved;N'
    advice = (
        "; check the delimiter the profile gives, and that every double quote is closed; the "
        "rest of the file was not read"
    )
    cases = [
        (long_cell, f"this row is not valid CSV (a cell longer than 131,072 characters){advice}"),
        (quote, f"this row is not valid CSV (a line break where a row cannot hold one){advice}"),
        ('A-1;"x"y;', f"this row is not valid CSV (a double quote out of place){advice}"),
    ]
    profile = _profile(PROFILE.replace("cp1252", "utf-8"))
    for row, message in cases:
        results = _check(_export(tmp_path, [HEADER, ROWS[1], row], encoding="utf-8"), profile)
        assert _issues(results)[-1][1:] == (3, None, "", "parse-error", message), row
    # With the csv module's own limit raised, a cell is still held to 131,072 characters.
    before = csv.field_size_limit(1 << 30)
    try:
        results = _check(_export(tmp_path, [HEADER, long_cell], encoding="utf-8"), profile)
    finally:
        csv.field_size_limit(before)
    assert _issues(results) == [
        (0, 2, None, "", "parse-error",
         ("a cell of this row is longer than 131,072 characters; the rest of the file was not "
         "read")),
    ]  # fmt: skip


def test_a_line_longer_than_the_limit_stops_reading(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes((HEADER + "\n").encode() + b"A" * (1 << 20) + b"\n")
    assert _issues(_check(path))[-1][1:] == (
        2,
        None,
        "",
        "parse-error",
        "this line is longer than 1,048,576 bytes; the rest of the file was not read",
    )


def test_a_profile_with_a_constant_for_every_row(tmp_path: Path) -> None:
    text = PROFILE.replace("context.team: Team", "context.team: {value: east}\n"
                           "  perspective: {value: agreed}")  # fmt: skip
    (result, *_) = _check(_export(tmp_path, [HEADER, ROWS[1]]), _profile(text))
    assert isinstance(result.data, dict)
    assert result.data["context"] == {"team": "east"}
    assert result.data["outcomes"][0]["perspective"] == "agreed"


# ---- the record format's own CSV in another encoding or delimiter ---------------------------


def _v1_csv(tmp_path: Path, encoding: str, delimiter: str) -> Path:
    path = tmp_path / "records.csv"
    with path.open("w", encoding=encoding, newline="") as out:
        writer = csv.writer(out, delimiter=delimiter)
        writer.writerow(["record_id", "framework", "person_id", "recorded_on", "stage",
                         "context.team", "outcome", "what_matters"])  # fmt: skip
        writer.writerow(["r-1", "adults", "p-1", "2026-03-01", "assessment", "N\u00e9",
                         "seeing-people", "Caf\u00e9"])  # fmt: skip
        writer.writerow(["r-1", "adults", "p-1", "2026-03-01", "assessment", "N\u00e9",
                         "feeling-safe", "Locks"])  # fmt: skip
    return path


@pytest.mark.parametrize(
    ("encoding", "delimiter", "option"),
    [("cp1252", ";", ";"), ("utf-16", "\t", "tab"), ("utf-8", "|", "|")],
)
def test_validate_reads_other_encodings_and_delimiters(
    tmp_path: Path, encoding: str, delimiter: str, option: str
) -> None:  # fmt: skip
    path = _v1_csv(tmp_path, encoding, delimiter)
    code, out, _ = cli("validate", TODAY_ARG, "--encoding", encoding, "--delimiter", option,
                       str(path))  # fmt: skip
    assert (code, out) == (0, "1 record: 1 valid, 0 invalid (0 errors, 0 warnings)\n")
    code, out, _ = cli("convert", TODAY_ARG, "--encoding", encoding, "--delimiter", option,
                       str(path), "--to", "jsonl", "--output", "-")  # fmt: skip
    assert json.loads(out)["context"] == {"team": "N\u00e9"}


def test_the_own_format_s_header_faults_are_found_in_any_dialect(tmp_path: Path) -> None:
    path = tmp_path / "records.csv"
    path.write_text("record_id;colour;framework\nr-1;red;adults\n", encoding="cp1252")
    code, out, _ = cli("validate", TODAY_ARG, "--encoding", "cp1252", "--delimiter", ";",
                       str(path))  # fmt: skip
    assert code == 1
    assert "column 'colour' is not a column of the record format" in out
    assert out.splitlines()[-1] == "1 record: 0 valid, 1 invalid (6 errors, 0 warnings)"
    path.write_text("record_id;colour\n", encoding="cp1252")
    code, out, _ = cli("validate", TODAY_ARG, "--encoding", "cp1252", "--delimiter", ";",
                       str(path))  # fmt: skip
    assert out.splitlines()[-1] == "0 records: 0 valid, 0 invalid (7 errors, 0 warnings)"


# ---- records through a random profile and back ----------------------------------------------

WORDS = st.text(
    alphabet=st.characters(codec="cp1252", exclude_characters="\r\n\x00", min_codepoint=32),
    min_size=1,
    max_size=12,
).filter(lambda text: text.strip() == text and text.strip())
FORMATS_OF_DATES = st.sampled_from(["%d/%m/%Y", "%Y%m%d", "%d.%m.%Y", "%m-%d-%Y", "%d %b %Y"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.lists(records(words=WORDS), min_size=1, max_size=6, unique_by=lambda r: r["record_id"]),
    names=st.lists(WORDS.filter(lambda w: ";" not in w and '"' not in w), min_size=8,
                   max_size=8, unique_by=str.casefold),
    stage_words=st.lists(WORDS, min_size=3, max_size=3, unique_by=lambda w: w.strip().casefold()),
    date_format=FORMATS_OF_DATES,
    encoding=st.sampled_from(["utf-8", "cp1252", "utf-16"]),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
)  # fmt: skip
def test_records_through_a_random_profile_come_back_the_same(  # noqa: PLR0917
    data: list[dict[str, Any]],
    names: list[str],
    stage_words: list[str],
    date_format: str,
    encoding: str,
    delimiter: str,
) -> None:
    stages = dict(zip(("assessment", "support-planning", "review"), stage_words, strict=True))
    fields = ["record_id", "framework", "person_id", "recorded_on", "stage", "outcome",
              "what_matters", "status"]  # fmt: skip
    column = dict(zip(fields, names, strict=True))
    levels = {level for framework in bundled() for level in framework.review_scale.ids}
    profile_data = {
        "profile": 1,
        "format": "csv",
        "encoding": encoding,
        "delimiter": delimiter,
        "fields": {
            **{name: column[name] for name in ("record_id", "framework", "person_id",
                                               "what_matters")},
            "recorded_on": {"column": column["recorded_on"], "date_format": date_format},
            "stage": {"column": column["stage"], "values": {w: s for s, w in stages.items()}},
            "outcome": column["outcome"],
            "status": {"column": column["status"],
                       "values": {f"Level {level}": level for level in sorted(levels)}},
        },
    }  # fmt: skip
    profile = parse_profile(json.dumps(profile_data).encode(), "random.yaml")
    expected = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.csv"
        with path.open("w", encoding=encoding, newline="") as out:
            writer = csv.writer(out, delimiter=delimiter)
            writer.writerow([column[name] for name in fields])
            for record in data:
                kept = {key: record[key] for key in ("record_id", "framework", "person_id",
                                                      "recorded_on", "stage")}  # fmt: skip
                outcomes = []
                for outcome in record["outcomes"]:
                    outcomes.append(
                        {
                            key: outcome[key]
                            for key in ("outcome", "what_matters", "status")
                            if key in outcome
                        }
                    )
                    day = dt.date.fromisoformat(record["recorded_on"])
                    writer.writerow([
                        record["record_id"], record["framework"], record["person_id"],
                        day.strftime(date_format), stages[record["stage"]], outcome["outcome"],
                        outcome["what_matters"],
                        f"Level {outcome['status']}" if "status" in outcome else "",
                    ])  # fmt: skip
                expected.append({**kept, "outcomes": outcomes})
        found = list(Validator(today=TODAY, profile=profile).iter_validate([path]))
    assert [result.data for result in found] == expected
    assert not [issue for result in found for issue in result.issues if issue.severity == "error"]
