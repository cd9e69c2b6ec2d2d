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
    something other than a string to its text as written.
    """

    data: object
    positions: dict[Path, tuple[int, int]]
    key_positions: dict[Path, tuple[int, int]]
    typed_plain: dict[Path, str]


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


class _Frame:
    """An open mapping or sequence while a document is being built."""

    __slots__ = ("container", "key", "path")

    def __init__(self, container: dict[str, object] | list[object], path: Path) -> None:
        self.container = container
        self.path = path
        self.key: str | None = None


class _Builder:
    """Turns the events of one document into plain data."""

    def __init__(self, loader: yaml.SafeLoader | yaml.CSafeLoader, source: str) -> None:
        self.loader = loader
        self.source = source
        self.constructor = yaml.constructor.SafeConstructor()
        self.stack: list[_Frame] = []
        self.root: object = None
        self.positions: dict[Path, tuple[int, int]] = {}
        self.key_positions: dict[Path, tuple[int, int]] = {}
        self.typed_plain: dict[Path, str] = {}

    def error(
        self, kind: type[InputError], event: events.Event, path: Path, problem: str
    ) -> InputError:
        line, column = _position(event.start_mark)
        return kind(
            source=self.source, line=line, column=column, pointer=to_pointer(path), problem=problem
        )

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
        else:
            assert top.key is not None  # noqa: S101 (set by add_key before any value)
            top.container[top.key] = value
            top.key = None

    def mismatch(self, event: events.Event, path: Path) -> InputError:
        return self.error(
            UnsupportedYAMLError,
            event,
            path,
            "this value does not fit the YAML tag written before it; remove the tag",
        )

    def wants_key(self) -> bool:
        return (
            bool(self.stack)
            and isinstance(self.stack[-1].container, dict)
            and (self.stack[-1].key is None)
        )

    def add_key(self, event: events.ScalarEvent) -> InputError | None:
        top = self.stack[-1]
        assert isinstance(top.container, dict)  # noqa: S101 (wants_key checked it)
        try:
            key, plain_text = self.scalar(event)
        except _TagMismatch:
            return self.mismatch(event, top.path)
        if not isinstance(key, str):
            return self.error(
                UnsupportedYAMLError,
                event,
                top.path,
                f"a key must be text, but YAML reads this unquoted key as {describe_type(key)}; "
                "put the key in quotes",
            )
        path = (*top.path, key)
        if key in top.container:
            shown = f" {key!r}" if re.fullmatch(r"[A-Za-z0-9_.-]{1,64}", key) else ""
            return self.error(
                DuplicateKeyError,
                event,
                path,
                f"the key{shown} appears twice in the same mapping; keep only one",
            )
        del plain_text
        line, column = _position(event.start_mark)
        self.key_positions[path] = (line or 1, column or 1)
        top.key = key
        return None

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

    def event(self, event: events.Event) -> InputError | None:  # noqa: PLR0911
        if isinstance(event, events.AliasEvent) or getattr(event, "anchor", None):
            return self.error(
                AliasNotAllowedError,
                event,
                self.next_path(),
                "YAML anchors and aliases (& and *) are not allowed; write the data out in full",
            )
        if isinstance(event, events.MappingEndEvent | events.SequenceEndEvent):
            self.stack.pop()
            return None
        if isinstance(event, events.ScalarEvent):
            if event.tag not in (None, "!") and event.tag not in _SCALAR_TAGS:
                return self.error(
                    UnsupportedYAMLError,
                    event,
                    self.next_path(),
                    "this YAML tag is not allowed; remove the tag",
                )
            if self.wants_key():
                return self.add_key(event)
            path = self.next_path()
            try:
                value, plain = self.scalar(event)
            except _TagMismatch:
                return self.mismatch(event, path)
            if plain is not None:
                self.typed_plain[path] = plain
            self.attach(value, event, path)
            return None
        assert isinstance(event, events.CollectionStartEvent)  # noqa: S101 (the only kind left)
        if self.wants_key():
            return self.error(
                UnsupportedYAMLError,
                event,
                self.stack[-1].path,
                "a mapping or list cannot be used as a key; keys must be text",
            )
        if event.tag not in (None, "!") and event.tag not in _COLLECTION_TAGS:
            return self.error(
                UnsupportedYAMLError,
                event,
                self.next_path(),
                "this YAML tag is not allowed; remove the tag",
            )
        path = self.next_path()
        if len(self.stack) >= MAX_DEPTH:
            return self.error(
                NestingTooDeepError,
                event,
                path,
                f"mappings and lists are nested more than {MAX_DEPTH} deep; flatten the data",
            )
        container: dict[str, object] | list[object] = (
            {} if isinstance(event, events.MappingStartEvent) else []
        )
        self.attach(container, event, path)
        self.stack.append(_Frame(container, path))
        return None

    def document(self) -> YAMLDocument:
        return YAMLDocument(
            data=self.root,
            positions=self.positions,
            key_positions=self.key_positions,
            typed_plain=self.typed_plain,
        )


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
    """Yield each document of a YAML stream as data, or the error that spoilt it.

    A fault inside one document (a duplicate key, an alias, a tag) spoils only
    that document: the reader moves on to the next. A syntax error or nesting
    beyond :data:`MAX_DEPTH` ends the stream: that error is the last item.
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
        problem: InputError | None = None
        while not loader.check_event(events.DocumentEndEvent):
            event = cast("events.Event", loader.get_event())
            if problem is None:
                problem = builder.event(event)
                if isinstance(problem, NestingTooDeepError):
                    raise _StreamEnded(problem)
        loader.get_event()  # DocumentEndEvent
        yield problem if problem is not None else builder.document()


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
