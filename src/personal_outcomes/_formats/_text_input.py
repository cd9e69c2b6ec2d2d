"""What the JSON and YAML readers share: reading a whole file as text, and parse errors."""

from __future__ import annotations

from typing import BinaryIO, Final

from personal_outcomes._codes import PARSE_ERROR
from personal_outcomes._formats._raw import RawProblem, RawRecord

BOM: Final = b"\xef\xbb\xbf"
NOT_READ: Final = "; the rest of the file was not read"


def parse_error(
    index: int, line: int | None, column: int | None, message: str, *, stops: bool = False
) -> RawRecord:
    """Return a record that could not be read, with the parse-error that says why."""
    problem = RawProblem(
        path=(), code=PARSE_ERROR, message=message, line=line, column=column, stops=stops
    )
    return RawRecord(index=index, line=line, column=column, data=None, problems=(problem,))


def read_text(stream: BinaryIO) -> str | RawRecord:
    """Read a whole stream as UTF-8 text (a BOM allowed), or the parse-error saying why not."""
    data = stream.read().removeprefix(BOM)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        return parse_error(
            0, line, None, "the file is not valid UTF-8; save it as UTF-8", stops=True
        )
