"""Federation on loopback: our server answers a query whose SERVICE clause
calls a second, real SPARQL endpoint (another Apparat server publishing a
small Wikidata-shaped dataset). The live Wikidata service cannot be reached
from here, so the saved query's endpoint IRI is pointed at the loopback
endpoint by the test — the one thing this test changes."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from harness import ServerProcess, stand_in_endpoint

ROOT = Path(__file__).resolve().parents[1]
WIKIDATA = "https://query.wikidata.org/sparql"
# Wikidata-shaped facts, written for this test (Q-ids from ../shared/wikidata/known-ids.tsv).
FAKE_WIKIDATA = """
@prefix wd:  <http://www.wikidata.org/entity/> .
@prefix wdt: <http://www.wikidata.org/prop/direct/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
wd:Q186709 wdt:P569 "1888-10-09"^^xsd:date ; wdt:P570 "1938-03-15"^^xsd:date .
wd:Q855 wdt:P569 "1878-12-18"^^xsd:date .
"""


@pytest.fixture(scope="module")
def remote(tmp_path_factory):
    with stand_in_endpoint(tmp_path_factory.mktemp("remote"), FAKE_WIKIDATA) as endpoint:
        yield endpoint


@pytest.fixture(scope="module")
def federating(build_dir, remote):
    with ServerProcess(build_dir, "--workers", "1", env={"APPARAT_SERVICE_ALLOWLIST": remote}) as server:
        yield server.base_url


def test_saved_enrichment_query_federates_with_a_second_endpoint(federating, remote):
    text = (ROOT / "queries" / "wikidata-enrichment.rq").read_text().replace(WIKIDATA, remote)
    response = requests.post(federating + "/sparql", data={"query": text}, timeout=60,
                             headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.text
    rows = {(b["person"]["value"].rsplit("/", 1)[-1], b.get("born", {}).get("value"), b.get("died", {}).get("value"))
            for b in response.json()["results"]["bindings"]}
    # Politburo members of ours with a Wikidata link: Bukharin and Stalin (910: on the
    # Politburo from 1919); the remote endpoint knows Bukharin's dates and Stalin's birth.
    assert rows == {("bukharin", "1888-10-09", "1938-03-15"), ("stalin", "1878-12-18", None)}


def test_an_endpoint_off_the_allowlist_is_refused(federating):
    text = "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }"
    response = requests.post(federating + "/sparql", data={"query": text}, timeout=30)
    assert response.status_code == 400 and "is not allowed" in response.text


def test_a_failing_remote_is_a_502_not_a_500(build_dir, tmp_path):
    dead = "http://127.0.0.1:9/sparql"  # nothing listens on the discard port
    with ServerProcess(build_dir, "--workers", "1", env={"APPARAT_SERVICE_ALLOWLIST": dead}) as server:
        text = f"SELECT * WHERE {{ SERVICE <{dead}> {{ ?s ?p ?o }} }}"
        response = requests.post(server.base_url + "/sparql", data={"query": text}, timeout=60)
    assert response.status_code == 502, response.text
    assert "SERVICE endpoint could not be queried" in response.text
