"""``--dask SCHEDULER`` and ``dask=``: files checked on a Dask cluster, the report of one process.

Each test compares a run on a cluster with the same run in one process, byte for byte:
the text and JSON reports of ``validate``, the outputs of ``summarise`` and ``journeys``.
The clusters are local (``LocalCluster``, two workers, no dashboard): one of worker
processes, as on a real cluster, and one of worker threads in this process, the same
code measured by coverage. ``CHUNK_BYTES`` is made small, so that a JSON Lines file is
cut into many byte ranges and small files are batched into several tasks.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import io
import json
import logging
import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import distributed
import pytest
from dask import config as dask_config
from distributed import Client, LocalCluster
from distributed.core import Server, Status
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factories import TODAY, TODAY_ARG, record
from personal_outcomes import Validator, __version__, validate_files
from personal_outcomes._cli import _progress, _validate, run
from personal_outcomes.errors import ClusterError, MissingExtraError
from personal_outcomes.validation import _dask, _parallel
from strategies import mutated_records, records

DATA = Path(__file__).parent / "data"
CORPUS = DATA / "records"
EXPORTS = Path(__file__).parent.parent / "examples" / "exports"
#: Two workers of one thread; no dashboard, and the scheduler's web server on a free port.
CLUSTER: dict[str, Any] = {
    "n_workers": 2,
    "threads_per_worker": 1,
    "dashboard_address": None,
    "scheduler_kwargs": {"dashboard_address": "127.0.0.1:0"},
    "silence_logs": logging.CRITICAL,
}
#: Bytes of a JSON Lines chunk (and of a batch of small files) in these tests.
SMALL_CHUNKS = 2048


def cli(*arguments: str, stderr: io.StringIO | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), stderr if stderr is not None else io.StringIO()
    code = run(list(arguments), out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module", autouse=True)
def _quiet() -> Iterator[None]:
    """Dask's own logging stays out of the test output."""
    logger = logging.getLogger("distributed")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    yield
    logger.setLevel(level)


@pytest.fixture(scope="module", params=["processes", "threads"])
def scheduler(request: pytest.FixtureRequest) -> Iterator[str]:
    """The address of a local cluster of two workers: processes, or threads of this process."""
    with LocalCluster(  # type: ignore[no-untyped-call]
        processes=request.param == "processes", **CLUSTER
    ) as cluster:
        yield cluster.scheduler_address


@pytest.fixture(scope="module")
def threads() -> Iterator[str]:
    """A cluster of worker threads in this process, for tests that change its code."""
    with LocalCluster(  # type: ignore[no-untyped-call]
        processes=False, **CLUSTER
    ) as cluster:
        yield cluster.scheduler_address


