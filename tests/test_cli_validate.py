"""The validate and schema commands, run in-process."""

from __future__ import annotations

import datetime as dt
import io
import json
import multiprocessing.pool
import sys
from pathlib import Path
from types import SimpleNamespace

import jsonschema
import pytest

from factories import TODAY_ARG
from personal_outcomes import validate_files
from personal_outcomes._cli import _progress, run
from personal_outcomes.validation import _parallel

CORPUS = Path(__file__).parent / "data" / "records"
TODAY = TODAY_ARG


class Terminal(io.StringIO):
    """A standard error that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def cli(*arguments: str, stderr: io.StringIO | None = None) -> tuple[int, str, str]:
    stdout, err = io.StringIO(), stderr if stderr is not None else io.StringIO()
    code = run(list(arguments), stdout, err)
    return code, stdout.getvalue(), err.getvalue()


def _records(count: int, *, bad: bool = True) -> str:
    lines = []
    for number in range(count):
        record = {
            "record_id": f"r-{number}",
            "framework": "adults",
            "person_id": f"p-{number}",
            "recorded_on": "2026-03-01",
            "stage": "assessment",
            "outcomes": [{"outcome": "seeing-people", "what_matters": "Friends"}],
        }
        if bad and number % 10 == 3:
            record["outcomes"] = [{"outcome": "seeing-peple", "what_matters": "Friends"}]
        if bad and number % 10 == 7:
            record["record_id"] = "r-1"
        lines.append(json.dumps(record))
        if number % 50 == 0:
            lines.append("")
    return "\n".join(lines) + "\n"


def test_valid_file_exits_0() -> None:
    """A valid file prints only the summary and exits 0."""
    code, out, err = cli("validate", TODAY, str(CORPUS / "valid-single.json"))
    assert (code, err) == (0, "")
    assert out == "1 record: 1 valid, 0 invalid (0 errors, 0 warnings)\n"


@pytest.mark.parametrize(
    ("name", "data", "lines"),
    [
        ("empty.json", b" \n", 1),
        ("empty.csv", b"", 1),
        ("header-only.csv", b"record_id,nonsense\n", 7),
        ("latin-1.yaml", b"- caf\xe9\n", 1),
    ],
)
def test_a_file_with_no_record_but_a_fault_of_its_own_exits_1(
    tmp_path: Path, name: str, data: bytes, lines: int
) -> None:
    """The file's own errors (record null) count no record but still fail the run."""
    path = tmp_path / name
    path.write_bytes(data)
    code, out, _ = cli("validate", TODAY, "--format", "json", str(path))
    report = json.loads(out)
    assert code == 1
    assert (report["records"], report["valid"], report["invalid"]) == (0, 0, 0)
    assert [issue["record"] for issue in report["issues"]] == [None] * lines
    assert {issue["severity"] for issue in report["issues"]} == {"error"}
    code, out, _ = cli("validate", TODAY, str(path))
    assert code == 1
    assert out.endswith(f"0 records: 0 valid, 0 invalid ({lines} errors, 0 warnings)\n")


def test_an_empty_file_of_a_format_that_may_be_empty_exits_0(tmp_path: Path) -> None:
    """An empty JSON Lines or YAML file holds no record and has no fault."""
    for name in ("empty.jsonl", "empty.yaml"):
        (tmp_path / name).write_bytes(b"")
        code, out, _ = cli("validate", TODAY, str(tmp_path / name))
        assert (code, out) == (0, "0 records: 0 valid, 0 invalid (0 errors, 0 warnings)\n")


def test_text_report_one_issue_per_line() -> None:
    """Text output is file:line:column: pointer: code: message, then a summary; exit 1."""
    path = CORPUS / "mixed.jsonl"
    code, out, _ = cli("validate", TODAY, str(path))
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == (
        f"{path}:3: /: parse-error: this line is not valid JSON (or not UTF-8); "
        "each line must hold one complete JSON object"
    )
    assert lines[1].startswith(f"{path}:4: /recorded_on: future-date (warning): ")
    assert lines[-1] == "5 records: 2 valid, 3 invalid (4 errors, 4 warnings)"


