"""A hostile-input fuzzer: nothing lost, nothing leaked, no traceback, in every format (issue 7).

Records with a marker that stands for personal data planted in every key and
value position, written as JSON, JSON Lines, YAML and CSV the way a careless
or hostile exporter would, then their bytes mutated (truncated, flipped,
inserted, deleted; NUL, CR, BOMs, bytes that are not UTF-8, huge numbers, deep
nesting, long lines). Each file goes through the command (text and JSON
reports) and the API (``validate_files``, ``iter_validate``, with values and
without), and every run must keep the promises of the docs:

* no exception escapes, the exit code is 0 or 1 (the file is readable) and
  says whether a record has an error, and nothing is written as a traceback;
* no marker appears in any output (the report quotes no value, no key that is
  not key-like, no record_id that is not safe);
* no record is silently lost: the counts add up, every issue points at a
  record that was counted, and the number of records and ``files[].complete``
  agree with what the bytes hold (:mod:`hostile` says so from the bytes alone).

The helpers (markers, writers, mutations, oracles) are in ``tests/hostile.py``.
"""

from __future__ import annotations

import io
import json
import multiprocessing.pool
import os
import random
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

import pytest
from hypothesis import HealthCheck, currently_in_test_context, given, note, settings
from hypothesis import strategies as st
from hypothesis.strategies import DataObject

import hostile
from factories import TODAY, TODAY_ARG
from personal_outcomes import Validator, iter_validate, validate_files
from personal_outcomes._cli import _validate, run
from personal_outcomes.errors import NotValidError
from personal_outcomes.validation import ISSUE_CODES, _parallel

FORMATS: Final = ("json", "jsonl", "yaml", "csv")
ENDINGS: Final = {"json": ".json", "jsonl": ".jsonl", "yaml": ".yaml", "csv": ".csv"}
ROOT: Final = Path(__file__).parent.parent
#: Every record file of the repository, as seeds for mutation.
CORPUS: Final = {
    input_format: sorted(
        path.read_bytes()
        for folder in ("tests/data/records", "examples/records", "docs/examples/records")
        for path in (ROOT / folder).iterdir()
        if path.suffix == ENDINGS[input_format]
    )
    for input_format in FORMATS
}
REPORT_KEYS: Final = {
    "records", "valid", "invalid", "truncated", "errors", "warnings", "issues", "files",
}  # fmt: skip
ISSUE_KEYS: Final = {
    "source", "line", "column", "record", "record_id", "pointer", "code", "severity", "message",
}  # fmt: skip
#: Validators for the extra runs of each file (built once, to keep each example fast).
VALIDATOR: Final = Validator(today=TODAY)
SHOWING_VALUES: Final = Validator(today=TODAY, include_values=True)
SUMMARY: Final = re.compile(
    r"(\d+) records?: (\d+) valid, (\d+) invalid \((\d+) errors, (\d+) warnings\)"
)


def _examples(share: float) -> int:
    """A share of the profile's examples (200 in CI): the whole fuzzer stays within a minute.

    ``FUZZ_SCALE=20`` (say) in the environment runs twenty times as many, to hunt.
    """
    scale = float(os.environ.get("FUZZ_SCALE", "1"))
    return max(10, int(settings().max_examples * share * scale))


def fuzz(share: float) -> Callable[[Callable[..., None]], Callable[..., None]]:
    return settings(
        max_examples=_examples(share),
        deadline=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.function_scoped_fixture,
        ],
    )


def cli(*arguments: str) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    code = run(list(arguments), stdout, stderr)
    return code, stdout.getvalue(), stderr.getvalue()


def _say(text: str) -> None:
    """Note ``text`` for the report of a failing example (shown by pytest when it fails)."""
    if currently_in_test_context():
        note(text)
    else:
        sys.stdout.write(text + "\n")


def _no_leak(where: str, *texts: str) -> None:
    for text in texts:
        found = hostile.leaks(text)
        assert not found, f"personal data {found} in {where}: {text[:500]!r}"


def _issue_line(issue: dict[str, Any]) -> str:
    where = str(issue["source"])
    if issue["line"] is not None:
        where += f":{issue['line']}"
        if issue["column"] is not None:
            where += f":{issue['column']}"
    severity = " (warning)" if issue["severity"] != "error" else ""
    return f"{where}: {issue['pointer'] or '/'}: {issue['code']}{severity}: {issue['message']}"


