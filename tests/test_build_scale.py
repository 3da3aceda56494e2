"""The scale generator: ×N copies of our graph, same shape, same ontology, still valid."""

from __future__ import annotations

import json

from apparat.build import BuildInputs, build
from apparat.build.scale import scaled_inputs
from apparat.namespaces import BASE, INFERRED_GRAPH, ONTOLOGY_GRAPH
from apparat.settings import load_settings


def test_two_copies_build_validate_and_reason_twice_over(tmp_path, build_dir):
    one = json.loads((build_dir / "build.json").read_text())
    inputs = scaled_inputs(BuildInputs.from_settings(load_settings()), 2, tmp_path / "x2")
    report = build(inputs, tmp_path / "build")  # SHACL runs: a broken copy would fail here
    data_graphs = {g: n for g, n in one["graphs"].items() if g not in (str(INFERRED_GRAPH), str(ONTOLOGY_GRAPH))}
    for graph, count in data_graphs.items():
        assert report.graphs[graph] == count
        assert report.graphs[graph.replace(BASE, BASE + "copy/1/")] == count
    assert report.asserted == 2 * one["asserted"] - one["graphs"][str(ONTOLOGY_GRAPH)]
    # facts about the shared ontology terms and organs are inferred once, the rest twice
    assert one["inferred"] < report.inferred < 2 * one["inferred"]
    nq = (tmp_path / "build" / "dataset.nq").read_text()
    assert f"<{BASE}copy/1/id/person/bukharin> <http://www.w3.org/ns/org#memberOf> <{BASE}id/organ/politburo>" in nq
