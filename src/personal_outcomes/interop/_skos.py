"""SKOS, in Turtle, of a framework version: a concept scheme of categories and outcomes.

The framework is a ``skos:ConceptScheme`` (its version in ``owl:versionInfo``); its
categories are the top concepts, and its outcomes concepts ``skos:broader`` their category,
with the outcome id as ``skos:notation``, the label as ``skos:prefLabel``, every other
published label and the first-person statement as ``skos:altLabel``, the description as
``skos:definition`` and the conversation prompts as ``skos:scopeNote``. A retired outcome is
``owl:deprecated`` and ``dct:isReplacedBy`` its replacement. A framework derived from
another (:attr:`~personal_outcomes.frameworks.Framework.based_on`) is
``prov:wasDerivedFrom`` the other's scheme. Each outcome is a
``skos:closeMatch`` of the National Health and Wellbeing Outcomes the project's crosswalk
links it to, and those outcomes are described too, as a concept scheme of their own. IRIs
are under the project's one base URI (:func:`~personal_outcomes.interop.concept_uri`,
:func:`~personal_outcomes.interop.national_outcome_uri`).

The Turtle is written here, without an RDF library: every string is escaped as the
Turtle 1.1 grammar's ``STRING_LITERAL_QUOTE`` allows, and the base URI is checked to
give valid IRIs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Final

from personal_outcomes._uris import BASE_URI, check_base_uri, concept_uri
from personal_outcomes.frameworks import (
    Alias,
    Category,
    Framework,
    Outcome,
    Registry,
    Statement,
)
from personal_outcomes.interop._crosswalk import crosswalk, link_numbers, national_outcome_uri
from personal_outcomes.interop._fhir import PUBLISHER, _description

_PREFIXES: Final = (
    ("dct", "http://purl.org/dc/terms/"),
    ("foaf", "http://xmlns.com/foaf/0.1/"),
    ("owl", "http://www.w3.org/2002/07/owl#"),
    ("prov", "http://www.w3.org/ns/prov#"),
    ("skos", "http://www.w3.org/2004/02/skos/core#"),
)
#: The prefix of the framework's concepts in the Turtle.
_OWN: Final = "po"
#: The prefix of the national outcomes (their IRIs end in their number).
_NATIONAL: Final = "national"
#: The title of the national outcomes' concept scheme.
_NATIONAL_TITLE: Final = "Scotland's National Health and Wellbeing Outcomes"
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


def skos(
    framework: Framework, *, base_uri: str = BASE_URI, registry: Registry | None = None
) -> str:
    """Return a framework version as SKOS, in Turtle (UTF-8 text ending with a newline).

    Outcomes the bundled crosswalk (:func:`~personal_outcomes.interop.crosswalk`) links
    to national outcomes are ``skos:closeMatch`` of them, and the nine national outcomes
    follow as a concept scheme of their own. The outcomes a local framework keeps from
    its base keep their links; ``registry`` (by default the bundled frameworks) is
    where the bases along a chain of local frameworks are found, as in
    :meth:`Crosswalk.links <personal_outcomes.interop.Crosswalk.links>`.

    >>> from personal_outcomes import bundled
    >>> turtle = skos(bundled().get("adults"))
    >>> turtle.splitlines()[8]
    '<https://w3id.org/personal-outcomes/id/adults> a skos:ConceptScheme ;'
    >>> turtle.count(" a skos:Concept ;")  # 3 categories, 15 outcomes, 9 national outcomes
    27

    Raises :class:`ValueError` if ``base_uri`` is not an absolute IRI, if a category
    and an outcome share an id (they would share an IRI), or if a text holds a lone
    surrogate (which no RDF string can hold).
    """
    check_base_uri(base_uri)
    concepts = [*(category.id for category in framework.categories), *framework.outcome_ids]
    if len(set(concepts)) != len(concepts):
        message = f"framework '{framework.id}' uses an id for a category and an outcome alike"
        raise ValueError(message)
    if not all(_ID.fullmatch(id_) for id_ in [framework.id, *concepts]):
        message = f"framework '{framework.id}' has an id that is not of the form [a-z][a-z0-9-]*"
        raise ValueError(message)
    return _Writer(framework, base_uri, registry).turtle()


def _escape(character: str) -> str:
    if character in _ECHAR:
        return _ECHAR[character]
    return f"\\u{ord(character):04X}"


class _Writer:
    """Writes the Turtle of one framework; each method gives the blocks of one part."""

    def __init__(self, framework: Framework, base_uri: str, registry: Registry | None) -> None:
        self.framework = framework
        self.walk = crosswalk()
        self.numbers = link_numbers(self.walk, framework, registry=registry)
        self.scheme = f"<{concept_uri(framework.id, base_uri=base_uri)}>"
        # An organisation's own framework derived from another names its base's scheme.
        base_id = (framework.based_on or "").partition("@")[0]
        self.base = [f"<{concept_uri(base_id, base_uri=base_uri)}>"] if base_id else []
        self.namespace = concept_uri(framework.id, "", base_uri)
        # The national outcomes' scheme is the folder of their IRIs.
        self.national_scheme = f"<{national_outcome_uri(1, base_uri).removesuffix('/1')}>"
        self.replaces: dict[str, list[str]] = {}
        for outcome in framework.outcomes:
            if outcome.replaced_by is not None:
                self.replaces.setdefault(outcome.replaced_by, []).append(outcome.id)

    def turtle(self) -> str:
        national = self.national_scheme[1:-1] + "/"
        prefixes = [*_PREFIXES, (_OWN, self.namespace), (_NATIONAL, national)]
        blocks = ["".join(f"@prefix {name}: <{iri}> .\n" for name, iri in prefixes)]
        blocks.append(self._scheme())
        linked = False
        for category in self.framework.categories:
            blocks.append(self._category(category))
            for outcome in category.outcomes:
                numbers = self.numbers[outcome.id]
                linked = linked or bool(numbers)
                blocks.append(self._outcome(outcome, numbers))
        if linked:
            blocks += self._national()
        return "\n".join(blocks)

    def _scheme(self) -> str:
        framework = self.framework
        canonical = framework.source(framework.canonical_source)
        return _block(
            self.scheme,
            "skos:ConceptScheme",
            [
                ("dct:title", [self._string(framework.title)]),
                ("dct:description", [self._string(_description(framework))]),
                ("owl:versionInfo", [self._string(framework.version, None)]),
                ("prov:wasDerivedFrom", self.base),
                ("dct:source", [self._source(canonical.citation)]),
                ("dct:publisher", [self._publisher()]),
                ("skos:hasTopConcept", [f"{_OWN}:{c.id}" for c in framework.categories]),
            ],
        )

    def _category(self, category: Category) -> str:
        return _block(
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

    def _outcome(self, outcome: Outcome, numbers: tuple[int, ...]) -> str:
        replacement = [] if outcome.replaced_by is None else [outcome.replaced_by]
        others = self._alternatives(outcome.label, outcome.aliases, outcome.statement)
        return _block(
            f"{_OWN}:{outcome.id}",
            "skos:Concept",
            [
                ("skos:inScheme", [self.scheme]),
                ("skos:broader", [f"{_OWN}:{outcome.category}"]),
                ("skos:notation", [self._string(outcome.id, None)]),
                ("skos:prefLabel", [self._string(outcome.label)]),
                ("skos:altLabel", others),
                ("skos:definition", [self._string(outcome.description)]),
                ("skos:scopeNote", self._strings(outcome.prompts)),
                ("owl:deprecated", ["true"] if outcome.retired else []),
                ("dct:isReplacedBy", [f"{_OWN}:{id_}" for id_ in replacement]),
                ("dct:replaces", [f"{_OWN}:{id_}" for id_ in self.replaces.get(outcome.id, [])]),
                ("skos:closeMatch", [f"{_NATIONAL}:{number}" for number in numbers]),
            ],
        )

    def _national(self) -> list[str]:
        """Return the national outcomes as a scheme of their own: every match described."""
        walk = self.walk
        numbers = [f"{_NATIONAL}:{national.number}" for national in walk.national_outcomes]
        scheme = _block(
            self.national_scheme,
            "skos:ConceptScheme",
            [
                ("dct:title", [self._string(_NATIONAL_TITLE)]),
                ("dct:description", [self._string(walk.statement)]),
                ("dct:source", [self._source(walk.source)]),
                ("dct:publisher", [self._publisher()]),
                ("skos:hasTopConcept", numbers),
            ],
        )
        return [scheme] + [
            _block(
                name,
                "skos:Concept",
                [
                    ("skos:inScheme", [self.national_scheme]),
                    ("skos:topConceptOf", [self.national_scheme]),
                    ("skos:notation", [self._string(str(national.number), None)]),
                    ("skos:prefLabel", [self._string(national.title)]),
                    ("skos:definition", [self._string(national.wording)]),
                ],
            )
            for name, national in zip(numbers, walk.national_outcomes, strict=True)
        ]

    def _source(self, citation: str) -> str:
        literal = self._string(citation, None)
        return f"[ a dct:BibliographicResource ; dct:bibliographicCitation {literal} ]"

    def _alternatives(
        self, label: str, aliases: Iterable[Alias], statement: Statement | None = None
    ) -> list[str]:
        """Return the other labels, each once, but never the preferred one (SKOS S13)."""
        texts = [alias.label for alias in aliases] + ([statement.text] if statement else [])
        return self._strings(text for text in dict.fromkeys(texts) if text != label)

    def _publisher(self) -> str:
        return f"[ a dct:Agent ; foaf:name {self._string(PUBLISHER, None)} ]"

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
