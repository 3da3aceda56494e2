"""The real app under granian on 127.0.0.1, queried over HTTP with SPARQLWrapper and requests."""

from __future__ import annotations

import json
import os
import subprocess
import sys

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


def test_health_is_503_down_when_no_executor_is_alive(app, client, monkeypatch):
    pool = app.extensions["apparat"].pool
    monkeypatch.setattr(pool, "occupancy", lambda **_: {"size": 2, "busy": 0, "waiting": 0, "alive": 0})
    answer = client.get("/health")
    assert answer.status_code == 503 and answer.json["status"] == "down"
    assert answer.headers["Retry-After"] == "2" and answer.headers["X-Apparat-Reason"] == "health_down"
    assert answer.headers["Cache-Control"] == "no-store"


def test_health_names_the_build_every_live_worker_serves(client, build_dir, tmp_path, monkeypatch):
    """Two "workers" (this process, and a child on another build) say what they serve in their
    ready files, as ``apparat serve``'s workers do: "reloading" (200) while they differ, and the
    build served longest; the new one once the old worker has exited."""
    own = json.loads((build_dir / "build.json").read_text())
    monkeypatch.setenv("APPARAT_RUNTIME_DIR", str(tmp_path))
    monkeypatch.setenv("APPARAT_SERVER_PID", str(os.getpid()))  # the child's parent, as the server is its workers'
    old = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        (tmp_path / f"ready-{old.pid}").write_text(json.dumps(
            {"etag": "0ld", "built_at": "2020-01-01T00:00:00+00:00", "ready_at": 1.0}))
        (tmp_path / f"ready-{os.getpid()}").write_text(json.dumps(
            {"etag": own["etag"], "built_at": own["built_at"], "ready_at": 2.0}))
        answer = client.get("/health")
        assert answer.status_code == 200, answer.json
        assert answer.json["status"] == "reloading" and answer.json["etag"] == "0ld"
        assert answer.json["built_at"] == "2020-01-01T00:00:00+00:00"
        assert answer.json["reload"] == {"from": "0ld", "to": own["etag"]} and answer.json["answering"] == own["etag"]
    finally:
        old.kill()
        old.wait()  # reaped: its pid no longer runs (a zombie would not count either)
    answer = client.get("/health")
    assert answer.status_code == 200 and answer.json["status"] == "ok" and answer.json["etag"] == own["etag"]
    assert "reload" not in answer.json


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
