r"""Summary and journey rows as a terminal table, CSV, Markdown or JSON; files written whole.

CSV cells that a spreadsheet would run as a formula (starting ``=``, ``+``, ``-``,
``@``, a tab or a carriage return) are written with a leading apostrophe, as
OWASP advises for CSV injection, so that a value in a context field can never run
in the reader's spreadsheet. A group value that is not recorded is an empty CSV cell
(a recorded context value is never empty).

In a table or Markdown, a group that is not recorded is ``(not recorded)``, and a
recorded value that would read the same is quoted (``"(not recorded)"``). Control
characters (C0, DEL, C1) and the bidirectional formatting characters, which could
move or overwrite text on a terminal, are shown as escapes (``\n``, ``\x1b``,
``\u202e``); other text is shown as it is.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import io
import json
import os
import re
import secrets
import stat
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import BinaryIO, Final, Literal, TextIO

from personal_outcomes.summaries._journeys import JourneyRow
from personal_outcomes.summaries._summary import SummaryRow

OutputFormat = Literal["table", "csv", "json", "markdown"]
OUTPUT_FORMATS: Final[tuple[OutputFormat, ...]] = ("table", "csv", "json", "markdown")

_FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")
#: How a count suppressed for publication is shown in a table, CSV or Markdown.
SUPPRESSED: Final = "*"
_NOT_RECORDED: Final = "(not recorded)"
#: Control characters (C0, DEL, C1) and bidirectional formatting characters.
_HIDDEN: Final = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NAMED_ESCAPES: Final = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED_ESCAPES:
        return _NAMED_ESCAPES[char]
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"  # noqa: PLR2004


def visible(text: str) -> str:
    r"""Return ``text`` with control and bidirectional formatting characters escaped.

    >>> print(visible("north\r\u202eeast\t1"))
    north\r\u202eeast\t1
    """
    return _HIDDEN.sub(_escape, text)


def shown_group_value(value: str | None) -> str:
    """Return a group's value as a table, Markdown or chart shows it.

    ``None`` (not recorded) is ``(not recorded)``; a recorded value that reads the
    same once its double quotes are stripped gets one more pair, so the two never
    look alike; control and bidirectional characters are escaped (:func:`visible`).
    """
    if value is None:
        return _NOT_RECORDED
    if value.strip('"') == _NOT_RECORDED:
        value = f'"{value}"'
    return visible(value)


def _csv_group_value(value: str | None) -> str:
    return "" if value is None else value


def level_ids(rows: Sequence[SummaryRow | JourneyRow]) -> list[str]:
    """Return the review level ids of the rows' frameworks, in order, each once."""
    seen: dict[str, None] = {}
    for row in rows:
        for level, _ in row.levels:
            seen.setdefault(level, None)
    return list(seen)


def _cells(row: SummaryRow, levels: Sequence[str]) -> list[str]:
    counts = dict(row.levels)
    values: list[int | str | None] = [
        row.mentions,
        row.persons,
        *(counts.get(level, "") for level in levels),
        row.unrated,
        row.reviewed,
    ]
    return [SUPPRESSED if value is None else str(value) for value in values]


def header(fields: Sequence[str], levels: Sequence[str]) -> list[str]:
    """Return the column names of a table of rows."""
    return [
        *fields,
        "framework",
        "category",
        "outcome",
        "mentions",
        "persons",
        *levels,
        "unrated",
        "reviewed",
    ]


def table_rows(
    rows: Sequence[SummaryRow], *, shown: Callable[[str | None], str] = shown_group_value
) -> Iterator[list[str]]:
    """Yield every row as text cells (group values as ``shown`` gives them, names, counts)."""
    levels = level_ids(rows)
    for row in rows:
        group = [shown(value) for _, value in row.group]
        names = [row.framework, row.category or "", row.outcome or ""]
        yield [*group, *names, *_cells(row, levels)]


