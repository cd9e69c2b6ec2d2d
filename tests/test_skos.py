"""The frameworks as SKOS in Turtle, read back by an independent library (rdflib).

The Turtle is written without an RDF library; rdflib parses every export and the tests
query the graph: the concepts, their labels, the hierarchy, retired outcomes, the IRIs
under a base URI, and strings of every kind read back exactly.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import attrs
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, SKOS

from personal_outcomes import Framework, bundled
from personal_outcomes._cli import run
from personal_outcomes.frameworks._registry import parse_framework
from personal_outcomes.interop import concept_uri, crosswalk, national_outcome_uri, skos

REGISTRY = bundled()
EXAMPLE = parse_framework(
    Path("docs/examples/day-opportunities.yaml").read_bytes(), "day-opportunities.yaml"
)
BASE = "https://w3id.org/personal-outcomes"
WALK = crosswalk()
NATIONAL = f"{BASE}/national-outcomes"
PUBLISHER = "personal-outcomes (an independent implementation of the published frameworks)"


def cli(*arguments: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(arguments), out, err)
    return code, out.getvalue(), err.getvalue()


def exactly(message: str) -> str:
    """Return a pattern that matches this message and nothing else."""
    return f"^{re.escape(message)}$"


def parse(text: str) -> Graph:
    graph = Graph()
    graph.parse(data=text, format="turtle")
    return graph


def objects(graph: Graph, subject: str, predicate: URIRef) -> set[Any]:
    return set(graph.objects(URIRef(subject), predicate))


def english(*texts: str) -> set[Literal]:
    return {Literal(text, lang="en") for text in texts}


def iris(framework: str, *ids: str, base: str = BASE) -> set[URIRef]:
    return {URIRef(concept_uri(framework, id_, base)) for id_ in ids}


@pytest.mark.parametrize("framework", [*REGISTRY, EXAMPLE], ids=lambda f: f.id)
def test_every_framework_reads_back_as_its_concepts(framework: Framework) -> None:
    """Each category and outcome is one concept, with its labels, notes and hierarchy."""
    graph = parse(skos(framework))
    scheme = concept_uri(framework.id)
    in_scheme = set(graph.subjects(SKOS.inScheme, URIRef(scheme)))
    nationals = set(graph.subjects(SKOS.inScheme, URIRef(NATIONAL)))
    assert set(graph.subjects(RDF.type, SKOS.Concept)) == in_scheme | nationals
    assert len(in_scheme) == len(framework.categories) + len(framework.outcomes)
    categories = [category.id for category in framework.categories]
    assert objects(graph, scheme, SKOS.hasTopConcept) == iris(framework.id, *categories)
    assert set(graph.subjects(SKOS.topConceptOf, URIRef(scheme))) == iris(framework.id, *categories)
    for category in framework.categories:
        iri = concept_uri(framework.id, category.id)
        assert objects(graph, iri, SKOS.prefLabel) == english(category.label)
        assert objects(graph, iri, SKOS.altLabel) == english(*(a.label for a in category.aliases))
        assert objects(graph, iri, SKOS.definition) == english(category.description)
        assert objects(graph, iri, SKOS.notation) == {Literal(category.id)}
        assert objects(graph, iri, SKOS.broader) == set()
        assert objects(graph, iri, SKOS.narrower) == iris(
            framework.id, *(o.id for o in category.outcomes)
        )
    for outcome in framework.outcomes:
        iri = concept_uri(framework.id, outcome.id)
        assert objects(graph, iri, SKOS.prefLabel) == english(outcome.label)
        assert objects(graph, iri, SKOS.altLabel) == english(*outcome.labels[1:])
        assert objects(graph, iri, SKOS.definition) == english(outcome.description)
        assert objects(graph, iri, SKOS.scopeNote) == english(*outcome.prompts)
        assert objects(graph, iri, SKOS.notation) == {Literal(outcome.id)}
        assert objects(graph, iri, SKOS.broader) == iris(framework.id, outcome.category)
        assert objects(graph, iri, SKOS.narrower) == set()
        assert objects(graph, iri, SKOS.topConceptOf) == set()
        assert objects(graph, iri, OWL.deprecated) == (
            {Literal(True)} if outcome.retired else set()
        )
        replacement = () if outcome.replaced_by is None else (outcome.replaced_by,)
        assert objects(graph, iri, DCTERMS.isReplacedBy) == iris(framework.id, *replacement)
        assert objects(graph, iri, SKOS.closeMatch) == {
            URIRef(national_outcome_uri(number)) for number in WALK.numbers(framework, outcome.id)
        }
    linked = {o for _, o in graph.subject_objects(SKOS.closeMatch)}
    assert linked <= nationals
    assert len(nationals) == (9 if linked else 0)


@pytest.mark.parametrize("framework", REGISTRY, ids=lambda f: f.id)
def test_every_bundled_outcome_matches_its_national_outcomes(framework: Framework) -> None:
    """Each outcome closeMatches the national outcomes the crosswalk gives it, and some at all."""
    graph = parse(skos(framework))
    for outcome in framework.outcomes:
        numbers = WALK.numbers(framework, outcome.id)
        assert numbers  # the crosswalk covers every bundled outcome
        matches = objects(graph, concept_uri(framework.id, outcome.id), SKOS.closeMatch)
        assert matches == {URIRef(f"{NATIONAL}/{number}") for number in numbers}


def test_the_national_outcomes_are_a_scheme_of_their_own() -> None:
    """The nine national outcomes: title as prefLabel, exact wording as definition."""
    graph = parse(skos(REGISTRY.get("carers")))
    assert objects(graph, NATIONAL, RDF.type) == {SKOS.ConceptScheme}
    assert objects(graph, NATIONAL, DCTERMS.title) == english(
        "Scotland's National Health and Wellbeing Outcomes"
    )
    assert objects(graph, NATIONAL, DCTERMS.description) == english(WALK.statement)
    (source,) = graph.objects(URIRef(NATIONAL), DCTERMS.source)
    assert set(graph.objects(source, DCTERMS.bibliographicCitation)) == {Literal(WALK.source)}
    (publisher,) = graph.objects(URIRef(NATIONAL), DCTERMS.publisher)
    assert set(graph.objects(publisher, FOAF.name)) == {Literal(PUBLISHER)}
    assert objects(graph, NATIONAL, SKOS.hasTopConcept) == {
        URIRef(f"{NATIONAL}/{number}") for number in range(1, 10)
    }
    assert [n.number for n in WALK.national_outcomes] == list(range(1, 10))
    for national in WALK.national_outcomes:
        iri = f"{NATIONAL}/{national.number}"
        assert set(graph.predicate_objects(URIRef(iri))) == {
            (RDF.type, SKOS.Concept),
            (SKOS.inScheme, URIRef(NATIONAL)),
            (SKOS.topConceptOf, URIRef(NATIONAL)),
            (SKOS.notation, Literal(str(national.number))),
            (SKOS.prefLabel, Literal(national.title, lang="en")),
            (SKOS.definition, Literal(national.wording, lang="en")),
        }
    assert objects(graph, NATIONAL + "/6", SKOS.definition) == english(
        "People who provide unpaid care are supported to look after their own health and "
        "wellbeing, including to reduce any negative impact of their caring role on their own "
        "health and well-being."
    )


def test_a_framework_the_crosswalk_does_not_cover_has_no_national_outcomes() -> None:
    """An organisation's own framework: no closeMatch, and no national scheme either."""
    data: Any = REGISTRY.get("adults").to_data()
    data["id"] = "local"
    graph = parse(skos(Framework.from_data(data)))
    assert set(graph.subject_objects(SKOS.closeMatch)) == set()
    assert set(graph.subjects(RDF.type, SKOS.ConceptScheme)) == {URIRef(concept_uri("local"))}


