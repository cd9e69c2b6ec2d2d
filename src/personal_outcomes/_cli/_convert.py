"""``personal-outcomes convert FILE... --to FORMAT --output OUT``: valid records, rewritten."""

from __future__ import annotations

import argparse
from collections.abc import Iterator, Mapping
from typing import TextIO

from personal_outcomes._cli._command import EXIT_INVALID, EXIT_OK, EXIT_USAGE, Command, Streams
from personal_outcomes._cli._inputs import engine_inputs, input_arguments
from personal_outcomes._cli._tallies import check_folder, write_out
from personal_outcomes._cli._validate import date
from personal_outcomes._codes import ERROR, UNREADABLE_FILE
from personal_outcomes._formats import EXTENSIONS
from personal_outcomes._formats._csv import csv_fault
from personal_outcomes._formats._write import WRITE_FORMATS, write_records
from personal_outcomes.errors import UnknownFormatError
from personal_outcomes.frameworks import Registry
from personal_outcomes.validation import RecordResult
from personal_outcomes.validation._run import Engine, Run

_NAME = "personal-outcomes convert"
#: What a valid record CSV cannot carry exactly is left out under this name.
_NOT_CSV = "not-csv"


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE", help="a record file, or - for stdin")
    input_arguments(parser)
    parser.add_argument(
        "--to",
        required=True,
        choices=WRITE_FORMATS,
        help="the format to write: " + ", ".join(WRITE_FORMATS),
    )
    parser.add_argument(
        "--output",
        required=True,
        metavar="PATH",
        help="the file to write (whole or not at all), or - for standard output",
    )
    parser.add_argument(
        "--today",
        type=date,
        metavar="YYYY-MM-DD",
        help="treat dates after this one as in the future (default: today in UTC+14)",
    )


class _Left:
    """What was left out, and why, as the records go by."""

    def __init__(self, stderr: TextIO, *, to_csv: bool) -> None:
        self.stderr = stderr
        self.to_csv = to_csv
        self.records = self.written = self.left_out = 0
        self.codes: dict[str, int] = {}
        self.faults = 0

    def valid(self, results: Iterator[RecordResult]) -> Iterator[Mapping[str, object]]:
        for result in results:
            errors = [issue for issue in result.issues if issue.severity == ERROR]
            if result.index is None:  # a fault of a file itself, in no record
                self.stderr.write("".join(f"{issue}\n" for issue in errors))
                if errors and errors[0].code == UNREADABLE_FILE:
                    raise _Unreadable
                self.faults += 1
                continue
            self.records += 1
            data = result.data
            if not errors and isinstance(data, Mapping):
                fault = csv_fault(data) if self.to_csv else None
                if fault is None:
                    self.written += 1
                    yield data
                    continue
                pointer, problem = fault
                where = f"{result.source}:{result.line}" if result.line else result.source
                self.stderr.write(f"{where}: {pointer}: {_NOT_CSV}: {problem}\n")
                self.left_out += 1
                self.codes[_NOT_CSV] = self.codes.get(_NOT_CSV, 0) + 1
                continue
            self.left_out += 1
            for code in {issue.code for issue in errors} or {"schema"}:
                self.codes[code] = self.codes.get(code, 0) + 1
            self.stderr.write("".join(f"{issue}\n" for issue in errors))


def _convert(args: argparse.Namespace, registry: Registry, streams: Streams) -> int:
    engine = Engine(registry, today=args.today, **engine_inputs(args, _NAME)._asdict())
    run = Run()
    left = _Left(streams.stderr, to_csv=args.to == "csv")

    try:
        engine.plan(args.files, args.input_format)  # every format told before writing
    except UnknownFormatError as err:
        streams.stderr.write(f"{_NAME}: error: {err}\n")
        return EXIT_USAGE

    def write(out: TextIO) -> None:
        results = engine.scan(args.files, input_format=args.input_format, every=True, run=run)
        write_records(left.valid(results), out, args.to)

    output = None if args.output == "-" else args.output
    check_folder(_NAME, output, args.files)
    try:
        write_out(_NAME, output, write, streams.stdout)
    except _Unreadable:
        whole = "nothing was written" if output is not None else "the output is not whole"
        streams.stderr.write(
            f"{_NAME}: a file could not be read (above); {whole}: check the path and run again\n"
        )
        return EXIT_USAGE
    codes = ", ".join(f"{code} {count}" for code, count in sorted(left.codes.items()))
    noun = "record" if left.records == 1 else "records"
    if run.skipped:
        endings = (
            ", ".join(sorted(EXTENSIONS))
            if engine.profile is None
            else (f".{engine.profile.format}")
        )
        streams.stderr.write(
            f"{run.skipped} other file(s) in the folders given were skipped (only files "
            f"ending {endings} are read)\n"
        )
    streams.stderr.write(
        f"{left.records} {noun}: {left.written} written, {left.left_out} left out for errors"
        + (f" ({codes})" if codes else "")
        + "\n"
    )
    return EXIT_INVALID if left.left_out or left.faults else EXIT_OK


class _Unreadable(Exception):  # noqa: N818 (control flow, never leaves this module)
    """A file could not be read: the output, being incomplete, is not written."""


COMMAND = Command(
    name="convert",
    help="write the valid records in another format (exports through a profile)",
    description=(
        "Read records, or exports through an import profile, and write the valid ones in "
        "record format 1 (JSON Lines, JSON, YAML or CSV). What was left out, and why, goes "
        "to standard error; exit 1 if anything was left out."
    ),
    arguments=_arguments,
    action=_convert,
)
