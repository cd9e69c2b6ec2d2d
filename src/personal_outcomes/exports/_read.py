"""Reading an export through its import profile: rows mapped onto records.

Each row of the export is mapped, field by field, onto a row of the record format's
long format (one row per outcome); the rows are then grouped into records by
``record_id`` exactly as the CSV reader groups them. A cell that the profile cannot
map (a value its table does not hold, a date that does not fit its format, a label
that names no outcome) is a problem of the record, with the usual code, at the
export's own row and column and the record field's JSON Pointer; the cell is kept as
it was, so that the checker's own complaint about the field is not repeated.
Messages name the export's column (as the profile writes it) and never quote a cell.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import BinaryIO, Final

from attrs import evolve as replace

from personal_outcomes._codes import PARSE_ERROR, SCHEMA, UNKNOWN_OUTCOME, IssueCode
from personal_outcomes._formats._csv import CsvRow, build_record, group_rows, read_header
from personal_outcomes._formats._raw import FILE_LEVEL, RawProblem, RawRecord
from personal_outcomes._pointer import Path
from personal_outcomes.errors import PersonalOutcomesError
from personal_outcomes.exports._profile import FieldMap, Profile, value_key
from personal_outcomes.exports._rows import Row, cell_text, csv_rows, xlsx_rows
from personal_outcomes.frameworks import Registry

#: Fields of each recorded outcome, as the long format has them (one row per outcome).
_OUTCOME_COLUMNS: Final = frozenset(
    {"outcome", "what_matters", "why_it_matters", "contributions", "status", "status_note",
     "perspective"}
)  # fmt: skip
#: Labels looked up per framework and remembered (a few hundred at most in practice).
_LABELS_KEPT: Final = 10_000

#: A fault of one cell: the field, the code, the message, and the export's column number.
_CellFault = tuple[str, IssueCode, str, int | None]


class _ExportPositions:
    """Each field is at its row's line (or row number) and at its column in the export."""

    __slots__ = ("_columns", "_lines")

    def __init__(self, lines: list[int], columns: Mapping[str, int | None]) -> None:
        self._lines = lines
        self._columns = columns

    def locate(self, path: Path) -> tuple[int | None, int | None]:
        """Return the line and the export column of the field at ``path``."""
        lines = self._lines
        line = lines[0]
        name: object = path[0] if path else None
        if len(path) > 1 and path[0] == "outcomes":
            row = path[1]
            if isinstance(row, int) and 0 <= row < len(lines):
                line = lines[row]
            name = path[2] if len(path) > 2 else None  # noqa: PLR2004 (outcomes, i, field)
        elif len(path) > 1 and path[0] == "context":
            name = f"context.{path[1]}"
        return line, self._columns.get(name) if isinstance(name, str) else None

    locate_key = locate

    def typed_plain(self, path: Path) -> bool:
        """Say no: the mapped cells are text."""
        del path
        return False


class _Field:
    """One field of the profile, ready to map cells: where its column is, what to do."""

    __slots__ = ("column", "index", "mapping", "name")

    def __init__(self, name: str, mapping: FieldMap, index: int | None) -> None:
        self.name = name
        self.mapping = mapping
        self.index = index
        self.column = None if index is None else index + 1


def _column_message(mapping: FieldMap, column: int | None, text: str) -> str:
    return f"column '{mapping.column}' ({column}): {text}"


