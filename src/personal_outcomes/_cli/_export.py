"""``personal-outcomes export KIND ...``: FHIR R4 resources of frameworks and records; SKOS."""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping

from personal_outcomes._cli._command import (
    EXIT_INVALID,
    EXIT_OK,
    EXIT_USAGE,
    Command,
    Streams,
    UsageError,
    add_framework_version,
)
from personal_outcomes._cli._inputs import engine_inputs, input_arguments
from personal_outcomes._cli._validate import date
from personal_outcomes._codes import ERROR, UNREADABLE_FILE
from personal_outcomes._uris import BASE_URI
from personal_outcomes.errors import UnknownFormatError
from personal_outcomes.frameworks import Registry
from personal_outcomes.interop import codesystem, goals_bundle, skos, valueset
from personal_outcomes.interop._fhir import PATIENT_SYSTEM
from personal_outcomes.validation._run import Engine, Run

_NAME = "personal-outcomes export"
_KINDS = {"codesystem": codesystem, "valueset": valueset}


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "kind",
        choices=[*sorted(_KINDS), "goals", "skos"],
        metavar="KIND",
        help=(
            "codesystem or valueset (of a FRAMEWORK), skos (a FRAMEWORK as SKOS, in Turtle), "
            "or goals (a Bundle of a Goal per recorded outcome of the valid records of FILE...)"
        ),
    )
    parser.add_argument(
        "targets", nargs="+", metavar="FRAMEWORK|FILE", help="a framework id, or record files"
    )
    add_framework_version(parser)
    parser.add_argument(
        "--base-uri",
        default=BASE_URI,
        metavar="URI",
        help=f"the base of the canonical URLs and IRIs (default: {BASE_URI})",
    )
    parser.add_argument(
        "--patient-system",
        default=PATIENT_SYSTEM,
        metavar="URI",
        help=f"goals: the identifier system of person_id (default: {PATIENT_SYSTEM})",
    )
    input_arguments(parser)
    parser.add_argument(
        "--today",
        type=date,
        metavar="YYYY-MM-DD",
        help="goals: treat dates after this one as in the future (default: today in UTC+14)",
    )


def _export(args: argparse.Namespace, registry: Registry, streams: Streams) -> int:
    if args.kind == "goals":
        return _goals(args, registry, streams)
    if len(args.targets) != 1:
        raise UsageError(f"{_NAME}: error: {args.kind} takes one FRAMEWORK\n")
    framework = registry.get(args.targets[0], args.framework_version)
    try:
        if args.kind == "skos":
            text = skos(framework, base_uri=args.base_uri)
        else:
            resource = _KINDS[args.kind](framework, base_uri=args.base_uri)
            text = json.dumps(resource, ensure_ascii=False, indent=2) + "\n"
    except ValueError as err:  # a bad --base-uri, or a framework that cannot be exported
        raise UsageError(f"{_NAME}: error: {err}\n") from None
    streams.stdout.write(text)
    return EXIT_OK


def _goals(args: argparse.Namespace, registry: Registry, streams: Streams) -> int:
    engine = Engine(registry, today=args.today, **engine_inputs(args, _NAME)._asdict())
    valid: list[Mapping[str, object]] = []
    left_out = unreadable = 0
    try:
        for result in engine.scan(
            args.targets, input_format=args.input_format, every=True, run=Run()
        ):
            errors = [issue for issue in result.issues if issue.severity == ERROR]
            if errors or not isinstance(result.data, Mapping):
                streams.stderr.write("".join(f"{issue}\n" for issue in errors))
                unreadable += any(issue.code == UNREADABLE_FILE for issue in errors)
                left_out += result.index is not None
                continue
            valid.append(result.data)
    except UnknownFormatError as err:
        raise UsageError(f"{_NAME}: error: {err}\n") from None
    if unreadable:
        streams.stderr.write(f"{_NAME}: a file could not be read; nothing was written\n")
        return EXIT_USAGE
    bundle = goals_bundle(
        valid, registry, base_uri=args.base_uri, patient_system=args.patient_system
    )
    streams.stdout.write(json.dumps(bundle, ensure_ascii=False, indent=2) + "\n")
    if left_out:
        streams.stderr.write(f"{_NAME}: {left_out} record(s) with errors were left out\n")
        return EXIT_INVALID
    return EXIT_OK


COMMAND = Command(
    name="export",
    help=(
        "print FHIR R4 resources (a framework's CodeSystem or ValueSet, or records' Goals), "
        "or a framework as SKOS"
    ),
    description=(
        "Print FHIR R4 (4.0.1) resources in JSON: a framework version's CodeSystem "
        "(categories as groups, outcomes as codes), the ValueSet of the outcomes a new "
        "record may name, or a Bundle of a Goal per recorded outcome of valid records. "
        "Or print a framework version as a SKOS concept scheme, in Turtle."
    ),
    arguments=_arguments,
    action=_export,
)
