"""The project's one canonical base URI, defined here and nowhere else."""

from __future__ import annotations

import re
from typing import Final

#: The base of every identifier the project mints: JSON Schema ``$id``\ s,
#: FHIR canonical URLs and identifier systems, SKOS IRIs. Functions that mint
#: identifiers take a ``base_uri`` argument to override it.
BASE_URI: Final = "https://w3id.org/personal-outcomes/"


def schema_uri(name: str, base_uri: str = BASE_URI) -> str:
    """Return the ``$id`` of a published JSON Schema.

    >>> schema_uri("framework.schema.json")
    'https://w3id.org/personal-outcomes/schemas/framework.schema.json'
    """
    return f"{base_uri.rstrip('/')}/schemas/{name}"


def concept_uri(framework_id: str, concept_id: str | None = None, base_uri: str = BASE_URI) -> str:
    """Return the IRI of a framework (its SKOS concept scheme) or of a concept in it.

    A concept is a category or an outcome, by its id. The IRIs carry no version: an id
    keeps its meaning from one version of a framework to the next.

    >>> concept_uri("adults")
    'https://w3id.org/personal-outcomes/id/adults'
    >>> concept_uri("adults", "seeing-people")
    'https://w3id.org/personal-outcomes/id/adults/seeing-people'
    """
    scheme = f"{base_uri.rstrip('/')}/id/{framework_id}"
    return scheme if concept_id is None else f"{scheme}/{concept_id}"


_SCHEME: Final = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
#: The ASCII characters of a URI (RFC 3986: unreserved and reserved characters, and ``%``).
_URI_ASCII: Final = "A-Za-z0-9._~:/?#\\[\\]@!$&'()*+,;=%\\-"
#: The characters of a URI, and of an IRI (RFC 3987: those of a URI, and ``ucschar``).
_URI_CHARACTERS: Final = re.compile(f"[{_URI_ASCII}]*")
_IRI_CHARACTERS: Final = re.compile(
    f"[{_URI_ASCII}"
    "\u00a0-\ud7ff\uf900-\ufdcf\ufdf0-\uffef"
    + "".join(f"{chr(plane << 16)}-{chr((plane << 16) + 0xFFFD)}" for plane in range(1, 14))
    + "\U000e1000-\U000efffd]*"
)
_PERCENT: Final = re.compile(r"%(?![0-9A-Fa-f]{2})")


def check_base_uri(
    uri: str,
    *,
    name: str = "the base URI",
    example: str = BASE_URI,
    ascii_only: bool = False,
    fragment: bool = True,
) -> None:
    r"""Raise :class:`ValueError` unless ``uri`` is an absolute IRI to mint identifiers under.

    An absolute IRI (RFC 3987) starts with a scheme, holds no space, control character
    or any of ``<>"{}|^`\``, has every ``%`` followed by two hexadecimal digits, and at
    most one ``#``. ``ascii_only``: an absolute URI (RFC 3986), as FHIR's ``uri`` and
    ``canonical`` are, so no character beyond ASCII either. ``fragment=False``: no ``#``
    at all, as in a FHIR canonical URL (a reference to one may add ``|version`` and
    ``#fragment``). The message names the value as ``name`` (never quoting it) and
    suggests ``example``.

    >>> check_base_uri("https://example.org/po/")
    >>> check_base_uri("example.org/po/")
    Traceback (most recent call last):
    ...
    ValueError: the base URI is not an absolute IRI: it does not start with a scheme ...
    """
    kind = "URI" if ascii_only else "IRI"
    if not _SCHEME.match(uri):
        reason = "it does not start with a scheme (such as https:)"
    elif ascii_only and not uri.isascii():
        reason = "it holds a character beyond ASCII (percent-encode it as UTF-8)"
    elif not (_URI_CHARACTERS if ascii_only else _IRI_CHARACTERS).fullmatch(uri):
        reason = (
            f"it holds a character no {kind} may hold (a space, a control character, "
            'or one of <>"{}|^`\\)'
        )
    elif _PERCENT.search(uri):
        reason = "a % in it is not followed by two hexadecimal digits"
    elif not fragment and "#" in uri:
        reason = "it has a # (a FHIR canonical URL has none: references to it use # for a fragment)"
    elif uri.count("#") > 1:
        reason = "it has more than one #"
    else:
        return
    message = f"{name} is not an absolute {kind}: {reason}; give one such as {example}"
    raise ValueError(message)
