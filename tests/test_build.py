"""The build: parse, validate, reason into a separate graph, install atomically."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import OWL

from apparat.build import BuildInputs, ValidationFailed, build
from apparat.errors import DataSyntaxError
from apparat.namespaces import GAZETTEER_GRAPH, INFERRED_GRAPH, ONTOLOGY_GRAPH, ORG, source_graph

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
    assert manifest["reasoner"] == report.reasoner == "fast"
    # the shapes hold, so the Python check sufficed: no pySHACL, nothing to wait for ("check");
    # the manifest is written before "write" ends
    assert set(manifest["timings"]) == {"hash", "parse", "validate", "reason"}
    assert set(report.timings) == {"hash", "parse", "validate", "reason", "write", "preload"}
    assert report.seconds > 0
    assert manifest["reused"] is False and len(manifest["cache_key"]) == 64
    assert {i["role"] for i in manifest["inputs"]} == {"ontology", "shapes", "data"}


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
    assert [p.name for p in tmp_path.iterdir()] == ["bad-source.ttl"]  # the store begun beside is gone


def test_a_claim_naming_a_property_without_a_value_fails_the_build(tmp_path):
    bad = tmp_path / "bad-source.ttl"
    bad.write_text(
        "@prefix ap: <https://w3id.org/apparat/ontology#> .\n"
        "@prefix prov: <http://www.w3.org/ns/prov#> .\n"
        "<https://w3id.org/apparat/id/claim/x> a ap:Claim ; ap:about <https://w3id.org/apparat/id/person/petrov> ;\n"
        "    ap:property ap:date ;\n"
        "    prov:wasDerivedFrom <https://w3id.org/apparat/source/example-source/lines/3-3> .\n"
    )
    with pytest.raises(ValidationFailed) as caught:
        build(mini_inputs(bad), tmp_path / "build")
    assert "a claim with an ap:property states an ap:value" in str(caught.value)
    assert "claim/x" in str(caught.value)


def test_rebuild_is_byte_identical_but_for_the_manifest(tmp_path):
    build(mini_inputs(), tmp_path / "one")
    build(mini_inputs(), tmp_path / "two")
    assert (tmp_path / "one" / "dataset.nq").read_bytes() == (tmp_path / "two" / "dataset.nq").read_bytes()


def test_repository_data_builds_and_validates(build_dir):
    manifest = json.loads((build_dir / "build.json").read_text())
    assert manifest["asserted"] > 0 and manifest["inferred"] > 0


def test_both_reasoners_build_the_same_dataset(tmp_path):
    build(mini_inputs(), tmp_path / "fast")
    report = build(mini_inputs(), tmp_path / "owlrl", reasoner="owlrl")
    assert report.reasoner == "owlrl"
    assert (tmp_path / "fast" / "dataset.nq").read_bytes() == (tmp_path / "owlrl" / "dataset.nq").read_bytes()


def test_unchanged_inputs_are_not_parsed_validated_or_reasoned_again(tmp_path):
    target = tmp_path / "build"
    first = build(mini_inputs(), target)
    dataset = (target / "dataset.nq").read_bytes()
    second = build(mini_inputs(), target)
    manifest = json.loads((target / "build.json").read_text())
    assert second.reused and manifest["reused"] is True
    assert set(manifest["timings"]) == {"hash"}  # no parse, validate, reason or write this time
    assert manifest["etag"] and manifest["built_at"] == first.built_at
    assert manifest["graphs"] == first.graphs and second.inferred == first.inferred
    assert (target / "dataset.nq").read_bytes() == dataset


def test_a_one_line_change_rebuilds(tmp_path):
    source = tmp_path / "example-source.ttl"
    shutil.copy(DATA / "mini" / "example-source.ttl", source)
    inputs = BuildInputs(ontology=[ONTOLOGY], shapes=[SHAPES], data=[source, DATA / "mini" / "gazetteer.ttl"])
    target = tmp_path / "build"
    first = build(inputs, target)
    with source.open("a") as handle:
        handle.write('<https://w3id.org/apparat/id/person/petrov> <https://w3id.org/apparat/ontology#otherName> '
                     '"Petrov-Vodkin" .\n')
    second = build(inputs, target)
    manifest = json.loads((target / "build.json").read_text())
    assert not second.reused and {"parse", "validate", "reason"} <= set(manifest["timings"])
    assert second.asserted == first.asserted + 1
    assert second.inferred == first.inferred + 1
    alt_label = (PETROV, URIRef("http://www.w3.org/2004/02/skos/core#altLabel"), Literal("Petrov-Vodkin"))
    assert alt_label in load_built(target).graph(INFERRED_GRAPH)  # ap:otherName ⊑ skos:altLabel
    forced = build(inputs, target, reuse=False)
    assert not forced.reused


def test_changing_the_reasoner_is_not_a_cache_hit(tmp_path):
    build(mini_inputs(), tmp_path / "build")
    assert not build(mini_inputs(), tmp_path / "build", reasoning=False).reused
    assert build(mini_inputs(), tmp_path / "build", reasoning=False).reused


def test_progress_is_quiet_when_not_on_a_terminal(tmp_path, capsys):
    from apparat.build.progress import Progress, for_stream

    with open(tmp_path / "log.txt", "w") as log_file:
        assert type(for_stream(log_file)) is Progress
    build(mini_inputs(), tmp_path / "build")
    assert capsys.readouterr().err == ""


def test_progress_on_a_terminal_shows_counts_and_rates(tmp_path):
    import io

    from apparat.build.progress import RichProgress

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    screen = Terminal()
    shown = RichProgress(screen)
    with shown.task("parse", total=4, unit="files") as advance:
        advance(2)
        shown.display.refresh()
    shown.close()
    assert "parse" in screen.getvalue() and "2/4" in screen.getvalue() and "files" in screen.getvalue()


def test_build_command_takes_a_reasoner_and_skips_an_unchanged_build(tmp_path):
    from click.testing import CliRunner

    from apparat.cli import main

    (tmp_path / "data.ttl").write_text("<http://example.org/tom> a <http://example.org/Cat> .\n")
    (tmp_path / "onto.ttl").write_text("<http://example.org/Cat> <http://www.w3.org/2000/01/rdf-schema#subClassOf> "
                                       "<http://example.org/Animal> .\n")
    command = ["build", "--data", str(tmp_path / "data.ttl"), "--ontology", str(tmp_path / "onto.ttl"),
               "--build-dir", str(tmp_path / "build")]
    first = CliRunner().invoke(main, [*command, "--reasoner", "owlrl"])
    assert first.exit_code == 0, first.output
    assert "reasoner owlrl" in first.output and "reason: " in first.output
    again = CliRunner().invoke(main, [*command, "--reasoner", "owlrl"])
    assert again.exit_code == 0 and "unchanged" in again.output and "reason: " not in again.output
    forced = CliRunner().invoke(main, [*command, "--reasoner", "owlrl", "--force"])
    assert "built" in forced.output and "reason: " in forced.output
    bad = CliRunner().invoke(main, [*command, "--reasoner", "pellet"])
    assert bad.exit_code == 2
