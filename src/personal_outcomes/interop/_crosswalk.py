"""The crosswalk to Scotland's nine National Health and Wellbeing Outcomes.

The mapping is this project's own: no official mapping from the Talking Points
outcomes to the national outcomes exists. The bundled crosswalk is a data file
(``frameworks/crosswalks/national-outcomes.yaml``), read with the hardened YAML
reader and checked against its JSON Schema and rules like any framework file.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import Final, cast

from attrs import frozen

from personal_outcomes._formats._yaml import YAMLDocument, load_one
from personal_outcomes._uris import BASE_URI
from personal_outcomes.errors import (
    InvalidCrosswalkError,
    UnknownNationalOutcomeError,
    UnreadableFileError,
)
from personal_outcomes.frameworks import Framework, Registry, bundled
from personal_outcomes.frameworks._data import find_folder
from personal_outcomes.schemas._crosswalk import CROSSWALK_ID, NATIONAL_OUTCOMES

#: Where the bundled crosswalk is, within the bundled frameworks folder.
_BUNDLED: Final = ("crosswalks", "national-outcomes.yaml")


@frozen(kw_only=True)
class NationalOutcome:
    """One of the nine National Health and Wellbeing Outcomes.

    ``number`` is its number (1 to 9), ``wording`` its exact published wording and
    ``title`` a short title of the project's own, for tables.
    """

    number: int
    title: str
    wording: str


@frozen(kw_only=True)
class NationalLink:
    """A national outcome that an outcome serves, by ``number``, with the ``rationale``."""

    number: int
    rationale: str


@frozen(kw_only=True)
class CrosswalkEntry:
    """The national outcomes one outcome of a framework serves, in number order."""

    framework: str
    outcome: str
    links: tuple[NationalLink, ...]


def _linked(walk: Crosswalk, framework: Framework, registry: Registry) -> Framework | None:
    """Return the framework whose links apply to ``framework``'s outcomes, if any.

    Its own, if the crosswalk covers its id. Otherwise, for a framework derived from
    another (:attr:`~personal_outcomes.frameworks.Framework.based_on`), its base's,
    and so on along a chain of local frameworks, each base looked up in
    ``registry`` (or as an earlier release of a bundled framework) as the derived
    file's ``extends`` was, up to a framework the crosswalk covers: the outcomes
    each keeps have their base's ids and meaning, so they serve the same national
    outcomes. None when the chain does not reach one (a base the registry does
    not know, or a cycle of declared bases). The one place that decides it; every
    lookup of links goes through here.
    """
    # Local frameworks (and jsonschema, which checks them) are imported when first met.
    from personal_outcomes.frameworks._derive import resolve_base  # noqa: PLC0415

    covered = walk.framework_ids
    followed: set[str] = set()
    while framework.id not in covered:
        base = framework.based_on
        if base is None or base in followed:
            return None
        followed.add(base)
        found = resolve_base(registry, base)
        if isinstance(found, str):
            return None
        framework = found
    return framework


def _framework(framework: Framework | str, registry: Registry) -> Framework:
    """Return the framework itself, or the newest framework with this id in ``registry``."""
    return registry.get(framework) if isinstance(framework, str) else framework


def _outcome_links(
    walk: Crosswalk, linked: Framework | None, outcome_id: str
) -> tuple[NationalLink, ...]:
    """Return the links of an outcome, by the framework whose links apply (see :func:`_linked`).

    An outcome that framework does not have (one added along the chain) has none.
    """
    if linked is None or outcome_id not in linked:
        return ()
    return walk._table.get((linked.id, outcome_id), ())


@frozen(kw_only=True, repr=False)
class Crosswalk:
    """The project's own crosswalk from framework outcomes to the national outcomes.

    ``statement`` says whose mapping it is; ``source`` cites where the nine national
    outcomes are prescribed. Links are looked up by framework (a
    :class:`~personal_outcomes.frameworks.Framework`, or the id of a bundled one)
    and outcome id; an outcome the crosswalk does not cover (one a local framework
    adds, or any of an organisation's own framework) serves no national outcome here.

    >>> from personal_outcomes.interop import crosswalk
    >>> walk = crosswalk()
    >>> walk.numbers("adults", "living-where-and-as-you-want")
    (2, 4)
    >>> walk.national_outcome(2).title
    'Living independently at home'
    >>> walk.outcomes_serving(7, "care-homes")
    ('feeling-safe-and-secure', 'trusting-staff')
    """

    version: str
    statement: str
    source: str
    national_outcomes: tuple[NationalOutcome, ...]
    #: Every outcome covered, with its links: by framework id, then in file order.
    entries: tuple[CrosswalkEntry, ...]

    @cached_property
    def _table(self) -> dict[tuple[str, str], tuple[NationalLink, ...]]:
        return {(entry.framework, entry.outcome): entry.links for entry in self.entries}

    def __repr__(self) -> str:
        """Give the version and the counts."""
        return (
            f"<Crosswalk {CROSSWALK_ID} {self.version}: {len(self.national_outcomes)} "
            f"national outcomes, {len(self.entries)} outcomes linked>"
        )

    @property
    def framework_ids(self) -> tuple[str, ...]:
        """The ids of the frameworks the crosswalk covers, sorted."""
        return tuple(sorted({entry.framework for entry in self.entries}))

    def national_outcome(self, number: int) -> NationalOutcome:
        """Return the national outcome with this number (1 to 9).

        Raises :class:`~personal_outcomes.errors.UnknownNationalOutcomeError` (a
        :class:`LookupError`) for any other number.
        """
        for national in self.national_outcomes:
            if national.number == number and type(number) is int:
                return national
        raise UnknownNationalOutcomeError(requested=number)

    def links(
        self, framework: Framework | str, outcome_id: str, *, registry: Registry | None = None
    ) -> tuple[NationalLink, ...]:
        r"""Return the national outcomes an outcome serves, with their rationales.

        ``framework`` is a framework or the id of one in ``registry`` (by default the
        bundled frameworks). Raises
        :class:`~personal_outcomes.errors.UnknownFrameworkError` or
        :class:`~personal_outcomes.errors.UnknownOutcomeError` (both
        :class:`LookupError`\ s, naming the closest id) when there is no such
        framework or outcome; an outcome the crosswalk does not cover has no links.

        A framework derived from another keeps the links of the outcomes it keeps:
        its ``based_on`` is followed, through ``registry``, along a chain of local
        frameworks to the bundled framework at its root; an outcome added along the
        chain has no links.
        """
        known = bundled() if registry is None else registry
        found = _framework(framework, known)
        found.outcome(outcome_id)  # an outcome of the framework, or UnknownOutcomeError
        return _outcome_links(self, _linked(self, found, known), outcome_id)

    def numbers(
        self, framework: Framework | str, outcome_id: str, *, registry: Registry | None = None
    ) -> tuple[int, ...]:
        """Return the numbers of the national outcomes an outcome serves (see :meth:`links`)."""
        links = self.links(framework, outcome_id, registry=registry)
        return tuple(link.number for link in links)

    def outcomes_serving(
        self, number: int, framework: Framework | str, *, registry: Registry | None = None
    ) -> tuple[str, ...]:
        """Return the ids of a framework's outcomes that serve a national outcome.

        The ids are in the framework's published order, retired outcomes included.
        Raises :class:`~personal_outcomes.errors.UnknownNationalOutcomeError` for a
        number other than 1 to 9, and the errors of :meth:`links` for an unknown
        framework; ``registry`` is as there.
        """
        self.national_outcome(number)
        known = bundled() if registry is None else registry
        table = link_numbers(self, _framework(framework, known), registry=known)
        return tuple(outcome for outcome, numbers in table.items() if number in numbers)


def link_numbers(
    walk: Crosswalk, framework: Framework, *, registry: Registry | None = None
) -> dict[str, tuple[int, ...]]:
    """Return the national outcome numbers of every outcome of a framework, in its order.

    ``registry`` (by default the bundled frameworks) is where the bases of a local
    framework are looked up, as in :meth:`Crosswalk.links`.
    """
    linked = _linked(walk, framework, bundled() if registry is None else registry)
    return {
        outcome: tuple(link.number for link in _outcome_links(walk, linked, outcome))
        for outcome in framework.outcome_ids
    }


def national_outcome_uri(number: int, base_uri: str = BASE_URI) -> str:
    """Return the IRI of a national outcome, under the project's one base URI.

    >>> national_outcome_uri(6)
    'https://w3id.org/personal-outcomes/national-outcomes/6'
    >>> national_outcome_uri(6, "https://example.org/po")
    'https://example.org/po/national-outcomes/6'

    Raises :class:`~personal_outcomes.errors.UnknownNationalOutcomeError` for a
    number other than 1 to 9.
    """
    if type(number) is not int or not 1 <= number <= NATIONAL_OUTCOMES:
        raise UnknownNationalOutcomeError(requested=number)
    return f"{base_uri.rstrip('/')}/national-outcomes/{number}"


def _build(data: Mapping[str, object]) -> Crosswalk:
    """Build a crosswalk from data that has passed the crosswalk checks."""
    nationals = cast("list[dict[str, object]]", data["national_outcomes"])
    frameworks = cast("dict[str, list[dict[str, object]]]", data["frameworks"])
    return Crosswalk(
        version=cast("str", data["version"]),
        statement=cast("str", data["statement"]),
        source=cast("str", data["source"]),
        national_outcomes=tuple(
            NationalOutcome(
                number=cast("int", item["number"]),
                title=cast("str", item["title"]),
                wording=cast("str", item["wording"]),
            )
            for item in nationals
        ),
        entries=tuple(
            CrosswalkEntry(
                framework=framework_id,
                outcome=cast("str", entry["outcome"]),
                links=tuple(
                    NationalLink(
                        number=cast("int", link["number"]),
                        rationale=cast("str", link["rationale"]),
                    )
                    for link in cast("list[dict[str, object]]", entry["national_outcomes"])
                ),
            )
            for framework_id, entries in frameworks.items()
            for entry in entries
        ),
    )


def parse_crosswalk(data: bytes, source: str, registry: Registry | None = None) -> Crosswalk:
    """Read, check and build a crosswalk from the bytes of a crosswalk file.

    Framework and outcome ids are checked against ``registry`` (default: the
    bundled frameworks).
    """
    # The rules (and jsonschema) are imported only when a crosswalk is read.
    from personal_outcomes.interop._crosswalk_rules import crosswalk_problems  # noqa: PLC0415

    document: YAMLDocument = load_one(data, source)
    problems = crosswalk_problems(document.data, registry or bundled(), document)
    if problems:
        raise InvalidCrosswalkError(source=source, problems=problems)
    return _build(cast("Mapping[str, object]", document.data))


def load_crosswalk(path: str | os.PathLike[str]) -> Crosswalk:
    """Read a crosswalk file, check it fully, and return the crosswalk.

    The file follows the crosswalk schema (``crosswalk.schema.json``), and its
    framework and outcome ids are those of the bundled frameworks. Raises
    :class:`~personal_outcomes.errors.UnreadableFileError` when the file cannot be
    read, an :class:`~personal_outcomes.errors.InputError` subclass for YAML faults
    (a duplicate key, say), and :class:`~personal_outcomes.errors.InvalidCrosswalkError`
    listing every problem, each with its line and column.
    """
    source = os.fspath(path)
    try:
        data = Path(source).read_bytes()
    except OSError as err:
        raise UnreadableFileError(source=source, reason=err.strerror or type(err).__name__) from err
    return parse_crosswalk(data, source)


@functools.cache
def crosswalk() -> Crosswalk:
    """Return the crosswalk bundled with the package (read once, then cached).

    >>> crosswalk().version
    '1.0.0'
    """
    folder, name = _BUNDLED
    file = find_folder() / folder / name
    return parse_crosswalk(file.read_bytes(), f"frameworks/{folder}/{name}")
