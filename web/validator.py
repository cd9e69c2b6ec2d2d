"""The validator page's Python side: check files as ``personal-outcomes validate`` does.

The page's Web Worker writes the files a person chose into Pyodide's in-memory file
system under their own names, changes into that folder and calls :func:`check` with
the names, so that the reports name each file as the command names it when run on
those names in that folder. The reports are the command's own: the issue lines and the
summary of ``validate`` (from the same ``summary`` function), and the JSON report of
``validate --format json`` (from the same ``write_json``), with the same exit code.
With an import profile (its file written beside the others), the files are exports
read through it, as ``validate --profile PROFILE NAMES`` reads them: the profile is read
by the command's own ``load_profile``, and a fault in it is the command's message.
"""

from __future__ import annotations

import gc
import io
from collections.abc import Callable, Sequence

from personal_outcomes import __version__
from personal_outcomes._cli._command import EXIT_INVALID, EXIT_OK, EXIT_USAGE, write_json
from personal_outcomes._cli._validate import date, summary
from personal_outcomes._formats import EXTENSIONS
from personal_outcomes.errors import PersonalOutcomesError
from personal_outcomes.exports import load_profile
from personal_outcomes.frameworks import bundled
from personal_outcomes.validation import Issue
from personal_outcomes.validation._run import Engine, Run

#: The package's version, shown on the page.
VERSION = __version__
#: The file name endings the command reads (case does not matter), shown on the page.
ENDINGS = tuple(sorted(EXTENSIONS))
#: Told how far a run has got: the file, the records checked so far in the run, and the
#: bytes of the file read so far and its size (None when not known).
Progress = Callable[[str, int, int | None, int | None], None]


def check(
    names: Sequence[str],
    *,
    profile: str | None = None,
    today: str | None = None,
    strict: bool = False,
    quality: bool = False,
    progress: Progress | None = None,
) -> dict[str, object]:
    """Check the files, as ``validate [--profile P] [--today T] [--strict] [--quality] NAMES``.

    Returns ``exit`` (the command's exit code) and either ``text`` (what ``validate``
    prints), ``summary`` (its closing lines) and ``json`` (what ``validate --format json``
    prints), or ``error`` (what the command writes to standard error instead).
    """
    try:
        # As the command does: the profile is read, and checked whole, before any file.
        export = None if profile is None else load_profile(profile)
    except PersonalOutcomesError as err:
        return {"exit": EXIT_USAGE, "error": f"personal-outcomes: {err}\n"}
    engine = Engine(
        bundled(),
        today=None if today is None else date(today),
        strict=strict,
        quality=quality,
        profile=export,
    )
    run = Run()
    if progress is not None:
        tell = progress

        def tick(current: Run) -> None:
            done = current.position() if current.position is not None else None
            tell(current.sources[-1], current.records, done, current.size)

        run.on_progress = tick
    kept: list[Issue] = []
    # As the command does: records hold no reference cycles, so the collector only costs time.
    gc.disable()
    try:
        for result in engine.scan(list(names), run=run):
            kept.extend(result.issues)
    except PersonalOutcomesError as err:
        return {"exit": EXIT_USAGE, "error": f"personal-outcomes: {err}\n"}
    finally:
        gc.enable()
    report = run.report(tuple(kept), truncated=False)
    closing = summary(report, engine.profile)
    json_report = io.StringIO()
    write_json(report.to_dict(), json_report)
    if report.unreadable:
        code = EXIT_USAGE
    else:
        code = EXIT_INVALID if report.invalid or report.errors else EXIT_OK
    return {
        "exit": code,
        "text": "".join(f"{issue}\n" for issue in kept) + closing,
        "summary": closing,
        "json": json_report.getvalue(),
    }
