"""Structuring checked framework data into the model, and back, with cattrs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import cast

import cattrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from personal_outcomes._model import Category, Framework, Outcome

converter = cattrs.Converter(
    omit_if_default=True,
    forbid_extra_keys=True,
    unstruct_collection_overrides={Sequence: list},
)

# An outcome's category is where it sits in the file, not a key of its own.
converter.register_unstructure_hook(
    Outcome,
    make_dict_unstructure_fn(
        Outcome, converter, _cattrs_omit_if_default=True, category=override(omit=True)
    ),
)
_structure_category = make_dict_structure_fn(Category, converter, _cattrs_forbid_extra_keys=True)


def _category_hook(data: Mapping[str, object], cls: type[Category]) -> Category:
    outcomes = cast("list[Mapping[str, object]]", data["outcomes"])
    with_category = [{**outcome, "category": data["id"]} for outcome in outcomes]
    return _structure_category({**data, "outcomes": with_category}, cls)


converter.register_structure_hook(Category, _category_hook)


def structure_framework(data: Mapping[str, object]) -> Framework:
    """Build a :class:`Framework` from data that has passed the framework checks."""
    return converter.structure(data, Framework)


def unstructure_framework(framework: Framework) -> dict[str, object]:
    """Return a framework as plain data, in the framework file format."""
    return cast("dict[str, object]", converter.unstructure(framework))
