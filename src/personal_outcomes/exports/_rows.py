"""The rows of an export: CSV in a given encoding and delimiter, or an Excel sheet.

Each source yields the rows of its file in order, each with the line (CSV) or row
number (Excel) it starts on and its cells, or a problem that stops reading (text
not in the declared encoding, a row the csv module cannot read, a file that is not
a workbook). Cells are text from CSV, and what Excel stored from a workbook (text,
numbers, dates, booleans or ``None``); :func:`cell_text` turns them into text.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from collections.abc import Iterator, Sequence
from typing import BinaryIO, Final, NamedTuple

from personal_outcomes._codes import PARSE_ERROR
from personal_outcomes._formats._raw import RawProblem
from personal_outcomes.errors import MissingExtraError

#: The most bytes one line of a CSV export may take (1 MiB), and one cell's characters.
LINE_LIMIT: Final = 1 << 20
CELL_LIMIT: Final = 131_072
#: Bytes of a UTF-16 export decoded at a time.
_CHUNK: Final = 64 * 1024


class Row(NamedTuple):
    """One row of an export: where it starts (line or row number) and its cells."""

    line: int
    cells: Sequence[object]


def _stop(line: int | None, message: str) -> RawProblem:
    return RawProblem(path=(), code=PARSE_ERROR, message=message, line=line, stops=True)


class _BadText(Exception):  # noqa: N818 (control flow, never leaves this module)
    def __init__(self, line: int) -> None:
        self.line = line


class _LongLine(Exception):  # noqa: N818 (control flow, never leaves this module)
    def __init__(self, line: int) -> None:
        self.line = line


def _byte_lines(stream: BinaryIO, encoding: str) -> Iterator[str]:
    """Decode a file of 8-bit or UTF-8 text line by line (LF ends a line)."""
    codec = "utf-8-sig" if encoding == "utf-8" else encoding
    number = 0
    while True:
        data = stream.readline(LINE_LIMIT + 1)
        if not data:
            return
        number += 1
        if len(data) > LINE_LIMIT:
            raise _LongLine(number)
        if number == 1 and codec == "utf-8-sig":
            data = data.removeprefix(codecs.BOM_UTF8)
        try:
            yield data.decode(codec if codec != "utf-8-sig" else "utf-8")
        except UnicodeDecodeError:
            raise _BadText(number) from None


def _utf16_lines(stream: BinaryIO) -> Iterator[str]:
    """Decode UTF-16 (little-endian unless a byte order mark says otherwise) line by line.

    Lines are cut at the code unit of a line feed, then each is decoded on its own, so
    text that is not UTF-16 is found at its own line.
    """
    start = stream.read(2)
    big = start == codecs.BOM_UTF16_BE
    codec = "utf-16-be" if big else "utf-16-le"
    newline = b"\x00\n" if big else b"\n\x00"
    buffer = b"" if start in {codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE} else start
    number = 0
    searched = 0
    while True:
        found = buffer.find(newline, searched)
        while found >= 0 and found % 2:  # a line feed starts on an even byte only
            found = buffer.find(newline, found + 1)
        if found < 0:
            if len(buffer) > 2 * LINE_LIMIT:
                raise _LongLine(number + 1)
            searched = max(len(buffer) - 1, 0)
            chunk = stream.read(_CHUNK)
            if chunk:
                buffer += chunk
                continue
            line, buffer = buffer, b""
        else:
            line, buffer = buffer[: found + 2], buffer[found + 2 :]
            searched = 0
        if not line:
            return
        number += 1
        try:
            yield line.decode(codec)
        except UnicodeDecodeError:
            raise _BadText(number) from None


def csv_rows(
    stream: BinaryIO, encoding: str, delimiter: str, *, given_by: str = "the profile"
) -> Iterator[Row | RawProblem]:
    """Yield the rows of a CSV export; a problem that stops reading ends them.

    A row holding a NUL character is a problem of its own (reading goes on).
    ``given_by`` says where the encoding and delimiter came from, for messages.
    """
    lines = _utf16_lines(stream) if encoding == "utf-16" else _byte_lines(stream, encoding)
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    read = 0
    try:
        for cells in reader:
            start, read = read + 1, reader.line_num
            if cells and max(map(len, cells)) > CELL_LIMIT:
                yield _stop(
                    start,
                    f"a cell of this row is longer than {CELL_LIMIT:,} characters; "
                    "the rest of the file was not read",
                )
                return
            if any("\x00" in cell for cell in cells):
                yield RawProblem(
                    path=(),
                    code=PARSE_ERROR,
                    message=(
                        "this row holds a NUL character (a zero byte), which text never holds; "
                        "the file may be damaged, or in another encoding"
                    ),
                    line=start,
                )
                continue
            yield Row(start, cells)
    except _BadText as err:
        yield _stop(
            err.line,
            f"this line is not {encoding} text, the encoding {given_by} gives; check it "
            "(utf-8, cp1252 or utf-16); the rest of the file was not read",
        )
    except _LongLine as err:
        yield _stop(
            err.line,
            f"this line is longer than {LINE_LIMIT:,} bytes; the rest of the file was not read",
        )
    except csv.Error as err:
        yield _stop(
            reader.line_num or 1,
            f"this row is not valid CSV ({_csv_reason(err)}); check the delimiter {given_by} "
            "gives, and that every double quote is closed; the rest of the file was not read",
        )


def _csv_reason(err: csv.Error) -> str:
    text = str(err)
    if "field larger than field limit" in text:
        return f"a cell longer than {CELL_LIMIT:,} characters"
    if "new-line character seen in unquoted field" in text or "unexpected end of data" in text:
        return "a line break where a row cannot hold one"
    return "a double quote out of place"


def xlsx_rows(stream: BinaryIO, sheet: str | None) -> Iterator[Row | RawProblem]:
    """Yield the rows of a worksheet (the first unless ``sheet`` names one), streaming."""
    try:
        import openpyxl  # noqa: PLC0415 (an optional extra)
    except ImportError as err:
        raise MissingExtraError(purpose="Excel files", package="openpyxl", extra="excel") from err
    if not stream.seekable():
        stream = io.BytesIO(stream.read())
    try:
        book = openpyxl.load_workbook(stream, read_only=True, data_only=True)
    except Exception:  # a damaged file raises any of many kinds, XML's too
        yield _stop(None, "this file is not an Excel workbook (.xlsx); it was not read")
        return
    try:
        if sheet is None:
            worksheet = book.worksheets[0]
        elif sheet in book.sheetnames:
            worksheet = book[sheet]
        else:
            yield _stop(
                None,
                "the workbook has no sheet of the name the profile gives; check the "
                "profile's sheet (names are exact)",
            )
            return
        # A sheet's stated size may reach XFD1048576 for one stray cell: read its rows as
        # they are written, not padded to that size.
        worksheet.reset_dimensions()
        number = 0
        cells = worksheet.iter_rows(values_only=True)
        while True:
            try:
                row = next(cells, None)
            except Exception:  # as above: the sheet's XML is read as it goes
                yield _stop(
                    number + 1,
                    "the workbook is damaged from this row on; the rest of it was not read",
                )
                return
            if row is None:
                return
            number += 1
            yield Row(number, tuple(row))
    finally:
        book.close()


def cell_text(value: object, *, as_date: bool = False) -> str:  # noqa: PLR0911
    """Return a cell as text: numbers without a trailing ``.0``, dates as ISO 8601.

    ``as_date`` takes a date-and-time cell as its date alone (``recorded_on``).

    >>> cell_text(12345.0), cell_text(2.5), cell_text(None), cell_text(True)
    ('12345', '2.5', '', 'true')
    >>> cell_text(dt.datetime(2026, 3, 1, 0, 0), as_date=True)
    '2026-03-01'
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if as_date else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)
