"""The build: parse, validate, reason into a separate graph, install atomically."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import OWL

from apparat.build import BuildInputs, build
from apparat.errors import DataSyntaxError
from apparat.namespaces import GAZETTEER_GRAPH, INFERRED_GRAPH, ONTOLOGY_GRAPH, ORG, source_graph
from apparat.validate import ValidationFailed

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data"
ONTOLOGY = ROOT / "ontology" / "apparat.ttl"
SHAPES = ROOT / "ontology" / "shapes.ttl"
PETROV = URIRef("https://w3id.org/apparat/id/person/petrov")
POLITBURO = URIRef("https://w3id.org/apparat/id/organ/politburo")


def mini_inputs(*extra: Path) -> BuildInputs:
    return BuildInputs(ontology=[ONTOLOGY], shapes=[SHAPES],
                       data=[DATA / "mini" / "example-source.ttl", DATA / "mini" / "gazetteer.ttl", *extra])


def load_built(build_dir: Path) -> Dataset:
    ds = Dataset()
    ds.parse(build_dir / "dataset.nq", format="nquads")
    return ds


def test_build_writes_graphs_and_manifest(tmp_path):
    report = build(mini_inputs(), tmp_path / "build")
    manifest = json.loads((tmp_path / "build" / "build.json").read_text())
    assert set(manifest["graphs"]) == {str(ONTOLOGY_GRAPH), str(INFERRED_GRAPH), str(GAZETTEER_GRAPH),
                                       str(source_graph("example-source"))}
    assert manifest["graphs"][str(source_graph("example-source"))] == 15
    assert manifest["asserted"] == report.asserted == sum(
        n for g, n in manifest["graphs"].items() if g != str(INFERRED_GRAPH)
    )
    assert manifest["inferred"] == report.inferred > 0
    assert set(manifest["timings"]) == {"parse", "validate", "reason"}  # written before "write" ends
    assert set(report.timings) == {"parse", "validate", "reason", "write"}


def test_inferred_triples_live_in_their_own_graph(tmp_path):
    build(mini_inputs(), tmp_path / "build")
    ds = load_built(tmp_path / "build")
    direct = (PETROV, ORG.memberOf, POLITBURO)
    assert direct in ds.graph(INFERRED_GRAPH)  # property chain ap:hasMembership o org:organization
    assert direct not in ds.graph(source_graph("example-source"))
    assert (POLITBURO, ORG.hasMember, PETROV) in ds.graph(INFERRED_GRAPH)  # inverse


def test_inferred_graph_has_no_generalised_rdf(tmp_path):
    build(mini_inputs(), tmp_path / "build")
    inferred = load_built(tmp_path / "build").graph(INFERRED_GRAPH)
    assert not [t for t in inferred if isinstance(t[0], Literal)]
    assert not [t for t in inferred.triples((None, OWL.sameAs, None)) if t[0] == t[2]]


def test_inferred_graph_repeats_no_asserted_triple(tmp_path):
    build(mini_inputs(), tmp_path / "build")
    ds = load_built(tmp_path / "build")
    asserted = [g for g in ds.graphs() if g.identifier != INFERRED_GRAPH]
    repeated = [t for t in ds.graph(INFERRED_GRAPH) if any(t in g for g in asserted)]
    assert repeated == []


def test_broken_turtle_fails_with_file_and_line_and_keeps_last_build(tmp_path):
    target = tmp_path / "build"
    build(mini_inputs(), target)
    before = (target / "dataset.nq").read_bytes()
    broken = tmp_path / "broken.ttl"
    shutil.copy(DATA / "broken.ttl", broken)
    with pytest.raises(DataSyntaxError) as caught:
        build(mini_inputs(broken), target)
    assert caught.value.path == broken and caught.value.line == 3
    assert str(caught.value).startswith(f"{broken}:3: ")
    assert (target / "dataset.nq").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.ttl", "build"]  # no staging left behind


def test_shacl_violation_fails_the_build(tmp_path):
    bad = tmp_path / "bad-source.ttl"
    bad.write_text(
        "@prefix org: <http://www.w3.org/ns/org#> .\n"
        "<https://w3id.org/apparat/id/membership/x> a org:Membership ;\n"
        "    org:organization <https://w3id.org/apparat/id/organ/politburo> .\n"
    )
    with pytest.raises(ValidationFailed) as caught:
        build(mini_inputs(bad), tmp_path / "build")
    report = str(caught.value)
    for missing in ("org:member", "org:role", "prov:wasDerivedFrom"):
        assert missing in report
    assert not (tmp_path / "build").exists()


def test_rebuild_is_byte_identical_but_for_the_manifest(tmp_path):
    build(mini_inputs(), tmp_path / "one")
    build(mini_inputs(), tmp_path / "two")
    assert (tmp_path / "one" / "dataset.nq").read_bytes() == (tmp_path / "two" / "dataset.nq").read_bytes()


def test_repository_data_builds_and_validates(build_dir):
    manifest = json.loads((build_dir / "build.json").read_text())
    assert manifest["asserted"] > 0 and manifest["inferred"] > 0