class _Mapper:
    """Maps the cells of one export row onto the record format's columns."""

    def __init__(self, fields: list[_Field], registry: Registry) -> None:
        self.fields = fields
        self.registry = registry
        self.labels: dict[tuple[str, str], str | None] = {}
        #: Each field as (constant or None, cell index or -1, whether the cell is taken as
        #: it is (a plain column), whether it is the framework, the field): worked out once.
        self.plan = [
            (
                item.mapping.value,
                -1 if item.index is None else item.index,
                item.mapping.values is None
                and item.mapping.date_format is None
                and item.mapping.match == "id"
                and item.name != "recorded_on",
                item.name == "framework",
                item,
            )
            for item in fields
        ]
        #: Cells already mapped, per field (the few words of a value table, dates).
        self.mapped: dict[tuple[str, str], str] = {}

    def row(self, cells: Sequence[object]) -> tuple[list[str], list[_CellFault]]:
        texts: list[str] = []
        faults: list[_CellFault] = []
        framework = ""
        width = len(cells)
        for constant, index, plain, is_framework, item in self.plan:
            if constant is not None:
                text = constant
            else:
                cell = cells[index] if 0 <= index < width else None
                if plain:
                    text = cell if type(cell) is str else cell_text(cell)
                else:
                    text = self._mapped(item, cell, faults, framework)
            if is_framework:
                framework = text
            texts.append(text)
        return texts, faults

    def _mapped(self, item: _Field, cell: object, faults: list[_CellFault], framework: str) -> str:
        """Map a cell through a value table, a date format or labels, remembering the result."""
        if type(cell) is not str:
            return self._cell(item, cell, faults, framework)
        key = (item.name if item.mapping.match == "id" else f"{item.name}\x00{framework}", cell)
        found = self.mapped.get(key)
        if found is not None:
            return found
        before = len(faults)
        text = self._cell(item, cell, faults, framework)
        if len(faults) == before and len(self.mapped) < _LABELS_KEPT:
            self.mapped[key] = text  # only what mapped cleanly: a fault is said every time
        return text

    def _cell(self, item: _Field, cell: object, faults: list[_CellFault], framework: str) -> str:
        mapping = item.mapping
        if mapping.date_format is not None and isinstance(cell, dt.date):
            return cell.isoformat()[:10]  # an Excel date cell is a date, whatever the format
        text = cell_text(cell, as_date=item.name == "recorded_on")
        if not text.strip():
            return text  # empty: the field is absent
        if mapping.values is not None:
            mapped = mapping.values.get(value_key(text))
            if mapped is not None:
                text = mapped
            elif mapping.match != "label":
                message = (
                    f"this value is not in the profile's table for {item.name}; add it under "
                    f"fields.{item.name}.values"
                )
                faults.append(
                    (item.name, SCHEMA, _column_message(mapping, item.column, message), item.column)
                )
                return text
        if mapping.date_format is not None:
            return self._date(item, text, faults)
        if mapping.match == "label":
            return self._by_label(item, text, faults, framework)
        return text

    @staticmethod
    def _date(item: _Field, text: str, faults: list[_CellFault]) -> str:
        date_format = item.mapping.date_format or ""
        try:
            day = dt.datetime.strptime(text.strip(), date_format)
        except ValueError:
            message = f"this is not a date written {date_format}, as the profile says"
            faults.append(
                (
                    item.name,
                    SCHEMA,
                    _column_message(item.mapping, item.column, message),
                    item.column,
                )
            )
            return text
        return day.date().isoformat()

    def _by_label(self, item: _Field, text: str, faults: list[_CellFault], framework: str) -> str:
        found = self._label(framework, text)
        if found is None:
            message = (
                f"no outcome of framework '{framework}' has this label or a published "
                f"variant of it; check the spelling, or map it under fields.{item.name}.values"
            )
            faults.append(
                (
                    item.name,
                    UNKNOWN_OUTCOME,
                    _column_message(item.mapping, item.column, message),
                    item.column,
                )
            )
            return text
        return found

    def _label(self, framework: str, text: str) -> str | None:
        """Return the id of the outcome this label names, None if none (a known framework)."""
        key = (framework, text)
        if key in self.labels:
            return self.labels[key]
        if framework not in self.registry.ids:
            return text  # the checker says the framework is unknown
        try:
            found: str | None = self.registry.get(framework).find_outcome(text).id
        except PersonalOutcomesError:
            found = None
        if len(self.labels) < _LABELS_KEPT:
            self.labels[key] = found
        return found


