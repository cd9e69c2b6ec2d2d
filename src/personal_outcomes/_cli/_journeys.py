"""``personal-outcomes journeys FILE...``: from each person's outcome start to its next review."""

from __future__ import annotations

import argparse
from typing import Final, TextIO

from personal_outcomes._cli._command import Command, Streams, UsageError
from personal_outcomes._cli._tallies import (
    check_folder,
    count_records,
    finish,
    tally_arguments,
    write_out,
    write_tally,
)
from personal_outcomes.frameworks import Registry
from personal_outcomes.summaries import Grouping, Journeys, published
from personal_outcomes.summaries._journeys import refuse_fields
from personal_outcomes.summaries._output import (
    write_journeys_csv,
    write_journeys_markdown,
    write_journeys_table,
)

_WRITERS: Final = (write_journeys_csv, write_journeys_markdown, write_journeys_table)
_NAME = "personal-outcomes journeys"


def _arguments(parser: argparse.ArgumentParser) -> None:
    tally_arguments(
        parser,
        by="group by context.NAME or period, of the start record (repeatable)",
        period="the period of the start's recorded_on that --by period groups by (default: month)",
    )


def _journeys(args: argparse.Namespace, registry: Registry, streams: Streams) -> int:
    try:
        refuse_fields(args.by)  # first, so that the message names what journeys accept
        journeys = Journeys(grouping=Grouping(fields=tuple(args.by), period=args.period))
    except ValueError as err:
        raise UsageError(f"{_NAME}: error: {err}\n") from None
    check_folder(_NAME, args.output, args.files)
    run, faults = count_records(_NAME, args, registry, journeys, streams.stderr)
    rows = published(journeys.rows(registry), below=args.suppress_below, zeros=args.suppress_zeros)

    def write(out: TextIO) -> None:
        write_tally(journeys, rows, registry, args.format, out, writers=_WRITERS)

    write_out(_NAME, args.output, write, streams.stdout)
    return finish(_NAME, run, faults, streams)


COMMAND = Command(
    name="journeys",
    help="follow each person's outcomes from start to next review (using information)",
    description=(
        "Follow personal outcomes from start to next review: per framework and outcome, the "
        "starts (the earliest assessment or support-planning record of a person naming the "
        "outcome), how many reached each review level or unrated at the next review of that "
        "person on or after the start, how many have no review yet, and the median days from "
        "start to review. Persons are matched by person_id only. Records with errors are "
        "left out and counted by issue code."
    ),
    arguments=_arguments,
    action=_journeys,
)