@pytest.mark.parametrize("framework", REGISTRY, ids=lambda f: f.id)
def test_the_scheme_says_what_it_is_and_whose(framework: Framework) -> None:
    """The scheme: title, version, the project's description, its source and publisher."""
    graph = parse(skos(framework))
    scheme = concept_uri(framework.id)
    assert objects(graph, scheme, RDF.type) == {SKOS.ConceptScheme}
    assert objects(graph, scheme, DCTERMS.title) == english(framework.title)
    assert objects(graph, scheme, OWL.versionInfo) == {Literal(framework.version)}
    citation = framework.source(framework.canonical_source).citation
    assert objects(graph, scheme, DCTERMS.description) == english(
        f"{framework.population} Outcome labels as published; descriptions are this "
        f"project's own. Canonical source: {citation}"
    )
    (source,) = graph.objects(URIRef(scheme), DCTERMS.source)
    assert set(graph.predicate_objects(source)) == {
        (RDF.type, DCTERMS.BibliographicResource),
        (DCTERMS.bibliographicCitation, Literal(citation)),
    }
    (publisher,) = graph.objects(URIRef(scheme), DCTERMS.publisher)
    assert set(graph.predicate_objects(publisher)) == {
        (RDF.type, DCTERMS.Agent),
        (FOAF.name, Literal(PUBLISHER)),
    }


