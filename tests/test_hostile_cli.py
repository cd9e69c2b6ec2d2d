"""The command and the API under hostile use: no traceback, no lost file, no false exit 0."""

from __future__ import annotations

import io
import json
import multiprocessing.pool
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from factories import TODAY, TODAY_ARG, record
from personal_outcomes import Registry, bundled, validate_files
from personal_outcomes._cli import run
from personal_outcomes.validation import _parallel

DATA = Path(__file__).parent / "data"
PROGRAM = Path(sys.executable).parent / "personal-outcomes"


def cli(*arguments: str) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    code = run(list(arguments), stdout, stderr)
    return code, stdout.getvalue(), stderr.getvalue()


def _jsonl(path: Path, count: int, *, bad: bool = False) -> Path:
    lines = []
    for number in range(count):
        data = record(record_id=f"r-{number}")
        if bad:
            data["outcomes"] = [{"outcome": "seeing-peple", "what_matters": "Friends"}]
        lines.append(json.dumps(data))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_read_error_after_opening_is_unreadable_file_and_the_rest_is_checked(
    tmp_path: Path,
) -> None:
    """A file that opens but cannot be read is unreadable-file (exit 2); later files are read."""
    good = _jsonl(tmp_path / "ok.jsonl", 2)
    code, out, _ = cli(
        "validate", TODAY_ARG, "--input-format", "jsonl", "/proc/self/mem", str(good)
    )
    assert code == 2
    unreadable = (
        "/proc/self/mem: /: unreadable-file: the file cannot be read (Input/output error); "
        "check the path and permissions"
    )
    assert out.splitlines() == [
        unreadable,
        "2 records: 2 valid, 0 invalid (1 errors, 0 warnings)",
        "1 file(s) could not be read.",
    ]
    code, out, _ = cli("validate", TODAY_ARG, "--format", "json", "--input-format", "jsonl",
                       "/proc/self/mem", str(good))  # fmt: skip
    assert json.loads(out)["files"] == [
        {"source": "/proc/self/mem", "records": 0, "complete": False},
        {"source": str(good), "records": 2, "complete": True},
    ]


@pytest.mark.skipif(not PROGRAM.exists(), reason="the command is not installed beside Python")
def test_a_name_that_is_not_utf8_is_escaped_in_text_and_json(tmp_path: Path) -> None:
    """A file name with bytes that are not UTF-8 is printed escaped; the JSON stays UTF-8 JSON."""
    folder = os.fsencode(tmp_path)
    name = os.path.join(folder, b"bad\xff.jsonl")  # noqa: PTH118 (a bytes path)
    Path(os.fsdecode(name)).write_text(json.dumps(record()) + "\n", encoding="utf-8")
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    shown = f"{tmp_path}/bad\\xff.jsonl"
    text = subprocess.run(
        [PROGRAM, "validate", TODAY_ARG, "--format", "json", name],
        capture_output=True, env=env, check=False,
    )  # fmt: skip
    assert text.returncode == 0, text.stderr
    report = json.loads(text.stdout.decode("utf-8"))
    assert report["files"] == [{"source": shown, "records": 1, "complete": True}]
    bad = subprocess.run(
        [PROGRAM, "validate", TODAY_ARG, name, os.path.join(folder, b"gone\xfe.jsonl")],  # noqa: PTH118
        capture_output=True, env=env, check=False,
    )  # fmt: skip
    assert bad.returncode == 2
    assert bad.stdout.decode("utf-8").splitlines()[0] == (
        f"{tmp_path}/gone\\xfe.jsonl: /: unreadable-file: the file cannot be read "
        "(No such file or directory); check the path and permissions"
    )


