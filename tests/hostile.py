"""Hostile input for the fuzzer of ``test_fuzz_hostile.py``: markers, writers, mutations, oracles.

* **Markers**: text that stands for personal data ("MARKER Jane Smith 7f3a" and
  variants with quotes, commas, pipes, colons, line breaks, unicode...). Each
  holds a character that no quotable form allows (a space or a letter outside
  ASCII), so a report may never show any of :data:`PROBES`.
* **Writers**: records (with markers planted anywhere) as the bytes of each
  format, written the way a careless or hostile exporter would: every quoting
  style of YAML, tags, anchors, aliases and duplicate keys, CSV with unknown
  and repeated columns.
* **Mutations** of the serialised bytes: truncation, flipped, inserted and
  deleted bytes, NUL, CR, BOMs, bytes that are not UTF-8, huge numbers, deep
  nesting, long lines.
* **Oracles**: from the bytes alone, how many records a file holds (a range when
  it cannot be known exactly) and whether a reader must get to its end. They
  are written from the documented format, independently of the readers.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import random
import re
import sys
from collections.abc import Callable, Iterator
from typing import Final, NamedTuple

import yaml
from hypothesis import strategies as st
from yaml import events

from strategies import records

# ---- markers ------------------------------------------------------------------------

#: Stand-ins for personal data. Every one holds "Jane Smith" or "Jäne Smïth" whole.
MARKERS: Final = (
    "MARKER Jane Smith 7f3a",
    "MARKER-Jane Smith-7f3a",
    "MARKER Jäne Smïth 7f3a ✓",
    'MARKER "Jane Smith" 7f3a',
    "MARKER 'Jane Smith' 7f3a",
    "MARKER, Jane Smith, 7f3a",
    "MARKER | Jane Smith | 7f3a",
    "MARKER|Jane Smith\\|7f3a\\x",
    "MARKER: Jane Smith: 7f3a",
    "MARKER\nJane Smith\n7f3a",
    "MARKER\r\nJane Smith\r7f3a",
    "MARKER #Jane Smith 7f3a",
    "  MARKER Jane Smith 7f3a  ",
    "MARKER\tJane Smith\t7f3a",
    "- MARKER Jane Smith: has cancer",
    "MARKER Jane Smith 🙂 7f3a",
    "MARKER\u2028Jane Smith\u00857f3a\u2029",
    "MARKER Jane Smith\x00\x1c7f3a",
    "&MARKER *Jane Smith !7f3a",
    "MARKER Jane Smith=7f3a;x",
)
#: Fragments of the markers that a report may never hold: each has a space or a letter
#: outside ASCII, which a quoted record_id (``^[A-Za-z0-9._:-]{1,64}$``) or key
#: (``^[A-Za-z0-9_.-]{1,64}$``) cannot have, and no character that JSON or a Python
#: repr would escape. A mutation may spoil some copies of a marker; the others stay.
PROBES: Final = ("Jane S", "e Smith", "Jäne", "Smïth", "🙂 7f3a")


def leaks(text: str) -> list[str]:
    """Return the probes found in ``text`` (an empty list when nothing leaked)."""
    return [probe for probe in PROBES if probe in text]


def strings_in(value: object) -> Iterator[str]:
    """Yield every string in a JSON value, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


# ---- records with planted markers -------------------------------------------------------

MARKER_TEXT: Final = st.sampled_from(MARKERS)


@st.composite
def marker_values(draw: st.DrawFn) -> object:
    """A marker as a value: text, repeated text, or inside a list or a mapping."""
    marker = draw(MARKER_TEXT)
    return draw(
        st.sampled_from(
            [
                marker,
                marker,
                marker * 3,
                [marker],
                {marker: marker},
                {"by": marker, "what": marker},
                {"outcome": marker, "what_matters": marker},
            ]
        )
    )


_RECORD_FIELDS: Final = (
    "record_id",
    "framework",
    "framework_version",
    "person_id",
    "recorded_on",
    "stage",
    "notes",
    "context",
    "outcomes",
)
_OUTCOME_FIELDS: Final = (
    "outcome",
    "what_matters",
    "why_it_matters",
    "contributions",
    "status",
    "status_note",
)
#: Every kind of place a marker is planted in.
PLACES: Final = (
    "record-value",
    "record-key",
    "context-key",
    "context-value",
    "outcome-key",
    "outcome-value",
    "outcome-item",
    "contribution-key",
    "contribution-value",
    "contribution-item",
    "whole-record",
)


def _outcomes(record: dict[str, object]) -> list[object]:
    outcomes = record.get("outcomes")
    if isinstance(outcomes, list):
        return outcomes
    made: list[object] = [{"outcome": "seeing-people", "what_matters": "My pals"}]
    record["outcomes"] = made
    return made


def _an_outcome(draw: st.DrawFn, record: dict[str, object]) -> dict[str, object]:
    outcomes = _outcomes(record)
    mappings = [item for item in outcomes if isinstance(item, dict)]
    if not mappings:
        mappings = [{"outcome": "seeing-people", "what_matters": "My pals"}]
        outcomes.append(mappings[0])
    return draw(st.sampled_from(mappings))


