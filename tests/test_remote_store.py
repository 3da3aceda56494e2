"""Serving through a remote SPARQL store (setting ``store``): a real ``oxigraph serve`` on loopback.

The session's build is uploaded into it (``apparat.build.upload``, what ``apparat
build --store`` runs) and ``apparat serve --store URL`` answers through it; every
saved query must give the embedded server's answer. The failure tests use a
store of their own with a tiny build: stopped (``SIGSTOP``: slow) is ``504``
within the deadline, killed (down) is ``502``, and both recover.
"""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import time

import pytest
import requests
from conftest import TEST_ENV
from harness import Listener, OxigraphServer, ServerProcess, oxigraph_binary
from test_operations import wait_for

from apparat.build import BuildInputs, build
from apparat.build.upload import upload
from apparat.errors import BuildError
from apparat.query.remote import UNION, RemoteStore, store_endpoints
from apparat.query.saved import load_saved_queries
from apparat.settings import load_settings

pytestmark = pytest.mark.skipif(oxigraph_binary() is None,
                                reason="needs oxigraph serve (PyPI oxigraph, in the test extra: make setup)")


def _example_url(query) -> str:
    from urllib.parse import urlencode

    params = {p.name: p.example if p.example is not None else p.default for p in query.parameters}
    return f"/queries/{query.name}?" + urlencode({k: v for k, v in params.items() if v is not None})


def _rows(base: str, path: str) -> list[tuple]:
    """A saved query's rows (CSV), or triples (N-Triples lines), sorted."""
    response = requests.get(base + path, headers={"Accept": "text/csv, application/n-triples"}, timeout=60)
    assert response.status_code == 200, (path, response.text[:300])
    return sorted(tuple(row) for row in csv.reader(io.StringIO(response.text)))


def test_every_saved_query_answers_the_same_through_oxigraph(embedded_server, store_server):
    queries = [q for q in load_saved_queries(load_settings()["queries_dir"]).values() if "SERVICE" not in q.text]
    assert len(queries) > 20
    for query in queries:
        path = _example_url(query)
        assert _rows(store_server, path) == _rows(embedded_server, path), path


@pytest.mark.parametrize("query", [
    "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }",                      # the union, each triple once
    "SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",  # the data's graphs only
    "CONSTRUCT WHERE { ?s a ?o } ORDER BY ?s ?o LIMIT 20",
    "ASK { ?s ?p ?o }",
])
@pytest.mark.parametrize("infer", ["true", "false"])
def test_dataset_and_infer_are_those_of_the_embedded_store(embedded_server, store_server, query, infer):
    def answer(base):
        response = requests.get(base + "/sparql", params={"query": query, "infer": infer},
                                headers={"Accept": "text/csv, application/n-triples"}, timeout=60)
        assert response.status_code == 200, response.text
        return sorted(response.text.splitlines())

    assert answer(store_server) == answer(embedded_server)


def test_health_and_etag_name_the_build_the_store_holds(store_server, build_dir):
    manifest = json.loads((build_dir / "build.json").read_text())
    health = requests.get(store_server + "/health", timeout=10).json()
    assert health["etag"] == manifest["etag"]
    response = requests.get(store_server + "/sparql", params={"query": "ASK {}"}, timeout=10)
    assert response.headers["ETag"] == f'W/"{manifest["etag"]}-json"'


def test_checks_apply_before_the_query_leaves(store_server):
    bad = requests.get(store_server + "/sparql", params={"query": "SELECT * {\n ?s ?p"}, timeout=10)
    assert bad.status_code == 400 and "line 2, column" in bad.text
    service = requests.get(store_server + "/sparql", timeout=10,
                           params={"query": "SELECT * { SERVICE <http://127.0.0.1:1/x> { ?s ?p ?o } }"})
    assert service.status_code == 400 and "not allowed" in service.text
    update = requests.post(store_server + "/sparql", data={"update": "CLEAR ALL"}, timeout=10)
    assert update.status_code == 403
    deep = requests.get(store_server + "/sparql", params={"query": "ASK " + "{" * 300 + "}" * 300}, timeout=10)
    assert deep.status_code == 400 and "deep" in deep.text


def test_a_syntax_error_behind_a_service_keeps_its_column():
    import pyoxigraph as ox

    from apparat.errors import QuerySyntaxError
    from apparat.query.remote import check_syntax
    from apparat.query.sparql import syntax_error

    text = "SELECT * {\n  SERVICE SILENT <http://127.0.0.1:1/> { ?s ?p } }"
    with pytest.raises(SyntaxError) as original:  # a parse error: nothing is evaluated, no call made
        ox.Store().query(text)
    with pytest.raises(QuerySyntaxError) as found:
        check_syntax(text, prefixes={}, base_iri=None)
    expected = syntax_error(original.value)
    assert (found.value.line, found.value.column) == (expected.line, expected.column)