def test_json_report_is_the_designed_object() -> None:
    """--format json prints exactly records, valid, invalid, truncated, issues and files."""
    source = str(CORPUS / "invalid-array.json")
    code, out, _ = cli("validate", TODAY, "--format", "json", source)
    assert code == 1
    report = json.loads(out)
    assert list(report) == [
        "records", "valid", "invalid", "truncated", "errors", "warnings", "issues", "files",
    ]  # fmt: skip
    assert report["files"] == [{"source": source, "records": 5, "complete": True}]
    assert (report["records"], report["valid"], report["invalid"]) == (5, 0, 5)
    assert report["truncated"] is False
    assert list(report["issues"][0]) == [
        "source",
        "line",
        "column",
        "record",
        "record_id",
        "pointer",
        "code",
        "severity",
        "message",
    ]
    assert report["issues"][0]["record_id"] == "x-1"


def test_max_issues_in_both_formats() -> None:
    """--max-issues cuts the list and says so; the counts stay exact."""
    path = str(CORPUS / "invalid-array.json")
    code, out, _ = cli("validate", TODAY, "--format", "json", "--max-issues", "2", path)
    report = json.loads(out)
    assert (code, len(report["issues"]), report["truncated"], report["invalid"]) == (1, 2, True, 5)
    code, out, _ = cli("validate", TODAY, "--max-issues", "2", path)
    lines = out.splitlines()
    assert len(lines) == 4
    assert lines[-2] == "5 records: 0 valid, 5 invalid (15 errors, 1 warnings)"
    assert lines[-1] == "The list of issues was cut short by --max-issues; the counts are exact."


def test_show_values_opt_in() -> None:
    """--show-values appends the offending value; without it no value appears."""
    path = str(CORPUS / "invalid-array.json")
    _, plain, _ = cli("validate", TODAY, path)
    _, shown, _ = cli("validate", TODAY, "--show-values", path)
    assert "Jane Smith" not in plain
    assert "[value: 'Jane Smith']" in shown


def test_unreadable_file_exits_2(tmp_path: Path) -> None:
    """A file that cannot be opened is reported, the rest still checked, and the exit is 2."""
    missing = tmp_path / "gone.json"
    code, out, _ = cli("validate", TODAY, str(missing), str(CORPUS / "valid-single.json"))
    assert code == 2
    assert out.splitlines() == [
        (
            f"{missing}: /: unreadable-file: the file cannot be read (No such file or directory); "
            "check the path and permissions"
        ),
        "1 record: 1 valid, 0 invalid (1 errors, 0 warnings)",
        "1 file(s) could not be read.",
    ]


@pytest.mark.parametrize(
    "arguments",
    [
        ["validate", "records.txt"],
        ["validate", "-"],
        ["validate", "--today", "2026-02-30", "x.json"],
        ["validate", "--today", "tomorrow", "x.json"],
        ["validate", "--jobs", "0", "x.json"],
        ["validate", "--max-issues", "many", "x.json"],
        ["validate"],
    ],
)
def test_usage_errors_exit_2(arguments: list[str]) -> None:
    """Bad arguments, or a format that cannot be told, exit 2 before reading anything."""
    code, out, err = cli(*arguments)
    assert (code, out) == (2, "")
    assert err.startswith(("personal-outcomes", "usage:"))


def test_standard_input(monkeypatch: pytest.MonkeyPatch) -> None:
    """'-' reads records from standard input, as bytes, in the format given."""
    data = (CORPUS / "valid.csv").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    code, out, _ = cli("validate", TODAY, "--input-format", "csv", "-")
    assert (code, out) == (0, "2 records: 2 valid, 0 invalid (0 errors, 0 warnings)\n")


def test_framework_dir_for_records(tmp_path: Path) -> None:
    """--framework-dir makes an organisation's framework usable for records."""
    (tmp_path / "fw").mkdir()
    (tmp_path / "fw" / "local.yaml").write_bytes(
        (Path(__file__).parent / "data" / "frameworks" / "minimal.yaml").read_bytes()
    )
    record = {
        "record_id": "l-1",
        "framework": "local-test",
        "person_id": "p",
        "recorded_on": "2026-01-01",
        "stage": "assessment",
        "outcomes": [{"outcome": "old-outcome", "what_matters": "x"}],
    }
    path = tmp_path / "r.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    code, out, _ = cli("--framework-dir", str(tmp_path / "fw"), "validate", TODAY, str(path))
    assert code == 0
    assert "retired-outcome (warning)" in out
    after = cli("validate", "--framework-dir", str(tmp_path / "fw"), TODAY, str(path))
    assert after == (code, out, "")


