"""The reader for YAML record files: one record, a list of records, or a stream of documents.

A YAML stream is read into memory as text first (about the file's size), then its
records are built and checked one at a time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import BinaryIO

from attrs import frozen

from personal_outcomes._codes import PARSE_ERROR
from personal_outcomes._formats._raw import RawProblem, RawRecord
from personal_outcomes._formats._text_input import NOT_READ as _NOT_READ
from personal_outcomes._formats._text_input import parse_error as _parse_error
from personal_outcomes._formats._text_input import read_text as _read_text
from personal_outcomes._formats._yaml import YAMLDocument, iter_documents
from personal_outcomes._pointer import Path
from personal_outcomes.errors import InputError, YAMLSyntaxError


@frozen(slots=True)
class _YAMLPositions:
    """Positions of one record inside a YAML document."""

    document: YAMLDocument
    prefix: Path

    def locate(self, path: Path) -> tuple[int | None, int | None]:
        """Return the node's (line, column), or its nearest parent's."""
        full = self.prefix + path
        positions = self.document.positions
        while full not in positions and len(full) > len(self.prefix):
            full = full[:-1]
        found = positions.get(full)
        return found if found is not None else (None, None)

    def locate_key(self, path: Path) -> tuple[int | None, int | None]:
        """Return the key's (line, column), or its mapping's."""
        found = self.document.key_positions.get(self.prefix + path)
        return found if found is not None else self.locate(path[:-1])

    def typed_plain(self, path: Path) -> bool:
        """Say whether the node was an unquoted scalar YAML read as a non-string."""
        return self.prefix + path in self.document.typed_plain


def _yaml_record(
    document: YAMLDocument,
    index: int,
    prefix: Path,
    data: object,
    problems: list[tuple[Path, InputError]],
) -> RawRecord:
    if type(data) is dict:
        when = data.get("recorded_on")
        # A bare YAML date in the date field is that date, written as the format wants.
        if type(when) is dt.date:
            data["recorded_on"] = when.isoformat()
            document.typed_plain.pop((*prefix, "recorded_on"), None)
    line, column = document.positions.get(prefix, (None, None))
    return RawRecord(
        index=index,
        line=line,
        column=column,
        data=data,
        positions=_YAMLPositions(document, prefix),
        problems=tuple(
            RawProblem(
                path=path[len(prefix) :],
                code=PARSE_ERROR,
                message=error.problem,
                line=error.line,
                column=error.column,
            )
            for path, error in problems
        ),
    )


def read_yaml(stream: BinaryIO, source: str) -> Iterator[RawRecord]:
    """Read YAML: one record, a list of records, or a stream of documents of either.

    A fault inside a record (a duplicate key, an alias, a tag) spoils that record
    only; a syntax error ends the file, after the records before it.
    """
    text = _read_text(stream)
    if isinstance(text, RawRecord):
        yield text
        return
    index = 0
    for item in iter_documents(text, source):
        if isinstance(item, InputError):  # a syntax error, or nesting too deep
            message = item.problem.removeprefix("is not valid YAML: ")
            if isinstance(item, YAMLSyntaxError):
                message = f"not valid YAML: {message}"
            yield _parse_error(index, item.line, item.column, message + _NOT_READ, stops=True)
            index += 1
            continue
        elements: list[tuple[Path, object]]
        if type(item.data) is list:
            elements = [((number,), element) for number, element in enumerate(item.data)]
        elif item.data is None and not item.problems:
            continue  # an empty document holds no record
        else:
            elements = [((), item.data)]
        # Each fault goes with the record it is in; one above the records (on the
        # list itself) goes with the first.
        for number, (prefix, element) in enumerate(elements):
            mine = [
                (path, error)
                for path, error in item.problems
                if path[: len(prefix)] == prefix and (prefix or number == 0)
            ]
            if number == 0 and prefix:
                mine = [(path, error) for path, error in item.problems if not path] + mine
            yield _yaml_record(item, index, prefix, element, mine)
            index += 1
