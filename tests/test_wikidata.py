"""Wikidata conventions: the Wikidata Query Service's prefixes are predeclared, and
every row of ../shared/wikidata/known-ids.tsv whose entity is in our graph gives
that entity its link."""

from __future__ import annotations

import csv
from pathlib import Path

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
#: (None now: the two positions that stand for a role in one organ are posts of the gazetteer's
#: posts.csv, org:Post, since 2026-12-02.)
NOT_OURS: dict[str, str] = {}


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
                "position": "post"}[row["type"]]
        assert f"/id/{kind}/" in linked[qid], (label, linked[qid])
    # the posts among them (a role in one organ), and no link that known-ids.tsv does not list
    assert linked["Q1048744"] == "https://w3id.org/apparat/id/post/general-secretary"
    assert linked["Q108495011"] == "https://w3id.org/apparat/id/post/politburo-member"
    assert linked["Q115147301"] == "https://w3id.org/apparat/id/post/cc-secretary"
    assert set(linked) <= {row["wikidata"] for row in rows}
    assert len(linked) == len(rows) - len(NOT_OURS) == 21  # Olga Kameneva: rogovin-1992:6881


WDQS_PORTED = """
PREFIX p: <http://www.wikidata.org/prop/> PREFIX ps: <http://www.wikidata.org/prop/statement/>
PREFIX pq: <http://www.wikidata.org/prop/qualifier/> PREFIX pqv: <http://www.wikidata.org/prop/qualifier/value/>
PREFIX pr: <http://www.wikidata.org/prop/reference/> PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX wikibase: <http://wikiba.se/ontology#>
SELECT ?position ?of ?directs ?start ?startPrecision ?end ?endPrecision ?statedIn ?url WHERE {
  ?person p:P39 ?st . ?st ps:P39 ?position ; prov:wasDerivedFrom ?ref .
  OPTIONAL { ?st pq:P642 ?of } OPTIONAL { ?st pq:P2389 ?directs }
  OPTIONAL { ?st pq:P580 ?start ; pqv:P580 [ wikibase:timePrecision ?startPrecision ] }
  OPTIONAL { ?st pq:P582 ?end ; pqv:P582 [ wikibase:timePrecision ?endPrecision ] }
  ?ref pr:P248 ?statedIn ; pr:P854 ?url .
}"""
ID = "https://w3id.org/apparat/id/"
SRC = "https://w3id.org/apparat/source/"


def _statements(live_server, **params) -> list[dict]:
    """GET /wikidata/statements as N-Triples, then a query written as for WDQS over it."""
    response = requests.get(live_server + "/wikidata/statements", params=params, timeout=60,
                            headers={"Accept": "application/n-triples"})
    assert response.status_code == 200, response.text
    store = ox.Store()
    store.load(response.content, ox.RdfFormat.N_TRIPLES)
    # one position per statement node (a post's implied roles do not make it a second post)
    held = store.query("SELECT ?st (COUNT(?pos) AS ?n) WHERE { ?st <http://www.wikidata.org/prop/statement/P39> ?pos }"
                       " GROUP BY ?st HAVING (COUNT(?pos) > 1)")
    assert not list(held)
    solutions = store.query(WDQS_PORTED)
    names = [v.value for v in solutions.variables]
    return [{name: row[name].value for name in names if row[name] is not None} for row in solutions]


def test_wikidata_statements_carry_qualifiers_precision_and_references(live_server):
    rows = _statements(live_server, person="bukharin")
    # 6867: full member of the Politburo 2 June 1924 - 17 November 1929 (days), member of the CC 1917-1934 (years);
    # the Politburo's is a post of posts.csv (its position item Q108495011), the CC's is the role alone
    assert {"position": ID + "post/politburo-member", "of": ID + "organ/politburo",
            "start": "1924-06-02T00:00:00Z", "startPrecision": "11", "end": "1929-11-17T00:00:00Z",
            "endPrecision": "11", "statedIn": SRC + "rogovin-1992", "url": SRC + "rogovin-1992/lines/6867-6867"} in rows
    assert {"position": ID + "role/full-member", "of": ID + "organ/central-committee",
            "start": "1917-01-01T00:00:00Z", "startPrecision": "9", "end": "1934-01-01T00:00:00Z",
            "endPrecision": "9", "statedIn": SRC + "rogovin-1992", "url": SRC + "rogovin-1992/lines/6867-6867"} in rows
    assert all(row["url"].startswith(row["statedIn"] + "/lines/") for row in rows)
    assert len(rows) >= 30


