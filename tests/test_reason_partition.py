"""Reasoning in parts gives the closure of the whole graph, or hands back to it."""

from __future__ import annotations

from pathlib import Path

from apparat.build import BuildInputs, fast, partition
from apparat.build.parse import parse_files, union
from apparat.build.scale import scaled_inputs
from apparat.build.vocab import OWL, RDF
from apparat.namespaces import ONTOLOGY_GRAPH

ROOT = Path(__file__).resolve().parents[1]
MINI = Path(__file__).parent / "data" / "mini"
EX = "http://example.org/"


def test_copies_reasoned_in_parts_equal_the_whole(tmp_path):
    mini = BuildInputs(ontology=[ROOT / "ontology" / "apparat.ttl"], shapes=[],
                       data=[MINI / "example-source.ttl", MINI / "gazetteer.ttl"])
    inputs = scaled_inputs(mini, 4, tmp_path / "x4")
    graphs = parse_files(inputs.ontology, inputs.data, graph_per_file=False)
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
