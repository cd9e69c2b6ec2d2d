"""What every command shares: its table entry, the parser, exit codes and helpers."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import NoReturn, TextIO

from attrs import frozen

from personal_outcomes.frameworks import Registry, bundled

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2


@frozen(kw_only=True)
class Streams:
    """The output streams a command writes to."""

    stdout: TextIO
    stderr: TextIO


#: A command's work: the parsed arguments, the registry, the streams; returns the exit code.
Action = Callable[[argparse.Namespace, Registry, Streams], int]


@frozen(kw_only=True)
class Command:
    """One entry of the table of commands: its name, help, arguments and action."""

    name: str
    help: str
    description: str | None = None
    arguments: Callable[[argparse.ArgumentParser], None]
    action: Action


class UsageError(Exception):
    """Raised instead of argparse's own exit, so ``run`` keeps control."""


class Parser(argparse.ArgumentParser):
    """An argument parser that raises on errors and writes help to the given stream."""

    def __init__(self, *args: object, out: TextIO, **kwargs: object) -> None:
        """Write help and version text to ``out``."""
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.out = out

    def error(self, message: str) -> NoReturn:
        """Raise a usage error rather than exit."""
        raise UsageError(f"{self.prog}: error: {message}\n{self.format_usage()}")

    def _print_message(self, message: str, file: object = None) -> None:
        del file
        self.out.write(message)


def add_framework_version(parser: argparse.ArgumentParser) -> None:
    """Add ``--framework-version``."""
    parser.add_argument(
        "--framework-version",
        metavar="VERSION",
        help="a version of the framework (default: newest)",
    )


def add_format(parser: argparse.ArgumentParser, choices: tuple[str, ...], help_: str) -> None:
    """Add ``--format`` with these choices; the first is the default."""
    parser.add_argument("--format", choices=choices, default=choices[0], help=help_)


def write_json(data: object, stdout: TextIO) -> None:
    """Write data as indented JSON (non-ASCII as is) in one piece, with a final newline."""
    stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def registry_from(args: argparse.Namespace) -> Registry:
    """Return the bundled frameworks plus those of every ``--framework-dir``."""
    registry = bundled()
    for folder in [*args.framework_dir, *args.command_framework_dir]:
        registry = registry.with_directory(folder)
    return registry
