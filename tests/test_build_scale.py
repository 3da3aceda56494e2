"""The scale generator: ×N copies of a graph, same shape, same ontology, still valid.

Built in full on the small test source; the repository's own graph ×2 is checked
on its parsed copies (graph sizes, SHACL, conflict rules) rather than by a whole
×2 build, which is ``make bench``'s.
"""

from __future__ import annotations

from pathlib import Path

from apparat.build import BuildInputs, build
from apparat.build.conflicts import conflicts_graph
from apparat.build.parse import parse_files, parse_shapes, union
from apparat.build.scale import scaled_inputs
from apparat.build.validate import validate
from apparat.namespaces import BASE, INFERRED_GRAPH, ONTOLOGY_GRAPH
from apparat.settings import load_settings

ROOT = Path(__file__).resolve().parents[1]
MINI = Path(__file__).parent / "data" / "mini"
MINI_INPUTS = BuildInputs(ontology=[ROOT / "ontology" / "apparat.ttl"], shapes=[ROOT / "ontology" / "shapes.ttl"],
                          data=[MINI / "example-source.ttl", MINI / "gazetteer.ttl"])
ORG = "http://www.w3.org/ns/org#"


def test_three_copies_build_validate_and_reason_three_times_over(tmp_path):
    one = build(MINI_INPUTS, tmp_path / "one")
    inputs = scaled_inputs(MINI_INPUTS, 3, tmp_path / "x3", copies_per_file=2)
    assert len(inputs.data) == 2 and not inputs.graph_per_file
    three = build(inputs, tmp_path / "three")  # SHACL runs: a broken copy would fail here
    data_graphs = {g: n for g, n in one.graphs.items() if g not in (str(INFERRED_GRAPH), str(ONTOLOGY_GRAPH))}
    for graph, count in data_graphs.items():
        for k in (1, 2):
            assert three.graphs[graph.replace(BASE, f"{BASE}copy/{k}/")] == count
        assert three.graphs[graph] == count  # copy 0 keeps the original IRIs
    ontology = one.graphs[str(ONTOLOGY_GRAPH)]
    assert three.asserted == 3 * (one.asserted - ontology) + ontology
    # facts about the shared ontology terms are inferred once, the rest three times
    assert one.inferred < three.inferred < 3 * one.inferred
    nq = (tmp_path / "three" / "dataset.nq").read_text()
    assert (f"<{BASE}copy/2/id/person/petrov> <http://www.w3.org/ns/org#memberOf> "
            f"<{BASE}copy/2/id/organ/politburo> <{INFERRED_GRAPH}>") in nq


def test_two_copies_of_the_repository_have_its_shape_and_validate(tmp_path):
    inputs = BuildInputs.from_settings(load_settings())
    one = parse_files(inputs.ontology, inputs.data, graph_per_file=True)
    scaled = scaled_inputs(inputs, 2, tmp_path / "x2")
    two = parse_files(scaled.ontology, scaled.data, graph_per_file=scaled.graph_per_file)
    assert len(two[str(ONTOLOGY_GRAPH)]) == len(one[str(ONTOLOGY_GRAPH)])  # the ontology is not copied
    for graph, triples in one.items():
        if graph != str(ONTOLOGY_GRAPH):
            assert len(two[graph]) == len(two[graph.replace(BASE, BASE + "copy/1/")]) == len(triples)
    assert len(two) == 2 * len(one) - 1
    copy = BASE + "copy/1/id/membership/bukharin/politburo/full-member/1924-06-02"
    assert (copy, ORG + "organization", BASE + "copy/1/id/organ/politburo") in union(two)
    assert (copy, ORG + "member", BASE + "copy/1/id/person/bukharin") in union(two)
    validate(union(two), parse_shapes(scaled.shapes))  # raises ValidationFailed if a copy is broken
    # the rules find each copy's conflicts, apart (a conflict's IRI follows its subject's)
    _, found_one = conflicts_graph(one, inputs.rules)
    _, found_two = conflicts_graph(two, scaled.rules)
    assert 0 < 2 * len(found_one) == len(found_two)
