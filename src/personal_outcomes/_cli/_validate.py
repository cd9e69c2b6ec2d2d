"""``personal-outcomes validate FILE...``: check record files."""

from __future__ import annotations

import argparse
import datetime as dt
import gc
from collections.abc import Iterator
from typing import TextIO

from personal_outcomes._cli._command import (
    EXIT_INVALID,
    EXIT_OK,
    EXIT_USAGE,
    Command,
    Streams,
    add_format,
    write_json,
)
from personal_outcomes._cli._inputs import engine_inputs, input_arguments
from personal_outcomes._cli._progress import Progress
from personal_outcomes._formats import EXTENSIONS
from personal_outcomes.exports import Profile
from personal_outcomes.frameworks import Registry
from personal_outcomes.validation import Issue, RecordResult, Report
from personal_outcomes.validation._parallel import scan_parallel, usable_cores
from personal_outcomes.validation._run import Engine, Run


def positive(text: str) -> int:
    """Parse a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError("must be a whole number of at least 1")
    return value


def date(text: str) -> dt.date:
    """Parse a date written exactly YYYY-MM-DD."""
    try:
        if len(text) == 10:  # noqa: PLR2004 (YYYY-MM-DD)
            return dt.date.fromisoformat(text)
    except ValueError:
        pass
    raise argparse.ArgumentTypeError("must be a real date written YYYY-MM-DD")


def today_and_jobs(parser: argparse.ArgumentParser, jobs: str, *, dask: str) -> None:
    """Add ``--today``, and ``--jobs`` or ``--dask`` (``jobs``, ``dask``: their help's start)."""
    parser.add_argument(
        "--today",
        type=date,
        metavar="YYYY-MM-DD",
        help="treat dates after this one as in the future (default: today in UTC+14)",
    )
    workers = parser.add_mutually_exclusive_group()
    workers.add_argument(
        "--jobs",
        type=positive,
        default=1,
        metavar="N",
        help=(
            f"{jobs} with up to N worker processes (default 1; at most the "
            "number of usable processor cores)"
        ),
    )
    workers.add_argument(
        "--dask",
        metavar="SCHEDULER",
        help=(
            f"{dask} on a Dask cluster: a scheduler address (tcp://HOST:8786), or local:N for "
            "N worker processes on this machine (local: one per usable core); the files must "
            "be at the same path on every worker; needs pip install 'personal-outcomes[dask]'"
        ),
    )


def cluster(name: str, dask: str, stderr: TextIO) -> str:
    """Return the ``--dask`` cluster to use: ``local:N`` at most the usable cores (a note)."""
    from personal_outcomes.validation._dask import local_workers  # noqa: PLC0415 (as --dask)

    workers, cores = local_workers(dask), usable_cores()
    if workers is None or workers <= cores:
        return dask
    stderr.write(
        f"{name}: note: --dask {dask} is more than the {cores} processor core(s) this "
        f"command may use; using local:{cores}\n"
    )
    return f"local:{cores}"


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE", help="a record file, or - for stdin")
    input_arguments(parser)
    add_format(
        parser,
        ("text", "json"),
        "text: one issue per line and a summary (default); json: one JSON report",
    )
    parser.add_argument(
        "--max-issues",
        type=positive,
        metavar="N",
        help="keep at most N issues (the report says it was cut short; counts stay exact)",
    )
    today_and_jobs(parser, "check JSON Lines files", dask="check the files")
    parser.add_argument(
        "--strict",
        action="store_true",
        help=(
            "count warnings as errors for the exit code and the valid and invalid counts "
            "(all but the --quality hints), for returns that must be complete"
        ),
    )
    parser.add_argument(
        "--quality",
        action="store_true",
        help=(
            "add recording-quality hints (warnings, never errors): an outcome without "
            "why_it_matters, contributions only from services, a review level unexplained"
        ),
    )
    parser.add_argument(
        "--show-values",
        action="store_true",
        help="include the offending values in issues: they are personal data, for local "
        "debugging only",
    )


def _results(
    args: argparse.Namespace, engine: Engine, run: Run, stderr: TextIO
) -> Iterator[RecordResult]:
    if args.dask is not None:
        # Only --dask needs the Dask module (and its imports).
        from personal_outcomes.validation._dask import scan_dask  # noqa: PLC0415

        dask = cluster("personal-outcomes", args.dask, stderr)
        return scan_dask(engine, args.files, dask=dask, run=run, input_format=args.input_format)
    cores = usable_cores()
    if args.jobs > cores:
        stderr.write(
            f"personal-outcomes: note: --jobs {args.jobs} is more than the {cores} processor "
            f"core(s) this command may use; using {cores}\n"
        )
        args.jobs = cores
    if args.jobs > 1:
        return scan_parallel(
            engine, args.files, jobs=args.jobs, run=run, input_format=args.input_format
        )
    return engine.scan(args.files, input_format=args.input_format, run=run)


def _validate(args: argparse.Namespace, registry: Registry, streams: Streams) -> int:
    stdout, stderr = streams.stdout, streams.stderr
    engine = Engine(
        registry,
        today=args.today,
        include_values=args.show_values,
        strict=args.strict,
        quality=args.quality,
        **engine_inputs(args, "personal-outcomes validate")._asdict(),
    )
    run = Run()
    progress = Progress(stderr) if stderr.isatty() else None
    if progress is not None:

        def show(current: Run) -> None:
            done = current.position() if current.position is not None else None
            progress.update(current.sources[-1], current.records, done, current.size)

        run.on_progress = show
    results = _results(args, engine, run, stderr)
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
        write_json(report.to_dict(), stdout)
    else:
        stdout.write(summary(report, engine.profile))
    if report.unreadable:
        return EXIT_USAGE
    # A fault of a whole file (an empty file, say) is an error of no record.
    return EXIT_INVALID if report.invalid or report.errors else EXIT_OK


def summary(report: Report, profile: Profile | None = None) -> str:
    """Return the closing lines of the text report."""
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
    if report.skipped:
        endings = ", ".join(sorted(EXTENSIONS)) if profile is None else f".{profile.format}"
        lines.append(
            f"{report.skipped} other file(s) in the folders given were skipped "
            f"(only files ending {endings} are read)."
        )
    return "\n".join(lines) + "\n"


COMMAND = Command(
    name="validate",
    help="check record files (JSON, JSON Lines, YAML, CSV)",
    description=(
        "Check personal-outcomes record files. Exit 0 when there is no error "
        "(warnings allowed), 1 when any record or file has one, 2 for usage errors or "
        "a file that cannot be opened."
    ),
    arguments=_arguments,
    action=_validate,
)
