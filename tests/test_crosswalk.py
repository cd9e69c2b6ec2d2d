"""The crosswalk to the National Health and Wellbeing Outcomes: data, rules, API, commands."""

from __future__ import annotations

import io
import json
import multiprocessing.pool
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import attrs
import jsonschema
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factories import TODAY, TODAY_ARG, record
from personal_outcomes import Validator, bundled
from personal_outcomes._cli import _tallies, run
from personal_outcomes.errors import (
    DisclosureControlError,
    DuplicateKeyError,
    InvalidCrosswalkError,
    Problem,
    UnknownFrameworkError,
    UnknownNationalOutcomeError,
    UnknownOutcomeError,
    UnreadableFileError,
)
from personal_outcomes.frameworks import load_framework, manifest
from personal_outcomes.interop import (
    Crosswalk,
    NationalLink,
    NationalOutcome,
    crosswalk,
    load_crosswalk,
    national_outcome_uri,
)
from personal_outcomes.interop._crosswalk_rules import crosswalk_problems
from personal_outcomes.schemas import CROSSWALK_SCHEMA_NAME, crosswalk_schema
from personal_outcomes.summaries import Grouping, Summary, SummaryRow, published, summarise
from personal_outcomes.validation import _parallel
from strategies import records
from test_disclosure import recoverable
from test_tally_jobs import mixed_records

ROOT = Path(__file__).resolve().parent.parent
FILE = ROOT / "frameworks" / "crosswalks" / "national-outcomes.yaml"
DAY_OPPORTUNITIES = ROOT / "docs" / "examples" / "day-opportunities.yaml"

WORDING = {
    1: (
        "People are able to look after and improve their own health and wellbeing and live "
        "in good health for longer."
    ),
    2: (
        "People, including those with disabilities or long term conditions, or who are frail, "
        "are able to live, as far as reasonably practicable, independently and at home or in a "
        "homely setting in their community."
    ),
    3: (
        "People who use health and social care services have positive experiences of those "
        "services, and have their dignity respected."
    ),
    4: (
        "Health and social care services are centred on helping to maintain or improve the "
        "quality of life of people who use those services."
    ),
    5: "Health and social care services contribute to reducing health inequalities.",
    6: (
        "People who provide unpaid care are supported to look after their own health and "
        "wellbeing, including to reduce any negative impact of their caring role on their "
        "own health and well-being."
    ),
    7: "People who use health and social care services are safe from harm.",
    8: (
        "People who work in health and social care services feel engaged with the work they "
        "do and are supported to continuously improve the information, support, care and "
        "treatment they provide."
    ),
    9: (
        "Resources are used effectively and efficiently in the provision of health and social "
        "care services."
    ),
}

#: Every (framework, outcome) of every release in the manifest.
RELEASED = sorted(
    {
        (framework_id, outcome)
        for framework_id, releases in manifest().items()
        for release in releases.values()
        for outcome in release["outcomes"]  # type: ignore[attr-defined]
    }
)


# ---- the data -------------------------------------------------------------------------


def test_the_nine_national_outcomes_have_their_exact_published_wording() -> None:
    walk = crosswalk()
    assert [national.number for national in walk.national_outcomes] == list(range(1, 10))
    assert {national.number: national.wording for national in walk.national_outcomes} == WORDING
    assert [national.title for national in walk.national_outcomes] == [
        "Health and wellbeing",
        "Living independently at home",
        "Positive experiences and dignity",
        "Quality of life",
        "Health inequalities",
        "Unpaid carers' health and wellbeing",
        "Safe from harm",
        "Engaged workforce",
        "Effective use of resources",
    ]


def test_the_crosswalk_says_it_is_the_projects_own_and_cites_the_regulations() -> None:
    walk = crosswalk()
    assert walk.version == "1.0.0"
    assert walk.statement.startswith("This crosswalk is the personal-outcomes project's own.")
    assert "No official mapping" in walk.statement
    assert '"chime well"' in walk.statement
    assert walk.source == (
        "The nine National Health and Wellbeing Outcomes are prescribed by the Public Bodies "
        "(Joint Working) (National Health and Wellbeing Outcomes) (Scotland) Regulations 2014 "
        "(SSI 2014/343), made under the Public Bodies (Joint Working) (Scotland) Act 2014, and "
        "set out in the Scottish Government's National Health and Wellbeing Outcomes Framework "
        "(February 2015)."
    )
    assert (
        repr(walk) == "<Crosswalk national-outcomes 1.0.0: 9 national outcomes, 49 outcomes linked>"
    )


def test_every_outcome_of_every_released_version_is_linked_once() -> None:
    """The manifest's outcomes, retired ones included, are exactly the crosswalk's entries."""
    walk = crosswalk()
    covered = [(entry.framework, entry.outcome) for entry in walk.entries]
    assert sorted(covered) == RELEASED
    assert len(covered) == len(set(covered)) == 49
    assert walk.framework_ids == ("adults", "care-homes", "carers")
    for entry in walk.entries:
        assert 1 <= len(entry.links) <= 3
        assert [link.number for link in entry.links] == sorted({n.number for n in entry.links})
        assert all(link.rationale.strip() for link in entry.links)


def test_no_outcome_serves_the_workforce_or_resources_outcomes() -> None:
    """Outcomes 8 (staff) and 9 (resources) are about services, not about the person."""
    for framework in bundled().latest():
        assert crosswalk().outcomes_serving(8, framework) == ()
        assert crosswalk().outcomes_serving(9, framework) == ()


