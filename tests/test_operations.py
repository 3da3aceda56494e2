"""Operating it in public, against the real server (granian, two workers) on loopback:
``/metrics`` parses and its counters move, the JSON request log says what happened,
``/health`` says what it serves, and every limit is refused before work is done.

Liveness bounds only (a few seconds); only 127.0.0.0/8 is contacted.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import socket
import threading
import time
import urllib.parse

import pytest
import requests
from conftest import TEST_ENV
from harness import ServerProcess
from prometheus_client.parser import text_string_to_metric_families

CHEAP = "ASK { apid:organ\\/politburo a ap:PartyOrgan }"
ORGANS = "SELECT ?o WHERE { ?o a ap:PartyOrgan } ORDER BY ?o LIMIT 3"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
TIMEOUT = 3
MAX_QUERY = 2000
MAX_FIELDS = 8
JSON = {"Accept": "application/sparql-results+json"}


@pytest.fixture(scope="module")
def server(build_dir, tmp_path_factory):
    logs = tmp_path_factory.mktemp("logs")
    env = {**TEST_ENV, "APPARAT_QUERY_TIMEOUT": str(TIMEOUT), "APPARAT_QUERY_EXECUTORS": "2",
           "APPARAT_CLIENT_QUERIES": "1", "APPARAT_THREADS": "8", "APPARAT_MAX_QUERY_LENGTH": str(MAX_QUERY),
           "APPARAT_MAX_FORM_FIELDS": str(MAX_FIELDS), "APPARAT_MAX_HEADER_BYTES": "65536",
           "APPARAT_ACCESS_LOG": str(logs / "access.jsonl"), "APPARAT_QUERY_LOG": str(logs / "queries.jsonl")}
    with ServerProcess(build_dir, "--workers", "2", env=env) as running:
        running.logs = logs
        yield running


def scrape(server) -> dict[tuple[str, tuple], float]:
    """Every sample of ``/metrics``, by (name, sorted labels)."""
    response = requests.get(server.base_url + "/metrics", timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def total(samples, name: str, **labels) -> float:
    """The sum of ``name``'s samples whose labels include ``labels``."""
    wanted = set(labels.items())
    return sum(v for (n, ls), v in samples.items() if n == name and wanted <= set(ls))


def post(server, query: str, source: str = "127.0.0.1", timeout: float = 30.0,
         headers: dict | None = None) -> tuple[int, dict, bytes]:
    parts = urllib.parse.urlsplit(server.base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout, source_address=(source, 0))
    try:
        connection.request("POST", "/sparql", body=query.encode(),
                           headers={"Content-Type": "application/sparql-query", **JSON, **(headers or {})})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def raw(server, data: bytes) -> bytes:
    parts = urllib.parse.urlsplit(server.base_url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(data)
        return sock.recv(4096)


def log_lines(server, name: str = "access.jsonl") -> list[dict]:
    path = server.logs / name
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()] if path.exists() else []


