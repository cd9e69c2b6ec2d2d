"""What ``summarise`` and ``journeys`` share: their options, reading, and writing whole."""

from __future__ import annotations

import argparse
import errno
import io
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from personal_outcomes._cli._command import EXIT_OK, Streams, UsageError
from personal_outcomes._cli._inputs import engine_inputs, input_arguments
from personal_outcomes._cli._validate import cluster, positive, today_and_jobs
from personal_outcomes._codes import UNREADABLE_FILE
from personal_outcomes._formats import EXTENSIONS
from personal_outcomes.errors import UnknownFormatError
from personal_outcomes.frameworks import Registry
from personal_outcomes.summaries import PERIODS, JourneyRow, Journeys, Summary, SummaryRow
from personal_outcomes.summaries._output import OUTPUT_FORMATS, counts_line, whole_file, write_json
from personal_outcomes.validation._dask import scan_dask
from personal_outcomes.validation._parallel import Accumulator, scan_parallel, usable_cores
from personal_outcomes.validation._run import Engine, Run


def tally_arguments(parser: argparse.ArgumentParser, *, by: str, period: str) -> None:
    """Add the options both commands take (``by`` and ``period``: their help)."""
    parser.add_argument("files", nargs="+", metavar="FILE", help="a record file, or - for stdin")
    input_arguments(parser)
    parser.add_argument("--by", action="append", default=[], metavar="FIELD", help=by)
    parser.add_argument("--period", choices=PERIODS, default="month", help=period)
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
    today_and_jobs(
        parser,
        "read JSON Lines files (the output is the same)",
        dask="read the files (the output is the same)",
    )


def count_records(
    name: str, args: argparse.Namespace, registry: Registry, tally: Accumulator, stderr: TextIO
) -> tuple[Run, int]:
    """Check every file and count its records into ``tally``; return the run and its faults.

    A fault is a fault of a file itself, in no record (an empty file, say).
    """
    cores = usable_cores()
    jobs = args.jobs
    if jobs > cores:
        stderr.write(
            f"{name}: note: --jobs {jobs} is more than the {cores} processor core(s) "
            f"this command may use; using {cores}\n"
        )
        jobs = cores
    engine = Engine(registry, today=args.today, **engine_inputs(args, name)._asdict())
    run = Run()
    faults = 0
    unreadable: list[str] = []
    try:
        if args.dask is not None:
            dask = cluster(name, args.dask, stderr)
            results = scan_dask(
                engine, args.files, dask=dask, run=run, input_format=args.input_format, tally=tally
            )
        else:
            results = scan_parallel(
                engine, args.files, jobs=jobs, run=run, input_format=args.input_format, tally=tally
            )
        for result in results:
            if result.index is None:
                if result.issues[0].code == UNREADABLE_FILE:
                    unreadable.append(f"{result.issues[0]}\n")
                else:
                    faults += 1
    except UnknownFormatError as err:
        raise UsageError(f"{name}: error: {err}\n") from None
    if unreadable:  # counts without a whole file would mislead: nothing is written
        message = f"{name}: {len(unreadable)} file(s) could not be read; nothing was written\n"
        raise UsageError("".join(unreadable) + message)
    return run, faults


#: Writes rows as text: the rows, the grouping fields, the stream.
RowWriter = Callable[[Any, Sequence[str], TextIO], None]


def write_tally(
    tally: Summary | Journeys,
    rows: Sequence[SummaryRow] | Sequence[JourneyRow],
    registry: Registry,
    output: str,
    out: TextIO,
    *,
    writers: tuple[RowWriter, RowWriter, RowWriter],
) -> None:
    """Write a summary's or journeys' rows in a format: JSON, or CSV, Markdown, a table.

    ``writers`` are the CSV, Markdown and table writers of the rows' kind; the table
    ends with the line of record counts.
    """
    fields = tally.grouping.fields
    if output == "json":
        write_json(tally.to_dict(registry, rows), out)  # type: ignore[arg-type]
        return
    csv_writer, markdown_writer, table_writer = writers
    text = io.StringIO()
    if output == "csv":
        csv_writer(rows, fields, text)
    elif output == "markdown":
        markdown_writer(rows, fields, text)
    else:
        table_writer(rows, fields, text)
        text.write(counts_line(tally.records, tally.included, tally.excluded_by_code))
    out.write(text.getvalue())


def check_folder(name: str, path: str | None, inputs: Sequence[str] = ()) -> None:
    """Refuse a file to write in a folder that does not exist, before anything is written.

    The message is the one a failed write gives. A file to write that is one of the
    ``inputs`` (given itself, or a record file of a folder given) is refused too: writing
    it would replace records being read.
    """
    if path is None:
        return
    if _is_input(path, inputs):
        message = f"{name}: --output {path} is one of the files read; give another path\n"
        raise UsageError(message)
    folder = Path(os.path.realpath(path)).parent  # of a link's final target
    if Path(path).is_dir():
        problem = errno.EISDIR
    elif not folder.exists():
        problem = errno.ENOENT
    elif not folder.is_dir():
        problem = errno.ENOTDIR
    else:
        return
    raise UsageError(f"{name}: cannot write {path} ({os.strerror(problem)})\n")


def _is_input(path: str, inputs: Sequence[str]) -> bool:
    """Say whether an existing file to write is one of the inputs, or in a folder given."""
    target = Path(os.path.realpath(path))
    if not target.is_file():
        return False
    for given in inputs:
        real = Path(os.path.realpath(given))
        if real.is_dir():
            if real in target.parents and target.suffix.lower() in EXTENSIONS:
                return True
        elif real == target:
            return True
    return False


def write_out(name: str, path: str | None, write: Callable[[TextIO], None], stdout: TextIO) -> None:
    """Write to ``path`` whole or not at all (standard output if None); exit 2 on failure."""
    if path is None:
        write(stdout)  # a closed pipe is the entry point's to handle, as for every command
        return
    try:
        with whole_file(path) as out:
            write(out)
    except OSError as err:
        reason = err.strerror or type(err).__name__
        raise UsageError(f"{name}: cannot write {path} ({reason})\n") from None


def finish(name: str, run: Run, faults: int, streams: Streams) -> int:
    """Say what could not be counted; return the exit code."""
    if faults:
        streams.stderr.write(
            f"{name}: {faults} fault(s) of a file itself, in no record "
            "(an empty file, say); personal-outcomes validate lists them\n"
        )
    del run  # a file that could not be read stopped the command before (count_records)
    return EXIT_OK
