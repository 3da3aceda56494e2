"""The ontology: documented terms, an OWL 2 RL-only vocabulary, and each
reasoning rule the data relies on shown by a triple it infers."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import OWL, PROV, RDF, RDFS

from apparat.namespaces import AP, INFERRED_GRAPH

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = ROOT / "ontology" / "apparat.ttl"
ID = "https://w3id.org/apparat/id/"

# What our ontology may use: OWL 2 RL allows these in the positions we use them
# (named classes on both sides of subClassOf; no class expressions at all).
ALLOWED_PREDICATES = {
    RDF.type, RDFS.label, RDFS.comment, RDFS.isDefinedBy, RDFS.subClassOf, RDFS.subPropertyOf,
    RDFS.domain, RDFS.range, OWL.inverseOf, OWL.propertyChainAxiom, OWL.versionInfo, RDF.first, RDF.rest,
}
ALLOWED_TYPES = {
    OWL.Ontology, OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.TransitiveProperty,
    OWL.FunctionalProperty, OWL.SymmetricProperty, RDF.Property,  # prp-symp is OWL 2 RL
}


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY)


def test_every_term_has_an_english_label_and_comment(ontology):
    terms = {s for s in ontology.subjects() if isinstance(s, URIRef) and str(s).startswith(str(AP))}
    assert len(terms) > 80
    for term in sorted(terms):
        labels = [o for o in ontology.objects(term, RDFS.label) if o.language == "en"]
        comments = [o for o in ontology.objects(term, RDFS.comment) if o.language == "en"]
        assert labels and comments, f"{term} lacks an English rdfs:label or rdfs:comment"
        assert (term, RDFS.isDefinedBy, None) in ontology, f"{term} lacks rdfs:isDefinedBy"


def test_vocabulary_stays_inside_owl2_rl(ontology):
    """A profile sanity check: only constructs OWL 2 RL supports, and no class expressions."""
    ours = {s for s in ontology.subjects() if isinstance(s, URIRef) and str(s).startswith(str(AP))}
    for s, p, o in ontology:
        if s in ours or isinstance(s, BNode):
            assert p in ALLOWED_PREDICATES or str(p).startswith(("http://purl.org/dc/terms/",
                                                                 "http://www.w3.org/2004/02/skos/")), (s, p, o)
        if p == RDF.type and str(o).startswith(str(OWL)):
            assert o in ALLOWED_TYPES, (s, o)
        if p == RDFS.subClassOf:
            assert isinstance(o, URIRef), f"class expression in subClassOf of {s}"
    for chain in ontology.objects(None, OWL.propertyChainAxiom):
        assert isinstance(chain, BNode)  # an RDF list of properties


def test_no_owl_sameas_anywhere(dataset):
    assert not list(dataset.store.quads_for_pattern(None, ox.NamedNode(str(OWL.sameAs)), None, None))


def inferred(dataset, s: str, p: str, o: str) -> bool:
    quad = ox.Quad(ox.NamedNode(s), ox.NamedNode(p), ox.NamedNode(o), ox.NamedNode(str(INFERRED_GRAPH)))
    return quad in dataset.store


RULES = [
    pytest.param(ID + "organ/politburo", str(RDF.type), str(AP.PartyOrgan), id="cax-sco: Politburo ⊑ PartyOrgan"),
    pytest.param(ID + "organ/politburo", str(RDF.type), "http://www.w3.org/ns/org#Organization",
                 id="cax-sco twice: ⊑ org:Organization"),
    pytest.param(ID + "person/bukharin", str(RDF.type), "http://xmlns.com/foaf/0.1/Person",
                 id="cax-sco: ap:Person ⊑ foaf:Person"),
    pytest.param(ID + "organ/politburo", "http://www.w3.org/ns/org#subOrganizationOf", ID + "organ/party",
                 id="prp-trp: subOrganizationOf is transitive"),
    pytest.param(ID + "person/bukharin", "http://www.w3.org/ns/org#memberOf", ID + "organ/politburo",
                 id="prp-spo2: membership node -> direct org:memberOf"),
    pytest.param(ID + "organ/politburo", "http://www.w3.org/ns/org#hasMember", ID + "person/bukharin",
                 id="prp-inv: org:hasMember inverse of org:memberOf"),
    pytest.param(ID + "person/bukharin", str(AP.hasMembership),
                 ID + "membership/bukharin/politburo/full-member/1924-06-02", id="prp-inv: ap:hasMembership"),
    pytest.param(ID + "membership/bukharin/politburo/full-member/1924-06-02", str(AP.statedIn),
                 "https://w3id.org/apparat/source/rogovin-1992", id="prp-spo2: claim stated in a source"),
    pytest.param("https://w3id.org/apparat/source/rogovin-1992/lines/6867-6867", "http://purl.org/dc/terms/isPartOf",
                 "https://w3id.org/apparat/source/rogovin-1992", id="prp-spo1: ap:inSource ⊑ dct:isPartOf"),
    pytest.param(ID + "membership/bukharin/politburo/full-member/1924-06-02", str(RDF.type),
                 str(PROV.Entity), id="prp-rng: ap:hasMembership range org:Membership, then nothing more"),
]


@pytest.mark.parametrize(("s", "p", "o"), RULES)
def test_rule_infers(dataset, s, p, o):
    if o == str(PROV.Entity):  # a membership is not a prov:Entity: the ontology must not say so
        assert not inferred(dataset, s, p, o)
    else:
        assert inferred(dataset, s, p, o)


def test_asserted_triples_are_not_repeated_as_inferred(dataset):
    membership = ox.NamedNode(ID + "membership/bukharin/politburo/full-member/1924-06-02")
    graphs = {q.graph_name.value for q in dataset.store.quads_for_pattern(
        membership, ox.NamedNode(str(RDF.type)), ox.NamedNode("http://www.w3.org/ns/org#Membership"), None)
        if q.graph_name in dataset.graph_names}
    assert graphs == {"https://w3id.org/apparat/graph/source/rogovin-1992"}


def test_ontology_is_served_with_content_negotiation(client):
    html = client.get("/ontology", headers={"Accept": "text/html"})
    assert html.status_code == 200 and b'id="Politburo"' in html.data and b"ap:hasMembership" in html.data
    turtle = client.get("/ontology", headers={"Accept": "text/turtle"})
    g = Graph().parse(data=turtle.data, format="turtle")
    assert (AP.Politburo, RDFS.subClassOf, AP.PartyOrgan) in g
    assert len(g) == len(Graph().parse(ONTOLOGY))


def test_entity_iris_dereference(client):
    turtle = client.get("/id/person/bukharin", headers={"Accept": "text/turtle"})
    g = Graph().parse(data=turtle.data, format="turtle")
    bukharin = URIRef(ID + "person/bukharin")
    assert (bukharin, RDFS.label, None) in g
    assert (bukharin, URIRef("http://www.w3.org/ns/org#memberOf"), URIRef(ID + "organ/politburo")) in g
    page = client.get("/id/person/bukharin", headers={"Accept": "text/html"})
    assert b"Nikolai Bukharin" in page.data and b"https://w3id.org/apparat/graph/source/rogovin-1992" in page.data
    assert client.get("/id/person/no-such-person").status_code == 404
