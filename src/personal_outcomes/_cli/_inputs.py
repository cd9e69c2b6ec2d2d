"""How the commands that read records are told what they read: formats, profiles, dialects."""

from __future__ import annotations

import argparse
from typing import NamedTuple

from personal_outcomes._cli._command import UsageError
from personal_outcomes._formats import FORMATS
from personal_outcomes.exports import Profile, load_profile
from personal_outcomes.schemas._profile import ENCODINGS

_DELIMITERS = {",": ",", ";": ";", "tab": "\t", "\\t": "\t", "|": "|"}


def input_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--input-format``, ``--profile``, ``--encoding`` and ``--delimiter``."""
    parser.add_argument(
        "--input-format",
        choices=FORMATS,
        help="the format of every FILE (default: from each file name's ending)",
    )
    parser.add_argument(
        "--profile",
        metavar="PROFILE",
        help="read every FILE as an export (CSV or xlsx) through this import profile (YAML)",
    )
    parser.add_argument(
        "--encoding",
        choices=ENCODINGS,
        help="the text encoding of CSV files (default utf-8; Excel's CSV is often cp1252)",
    )
    parser.add_argument(
        "--delimiter",
        choices=sorted(_DELIMITERS),
        help="the delimiter of CSV files (default ',')",
    )


class Inputs(NamedTuple):
    """The engine options that say how files are read."""

    profile: Profile | None = None
    csv_dialect: Profile | None = None


def engine_inputs(args: argparse.Namespace, name: str) -> Inputs:
    """Return the ``profile`` and ``csv_dialect`` options of the engine the command asks for."""
    dialect = args.encoding is not None or args.delimiter is not None
    if args.profile is not None:
        if dialect or args.input_format is not None:
            message = (
                f"{name}: error: --profile says the format, encoding and delimiter of the "
                "export; leave out --input-format, --encoding and --delimiter\n"
            )
            raise UsageError(message)
        return Inputs(profile=load_profile(args.profile))
    if not dialect:
        return Inputs()
    csv_dialect = Profile(
        format="csv",
        encoding=args.encoding or "utf-8",
        delimiter=_DELIMITERS[args.delimiter or ","],
        source="--encoding/--delimiter",
    )
    return Inputs(csv_dialect=csv_dialect)
