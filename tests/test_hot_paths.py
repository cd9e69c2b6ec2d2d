"""The paths each record takes through a run: however a record is proved clean, one report."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from factories import TODAY_ARG, record
from personal_outcomes._cli import run
from personal_outcomes._formats._json import read_jsonl, read_jsonl_marked
from personal_outcomes._formats._raw import RawRecord
from personal_outcomes.validation import _run

#: Lines of every kind: clean, a warning, errors, a duplicate id, a parse error, a blank line.
LINES = [
    record(record_id="a"),
    record(record_id="b", stage="review"),
    record(record_id="c", outcomes=[{"outcome": "seeing-peple", "what_matters": "x"}]),
    record(record_id="a"),
    {**record(record_id="d"), "colour": "green"},
    record(record_id="e", person_id=7, recorded_on="2026-02-30"),
    record(record_id="f", outcomes=[{"outcome": "seeing-people", "what_matters": "x"}] * 2),
]


def _file(tmp_path: Path) -> Path:
    path = tmp_path / "records.jsonl"
    text = "\n".join(json.dumps(line) for line in LINES) + "\n{not json\n\n"
    path.write_text(text + json.dumps(record(record_id="g")) + "\n", encoding="utf-8")
    return path


def _validate(path: Path, *options: str) -> tuple[int, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    code = run(["validate", TODAY_ARG, *options, str(path)], stdout, stderr)
    assert stderr.getvalue() == ""
    return code, stdout.getvalue()


def _proving_nothing(checker: object, *, keep: bool = False) -> Callable[[bytes], Any]:
    """A line check that proves no line clean: every line goes to the full check."""
    del checker, keep
    return lambda line: None


@pytest.mark.parametrize("options", [(), ("--format", "json"), ("--strict",)])
def test_a_line_the_fast_path_leaves_is_reported_as_if_it_had_proved_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, options: tuple[str, ...]
) -> None:
    """Clean records the line check did not prove are still clean, counted once."""
    path = _file(tmp_path)
    proved = _validate(path, *options)
    monkeypatch.setattr(_run, "make_line_check", _proving_nothing)
    assert _validate(path, *options) == proved
    if not options:
        lines = proved[1].splitlines()
        assert [line.split(": ")[:3] for line in lines[:-1]] == [
            [f"{path}:2", "/outcomes/0", "status-missing (warning)"],
            [f"{path}:3", "/outcomes/0/outcome", "unknown-outcome"],
            [f"{path}:4", "/record_id", "duplicate-record-id"],
            [f"{path}:5", "/", "schema"],
            [f"{path}:6", "/person_id", "schema"],
            [f"{path}:6", "/recorded_on", "schema"],
            [f"{path}:7", "/outcomes/1", "duplicate-outcome (warning)"],
            [f"{path}:8", "/", "parse-error"],
        ]
        assert lines[-1] == "9 records: 4 valid, 5 invalid (6 errors, 2 warnings)"


def test_summarise_counts_a_record_the_fast_path_leaves_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A clean record the line check did not prove is counted as a proved one is."""
    path = _file(tmp_path)
    arguments = ["summarise", TODAY_ARG, "--format", "json", str(path)]
    proved, stderr = io.StringIO(), io.StringIO()
    assert run(arguments, proved, stderr) == 0
    monkeypatch.setattr(_run, "make_line_check", _proving_nothing)
    left, stderr = io.StringIO(), io.StringIO()
    assert run(arguments, left, stderr) == 0
    assert left.getvalue() == proved.getvalue()
    assert json.loads(proved.getvalue())["included"] == 4


class _Proof:
    """What a line check that keeps the decoded record returns (see ``Proven``)."""

    def __init__(self, record_id: str) -> None:
        self.record_id = record_id


@pytest.mark.parametrize(
    "check",
    [lambda line: "r-9" if line.startswith(b"{") else None, lambda line: _Proof("r-9")],
    ids=["id", "record"],
)
def test_a_clean_line_after_a_lone_cr_is_placed_and_kept(check: Callable[[bytes], Any]) -> None:
    """Lines cut at a lone CR are checked too; a proof is kept, and marked plainly if asked."""
    data = b'{"a": 1}\r{"b": 2}\n\xef\xbb\xbf{"c": 3}\n'
    raws = list(read_jsonl(io.BytesIO(data), "x", check))
    proof = check(b"{")
    kept = None if type(proof) is str else proof
    assert [(raw.index, raw.line, raw.column, raw.clean_id) for raw in raws] == [
        (0, 1, None, "r-9"),
        (1, 1, 10, "r-9"),
        (2, 2, None, None),
    ]
    assert [type(raw.data) for raw in raws[:2]] == [type(kept)] * 2
    assert [problem.code for problem in raws[2].problems] == ["parse-error"]
    marked = list(read_jsonl_marked(io.BytesIO(data), "x", check))
    assert [type(item) for item in marked] == [tuple, tuple, RawRecord]
    assert [item[:2] for item in marked[:2]] == [(0, 1), (1, 1)]
    assert [type(item[2]) for item in marked[:2]] == [type(proof)] * 2
