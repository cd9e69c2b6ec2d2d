"""Opening questions, whose life an outcome is about, and how show and the pages say so."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from personal_outcomes import Framework, bundled, load_framework
from personal_outcomes._cli import run
from personal_outcomes.errors import InvalidFrameworkError
from personal_outcomes.frameworks._render import framework_markdown, framework_text
from personal_outcomes.schemas import framework_file_schema
from strategies import TEXT

DATA = Path(__file__).parent / "data"
NOT_A_QUESTIONNAIRE = "they are not a questionnaire or a checklist"
PROJECT_SCALE = "This review scale is the project's own convention."
OWN_SCALE = "This review scale is defined by the framework file itself"
NEVER_REPLACES = "It never replaces that person's own record"


def cli(*arguments: str) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    code = run(list(arguments), stdout, stderr)
    return code, stdout.getvalue(), stderr.getvalue()


def _carers_data() -> dict[str, Any]:
    return bundled().get("carers").to_data()


def _local() -> Framework:
    return load_framework(DATA / "frameworks" / "minimal.yaml")


# ---- the data: schema and model -------------------------------------------------------


@given(st.lists(TEXT, min_size=1, max_size=10))
def test_opening_questions_are_kept_in_order(questions: list[str]) -> None:
    """Any one to ten texts are a framework's opening questions, in the order given."""
    data = {**_carers_data(), "opening_questions": questions}
    framework = Framework.from_data(data)
    assert framework.opening_questions == tuple(questions)
    assert framework.to_data()["opening_questions"] == questions


@pytest.mark.parametrize(
    ("questions", "message"),
    [
        ([], "should be non-empty"),
        (["What matters most to you?"] * 11, "is too long"),
        (["   "], "must be text, with at least one character that is not a space"),
        ("What matters most to you?", "expected a list, but this is text"),
    ],
)
def test_bad_opening_questions_are_refused(questions: object, message: str) -> None:
    """An empty list, more than ten, blank text or a bare string are framework errors."""
    data = {**_carers_data(), "opening_questions": questions}
    with pytest.raises(InvalidFrameworkError) as info:
        Framework.from_data(data)
    [problem] = info.value.problems
    assert problem.pointer.startswith("/opening_questions")
    assert message in problem.message


def test_opening_questions_are_optional() -> None:
    """A framework file without opening questions still loads, with none."""
    assert _local().opening_questions == ()
    assert "opening_questions" not in _local().to_data()


@given(st.sampled_from(["person", "cared-for-person"]))
def test_about_is_person_or_cared_for_person(about: str) -> None:
    """Either value of about is accepted; "person" is the default, left out of the data."""
    data = _carers_data()
    data["categories"][1]["outcomes"][0]["about"] = about
    framework = Framework.from_data(data)
    assert framework.categories[1].outcomes[0].about == about
    written: Any = framework.to_data()
    assert ("about" in written["categories"][1]["outcomes"][0]) == (about != "person")


def test_about_person_spelt_out_changes_nothing() -> None:
    """Writing the default about: person gives the same framework and the same digest."""
    data = _carers_data()
    for category in data["categories"]:
        for outcome in category["outcomes"]:
            outcome.setdefault("about", "person")
    assert Framework.from_data(data) == bundled().get("carers")
    assert Framework.from_data(data).digest == bundled().get("carers").digest


@given(TEXT.filter(lambda text: text not in {"person", "cared-for-person"}))
def test_other_about_values_are_refused(about: str) -> None:
    """Any other value of about is a framework error at its place."""
    data = _carers_data()
    data["categories"][0]["outcomes"][0]["about"] = about
    with pytest.raises(InvalidFrameworkError) as info:
        Framework.from_data(data)
    [problem] = info.value.problems
    assert problem.pointer == "/categories/0/outcomes/0/about"


def test_the_published_schema_knows_the_new_fields() -> None:
    """The framework file schema accepts the bundled data, with about spelt out or not."""
    validator = jsonschema.Draft202012Validator(framework_file_schema())
    for framework in bundled():
        assert validator.is_valid(framework.to_data())
    _, out, _ = cli("show", "carers", "--format", "json")
    shown = json.loads(out)
    for category in shown["categories"]:
        for outcome in category["outcomes"]:
            del outcome["national_outcomes"]  # shown, but not part of a framework file
    assert validator.is_valid(shown)


