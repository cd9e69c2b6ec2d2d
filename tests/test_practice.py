"""Faithful to practice (record format 1.1): unrated outcomes, --strict, --quality, perspective.

Through the public API and the command line: a review may leave an outcome unrated (a
warning), --strict counts warnings (but the quality hints) as errors, --quality adds the
recording-quality hints and never makes a record invalid, and perspective says whose view
an outcome holds, in every format.
"""

from __future__ import annotations

import copy
import io
import json
import multiprocessing.pool
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import BLOCKING
from factories import TODAY, TODAY_ARG, record
from personal_outcomes import OutcomesRecord, Validator, validate_files, validate_record
from personal_outcomes._cli import run
from personal_outcomes._formats._csv import write_csv
from personal_outcomes.schemas import record_schema
from personal_outcomes.validation import _parallel
from personal_outcomes.validation._run import Engine
from strategies import mutated_records, records

PERSPECTIVES = ["person", "family", "representative", "practitioner", "agreed"]


def _o(**fields: Any) -> dict[str, Any]:
    return {"outcome": "seeing-people", "what_matters": "My pals", **fields}


def _codes(
    data: dict[str, Any], *, strict: bool = False, quality: bool = False
) -> list[tuple[str, str, str]]:
    result = validate_record(data, today=TODAY, strict=strict, quality=quality)
    return [(i.pointer, i.code, i.severity) for i in result.issues]


def cli(*arguments: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(arguments), out, err)
    return code, out.getvalue() + err.getvalue()


# ---- a review may leave an outcome unrated -------------------------------------------


def test_an_unrated_outcome_at_review_is_a_warning_and_the_record_stays_valid() -> None:
    data = record(stage="review", outcomes=[_o(status="met"), _o(what_matters="Work")])
    result = validate_record(data, today=TODAY)
    assert [(i.pointer, i.code, i.severity) for i in result.issues] == [
        ("/outcomes/1", "status-missing", "warning")
    ]
    assert result.valid
    assert result.record().outcomes[1].status is None
    # Only at review: elsewhere no status is expected, so none is missing.
    for stage in ("assessment", "support-planning"):
        assert _codes(record(stage=stage, outcomes=[_o()])) == []


def test_strict_counts_every_warning_but_the_quality_hints() -> None:
    unrated = record(stage="review", outcomes=[_o()])
    strict = validate_record(unrated, today=TODAY, strict=True)
    assert (strict.valid, strict.strict) == (False, True)
    assert [i.severity for i in strict.issues] == ["warning"]  # severity kept
    # Each warning of the format makes a record invalid under strict.
    for data in (
        record(recorded_on="2026-11-28"),  # future-date
        record(outcomes=[_o(status="met")]),  # status-outside-review
        record(outcomes=[_o(), _o()]),  # duplicate-outcome
    ):
        assert validate_record(data, today=TODAY).valid
        assert not validate_record(data, today=TODAY, strict=True).valid
    # The quality hints never do.
    hinted = record(
        stage="review",
        outcomes=[_o(status="met", contributions=[{"by": "services", "what": "Lifts"}])],
    )
    result = validate_record(hinted, today=TODAY, strict=True, quality=True)
    assert [i.code for i in result.issues] == [
        "quality-no-why",
        "quality-services-only",
        "quality-status-unexplained",
    ]
    assert result.valid


def test_validator_options_are_kept_and_shown() -> None:
    validator = Validator(today=TODAY, strict=True, quality=True)
    assert (validator.strict, validator.quality) == (True, True)
    assert (Validator().strict, Validator().quality) == (False, False)


# ---- --quality ---------------------------------------------------------------------


def test_quality_hints_only_when_asked_and_each_at_its_boundary() -> None:
    why = "It matters"
    cases: list[tuple[dict[str, Any], str, list[str]]] = [
        # (outcome fields, stage, expected hint codes)
        ({"why_it_matters": why}, "assessment", []),
        ({}, "assessment", ["quality-no-why"]),
        ({"why_it_matters": why, "contributions": [{"by": "services", "what": "a"}]},
         "assessment", ["quality-services-only"]),
        ({"why_it_matters": why, "contributions": [
            {"by": "services", "what": "a"}, {"by": "services", "what": "b"}]},
         "assessment", ["quality-services-only"]),
        ({"why_it_matters": why, "contributions": [
            {"by": "services", "what": "a"}, {"by": "community", "what": "b"}]},
         "assessment", []),
        ({"why_it_matters": why, "contributions": [{"by": "person", "what": "a"}]},
         "assessment", []),
        ({"why_it_matters": why, "status": "met"}, "review", ["quality-status-unexplained"]),
        ({"why_it_matters": why, "status": "met", "status_note": "Back at the club"},
         "review", []),
        ({"why_it_matters": why}, "review", []),  # unrated: status-missing, not unexplained
        ({"why_it_matters": why, "status": "achieved"}, "review", []),  # not a level: schema
    ]  # fmt: skip
    for fields, stage, hints in cases:
        data = record(stage=stage, outcomes=[_o(**fields)])
        quality = [code for _, code, _ in _codes(data, quality=True) if code.startswith("q")]
        assert quality == hints, (fields, stage)
        assert not [code for _, code, _ in _codes(data) if code.startswith("quality")]


