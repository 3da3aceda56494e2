"""The production recipe (``deploy/nginx.conf``) run on loopback: nginx (Debian) in front of
``apparat serve``. It passes queries through, caches GET answers, refuses large bodies
itself, hides ``/admin/``, and buffers request bodies, so 60 clients that send less than
their ``Content-Length`` do not hold the server's threads (they would, straight to granian).
With ``trusted_proxies = 127.0.0.1`` the server takes each client's address from nginx's
``X-Forwarded-For``: two clients get their own query slots and are logged as themselves.
nginx's own ``limit_conn`` refuses a client's 17th request in progress (429, ``Retry-After``)
while another client is answered, and no request through it fails across two reloads.

Skipped, saying so, where nginx is not installed (``apt-get install nginx-light``).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import shutil
import socket
import subprocess
import threading
import time
import urllib.parse
from pathlib import Path

import pytest
import requests
from conftest import TEST_ENV
from harness import ServerProcess

ROOT = Path(__file__).resolve().parents[1]
NGINX = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.path.exists(p)), None)
JSON = {"Accept": "application/sparql-results+json"}

pytestmark = pytest.mark.skipif(NGINX is None, reason="nginx is not installed (Debian: apt-get install nginx-light)")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def _nginx(prefix: Path, upstream: str, replicas: list[str] | None = None):
    """``deploy/nginx.conf`` filled in and run on loopback; yields its base URL.

    With ``replicas``, the upstream block lists those servers instead, each taken out
    for 10 s after a failed connection (README "When you outgrow one machine").
    """
    port = _free_port()
    text = (ROOT / "deploy" / "nginx.conf").read_text()
    if replicas:
        entries = "        server @UPSTREAM@ max_fails=0;\n" * 4
        assert entries in text
        text = text.replace(entries, "".join(f"        server {r} max_fails=1 fail_timeout=10s;\n" for r in replicas))
    for key, value in {"@LISTEN@": f"127.0.0.1:{port}", "@UPSTREAM@": upstream, "@PREFIX@": str(prefix),
                       "@USER@": "user root;" if os.geteuid() == 0 else ""}.items():
        text = text.replace(key, value)
    (prefix / "nginx.conf").write_text(text)
    nginx = subprocess.Popen([NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-g", "daemon off;"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if requests.get(base + "/health", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                if nginx.poll() is not None:
                    pytest.fail("nginx did not start: " + nginx.stderr.read().decode())
                time.sleep(0.1)
        else:
            pytest.fail("nginx never answered /health")
        yield base
    finally:
        nginx.terminate()
        try:
            nginx.wait(timeout=10)
        except subprocess.TimeoutExpired:
            nginx.kill()
            nginx.wait(timeout=10)
        nginx.stderr.close()


@pytest.fixture(scope="module")
def proxied(build_dir, tmp_path_factory):
    prefix = tmp_path_factory.mktemp("nginx")
    with ServerProcess(build_dir, env={**TEST_ENV, "APPARAT_ACCESS_LOG": ""}) as server:
        with _nginx(prefix, urllib.parse.urlsplit(server.base_url).netloc) as base:
            yield base, server


def test_queries_pass_through_and_get_answers_are_cached(proxied):
    base, server = proxied
    params = {"query": "SELECT ?o WHERE { ?o a ap:PartyOrgan } ORDER BY ?o LIMIT 3"}
    direct = requests.get(server.base_url + "/sparql", params=params, headers=JSON, timeout=10)
    first = requests.get(base + "/sparql", params=params, headers=JSON, timeout=10)
    second = requests.get(base + "/sparql", params=params, headers=JSON, timeout=10)
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json() == direct.json()
    assert first.headers["X-Proxy-Cache"] in ("MISS", "EXPIRED") and second.headers["X-Proxy-Cache"] == "HIT"
    assert second.headers["ETag"] == direct.headers["ETag"]
    form = requests.post(base + "/sparql", data=params, headers=JSON, timeout=10)
    assert form.status_code == 200 and form.json() == direct.json()


def test_health_is_not_cached_and_admin_is_hidden(proxied):
    base, _server = proxied
    health = requests.get(base + "/health", timeout=10)
    assert health.status_code == 200 and "X-Proxy-Cache" not in health.headers
    assert requests.post(base + "/admin/reload", timeout=10).status_code == 404


def test_a_large_body_is_refused_by_nginx(proxied):
    base, _server = proxied
    answer = requests.post(base + "/sparql", data=b"A" * (2 * 1024 * 1024),
                           headers={"Content-Type": "application/sparql-query"}, timeout=10)
    assert answer.status_code == 413


def test_bodies_shorter_than_their_length_do_not_hold_the_server(proxied):
    base, _server = proxied
    parts = urllib.parse.urlsplit(base)
    stalled = []
    try:
        for number in range(60):  # more than the server's 32 threads; 15 per address (nginx allows 16)
            sock = socket.create_connection((parts.hostname, parts.port), timeout=5,
                                            source_address=(f"127.0.0.{2 + number % 4}", 0))
            sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                         b"Content-Length: 1000\r\n\r\nASK {}")
            stalled.append(sock)
        time.sleep(0.5)
        started = time.monotonic()
        answer = requests.get(base + "/sparql", params={"query": "ASK { ?s ?p ?o }", "nocache": "1"}, headers=JSON,
                              timeout=20)
        assert answer.status_code == 200 and answer.json()["boolean"] is True
        assert time.monotonic() - started < 5  # a liveness bound: straight to granian it waits for ever
    finally:
        for sock in stalled:
            sock.close()


# --- replicas: two servers on one remote store, one killed under load --------------------------

def test_a_replica_killed_under_load_fails_no_request_beyond_its_own(build_dir, oxigraph_store, tmp_path):
    """Two ``apparat serve --store`` replicas (stateless: the data is in the store) behind nginx;
    four clients send GETs for a bounded time and one replica is killed (SIGKILL) midway.
    A request may fail only if it was in flight on the killed replica (at most one per client
    connection); nginx passes the others, and retries those GETs, to the live one."""
    import signal
    import threading

    env = {**TEST_ENV, "APPARAT_ACCESS_LOG": "", "APPARAT_CACHE_BYTES": "0"}
    with ServerProcess(build_dir, "--store", oxigraph_store.url, "--workers", "1", env=env) as one, \
            ServerProcess(build_dir, "--store", oxigraph_store.url, "--workers", "1", env=env) as two:
        replicas = [urllib.parse.urlsplit(s.base_url).netloc for s in (one, two)]
        with _nginx(tmp_path, replicas[0], replicas) as base:
            results: list[int] = []
            stop = time.monotonic() + 8
            clients = 4

            def load(number: int) -> None:
                n = 0
                with requests.Session() as session:
                    while time.monotonic() < stop:
                        n += 1  # a new text each time: neither cache answers it
                        query = f"SELECT (COUNT(*) AS ?n) {{ ?s a ?o }} # {number}-{n}"
                        try:
                            status = session.get(base + "/sparql", params={"query": query}, headers=JSON,
                                                 timeout=30).status_code
                        except requests.RequestException:
                            status = 0
                        results.append(status)

            threads = [threading.Thread(target=load, args=(i,)) for i in range(clients)]
            for thread in threads:
                thread.start()
            time.sleep(3)
            before = len(results)
            os.killpg(one.process.pid, signal.SIGKILL)
            for thread in threads:
                thread.join(timeout=60)
            failed = [s for s in results if s != 200]
            assert before > 0 and len(results) > before  # answers before and after the kill
            assert len(failed) <= clients, failed
            assert requests.get(base + "/health", timeout=10).status_code == 200
            print(f"replicas: {len(results)} requests, {len(failed)} failed, {before} before the kill")


# --- the client's own address, from X-Forwarded-For (trusted_proxies) ---------------------------

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
CHEAP = "ASK { apid:organ\\/politburo a ap:PartyOrgan }"
TIMEOUT = 3
Headers = http.client.HTTPMessage


@pytest.fixture(scope="module")
def forwarding(build_dir, tmp_path_factory):
    """nginx in front of a server that trusts it (``trusted_proxies = 127.0.0.1``), with one
    query at once and 4 in flight per client (``client_queries = 1``, ``threads = 8``)."""
    prefix, logs = tmp_path_factory.mktemp("nginx-forwarding"), tmp_path_factory.mktemp("logs")
    env = {**TEST_ENV, "APPARAT_TRUSTED_PROXIES": "127.0.0.1", "APPARAT_CLIENT_QUERIES": "1",
           "APPARAT_THREADS": "8", "APPARAT_QUERY_TIMEOUT": str(TIMEOUT), "APPARAT_QUERY_EXECUTORS": "3",
           "APPARAT_ACCESS_LOG": str(logs / "access.jsonl")}
    with ServerProcess(build_dir, "--workers", "1", env=env) as server:
        with _nginx(prefix, urllib.parse.urlsplit(server.base_url).netloc) as base:
            server.access_log = logs / "access.jsonl"
            yield base, server


def _post(base: str, query: str, source: str, headers: dict | None = None) -> tuple[int, Headers, bytes]:
    """POST ``query`` to ``base`` from the address ``source``; return (status, headers, body)."""
    parts = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=TIMEOUT + 20,
                                            source_address=(source, 0))
    try:
        connection.request("POST", "/sparql", body=query.encode(), headers={
            "Content-Type": "application/sparql-query", **JSON, **(headers or {})})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def _log(server) -> list[dict]:
    path = server.access_log
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()] if path.exists() else []


def _refused_by_the_server(results) -> list:
    """The 429s the server gave (its reason header), not nginx's own (``limit_conn``)."""
    return [h for status, h, _b in results if status == 429 and h.get("X-Apparat-Reason") == "client_in_flight"]