@pytest.mark.parametrize(
    ("framework", "outcome", "numbers"),
    [
        ("adults", "feeling-safe", (7,)),
        ("adults", "staying-as-well-as-you-can", (1,)),
        ("adults", "living-where-and-as-you-want", (2, 4)),
        ("adults", "listened-to", (3,)),
        ("adults", "treated-with-respect", (3,)),
        ("care-homes", "feeling-safe-and-secure", (7,)),
        ("care-homes", "privacy-respected", (3,)),
        ("care-homes", "trusting-staff", (3, 7)),
        ("carers", "maintaining-health-and-wellbeing", (6,)),
        ("carers", "a-life-of-their-own", (6,)),
        ("carers", "freedom-from-financial-hardship", (5, 6)),
        ("carers", "quality-of-life-for-the-cared-for-person", (4,)),
    ],
)
def test_links_a_practitioner_would_expect(
    framework: str, outcome: str, numbers: tuple[int, ...]
) -> None:
    assert crosswalk().numbers(framework, outcome) == numbers


def test_every_carers_own_quality_of_life_outcome_serves_outcome_6() -> None:
    carers = bundled().get("carers")
    for outcome in carers.category("quality-of-life-carer"):
        assert 6 in crosswalk().numbers(carers, outcome.id)
    for category in carers.categories:
        if category.type == "process":
            for outcome in category:
                assert crosswalk().numbers(carers, outcome.id) == (3, 6)


def test_the_bundled_crosswalk_is_read_once() -> None:
    assert crosswalk() is crosswalk()


def test_the_file_loads_as_the_bundled_one() -> None:
    assert load_crosswalk(FILE) == crosswalk()


# ---- the API, both ways -----------------------------------------------------------------


def test_links_carry_their_rationale() -> None:
    links = crosswalk().links("adults", "improved-mobility")
    assert links == (
        NationalLink(
            number=1, rationale="Moving about more easily is an improvement in physical health."
        ),
        NationalLink(
            number=2,
            rationale=(
                "Better mobility helps the person stay independent at home and in the community."
            ),
        ),
    )


def test_national_outcome_by_number() -> None:
    assert crosswalk().national_outcome(7) == NationalOutcome(
        number=7, title="Safe from harm", wording=WORDING[7]
    )


@pytest.mark.parametrize("number", [0, 10, -1, True, 1.0, "1", None])
def test_a_number_other_than_1_to_9_is_a_lookup_error(number: Any) -> None:
    with pytest.raises(UnknownNationalOutcomeError) as caught:
        crosswalk().national_outcome(number)
    assert isinstance(caught.value, LookupError)
    assert caught.value.requested == number
    assert str(caught.value) == (
        "there is no National Health and Wellbeing Outcome with that number; "
        "they are numbered 1 to 9"
    )
    with pytest.raises(UnknownNationalOutcomeError):
        crosswalk().outcomes_serving(number, "adults")
    with pytest.raises(UnknownNationalOutcomeError):
        national_outcome_uri(number)


def test_an_unknown_framework_names_the_closest() -> None:
    with pytest.raises(UnknownFrameworkError) as caught:
        crosswalk().numbers("adult", "seeing-people")
    assert str(caught.value) == (
        "no framework with that id is known (known: adults, care-homes, carers); "
        "did you mean 'adults'?"
    )
    with pytest.raises(UnknownFrameworkError):
        crosswalk().outcomes_serving(3, "carer")


def test_an_unknown_outcome_names_the_closest() -> None:
    with pytest.raises(UnknownOutcomeError) as caught:
        crosswalk().links("adults", "seeing-peple")
    assert str(caught.value) == (
        "framework 'adults' 1.1.0 has no outcome with that id; did you mean 'seeing-people'?"
    )
    with pytest.raises(UnknownOutcomeError):
        crosswalk().numbers(bundled().get("carers"), "seeing-people")


def test_an_organisations_own_framework_has_no_links() -> None:
    own = load_framework(DAY_OPPORTUNITIES)
    assert {crosswalk().numbers(own, outcome) for outcome in own.outcome_ids} == {()}
    assert all(crosswalk().outcomes_serving(n, own) == () for n in range(1, 10))


def test_a_framework_by_id_or_object_gives_the_same_links() -> None:
    for framework in bundled().latest():
        for outcome in framework.outcome_ids:
            assert crosswalk().links(framework, outcome) == crosswalk().links(framework.id, outcome)


def _declaring(folder: Path, based_on: str, framework_id: str = "own", name: str = "own") -> None:
    """Write the day opportunities example, as ``framework_id``, declaring ``based_on``."""
    text = DAY_OPPORTUNITIES.read_text(encoding="utf-8")
    text = text.replace("id: example-day-opportunities\n", f"id: {framework_id}\n")
    text = text.replace('version: "2.0.0"\n', f'version: "2.0.0"\nbased_on: {based_on}\n')
    (folder / f"{name}.yaml").write_text(text, encoding="utf-8")


def test_an_ordinary_file_declaring_a_bundled_base_takes_its_links(tmp_path: Path) -> None:
    """based_on is taken at its word: the outcome ids the base has get the base's links."""
    _declaring(tmp_path, "adults@1.0.0")
    registry = bundled().with_directory(tmp_path)
    own = registry.get("own")
    assert [crosswalk().numbers(own, o, registry=registry) for o in own.outcome_ids] == [
        crosswalk().numbers("adults", "seeing-people"),
        (),
        (),
    ]