@pytest.fixture
def small(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cut JSON Lines files into chunks of a few records, and batch few small files."""
    monkeypatch.setattr(_parallel, "CHUNK_BYTES", SMALL_CHUNKS)


# ---- material -----------------------------------------------------------------------


def _review(record_id: str, **changes: Any) -> dict[str, Any]:
    outcome = {"outcome": "seeing-people", "what_matters": "My pals", "status": "met"}
    return record(
        record_id=record_id, stage="review", recorded_on="2026-06-01", outcomes=[outcome], **changes
    )


def _big_lines(count: int) -> list[str]:
    """JSON Lines: clean records, unknown outcomes, duplicate ids near and far, broken lines."""
    lines = []
    for number in range(count):
        data = record(
            record_id=f"r-{number}",
            person_id=f"p-{number % 7}",
            context={"team": ("north", "south")[number % 2]},
        )
        if number % 9 == 4:
            data["outcomes"] = [{"outcome": "seeing-peple", "what_matters": "Friends"}]
        if number % 13 == 6:
            data["record_id"] = "r-1"  # a duplicate, many chunks after the first
        if number % 11 == 3:
            data = _review(f"r-{number}", person_id=f"p-{number % 7}")
        lines.append(json.dumps(data))
        if number % 37 == 20:
            lines.append('{"record_id": "r-broken", ')  # spoils only its own line
        if number % 50 == 0:
            lines.append("")
    return lines


def _folder(tmp_path: Path) -> Path:
    """Files of every kind, whose ids repeat across files, chunks and batches."""
    folder = tmp_path / "records"
    folder.mkdir()
    (folder / "a-big.jsonl").write_text("\n".join(_big_lines(300)) + "\n", encoding="utf-8")
    for name in ("valid.csv", "practice.csv", "stream.yaml", "valid-list.yaml", "mixed.jsonl"):
        shutil.copy(CORPUS / name, folder / name)
    comma = [record(record_id="r-7"), record(record_id="new-1"), record(record_id="r-5")]
    texts = [json.dumps(item) for item in comma]
    # A comma where a record should start: a fault of the file, between two records.
    (folder / "c-comma.json").write_text(f"[{texts[0]}, ,{texts[1]},{texts[2]}]", encoding="utf-8")
    (folder / "d-empty.jsonl").write_bytes(b"")
    (folder / "e-utf16.jsonl").write_bytes(json.dumps(record()).encode("utf-16"))
    (folder / "f-more.jsonl").write_text(
        "\n".join(_big_lines(40)[5:]) + "\nnot json\n", encoding="utf-8"
    )
    return folder


def _same(arguments: Sequence[str], scheduler: str) -> tuple[int, str, str]:
    """Run a command in one process and on the cluster; return the one result both gave."""
    command, *rest = arguments
    one = cli(command, *rest)
    on_dask = cli(command, "--dask", scheduler, *rest)
    assert on_dask == one
    return one


# ---- validate -----------------------------------------------------------------------


@pytest.mark.usefixtures("small")
@pytest.mark.parametrize(
    "options",
    [
        (),
        ("--format", "json"),
        ("--strict", "--quality", "--show-values"),
        ("--format", "json", "--max-issues", "7"),
    ],
)
def test_validate_on_a_cluster_is_one_process_byte_for_byte(
    scheduler: str, tmp_path: Path, options: tuple[str, ...]
) -> None:
    """Chunks, batches of files, file faults between records, duplicates anywhere: the same."""
    folder = _folder(tmp_path)
    code, out, err = _same(("validate", TODAY_ARG, *options, str(folder)), scheduler)
    assert (code, err) == (1, "")
    if "--format" in options:
        report = json.loads(out)
        assert (report["records"], report["valid"]) == (367, 262)
        codes = {issue["code"] for issue in report["issues"]}
        assert {"duplicate-record-id", "unknown-outcome", "parse-error"} <= codes
        assert [(Path(f["source"]).name, f["records"]) for f in report["files"]] == [
            ("a-big.jsonl", 308),
            ("c-comma.json", 3),
            ("d-empty.jsonl", 0),
            ("e-utf16.jsonl", 0),
            ("f-more.jsonl", 38),
            ("mixed.jsonl", 5),
            ("practice.csv", 5),
            ("stream.yaml", 4),
            ("valid-list.yaml", 2),
            ("valid.csv", 2),
        ]
    else:
        comma = [line for line in out.splitlines() if line.startswith(str(folder / "c-comma"))]
        # The file's own fault is reported between the records around it, as by one process.
        found = [line.split(": ")[2] for line in comma]
        assert [code for code in found if not code.startswith("quality")] == [
            "duplicate-record-id",
            "parse-error",
            "duplicate-record-id",
        ]


@pytest.mark.usefixtures("small")
def test_the_whole_corpus_on_a_cluster(scheduler: str) -> None:
    """Every corpus file, each fault of every format, checked on the workers: the same."""
    for output in ("text", "json"):
        code, _, _ = _same(("validate", TODAY_ARG, "--format", output, str(CORPUS)), scheduler)
        assert code == 1


def test_organisations_frameworks_are_sent_to_the_workers(scheduler: str, tmp_path: Path) -> None:
    """Frameworks from --framework-dir reach the workers as data, not as a path."""
    folder = tmp_path / "fw"
    folder.mkdir()
    shutil.copy(DATA / "frameworks" / "minimal.yaml", folder / "local.yaml")
    local = record(
        record_id="l-1",
        framework="local-test",
        outcomes=[{"outcome": "old-outcome", "what_matters": "x"}],
    )
    path = tmp_path / "r.jsonl"
    path.write_text(f"{json.dumps(local)}\n{json.dumps(record())}\n", encoding="utf-8")
    options = ("validate", "--framework-dir", str(folder), TODAY_ARG, str(path))
    code, out, _ = _same(options, scheduler)
    assert code == 0
    assert "retired-outcome (warning)" in out


def test_exports_and_csv_dialects_are_read_on_the_workers(scheduler: str) -> None:
    """An export through a profile, and a CSV in another dialect, are read as here."""
    profile = str(EXPORTS / "outcomes-export.profile.yaml")
    code, out, _ = _same(
        ("validate", TODAY_ARG, "--profile", profile, str(EXPORTS / "outcomes-export.csv")),
        scheduler,
    )
    assert code == 1
    assert out.endswith("(3 errors, 0 warnings)\n")
    semicolon = str(CORPUS / "semicolon.csv")
    code, out, _ = _same(("validate", TODAY_ARG, "--delimiter", ";", semicolon), scheduler)
    assert code == 1


#: A file of sysfs that says its size is 4096 bytes, opens, and cannot be read.
FAULTY = "/sys/devices/system/cpu/power/autosuspend_delay_ms"


def test_an_unreadable_file_is_reported_as_by_one_process(scheduler: str, tmp_path: Path) -> None:
    """A missing file, and ones that open but cannot be read: exit 2, the others checked.

    /proc/self/mem says its size is 0, so it is read here; the file of sysfs, on a worker.
    """
    good = tmp_path / "ok.jsonl"
    good.write_text(json.dumps(record()) + "\n", encoding="utf-8")
    for options in (("--format", "json"), ()):
        arguments = ("validate", TODAY_ARG, *options, str(tmp_path / "gone.csv"), str(good))
        code, out, _ = _same(arguments, scheduler)
        assert code == 2
        for faulty in ("/proc/self/mem", FAULTY):
            arguments = ("validate", TODAY_ARG, *options, "--input-format", "csv", faulty)
            code, out, _ = _same((*arguments, str(good)), scheduler)
            assert code == 2
            assert "(Input/output error)" in out


def test_standard_input_and_pipes_are_read_here(
    scheduler: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Standard input, and a file that is no regular file, are read by this process."""
    data = (CORPUS / "valid.csv").read_bytes()
    outputs = []
    for dask in ((), ("--dask", scheduler)):
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
        arguments = ("--input-format", "csv", "-", "/dev/null", str(CORPUS / "valid.csv"))
        outputs.append(cli("validate", TODAY_ARG, *dask, "--format", "json", *arguments))
    assert outputs[0] == outputs[1]
    assert json.loads(outputs[0][1])["records"] == 4


@pytest.mark.usefixtures("small")
def test_relative_paths_reach_the_workers_whole(
    scheduler: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Workers open the files the command names, from any folder; the report keeps the names.

    The workers of the cluster of processes work in the folder the tests started in: a
    path relative to this one would be another file, or none, there.
    """
    _folder(tmp_path)
    monkeypatch.chdir(tmp_path)
    sent: list[str] = []
    submit = _dask._Tasks.submit

    def recorded(tasks: Any, task: Any, what: Any, *rest: Any) -> Any:
        sent.extend([what[0]] if isinstance(what[0], str) else [one.path for one in what])
        return submit(tasks, task, what, *rest)

    monkeypatch.setattr(_dask._Tasks, "submit", recorded)
    names = ["records/a-big.jsonl", "./records/valid.csv", "records/../records/stream.yaml"]
    code, out, _ = _same(("validate", TODAY_ARG, "--format", "json", *names), scheduler)
    assert code == 1
    report = json.loads(out)
    assert [(part["source"], part["records"]) for part in report["files"]] == [
        ("records/a-big.jsonl", 308),
        ("./records/valid.csv", 2),
        ("records/../records/stream.yaml", 4),
    ]
    assert sorted(set(sent)) == [
        f"{tmp_path}/./records/valid.csv",
        f"{tmp_path}/records/../records/stream.yaml",
        f"{tmp_path}/records/a-big.jsonl",
    ]


@pytest.mark.parametrize(("command", "exit_code"), [("validate", 1), ("summarise", 0)])
def test_a_file_whose_size_reads_0_is_read_here(
    scheduler: str, tmp_path: Path, command: str, exit_code: int
) -> None:
    """A file of /proc says its size is 0, whatever it holds: it is read whole, here."""
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    arguments = (command, TODAY_ARG, "--format", "json", "--input-format", "jsonl")
    code, out, _ = _same((*arguments, "/proc/version", str(empty)), scheduler)
    assert (code, json.loads(out)["records"]) == (exit_code, 1)


class Terminal(io.StringIO):
    """A standard error that says it is a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.mark.usefixtures("small")
def test_progress_on_a_terminal(
    threads: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a terminal, the run on a cluster shows its progress too, and clears it."""
    folder = _folder(tmp_path)
    expected = cli("validate", TODAY_ARG, str(folder))[:2]
    clock = iter(range(0, 10_000, 2))
    monkeypatch.setattr(_progress, "time", SimpleNamespace(monotonic=lambda: float(next(clock))))
    code, out, err = cli("validate", TODAY_ARG, "--dask", threads, str(folder), stderr=Terminal())
    assert (code, out) == expected
    assert f"\r\x1b[Kchecking {folder / 'valid.csv'}: 367 records" in err
    assert err.endswith("\r\x1b[K")


def test_each_run_s_settings_reach_the_workers(threads: str, tmp_path: Path) -> None:
    """Workers keep an engine per run's settings: runs with other settings are not confused."""
    path = tmp_path / "dates.jsonl"
    dates = [f"2026-0{month}-01" for month in range(1, 7)]
    path.write_text(
        "".join(
            json.dumps(record(record_id=f"r-{n}", recorded_on=day)) + "\n"
            for n, day in enumerate(dates)
        ),
        encoding="utf-8",
    )
    futures = []
    for today in [*dates, dates[0]]:  # more settings than a worker keeps, then the first again
        out = _same(("validate", f"--today={today}", str(path)), threads)[1]
        futures.append(out.count("future-date"))
    assert futures == [5, 4, 3, 2, 1, 0, 5]


# ---- summarise and journeys -----------------------------------------------------------


@pytest.mark.usefixtures("small")
@pytest.mark.parametrize("command", ["summarise", "journeys"])
@pytest.mark.parametrize("output", ["json", "table"])
def test_tallies_on_a_cluster_are_one_process(
    scheduler: str, tmp_path: Path, command: str, output: str
) -> None:
    """Counts of every chunk and file merge to one process's; duplicates recounted."""
    folder = _folder(tmp_path)
    by = ("--by", "context.team", "--by", "period")
    code, out, err = _same((command, TODAY_ARG, "--format", output, *by, str(folder)), scheduler)
    assert code == 0
    assert err == (
        f"personal-outcomes {command}: 2 fault(s) of a file itself, in no record (an empty "
        "file, say); personal-outcomes validate lists them\n"
    )
    if output == "json":
        counts = json.loads(out)
        del counts["rows"]
        by_code = {"duplicate-record-id": 60, "parse-error": 13, "schema": 6, "unknown-outcome": 35}
        assert counts == {
            "records": 367,
            "included": 262,
            "excluded": {"total": 105, "by_code": by_code},
        }


def test_tallies_stop_at_an_unreadable_file(scheduler: str, tmp_path: Path) -> None:
    """An unreadable file: exit 2 and nothing written, as without --dask."""
    good = tmp_path / "ok.jsonl"
    good.write_text(json.dumps(record()) + "\n", encoding="utf-8")
    written = tmp_path / "out.csv"
    for command in ("summarise", "journeys"):
        arguments = (command, "--output", str(written), str(good), str(tmp_path / "gone.yaml"))
        code, out, err = _same(arguments, scheduler)
        assert (code, out, written.exists()) == (2, "", False)
        assert err.endswith("1 file(s) could not be read; nothing was written\n")


# ---- random input ----------------------------------------------------------------------


@st.composite
def mixed_lines(draw: st.DrawFn) -> str:
    """A line of JSON Lines: a record (clean, with errors), a repeated id, or junk."""
    kind = draw(st.sampled_from(["clean", "clean", "error", "junk"]))
    if kind == "junk":
        return draw(st.sampled_from(["", "not json", "[1]", '{"record_id": "r-1"}']))
    data: object = draw(records() if kind == "clean" else mutated_records())
    if isinstance(data, dict) and draw(st.booleans()):
        data["record_id"] = draw(st.sampled_from(["r-1", "r-2", "r-3"]))
    return json.dumps(data)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    files=st.lists(st.lists(mixed_lines(), max_size=30), min_size=1, max_size=3),
    chunk=st.integers(1, 3000),
)
def test_any_input_cut_anywhere_gives_one_process_s_report(
    threads: str, files: list[list[str]], chunk: int
) -> None:
    """Random files, cut into chunks of any size, give one process's report."""
    with pytest.MonkeyPatch.context() as monkeypatch, tempfile.TemporaryDirectory() as name:
        monkeypatch.setattr(_parallel, "CHUNK_BYTES", chunk)
        folder = Path(name)
        for number, lines in enumerate(files):
            (folder / f"{number}.jsonl").write_text("\n".join(lines), encoding="utf-8")
        _same(("validate", TODAY_ARG, "--format", "json", str(folder)), threads)
        _same(("summarise", TODAY_ARG, "--format", "json", "--by", "period", str(folder)), threads)


# ---- files that go away while the run is under way -----------------------------------


def _vanishing(monkeypatch: pytest.MonkeyPatch, name: str, where: str) -> None:
    """Delete the file named ``name`` just after ``where`` (a step of the run) reached it."""
    if where == "planned":  # cut into chunks here, gone before a worker reads it
        original = _parallel._chunks

        def planned(path: str, size: int, chunk: int | None = None) -> Iterator[tuple[int, int]]:
            chunks = list(original(path, size, chunk))
            if Path(path).name == name:
                Path(path).unlink()
            return iter(chunks)

        monkeypatch.setattr(_parallel, "_chunks", planned)
    elif where == "sized":  # gone before it is cut into chunks, or read whole
        size_of = _parallel.size_for_workers

        def sized(source: Any) -> int | None:
            size = size_of(source)
            if Path(source.path).name == name:
                Path(source.path).unlink()
            return size

        monkeypatch.setattr(_dask, "size_for_workers", sized)
    else:  # gone before a file checked whole is counted again, its duplicates excluded
        again = _dask._Tasks.again

        def counted_again(tasks: Any, task: Any, what: Any, duplicates: Any) -> object:
            path = Path(what[0].path)
            if path.name == name:
                path.unlink(missing_ok=True)
            return again(tasks, task, what, duplicates)

        monkeypatch.setattr(_dask._Tasks, "again", counted_again)


@pytest.mark.usefixtures("small")
@pytest.mark.parametrize(
    ("name", "where"),
    [("a-big.jsonl", "planned"), ("a-big.jsonl", "sized"), ("practice.csv", "sized")],
)
def test_a_file_gone_before_a_worker_reads_it_is_unreadable(
    scheduler: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, where: str
) -> None:
    """A file that went away after it was planned is reported as if it was never there."""
    folder = _folder(tmp_path)
    files = sorted(map(str, folder.iterdir()))
    _vanishing(monkeypatch, name, where)
    code, out, err = cli("validate", TODAY_ARG, "--dask", scheduler, str(folder))
    assert (code, out, err) == cli("validate", TODAY_ARG, *files)  # the file is gone now
    assert code == 2
    assert f"{folder / name}: /: unreadable-file: the file cannot be read (No such" in out


@pytest.mark.usefixtures("small")
def test_a_file_gone_before_it_is_counted_again_stops_the_tally(
    threads: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file checked whole with duplicates, gone when counted again: exit 2, nothing written.

    (A chunk of JSON Lines is read once: the client counts its records.)
    """
    name = "c-comma.json"
    folder = _folder(tmp_path)
    _vanishing(monkeypatch, name, "counted")
    code, out, err = cli("summarise", "--dask", threads, str(folder))
    assert (code, out) == (2, "")
    assert err == (
        f"{folder / name}: /: unreadable-file: the file cannot be read (No such file or "
        "directory); check the path and permissions\n"
        "personal-outcomes summarise: 1 file(s) could not be read; nothing was written\n"
    )


# ---- clusters that cannot be used --------------------------------------------------------


def test_dask_and_jobs_together_are_a_usage_error() -> None:
    """--dask and --jobs are two ways to run: both at once is refused."""
    for command in ("validate", "summarise", "journeys"):
        code, out, err = cli(command, "--jobs", "2", "--dask", "local:1", "x.jsonl")
        assert (code, out) == (2, "")
        assert err.startswith(
            f"personal-outcomes {command}: error: argument --dask: not allowed with argument --jobs"
        )


@pytest.mark.parametrize("scheduler", ["local:0", "local:", "local:x", "local:-1", "local:²"])
def test_a_local_cluster_needs_at_least_one_worker(scheduler: str) -> None:
    """local:N needs a whole number N of at least 1: one line, as for any cluster (exit 2)."""
    reason = "local:N needs a whole number N >= 1"
    for command in ("validate", "summarise", "journeys"):
        assert cli(command, "--dask", scheduler, "x.jsonl") == (2, "", _cannot(scheduler, reason))
    with pytest.raises(ClusterError) as raised:
        Validator().validate_files("x.jsonl", dask=scheduler)
    assert (raised.value.scheduler, raised.value.reason) == (scheduler, reason)


def _cannot(scheduler: str, reason: str) -> str:
    return (
        f"personal-outcomes: cannot use the Dask cluster at {scheduler} ({reason}); check the "
        "address (tcp://HOST:8786, or local:N for N worker processes on this machine), that "
        "the scheduler is running, and that every worker has the same version of "
        "personal-outcomes[dask] installed\n"
    )


def test_a_scheduler_that_does_not_answer_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nobody listening, or no address at all: exit 2, a message, nothing else written."""
    monkeypatch.setattr(_dask, "CONNECT_TIMEOUT", 0.5)
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps(record()) + "\n", encoding="utf-8")
    nobody = "tcp://127.0.0.1:1"
    reason = f"Timed out trying to connect to {nobody} after 0.5 s"
    assert cli("validate", "--dask", nobody, str(path)) == (2, "", _cannot(nobody, reason))
    assert cli("journeys", "--dask", nobody, str(path)) == (2, "", _cannot(nobody, reason))
    reason = "missing port number in address 'nowhere'"
    assert cli("validate", "--dask", "nowhere", str(path)) == (2, "", _cannot("nowhere", reason))


def test_a_bare_name_fails_at_once_without_a_trace_of_dask(tmp_path: Path) -> None:
    """The guide's own wrong address, in a process of its own: one line, and nothing after it.

    A half-made client used to stop the process at exit, with a traceback twenty seconds
    later. Here it is refused before a client is made, and (as if a scheduler had been
    there) once a client was made and failed.
    """
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps(record()) + "\n", encoding="utf-8")
    reason = "missing port number in address 'nowhere'"
    asked = (
        "_dask._address_fault = lambda address: None\n_dask._ask = lambda address, arguments: None"
    )
    for before in ("", asked):
        done = _command("validate", "--dask", "nowhere", str(path), before=before)
        assert (done.returncode, done.stdout, done.stderr) == (2, "", _cannot("nowhere", reason))


def test_a_client_that_fails_half_made_is_closed_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A client that fails once the scheduler answered is closed before the error is raised."""
    monkeypatch.setattr(_dask, "_address_fault", lambda address: None)
    monkeypatch.setattr(_dask, "_ask", lambda address, arguments: None)
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps(record()) + "\n", encoding="utf-8")
    reason = "missing port number in address 'nowhere'"
    assert cli("validate", "--dask", "nowhere", str(path)) == (2, "", _cannot("nowhere", reason))
    assert [client for client in _clients() if client.status != "closed"] == []


def _clients() -> list[Client]:
    return [item for item in gc.get_objects() if isinstance(item, Client)]


def _command(*arguments: str, before: str = "") -> subprocess.CompletedProcess[str]:
    """Run the command in a new Python process, after the code ``before``."""
    code = (
        "import sys\n"
        "from personal_outcomes._cli import main\n"
        "from personal_outcomes.validation import _dask\n"
        f"{before}\n"
        "sys.argv[0] = 'personal-outcomes'\n"
        "main()\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code, *arguments],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        (
            "tls://127.0.0.1:1",
            (
                "a tls:// address needs TLS certificates in Dask's configuration, under "
                "distributed.comm.tls, and none are set; this command takes no others"
            ),
        ),
        (
            "wss://127.0.0.1:1",
            (
                "a wss:// address needs TLS certificates in Dask's configuration, under "
                "distributed.comm.tls, and none are set; this command takes no others"
            ),
        ),
        (
            "foo://127.0.0.1:1",
            (
                "unknown address scheme 'foo' (known schemes: ['inproc', 'tcp', 'tls', 'ucx', "
                "'ws', 'wss'])"
            ),
        ),
    ],
)
def test_an_address_dask_cannot_use_is_a_clear_error(
    tmp_path: Path, address: str, reason: str
) -> None:
    """Another protocol, without what it needs, or no address at all: one line, exit 2."""
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps(record()) + "\n", encoding="utf-8")
    for command in ("validate", "summarise"):
        assert cli(command, "--dask", address, str(path)) == (2, "", _cannot(address, reason))


def _never(address: str, arguments: dict[str, object]) -> str | None:
    raise AssertionError(f"{address} was tried")


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("tcp://127.0.0.1:99999", "port '99999' is not a whole number from 1 to 65535"),
        ("tcp://127.0.0.1:-1", "port '-1' is not a whole number from 1 to 65535"),
        ("tcp://127.0.0.1:0", "port '0' is not a whole number from 1 to 65535"),
        ("127.0.0.1:8786/x", "port '8786/x' is not a whole number from 1 to 65535"),
        ("tls://[::1]:65536", "port '65536' is not a whole number from 1 to 65535"),
        ("tcp://:", "missing port number in address 'tcp://:'"),
        ("tcp://[::1]", "missing port number in address 'tcp://[::1]'"),
        ("ws://:8786", "missing host name in address 'ws://:8786'"),
        ("wss://[]:8786", "missing host name in address 'wss://[]:8786'"),
        (
            "tcp://[::1",
            (
                "invalid address 'tcp://[::1': an IPv6 host goes in brackets, before the port "
                "(tcp://[::1]:8786)"
            ),
        ),
        (
            "tcp://[::1]8786",
            (
                "invalid address 'tcp://[::1]8786': an IPv6 host goes in brackets, before the "
                "port (tcp://[::1]:8786)"
            ),
        ),
        (
            "::1:8786",
            (
                "invalid address '::1:8786': an IPv6 host goes in brackets, before the port "
                "(tcp://[::1]:8786)"
            ),
        ),
        (
            "inproc://",
            (
                "invalid address 'inproc://': an inproc:// address is inproc://HOST/PID/N, of "
                "a scheduler in this Python process"
            ),
        ),
        (
            "inproc://10.0.0.5/x/1",
            (
                "invalid address 'inproc://10.0.0.5/x/1': an inproc:// address is "
                "inproc://HOST/PID/N, of a scheduler in this Python process"
            ),
        ),
    ],
)
def test_an_address_of_the_wrong_form_is_refused_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, address: str, reason: str
) -> None:
    """No port, a port out of range, no host, a stray colon: refused before it is tried."""
    monkeypatch.setattr(_dask, "_ask", _never)
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps(record()) + "\n", encoding="utf-8")
    for command in ("validate", "journeys"):
        assert cli(command, "--dask", address, str(path)) == (2, "", _cannot(address, reason))


#: Characters a port is not made of: neither ASCII digits, nor a colon, nor invisible.
_NOT_A_DIGIT = st.characters(
    exclude_categories=("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Zs"),
    exclude_characters=":0123456789",
)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    port=st.one_of(
        st.integers(max_value=0).map(str),
        st.integers(min_value=65536).map(str),
        st.tuples(st.integers(1, 65535), st.text(_NOT_A_DIGIT, min_size=1)).map(
            lambda number_and_more: f"{number_and_more[0]}{number_and_more[1]}"
        ),
        st.text(_NOT_A_DIGIT, min_size=1),
    ),
    scheme=st.sampled_from(["", "tcp://", "tls://", "ws://", "wss://"]),
)
def test_a_port_is_a_whole_number_from_1_to_65535(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, port: str, scheme: str
) -> None:
    """Any other port is refused at once, shown as given; one in range is tried."""
    monkeypatch.setattr(_dask, "_ask", _never)
    address = f"{scheme}127.0.0.1:{port}"
    reason = f"port {port!r} is not a whole number from 1 to 65535"
    assert cli("validate", "--dask", address, str(tmp_path)) == (2, "", _cannot(address, reason))


@settings(max_examples=20, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(port=st.integers(1, 65535), scheme=st.sampled_from(["", "tcp://", "tls://", "ws://"]))
def test_an_address_of_the_right_form_is_tried(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, port: int, scheme: str
) -> None:
    """HOST:PORT, with or without a scheme, goes on to be asked who it is."""
    tried: list[str] = []

    def ask(address: str, arguments: dict[str, object]) -> str:
        tried.append(address)
        return "asked"

    monkeypatch.setattr(_dask, "_ask", ask)
    for address in (f"{scheme}127.0.0.1:{port}", f"{scheme}[::1]:{port}"):
        tried.clear()
        expected = (2, "", _cannot(address, "asked"))
        assert (cli("validate", "--dask", f" {address}  ", str(tmp_path)), tried) == (
            expected,
            [address],
        )


@pytest.mark.parametrize(
    ("address", "shown"),
    [
        ("tcp://127.0.0.1:8786\nx", "tcp://127.0.0.1:8786\\nx"),
        ("local:1\t", "local:1\\t"),
        ("\x1b[2Jlocal", "\\x1b[2Jlocal"),
        ("tcp://host\u202e:8786", "tcp://host\\u202e:8786"),
        ("tcp://host:8786\r", "tcp://host:8786\\r"),
    ],
)
def test_an_address_with_a_control_character_is_refused_and_shown_escaped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, address: str, shown: str
) -> None:
    """A newline, an escape, a direction mark: refused at once, on one line, escaped."""
    monkeypatch.setattr(_dask, "_ask", _never)
    reason = (
        "the address holds a control or invisible character, shown escaped: give the address alone"
    )
    assert cli("validate", "--dask", address, str(tmp_path)) == (2, "", _cannot(shown, reason))
    with pytest.raises(ClusterError) as raised:
        Validator().validate_files(tmp_path, dask=address)
    assert (raised.value.scheduler, raised.value.reason) == (shown, reason)


@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    address=st.tuples(st.text(), st.characters(categories=("Cc", "Cf", "Zl", "Zp")), st.text())
    .map("".join)
    .filter(lambda address: not address.strip(" ").isprintable())
)
def test_no_message_holds_a_control_character(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, address: str
) -> None:
    """Whatever the address holds, the message is one line of visible characters."""
    monkeypatch.setattr(_dask, "_ask", _never)
    code, out, err = cli("validate", f"--dask={address}", str(tmp_path))
    assert (code, out, err.count("\n"), err.endswith("\n")) == (2, "", 1, True)
    assert err[:-1].isprintable()
    reason = (
        "the address holds a control or invisible character, shown escaped: give the address alone"
    )
    assert err.endswith(_cannot("", "").partition("()")[2])
    assert f"({reason});" in err


def test_an_empty_address_is_refused() -> None:
    """Spaces alone, or nothing: refused, the address shown quoted."""
    for address in ("", "   "):
        assert cli("validate", "--dask", address, "x.jsonl") == (
            2,
            "",
            _cannot("''", "no address given"),
        )


def test_ucx_without_its_support_is_a_clear_error(tmp_path: Path) -> None:
    """ucx:// needs a package of its own: the message says so, with Dask's error."""
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps(record()) + "\n", encoding="utf-8")
    code, out, err = cli("validate", "--dask", "ucx://127.0.0.1:1", str(path))
    start = _cannot("ucx://127.0.0.1:1", "").partition("()")[0]
    assert (code, out) == (2, "")
    assert err.startswith(
        f"{start}(ucx:// addresses need Dask's UCX support (distributed-ucxx), which this "
        "Python cannot use ("
    )
    assert err.endswith(_cannot("", "").partition("()")[2])
    assert err.count("\n") == 1


