r"""A hardened YAML reader for framework files and records.

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
  remembered, so a check that wanted a string can say "put it in quotes";
* a key that does not look like a key never reaches a pointer or a message;
* lines are counted in ``\n`` alone, as in the other formats (YAML also breaks
  lines at U+0085, U+2028, U+2029 and a lone CR);
* a syntax error, a control character or nesting too deep ends the stream, but
  what was complete before it (the documents, and the items of a top-level
  list) is still handed on.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from typing import Final, Protocol, cast

import yaml
from attrs import frozen
from yaml import events

from personal_outcomes._pointer import Path, to_pointer
from personal_outcomes._record_format import KEY_LIKE
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

#: The longest unquoted number read as a number, in characters: Python's own
#: limit for turning decimal text into an integer.
MAX_NUMBER_LENGTH: Final = 4300

_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS: Final = frozenset(
    _TAG + name for name in ("str", "int", "float", "bool", "null", "timestamp")
)
_NUMBER_TAGS: Final = frozenset({_TAG + "int", _TAG + "float"})
_COLLECTION_TAGS: Final = frozenset({_TAG + "map", _TAG + "seq", "!"})
_BOM: Final = "\ufeff"

# Characters YAML does not allow anywhere (both parsers refuse the same set).
_CONTROL: Final = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]"
)
# Those of them outside ASCII, and the bytes of the rest: a quick test finds most
# files have none, before the slower search for where the first one is.
_WIDE_CONTROLS: Final = (
    *(chr(code) for code in (*range(0x7F, 0x85), *range(0x86, 0xA0))),
    "\ufffe",
    "\uffff",
)
_ALLOWED_BYTES: Final = bytes([9, 10, 13, *range(0x20, 0x7F), *range(0x80, 0x100)])
# After these, libyaml counts column 0 and skips a byte order mark, as if it were
# a space; PyYAML keeps it as text. The reader refuses one there.
_LINE_BREAKS: Final = "\n\r\x85\u2028\u2029"
# libyaml's own nesting limit (1000 levels), which its look-ahead can reach
# before this reader's; the pure-Python parser has none.
_LIBYAML_NESTING: Final = "exceeded maximum nesting depth"

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

    ``complete`` is false for the part of a document read before a fault that
    ended the stream: ``data`` is then what was complete before it (a top-level
    list holds only its complete items), or ``None`` when nothing was.
    """

    data: object
    positions: dict[Path, tuple[int, int]]
    key_positions: dict[Path, tuple[int, int]]
    typed_plain: dict[Path, str]
    problems: list[tuple[Path, InputError]]
    complete: bool = True


class _Mark(Protocol):
    """A position in the text (PyYAML's and libyaml's marks both have these)."""

    index: int
    line: int
    column: int


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


def safe_path(path: Path) -> Path:
    """Cut a path before its first key that does not look like a key.

    A key such as ``Jane Smith has cancer`` must never reach a pointer, so a fault
    under it is placed on the mapping that holds it (as an unknown key is). The
    part of a path under a dropped key or a complex key is cut the same way.

    >>> safe_path(("context", "Jane Smith", "x"))
    ('context',)
    >>> safe_path(("outcomes", 0, "what_matters"))
    ('outcomes', 0, 'what_matters')
    """
    for number, part in enumerate(path):
        if part == _DISCARD or (type(part) is str and not KEY_LIKE.fullmatch(part)):
            return path[:number]
    return path


def _mark_position(mark: _Mark | None) -> tuple[int | None, int | None]:
    if mark is None:  # pragma: no cover (PyYAML and libyaml mark every parser error)
        return None, None
    return mark.line + 1, mark.column + 1


