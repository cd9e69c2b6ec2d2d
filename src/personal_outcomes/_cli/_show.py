"""``personal-outcomes show FRAMEWORK``: one framework, for people or as data."""

from __future__ import annotations

import argparse
from typing import cast

import yaml

from personal_outcomes._cli._command import (
    EXIT_OK,
    Command,
    Streams,
    add_format,
    add_framework_version,
    write_json,
)
from personal_outcomes.frameworks import Framework, Registry
from personal_outcomes.frameworks._render import framework_markdown, framework_text
from personal_outcomes.interop._crosswalk import crosswalk, link_numbers


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("framework", metavar="FRAMEWORK", help="a framework id, e.g. adults")
    add_framework_version(parser)
    add_format(
        parser,
        ("text", "markdown", "json", "yaml"),
        "text for people (default), a Markdown page, or the data as JSON or YAML",
    )


def _as_data(framework: Framework, registry: Registry) -> dict[str, object]:
    """Return the framework as data, with every outcome's ``about`` spelt out.

    A framework file may leave ``about`` out where it is the default, ``person``;
    the data shown always says it, so that nobody reading it has to know the default.
    Every outcome also has ``national_outcomes``: the numbers of the National Health
    and Wellbeing Outcomes it serves, from the project's own crosswalk (``[]`` for an
    outcome the crosswalk does not cover). It is not part of the framework file format.
    A local framework's bases are found in ``registry``.
    """
    national = link_numbers(crosswalk(), framework, registry=registry)
    data = framework.to_data()
    categories = cast("list[dict[str, object]]", data["categories"])
    for category, model in zip(categories, framework.categories, strict=True):
        outcomes = cast("list[dict[str, object]]", category["outcomes"])
        for index, (outcome, shown) in enumerate(zip(outcomes, model.outcomes, strict=True)):
            items = list(outcome.items())
            if "about" not in outcome:
                items.insert(2, ("about", shown.about))
            items.append(("national_outcomes", list(national[shown.id])))
            outcomes[index] = dict(items)
    return data


def _show(args: argparse.Namespace, registry: Registry, streams: Streams) -> int:
    framework = registry.get(args.framework, args.framework_version)
    stdout = streams.stdout
    if args.format == "text":
        stdout.write(framework_text(framework, registry=registry))
    elif args.format == "markdown":
        stdout.write(framework_markdown(framework, registry=registry))
    elif args.format == "json":
        write_json(_as_data(framework, registry), stdout)
    else:
        yaml.safe_dump(
            _as_data(framework, registry), stdout, sort_keys=False, allow_unicode=True, width=88
        )
    return EXIT_OK


COMMAND = Command(name="show", help="show one framework", arguments=_arguments, action=_show)
