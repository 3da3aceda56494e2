"""Human-readable documentation of the ontology, generated from its triples
(the same graph the build loads), so it can never drift from the Turtle."""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from apparat.namespaces import AP, shorten


@dataclass
class Term:
    iri: str
    curie: str
    kind: str
    label: str
    comment: str
    facts: list[tuple[str, list[str]]] = field(default_factory=list)


def _curie(term) -> str:
    return shorten(str(term))


def _list(graph: Graph, head) -> list:
    items = []
    while head and head != RDF.nil:
        items.append(graph.value(head, RDF.first))
        head = graph.value(head, RDF.rest)
    return items


def describe_ontology(graph: Graph) -> dict:
    """Classes, properties and individuals of our namespace, with what the ontology says of each."""
    ontology = next(graph.subjects(RDF.type, OWL.Ontology), None)
    terms: dict[str, list[Term]] = {"Classes": [], "Properties": [], "Other terms": []}
    for subject in sorted(set(graph.subjects()), key=str):
        if not isinstance(subject, URIRef) or not str(subject).startswith(str(AP)):
            continue
        types = set(graph.objects(subject, RDF.type))
        kind = "Classes" if OWL.Class in types else "Properties" if types & {
            OWL.ObjectProperty, OWL.DatatypeProperty, RDF.Property} else "Other terms"
        facts = []
        for label, predicate in (("subclass of", RDFS.subClassOf), ("subproperty of", RDFS.subPropertyOf),
                                 ("domain", RDFS.domain), ("range", RDFS.range), ("inverse of", OWL.inverseOf)):
            values = sorted(_curie(o) for o in graph.objects(subject, predicate))
            if values:
                facts.append((label, values))
        for chain in graph.objects(subject, OWL.propertyChainAxiom):
            facts.append(("property chain", [" ∘ ".join(_curie(p) for p in _list(graph, chain))]))
        characteristics = sorted(_curie(t) for t in types if t in (OWL.TransitiveProperty, OWL.FunctionalProperty))
        if characteristics:
            facts.append(("characteristics", characteristics))
        terms[kind].append(Term(
            iri=str(subject), curie=_curie(subject), kind=kind,
            label=str(graph.value(subject, RDFS.label) or ""), comment=str(graph.value(subject, RDFS.comment) or ""),
            facts=facts,
        ))
    return {
        "iri": str(ontology) if ontology else "",
        "label": str(graph.value(ontology, RDFS.label) or "Ontology"),
        "comment": str(graph.value(ontology, RDFS.comment) or ""),
        "version": str(graph.value(ontology, OWL.versionInfo) or ""),
        "sections": terms,
    }
