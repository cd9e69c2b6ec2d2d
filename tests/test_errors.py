"""The error classes: fields are the context, messages are built from them."""

from __future__ import annotations

import pytest

from personal_outcomes import errors
from personal_outcomes.errors import InputError, PersonalOutcomesError, Problem


def test_location_with_and_without_column() -> None:
    """Messages give file:line:column, or as much of it as is known."""
    assert str(InputError(source="f.yaml", line=3, column=4, pointer="/a", problem="bad")) == (
        "f.yaml:3:4: at /a bad"
    )
    assert str(InputError(source="f.yaml", line=3, problem="bad")) == "f.yaml:3: bad"
    assert str(InputError(source="f.yaml", problem="bad")) == "f.yaml: bad"


def test_invalid_framework_lists_problems() -> None:
    """An invalid framework error lists each problem on its own line."""
    error = errors.InvalidFrameworkError(
        source="f.yaml", problems=(Problem(pointer="", message="bad", line=1, column=1),)
    )
    assert str(error).splitlines() == [
        "f.yaml: not a valid framework file (1 problem):",
        "  f.yaml:1:1: /: bad",
        "  See the framework file format in the documentation.",
    ]


@pytest.mark.parametrize("name", errors.__all__)
def test_every_error_derives_from_the_base(name: str) -> None:
    """Every exception in the errors module derives from PersonalOutcomesError."""
    item = getattr(errors, name)
    if name != "Problem":
        assert issubclass(item, PersonalOutcomesError)
