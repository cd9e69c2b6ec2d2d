"""The command's edges: its entry point, a closed pipe, and the progress line on a terminal."""

from __future__ import annotations

import importlib
import io
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from factories import TODAY_ARG, record
from personal_outcomes._cli import _progress, main, run

CLEAR = "\r\x1b[K"


class Terminal(io.StringIO):
    """A standard error that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def test_importing_the_main_module_runs_nothing() -> None:
    module = importlib.import_module("personal_outcomes.__main__")
    assert module.main is main
    assert module.__name__ == "personal_outcomes.__main__"


def test_main_runs_the_command_and_exits_with_its_code(monkeypatch: pytest.MonkeyPatch) -> None:
    stdout, stderr = io.StringIO(), io.StringIO()  # not text wrappers: left as they are
    monkeypatch.setattr(sys, "argv", ["personal-outcomes", "list", "--format", "json"])
    monkeypatch.setattr(sys, "stdout", stdout)
    monkeypatch.setattr(sys, "stderr", stderr)
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == 0
    assert [item["id"] for item in json.loads(stdout.getvalue())] == [
        "adults",
        "care-homes",
        "carers",
    ]
    assert stderr.getvalue() == ""


class ClosedPipe(io.StringIO):
    """A standard output whose reader has gone away; its descriptor is a real file's."""

    def __init__(self, descriptor: int) -> None:
        super().__init__()
        self.descriptor = descriptor

    def write(self, text: str) -> int:
        raise BrokenPipeError

    def fileno(self) -> int:
        return self.descriptor


def test_a_closed_pipe_exits_141_and_silences_stdout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.txt"
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT)
    stderr = io.StringIO()
    try:
        monkeypatch.setattr(sys, "argv", ["personal-outcomes", "list"])
        monkeypatch.setattr(sys, "stdout", ClosedPipe(descriptor))
        monkeypatch.setattr(sys, "stderr", stderr)
        with pytest.raises(SystemExit) as exited:
            main()
        assert exited.value.code == 141
        # The descriptor now leads nowhere: a later flush at exit cannot fail.
        os.write(descriptor, b"lost")
    finally:
        os.close(descriptor)
    assert target.read_bytes() == b""
    assert stderr.getvalue() == ""


# ---- the progress line --------------------------------------------------------------


def _file(path: Path, clean: int, bad: int) -> Path:
    lines = [json.dumps(record(record_id=f"r-{n}")) for n in range(clean)]
    lines += [json.dumps(record(record_id=f"b-{n}", stage="nope")) for n in range(bad)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _clock(monkeypatch: pytest.MonkeyPatch, times: Iterator[float]) -> None:
    monkeypatch.setattr(_progress, "time", SimpleNamespace(monotonic=lambda: next(times)))


def _validate(path: Path) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), Terminal()
    code = run(["validate", TODAY_ARG, str(path)], stdout, stderr)
    return code, stdout.getvalue(), stderr.getvalue()


BAD = ": /stage: schema: must be one of: assessment, support-planning, review\n"


def test_the_progress_line_is_cleared_before_issues_are_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _clock(monkeypatch, iter(range(0, 10_000, 5)))  # each reading five seconds on
    path = _file(tmp_path / "many.jsonl", 4096, 2)
    code, out, err = _validate(path)
    assert code == 1
    assert out == (
        f"{path}:4097{BAD}{path}:4098{BAD}"
        "4098 records: 4096 valid, 2 invalid (2 errors, 0 warnings)\n"
    )
    # Shown once, at the 4,096th record, then cleared before the first issue was written.
    assert err.startswith(f"{CLEAR}checking {path}: 4,096 records (")
    assert err.endswith(f"% of the file){CLEAR}")
    assert err.count(CLEAR) == 2


def test_no_progress_line_before_the_delay(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _clock(monkeypatch, iter([0.0, 0.5, 0.6, 0.7]))  # never a second after the start
    path = _file(tmp_path / "many.jsonl", 4096, 1)
    code, out, err = _validate(path)
    assert (code, err) == (1, "")
    assert out.endswith("4097 records: 4096 valid, 1 invalid (1 errors, 0 warnings)\n")


def test_a_short_run_on_a_terminal_shows_no_progress(tmp_path: Path) -> None:
    path = _file(tmp_path / "few.jsonl", 3, 1)
    assert _validate(path) == (
        1,
        f"{path}:4{BAD}4 records: 3 valid, 1 invalid (1 errors, 0 warnings)\n",
        "",
    )
