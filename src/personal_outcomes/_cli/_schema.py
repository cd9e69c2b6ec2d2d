"""``personal-outcomes schema [FRAMEWORK]``: the JSON Schema of records."""

from __future__ import annotations

import argparse

from personal_outcomes._cli._command import (
    EXIT_OK,
    Command,
    Streams,
    UsageError,
    add_framework_version,
    write_json,
)
from personal_outcomes.frameworks import Registry
from personal_outcomes.schemas import record_schema


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "framework", nargs="?", metavar="FRAMEWORK", help="a framework id (default: generic)"
    )
    add_framework_version(parser)


def _schema(args: argparse.Namespace, registry: Registry, streams: Streams) -> int:
    if args.framework_version and not args.framework:
        raise UsageError("personal-outcomes schema: error: --framework-version needs a FRAMEWORK\n")
    framework = registry.get(args.framework, args.framework_version) if args.framework else None
    write_json(record_schema(framework), streams.stdout)
    return EXIT_OK


COMMAND = Command(
    name="schema",
    help="print the JSON Schema of records (generic, or for one framework)",
    arguments=_arguments,
    action=_schema,
)
