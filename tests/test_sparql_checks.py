"""The executor's one reading of a query (``sparql.inspect_query``): the SERVICE allowlist
applied to the query's tokens with its own prefixes and base, update refused, nesting capped,
and linear time on hostile texts."""

from __future__ import annotations

import time

import pytest

from apparat import namespaces
from apparat.errors import QueryRefused, UpdateForbidden
from apparat.query import store
from apparat.query.sparql import Engine, inspect_query

ALLOWED = "http://127.0.0.1:9/sparql"
ENGINE = Engine({"ex": "http://ex/", "wdt": "http://www.wikidata.org/prop/direct/"}, (ALLOWED,), 50, 10)


@pytest.mark.parametrize("text", [
    f"SELECT * {{ SERVICE <{ALLOWED}> {{ ?s ?p ?o }} }}",
    f"select * {{ service silent <{ALLOWED}> {{ ?s ?p ?o }} }}",
    "PREFIX l: <http://127.0.0.1:9/> SELECT * { SERVICE l:sparql { ?s ?p ?o } }",
    "BASE <http://127.0.0.1:9/> SELECT * { SERVICE <sparql> { ?s ?p ?o } }",
    f"PREFIX service: <http://e/> SELECT ?service {{ ?service service:SERVICE 'SERVICE <http://x/>' . "
    f"# SERVICE <http://evil/>\n SERVICE <{ALLOWED}> {{ ?s ?p ?o }} }}",
])
def test_allowed_endpoints_pass(text):
    assert set(inspect_query(text, ENGINE).services) == {ALLOWED}


@pytest.mark.parametrize("text", [
    "SELECT * { SERVICE <http://evil/sparql> { ?s ?p ?o } }",
    "SELECT * { SERVICE ?endpoint { ?s ?p ?o } }",
    "PREFIX ex: <http://evil/> SELECT * { SERVICE ex:sparql { ?s ?p ?o } }",  # the query's own prefix wins
    f"SELECT * {{ ?s ?p true.SERVICE <http://evil/> {{ ?s ?p ?o }} SERVICE <{ALLOWED}> {{}} }}",
    "SELECT * { ?s ?p ?o FILTER(?o<1)SERVICE<http://evil/>{?s ?p ?o} }",
    "BASE <http://evil/> SELECT * { SERVICE <sparql> { ?s ?p ?o } }",
    "PREFIX " + "a" * 70 + ": <http://evil/> SELECT * { SERVICE " + "a" * 70 + ":x { ?s ?p ?o } }",
])
def test_other_endpoints_are_refused(text):
    with pytest.raises(QueryRefused, match="not allowed"):
        inspect_query(text, ENGINE)


@pytest.mark.parametrize("text", [
    "INSERT DATA { <a:b> <a:c> <a:d> }", "PREFIX x: <http://e/> DELETE WHERE { ?s ?p ?o }",
    "load <http://e/>", "CLEAR ALL", "WITH <a:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }"])
def test_updates_are_forbidden(text):
    with pytest.raises(UpdateForbidden):
        inspect_query(text, ENGINE)


def test_a_graph_pattern_is_seen_but_not_a_variable_or_name_called_graph():
    assert inspect_query("SELECT ?g { GRAPH ?g { ?s ?p ?o } }", ENGINE).has_graph
    assert inspect_query("select ?g { graph ?g { ?s ?p ?o } }", ENGINE).has_graph
    assert not inspect_query("SELECT ?graph { ?graph ex:GRAPH 'GRAPH' } # GRAPH", ENGINE).has_graph


def test_a_dataset_clause_is_seen_but_not_a_variable_named_from():
    assert inspect_query("SELECT * FROM <a:g> { ?s ?p ?o }", ENGINE).has_dataset_clause
    assert not inspect_query("SELECT ?from { ?from ex:from 'FROM' }", ENGINE).has_dataset_clause


@pytest.mark.parametrize("unit", ["a.", "a-", "_:a.", "?a", "\"a", "<a", "1.", "@a-", "ex:a."])
def test_hostile_texts_are_read_in_linear_time(unit):
    text = "ASK { " + unit * (95_000 // len(unit)) + " }"
    started = time.monotonic()
    try:
        inspect_query(text, Engine({}, (), 10**6, 10))
    except QueryRefused:
        pass
    assert time.monotonic() - started < 10  # a liveness bound: quadratic scanning took minutes


def test_store_constants_match_the_namespaces():
    """store.py spells two IRIs itself (importing namespaces would bring rdflib into executors)."""
    assert store.ASSERTED_UNION == str(namespaces.ASSERTED_UNION_GRAPH)
    assert store.INFERRED == str(namespaces.INFERRED_GRAPH)
    assert Engine({}, (), 1, 1).asserted_union == store.ASSERTED_UNION
