"""Start-up: bundled releases built unchecked only when exactly released, imports when needed."""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import personal_outcomes
from personal_outcomes import Framework, bundled, validation
from personal_outcomes._cli import COMMANDS, command, run
from personal_outcomes.errors import InvalidFrameworkError
from personal_outcomes.frameworks import _registry, _rules, manifest
from personal_outcomes.frameworks._data import bundled_files
from personal_outcomes.frameworks._model import data_digest
from personal_outcomes.frameworks._registry import released

DATA = Path(__file__).parent / "data"


def _checked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the id of every framework the framework file rules check from now on."""
    seen: list[str] = []
    real = _rules.framework_problems

    def spy(data: object, document: object = None) -> object:
        seen.append(str(data.get("id")) if isinstance(data, dict) else "?")
        return real(data, document)  # type: ignore[arg-type]

    monkeypatch.setattr(_rules, "framework_problems", spy)
    return seen


def _bundled_with(
    monkeypatch: pytest.MonkeyPatch, change: Callable[[bytes], bytes], name: str = "carers"
) -> _registry.Registry:
    """Return a fresh bundled registry whose ``name`` file holds ``change(its bytes)``."""
    files = tuple(
        (origin, change(data) if origin == f"frameworks/{name}.yaml" else data)
        for origin, data in bundled_files()
    )
    monkeypatch.setattr(_registry, "bundled_files", lambda: files)
    registry: _registry.Registry = bundled.__wrapped__()
    return registry


def test_bundled_files_as_released_are_built_without_checking_them_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Data whose digest is its newest release's passed every rule when it was released."""
    checked = _checked(monkeypatch)
    registry = _bundled_with(monkeypatch, lambda data: data)
    assert checked == []
    assert registry.ids == bundled().ids
    for framework in registry:
        assert framework == bundled().get(framework.id)
        # The digest it was given is the one the data gives.
        assert framework.digest == Framework.from_data(framework.to_data()).digest
        assert framework.digest == manifest()[framework.id][framework.version]["sha256"]


def test_a_bundled_file_laid_out_otherwise_is_still_its_release(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Comments and line ends do not change the data, so the release is still trusted."""
    checked = _checked(monkeypatch)
    registry = _bundled_with(
        monkeypatch, lambda data: b"# local copy\n" + data.replace(b"\n", b"\r\n")
    )
    assert checked == []
    assert registry.get("carers") == bundled().get("carers")


def test_a_bundled_file_changed_on_disk_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    """A valid change is checked, then built, with the digest of its own data."""
    checked = _checked(monkeypatch)
    registry = _bundled_with(
        monkeypatch,
        lambda data: data.replace(b"title: Outcomes important to unpaid carers", b"title: Changed"),
    )
    assert checked == ["carers"]
    carers = registry.get("carers")
    assert carers.title == "Changed"
    assert carers.digest != manifest()["carers"]["1.1.0"]["sha256"]
    assert carers.digest == Framework.from_data(carers.to_data()).digest


def test_a_bundled_file_broken_on_disk_is_refused_with_its_problems(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An invalid change is reported as for any framework file, placed in the file."""
    checked = _checked(monkeypatch)
    with pytest.raises(InvalidFrameworkError) as info:
        _bundled_with(
            monkeypatch, lambda data: data.replace(b'version: "1.1.0"', b'version: "one"', 1)
        )
    assert checked == ["carers"]
    assert info.value.source == "frameworks/carers.yaml"
    assert [(problem.pointer, problem.line) for problem in info.value.problems] == [("/version", 3)]


def _carers() -> dict[str, object]:
    return bundled().get("carers").to_data()


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (lambda data: ["carers"], "not a mapping"),
        (lambda data: {**data, "id": "unknown"}, "no release of that id"),
        (lambda data: {**data, "id": ["carers"]}, "an id that is not text"),
        (lambda data: {**data, "version": "1.0.0"}, "an earlier release's version"),
        (lambda data: {**data, "version": "9.9.9"}, "a version not released"),
        (lambda data: {**data, "title": dt.date(2026, 1, 1)}, "not JSON data (a bare date)"),
        (lambda data: {**data, "title": "\ud800"}, "not UTF-8 text"),
        (lambda data: {**data, "title": "Changed"}, "changed data"),
    ],
)
def test_released_is_none_for_anything_but_a_release_exactly(
    change: Callable[[dict[str, object]], object], why: str
) -> None:
    """Only data with the digest of the newest release of its framework is trusted."""
    assert released(change(_carers()), manifest()) is None, why


