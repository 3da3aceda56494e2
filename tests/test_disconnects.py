"""Clients that go away mid-query, on the real server (granian's ASGI front, one worker, loopback).

A client sends a query and closes its socket, several times in a row: after the first bytes
of a large answer (30,000 rows, 7.6 MB of JSON) on the query fast path
(``server.front.QueryFront``), on the Flask path in the pool (a form POST) and as a front-cache
hit (answered on the event loop); or before any byte, while a slow query is evaluated (one that
ends on its own, and two runaways that the deadline stops). Another client (127.0.0.2) asks
cheap queries meanwhile (between the drops, for the slow query, whose one busy executor tells
that it runs), each a new text, so an executor answers each. Then each test checks that

- the other client's cheap queries were all answered, rightly, each within a liveness bound;
- no executor stayed busy with a dropped query longer than the query itself takes (the pool
  drains an answer before its first byte is sent; nothing stops a query whose client left, so a
  runaway runs to its deadline, as it would for a client that stayed): ``/health``'s ``busy`` and
  ``waiting`` come back to 0 with every executor alive, and ``/metrics`` counts no executor
  killed, died or started but the runaways killed at their deadline and their replacements;
- the next requests, on new connections from the dropping address, get complete answers, byte
  for byte those fetched before the drops (no leftover of a dropped answer in an executor's pipe
  or the front's buffers), so that address's query slots were given back too (a slot kept per
  dropped query would have left it none);
- the server logged no traceback.

Bounds are liveness bounds of a few seconds; only 127.0.0.0/8 is contacted.
"""

from __future__ import annotations

import contextlib
import http.client
import itertools
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
from test_operations import wait_for

JSON = "application/sparql-results+json"
#: Tens of thousands of rows (the row cap below), 7.6 MB of JSON, in well under a second.
BIG = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
ROWS = 30_000
#: A count over 21 million solutions: about 2 s of evaluation (long enough for /health, polled,
#: to see it run on a fast machine; well under the deadline on a loaded one), one small row.
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d a ap:PartyOrgan . ?d a ?t }"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
CHEAP = "ASK { apid:organ\\/politburo a ap:PartyOrgan }"
TIMEOUT = 8.0
EXECUTORS = 3
#: How long any cheap answer, or the server's return to rest, may take (a liveness bound).
LIVELY = 3.0
#: How long replacements of killed executors may take to start on a loaded machine (liveness).
RESTART = 15.0
DROPS = 5


@pytest.fixture(scope="module")
def server(build_dir):
    env = {**TEST_ENV, "APPARAT_HTTP_INTERFACE": "asgi", "APPARAT_QUERY_TIMEOUT": str(TIMEOUT),
           "APPARAT_QUERY_EXECUTORS": str(EXECUTORS), "APPARAT_CLIENT_QUERIES": "2",
           "APPARAT_MAX_ROWS": str(ROWS)}
    with ServerProcess(build_dir, "--workers", "1", env=env) as running:
        yield running


@pytest.fixture()
def quiet(server):
    """The server at rest before a test: no executor busy, none waited for, all alive."""
    assert wait_for(lambda: at_rest(server), TIMEOUT + RESTART), executors(server)
    return server


def address(server) -> tuple[str, int]:
    parts = urllib.parse.urlsplit(server.base_url)
    return parts.hostname, parts.port


def target(query: str) -> str:
    return "/sparql?" + urllib.parse.urlencode({"query": query})