def test_row_cap_is_exact_through_the_store(build_dir, oxigraph_store):
    env = {**TEST_ENV, "APPARAT_MAX_ROWS": "5"}
    with ServerProcess(build_dir, "--store", oxigraph_store.url, "--workers", "1", env=env) as server:
        response = requests.get(server.base_url + "/sparql", headers={"Accept": "text/csv"},
                                params={"query": "SELECT * { ?s ?p ?o }"}, timeout=30)
        assert response.headers["X-Apparat-Truncated"] == "true; limit=5"
        assert len(response.text.splitlines()) == 6


def test_entity_page_and_labels_through_the_store(embedded_server, store_server):
    def page(base):
        response = requests.get(base + "/id/person/bukharin", headers={"Accept": "text/turtle"}, timeout=60)
        assert response.status_code == 200
        return response.text

    assert page(store_server) == page(embedded_server)
    html = requests.get(store_server + "/id/organ/politburo", headers={"Accept": "text/html"}, timeout=60)
    assert html.status_code == 200 and "Politburo" in html.text


def test_a_server_without_the_build_folder_serves_queries_and_says_where_the_dump_is(oxigraph_store, tmp_path):
    with ServerProcess(tmp_path / "no-build", "--store", oxigraph_store.url, "--workers", "1",
                       env=TEST_ENV) as server:
        ask = requests.get(server.base_url + "/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=30)
        assert ask.json()["boolean"] is True
        dump = requests.get(server.base_url + "/dataset.nq", timeout=30)
        assert dump.status_code == 503 and "remote SPARQL store" in dump.text


# --- build --store: idempotent, resumable ----------------------------------------------------

@pytest.fixture(scope="module")
def tiny_build(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tiny")
    (folder / "data.trig").write_text(
        "<http://e/a> <http://e/p> <http://e/b> .\n"
        "<http://e/g1> { <http://e/a> <http://e/p> <http://e/c> . <http://e/x> <http://e/p> <http://e/y> }\n"
        "<http://e/g2> { <http://e/a> <http://e/p> <http://e/c> . <http://e/a> <http://e/q> 1 }\n",
        encoding="utf-8")
    build(BuildInputs.from_paths([folder / "data.trig"]), folder / "build", reasoning=False)
    return folder / "build"


def _count(store_url: str, query: str, **fields) -> int:
    remote = RemoteStore(store_endpoints(store_url).query, max_rows=10)
    answer = remote._answer([("query", query), *fields.items()])
    return int(next(iter(answer))["n"].value)


@pytest.mark.parametrize("batch, bulk", [(0, True), (1, True), (0, False)],
                         ids=["streamed-bulk", "batched-bulk", "streamed-transactional"])
def test_upload_is_idempotent_and_resumes_where_it_stopped(tiny_build, tmp_path, batch, bulk):
    """Each way of sending: one chunked PUT per graph (batch 0), or PUT then POSTs of ``batch``
    triples; through Oxigraph's bulk loader (``no_transaction``, detected) or its transactions."""
    with OxigraphServer(tmp_path / "ox") as store:
        settings = load_settings({"store": store.url, "store_batch": batch, "store_bulk": bulk})
        with pytest.raises(BuildError):
            upload(tiny_build, settings, stop_after=2)  # an interruption after two graphs
        assert RemoteStore(store_endpoints(store.url).query, max_rows=10).read_manifest() is None
        lines = []
        resumed = upload(tiny_build, settings, log=lines.append)
        assert any("bulk loader" in line for line in lines) is bulk
        assert len(resumed.resumed) == 2 and resumed.sent
        again = upload(tiny_build, settings)
        assert again.unchanged
        forced = upload(tiny_build, settings, force=True)
        assert not forced.resumed
        everything = "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }"
        # g1, g2 (2 each) and the plain triples' graph (1), written three times and held once;
        # the asserted union and the union (4 distinct each); the metadata graph (the checksum and
        # the manifest, in one part)
        assert _count(store.url, everything) == 2 + 2 + 1 + 4 + 4 + 2
        assert _count(store.url, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", **{"default-graph-uri": UNION}) == 4
        assert not list(tiny_build.glob(".upload-*"))


def test_a_streamed_put_the_store_refuses_stops_the_upload_with_its_answer(tiny_build, tmp_path):
    """An Oxigraph server's 404 for a Graph Store path it lacks: the streamed PUT's answer is read
    and named, and the marker claims no graph."""
    with OxigraphServer(tmp_path / "ox") as store:
        settings = load_settings({"store": store.url, "store_graph_url": store.url + "/no-such-path"})
        with pytest.raises(BuildError, match=r"answered PUT <.*> with 404: .*not supported"):
            upload(tiny_build, settings)
        marker = json.loads(next(tiny_build.glob(".upload-*")).read_text())
        assert marker["done"] == {}
        next(tiny_build.glob(".upload-*")).unlink()


# --- the store fails: 502 when down, 504 when slow, within the deadline ----------------------

@pytest.fixture(scope="module")
def fragile(tiny_build, tmp_path_factory):
    with OxigraphServer(tmp_path_factory.mktemp("fragile") / "ox") as store:
        upload(tiny_build, load_settings({"store": store.url}))
        env = {**TEST_ENV, "APPARAT_QUERY_TIMEOUT": "3", "APPARAT_CACHE_BYTES": "0"}
        with ServerProcess(tiny_build, "--store", store.url, "--workers", "1", env=env) as server:
            yield store, server.base_url


def _ask(base: str) -> requests.Response:
    return requests.get(base + "/sparql", params={"query": "ASK { ?s ?p ?o }"},
                        headers={"Accept": "application/json"}, timeout=30)


def test_store_down_is_502_health_503_and_the_server_recovers(fragile):
    store, base = fragile
    assert _ask(base).status_code == 200
    assert _health(base) == (200, "ok", "ok")
    store.stop()
    try:
        down = _ask(base)
        assert down.status_code == 502, down.text
        assert "cannot be reached" in down.json()["message"]
        # /health asks the store (answers kept a second): a load balancer takes this replica out.
        assert wait_for(lambda: _health(base) == (503, "store_down", "down"), 10), _health(base)
        answer = requests.get(base + "/health", timeout=10)
        assert answer.headers["X-Apparat-Reason"] == "health_store_down" and answer.headers["Retry-After"] == "2"
    finally:
        store.start()
    assert _ask(base).json()["boolean"] is True
    assert wait_for(lambda: _health(base) == (200, "ok", "ok"), 10), _health(base)


def test_an_answer_the_store_garbles_is_a_502_that_names_the_store(tiny_build, tmp_path):
    """A store's answer that does not parse is the store's 502: it said a SERVICE endpoint had
    sent a bad answer (found through Virtuoso's blank node labels, test_virtuoso.py)."""
    def garble(body: bytes) -> bytes:
        return body.replace(b'"garbled"', b'"garbled')  # an unterminated string in the answer

    with OxigraphServer(tmp_path / "ox") as store:
        upload(tiny_build, load_settings({"store": store.url}))
        with Listener(store.url, rewrite=garble) as front, \
                ServerProcess(tiny_build, "--store", front.url, "--workers", "1", env=TEST_ENV) as server:
            answer = requests.get(server.base_url + "/sparql", timeout=30,
                                  params={"query": 'SELECT ?x { BIND("garbled" AS ?x) }'},
                                  headers={"Accept": "application/sparql-results+json"})
            assert answer.status_code == 502, answer.text
            message = answer.text
            assert f"store at {front.url}/query sent an answer that does not parse" in message, message
            assert "SERVICE" not in message
            assert _ask(server.base_url).json()["boolean"] is True  # and the next query is answered


def _health(base: str) -> tuple[int, str, str]:
    answer = requests.get(base + "/health", timeout=10)
    return answer.status_code, answer.json()["status"], answer.json().get("store")


def test_store_slow_is_504_within_the_deadline(fragile):
    store, base = fragile
    os.kill(store.process.pid, signal.SIGSTOP)
    try:
        started = time.monotonic()
        slow = _ask(base)
        took = time.monotonic() - started
        assert slow.status_code == 504, slow.text
        assert "did not answer in time" in slow.json()["message"]
        assert took < 3 + 2  # liveness: the 3 s deadline, not the store, ended it
    finally:
        os.kill(store.process.pid, signal.SIGCONT)
    assert _ask(base).json()["boolean"] is True


def test_the_build_command_uploads_with_store(tiny_build, tmp_path):
    from click.testing import CliRunner

    from apparat.cli import main

    data = tiny_build.parent / "data.trig"
    with OxigraphServer(tmp_path / "ox") as store:
        args = ["build", "--data", str(data), "--no-reasoning", "--build-dir", str(tmp_path / "build"),
                "--store", store.url]
        first = CliRunner().invoke(main, args)
        assert first.exit_code == 0, first.output
        assert "store " + store.url in first.output and "triples sent" in first.output
        again = CliRunner().invoke(main, args)
        assert again.exit_code == 0 and "unchanged in" in again.output.splitlines()[-1]
        held = RemoteStore(store_endpoints(store.url).query, max_rows=10).read_manifest()
        assert held["etag"] == json.loads((tmp_path / "build" / "build.json").read_text())["etag"]


def test_why_the_union_is_uploaded_oxigraph_merges_graphs_as_a_bag(tiny_build, tmp_path):
    """<a> <p> <c> is in g1 and in g2: oxigraph's own union of the two counts it twice, ours once."""
    with OxigraphServer(tmp_path / "ox") as store:
        upload(tiny_build, load_settings({"store": store.url}))
        query = "SELECT (COUNT(*) AS ?n) { <http://e/a> <http://e/p> <http://e/c> }"
        pair = [("default-graph-uri", "http://e/g1"), ("default-graph-uri", "http://e/g2")]
        remote = RemoteStore(store_endpoints(store.url).query, max_rows=10)
        assert int(next(iter(remote._answer([("query", query), *pair])))["n"].value) == 2
        assert _count(store.url, query, **{"default-graph-uri": UNION}) == 1
