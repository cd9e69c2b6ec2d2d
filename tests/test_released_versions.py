"""Records made against an earlier release of a bundled framework stay valid.

The manifest lists every released version of a bundled framework with its outcome
ids; a record naming one is checked against today's data, with that release's ids.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from factories import TODAY, record
from personal_outcomes import Validator, _releases, bundled, validate_files, validate_record
from personal_outcomes.frameworks import manifest

DATA = Path(__file__).parent / "data"


def _record(outcome: str = "seeing-people", **changes: Any) -> dict[str, Any]:
    return record(outcomes=[{"outcome": outcome, "what_matters": "My pals"}], **changes)


def _issues(data: dict[str, Any], validator: Validator | None = None) -> list[tuple[str, str]]:
    result = (validator or Validator(today=TODAY)).validate_record(data)
    return [(issue.code, issue.message) for issue in result.issues]


@pytest.mark.parametrize("framework", ["adults", "carers", "care-homes"])
def test_every_released_version_of_a_bundled_framework_is_accepted(framework: str) -> None:
    newest = bundled().get(framework)
    released = manifest()[framework]
    assert len(released) >= 2  # the test means something only with an earlier release
    outcome = newest.outcomes[0].id
    for version in released:
        data = _record(outcome, framework=framework, framework_version=version)
        assert validate_record(data, today=TODAY).issues == (), version


def test_an_unknown_version_lists_every_release() -> None:
    data = _record(framework_version="0.9.0")
    known = ", ".join(sorted(manifest()["adults"], key=lambda v: tuple(map(int, v.split(".")))))
    assert _issues(data) == [
        ("unknown-framework", f"framework 'adults' has no such version (known: {known})")
    ]


def _earlier(monkeypatch: pytest.MonkeyPatch) -> str:
    """Pretend the adults' first release lacked seeing-people and had retired feeling-safe."""
    recorded = manifest()
    entry = dict(recorded["adults"]["1.0.0"])
    ids: list[str] = entry["outcomes"]  # type: ignore[assignment]
    entry["outcomes"] = [i for i in ids if i != "seeing-people"]
    entry["retired"] = ["feeling-safe"]
    recorded["adults"] = {"0.5.0": entry, **recorded["adults"]}
    monkeypatch.setattr(_releases, "_manifest", lambda: recorded)
    return "0.5.0"


def test_an_earlier_release_has_only_its_own_outcomes(monkeypatch: pytest.MonkeyPatch) -> None:
    version = _earlier(monkeypatch)
    validator = Validator(today=TODAY)
    later = _record("seeing-people", framework_version=version)
    assert _issues(later, validator) == [
        (
            "unknown-outcome",
            (
                "not an outcome id of framework 'adults' 0.5.0, the version the record names; "
                f"it was added in {bundled().get('adults').version}: name that version, "
                "or none for the newest"
            ),
        )
    ]
    retired = _record("feeling-safe", framework_version=version)
    assert _issues(retired, validator) == [
        ("retired-outcome", "this outcome is retired in framework 'adults' 0.5.0")
    ]
    # The same records without a version are checked against the newest release.
    assert _issues(_record("seeing-people"), validator) == []
    assert _issues(_record("feeling-safe"), validator) == []


def test_the_fast_path_agrees_on_earlier_releases(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    version = _earlier(monkeypatch)
    path = tmp_path / "records.jsonl"
    lines = [
        _record(outcome, record_id=f"r-{n}", framework_version=version)
        for n, outcome in enumerate(["having-things-to-do", "seeing-people", "feeling-safe"])
    ]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    report = validate_files([path], today=TODAY)
    assert [(i.record, i.code) for i in report.issues] == [
        (1, "unknown-outcome"),
        (2, "retired-outcome"),
    ]
    assert (report.records, report.valid) == (3, 2)


def test_a_framework_that_is_not_the_bundled_data_knows_only_its_own_versions(
    tmp_path: Path,
) -> None:
    """An organisation's copy of a framework id (other data) gets no earlier releases."""
    text = (DATA / "frameworks" / "minimal.yaml").read_text(encoding="utf-8")
    (tmp_path / "adults.yaml").write_text(
        text.replace("id: local-test", "id: adults").replace(
            'version: "1.0.0"', 'version: "9.0.0"'
        ),
        encoding="utf-8",
    )
    registry = bundled().with_directory(tmp_path)
    validator = Validator(registry=registry, today=TODAY)
    newest = bundled().get("adults").version
    assert _issues(_record(framework_version="1.0.0"), validator) == [
        (
            "unknown-framework",
            f"framework 'adults' has no such version (known: {newest}, 9.0.0)",
        )
    ]


def test_a_loaded_copy_of_an_earlier_version_is_used_as_it_is(tmp_path: Path) -> None:
    """A registry that holds a file of an earlier version checks against that file."""
    text = (DATA / "frameworks" / "minimal.yaml").read_text(encoding="utf-8")
    (tmp_path / "adults.yaml").write_text(text.replace("id: local-test", "id: adults"))
    registry = bundled().with_directory(tmp_path)
    assert registry.versions("adults") == ("1.0.0", bundled().get("adults").version)
    validator = Validator(registry=registry, today=TODAY)
    local_outcome = registry.get("adults", "1.0.0").outcomes[0].id
    assert _issues(_record(local_outcome, framework_version="1.0.0"), validator) == []
    ((code, _),) = _issues(_record("seeing-people", framework_version="1.0.0"), validator)
    assert code == "unknown-outcome"