def test_quality_hints_are_placed_at_their_field() -> None:
    data = record(
        stage="review",
        outcomes=[_o(why_it_matters="x", status="met", status_note="ok"), _o(
            what_matters="Work",
            status="not-met",
            contributions=[{"by": "services", "what": "Lifts"}],
        )],
    )  # fmt: skip
    assert _codes(data, quality=True) == [
        ("/outcomes/1", "quality-no-why", "warning"),
        ("/outcomes/1/contributions", "quality-services-only", "warning"),
        ("/outcomes/1/status", "quality-status-unexplained", "warning"),
    ]
    messages = [i.message for i in validate_record(data, today=TODAY, quality=True).issues]
    assert messages == [
        (
            "no why_it_matters: the reason an outcome matters, in the person's words, "
            "guides what support fits"
        ),
        (
            "every contribution is from services: record what the person, their family and "
            "friends or the community will do too, where they have a part"
        ),
        "a review level without a status_note: say why it was or was not achieved",
    ]


QUALITY = Engine(Validator().registry, today=TODAY, quality=True)


@given(st.one_of(records(), mutated_records()))
def test_with_quality_the_fast_checks_agree_with_the_full_one(data: object) -> None:
    """The quick check and the JSON Lines fast path prove clean exactly what the full one does."""
    full = QUALITY.checker.check(copy.deepcopy(data))
    assert QUALITY.quick(copy.deepcopy(data)) == (full == [])
    if not BLOCKING:  # without msgspec there is no JSON Lines fast path
        line = json.dumps(data).encode()
        assert (QUALITY.line_check(line) is not None) == (full == [])


# ---- perspective ---------------------------------------------------------------------


@pytest.mark.parametrize("perspective", PERSPECTIVES)
def test_every_perspective_is_accepted_in_every_format(tmp_path: Path, perspective: str) -> None:
    data = record(outcomes=[_o(perspective=perspective)])
    assert _codes(data) == []
    assert OutcomesRecord.from_data(data).outcomes[0].perspective == perspective
    assert OutcomesRecord.from_data(data).to_data() == data
    jsonschema.validate(data, record_schema())
    paths = {
        "r.json": json.dumps(data),
        "r.jsonl": json.dumps(data) + "\n",
        "r.yaml": json.dumps(data),  # JSON is YAML
    }
    out = io.StringIO(newline="")
    write_csv([data], out)
    assert "perspective" in out.getvalue().splitlines()[0].split(",")
    paths["r.csv"] = out.getvalue()
    for name, text in paths.items():
        (tmp_path / name).write_text(text, encoding="utf-8", newline="")
    report = validate_files([tmp_path / name for name in paths], today=TODAY)
    assert report.issues == tuple(
        i for i in report.issues if i.code == "duplicate-record-id"
    )  # the same record four times
    assert (report.records, len(report.issues)) == (4, 3)
    results = list(Validator(today=TODAY).iter_validate([tmp_path / "r.csv"]))
    assert results[0].record().outcomes[0].perspective == perspective


@given(st.one_of(st.text(max_size=20), st.integers(), st.none(), st.booleans()))
def test_any_other_perspective_is_a_schema_error(value: object) -> None:
    if value in PERSPECTIVES:
        return
    data = record(outcomes=[_o(perspective=value)])
    assert _codes(data) == [("/outcomes/0/perspective", "schema", "error")]
    assert not jsonschema.Draft202012Validator(record_schema()).is_valid(data)


# ---- the command line --------------------------------------------------------------


def _write(tmp_path: Path, *records_: dict[str, Any], name: str = "records.jsonl") -> str:
    path = tmp_path / name
    path.write_text("".join(json.dumps(r) + "\n" for r in records_), encoding="utf-8")
    return str(path)