@pytest.mark.parametrize("based_on", ["nothing@1.0.0", "adults@9.9.9", "own@2.0.0", "other@2.0.0"])
def test_a_base_that_leads_nowhere_gives_no_links_and_no_error(
    tmp_path: Path, based_on: str
) -> None:
    """An unknown base or version, itself, or a cycle of two: no links, show and export work."""
    _declaring(tmp_path, based_on)
    _declaring(tmp_path, "own@2.0.0", "other", "other")
    registry = bundled().with_directory(tmp_path)
    own = registry.get("own")
    assert {crosswalk().numbers(own, o, registry=registry) for o in own.outcome_ids} == {()}
    assert crosswalk().outcomes_serving(4, "own", registry=registry) == ()
    code, out, err = cli("--framework-dir", str(tmp_path), "show", "own", "--format", "json")
    assert (code, err) == (0, "")
    assert {
        tuple(o["national_outcomes"]) for c in json.loads(out)["categories"] for o in c["outcomes"]
    } == {()}
    code, out, err = cli("--framework-dir", str(tmp_path), "export", "skos", "own")
    assert (code, err) == (0, "")
    assert "closeMatch" not in out
    assert f"prov:wasDerivedFrom <https://w3id.org/personal-outcomes/id/{based_on[:-6]}>" in out


@given(
    framework=st.sampled_from(["adults", "care-homes", "carers"]),
    number=st.integers(min_value=1, max_value=9),
)
def test_both_ways_agree(framework: str, number: int) -> None:
    """An outcome serves a national outcome exactly when it is among those serving it."""
    walk = crosswalk()
    serving = walk.outcomes_serving(number, framework)
    ids = bundled().get(framework).outcome_ids
    assert serving == tuple(o for o in ids if number in walk.numbers(framework, o))
    assert list(serving) == [o for o in ids if o in serving]  # published order


def test_every_link_is_found_both_ways() -> None:
    walk = crosswalk()
    for entry in walk.entries:
        for link in entry.links:
            assert entry.outcome in walk.outcomes_serving(link.number, entry.framework)
    pairs = sum(len(walk.outcomes_serving(n, f)) for n in range(1, 10) for f in walk.framework_ids)
    assert pairs == sum(len(entry.links) for entry in walk.entries)


def test_national_outcome_uris_are_under_the_base_uri() -> None:
    assert [national_outcome_uri(n) for n in (1, 9)] == [
        "https://w3id.org/personal-outcomes/national-outcomes/1",
        "https://w3id.org/personal-outcomes/national-outcomes/9",
    ]
    assert national_outcome_uri(3, "https://example.org/po/") == (
        "https://example.org/po/national-outcomes/3"
    )


def test_the_classes_are_frozen() -> None:
    walk = crosswalk()
    with pytest.raises(AttributeError):
        walk.version = "2.0.0"  # type: ignore[misc]
    assert isinstance(walk, Crosswalk)


# ---- show ---------------------------------------------------------------------------------


def cli(*arguments: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(arguments), out, err)
    return code, out.getvalue(), err.getvalue()


def _shown_numbers(data: dict[str, Any]) -> dict[str, list[int]]:
    return {
        outcome["id"]: outcome["national_outcomes"]
        for category in data["categories"]
        for outcome in category["outcomes"]
    }


@pytest.mark.parametrize("fmt", ["json", "yaml"])
@pytest.mark.parametrize("framework_id", ["adults", "care-homes", "carers"])
def test_show_data_gives_every_outcome_its_national_outcomes(fmt: str, framework_id: str) -> None:
    code, out, err = cli("show", framework_id, "--format", fmt)
    assert (code, err) == (0, "")
    data = json.loads(out) if fmt == "json" else yaml.safe_load(out)
    framework = bundled().get(framework_id)
    assert _shown_numbers(data) == {
        outcome: list(crosswalk().numbers(framework, outcome)) for outcome in framework.outcome_ids
    }
    assert all(_shown_numbers(data).values())  # every bundled outcome serves one or more
    first = data["categories"][0]["outcomes"][0]
    assert list(first)[-1] == "national_outcomes"


def test_show_data_of_an_organisations_own_framework_has_empty_lists() -> None:
    code, out, _ = cli(
        "--framework-dir", str(DAY_OPPORTUNITIES.parent), "show", "example-day-opportunities",
        "--format", "json",
    )  # fmt: skip
    assert code == 0
    assert _shown_numbers(json.loads(out)) == {
        "seeing-people": [],
        "getting-out": [],
        "trips-out": [],
    }


def test_show_text_names_the_national_outcomes_under_each_outcome() -> None:
    code, out, _ = cli("show", "adults")
    assert code == 0
    assert (
        "  - living-where-and-as-you-want: Living where you want/as you want\n"
        "      also published as: Living where and as you want (DUMFRIES2011); Living as you /\n"
        "      where want (COOK-SLIDES)\n"
        "      Having choice and control over where the person lives and how they live their\n"
        "      life.\n"
        "      national outcomes: 2 (Living independently at home), 4 (Quality of life)\n"
    ) in out
    assert out.count("      national outcomes: ") == 15
    flat = " ".join(out.split())
    assert (
        "National Health and Wellbeing Outcomes National outcomes are the Scottish National "
        "Health and Wellbeing Outcomes that each outcome serves, by number, from this "
        "project's own crosswalk (version 1.0.0). No official mapping exists"
    ) in flat
    assert flat.index("National Health and Wellbeing Outcomes") < flat.index("Review scale")


