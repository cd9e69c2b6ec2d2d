"""``personal-outcomes journeys FILE...``: from each person's outcome start to its next review."""

from __future__ import annotations

import argparse
import io
from typing import TextIO

from personal_outcomes._cli._command import EXIT_OK, EXIT_USAGE, Command, Streams, UsageError
from personal_outcomes._cli._validate import date
from personal_outcomes._codes import UNREADABLE_FILE
from personal_outcomes._formats import FORMATS
from personal_outcomes.errors import UnknownFormatError
from personal_outcomes.frameworks import Registry
from personal_outcomes.summaries import PERIODS, Grouping, Journeys
from personal_outcomes.summaries._journeys import refuse_fields
from personal_outcomes.summaries._output import (
    OUTPUT_FORMATS,
    counts_line,
    whole_file,
    write_journeys_csv,
    write_journeys_markdown,
    write_journeys_table,
    write_json,
)
from personal_outcomes.validation._run import Engine, Run

_NAME = "personal-outcomes journeys"


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE", help="a record file, or - for stdin")
    parser.add_argument(
        "--input-format",
        choices=FORMATS,
        help="the format of every FILE (default: from each file name's ending)",
    )
    parser.add_argument(
        "--by",
        action="append",
        default=[],
        metavar="FIELD",
        help="group by context.NAME or period, of the start record (repeatable)",
    )
    parser.add_argument(
        "--period",
        choices=PERIODS,
        default="month",
        help="the period of the start's recorded_on that --by period groups by (default: month)",
    )
    parser.add_argument(
        "--format",
        choices=OUTPUT_FORMATS,
        default="table",
        help="table (default), csv, json or markdown",
    )
    parser.add_argument(
        "--output",
        metavar="PATH",
        help="write to PATH (whole or not at all) instead of standard output",
    )
    parser.add_argument(
        "--today",
        type=date,
        metavar="YYYY-MM-DD",
        help="treat dates after this one as in the future (default: today in UTC+14)",
    )


def _journeys(args: argparse.Namespace, registry: Registry, streams: Streams) -> int:
    try:
        refuse_fields(args.by)  # first, so that the message names what journeys accept
        journeys = Journeys(grouping=Grouping(fields=tuple(args.by), period=args.period))
    except ValueError as err:
        raise UsageError(f"{_NAME}: error: {err}\n") from None
    engine = Engine(registry, today=args.today)
    run = Run()
    faults = 0
    try:
        for result in engine.scan(args.files, input_format=args.input_format, every=True, run=run):
            if result.index is None and result.issues[0].code != UNREADABLE_FILE:
                faults += 1  # a fault of a file itself: no record
            journeys.add(result)
    except UnknownFormatError as err:
        raise UsageError(f"{_NAME}: error: {err}\n") from None
    if args.output is None:
        _write(journeys, registry, args.format, streams.stdout)
    else:
        with whole_file(args.output) as out:
            _write(journeys, registry, args.format, out)
    if faults:
        streams.stderr.write(
            f"{_NAME}: {faults} fault(s) of a file itself, in no record "
            "(an empty file, say); personal-outcomes validate lists them\n"
        )
    if run.unreadable:
        streams.stderr.write(f"{_NAME}: {run.unreadable} file(s) could not be read\n")
        return EXIT_USAGE
    return EXIT_OK


def _write(journeys: Journeys, registry: Registry, output: str, out: TextIO) -> None:
    fields = journeys.grouping.fields
    if output == "json":
        write_json(journeys.to_dict(registry), out)
        return
    rows = journeys.rows(registry)
    text = io.StringIO()
    if output == "csv":
        write_journeys_csv(rows, fields, text)
    elif output == "markdown":
        write_journeys_markdown(rows, fields, text)
    else:
        write_journeys_table(rows, fields, text)
        text.write(counts_line(journeys.records, journeys.included, journeys.excluded_by_code))
    out.write(text.getvalue())


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
