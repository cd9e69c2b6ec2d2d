"""Benchmark ``personal-outcomes validate`` against the baselines an integrator would write.

    make bench                              # everything; rewrites benchmarks/README.md
    python benchmarks/run.py --quick        # 10,000 records only, a smoke run (README untouched;
                                            # its figures in benchmarks/_data/last-quick-run.json)
    python benchmarks/run.py --records 200000
    python benchmarks/run.py --report-only  # rebuild the README from benchmarks/_data/last-run.json
    python benchmarks/run.py --quick --readme /tmp/README.md   # a smoke run's report, elsewhere

Every contender runs as a whole process (interpreter start-up, imports and schema or
model building included), timed by wall clock, with the child's peak resident set size
taken from ``os.wait4``. Data files are generated once into ``benchmarks/_data/``
(ignored by git) with ``benchmarks/generate.py`` and reused.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import importlib.util
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import textwrap
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "_data"
README = HERE / "README.md"
LAST_RUN = DATA / "last-run.json"
#: A --quick run keeps its figures here, leaving the last full run's alone.
LAST_QUICK_RUN = DATA / "last-quick-run.json"
#: Bytecode of every contender goes here, not next to the sources (see child_environment).
PYCACHE = DATA / "pycache"
PYTHON = sys.executable

#: Goals from the issues, all with every framework-aware check on.
#: At least as fast as jsonschema-rs + orjson on the lean schemas (records/s, main size).
GOAL_VS_RS = 1.0
#: At most this many times the time of parsing alone with orjson (main size).
GOAL_VS_FLOOR = 2.0
#: At least this many times a reused jsonschema validator of the lean schemas.
GOAL_VS_LEAN = 60.0
#: At least this many times jsonschema on the project's published (heavier) schemas.
GOAL_VS_JSONSCHEMA = 25.0
GOAL_VS_PYDANTIC = 1.0
#: Peak RSS at the main size, MiB.
GOAL_RSS_MIB = 48.0
#: Peak RSS growth from the main size to the large one, bytes per extra record.
GOAL_BYTES_PER_RECORD = 40.0
GOAL_JOBS_SPEEDUP = 1.9
#: --dask local:2 (a cluster started for the run) takes at most this many times --jobs 2.
GOAL_DASK = 1.3
#: summarise may take at most this many times validate's time on the same file.
GOAL_SUMMARISE = 1.5
#: An export through a profile reads at least this share of record format CSV's rate.
GOAL_EXPORT = 0.5
#: A best run is taken as undisturbed when its CPU time is at least this share of its
#: wall time (--jobs 2 on JOBS_MIN_RECORDS or more: at least JOBS_SHARE cores' worth).
CPU_SHARE = 0.9
JOBS_SHARE = 1.5
JOBS_MIN_RECORDS = 100_000
#: Warn when more than this share of the CPU is busy just before the run.
BUSY_WARNING = 0.1

PACKAGES = (
    "personal-outcomes",
    "jsonschema",
    "jsonschema-rs",
    "pydantic",
    "pydantic-core",
    "orjson",
    "msgspec",
    "attrs",
    "cattrs",
    "PyYAML",
)


# --------------------------------------------------------------------------- contenders


def _cli() -> list[str]:
    script = Path(PYTHON).parent / "personal-outcomes"
    return [str(script)] if script.exists() else [PYTHON, "-m", "personal_outcomes"]


_SUMMARY = re.compile(
    r"(\d+) records?: (\d+) valid, (\d+) invalid \((\d+) errors, (\d+) warnings\)"
)


def _text_counts(stdout: str) -> dict[str, int]:
    found = _SUMMARY.search(stdout.rstrip().rsplit("\n", 1)[-1])
    if found is None:
        raise RuntimeError(f"no summary line in the output: {stdout[-300:]!r}")
    names = ("records", "valid", "invalid", "errors", "warnings")
    return dict(zip(names, map(int, found.groups()), strict=True))


def _json_counts(stdout: str) -> dict[str, int]:
    report = json.loads(stdout)
    issues = report["issues"]
    return {
        "records": report["records"],
        "valid": report["valid"],
        "invalid": report["invalid"],
        "errors": sum(issue["severity"] == "error" for issue in issues),
        "warnings": sum(issue["severity"] == "warning" for issue in issues),
    }


_TALLY = re.compile(r"(\d+) records?: (\d+) included, (\d+) excluded for errors")


def _tally_counts(stdout: str) -> dict[str, int]:
    """Read the closing line of ``summarise``: records, included (valid), excluded."""
    found = _TALLY.search(stdout.rstrip().rsplit("\n", 1)[-1])
    if found is None:
        raise RuntimeError(f"no counts line in the output: {stdout[-300:]!r}")
    return dict(zip(("records", "valid", "invalid"), map(int, found.groups()), strict=True))


def _script_counts(stdout: str) -> dict[str, int]:
    pairs = (item.split("=", 1) for item in stdout.split())
    return {key: int(value) for key, value in pairs}


@dataclass(frozen=True)
class Contender:
    """A command timed as a whole process."""

    key: str
    label: str
    arguments: Callable[[Path], list[str]]
    counts: Callable[[str], dict[str, int]]
    exit_codes: tuple[int, ...] = (0,)


def _ours(*options: str) -> Callable[[Path], list[str]]:
    return lambda path: [*_cli(), "validate", *options, str(path)]


def _script(name: str) -> Callable[[Path], list[str]]:
    return lambda path: [PYTHON, str(HERE / name), str(path)]


OURS = Contender("ours", "personal-outcomes validate", _ours(), _text_counts, exit_codes=(0, 1))
OURS_JOBS2 = Contender(
    "ours-jobs2",
    "personal-outcomes validate --jobs 2",
    _ours("--jobs", "2"),
    _text_counts,
    exit_codes=(0, 1),
)
OURS_DASK2 = Contender(
    "ours-dask2",
    "personal-outcomes validate --dask local:2",
    _ours("--dask", "local:2"),
    _text_counts,
    exit_codes=(0, 1),
)
OURS_JSON = Contender(
    "ours-json",
    "personal-outcomes validate --format json",
    _ours("--format", "json"),
    _json_counts,
    exit_codes=(0, 1),
)
OURS_V1_CSV = Contender(
    "ours-v1-csv",
    "personal-outcomes validate (record format CSV)",
    _ours(),
    _text_counts,
    exit_codes=(0, 1),
)
OURS_EXPORT = Contender(
    "ours-export",
    "personal-outcomes validate --profile (the same rows as a system's export)",
    lambda path: [
        *_cli(),
        "validate",
        "--profile",
        str(path.parent / "export.profile.yaml"),
        str(path),
    ],
    _text_counts,
    exit_codes=(0, 1),
)
OURS_SUMMARISE = Contender(
    "ours-summarise",
    "personal-outcomes summarise",
    lambda path: [*_cli(), "summarise", str(path)],
    _tally_counts,
)
OURS_SUMMARISE_GROUPED = Contender(
    "ours-summarise-grouped",
    "personal-outcomes summarise --by context.team --by period",
    lambda path: [*_cli(), "summarise", "--by", "context.team", "--by", "period", str(path)],
    _tally_counts,
)
PYDANTIC = Contender(
    "pydantic",
    "pydantic v2 (baseline_pydantic.py)",
    _script("baseline_pydantic.py"),
    _script_counts,
)
JSONSCHEMA = Contender(
    "jsonschema",
    "jsonschema, published schemas (baseline_jsonschema.py)",
    _script("baseline_jsonschema.py"),
    _script_counts,
)
JSONSCHEMA_LEAN = Contender(
    "jsonschema-lean",
    "jsonschema, lean schemas (baseline_jsonschema_lean.py)",
    _script("baseline_jsonschema_lean.py"),
    _script_counts,
)
JSONSCHEMA_RS = Contender(
    "jsonschema-rs",
    "jsonschema-rs + orjson, lean schemas (baseline_jsonschema_rs.py)",
    _script("baseline_jsonschema_rs.py"),
    _script_counts,
)
FLOOR = Contender(
    "floor", "parsing alone (floor_orjson.py)", _script("floor_orjson.py"), _script_counts
)
FLOOR_MSGSPEC = Contender(
    "floor-msgspec",
    "typed decoding alone (floor_msgspec.py)",
    _script("floor_msgspec.py"),
    _script_counts,
)
#: The baselines whose valid and invalid counts are compared with personal-outcomes'.
BASELINES = ("jsonschema", "jsonschema-lean", "jsonschema-rs", "pydantic")
#: The baselines that tell warnings (the review rule) from errors, as validate does.
WARNING_AWARE = ("jsonschema-lean", "jsonschema-rs")
#: The slow baselines: on the small file only, unless --full-jsonschema.
SLOW = ("jsonschema", "jsonschema-lean")
#: Names of contenders in the ratios and goals.
_LEAN = "jsonschema, lean schemas"
_PUBLISHED = "jsonschema, published schemas"
_MSGSPEC = "typed decoding alone (msgspec)"
#: What a goal shows when its contender did not run (a --quick run, or old figures).
NOT_RUN = "not measured in this run"


# --------------------------------------------------------------------------- measuring


@dataclass
class Measurement:
    """The runs of one contender on one file."""

    contender: Contender
    records: int
    seconds: list[float] = field(default_factory=list)
    cpu_seconds: list[float] = field(default_factory=list)
    rss_kib: list[int] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def best(self) -> float:
        """Shortest wall-clock time of the runs."""
        return min(self.seconds)

    @property
    def rate(self) -> float:
        """Records per second, whole process, best run."""
        return self.records / self.best

    @property
    def rss_mib(self) -> float:
        """Largest peak RSS of the runs, MiB."""
        return max(self.rss_kib) / 1024

    @property
    def cpu_share(self) -> float:
        """CPU time over wall time of the best run: below 1 (per process) means it waited."""
        best = self.seconds.index(self.best)
        return self.cpu_seconds[best] / self.seconds[best]

    @property
    def spread(self) -> float:
        """Slowest run over fastest, minus one."""
        return max(self.seconds) / min(self.seconds) - 1


def child_environment() -> dict[str, str]:
    """Return the environment of the timed processes.

    Every contender starts from compiled bytecode, as an installed package does: bytecode
    writing is switched on (some environments set PYTHONDONTWRITEBYTECODE) and kept under
    benchmarks/_data/pycache, so nothing is written next to the sources.
    """
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    return env


def run_once(contender: Contender, path: Path) -> tuple[float, float, int, dict[str, int]]:
    """Run one process; return wall seconds, CPU seconds, peak RSS (KiB) and its counts."""
    arguments = contender.arguments(path)
    with tempfile.TemporaryDirectory() as folder:
        out, err = Path(folder, "stdout"), Path(folder, "stderr")
        # A small starter process runs the command and reports on it (see _measure.py).
        starter = [PYTHON, "-S", str(HERE / "_measure.py"), str(out), str(err), *arguments]
        done = subprocess.run(starter, capture_output=True, check=True, env=child_environment())
        report = json.loads(done.stdout)
        stdout = out.read_text(encoding="utf-8")
        stderr = err.read_text(encoding="utf-8", errors="replace")
    if report["exit_code"] not in contender.exit_codes:
        raise RuntimeError(f"{' '.join(arguments)} exited {report['exit_code']}:\n{stderr[-2000:]}")
    # On Linux ru_maxrss is in KiB; for a child it is the largest of the child and of
    # its own waited-for children, such as --jobs workers.
    return (
        report["seconds"],
        report["cpu_seconds"],
        report["maxrss_kib"],
        contender.counts(stdout),
    )


Task = tuple[str, Contender, Path, int]  # (table, contender, file, records in it)


def warm_up(contenders: Sequence[Contender], empty: Path) -> None:
    """Run each contender once, unmeasured, so that its bytecode is compiled and cached."""
    _say("warming up (bytecode caches)")
    for contender in {contender.key: contender for contender in contenders}.values():
        run_once(contender, empty)


def measure(tasks: Sequence[Task], repeats: int) -> dict[str, dict[str, Measurement]]:
    """Run every task ``repeats`` times, round-robin; return the runs by table and contender.

    Taking the tasks in turn, rather than each one's runs back to back, spreads any
    drift in the machine's speed over all contenders alike.
    """
    tables: dict[str, dict[str, Measurement]] = {}
    for table, contender, _, records in tasks:
        tables.setdefault(table, {})[contender.key] = Measurement(contender, records)
    for attempt in range(1, repeats + 1):
        for table, contender, path, records in tasks:
            _say(f"  {contender.label} on {path.name} (run {attempt}/{repeats})")
            seconds, cpu, rss, counts = run_once(contender, path)
            result = tables[table][contender.key]
            result.seconds.append(seconds)
            result.cpu_seconds.append(cpu)
            result.rss_kib.append(rss)
            result.counts = counts
            _say(f"    {seconds:.2f} s, {records / seconds:,.0f} records/s, {rss / 1024:.1f} MiB")
    return tables


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- data


def _short(count: int) -> str:
    if count % 1_000_000 == 0:
        return f"{count // 1_000_000}M"
    if count % 1_000 == 0:
        return f"{count // 1_000}k"
    return str(count)


def data_file(records: int) -> Path:
    """Return the generated file of ``records`` records, generating it if missing."""
    path = DATA / f"records-{_short(records)}.jsonl"
    if path.exists():
        return path
    DATA.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    _say(f"generating {path.relative_to(HERE.parent)} ({records:,} records)...")
    started = time.perf_counter()
    subprocess.run(
        [PYTHON, str(HERE / "generate.py"), "--records", str(records), "--output", str(partial)],
        check=True,
    )
    partial.replace(path)
    _say(f"  done in {time.perf_counter() - started:.0f} s")
    return path


#: Rows of the export benchmark: the record format's CSV and a system's export of it.
EXPORT_ROWS = 100_000


def export_files(records: Path, rows: int = EXPORT_ROWS) -> tuple[Path, Path, Path]:
    """Return (record format CSV, a system's export of it, its profile), made if missing.

    The valid records of ``records`` as record format CSV, cut after ``rows`` rows at a
    record's end; then ``generate_export.py`` writes the same rows as a care system's
    export (its own column names, cp1252 with semicolons, dd/mm/yyyy, its own words,
    outcome labels) and the import profile that reads it back.
    """
    v1 = DATA / f"export-{_short(rows)}-v1.csv"
    export = DATA / f"export-{_short(rows)}.csv"
    profile = DATA / "export.profile.yaml"
    if v1.exists() and export.exists() and profile.exists():
        return v1, export, profile
    _say(f"writing the {_short(rows)}-row CSV and export files...")
    whole = DATA / "export-all-v1.csv"
    subprocess.run(
        [*_cli(), "convert", str(records), "--to", "csv", "--output", str(whole)],
        check=False,  # some generated records are invalid on purpose: exit 1
        stderr=subprocess.DEVNULL,
    )
    with (
        whole.open(encoding="utf-8", newline="") as given,
        v1.open("w", encoding="utf-8", newline="") as out,
    ):
        header = given.readline()
        out.write(header)
        written, last = 0, None
        for line in given:
            key = line.split(",", 1)[0]
            if written >= rows and key != last:
                break
            out.write(line)
            written, last = written + 1, key
    whole.unlink()
    subprocess.run(
        [PYTHON, str(HERE / "generate_export.py"), str(v1), str(export), str(profile)], check=True
    )
    return v1, export, profile


def empty_file() -> Path:
    """Return an empty JSON Lines file: timing it gives a contender's start-up cost."""
    path = DATA / "empty.jsonl"
    DATA.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"")
    return path


