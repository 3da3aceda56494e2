"""Wikidata conventions: the Wikidata Query Service's prefixes are predeclared, and
every row of ../shared/wikidata/known-ids.tsv whose entity is in our graph gives
that entity its link."""

from __future__ import annotations

import csv

import pyoxigraph as ox
import pytest
import requests
from conftest import SHARED

from apparat.namespaces import PREFIXES
from apparat.query.local import run_query

KNOWN_IDS = SHARED / "wikidata" / "known-ids.tsv"
WDQS = {
    "wd": "http://www.wikidata.org/entity/",
    "wdt": "http://www.wikidata.org/prop/direct/",
    "p": "http://www.wikidata.org/prop/",
    "ps": "http://www.wikidata.org/prop/statement/",
    "pq": "http://www.wikidata.org/prop/qualifier/",
    "pr": "http://www.wikidata.org/prop/reference/",
    "prov": "http://www.w3.org/ns/prov#",
    "wikibase": "http://wikiba.se/ontology#",
}
#: Rows of known-ids.tsv that name nothing of our graph, and why (checked below by label).
NOT_OURS = {
    "Olga Kameneva": "no source of ours names her",
    "Member of the Politburo of the CPSU Central Committee":
        "our Politburo members are org:Memberships of the organ, not holders of a post entity",
    "Secretary of the Communist Party of the Soviet Union":
        "our role 'secretary' is a secretary of any organ, not this post of the CC",
}


def test_a_wikidata_users_first_query_parses_and_runs_over_http(live_server):
    query = "SELECT ?s ?o WHERE { ?s wdt:P31 ?o } LIMIT 3"
    response = requests.get(live_server + "/sparql", params={"query": query}, timeout=30,
                            headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.text
    assert response.json()["head"]["vars"] == ["s", "o"]
    statements = ("SELECT ?st WHERE { ?item p:P39 ?st . ?st ps:P39 ?pos ; pq:P580 ?from ; prov:wasDerivedFrom ?ref ."
                  " ?ref pr:P248 ?in . ?pos wikibase:propertyType ?t . ?x schema:name ?n } LIMIT 1")
    response = requests.get(live_server + "/sparql", params={"query": statements}, timeout=30,
                            headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.text


def test_the_wdqs_prefixes_are_the_wdqs_namespaces():
    for prefix, namespace in WDQS.items():
        assert PREFIXES[prefix] == namespace, prefix
    # the one difference, on purpose: our data's schema.org terms are https
    assert PREFIXES["schema"] == "https://schema.org/"


def test_the_service_description_declares_the_prefixes(live_server):
    response = requests.get(live_server + "/sparql", headers={"Accept": "application/n-triples"}, timeout=30)
    assert response.status_code == 200
    graph = ox.Store()
    graph.load(response.content, ox.RdfFormat.N_TRIPLES)
    rows = graph.query("""PREFIX sh: <http://www.w3.org/ns/shacl#>
        SELECT ?p ?ns WHERE { ?service sh:declare [ sh:prefix ?p ; sh:namespace ?ns ] }""")
    declared = {row["p"].value: row["ns"].value for row in rows}
    assert {k: declared.get(k) for k in WDQS} == WDQS
    assert declared == PREFIXES


def _known_rows() -> list[dict]:
    if not KNOWN_IDS.exists():
        pytest.skip(f"needs {KNOWN_IDS}")
    with KNOWN_IDS.open(encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def test_every_known_id_whose_entity_is_in_the_graph_carries_its_link(dataset):
    links = run_query(dataset, """SELECT ?entity ?item WHERE {
        GRAPH <https://w3id.org/apparat/graph/links> { ?entity skos:exactMatch ?item } }""", max_rows=1000)
    linked = {row["item"].value.rsplit("/", 1)[1]: row["entity"].value for row in links.rows}
    labels = run_query(dataset, """SELECT ?entity ?label WHERE {
        ?entity rdfs:label|skos:prefLabel|skos:altLabel ?label }""", max_rows=100_000)
    by_label: dict[str, set[str]] = {}
    for row in labels.rows:
        by_label.setdefault(row["label"].value.casefold(), set()).add(row["entity"].value)
    rows = _known_rows()
    for row in rows:
        label, qid = row["label"], row["wikidata"]
        if label in NOT_OURS:
            assert qid not in linked, label
            assert label.casefold() not in by_label, f"{label} is in the graph after all: {by_label[label.casefold()]}"
            continue
        assert qid in linked, f"{label} ({qid}) has no link"
        # the linked entity carries the row's label, or one of ours names it (our labels are shorter)
        kind = {"person": "person", "organ": "organ", "organization": "organ", "faction": "organ",
                "position": "role"}[row["type"]]
        assert f"/id/{kind}/" in linked[qid], (label, linked[qid])
    # the General Secretary post among them, and no link that known-ids.tsv does not list
    assert linked["Q1048744"] == "https://w3id.org/apparat/id/role/general-secretary"
    assert set(linked) <= {row["wikidata"] for row in rows}
    assert len(linked) == len(rows) - len(NOT_OURS) == 18
