"""``personal-outcomes export KIND ...``: FHIR R4 resources of frameworks and records; SKOS.

One parser serves every KIND (so ``--framework-dir`` and every option may come anywhere
after ``export``); an option given to a KIND it does not apply to is a usage error, never
silently ignored.
"""

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
from personal_outcomes._releases import earlier_releases
from personal_outcomes._uris import BASE_URI
from personal_outcomes.errors import UnknownFormatError
from personal_outcomes.frameworks import Framework, Registry
from personal_outcomes.frameworks._derive import resolve_base
from personal_outcomes.frameworks._model import version_key
from personal_outcomes.interop import codesystem, goals_bundle, skos, valueset
from personal_outcomes.validation._run import Engine, Run

_NAME = "personal-outcomes export"
_KINDS = {"codesystem": codesystem, "valueset": valueset}
_USAGE = (
    "%(prog)s codesystem|valueset|skos FRAMEWORK [--framework-version VERSION]\n"
    "           [--base-uri URI]\n"
    "       %(prog)s goals FILE... [--base-uri URI] [--patient-system URI]\n"
    "           [--input-format FORMAT] [--profile PROFILE] [--encoding ENCODING]\n"
    "           [--delimiter DELIMITER] [--today YYYY-MM-DD]"
)
#: The options of goals only (by their destinations), and of the framework kinds only.
_GOALS_ONLY = ("patient_system", "input_format", "profile", "encoding", "delimiter", "today")
_FRAMEWORK_ONLY = ("framework_version",)


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.usage = _USAGE
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
    parser.add_argument(
        "--base-uri",
        default=BASE_URI,
        metavar="URI",
        help=(
            "the base of the canonical URLs and IRIs: an absolute URI (for skos, IRI); "
            f"for FHIR, without # (default: {BASE_URI})"
        ),
    )
    framework = parser.add_argument_group("codesystem, valueset and skos only")
    # An argument group adds arguments as a parser does.
    add_framework_version(framework)  # type: ignore[arg-type]
    goals = parser.add_argument_group("goals only")
    goals.add_argument(
        "--patient-system",
        metavar="URI",
        help="the identifier system of person_id, an absolute URI (default: BASE/fhir/person-id)",
    )
    input_arguments(goals)  # type: ignore[arg-type]
    goals.add_argument(
        "--today",
        type=date,
        metavar="YYYY-MM-DD",
        help="treat dates after this one as in the future (default: today in UTC+14)",
    )


def _refuse(args: argparse.Namespace, options: tuple[str, ...], kinds: str) -> None:
    """Raise a usage error naming the options given that do not apply to this KIND."""
    given = [
        f"--{option.replace('_', '-')}" for option in options if getattr(args, option) is not None
    ]
    if given:
        named = " and ".join([", ".join(given[:-1]), given[-1]] if given[:-1] else given)
        verb = "applies" if len(given) == 1 else "apply"
        message = f"{_NAME}: error: {named} {verb} only to export {kinds}, not {args.kind}\n"
        raise UsageError(message)


def _export(args: argparse.Namespace, registry: Registry, streams: Streams) -> int:
    if args.kind == "goals":
        _refuse(args, _FRAMEWORK_ONLY, "codesystem, valueset and skos")
        return _goals(args, registry, streams)
    _refuse(args, _GOALS_ONLY, "goals")
    if len(args.targets) != 1:
        raise UsageError(f"{_NAME}: error: {args.kind} takes one FRAMEWORK\n")
    framework = _framework(registry, args.targets[0], args.framework_version)
    try:
        if args.kind == "skos":
            text = skos(framework, base_uri=args.base_uri, registry=registry)
        else:
            resource = _KINDS[args.kind](framework, base_uri=args.base_uri)
            text = json.dumps(resource, ensure_ascii=False, indent=2) + "\n"
    except ValueError as err:  # a bad --base-uri, or a framework that cannot be exported
        raise UsageError(f"{_NAME}: error: {err}\n") from None
    streams.stdout.write(text)
    return EXIT_OK


def _framework(registry: Registry, framework_id: str, version: str | None) -> Framework:
    """Return the framework version asked for: a loaded one, or an earlier release."""
    if version is None or framework_id not in registry:
        return registry.get(framework_id, version)  # an unknown id: the usual error
    found = resolve_base(registry, f"{framework_id}@{version}")
    if isinstance(found, Framework):
        return found
    releases = (release.version for release in earlier_releases(registry.get(framework_id)))
    known = sorted({*registry.versions(framework_id), *releases}, key=version_key)
    message = (
        f"personal-outcomes: framework '{framework_id}' has no such version "
        f"(known: {', '.join(known)})\n"
    )
    raise UsageError(message)


def _goals(args: argparse.Namespace, registry: Registry, streams: Streams) -> int:
    try:  # the URIs are checked before any file is read
        goals_bundle((), registry, base_uri=args.base_uri, patient_system=args.patient_system)
    except ValueError as err:
        raise UsageError(f"{_NAME}: error: {err}\n") from None
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
