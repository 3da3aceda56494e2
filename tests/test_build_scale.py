"""The scale generator: ×N copies of our graph, same shape, same ontology, still valid.

Checked on the parsed copies (graph sizes, shared organs, SHACL, conflict rules)
rather than by a whole ×2 build: reasoning over ×2 is
``test_reason_partition.py``'s, and ``make bench`` builds ×10 and more.
"""

from __future__ import annotations

from apparat.build import BuildInputs
from apparat.build.conflicts import conflicts_graph
from apparat.build.parse import parse_files, parse_shapes, union
from apparat.build.scale import scaled_inputs
from apparat.build.validate import validate
from apparat.namespaces import BASE, ONTOLOGY_GRAPH
from apparat.settings import load_settings

ORG = "http://www.w3.org/ns/org#"


def test_two_copies_have_the_same_shape_and_validate(tmp_path):
    inputs = BuildInputs.from_settings(load_settings())
    one = parse_files(inputs.ontology, inputs.data, graph_per_file=True)
    scaled = scaled_inputs(inputs, 2, tmp_path / "x2")
    two = parse_files(scaled.ontology, scaled.data, graph_per_file=scaled.graph_per_file)
    assert len(two[str(ONTOLOGY_GRAPH)]) == len(one[str(ONTOLOGY_GRAPH)])  # the ontology is not copied
    for graph, triples in one.items():
        if graph != str(ONTOLOGY_GRAPH):
            assert len(two[graph]) == len(two[graph.replace(BASE, BASE + "copy/1/")]) == len(triples)
    assert len(two) == 2 * len(one) - 1
    # persons, memberships and claims are copied; the gazetteer's organs and roles are shared
    copy = BASE + "copy/1/id/membership/bukharin/politburo/full-member/1924-06-02"
    assert (copy, ORG + "organization", BASE + "id/organ/politburo") in union(two)
    assert (copy, ORG + "member", BASE + "copy/1/id/person/bukharin") in union(two)
    validate(union(two), parse_shapes(scaled.shapes))  # raises ValidationFailed if a copy is broken
    # the rules find each copy's conflicts apart (a conflict's IRI follows its subject's), and
    # more between the copies' claims about the organs they share (the CCC's size …)
    _, found_one = conflicts_graph(one, inputs.rules)
    _, found_two = conflicts_graph(two, scaled.rules)
    assert 0 < 2 * len(found_one) < len(found_two)