def warm(path: Path) -> None:
    """Read a file once so that every contender finds it in the page cache."""
    with path.open("rb") as handle:
        while handle.read(16 * 1024 * 1024):
            pass


def index_mib(records: int) -> float:
    """Return what a record_id index of this size costs, as the validator keeps it (MiB).

    The validator's own index (its head a dict, then compact buckets), ids like the
    generated ones, each with a packed place (file, record, line).
    """
    from personal_outcomes.validation._index import IdIndex  # noqa: PLC0415 (only here)

    tracemalloc.start()
    index = IdIndex()
    first = index.first
    for i in range(records):
        first(f"r-{i:08d}", (i << 40) + i + 1)
    size, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del index, first
    return size / 2**20


# --------------------------------------------------------------------------- machine


def _cpu_times() -> tuple[int, int]:
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields[:8]) - idle, sum(fields[:8])


def cpu_busy(seconds: float = 2.0) -> float | None:
    """Return the share of all cores busy over a short wait (Linux), before measuring."""
    try:
        busy_before, total_before = _cpu_times()
        time.sleep(seconds)
        busy_after, total_after = _cpu_times()
    except (OSError, ValueError, IndexError):
        return None
    return (busy_after - busy_before) / max(total_after - total_before, 1)


def source_digest() -> str:
    """Return a short digest of the package's Python source, to see what was measured.

    Other work may change the code while the benchmark runs; comparing the digest
    before and after tells.
    """
    spec = importlib.util.find_spec("personal_outcomes")
    folders = spec.submodule_search_locations if spec is not None else None
    digest = hashlib.sha256()
    for folder in folders or ():
        for path in sorted(Path(folder).rglob("*.py")):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def machine() -> dict[str, str]:
    """Describe the machine and software of this run."""
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 2**20:.1f} GiB"
                break
    except OSError:
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    versions = []
    for package in PACKAGES:
        try:
            versions.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{package} (not installed)")
    return {
        "cpu": f"{model}, {usable} usable cores (os.cpu_count() = {os.cpu_count()})",
        "memory": memory,
        "os": platform.platform(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "packages": ", ".join(versions),
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


# --------------------------------------------------------------------------- report


@dataclass
class Results:
    """Everything one benchmark run measured."""

    small: int
    main: int
    large: int | None
    startup: dict[str, Measurement]
    at_small: dict[str, Measurement]
    at_main: dict[str, Measurement]
    at_large: dict[str, Measurement]
    index_growth_mib: float | None
    info: dict[str, str]
    #: The same rows as record format CSV and as a system's export through a profile.
    at_exports: dict[str, Measurement] = field(default_factory=dict)

    def slow(self, key: str) -> Measurement | None:
        """A slow baseline's run: on the main file if it ran there, else on the small one."""
        return self.at_main.get(key) or self.at_small.get(key)

    def slow_rate(self, key: str) -> float:
        """Records/s of a slow baseline net of its start-up (favours the baseline)."""
        run = self.slow(key)
        if run is None:
            raise LookupError(f"{key} did not run")
        return run.records / (run.best - self.startup[key].best)

    def net_rate(self, key: str) -> float:
        """Records/s of a contender on the main file, net of its start-up."""
        run = self.at_main[key]
        return run.records / (run.best - self.startup[key].best)

    def ratios(self) -> list[tuple[str, float]]:  # noqa: PLR0912 (one list, in order)
        """Speed ratios computed from this run."""
        at_main = self.at_main
        ours = at_main["ours"]
        main, small = _short(self.main), _short(self.small)
        found = []
        if "jsonschema-rs" in at_main:
            found.append(
                (
                    f"personal-outcomes / jsonschema-rs + orjson, lean schemas ({main})",
                    ours.rate / at_main["jsonschema-rs"].rate,
                )
            )
        for key, name in (("floor", "parsing alone (orjson)"), ("floor-msgspec", _MSGSPEC)):
            if key in at_main:
                found.append(
                    (
                        f"personal-outcomes time / {name} time ({main})",
                        ours.best / at_main[key].best,
                    )
                )
        for key, name in (("jsonschema-lean", _LEAN), ("jsonschema", _PUBLISHED)):
            if self.slow(key) is None:
                continue
            rate = self.slow_rate(key)
            found.append(
                (f"personal-outcomes ({main}) / {name} net of its start-up", ours.rate / rate)
            )
            if key == "jsonschema-lean" and "ours-json" in at_main:
                found.append(
                    (
                        f"personal-outcomes --format json ({main}) / {name} net of its start-up",
                        at_main["ours-json"].rate / rate,
                    )
                )
            found += [
                (
                    f"personal-outcomes / {name}, both whole-process on {small}",
                    self.at_small["ours"].rate / self.at_small[key].rate,
                ),
                (
                    f"personal-outcomes / {name} per record, both net of start-up ({main})",
                    self.net_rate("ours") / rate,
                ),
            ]
        if "pydantic" in at_main:
            pyd = at_main["pydantic"]
            found.append((f"personal-outcomes / pydantic v2 ({main})", ours.rate / pyd.rate))
            if self.main != self.small:
                found.append(
                    (
                        f"personal-outcomes / pydantic v2 ({small})",
                        self.at_small["ours"].rate / self.at_small["pydantic"].rate,
                    )
                )
            if "ours-jobs2" in at_main:
                found.append(
                    (
                        f"personal-outcomes --jobs 2 / pydantic v2 ({main})",
                        at_main["ours-jobs2"].rate / pyd.rate,
                    )
                )
        exports = self.at_exports
        if "ours-export" in exports:
            found.append(
                (
                    (
                        f"export through a profile / record format CSV, rows/s "
                        f"({_short(exports['ours-export'].records)} rows)"
                    ),
                    exports["ours-export"].rate / exports["ours-v1-csv"].rate,
                )
            )
        for key, label in (
            ("ours-summarise", "summarise"),
            ("ours-summarise-grouped", "summarise by team and month"),
        ):
            if key in at_main:
                found.append(
                    (f"{label} time / validate time ({main})", at_main[key].best / ours.best)
                )
        if self.at_large:
            found.append(
                (
                    f"personal-outcomes --jobs 2 / --jobs 1 ({_short(self.large or 0)})",
                    self.at_large["ours"].best / self.at_large["ours-jobs2"].best,
                )
            )
        return found

    def goals(self) -> list[tuple[str, str, bool | None]]:
        """Return each goal: what it asks, what was measured, and whether it is met.

        A goal whose contender did not run in this run is listed with ``None``: not
        measured, never left out.
        """
        return [*self._speed_goals(), *self._other_goals(), *self._large_goals()]

    def _speed_goals(self) -> list[tuple[str, str, bool | None]]:
        at_main = self.at_main
        ours = at_main["ours"]
        main = _short(self.main)
        found: list[tuple[str, str, bool | None]] = []
        goal = f"at least as fast as jsonschema-rs + orjson on the lean schemas ({main})"
        if "jsonschema-rs" in at_main:
            rs = at_main["jsonschema-rs"]
            found.append(
                (
                    goal,
                    (
                        f"{_ratio(ours.rate / rs.rate)}: {_rate(ours.rate)} vs {_rate(rs.rate)} "
                        "records/s"
                    ),
                    ours.rate / rs.rate >= GOAL_VS_RS,
                )
            )
        else:
            found.append((goal, NOT_RUN, None))
        goal = f"at most {GOAL_VS_FLOOR:.0f}x the time of parsing alone with orjson ({main})"
        if "floor" in at_main:
            floor = at_main["floor"]
            cost = ours.best / floor.best
            found.append(
                (
                    goal,
                    f"{_ratio(cost)}: {ours.best:.2f} s vs {floor.best:.2f} s",
                    cost <= GOAL_VS_FLOOR,
                )
            )
        else:
            found.append((goal, NOT_RUN, None))
        for key, aim, name in (
            ("jsonschema-lean", GOAL_VS_LEAN, "a reused jsonschema validator, lean schemas"),
            ("jsonschema", GOAL_VS_JSONSCHEMA, "jsonschema on the published schemas"),
        ):
            goal = f"at least {aim:.0f}x {name}"
            if self.slow(key) is None:
                found.append((goal, NOT_RUN, None))
                continue
            rate = self.slow_rate(key)
            found.append(
                (
                    goal,
                    (
                        f"{_ratio(ours.rate / rate)}: {_rate(ours.rate)} records/s ({main}) vs "
                        f"{_rate(rate)} (net of its start-up)"
                    ),
                    ours.rate / rate >= aim,
                )
            )
        goal = "at least pydantic v2's throughput"
        if "pydantic" in at_main:
            pyd_rate = at_main["pydantic"].rate
            found.append(
                (
                    goal,
                    (
                        f"{_ratio(ours.rate / pyd_rate)}: {_rate(ours.rate)} vs {_rate(pyd_rate)} "
                        f"records/s ({main})"
                    ),
                    ours.rate / pyd_rate >= GOAL_VS_PYDANTIC,
                )
            )
        else:
            found.append((goal, NOT_RUN, None))
        return found

    def _other_goals(self) -> list[tuple[str, str, bool | None]]:
        ours = self.at_main["ours"]
        main = _short(self.main)
        found: list[tuple[str, str, bool | None]] = [
            (
                f"peak RSS at most {GOAL_RSS_MIB:.0f} MiB at {main} records",
                f"{_mib(ours.rss_mib)} MiB",
                ours.rss_mib <= GOAL_RSS_MIB,
            )
        ]
        export = self.at_exports.get("ours-export")
        goal = (
            f"an export through a profile at least {GOAL_EXPORT:.1f}x the rate of the "
            f"same rows as record format CSV"
        )
        if export is not None:
            share = export.rate / self.at_exports["ours-v1-csv"].rate
            found.append(
                (
                    f"{goal} ({_short(export.records)} rows)",
                    (
                        f"{_ratio(share)}: {_rate(export.rate)} vs "
                        f"{_rate(self.at_exports['ours-v1-csv'].rate)} rows/s"
                    ),
                    share >= GOAL_EXPORT,
                )
            )
        else:
            found.append((goal, NOT_RUN, None))
        tally = self.at_main.get("ours-summarise")
        goal = f"summarise at most {GOAL_SUMMARISE}x the time of validate ({main})"
        if tally is not None:
            cost = tally.best / ours.best
            found.append(
                (
                    goal,
                    f"{_ratio(cost)}: {tally.best:.2f} s vs {ours.best:.2f} s",
                    cost <= GOAL_SUMMARISE,
                )
            )
        else:
            found.append((goal, NOT_RUN, None))
        return found

    def _large_goals(self) -> list[tuple[str, str, bool | None]]:
        ours = self.at_main["ours"]
        main = _short(self.main)
        large = self.at_large.get("ours")
        size = f"{_short(large.records)} records" if large is not None else "the large file"
        memory = (
            f"beyond {main} records, peak RSS at most {GOAL_BYTES_PER_RECORD:.0f} bytes "
            "per extra record"
        )
        jobs = f"--jobs 2 at least {GOAL_JOBS_SPEEDUP}x --jobs 1 on {size}"
        dask = f"--dask local:2 at most {GOAL_DASK}x the time of --jobs 2 on {size}"
        if large is None:
            return [(memory, NOT_RUN, None), (jobs, NOT_RUN, None), (dask, NOT_RUN, None)]
        growth = large.rss_mib - ours.rss_mib
        per_record = growth * 2**20 / (large.records - ours.records)
        index = (
            f"; the id index of the extra ids alone: {_mib(self.index_growth_mib)} MiB"
            if self.index_growth_mib is not None
            else ""
        )
        jobs2 = self.at_large["ours-jobs2"]
        speedup = large.best / jobs2.best
        found: list[tuple[str, str, bool | None]] = [
            (
                memory,
                f"{per_record:.0f} bytes: +{_mib(growth)} MiB from {main} to {size}{index}",
                per_record <= GOAL_BYTES_PER_RECORD,
            ),
            (
                jobs,
                f"{_ratio(speedup)}: {large.best:.1f} s -> {jobs2.best:.1f} s",
                speedup >= GOAL_JOBS_SPEEDUP,
            ),
        ]
        dask2 = self.at_large.get("ours-dask2")
        if dask2 is not None:
            cost = dask2.best / jobs2.best
            found.append(
                (
                    dask,
                    f"{_ratio(cost)}: {dask2.best:.1f} s vs {jobs2.best:.1f} s",
                    cost <= GOAL_DASK,
                )
            )
        else:
            found.append((dask, NOT_RUN, None))
        return found

    def disturbed(self) -> list[str]:
        """Name the best runs that did not get the CPU they needed (other processes ran)."""
        found = []
        tables = [self.startup, self.at_small, self.at_large]
        if self.at_main is not self.at_small:  # a --quick run: one table, judged once
            tables.insert(2, self.at_main)
        for table in tables:
            for run in table.values():
                if run.contender.key == "ours-dask2":
                    continue  # its workers, forked by a fork server, are not its children
                jobs = run.contender.key == "ours-jobs2" and run.records >= JOBS_MIN_RECORDS
                if run.cpu_share < (JOBS_SHARE if jobs else CPU_SHARE):
                    where = _short(run.records) if run.records else "the empty file"
                    found.append(f"{run.contender.label} on {where} {run.cpu_share:.2f}")
        return found

    def contention_text(self) -> str:
        """Say whether the timings can be trusted, as far as CPU shares tell."""
        busy = self.info.get("busy_before", "")
        lines = []
        disturbed = self.disturbed()
        if disturbed:
            lines.append(
                "**Warning: other processes took CPU time from these best runs** (CPU time / "
                "wall time): " + "; ".join(disturbed) + ". Their figures are too low; run "
                "`make bench` again on a quiet machine."
            )
        else:
            lines.append(
                "Every best run had the CPU it needed: CPU time / wall time at least "
                f"{CPU_SHARE} (at least {JOBS_SHARE} for `--jobs 2` on "
                f"{_short(JOBS_MIN_RECORDS)} records or more)."
            )
        if busy:
            lines.append(f"Before the run, {busy} of the CPU was busy with other work.")
        return " ".join(lines)

    def count_notes(self) -> list[str]:
        """Say whether the contenders agree on the numbers of valid and invalid records."""
        notes = []
        tables = [(self.small, self.at_small)]
        if self.at_main is not self.at_small:
            tables.append((self.main, self.at_main))
        for size, table in tables:
            ours = table["ours"].counts
            for key in BASELINES:
                if key not in table:
                    continue
                other = table[key].counts
                names = ("valid", "invalid", *(("warnings",) if key in WARNING_AWARE else ()))
                same = all(other[name] == ours[name] for name in names)
                notes.append(
                    f"{_short(size)}: {table[key].contender.label}: "
                    + ", ".join(f"{other[name]} {name}" for name in names)
                    + "; personal-outcomes: "
                    + ", ".join(f"{ours[name]} {name}" for name in names)
                    + f" ({'the same' if same else 'DIFFERENT'})"
                )
        return notes


CONTENDERS = {
    c.key: c
    for c in (
        OURS,
        OURS_JOBS2,
        OURS_DASK2,
        OURS_JSON,
        OURS_SUMMARISE,
        OURS_SUMMARISE_GROUPED,
        OURS_V1_CSV,
        OURS_EXPORT,
        PYDANTIC,
        JSONSCHEMA,
        JSONSCHEMA_LEAN,
        JSONSCHEMA_RS,
        FLOOR,
        FLOOR_MSGSPEC,
    )
}


def save(results: Results, repeats: int, large_repeats: int, path: Path = LAST_RUN) -> None:
    """Keep the raw figures of this run, so the report can be rebuilt without re-running."""

    def table(measurements: dict[str, Measurement]) -> dict[str, object]:
        return {
            key: {
                "records": run.records,
                "seconds": run.seconds,
                "cpu_seconds": run.cpu_seconds,
                "rss_kib": run.rss_kib,
                "counts": run.counts,
            }
            for key, run in measurements.items()
        }

    data = {
        "small": results.small,
        "main": results.main,
        "large": results.large,
        "repeats": repeats,
        "large_repeats": large_repeats,
        "startup": table(results.startup),
        "at_small": table(results.at_small),
        "at_main": table(results.at_main),
        "at_large": table(results.at_large),
        "at_exports": table(results.at_exports),
        "index_growth_mib": results.index_growth_mib,
        "info": results.info,
    }
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")


def load(path: Path = LAST_RUN) -> tuple[Results, int, int]:
    """Read the raw figures of the last run."""
    data = json.loads(path.read_text(encoding="utf-8"))

    def table(raw: dict[str, dict[str, object]]) -> dict[str, Measurement]:
        return {
            key: Measurement(
                CONTENDERS[key],
                records=int(run["records"]),  # type: ignore[call-overload]
                seconds=list(run["seconds"]),  # type: ignore[call-overload]
                cpu_seconds=list(run["cpu_seconds"]),  # type: ignore[call-overload]
                rss_kib=list(run["rss_kib"]),  # type: ignore[call-overload]
                counts=dict(run["counts"]),  # type: ignore[call-overload]
            )
            for key, run in raw.items()
        }

    at_small = table(data["at_small"])
    results = Results(
        small=data["small"],
        main=data["main"],
        large=data["large"],
        startup=table(data["startup"]),
        at_small=at_small,
        at_main=at_small if data["main"] == data["small"] else table(data["at_main"]),
        at_large=table(data["at_large"]),
        at_exports=table(data.get("at_exports", {})),
        index_growth_mib=data["index_growth_mib"],
        info=data["info"],
    )
    return results, data["repeats"], data["large_repeats"]


#: A goal's verdict in the README, and on the terminal: met, not met, not measured.
VERDICTS = {True: "**met**", False: "**not met**", None: "**not measured**"}
SAID = {True: "met", False: "NOT MET", None: "not run"}


def _mib(value: float) -> str:
    return f"{value:.1f}"


def _rate(value: float) -> str:
    return f"{value:,.0f}"


def _ratio(value: float) -> str:
    return f"{value:.2f}x" if value < 10 else f"{value:.1f}x"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], left: int = 1) -> str:
    """Return a Markdown table; columns after the first ``left`` ones align right."""
    rules = ["---" if i < left else "---:" for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |"]
    lines.append("|" + "|".join(rules) + "|")
    lines.extend("| " + " | ".join(row) + " |" for row in rows)
    return "\n".join(lines)


SPEED_HEADER = (
    "contender",
    "records",
    "records/s",
    "wall s (best)",
    "start-up s",
    "CPU s",
    "peak RSS MiB",
    "valid",
    "invalid",
    "errors",
)


def _speed_table(results: dict[str, Measurement], startup: dict[str, Measurement]) -> str:
    rows = []
    for key, run in results.items():
        start = startup.get(key)
        rows.append(
            [
                run.contender.label,
                f"{run.records:,}",
                _rate(run.rate),
                f"{run.best:.2f}",
                f"{start.best:.2f}" if start else "-",
                f"{sum(run.cpu_seconds) / len(run.cpu_seconds):.2f}",
                _mib(run.rss_mib),
                *(str(run.counts.get(name, "-")) for name in ("valid", "invalid", "errors")),
            ]
        )
    return _table(SPEED_HEADER, rows)


def summary(results: Results) -> str:
    """The figures as printed on the terminal."""
    lines = [f"Machine: {results.info['cpu']}; {results.info['python']}"]
    lines += [f"personal-outcomes source: {results.info.get('source', 'not recorded')}", ""]
    tables = [(results.small, results.at_small)]
    if results.at_main is not results.at_small:
        tables.append((results.main, results.at_main))
    if results.large and results.at_large:
        tables.append((results.large, results.at_large))
    for size, table in tables:
        lines.append(
            f"{_short(size) + ' records':<44} {'records/s':>9} {'wall s':>7} {'RSS MiB':>7} "
            f"{'valid':>7} {'invalid':>7}"
        )
        lines += [
            f"  {run.contender.label:<42} {_rate(run.rate):>9} {run.best:7.2f} "
            f"{_mib(run.rss_mib):>7} {run.counts['valid']:>7} {run.counts['invalid']:>7}"
            for run in table.values()
        ]
        lines.append("")
    lines.append(
        "start-up (empty file): "
        + ", ".join(f"{run.contender.key} {run.best:.2f} s" for run in results.startup.values())
    )
    lines += [
        f"{name} net of start-up: {_rate(results.slow_rate(key))} records/s"
        for key, name in (("jsonschema-lean", _LEAN), ("jsonschema", _PUBLISHED))
        if results.slow(key) is not None
    ]
    lines.append("")
    lines.append("Ratios")
    lines += [f"  {name:<58} {_ratio(value):>7}" for name, value in results.ratios()]
    lines.append("")
    lines.append("Goals")
    lines += [f"  [{SAID[met]:^7}] {goal}: {measured}" for goal, measured, met in results.goals()]
    lines.append("")
    lines.append(textwrap.fill(results.contention_text(), width=100))
    lines.append("")
    lines.append("Counts")
    lines += [f"  {note}" for note in results.count_notes()]
    return "\n".join(lines)


README_TEMPLATE = """\
# Benchmarks

<!-- Written by benchmarks/run.py (make bench): change that script, not this file. -->

How fast `personal-outcomes validate` checks JSON Lines records, and with how much memory,
compared with what an integrator would otherwise write. This is a benchmark run by hand;
no test asserts a timing.

## How to run

```sh
make bench                                    # installs .[bench], runs it all, rewrites this file
.venv/bin/python benchmarks/run.py --quick    # 10,000 records, one run each; this file untouched
.venv/bin/python benchmarks/run.py --records 200000 --no-readme   # another main size
.venv/bin/python benchmarks/run.py --full-jsonschema   # both jsonschema baselines on 100k (slow)
.venv/bin/python benchmarks/run.py --report-only       # rebuild this file, no timing
.venv/bin/python benchmarks/run.py --quick --readme /tmp/README.md   # a smoke run's report
```

The first run generates the data into `benchmarks/_data/` (ignored by git) with
`benchmarks/generate.py`: 10,000, 100,000 and 1,000,000 records (about 1.2 kB each, so the
largest file is about 1.2 GB and takes a minute or two to generate); later runs reuse them.
Each contender also runs by itself, e.g.
`.venv/bin/python benchmarks/baseline_pydantic.py benchmarks/_data/records-100k.jsonl`, and
`.venv/bin/python benchmarks/lean_schema.py` prints the lean schemas.

## What is measured, and how

- **Data**: `generate.py` with seed 2026: records of the three bundled frameworks, 1 to 6
  outcomes each, about 10% with one fault of the kinds integrators see (unknown outcome id,
  missing field, impossible date, status missing at review (a warning since record format
  1.1), unknown key, wrong type, duplicated `record_id`); the data names the frameworks'
  version 1.0.0, an earlier release every contender accepts. The smaller files are prefixes
  of the larger ones.
- **Contenders**, each a whole process started afresh, so interpreter start-up, imports and
  building schemas or models are part of its time:
  - `personal-outcomes validate FILE`, every check on (schema, framework-aware checks,
    duplicate ids, future dates), the text report written to a file; also with `--jobs 2`
    and with `--format json` (which holds every issue in memory to print one JSON object).
  - `personal-outcomes summarise FILE`: every check of `validate`, then the counts of
    mentions, persons and review levels per outcome (records with errors left out), the
    table written to a file; and the same `--by context.team --by period`, per team and
    month: about 7,400 rows, the heavy case, where each record's counts land in one of
    thousands of groups.
  - `personal-outcomes validate` on the same {export_rows} rows as record format CSV, and
    `validate --profile` on them as a care system would export them
    (`generate_export.py`: its own column names, Windows-1252 with semicolons,
    dd/mm/yyyy dates, its own words for stages and review results, outcome labels).
  - **The lean schemas** (`lean_schema.py`): the JSON Schema an integrator writes by hand
    from the record format's page, one per framework: `required` and
    `additionalProperties: false` at every level, `type` on every field, enums of the
    stage, the framework's outcome ids, review levels and released versions, contributors
    and perspectives, `minLength`/`maxLength` on text, `minItems`/`maxItems` on lists,
    `format: date` for `recorded_on`, and the review rule as an `if`/`then` (at stage
    `review` every outcome has a `status`; an error under it is counted as a warning, as
    record format 1.1 makes it the warning `status-missing`). No patterns, no `$ref`.
  - `baseline_jsonschema_lean.py`: one reused `jsonschema.Draft202012Validator` per
    framework with `format_checker=Draft202012Validator.FORMAT_CHECKER`, on the lean
    schemas; `json.loads` per line; every error collected with `iter_errors`; duplicate ids
    found with a set.
  - `baseline_jsonschema_rs.py`: jsonschema-rs on the same lean schemas, one validator per
    framework from `jsonschema_rs.validator_for(schema, validate_formats=True)` (draft
    2020-12 only annotates `format` unless asked); `orjson.loads` per line; `is_valid`, then
    for an invalid record every error from `iter_errors`; duplicate ids found with a set.
  - `baseline_jsonschema.py`: the same as the lean jsonschema baseline, but on the project's
    own published record schemas of each release (`personal_outcomes.schemas.record_schema`),
    which are heavier (a pattern on every text and identifier spelling out what counts as
    space, the exact shape of a date and of context names).
  - `baseline_pydantic.py`: pydantic v2 models equivalent to record format 1.1, built from
    the bundled frameworks with `create_model`: strict, `extra="forbid"`, the format's string
    limits, versions, outcome ids, review levels and perspectives as `Literal`s, a
    discriminated union on `framework`; `TypeAdapter.validate_json` per line; every error
    listed; duplicate ids found with a set.
  - `floor_orjson.py`: parsing alone (`orjson.loads` per line and a set of ids): the floor
    under any validator written in Python.
  - `floor_msgspec.py`: typed decoding alone: `msgspec.json.Decoder` straight into `Struct`s
    of the record format written from its page (fields, types, no unknown keys, text limits,
    stages, contributors and perspectives as `Literal`s, a real date), with outcome ids,
    review levels and every framework-aware rule left out, and a set of ids.
- **Time**: wall clock from the start of the process to its exit. On the empty, {small} and
  {main} files, the best of {repeats} runs, taken round-robin over every contender and file so
  that a drift in the machine's speed touches all alike; {large_runs} each on {large}.
  **records/s** is records / that time, start-up included. **start-up** is the same command
  on an empty file. **CPU s** is user + system time (mean of the runs), workers included.
- **Bytecode**: every contender runs with bytecode writing on and
  `PYTHONPYCACHEPREFIX=benchmarks/_data/pycache`, after one unmeasured warm-up run, so each
  starts from compiled bytecode as an installed package would (and nothing is written next
  to the sources).
- **Memory**: the child's peak resident set size (`ru_maxrss` from `os.wait4`). With
  `--jobs 2` it is the largest single process (the parent or a worker), not their sum.
{jsonschema_text}
- Valid and invalid counts are read from each contender's own output and compared below.

## Machine

- CPU: {cpu}; memory {memory}
- OS: {os}
- Python: {python}
- Packages: {packages}
- personal-outcomes source: {source}
- Run: {date}

## Results

{conditions}

### Exports: {export_rows} rows, as record format CSV and as a system's export

{export_table}

### {main} records (main figures)

{main_table}

### {small} records (every contender on the same file)

{small_table}
{large_section}
### Ratios (from this run)

{ratio_table}

### Peak memory of `personal-outcomes validate`

{rss_table}
{growth_text}
## Goals

The goals from the issues, all with every framework-aware check on; a goal whose contender
did not run is shown as not measured:

{goal_table}

## Agreement of the counts

{count_notes}

{agreement_text}

## Notes

- The anchors quoted in the issues (jsonschema about 2,500 records/s on the published schemas
  and about 1,950 on lean ones, pydantic about 70,000, orjson parsing about 280,000) were
  measured on another machine. Only ratios from the same run are comparable, which is why
  every contender runs each time.
{startup_note}
{jobs_note}
{spread_note}
"""


def _wrap(text: str, indent: str = "") -> str:
    return textwrap.fill(text, width=92, initial_indent=indent, subsequent_indent=indent)


def _jsonschema_text(results: Results) -> str:
    parts = []
    for key, name in (("jsonschema-lean", "lean"), ("jsonschema", "published-schema")):
        run = results.slow(key)
        if run is None:
            continue
        start = results.startup[key].best
        where = (
            f"runs on the {_short(run.records)} file only: at {_rate(run.rate)} records/s a "
            f"{_short(results.main)} run would take about {results.main / run.rate:.0f} s, and "
            "its cost per record does not depend on the file size."
            if run.records != results.main
            else f"runs on the {_short(run.records)} file like the others."
        )
        parts.append(
            f"- **The {name} jsonschema baseline** {where} For the ratios its rate is taken "
            f"*net of its start-up*: {run.records:,} / ({run.best:.2f} s - {start:.2f} s) = "
            f"{_rate(results.slow_rate(key))} records/s, which flatters it a little (every "
            "other contender is charged its start-up)."
        )
    return "\n".join(_wrap(part).replace("\n", "\n  ") for part in parts)


def _agreement_text(results: Results) -> str:
    tables = [results.at_small] + (
        [results.at_main] if results.at_main is not results.at_small else []
    )
    compared = [(table, key) for table in tables for key in BASELINES if key in table]
    verdicts = [
        table[key].counts[name] == table["ours"].counts[name]
        for table, key in compared
        for name in ("valid", "invalid")
    ]
    errors_same = all(
        table[key].counts["errors"] == table["ours"].counts["errors"] for table, key in compared
    )
    first = (
        "The contenders agree on which records are valid and invalid in this data"
        if all(verdicts)
        else "**The contenders disagree on some records**: see the tables above"
    )
    errors = (
        "and here even on the number of errors, since each fault the generator plants is one "
        "failing keyword, one pydantic error and one issue."
        if errors_same
        else "but not on the number of errors."
    )
    return _wrap(
        f"{first}, {errors} The lean-schema baselines also count the warnings of the review "
        "rule (an error under its `then`), which the baseline on the published schemas "
        "cannot tell (those schemas leave the rule to the checker). On other data the numbers "
        "of errors differ by design: pydantic stops inside a failing branch of a union, "
        "jsonschema reports every failing keyword, and personal-outcomes reports each fault "
        "once under its own code (an unknown outcome is `unknown-outcome`, not also a schema "
        "enum error). personal-outcomes also checks what the baselines do not: identifiers "
        "without space and text that is not only space, future dates, the same outcome twice "
        "in one record, and retired outcomes (warnings). The generated data has none of "
        "those, which is why the counts can match exactly. The floors check less: parsing "
        "alone finds only duplicate ids, and typed decoding finds neither unknown outcome ids "
        "nor the duplicate of a record that did not decode."
    )


def _bullet(text: str) -> str:
    return textwrap.fill(text, width=92, initial_indent="- ", subsequent_indent="  ")


def _startup_note(results: Results) -> str:
    start = results.startup
    parts = [f"{start['ours'].best:.2f} s for personal-outcomes"]
    for key, name in (
        ("pydantic", "the pydantic script (models built)"),
        ("jsonschema-lean", "the lean jsonschema script (validators built)"),
        ("jsonschema", "the published-schema jsonschema script"),
        ("jsonschema-rs", "the jsonschema-rs script"),
        ("floor-msgspec", "typed decoding alone"),
        ("floor", "parsing alone"),
    ):
        if key in start:
            parts.append(f"{start[key].best:.2f} s for {name}")
    return _bullet(
        f"Start-up is a fixed cost per process: {', '.join(parts)}. The baselines' start-up "
        "includes loading the bundled frameworks, as the schemas and models are built from "
        f"them. It weighs on the {_short(results.small)} figures, much less on the "
        f"{_short(results.main)} ones."
    )


def _jobs_note(results: Results) -> str:
    text = (
        "`--jobs N` cuts a JSON Lines file into chunks checked by worker processes while the "
        "parent keeps the one duplicate-id index; it pays on big files, where start-up no "
        "longer dominates, hence its measurement on "
        f"{_short(results.large) + ' records' if results.large else 'a large file'}."
    )
    if results.at_large:
        one, two = results.at_large["ours"], results.at_large["ours-jobs2"]
        cpu_one = one.cpu_seconds[one.seconds.index(one.best)]
        cpu_two = two.cpu_seconds[two.seconds.index(two.best)]
        busy_one, busy_two = cpu_one / one.best, cpu_two / two.best
        text += (
            f" In the best runs `--jobs 2` used {cpu_two:.1f} s of CPU against {cpu_one:.1f} s "
            f"for `--jobs 1` ({cpu_two / cpu_one - 1:+.0%}) and kept {busy_two:.2f} of the 2 "
            f"cores busy ({busy_one:.2f} with `--jobs 1`): speed-up = ({busy_two:.2f} / "
            f"{busy_one:.2f}) / {cpu_two / cpu_one:.2f} = "
            f"{(busy_two / busy_one) / (cpu_two / cpu_one):.2f}. Reaching 2x needs both no "
            "extra work (sending ids and issues back, merging in the parent) and no core left "
            "waiting."
        )
    return _bullet(text)


def _spread_note(results: Results) -> str:
    spreads = [
        f"{name} {results.at_main[key].spread:.0%}"
        for key, name in (
            ("ours", "personal-outcomes"),
            ("jsonschema-rs", "jsonschema-rs"),
            ("pydantic", "pydantic"),
        )
        if key in results.at_main
    ]
    slow = [
        f"{name} {run.spread:.0%} at {_short(run.records)}"
        for key, name in (("jsonschema-lean", "lean jsonschema"), ("jsonschema", "jsonschema"))
        if (run := results.slow(key)) is not None
    ]
    return _bullet(
        "Run-to-run spread (slowest / fastest of the runs, minus 1): "
        f"{', '.join(spreads)} at {_short(results.main)}"
        + (f"; {', '.join(slow)}" if slow else "")
        + ". Timings on this virtual machine vary from run to run: a ratio within that much of "
        "a goal can land on either side of it next time."
    )


def readme(results: Results, repeats: int, large_repeats: int) -> str:
    """Return the text of benchmarks/README.md for this run."""
    ours = results.at_main["ours"]
    large_section = growth_text = ""
    rss_rows = [[f"{results.small:,}", _mib(results.at_small["ours"].rss_mib)]]
    if results.main != results.small:
        rss_rows.append([f"{results.main:,}", _mib(ours.rss_mib)])
    if results.at_large and results.large:
        large = results.at_large["ours"]
        large_section = (
            f"\n### {_short(results.large)} records: `--jobs`\n\n"
            f"{_speed_table(results.at_large, results.startup)}\n"
        )
        rss_rows.append([f"{results.large:,}", _mib(large.rss_mib)])
        if results.index_growth_mib is not None:
            growth = large.rss_mib - ours.rss_mib
            extra = results.large - results.main
            growth_text = (
                "\n"
                + _wrap(
                    f"From {results.main:,} to {results.large:,} records the peak grows by "
                    f"{_mib(growth)} MiB, {growth * 2**20 / extra:.0f} bytes per extra record "
                    f"(the goal: at most {GOAL_BYTES_PER_RECORD:.0f}). The duplicate-id index "
                    "(each `record_id` and where it was first seen: the first 100,000 in a "
                    "dict, the rest in compact buckets) costs "
                    f"{_mib(results.index_growth_mib)} MiB for those {extra:,} extra ids, "
                    f"{results.index_growth_mib * 2**20 / extra:.0f} bytes each (the "
                    "validator's own index, measured in-process with `tracemalloc` on ids of "
                    "the same shape); the rest is allocator slack and page granularity."
                )
                + "\n"
            )
    info = results.info
    return README_TEMPLATE.format(
        repeats=repeats,
        small=_short(results.small),
        main=_short(results.main),
        large=_short(results.large) if results.large else "(not run)",
        large_runs="one run" if large_repeats == 1 else f"the best of {large_repeats} runs",
        jsonschema_text=_jsonschema_text(results),
        agreement_text=_agreement_text(results),
        startup_note=_startup_note(results),
        jobs_note=_jobs_note(results),
        spread_note=_spread_note(results),
        cpu=info["cpu"],
        memory=info["memory"],
        os=info["os"],
        python=info["python"],
        packages=info["packages"],
        source=info.get("source", "not recorded"),
        conditions=_wrap(results.contention_text()),
        date=info["date"],
        main_table=_speed_table(results.at_main, results.startup),
        small_table=(
            _speed_table(results.at_small, results.startup)
            if results.at_main is not results.at_small
            else "The same file as the main figures (a --quick run): see above."
        ),
        large_section=large_section,
        export_rows=(
            _short(results.at_exports["ours-export"].records) if results.at_exports else "(not run)"
        ),
        export_table=(
            _speed_table(results.at_exports, results.startup).replace("records/s", "rows/s")
            if results.at_exports
            else "Not measured in this run."
        ),
        ratio_table=_table(
            ("comparison", "ratio"), [[name, _ratio(value)] for name, value in results.ratios()]
        ),
        rss_table=_table(("records", "peak RSS MiB"), rss_rows),
        growth_text=growth_text,
        goal_table=_table(
            ("goal", "measured", "verdict"),
            [[goal, measured, VERDICTS[met]] for goal, measured, met in results.goals()],
            left=3,
        ),
        count_notes="\n".join(f"- {note}" for note in results.count_notes()),
    )


# --------------------------------------------------------------------------- main


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="10,000 records only, one run each (smoke test)"
    )
    parser.add_argument(
        "--records", type=int, default=100_000, help="records in the main file (default 100000)"
    )
    parser.add_argument(
        "--large",
        type=int,
        default=1_000_000,
        help="records for --jobs and memory growth (default 1000000; 0 to skip)",
    )
    parser.add_argument(
        "--repeats", type=int, default=3, help="runs per contender, best kept (default 3)"
    )
    parser.add_argument(
        "--large-repeats",
        type=int,
        default=2,
        help="runs per contender on the large file, best kept (default 2)",
    )
    parser.add_argument(
        "--full-jsonschema",
        action="store_true",
        help="also time the (slow) jsonschema baselines on the main file",
    )
    parser.add_argument(
        "--no-readme", action="store_true", help="print only; leave benchmarks/README.md alone"
    )
    parser.add_argument(
        "--readme",
        type=Path,
        metavar="PATH",
        help="write the report to PATH instead of benchmarks/README.md (also after --quick)",
    )
    parser.add_argument(
        "--report-only",
        action="store_true",
        help=(
            "measure nothing: rebuild the report (and README) from the last run's figures "
            "(with --quick: the last quick run's)"
        ),
    )
    return parser.parse_args()


