"""``personal-outcomes show FRAMEWORK``: one framework, for people or as data."""

from __future__ import annotations

import argparse

import yaml

from personal_outcomes._cli._command import (
    EXIT_OK,
    Command,
    Streams,
    add_format,
    add_framework_version,
    write_json,
)
from personal_outcomes.frameworks import Registry
from personal_outcomes.frameworks._render import framework_markdown, framework_text


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("framework", metavar="FRAMEWORK", help="a framework id, e.g. adults")
    add_framework_version(parser)
    add_format(
        parser,
        ("text", "markdown", "json", "yaml"),
        "text for people (default), a Markdown page, or the data as JSON or YAML",
    )


def _show(args: argparse.Namespace, registry: Registry, streams: Streams) -> int:
    framework = registry.get(args.framework, args.framework_version)
    stdout = streams.stdout
    if args.format == "text":
        stdout.write(framework_text(framework))
    elif args.format == "markdown":
        stdout.write(framework_markdown(framework))
    elif args.format == "json":
        write_json(framework.to_data(), stdout)
    else:
        yaml.safe_dump(framework.to_data(), stdout, sort_keys=False, allow_unicode=True, width=88)
    return EXIT_OK


COMMAND = Command(name="show", help="show one framework", arguments=_arguments, action=_show)