class _Where:
    r"""Turns the parsers' marks into 1-based (line, column), lines counted in ``\n``.

    YAML also breaks lines at U+0085, U+2028, U+2029 and a lone CR, and both
    parsers count those. Only when the text holds one (``by_index``) is a
    position worked out again from the mark's character ``index`` (with
    ``offset`` added, for a parse that began part of the way into the text),
    counting on from the last one; otherwise :attr:`position` reads the mark, so
    the common case stays as fast as it was.

    >>> where = _Where("a\nb\u2028c\nd", by_index=True)
    >>> where.at(6), where.at(4), where.at(0)
    ((3, 1), (2, 3), (1, 1))
    """

    __slots__ = ("end", "last", "offset", "position", "text")

    def __init__(self, text: str, *, by_index: bool, offset: int = 0) -> None:
        self.text = text
        self.offset = offset
        self.last = (0, 1, 0)  # (index, line, index where that line starts)
        self.end = len(text)
        self.position: Callable[[_Mark | None], tuple[int | None, int | None]] = (
            self._from_index
            if by_index
            # At the end of a text with no line break at its end, libyaml says
            # "column 1 of the next line" and PyYAML "after the last character".
            else _mark_position
            if not text or text.endswith("\n")
            else self._from_mark_or_end
        )

    def _from_mark_or_end(self, mark: _Mark | None) -> tuple[int | None, int | None]:
        if mark is not None and mark.index >= self.end:
            return self.at(mark.index)
        return _mark_position(mark)

    def _from_index(self, mark: _Mark | None) -> tuple[int | None, int | None]:
        if mark is None:  # pragma: no cover (PyYAML and libyaml mark every parser error)
            return None, None
        return self.at(mark.index + self.offset)

    def at(self, index: int) -> tuple[int, int]:
        """Return the line and column of the character at ``index``."""
        text = self.text
        index = min(max(index, 0), len(text))
        last, line, start = self.last
        if index >= last:
            crossed = text.count("\n", last, index)
            if crossed:
                line += crossed
                start = text.rfind("\n", last, index) + 1
        else:
            crossed = text.count("\n", index, last)
            if crossed:
                line -= crossed
                start = text.rfind("\n", 0, index) + 1
        self.last = (index, line, start)
        return line, index - start + 1

    def moved(self, offset: int) -> _Where:
        """Return the same, by index, for a parse that begins at ``offset`` in the text."""
        return _Where(self.text, by_index=True, offset=offset)


def _clean(text: str) -> tuple[str, int | None]:
    r"""Return the text with each character neither parser may see made a space.

    Also return the index of the first of them (``None`` when there is none).
    Those are the characters YAML does not allow at all, and a byte order mark at
    the start of a line (where libyaml and PyYAML read it differently).

    >>> _clean("a: b\n"), _clean("a: \x07\n\ufeffb"), _clean("a\ud800\ufeff")
    (('a: b\n', None), ('a:  \n b', 3), ('a \ufeff', 1))
    """
    try:
        suspect = bool(text.encode("utf-8").translate(None, _ALLOWED_BYTES))
    except UnicodeEncodeError:  # a lone surrogate: not from a file, which is decoded strictly
        suspect = True
    if not suspect and not text.isascii():
        suspect = any(character in text for character in _WIDE_CONTROLS)
    first: int | None = None
    found = _CONTROL.search(text) if suspect else None
    if found is not None:
        first = found.start()
        text = _CONTROL.sub(" ", text)
    if _BOM in text:
        marks = [
            index
            for index in _positions_of(text, _BOM)
            if index == 0 or text[index - 1] in _LINE_BREAKS
        ]
        if marks:
            first = marks[0] if first is None else min(first, marks[0])
            pieces = []
            previous = 0
            for index in marks:
                pieces.append(text[previous:index])
                previous = index + 1
            pieces.append(text[previous:])
            text = " ".join(pieces)
    return text, first


def _positions_of(text: str, character: str) -> Iterator[int]:
    index = text.find(character)
    while index >= 0:
        yield index
        index = text.find(character, index + 1)


def _other_breaks(text: str) -> bool:
    r"""Say whether YAML would see a line break where this library sees none.

    >>> _other_breaks("a\r\nb"), _other_breaks("a\rb"), _other_breaks("a\u2028b")
    (False, True, True)
    """
    if not text.isascii() and ("\x85" in text or "\u2028" in text or "\u2029" in text):
        return True
    return "\r" in text and text.count("\r") != text.count("\r\n")


def _fault_error(source: str, text: str, index: int, where: _Where) -> InputError:
    """Return the error for the character at ``index`` that neither parser may see."""
    line, column = where.at(index)
    if text[index] == _BOM:
        problem = (
            "is not valid YAML: a byte order mark (U+FEFF) stands at the start of a line; "
            "remove it (were two files joined?)"
        )
    else:
        problem = (
            f"is not valid YAML: control character #x{ord(text[index]):04x} is not allowed; "
            "remove it or write it as an escape in a double-quoted string"
        )
    return YAMLSyntaxError(source=source, line=line, column=column, problem=problem)