def write_csv(rows: Sequence[SummaryRow], fields: Sequence[str], out: TextIO) -> None:
    """Write the rows as CSV (RFC 4180), formulas neutralised."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header(fields, level_ids(rows)))
    for cells in table_rows(rows, shown=_csv_group_value):
        writer.writerow([_safe(cell) for cell in cells])


def _safe(cell: str) -> str:
    return "'" + cell if cell.startswith(_FORMULA_STARTS) else cell


def write_markdown(rows: Sequence[SummaryRow], fields: Sequence[str], out: TextIO) -> None:
    """Write the rows as a Markdown table (pipes, backslashes and control characters escaped)."""
    names = header(fields, level_ids(rows))
    count_columns = len(names) - len(fields) - 3
    out.write("| " + " | ".join(names) + " |\n")
    out.write("|" + "---|" * (len(names) - count_columns) + "---:|" * count_columns + "\n")
    for cells in table_rows(rows):
        out.write("| " + " | ".join(_markdown(cell) for cell in cells) + " |\n")


def _markdown(cell: str) -> str:
    # Line breaks and other control characters are escapes already (visible), so
    # no value can end a row, and whitespace is kept as it is.
    return visible(cell).replace("\\", "\\\\").replace("|", "\\|")


def write_table(rows: Sequence[SummaryRow], fields: Sequence[str], out: TextIO) -> None:
    """Write the rows as an aligned text table: outcomes indented under categories."""
    names = header(fields, level_ids(rows))
    body: list[list[str]] = []
    for row, cells in zip(rows, table_rows(rows), strict=True):
        group = cells[: len(fields)]
        counts = cells[len(fields) + 3 :]
        if row.kind == "framework":
            name = row.framework
        elif row.kind == "category":
            name = "  " + (row.category or "")
        else:
            name = "    " + (row.outcome or "")
        body.append([*group, name, *counts])
    shown = [*names[: len(fields)], "framework / category / outcome", *names[len(fields) + 3 :]]
    widths = [max(len(line[i]) for line in [shown, *body]) for i in range(len(shown))]
    first_count = len(fields) + 1
    for line in [shown, *body]:
        cells = [
            cell.rjust(width) if i >= first_count else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(line, widths, strict=True))
        ]
        out.write("  ".join(cells).rstrip() + "\n")


def journey_header(fields: Sequence[str], levels: Sequence[str]) -> list[str]:
    """Return the column names of a table of journey rows."""
    return [
        *fields,
        "framework",
        "outcome",
        "starts",
        *levels,
        "unrated",
        "no_review",
        "median_days",
    ]


def journey_table_rows(
    rows: Sequence[JourneyRow], *, shown: Callable[[str | None], str] = shown_group_value
) -> Iterator[list[str]]:
    """Yield every journey row as text cells (group values, names, counts, median days).

    Group values are as ``shown`` gives them (as a table shows them by default).

    A median of ``None`` is an empty cell when no start reached a review, and
    suppressed (``*``) when a count of the starts that reached one is (see ``published``).
    """
    levels = level_ids(rows)
    for row in rows:
        group = [shown(value) for _, value in row.group]
        counts = dict(row.levels)
        values: list[int | str | None] = [
            row.starts,
            *(counts.get(level, "") for level in levels),
            row.unrated,
            row.no_review,
        ]
        cells = [SUPPRESSED if value is None else str(value) for value in values]
        median = "" if row.median_days is None else str(row.median_days)
        if row.median_days is None and (row.unrated is None or None in counts.values()):
            median = SUPPRESSED
        yield [*group, row.framework, row.outcome, *cells, median]


def write_journeys_csv(rows: Sequence[JourneyRow], fields: Sequence[str], out: TextIO) -> None:
    """Write journey rows as CSV (RFC 4180), formulas neutralised."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(journey_header(fields, level_ids(rows)))
    for cells in journey_table_rows(rows, shown=_csv_group_value):
        writer.writerow([_safe(cell) for cell in cells])


