"""Write a care system's export of the benchmark records, and its import profile.

    python benchmarks/generate_export.py RECORDS.csv EXPORT.csv PROFILE.yaml

``RECORDS.csv`` is record format 1's CSV (``personal-outcomes convert --to csv``).
The export carries the same rows as a system would write them: its own column
names, in Windows-1252 with semicolons, dates as dd/mm/yyyy, its own words for
stages and review results, and outcomes by their published labels. The profile
maps it back; reading the export through it gives the same records.
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
from pathlib import Path

from personal_outcomes import bundled

COLUMNS = {
    "record_id": "Assessment ID",
    "framework": "Framework",
    "framework_version": "Framework version",
    "person_id": "Client ID",
    "recorded_on": "Date",
    "stage": "Type",
    "context.team": "Team",
    "context.service": "Service",
    "outcome": "Outcome",
    "what_matters": "What matters to me",
    "why_it_matters": "Why it matters",
    "contributions": "Who does what",
    "status": "Progress",
    "status_note": "Progress note",
    "perspective": "Whose view",
}
STAGES = {"assessment": "Initial assessment", "support-planning": "Care plan", "review": "Review"}
LEVELS = {
    "met": "Achieved",
    "partly-met": "Partly achieved",
    "not-met": "Not achieved",
    "no-longer-relevant": "N/A",
}

PROFILE = """\
profile: 1
format: csv
encoding: cp1252
delimiter: ";"
fields:
  record_id: Assessment ID
  framework: Framework
  framework_version: Framework version
  person_id: Client ID
  recorded_on: {column: Date, date_format: "%d/%m/%Y"}
  stage: {column: Type, values: {Initial assessment: assessment, Care plan: support-planning,
                                 Review: review}}
  context.team: Team
  context.service: Service
  outcome: {column: Outcome, match: label}
  what_matters: What matters to me
  why_it_matters: Why it matters
  contributions: Who does what
  status: {column: Progress, values: {Achieved: met, Partly achieved: partly-met,
                                      Not achieved: not-met, N/A: no-longer-relevant}}
  status_note: Progress note
  perspective: Whose view
"""


def main() -> None:
    """Write the export and its profile."""
    source, export, profile = (Path(name) for name in sys.argv[1:4])
    labels = {
        (framework.id, outcome.id): outcome.label
        for framework in bundled()
        for outcome in framework.outcomes
    }
    with (
        source.open(encoding="utf-8", newline="") as given,
        export.open("w", encoding="cp1252", errors="replace", newline="") as out,
    ):
        reader = csv.DictReader(given)
        writer = csv.writer(out, delimiter=";")
        writer.writerow(COLUMNS.values())
        for row in reader:
            day = dt.date.fromisoformat(row["recorded_on"])
            row["recorded_on"] = day.strftime("%d/%m/%Y")
            row["stage"] = STAGES[row["stage"]]
            row["status"] = LEVELS.get(row["status"], row["status"])
            row["outcome"] = labels.get((row["framework"], row["outcome"]), row["outcome"])
            writer.writerow(row.get(name, "") for name in COLUMNS)
    profile.write_text(PROFILE, encoding="utf-8")


if __name__ == "__main__":
    main()
