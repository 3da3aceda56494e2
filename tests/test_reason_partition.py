"""Reasoning in parts gives the closure of the whole graph, or hands back to it."""

from __future__ import annotations

from pathlib import Path

from apparat.build import BuildInputs, fast, partition
from apparat.build.parse import parse_files, union
from apparat.build.scale import scaled_inputs
from apparat.build.terms import BNode
from apparat.build.vocab import OWL, RDF
from apparat.namespaces import ONTOLOGY_GRAPH

ROOT = Path(__file__).resolve().parents[1]
MINI = Path(__file__).parent / "data" / "mini"
EX = "http://example.org/"


def test_copies_reasoned_in_parts_equal_the_whole(tmp_path):
    mini = BuildInputs(ontology=[ROOT / "ontology" / "apparat.ttl"], shapes=[],
                       data=[MINI / "example-source.ttl", MINI / "gazetteer.ttl"])
    inputs = scaled_inputs(mini, 4, tmp_path / "x4")
    graphs = parse_files(inputs.ontology, inputs.data, graph_per_file=False, graph_of=inputs.graphs)
    asserted, ontology = union(graphs), {n for t in graphs[str(ONTOLOGY_GRAPH)] for n in t}
    common, batches = partition.split(asserted, ontology, batch_size=40)
    assert len(batches) == 4  # one per copy: they meet only at the ontology's terms
    assert common and common.isdisjoint(set().union(*batches))
    assert set().union(common, *batches) == asserted
    in_parts = partition.closure_in_parts(asserted, fast._closure, shared=ontology, batch_size=40)
    assert in_parts is not None
    assert in_parts == fast._closure(asserted)


def test_a_transitive_link_across_parts_hands_back_to_the_whole_graph():
    p, hub = EX + "partOf", EX + "hub"  # hub is shared (an ontology node); a and z are not
    asserted = {(p, RDF.type, OWL.TransitiveProperty), (EX + "a", p, hub), (hub, p, EX + "z"),
                (EX + "a", EX + "name", EX + "n1"), (EX + "z", EX + "name", EX + "n2")}
    assert partition.closure_in_parts(asserted, fast._closure, shared={hub}, batch_size=1) is None
    assert (EX + "a", p, EX + "z") in fast.closure(asserted, shared={hub}, batch_size=1, whole_up_to=0)


def test_a_chain_across_parts_hands_back_to_the_whole_graph():
    # q is the chain p1 / p2, and its two links are stated in two parts that meet at hub:
    # crossing() reads only the chain's triples, and must still see the link
    p1, p2, q, hub, l1, l2 = EX + "p1", EX + "p2", EX + "q", EX + "hub", BNode("_:l1"), BNode("_:l2")
    chain = [(q, OWL.propertyChainAxiom, l1), (l1, RDF.first, p1), (l1, RDF.rest, l2),
             (l2, RDF.first, p2), (l2, RDF.rest, RDF.nil)]
    asserted = {*chain, (EX + "a", p1, hub), (hub, p2, EX + "z"),
                (EX + "a", EX + "name", EX + "n1"), (EX + "z", EX + "name", EX + "n2")}
    shared = {hub, l1, l2}
    assert partition.closure_in_parts(asserted, fast._closure, shared=shared, batch_size=1) is None
    assert (EX + "a", q, EX + "z") in fast.closure(asserted, shared=shared, batch_size=1, whole_up_to=0)


def test_a_functional_property_across_parts_hands_back_to_the_whole_graph():
    fp, hub = EX + "fp", EX + "hub"  # hub has one fp value in each part: they are the same
    asserted = {(fp, RDF.type, OWL.FunctionalProperty), (hub, fp, EX + "a"), (hub, fp, EX + "z"),
                (EX + "a", EX + "name", EX + "n1"), (EX + "z", EX + "name", EX + "n2")}
    assert partition.closure_in_parts(asserted, fast._closure, shared={hub}, batch_size=1) is None
    assert (EX + "a", OWL.sameAs, EX + "z") in fast.closure(asserted, shared={hub}, batch_size=1, whole_up_to=0)


def test_what_crossing_reads_is_the_join_rules_part_of_the_closure():
    p, other, hub = EX + "partOf", EX + "other", EX + "hub"
    result = {(p, RDF.type, OWL.TransitiveProperty), (EX + "a", p, hub), (EX + "a", other, hub),
              (EX + "a", RDF.type, EX + "Thing"), (EX + "a", OWL.sameAs, EX + "b")}
    index = partition._crossing_index(result)
    assert index.triples == result - {(EX + "a", other, hub), (EX + "a", RDF.type, EX + "Thing")}
