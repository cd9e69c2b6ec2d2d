"""The ``personal-outcomes`` command: a thin layer over the library.

:func:`run` takes the arguments and the two output streams and returns the exit
code, so it can be tested without a subprocess. Exit codes: 0 ok, 1 invalid data,
2 usage errors or unreadable input.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import sys
from collections.abc import Sequence
from typing import NoReturn, TextIO

import yaml

from personal_outcomes import __version__
from personal_outcomes._loading import Registry, bundled
from personal_outcomes._parallel import scan_parallel
from personal_outcomes._progress import Progress
from personal_outcomes._readers import FORMATS
from personal_outcomes._record_schema import record_schema
from personal_outcomes._render import framework_markdown, framework_text
from personal_outcomes.errors import PersonalOutcomesError
from personal_outcomes.validation import Issue, Report, Run, Validator

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2


class _UsageError(Exception):
    """Raised instead of argparse's own exit, so :func:`run` keeps control."""


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: object, out: TextIO, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.out = out

    def error(self, message: str) -> NoReturn:
        raise _UsageError(f"{self.prog}: error: {message}\n{self.format_usage()}")

    def _print_message(self, message: str, file: object = None) -> None:
        del file
        self.out.write(message)


def _parser(stdout: TextIO) -> _Parser:
    parser = _Parser(
        prog="personal-outcomes",
        description="The Personal Outcomes frameworks, and checks for personal-outcomes data.",
        out=stdout,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--framework-dir",
        action="append",
        default=[],
        metavar="DIR",
        help="also load the framework files (*.yaml, *.yml) in DIR; may be given more than once",
    )
    # --framework-dir is accepted after the command too (validate --framework-dir DIR ...).
    local = _Parser(add_help=False, out=stdout)
    local.add_argument(
        "--framework-dir",
        dest="command_framework_dir",
        action="append",
        default=[],
        metavar="DIR",
        help="also load the framework files (*.yaml, *.yml) in DIR",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("list", help="list the known frameworks", out=stdout, parents=[local])
    show = commands.add_parser("show", help="show one framework", out=stdout, parents=[local])
    show.add_argument("framework", metavar="FRAMEWORK", help="a framework id, e.g. adults")
    show.add_argument(
        "--framework-version",
        metavar="VERSION",
        help="a version of the framework (default: newest)",
    )
    show.add_argument(
        "--format",
        choices=("text", "markdown", "json", "yaml"),
        default="text",
        help="text for people (default), a Markdown page, or the data as JSON or YAML",
    )
    validate = commands.add_parser(
        "validate",
        help="check record files (JSON, JSON Lines, YAML, CSV)",
        description=(
            "Check personal-outcomes record files. Exit 0 when no record has an error "
            "(warnings allowed), 1 when any has, 2 for usage errors or a file that cannot "
            "be opened."
        ),
        out=stdout,
        parents=[local],
    )
    validate.add_argument("files", nargs="+", metavar="FILE", help="a record file, or - for stdin")
    validate.add_argument(
        "--input-format",
        choices=FORMATS,
        help="the format of every FILE (default: from each file name's ending)",
    )
    validate.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text: one issue per line and a summary (default); json: one JSON report",
    )
    validate.add_argument(
        "--max-issues",
        type=_positive,
        metavar="N",
        help="keep at most N issues (the report says it was cut short; counts stay exact)",
    )
    validate.add_argument(
        "--today",
        type=_date,
        metavar="YYYY-MM-DD",
        help="treat dates after this one as in the future (default: today in UTC+14)",
    )
    validate.add_argument(
        "--jobs",
        type=_positive,
        default=1,
        metavar="N",
        help="check JSON Lines files with N worker processes (default 1)",
    )
    validate.add_argument(
        "--show-values",
        action="store_true",
        help="include the offending values in issues: they are personal data, for local "
        "debugging only",
    )
    schema = commands.add_parser(
        "schema",
        help="print the JSON Schema of records (generic, or for one framework)",
        out=stdout,
        parents=[local],
    )
    schema.add_argument(
        "framework", nargs="?", metavar="FRAMEWORK", help="a framework id (default: generic)"
    )
    schema.add_argument(
        "--framework-version",
        metavar="VERSION",
        help="a version of the framework (default: newest)",
    )
    return parser


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError("must be a whole number of at least 1")
    return value


def _date(text: str) -> dt.date:
    try:
        if len(text) == 10:  # noqa: PLR2004 (YYYY-MM-DD)
            return dt.date.fromisoformat(text)
    except ValueError:
        pass
    raise argparse.ArgumentTypeError("must be a real date written YYYY-MM-DD")


def _registry(args: argparse.Namespace) -> Registry:
    registry = bundled()
    for folder in [*args.framework_dir, *args.command_framework_dir]:
        registry = registry.with_directory(folder)
    return registry