def test_security_settings_dask_cannot_use_are_a_clear_error(tmp_path: Path) -> None:
    """TLS certificates named in Dask's configuration but missing: one line, exit 2."""
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps(record()) + "\n", encoding="utf-8")
    missing = str(tmp_path / "missing.pem")
    tls = {f"distributed.comm.tls.{key}": missing for key in ("ca-file", "client.cert")}
    with dask_config.set(tls):
        code, out, err = cli("validate", "--dask", "tls://127.0.0.1:1", str(path))
    reason = (
        "Dask's security settings cannot be used: FileNotFoundError: [Errno 2] No such file "
        "or directory"
    )
    assert (code, out, err) == (2, "", _cannot("tls://127.0.0.1:1", reason))


# Servers that are not Dask schedulers, each answering a connection in a thread.


def _web_server(connection: socket.socket, stop: threading.Event) -> None:
    """Read a request, answer as a web server does, and close."""
    connection.recv(65536)
    connection.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
    stop.wait()


def _banner(connection: socket.socket, stop: threading.Event) -> None:
    """Say who it is first, as an SSH server does, then wait for the client."""
    connection.sendall(b"SSH-2.0-OpenSSH_9.6\r\n")
    stop.wait()


def _silent(connection: socket.socket, stop: threading.Event) -> None:
    """Take the connection and never say a word."""
    del connection
    stop.wait()