# PyYAML's pure-Python parser words some faults otherwise than libyaml, which reads
# files where it is installed: its words are put in libyaml's, so that a report is
# the same with either parser (in a browser, only the pure-Python one runs). Each rule:
# (the context it applies in, or None for any; the pure parser's problem; libyaml's).
_LIBYAML_WORDS: Final = tuple(
    (context, re.compile(pattern), words)
    for context, pattern, words in (
        (
            None,
            r"mapping values are not allowed here",
            "mapping values are not allowed in this context",
        ),
        (
            None,
            r"mapping keys are not allowed here",
            "mapping keys are not allowed in this context",
        ),
        (
            None,
            r"sequence entries are not allowed here",
            "block sequence entries are not allowed in this context",
        ),
        (None, r"expected the node content, but found .*", "did not find expected node content"),
        (
            None,
            r"found character .* that cannot start any token",
            "found character that cannot start any token",
        ),
        (
            "while parsing a block mapping",
            r"expected <block end>, but found .*",
            "did not find expected key",
        ),
        (
            "while parsing a block collection",
            r"expected <block end>, but found .*",
            "did not find expected '-' indicator",
        ),
        (
            None,
            r"expected '<document start>', but found .*",
            "did not find expected <document start>",
        ),
        (None, r"expected ',' or '\]', but got .*", "did not find expected ',' or ']'"),
        (None, r"expected ',' or '\}', but got .*", "did not find expected ',' or '}'"),
        (None, r"found unexpected document separator", "found unexpected document indicator"),
        (
            None,
            r"expected alphabetic or numeric character, but found .*",
            "did not find expected alphabetic or numeric character",
        ),
        (
            None,
            r"expected a comment or a line break, but found .*",
            "did not find expected comment or line break",
        ),
        (
            None,
            r"expected indentation indicator in the range 1-9, but found 0",
            "found an indentation indicator equal to 0",
        ),
    )
)


def _in_libyaml_words(context: str | None, problem: str | None) -> str | None:
    """Return a problem the pure-Python parser found in the words libyaml uses for it."""
    if problem is None:
        return None
    for where, pattern, words in _LIBYAML_WORDS:
        if (where is None or where == context) and pattern.fullmatch(problem):
            return words
    return problem


def _syntax_error(err: yaml.YAMLError, source: str, where: _Where) -> InputError:
    if isinstance(err, yaml.MarkedYAMLError):
        line, column = where.position(err.problem_mark or err.context_mark)
        problem_words = _in_libyaml_words(err.context, err.problem)
        parts = [part for part in (err.context, problem_words) if part]
        problem = _scrub("; ".join(parts)) if parts else "is not valid YAML"
        return YAMLSyntaxError(
            source=source,
            line=line,
            column=column,
            problem=f"is not valid YAML: {problem}",
        )
    # Every error the parsers raise on text that passed _clean is a marked one
    # (a ReaderError is for characters _clean already took out); a safety net.
    problem = f"is not valid YAML: {_scrub(str(err))}"  # pragma: no cover
    return YAMLSyntaxError(source=source, problem=problem)  # pragma: no cover


_BREAKS: Final = "\r\n\x85\u2028\u2029"
_BLANK_OR_END: Final = "\0 \t" + _BREAKS
_SURROGATES: Final = range(0xD800, 0xE000)