def test_a_retired_outcome_is_deprecated_and_replaced() -> None:
    """A retired outcome: owl:deprecated, dct:isReplacedBy its replacement, which replaces it."""
    data: Any = REGISTRY.get("adults").to_data()
    outcomes = data["categories"][0]["outcomes"]
    outcomes[0] |= {"retired": True, "replaced_by": outcomes[1]["id"]}
    outcomes[2] |= {"retired": True}
    framework = Framework.from_data(data)
    graph = parse(skos(framework))
    old, new, gone = (concept_uri("adults", o["id"]) for o in outcomes[:3])
    assert objects(graph, old, OWL.deprecated) == {Literal(True)}
    assert objects(graph, old, DCTERMS.isReplacedBy) == {URIRef(new)}
    assert objects(graph, new, DCTERMS.replaces) == {URIRef(old)}
    assert objects(graph, new, OWL.deprecated) == set()
    assert objects(graph, gone, OWL.deprecated) == {Literal(True)}
    assert objects(graph, gone, DCTERMS.isReplacedBy) == set()
    assert len(set(graph.subjects(OWL.deprecated, Literal(True)))) == 2
    assert len(set(graph.subject_objects(DCTERMS.replaces))) == 1


def test_other_labels_are_each_given_once_and_never_the_preferred_one() -> None:
    """An alias equal to the label is no altLabel (SKOS S13); a repeated one is given once."""
    data: Any = REGISTRY.get("adults").to_data()
    outcome = data["categories"][0]["outcomes"][0]
    outcome["aliases"] = [
        {"label": outcome["label"], "source": "OPENLEARN"},
        {"label": "Safe and sound", "source": "OPENLEARN"},
        {"label": "Safe and sound", "source": "COOK-SLIDES"},
    ]
    text = skos(Framework.from_data(data))
    iri = concept_uri("adults", outcome["id"])
    assert objects(parse(text), iri, SKOS.altLabel) == english("Safe and sound")
    assert text.count('"Safe and sound"@en') == 1
    assert text.count(f'"{outcome["label"]}"@en') == 1


TRICKY = [
    '"',
    '"""',
    "'",
    "'''",
    "\\",
    "\\n",
    "\\u0041",
    "\\U0001F600",
    "\n",
    "\r\n",
    "\t",
    "\b",
    "\f",
    "\x00",
    "\x1f",
    "\x7f",
    "\x85",
    "\u2028",
    "\ufeff",
    "😀",
    "\U0010fffd",
    '"@en .',
    "> .",
]
TEXTS = st.lists(
    st.one_of(
        st.sampled_from(TRICKY),
        st.text(st.characters(exclude_categories=["Cs"]), max_size=8),
    ),
    max_size=12,
).map(lambda parts: "zq" + "".join(parts))


@given(label=TEXTS, description=TEXTS, alias=TEXTS, prompt=TEXTS, title=TEXTS, citation=TEXTS)
def test_every_string_reads_back_exactly(
    *, label: str, description: str, alias: str, prompt: str, title: str, citation: str
) -> None:
    """Quotes, backslashes, line breaks, control characters and emoji survive the round trip."""
    data: Any = REGISTRY.get("carers").to_data()
    data["title"] = title
    (canonical,) = (s for s in data["sources"] if s["key"] == data["canonical_source"])
    canonical["citation"] = citation
    category = data["categories"][0]
    category["description"] = description
    outcome = category["outcomes"][0]
    outcome |= {
        "label": label,
        "description": description,
        "prompts": [prompt, *outcome["prompts"][1:]],
        "aliases": [{"label": alias + "\x00alias", "source": data["sources"][0]["key"]}],
    }
    framework = Framework.from_data(data)
    graph = parse(skos(framework))
    iri = concept_uri("carers", outcome["id"])
    assert objects(graph, iri, SKOS.prefLabel) == english(label)
    assert objects(graph, iri, SKOS.altLabel) == english(alias + "\x00alias")
    assert objects(graph, iri, SKOS.definition) == english(description)
    assert objects(graph, iri, SKOS.scopeNote) == english(prompt, *outcome["prompts"][1:])
    category_iri = concept_uri("carers", category["id"])
    assert objects(graph, category_iri, SKOS.definition) == english(description)
    scheme = concept_uri("carers")
    assert objects(graph, scheme, DCTERMS.title) == english(title)
    (source,) = graph.objects(URIRef(scheme), DCTERMS.source)
    assert set(graph.objects(source, DCTERMS.bibliographicCitation)) == {Literal(citation)}


