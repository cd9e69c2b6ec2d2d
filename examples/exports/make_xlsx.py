"""Write outcomes-export.xlsx: the example CSV export as the workbook a care system saves.

The workbook holds the same rows as ``outcomes-export.csv`` (read as the system wrote
it: Windows-1252, semicolons) on a sheet named ``Outcomes``: the title and run rows,
the header, then one row per outcome. Dates written ``dd/mm/yyyy`` become real Excel
date cells shown ``DD/MM/YYYY``; any other date stays the text it was, as a system
exports a date typed by hand. Empty cells are left empty.

Run it from the root of the repository (it needs openpyxl, the ``excel`` extra)::

    .venv/bin/python examples/exports/make_xlsx.py [OUTPUT]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "outcomes-export.csv"
OUTPUT = HERE / "outcomes-export.xlsx"
SHEET = "Outcomes"
#: The row of the header (after a title and the run date), and the column of dates.
HEADER_ROW = 3
DATE_COLUMN = "Assessment date"


def read_rows(source: Path = SOURCE) -> list[list[str]]:
    """Return the rows of the CSV export, cells as text, trailing empty cells dropped."""
    with source.open(encoding="cp1252", newline="") as stream:
        rows = [list(row) for row in csv.reader(stream, delimiter=";")]
    for row in rows:
        while row and not row[-1]:
            row.pop()
    return rows


def cell(text: str, *, is_date: bool) -> object:
    """Return what the workbook stores for one cell: a date, text, or nothing."""
    if not text:
        return None
    if is_date:
        try:
            return dt.datetime.strptime(text, "%d/%m/%Y")
        except ValueError:
            return text  # not a date Excel would recognise: it stays text
    return text


def write_workbook(output: Path = OUTPUT, source: Path = SOURCE) -> None:
    """Write the workbook from the CSV export."""
    rows = read_rows(source)
    date_at = rows[HEADER_ROW - 1].index(DATE_COLUMN)
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101 (a new workbook always has a sheet)
    sheet.title = SHEET
    for number, row in enumerate(rows, start=1):
        sheet.append(
            [
                cell(text, is_date=number > HEADER_ROW and index == date_at)
                for index, text in enumerate(row)
            ]
        )
        for found in sheet[number]:
            if isinstance(found.value, dt.datetime):
                found.number_format = "DD/MM/YYYY"
    book.save(output)


def main(argv: list[str] | None = None) -> int:
    """Write the workbook (by default next to this script)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", nargs="?", type=Path, default=OUTPUT)
    write_workbook(parser.parse_args(argv).output)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