class _PureLoader(yaml.SafeLoader):
    """PyYAML's pure-Python loader, made to read what libyaml reads as libyaml does.

    PyYAML refuses every tab outside quotes, accepts surrogate escapes and any
    ``%YAML 1.x``; libyaml (``scanner.c``, ``parser.c``) does not. Each method
    below is PyYAML's own with only the changes marked, after libyaml's rules.
    """

    def _line_break(self) -> str:
        return cast("str", self.scan_line_break())  # type: ignore[no-untyped-call]

    def scan_to_next_token(self) -> None:
        # (PyYAML's skips a byte order mark first: this reader hands it none.)
        found = False
        while not found:
            # libyaml: "Tabs are allowed in the flow context, and in the block
            # context but not at the beginning of the line or after '-', '?', or
            # ':' (complex value)", that is where no simple key may start.
            while self.peek() == " " or (
                self.peek() == "\t" and (self.flow_level or not self.allow_simple_key)
            ):
                self.forward()
            if self.peek() == "#":
                while self.peek() not in "\0" + _BREAKS:
                    self.forward()
            if self._line_break():
                if not self.flow_level:
                    self.allow_simple_key = True
            else:
                found = True

    def scan_plain_spaces(self, indent: int, start_mark: yaml.Mark) -> list[str] | None:
        chunks: list[str] = []
        length = 0
        # libyaml: blanks in a plain scalar are spaces and tabs alike.
        while self.peek(length) in " \t":
            length += 1
        whitespaces = self.prefix(length)
        self.forward(length)
        if self.peek() in _BREAKS:
            line_break = self._line_break()
            self.allow_simple_key = True
            if self.prefix(3) in ("---", "...") and self.peek(3) in _BLANK_OR_END:
                return None
            breaks: list[str] = []
            while self.peek() in " \t" + _BREAKS:
                if self.peek() == " ":
                    self.forward()
                elif self.peek() == "\t":
                    # libyaml: a tab among the leading blanks of a line, left of
                    # the indentation, is an error ("Check for tab characters
                    # that abuse indentation").
                    if self.column < indent:
                        raise yaml.scanner.ScannerError(
                            "while scanning a plain scalar",
                            start_mark,
                            "found a tab character that violates indentation",
                            self.get_mark(),
                        )
                    self.forward()
                else:
                    breaks.append(self._line_break())
                    if self.prefix(3) in ("---", "...") and self.peek(3) in _BLANK_OR_END:
                        return None
            if line_break != "\n":
                chunks.append(line_break)
            elif not breaks:
                chunks.append(" ")
            chunks.extend(breaks)
        elif whitespaces:
            chunks.append(whitespaces)
        return chunks

    def scan_flow_scalar_non_spaces(  # noqa: PLR0912 (PyYAML's own, one case added)
        self,
        double: bool,  # noqa: FBT001 (PyYAML's signature)
        start_mark: yaml.Mark,
    ) -> list[str]:
        chunks: list[str] = []
        while True:
            length = 0
            while self.peek(length) not in "'\"\\\0 \t" + _BREAKS:
                length += 1
            if length:
                chunks.append(self.prefix(length))
                self.forward(length)
            ch = self.peek()
            if not double and ch == "'" and self.peek(1) == "'":
                chunks.append("'")
                self.forward(2)
            elif (double and ch == "'") or (not double and ch in '"\\'):
                chunks.append(ch)
                self.forward()
            elif double and ch == "\\":
                escape = self.get_mark()
                self.forward()
                ch = self.peek()
                if ch in self.ESCAPE_REPLACEMENTS:
                    chunks.append(self.ESCAPE_REPLACEMENTS[ch])
                    self.forward()
                elif ch in self.ESCAPE_CODES:
                    length = self.ESCAPE_CODES[ch]
                    self.forward()
                    # libyaml's words and marks (at the first digit); libyaml also
                    # refuses a surrogate (even one of a valid pair) or a code past
                    # U+10FFFF, where PyYAML makes a lone surrogate or crashes.
                    if any(self.peek(k) not in "0123456789ABCDEFabcdef" for k in range(length)):
                        raise _quoted_error(
                            start_mark, "did not find expected hexdecimal number", self.get_mark()
                        )
                    code = int(self.prefix(length), 16)
                    if code in _SURROGATES or code > sys.maxunicode:
                        raise _quoted_error(
                            start_mark,
                            "found invalid Unicode character escape code",
                            self.get_mark(),
                        )
                    chunks.append(chr(code))
                    self.forward(length)
                elif ch in _BREAKS:
                    self._line_break()
                    chunks.extend(self.scan_flow_scalar_breaks(double, start_mark))
                else:
                    # libyaml's words, and its mark: the backslash.
                    raise _quoted_error(start_mark, "found unknown escape character", escape)
            else:
                return chunks

    def scan_block_scalar(self, style: str) -> yaml.ScalarToken:
        self.block_start = self.get_mark()  # for a tab in its indentation (below)
        return super().scan_block_scalar(style)

    def scan_block_scalar_indicators(self, start_mark: yaml.Mark) -> tuple[bool | None, int | None]:
        # PyYAML's, without its last check: libyaml lets blanks (tabs too) or a
        # comment follow the indicators at once; anything else there is refused
        # as the rest of the line is (scan_block_scalar_ignored_line, below).
        chomping: bool | None = None
        increment: int | None = None
        for _ in range(2):  # a chomping and an indentation indicator, in either order
            ch = self.peek()
            if chomping is None and ch in "+-":
                chomping = ch == "+"
            elif increment is None and ch in "0123456789":
                if ch == "0":
                    raise yaml.scanner.ScannerError(
                        "while scanning a block scalar",
                        start_mark,
                        "expected indentation indicator in the range 1-9, but found 0",
                        self.get_mark(),
                    )
                increment = int(ch)
            else:
                break
            self.forward()
        return chomping, increment

    def scan_block_scalar_ignored_line(self, start_mark: yaml.Mark) -> None:
        # libyaml: blanks (spaces and tabs) may stand before the comment.
        while self.peek() in " \t":
            self.forward()
        if self.peek() == "#":
            while self.peek() not in "\0" + _BREAKS:
                self.forward()
        if self.peek() not in "\0" + _BREAKS:
            raise yaml.scanner.ScannerError(
                "while scanning a block scalar",
                start_mark,
                f"expected a comment or a line break, but found {self.peek()!r}",
                self.get_mark(),
            )
        self._line_break()

    def scan_block_scalar_indentation(self) -> tuple[list[str], int, yaml.Mark]:
        found = super().scan_block_scalar_indentation()
        self.refuse_indenting_tab(indented=False)
        return cast("tuple[list[str], int, yaml.Mark]", found)

    def scan_block_scalar_breaks(self, indent: int) -> tuple[list[str], yaml.Mark]:
        chunks: list[str] = []
        end_mark = self.get_mark()
        while self.column < indent and self.peek() == " ":
            self.forward()
        self.refuse_indenting_tab(indented=self.column >= indent)
        while self.peek() in _BREAKS:
            chunks.append(self._line_break())
            end_mark = self.get_mark()
            while self.column < indent and self.peek() == " ":
                self.forward()
            self.refuse_indenting_tab(indented=self.column >= indent)
        return chunks, end_mark

    def refuse_indenting_tab(self, *, indented: bool) -> None:
        """Refuse a tab before a block scalar's line is indented, as libyaml does.

        libyaml: "Check for a tab character messing the indentation", once a
        line's spaces are read, while the indentation is not known yet or not
        reached (``indented`` false).
        """
        if not indented and self.peek() == "\t":
            raise yaml.scanner.ScannerError(
                "while scanning a block scalar",
                self.block_start,
                "found a tab character where an indentation space is expected",
                self.get_mark(),
            )

    def process_directives(self) -> tuple[tuple[int, int] | None, dict[str, str] | None]:
        self.yaml_version = None
        self.tag_handles = {}
        while self.check_token(yaml.DirectiveToken):
            token = self.get_token()  # type: ignore[no-untyped-call]
            if token.name == "YAML":
                if self.yaml_version is not None:
                    raise yaml.parser.ParserError(
                        None, None, "found duplicate %YAML directive", token.start_mark
                    )
                # libyaml reads YAML 1.1 and 1.2 only, and says no more.
                if token.value not in ((1, 1), (1, 2)):
                    raise yaml.parser.ParserError(
                        None, None, "found incompatible YAML document", token.start_mark
                    )
                self.yaml_version = token.value
            elif token.name == "TAG":
                handle, prefix = token.value
                if handle in self.tag_handles:
                    raise yaml.parser.ParserError(
                        None, None, "found duplicate %TAG directive", token.start_mark
                    )
                self.tag_handles[handle] = prefix
        value = self.yaml_version, (self.tag_handles.copy() if self.tag_handles else None)
        for key in self.DEFAULT_TAGS:
            if key not in self.tag_handles:
                self.tag_handles[key] = self.DEFAULT_TAGS[key]
        return value