def test_strict_and_quality_on_the_command_line(tmp_path: Path) -> None:
    unrated = record(record_id="u-1", stage="review", outcomes=[_o(why_it_matters="x")])
    hinted = record(record_id="h-1", outcomes=[_o()])
    path = _write(tmp_path, unrated, hinted)
    code, out = cli("validate", TODAY_ARG, path)
    assert (code, out.splitlines()[-1]) == (
        0,
        "2 records: 2 valid, 0 invalid (0 errors, 1 warnings)",
    )
    code, out = cli("validate", TODAY_ARG, "--strict", path)
    assert (code, out.splitlines()[-1]) == (
        1,
        "2 records: 1 valid, 1 invalid (0 errors, 1 warnings)",
    )
    code, out = cli("validate", TODAY_ARG, "--quality", path)
    assert (code, out.splitlines()[-1]) == (
        0,
        "2 records: 2 valid, 0 invalid (0 errors, 2 warnings)",
    )
    assert "quality-no-why (warning)" in out
    # Quality hints alone never fail a run, even with --strict.
    code, out = cli(
        "validate",
        TODAY_ARG,
        "--strict",
        "--quality",
        _write(tmp_path, hinted, name="hinted.jsonl"),
    )
    assert (code, out.splitlines()[-1]) == (
        0,
        "1 record: 1 valid, 0 invalid (0 errors, 1 warnings)",
    )
    code, out = cli("validate", TODAY_ARG, "--strict", "--format", "json", path)
    report = json.loads(out)
    assert (code, report["valid"], report["invalid"]) == (1, 1, 1)


def test_strict_and_quality_with_jobs_give_the_same_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def threads(jobs: int, settings: tuple[object, ...]) -> multiprocessing.pool.Pool:
        return multiprocessing.pool.ThreadPool(
            jobs, initializer=_parallel._start_worker, initargs=(settings,)
        )

    monkeypatch.setattr(_parallel, "CHUNK_BYTES", 2048)
    monkeypatch.setattr(_parallel, "make_pool", threads)
    monkeypatch.setattr(_parallel, "usable_cores", lambda: 4)
    lines = []
    for n in range(60):
        fields: dict[str, Any] = {"why_it_matters": "x"} if n % 3 else {}
        stage = "review" if n % 2 else "assessment"
        if n % 4 == 1:
            fields |= {"status": "met"}
        lines.append(record(record_id=f"r-{n}", stage=stage, outcomes=[_o(**fields)]))
    path = _write(tmp_path, *lines)
    for options in ([], ["--strict"], ["--quality"], ["--strict", "--quality"]):
        one = cli("validate", TODAY_ARG, "--format", "json", *options, path)
        two = cli("validate", TODAY_ARG, "--format", "json", "--jobs", "2", *options, path)
        assert one == two, options
    report = json.loads(two[1])
    assert (report["records"], report["valid"]) == (60, 45)


def test_the_schema_of_an_earlier_release(tmp_path: Path) -> None:
    code, out = cli("schema", "adults", "--framework-version", "1.0.0")
    schema = json.loads(out)
    assert code == 0
    assert schema["$id"].endswith("records/adults-1.0.0.schema.json")
    assert schema["properties"]["framework_version"] == {"const": "1.0.0"}
    code, out = cli("schema", "adults", "--framework-version", "0.1.0")
    newest = Validator().registry.get("adults").version
    assert (code, out) == (
        2,
        f"personal-outcomes: framework 'adults' has no version 0.1.0 (known: 1.0.0, {newest})\n",
    )
    adults = Validator().registry.get("adults")
    with pytest.raises(
        ValueError, match=r"0\.1\.0 is not an earlier release of framework 'adults'"
    ):
        record_schema(adults, version="0.1.0")
    assert record_schema(adults, version=adults.version) == record_schema(adults)


@pytest.mark.compiled
@pytest.mark.parametrize("field", ["what_matters", "why_it_matters", "status_note", "notes"])
def test_a_byte_order_mark_in_text_that_is_not_blank_is_clean_on_the_fast_path(
    field: str,
) -> None:
    """U+FEFF is space, but a text holding something else too is not blank, on every path."""
    outcome = _o(why_it_matters="x", status="met", status_note="ok")
    data = record(stage="review", outcomes=[outcome])
    if field == "notes":
        data["notes"] = "\ufeffAgreed at home"
    else:
        outcome[field] = "\ufeffMy pals\ufeff"
    assert validate_record(data, today=TODAY).issues == ()
    line = json.dumps(data).encode()
    engine = Engine(Validator().registry, today=TODAY)
    assert engine.line_check(line) == data["record_id"]
    assert engine.quick(copy.deepcopy(data))
    blank = copy.deepcopy(data)
    if field == "notes":
        blank["notes"] = "\ufeff \ufeff"
    else:
        blank["outcomes"][0][field] = "\ufeff\u3000"
    assert engine.line_check(json.dumps(blank).encode()) is None
    assert not engine.quick(copy.deepcopy(blank))
    assert [i.code for i in validate_record(blank, today=TODAY).issues] == ["schema"]
