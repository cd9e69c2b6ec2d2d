"""A hardened YAML reader for framework files and records.

It builds plain data from the parser's *events* rather than letting PyYAML
construct objects, so that:

* only the safe scalar types are ever made (strings, numbers, booleans, null,
  dates), through PyYAML's own ``SafeConstructor``;
* a duplicate key is an error, not a silent overwrite;
* anchors and aliases are refused before anything could expand them;
* nesting deeper than :data:`MAX_DEPTH` is an error of this library's own, the
  same with libyaml's C parser and the pure-Python one;
* every node's line and column are kept, so later checks can say where a fault is;
* a plain scalar that YAML 1.1 turned into something other than a string is
  remembered, so a check that wanted a string can say "put it in quotes".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final, Protocol, cast

import yaml
from attrs import frozen
from yaml import events

from personal_outcomes._pointer import Path, to_pointer
from personal_outcomes.errors import (
    AliasNotAllowedError,
    DuplicateKeyError,
    EncodingError,
    InputError,
    NestingTooDeepError,
    UnsupportedYAMLError,
    YAMLSyntaxError,
)

#: The deepest nesting of mappings and sequences a document may have.
MAX_DEPTH: Final = 32

_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS: Final = frozenset(
    _TAG + name for name in ("str", "int", "float", "bool", "null", "timestamp")
)
_COLLECTION_TAGS: Final = frozenset({_TAG + "map", _TAG + "seq", "!"})
_BOM: Final = "\ufeff"

# A quoted fragment in a PyYAML message is kept only when it is a token name
# ('<block end>') or a punctuation mark; anything else may be text from the file.
_QUOTED = re.compile(r"'([^']*)'")
_SAFE_QUOTED = re.compile(r"<[a-z ]+>|[^\w\s]{1,3}|\\[a-z]")


@frozen(kw_only=True)
class YAMLDocument:
    """One YAML document as plain data, with where each node started.

    ``positions`` maps each node's path to its 1-based (line, column);
    ``key_positions`` does the same for the key of each mapping entry;
    ``typed_plain`` maps the path of each unquoted scalar that YAML read as
    something other than a string to its text as written. ``problems`` are the
    faults found inside the document, with their paths, in document order; the
    data is built without the faulty parts.
    """

    data: object
    positions: dict[Path, tuple[int, int]]
    key_positions: dict[Path, tuple[int, int]]
    typed_plain: dict[Path, str]
    problems: list[tuple[Path, InputError]]


class _Mark(Protocol):
    """A position in the text (PyYAML's and libyaml's marks both have these)."""

    line: int
    column: int


def _loader_class() -> type[yaml.SafeLoader] | type[yaml.CSafeLoader]:
    if getattr(yaml, "__with_libyaml__", False):
        return yaml.CSafeLoader
    return yaml.SafeLoader


def decode(data: bytes, source: str) -> str:
    r"""Decode UTF-8 bytes (with or without a byte order mark) to text.

    >>> decode(b"\xef\xbb\xbfid: adults\r\n", "f.yaml")
    'id: adults\r\n'
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        column = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
        raise EncodingError(
            source=source,
            line=line,
            column=column,
            problem="is not valid UTF-8 text; save the file as UTF-8",
        ) from err
    return text.removeprefix(_BOM)


def _scrub(message: str) -> str:
    """Drop quoted fragments of the file from a PyYAML message."""

    def keep(match: re.Match[str]) -> str:
        return match.group(0) if _SAFE_QUOTED.fullmatch(match.group(1)) else "'…'"

    return _QUOTED.sub(keep, message)


def _position(mark: _Mark | None) -> tuple[int | None, int | None]:
    if mark is None:  # pragma: no cover (PyYAML and libyaml mark every parser error)
        return None, None
    return mark.line + 1, mark.column + 1


