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

from personal_outcomes._version import __version__
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


def __dir__() -> list[str]:
    return sorted(__all__)