def _logged(server, predicate) -> list[dict]:
    """The log lines that satisfy ``predicate``, once there are some (a line is written after its last byte)."""
    deadline = time.monotonic() + 10
    while True:
        found = [line for line in _log(server) if predicate(line)]
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def test_forwarded_clients_each_get_their_own_query_slots(forwarding):
    base, server = forwarding
    greedy: list[tuple[int, Headers, bytes]] = []
    # 127.0.0.2 sends 6 runaways at once: 1 runs, 3 wait, the others are 429 (its own 4 in flight) ...
    threads = [threading.Thread(target=lambda: greedy.append(_post(base, RUNAWAY, "127.0.0.2"))) for _ in range(6)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 10
    while not _refused_by_the_server(greedy) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _refused_by_the_server(greedy), [status for status, _h, _b in greedy]
    # ... while 127.0.0.3, behind the same nginx (the same socket peer), is answered at once.
    status, _headers, body = _post(base, CHEAP, "127.0.0.3")
    still_waiting = len(greedy) < len(threads)
    for thread in threads:
        thread.join(timeout=TIMEOUT + 25)
    assert status == 200 and json.loads(body)["boolean"] is True
    assert still_waiting  # the greedy client's queries were still in flight when the other was answered
    assert {s for s, _h, _b in greedy} <= {429, 503}, [s for s, _h, _b in greedy]

    refused = _logged(server, lambda line: line.get("status") == 429 and line.get("refusal") == "client_in_flight")
    answered = _logged(server, lambda line: line.get("client") == "127.0.0.3" and line.get("route") == "/sparql")
    assert refused and {line["client"] for line in refused} == {"127.0.0.2"}
    assert {line["peer"] for line in refused} == {"127.0.0.1"}  # nginx, as the socket saw it
    assert answered and answered[-1]["status"] == 200 and answered[-1]["peer"] == "127.0.0.1"
    # No metric carries a client's address.
    metrics = requests.get(server.base_url + "/metrics", timeout=10).text
    assert "127.0.0.2" not in metrics and "127.0.0.3" not in metrics


def test_only_a_trusted_peer_is_believed(forwarding):
    """Straight to the server from 127.0.0.4 (not a trusted proxy), X-Forwarded-For is ignored."""
    _base, server = forwarding
    status, _h, _b = _post(server.base_url, CHEAP, "127.0.0.4", {"X-Forwarded-For": "198.51.100.7"})
    assert status == 200
    lines = _logged(server, lambda line: line.get("client") in ("127.0.0.4", "198.51.100.7"))
    assert lines and lines[-1]["client"] == "127.0.0.4" and "peer" not in lines[-1]


def _get_from(base: str, source: str) -> tuple[int, Headers, bytes]:
    """A cheap GET (past nginx's cache) from the address ``source``."""
    parts = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10, source_address=(source, 0))
    try:
        connection.request("GET", "/sparql?query=ASK%7B%7D&nocache=1", headers=JSON)
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def test_more_connections_from_one_client_than_the_limit_get_429_from_nginx(proxied):
    """``limit_conn per_client 16``: with 16 requests in progress from 127.0.0.5 (each announces a
    body it has not sent yet, which nginx waits for), its next is ``429`` with ``Retry-After`` from
    nginx itself (no ``X-Apparat-Reason``: it never reached the server), while a query from
    127.0.0.6 through the same nginx is answered; with 15 in progress the next one is answered."""
    base, _server = proxied
    parts = urllib.parse.urlsplit(base)
    held = []
    try:
        for number in range(16):
            if number == 15:
                assert _get_from(base, "127.0.0.5")[0] == 200  # 15 in progress: under the limit
            sock = socket.create_connection((parts.hostname, parts.port), timeout=5, source_address=("127.0.0.5", 0))
            sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                         b"Content-Length: 1000\r\n\r\nASK {}")
            held.append(sock)
        time.sleep(0.3)
        refused = _get_from(base, "127.0.0.5")
        answered = _get_from(base, "127.0.0.6")
    finally:
        for sock in held:
            sock.close()
    status, headers, body = refused
    assert status == 429, (status, body)
    assert headers["Retry-After"] == "2" and "X-Apparat-Reason" not in headers
    assert headers["Server"].startswith("nginx")
    assert answered[0] == 200 and json.loads(answered[2])["boolean"] is True
    deadline = time.monotonic() + 5  # the held requests closed: nginx frees their places at once
    while _get_from(base, "127.0.0.5")[0] != 200:
        assert time.monotonic() < deadline, "127.0.0.5 still refused after its requests closed"
        time.sleep(0.1)