def main() -> None:  # noqa: PLR0915 (one run, in order)
    """Generate the data if needed, time every contender, print and write the figures."""
    args = _arguments()
    figures = LAST_QUICK_RUN if args.quick else LAST_RUN
    target = args.readme or (None if args.quick or args.no_readme else README)
    if args.report_only:
        results, repeats, large_repeats = load(figures)
        report(results, repeats, large_repeats, target=target)
        return

    small = 10_000
    main_size = small if args.quick else max(args.records, small)
    large = None if args.quick or args.large <= main_size else args.large
    repeats = 1 if args.quick else args.repeats

    files = {size: data_file(size) for size in {small, main_size, *([large] if large else [])}}
    empty = empty_file()
    for path in files.values():
        warm(path)
    info = machine()
    before = source_digest()
    busy = cpu_busy()
    if busy is not None:
        info["busy_before"] = f"{busy:.0%}"
        if busy > BUSY_WARNING:
            _say(f"WARNING: {busy:.0%} of the CPU is busy with other work; figures will suffer")

    everyone = (
        OURS,
        PYDANTIC,
        JSONSCHEMA_RS,
        JSONSCHEMA_LEAN,
        JSONSCHEMA,
        FLOOR,
        FLOOR_MSGSPEC,
    )
    tasks: list[Task] = [("startup", c, empty, 0) for c in everyone]
    tasks += [("small", c, files[small], small) for c in everyone]
    main_contenders = [
        OURS,
        OURS_JOBS2,
        OURS_JSON,
        OURS_SUMMARISE,
        OURS_SUMMARISE_GROUPED,
        PYDANTIC,
        JSONSCHEMA_RS,
        FLOOR,
        FLOOR_MSGSPEC,
    ]
    if main_size == small:
        main_contenders = [OURS_JOBS2, OURS_JSON, OURS_SUMMARISE, OURS_SUMMARISE_GROUPED]
    elif args.full_jsonschema:
        main_contenders += [JSONSCHEMA_LEAN, JSONSCHEMA]
    tasks += [("main", c, files[main_size], main_size) for c in main_contenders]
    if main_size != small:
        v1, export, _ = export_files(files[main_size])
        rows = sum(1 for _ in v1.open(encoding="utf-8")) - 1
        tasks += [("exports", OURS_V1_CSV, v1, rows), ("exports", OURS_EXPORT, export, rows)]
    warm_up([task[1] for task in tasks], empty)
    _say(f"start-up, {_short(small)} and {_short(main_size)} records, round-robin")
    tables = measure(tasks, repeats)
    at_small = tables["small"]
    if main_size == small:
        at_small.update(tables["main"])
        at_main = at_small
    else:
        at_main = tables["main"]
    at_large: dict[str, Measurement] = {}
    growth = None
    if large:
        _say(f"{_short(large)} records")
        at_large = measure(
            [("large", c, files[large], large) for c in (OURS, OURS_JOBS2, OURS_DASK2)],
            args.large_repeats,
        )["large"]
        growth = index_mib(large) - index_mib(main_size)
    after = source_digest()
    info["source"] = (
        f"{before} (sha256 of the package's .py files)"
        if after == before
        else f"{before} at the start, {after} at the end: **the code changed during this run**"
    )
    if after != before:
        _say("WARNING: personal_outcomes' source changed during the run; run it again")

    results = Results(
        small=small,
        main=main_size,
        large=large,
        startup=tables["startup"],
        at_small=at_small,
        at_main=at_main,
        at_large=at_large,
        index_growth_mib=growth,
        at_exports=tables.get("exports", {}),
        info=info,
    )
    save(results, repeats, args.large_repeats, figures)
    report(results, repeats, args.large_repeats, target=target)


def report(results: Results, repeats: int, large_repeats: int, *, target: Path | None) -> None:
    """Print the figures; write the README to ``target`` (None: nowhere)."""
    print(summary(results))
    if target is not None:
        target.write_text(readme(results, repeats, large_repeats), encoding="utf-8")
        print(f"\nwrote {target}")
    else:
        print("\n(benchmarks/README.md not rewritten: a --quick or --no-readme run)")


if __name__ == "__main__":
    main()