def _ones(connection: socket.socket, stop: threading.Event) -> None:
    """Send 64 bytes of 0xFF (lengths numpy refuses, in its own words), then wait."""
    connection.sendall(b"\xff" * 64)
    stop.wait()


def _closer(connection: socket.socket, stop: threading.Event) -> None:
    """Close the connection at once."""
    del connection, stop


@contextlib.contextmanager
def _serving(answer: Callable[[socket.socket, threading.Event], None]) -> Iterator[str]:
    """A server on a free port of 127.0.0.1, answering each connection with ``answer``."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.05)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            threading.Thread(target=_answer, args=(answer, connection, stop)).start()

    thread = threading.Thread(target=serve)
    thread.start()
    try:
        yield f"tcp://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join()
        listener.close()


def _answer(
    answer: Callable[[socket.socket, threading.Event], None],
    connection: socket.socket,
    stop: threading.Event,
) -> None:
    with connection:
        answer(connection, stop)


@pytest.mark.parametrize(
    ("server", "reason"),
    [
        (_web_server, "something answers at this address, but not as a Dask scheduler"),
        (_banner, "something answers at this address, but not as a Dask scheduler"),
        (_ones, "something answers at this address, but not as a Dask scheduler"),
        (_closer, "something answers at this address, but not as a Dask scheduler"),
        (_silent, "no answer as a Dask scheduler within 0.5 s"),
    ],
)
def test_a_server_that_is_no_dask_scheduler_is_a_clear_error(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    server: Callable[[socket.socket, threading.Event], None],
    reason: str,
) -> None:
    """A web server, one that speaks first, one that closes, one that says nothing: one line."""
    monkeypatch.setattr(_dask, "CONNECT_TIMEOUT", 0.5)
    monkeypatch.setattr(_dask, "_SLACK", 0.25)
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps(record()) + "\n", encoding="utf-8")
    with _serving(server) as address:
        for command in ("validate", "journeys"):
            assert cli(command, "--dask", address, str(path)) == (2, "", _cannot(address, reason))


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(answer=st.binary(min_size=1, max_size=96))
def test_no_word_of_another_server_is_passed_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, answer: bytes
) -> None:
    """Whatever bytes a server sends before it closes, the message is the same, in our words."""
    monkeypatch.setattr(_dask, "CONNECT_TIMEOUT", 0.5)
    monkeypatch.setattr(_dask, "_SLACK", 0.25)
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps(record()) + "\n", encoding="utf-8")

    def speak(connection: socket.socket, stop: threading.Event) -> None:
        del stop
        connection.sendall(answer)

    reason = "something answers at this address, but not as a Dask scheduler"
    with _serving(speak) as address:
        assert cli("validate", "--dask", address, str(path)) == (2, "", _cannot(address, reason))


@contextlib.contextmanager
def _dask_server(identity: Callable[[], object]) -> Iterator[str]:
    """A Dask server (not a scheduler) whose identity is ``identity()``; yield its address."""
    addresses: queue.Queue[str] = queue.Queue()
    stop = threading.Event()

    async def serve() -> None:
        server = Server({"identity": identity})  # type: ignore[no-untyped-call]
        await server.listen("tcp://127.0.0.1:0")  # type: ignore[no-untyped-call]
        addresses.put(server.address)
        while not stop.is_set():
            await asyncio.sleep(0.02)
        await server.close()

    thread = threading.Thread(target=asyncio.run, args=(serve(),))
    thread.start()
    try:
        yield addresses.get(timeout=60)
    finally:
        stop.set()
        thread.join()


def test_a_worker_s_address_or_another_dask_server_is_a_clear_error(
    threads: str, tmp_path: Path
) -> None:
    """The address of a worker, or of a Dask server that is no scheduler: one line, exit 2."""
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps(record()) + "\n", encoding="utf-8")
    with Client(threads, set_as_default=False) as client:  # type: ignore[no-untyped-call]
        worker = min(client.scheduler_info()["workers"])
    reason = "this is the address of a Dask worker; give its scheduler's address"
    assert cli("validate", "--dask", worker, str(path)) == (2, "", _cannot(worker, reason))
    with _dask_server(lambda: "hello") as address:
        reason = "something answers at this address, but not as a Dask scheduler"
        assert cli("validate", "--dask", address, str(path)) == (2, "", _cannot(address, reason))


#: A worker that cannot import this package: it is hidden from the worker's Python.
_WITHOUT_PACKAGE = """
import sys
sys.modules["personal_outcomes"] = None
from distributed.cli.dask_worker import main
sys.argv = ["dask-worker", sys.argv[1], "--nthreads", "1", "--no-nanny", "--no-dashboard",
            "--name", "without"]