def test_a_post_names_the_organisation_it_directs(live_server):
    rows = _statements(live_server, person="stalin")
    posts = [r for r in rows if r["position"] == ID + "post/general-secretary"]
    assert posts and all(r.get("directs") == ID + "organ/secretariat" and "of" not in r for r in posts)
    # a role that is a post is always written as the post
    assert ID + "role/general-secretary" not in {r["position"] for r in rows}
    # 3 April 1922, stated to the day (four-attempts-blog, lines 7-9)
    assert {"position": ID + "post/general-secretary", "directs": ID + "organ/secretariat",
            "start": "1922-04-03T00:00:00Z", "startPrecision": "11", "statedIn": SRC + "four-attempts-blog",
            "url": SRC + "four-attempts-blog/lines/7-9"} in rows


def test_wikidata_statements_leave_out_the_ends_our_claims_contradict(dataset):
    # an end another claim of the same person, role and organ has him stay past is no pq:P582, and
    # the query's test agrees with the one computed from the held spans in test_quickstatements.py
    from test_quickstatements import contradicted_ends

    from apparat.query.saved import load_saved_queries

    saved = load_saved_queries(Path(__file__).resolve().parents[1] / "queries")["wikidata-statements"]
    triples = run_query(dataset, saved.bind({}), max_rows=1_000_000).triples
    qualifier = "http://www.wikidata.org/prop/qualifier/"
    ended = {t.subject.value for t in triples if t.predicate.value == qualifier + "P582"}
    stated = {row["m"].value for row in run_query(dataset, "SELECT DISTINCT ?m WHERE { ?m a org:Membership ;"
                                                  " org:member [ a ap:Person ] ; ap:endDate ?end }",
                                                  max_rows=1_000_000).rows}
    contradicted = contradicted_ends(dataset)
    assert ended == stated - contradicted
    assert ID + "membership/stalin/politburo/full-member/1925-12-18" in contradicted  # at the congress only
    # 573: Krestinsky left the Politburo after the Tenth Congress (Zinoviev in his place): his end stays
    assert ID + "membership/krestinsky/politburo/full-member/1919-00-00/to-1921-03-16" in ended
    # the statements keep their start and reference
    starts = {t.subject.value for t in triples if t.predicate.value == qualifier + "P580"}
    assert ID + "membership/stalin/politburo/full-member/1925-12-18" in starts


def test_a_bad_person_is_a_400(live_server):
    response = requests.get(live_server + "/wikidata/statements", params={"person": "no such one!"}, timeout=30)
    assert response.status_code == 400 and "person" in response.text


def test_a_query_with_more_service_clauses_than_allowed_is_refused_before_any_call(build_dir):
    from conftest import ALLOWED_SERVICE
    from harness import ServerProcess

    env = {"APPARAT_SERVICE_ALLOWLIST": ALLOWED_SERVICE, "APPARAT_MAX_SERVICE_CALLS": "1"}
    one = f"SELECT * WHERE {{ SERVICE <{ALLOWED_SERVICE}> {{ ?s ?p ?o }} }}"
    two = f"SELECT * WHERE {{ SERVICE <{ALLOWED_SERVICE}> {{ ?s ?p ?o }} SERVICE <{ALLOWED_SERVICE}> {{ ?o ?q ?r }} }}"
    with ServerProcess(build_dir, "--workers", "1", env=env) as server:
        refused = requests.post(server.base_url + "/sparql", data={"query": two}, timeout=60)
        tried = requests.post(server.base_url + "/sparql", data={"query": one}, timeout=60)
        description = requests.get(server.base_url + "/sparql", headers={"Accept": "text/turtle"}, timeout=30)
    assert refused.status_code == 400 and "at most 1 SERVICE clauses" in refused.text
    assert tried.status_code == 502  # one clause is allowed: it is called (nothing listens there)
    assert "maxServiceCalls 1" in description.text
