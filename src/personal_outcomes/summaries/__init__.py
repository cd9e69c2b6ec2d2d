"""Using information: summaries of validated records, by group.

Collating personal outcomes is the third practice component of the approach
("using information"): teams, services and commissioners learn from what people
said mattered and what happened. :func:`summarise` counts, per framework, category
and outcome, the mentions, the distinct persons and the review levels reached; a
:class:`Summary` streams and merges. :func:`journeys` follows each person's outcomes
from their start to their next review, and :class:`Journeys` streams and merges too.
:func:`draw_chart` draws the review levels per outcome (the ``charts`` extra).

Before publishing, :func:`published` suppresses small counts (and any count a
published total would give away); :func:`suppress` applies the same rule to any
table of counts.
"""

from __future__ import annotations

from personal_outcomes.summaries._chart import draw_chart
from personal_outcomes.summaries._disclosure import Table, share, suppress
from personal_outcomes.summaries._journeys import JourneyRow, Journeys, journeys
from personal_outcomes.summaries._publish import published
from personal_outcomes.summaries._summary import (
    GROUP_FIELDS,
    PERIODS,
    Grouping,
    Period,
    Summary,
    SummaryRow,
    period_of,
    summarise,
)

__all__ = [
    "GROUP_FIELDS",
    "PERIODS",
    "Grouping",
    "JourneyRow",
    "Journeys",
    "Period",
    "Summary",
    "SummaryRow",
    "Table",
    "draw_chart",
    "journeys",
    "period_of",
    "published",
    "share",
    "summarise",
    "suppress",
]


def __dir__() -> list[str]:
    return sorted(__all__)