main()
"""


@pytest.mark.parametrize("workers", [0, 1])
def test_a_worker_without_the_package_is_a_clear_error(tmp_path: Path, workers: int) -> None:
    """A worker that cannot import personal_outcomes, alone or beside a good one: exit 2.

    Such a worker used to fail to take the run's settings (a traceback) or, beside good
    workers, hold up their sharing out without end.
    """
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps(record()) + "\n", encoding="utf-8")
    options = {"n_workers": workers, "processes": False, "protocol": "tcp", "host": "127.0.0.1"}
    with (
        LocalCluster(**{**CLUSTER, **options}) as cluster,  # type: ignore[no-untyped-call]
        Client(cluster, set_as_default=False) as client,  # type: ignore[no-untyped-call]
    ):
        address = cluster.scheduler_address
        worker = subprocess.Popen(
            [sys.executable, "-c", _WITHOUT_PACKAGE, address],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            client.wait_for_workers(workers + 1, timeout=120)
            found = client.scheduler_info()["workers"].items()
            without = next(place for place, info in found if info["name"] == "without")
            outcome = cli("validate", "--dask", address, str(path))
        finally:
            worker.terminate()
            worker.wait(timeout=60)
    reason = (
        f"the worker at {without} cannot import personal_outcomes (ModuleNotFoundError: No "
        "module named 'personal_outcomes._version'; 'personal_outcomes' is not a package): "
        f"install personal-outcomes[dask] {__version__} on every worker, the version of this "
        "command"
    )
    assert outcome == (2, "", _cannot(address, reason))


def test_a_worker_with_another_version_is_a_clear_error(
    threads: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Workers with another personal-outcomes could judge records otherwise: exit 2."""
    monkeypatch.setattr(_dask, "__version__", "0.0.1")
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps(record()) + "\n", encoding="utf-8")
    with Client(threads, set_as_default=False) as client:  # type: ignore[no-untyped-call]
        worker = min(client.scheduler_info()["workers"])
    reason = (
        f"the worker at {worker} has personal-outcomes {__version__}: install "
        "personal-outcomes[dask] 0.0.1 on every worker, the version of this command"
    )
    assert cli("validate", "--dask", threads, str(path)) == (2, "", _cannot(threads, reason))


