"""Deterministic IRI minting: the same input always gives the same IRI.

No blank nodes anywhere: they would make every extraction run a different
graph and break set equality of builds.
"""

from __future__ import annotations

import re
import unicodedata

from rdflib import URIRef

from .namespaces import ID, SRC


def slugify(text: str) -> str:
    """Return a lowercase ASCII slug.

    >>> slugify("Antonov-Ovseenko, Vladimir")
    'antonov-ovseenko-vladimir'
    >>> slugify("Central Control Commission")
    'central-control-commission'
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def entity(kind: str, slug: str) -> URIRef:
    """Return the IRI of an entity of ``kind`` (person, organ, role, membership …).

    >>> entity("person", "bukharin")
    rdflib.term.URIRef('https://w3id.org/apparat/id/person/bukharin')
    """
    return URIRef(f"{ID}{kind}/{slug}")


def source(source_id: str) -> URIRef:
    """Return the IRI of a corpus source."""
    return URIRef(f"{SRC}{source_id}")


def source_location(source_id: str, line_start: int, line_end: int) -> URIRef:
    """Return the IRI of a span of lines (1-based, inclusive) in a source.

    >>> source_location("rogovin-1992", 6867, 6867)
    rdflib.term.URIRef('https://w3id.org/apparat/source/rogovin-1992/lines/6867-6867')
    """
    return URIRef(f"{SRC}{source_id}/lines/{line_start}-{line_end}")
