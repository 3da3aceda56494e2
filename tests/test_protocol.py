"""SPARQL 1.1 Protocol details, over HTTP against the real server: forms,
formats and content negotiation, dataset parameters, errors, limits,
federation allowlist, service description, VoID, CORS, caching and gzip."""

from __future__ import annotations

import csv
import gzip
import io
import json
import random
import socket
import threading

import pytest
import requests
from conftest import ALLOWED_SERVICE, TEST_ENV
from harness import ServerProcess
from rdflib import Graph, Namespace
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, N3, RDFXML, TSV, TURTLE, XML, SPARQLWrapper


@pytest.fixture()
def live_server(backend_server):
    """Each test here runs on the embedded store and through `oxigraph serve` (conftest's backend_server)."""
    return backend_server


SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
# The CC's bureaus: a stable answer whatever else the glossary places under the CC.
ORGANS = ("SELECT ?organ WHERE { ?organ a ?bureau ; org:subOrganizationOf apid:organ\\/central-committee . "
          "VALUES ?bureau { ap:Politburo ap:Orgburo ap:Secretariat } } ORDER BY ?organ")
CONSTRUCT = ("CONSTRUCT { ?o rdfs:label ?l } WHERE { ?o a ap:PartyOrgan ; rdfs:label ?l . VALUES ?o { "
             "apid:organ\\/politburo apid:organ\\/orgburo apid:organ\\/secretariat apid:organ\\/central-committee "
             "apid:organ\\/central-control-commission } }")
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"


def get(base, **params):
    headers = params.pop("headers", {})
    return requests.get(base + "/sparql", params=params, headers=headers, timeout=30)


# --- content negotiation -------------------------------------------------------------------

@pytest.mark.parametrize(("accept", "expected"), [
    ("application/sparql-results+json", "application/sparql-results+json"),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"),
    ("text/tab-separated-values", "text/tab-separated-values"),
    ("*/*", "application/sparql-results+json"),
    ("text/*", "text/csv"),
    ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
    ("text/html;q=0.5, */*;q=0.8", "application/sparql-results+json"),
    ("application/json", "application/sparql-results+json"),
])
def test_select_accept_negotiation(live_server, accept, expected):
    response = get(live_server, query=ORGANS, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0] == expected
    assert "Accept" in response.headers["Vary"]


@pytest.mark.parametrize(("accept", "expected", "rdflib_format"), [
    ("text/turtle", "text/turtle", "turtle"),
    ("application/n-triples", "application/n-triples", "nt"),
    ("application/ld+json", "application/ld+json", "json-ld"),
    ("application/rdf+xml", "application/rdf+xml", "xml"),
    ("application/n-quads", "application/n-quads", "nquads"),
    ("application/trig", "application/trig", "trig"),
    ("*/*", "text/turtle", "turtle"),
])
def test_construct_in_every_graph_format(live_server, accept, expected, rdflib_format):
    response = get(live_server, query=CONSTRUCT, headers={"Accept": accept})
    assert response.headers["Content-Type"].split(";")[0] == expected
    graph = Graph().parse(data=response.content, format=rdflib_format)
    labels = {str(o) for o in graph.objects()}
    assert {"Politburo", "Orgburo", "Secretariat", "Central Committee"} <= labels


def test_format_parameter_overrides_accept(live_server):
    response = get(live_server, query=ORGANS, format="csv", headers={"Accept": "application/sparql-results+xml"})
    assert response.headers["Content-Type"].startswith("text/csv")


def test_unacceptable_type_is_406_listing_offers(live_server):
    response = get(live_server, query=ORGANS, headers={"Accept": "image/png"})
    assert response.status_code == 406
    for offered in ("application/sparql-results+json", "text/csv", "text/tab-separated-values"):
        assert offered in response.text


def test_tsv_and_csv_are_well_formed(live_server):
    tsv = get(live_server, query=ORGANS, format="tsv").text.splitlines()
    assert tsv[0] == "?organ"
    assert tsv[1] == "<https://w3id.org/apparat/id/organ/orgburo>"
    rows = list(csv.reader(io.StringIO(get(live_server, query=ORGANS, format="csv").text)))
    assert rows[0] == ["organ"] and rows[1] == ["https://w3id.org/apparat/id/organ/orgburo"]


