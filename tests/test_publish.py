"""Publishing anyone's dataset: ``apparat build --data`` / ``apparat serve --data``
read every RDF syntax we claim, gzipped or not, and keep named graphs."""

from __future__ import annotations

import gzip
import json

import requests
from click.testing import CliRunner
from harness import ServerProcess

from apparat.cli import main
from apparat.query.local import load_dataset, run_query

EX = "http://example.org/"
FILES = {
    "a.ttl": f"<{EX}a> <{EX}p> \"turtle\" .\n",
    "b.nt": f"<{EX}b> <{EX}p> \"n-triples\" .\n",
    "c.nq": f"<{EX}c> <{EX}p> \"n-quads\" <{EX}g1> .\n",
    "d.trig": f"<{EX}g2> {{ <{EX}d> <{EX}p> \"trig\" . }}\n",
    "e.rdf": (f'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
              f'xmlns:ex="{EX}"><rdf:Description rdf:about="{EX}e"><ex:p>rdf-xml</ex:p></rdf:Description></rdf:RDF>'),
    "f.jsonld": json.dumps({"@id": f"{EX}f", f"{EX}p": "json-ld"}),
}


def write_files(folder, gzipped=()):
    for name, text in FILES.items():
        if name in gzipped:
            (folder / (name + ".gz")).write_bytes(gzip.compress(text.encode()))
        else:
            (folder / name).write_text(text)


def values(dataset, query):
    return sorted(r["v"].value for r in run_query(dataset, query, max_rows=100).rows)


def test_build_data_reads_every_syntax_and_keeps_graphs(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    write_files(data, gzipped={"c.nq", "d.trig", "f.jsonld"})
    result = CliRunner().invoke(main, ["build", "--data", str(data), "--no-reasoning",
                                       "--build-dir", str(tmp_path / "build")])
    assert result.exit_code == 0, result.output
    dataset = load_dataset(tmp_path / "build")
    assert values(dataset, f"SELECT ?v WHERE {{ ?s <{EX}p> ?v }}") == [
        "json-ld", "n-quads", "n-triples", "rdf-xml", "trig", "turtle"]
    assert values(dataset, f"SELECT ?v WHERE {{ GRAPH <{EX}g1> {{ ?s ?p ?v }} }}") == ["n-quads"]
    assert values(dataset, f"SELECT ?v WHERE {{ GRAPH <{EX}g2> {{ ?s ?p ?v }} }}") == ["trig"]
    plain = "SELECT ?v WHERE { GRAPH <https://w3id.org/apparat/graph/default> { ?s ?p ?v } }"
    assert values(dataset, plain) == ["json-ld", "n-triples", "rdf-xml", "turtle"]
    manifest = json.loads((tmp_path / "build" / "build.json").read_text())
    assert manifest["inferred"] == 0


def test_build_data_with_an_ontology_reasons(tmp_path):
    (tmp_path / "data.ttl").write_text(f"<{EX}x> a <{EX}Cat> .\n")
    (tmp_path / "onto.ttl").write_text(
        f"<{EX}Cat> <http://www.w3.org/2000/01/rdf-schema#subClassOf> <{EX}Animal> .\n")
    result = CliRunner().invoke(main, ["build", "--data", str(tmp_path / "data.ttl"), "--ontology",
                                       str(tmp_path / "onto.ttl"), "--build-dir", str(tmp_path / "build")])
    assert result.exit_code == 0, result.output
    dataset = load_dataset(tmp_path / "build")
    ask = f"ASK {{ GRAPH <https://w3id.org/apparat/graph/inferred> {{ <{EX}x> a <{EX}Animal> }} }}"
    assert run_query(dataset, ask, max_rows=1).boolean is True


def test_broken_data_file_fails_naming_it(tmp_path):
    (tmp_path / "bad.nq.gz").write_bytes(gzip.compress(b"<http://e/a> <http://e/b> .\n"))
    result = CliRunner().invoke(main, ["build", "--data", str(tmp_path / "bad.nq.gz"),
                                       "--build-dir", str(tmp_path / "build")])
    assert result.exit_code == 1
    assert "bad.nq.gz:1:" in result.output


def test_serve_data_builds_then_serves(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    write_files(data)
    with ServerProcess(tmp_path / "build", "--data", str(data), "--no-reasoning", "--workers", "1") as server:
        response = requests.get(server.base_url + "/sparql", timeout=30, params={
            "query": f"SELECT ?v WHERE {{ ?s <{EX}p> ?v }} ORDER BY ?v", "format": "csv"})
    assert response.text.split("\r\n") == ["v", "json-ld", "n-quads", "n-triples", "rdf-xml", "trig", "turtle", ""]