def fetch(server, query: str, *, source: str = "127.0.0.1", form: bool = False) -> tuple[int, dict, bytes]:
    """One whole answer on a new connection from ``source``: status, headers (lower-case names), body.
    ``form``: a form POST, which Flask answers; else a GET, which the fast path takes."""
    host, port = address(server)
    connection = http.client.HTTPConnection(host, port, timeout=30, source_address=(source, 0))
    try:
        if form:
            connection.request("POST", "/sparql", body=urllib.parse.urlencode({"query": query}),
                               headers={"Accept": JSON, "Content-Type": "application/x-www-form-urlencoded"})
        else:
            connection.request("GET", target(query), headers={"Accept": JSON})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def raw_request(server, query: str, *, form: bool = False) -> bytes:
    """The bytes of the request :func:`fetch` sends (``http.client``'s Host, Accept and encoding)."""
    host, port = address(server)
    head = f"Host: {host}:{port}\r\nAccept-Encoding: identity\r\nAccept: {JSON}\r\n"
    if not form:
        return f"GET {target(query)} HTTP/1.1\r\n{head}\r\n".encode()
    body = urllib.parse.urlencode({"query": query}).encode()
    return (f"POST /sparql HTTP/1.1\r\n{head}Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body


def connect(server, source: str = "127.0.0.1") -> socket.socket:
    return socket.create_connection(address(server), timeout=30, source_address=(source, 0))


def drop_after_first_bytes(server, request: bytes, first: int = 1024) -> tuple[bytes, bytes]:
    """Send ``request``, read its answer's header block and ``first`` bytes of its body, and close
    the socket with the rest unread (the kernel answers the server's next bytes with a reset).
    Returns the header block and the body bytes read."""
    with connect(server) as sock:
        sock.sendall(request)
        seen = b""
        while b"\r\n\r\n" not in seen or len(seen.partition(b"\r\n\r\n")[2]) < first:
            chunk = sock.recv(4096)
            if not chunk:
                break
            seen += chunk
    head, _sep, body = seen.partition(b"\r\n\r\n")
    return head, body


def executors(server) -> dict:
    """``/health``'s ``executors``: size, alive, busy, waiting."""
    return requests.get(server.base_url + "/health", timeout=10).json()["executors"]


def at_rest(server) -> bool:
    now = executors(server)
    return now["busy"] == 0 and now["waiting"] == 0 and now["alive"] == now["size"]


def events(server) -> dict[str, float]:
    """``/metrics``' executor life-cycle counts: started, killed, died."""
    text = requests.get(server.base_url + "/metrics", timeout=10).text
    return {s.labels["event"]: s.value for family in text_string_to_metric_families(text)
            for s in family.samples if s.name == "apparat_executor_events_total"}


def ask_cheap(server, n: int) -> tuple[int, float, bytes]:
    """The other client (127.0.0.2) asks a cheap query, a new text each time (so an executor
    answers it, never a cache): (status, seconds, body)."""
    started = time.monotonic()
    try:
        status, _headers, body = fetch(server, f"{CHEAP} # other {n}", source="127.0.0.2")
    except OSError:
        status, body = 0, b""
    return status, time.monotonic() - started, body


@contextlib.contextmanager
def other_client(server):
    """:func:`ask_cheap` in a loop while the block runs; yields the list of its answers (it has
    at least one by the end)."""
    answers: list[tuple[int, float, bytes]] = []
    stop = threading.Event()

    def ask():
        for n in itertools.count():
            answers.append(ask_cheap(server, n))
            if stop.wait(0.05):
                return

    asker = threading.Thread(target=ask, daemon=True)
    asker.start()
    try:
        yield answers
    finally:
        wait_for(lambda: answers, LIVELY)
        stop.set()
        asker.join(timeout=30)


def assert_answered(answers: list, wanted: bytes) -> None:
    """Every cheap answer the other client got was the right one, in time."""
    assert answers and all(status == 200 and body == wanted for status, _s, body in answers), answers
    assert max(seconds for _st, seconds, _b in answers) < LIVELY, answers


def assert_no_error_logged(server, mark: int) -> None:
    """The server's log since ``mark`` (a length of ``server.log``) holds no traceback."""
    assert not [line for line in server.log[mark:] if "Traceback" in line or "[ERROR]" in line]


def references(server) -> dict[str, bytes]:
    """The whole answers the tests compare with, each fetched on its own before any drop."""
    found = {}
    for name, query in (("big", BIG), ("slow", SLOW), ("cheap", CHEAP)):
        status, headers, body = fetch(server, query)
        assert status == 200, (name, body[:300])
        found[name] = body
    assert json.loads(found["big"])["results"]["bindings"][ROWS - 1]
    return found


def assert_next_answers_whole(server, wanted: dict[str, bytes], tag: str) -> None:
    """New texts (no cache can answer them) on new connections get complete, right answers."""
    status, headers, body = fetch(server, f"{BIG} # after {tag}")
    assert status == 200 and headers["x-cache"] == "miss" and headers["x-apparat-rows"] == str(ROWS)
    assert int(headers["content-length"]) == len(body) and body == wanted["big"]
    for name, query in (("slow", SLOW), ("cheap", CHEAP)):
        status, headers, body = fetch(server, f"{query} # after {tag}")
        assert (status, headers["x-cache"], body) == (200, "miss", wanted[name])


@pytest.mark.parametrize("path", ["fast", "flask", "cached"])
def test_clients_that_close_mid_answer_leave_no_busy_executor_and_no_stray_bytes(quiet, path):
    server = quiet
    wanted = references(server)
    before, mark = events(server), len(server.log)
    with other_client(server) as answers:
        for n in range(DROPS):
            query = BIG if path == "cached" else f"{BIG} # drop {n}"
            head, body = drop_after_first_bytes(server, raw_request(server, query, form=path == "flask"))
            assert head.startswith(b"HTTP/1.1 200"), head
            assert f"x-cache: {'hit' if path == 'cached' else 'miss'}".encode() in head.lower(), head
            assert body and wanted["big"].startswith(body)
    assert_answered(answers, wanted["cheap"])
    assert wait_for(lambda: at_rest(server), LIVELY), executors(server)
    assert events(server) == before  # nothing killed, died or replaced: each query ended by itself
    assert_next_answers_whole(server, wanted, path)
    assert_no_error_logged(server, mark)


def test_clients_that_close_while_a_slow_query_runs_free_its_executor_when_it_ends(quiet):
    server = quiet
    wanted = references(server)
    before, mark = events(server), len(server.log)
    answers = []
    for n in range(DROPS):
        with connect(server) as sock:
            sock.sendall(raw_request(server, f"{SLOW} # drop {n}"))
            # Nothing else runs: the one busy executor evaluates this query. Then leave.
            assert wait_for(lambda: executors(server)["busy"] == 1, LIVELY), executors(server)
        answers.append(ask_cheap(server, n))  # most likely while the dropped query still runs
        assert wait_for(lambda: at_rest(server), TIMEOUT + LIVELY), executors(server)
    assert_answered(answers, wanted["cheap"])
    assert events(server) == before  # each ran to its end, within the deadline, and was not killed
    assert_next_answers_whole(server, wanted, "slow")
    assert_no_error_logged(server, mark)


def test_clients_that_close_while_runaways_run_hold_executors_only_until_the_deadline(quiet):
    server = quiet
    wanted = references(server)
    before, mark = events(server), len(server.log)
    sockets = [connect(server) for _ in range(2)]  # this address's two query slots
    try:
        for n, sock in enumerate(sockets):
            sock.sendall(raw_request(server, f"{RUNAWAY} # drop {n}"))
        assert wait_for(lambda: executors(server)["busy"] == 2, LIVELY), executors(server)
    finally:
        for sock in sockets:
            sock.close()
    with other_client(server) as answers:  # on the third executor, then on the replacements too
        assert wait_for(lambda: at_rest(server), TIMEOUT + RESTART), executors(server)
    assert_answered(answers, wanted["cheap"])
    after = events(server)
    assert after["killed"] - before["killed"] == 2 and after["died"] == before["died"]
    assert after["started"] - before["started"] == 2  # their replacements
    assert_next_answers_whole(server, wanted, "runaway")
    assert_no_error_logged(server, mark)