# ---- show and the generated pages ------------------------------------------------------


@pytest.mark.parametrize("framework_id", ["adults", "care-homes", "carers"])
def test_show_text_opens_the_conversation(framework_id: str) -> None:
    """show lists the opening questions, warns against the checklist, and owns the scale."""
    code, out, _ = cli("show", framework_id)
    assert code == 0
    flat = " ".join(out.split())
    for question in bundled().get(framework_id).opening_questions:
        assert f"- {question}" in flat
    assert NOT_A_QUESTIONNAIRE in flat
    assert flat.index("The conversation") < flat.index("Review scale") < flat.index(PROJECT_SCALE)


def test_show_text_marks_the_cared_for_persons_outcome() -> None:
    """The carers' outcome about the cared-for person says so, and only that one."""
    flat = " ".join(cli("show", "carers")[1].split())
    assert flat.count("about: cared-for-person") == 1
    assert NEVER_REPLACES in flat
    assert "about:" not in " ".join(cli("show", "adults")[1].split())


def test_a_local_framework_without_opening_questions(tmp_path: Path) -> None:
    """A local file with no opening questions and its own scale is shown honestly."""
    shutil.copy(DATA / "frameworks" / "minimal.yaml", tmp_path)
    code, out, _ = cli("--framework-dir", str(tmp_path), "show", "local-test")
    assert code == 0
    flat = " ".join(out.split())
    assert "Open it with" not in flat
    assert NOT_A_QUESTIONNAIRE in flat
    assert OWN_SCALE in flat
    assert PROJECT_SCALE not in flat
    page = " ".join(framework_markdown(_local()).split())
    assert "Open the conversation" not in page
    assert NOT_A_QUESTIONNAIRE in page
    assert OWN_SCALE in page


def test_markdown_page_has_the_conversation_and_the_marks() -> None:
    """The generated page opens with the questions and marks whose life and whose scale."""
    page = framework_markdown(bundled().get("carers"))
    assert "## The conversation\n" in page
    for question in bundled().get("carers").opening_questions:
        assert f"\n- {question}\n" in page
    assert NOT_A_QUESTIONNAIRE in page
    assert page.count("Conversation prompts, to follow up what the person raises:") == 14
    assert page.count("About `cared-for-person`") == 1
    assert NEVER_REPLACES in page
    assert f"## Review scale\n\n{PROJECT_SCALE}" in page
    assert page == cli("show", "carers", "--format", "markdown")[1]


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_show_data_spells_out_about(fmt: str) -> None:
    """show --format json|yaml gives every outcome's about, and reads back unchanged."""
    code, out, _ = cli("show", "carers", "--format", fmt)
    assert code == 0
    data = json.loads(out) if fmt == "json" else yaml.safe_load(out)
    about = {
        outcome["id"]: outcome["about"]
        for category in data["categories"]
        for outcome in category["outcomes"]
    }
    assert about.pop("quality-of-life-for-the-cared-for-person") == "cared-for-person"
    assert set(about.values()) == {"person"}
    assert len(about) == 13
    assert data["opening_questions"] == list(bundled().get("carers").opening_questions)
    assert list(data)[:5] == ["id", "version", "title", "population", "opening_questions"]
    first = data["categories"][0]["outcomes"][0]
    assert list(first)[:3] == ["id", "label", "about"]
    assert list(first)[-1] == "national_outcomes"
    for category in data["categories"]:
        for outcome in category["outcomes"]:
            del outcome["national_outcomes"]  # shown, but not part of a framework file
    assert Framework.from_data(data) == bundled().get("carers")


def test_text_and_markdown_agree_on_every_framework() -> None:
    """Both renderings of every bundled framework carry the warning and the provenance."""
    for framework in bundled():
        for rendered in (framework_text(framework), framework_markdown(framework)):
            flat = " ".join(rendered.split())
            assert NOT_A_QUESTIONNAIRE in flat
            assert PROJECT_SCALE in flat
