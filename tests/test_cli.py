"""The personal-outcomes command, run in-process through run()."""

from __future__ import annotations

import io
import json
import runpy
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from personal_outcomes import Framework, __version__, bundled
from personal_outcomes._cli import main, run

DATA = Path(__file__).parent / "data"


def cli(*arguments: str) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    code = run(list(arguments), stdout, stderr)
    return code, stdout.getvalue(), stderr.getvalue()


def test_list() -> None:
    """list prints one line per framework with its version and outcome count."""
    code, out, err = cli("list")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split() == ["id", "version", "outcomes", "title"]
    assert lines[1].split()[:3] == ["adults", bundled().get("adults").version, "15"]
    assert [line.split()[0] for line in lines[1:]] == ["adults", "care-homes", "carers"]


def test_show_text() -> None:
    """show prints the framework for people: categories, outcomes, scale, sources."""
    code, out, _ = cli("show", "care-homes")
    assert code == 0
    assert out.startswith("Outcomes important to people living in care homes\n")
    assert "  - living-life-as-i-want: Live life as I want and where I want\n" in out
    assert '"I am listened to" (IRISS2012)' in out
    assert "Review scale" in out
    assert "JIT-CAREHOMES:" in out


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_show_data_formats(fmt: str) -> None:
    """show --format json|yaml prints the framework data, which reads back unchanged.

    Each outcome also has its national outcomes (not part of the framework file format).
    """
    code, out, _ = cli("show", "carers", "--format", fmt)
    assert code == 0
    data = json.loads(out) if fmt == "json" else yaml.safe_load(out)
    for category in data["categories"]:
        for outcome in category["outcomes"]:
            assert type(outcome.pop("national_outcomes")) is list
    assert Framework.from_data(data) == bundled().get("carers")


def test_show_specific_version() -> None:
    """--framework-version picks a version; an unknown one is a usage error."""
    version = bundled().get("adults").version
    assert cli("show", "adults", "--framework-version", version)[0] == 0
    code, out, err = cli("show", "adults", "--framework-version", "9.9.9")
    assert (code, out) == (2, "")
    assert f"that version of the framework is not known (known: adults {version})" in err


def test_unknown_framework_is_a_usage_error() -> None:
    """An unknown framework exits 2 with a suggestion and no traceback."""
    code, out, err = cli("show", "adult")
    assert (code, out) == (2, "")
    assert err == (
        "personal-outcomes: no framework with that id is known "
        "(known: adults, care-homes, carers); did you mean 'adults'?\n"
    )


def test_bad_arguments_are_usage_errors() -> None:
    """Bad arguments exit 2 with usage on stderr."""
    code, out, err = cli("show")
    assert (code, out) == (2, "")
    assert "usage: personal-outcomes show" in err
    assert cli()[0] == 2
    assert cli("show", "adults", "--format", "xml")[0] == 2


def test_help_and_version() -> None:
    """--help and --version print to stdout and exit 0."""
    code, out, _ = cli("--help")
    assert code == 0
    assert "--framework-dir DIR" in out
    assert cli("--version") == (0, f"personal-outcomes {__version__}\n", "")


def test_framework_dir(tmp_path: Path) -> None:
    """--framework-dir adds an organisation's framework files."""
    shutil.copy(DATA / "frameworks" / "minimal.yaml", tmp_path)
    code, out, _ = cli("--framework-dir", str(tmp_path), "list")
    assert code == 0
    assert "local-test" in out
    code, out, _ = cli("--framework-dir", str(tmp_path), "show", "local-test")
    assert code == 0
    assert "old-outcome: An old outcome  (retired, replaced by being-outdoors)" in out


def test_bad_framework_dir(tmp_path: Path) -> None:
    """An invalid framework file in --framework-dir exits 2 with every problem listed."""
    (tmp_path / "bad.yaml").write_text("id: Bad\n", encoding="utf-8")
    code, out, err = cli("--framework-dir", str(tmp_path), "list")
    assert (code, out) == (2, "")
    assert err.startswith(f"personal-outcomes: {tmp_path / 'bad.yaml'}: not a valid framework")
    assert "Traceback" not in err
    assert cli("--framework-dir", str(tmp_path / "missing"), "list")[0] == 2


def test_python_dash_m_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Running the package as a module runs the command."""
    monkeypatch.setattr(sys, "argv", ["personal_outcomes", "list"])
    with pytest.raises(SystemExit) as info:
        runpy.run_module("personal_outcomes", run_name="__main__")
    assert info.value.code == 0


def test_python_dash_m() -> None:
    """python -m personal_outcomes runs the same command."""
    result = subprocess.run(
        [sys.executable, "-m", "personal_outcomes", "list"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert "care-homes" in result.stdout


def test_show_markdown() -> None:
    """show --format markdown prints the page the docs are generated from."""
    code, out, _ = cli("show", "adults", "--format", "markdown")
    assert code == 0
    assert out.startswith("# Outcomes important to adults living in the community\n")
    for outcome in bundled().get("adults").outcomes:
        assert f"### {outcome.label}\n" in out
        assert f"Id `{outcome.id}`." in out
    assert "| `partly-met` | Partly met |" in out
    assert "Other published labels: Staying well (COOK-SLIDES)." in out


def test_show_markdown_statements_and_retired(tmp_path: Path) -> None:
    """Markdown pages carry first-person statements and retired outcomes."""
    code, out, _ = cli("show", "care-homes", "--format", "markdown")
    assert "First-person statement: *I see people* (IRISS2012)." in out
    shutil.copy(DATA / "frameworks" / "minimal.yaml", tmp_path)
    code, out, _ = cli(
        "--framework-dir", str(tmp_path), "show", "local-test", "--format", "markdown"
    )
    assert code == 0
    assert "### An old outcome (retired)" in out
    assert "Replaced by `being-outdoors`." in out


def test_main_exits_with_the_code(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The console entry point exits with run()'s code."""
    monkeypatch.setattr(sys, "argv", ["personal-outcomes", "show", "nothing"])
    with pytest.raises(SystemExit) as info:
        main()
    assert info.value.code == 2
    assert "no framework with that id" in capsys.readouterr().err
