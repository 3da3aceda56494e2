"""Downloads by graph over real HTTP: the Graph Store Protocol's read side at /data, and /dataset.trig.

Each answer is parsed by rdflib (another parser than the one that wrote it) and checked against the build's
own per-graph counts in build.json and against /sparql.
"""

from __future__ import annotations

import json

import pytest
import rdflib
import requests

RUTHLESS = "https://w3id.org/apparat/graph/source/rogovin-1992"


@pytest.fixture(scope="module")
def manifest(build_dir):
    return json.loads((build_dir / "build.json").read_text(encoding="utf-8"))


def count_over_sparql(live_server: str, query: str) -> int:
    answer = requests.get(live_server + "/sparql", params={"query": query},
                          headers={"Accept": "application/sparql-results+json"}, timeout=30)
    assert answer.status_code == 200, answer.text
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


def test_a_named_graph_comes_as_turtle_with_our_prefixes(live_server, manifest):
    answer = requests.get(live_server + "/data", params={"graph": RUTHLESS}, timeout=60)
    assert answer.status_code == 200, answer.text
    assert answer.headers["Content-Type"].startswith("text/turtle")
    assert "@prefix ap: <https://w3id.org/apparat/ontology#>" in answer.text
    graph = rdflib.Graph().parse(data=answer.text, format="turtle")
    assert len(graph) == manifest["graphs"][RUTHLESS]


@pytest.mark.parametrize(("accept", "rdflib_format"), [
    ("application/n-triples", "nt"), ("application/rdf+xml", "xml"), ("application/ld+json", "json-ld")])
def test_a_named_graph_in_each_triple_format(live_server, manifest, accept, rdflib_format):
    graph_iri = "https://w3id.org/apparat/graph/ontology"
    answer = requests.get(live_server + "/data", params={"graph": graph_iri}, headers={"Accept": accept}, timeout=30)
    assert answer.status_code == 200, answer.text
    assert answer.headers["Content-Type"].startswith(accept)
    assert len(rdflib.Graph().parse(data=answer.content, format=rdflib_format)) == manifest["graphs"][graph_iri]


def test_the_default_graph_is_the_union_each_triple_once(live_server, manifest):
    answer = requests.get(live_server + "/data?default", headers={"Accept": "application/n-triples"}, timeout=60)
    assert answer.status_code == 200, answer.text
    lines = [line for line in answer.text.splitlines() if line.strip()]
    union = count_over_sparql(live_server, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")
    assert len(lines) == len(set(lines)) == union
    # VoID says so too: the dataset's size is the union's, each subset its graph's
    void = rdflib.Graph().parse(data=requests.get(live_server + "/.well-known/void", headers={"Accept": "text/turtle"},
                                                  timeout=60).text, format="turtle")
    dataset = rdflib.URIRef("https://w3id.org/apparat/dataset")
    assert int(void.value(dataset, rdflib.URIRef("http://rdfs.org/ns/void#triples"))) == union
    assert union < sum(manifest["graphs"].values())  # some triples are stated in more than one graph


def test_the_whole_dataset_as_trig_holds_every_graph(live_server, manifest):
    for url in ("/dataset.trig", "/data?format=trig"):
        answer = requests.get(live_server + url, timeout=120)
        assert answer.status_code == 200, answer.text
        assert answer.headers["Content-Type"].startswith("application/trig")
        dataset = rdflib.Dataset()
        dataset.parse(data=answer.text, format="trig")
        counts = {str(g.identifier): len(g) for g in dataset.graphs() if len(g)}
        assert counts == manifest["graphs"]


def test_asking_wrongly_is_a_clear_error(live_server):
    unknown = requests.get(live_server + "/data", params={"graph": "https://w3id.org/apparat/graph/nothing"},
                           timeout=10)
    assert unknown.status_code == 404 and "no graph" in unknown.text
    both = requests.get(live_server + "/data", params={"graph": RUTHLESS, "default": ""}, timeout=10)
    assert both.status_code == 400 and "one graph" in both.text
    quads_of_a_graph = requests.get(live_server + "/data", params={"graph": RUTHLESS, "format": "trig"}, timeout=10)
    assert quads_of_a_graph.status_code == 406 and "a graph is triples" in quads_of_a_graph.text
    assert requests.put(live_server + "/data?default", data="", timeout=10).status_code == 405


def test_a_second_download_is_conditional(live_server):
    first = requests.get(live_server + "/data", params={"graph": RUTHLESS}, timeout=60)
    again = requests.get(live_server + "/data", params={"graph": RUTHLESS},
                         headers={"If-None-Match": first.headers["ETag"]}, timeout=10)
    assert again.status_code == 304
