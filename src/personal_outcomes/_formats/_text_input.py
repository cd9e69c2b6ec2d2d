"""What the JSON and YAML readers share: reading a whole file as text, and parse errors."""

from __future__ import annotations

from typing import BinaryIO, Final

from personal_outcomes._codes import PARSE_ERROR
from personal_outcomes._formats._raw import FILE_LEVEL, RawProblem, RawRecord

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


def decode_utf8(data: bytes) -> tuple[str, int | None]:
    """Decode UTF-8, reading on past bytes that are not UTF-8.

    Return the text and the index in it of the first character that was not
    UTF-8 (``None`` if all was): from there on, each such byte is a lone
    surrogate (``surrogateescape``), so a reader can keep what came before it.
    """
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as err:
        good = data[: err.start].decode("utf-8")
        return good + data[err.start :].decode("utf-8", "surrogateescape"), len(good)


def read_text(stream: BinaryIO) -> str | RawRecord:
    """Read a whole stream as UTF-8 text (a BOM allowed), or the parse-error saying why not."""
    data = stream.read().removeprefix(BOM)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        # The whole file is read as text first, so nothing of it was read: the fault is
        # placed at its start, and the message says where the first bad byte is.
        line = data.count(b"\n", 0, err.start) + 1
        message = (
            f"the file is not valid UTF-8 (the first byte that is not is on line {line}); "
            "save it as UTF-8; it was not read"
        )
        return parse_error(FILE_LEVEL, 1, None, message, stops=True)
