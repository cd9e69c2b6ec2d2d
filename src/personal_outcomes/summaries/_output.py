"""Summary and journey rows as a terminal table, CSV, Markdown or JSON; files written whole.

CSV cells that a spreadsheet would run as a formula (starting ``=``, ``+``, ``-``,
``@``, a tab or a carriage return) are written with a leading apostrophe, as
OWASP advises for CSV injection, so that a value in a context field can never run
in the reader's spreadsheet.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Final, Literal, TextIO

from personal_outcomes.summaries._journeys import JourneyRow
from personal_outcomes.summaries._summary import SummaryRow

OutputFormat = Literal["table", "csv", "json", "markdown"]
OUTPUT_FORMATS: Final[tuple[OutputFormat, ...]] = ("table", "csv", "json", "markdown")

_FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")
#: How a count suppressed for publication is shown in a table, CSV or Markdown.
SUPPRESSED: Final = "*"
_NOT_RECORDED: Final = "(not recorded)"


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


def table_rows(rows: Sequence[SummaryRow]) -> Iterator[list[str]]:
    """Yield every row as text cells (group values, names, counts)."""
    levels = level_ids(rows)
    for row in rows:
        group = [value if value is not None else _NOT_RECORDED for _, value in row.group]
        names = [row.framework, row.category or "", row.outcome or ""]
        yield [*group, *names, *_cells(row, levels)]


def write_csv(rows: Sequence[SummaryRow], fields: Sequence[str], out: TextIO) -> None:
    """Write the rows as CSV (RFC 4180), formulas neutralised."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header(fields, level_ids(rows)))
    for cells in table_rows(rows):
        writer.writerow([_safe(cell) for cell in cells])


def _safe(cell: str) -> str:
    return "'" + cell if cell.startswith(_FORMULA_STARTS) else cell


def write_markdown(rows: Sequence[SummaryRow], fields: Sequence[str], out: TextIO) -> None:
    """Write the rows as a Markdown table (pipes and line breaks in values escaped)."""
    names = header(fields, level_ids(rows))
    count_columns = len(names) - len(fields) - 3
    out.write("| " + " | ".join(names) + " |\n")
    out.write("|" + "---|" * (len(names) - count_columns) + "---:|" * count_columns + "\n")
    for cells in table_rows(rows):
        out.write("| " + " | ".join(_markdown(cell) for cell in cells) + " |\n")


def _markdown(cell: str) -> str:
    text = cell.replace("\\", "\\\\").replace("|", "\\|")
    return " ".join(text.split()) if text.strip() else text


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


def journey_table_rows(rows: Sequence[JourneyRow]) -> Iterator[list[str]]:
    """Yield every journey row as text cells (group values, names, counts, median days).

    A median of ``None`` is an empty cell when no start reached a review, and
    suppressed (``*``) when a count of the starts that reached one is (see ``published``).
    """
    levels = level_ids(rows)
    for row in rows:
        group = [value if value is not None else _NOT_RECORDED for _, value in row.group]
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
    for cells in journey_table_rows(rows):
        writer.writerow([_safe(cell) for cell in cells])


def write_journeys_markdown(rows: Sequence[JourneyRow], fields: Sequence[str], out: TextIO) -> None:
    """Write journey rows as a Markdown table (pipes and line breaks in values escaped)."""
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
    return (
        f"{records} records: {included} included, {records - included} excluded for errors"
        + (f" ({codes})" if codes else "")
        + "\n"
    )


def write_json(data: object, out: TextIO) -> None:
    """Write data as indented JSON (non-ASCII as is) with a final newline."""
    out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


@contextlib.contextmanager
def whole_file(path: str | os.PathLike[str]) -> Iterator[TextIO]:
    """Open a text file to write that appears whole or not at all.

    The text goes to a temporary file beside ``path``, renamed over it only when
    the block ends without an exception; otherwise it is removed.
    """
    target = Path(path)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            yield out
        Path(temporary).replace(target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
