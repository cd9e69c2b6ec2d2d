"""The Personal Outcomes (Talking Points) frameworks as typed, validated data.

>>> from personal_outcomes import bundled
>>> bundled().get("adults").outcome("seeing-people").category
'quality-of-life'

The framework model lives in :mod:`personal_outcomes.frameworks`. Records are
checked with :func:`~personal_outcomes.validation.validate_record` (one) and
:func:`~personal_outcomes.validation.validate_files` or
:func:`~personal_outcomes.validation.iter_validate` (files, in bulk); see
:mod:`personal_outcomes.validation` and :mod:`personal_outcomes.records`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from personal_outcomes._version import __version__

if TYPE_CHECKING:
    from personal_outcomes.frameworks import (
        Category,
        Framework,
        Outcome,
        Registry,
        bundled,
        derive_framework,
        load_framework,
    )
    from personal_outcomes.records import OutcomesRecord
    from personal_outcomes.validation import (
        Validator,
        iter_validate,
        validate_files,
        validate_record,
    )

__all__ = [
    "Category",
    "Framework",
    "Outcome",
    "OutcomesRecord",
    "Registry",
    "Validator",
    "__version__",
    "bundled",
    "derive_framework",
    "iter_validate",
    "load_framework",
    "validate_files",
    "validate_record",
]

# Each name is imported from its public module when first used, so that a program (or the
# command line) that needs only part of the package does not pay for importing the rest.
_HOMES = {
    "Category": "personal_outcomes.frameworks",
    "Framework": "personal_outcomes.frameworks",
    "Outcome": "personal_outcomes.frameworks",
    "OutcomesRecord": "personal_outcomes.records",
    "Registry": "personal_outcomes.frameworks",
    "Validator": "personal_outcomes.validation",
    "bundled": "personal_outcomes.frameworks",
    "derive_framework": "personal_outcomes.frameworks",
    "iter_validate": "personal_outcomes.validation",
    "load_framework": "personal_outcomes.frameworks",
    "validate_files": "personal_outcomes.validation",
    "validate_record": "personal_outcomes.validation",
}


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