def test_escapes_are_the_short_ones_where_turtle_has_them() -> None:
    """Each character Turtle cannot hold as it is, and each control character, is escaped."""
    data: Any = REGISTRY.get("adults").to_data()
    data["categories"][0]["outcomes"][0]["label"] = (
        'a"b\\c\nd\re\tf\bg\fh\x00i\x1fj\x7fk\x9fl\xa0m😀'
    )
    text = skos(Framework.from_data(data))
    assert '"a\\"b\\\\c\\nd\\re\\tf\\bg\\fh\\u0000i\\u001Fj\\u007Fk\\u009Fl\xa0m😀"@en' in text


def test_a_lone_surrogate_is_refused() -> None:
    """No RDF string can hold a lone surrogate: a ValueError says so, without the text."""
    data: Any = REGISTRY.get("adults").to_data()
    data["categories"][1]["outcomes"][0]["description"] = "Private\ud800 matter"
    framework = Framework.from_data(data)
    with pytest.raises(
        ValueError,
        match=exactly(
            "framework 'adults' has a text with a lone surrogate (U+D800), which no RDF string "
            "can hold"
        ),
    ):
        skos(framework)


def test_a_base_uri_puts_every_iri_under_it() -> None:
    """--base-uri and base_uri: every minted IRI is under the base, with or without '/'."""
    base = "https://example.org/po"
    text = skos(REGISTRY.get("care-homes"), base_uri=base + "/")
    assert skos(REGISTRY.get("care-homes"), base_uri=base) == text
    graph = parse(text)
    minted = {
        node
        for triple in graph
        for node in triple
        if isinstance(node, URIRef) and not str(node).startswith(_VOCABULARIES)
    }
    framework = REGISTRY.get("care-homes")
    assert minted == {URIRef(f"{base}/id/care-homes"), URIRef(f"{base}/national-outcomes")} | iris(
        "care-homes",
        *(c.id for c in framework.categories),
        *framework.outcome_ids,
        base=base,
    ) | {URIRef(national_outcome_uri(number, base)) for number in range(1, 10)}
    assert "w3id.org" not in text


_VOCABULARIES = ("http://www.w3.org/", "http://purl.org/dc/terms/", "http://xmlns.com/foaf/")


@pytest.mark.parametrize(
    "base",
    [
        "https://example.org/vocab#",
        "urn:example:po",
        "https://example.org/r%C3%A9sum%C3%A9/",
        "https://example.org/résumé/\u00a0\ud7ff\uf900\ufdcf\ufdf0\uffef",
        "https://example.org/\U00010000\U0001fffd\U000e1000\U000efffd",
        "https://user@example.org:8080/a;b=c/d,e!f$g&h'i(j)k*l+m~n_o.p?q=r",
        "https://[::1]/po",
    ],
)
def test_any_absolute_iri_is_a_base(base: str) -> None:
    """An IRI with a fragment, a URN, percent escapes or characters beyond ASCII is a base."""
    graph = parse(skos(REGISTRY.get("adults"), base_uri=base))
    scheme = base.rstrip("/") + "/id/adults"
    assert objects(graph, scheme, RDF.type) == {SKOS.ConceptScheme}
    assert objects(graph, scheme + "/seeing-people", SKOS.broader) == {
        URIRef(scheme + "/quality-of-life")
    }


NO_SCHEME = "it does not start with a scheme (such as https:)"
CHARACTER = (
    'it holds a character no IRI may hold (a space, a control character, or one of <>"{}|^`\\)'
)
PERCENT = "a % in it is not followed by two hexadecimal digits"
HASHES = "it has more than one #"


