"""The framework model: frameworks, their categories and outcomes, and the registry.

A :class:`Framework` holds :class:`Category` objects, each holding
:class:`Outcome` objects, in published order; every class is frozen and
keyword-only, with tuples inside. A :class:`Registry` knows which frameworks
(and versions) a program can use: :func:`bundled` returns the three shipped
with the package, and :meth:`Registry.with_directory` adds an organisation's
own framework files, among them local frameworks derived from another one
(:func:`derive_framework`).

>>> from personal_outcomes.frameworks import bundled
>>> adults = bundled().get("adults")
>>> adults
<Framework adults 1.1.0: 3 categories, 15 outcomes>
>>> adults.outcome("seeing-people").category
'quality-of-life'
>>> [level.id for level in adults.review_scale]
['met', 'partly-met', 'not-met', 'no-longer-relevant']
"""

from __future__ import annotations

from personal_outcomes.frameworks._data import manifest
from personal_outcomes.frameworks._model import (
    Alias,
    Category,
    Framework,
    Outcome,
    OutcomeAbout,
    OutcomeType,
    ReviewLevel,
    ReviewScale,
    Source,
    Statement,
)
from personal_outcomes.frameworks._registry import (
    Registry,
    bundled,
    derive_framework,
    load_framework,
)

__all__ = [
    "Alias",
    "Category",
    "Framework",
    "Outcome",
    "OutcomeAbout",
    "OutcomeType",
    "Registry",
    "ReviewLevel",
    "ReviewScale",
    "Source",
    "Statement",
    "bundled",
    "derive_framework",
    "load_framework",
    "manifest",
]

# The classes' public home is this module (reprs, pickles and the docs say so).
for _class in (
    Alias,
    Category,
    Framework,
    Outcome,
    Registry,
    ReviewLevel,
    ReviewScale,
    Source,
    Statement,
):
    _class.__module__ = __name__
del _class


def __dir__() -> list[str]:
    return sorted(__all__)
