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
    only. A syntax error (or nesting too deep) ends the file: the records before
    it are still read, those of the list it is in included, and then the
    parse-error that says the rest was not read.
    """
    text = _read_text(stream)
    if isinstance(text, RawRecord):
        yield text
        return
    index = 0
    # Faults on a list cut short before its first record go with the parse-error.
    pending: list[tuple[Path, InputError]] = []
    for item in iter_documents(text, source):
        if isinstance(item, InputError):  # a syntax error, or nesting too deep
            yield _stopped(index, item, pending)
            index += 1
            continue
        if type(item.data) is list:
            # Each fault goes with the record it is in; one above the records (on
            # the list itself) goes with the first.
            above = [(path, error) for path, error in item.problems if not path]
            faults: dict[object, list[tuple[Path, InputError]]] = {}
            for path, error in item.problems:
                if path:
                    faults.setdefault(path[0], []).append((path, error))
            if not item.data and not item.complete:
                pending = above
            for number, element in enumerate(item.data):
                mine = faults.get(number, [])
                if number == 0:
                    mine = above + mine
                yield _yaml_record(item, index, (number,), element, mine)
                index += 1
        elif item.data is None and (not item.complete or not item.problems):
            # An empty document holds no record; nor does the start of a record
            # that a fault cut short (the parse-error that follows stands for it).
            continue
        else:
            yield _yaml_record(item, index, (), item.data, item.problems)
            index += 1


def _stopped(index: int, error: InputError, pending: list[tuple[Path, InputError]]) -> RawRecord:
    """Return the record that says reading stopped, with any fault left over."""
    message = error.problem.removeprefix("is not valid YAML: ")
    if isinstance(error, YAMLSyntaxError):
        message = f"not valid YAML: {message}"
    record = _parse_error(index, error.line, error.column, message + _NOT_READ, stops=True)
    if not pending:
        return record
    earlier = tuple(
        RawProblem(
            path=(), code=PARSE_ERROR, message=fault.problem, line=fault.line, column=fault.column
        )
        for _, fault in pending
    )
    return record._replace(problems=earlier + record.problems)