# --- a reload behind nginx: no client sees the handover -----------------------------------------

def test_no_request_through_nginx_fails_across_reloads(build_dir, tmp_path):
    """Two workers behind nginx, replaced twice (SIGHUP) while two clients send GETs and two send
    POSTs, each on a new connection, so every request, POST included, is answered ``200``:
    before an old worker is stopped its answers say ``Connection: close`` for a moment (nginx
    leaves its kept-alive connections), and a connection it closes unanswered as it stops is
    retried by nginx (``proxy_next_upstream error timeout non_idempotent``, on four entries of
    the one server). Straight to the server a client must retry it itself: README "Reload
    without downtime"."""
    import signal

    env = {**TEST_ENV, "APPARAT_ACCESS_LOG": "", "APPARAT_CACHE_BYTES": "0", "APPARAT_QUERY_EXECUTORS": "1",
           "APPARAT_RELOAD_GRACE": "30"}
    with ServerProcess(build_dir, "--workers", "2", env=env) as server:
        with _nginx(tmp_path, urllib.parse.urlsplit(server.base_url).netloc) as base:
            results: list[tuple[str, int | str]] = []
            stop = threading.Event()

            def load(method: str) -> None:
                n = 0
                while not stop.is_set():
                    n += 1  # a new text each time: nginx's cache never answers it
                    query = f"ASK {{ ?s a ?o }} # {method}-{threading.get_ident()}-{n}"
                    try:
                        if method == "GET":
                            answer = requests.get(base + "/sparql", params={"query": query}, headers=JSON, timeout=30)
                        else:
                            answer = requests.post(base + "/sparql", data={"query": query}, headers=JSON, timeout=30)
                        results.append((method, answer.status_code))
                    except requests.RequestException as err:
                        results.append((method, repr(err)))

            def workers() -> set[int]:
                return {pid for pid in server.descendants()
                        if Path(f"/proc/{pid}/status").exists() and
                        f"PPid:\t{server.process.pid}\n" in Path(f"/proc/{pid}/status").read_text()}

            clients = [threading.Thread(target=load, args=(method,), daemon=True) for method in ("GET", "POST") * 2]
            for client in clients:
                client.start()
            try:
                for _ in range(2):
                    time.sleep(1.5)
                    old = workers()
                    assert len(old) == 2, old
                    os.kill(server.process.pid, signal.SIGHUP)
                    deadline = time.monotonic() + 90
                    while (workers() & old or len(workers()) < 2) and time.monotonic() < deadline:
                        time.sleep(0.1)
                    assert not workers() & old, "the old workers were not replaced"
                time.sleep(1.0)
            finally:
                stop.set()
                for client in clients:
                    client.join(timeout=40)
            failed = [result for result in results if result[1] != 200]
            tries = [line.rsplit('upstream_status="', 1)[1].rstrip('"').count(",") + 1
                     for line in (tmp_path / "access.log").read_text().splitlines() if "/sparql" in line]
            print(f"reloads behind nginx: {len(results)} requests "
                  f"({sum(method == 'POST' for method, _ in results)} POST), {len(failed)} failed; "
                  f"tried again by nginx: {sum(n > 1 for n in tries)} (most tries {max(tries, default=0)})")
            assert {method for method, _ in results} == {"GET", "POST"} and len(results) > 50
            assert not failed, (failed[:5], (tmp_path / "error.log").read_text()[-3000:])
            # The drain leaves the stop few kept-alive connections to close: none of 70 runs with it
            # tried a request again; without it, requests took up to 4 tries.
            assert max(tries, default=0) <= 2, (max(tries), (tmp_path / "error.log").read_text()[-3000:])
            assert len([line for line in server.log if '"event": "reload"' in line]) == 2