def test_released_gives_the_release() -> None:
    """The newest release's data builds that release, its digest the manifest's."""
    framework = released(_carers(), manifest())
    assert framework == bundled().get("carers")
    assert framework is not None
    assert framework.digest == manifest()["carers"]["1.1.0"]["sha256"]


def test_data_digest_is_canonical_json() -> None:
    """Key order and layout do not matter; the digest is of the canonical JSON."""
    assert data_digest({"b": [1, "é"], "a": None}) == data_digest({"a": None, "b": [1, "é"]})
    assert data_digest({}) == "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
    with pytest.raises(TypeError):
        data_digest({"a": dt.date(2026, 1, 1)})


# ---- imports when needed ----------------------------------------------------------

# What checking JSON Lines files never needs.
_NOT_FOR_VALIDATE = (
    "jsonschema",
    "multiprocessing",
    "personal_outcomes.frameworks._derive",
    "personal_outcomes.frameworks._rules",
    "personal_outcomes.interop",
    "personal_outcomes.summaries",
    "personal_outcomes.validation._dask",
    "personal_outcomes.validation._validator",
    *(f"personal_outcomes._cli._{name}" for name in COMMANDS if name != "validate"),
)


_RECORD = {
    "record_id": "r-1",
    "framework": "adults",
    "person_id": "p-1",
    "recorded_on": "2026-03-01",
    "stage": "assessment",
    "outcomes": [{"outcome": "seeing-people", "what_matters": "My pals"}],
}


def test_validate_imports_only_what_it_needs(tmp_path: Path) -> None:
    """The command line imports the modules of the command it runs, and what that needs."""
    records = tmp_path / "records.jsonl"
    records.write_text(json.dumps(_RECORD) + "\n", encoding="utf-8")
    arguments = ["validate", "--today", "2026-11-29", str(records)]
    script = (
        "import sys\n"
        "from personal_outcomes._cli import run\n"
        f"code = run({arguments!r}, sys.stdout, sys.stderr)\n"
        f"print(code, sorted(m for m in {_NOT_FOR_VALIDATE!r} if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.splitlines()[-1] == "0 []"
    assert done.stdout.splitlines()[0] == "1 record: 1 valid, 0 invalid (0 errors, 0 warnings)"


def test_help_lists_every_command_with_its_own_help() -> None:
    """--help takes each command's line from its module, in the table's order."""
    stdout, stderr = io.StringIO(), io.StringIO()
    assert run(["--help"], stdout, stderr) == 0
    listing = " ".join(stdout.getvalue().split())
    lines = [f"{name} {' '.join(command(name).help.split())}" for name in COMMANDS]
    assert " ".join(lines) in listing


def test_a_command_parses_its_own_arguments_once_loaded() -> None:
    """A command's options, description and action come from its module when it runs."""
    stdout, stderr = io.StringIO(), io.StringIO()
    assert run(["validate", "--help"], stdout, stderr) == 0
    description = command("validate").description or ""
    assert description.startswith("Check personal-outcomes record files.")
    assert " ".join(description.split()) in " ".join(stdout.getvalue().split())
    stdout = io.StringIO()
    assert run(["list", "--format", "json"], stdout, stderr) == 0
    assert [item["id"] for item in json.loads(stdout.getvalue())] == list(bundled().ids)


def test_public_names_are_imported_when_first_used() -> None:
    """The package's names come from their modules; unknown names are attribute errors."""
    assert personal_outcomes.Validator is validation.Validator
    assert validation.Validator.__module__ == "personal_outcomes.validation"
    assert personal_outcomes.validate_files is validation.validate_files
    with pytest.raises(AttributeError, match="has no attribute 'nothing'"):
        _ = personal_outcomes.nothing
    with pytest.raises(AttributeError, match="has no attribute 'nothing'"):
        _ = validation.nothing