def test_a_scheduler_without_workers_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A scheduler with no worker to run the tasks is an error, not a wait without end."""
    monkeypatch.setattr(_dask, "CONNECT_TIMEOUT", 0.5)
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps(record()) + "\n", encoding="utf-8")
    with LocalCluster(  # type: ignore[no-untyped-call]
        **{**CLUSTER, "n_workers": 0, "processes": False}
    ) as empty:
        address = empty.scheduler_address
        code, out, err = cli("validate", "--dask", address, str(path))
    reason = "Only 0/1 workers arrived after 0.5"
    assert (code, out, err) == (2, "", _cannot(address, reason))


@pytest.mark.usefixtures("small")
@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (
            ModuleNotFoundError("No module named 'personal_outcomes'"),
            (
                "a task failed on a worker that cannot import what it needs "
                "(ModuleNotFoundError: No module named 'personal_outcomes'): install "
                f"personal-outcomes[dask] {__version__} on every worker, the version of this "
                "command"
            ),
        ),
        (
            # A module missing on a worker can come back as text (from Dask's own calls).
            Exception("ModuleNotFoundError(\"No module named 'yaml'\")"),
            (
                "a task failed on a worker that cannot import what it needs (Exception: "
                "ModuleNotFoundError(\"No module named 'yaml'\")): install "
                f"personal-outcomes[dask] {__version__} on every worker, the version of this "
                "command"
            ),
        ),
        (RuntimeError("out of order"), "a task failed: RuntimeError: out of order"),
    ],
)
def test_a_task_that_fails_on_a_worker_is_a_clear_error(
    threads: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: Exception, reason: str
) -> None:
    """A worker that cannot run the tasks (here: cannot build its engine) stops the run."""

    def broken(key: str, settings: object) -> object:
        raise error

    monkeypatch.setattr(_dask, "_engine", broken)
    folder = _folder(tmp_path)
    for command in ("validate", "summarise"):  # the tasks still in flight are cancelled
        assert cli(command, "--dask", threads, str(folder)) == (2, "", _cannot(threads, reason))


def test_a_local_cluster_that_cannot_start_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Worker processes that cannot be started: one line, in Dask's words, exit 2."""
    monkeypatch.setattr(_dask, "_local_start_method", lambda: "no-such-method")
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps(record()) + "\n", encoding="utf-8")
    reason = "RuntimeError: Nanny failed to start."
    assert cli("validate", "--dask", "local:1", str(path)) == (2, "", _cannot("local:1", reason))


