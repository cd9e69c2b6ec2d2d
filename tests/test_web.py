"""The validator page (web/): the package in the browser gives the command's reports.

The page is built once for the module, from the working tree, into a temporary folder
(web/build.py, as ``make web`` builds web/_build). Then:

- Node runs the page's Python (web/validator.py) inside Pyodide, offline, with exactly
  the wheels the page ships (web/tests/run_in_node.mjs), on every file of the record
  corpus and on all of them at once: its text and JSON reports and exit codes must
  equal, byte for byte, what ``personal-outcomes validate`` prints under CPython; so
  must the reports on the example exports (examples/exports/, CSV and workbook) read
  through their import profiles, and the messages for broken profiles.
- A real headless Chromium (Debian's ``chromium``, driven by Playwright) loads the built
  page from a server on 127.0.0.1 (one browser, one page, one Pyodide load for the
  module), checks the example records, and reads the summary, the issues table and the
  downloaded reports back: they must be the command's, for record files and for an
  export checked through its import profile. Sorting, filtering, options,
  dropped files, keyboard use, 200 % zoom, working offline and the request log (nothing
  but the page's own origin, and exactly the files the manifest counts) are checked too.

Node, npm's ``web/node_modules`` and Chromium come from ``make test`` (``make web`` and
the ``chromium`` target). Without them these tests fail under CI (``CI`` set) and are
skipped, saying why, elsewhere. With ``PO_WEB_SCREENSHOT=PATH`` the screenshot of the
checked examples is saved there (``make screenshot`` writes docs/_static/validator.png).
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import importlib.util
import io
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from factories import TODAY
from personal_outcomes._cli import run

ROOT = Path(__file__).resolve().parent.parent
WEB = ROOT / "web"
CORPUS = ROOT / "tests" / "data" / "records"
CORPUS_FILES = sorted(p for p in CORPUS.iterdir() if not p.name.endswith(".expected.json"))
EXAMPLES = ROOT / "examples" / "records"
EXAMPLE_FILES = sorted(EXAMPLES.iterdir())
EXPORTS = ROOT / "examples" / "exports"
CSV_PROFILE = "outcomes-export.profile.yaml"
XLSX_PROFILE = "outcomes-export-xlsx.profile.yaml"
#: Profiles broken on purpose, each in its own way: the profile schema (jsonschema, with
#: the package's stand-in for rpds under Pyodide), a rule beyond the schema, and YAML.
BROKEN_PROFILES = {
    "schema.profile.yaml": "profile: 1\nformat: csv\nfields:\n  record_id: 3\n  bogus: x\n",
    "rule.profile.yaml": (EXPORTS / CSV_PROFILE)
    .read_text(encoding="utf-8")
    .replace('"%d/%m/%Y"', '"%d/%m"'),
    "yaml.profile.yaml": "profile: [1\n",
}
EXPORT_SUMMARY = "7 records: 4 valid, 3 invalid (3 errors, 0 warnings)"
#: Each run through a profile under Node, by name: the profile, the exports, the options,
#: and the first line of the command's summary (None: the profile is broken, exit 2).
PROFILE_RUNS: dict[str, tuple[str, list[str], list[str], str | None]] = {
    "csv": (CSV_PROFILE, ["outcomes-export.csv"], [], EXPORT_SUMMARY),
    "csv-strict-quality": (
        CSV_PROFILE,
        ["outcomes-export.csv"],
        ["--strict", "--quality"],
        "7 records: 4 valid, 3 invalid (3 errors, 5 warnings)",
    ),
    "xlsx": (XLSX_PROFILE, ["outcomes-export.xlsx"], [], EXPORT_SUMMARY),
    # Not a workbook (openpyxl's refusal), and a workbook read as CSV text.
    "xlsx-profile-on-csv": (
        XLSX_PROFILE,
        ["outcomes-export.csv"],
        [],
        "0 records: 0 valid, 0 invalid (1 errors, 0 warnings)",
    ),
    "csv-profile-on-both": (
        CSV_PROFILE,
        ["outcomes-export.csv", "outcomes-export.xlsx"],
        [],
        "7 records: 4 valid, 3 invalid (4 errors, 0 warnings)",
    ),
    **{name: (name, ["outcomes-export.csv"], [], None) for name in BROKEN_PROFILES},
}
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: The first-load budget of the issue: under 15 MB.
FIRST_LOAD_LIMIT = 15_000_000
#: How long the page may take to load Pyodide and the package, or to check files (ms):
#: a hang fails rather than blocks; these are not speed tests.
LOAD_TIMEOUT = 180_000
COLUMNS = ("source", "line", "column", "pointer", "code", "severity", "message")


def _missing(what: str) -> None:
    """Fail under CI, where ``make test`` must have installed it; skip elsewhere."""
    message = f"{what}; run make test (or make web, and make chromium for the browser)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def _cli(arguments: list[str], folder: Path) -> tuple[int, str, str]:
    """Run ``personal-outcomes ARGUMENTS`` in ``folder``; return its exit code and output."""
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.chdir(folder):
        code = run(arguments, stdout, stderr)
    return code, stdout.getvalue(), stderr.getvalue()


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The page, built from the working tree as ``make web`` builds it."""
    if not (WEB / "node_modules" / "pyodide" / "package.json").is_file():
        _missing("web/node_modules has no pyodide (npm ci in web/ has not run)")
    out = tmp_path_factory.mktemp("web") / "_build"
    done = subprocess.run(
        [sys.executable, str(WEB / "build.py"), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return out


def _manifest(build: Path) -> dict[str, Any]:
    found: dict[str, Any] = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
    return found


# ---- the build ------------------------------------------------------------------------


def test_the_page_ships_only_pure_python_wheels_at_the_venv_versions(build: Path) -> None:
    """Every wheel is py3-none-any with no compiled file, at the version installed here."""
    wheels = _manifest(build)["wheels"]
    names = {wheel["name"]: wheel["version"] for wheel in wheels}
    assert names == {
        "typing_extensions": metadata.version("typing_extensions"),
        "attrs": metadata.version("attrs"),
        "cattrs": metadata.version("cattrs"),
        "PyYAML": metadata.version("PyYAML"),
        # Import profiles: jsonschema and what it needs (rpds-py aside: compiled, and
        # the package brings a pure-Python stand-in); workbooks: openpyxl.
        "referencing": metadata.version("referencing"),
        "jsonschema_specifications": metadata.version("jsonschema-specifications"),
        "jsonschema": metadata.version("jsonschema"),
        "et_xmlfile": metadata.version("et_xmlfile"),
        "openpyxl": metadata.version("openpyxl"),
        "personal_outcomes": metadata.version("personal-outcomes"),
    }
    for wheel in wheels:
        assert wheel["file"].endswith("-py3-none-any.whl")
        with zipfile.ZipFile(build / wheel["file"]) as archive:
            files = archive.namelist()
            assert archive.testzip() is None
        assert [name for name in files if name.endswith((".so", ".pyd", ".dylib"))] == []
        assert (build / wheel["file"]).stat().st_size == wheel["bytes"]
    with zipfile.ZipFile(build / next(w["file"] for w in wheels if w["name"] == "PyYAML")) as yml:
        assert "yaml/loader.py" in yml.namelist()
        assert [name for name in yml.namelist() if name.startswith("_yaml")] == []


def _build_script() -> Any:
    """web/build.py as a module, to run its steps one at a time."""
    spec = importlib.util.spec_from_file_location("web_build", WEB / "build.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_build_refuses_a_distribution_with_compiled_files(tmp_path: Path) -> None:
    """rpds-py (compiled; jsonschema needs it) cannot be shipped: the build stops, saying why."""
    script = _build_script()
    dist = metadata.distribution("rpds-py")
    compiled = sorted(str(name) for name in dist.files or () if str(name).endswith(".so"))
    with pytest.raises(script.BuildError) as raised:
        script._pure_wheel("rpds-py", tmp_path)
    assert str(raised.value) == (
        f"rpds-py {dist.version} has compiled files ({compiled[0]}): not pure Python"
    )
    assert list(tmp_path.iterdir()) == []


def test_every_distribution_a_shipped_wheel_needs_is_shipped(build: Path) -> None:
    """rpds-py aside, which the package's stand-in replaces; one left out stops the build."""
    script = _build_script()
    wheels = sorted((build / "wheels").glob("*.whl"))
    script._check_complete(wheels)
    jsonschema = next(wheel for wheel in wheels if wheel.name.startswith("jsonschema-"))
    assert script._needs(jsonschema) == (
        "jsonschema",
        ["attrs", "jsonschema-specifications", "referencing", "rpds-py"],
    )
    own = next(wheel for wheel in wheels if wheel.name.startswith("personal_outcomes-"))
    with zipfile.ZipFile(own) as archive:
        assert "personal_outcomes/_rpds.py" in archive.namelist()
    without = [wheel for wheel in wheels if not wheel.name.startswith("et_xmlfile-")]
    with pytest.raises(script.BuildError) as raised:
        script._check_complete(without)
    assert str(raised.value) == (
        "openpyxl needs et-xmlfile, which the page does not ship; add it to DEPENDENCIES "
        "in web/build.py (it must be pure Python)"
    )


def test_pyodide_can_fetch_no_package_of_its_own(build: Path) -> None:
    """The lock file the page ships describes the interpreter and lists no package."""
    lock = json.loads((build / "pyodide" / "pyodide-lock.json").read_text(encoding="utf-8"))
    upstream = json.loads(
        (WEB / "node_modules" / "pyodide" / "pyodide-lock.json").read_text(encoding="utf-8")
    )
    assert lock == {"info": upstream["info"], "packages": {}}


def test_the_first_load_is_under_15_mb_and_counts_every_file(build: Path) -> None:
    """The manifest's first-load figure is the sum of the files it lists, under 15 MB."""
    first = _manifest(build)["first_load"]
    assert first["bytes"] == sum((build / name).stat().st_size for name in first["files"])
    assert first["bytes"] < FIRST_LOAD_LIMIT
    on_disk = {p.relative_to(build).as_posix() for p in build.rglob("*") if p.is_file()}
    assert set(first["files"]) == on_disk


# ---- Pyodide under Node, against CPython ----------------------------------------------


def _options(path: Path) -> list[str]:
    expected = json.loads((CORPUS / f"{path.name}.expected.json").read_text(encoding="utf-8"))
    options = expected.get("options", {})
    return [f"--{name}" for name in ("strict", "quality") if options.get(name)]


def _in_node(build: Path, runs: list[dict[str, object]]) -> list[dict[str, Any]]:
    node = shutil.which("node")
    if node is None:
        _missing("node is not installed")
        raise AssertionError  # pytest.skip and pytest.fail raise
    done = subprocess.run(
        [node, str(WEB / "tests" / "run_in_node.mjs"), str(build)],
        input=json.dumps(runs),
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NODE_NO_WARNINGS": "1"},
    )
    assert done.returncode == 0, done.stderr
    found: list[dict[str, Any]] = json.loads(done.stdout)
    return found


def _expected(names: list[str], options: list[str], folder: Path = CORPUS) -> dict[str, object]:
    """What the command prints under CPython, in the form validator.check returns it."""
    arguments = ["validate", f"--today={TODAY.isoformat()}", *options, *names]
    code, text, error = _cli(arguments, folder)
    json_code, json_text, json_error = _cli(
        [*arguments[:1], "--format=json", *arguments[1:]], folder
    )
    assert (json_code, json_error) == (code, error)
    if error:
        assert (text, json_text) == ("", "")
        return {"exit": code, "error": error}
    # One line an issue, then the summary's lines.
    issues = len(json.loads(json_text)["issues"])
    closing = "".join(text.splitlines(keepends=True)[issues:])
    return {"exit": code, "text": text, "summary": closing, "json": json_text}


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example exports and their profiles, with the broken profiles beside them."""
    folder = tmp_path_factory.mktemp("exports")
    for path in EXPORTS.iterdir():
        shutil.copyfile(path, folder / path.name)
    for name, text in BROKEN_PROFILES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def in_pyodide(build: Path, exports: Path) -> dict[str, dict[str, Any]]:
    """validator.check's results under Node: each corpus file by its name, then all at once,
    then each of PROFILE_RUNS by its name (one Pyodide load for them all)."""
    runs: list[dict[str, object]] = [
        {
            "files": [str(path)],
            "today": TODAY.isoformat(),
            "strict": "--strict" in _options(path),
            "quality": "--quality" in _options(path),
        }
        for path in CORPUS_FILES
    ]
    runs.append({"files": [str(path) for path in CORPUS_FILES], "today": TODAY.isoformat()})
    runs.extend(
        {
            "files": [str(exports / name) for name in names],
            "profile": str(exports / profile),
            "today": TODAY.isoformat(),
            "strict": "--strict" in options,
            "quality": "--quality" in options,
        }
        for profile, names, options, _ in PROFILE_RUNS.values()
    )
    results = _in_node(build, runs)
    assert len(results) == len(runs)
    names = [path.name for path in CORPUS_FILES]
    each, together, profiles = results[: len(names)], results[len(names)], results[len(names) + 1 :]
    return {
        **dict(zip(names, each, strict=True)),
        "": together,
        **{f"profile:{run}": found for run, found in zip(PROFILE_RUNS, profiles, strict=True)},
    }


@pytest.mark.parametrize("path", CORPUS_FILES, ids=[path.name for path in CORPUS_FILES])
def test_pyodide_gives_the_commands_reports(
    path: Path, in_pyodide: dict[str, dict[str, Any]]
) -> None:
    """A corpus file (with its options): the same bytes and exit code as CPython's command."""
    assert in_pyodide[path.name] == _expected([path.name], _options(path))


def test_pyodide_gives_the_commands_reports_on_the_corpus_at_once(
    in_pyodide: dict[str, dict[str, Any]],
) -> None:
    """The corpus checked in one run (ids across files): the same as CPython's command."""
    assert in_pyodide[""] == _expected([path.name for path in CORPUS_FILES], [])
    assert {in_pyodide[path.name]["exit"] for path in CORPUS_FILES} == {0, 1}


@pytest.mark.parametrize("run", PROFILE_RUNS)
def test_pyodide_reads_exports_through_a_profile_as_the_command_does(
    run: str, in_pyodide: dict[str, dict[str, Any]], exports: Path
) -> None:
    """`validate --profile P EXPORT...`: the same bytes and exit code as CPython's command."""
    profile, names, options, summary = PROFILE_RUNS[run]
    expected = _expected(names, [f"--profile={profile}", *options], exports)
    assert in_pyodide[f"profile:{run}"] == expected
    # What the run is there for: a report through the profile, or a broken profile's
    # message (exit 2, no report).
    if summary is None:
        assert expected["exit"] == 2
        assert str(expected["error"]).startswith(f"personal-outcomes: {profile}:")
    else:
        assert expected["exit"] == 1
        assert str(expected["summary"]).splitlines()[0] == summary


def test_pyodide_refuses_a_name_whose_format_it_cannot_tell(build: Path, tmp_path: Path) -> None:
    """As the command does: exit 2 and its message, before reading anything."""
    notes = tmp_path / "notes.txt"
    notes.write_text("{}\n", encoding="utf-8")
    (result,) = _in_node(build, [{"files": [str(notes)]}])
    code, text, error = _cli(["validate", "notes.txt"], tmp_path)
    assert text == ""
    assert result == {"exit": code, "error": error}
    assert code == 2


# ---- the page in Chromium -------------------------------------------------------------


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serves the built page, with the types a browser needs for WebAssembly and modules."""

    extensions_map = {  # noqa: RUF012 (the base class's own attribute)
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".mjs": "text/javascript",
        ".js": "text/javascript",
        ".whl": "application/zip",
    }

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the base's name)
        """Keep the test's output quiet."""


@pytest.fixture(scope="module")
def origin(build: Path) -> Iterator[str]:
    """A server on 127.0.0.1 serving the built page; its origin."""
    handler = functools.partial(_Handler, directory=str(build))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join()


class Session:
    """One browser page with the validator loaded, and what the browser asked for."""

    def __init__(self, context: Any, page: Any) -> None:
        self.context = context
        self.page = page
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.checks = 0
        context.on("request", lambda request: self.requests.append(request.url))
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def check(self, files: list[Path] | list[dict[str, Any]]) -> None:
        """Choose these files in the page and wait for their result."""
        self.checks += 1
        # Emptied first: choosing the same files again is no change, and no new check.
        self.page.set_input_files("#files", [])
        self.page.set_input_files("#files", files)
        self.wait()

    def wait(self) -> None:
        """Wait for the result of the latest check."""
        selector = f'body[data-checked="{self.checks}"]'
        self.page.wait_for_selector(selector, state="attached", timeout=LOAD_TIMEOUT)

    def started(self) -> int:
        """The number of the latest check the page started (0: none yet)."""
        found = self.page.get_attribute("body", "data-started")
        return int(found or 0)

    def use_profile(self, profile: Path | None) -> None:
        """Choose this import profile (None: stop using one); wait for any check it starts.

        The page checks the files last chosen again, through the profile or without it.
        """
        before = self.started()
        if profile is not None:
            self.page.set_input_files("#profile", [profile])
        elif self.page.is_visible("#clear-profile"):
            self.page.click("#clear-profile")
        if self.started() != before:
            self.checks = self.started()
            self.wait()

    def download(self, button: str) -> tuple[str, bytes]:
        """Click a download button; return the file's suggested name and its bytes."""
        with self.page.expect_download() as download:
            self.page.click(button)
        return download.value.suggested_filename, Path(download.value.path()).read_bytes()

    def rows(self) -> list[list[str]]:
        """The issues table as shown, one list of cell texts a row."""
        found: list[list[str]] = self.page.eval_on_selector_all(
            "#issues tbody tr", "rows => rows.map(row => Array.from(row.cells, c => c.textContent))"
        )
        return found

    def text(self, selector: str) -> str:
        """The text of an element, as the page has it."""
        found: str = self.page.text_content(selector)
        return found

    def focused(self) -> str:
        """Which control has the keyboard focus: its id, or ``sort:KEY`` for a header."""
        found: str = self.page.evaluate(
            "() => { const e = document.activeElement; const th = e.closest('th');"
            " return th ? `sort:${th.dataset.key}` : e.id || e.className || e.tagName; }"
        )
        return found


@pytest.fixture(scope="module")
def session(origin: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    """Headless Chromium with the page loaded and ready (one Pyodide load for the module)."""
    try:
        from playwright.sync_api import sync_playwright  # noqa: PLC0415 (only these tests)
    except ImportError:
        _missing("the playwright package is not installed (pip install -e '.[test]')")
    if not CHROMIUM.is_file():
        _missing(f"Chromium is not installed at {CHROMIUM} (Debian's chromium package)")
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(CHROMIUM),
            args=CHROMIUM_ARGS,
            headless=True,
            accept_downloads=True,
            viewport={"width": 1280, "height": 900},
        )
        try:
            page = context.new_page()
            found = Session(context, page)
            page.goto(f"{origin}/")
            page.wait_for_selector(
                'body[data-ready="true"]', state="attached", timeout=LOAD_TIMEOUT
            )
            yield found
        finally:
            context.close()


def _command(names: list[str], *options: str, folder: Path = EXAMPLES) -> tuple[str, str]:
    """The command's text and JSON reports for these names in ``folder``."""
    _, text, _ = _cli(["validate", *options, *names], folder)
    _, json_text, _ = _cli(["validate", "--format=json", *options, *names], folder)
    return text, json_text


def _shown_rows(json_text: str) -> list[list[str]]:
    """The issues of a JSON report as the page's table shows them."""
    return [
        [
            issue["source"],
            "" if issue["line"] is None else str(issue["line"]),
            "" if issue["column"] is None else str(issue["column"]),
            issue["pointer"] or "/",
            issue["code"],
            issue["severity"],
            issue["message"],
        ]
        for issue in json.loads(json_text)["issues"]
    ]


EXAMPLE_NAMES = [path.name for path in EXAMPLE_FILES]


def test_the_page_says_files_stay_on_the_computer(session: Session) -> None:
    """The promise is on the page before anything is chosen."""
    promise = " ".join(session.text("#promise").split())
    assert promise == (
        "Your files stay on this computer. They are read and checked here, inside this page; "
        "nothing is uploaded or sent anywhere. Once the page has loaded it works without a "
        "network connection."
    )


def test_what_the_page_hides_is_not_shown(session: Session) -> None:
    """An element marked hidden is not displayed, whatever display its class gives it."""
    found = session.page.evaluate(
        """() => Array.from(document.querySelectorAll('[hidden]'), (e) =>
            [e.id, getComputedStyle(e).display])"""
    )
    assert found != []
    assert {display for _, display in found} == {"none"}, found


def test_the_examples_give_the_commands_summary_and_issues(
    session: Session, tmp_path: Path
) -> None:
    """Summary line and issues table are the command's; the screenshot for the docs."""
    session.check(EXAMPLE_FILES)
    text, json_text = _command(EXAMPLE_NAMES)
    summary = text.splitlines()[-1]
    assert re.fullmatch(
        r"\d+ records: \d+ valid, \d+ invalid \(\d+ errors, \d+ warnings\)", summary
    )
    assert session.text("#summary") == summary
    assert session.text("#status") == f"Checked {len(EXAMPLE_FILES)} files: {summary}"
    assert session.rows() == _shown_rows(json_text)
    assert len(session.rows()) == len(text.splitlines()) - 1 > 0
    screenshot = Path(os.environ.get("PO_WEB_SCREENSHOT", tmp_path / "validator.png"))
    session.page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_downloads_are_the_commands_reports_byte_for_byte(session: Session) -> None:
    """The JSON report is `validate --format json`'s, the text report `validate`'s."""
    session.check(EXAMPLE_FILES)
    text, json_text = _command(EXAMPLE_NAMES)
    for button, name, expected in (
        ("#download-json", "personal-outcomes-report.json", json_text),
        ("#download-text", "personal-outcomes-report.txt", text),
    ):
        with session.page.expect_download() as download:
            session.page.click(button)
        assert download.value.suggested_filename == name
        assert Path(download.value.path()).read_bytes() == expected.encode("utf-8")


def _sorted(rows: list[list[str]], column: int, *, descending: bool) -> list[list[str]]:
    """Rows in the page's order: numbers as numbers, blanks first; ties as reported."""

    def key(row: list[str]) -> tuple[int, int | str]:
        value = row[column]
        if value == "":
            return (0, 0)
        return (1, int(value)) if COLUMNS[column] in {"line", "column"} else (1, value)

    return sorted(rows, key=key, reverse=descending)


def test_sorting_by_column_with_the_keyboard(session: Session) -> None:
    """A header's button sorts by its column (Enter or Space), again for the other way."""
    session.check(EXAMPLE_FILES)
    _, json_text = _command(EXAMPLE_NAMES)
    rows = _shown_rows(json_text)
    page = session.page
    for column, key in ((1, "Enter"), (4, " "), (6, "Enter")):
        button = f'th[data-key="{COLUMNS[column]}"] button'
        page.focus(button)
        page.keyboard.press(key)
        assert session.rows() == _sorted(rows, column, descending=False)
        assert page.get_attribute(f'th[data-key="{COLUMNS[column]}"]', "aria-sort") == "ascending"
        page.keyboard.press(key)
        assert session.rows() == _sorted(rows, column, descending=True)
        assert page.get_attribute(f'th[data-key="{COLUMNS[column]}"]', "aria-sort") == "descending"
    assert page.eval_on_selector_all("th[aria-sort]", "found => found.length") == 1
    assert _sorted(rows, 1, descending=False) != rows  # the sort was not a no-op


def test_filtering_by_code(session: Session) -> None:
    """The code list offers each code with its count; choosing one shows only its issues."""
    session.check(EXAMPLE_FILES)
    _, json_text = _command(EXAMPLE_NAMES)
    rows = _shown_rows(json_text)
    codes = sorted({row[4] for row in rows})
    page = session.page
    options = page.eval_on_selector_all("#code-filter option", "found => found.map(o => o.text)")
    assert options == [
        f"All codes ({len(rows)})",
        *(f"{code} ({sum(row[4] == code for row in rows)})" for code in codes),
    ]
    # The keyboard moves the choice down the list: the first code.
    page.focus("#code-filter")
    page.keyboard.press("ArrowDown")
    assert page.input_value("#code-filter") == codes[0]
    chosen = [row for row in rows if row[4] == codes[0]]
    assert session.rows() == chosen
    assert session.text("#shown") == (
        f"Showing {len(chosen)} issue{'s' if len(chosen) > 1 else ''} with code {codes[0]}."
    )
    page.select_option("#code-filter", "")
    assert session.rows() == rows
    assert session.text("#shown") == f"Showing all {len(rows)} issues."


def test_the_options_are_the_commands(session: Session) -> None:
    """Ticking --quality (with the keyboard) checks again as `validate --quality`."""
    session.check(EXAMPLE_FILES)
    page = session.page
    page.focus("#quality")
    session.checks += 1
    page.keyboard.press(" ")
    session.wait()
    text, json_text = _command(EXAMPLE_NAMES, "--quality")
    assert session.text("#summary") == text.splitlines()[-1]
    assert session.rows() == _shown_rows(json_text)
    assert session.rows() != _shown_rows(_command(EXAMPLE_NAMES)[1])
    session.checks += 1
    page.keyboard.press(" ")
    session.wait()
    assert session.rows() == _shown_rows(_command(EXAMPLE_NAMES)[1])


def test_every_control_is_reached_with_the_tab_key(session: Session) -> None:
    """Tab goes through the controls in reading order, the table's frame included."""
    session.check(EXAMPLE_FILES)
    page = session.page
    page.click("#promise")  # Tab goes on from the last place clicked: here, the top
    seen: list[str] = []
    for _ in range(16):
        page.keyboard.press("Tab")
        seen.append(session.focused())
    assert seen == [
        "files",
        "profile",
        "strict",
        "quality",
        "download-json",
        "download-text",
        "code-filter",
        "table-wrap",  # the table's frame, to scroll it sideways with the arrow keys
        *(f"sort:{key}" for key in COLUMNS),
        "BODY",  # past the last control
    ]


def test_dropped_files_are_checked_and_others_named_as_left_out(session: Session) -> None:
    """Files dropped on the page are checked; one the command cannot read is named."""
    page = session.page
    carers = EXAMPLES / "carers.jsonl"
    transfer = page.evaluate_handle(
        """([text]) => {
            const transfer = new DataTransfer();
            transfer.items.add(new File([text], "carers.jsonl"));
            transfer.items.add(new File(["not records"], "notes.txt"));
            return transfer;
        }""",
        [carers.read_text(encoding="utf-8")],
    )
    session.checks += 1
    page.dispatch_event("main", "drop", {"dataTransfer": transfer})
    session.wait()
    text, json_text = _command(["carers.jsonl"])
    assert session.text("#summary") == text.splitlines()[-1]
    assert session.rows() == _shown_rows(json_text)
    assert session.text("#skipped") == (
        "notes.txt was left out: only files ending .csv, .json, .jsonl, .ndjson, .yaml, .yml "
        "are read."
    )


def test_two_files_of_one_name_are_refused(session: Session) -> None:
    """The report names files by name, so two of one name cannot be told apart."""
    session.page.set_input_files(
        "#files",
        [
            {"name": "a.jsonl", "mimeType": "application/jsonl", "buffer": b"{}\n"},
            {"name": "a.jsonl", "mimeType": "application/jsonl", "buffer": b"[]\n"},
        ],
    )
    session.page.wait_for_selector("#failure:not([hidden])")
    assert session.text("#failure") == (
        "Two of the files are both named a.jsonl. Check them one at a time, or rename one."
    )
    assert session.page.is_hidden("#summary")


def test_progress_is_shown_on_a_large_file(session: Session, tmp_path: Path) -> None:
    """10,000 records: the page says how far it has got, then gives the command's report."""
    records = tmp_path / "records-10k.jsonl"
    generate = [sys.executable, str(ROOT / "benchmarks" / "generate.py"), "--records=10000"]
    done = subprocess.run(
        [*generate, f"--output={records}"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    session.checks += 1
    session.page.set_input_files("#files", [])
    session.page.set_input_files("#files", [records])
    progress = "#progress-label:has-text('Checking records-10k.jsonl: 4,096 records so far')"
    session.page.wait_for_selector(progress, timeout=LOAD_TIMEOUT)
    session.wait()
    text, json_text = _command([records.name], folder=tmp_path)
    assert session.text("#summary") == text.splitlines()[-1]
    assert session.text("#summary").startswith("10000 records: ")
    issues = len(json.loads(json_text)["issues"])
    shown = f"Showing the first 1,000 of {issues:,} issues; the downloaded reports have them all."
    assert session.text("#shown") == shown
    session.page.click("#show-all")
    assert session.rows() == _shown_rows(json_text)


def test_an_export_is_checked_through_its_profile(session: Session, exports: Path) -> None:
    """Profile, then export: the command's summary, issues and reports, byte for byte.

    The profile chosen among the files too is left out of them, saying so.
    """
    page = session.page
    assert page.get_by_label("Import profile").get_attribute("id") == "profile"
    try:
        session.use_profile(exports / CSV_PROFILE)
        assert page.is_visible("#clear-profile")
        session.check([exports / CSV_PROFILE, exports / "outcomes-export.csv"])
        profile = f"--profile={CSV_PROFILE}"
        text, json_text = _command(["outcomes-export.csv"], profile, folder=exports)
        assert session.text("#summary") == text.splitlines()[-1] == EXPORT_SUMMARY
        assert session.text("#status") == (
            f"Checked 1 file through the profile {CSV_PROFILE}: {EXPORT_SUMMARY}"
        )
        assert session.text("#skipped") == (
            f"{CSV_PROFILE} is the import profile: it is not checked as an export."
        )
        assert session.rows() == _shown_rows(json_text)
        assert len(session.rows()) == 3
        assert session.download("#download-json") == (
            "personal-outcomes-report.json",
            json_text.encode("utf-8"),
        )
        assert session.download("#download-text") == (
            "personal-outcomes-report.txt",
            text.encode("utf-8"),
        )
    finally:
        session.use_profile(None)
    # Without the profile, the same CSV file is read as records, as `validate` reads it.
    assert page.is_hidden("#clear-profile")
    assert page.input_value("#profile") == ""
    _, json_text = _command([CSV_PROFILE, "outcomes-export.csv"], folder=exports)
    assert session.rows() == _shown_rows(json_text)


def test_a_workbook_is_read_once_its_profile_is_chosen(session: Session, exports: Path) -> None:
    """Export, then profile: the workbook left out is read; a broken profile is the command's
    message (exit 2), with no report."""
    page = session.page
    workbook = "outcomes-export.xlsx"
    try:
        page.set_input_files("#files", [])
        page.set_input_files("#files", [exports / workbook])
        assert session.text("#skipped") == (
            f"{workbook} was left out: a workbook is read only through an import profile; "
            "choose its profile."
        )
        assert session.text("#status") == "No record files to check."
        session.use_profile(exports / XLSX_PROFILE)
        text, json_text = _command([workbook], f"--profile={XLSX_PROFILE}", folder=exports)
        assert session.text("#summary") == text.splitlines()[-1] == EXPORT_SUMMARY
        assert session.rows() == _shown_rows(json_text)
        assert page.is_hidden("#skipped")
        assert session.download("#download-json")[1] == json_text.encode("utf-8")
        for broken in BROKEN_PROFILES:
            session.use_profile(exports / broken)
            code, out, error = _cli(["validate", f"--profile={broken}", workbook], exports)
            assert (code, out) == (2, "")
            assert session.text("#failure") == error.strip()
            assert session.text("#status") == (
                "Nothing was checked (the command stops here with exit code 2): see the "
                "message below."
            )
            for part in ("#summary", "#closing", "#downloads", "#issues-area"):
                assert page.is_hidden(part), part
    finally:
        session.use_profile(None)
    assert session.text("#status") == "No record files to check."


def test_a_profile_corrected_and_chosen_again_is_read_again(
    session: Session, tmp_path: Path
) -> None:
    """Browsers see no change in a file chosen twice: the control is emptied as its dialog
    opens (a cancelled dialog shows the profile again, still in use)."""
    page = session.page
    export = tmp_path / "outcomes-export.csv"
    shutil.copyfile(EXPORTS / export.name, export)
    profile = tmp_path / "export.profile.yaml"
    profile.write_text(BROKEN_PROFILES["rule.profile.yaml"], encoding="utf-8")
    try:
        session.use_profile(profile)
        session.check([export])
        _, _, error = _cli(["validate", f"--profile={profile.name}", export.name], tmp_path)
        assert session.text("#failure") == error.strip() != ""
        shutil.copyfile(EXPORTS / CSV_PROFILE, profile)  # corrected
        with page.expect_file_chooser() as chooser:
            page.click("#profile")
        assert page.input_value("#profile") == ""
        chooser.value.set_files(profile)
        session.checks += 1
        session.wait()
        assert session.text("#summary") == EXPORT_SUMMARY
        with page.expect_file_chooser():
            page.click("#profile")
        page.dispatch_event("#profile", "cancel")
        assert page.input_value("#profile") == f"C:\\fakepath\\{profile.name}"
        assert page.is_visible("#clear-profile")
        assert session.started() == session.checks
    finally:
        session.use_profile(None)


def test_it_works_offline_once_loaded(session: Session) -> None:
    """With the network gone (the page's own server too), files are still checked."""
    session.context.set_offline(True)
    try:
        reached = session.page.evaluate(
            "() => fetch('manifest.json', {cache: 'no-store'}).then(() => 'yes', () => 'no')"
        )
        assert reached == "no"
        session.check(EXAMPLE_FILES)
    finally:
        session.context.set_offline(False)
    # The one failure on purpose: the fetch above (the browser logs it as an error).
    assert session.errors.count("Failed to load resource: net::ERR_INTERNET_DISCONNECTED") == 1
    session.errors.remove("Failed to load resource: net::ERR_INTERNET_DISCONNECTED")
    text, json_text = _command(EXAMPLE_NAMES)
    assert session.text("#summary") == text.splitlines()[-1]
    assert session.rows() == _shown_rows(json_text)


def test_at_200_percent_zoom_nothing_needs_sideways_scrolling(session: Session) -> None:
    """Half the width in CSS pixels (as 200 % zoom gives): the page reflows to fit."""
    page = session.page
    page.set_viewport_size({"width": 640, "height": 450})
    try:
        session.check(EXAMPLE_FILES)
        widths = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert widths[0] <= widths[1] == 640
        # Every control, and every cell of the issues (each issue a block of lines; a
        # blank line or column is left out).
        selectors = ["#files", "#profile", "#summary", "#download-json", "#code-filter"]
        selectors += ["#promise", "#issues th button", "#issues td"]
        boxes = [
            (selector, found.bounding_box())
            for selector in selectors
            for found in page.locator(selector).all()
            if found.is_visible()
        ]
        assert len(boxes) == 6 + 7 + sum(len([c for c in row if c]) for row in session.rows())
        for selector, box in boxes:
            assert box is not None
            assert box["x"] >= 0
            assert box["x"] + box["width"] <= 640, selector
    finally:
        page.set_viewport_size({"width": 1280, "height": 900})


def test_nothing_went_to_another_origin_and_nothing_failed(
    session: Session, origin: str, build: Path
) -> None:
    """The browser's request log: the page's own origin only, exactly the first-load files."""
    assert session.requests != []
    others = [url for url in session.requests if not url.startswith(f"{origin}/")]
    assert others == []
    assert {urlsplit(url).netloc for url in session.requests} == {urlsplit(origin).netloc}
    paths = {urlsplit(url).path.removeprefix("/") or "index.html" for url in session.requests}
    assert paths == set(_manifest(build)["first_load"]["files"])
    assert session.errors == []