@pytest.mark.parametrize(
    ("base", "reason"),
    [
        ("", NO_SCHEME),
        ("example.org/po", NO_SCHEME),
        ("1https://example.org/", NO_SCHEME),
        ("/po/", NO_SCHEME),
        *(
            (f"https://example.org/{character}/", CHARACTER)
            for character in (
                ' <>"{}|^`\\\x00\x1f\x7f\x9f'  # not in an IRI, or not in Turtle's IRIREF
                "\ud800\ue000\uf8ff\ufdd0\ufffe"  # surrogate, private use, non-characters
                "\U0001fffe\U000e0fff\U000efffe\U000f0000"  # beyond the planes' ucschar
            )
        ),
        ("https://example.org/%4/", PERCENT),
        ("https://example.org/%4g", PERCENT),
        ("https://example.org/50%", PERCENT),
        ("https://example.org/a#b#", HASHES),
    ],
)
def test_a_base_that_is_not_an_iri_is_refused(base: str, reason: str) -> None:
    """The base URI must give valid IRIs: the ValueError says what is wrong with it."""
    with pytest.raises(
        ValueError,
        match=exactly(
            f"the base URI is not an absolute IRI: {reason}; give one such as "
            "https://w3id.org/personal-outcomes/"
        ),
    ):
        skos(REGISTRY.get("adults"), base_uri=base)


def test_ids_that_would_not_give_distinct_valid_iris_are_refused() -> None:
    """A category and an outcome with one id, or an id outside the schema's form: ValueError."""
    data: Any = REGISTRY.get("adults").to_data()
    data["categories"][0]["id"] = data["categories"][0]["outcomes"][0]["id"]
    with pytest.raises(ValueError, match="uses an id for a category and an outcome alike"):
        skos(Framework.from_data(data))
    odd = attrs.evolve(REGISTRY.get("adults"), id="Adults")
    with pytest.raises(
        ValueError,
        match=exactly("framework 'Adults' has an id that is not of the form [a-z][a-z0-9-]*"),
    ):
        skos(odd)


def test_the_turtle_is_laid_out_for_reading() -> None:
    """Prefixes first, one block per subject, each further object on a line of its own."""
    text = skos(REGISTRY.get("adults"))
    assert text.startswith(
        "@prefix dct: <http://purl.org/dc/terms/> .\n"
        "@prefix foaf: <http://xmlns.com/foaf/0.1/> .\n"
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "@prefix prov: <http://www.w3.org/ns/prov#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "@prefix po: <https://w3id.org/personal-outcomes/id/adults/> .\n"
        "@prefix national: <https://w3id.org/personal-outcomes/national-outcomes/> .\n"
        "\n"
        "<https://w3id.org/personal-outcomes/id/adults> a skos:ConceptScheme ;\n"
        '    dct:title "Outcomes important to adults living in the community"@en ;\n'
    )
    assert (
        "    skos:hasTopConcept po:quality-of-life,\n"
        "        po:process,\n"
        "        po:change .\n"
        "\n"
        "po:quality-of-life a skos:Concept ;\n"
    ) in text
    assert text.endswith(" .\n")
    assert not text.endswith("\n\n")


def test_the_command_prints_the_turtle() -> None:
    """export skos prints what skos() returns; options as for codesystem."""
    code, out, err = cli("export", "skos", "carers")
    assert (code, out, err) == (0, skos(REGISTRY.get("carers")), "")
    code, out, err = cli(
        "export", "skos", "adults", "--framework-version", "1.1.0", "--base-uri", "urn:x:"
    )
    assert (code, out, err) == (0, skos(REGISTRY.get("adults"), base_uri="urn:x:"), "")
    assert cli("export", "skos", "no-such-framework") == (
        2,
        "",
        (
            "personal-outcomes: no framework with that id is known (known: adults, care-homes, "
            "carers)\n"
        ),
    )
    assert cli("export", "skos", "adults", "--framework-version", "9.9.9")[0] == 2
    assert cli("export", "skos", "adults", "carers") == (
        2,
        "",
        "personal-outcomes export: error: skos takes one FRAMEWORK\n",
    )
    assert cli("export", "skos", "adults", "--base-uri", "example.org") == (
        2,
        "",
        (
            "personal-outcomes export: error: the base URI is not an absolute IRI: "
            f"{NO_SCHEME}; give one such as https://w3id.org/personal-outcomes/\n"
        ),
    )


@pytest.mark.parametrize("kind", ["skos", "codesystem"])
def test_a_framework_that_cannot_be_exported_is_an_error_not_a_traceback(
    kind: str, tmp_path: Path
) -> None:
    """A loaded framework whose category and outcome share an id: a plain error, exit 2."""
    data: Any = REGISTRY.get("adults").to_data()
    data["id"] = "local"
    data["categories"][0]["id"] = data["categories"][0]["outcomes"][0]["id"]
    (tmp_path / "local.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    assert cli("--framework-dir", str(tmp_path), "export", kind, "local") == (
        2,
        "",
        (
            "personal-outcomes export: error: framework 'local' uses an id for a category "
            "and an outcome alike\n"
        ),
    )
