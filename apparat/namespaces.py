"""Namespaces, prefixes and named-graph IRIs: the only file with IRI base strings.

Every IRI that Apparat mints hangs off one stable base (:data:`BASE`):

- ``<BASE>ontology#Term``            ontology terms (classes, properties, roles)
- ``<BASE>id/<kind>/<slug>``          entities: persons, organs, memberships, events …
- ``<BASE>source/<source-id>``        a corpus text, a ``prov:Entity``
- ``<BASE>source/<id>/lines/<a>-<b>`` a line span of that text (what a claim cites)
- ``<BASE>graph/…``                   named graphs (see below)
"""

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD

BASE = "https://w3id.org/apparat/"

AP = Namespace(BASE + "ontology#")
ID = Namespace(BASE + "id/")
SRC = Namespace(BASE + "source/")
GRAPH = Namespace(BASE + "graph/")

ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
SH = Namespace("http://www.w3.org/ns/shacl#")
WD = Namespace("http://www.wikidata.org/entity/")
# The Wikidata Query Service's own prefixes (its RDF dump format): direct claims,
# statement nodes, their main value, qualifiers, references, value nodes.
WDT = Namespace("http://www.wikidata.org/prop/direct/")
P = Namespace("http://www.wikidata.org/prop/")
PS = Namespace("http://www.wikidata.org/prop/statement/")
PSV = Namespace("http://www.wikidata.org/prop/statement/value/")
PQ = Namespace("http://www.wikidata.org/prop/qualifier/")
PQV = Namespace("http://www.wikidata.org/prop/qualifier/value/")
PR = Namespace("http://www.wikidata.org/prop/reference/")
WDS = Namespace("http://www.wikidata.org/entity/statement/")
WDREF = Namespace("http://www.wikidata.org/reference/")
WDV = Namespace("http://www.wikidata.org/value/")
WIKIBASE = Namespace("http://wikiba.se/ontology#")

#: The hand-written ontology lives in this graph.
ONTOLOGY_GRAPH = URIRef(GRAPH + "ontology")
#: owlrl's OWL 2 RL closure goes here, apart from every asserted graph.
INFERRED_GRAPH = URIRef(GRAPH + "inferred")
#: Facts about the sources themselves (titles, kinds, reliability notes).
SOURCES_GRAPH = URIRef(GRAPH + "sources")
#: Editorial statements that claims of different sources disagree (ap:Conflict).
CONFLICTS_GRAPH = URIRef(GRAPH + "conflicts")
#: Links to Wikidata (skos:exactMatch), each established with evidence.
LINKS_GRAPH = URIRef(GRAPH + "links")
#: The gazetteer: every entity the sources name, its class, names, parent and level
#: (editorial reference data, compiled from triples/gazetteer/*.csv).
GAZETTEER_GRAPH = URIRef(GRAPH + "gazetteer")

#: With ``--data``, plain triples (no graph of their own) land here.
DEFAULT_DATA_GRAPH = URIRef(GRAPH + "default")
#: Not a graph of the data: the store's copy of the union of the asserted graphs,
#: the default graph when a request asks for ``infer=false`` (see store.py).
ASSERTED_UNION_GRAPH = URIRef("urn:x-apparat:asserted-union")

#: Files in triples/ whose stem names one of these graphs instead of a source.
SPECIAL_GRAPHS = {"sources": SOURCES_GRAPH, "conflicts": CONFLICTS_GRAPH, "links": LINKS_GRAPH,
                  "gazetteer": GAZETTEER_GRAPH}

PREFIXES: dict[str, str] = {
    "ap": str(AP),
    "apid": str(ID),
    "dct": str(DCTERMS),
    "foaf": str(FOAF),
    "org": str(ORG),
    "owl": str(OWL),
    "prov": str(PROV),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "schema": str(SCHEMA),
    "skos": str(SKOS),
    "wd": str(WD),
    "xsd": str(XSD),
    # as on the Wikidata Query Service (``schema:`` stays https://schema.org/, as our data uses it)
    "wdt": str(WDT),
    "p": str(P),
    "ps": str(PS),
    "psv": str(PSV),
    "pq": str(PQ),
    "pqv": str(PQV),
    "pr": str(PR),
    "wds": str(WDS),
    "wdref": str(WDREF),
    "wdv": str(WDV),
    "wikibase": str(WIKIBASE),
}


def shorten(iri: str) -> str:
    """Write an IRI as a prefixed name when one of :data:`PREFIXES` covers it.

    >>> shorten("https://w3id.org/apparat/id/organ/politburo")
    'apid:organ/politburo'
    >>> shorten("http://example.org/x")
    'http://example.org/x'
    """
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def source_graph(source_id: str) -> URIRef:
    """Return the named graph that holds the facts one source states.

    >>> source_graph("rogovin-1992")
    rdflib.term.URIRef('https://w3id.org/apparat/graph/source/rogovin-1992')
    """
    return URIRef(f"{GRAPH}source/{source_id}")


def graph_for_triples_file(stem: str) -> URIRef:
    """Return the named graph for a file ``triples/[curated/]<stem>.<ext>``.

    A file is named after the source it was extracted from, so its facts land in
    that source's graph; the stems in :data:`SPECIAL_GRAPHS` (the catalogue of
    sources, editorial conflict marks, Wikidata links) have graphs of their own.

    >>> graph_for_triples_file("sources")
    rdflib.term.URIRef('https://w3id.org/apparat/graph/sources')
    >>> graph_for_triples_file("rogovin-1992")
    rdflib.term.URIRef('https://w3id.org/apparat/graph/source/rogovin-1992')
    """
    return SPECIAL_GRAPHS.get(stem) or source_graph(stem)