@pytest.mark.skipif(not PROGRAM.exists(), reason="the command is not installed beside Python")
def test_a_closed_output_pipe_never_exits_0(tmp_path: Path) -> None:
    """When the reader of the output stops early, the exit code is 141, never 0."""
    path = _jsonl(tmp_path / "bad.jsonl", 20_000, bad=True)
    process = subprocess.Popen(
        [PROGRAM, "validate", TODAY_ARG, path], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdout is not None
    assert process.stdout.readline().startswith(str(path).encode())
    process.stdout.close()
    assert process.wait(timeout=60) == 141
    assert process.stderr is not None
    with process.stderr:
        assert b"Traceback" not in process.stderr.read()


def test_jobs_is_capped_at_the_usable_cores_with_a_note(tmp_path: Path) -> None:
    """--jobs above the usable cores is capped, with a note; the report is the same."""
    path = _jsonl(tmp_path / "few.jsonl", 3)
    code, out, err = cli("validate", TODAY_ARG, "--jobs", "300", str(path))
    cores = _parallel.usable_cores()
    assert (code, out) == (0, "3 records: 3 valid, 0 invalid (0 errors, 0 warnings)\n")
    assert err == (
        f"personal-outcomes: note: --jobs 300 is more than the {cores} processor core(s) "
        f"this command may use; using {cores}\n"
    )


def test_no_more_workers_than_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file of one chunk starts no worker at all; two chunks start at most two."""
    started: list[int] = []

    def pool(jobs: int, settings: tuple[object, ...]) -> multiprocessing.pool.Pool:
        started.append(jobs)
        return multiprocessing.pool.ThreadPool(
            jobs, initializer=_parallel._start_worker, initargs=(settings,)
        )

    monkeypatch.setattr(_parallel, "make_pool", pool)
    monkeypatch.setattr(_parallel, "usable_cores", lambda: 8)
    small = _jsonl(tmp_path / "small.jsonl", 3)
    assert cli("validate", TODAY_ARG, "--jobs", "8", str(small))[0] == 0
    assert started == []
    monkeypatch.setattr(_parallel, "CHUNK_BYTES", small.stat().st_size // 2 + 1)
    assert cli("validate", TODAY_ARG, "--jobs", "8", str(small))[0] == 0
    assert started == [2]


def test_a_single_name_is_one_file_not_its_letters(tmp_path: Path) -> None:
    """validate_files("x.jsonl") reads the file x.jsonl, as validate_files(["x.jsonl"]) does."""
    path = _jsonl(tmp_path / "x.jsonl", 2)
    for given in (str(path), path):
        report = validate_files(given, today=TODAY)
        assert (report.records, report.valid, [f.source for f in report.files]) == (
            2, 2, [str(path)],
        )  # fmt: skip


def test_a_folder_is_every_record_file_inside_it_in_order(tmp_path: Path) -> None:
    """A folder stands for its record files at any depth, sorted; others are counted skipped."""
    exports = tmp_path / "exports"
    (exports / "b" / "deeper").mkdir(parents=True)
    (exports / ".git").mkdir()
    _jsonl(exports / "b" / "deeper" / "z.jsonl", 1)
    shutil.copy(DATA / "records" / "valid.csv", exports / "a.CSV")
    _jsonl(exports / "c.jsonl", 2)
    (exports / "notes.txt").write_text("not records", encoding="utf-8")
    (exports / ".hidden.jsonl").write_text("{", encoding="utf-8")
    (exports / ".git" / "x.json").write_text("{", encoding="utf-8")
    code, out, _ = cli("validate", TODAY_ARG, "--format", "json", str(exports))
    report = json.loads(out)
    assert code == 1  # the CSV's second record repeats a record_id of the JSON Lines files
    assert [entry["source"] for entry in report["files"]] == [
        str(exports / "a.CSV"),
        str(exports / "b" / "deeper" / "z.jsonl"),
        str(exports / "c.jsonl"),
    ]
    code, out, _ = cli("validate", TODAY_ARG, str(exports))
    assert out.splitlines()[-1] == (
        "1 other file(s) in the folders given were skipped (only files ending .csv, .json, "
        ".jsonl, .ndjson, .yaml, .yml are read)."
    )


def test_values_too_large_or_deep_to_show_never_raise(tmp_path: Path) -> None:
    """--show-values on a 4,000-digit hex integer and a 100,000-deep list: no traceback."""
    path = tmp_path / "big.yaml"
    path.write_text(
        "record_id: r-1\nframework: adults\nperson_id: 0x" + "f" * 4000 + "\n"
        "recorded_on: 2026-03-01\nstage: assessment\n"
        "outcomes:\n  - outcome: seeing-people\n    what_matters: x\n",
        encoding="utf-8",
    )
    code, out, _ = cli("validate", TODAY_ARG, "--show-values", str(path))
    assert code == 1
    assert out.splitlines()[0].endswith("[value: an integer of about 4817 digits]")
    deep: list[object] = []
    tip = deep
    for _ in range(100_000):
        tip.append([])
        tip = tip[0]  # type: ignore[assignment]
    result = validate_files.__globals__["Validator"](today=TODAY, include_values=True)
    checked = result.validate_record(record(notes=deep, person_id=10**5000))
    assert [(i.pointer, i.value) for i in checked.issues] == [
        ("/person_id", "an integer of about 5001 digits"),
        ("/notes", "[[[[[...]]]]]"),
    ]


def test_lone_surrogates_are_a_parse_error_through_the_api_as_in_files() -> None:
    """Text no file format can carry is a parse-error in Python too, placed where it is."""
    validator = validate_files.__globals__["Validator"](today=TODAY)
    cases = [
        (record(notes="a\ud800"), "/notes"),
        (record(outcomes=[{"outcome": "seeing-people", "what_matters": "x\udcff"}]),
         "/outcomes/0/what_matters"),
        (record(context={"Jane \ud800 Smith": "x"}), "/context"),
    ]  # fmt: skip
    for data, pointer in cases:
        result = validator.validate_record(data)
        assert [(i.pointer, i.code) for i in result.issues] == [(pointer, "parse-error")]
        assert "Jane" not in str(result.issues[0])


def test_a_framework_version_of_5000_digits_is_no_traceback(tmp_path: Path) -> None:
    """A hostile framework version orders and lists without converting it to a number."""
    text = (DATA / "frameworks" / "minimal.yaml").read_text(encoding="utf-8")
    huge = "9" * 5000 + ".0.0"
    (tmp_path / "huge.yaml").write_text(text.replace('"1.0.0"', f'"{huge}"'), encoding="utf-8")
    (tmp_path / "one.yaml").write_text(text, encoding="utf-8")
    registry: Registry = bundled().with_directory(tmp_path)
    assert registry.versions("local-test") == ("1.0.0", huge)
    assert registry.get("local-test").version == huge
    code, out, _ = cli("--framework-dir", str(tmp_path), "list")
    assert code == 0
    assert huge in out


@pytest.mark.skipif(not PROGRAM.exists(), reason="the command is not installed beside Python")
@pytest.mark.parametrize("unbuffered", ["", "1"])
def test_one_large_write_to_a_pipe_closed_early_exits_141(tmp_path: Path, unbuffered: str) -> None:
    """Unbuffered or not, a JSON output written in one piece and cut short is never exit 0.

    Run unbuffered (PYTHONUNBUFFERED), a write to a pipe that takes only its first 64 KiB
    used to lose the rest without an error.
    """
    path = _jsonl(tmp_path / "many.jsonl", 5_000)
    env = {**os.environ, "PYTHONUNBUFFERED": unbuffered}
    process = subprocess.Popen(
        [PROGRAM, "export", "goals", TODAY_ARG, path],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
    )  # fmt: skip
    assert process.stdout is not None
    assert process.stdout.read(10) == b'{\n  "resou'
    process.stdout.close()
    assert process.wait(timeout=60) == 141
    assert process.stderr is not None
    with process.stderr:
        assert process.stderr.read() == b""


def test_standard_output_gets_a_buffer_when_it_has_none(tmp_path: Path) -> None:
    from personal_outcomes._cli import buffered  # noqa: PLC0415

    with (tmp_path / "out.txt").open("wb", buffering=0) as raw:
        unbuffered = io.TextIOWrapper(raw, encoding="utf-8", write_through=True)
        wrapped = buffered(unbuffered)
        assert isinstance(wrapped, io.TextIOWrapper)
        assert isinstance(wrapped.buffer, io.BufferedWriter)
        assert (wrapped.encoding, wrapped.errors) == ("utf-8", "strict")
        wrapped.write("x" * 100_000)
        wrapped.flush()
    assert (tmp_path / "out.txt").read_text(encoding="utf-8") == "x" * 100_000
    text = io.StringIO()
    assert buffered(text) is text
    with (tmp_path / "b.txt").open("w", encoding="utf-8") as already:
        assert buffered(already) is already
