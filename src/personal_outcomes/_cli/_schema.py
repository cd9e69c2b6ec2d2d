"""``personal-outcomes schema [FRAMEWORK]``: the JSON Schema of records."""

from __future__ import annotations

import argparse

from personal_outcomes._cli._command import (
    EXIT_OK,
    Command,
    Streams,
    UsageError,
    add_framework_version,
)
from personal_outcomes._releases import Release, earlier_releases
from personal_outcomes.frameworks import Registry
from personal_outcomes.schemas import record_schema
from personal_outcomes.schemas._json import schema_text


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "framework", nargs="?", metavar="FRAMEWORK", help="a framework id (default: generic)"
    )
    add_framework_version(parser)


def _schema(args: argparse.Namespace, registry: Registry, streams: Streams) -> int:
    if args.framework_version and not args.framework:
        raise UsageError("personal-outcomes schema: error: --framework-version needs a FRAMEWORK\n")
    if not args.framework:
        schema = record_schema()
    elif args.framework_version in {r.version for r in _releases(registry, args.framework)}:
        # An earlier release of a bundled framework: the newest data, its outcome ids.
        schema = record_schema(registry.get(args.framework), version=args.framework_version)
    elif args.framework_version and args.framework in registry.ids:
        known = [*(r.version for r in _releases(registry, args.framework))]
        known += registry.versions(args.framework)
        if args.framework_version not in known:
            message = (
                f"personal-outcomes: framework '{args.framework}' has no version "
                f"{args.framework_version} (known: {', '.join(known)})\n"
            )
            raise UsageError(message)
        schema = record_schema(registry.get(args.framework, args.framework_version))
    else:
        schema = record_schema(registry.get(args.framework, args.framework_version))
    # The same text as the shipped file: every space character in a pattern escaped.
    streams.stdout.write(schema_text(schema))
    return EXIT_OK


def _releases(registry: Registry, framework_id: str) -> tuple[Release, ...]:
    if framework_id not in registry.ids:
        return ()
    return earlier_releases(registry.get(framework_id))


COMMAND = Command(
    name="schema",
    help="print the JSON Schema of records (generic, or for one framework)",
    arguments=_arguments,
    action=_schema,
)