def _list(registry: Registry, args: argparse.Namespace, stdout: TextIO) -> int:
    del args
    rows = [(fw.id, fw.version, str(len(fw.outcomes)), fw.title) for fw in registry]
    widths = [
        max(len(row[i]) for row in [("id", "version", "outcomes", ""), *rows]) for i in (0, 1, 2)
    ]
    header = ("id", "version", "outcomes", "title")
    for row in [header, *rows]:
        stdout.write(
            f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]:>{widths[2]}}  {row[3]}\n"
        )
    return EXIT_OK


def _show(registry: Registry, args: argparse.Namespace, stdout: TextIO) -> int:
    framework = registry.get(args.framework, args.framework_version)
    if args.format == "text":
        stdout.write(framework_text(framework))
    elif args.format == "markdown":
        stdout.write(framework_markdown(framework))
    elif args.format == "json":
        json.dump(framework.to_data(), stdout, ensure_ascii=False, indent=2)
        stdout.write("\n")
    else:
        yaml.safe_dump(framework.to_data(), stdout, sort_keys=False, allow_unicode=True, width=88)
    return EXIT_OK


def _schema(registry: Registry, args: argparse.Namespace, stdout: TextIO) -> int:
    framework = registry.get(args.framework, args.framework_version) if args.framework else None
    json.dump(record_schema(framework), stdout, indent=2, ensure_ascii=False)
    stdout.write("\n")
    return EXIT_OK


def _validate(registry: Registry, args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    validator = Validator(registry, today=args.today, include_values=args.show_values)
    run = Run()
    progress = Progress(stderr) if stderr.isatty() else None
    if progress is not None:

        def show(current: Run) -> None:
            done = current.position() if current.position is not None else None
            progress.update(current.sources[-1], current.records, done, current.size)

        run.on_progress = show
    if args.jobs > 1:
        results = scan_parallel(
            validator, args.files, jobs=args.jobs, run=run, input_format=args.input_format
        )
    else:
        results = validator.scan(args.files, input_format=args.input_format, run=run)
    kept: list[Issue] = []
    written = 0
    truncated = False
    # Records hold no reference cycles: the cyclic collector only costs time here.
    # The command owns its process, so it switches the collector off for the run.
    gc.freeze()
    gc.disable()
    for result in results:
        room = len(result.issues) if args.max_issues is None else args.max_issues - written
        truncated = truncated or room < len(result.issues)
        issues = result.issues[: max(room, 0)]
        written += len(issues)
        if args.format == "json":
            kept.extend(issues)
        elif issues:
            if progress is not None:
                progress.clear()
            stdout.write("".join(f"{issue}\n" for issue in issues))
    gc.enable()
    if progress is not None:
        progress.clear()
    report = run.report(tuple(kept), truncated=truncated)
    if args.format == "json":
        # One write: json.dump would write the report in thousands of small pieces.
        stdout.write(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        stdout.write("\n")
    else:
        stdout.write(_summary(report))
    if report.unreadable:
        return EXIT_USAGE
    return EXIT_INVALID if report.invalid else EXIT_OK


def _summary(report: Report) -> str:
    noun = "record" if report.records == 1 else "records"
    lines = [
        (
            f"{report.records} {noun}: {report.valid} valid, {report.invalid} invalid "
            f"({report.errors} errors, {report.warnings} warnings)"
        )
    ]
    if report.truncated:
        lines.append("The list of issues was cut short by --max-issues; the counts are exact.")
    if report.unreadable:
        lines.append(f"{report.unreadable} file(s) could not be read.")
    return "\n".join(lines) + "\n"


def run(arguments: Sequence[str], stdout: TextIO, stderr: TextIO) -> int:
    """Run the command line with these arguments; return the exit code."""
    try:
        parser = _parser(stdout)
        args = parser.parse_args(list(arguments))
        if args.command == "schema" and args.framework_version and not args.framework:
            parser.error("schema: --framework-version needs a FRAMEWORK")
    except _UsageError as err:
        stderr.write(str(err))
        return EXIT_USAGE
    except SystemExit as exit_:  # --help and --version
        return int(exit_.code or 0)
    try:
        registry = _registry(args)
        if args.command == "validate":
            return _validate(registry, args, stdout, stderr)
        command = {"list": _list, "schema": _schema}.get(args.command, _show)
        return command(registry, args, stdout)
    except PersonalOutcomesError as err:
        stderr.write(f"personal-outcomes: {err}\n")
        return EXIT_USAGE


def main() -> NoReturn:
    """Entry point of the ``personal-outcomes`` command."""
    try:
        code = run(sys.argv[1:], sys.stdout, sys.stderr)
        sys.stdout.flush()
    except BrokenPipeError:  # pragma: no cover (output piped into a program that stopped reading)
        # Python flushes stdout again at exit; point it at devnull so that cannot fail too.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        code = EXIT_OK
    sys.exit(code)
