"""The Personal Outcomes (Talking Points) frameworks as typed, validated data.

>>> from personal_outcomes import bundled
>>> bundled().get("adults").outcome("seeing-people").category
'quality-of-life'
"""

from __future__ import annotations

from personal_outcomes._loading import Registry, bundled, load_framework
from personal_outcomes._model import Category, Framework, Outcome

__all__ = [
    "Category",
    "Framework",
    "Outcome",
    "Registry",
    "__version__",
    "bundled",
    "load_framework",
]

__version__ = "0.1.0"


def __dir__() -> list[str]:
    return sorted(__all__)