def _syntax_error(err: yaml.YAMLError, source: str, text: str) -> InputError:
    if isinstance(err, yaml.MarkedYAMLError):
        line, column = _position(err.problem_mark or err.context_mark)
        parts = [part for part in (err.context, err.problem) if part]
        problem = _scrub("; ".join(parts)) if parts else "is not valid YAML"
        return YAMLSyntaxError(
            source=source,
            line=line,
            column=column,
            problem=f"is not valid YAML: {problem}",
        )
    if isinstance(err, yaml.reader.ReaderError):
        index = err.position
        line = text.count("\n", 0, index) + 1
        column = index - (text.rfind("\n", 0, index) + 1) + 1
        return YAMLSyntaxError(
            source=source,
            line=line,
            column=column,
            problem=(
                f"is not valid YAML: control character #x{err.character:04x} is not allowed; "
                "remove it or write it as an escape in a double-quoted string"
            ),
        )
    # Every error the parsers raise is one of the two above; this is a safety net.
    problem = f"is not valid YAML: {_scrub(str(err))}"  # pragma: no cover
    return YAMLSyntaxError(source=source, problem=problem)  # pragma: no cover


class _TagMismatch(Exception):  # noqa: N818 (control flow, never leaves this module)
    """An explicitly tagged scalar whose text does not fit its tag."""


class _StreamEnded(Exception):  # noqa: N818 (control flow, never leaves this module)
    """Stops reading a stream after a fault the parser cannot recover from."""

    def __init__(self, problem: InputError) -> None:
        super().__init__()
        self.problem = problem


#: The path element of a value being read only to be thrown away (the value of a
#: duplicate key, say). A real path never has it: only list indexes are ints.
_DISCARD = -1


class _Frame:
    """An open mapping or sequence while a document is being built."""

    __slots__ = ("as_key", "container", "key", "path")

    def __init__(
        self, container: dict[str, object] | list[object], path: Path, *, as_key: bool = False
    ) -> None:
        self.container = container
        self.path = path
        self.key: str | int | None = None
        self.as_key = as_key  # a mapping or list written as a key: read, then dropped