def test_show_markdown_names_the_national_outcomes_under_each_outcome() -> None:
    code, out, _ = cli("show", "carers", "--format", "markdown")
    assert code == 0
    assert out.count("\nNational outcomes: ") == 14
    assert (
        "- What would give you peace of mind about money?\n\n"
        "National outcomes: 5 (Health inequalities), 6 (Unpaid carers' health and wellbeing).\n"
    ) in out
    assert "\n## National Health and Wellbeing Outcomes\n\nNational outcomes are the " in out


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_show_of_a_framework_the_crosswalk_does_not_cover_says_nothing_of_it(fmt: str) -> None:
    code, out, _ = cli(
        "--framework-dir", str(DAY_OPPORTUNITIES.parent), "show", "example-day-opportunities",
        "--format", fmt,
    )  # fmt: skip
    assert code == 0
    assert "national outcomes" not in out.lower()
    assert "National Health and Wellbeing" not in out


def test_to_data_is_still_the_framework_file_format() -> None:
    """show adds national_outcomes to its own data; Framework.to_data() is unchanged."""
    data = bundled().get("adults").to_data()
    assert not any(
        "national_outcomes" in outcome
        for category in data["categories"]  # type: ignore[attr-defined]
        for outcome in category["outcomes"]
    )


# ---- summarise by national outcome -----------------------------------------------------

VALIDATOR = Validator(today=TODAY)
LOCAL = bundled().with_directory(DAY_OPPORTUNITIES.parent)


def _o(outcome: str, **fields: Any) -> dict[str, Any]:
    return {"outcome": outcome, "what_matters": f"About {outcome}", **fields}


# Six outcomes recorded in four records (one of an organisation's own framework).
RECORDS = [
    record(record_id="a-1", person_id="p-1", context={"team": "north"},
           outcomes=[_o("feeling-safe"), _o("living-where-and-as-you-want")]),
    record(record_id="a-2", person_id="p-2", stage="review", context={"team": "south"},
           outcomes=[_o("living-where-and-as-you-want", status="met"),
                     _o("improved-mobility", status="partly-met")]),
    record(record_id="c-1", framework="carers", person_id="p-3", context={"team": "north"},
           outcomes=[_o("freedom-from-financial-hardship")]),
    record(record_id="d-1", framework="example-day-opportunities", person_id="p-4",
           outcomes=[_o("seeing-people")]),
]  # fmt: skip

#: (national outcome, framework, category, outcome, mentions, persons) of every row.
BY_NATIONAL = [
    ("1", "adults", None, None, 1, 1),
    ("1", "adults", "change", None, 1, 1),
    ("1", "adults", "change", "improved-mobility", 1, 1),
    ("2", "adults", None, None, 3, 2),
    ("2", "adults", "quality-of-life", None, 2, 2),
    ("2", "adults", "quality-of-life", "living-where-and-as-you-want", 2, 2),
    ("2", "adults", "change", None, 1, 1),
    ("2", "adults", "change", "improved-mobility", 1, 1),
    ("4", "adults", None, None, 2, 2),
    ("4", "adults", "quality-of-life", None, 2, 2),
    ("4", "adults", "quality-of-life", "living-where-and-as-you-want", 2, 2),
    ("5", "carers", None, None, 1, 1),
    ("5", "carers", "quality-of-life-carer", None, 1, 1),
    ("5", "carers", "quality-of-life-carer", "freedom-from-financial-hardship", 1, 1),
    ("6", "carers", None, None, 1, 1),
    ("6", "carers", "quality-of-life-carer", None, 1, 1),
    ("6", "carers", "quality-of-life-carer", "freedom-from-financial-hardship", 1, 1),
    ("7", "adults", None, None, 1, 1),
    ("7", "adults", "quality-of-life", None, 1, 1),
    ("7", "adults", "quality-of-life", "feeling-safe", 1, 1),
    ("none", "example-day-opportunities", None, None, 1, 1),
    ("none", "example-day-opportunities", "quality-of-life", None, 1, 1),
    ("none", "example-day-opportunities", "quality-of-life", "seeing-people", 1, 1),
]


def _rows(rows: Iterable[SummaryRow]) -> list[tuple[Any, ...]]:
    return [
        (*(value for _, value in row.group), row.framework, row.category, row.outcome,
         row.mentions, row.persons)
        for row in rows
    ]  # fmt: skip


def _summary(*fields: str) -> Summary:
    validator = Validator(registry=LOCAL, today=TODAY)
    return summarise(map(validator.validate_record, RECORDS), grouping=Grouping(fields=fields))


def test_each_outcome_counts_in_every_national_outcome_it_serves() -> None:
    summary = _summary("national-outcome")
    rows = summary.rows(LOCAL)
    assert _rows(rows) == BY_NATIONAL
    # Six outcomes were recorded; the national outcome groups count ten mentions.
    assert sum(row.mentions or 0 for row in _summary().rows(LOCAL) if row.kind == "framework") == 6
    assert sum(row.mentions or 0 for row in rows if row.kind == "framework") == 10
    [review] = [row for row in rows if row.outcome == "improved-mobility"][:1]
    assert (review.reviewed, dict(review.levels)["partly-met"]) == (1, 1)


def test_national_outcome_combines_with_other_fields() -> None:
    rows = _summary("context.team", "national-outcome").rows(LOCAL)
    framework_rows = [
        (*(value for _, value in row.group), row.framework, row.mentions)
        for row in rows
        if row.kind == "framework"
    ]
    assert framework_rows == [
        ("north", "2", "adults", 1),
        ("north", "4", "adults", 1),
        ("north", "5", "carers", 1),
        ("north", "6", "carers", 1),
        ("north", "7", "adults", 1),
        ("south", "1", "adults", 1),
        ("south", "2", "adults", 2),
        ("south", "4", "adults", 1),
        (None, "none", "example-day-opportunities", 1),
    ]
    assert rows[0].group == (("context.team", "north"), ("national-outcome", "2"))


