"""Reasoning in parts gives the closure of the whole graph, or hands back to it."""

from __future__ import annotations

import dataclasses

from apparat.build import BuildInputs, fast, partition
from apparat.build.parse import parse_files, union
from apparat.build.scale import scaled_inputs
from apparat.build.vocab import OWL, RDF
from apparat.namespaces import ONTOLOGY_GRAPH
from apparat.settings import load_settings

EX = "http://example.org/"


def test_two_copies_of_our_graph_reasoned_in_parts_equal_the_whole(tmp_path):
    # The short texts' graphs (the monograph's would make this minutes), ×2. Since the organs
    # and roles moved from the ontology to the gazetteer, the ontology's nodes alone no longer
    # cut our graph into parts; the gazetteer's and the catalogue's subjects do (any set of
    # shared nodes is sound: crossing() checks the union).
    inputs = BuildInputs.from_settings(load_settings())
    inputs = dataclasses.replace(inputs, data=[p for p in inputs.data if p.stem != "rogovin-1992"])
    graphs = parse_files(inputs.ontology, scaled_inputs(inputs, 2, tmp_path / "x2").data, graph_per_file=False)
    asserted = union(graphs)
    shared = {n for t in graphs[str(ONTOLOGY_GRAPH)] for n in t}
    shared |= {s for g, ts in graphs.items() if g.endswith(("/graph/gazetteer", "/graph/sources")) for s, _p, _o in ts}
    common, batches = partition.split(asserted, shared, batch_size=2_000)
    assert len(batches) >= 2 and all(len(b) < 2_500 for b in batches)
    assert common and common.isdisjoint(set().union(*batches))
    assert set().union(common, *batches) == asserted
    in_parts = partition.closure_in_parts(asserted, fast._closure, shared=shared, batch_size=2_000)
    assert in_parts is not None
    assert in_parts == fast._closure(asserted)


def test_a_transitive_link_across_parts_hands_back_to_the_whole_graph():
    p, hub = EX + "partOf", EX + "hub"  # hub is shared (an ontology node); a and z are not
    asserted = {(p, RDF.type, OWL.TransitiveProperty), (EX + "a", p, hub), (hub, p, EX + "z"),
                (EX + "a", EX + "name", EX + "n1"), (EX + "z", EX + "name", EX + "n2")}
    assert partition.closure_in_parts(asserted, fast._closure, shared={hub}, batch_size=1) is None
    assert (EX + "a", p, EX + "z") in fast.closure(asserted, shared={hub}, batch_size=1)