def _quoted_error(start_mark: yaml.Mark, problem: str, mark: yaml.Mark) -> yaml.MarkedYAMLError:
    """Return a fault in a double-quoted scalar, in libyaml's words."""
    return yaml.scanner.ScannerError("while parsing a quoted scalar", start_mark, problem, mark)


class _TagMismatch(Exception):  # noqa: N818 (control flow, never leaves this module)
    """An explicitly tagged scalar whose text does not fit its tag."""


class _NumberTooLong(Exception):  # noqa: N818 (control flow, never leaves this module)
    """An unquoted number longer than :data:`MAX_NUMBER_LENGTH`."""


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

    def __init__(
        self, loader: yaml.SafeLoader | yaml.CSafeLoader, source: str, where: _Where
    ) -> None:
        self.loader = loader
        self.source = source
        self.position = where.position
        self.constructor = yaml.constructor.SafeConstructor()
        self.stack: list[_Frame] = []
        self.root: object = None
        self.has_root = False
        self.positions: dict[Path, tuple[int, int]] = {}
        self.key_positions: dict[Path, tuple[int, int]] = {}
        self.typed_plain: dict[Path, str] = {}
        self.problems: list[tuple[Path, InputError]] = []

    def error(
        self, kind: type[InputError], event: events.Event, path: Path, problem: str
    ) -> InputError:
        line, column = self.position(event.start_mark)
        return kind(
            source=self.source, line=line, column=column, pointer=to_pointer(path), problem=problem
        )

    def report(self, kind: type[InputError], event: events.Event, path: Path, problem: str) -> None:
        path = safe_path(path)
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
        line, column = self.position(event.start_mark)
        self.positions[path] = (line or 1, column or 1)
        if not self.stack:
            self.root = value
            self.has_root = True
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
        except _NumberTooLong:
            key = 0  # a number all the same: the key must be put in quotes
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
            shown = f" {key!r}" if KEY_LIKE.fullmatch(key) else ""
            self.report(
                DuplicateKeyError,
                event,
                path,
                f"the key{shown} appears twice in the same mapping; keep only one",
            )
            return
        line, column = self.position(event.start_mark)
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
            # constructor, and "<<" to a "merge" tag: they stay the text they are.
            return event.value, None
        if tag in _NUMBER_TAGS and len(event.value) > MAX_NUMBER_LENGTH:
            # Python will not read a longer decimal integer (without this, YAML's
            # constructor fails and the number would pass for text), and a
            # sexagesimal one (1:2:3...) takes time that grows with the square of
            # its length.
            raise _NumberTooLong
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
            except _NumberTooLong:
                self.report(UnsupportedYAMLError, event, path, _TOO_LONG)
                value = None
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
                safe_path(path),
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

    def partial(self) -> YAMLDocument:
        """Return what was complete when a fault stopped the document.

        A top-level collection that was closed is whole. Of one still open, only
        a list's items that were closed count: in a list of records, those are the
        records read before the fault.
        """
        data: object = None
        if self.has_root and not self.stack:
            data = self.root
        elif self.stack and isinstance(self.root, list):
            data = self.root if len(self.stack) == 1 else self.root[:-1]
        return YAMLDocument(
            data=data,
            positions=self.positions,
            key_positions=self.key_positions,
            typed_plain=self.typed_plain,
            problems=self.problems,
            complete=False,
        )