def test_grouping_names_the_groups_of_one_outcome() -> None:
    grouping = Grouping(fields=("stage", "national-outcome"))
    data = RECORDS[1]
    assert grouping.groups(data, data["outcomes"][1]) == (("review", "1"), ("review", "2"))
    assert grouping.groups(RECORDS[3], RECORDS[3]["outcomes"][0], LOCAL) == (
        ("assessment", "none"),
    )
    assert grouping.groups({"framework": "adults"}, {"outcome": 3}) == ((None, "none"),)
    assert grouping.groups({"framework": "adults"}, {"outcome": "no-such"}) == ((None, "none"),)
    assert grouping.groups({"framework": "no-such"}, {"outcome": "seeing-people"}) == (
        (None, "none"),
    )
    assert Grouping(fields=("stage",)).groups(data, data["outcomes"][1]) == (("review",),)


def test_the_summary_json_says_what_the_groups_are() -> None:
    summary = _summary("national-outcome")
    data = summary.to_dict(LOCAL)
    assert list(data) == ["records", "included", "excluded", "rows", "national_outcomes"]
    assert data["national_outcomes"] == {
        "crosswalk_version": "1.0.0",
        "note": NOTE,
        "groups": {
            "1": "Health and wellbeing",
            "2": "Living independently at home",
            "3": "Positive experiences and dignity",
            "4": "Quality of life",
            "5": "Health inequalities",
            "6": "Unpaid carers' health and wellbeing",
            "7": "Safe from harm",
            "8": "Engaged workforce",
            "9": "Effective use of resources",
            "none": "serves no national outcome in the crosswalk",
        },
    }
    assert "national_outcomes" not in _summary("context.team").to_dict(LOCAL)


NOTE = (
    "Grouped by national-outcome: each recorded outcome is counted in the group of every "
    "National Health and Wellbeing Outcome it serves (1 to 9), by this project's own "
    "crosswalk (version 1.0.0; no official mapping exists), so the groups overlap and their "
    "counts add up to more than the outcomes recorded. The group 'none' holds the outcomes "
    "that serve no national outcome."
)