def test_without_dask_installed_the_command_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the dask extra, --dask and dask= say how to install it; the rest works."""
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed fails
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps(record()) + "\n", encoding="utf-8")
    message = (
        "personal-outcomes: Dask clusters need dask.distributed: "
        "pip install 'personal-outcomes[dask]'\n"
    )
    for command in ("validate", "summarise", "journeys"):
        assert cli(command, "--dask", "local", str(path)) == (2, "", message)
    with pytest.raises(MissingExtraError):
        Validator().validate_files(path, dask="local:1")
    assert cli("validate", TODAY_ARG, str(path))[0] == 0


# ---- a cluster started for the run, and the Python API -------------------------------------


@pytest.mark.usefixtures("small")
def test_a_local_cluster_is_started_and_stopped_for_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """local:N starts N worker processes for the run (at most the usable cores, with a note)."""
    monkeypatch.setattr(_validate, "usable_cores", lambda: 1)
    folder = _folder(tmp_path)
    code, out, err = cli("validate", TODAY_ARG, "--dask", "local:3", str(folder))
    assert (code, out) == cli("validate", TODAY_ARG, str(folder))[:2]
    assert err == (
        "personal-outcomes: note: --dask local:3 is more than the 1 processor core(s) this "
        "command may use; using local:1\n"
    )


def test_the_python_api_takes_a_scheduler_or_a_client(scheduler: str, tmp_path: Path) -> None:
    """Validator.validate_files(dask=...) gives the report of one process."""
    folder = _folder(tmp_path)
    validator = Validator(today=TODAY)
    expected = validator.validate_files(folder, max_issues=50)
    assert validator.validate_files(folder, max_issues=50, dask=scheduler) == expected
    with Client(scheduler, set_as_default=False) as client:  # type: ignore[no-untyped-call]
        assert validator.validate_files(folder, max_issues=50, dask=client) == expected
        assert client.status == "running"  # a client given is left open
    assert validate_files(folder, today=TODAY, max_issues=50, dask=scheduler) == expected
    with pytest.raises(TypeError, match="dask= takes a scheduler address"):
        validator.validate_files(folder, dask=2)


def test_local_is_one_worker_per_usable_core() -> None:
    assert _dask.local_workers("local") == _parallel.usable_cores()
    assert _dask.local_workers("local:1") == 1
    assert _dask.local_workers("localhost:8786") is None


def test_local_is_read_in_any_case_and_spaces_around_it_are_left_out() -> None:
    """``local`` in any case, with spaces around it, is a local cluster; other words are not."""
    assert [_dask.local_workers(name) for name in ("LOCAL", " Local ", "lOcAl")] == [
        _parallel.usable_cores()
    ] * 3
    assert [_dask.local_workers(name) for name in ("LOCAL:3", "  local:2 ", "Local:1")] == [
        3,
        2,
        1,
    ]
    # Not local: a dotless i, a longer word, a host named localhost.
    assert [_dask.local_workers(name) for name in ("\u0131ocal:1", "locally:1", "LOCALHOST")] == [
        None
    ] * 3
    with pytest.raises(ClusterError) as raised:
        _dask.local_workers(" LOCAL:x ")
    assert (raised.value.scheduler, raised.value.reason) == (
        "LOCAL:x",
        "local:N needs a whole number N >= 1",
    )


# ---- Ctrl-C -------------------------------------------------------------------------


#: A Ctrl-C from a terminal, which goes to every process of the command, as the first
#: task's result is awaited.
_CTRL_C_IN_THE_RUN = """
import os, signal
taken = _dask._Tasks.result
def result(self, future):
    os.killpg(0, signal.SIGINT)
    return taken(self, future)