# --- clients ------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", [JSON, XML, CSV, TSV])
def test_sparqlwrapper_select_formats(live_server, fmt):
    sparql = SPARQLWrapper(live_server + "/sparql")
    sparql.setReturnFormat(fmt)
    sparql.setQuery(ORGANS)
    result = sparql.query()
    body = result.response.read().decode()
    assert "https://w3id.org/apparat/id/organ/politburo" in body


@pytest.mark.parametrize("fmt", [TURTLE, N3, RDFXML, JSONLD])
def test_sparqlwrapper_construct_formats(live_server, fmt):
    sparql = SPARQLWrapper(live_server + "/sparql")
    sparql.setReturnFormat(fmt)
    sparql.setQuery(CONSTRUCT)
    converted = sparql.queryAndConvert()
    graph = converted if isinstance(converted, Graph) else Graph().parse(
        data=converted, format={TURTLE: "turtle", N3: "turtle", JSONLD: "json-ld"}.get(fmt, "xml"))
    assert len(graph) == 5  # the labels of the five organs asked for


def test_rdflib_sparqlstore_as_client(live_server):
    store = SPARQLStore(live_server + "/sparql", returnFormat="json")
    graph = Graph(store=store)
    rows = list(graph.query(
        "SELECT ?label WHERE { <https://w3id.org/apparat/id/organ/politburo> "
        "<http://www.w3.org/2000/01/rdf-schema#label> ?label }"))
    assert [str(r[0]) for r in rows] == ["Politburo"]


# --- dataset ------------------------------------------------------------------------------

def test_default_graph_uri_restricts_the_default_graph(live_server):
    # the monograph's note (6867) gives Bukharin's birth date; the gazetteer types him a person
    born = "ASK { apid:person\\/bukharin schema:birthDate ?d }"
    typed = "ASK { apid:person\\/bukharin a ap:Person }"
    source = "https://w3id.org/apparat/graph/source/rogovin-1992"
    gazetteer = "https://w3id.org/apparat/graph/gazetteer"
    ontology = "https://w3id.org/apparat/graph/ontology"

    def ask(query, graph):
        return get(live_server, query=query, format="json", **{"default-graph-uri": graph}).json()["boolean"]

    assert ask(born, source) is True and ask(born, ontology) is False and ask(born, gazetteer) is False
    assert ask(typed, gazetteer) is True and ask(typed, source) is False


@pytest.mark.parametrize("parameter", ["default-graph-uri", "named-graph-uri"])
@pytest.mark.parametrize("value", ["", "not an iri", "relative/path"])
def test_a_graph_parameter_that_is_not_an_iri_is_refused_with_400(live_server, parameter, value):
    # found by test_fuzz_live: an empty default-graph-uri was a 500 from pyoxigraph's NamedNode
    answer = get(live_server, query="ASK { ?s ?p ?o }", **{parameter: value})
    assert answer.status_code == 400, answer.text
    assert f"{parameter} {value!r} is not an absolute IRI" in answer.text


def test_named_graph_uri_limits_graph_patterns(live_server):
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"
    all_graphs = [b["g"]["value"] for b in get(live_server, query=query).json()["results"]["bindings"]]
    assert "https://w3id.org/apparat/graph/inferred" in all_graphs
    only = get(live_server, query=query, **{"named-graph-uri": "https://w3id.org/apparat/graph/ontology"})
    assert [b["g"]["value"] for b in only.json()["results"]["bindings"]] == ["https://w3id.org/apparat/graph/ontology"]


def test_infer_false_hides_the_inferred_graph(live_server):
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    graphs = {b["g"]["value"] for b in get(live_server, query=query, infer="false").json()["results"]["bindings"]}
    assert "https://w3id.org/apparat/graph/inferred" not in graphs and graphs


# --- errors -------------------------------------------------------------------------------

