"""Import profiles: reading, checking and the typed model.

A profile is read with the project's hardened YAML reader (safe, duplicate keys are
an error, every node placed), checked against the published profile schema and then
against what the schema cannot state, every problem located at its line and column.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import unicodedata
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal, cast

from attrs import field, frozen

from personal_outcomes._formats._yaml import YAMLDocument, load_one
from personal_outcomes._pointer import Path as NodePath
from personal_outcomes._pointer import to_pointer
from personal_outcomes._record_format import CONTEXT_KEY_PATTERN, KEY_LIKE
from personal_outcomes._rpds import ensure_rpds
from personal_outcomes.errors import InvalidProfileError, Problem, UnreadableFileError
from personal_outcomes.schemas._profile import MAX_PROFILE_TEXT, PROFILE_FIELDS, profile_schema

if TYPE_CHECKING:
    import jsonschema

ExportFormat = Literal["csv", "xlsx"]
Match = Literal["id", "label"]

#: Two dates that a date format must tell apart in every part (day, month and year).
_SAMPLE_DATES = (dt.date(2026, 1, 31), dt.date(1999, 12, 2))


def value_key(text: str) -> str:
    """Fold a cell for a value table: spaces around it, case and Unicode forms are ignored.

    Text is compared in Unicode's NFKC form, so an accent written as a separate mark,
    or a full-width letter, matches the same letter written the usual way.

    >>> value_key("  Partly ACHIEVED "), value_key("Re\u0301view") == value_key("R\u00e9view")
    ('partly achieved', True)
    """
    return unicodedata.normalize("NFKC", text).strip().casefold()


@frozen(kw_only=True)
class FieldMap:
    """How one field of the record format is filled from an export.

    Either from a ``column`` (by its header name), or a constant ``value``. A
    column's cells may go through a ``values`` table (keys compared with spaces around
    them and case ignored), a ``date_format`` (``strptime`` directives; the result is
    ``YYYY-MM-DD``), or, for ``outcome``, be matched by
    ``label`` (the framework's labels and published variants) rather than by id.
    """

    column: str | None = None
    value: str | None = None
    values: Mapping[str, str] | None = None
    date_format: str | None = None
    match: Match = "id"


@frozen(kw_only=True)
class Profile:
    """How one export maps onto record format 1 (see the profile format reference).

    Build one with :func:`load_profile` or :func:`parse_profile`.
    """

    format: ExportFormat
    encoding: str = "utf-8"
    delimiter: str = ","
    sheet: str | None = None
    header_row: int = 1
    #: Each mapped field (``record_id``, ``context.team``...) and how it is filled.
    fields: Mapping[str, FieldMap] = field(factory=dict)
    #: Where the profile came from (a file name).
    source: str = "<data>"

    def columns(self) -> tuple[str, ...]:
        """Return the export columns the profile reads, each once, in the order mapped."""
        return tuple(dict.fromkeys(m.column for m in self.fields.values() if m.column))


@functools.cache
def _validator() -> jsonschema.Draft202012Validator:
    ensure_rpds()
    import jsonschema  # noqa: PLC0415 (only reading a profile needs it, not every command)

    return jsonschema.Draft202012Validator(profile_schema())


def _where(
    document: YAMLDocument | None, path: NodePath, *, key: bool = False
) -> tuple[int | None, int | None]:
    """Return where a node (or, with ``key``, its key) is; the nearest existing parent's."""
    if document is None:
        return None, None
    if key and path in document.key_positions:
        return document.key_positions[path]
    while path and path not in document.positions:
        path = path[:-1]
    return document.positions.get(path, (None, None))


def _message(error: jsonschema.ValidationError) -> list[tuple[NodePath, str]]:  # noqa: PLR0911
    """Say what is wrong, where, in words a profile's author can act on."""
    path = tuple(error.absolute_path)
    instance = error.instance
    if error.validator == "oneOf" and len(path) == 2 and path[0] == "fields":  # noqa: PLR2004
        return [_shape_message(error)]
    if path == () and not isinstance(instance, dict):
        return [(path, "a profile is a mapping of profile, format, fields and the rest")]
    if error.validator == "not" and path == () and isinstance(instance, dict):
        if instance.get("format") == "csv":
            return [(("sheet",), "'sheet' names a worksheet of an xlsx export; remove it")]
        return [
            ((key,), f"'{key}' is for csv exports (a workbook says its own); remove it")
            for key in ("encoding", "delimiter")
            if key in instance
        ]
    if error.validator == "additionalProperties" and path == ("fields",):
        return [
            (("fields", key), _field_name_message(key))
            for key in cast("dict[str, object]", instance)
            if key not in PROFILE_FIELDS and not _CONTEXT_FIELD.fullmatch(key)
        ]
    if error.validator == "additionalProperties" and path == ():
        schema: Any = error.schema
        known = ", ".join(schema["properties"])
        return [
            ((key,), f"{_named(key)} is not a key of a profile; the keys are {known}")
            for key in cast("dict[str, object]", instance)
            if key not in schema["properties"]
        ]
    if error.validator == "required" and path == ("fields",):
        missing = str(error.message).split("'")[1]
        return [(path, f"'{missing}' is required: map it to a column, or give a {{value: ...}}")]
    return [(path, _plain(error))]


_TYPES = {"object": "a mapping", "string": "text", "integer": "a whole number"}


def _plain(error: jsonschema.ValidationError) -> str:  # noqa: PLR0911
    """Say what a keyword asks for, never quoting the value (it may not be a profile's)."""
    keyword = error.validator
    expected: Any = error.validator_value
    if keyword == "type":
        return f"must be {_TYPES.get(str(expected), str(expected))}"
    if keyword == "enum":
        return "must be one of: " + ", ".join(repr(item) for item in expected)
    if keyword == "const":
        return f"must be {expected!r}"
    if keyword in {"minLength", "minProperties", "pattern"}:
        return "must not be empty or only spaces"
    if keyword in {"maxLength", "maxProperties"}:
        return f"is too long: at most {expected}"
    if keyword in {"minimum", "maximum"}:
        return f"must be at {'least' if keyword == 'minimum' else 'most'} {expected}"
    if keyword == "required":
        instance: Any = error.instance
        missing = [name for name in expected if name not in instance]
        return "must have " + ", ".join(f"'{name}'" for name in missing)
    if keyword == "additionalProperties":
        schema: Any = error.schema
        known = ", ".join(sorted(schema.get("properties", {})))
        return f"holds a key that is not allowed here; the keys are {known}"
    # Every other keyword of the schema is said above; one added later lands here.
    return "is not allowed here; see the profile format reference"  # pragma: no cover


_CONTEXT_FIELD: Final = re.compile(
    "context\\." + CONTEXT_KEY_PATTERN.removeprefix("^").removesuffix("$")
)


def _field_name_message(key: str) -> str:
    """Say why a key under ``fields`` names no field of the record format."""
    if key.startswith("context."):
        return (
            f"{_named(key)} is not a context field: after 'context.', a letter, then up to 63 "
            "letters, digits, '_' or '-'"
        )
    known = ", ".join(PROFILE_FIELDS)
    return (
        f"{_named(key)} is not a field of the record format; the fields are {known} and "
        "context.NAME"
    )


def _named(key: str) -> str:
    """Quote a key that looks like a key; call any other (it may be data) "this key"."""
    return f"'{key}'" if KEY_LIKE.fullmatch(key) else "this key"


def _shape_message(error: jsonschema.ValidationError) -> tuple[NodePath, str]:
    """Say what is wrong with a field's mapping, given the shape its author meant."""
    path = tuple(error.absolute_path)
    instance = error.instance
    message = (
        "map a field as a column name, {column: NAME, ...} or {value: TEXT} (see the profile "
        "format reference)"
    )
    if isinstance(instance, str):
        message = (
            f"a column name is at most {MAX_PROFILE_TEXT} characters"
            if len(instance) > MAX_PROFILE_TEXT
            else "a column name must not be empty or only spaces"
        )
    elif isinstance(instance, dict) and "column" in instance and "value" in instance:
        message = "give either a column or a value, not both"
    elif isinstance(instance, dict) and "column" in instance and error.context:
        # The author meant a column: say what is wrong with it, not with every shape.
        inner = [e for e in error.context if e.relative_schema_path[0] == 2]  # noqa: PLR2004
        if inner:
            first = min(inner, key=lambda e: len(e.absolute_path))
            return tuple(first.absolute_path), _plain(first)
    elif isinstance(instance, dict) and "value" in instance and len(instance) > 1:
        others = ", ".join(f"'{key}'" for key in instance if key != "value")
        message = f"a constant is written {{value: TEXT}} and takes nothing else (not {others})"
    elif isinstance(instance, dict) and "value" in instance:
        message = "a constant is written {value: TEXT}, with text that is not only spaces"
    return path, message


def _schema_problems(data: object, document: YAMLDocument | None) -> Iterator[Problem]:
    for error in _validator().iter_errors(data):
        for path, message in _message(error):
            at_key = (len(path) == 2 and path[0] == "fields") or (  # noqa: PLR2004
                len(path) == 1 and error.validator in {"additionalProperties", "not"}
            )
            line, column = _where(document, path, key=at_key)
            yield Problem(pointer=to_pointer(path), message=message, line=line, column=column)


def _rule_problems(data: Mapping[str, object]) -> Iterator[tuple[NodePath, str]]:
    """Find what the schema cannot state; ``data`` already follows the schema."""
    fields = cast("Mapping[str, object]", data["fields"])
    for name, mapping in fields.items():
        if not isinstance(mapping, Mapping):
            continue
        values = mapping.get("values")
        if isinstance(values, Mapping):
            seen: dict[str, str] = {}
            for key in values:
                folded = value_key(key)
                if folded in seen:
                    message = (
                        "this entry is the same as an earlier one once spaces around it and "
                        "case are ignored; keep one"
                    )
                    yield ("fields", name, "values", key), message
                seen.setdefault(folded, key)
        date_format = mapping.get("date_format")
        if isinstance(date_format, str) and not _full_date_format(date_format):
            message = (
                "this date format must read the day, the month and the year (for example "
                "%d/%m/%Y); see Python's strptime directives"
            )
            yield ("fields", name, "date_format"), message


def _full_date_format(date_format: str) -> bool:
    """Say whether a strptime format reads back whole dates it wrote."""
    try:
        return all(
            dt.datetime.strptime(day.strftime(date_format), date_format).date() == day
            for day in _SAMPLE_DATES
        )
    except ValueError:  # a directive strptime does not know
        return False


def profile_problems(data: object, document: YAMLDocument | None = None) -> tuple[Problem, ...]:
    """Check profile data against the schema, then the rules; return every problem, in order."""
    problems = list(dict.fromkeys(_schema_problems(data, document)))  # each said once
    if not problems:
        for path, message in _rule_problems(cast("Mapping[str, object]", data)):
            line, column = _where(document, path)
            problems.append(
                Problem(pointer=to_pointer(path), message=message, line=line, column=column)
            )
    problems.sort(key=lambda p: (p.line or 0, p.column or 0, p.pointer, p.message))
    return tuple(problems)


def build_profile(data: object, source: str, document: YAMLDocument | None = None) -> Profile:
    """Check profile data fully and return the profile (raise :class:`InvalidProfileError`)."""
    problems = profile_problems(data, document)
    if problems:
        raise InvalidProfileError(source=source, problems=problems)
    mapping = cast("Mapping[str, object]", data)
    fields: dict[str, FieldMap] = {}
    for name, raw in cast("Mapping[str, object]", mapping["fields"]).items():
        if isinstance(raw, str):
            fields[name] = FieldMap(column=raw)
            continue
        spec = cast("Mapping[str, object]", raw)
        values = cast("Mapping[str, str] | None", spec.get("values"))
        fields[name] = FieldMap(
            column=cast("str | None", spec.get("column")),
            value=cast("str | None", spec.get("value")),
            values=None if values is None else {value_key(k): v for k, v in values.items()},
            date_format=cast("str | None", spec.get("date_format")),
            match=cast("Match", spec.get("match", "id")),
        )
    return Profile(
        format=cast("ExportFormat", mapping["format"]),
        encoding=cast("str", mapping.get("encoding", "utf-8")),
        delimiter=cast("str", mapping.get("delimiter", ",")),
        sheet=cast("str | None", mapping.get("sheet")),
        header_row=cast("int", mapping.get("header_row", 1)),
        fields=fields,
        source=source,
    )


def parse_profile(data: bytes, source: str = "<profile>") -> Profile:
    """Read and check a profile from the bytes of a profile file (YAML).

    >>> profile = parse_profile(b'''
    ... profile: 1
    ... format: csv
    ... fields:
    ...   record_id: Assessment ID
    ...   person_id: Client ID
    ...   framework: {value: adults}
    ...   recorded_on: {column: Date, date_format: "%d/%m/%Y"}
    ...   stage: {column: Type, values: {Review: review}}
    ...   outcome: {column: Outcome, match: label}
    ...   what_matters: What matters to me
    ... ''')
    >>> profile.fields["stage"].values, profile.columns()[:2]
    ({'review': 'review'}, ('Assessment ID', 'Client ID'))
    """
    document = load_one(data, source)
    return build_profile(document.data, source, document)


def load_profile(path: str | os.PathLike[str]) -> Profile:
    """Read a profile file, check it fully, and return the profile.

    Raises :class:`~personal_outcomes.errors.UnreadableFileError` when the file
    cannot be read, an :class:`~personal_outcomes.errors.InputError` subclass for
    YAML faults, and :class:`~personal_outcomes.errors.InvalidProfileError` listing
    every problem when the content breaks the profile format.
    """
    source = os.fspath(path)
    try:
        data = Path(source).read_bytes()
    except OSError as err:
        raise UnreadableFileError(source=source, reason=err.strerror or type(err).__name__) from err
    return parse_profile(data, source)