_ALIASES: Final = "YAML anchors and aliases (& and *) are not allowed; write the data out in full"
_BAD_TAG: Final = "this YAML tag is not allowed; remove the tag"
_MISMATCH: Final = "this value does not fit the YAML tag written before it; remove the tag"
_TOO_LONG: Final = (
    f"this unquoted number is longer than {MAX_NUMBER_LENGTH} characters and cannot be read; "
    "put it in quotes if it is text"
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


class _Stopped(Exception):  # noqa: N818 (control flow, never leaves this module)
    """Ends a stream at a fault the parser cannot read past."""

    def __init__(self, problem: InputError, builder: _Builder | None) -> None:
        super().__init__()
        self.problem = problem
        self.builder = builder


class _Stream:
    """Reads the documents of one YAML text, event by event."""

    def __init__(self, text: str, source: str) -> None:
        self.source = source
        self.text = text
        # Neither parser sees a faulty character: it is read as a space, and
        # reading stops at the first event that reaches it.
        self.parsed, self.cut = _clean(text)
        self.where = _Where(text, by_index=_other_breaks(text))
        self.offset = 0  # where in the text the current parse began
        self.pure = not getattr(yaml, "__with_libyaml__", False)
        # Where the document being read began (or the last one ended).
        self.resume: _Mark | None = None

    def fault(self) -> InputError:
        assert self.cut is not None  # noqa: S101 (only called when there is one)
        return _fault_error(self.source, self.text, self.cut, self.where.moved(0))

    def reaches_fault(self, event: events.Event) -> bool:
        """Say whether an event reaches the faulty character.

        The end of a collection or a document only says where the next thing
        begins, so it does not count: the item before the fault is complete.
        """
        if self.cut is None or isinstance(
            event, events.CollectionEndEvent | events.DocumentEndEvent | events.StreamEndEvent
        ):
            return False
        mark = event.end_mark
        return mark is not None and mark.index + self.offset > self.cut

    def documents(self) -> Iterator[YAMLDocument | InputError]:
        loader: _PureLoader | yaml.CSafeLoader = (
            _PureLoader(self.parsed) if self.pure else yaml.CSafeLoader(self.parsed)
        )
        builder: _Builder | None = None
        try:
            loader.get_event()  # StreamStartEvent
            while True:
                try:
                    while not loader.check_event(events.StreamEndEvent):
                        start = cast("events.Event", loader.get_event())  # DocumentStartEvent
                        if self.reaches_fault(start):
                            raise _Stopped(self.fault(), None)
                        self.resume = start.start_mark
                        builder = _Builder(loader, self.source, self.where)
                        yield self.document(loader, builder)
                        builder = None  # handed on whole: nothing of it is left to stop
                    break
                except yaml.MarkedYAMLError as err:
                    if err.problem != _LIBYAML_NESTING or self.pure:
                        raise
                    # libyaml looked ahead past its own nesting limit (1000) before
                    # this reader reached its lower one: read this document again,
                    # and the rest, with the pure-Python parser, which has no limit.
                    loader.dispose()
                    loader = self.restart()
                    builder = None
        except yaml.YAMLError as err:
            error = _syntax_error(err, self.source, self.where)
            if self.cut is not None and _at_or_after(err, self.offset, self.cut):
                error = self.fault()
            yield from _stop(error, builder)
            return
        except _Stopped as stopped:
            yield from _stop(stopped.problem, stopped.builder)
            return
        finally:
            loader.dispose()
        if self.cut is not None:  # the faulty character came after the last value
            yield self.fault()

    def document(
        self, loader: yaml.SafeLoader | yaml.CSafeLoader, builder: _Builder
    ) -> YAMLDocument:
        watch = self.cut is not None
        while not loader.check_event(events.DocumentEndEvent):
            event = cast("events.Event", loader.get_event())
            if watch and self.reaches_fault(event):
                raise _Stopped(self.fault(), builder)
            fatal = builder.event(event)
            if fatal is not None:
                raise _Stopped(fatal, builder)
        end = cast("events.Event", loader.get_event())  # DocumentEndEvent
        self.resume = end.end_mark
        return builder.document()

    def restart(self) -> _PureLoader:
        """Return a pure-Python loader that starts where the current document does."""
        mark = self.resume
        start, column = (mark.index + self.offset, mark.column) if mark is not None else (0, 0)
        # Spaces in place of the line up to the start keep the columns as they were.
        loader = _PureLoader(" " * column + self.parsed[start:])
        self.offset = start - column
        self.where = self.where.moved(self.offset)
        self.pure = True
        loader.get_event()  # type: ignore[no-untyped-call]  # the StreamStartEvent
        return loader


def _stop(problem: InputError, builder: _Builder | None) -> Iterator[YAMLDocument | InputError]:
    """Yield what was complete of the document a fault stopped, then the fault."""
    if builder is not None:
        yield builder.partial()
    yield problem


def _at_or_after(err: yaml.YAMLError, offset: int, cut: int) -> bool:
    """Say whether a parser error is at (or past) the faulty character."""
    if not isinstance(err, yaml.MarkedYAMLError):  # pragma: no cover (see _syntax_error)
        return True
    mark = err.problem_mark or err.context_mark
    return mark is None or mark.index + offset >= cut


def iter_documents(text: str, source: str) -> Iterator[YAMLDocument | InputError]:
    """Yield each document of a YAML stream as data, with the faults found in it.

    A fault inside a document (a duplicate key, an alias, a tag) is kept in the
    document's ``problems`` and its data is built without the faulty part. A
    syntax error, a character YAML does not allow, or nesting beyond
    :data:`MAX_DEPTH` ends the stream: what was complete of the document it is in
    comes first (a :class:`YAMLDocument` with ``complete`` false), and that error
    is the last item.
    """
    return _Stream(text, source).documents()


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
        if not item.complete:
            continue  # the error that stopped it comes next
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
