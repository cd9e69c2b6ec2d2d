"""SKOS, in Turtle, of a framework version: a concept scheme of categories and outcomes.

The framework is a ``skos:ConceptScheme`` (its version in ``owl:versionInfo``); its
categories are the top concepts, and its outcomes concepts ``skos:broader`` their category,
with the outcome id as ``skos:notation``, the label as ``skos:prefLabel``, every other
published label and the first-person statement as ``skos:altLabel``, the description as
``skos:definition`` and the conversation prompts as ``skos:scopeNote``. A retired outcome is
``owl:deprecated`` and ``dct:isReplacedBy`` its replacement. IRIs are under the
project's one base URI (:func:`~personal_outcomes.interop.concept_uri`).

The Turtle is written here, without an RDF library: every string is escaped as the
Turtle 1.1 grammar's ``STRING_LITERAL_QUOTE`` allows, and the base URI is checked to
give valid IRIs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Final

from personal_outcomes._uris import BASE_URI, concept_uri
from personal_outcomes.frameworks import Alias, Framework, Statement
from personal_outcomes.interop._fhir import PUBLISHER, _description

_PREFIXES: Final = (
    ("dct", "http://purl.org/dc/terms/"),
    ("foaf", "http://xmlns.com/foaf/0.1/"),
    ("owl", "http://www.w3.org/2002/07/owl#"),
    ("skos", "http://www.w3.org/2004/02/skos/core#"),
)
#: The prefix of the framework's concepts in the Turtle.
_OWN: Final = "po"
#: An id as the framework file schema allows it: always a Turtle local name as it is.
_ID: Final = re.compile(r"[a-z][a-z0-9-]*")
#: Characters with a short escape in Turtle (ECHAR); other control characters are UCHARs.
_ECHAR: Final = {
    '"': '\\"',
    "\\": "\\\\",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
    "\f": "\\f",
}
#: What a Turtle string cannot hold as it is, and control characters (clearer escaped).
_TO_ESCAPE: Final = re.compile(r'["\\\x00-\x1f\x7f-\x9f]')
_SURROGATE: Final = re.compile(r"[\ud800-\udfff]")
#: Between two objects of one predicate: each on a line of its own.
_NEXT: Final = ",\n        "
_SCHEME: Final = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
#: The characters of an IRI (RFC 3987: ASCII unreserved and reserved, ``%``, ``ucschar``).
_IRI_CHARACTERS: Final = re.compile(
    "[A-Za-z0-9._~:/?#\\[\\]@!$&'()*+,;=%\\-"
    "\u00a0-\ud7ff\uf900-\ufdcf\ufdf0-\uffef"
    + "".join(f"{chr(plane << 16)}-{chr((plane << 16) + 0xFFFD)}" for plane in range(1, 14))
    + "\U000e1000-\U000efffd]*"
)
_PERCENT: Final = re.compile(r"%(?![0-9A-Fa-f]{2})")


def skos(framework: Framework, *, base_uri: str = BASE_URI) -> str:
    """Return a framework version as SKOS, in Turtle (UTF-8 text ending with a newline).

    >>> from personal_outcomes import bundled
    >>> turtle = skos(bundled().get("adults"))
    >>> turtle.splitlines()[6]
    '<https://w3id.org/personal-outcomes/id/adults> a skos:ConceptScheme ;'
    >>> turtle.count(" a skos:Concept ;")  # 3 categories, 15 outcomes
    18

    Raises :class:`ValueError` if ``base_uri`` is not an absolute IRI, if a category
    and an outcome share an id (they would share an IRI), or if a text holds a lone
    surrogate (which no RDF string can hold).
    """
    _check_base(base_uri)
    concepts = [*(category.id for category in framework.categories), *framework.outcome_ids]
    if len(set(concepts)) != len(concepts):
        message = f"framework '{framework.id}' uses an id for a category and an outcome alike"
        raise ValueError(message)
    if not all(_ID.fullmatch(id_) for id_ in [framework.id, *concepts]):
        message = f"framework '{framework.id}' has an id that is not of the form [a-z][a-z0-9-]*"
        raise ValueError(message)
    return _Writer(framework, base_uri).turtle()


def _check_base(base_uri: str) -> None:
    """Raise :class:`ValueError` unless the base URI gives valid IRIs."""
    if not _SCHEME.match(base_uri):
        reason = "it does not start with a scheme (such as https:)"
    elif not _IRI_CHARACTERS.fullmatch(base_uri):
        reason = (
            "it holds a character no IRI may hold (a space, a control character, "
            'or one of <>"{}|^`\\)'
        )
    elif _PERCENT.search(base_uri):
        reason = "a % in it is not followed by two hexadecimal digits"
    elif base_uri.count("#") > 1:
        reason = "it has more than one #"
    else:
        return
    message = f"the base URI is not an absolute IRI: {reason}; give one such as {BASE_URI}"
    raise ValueError(message)


def _escape(character: str) -> str:
    if character in _ECHAR:
        return _ECHAR[character]
    return f"\\u{ord(character):04X}"


class _Writer:
    """Writes the Turtle of one framework; each method gives the lines of one part."""

    def __init__(self, framework: Framework, base_uri: str) -> None:
        self.framework = framework
        self.base_uri = base_uri
        self.scheme = f"<{concept_uri(framework.id, base_uri=base_uri)}>"

    def turtle(self) -> str:
        framework = self.framework
        namespace = concept_uri(framework.id, "", self.base_uri)
        prefixes = [*_PREFIXES, (_OWN, namespace)]
        blocks = ["".join(f"@prefix {name}: <{iri}> .\n" for name, iri in prefixes)]
        blocks.append(self._scheme())
        replaces: dict[str, list[str]] = {}
        for outcome in framework.outcomes:
            if outcome.replaced_by is not None:
                replaces.setdefault(outcome.replaced_by, []).append(outcome.id)
        for category in framework.categories:
            blocks.append(
                _block(
                    f"{_OWN}:{category.id}",
                    "skos:Concept",
                    [
                        ("skos:inScheme", [self.scheme]),
                        ("skos:topConceptOf", [self.scheme]),
                        ("skos:notation", [self._string(category.id, None)]),
                        ("skos:prefLabel", [self._string(category.label)]),
                        ("skos:altLabel", self._alternatives(category.label, category.aliases)),
                        ("skos:definition", [self._string(category.description)]),
                        ("skos:narrower", [f"{_OWN}:{o.id}" for o in category.outcomes]),
                    ],
                )
            )
            for outcome in category.outcomes:
                replacement = [] if outcome.replaced_by is None else [outcome.replaced_by]
                blocks.append(
                    _block(
                        f"{_OWN}:{outcome.id}",
                        "skos:Concept",
                        [
                            ("skos:inScheme", [self.scheme]),
                            ("skos:broader", [f"{_OWN}:{category.id}"]),
                            ("skos:notation", [self._string(outcome.id, None)]),
                            ("skos:prefLabel", [self._string(outcome.label)]),
                            (
                                "skos:altLabel",
                                self._alternatives(
                                    outcome.label, outcome.aliases, outcome.statement
                                ),
                            ),
                            ("skos:definition", [self._string(outcome.description)]),
                            ("skos:scopeNote", self._strings(outcome.prompts)),
                            ("owl:deprecated", ["true"] if outcome.retired else []),
                            ("dct:isReplacedBy", [f"{_OWN}:{id_}" for id_ in replacement]),
                            (
                                "dct:replaces",
                                [f"{_OWN}:{id_}" for id_ in replaces.get(outcome.id, [])],
                            ),
                        ],
                    )
                )
        return "\n".join(blocks)

    def _scheme(self) -> str:
        framework = self.framework
        canonical = framework.source(framework.canonical_source)
        citation = self._string(canonical.citation, None)
        source = f"[ a dct:BibliographicResource ; dct:bibliographicCitation {citation} ]"
        publisher = f"[ a dct:Agent ; foaf:name {self._string(PUBLISHER, None)} ]"
        return _block(
            self.scheme,
            "skos:ConceptScheme",
            [
                ("dct:title", [self._string(framework.title)]),
                ("dct:description", [self._string(_description(framework))]),
                ("owl:versionInfo", [self._string(framework.version, None)]),
                ("dct:source", [source]),
                ("dct:publisher", [publisher]),
                ("skos:hasTopConcept", [f"{_OWN}:{c.id}" for c in framework.categories]),
            ],
        )

    def _alternatives(
        self, label: str, aliases: Iterable[Alias], statement: Statement | None = None
    ) -> list[str]:
        """Return the other labels, each once, but never the preferred one (SKOS S13)."""
        texts = [alias.label for alias in aliases] + ([statement.text] if statement else [])
        return self._strings(text for text in dict.fromkeys(texts) if text != label)

    def _strings(self, texts: Iterable[str]) -> list[str]:
        return [self._string(text) for text in texts]

    def _string(self, text: str, language: str | None = "en") -> str:
        """Return a Turtle string literal, with a language tag unless ``language`` is None."""
        surrogate = _SURROGATE.search(text)
        if surrogate:
            message = (
                f"framework '{self.framework.id}' has a text with a lone surrogate "
                f"(U+{ord(surrogate.group()):04X}), which no RDF string can hold"
            )
            raise ValueError(message)
        escaped = _TO_ESCAPE.sub(lambda match: _escape(match.group()), text)
        return f'"{escaped}"' + (f"@{language}" if language else "")


def _block(subject: str, kind: str, pairs: Sequence[tuple[str, list[str]]]) -> str:
    """Return one subject's statements: its type, then each predicate with objects."""
    lines = [f"{subject} a {kind}"]
    lines += [f"    {predicate} {_NEXT.join(objects)}" for predicate, objects in pairs if objects]
    return " ;\n".join(lines) + " .\n"