def _a_contribution(draw: st.DrawFn, outcome: dict[str, object]) -> dict[str, object]:
    contributions = outcome.get("contributions")
    if not isinstance(contributions, list):
        contributions = []
        outcome["contributions"] = contributions
    mappings = [item for item in contributions if isinstance(item, dict)]
    if not mappings:
        mappings = [{"by": "person", "what": "Practise the walk"}]
        contributions.append(mappings[0])
    return draw(st.sampled_from(mappings))


def plant(draw: st.DrawFn, record: dict[str, object], place: str) -> object:  # noqa: PLR0912 (one branch a place)
    """Put a marker into ``record`` at a place of kind ``place``; return the record."""
    value = draw(marker_values())
    marker = draw(MARKER_TEXT)
    if place == "whole-record":
        return value
    if place == "record-value":
        record[draw(st.sampled_from(_RECORD_FIELDS))] = value
    elif place == "record-key":
        record[marker] = value
    elif place in {"context-key", "context-value"}:
        context = record.get("context")
        if not isinstance(context, dict):
            context = {}
            record["context"] = context
        if place == "context-key":
            context[marker] = draw(st.sampled_from(["north", marker]))
        else:
            context[draw(st.sampled_from(["team", *context]))] = value
    elif place == "outcome-item":
        _outcomes(record).insert(draw(st.integers(0, 2)), value)
    elif place.startswith("outcome-"):
        outcome = _an_outcome(draw, record)
        if place == "outcome-key":
            outcome[marker] = value
        else:
            outcome[draw(st.sampled_from(_OUTCOME_FIELDS))] = value
    else:
        outcome = _an_outcome(draw, record)
        if place == "contribution-item":
            contributions = outcome.get("contributions")
            if not isinstance(contributions, list):
                contributions = []
                outcome["contributions"] = contributions
            contributions.append(value)
        else:
            contribution = _a_contribution(draw, outcome)
            if place == "contribution-key":
                contribution[marker] = value
            else:
                contribution[draw(st.sampled_from(["by", "what"]))] = value
    return record


#: Valid records to plant markers in: every field of the format is in one of them.
BASE_RECORDS: Final[tuple[dict[str, object], ...]] = (
    {
        "record_id": "ab-2026-000123",
        "framework": "adults",
        "framework_version": "1.0.0",
        "person_id": "p-7f3a9c",
        "recorded_on": "2026-03-01",
        "stage": "review",
        "context": {"team": "north-east", "service": "reablement"},
        "notes": "Agreed at home",
        "outcomes": [
            {
                "outcome": "seeing-people",
                "what_matters": "Getting back to the bowling club",
                "why_it_matters": "Lonely since the stroke",
                "contributions": [
                    {"by": "person", "what": "Practise the walk"},
                    {"by": "services", "what": "Goes with me at first"},
                ],
                "status": "partly-met",
                "status_note": "Went twice",
            },
            {"outcome": "improved-mobility", "what_matters": "The stairs", "status": "met"},
        ],
    },
    {
        "record_id": "c-1",
        "framework": "carers",
        "person_id": "p-1",
        "recorded_on": "2025-10-02",
        "stage": "assessment",
        "outcomes": [{"outcome": "a-life-of-their-own", "what_matters": "Choir"}],
    },
    {
        "record_id": "h-1",
        "framework": "care-homes",
        "person_id": "p-2",
        "recorded_on": "2025-10-03",
        "stage": "support-planning",
        "outcomes": [
            {
                "outcome": "having-things-to-do",
                "what_matters": "Helping in the garden",
                "contributions": [{"by": "family-and-friends", "what": "Bring seedlings"}],
            }
        ],
    },
)


@st.composite
def marked_records(draw: st.DrawFn) -> list[object]:
    """One to four records (valid ones at first), with markers planted in one to six places."""
    found: list[object] = []
    for number in range(draw(st.integers(1, 4))):
        if draw(st.integers(0, 9)) == 0:
            found.append(draw(records()))  # now and then, a record with other values
        else:
            record = copy.deepcopy(draw(st.sampled_from(BASE_RECORDS)))
            record["record_id"] = f"r-{number}"
            found.append(record)
    for _ in range(draw(st.integers(1, 6))):
        number = draw(st.integers(0, len(found) - 1))
        chosen = found[number]
        if isinstance(chosen, dict):
            found[number] = plant(draw, chosen, draw(st.sampled_from(PLACES)))
    return found


# ---- writers ------------------------------------------------------------------------------


def write_json(rng: random.Random, items: list[object]) -> bytes:
    """A JSON document: one record, or an array of records."""
    single = len(items) == 1 and rng.random() < 0.5
    value: object = items[0] if single else items
    text = json.dumps(
        value,
        ensure_ascii=rng.random() < 0.5,
        indent=rng.choice([None, 1, 2]),
    )
    return text.encode("utf-8", "surrogatepass")


def write_jsonl(rng: random.Random, items: list[object]) -> bytes:
    """JSON Lines: one record a line, LF or CRLF, blank lines between at random."""
    end = rng.choice(["\n", "\r\n"])
    lines = []
    for item in items:
        lines.append(json.dumps(item, ensure_ascii=rng.random() < 0.5))
        if rng.randint(0, 5) == 0:
            lines.append(rng.choice(["", "  ", "\t"]))
    return end.join(lines).encode("utf-8", "surrogatepass") + end.encode() * rng.randint(0, 1)


