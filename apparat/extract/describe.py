"""What the writer makes of the claims a reference section states: an entity's
description (a glossary entry), a footnote's citation of a document, a chapter
and the persons it names; and of any claim's extras (``key=value``). Called by
:class:`apparat.extract.writer.Writer` only; the claims come from :mod:`~apparat.extract.glossary`,
:mod:`~apparat.extract.footnotes` and :mod:`~apparat.extract.mentions` (or a
ledger row of the same kind).
"""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from .. import ids
from ..namespaces import AP
from .dates import StatedDate, StatedTime
from .ledger import ENTITY_CLASSES, EXTRA_KEYS
from .records import Claim
from .vocabulary import curie
from .windows import date_literal, day_literal

__all__ = ["chapter_node", "write_chapter", "write_citation", "write_entity", "write_extra"]


def write_entity(writer, g: Graph, claim: Claim, time: StatedTime) -> URIRef:
    """An ``entity`` claim: the entity's class (``role``) and the span of its existence
    (``date``: a range, ``from`` or ``until``); its names are the claim's extras."""
    node = writer.iri(claim.subject)
    if claim.role:
        g.add((node, RDF.type, curie(ENTITY_CLASSES[claim.role])))
    start = time.start if time.kind in ("range", "from") else None
    end = time.end if time.kind in ("range", "until") else None
    if isinstance(start, StatedDate):
        g.add((node, AP.startDate, date_literal(start)))
        g.add((node, AP.earliestStart, day_literal(start.earliest())))
    if isinstance(end, StatedDate):
        g.add((node, AP.endDate, date_literal(end)))
        g.add((node, AP.latestEnd, day_literal(end.latest())))
    writer._cite(g, node, claim)
    return node


def write_citation(writer, g: Graph, claim: Claim) -> URIRef:
    """A ``cited`` claim: the document is cited (``ap:citedAt``) at the claim's lines."""
    node = writer.iri(claim.subject)
    writer._cite(g, node, claim, AP.citedAt)
    return node


def chapter_node(claim: Claim) -> URIRef:
    """A chapter is the source location of its line span."""
    span = claim.spans[0]
    return ids.source_location(claim.source, span.first, span.last)


def write_chapter(writer, g: Graph, claim: Claim) -> URIRef:
    """A ``chapter`` claim: an ``ap:Chapter`` (its span), its title, its number (``role``)
    in its label, and ``ap:mentions`` for each person it names (``objects``)."""
    node = chapter_node(claim)
    span = claim.spans[0]
    g.add((node, RDF.type, AP.SourceLocation))
    g.add((node, AP.inSource, ids.source(claim.source)))
    g.add((node, AP.lineStart, Literal(span.first)))
    g.add((node, AP.lineEnd, Literal(span.last)))
    g.add((node, RDF.type, AP.Chapter))
    g.add((node, DCTERMS.title, Literal(claim.value, lang="en")))
    g.add((node, RDFS.label, Literal(f"Chapter {claim.role}: {claim.value}", lang="en")))
    for ref in claim.objects:
        g.add((node, AP.mentions, writer.iri(ref)))
    return node


def write_extra(writer, g: Graph, node: URIRef, key: str, value: str) -> None:
    """One ``key=value`` of a claim's extras (:data:`~apparat.extract.ledger.EXTRA_KEYS`) on ``node``."""
    prop_name, expected = EXTRA_KEYS[key]
    if key == "concerns" and "/id/document/" in node:  # what a document is about (ap:concerns is an event's)
        prop_name = EXTRA_KEYS["topic"][0]
    prop = curie(prop_name)
    if isinstance(expected, tuple):
        g.add((node, prop, writer.iri(value)))
    elif expected == "iri":
        g.add((node, prop, URIRef(value)))
    elif expected == "text":
        g.add((node, prop, Literal(value, lang="en")))
        if key == "label":
            g.add((node, SKOS.prefLabel, Literal(value, lang="en")))
    elif expected == "integer":
        g.add((node, prop, Literal(int(value))))
    elif expected.startswith("lang:"):  # a name in another language (Russian, romanised Russian)
        g.add((node, prop, Literal(value, lang=expected[5:])))
    else:
        g.add((node, prop, Literal(value)))
