"""``personal-outcomes export codesystem|valueset FRAMEWORK``: FHIR R4 resources."""

from __future__ import annotations

import argparse
import json

from personal_outcomes._cli._command import EXIT_OK, Command, Streams, add_framework_version
from personal_outcomes._uris import BASE_URI
from personal_outcomes.frameworks import Registry
from personal_outcomes.interop import codesystem, valueset

_KINDS = {"codesystem": codesystem, "valueset": valueset}


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "kind",
        choices=sorted(_KINDS),
        metavar="KIND",
        help="codesystem (the framework as a FHIR R4 CodeSystem) or valueset (its outcomes)",
    )
    parser.add_argument("framework", metavar="FRAMEWORK", help="a framework id")
    add_framework_version(parser)
    parser.add_argument(
        "--base-uri",
        default=BASE_URI,
        metavar="URI",
        help=f"the base of the canonical URLs (default: {BASE_URI})",
    )


def _export(args: argparse.Namespace, registry: Registry, streams: Streams) -> int:
    framework = registry.get(args.framework, args.framework_version)
    resource = _KINDS[args.kind](framework, base_uri=args.base_uri)
    streams.stdout.write(json.dumps(resource, ensure_ascii=False, indent=2) + "\n")
    return EXIT_OK


COMMAND = Command(
    name="export",
    help="print a framework as a FHIR R4 CodeSystem or ValueSet",
    description=(
        "Print a framework version as a FHIR R4 (4.0.1) resource, in JSON: its CodeSystem "
        "(categories as groups, outcomes as codes) or the ValueSet of the outcomes a new "
        "record may name."
    ),
    arguments=_arguments,
    action=_export,
)