def _check_report(report: dict[str, Any], source: str, expected: hostile.Expected) -> None:
    """The JSON report's own promises, and what the bytes say about the file's records."""
    assert set(report) == REPORT_KEYS
    records, issues = report["records"], report["issues"]
    assert report["valid"] + report["invalid"] == records
    assert report["valid"] >= 0
    assert report["invalid"] >= 0
    assert report["truncated"] is False
    assert len(report["files"]) == 1, report["files"]
    [summary] = report["files"]
    assert summary["source"] == source
    assert sum(entry["records"] for entry in report["files"]) == records
    with_errors: set[int] = set()
    for issue in issues:
        assert set(issue) == ISSUE_KEYS, issue
        assert issue["source"] == source
        assert issue["code"] in ISSUE_CODES, issue
        assert issue["severity"] == ISSUE_CODES[issue["code"]], issue
        assert issue["code"] != "unreadable-file", issue
        if issue["record"] is None:  # a fault of the file itself, in no record
            assert issue["pointer"] == "", issue
            assert issue["code"] in {"parse-error", "schema"}, issue
        else:
            assert isinstance(issue["record"], int), issue
            assert 0 <= issue["record"] < records, f"issue of a record not counted: {issue}"
        assert issue["line"] is None or issue["line"] >= 1, issue
        assert issue["column"] is None or issue["column"] >= 1, issue
        assert issue["pointer"] == "" or issue["pointer"].startswith("/"), issue
        assert "\n" not in issue["message"], issue
        if issue["severity"] == "error" and issue["record"] is not None:
            with_errors.add(issue["record"])
    assert len(with_errors) <= report["invalid"]
    stopped = [i for i in issues if i["code"] == "parse-error" and "was not read" in i["message"]]
    if stopped:
        assert summary["complete"] is False, f"says it stopped, but complete: {stopped[0]}"
    if not summary["complete"]:
        assert any(i["code"] == "parse-error" for i in issues), "incomplete without a parse-error"
    # What the bytes hold.
    why = f"the file holds {expected.why}; report: {records} records, {summary}"
    assert records >= expected.low, f"records lost: {why}"
    if expected.high is not None:
        assert records <= expected.high, f"records invented: {why}"
    if expected.complete is not None:
        assert summary["complete"] is expected.complete, f"complete is wrong: {why}"


def check(path: Path, input_format: str, data: bytes) -> None:
    """Run one file through the command and the API; assert every promise."""
    path = path.with_suffix(ENDINGS[input_format])
    path.write_bytes(data)
    start = data if len(data) <= 3000 else data[:3000] + b"..."
    _say(f"{input_format} file of {len(data)} bytes: {start!r}")
    expected = hostile.expect(input_format, data)
    _say(f"the bytes hold: {expected}")
    code, report = _check_command(str(path), expected)
    if input_format == "jsonl":
        _check_jobs(str(path), code, report)
    _check_api(path, report)


def _check_command(source: str, expected: hostile.Expected) -> tuple[int, dict[str, Any]]:
    """The command's JSON and text reports: the same, and true to the file; the exit code."""
    code, out, err = cli("validate", TODAY_ARG, "--format", "json", source)
    assert "Traceback" not in err, err
    _no_leak("the JSON report", out, err)
    report = json.loads(out)
    for text in hostile.strings_in(report):
        _no_leak("the JSON report", text)
    _say(f"JSON report: {json.dumps(report, ensure_ascii=False)[:3000]}")
    severities = [issue["severity"] for issue in report["issues"]]
    assert (report["errors"], report["warnings"]) == (
        severities.count("error"),
        severities.count("warning"),
    )
    assert code == (1 if report["invalid"] or report["errors"] else 0), (code, err)
    _check_report(report, source, expected)

    text_code, text, text_err = cli("validate", TODAY_ARG, "--format", "text", source)
    assert "Traceback" not in text_err, text_err
    _no_leak("the text report", text, text_err)
    assert text_code == code
    lines = text.splitlines()
    assert lines[:-1] == [_issue_line(issue) for issue in report["issues"]]
    counted = SUMMARY.fullmatch(lines[-1])
    assert counted is not None, lines[-1]
    assert [int(n) for n in counted.groups()[:3]] == [
        report["records"], report["valid"], report["invalid"],
    ]  # fmt: skip
    return code, report


def _check_jobs(source: str, code: int, report: dict[str, Any]) -> None:
    """JSON Lines with --jobs (cut into chunks at line ends, put back together): the same."""
    jobs_code, out, err = cli("validate", TODAY_ARG, "--format", "json", "--jobs", "2", source)
    assert "Traceback" not in err, err
    assert (jobs_code, json.loads(out)) == (code, report), "--jobs 2 disagrees"