def wait_for(predicate, seconds: float = 10.0):
    """Poll ``predicate`` until it returns something true (a liveness bound, not a timing)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.1)
    return predicate()


# --- metrics ------------------------------------------------------------------------------------

def test_metrics_parse_and_move_with_queries_a_timeout_and_a_refusal(server, build_dir):
    manifest = json.loads((build_dir / "build.json").read_text())
    # Two workers, two executors each (the second worker may still be starting its own).
    before = wait_for(lambda: (lambda m: m if total(m, "apparat_executors", state="alive") == 4 else None)(
        scrape(server)), 30)
    assert before, "the executors of both workers did not come up"
    assert total(before, "apparat_build_info", etag=manifest["etag"], built_at=manifest["built_at"]) >= 1
    assert total(before, "apparat_build_age_seconds") > 0
    for _ in range(4):  # two workers: at least one sees it twice (a cache hit)
        answer = requests.get(server.base_url + "/sparql", params={"query": ORGANS}, headers=JSON, timeout=10)
        assert answer.status_code == 200
    status, headers, body = post(server, RUNAWAY, source="127.0.0.2", timeout=TIMEOUT + 10)
    assert status == 503 and headers["X-Apparat-Reason"] == "deadline", body
    refused = requests.post(server.base_url + "/sparql", data={f"f{i}": "x" for i in range(MAX_FIELDS + 1)},
                            timeout=10)
    assert refused.status_code == 413

    def moved():
        after = scrape(server)
        return after if total(after, "apparat_executor_events_total", event="started") > \
            total(before, "apparat_executor_events_total", event="started") else None

    after = wait_for(moved)  # the killed executor's replacement has started
    assert after, "no executor was started after the timeout"

    def delta(name, **labels):
        return total(after, name, **labels) - total(before, name, **labels)

    assert delta("apparat_requests_total", route="/sparql", method="GET", status="200", format="json") == 4
    assert delta("apparat_requests_total", route="/sparql", method="POST", status="503") == 1
    assert delta("apparat_query_timeouts_total", reason="deadline") == 1
    assert delta("apparat_refusals_total", reason="too_many_fields") == 1
    assert delta("apparat_executor_events_total", event="killed") == 1
    assert delta("apparat_cache_lookups_total", result="hit") >= 1
    assert delta("apparat_cache_lookups_total") >= 5
    assert delta("apparat_rows_returned_total") >= 4 * 3
    assert delta("apparat_query_duration_seconds_count") >= 5
    assert delta("apparat_query_duration_seconds_bucket", le="+Inf") >= 5
    assert total(after, "apparat_executors", state="busy") <= 4


# --- logs ---------------------------------------------------------------------------------------

def test_one_json_line_per_request_with_the_query_and_what_became_of_it(server):
    text = "SELECT ?o WHERE { ?o a ap:PartyOrgan } ORDER BY DESC(?o) LIMIT 2 # log test"
    answer = requests.post(server.base_url + "/sparql", data={"query": text}, headers=JSON, timeout=10)
    assert answer.status_code == 200
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    lines = wait_for(lambda: [line for line in log_lines(server) if line.get("query_hash") == digest])
    assert len(lines) == 1
    line = lines[0]
    assert line["route"] == "/sparql" and line["method"] == "POST" and line["status"] == 200
    assert line["query"] == text and line["format"] == "json" and line["rows"] == 2
    assert line["cache"] == "miss" and isinstance(line["executor"], int) and line["client"] == "127.0.0.1"
    assert line["bytes"] == len(answer.content) and 0 < line["duration"] < 10
    assert "time" in line and "refusal" not in line and "timeout" not in line
    full = wait_for(lambda: [q for q in log_lines(server, "queries.jsonl") if q["query_hash"] == digest])
    assert full and full[0]["query"] == text


def test_a_timeout_is_logged_with_its_reason_and_the_executor_kill_with_its_query(server):
    text = RUNAWAY + " # killed in the log test"
    status, _headers, _body = post(server, text, source="127.0.0.3", timeout=TIMEOUT + 10)
    assert status == 503
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    request_lines = wait_for(lambda: [x for x in log_lines(server) if x.get("query_hash") == digest and "status" in x])
    assert [(x["status"], x["timeout"]) for x in request_lines] == [(503, "deadline")]
    killed = [x for x in log_lines(server) if x.get("event") == "executor_killed" and x.get("query_hash") == digest]
    assert len(killed) == 1 and killed[0]["query"] == text[:200] and killed[0]["reason"] == "deadline"
    assert killed[0]["executor"] == request_lines[0]["executor"]


def test_a_refusal_is_logged_with_its_reason(server):
    answer = requests.get(server.base_url + "/sparql", params={"query": "ASK {}", "format": "json", "x": "\u00e9"},
                          timeout=10)
    assert answer.status_code == 200
    bad = requests.get(server.base_url + "/sparql?query=ASK%20%7B%7D%FF&log=refusal-test", timeout=10)
    assert bad.status_code == 400
    lines = wait_for(lambda: [x for x in log_lines(server) if x.get("refusal") == "invalid_utf8"])
    assert lines and lines[-1]["status"] == 400 and lines[-1]["route"] == "/sparql"


# --- health -------------------------------------------------------------------------------------

def test_health_reports_the_build_and_the_executors(server, build_dir):
    manifest = json.loads((build_dir / "build.json").read_text())
    def settled():  # an executor killed by an earlier test is replaced within seconds
        answer = requests.get(server.base_url + "/health", timeout=10)
        return answer if answer.json()["executors"]["alive"] == 2 else None

    answer = wait_for(settled)
    assert answer is not None, "an executor was not replaced"
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    body = answer.json()
    assert body["status"] == "ok" and body["etag"] == manifest["etag"] and body["built_at"] == manifest["built_at"]
    assert body["build_age_seconds"] > 0
    assert body["executors"]["size"] == 2 and body["executors"]["alive"] == 2
    assert 0 <= body["executors"]["busy"] <= 2 and body["executors"]["waiting"] >= 0


# --- limits -------------------------------------------------------------------------------------

def test_a_long_query_is_414_over_get_and_413_over_post(server):
    long_query = "ASK {} #" + "x" * MAX_QUERY
    get = requests.get(server.base_url + "/sparql", params={"query": long_query}, timeout=10)
    form = requests.post(server.base_url + "/sparql", data={"query": long_query}, timeout=10)
    direct = post(server, long_query)
    assert (get.status_code, form.status_code, direct[0]) == (414, 413, 413)
    assert f"limit is {MAX_QUERY}" in get.text and f"limit is {MAX_QUERY}" in form.text
    assert requests.get(server.base_url + "/sparql", params={"query": "ASK {}"}, timeout=10).status_code == 200


def test_too_many_form_fields_are_refused_before_they_are_parsed(server):
    fields = {"query": CHEAP, **{f"f{i}": "x" for i in range(MAX_FIELDS)}}
    form = requests.post(server.base_url + "/sparql", data=fields, timeout=10)
    assert form.status_code == 413 and f"the limit is {MAX_FIELDS}" in form.text
    get = requests.get(server.base_url + "/sparql", params=fields, timeout=10)
    assert get.status_code == 400 and f"the limit is {MAX_FIELDS}" in get.text
    fewer = dict(list(fields.items())[:MAX_FIELDS])
    assert requests.post(server.base_url + "/sparql", data=fewer, headers=JSON, timeout=10).status_code == 200


def test_too_many_or_too_large_headers_are_431(server):
    many = b"".join(b"X-H%d: v\r\n" % i for i in range(150))
    assert raw(server, b"GET /health HTTP/1.1\r\nHost: x\r\n" + many + b"\r\n").startswith(b"HTTP/1.1 431")
    large = b"GET /health HTTP/1.1\r\nHost: x\r\nX-Large: " + b"a" * 70_000 + b"\r\n\r\n"
    assert raw(server, large).startswith(b"HTTP/1.1 431")
    assert raw(server, b"GET /health HTTP/1.1\r\nHost: x\r\nX-Small: " + b"a" * 1000 + b"\r\n\r\n").startswith(
        b"HTTP/1.1 200")


@pytest.mark.parametrize("kind", ["get", "form", "direct"])
def test_invalid_utf8_in_a_query_is_400_naming_the_byte(server, kind):
    if kind == "get":
        answer = requests.get(server.base_url + "/sparql?query=ASK%20%7B%7D%C3%28", timeout=10)
        status, text = answer.status_code, answer.text
    elif kind == "form":
        answer = requests.post(server.base_url + "/sparql", data=b"query=ASK%20%7B%7D%C3%28",
                               headers={"Content-Type": "application/x-www-form-urlencoded"}, timeout=10)
        status, text = answer.status_code, answer.text
    else:
        status, _headers, body = _post_bytes(server, b"ASK {}\xc3\x28")
        text = body.decode()
    assert status == 400, text
    assert "not valid UTF-8: byte 6 (0xc3)" in text and "\ufffd" not in text


def _post_bytes(server, body: bytes):
    parts = urllib.parse.urlsplit(server.base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request("POST", "/sparql", body=body, headers={"Content-Type": "application/sparql-query"})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def test_a_client_with_too_many_queries_in_flight_gets_429_with_retry_after(server):
    results = []
    # Each names another client in X-Forwarded-For: with trusted_proxies empty (here) it is ignored.
    threads = [threading.Thread(target=lambda n=n: results.append(post(
                   server, RUNAWAY, source="127.0.0.5", timeout=TIMEOUT + 15,
                   headers={"X-Forwarded-For": f"198.51.100.{n + 1}"})))
               for n in range(11)]  # in flight at most max(4 x 1, 8 / 2) = 4 per worker; two workers
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=TIMEOUT + 20)
    refused = [(headers, body) for status, headers, body in results if status == 429]
    assert refused, [status for status, _h, _b in results]
    assert all(h["Retry-After"] == "2" and h["X-Apparat-Reason"] == "client_in_flight" for h, _b in refused)
    assert {status for status, _h, _b in results} <= {429, 503}
    assert post(server, CHEAP, source="127.0.0.5")[0] == 200  # and the client is served again after
    logged = wait_for(lambda: [line for line in log_lines(server) if line.get("refusal") == "client_in_flight"])
    assert logged and {line["client"] for line in logged} == {"127.0.0.5"} and not any("peer" in x for x in logged)


def test_the_service_description_states_the_limits(server):
    answer = requests.get(server.base_url + "/sparql", headers={"Accept": "text/turtle"}, timeout=10)
    assert answer.status_code == 200
    from rdflib import Graph

    graph = Graph().parse(data=answer.text, format="turtle")
    ap = "https://w3id.org/apparat/ontology#"
    stated = {str(p).removeprefix(ap): o.toPython() for _s, p, o in graph if str(p).startswith(ap + "max")}
    assert stated["maxQueryLength"] == MAX_QUERY and stated["maxFormFields"] == MAX_FIELDS
    assert stated["maxRequestHeaderBytes"] == 65536 and stated["maxConcurrentQueriesPerClient"] == 1
    assert stated["maxQueriesInFlightPerClient"] == 4 and stated["maxRequestHeaderFields"] == 100
    assert stated["maxRequestBytes"] == 1024 * 1024