def _header(
    rows: Iterator[Row | RawProblem], profile: Profile
) -> tuple[list[str], int] | RawProblem:
    """Read up to the header row; return its column names (spaces around them removed)."""
    for row in rows:
        if isinstance(row, RawProblem):
            return row
        if row.line < profile.header_row:
            continue
        return [cell_text(cell).strip() for cell in row.cells], row.line
    where = f" (the profile says it is row {profile.header_row})" if profile.fields else ""
    return RawProblem(
        path=(),
        code=SCHEMA,
        message=f"the file has no header row{where}; nothing was read",
        line=1,
        stops=True,
    )


def read_export(
    stream: BinaryIO, source: str, *, profile: Profile, registry: Registry
) -> Iterator[RawRecord]:
    """Read records from an export through its profile, one :class:`RawRecord` at a time.

    Rows before the profile's ``header_row`` are skipped; blank rows (every cell
    empty) too. Every export column the profile names must be in the header (names
    compared with spaces around them and case ignored): otherwise the file is one
    fault of its own and is not read. ``registry`` gives the frameworks whose labels
    ``match: label`` looks up.

    A profile without fields reads a file in the record format's own long format
    (its columns are the record format's), in the profile's encoding and delimiter.
    """
    del source
    given_by = "the profile" if profile.fields else "--encoding/--delimiter"
    rows: Iterator[Row | RawProblem] = (
        csv_rows(stream, profile.encoding, profile.delimiter, given_by=given_by)
        if profile.format == "csv"
        else xlsx_rows(stream, profile.sheet)
    )
    found = _header(rows, profile)
    if isinstance(found, RawProblem):
        yield RawRecord(index=FILE_LEVEL, line=found.line, column=None, data=None,
                        problems=(found,))  # fmt: skip
        return
    names, header_line = found
    width = len(names) if profile.format == "csv" else None  # a sheet's rows vary in length
    if not profile.fields:
        yield from _records(rows, names, registry, header_line=header_line, width=width)
        return
    columns: dict[str, list[int]] = {}
    for index, name in enumerate(names):
        if name:
            columns.setdefault(value_key(name), []).append(index + 1)
    missing = [name for name in profile.columns() if value_key(name) not in columns]
    twice = [name for name in profile.columns() if len(columns.get(value_key(name), ())) > 1]
    if missing or twice:
        if missing:
            listed = ", ".join(f"'{name}'" for name in missing)
            message = f"the header has no column {listed}, which the profile maps"
        else:
            numbers = " and ".join(map(str, columns[value_key(twice[0])]))
            message = (
                f"the header has column '{twice[0]}', which the profile maps, more than once "
                f"(columns {numbers}); rename one, so that it is clear which to read"
            )
        problem = RawProblem(
            path=(),
            code=SCHEMA,
            message=f"{message}; check the profile's column names against the export; "
            "nothing was read",
            line=header_line,
            stops=True,
        )
        yield RawRecord(index=FILE_LEVEL, line=header_line, column=None, data=None,
                        problems=(problem,))  # fmt: skip
        return
    fields = [
        _Field(
            name,
            mapping,
            None if mapping.column is None else columns[value_key(mapping.column)][0] - 1,
        )
        for name, mapping in profile.fields.items()
    ]
    yield from _records(rows, fields, registry, header_line=header_line, width=width)