def _check_api(path: Path, report: dict[str, Any]) -> None:
    """The API: the same report, one result per record in order, and no exception."""
    records, valid = report["records"], report["valid"]
    api = validate_files([path], today=TODAY)
    assert [issue.to_dict() for issue in api.issues] == report["issues"]
    assert (api.records, api.valid, api.invalid) == (records, valid, report["invalid"])
    assert [summary.to_dict() for summary in api.files] == report["files"]
    results = list(iter_validate([path], today=TODAY))
    # One result per record, in order, and one for each fault of the file itself (no index).
    assert [result.index for result in results if result.index is not None] == list(range(records))
    assert all(not result.valid for result in results if result.index is None)
    assert sum(result.valid for result in results) == valid
    assert [i.to_dict() for result in results for i in result.issues] == report["issues"]
    for result in results:
        _no_leak("a result's repr", repr(result))
        assert result.record_id is None or re.fullmatch(r"[A-Za-z0-9._:-]{1,64}", result.record_id)
        # A valid record becomes a typed record; any other says so, quoting nothing.
        if result.valid:
            result.record()
        else:
            with pytest.raises(NotValidError) as refused:
                result.record()
            _no_leak("NotValidError", str(refused.value))

    # The same file twice: one entry per input, every record counted twice.
    twice = VALIDATOR.validate_files([path, path])
    assert [summary.to_dict() for summary in twice.files] == report["files"] * 2
    assert twice.records == sum(summary.records for summary in twice.files) == 2 * records
    # Issues cut short: the counts stay exact.
    cut = VALIDATOR.validate_files([path], max_issues=1)
    assert (cut.records, cut.valid, cut.truncated) == (records, valid, len(report["issues"]) > 1)
    # With values shown (local debugging): it never raises, and counts the same.
    shown = SHOWING_VALUES.validate_files([path])
    assert (shown.records, shown.valid) == (records, valid)


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let ``--jobs`` cut even a small file into chunks, checked by threads (as fast as can be)."""

    def pool(jobs: int, settings: tuple[object, ...]) -> multiprocessing.pool.Pool:
        return multiprocessing.pool.ThreadPool(
            jobs, initializer=_parallel._start_worker, initargs=(settings,)
        )

    monkeypatch.setattr(_parallel, "make_pool", pool)
    monkeypatch.setattr(_parallel, "usable_cores", lambda: 4)
    monkeypatch.setattr(_validate, "usable_cores", lambda: 4)
    monkeypatch.setattr(_parallel, "CHUNK_BYTES", 200)


def _writer(data: DataObject) -> random.Random:
    """How the file is written (quoting, layout, decorations): one seed, so one draw."""
    seed = data.draw(st.integers(0, 2**16), label="writer seed")
    return random.Random(seed)  # noqa: S311 (not for secrets: a reproducible choice of styles)


# ---- markers planted everywhere, files written as exporters write them -----------------------


@pytest.mark.parametrize("input_format", FORMATS)
@fuzz(0.35)
@given(data=st.data())
def test_planted_markers_never_leak_and_no_record_is_lost(
    input_format: str, data: DataObject, tmp_path: Path
) -> None:
    items = data.draw(hostile.marked_records(), label="records")
    content = hostile.write(_writer(data), input_format, items)
    check(tmp_path / "records", input_format, content)


# ---- the bytes mutated: files cut short, damaged, joined, re-encoded ---------------------------


@pytest.mark.parametrize("input_format", FORMATS)
@fuzz(0.5)
@given(data=st.data())
def test_mutated_files_never_leak_lose_records_or_raise(
    input_format: str, data: DataObject, tmp_path: Path
) -> None:
    if data.draw(st.booleans(), label="from the corpus"):
        content = data.draw(st.sampled_from(CORPUS[input_format]), label="corpus file")
    else:
        items = data.draw(hostile.marked_records(), label="records")
        content = hostile.write(_writer(data), input_format, items)
    for mutation in data.draw(
        st.lists(hostile.MUTATIONS, min_size=1, max_size=3), label="mutations"
    ):
        content = hostile.mutate(content, mutation)
    check(tmp_path / "records", input_format, content)


# ---- the faults of issue 7 (and those the fuzzer found), each as a file ------------------------


@pytest.mark.parametrize("name", list(hostile.CASES))
def test_hostile_case(name: str, tmp_path: Path) -> None:
    input_format, build = hostile.CASES[name]
    check(tmp_path / "case", input_format, build())
