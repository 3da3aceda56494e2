"""The real app under granian on 127.0.0.1, queried over HTTP with SPARQLWrapper and requests."""

from __future__ import annotations

import json

import pytest
import requests
from SPARQLWrapper import CSV, JSON, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed


@pytest.fixture()
def live_server(backend_server):
    """Each test here runs on the embedded store and through `oxigraph serve` (conftest's backend_server)."""
    return backend_server


ORGANS = """SELECT ?organ WHERE { ?organ org:subOrganizationOf <https://w3id.org/apparat/id/organ/central-committee> ;
  a ?bureau . VALUES ?bureau { ap:Politburo ap:Orgburo ap:Secretariat } }
ORDER BY ?organ"""
EXPECTED_ORGANS = [
    "https://w3id.org/apparat/id/organ/orgburo",
    "https://w3id.org/apparat/id/organ/politburo",
    "https://w3id.org/apparat/id/organ/secretariat",
]


def wrapper(base: str, fmt=JSON) -> SPARQLWrapper:
    sparql = SPARQLWrapper(base + "/sparql")
    sparql.setReturnFormat(fmt)
    return sparql


def test_health_reports_counts_and_build_time(live_server, build_dir):
    manifest = json.loads((build_dir / "build.json").read_text())
    body = requests.get(live_server + "/health", timeout=10).json()
    assert body["status"] == "ok"
    assert body["built_at"] == manifest["built_at"]
    assert body["triples"] == {"asserted": manifest["asserted"], "inferred": manifest["inferred"]}


def test_select_over_get_with_sparqlwrapper(live_server):
    sparql = wrapper(live_server)
    sparql.setQuery(ORGANS)
    rows = sparql.queryAndConvert()["results"]["bindings"]
    assert [r["organ"]["value"] for r in rows] == EXPECTED_ORGANS


def test_select_over_post_form_and_direct(live_server):
    form = requests.post(live_server + "/sparql", data={"query": ORGANS},
                         headers={"Accept": "application/sparql-results+json"}, timeout=10)
    direct = requests.post(live_server + "/sparql", data=ORGANS.encode(),
                           headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"}, timeout=10)
    assert form.headers["Content-Type"] == "application/sparql-results+json"
    assert [b["organ"]["value"] for b in form.json()["results"]["bindings"]] == EXPECTED_ORGANS
    assert direct.headers["Content-Type"].startswith("text/csv")
    assert direct.text.split("\r\n") == ["organ", *EXPECTED_ORGANS, ""]


def test_select_as_xml_and_csv_with_sparqlwrapper(live_server):
    for fmt in (XML, CSV):
        sparql = wrapper(live_server, fmt)
        sparql.setQuery(ORGANS)
        converted = sparql.queryAndConvert()
        text = converted.toxml() if fmt == XML else converted.decode()
        assert all(organ in text for organ in EXPECTED_ORGANS)


def test_ask(live_server):
    sparql = wrapper(live_server)
    sparql.setQuery("ASK { <https://w3id.org/apparat/id/organ/politburo> a ap:PartyOrgan }")
    assert sparql.queryAndConvert()["boolean"] is True


def test_construct_as_turtle(live_server):
    from rdflib import Graph, URIRef
    from rdflib.namespace import RDFS

    sparql = wrapper(live_server, TURTLE)
    sparql.setQuery("CONSTRUCT { ?o rdfs:label ?l } WHERE { ?o a ap:Politburo ; rdfs:label ?l }")
    graph = Graph().parse(data=sparql.queryAndConvert(), format="turtle")
    assert set(graph) == {(URIRef("https://w3id.org/apparat/id/organ/politburo"), RDFS.label,
                           __import__("rdflib").Literal("Politburo", lang="en"))}


def test_malformed_query_is_400_with_line_and_column(live_server):
    bad = "SELECT * WHERE {\n  ?s ?p \n}"
    response = requests.get(live_server + "/sparql", params={"query": bad}, timeout=10)
    assert response.status_code == 400
    assert "line 3, column" in response.text
    sparql = wrapper(live_server)
    sparql.setQuery(bad)
    try:
        sparql.queryAndConvert()
    except QueryBadFormed as err:
        assert "line 3" in str(err)
    else:
        raise AssertionError("a malformed query must fail")


def test_update_is_forbidden(live_server):
    update = "INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }"
    for response in (
        requests.post(live_server + "/sparql", data={"update": update}, timeout=10),
        requests.post(live_server + "/sparql", data=update,
                      headers={"Content-Type": "application/sparql-update"}, timeout=10),
        requests.get(live_server + "/sparql", params={"query": update}, timeout=10),
    ):
        assert response.status_code == 403, response.text
        assert "read-only" in response.text


def test_unknown_content_type_is_415(live_server):
    response = requests.post(live_server + "/sparql", data="x", headers={"Content-Type": "text/plain"}, timeout=10)
    assert response.status_code == 415
