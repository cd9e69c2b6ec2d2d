"""``personal-outcomes summarise FILE...``: mentions, persons and review levels, by group."""

from __future__ import annotations

import argparse
import io
from typing import TextIO

from personal_outcomes._cli._command import EXIT_OK, EXIT_USAGE, Command, Streams, UsageError
from personal_outcomes._cli._validate import date, positive
from personal_outcomes._codes import UNREADABLE_FILE
from personal_outcomes._formats import FORMATS
from personal_outcomes.errors import UnknownFormatError
from personal_outcomes.frameworks import Registry
from personal_outcomes.summaries import PERIODS, Grouping, Summary, SummaryRow, published
from personal_outcomes.summaries._chart import chart_format, draw_chart
from personal_outcomes.summaries._output import (
    OUTPUT_FORMATS,
    counts_line,
    whole_file,
    write_csv,
    write_json,
    write_markdown,
    write_table,
)
from personal_outcomes.validation._run import Engine, Run


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
        help="group by context.NAME, stage, perspective or period (repeatable)",
    )
    parser.add_argument(
        "--period",
        choices=PERIODS,
        default="month",
        help="the period of recorded_on that --by period groups by (default: month)",
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
        "--chart",
        type=_chart_path,
        metavar="PATH",
        help="also draw the review levels per outcome to PATH, *.png or *.svg "
        "(needs the charts extra: pip install 'personal-outcomes[charts]')",
    )
    parser.add_argument(
        "--suppress-below",
        type=positive,
        metavar="N",
        help=(
            "suppress every count from 1 to N-1, and any count a published total would "
            "give away (see the disclosure control reference); off by default"
        ),
    )
    parser.add_argument(
        "--suppress-zeros",
        action="store_true",
        help="with --suppress-below, suppress zeros as well",
    )
    parser.add_argument(
        "--today",
        type=date,
        metavar="YYYY-MM-DD",
        help="treat dates after this one as in the future (default: today in UTC+14)",
    )


def _chart_path(text: str) -> str:
    try:
        chart_format(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None
    return text


def _summarise(args: argparse.Namespace, registry: Registry, streams: Streams) -> int:
    try:
        grouping = Grouping(fields=tuple(args.by), period=args.period)
    except ValueError as err:
        raise UsageError(f"personal-outcomes summarise: error: {err}\n") from None
    engine = Engine(registry, today=args.today)
    run = Run()
    summary = Summary(grouping=grouping)
    faults = 0
    try:
        for result in engine.scan(args.files, input_format=args.input_format, every=True, run=run):
            if result.index is None and result.issues[0].code != UNREADABLE_FILE:
                faults += 1  # a fault of a file itself: no record
            summary.add(result)
    except UnknownFormatError as err:
        raise UsageError(f"personal-outcomes summarise: error: {err}\n") from None
    rows = published(summary.rows(registry), below=args.suppress_below, zeros=args.suppress_zeros)
    try:
        if args.output is None:
            _write(summary, rows, registry, args.format, streams.stdout)
        else:
            with whole_file(args.output) as out:
                _write(summary, rows, registry, args.format, out)
    except OSError as err:
        reason = err.strerror or type(err).__name__
        message = f"personal-outcomes summarise: cannot write {args.output} ({reason})\n"
        raise UsageError(message) from None
    if faults:
        streams.stderr.write(
            f"personal-outcomes summarise: {faults} fault(s) of a file itself, in no record "
            "(an empty file, say); personal-outcomes validate lists them\n"
        )
    if args.chart is not None:
        try:  # MissingExtraError: exit 2, nothing written
            draw_chart(rows if args.suppress_below else summary, registry, args.chart)
        except OSError as err:
            reason = err.strerror or type(err).__name__
            message = f"personal-outcomes summarise: cannot write {args.chart} ({reason})\n"
            raise UsageError(message) from None
    if run.unreadable:
        streams.stderr.write(
            f"personal-outcomes summarise: {run.unreadable} file(s) could not be read\n"
        )
        return EXIT_USAGE
    return EXIT_OK


def _write(
    summary: Summary, rows: list[SummaryRow], registry: Registry, output: str, out: TextIO
) -> None:
    fields = summary.grouping.fields
    if output == "json":
        write_json(summary.to_dict(registry, rows), out)
        return
    text = io.StringIO()
    if output == "csv":
        write_csv(rows, fields, text)
    elif output == "markdown":
        write_markdown(rows, fields, text)
    else:
        write_table(rows, fields, text)
        text.write(counts_line(summary.records, summary.included, summary.excluded_by_code))
    out.write(text.getvalue())


COMMAND = Command(
    name="summarise",
    help="count mentions, persons and review levels per outcome (using information)",
    description=(
        "Summarise personal-outcomes records: per framework, category and outcome, the "
        "mentions, the distinct persons and, at review, each level reached and the unrated. "
        "Records with errors are left out and counted by issue code."
    ),
    arguments=_arguments,
    action=_summarise,
)