# --- YAML

_YAML_ESCAPES: Final = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}
_PLAIN: Final = re.compile(r"[A-Za-z0-9][^\n\r\t#:\"'\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]*")


def _yaml_double(text: str) -> str:
    out = []
    for char in text:
        if char in _YAML_ESCAPES:
            out.append(_YAML_ESCAPES[char])
        elif not char.isprintable() or char in "\u2028\u2029\x85\ufeff":
            code = ord(char)
            if code < 0x100:
                out.append(f"\\x{code:02x}")
            elif code < 0x10000:
                out.append(f"\\u{code:04x}")
            else:  # beyond the BMP: \U and eight digits (\u takes four)
                out.append(f"\\U{code:08x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _yaml_scalar(rng: random.Random, value: object) -> str:
    if not isinstance(value, str):
        return json.dumps(value)
    styles = ["double", "double"]
    if all(char.isprintable() for char in value):
        styles.append("single")
    if _PLAIN.fullmatch(value) and value == value.strip():
        styles += ["plain", "plain"]
    style = rng.choice(styles)
    if style == "single":
        return "'" + value.replace("'", "''") + "'"
    if style == "plain":
        return value
    return _yaml_double(value)


def _yaml_flow(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


#: Decorations that YAML allows on a node and the record reader refuses or must survive.
_DECORATIONS: Final = (
    "",
    "",
    "",
    "",
    "",
    "",
    "!!python/object:os.system ",
    "!custom ",
    "!!binary ",
    "!!str ",
    "&anchor ",
    "!!python/name:Jane ",
)


class _YAMLWriter:
    """Write plain data as block YAML, with hostile decorations at random."""

    def __init__(self, rng: random.Random, *, hostile: bool) -> None:
        self.rng = rng
        self.hostile = hostile

    def decoration(self) -> str:
        if not self.hostile:
            return ""
        return self.rng.choice(_DECORATIONS)

    def key(self, key: object) -> str:
        text = self.decoration() + _yaml_scalar(self.rng, key)
        if self.hostile and self.rng.randint(0, 30) == 0:
            return "? " + text + "\n"  # an explicit key; the caller's ':' follows on its line
        return text

    def after(self, value: object, indent: int) -> str:
        """Return the text after ``key:`` or ``- `` for ``value``."""
        rng = self.rng
        if self.hostile and rng.randint(0, 40) == 0:
            return " *anchor"
        decoration = self.decoration()
        block = rng.randint(0, 3) > 0
        if isinstance(value, dict) and value and block:
            return " " + decoration.strip() + "\n" + self.mapping(value, indent + 2)
        if isinstance(value, list) and value and block:
            return " " + decoration.strip() + "\n" + self.sequence(value, indent + 2)
        if isinstance(value, dict | list):
            return " " + decoration + _yaml_flow(value)
        return " " + decoration + _yaml_scalar(rng, value)

    def mapping(self, mapping: dict[object, object], indent: int) -> str:
        lines = []
        for key, value in mapping.items():
            key_text = self.key(key)
            if key_text.endswith("\n"):
                line = " " * indent + key_text + " " * indent + ":" + self.after(value, indent)
            else:
                line = " " * indent + key_text + ":" + self.after(value, indent)
            lines.append(line)
            if self.hostile and self.rng.randint(0, 15) == 0:
                lines.append(line)  # a duplicate key
        return "\n".join(lines)

    def sequence(self, items: list[object], indent: int) -> str:
        lines = []
        for item in items:
            if isinstance(item, dict) and item and self.rng.randint(0, 4) > 0:
                text = self.mapping(item, indent + 2)
                lines.append(" " * indent + "- " + text[indent + 2 :])
            else:
                lines.append(" " * indent + "-" + self.after(item, indent))
        return "\n".join(lines)


def write_yaml(rng: random.Random, items: list[object], *, hostile: bool = False) -> bytes:
    """YAML: one record, a list of records, or a stream of documents (``---``) of either."""
    writer = _YAMLWriter(rng, hostile=hostile)
    layout = rng.choice(["list", "stream", "single"])
    if layout == "single" and len(items) == 1 and isinstance(items[0], dict) and items[0]:
        text = writer.mapping(items[0], 0)
    elif layout == "stream":
        documents = []
        for item in items:
            if isinstance(item, dict) and item:
                documents.append(writer.mapping(item, 0))
            else:
                documents.append(writer.sequence([item], 0))
        text = "\n---\n".join(documents)
    else:
        text = writer.sequence(items, 0)
    if rng.random() < 0.5:
        text = "# records\n" + text
    return (text + "\n").encode("utf-8", "surrogatepass")


# --- CSV

_RECORD_COLUMNS: Final = (
    "record_id",
    "framework",
    "framework_version",
    "person_id",
    "recorded_on",
    "stage",
    "notes",
)


def _cell(value: object) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _contributions_cell(rng: random.Random, value: object) -> str:
    if not isinstance(value, list):
        return _cell(value)
    escape = rng.random() < 0.5
    items = []
    for item in value:
        if isinstance(item, dict):
            by, what = _cell(item.get("by", "")), _cell(item.get("what", ""))
            if escape:
                by, what = (text.replace("\\", "\\\\").replace("|", "\\|") for text in (by, what))
            items.append(f"{by}: {what}")
        else:
            items.append(_cell(item))
    return " | ".join(items)


def write_csv(rng: random.Random, items: list[object]) -> bytes:  # noqa: PLR0912 (straight-line)
    """CSV in long format: one row per outcome; any key becomes a column (markers too)."""
    rows: list[dict[str, str]] = []
    record_columns: list[str] = []
    outcome_columns: list[str] = []

    def column(columns: list[str], name: str) -> str:
        if name not in columns:
            columns.append(name)
        return name

    for item in items:
        record = item if isinstance(item, dict) else {"record_id": _cell(item)}
        head: dict[str, str] = {}
        for key, value in record.items():
            name = str(key)
            if name == "outcomes":
                continue
            if name == "context" and isinstance(value, dict):
                for context_key, context_value in value.items():
                    head[column(record_columns, f"context.{context_key}")] = _cell(context_value)
            else:
                head[column(record_columns, name)] = _cell(value)
        outcomes = record.get("outcomes")
        if not isinstance(outcomes, list) or not outcomes:
            outcomes = [outcomes if outcomes is not None else {}]
        for outcome in outcomes:
            row = dict(head)
            if isinstance(outcome, dict):
                for key, value in outcome.items():
                    name = column(outcome_columns, str(key))
                    row[name] = (
                        _contributions_cell(rng, value) if key == "contributions" else _cell(value)
                    )
            else:
                row[column(outcome_columns, "outcome")] = _cell(outcome)
            rows.append(row)
    standard = [name for name in _RECORD_COLUMNS if name in record_columns]
    header = standard + [name for name in record_columns if name not in standard]
    header += [name for name in outcome_columns if name not in header]
    for required in ("record_id", "framework", "person_id", "recorded_on", "stage"):
        if required not in header and rng.randint(0, 4) > 0:
            header.insert(0, required)
    for required in ("outcome", "what_matters"):
        if required not in header and rng.randint(0, 4) > 0:
            header.append(required)
    extra = rng.choice(["", "", "", "marker", "repeat", "spaced"])
    if extra == "marker":
        header.insert(rng.randint(0, len(header)), rng.choice(MARKERS))
    elif extra == "repeat" and header:
        header.append(rng.choice(header))
    elif extra == "spaced" and header:
        at = rng.randint(0, len(header) - 1)
        header[at] = f" {header[at]} "
    stream = io.StringIO()
    writer = csv.writer(
        stream,
        lineterminator=rng.choice(["\r\n", "\n"]),
        quoting=rng.choice([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
    )
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(name.strip(), "") for name in header])
    return stream.getvalue().encode("utf-8", "surrogatepass")


WRITERS: Final = {"json": write_json, "jsonl": write_jsonl, "csv": write_csv}


def write(rng: random.Random, input_format: str, items: list[object]) -> bytes:
    """Serialise ``items`` (records, or anything) in ``input_format``."""
    if input_format == "yaml":
        return write_yaml(rng, items, hostile=rng.random() < 0.75)
    return WRITERS[input_format](rng, items)


# ---- mutations of the bytes --------------------------------------------------------------

#: Bytes a mutation inserts: control characters, BOMs, bytes that are not UTF-8, syntax
#: of every format, a marker, huge numbers, deep nesting and a long line.
INSERTS: Final = (
    b"\x00",
    b"\r",
    b"\n",
    b"\r\n",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\xff",
    b"\xc3",
    b"\xed\xa0\x80",
    b"\xe2\x80\xa8",
    b"\xc2\x85",
    b'"',
    b"'",
    b",",
    b";",
    b"|",
    b"\\",
    b"{",
    b"}",
    b"[",
    b"]",
    b": ",
    b"- ",
    b"---\n",
    b"&a ",
    b"*a",
    b"!!python/object ",
    b"? ",
    b"#",
    b"\t",
    b"NaN",
    b"1e999",
    b"-0",
    MARKERS[0].encode(),
    MARKERS[2].encode(),
    MARKERS[3].encode(),
    b"9" * 5000,
    b"0x" + b"f" * 4000,
    b"[" * 2000,
    b"{" * 50,
    b"- " * 40,
    b"x" * 150_000,
    b'"' + b"y" * 140_000 + b'"',
)


class Mutation(NamedTuple):
    """One change to the bytes: where, what, and how much."""

    kind: str
    at: int  # where, in thousandths of the length
    insert: bytes = b""
    size: int = 1


_WHERE: Final = st.integers(0, 1000)
MUTATIONS: Final = st.one_of(
    st.builds(Mutation, st.just("truncate"), _WHERE),
    st.builds(Mutation, st.just("flip"), _WHERE, st.just(b""), st.integers(1, 255)),
    st.builds(Mutation, st.just("insert"), _WHERE, st.sampled_from(INSERTS)),
    st.builds(Mutation, st.just("delete"), _WHERE, st.just(b""), st.integers(1, 40)),
    st.builds(Mutation, st.just("repeat"), _WHERE, st.just(b""), st.integers(1, 200)),
    st.builds(
        Mutation, st.sampled_from(["lone-cr", "crlf", "bom", "utf16", "strip-lf"]), st.just(0)
    ),
)


def mutate(data: bytes, mutation: Mutation) -> bytes:  # noqa: PLR0911 (one return a kind)
    """Apply one mutation to ``data``."""
    at = len(data) * mutation.at // 1000
    kind = mutation.kind
    if kind == "truncate":
        return data[:at]
    if kind == "flip":
        if not data:
            return data
        at = min(at, len(data) - 1)
        return data[:at] + bytes([data[at] ^ mutation.size]) + data[at + 1 :]
    if kind == "insert":
        return data[:at] + mutation.insert + data[at:]
    if kind == "delete":
        return data[:at] + data[at + mutation.size :]
    if kind == "repeat":
        return data[:at] + data[at : at + mutation.size] + data[at:]
    if kind == "lone-cr":
        return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r")
    if kind == "crlf":
        return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    if kind == "bom":
        return b"\xef\xbb\xbf" + data
    if kind == "utf16":
        return b"\xff\xfe" + data.decode("utf-8", "replace").encode("utf-16-le")
    assert kind == "strip-lf"
    return data.replace(b"\n", b"")


# ---- oracles: how many records a file holds ------------------------------------------------


class Expected(NamedTuple):
    """What the bytes say about a file's records, whatever reads them.

    The report must count at least ``low`` records and at most ``high`` (``None``:
    no upper bound can be told). ``complete`` is what the report's
    ``files[].complete`` must say (``None``: either is right).
    """

    low: int
    high: int | None
    complete: bool | None
    why: str

    @property
    def exact(self) -> bool:
        """Say whether the count is known exactly and the file must be read to its end."""
        return self.low == self.high and self.complete is True


_BOM: Final = b"\xef\xbb\xbf"
_JSON_SPACE: Final = " \t\r\n"
_LONE_CR: Final = re.compile(rb"\r(?!\n)")


def _skip(text: str, position: int) -> int:
    while position < len(text) and text[position] in _JSON_SPACE:
        position += 1
    return position


#: Reads any JSON structure: numbers however long, raw control characters in strings
#: (both spoil only their record), NaN and Infinity. Strictness is not its job.
_LENIENT: Final = json.JSONDecoder(strict=False, parse_int=len, parse_float=len, parse_constant=len)


def _json_text(data: bytes) -> tuple[str, int | None]:
    """Decode as far as the text is UTF-8; return it, and where the first bad byte is."""
    data = data.removeprefix(_BOM)
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as err:
        good = data[: err.start].decode("utf-8")
        return good + data[err.start :].decode("utf-8", "surrogateescape"), len(good)


def _stopped(count: int, why: str) -> Expected:
    """The records before a fault that stops the file, and the fault: one record more."""
    return Expected(count + 1, count + 1, False, why)


def expect_json(data: bytes) -> Expected:  # noqa: PLR0911, PLR0912 (one return a case)
    """One record, or an array: its length. A fault in the structure stops the file.

    A byte that is not UTF-8 stops it too, where it stands; a value the structure
    holds soundly (whatever it is) is one record, and so is a value with a stray
    byte order mark before it or a comma after it.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return Expected(0, 0, False, "UTF-16")
    text, bad = _json_text(data)
    end_of_text = len(text) if bad is None else bad
    start = _skip(text, 0)
    if start == len(text):
        return Expected(0, 0, None, "empty")
    if text[start] != "[":
        try:
            _, end = _LENIENT.raw_decode(text, start)
        except json.JSONDecodeError:
            return _stopped(0, "a syntax error in the one value")
        except RecursionError:
            return Expected(0, 1, None, "one value, nested too deep to tell")
        if end > end_of_text:
            return _stopped(0, "not UTF-8 in the one value")
        if _skip(text, end) == len(text):
            return Expected(1, 1, True, "one value")
        return Expected(1, 2, False, "one value and extra data")
    count = 0
    position = _skip(text, start + 1)
    if text[position : position + 1] != "]":
        while True:
            while text[position : position + 1] == ",":  # a comma where a record should start
                position = _skip(text, position + 1)
            if text[position : position + 1] == "]":
                break  # after stray commas (a first "]" or one after a record is handled apart)
            if position >= end_of_text:  # the file (or its UTF-8) ends where a record should
                return Expected(count, count, False, f"an array of {count} cut short")
            if text[position : position + 1] == "\ufeff" and text[
                _skip(text, position + 1) : _skip(text, position + 1) + 1
            ] not in ("]", ""):
                position = _skip(text, position + 1)  # a stray BOM spoils the next record
            try:
                _, end = _LENIENT.raw_decode(text, position)
            except json.JSONDecodeError:
                return _stopped(count, f"a syntax error after {count} items")
            except RecursionError:
                return Expected(count, None, None, f"nested too deep after {count} items")
            if end > end_of_text:
                return _stopped(count, f"not UTF-8 after {count} items")
            count += 1
            position = _skip(text, end)
            if text[position : position + 1] == ",":
                position = _skip(text, position + 1)
                if text[position : position + 1] != "]":  # a comma after the last: one fault
                    continue
            if text[position : position + 1] == "]":
                break
            # Between records: the file's own fault, not a record.
            return Expected(count, count, False, f"no ',' or ']' after {count} items")
    if _skip(text, position + 1) == len(text):
        if bad is not None:
            return Expected(count, count, False, f"an array of {count}, then not UTF-8")
        return Expected(count, count, True, f"an array of {count}")
    return Expected(count, count, False, f"an array of {count} and extra data")


def expect_jsonl(data: bytes) -> Expected:
    """One record per line that is not blank; a line ends at LF, CRLF or a lone CR.

    A byte order mark may open any line (it is a fault but for the first, on the
    line's own record); a line of only a BOM and spaces is blank.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return Expected(0, 0, False, "UTF-16")
    lines = re.split(rb"\r\n|\r|\n", data)
    count = sum(1 for line in lines if line.removeprefix(_BOM).strip())
    return Expected(count, count, True, f"{count} non-blank lines")


def _loader(text: str) -> yaml.SafeLoader | yaml.CSafeLoader:
    if getattr(yaml, "__with_libyaml__", False):
        return yaml.CSafeLoader(text)
    return yaml.SafeLoader(text)  # pragma: no cover (libyaml is installed here)


#: The deepest nesting of mappings and lists in a YAML record file.
YAML_MAX_DEPTH: Final = 32
_NULL: Final = "tag:yaml.org,2002:null"
#: A character YAML does not allow, or a byte order mark at the start of a line: the
#: stream ends there (after what was complete before it).
_YAML_FAULT: Final = re.compile(
    "[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
    "|(?:^|(?<=[\n\r\x85\u2028\u2029]))\ufeff"
)


def _root_scalar_counts(loader: yaml.SafeLoader | yaml.CSafeLoader, event: object) -> int:
    """A document that is one scalar: a record, unless it is null (an empty document)."""
    if not isinstance(event, events.ScalarEvent) or event.anchor:
        return 1
    if event.tag in (None, "!"):
        tag = loader.resolve(yaml.ScalarNode, event.value, event.implicit)  # type: ignore[no-untyped-call]
    else:
        tag = event.tag
    return 0 if tag == _NULL else 1


class _YAMLStop(Exception):  # noqa: N818 (control flow)
    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


class _YAMLCount:
    """Counts the records of a YAML stream, event by event, as far as it can be read."""

    def __init__(self, loader: yaml.SafeLoader | yaml.CSafeLoader, cut: int | None) -> None:
        self.loader = loader
        self.cut = cut  # where a character YAML does not allow stands
        self.records = 0  # in the documents read whole
        #: The records of the document being read that are complete: the items of a
        #: top-level list closed so far, or its root once that is closed.
        self.pending = 0

    def reaches_cut(self, event: object) -> bool:
        mark = getattr(event, "end_mark", None)
        return self.cut is not None and mark is not None and mark.index > self.cut

    def stream(self) -> None:
        loader = self.loader
        loader.get_event()  # StreamStartEvent
        while not loader.check_event(events.StreamEndEvent):
            if self.reaches_cut(loader.get_event()):  # DocumentStartEvent
                raise _YAMLStop("a character YAML does not allow")
            self.document()
            self.records += self.pending
            self.pending = 0
            loader.get_event()  # DocumentEndEvent

    def document(self) -> None:
        """Read one document's events, counting its records as they are complete."""
        loader = self.loader
        depth = 0
        root: type[events.Event] | None = None
        while not loader.check_event(events.DocumentEndEvent):
            event = loader.get_event()
            ending = isinstance(event, events.CollectionEndEvent)
            if not ending and self.reaches_cut(event):
                raise _YAMLStop("a character YAML does not allow")
            if isinstance(event, events.CollectionStartEvent):
                depth += 1
                if depth > YAML_MAX_DEPTH:
                    raise _YAMLStop("nesting too deep")
                root = root or type(event)
                continue
            depth -= ending
            if depth == 1 and root is events.SequenceStartEvent:
                self.pending += 1  # an item of the list ended (or was a scalar or an alias)
            elif depth == 0 and root is events.MappingStartEvent:
                self.pending = 1  # the record is closed
            elif depth == 0 and root is None:
                self.pending = _root_scalar_counts(loader, event)


def expect_yaml(data: bytes) -> Expected:
    """The records of each document: a list's items, or one mapping or scalar.

    A syntax error, nesting deeper than 32, a character YAML does not allow (or a
    byte order mark opening a line) ends the stream; the documents and the items
    of a top-level list complete before it are still records.
    """
    try:
        text = data.removeprefix(_BOM).decode("utf-8")
    except UnicodeDecodeError:
        return Expected(0, 0, False, "not UTF-8")  # the file's own parse-error
    fault = _YAML_FAULT.search(text)
    count = _YAMLCount(_loader(_YAML_FAULT.sub(" ", text)), fault.start() if fault else None)
    try:
        count.stream()
    except (yaml.YAMLError, _YAMLStop) as err:
        done = count.records + count.pending
        why = err.why if isinstance(err, _YAMLStop) else "a syntax error"
        return _stopped(done, f"{why} after {done} records")
    finally:
        count.loader.dispose()
    if fault is not None:
        return _stopped(count.records, f"{count.records} records, then a character not allowed")
    return Expected(count.records, count.records, True, f"{count.records} records")


#: A row with a cell longer than this may be past a reader's limit on cells or rows, so
#: which record it spoils (or whether it is one) cannot be told from the bytes.
CSV_LONG_CELL: Final = 60_000
#: The most columns a CSV header may have.
CSV_MAX_COLUMNS: Final = 1000


class _NotUTF8(Exception):  # noqa: N818 (control flow)
    pass


def _csv_lines(data: bytes) -> Iterator[str]:
    for line in io.BytesIO(data):
        try:
            yield line.decode("utf-8")
        except UnicodeDecodeError as err:
            raise _NotUTF8 from err


def _groups(keys: list[object]) -> int:
    """Count records: adjacent rows with the same non-empty record_id are one."""
    count = 0
    previous: object = object()
    for key in keys:
        if not isinstance(key, str) or key == "" or key != previous:
            count += 1
        previous = key if isinstance(key, str) and key else object()
    return count


class _Unsure:
    """A row that a reader may fold into a neighbouring record, or count on its own."""


def _csv_bounds(keys: list[object]) -> tuple[int, int]:
    low = _groups([key for key in keys if not isinstance(key, _Unsure)])
    high = _groups([object() if isinstance(key, _Unsure) else key for key in keys])
    return low, high


#: The columns of the format (and any valid ``context.NAME``).
def expect_csv(data: bytes) -> Expected:
    """Adjacent rows with the same record_id are one record; blank rows are skipped.

    A faulty row whose record_id cell can be read belongs with the rows that show
    the same id; one whose cells cannot be read (not valid CSV, a cell too long,
    NUL, a byte order mark, the header again) may join the record around it or
    count on its own, so the count is a range. A quote never closed, text that is
    not UTF-8, and a quoted line break in a row of the wrong width stop the file;
    a CR outside quotes may (a line end the dialect does not have), so from there
    on only the records before it are sure. A header with a fault and no rows is
    the file's own fault: no record.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return Expected(0, 0, False, "UTF-16")
    lone = _LONE_CR.search(data)
    if lone is not None and lone.end() == len(data):
        # A CR that ends the file: a line end, or a fault. The records before it count.
        before = expect_csv(data[: data.rfind(b"\n", 0, lone.start()) + 1])
        return Expected(max(before.low - 1, 0), None, None, "a CR at the end")
    body = data.removeprefix(_BOM)
    if not body:
        return Expected(0, 0, None, "empty")
    if b"\x00" in body.split(b"\n", 1)[0]:
        return Expected(0, 0, False, "NUL on the first line")
    limit = csv.field_size_limit()
    csv.field_size_limit(sys.maxsize)
    try:
        return _expect_csv_rows(body)
    finally:
        csv.field_size_limit(limit)


def _expect_csv_rows(data: bytes) -> Expected:  # noqa: PLR0911, PLR0912 (one return a case)
    reader = csv.reader(_csv_lines(data), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        return Expected(0, 0, None, "empty")
    except (csv.Error, _NotUTF8):
        return Expected(0, 0, False, "a header that cannot be read")
    if (
        not any(header)
        or any("\x00" in name for name in header)  # UTF-16 without a BOM, or not text
        or (len(header) == 1 and (";" in header[0] or "\t" in header[0]))
        or len(header) > CSV_MAX_COLUMNS
        or max(map(len, header)) > CSV_LONG_CELL
    ):
        return Expected(0, 0, False, "no usable header")
    key_index = header.index("record_id") if "record_id" in header else None
    keys: list[object] = []
    stop = ""
    while True:
        before = reader.line_num
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as err:
            if "unexpected end of data" in str(err):
                stop = "a quote never closed"
                break
            if reader.line_num - before > 1 or "new-line" in str(err):
                # A faulty row over several lines, or a lone CR outside quotes (a line end
                # the dialect does not have, or a stray CR in a cell): reading may stop.
                low, _ = _csv_bounds(keys)
                return Expected(low, None, None, f"a row that may stop it after {len(keys)} rows")
            keys.append(_Unsure())
            continue
        except _NotUTF8:
            stop = "not UTF-8 from a line on"
            break
        if not any(row):
            continue
        if reader.line_num - before > 1 and len(row) != len(header):
            stop = "a quoted line break in a row of the wrong width"
            break
        if (
            any(len(cell) > CSV_LONG_CELL or "\x00" in cell for cell in row)
            or row[0].startswith("\ufeff")
            or row == header
        ):
            keys.append(_Unsure())
        elif key_index is None:
            keys.append(None)
        elif key_index < len(row):
            keys.append(row[key_index])
        else:
            keys.append(_Unsure())
    low, high = _csv_bounds(keys)
    if stop:
        return Expected(low, high + 1, False, f"{stop} after {len(keys)} rows")
    if not keys:
        # A header (perhaps with faults, the file's own) and no rows: no record.
        return Expected(0, 0, True, "a header and no rows")
    return Expected(low, high, True, f"{len(keys)} rows")


ORACLES: Final = {
    "json": expect_json,
    "jsonl": expect_jsonl,
    "yaml": expect_yaml,
    "csv": expect_csv,
}


def expect(input_format: str, data: bytes) -> Expected:
    """Say how many records ``data`` holds in ``input_format``."""
    return ORACLES[input_format](data)


# ---- the faults of issue 7, and others the fuzzer found, as files ---------------------------

_CSV_HEADER: Final = "record_id,framework,person_id,recorded_on,stage,outcome,what_matters\n"


def _csv_row(number: int, what: str = "Locks") -> str:
    return f"r-{number},adults,p-{number},2026-03-01,assessment,feeling-safe,{what}\n"


def _yaml_record(number: int) -> str:
    return (
        f"- record_id: r-{number}\n  framework: adults\n  person_id: p-{number}\n"
        "  recorded_on: 2026-03-01\n  stage: assessment\n"
        "  outcomes: [{outcome: feeling-safe, what_matters: Locks}]\n"
    )


def _json_record(number: int, **changes: object) -> dict[str, object]:
    record: dict[str, object] = {
        "record_id": f"r-{number}",
        "framework": "adults",
        "person_id": f"p-{number}",
        "recorded_on": "2026-03-01",
        "stage": "assessment",
        "outcomes": [{"outcome": "feeling-safe", "what_matters": "Locks"}],
    }
    record.update(changes)
    return record


#: name: (format, a function that returns the file's bytes). Each is a fault reported in
#: issue 7 (the item's number first) or found by this fuzzer.
CASES: Final[dict[str, tuple[str, Callable[[], bytes]]]] = {}


def _case(name: str, input_format: str) -> Callable[[Callable[[], bytes]], Callable[[], bytes]]:
    def register(build: Callable[[], bytes]) -> Callable[[], bytes]:
        CASES[name] = (input_format, build)
        return build

    return register


@_case("1-csv-unclosed-quote-on-row-2-of-5000", "csv")
def _unclosed_quote() -> bytes:
    rows = "".join(map(_csv_row, range(2, 5000)))
    return (_CSV_HEADER + _csv_row(0) + _csv_row(1, '"Locks') + rows).encode()


@_case("1-csv-quoted-cell-of-140000-characters-over-lines", "csv")
def _long_quoted_cell() -> bytes:
    cell = '"' + ("Locks on the door\n" * 7800) + '"'
    return (_CSV_HEADER + _csv_row(0) + _csv_row(1, cell) + _csv_row(2)).encode()


@_case("2-yaml-syntax-error-in-record-999-of-1000", "yaml")
def _yaml_syntax_error() -> bytes:
    records = "".join(map(_yaml_record, range(998)))
    return (records + "- record_id: [r-998\n" + _yaml_record(999)).encode()


@_case("2-yaml-nesting-too-deep-after-a-good-record", "yaml")
def _yaml_too_deep() -> bytes:
    return (_yaml_record(0) + "- " + "[" * 40 + "]" * 40 + "\n" + _yaml_record(2)).encode()


@_case("3-json-5000-digit-integer-in-an-array", "json")
def _huge_integer() -> bytes:
    first, last = json.dumps(_json_record(0)), json.dumps(_json_record(2))
    return f'[{first}, {{"record_id": "r-1", "notes": {"9" * 5000}}}, {last}]'.encode()


@_case("4-jsonl-lone-cr-line-ends", "jsonl")
def _lone_cr() -> bytes:
    return "\r".join(json.dumps(_json_record(n)) for n in range(3)).encode() + b"\r"


@_case("5-csv-two-broken-rows-with-one-record-id", "csv")
def _broken_rows() -> bytes:
    row = _csv_row(0).rstrip("\n")
    return (_CSV_HEADER + row + ",extra\n" + row + ",x\n").encode()


@_case("5-csv-header-only-with-a-bad-column", "csv")
def _header_only() -> bytes:
    return _CSV_HEADER.replace("\n", ",MARKER Jane Smith 7f3a\n").encode()


@_case("6-yaml-keys-that-are-not-key-like-with-duplicates-tags-anchors", "yaml")
def _marker_keys() -> bytes:
    marker = "Jane Smith has cancer"
    return (
        f"- record_id: r-0\n  context:\n    {marker}: x\n    {marker}: y\n"
        f"- record_id: r-1\n  context:\n    {marker}: !!python/object x\n"
        f"- record_id: r-2\n  context:\n    {marker}: &anchor x\n"
        f"- record_id: r-3\n  context:\n    !custom {marker}: x\n"
        f"- record_id: r-4\n  context:\n    &a {marker}: x\n    *a : y\n"
        f"- record_id: r-5\n  {marker}:\n    {marker}: !!binary x\n"
    ).encode()


@_case("10-jsonl-long-line", "jsonl")
def _jsonl_long_line() -> bytes:
    first, last = json.dumps(_json_record(0)), json.dumps(_json_record(2))
    return f"{first}\n{'x' * 300_000}\n{last}\n".encode()


@_case("10-csv-long-unquoted-line", "csv")
def _csv_long_line() -> bytes:
    return (_CSV_HEADER + _csv_row(0) + "y" * 300_000 + "\n" + _csv_row(2)).encode()


@_case("11-yaml-4000-hex-digits-and-10-to-the-5000", "yaml")
def _yaml_huge_numbers() -> bytes:
    return f"- record_id: r-0\n  person_id: 0x{'f' * 4000}\n  notes: 1{'0' * 5000}\n".encode()


@_case("11-json-nested-100000-deep", "json")
def _json_deep() -> bytes:
    return ('[{"record_id": "r-0", "notes": ' + "[" * 100_000 + "]" * 100_000 + "}]").encode()


@_case("fuzz-yaml-syntax-error-after-a-whole-document", "yaml")
def _yaml_after_document() -> bytes:
    return b"a: b\n...\n- c\n"
