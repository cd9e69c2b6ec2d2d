"""``personal-outcomes list``: the known frameworks."""

from __future__ import annotations

import argparse

from personal_outcomes._cli._command import (
    EXIT_OK,
    Command,
    Streams,
    add_format,
    write_json,
)
from personal_outcomes.frameworks import Registry


def _arguments(parser: argparse.ArgumentParser) -> None:
    add_format(parser, ("text", "json"), "text: a table for people (default); json: a list")


def _list(args: argparse.Namespace, registry: Registry, streams: Streams) -> int:
    if args.format == "json":
        write_json(
            [
                {
                    "id": fw.id,
                    "version": fw.version,
                    "title": fw.title,
                    "categories": len(fw.categories),
                    "outcomes": len(fw.outcomes),
                }
                for fw in registry
            ],
            streams.stdout,
        )
        return EXIT_OK
    rows = [(fw.id, fw.version, str(len(fw.outcomes)), fw.title) for fw in registry]
    header = ("id", "version", "outcomes", "title")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in (0, 1, 2)]
    for row in [header, *rows]:
        streams.stdout.write(
            f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]:>{widths[2]}}  {row[3]}\n"
        )
    return EXIT_OK


COMMAND = Command(name="list", help="list the known frameworks", arguments=_arguments, action=_list)
