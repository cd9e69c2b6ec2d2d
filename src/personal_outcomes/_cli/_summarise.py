"""``personal-outcomes summarise FILE...``: mentions, persons and review levels, by group."""

from __future__ import annotations

import argparse
import textwrap
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
from personal_outcomes.interop import crosswalk
from personal_outcomes.summaries import Grouping, Summary, published
from personal_outcomes.summaries._chart import chart_format, check_panels, draw_chart
from personal_outcomes.summaries._grouping import NATIONAL_OUTCOME
from personal_outcomes.summaries._output import (
    write_csv,
    write_markdown,
    write_table,
)
from personal_outcomes.summaries._summary import national_outcomes_note

_WRITERS: Final = (write_csv, write_markdown, write_table)
_NAME = "personal-outcomes summarise"


def _arguments(parser: argparse.ArgumentParser) -> None:
    tally_arguments(
        parser,
        by=(
            "group by context.NAME, stage, perspective, period or national-outcome "
            "(repeatable); by national-outcome, an outcome counts in the group of every "
            "national outcome it serves, so the groups overlap"
        ),
        period="the period of recorded_on that --by period groups by (default: month)",
    )
    parser.add_argument(
        "--chart",
        type=_chart_path,
        metavar="PATH",
        help="also draw the review levels per outcome to PATH, *.png or *.svg, in at most "
        "24 panels (needs the charts extra: pip install 'personal-outcomes[charts]')",
    )


def _chart_path(text: str) -> str:
    try:
        chart_format(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None
    return text


def _national_note(*, markdown: bool) -> str:
    """Return the note under a table or Markdown table grouped by national outcome."""
    legend = "; ".join(
        f"{national.number} {national.title}" for national in crosswalk().national_outcomes
    )
    text = f"{national_outcomes_note()} National outcomes: {legend}."
    if markdown:
        return f"\n{text}\n"
    return "\n" + "\n".join(textwrap.wrap(text, 88)) + "\n"


def _summarise(args: argparse.Namespace, registry: Registry, streams: Streams) -> int:
    try:
        summary = Summary(grouping=Grouping(fields=tuple(args.by), period=args.period))
    except ValueError as err:
        raise UsageError(f"{_NAME}: error: {err}\n") from None
    for path in (args.output, args.chart):
        check_folder(_NAME, path, args.files)
    run, faults = count_records(_NAME, args, registry, summary, streams.stderr)
    rows = published(summary.rows(registry), below=args.suppress_below, zeros=args.suppress_zeros)
    if args.chart is not None:
        check_panels(rows)  # TooManyPanelsError: exit 2, before anything is written

    def write(out: TextIO) -> None:
        write_tally(summary, rows, registry, args.format, out, writers=_WRITERS)
        if NATIONAL_OUTCOME in args.by and args.format in {"table", "markdown"}:
            out.write(_national_note(markdown=args.format == "markdown"))

    write_out(_NAME, args.output, write, streams.stdout)
    if args.chart is not None:
        try:  # MissingExtraError: exit 2, nothing written
            draw_chart(rows if args.suppress_below else summary, registry, args.chart)
        except OSError as err:
            reason = err.strerror or type(err).__name__
            raise UsageError(f"{_NAME}: cannot write {args.chart} ({reason})\n") from None
    return finish(_NAME, run, faults, streams)


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
