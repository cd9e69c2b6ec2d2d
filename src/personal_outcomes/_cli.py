"""The ``personal-outcomes`` command: a thin layer over the library.

:func:`run` takes the arguments and the two output streams and returns the exit
code, so it can be tested without a subprocess. Exit codes: 0 ok, 1 invalid data,
2 usage errors or unreadable input.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from typing import NoReturn, TextIO

import yaml

from personal_outcomes import __version__
from personal_outcomes._loading import Registry, bundled
from personal_outcomes._render import framework_markdown, framework_text
from personal_outcomes.errors import PersonalOutcomesError

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
        help="also load the framework files (*.yaml) in DIR; may be given more than once",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("list", help="list the known frameworks", out=stdout)
    show = commands.add_parser("show", help="show one framework", out=stdout)
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
    return parser


def _registry(args: argparse.Namespace) -> Registry:
    registry = bundled()
    for folder in args.framework_dir:
        registry = registry.with_directory(folder)
    return registry


def _list(registry: Registry, stdout: TextIO) -> int:
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


def run(arguments: Sequence[str], stdout: TextIO, stderr: TextIO) -> int:
    """Run the command line with these arguments; return the exit code."""
    try:
        args = _parser(stdout).parse_args(list(arguments))
    except _UsageError as err:
        stderr.write(str(err))
        return EXIT_USAGE
    except SystemExit as exit_:  # --help and --version
        return int(exit_.code or 0)
    try:
        registry = _registry(args)
        if args.command == "list":
            return _list(registry, stdout)
        return _show(registry, args, stdout)
    except LookupError as err:
        stderr.write(f"personal-outcomes: {err}\n")
        return EXIT_USAGE
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