def write_journeys_markdown(rows: Sequence[JourneyRow], fields: Sequence[str], out: TextIO) -> None:
    """Write journey rows as a Markdown table (pipes, backslashes, control characters escaped)."""
    names = journey_header(fields, level_ids(rows))
    texts = len(fields) + 2
    out.write("| " + " | ".join(names) + " |\n")
    out.write("|" + "---|" * texts + "---:|" * (len(names) - texts) + "\n")
    for cells in journey_table_rows(rows):
        out.write("| " + " | ".join(_markdown(cell) for cell in cells) + " |\n")


def write_journeys_table(rows: Sequence[JourneyRow], fields: Sequence[str], out: TextIO) -> None:
    """Write journey rows as an aligned text table (``-``: no median, no review reached)."""
    names = journey_header(fields, level_ids(rows))
    body = [[*cells[:-1], cells[-1] or "-"] for cells in journey_table_rows(rows)]
    widths = [max(len(line[i]) for line in [names, *body]) for i in range(len(names))]
    texts = len(fields) + 2
    for line in [names, *body]:
        cells = [
            cell.rjust(width) if i >= texts else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(line, widths, strict=True))
        ]
        out.write("  ".join(cells).rstrip() + "\n")


def counts_line(records: int, included: int, excluded_by_code: dict[str, int]) -> str:
    """Return the closing line of a table: records read, included, and excluded by code."""
    codes = ", ".join(f"{code} {count}" for code, count in sorted(excluded_by_code.items()))
    noun = "record" if records == 1 else "records"
    return (
        f"{records} {noun}: {included} included, {records - included} excluded for errors"
        + (f" ({codes})" if codes else "")
        + "\n"
    )


def write_json(data: object, out: TextIO) -> None:
    """Write data as indented JSON (non-ASCII as is) with a final newline."""
    out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _final_target(path: Path) -> Path:
    """Return the file ``path`` names once every symbolic link is followed."""
    target = Path(os.path.realpath(path))
    if target.is_symlink():  # a loop of links: realpath gave up
        raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), str(path))
    return target


def _create_beside(target: Path) -> tuple[int, Path]:
    """Create a new empty file in ``target``'s folder; return its descriptor and path.

    It is created with mode 0o666, which the process umask narrows, as a shell's
    ``>`` would create the target itself (:func:`tempfile.mkstemp` would give 0o600).
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        temporary = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
        try:
            return os.open(temporary, flags, 0o666), temporary
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no unused temporary name", str(target.parent))


@contextlib.contextmanager
def whole_bytes(path: str | os.PathLike[str]) -> Iterator[BinaryIO]:
    """Open a file to write bytes that appears whole or not at all.

    A symbolic link is followed to its final target, which is written (the link
    stays). A regular file, or a new one, is written through a temporary file beside
    it, renamed over it only when the block ends without an exception (otherwise
    removed): a file replaced keeps its permission bits, a new file gets
    ``0o666`` less the process umask. A target that is neither a regular file nor a
    folder (a character device, a FIFO) is written to as it is: no temporary file,
    no rename. A folder is refused (:class:`IsADirectoryError`).
    """
    target = _final_target(Path(path))
    try:
        mode: int | None = target.stat().st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    if mode is not None and not stat.S_ISREG(mode):
        with target.open("wb") as direct:  # a device or a FIFO: renaming would replace it
            yield direct
        return
    handle, temporary = _create_beside(target)
    try:
        with os.fdopen(handle, "wb") as out:
            if mode is not None:
                os.fchmod(out.fileno(), stat.S_IMODE(mode))
            yield out
        temporary.replace(target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def whole_file(path: str | os.PathLike[str]) -> Iterator[TextIO]:
    """Open a text file (UTF-8) to write that appears whole or not at all.

    The text is written as :func:`whole_bytes` writes: symbolic links followed, a
    regular file replaced through a temporary file beside it (keeping its permission
    bits), a device or FIFO written to directly.
    """
    with whole_bytes(path) as raw:
        out = io.TextIOWrapper(raw, encoding="utf-8", newline="", write_through=True)
        yield out
        out.flush()
        out.detach()