@pytest.fixture
def threads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let --jobs cut even a small file into chunks, counted by threads (fast, any machine)."""

    def pool(jobs: int, settings: tuple[object, ...]) -> multiprocessing.pool.Pool:
        return multiprocessing.pool.ThreadPool(
            jobs, initializer=_parallel._start_worker, initargs=(settings,)
        )

    monkeypatch.setattr(_parallel, "make_pool", pool)
    monkeypatch.setattr(_parallel, "usable_cores", lambda: 4)
    monkeypatch.setattr(_tallies, "usable_cores", lambda: 4)
    monkeypatch.setattr(_parallel, "CHUNK_BYTES", 300)


def _write(folder: Path) -> str:
    path = folder / "records.jsonl"
    path.write_text("".join(json.dumps(item) + "\n" for item in RECORDS), encoding="utf-8")
    return str(path)


def _summarise(path: str, *options: str) -> tuple[int, str, str]:
    return cli(
        "--framework-dir", str(DAY_OPPORTUNITIES.parent), "summarise", TODAY_ARG, *options, path
    )


def test_summarise_json_by_national_outcome(tmp_path: Path) -> None:
    path = _write(tmp_path)
    code, out, err = _summarise(path, "--by", "national-outcome", "--format", "json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data == _summary("national-outcome").to_dict(LOCAL)
    assert [
        (row["group"]["national-outcome"], row["framework"], row["category"], row["outcome"],
         row["mentions"], row["persons"])
        for row in data["rows"]
    ] == BY_NATIONAL  # fmt: skip
    assert data["national_outcomes"]["note"] == NOTE


def test_summarise_csv_carries_the_number_in_its_own_column(tmp_path: Path) -> None:
    path = _write(tmp_path)
    code, out, _ = _summarise(
        path, "--by", "national-outcome", "--by", "context.team", "--format", "csv"
    )
    assert code == 0
    lines = out.split("\r\n")
    assert lines[0] == (
        "national-outcome,context.team,framework,category,outcome,mentions,persons,met,"
        "partly-met,not-met,no-longer-relevant,achieved,getting-there,not-yet,unrated,reviewed"
    )
    assert lines[1:4] == [
        "1,south,adults,,,1,1,0,1,0,0,,,,0,1",
        "1,south,adults,change,,1,1,0,1,0,0,,,,0,1",
        "1,south,adults,change,improved-mobility,1,1,0,1,0,0,,,,0,1",
    ]
    assert lines[-2] == (
        "none,,example-day-opportunities,quality-of-life,seeing-people,1,1,,,,,0,0,0,0,0"
    )
    assert lines[-1] == ""
    assert "Grouped by" not in out  # the CSV is only the table


@pytest.mark.parametrize("fmt", ["table", "markdown"])
def test_summarise_table_and_markdown_end_with_the_note(tmp_path: Path, fmt: str) -> None:
    path = _write(tmp_path)
    code, out, _ = _summarise(path, "--by", "national-outcome", "--format", fmt)
    assert code == 0
    legend = (
        "National outcomes: 1 Health and wellbeing; 2 Living independently at home; "
        "3 Positive experiences and dignity; 4 Quality of life; 5 Health inequalities; "
        "6 Unpaid carers' health and wellbeing; 7 Safe from harm; 8 Engaged workforce; "
        "9 Effective use of resources."
    )
    if fmt == "markdown":
        assert out.endswith(f"|\n\n{NOTE} {legend}\n")
    else:
        table, note = out.split("4 records: 4 included, 0 excluded for errors\n\n")
        assert " ".join(note.split()) == f"{NOTE} {legend}"
        assert max(map(len, note.splitlines())) <= 88
        assert table.splitlines()[1].split() == [
            "1",
            "adults",
            "1",
            "1",
            "0",
            "1",
            "0",
            "0",
            "0",
            "1",
        ]
    code, out, _ = _summarise(path, "--by", "context.team", "--format", fmt)
    assert "Grouped by" not in out


def test_summarise_refuses_an_unknown_field(tmp_path: Path) -> None:
    code, out, err = _summarise(_write(tmp_path), "--by", "national-outcomes")
    assert (code, out) == (2, "")
    assert err == (
        "personal-outcomes summarise: error: cannot group by 'national-outcomes': use "
        "context.NAME, stage, perspective, period or national-outcome\n"
    )


@pytest.mark.usefixtures("threads")
def test_summarise_jobs_2_gives_the_same_counts(tmp_path: Path) -> None:
    path = _write(tmp_path)
    options = ("--by", "context.team", "--by", "national-outcome", "--format", "json")
    one = _summarise(path, *options)
    two = _summarise(path, *options, "--jobs", "2")
    assert one == two
    assert one[0] == 0
    assert json.loads(one[1]) == _summary("context.team", "national-outcome").to_dict(LOCAL)


# ---- disclosure control across overlapping groups -------------------------------------


def _blocks(rows: Sequence[SummaryRow]) -> dict[object, list[list[SummaryRow]]]:
    """The tables of the rows, those of one framework and other group values together."""
    clusters: dict[object, list[list[SummaryRow]]] = {}
    for row in rows:
        if row.kind == "framework":
            rest = tuple(pair for pair in row.group if pair[0] != "national-outcome")
            clusters.setdefault((rest, row.framework), []).append([])
        clusters[(rest, row.framework)][-1].append(row)
    return clusters


def _joint(
    before: list[list[SummaryRow]], after: list[list[SummaryRow]], below: int
) -> tuple[dict[Any, int | None], list[Any], set[Any]]:
    """Cells, equations and small hidden cells of tables that share outcome rows."""
    cells: dict[Any, int | None] = {}
    equations: list[Any] = []
    small: set[Any] = set()
    for number, (table, shown) in enumerate(zip(before, after, strict=True)):
        keys = [
            ("o", row.category, row.outcome) if row.kind == "outcome" else ("b", number, place)
            for place, row in enumerate(table)
        ]
        levels = [level for level, _ in table[0].levels]
        columns = ["mentions", "reviewed", "unrated", "other", *levels]
        for key, row, out in zip(keys, table, shown, strict=True):
            counts = dict(out.levels)
            for name in ("mentions", "reviewed", "unrated"):
                cells[(key, name)] = getattr(out, name)
            for level in levels:
                cells[(key, level)] = counts[level]
            cells[(key, "other")] = None  # never shown
            other = (row.mentions or 0) - (row.reviewed or 0)
            if 0 < other < below:
                small.add((key, "other"))
            equations.append(((key, "reviewed"), [(key, "unrated"), *((key, lv) for lv in levels)]))
            equations.append(((key, "mentions"), [(key, "reviewed"), (key, "other")]))
        categories = [p for p, row in enumerate(table) if row.kind == "category"]
        for column in columns:
            equations.append(((keys[0], column), [(keys[c], column) for c in categories]))
            for c in categories:
                members = []
                for after_row in range(c + 1, len(table)):
                    if table[after_row].kind != "outcome":
                        break
                    members.append((keys[after_row], column))
                equations.append(((keys[c], column), members))
    return cells, equations, small


REVIEW_RECORDS = st.lists(records(), min_size=1, max_size=12)


@settings(max_examples=40, deadline=None)
@given(REVIEW_RECORDS, st.integers(2, 4), st.booleans())
def test_no_hidden_count_can_be_worked_out_from_all_national_groups(
    data: list[dict[str, Any]], below: int, by_team: bool
) -> None:
    """The national-outcome tables of one framework share outcome rows: a count hidden in
    one is hidden in all, and no sum over all of them gives a hidden count away."""
    for number, item in enumerate(data):
        item["record_id"] = f"r-{number}"
    fields = ("national-outcome", "context.team") if by_team else ("national-outcome",)
    summary = summarise(map(VALIDATOR.validate_record, data), grouping=Grouping(fields=fields))
    rows = summary.rows(bundled())
    shown = published(rows, below=below)
    outcomes: dict[Any, set[Any]] = {}
    for row in shown:
        if row.kind == "outcome":
            rest = tuple(pair for pair in row.group if pair[0] != "national-outcome")
            counts = (row.mentions, row.persons, row.reviewed, row.unrated, row.levels)
            outcomes.setdefault((rest, row.framework, row.outcome), set()).add(counts)
    assert all(len(counts) == 1 for counts in outcomes.values())
    before, after = _blocks(rows), _blocks(shown)
    assert list(before) == list(after)
    for key, tables in before.items():
        cells, equations, small = _joint(tables, after[key], below)
        found = recoverable(cells, equations)
        hidden = {cell for cell, value in cells.items() if value is None and cell[1] != "other"}
        assert not found & (hidden | small)


def test_rows_of_one_outcome_with_other_counts_are_refused() -> None:
    rows = _summary("national-outcome").rows(LOCAL)
    changed = [
        attrs.evolve(row, mentions=5)
        if (row.group, row.outcome) == ((("national-outcome", "2"),), "improved-mobility")
        else row
        for row in rows
    ]
    with pytest.raises(DisclosureControlError) as caught:
        published(changed, below=3)
    assert str(caught.value) == (
        "cannot apply disclosure control: an outcome's rows in the national-outcome groups "
        "of one table must have the same counts (they count the same mentions)"
    )


@pytest.mark.usefixtures("threads")
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(items=st.lists(mixed_records(), max_size=30))
def test_fast_path_and_jobs_group_by_national_outcome_as_the_api_does(items: list[object]) -> None:
    """Clean lines counted from decoded records, in workers' chunks: the API's counts."""
    with tempfile.TemporaryDirectory() as folder:
        path = _write_items(Path(folder), items)
        grouping = Grouping(fields=("national-outcome", "context.team"))
        expected = summarise(VALIDATOR.iter_validate(path), grouping=grouping).to_dict(bundled())
        by = ("--by", "national-outcome", "--by", "context.team", "--format", "json")
        for jobs in ("1", "2"):
            code, out, err = cli("summarise", TODAY_ARG, *by, "--jobs", jobs, path)
            assert (code, err) == (0, "")
            assert json.loads(out) == expected, f"--jobs {jobs}"


def test_worker_processes_group_by_national_outcome(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Real worker processes send their counts back; the groups are made from them alike."""
    monkeypatch.setattr(_parallel, "CHUNK_BYTES", 300)
    monkeypatch.setattr(_parallel, "usable_cores", lambda: 2)
    monkeypatch.setattr(_tallies, "usable_cores", lambda: 2)
    path = _write(tmp_path)
    options = ("--by", "national-outcome", "--format", "json")
    assert _summarise(path, *options, "--jobs", "2") == _summarise(path, *options)