def test_two_query_parameters_are_a_400(live_server):
    response = requests.get(live_server + "/sparql", params=[("query", "ASK {}"), ("query", "ASK {}")], timeout=10)
    assert response.status_code == 400


def test_update_path_refuses_with_a_named_reason(live_server):
    response = requests.post(live_server + "/update", data={"update": "CLEAR ALL"}, timeout=10)
    assert response.status_code == 403 and "read-only" in response.text


def test_json_error_body_for_json_clients(live_server):
    response = get(live_server, query="SELECT * WHERE {", headers={"Accept": "application/json"})
    assert response.status_code == 400
    body = response.json()
    assert body["ok"] is False and body["status"] == 400 and body["line"] == 1 and body["column"] >= 1


def test_deep_nesting_is_refused_before_parsing(live_server):
    response = requests.post(live_server + "/sparql", data="ASK " + "{" * 1000 + "}" * 1000, timeout=10,
                             headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 400
    assert "nests brackets 1000 deep" in response.text
    assert get(live_server, query="ASK {}").status_code == 200  # the server is still up


def test_garbage_never_gives_a_500(live_server):
    rng = random.Random(20261122)
    pieces = ["SELECT", "ASK", "CONSTRUCT", "WHERE", "{", "}", "(", ")", "?x", "<http://e/a>", '"s"', "FILTER",
              "GRAPH", "SERVICE", "OPTIONAL", "UNION", ".", ";", "a", "1", "PREFIX", "p:", "\\", "'", "#", "\u0000"]
    for _ in range(60):
        text = " ".join(rng.choice(pieces) for _ in range(rng.randint(1, 25)))
        response = get(live_server, query=text)
        assert response.status_code < 500, (text, response.text)


# --- federation ---------------------------------------------------------------------------

def test_service_outside_the_allowlist_is_refused_before_any_call(live_server):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(2)
    port = listener.getsockname()[1]
    try:
        query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
        response = get(live_server, query=query)
        assert response.status_code == 400
        assert "is not allowed" in response.text and ALLOWED_SERVICE in response.text
        with pytest.raises(TimeoutError):
            listener.accept()  # nobody called
    finally:
        listener.close()


# --- self-description ---------------------------------------------------------------------

def test_service_description(live_server, build_dir):
    response = requests.get(live_server + "/sparql", headers={"Accept": "text/turtle"}, timeout=10)
    assert response.headers["Content-Type"].startswith("text/turtle")
    g = Graph().parse(data=response.text, format="turtle")
    assert [str(o) for o in g.objects(None, SD.endpoint)] == [live_server + "/sparql"]
    features = set(g.objects(None, SD.feature))
    assert {SD.UnionDefaultGraph, SD.BasicFederatedQuery} <= features
    assert (None, SD.defaultEntailmentRegime, None) in g
    names = {str(o) for o in g.objects(None, SD.name)}
    manifest = json.loads((build_dir / "build.json").read_text())
    assert names == set(manifest["graphs"])
    assert "X-Apparat-Truncated" in " ".join(str(o) for o in g.objects(None, None))


def test_a_browser_opening_a_query_link_gets_the_page(live_server):
    """A browser (Accept prefers text/html) opening /sparql?query=… gets the query page, filled in (a permalink)."""
    response = get(live_server, query=ORGANS, headers={"Accept": "text/html, application/xhtml+xml;q=0.9, */*;q=0.8"})
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/html")
    assert "subOrganizationOf" in response.text


def test_browser_gets_the_query_page(live_server):
    response = requests.get(live_server + "/sparql", headers={"Accept": "text/html"}, timeout=10)
    assert response.headers["Content-Type"].startswith("text/html")
    assert "<textarea" in response.text or 'id="yasgui"' in response.text  # the plain form or the editor


def test_void_counts_match_the_build(live_server, build_dir):
    manifest = json.loads((build_dir / "build.json").read_text())
    g = Graph().parse(data=requests.get(live_server + "/.well-known/void", timeout=10).text, format="turtle")
    counts = {str(s): int(o) for s, o in g.subject_objects(VOID.triples)}
    for graph, count in manifest["graphs"].items():
        assert counts[graph] == count


def test_dump_is_the_whole_dataset(live_server, build_dir):
    response = requests.get(live_server + "/dataset.nq", timeout=30)
    assert response.headers["Content-Type"].startswith("application/n-quads")
    assert response.content == (build_dir / "dataset.nq").read_bytes()


# --- HTTP niceties ------------------------------------------------------------------------

def test_head_is_answered_as_get_without_a_body(live_server):
    """HEAD /sparql?query=… (a link checker, a proxy's probe) gets GET's status and content type and no body;
    the Service Description's HEAD too. A malformed query is GET's 400."""
    for params in ({"query": ORGANS}, {}):
        head = requests.head(live_server + "/sparql", params=params, headers={"Accept": "text/turtle, */*;q=0.1"},
                             timeout=30)
        get = requests.get(live_server + "/sparql", params=params, headers={"Accept": "text/turtle, */*;q=0.1"},
                           timeout=30)
        assert head.status_code == get.status_code == 200, params
        assert head.headers["Content-Type"] == get.headers["Content-Type"] and head.content == b""
    bad = requests.head(live_server + "/sparql", params={"query": "SELECT WHERE {"}, timeout=30)
    assert bad.status_code == 400


def test_cors_preflight_and_header(live_server):
    preflight = requests.options(live_server + "/sparql", timeout=10, headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert get(live_server, query="ASK {}", headers={"Origin": "https://example.org"}).headers[
        "Access-Control-Allow-Origin"] == "*"


def test_etag_and_last_modified_give_304(live_server):
    first = get(live_server, query=ORGANS)
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    again = get(live_server, query=ORGANS, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.content == b""
    since = get(live_server, query=ORGANS, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304
    other = get(live_server, query=ORGANS, headers={"If-None-Match": first.headers["ETag"], "Accept": "text/csv"})
    assert other.status_code == 200  # a different representation has a different ETag


def test_gzip_when_asked(live_server):
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 500"
    raw = requests.get(live_server + "/sparql", params={"query": query}, stream=True, timeout=30,
                       headers={"Accept-Encoding": "gzip"})
    assert raw.headers["Content-Encoding"] == "gzip"
    body = json.loads(gzip.decompress(raw.raw.read()))
    assert len(body["results"]["bindings"]) == 500
    plain = requests.get(live_server + "/sparql", params={"query": query}, timeout=30,
                         headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers


# --- limits: a server of its own, with small limits ------------------------------------------

@pytest.fixture(scope="module")
def limited_server(build_dir):
    env = {**TEST_ENV, "APPARAT_QUERY_TIMEOUT": "3", "APPARAT_MAX_ROWS": "5", "APPARAT_QUERY_EXECUTORS": "2"}
    with ServerProcess(build_dir, "--workers", "1", env=env) as server:
        yield server.base_url


def test_row_cap_is_announced(limited_server):
    response = get(limited_server, query="SELECT * WHERE { ?s ?p ?o }")
    assert response.headers["X-Apparat-Truncated"] == "true; limit=5"
    assert len(response.json()["results"]["bindings"]) == 5
    small = get(limited_server, query="SELECT * WHERE { ?s ?p ?o } LIMIT 3")
    assert "X-Apparat-Truncated" not in small.headers


def test_runaway_query_times_out_while_others_are_answered(limited_server):
    outcome = {}

    def runaway():
        outcome["response"] = get(limited_server, query=RUNAWAY)

    thread = threading.Thread(target=runaway)
    thread.start()
    try:
        cheap = get(limited_server, query="ASK { apid:organ\\/politburo a ap:PartyOrgan }", format="json")
        answered_while_running = thread.is_alive()
        assert cheap.status_code == 200 and cheap.json()["boolean"] is True
        assert answered_while_running, "the cheap query should be answered while the runaway one still runs"
    finally:
        thread.join(timeout=60)
    response = outcome["response"]
    assert response.status_code == 503
    assert "time limit" in response.text
    # the executor that ran it was replaced: the server still answers
    assert get(limited_server, query="ASK {}", format="json").json()["boolean"] is True


# --- the response cache -------------------------------------------------------------------------

def test_repeated_answers_come_from_the_cache_with_the_build_as_etag(live_server, build_dir):
    etag = json.loads((build_dir / "build.json").read_text())["etag"]
    query = ORGANS + " # cache test"
    first, again = get(live_server, query=query), get(live_server, query=query)
    assert first.headers["X-Cache"] == "miss" and again.headers["X-Cache"] == "hit"
    assert first.content == again.content and first.headers["ETag"] == again.headers["ETag"]
    assert etag in first.headers["ETag"]
    body = {"query": query + " posted"}
    posted = [requests.post(live_server + "/sparql", data=body, timeout=10) for _ in range(2)]
    assert [p.headers["X-Cache"] for p in posted] == ["miss", "hit"]
    assert get(live_server, query=query, format="csv").headers["X-Cache"] == "miss"  # another format
    assert get(live_server, query=query, infer="false").headers["X-Cache"] == "miss"  # another dataset


def test_a_construct_after_a_prefix_named_ask_is_a_graph(live_server):
    response = get(live_server, query="PREFIX ask: <http://e/> CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 2")
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/turtle")


def test_busy_answers_say_when_to_retry(limited_server):
    statuses = []

    def runaway():
        statuses.append(get(limited_server, query=RUNAWAY + " # " + str(threading.get_ident())))

    threads = [threading.Thread(target=runaway) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(r.status_code == 503 and int(r.headers["Retry-After"]) > 0 for r in statuses)


_ACCEPTS = [None, "", "*/*", "application/json", "text/xml", "text/html", "text/html,application/xhtml+xml,*/*;q=0.8",
            "text/csv;q=0.5, application/sparql-results+xml", "application/n-triples, text/turtle;q=0.9",
            "image/png", "text/*;q=0.3, text/html;q=0.7", "application/ld+json;q=0, */*;q=0.1"]


@pytest.mark.parametrize("names", [[], ["csv"], ["nope"], ["nope", "ttl"]])
def test_remembered_negotiation_is_the_one_each_request_would_make(app, names):
    """The negotiations remembered per Accept header (``results.negotiate_both``) and the editor's
    check (``editor.prefers_page``) say what werkzeug's parse of that request's Accept says."""
    from apparat.web.editor import _ranks_html_first, prefers_page
    from apparat.web.results import GRAPH_FORMATS, RESULT_FORMATS, _negotiate, negotiate_both
    from flask import request

    too_long = "text/html;q=0.9, " + "x/y;q=0.1, " * 200 + "*/*;q=0.2"  # over 1 kB: negotiated each time
    for accept in [*_ACCEPTS, too_long]:
        headers = {} if accept is None else {"Accept": accept}
        for _ in range(2):  # the second time from memory
            with app.test_request_context("/sparql", headers=headers):
                fresh = (_negotiate(names, RESULT_FORMATS, lambda: request.accept_mimetypes),
                         _negotiate(names, GRAPH_FORMATS, lambda: request.accept_mimetypes))
                assert negotiate_both(names) == fresh, accept
                assert prefers_page() == _ranks_html_first(request.accept_mimetypes), accept


def test_an_answer_is_conditional_as_werkzeug_makes_it(client):
    """A GET answer carries Date, Content-Length, ETag and Last-Modified, and its ETag or date
    sent back gets 304 (``http._conditional`` leaves conditional requests to werkzeug)."""
    url = "/sparql?query=" + requests.utils.quote("ASK { ?s ?p ?o }")
    first = client.get(url, headers={"Accept": "application/sparql-results+json"})
    assert first.status_code == 200
    assert {"Date", "Content-Length", "ETag", "Last-Modified"} <= set(first.headers.keys())
    assert int(first.headers["Content-Length"]) == len(first.data)
    for header in ("If-None-Match", "If-Modified-Since"):
        value = first.headers["ETag" if header == "If-None-Match" else "Last-Modified"]
        again = client.get(url, headers={"Accept": "application/sparql-results+json", header: value})
        assert again.status_code == 304, header