@pytest.mark.parametrize("workers", ["processes", "threads"])
def test_jobs_gives_the_same_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: str
) -> None:
    """--jobs 2 gives exactly the report of one process, in the same order.

    The run with threads in place of processes is the same code, measured by coverage.
    """
    monkeypatch.setattr(_parallel, "CHUNK_BYTES", 4096)
    if workers == "threads":

        def threads(jobs: int, settings: tuple[object, ...]) -> multiprocessing.pool.Pool:
            return multiprocessing.pool.ThreadPool(
                jobs,
                initializer=_parallel._start_worker,
                initargs=(settings,),
            )

        monkeypatch.setattr(_parallel, "make_pool", threads)
    path = tmp_path / "many.jsonl"
    path.write_text(_records(400), encoding="utf-8")
    others = [str(path), str(CORPUS / "valid.csv"), str(CORPUS / "mixed.jsonl")]
    one = cli("validate", TODAY, *others)
    two = cli("validate", TODAY, "--jobs", "2", *others)
    assert one == two
    assert one[0] == 1
    json_one = cli("validate", TODAY, "--format", "json", *others)
    json_two = cli("validate", TODAY, "--format", "json", "--jobs", "2", *others)
    assert json_one == json_two
    report = json.loads(json_one[1])
    assert report["records"] == 400 + 2 + 5
    codes = {issue["code"] for issue in report["issues"]}
    assert {"duplicate-record-id", "unknown-outcome"} <= codes


def test_progress_on_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On a terminal, a long run shows a progress line on stderr and clears it."""
    clock = iter(range(0, 10_000, 2))
    monkeypatch.setattr(_progress, "time", SimpleNamespace(monotonic=lambda: float(next(clock))))
    path = tmp_path / "many.jsonl"
    path.write_text(_records(9000, bad=False), encoding="utf-8")
    terminal = Terminal()
    code, out, err = cli("validate", TODAY, str(path), stderr=terminal)
    assert code == 0
    assert "\r\x1b[Kchecking " in err
    assert "records (" in err
    assert "% of the file)" in err
    assert err.endswith("\r\x1b[K")
    assert out == "9000 records: 9000 valid, 0 invalid (0 errors, 0 warnings)\n"


def test_progress_never_in_json_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In JSON mode, standard output holds only the JSON report."""
    clock = iter(range(0, 10_000, 2))
    monkeypatch.setattr(_progress, "time", SimpleNamespace(monotonic=lambda: float(next(clock))))
    path = tmp_path / "many.jsonl"
    path.write_text(_records(9000), encoding="utf-8")
    code, out, err = cli("validate", TODAY, "--format", "json", str(path), stderr=Terminal())
    assert code == 1
    assert json.loads(out)["records"] == 9000
    assert "checking" in err


@pytest.mark.parametrize("framework", [None, "adults"])
def test_schema_command(framework: str | None) -> None:
    """schema prints a valid draft 2020-12 JSON Schema: generic or for one framework."""
    code, out, _ = cli("schema", *([framework] if framework else []))
    assert code == 0
    schema = json.loads(out)
    jsonschema.Draft202012Validator.check_schema(schema)
    expected = "adults-1.1.0.schema.json" if framework else "record.schema.json"
    assert schema["$id"].endswith(expected)
    assert cli("schema", "nobody")[0] == 2
    code, _, err = cli("schema", "--framework-version", "1.0.0")
    assert code == 2
    assert "--framework-version needs a FRAMEWORK" in err


@pytest.mark.parametrize("name", ["invalid-array.json", "valid.jsonl", "mixed.jsonl"])
def test_json_report_text_is_the_reports_json(name: str) -> None:
    """The JSON report is exactly the Python report as indented JSON."""
    path = CORPUS / name
    _, out, _ = cli("validate", TODAY, "--format", "json", str(path))
    report = validate_files([path], today=dt.date(2026, 11, 26))
    assert out == json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"