def _write_items(folder: Path, items: Sequence[object]) -> str:
    path = folder / "records.jsonl"
    path.write_text("".join(json.dumps(item) + "\n" for item in items), encoding="utf-8")
    return str(path)


# ---- the file's schema and rules, every problem located ---------------------------------

TEXT = FILE.read_text(encoding="utf-8")


def _broken(tmp_path: Path, *changes: tuple[str, str]) -> Path:
    text = TEXT
    for old, new in changes:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = tmp_path / "national-outcomes.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _where(text: str, needle: str, offset: int = 0) -> tuple[int, int]:
    """The line and column (1-based) of a needle in the text, ``offset`` characters in."""
    at = text.index(needle) + offset
    return text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at)


def _problems(path: Path) -> list[tuple[int | None, int | None, str, str]]:
    with pytest.raises(InvalidCrosswalkError) as caught:
        load_crosswalk(path)
    assert caught.value.source == str(path)
    return [(p.line, p.column, p.pointer, p.message) for p in caught.value.problems]


FEELING_SAFE = (
    "    - outcome: feeling-safe\n      national_outcomes:\n        - number: 7\n"
    "          rationale: Feeling safe at home and out and about is the person's own measure "
    "of being safe from harm.\n"
)


def test_a_duplicate_key_is_refused_where_it_is(tmp_path: Path) -> None:
    path = _broken(tmp_path, ('version: "1.0.0"\n', 'version: "1.0.0"\nid: national-outcomes\n'))
    with pytest.raises(DuplicateKeyError) as caught:
        load_crosswalk(path)
    line, _ = _where(path.read_text(encoding="utf-8"), "id: national-outcomes\nstatement")
    assert (caught.value.source, caught.value.line, caught.value.column) == (str(path), line, 1)
    assert str(caught.value).startswith(f"{path}:{line}:1: ")


def test_an_unknown_outcome_id_names_the_closest(tmp_path: Path) -> None:
    path = _broken(tmp_path, ("- outcome: reduced-symptoms", "- outcome: reduced-symptom"))
    line, column = _where(TEXT, "reduced-symptoms")
    assert _problems(path) == [
        (
            line,
            column,
            "/frameworks/adults/14/outcome",
            "framework 'adults' has no outcome with that id; did you mean 'reduced-symptoms'?",
        )
    ]


def test_number_10_is_out_of_range(tmp_path: Path) -> None:
    old = "    - outcome: feeling-safe\n      national_outcomes:\n        - number: 7\n"
    path = _broken(tmp_path, (old, old.replace("7", "10")))
    line, column = _where(TEXT, old, len(old) - 2)
    assert _problems(path) == [
        (line, column, "/frameworks/adults/0/national_outcomes/0/number",
         "10 is greater than the maximum of 9"),
    ]  # fmt: skip


def test_a_missing_rationale_is_named_at_its_link(tmp_path: Path) -> None:
    old = FEELING_SAFE.split("          rationale", maxsplit=1)[0]
    path = _broken(tmp_path, (FEELING_SAFE, old))
    line, column = _where(TEXT, old, len(old) - len("number: 7\n"))
    assert _problems(path) == [
        (line, column, "/frameworks/adults/0/national_outcomes/0",
         "'rationale' is a required property"),
    ]  # fmt: skip


def test_an_outcome_listed_twice_is_named_at_its_second_entry(tmp_path: Path) -> None:
    path = _broken(tmp_path, ("  care-homes:\n", FEELING_SAFE + "  care-homes:\n"))
    text = path.read_text(encoding="utf-8")
    line, column = _where(text, FEELING_SAFE + "  care-homes:", len("    - outcome: "))
    assert _problems(path) == [
        (line, column, "/frameworks/adults/15/outcome",
         "this outcome is already listed for the framework; give all its links in one entry"),
    ]  # fmt: skip