def _records(
    rows: Iterator[Row | RawProblem],
    given: list[_Field] | list[str],
    registry: Registry,
    *,
    header_line: int,
    width: int | None,
) -> Iterator[RawRecord]:
    """Map the rows and group them into records.

    ``given`` are a profile's fields, or the names of a header in the record
    format's own columns (then each column is itself, and the header's own faults,
    as the CSV reader finds them, are problems of the first record).
    """
    first: tuple[RawProblem, ...] = ()
    if given and isinstance(given[0], str):
        names = [str(name) for name in given]
        header = read_header(names)
        fields = [_Field(name, FieldMap(column=name), index) for index, name in enumerate(names)]
        first = tuple(replace(problem, line=header_line) for problem in header.problems)
    else:
        fields = [item for item in given if isinstance(item, _Field)]
        names = [item.name for item in fields]
        header = read_header(names)
    key_at = names.index("record_id") if "record_id" in names else None
    key_field = fields[key_at] if key_at is not None else None
    key_cell = key_field.index if key_field is not None and key_field.index is not None else -1
    where = {item.name: item.column for item in fields}
    columns = {item.name: item.mapping.column for item in fields}
    mapper = _Mapper(fields, registry)
    faults: dict[int, list[_CellFault]] = {}

    def mapped() -> Iterator[CsvRow]:
        for row in rows:
            if isinstance(row, RawProblem):
                yield row.line or 0, row, None
                if row.stops:
                    return
                continue
            cells = row.cells
            key = cells[key_cell] if 0 <= key_cell < len(cells) else None
            if width is not None and len(cells) != width and not _padded(cells, width):
                message = (
                    f"this row has {len(cells)} cells but the header has {width}; a cell "
                    "that holds the delimiter must be in double quotes"
                )
                problem = RawProblem(path=(), code=PARSE_ERROR, message=message, line=row.line)
                yield row.line, problem, key if type(key) is str and key.strip() else None
                continue
            if not (type(key) is str and key.strip()) and all(
                not cell_text(cell).strip() for cell in cells
            ):
                continue  # a blank row
            texts, found = mapper.row(row.cells)
            if found:
                faults[row.line] = found
            yield row.line, texts, (texts[key_at] or None) if key_at is not None else None

    index = -1
    for index, group in enumerate(group_rows(mapped())):
        raw = build_record(header, group, index=index, extra=first if index == 0 else ())
        extra = [
            _problem(fault, number, line)
            for number, line in enumerate(group.starts)
            for fault in faults.pop(line, ())
        ]
        if raw.data is None:
            yield raw
            continue
        placed = _ExportPositions(group.starts, where)
        own = tuple(_at_column(problem, placed, columns) for problem in raw.problems)
        yield raw._replace(positions=placed, problems=(*own, *extra))
    faults.clear()
    if index < 0 and first:  # a header with faults and no rows: the file's own fault
        yield RawRecord(index=FILE_LEVEL, line=header_line, column=None, data=None,
                        problems=first, suppressed=header.suppressed)  # fmt: skip


_DISAGREE: Final = "rows of one record disagree on column '"


def _padded(cells: Sequence[object], width: int) -> bool:
    """Say whether a row longer than the header only has empty cells past its end."""
    return len(cells) > width and not any(cell_text(cell).strip() for cell in cells[width:])


def _at_column(
    problem: RawProblem, placed: _ExportPositions, columns: Mapping[str, str | None]
) -> RawProblem:
    """Give a problem the grouping of rows found (rows that disagree) the export's column."""
    if problem.column is not None or not problem.path:
        return problem
    _, column = placed.locate(problem.path)
    message = problem.message
    if message.startswith(_DISAGREE):
        field, _, rest = message.removeprefix(_DISAGREE).partition("'")
        name = columns.get(field)
        if name is not None:
            message = f"{_DISAGREE}{name}' ({column}){rest}"
    return replace(problem, column=column, message=message)


def _problem(fault: _CellFault, number: int, line: int) -> RawProblem:
    name, code, message, column = fault
    path: Path
    if name in _OUTCOME_COLUMNS:
        path = ("outcomes", number, name)
    elif name.startswith("context."):
        path = ("context", name.removeprefix("context."))
    else:
        path = (name,)
    return RawProblem(path=path, code=code, message=message, line=line, column=column)


def export_reader(
    profile: Profile, registry: Registry
) -> Callable[[BinaryIO, str], Iterator[RawRecord]]:
    """Return a reader of this profile's exports, like the readers of the record formats."""

    def read(stream: BinaryIO, source: str) -> Iterator[RawRecord]:
        return read_export(stream, source, profile=profile, registry=registry)

    return read
