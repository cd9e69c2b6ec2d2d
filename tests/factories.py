"""Shared test factories: one date to call today, one valid record to change."""

from __future__ import annotations

import datetime as dt
from typing import Any

#: The date the tests call today (``--today`` on the command line).
TODAY = dt.date(2026, 11, 26)
TODAY_ARG = f"--today={TODAY.isoformat()}"


def record(**changes: Any) -> dict[str, Any]:
    """Return a valid adults record (an assessment) with some fields changed."""
    data: dict[str, Any] = {
        "record_id": "r-1",
        "framework": "adults",
        "person_id": "p-1",
        "recorded_on": "2026-03-01",
        "stage": "assessment",
        "outcomes": [{"outcome": "seeing-people", "what_matters": "My pals"}],
    }
    data.update(changes)
    return data


def outcome_record(**changes: Any) -> dict[str, Any]:
    """Return the valid record with its one outcome's fields changed."""
    outcome: dict[str, Any] = {"outcome": "seeing-people", "what_matters": "My pals"}
    outcome.update(changes)
    return record(outcomes=[outcome])