class _Builder:
    """Turns the events of one document into plain data.

    A fault inside the document (a duplicate key, an alias, a tag) is recorded
    with its path, and building goes on without the faulty part, so that a reader
    of records can spoil just the record it is in. Only nesting beyond
    :data:`MAX_DEPTH` stops the document.
    """

    def __init__(self, loader: yaml.SafeLoader | yaml.CSafeLoader, source: str) -> None:
        self.loader = loader
        self.source = source
        self.constructor = yaml.constructor.SafeConstructor()
        self.stack: list[_Frame] = []
        self.root: object = None
        self.positions: dict[Path, tuple[int, int]] = {}
        self.key_positions: dict[Path, tuple[int, int]] = {}
        self.typed_plain: dict[Path, str] = {}
        self.problems: list[tuple[Path, InputError]] = []

    def error(
        self, kind: type[InputError], event: events.Event, path: Path, problem: str
    ) -> InputError:
        line, column = _position(event.start_mark)
        return kind(
            source=self.source, line=line, column=column, pointer=to_pointer(path), problem=problem
        )

    def report(self, kind: type[InputError], event: events.Event, path: Path, problem: str) -> None:
        self.problems.append((path, self.error(kind, event, path, problem)))

    def next_path(self) -> Path:
        if not self.stack:
            return ()
        top = self.stack[-1]
        if isinstance(top.container, list):
            return (*top.path, len(top.container))
        if top.key is None:
            return top.path
        return (*top.path, top.key)

    def attach(self, value: object, event: events.Event, path: Path) -> None:
        line, column = _position(event.start_mark)
        self.positions[path] = (line or 1, column or 1)
        if not self.stack:
            self.root = value
            return
        top = self.stack[-1]
        if isinstance(top.container, list):
            top.container.append(value)
            return
        if isinstance(top.key, str):
            top.container[top.key] = value
        top.key = None  # a discarded value is simply not stored

    def wants_key(self) -> bool:
        return (
            bool(self.stack)
            and isinstance(self.stack[-1].container, dict)
            and (self.stack[-1].key is None)
        )

    def add_key(self, event: events.ScalarEvent, *, bad_tag: bool) -> None:
        top = self.stack[-1]
        top.key = _DISCARD  # unless the key turns out fine
        if bad_tag:
            return
        try:
            key, _ = self.scalar(event)
        except _TagMismatch:
            self.report(UnsupportedYAMLError, event, top.path, _MISMATCH)
            return
        if not isinstance(key, str):
            self.report(
                UnsupportedYAMLError,
                event,
                top.path,
                f"a key must be text, but YAML reads this unquoted key as {describe_type(key)}; "
                "put the key in quotes",
            )
            return
        path = (*top.path, key)
        if key in top.container:
            shown = f" {key!r}" if re.fullmatch(r"[A-Za-z0-9_.-]{1,64}", key) else ""
            self.report(
                DuplicateKeyError,
                event,
                path,
                f"the key{shown} appears twice in the same mapping; keep only one",
            )
            return
        line, column = _position(event.start_mark)
        self.key_positions[path] = (line or 1, column or 1)
        top.key = key

    def scalar(self, event: events.ScalarEvent) -> tuple[object, str | None]:
        implicit = event.tag is None or event.tag == "!"
        tag = str(
            self.loader.resolve(yaml.ScalarNode, event.value, event.implicit)  # type: ignore[no-untyped-call]
            if implicit
            else event.tag
        )
        node = yaml.ScalarNode(tag, event.value, None, None, event.style)
        constructor = self.constructor.yaml_constructors.get(tag)
        if tag == _TAG + "str" or constructor is None:
            # YAML 1.1 also resolves a lone "=" to a "value" tag with no safe
            # constructor: it stays the text it is.
            return event.value, None
        try:
            value = constructor(self.constructor, node)
        except (ValueError, TypeError, AttributeError, KeyError, IndexError, OverflowError) as err:
            if not implicit:  # an explicit tag on a value it does not fit: !!bool maybe
                raise _TagMismatch from err
            # An impossible bare date such as 2026-02-30: keep the text as written,
            # so the date check reports it instead of the reader crashing.
            return event.value, None
        # Only an unquoted, untagged scalar changed type behind the writer's back.
        # (PyYAML marks a plain scalar with style None, libyaml with "".)
        plain = event.value if implicit and not event.style else None
        return value, plain

    def event(self, event: events.Event) -> InputError | None:
        """Take one event; return an error only when the document cannot go on."""
        if isinstance(event, events.AliasEvent):
            self.report(AliasNotAllowedError, event, self.next_path(), _ALIASES)
            if self.wants_key():
                self.stack[-1].key = _DISCARD
            else:
                self.attach(None, event, self.next_path())
            return None
        if getattr(event, "anchor", None):
            self.report(AliasNotAllowedError, event, self.next_path(), _ALIASES)
        if isinstance(event, events.MappingEndEvent | events.SequenceEndEvent):
            frame = self.stack.pop()
            if frame.as_key:
                self.stack[-1].key = _DISCARD
            return None
        if isinstance(event, events.ScalarEvent):
            self.scalar_event(event)
            return None
        assert isinstance(event, events.CollectionStartEvent)  # noqa: S101 (the only kind left)
        return self.collection_start(event)

    def scalar_event(self, event: events.ScalarEvent) -> None:
        bad_tag = event.tag not in (None, "!") and event.tag not in _SCALAR_TAGS
        if bad_tag:
            self.report(UnsupportedYAMLError, event, self.next_path(), _BAD_TAG)
        if self.wants_key():
            self.add_key(event, bad_tag=bad_tag)
            return
        path = self.next_path()
        value: object = event.value
        plain: str | None = None
        if not bad_tag:
            try:
                value, plain = self.scalar(event)
            except _TagMismatch:
                self.report(UnsupportedYAMLError, event, path, _MISMATCH)
        if plain is not None:
            self.typed_plain[path] = plain
        self.attach(value, event, path)

    def collection_start(self, event: events.CollectionStartEvent) -> InputError | None:
        as_key = self.wants_key()
        path = (*self.stack[-1].path, _DISCARD) if as_key else self.next_path()
        if len(self.stack) >= MAX_DEPTH:
            return self.error(
                NestingTooDeepError,
                event,
                path,
                f"mappings and lists are nested more than {MAX_DEPTH} deep; flatten the data",
            )
        if as_key:
            self.report(
                UnsupportedYAMLError,
                event,
                self.stack[-1].path,
                "a mapping or list cannot be used as a key; keys must be text",
            )
        if event.tag not in (None, "!") and event.tag not in _COLLECTION_TAGS:
            self.report(UnsupportedYAMLError, event, path, _BAD_TAG)
        container: dict[str, object] | list[object] = (
            {} if isinstance(event, events.MappingStartEvent) else []
        )
        if not as_key:
            self.attach(container, event, path)
        self.stack.append(_Frame(container, path, as_key=as_key))
        return None

    def document(self) -> YAMLDocument:
        return YAMLDocument(
            data=self.root,
            positions=self.positions,
            key_positions=self.key_positions,
            typed_plain=self.typed_plain,
            problems=self.problems,
        )


