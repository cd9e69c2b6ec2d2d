"""The ``personal-outcomes`` command: a thin layer over the library.

:func:`run` takes the arguments and the two output streams and returns the exit
code, so it can be tested without a subprocess. Exit codes: 0 ok, 1 invalid data,
2 usage errors or unreadable input. Each command is a module ``_NAME`` whose
``COMMAND`` is its :class:`~._command.Command`, named in :data:`COMMANDS`; adding a
command is adding a module and its name there. A command's module is imported only
when that command runs (or ``--help`` lists them all), so a command pays for no
other command's imports.
"""

from __future__ import annotations

import argparse
import importlib
import io
import os
import sys
from collections.abc import Sequence
from typing import NoReturn, TextIO

from personal_outcomes._cli._command import (
    EXIT_USAGE,
    Command,
    Parser,
    Streams,
    UsageError,
    registry_from,
)
from personal_outcomes._version import __version__
from personal_outcomes.errors import PersonalOutcomesError

__all__ = ["COMMANDS", "command", "main", "run"]

#: The names of the commands, in the order ``--help`` lists them.
COMMANDS: tuple[str, ...] = (
    "list",
    "show",
    "validate",
    "summarise",
    "journeys",
    "convert",
    "schema",
    "export",
)


def command(name: str) -> Command:
    """Return the command of this name (importing its module)."""
    module = importlib.import_module(f"{__name__}._{name}")
    found: Command = module.COMMAND
    return found


class _CommandParser(Parser):
    """A command's parser, which takes in the command's arguments only when it is used."""

    def __init__(self, *args: object, command_name: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.command_name = command_name
        self.loaded = False

    def load(self) -> Command:
        """Add the command's arguments, description and action (once); return the command."""
        found = command(self.command_name)
        if not self.loaded:
            self.loaded = True
            self.description = found.description
            found.arguments(self)
            self.set_defaults(action=found.action)
        return found

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        """Parse the command's arguments, once they are known."""
        self.load()
        return super().parse_known_args(args, namespace)


class _MainParser(Parser):
    """The command line's parser, whose help lists every command with its own help."""

    commands: argparse._SubParsersAction[_CommandParser]

    def format_help(self) -> str:
        """Return the help, each command's line taken from its module."""
        # argparse keeps the lines of the listing in _choices_actions.
        for listed in self.commands._choices_actions:
            listed.help = command(listed.dest).help
        return super().format_help()


_FRAMEWORK_DIR_HELP = "also load the framework files (*.yaml, *.yml) in DIR"


def _parser(stdout: TextIO) -> Parser:
    parser = _MainParser(
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
        help=_FRAMEWORK_DIR_HELP + "; may be given more than once",
    )
    # --framework-dir is accepted after the command too (validate --framework-dir DIR ...).
    local = Parser(add_help=False, out=stdout)
    local.add_argument(
        "--framework-dir",
        dest="command_framework_dir",
        action="append",
        default=[],
        metavar="DIR",
        help=_FRAMEWORK_DIR_HELP,
    )
    parser.commands = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=_CommandParser
    )
    for name in COMMANDS:
        # The help listing each command is filled in only when --help shows it.
        parser.commands.add_parser(
            name,
            help="",
            command_name=name,
            out=stdout,
            parents=[local],  # type: ignore[list-item] # typeshed: of the same class
        )
    return parser


def run(arguments: Sequence[str], stdout: TextIO, stderr: TextIO) -> int:
    """Run the command line with these arguments; return the exit code."""
    try:
        args = _parser(stdout).parse_args(list(arguments))
        registry = registry_from(args)
        return int(args.action(args, registry, Streams(stdout=stdout, stderr=stderr)))
    except UsageError as err:
        stderr.write(str(err))
        return EXIT_USAGE
    except SystemExit as exit_:  # --help and --version
        return int(exit_.code or 0)
    except PersonalOutcomesError as err:
        stderr.write(f"personal-outcomes: {err}\n")
        return EXIT_USAGE


#: The exit code when the output pipe closed early (128 + SIGPIPE, as a shell reports it).
EXIT_BROKEN_PIPE = 141
#: The exit code when interrupted (128 + SIGINT, as a shell reports it).
EXIT_INTERRUPTED = 130


def _quiet_stdout() -> None:
    """Point standard output at devnull, so that Python's flush at exit cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        pass  # not a file descriptor: nothing to point elsewhere


def _say(message: str) -> None:
    """Write one line to standard error, if it can be written at all."""
    try:
        sys.stderr.write(f"personal-outcomes: {message}\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


def buffered(stream: TextIO) -> TextIO:
    """Return standard output with a buffer between it and the file, if it has none.

    Run unbuffered (``python -u``, ``PYTHONUNBUFFERED``), text goes straight to the
    file, and a write to a pipe that takes only part of the text (64 KiB, say, before
    the reader stops) loses the rest without an error: a cut report would look whole.
    A buffered writer writes all of it or raises.
    """
    raw = getattr(stream, "buffer", None)
    if not isinstance(stream, io.TextIOWrapper) or not isinstance(raw, io.FileIO):
        return stream
    stream.flush()
    # A second file object on the same descriptor, which never closes it: the first
    # stays usable (Python flushes it at exit too).
    again = io.FileIO(raw.fileno(), "w", closefd=False)
    return io.TextIOWrapper(
        io.BufferedWriter(again),
        encoding=stream.encoding,
        errors=stream.errors,
        line_buffering=stream.line_buffering or raw.isatty(),
    )


def main() -> NoReturn:
    """Entry point of the ``personal-outcomes`` command.

    Beyond :func:`run`'s exit codes: 141 when the reader of the output stopped
    early, 2 when the output cannot be written (a full disk, say), 130 when
    interrupted (Ctrl-C). A file written with ``--output`` is then not written.
    """
    if sys.stderr is None:  # started with standard error closed (2>&-): say nothing
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115, PTH123 (for the process)
    if sys.stdout is None:  # started with standard output closed (>&-)
        _say("standard output is closed; give it a file or a pipe")
        sys.exit(EXIT_USAGE)
    sys.stdout = buffered(sys.stdout)
    # A name or text the terminal cannot show is escaped, never a traceback.
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
    try:
        code = run(sys.argv[1:], sys.stdout, sys.stderr)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader of the output stopped early: the report is incomplete, so the exit
        # code must not say "valid". Python flushes stdout again at exit; point it at
        # devnull so that cannot fail too.
        _quiet_stdout()
        code = EXIT_BROKEN_PIPE
    except OSError as err:
        # Writing the output failed (ENOSPC from a full disk, EIO): incomplete, so exit 2.
        _quiet_stdout()
        _say(f"cannot write the output ({err.strerror or type(err).__name__})")
        code = EXIT_USAGE
    except KeyboardInterrupt:
        _say("interrupted")
        code = EXIT_INTERRUPTED
    sys.exit(code)
