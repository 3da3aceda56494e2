"""The scale generator: ×N copies of a graph, same shape, same ontology, still valid;
and the ×N build copied from the ×1 build holds the quads ``apparat build`` of the
copies gives (what makes the ×100 benchmark build honest: it is too big to build here).

The repository's own ×2 is built in full once (a minute or two): the slowest test here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from apparat.build import BuildInputs, build
from apparat.build.parse import parse_files
from apparat.build.scale import main as scale_main
from apparat.build.scale import scaled_build, scaled_inputs
from apparat.errors import BuildError
from apparat.namespaces import BASE, CONFLICTS_GRAPH, DEFAULT_DATA_GRAPH, INFERRED_GRAPH, ONTOLOGY_GRAPH
from apparat.query.store import open_store
from apparat.settings import load_settings

ROOT = Path(__file__).resolve().parents[1]
MINI = Path(__file__).parent / "data" / "mini"
MINI_INPUTS = BuildInputs(ontology=[ROOT / "ontology" / "apparat.ttl"], shapes=[ROOT / "ontology" / "shapes.ttl"],
                          data=[MINI / "example-source.ttl", MINI / "gazetteer.ttl"])
ORG = "http://www.w3.org/ns/org#"


def canonical_quads(build: Path) -> set[str]:
    """The quads of a build's ``dataset.nq``, blank nodes relabelled canonically (RDFC-1.0)."""
    dataset = ox.Dataset(ox.parse(path=str(build / "dataset.nq"), format=ox.RdfFormat.N_QUADS))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return {str(q) for q in dataset}


def manifest(build: Path) -> dict:
    return json.loads((build / "build.json").read_text(encoding="utf-8"))


def assert_copied_equals_built(copied: Path, built: Path) -> None:
    """Same quads, same triples per graph, a store of the same size for the copied build's ETag."""
    assert canonical_quads(copied) == canonical_quads(built)
    assert manifest(copied)["graphs"] == manifest(built)["graphs"]
    assert manifest(copied)["asserted"] == manifest(built)["asserted"]
    assert manifest(copied)["inferred"] == manifest(built)["inferred"]
    etag = manifest(copied)["etag"]
    assert len(open_store(copied, etag)) == len(open_store(built, manifest(built)["etag"]))  # unions included


def test_three_copies_build_validate_and_reason_three_times_over(tmp_path):
    one = build(MINI_INPUTS, tmp_path / "one")
    inputs = scaled_inputs(MINI_INPUTS, 3, tmp_path / "x3")
    data_graphs = {g: n for g, n in one.graphs.items() if g not in (str(INFERRED_GRAPH), str(ONTOLOGY_GRAPH))}
    # one N-Triples file per copy and graph, each file's graph named by the inputs
    assert len(inputs.data) == 3 * len(data_graphs) and all(p.suffix == ".nt" for p in inputs.data)
    assert sorted(inputs.graphs.values()) == sorted(graph.replace(BASE, prefix) for graph in data_graphs
                                                    for prefix in (BASE, f"{BASE}copy/1/", f"{BASE}copy/2/"))
    three = build(inputs, tmp_path / "three")  # SHACL runs: a broken copy would fail here
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

    copied = scaled_build(MINI_INPUTS, tmp_path / "one", 3, tmp_path / "copied")
    assert copied["scaled"] == {"factor": 3, "from": manifest(tmp_path / "one")["etag"]}
    assert copied["cache_key"] is None  # never taken for a build of the inputs
    assert_copied_equals_built(tmp_path / "copied", tmp_path / "three")
    with pytest.raises(BuildError, match="a copied build itself"):
        scaled_build(MINI_INPUTS, tmp_path / "copied", 2, tmp_path / "again")


def test_two_copies_of_the_repository_build_as_copying_its_build_gives(build_dir, tmp_path):
    inputs = BuildInputs.from_settings(load_settings())
    one = manifest(build_dir)
    two = build(scaled_inputs(inputs, 2, tmp_path / "x2"), tmp_path / "two")
    ontology = one["graphs"][str(ONTOLOGY_GRAPH)]
    assert two.graphs[str(ONTOLOGY_GRAPH)] == ontology  # the ontology is not copied
    shared = {str(ONTOLOGY_GRAPH), str(INFERRED_GRAPH), str(CONFLICTS_GRAPH)}
    for graph, count in one["graphs"].items():
        if graph not in shared:
            assert two.graphs[graph] == two.graphs[graph.replace(BASE, BASE + "copy/1/")] == count
    assert len(two.graphs) == 2 * len(one["graphs"]) - len(shared)
    assert two.graphs[str(CONFLICTS_GRAPH)] == 2 * one["graphs"][str(CONFLICTS_GRAPH)]  # each copy's own
    nq = (tmp_path / "two" / "dataset.nq").read_text()
    copy = BASE + "copy/1/id/membership/bukharin/politburo/full-member/1924-06-02"
    assert f"<{copy}> <{ORG}organization> <{BASE}copy/1/id/organ/politburo> " in nq
    member = f"<{BASE}copy/1/id/person/bukharin> <{ORG}memberOf> <{BASE}copy/1/id/organ/politburo>"
    assert f"{member} <{INFERRED_GRAPH}>" in nq

    scaled_build(inputs, build_dir, 2, tmp_path / "copied")
    assert_copied_equals_built(tmp_path / "copied", tmp_path / "two")


def test_a_build_of_other_inputs_or_of_older_ones_is_refused(build_dir, tmp_path):
    with pytest.raises(BuildError, match="is not the build of these inputs"):
        scaled_build(MINI_INPUTS, build_dir, 2, tmp_path / "copied")
    assert not (tmp_path / "copied").exists()
    edited = tmp_path / "example-source.ttl"  # the same file names, one of them changed since the build
    edited.write_text((MINI / "example-source.ttl").read_text() + "\n# edited\n")
    build(MINI_INPUTS, tmp_path / "one")
    later = BuildInputs(ontology=MINI_INPUTS.ontology, shapes=MINI_INPUTS.shapes,
                        data=[edited, MINI / "gazetteer.ttl"])
    with pytest.raises(BuildError, match="build them first"):
        scaled_build(later, tmp_path / "one", 2, tmp_path / "copied")


def test_the_command_line_writes_copies_that_keep_their_graphs_without_a_map(tmp_path, capsys):
    # `apparat build --data` reads files, not BuildInputs.graphs: the command's copies are N-Quads
    out = tmp_path / "x2"
    scale_main(["--factor", "2", "--out", str(out)])
    assert "2 N-Quads files" in capsys.readouterr().out
    inputs = BuildInputs.from_paths([out])
    graphs = parse_files(inputs.ontology, inputs.data, graph_per_file=inputs.graph_per_file)
    one = parse_files([], BuildInputs.from_settings(load_settings()).data, graph_per_file=True)
    for graph, triples in one.items():
        assert len(graphs[graph]) == len(graphs[graph.replace(BASE, BASE + "copy/1/")]) == len(triples)
    assert str(DEFAULT_DATA_GRAPH) not in graphs
    with pytest.raises(SystemExit):  # a folder with files in it: they would be read too
        scale_main(["--factor", "2", "--out", str(out)])
    assert "is not empty" in capsys.readouterr().err