_ALIASES: Final = "YAML anchors and aliases (& and *) are not allowed; write the data out in full"
_BAD_TAG: Final = "this YAML tag is not allowed; remove the tag"
_MISMATCH: Final = "this value does not fit the YAML tag written before it; remove the tag"


def describe_type(value: object) -> str:
    """Name the kind of value YAML made of an unquoted scalar, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a true/false value"
    if isinstance(value, int | float):
        return "a number"
    return "a date"


def iter_documents(text: str, source: str) -> Iterator[YAMLDocument | InputError]:
    """Yield each document of a YAML stream as data, with the faults found in it.

    A fault inside a document (a duplicate key, an alias, a tag) is kept in the
    document's ``problems`` and its data is built without the faulty part. A
    syntax error or nesting beyond :data:`MAX_DEPTH` ends the stream: that error
    is the last item.
    """
    try:
        loader = _loader_class()(text)
    except yaml.YAMLError as err:  # the pure-Python reader checks characters up front
        yield _syntax_error(err, source, text)
    else:
        try:
            yield from _documents(loader, source)
        except yaml.YAMLError as err:
            yield _syntax_error(err, source, text)
        except _StreamEnded as ended:
            yield ended.problem
        finally:
            loader.dispose()


def _documents(
    loader: yaml.SafeLoader | yaml.CSafeLoader, source: str
) -> Iterator[YAMLDocument | InputError]:
    loader.get_event()  # StreamStartEvent
    while not loader.check_event(events.StreamEndEvent):
        loader.get_event()  # DocumentStartEvent
        builder = _Builder(loader, source)
        while not loader.check_event(events.DocumentEndEvent):
            fatal = builder.event(cast("events.Event", loader.get_event()))
            if fatal is not None:
                raise _StreamEnded(fatal)
        loader.get_event()  # DocumentEndEvent
        yield builder.document()


def load_one(data: bytes, source: str) -> YAMLDocument:
    r"""Read bytes holding exactly one YAML document; raise on any fault.

    >>> load_one(b"id: adults\nversion: '1.0.0'\n", "f.yaml").data
    {'id': 'adults', 'version': '1.0.0'}
    """
    text = decode(data, source)
    found: YAMLDocument | None = None
    for item in iter_documents(text, source):
        if isinstance(item, InputError):
            raise item
        if item.problems:
            raise item.problems[0][1]
        if found is not None:
            raise YAMLSyntaxError(
                source=source,
                line=None,
                problem="holds more than one YAML document; a framework file holds exactly one",
            )
        found = item
    if found is None:
        raise YAMLSyntaxError(source=source, line=1, column=1, problem="is empty")
    return found
