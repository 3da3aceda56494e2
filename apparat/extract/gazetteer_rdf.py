"""The gazetteer as RDF: its entities (types, labels, names, parents, levels, posts) and their
Wikidata links (only Q-ids ``known-ids.tsv`` confirms)."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD

from .. import ids
from ..namespaces import AP, ORG, WD
from .gazetteer import Entity, Gazetteer
from .vocabulary import curie

__all__ = ["gazetteer_graph"]


def gazetteer_graph(gazetteer: Gazetteer, known_qids: set[str] | None = None,
                    used: set[URIRef] | None = None) -> tuple[Graph, Graph]:
    """The entities of the gazetteer as RDF, and their Wikidata links.

    Returns ``(entities, links)``: types, labels, names, parents, levels and
    ordinals; and ``skos:exactMatch`` to every Wikidata item the gazetteer names
    that ``known_qids`` (the Q-ids of ``known-ids.tsv``) confirms. With ``used``,
    only entities that the data names (and roles, and the parents of what it
    names) are written: the graph holds no entity that no source states.

    Raises:
        ValueError: a Wikidata id that ``known-ids.tsv`` does not list.
    """
    g, links = Graph(), Graph()
    keep = None
    if used is not None:
        keep, todo = set(), [e for e in gazetteer if e.kind == "role" or ids.entity(e.kind, e.slug) in used]
        while todo:
            e = todo.pop()
            if e.key not in keep:
                keep.add(e.key)
                todo += [gazetteer.entities[f"organ/{p}"] for p in e.parents]
        # a post, where the data names its organ
        keep |= {e.key for e in gazetteer if e.kind == "post" and f"organ/{e.organ}" in keep}
    for e in sorted(gazetteer, key=lambda e: e.key):
        if keep is not None and e.key not in keep:
            continue
        node = ids.entity(e.kind, e.slug)
        for cls in e.cls or _default_class(e):
            g.add((node, RDF.type, curie(cls)))
        g.add((node, RDFS.label, Literal(e.label, lang="en")))
        g.add((node, SKOS.prefLabel, Literal(e.pref_label or e.label, lang="en")))
        for name in e.names:
            g.add((node, SKOS.altLabel, Literal(name, lang="en")))
        for name in e.variants:
            g.add((node, SKOS.hiddenLabel, Literal(name, lang="en")))
        for abbr in e.abbreviations:
            g.add((node, AP.abbreviation, Literal(abbr)))
        for name in e.russian:
            g.add((node, SKOS.altLabel, Literal(name, lang="ru")))
        for parent in e.parents:
            g.add((node, ORG.subOrganizationOf, ids.entity("organ", parent)))
        if e.level:
            g.add((node, AP.level, AP[_LEVEL_NAMES[e.level]]))
        for implied in e.implies:
            g.add((node, AP.impliesRole, ids.entity("role", implied)))
        if e.kind == "post":
            g.add((node, ORG.role, ids.entity("role", e.role)))
            g.add((node, ORG.postIn, ids.entity("organ", e.organ)))
        if e.ordinal is not None:
            g.add((node, AP.ordinal, Literal(e.ordinal, datatype=XSD.integer)))
        if e.wikidata:
            if known_qids is not None and e.wikidata not in known_qids:
                raise ValueError(f"{e.origin}: {e.wikidata} is not in known-ids.tsv: no Wikidata id is guessed")
            links.add((node, SKOS.exactMatch, WD[e.wikidata]))
    return g, links


_LEVEL_NAMES = {"national": "NationalLevel", "republic": "RepublicLevel", "army": "ArmyLevel",
                "front": "FrontLevel", "city": "CityLevel", "province": "ProvinceLevel",
                "foreign-party": "ForeignPartyLevel", "trade-union": "TradeUnionLevel",
                "comintern": "CominternLevel"}


def _default_class(e: Entity) -> tuple[str, ...]:
    return {"person": ("ap:Person",), "role": ("ap:Role",), "organ": ("org:Organization",),
            "event": ("ap:Event",), "document": ("ap:Document",), "place": ("schema:Place",),
            "post": ("org:Post",)}[e.kind]
