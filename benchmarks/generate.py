"""Generate a realistic multi-framework JSON Lines file of personal-outcomes records.

About 10% of the records carry a fault of the kinds integrators see: an unknown
outcome id, a missing field, a bad date, a status missing at review, an unknown
key, a wrong type, a duplicated record_id.

    python benchmarks/generate.py --records 100000 --output benchmarks/_data/records-100k.jsonl
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Iterator
from pathlib import Path

from personal_outcomes import bundled

_PHRASES = (
    "getting back to the bowling club on thursdays to see my pals walking to the shops "
    "by myself again feeling less anxious when I go out cooking a proper meal for my "
    "grandchildren staying in my own home with my garden keeping up with the allotment "
    "going to church on sundays managing the stairs without help sleeping through the night"
)
WORDS = tuple(_PHRASES.split())
TEAMS = ("north-east", "south", "west", "city-centre", "islands")
SERVICES = ("reablement", "home-care", "day-service", "carer-support", "care-home")
FAULTS = (
    "unknown-outcome",
    "missing-field",
    "bad-date",
    "no-status",
    "extra-key",
    "wrong-type",
    "dup-id",
)


def _text(rng: random.Random, low: int, high: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high))).capitalize()


def _date(rng: random.Random) -> str:
    return f"{rng.choice((2024, 2025))}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def records(
    count: int, seed: int = 2026, invalid_share: float = 0.1
) -> Iterator[dict[str, object]]:
    """Yield ``count`` records, about ``invalid_share`` of them faulty."""
    rng = random.Random(seed)
    frameworks = bundled().latest()
    for number in range(count):
        framework = rng.choice(frameworks)
        stage = rng.choice(("assessment", "support-planning", "review"))
        outcomes = []
        for _ in range(rng.randint(1, 6)):
            outcome: dict[str, object] = {
                "outcome": rng.choice(framework.outcomes).id,
                "what_matters": _text(rng, 6, 18),
            }
            if rng.random() < 0.6:
                outcome["why_it_matters"] = _text(rng, 4, 12)
            if rng.random() < 0.7:
                outcome["contributions"] = [
                    {
                        "by": rng.choice(("person", "family-and-friends", "community", "services")),
                        "what": _text(rng, 3, 10),
                    }
                    for _ in range(rng.randint(1, 3))
                ]
            if stage == "review":
                outcome["status"] = rng.choice(framework.review_scale.ids)
                if rng.random() < 0.5:
                    outcome["status_note"] = _text(rng, 3, 10)
            outcomes.append(outcome)
        record: dict[str, object] = {
            "record_id": f"r-{number:08d}",
            "framework": framework.id,
            "framework_version": framework.version,
            "person_id": f"p-{rng.getrandbits(32):08x}",
            "recorded_on": _date(rng),
            "stage": stage,
            "context": {"team": rng.choice(TEAMS), "service": rng.choice(SERVICES)},
            "outcomes": outcomes,
        }
        if rng.random() < invalid_share:
            _spoil(record, rng.choice(FAULTS), number)
        yield record


def _spoil(record: dict[str, object], fault: str, number: int) -> None:
    outcomes = record["outcomes"]
    assert isinstance(outcomes, list)
    first = outcomes[0]
    if fault == "unknown-outcome":
        first["outcome"] = "seeing-peple"
    elif fault == "missing-field":
        del record["person_id"]
    elif fault == "bad-date":
        record["recorded_on"] = "2026-02-30"
    elif fault == "no-status":
        record["stage"] = "review"
        first.pop("status", None)
    elif fault == "extra-key":
        first["colour"] = "blue"
    elif fault == "wrong-type":
        first["what_matters"] = 42
    else:
        record["record_id"] = f"r-{max(number - 1, 0):08d}"


def main() -> None:
    """Write the file."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--output", type=Path, required=True)
    args = parser.parse_args()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    with args.output.open("w", encoding="utf-8", newline="\n") as out:
        for record in records(args.records, args.seed):
            out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