_dask._Tasks.result = result
"""
#: The same, once, as the local cluster starts: as its first worker starts, the fork
#: server importing Dask meanwhile.
_CTRL_C_AT_THE_START = """
import os, signal
from distributed import Nanny
started = Nanny.start_unsafe
pressed = []
async def start_unsafe(self):
    if not pressed:
        pressed.append(os.killpg(0, signal.SIGINT))
    return await started(self)
Nanny.start_unsafe = start_unsafe
"""


def _gone(group: int) -> bool:
    """Wait for every process of ``group`` to end (at most 30 s); say whether they did."""
    for _ in range(600):
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return True
        threading.Event().wait(0.05)
    return False


def _interrupted(path: Path, before: str) -> tuple[int, str, str, bool]:
    """Run validate --dask local:2 in a session of its own, after ``before``.

    Return its exit code, output, standard error, and whether all its processes ended;
    any left are killed.
    """
    code = (
        "import sys\n"
        "from personal_outcomes._cli import main\n"
        "from personal_outcomes.validation import _dask\n"
        f"{before}\n"
        "sys.argv[0] = 'personal-outcomes'\n"
        "main()\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", code, "validate", "--dask", "local:2", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = process.communicate(timeout=120)
        gone = _gone(process.pid)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
    return process.returncode, out, err, gone


@pytest.mark.parametrize("before", [_CTRL_C_IN_THE_RUN, _CTRL_C_AT_THE_START])
def test_ctrl_c_on_a_local_cluster_says_one_line(tmp_path: Path, before: str) -> None:
    """Ctrl-C to every process of the command, in the run or as the cluster starts: one line.

    The workers and Dask's fork server used to die each with a traceback (dozens of
    lines), and a cluster stopped half made said so at exit.
    """
    path = tmp_path / "r.jsonl"
    path.write_text("\n".join(_big_lines(300)) + "\n", encoding="utf-8")
    assert _interrupted(path, before) == (130, "", "personal-outcomes: interrupted\n", True)


def _raise_ctrl_c(monkeypatch: pytest.MonkeyPatch, presses: int) -> list[LocalCluster]:
    """Make the local cluster's start press Ctrl-C ``presses`` times; return the clusters made."""
    made: list[LocalCluster] = []

    def interrupted(*args: Any, **kwargs: Any) -> LocalCluster:
        for _ in range(presses):
            signal.raise_signal(signal.SIGINT)
        made.append(LocalCluster(*args, **kwargs))  # type: ignore[no-untyped-call]
        return made[-1]

    monkeypatch.setattr(distributed, "LocalCluster", interrupted)
    return made


def test_ctrl_c_as_a_local_cluster_starts_stops_it_once_started(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Ctrl-C is held back while the cluster starts, then stops the run; the cluster is closed."""
    made = _raise_ctrl_c(monkeypatch, 1)
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps(record()) + "\n", encoding="utf-8")
    with pytest.raises(KeyboardInterrupt):
        cli("validate", "--dask", "local:1", str(path))
    assert [cluster.status for cluster in made] == [Status.closed]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_second_ctrl_c_as_a_local_cluster_starts_stops_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pressed again while the cluster starts, Ctrl-C stops the command at once."""
    made = _raise_ctrl_c(monkeypatch, 2)
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps(record()) + "\n", encoding="utf-8")
    with pytest.raises(KeyboardInterrupt):
        cli("validate", "--dask", "local:1", str(path))
    assert made == []
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_local_cluster_can_be_started_from_another_thread(tmp_path: Path) -> None:
    """Signals are the main thread's: from another, the cluster starts without them."""
    folder = _folder(tmp_path)
    validator = Validator(today=TODAY)
    found: list[object] = []

    def check() -> None:
        try:
            found.append(validator.validate_files(folder, dask="local:1"))
        except Exception as err:  # shown by the assertion below
            found.append(err)

    thread = threading.Thread(target=check)
    thread.start()
    thread.join()
    assert found == [validator.validate_files(folder)]


def test_a_program_s_own_ctrl_c_handler_is_left_in_place(
    threads: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A program that handles SIGINT itself gets every Ctrl-C, none held back."""
    presses: list[int] = []
    checked = _dask._Tasks._check

    def check(self: _dask._Tasks, worker: str, version: object) -> None:
        signal.raise_signal(signal.SIGINT)  # as the workers are asked their version
        checked(self, worker, version)

    monkeypatch.setattr(_dask._Tasks, "_check", check)
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps(record()) + "\n", encoding="utf-8")
    expected = cli("validate", TODAY_ARG, str(path))

    def handler(number: int, frame: object) -> None:
        presses.append(number)

    previous = signal.signal(signal.SIGINT, handler)
    try:
        outcome = cli("validate", TODAY_ARG, "--dask", threads, str(path))
    finally:
        after = signal.signal(signal.SIGINT, previous)
    assert (outcome, presses, after) == (expected, [signal.SIGINT] * 2, handler)