def test_a_number_twice_in_one_outcome_and_numbers_out_of_order(tmp_path: Path) -> None:
    old = (
        "        - number: 2\n"
        "          rationale: Choice over where and how the person lives is what living "
        "independently at home means to them.\n"
        "        - number: 4\n"
    )
    path = _broken(
        tmp_path,
        (old, old.replace("number: 4", "number: 2")),
        (
            "rationale: Stigma and discrimination drive",
            "rationale: Stigma and discrimination, drive",
        ),
    )
    text = path.read_text(encoding="utf-8")
    twice = _where(text, old.replace("number: 4", "number: 2"), len(old) - 2)
    assert _problems(path)[0] == (
        *twice, "/frameworks/adults/4/national_outcomes/1/number",
        "this national outcome is already linked to this outcome",
    )  # fmt: skip
    swapped = (
        "        - number: 1\n"
        "          rationale: Moving about more easily is an improvement in physical health.\n"
        "        - number: 2\n"
        "          rationale: Better mobility helps the person stay independent"
    )
    path = _broken(
        tmp_path,
        (swapped, swapped.replace("number: 1", "number: 3").replace("number: 2", "number: 1")),
    )
    assert [problem[2:] for problem in _problems(path)] == [
        ("/frameworks/adults/13/national_outcomes/1/number",
         "list an outcome's national outcomes in number order"),
    ]  # fmt: skip


def test_the_national_outcomes_are_numbered_in_order(tmp_path: Path) -> None:
    path = _broken(tmp_path, ("  - number: 3\n    title", "  - number: 2\n    title"))
    line, column = _where(TEXT, "  - number: 3\n    title", len("  - number: "))
    assert _problems(path) == [
        (line, column, "/national_outcomes/2/number",
         ("the national outcomes are listed once each, in order, 1 to 9: this one must be "
          "number 3")),
    ]  # fmt: skip


def test_an_unknown_framework_is_named_at_its_key(tmp_path: Path) -> None:
    path = _broken(tmp_path, ("  care-homes:\n", "  care-home:\n"))
    line, column = _where(TEXT, "  care-homes:\n", 2)
    assert _problems(path) == [
        (line, column, "/frameworks/care-home",
         ("names a framework that is not bundled (bundled: adults, care-homes, carers); "
          "did you mean 'care-homes'?")),
    ]  # fmt: skip
    path = _broken(tmp_path, ("  care-homes:\n", "  zzz:\n"))
    assert _problems(path)[0][3] == (
        "names a framework that is not bundled (bundled: adults, care-homes, carers)"
    )


def test_an_unquoted_value_yaml_reads_as_a_number_says_to_quote_it(tmp_path: Path) -> None:
    path = _broken(tmp_path, ('version: "1.0.0"', "version: 1.0"))
    line, column = _where(TEXT, 'version: "1.0.0"', len("version: "))
    assert _problems(path) == [
        (line, column, "/version",
         "expected text, but YAML reads this unquoted value as a number; put it in quotes"),
    ]  # fmt: skip


def test_a_value_of_the_wrong_kind_says_what_was_expected_without_the_quoting_hint(
    tmp_path: Path,
) -> None:
    text = TEXT.replace(
        "national_outcomes:\n  - number: 1", "national_outcomes: 5\nx:\n  - number: 1", 1
    )
    path = tmp_path / "national-outcomes.yaml"
    path.write_text(text, encoding="utf-8")
    problems = _problems(path)
    line, column = _where(text, "national_outcomes: 5", len("national_outcomes: "))
    assert (line, column, "/national_outcomes", "expected a list, but this is a number") in problems
    assert not any("quotes" in message for *_, message in problems)
    path.write_text("- a list\n", encoding="utf-8")
    assert _problems(path) == [
        (1, 1, "",
         "a crosswalk file is a mapping of keys such as id, version and national_outcomes"),
    ]  # fmt: skip


def test_every_problem_is_listed_in_the_message(tmp_path: Path) -> None:
    path = _broken(
        tmp_path,
        ("- outcome: reduced-symptoms", "- outcome: reduced-symptom"),
        ("  care-homes:\n", "  care-home:\n"),
    )
    with pytest.raises(InvalidCrosswalkError) as caught:
        load_crosswalk(path)
    lines = str(caught.value).splitlines()
    assert lines[0] == f"{path}: not a valid crosswalk file (2 problems):"
    assert lines[1].startswith(f"  {path}:{_where(TEXT, 'reduced-symptoms')[0]}:")
    assert lines[-1] == "  See the crosswalk file format in the documentation."


def test_data_checked_without_a_file_has_no_positions() -> None:
    assert crosswalk_problems({"id": "national-outcomes"}, bundled()) == (
        Problem(pointer="", message="'frameworks' is a required property"),
        Problem(pointer="", message="'national_outcomes' is a required property"),
        Problem(pointer="", message="'source' is a required property"),
        Problem(pointer="", message="'statement' is a required property"),
        Problem(pointer="", message="'version' is a required property"),
    )


def test_a_file_that_cannot_be_read(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFileError) as caught:
        load_crosswalk(tmp_path / "missing.yaml")
    assert caught.value.source == str(tmp_path / "missing.yaml")


def test_the_shipped_schema_is_the_code_and_accepts_the_file() -> None:
    shipped = ROOT / "src" / "personal_outcomes" / "schemas" / CROSSWALK_SCHEMA_NAME
    assert json.loads(shipped.read_text(encoding="utf-8")) == crosswalk_schema()
    assert crosswalk_schema()["$id"] == (
        "https://w3id.org/personal-outcomes/schemas/crosswalk.schema.json"
    )
    assert crosswalk_schema("https://example.org/po")["$id"] == (
        "https://example.org/po/schemas/crosswalk.schema.json"
    )
    jsonschema.Draft202012Validator.check_schema(crosswalk_schema())
    assert jsonschema.Draft202012Validator(crosswalk_schema()).is_valid(yaml.safe_load(TEXT))
