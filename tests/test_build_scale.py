"""The scale generator: ×N copies of a graph, same shape, same ontology, still valid.

(On the small test source; `make bench` scales the repository's own graph.)
"""

from __future__ import annotations

from pathlib import Path

from apparat.build import BuildInputs, build
from apparat.build.scale import scaled_inputs
from apparat.namespaces import BASE, INFERRED_GRAPH, ONTOLOGY_GRAPH

ROOT = Path(__file__).resolve().parents[1]
MINI = Path(__file__).parent / "data" / "mini"
MINI_INPUTS = BuildInputs(ontology=[ROOT / "ontology" / "apparat.ttl"], shapes=[ROOT / "ontology" / "shapes.ttl"],
                          data=[MINI / "example-source.ttl", MINI / "gazetteer.ttl"])


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
