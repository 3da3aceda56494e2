"""Faults and reloads against the real server (granian) on loopback: a timeout and a full
queue are told apart, ``/health`` goes 503 while the pool is saturated, an executor killed
(kill -9) or stopped (SIGSTOP) mid-query is replaced and the deadline holds, and a rebuild
is reloaded (``POST /admin/reload`` and SIGHUP) under concurrent requests with no error and
no mixed answer.

Liveness bounds only (a few seconds); only 127.0.0.0/8 is contacted.
"""

from __future__ import annotations

import bisect
import json
import os
import signal
import socket
import threading
import time
from pathlib import Path

import pytest
import requests
from conftest import TEST_ENV
from harness import ServerProcess
from test_operations import CHEAP, RUNAWAY, log_lines, post, scrape, total, wait_for

from apparat.build import BuildInputs, build

TIMEOUT = 3
JSON = {"Accept": "application/sparql-results+json"}
_THOUSAND = " ".join(str(i) for i in range(1000))
#: Runs for seconds on any data (12 million solutions counted), within a 60 s limit.
SLOW = (f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?a {{ {_THOUSAND} }} VALUES ?b {{ {_THOUSAND} }} "
        "VALUES ?c { 1 2 3 4 5 6 7 8 9 10 11 12 } }")


@pytest.fixture(scope="module")
def server(build_dir, tmp_path_factory):
    logs = tmp_path_factory.mktemp("fault-logs")
    env = {**TEST_ENV, "APPARAT_QUERY_TIMEOUT": str(TIMEOUT), "APPARAT_QUERY_EXECUTORS": "1",
           "APPARAT_QUERY_QUEUE": "1", "APPARAT_CACHE_BYTES": "0", "APPARAT_ACCESS_LOG": str(logs / "access.jsonl")}
    with ServerProcess(build_dir, "--workers", "1", env=env) as running:
        running.logs = logs
        yield running


def health(server) -> tuple[int, dict]:
    answer = requests.get(server.base_url + "/health", timeout=10)
    return answer.status_code, answer.json()


def _parent(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_bytes().rsplit(b")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def executors(server) -> list[int]:
    """Pids of the executor processes (children of the worker, spawned by multiprocessing)."""
    found = []
    for pid in server.descendants():
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if _parent(pid) != server.process.pid and b"spawn_main" in cmdline and b"resource_tracker" not in cmdline:
            found.append(pid)
    return found


def in_background(function, *args):
    """Run ``function(*args)`` in a thread; its result lands in ``result["value"]`` (or ``["error"]``)."""
    result = {}

    def run():
        try:
            result["value"] = function(*args)
        except Exception as err:  # e.g. the connection closed under it
            result["error"] = err

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, result


def settled(server) -> bool:
    """The pool is whole and idle again (after a kill, its replacement has started)."""
    status, body = health(server)
    return status == 200 and body["executors"]["alive"] == 1 and body["executors"]["busy"] == 0


def test_a_timeout_and_a_full_queue_are_told_apart_and_health_says_busy(server):
    assert wait_for(lambda: settled(server))
    before = scrape(server)
    runaway, ran = in_background(post, server, RUNAWAY, "127.0.0.2", TIMEOUT + 10)
    assert wait_for(lambda: health(server)[1]["executors"]["busy"] == 1, 5)
    waiter, waited = in_background(post, server, CHEAP, "127.0.0.3", TIMEOUT + 10)
    saturated = wait_for(lambda: (lambda h: h if h[0] == 503 else None)(health(server)), 5)
    assert saturated and saturated[1]["status"] == "busy" and saturated[1]["executors"]["waiting"] == 1
    status, headers, body = post(server, CHEAP, source="127.0.0.4")
    assert status == 503 and headers["X-Apparat-Reason"] == "queue_full" and headers["Retry-After"] == "2"
    assert body.startswith(b"Server busy:"), body
    runaway.join(TIMEOUT + 15)
    waiter.join(TIMEOUT + 15)
    status, headers, body = ran["value"]
    assert status == 503 and headers["X-Apparat-Reason"] == "deadline" and headers["Retry-After"] == "5"
    assert body.startswith(b"Query timeout: query stopped after the 3 s time limit"), body
    assert waited["value"][0] in (200, 503)  # it waited for the executor; either it got one or the deadline
    assert wait_for(lambda: settled(server))
    after = scrape(server)
    assert total(after, "apparat_query_timeouts_total", reason="deadline") - \
        total(before, "apparat_query_timeouts_total", reason="deadline") >= 1
    assert total(after, "apparat_refusals_total", reason="queue_full") - \
        total(before, "apparat_refusals_total", reason="queue_full") == 1


def test_an_executor_killed_mid_query_is_replaced_and_logged_with_its_query(server):
    assert wait_for(lambda: settled(server))
    text = RUNAWAY + " # kill -9 test"
    running, result = in_background(post, server, text, "127.0.0.2", TIMEOUT + 10)
    assert wait_for(lambda: health(server)[1]["executors"]["busy"] == 1, 5)
    [victim] = executors(server)
    os.kill(victim, signal.SIGKILL)
    running.join(TIMEOUT + 15)
    status, _headers, body = result["value"]
    assert status == 500 and b"died while running this query" in body, (status, body)
    assert wait_for(lambda: settled(server))
    assert executors(server) and victim not in executors(server)
    assert post(server, CHEAP)[0] == 200
    died = [x for x in log_lines(server) if x.get("event") == "executor_died" and x.get("executor") == victim]
    assert len(died) == 1 and died[0]["query"] == text and died[0]["while"] == "running"
    assert died[0]["exitcode"] == -signal.SIGKILL


def test_a_stopped_executor_does_not_hold_a_query_past_its_deadline(server):
    assert wait_for(lambda: settled(server))
    [victim] = executors(server)
    started = time.monotonic()
    running, result = in_background(post, server, RUNAWAY, "127.0.0.2", TIMEOUT + 10)
    assert wait_for(lambda: health(server)[1]["executors"]["busy"] == 1, 5)
    os.kill(victim, signal.SIGSTOP)
    try:
        running.join(TIMEOUT + 15)
        status, headers, _body = result["value"]
        assert status == 503 and headers["X-Apparat-Reason"] == "deadline"
        assert time.monotonic() - started < TIMEOUT + 5  # a liveness bound: the deadline held
    finally:
        if Path(f"/proc/{victim}").exists():
            os.kill(victim, signal.SIGCONT)
    assert wait_for(lambda: settled(server))
    assert victim not in executors(server)
    assert post(server, CHEAP)[0] == 200


def test_a_worker_killed_mid_query_is_replaced_and_leaves_no_executor_behind(server):
    assert wait_for(lambda: settled(server))
    [worker] = [pid for pid in server.descendants() if _parent(pid) == server.process.pid
                and b"resource_tracker" not in Path(f"/proc/{pid}/cmdline").read_bytes()]
    old_executors = executors(server)
    running, result = in_background(post, server, RUNAWAY, "127.0.0.2", TIMEOUT + 10)
    assert wait_for(lambda: health(server)[1]["executors"]["busy"] == 1, 5)
    os.kill(worker, signal.SIGKILL)
    running.join(TIMEOUT + 15)
    assert isinstance(result.get("error"), ConnectionError), result  # its connection closed
    assert wait_for(lambda: all(not Path(f"/proc/{pid}").exists() or b"Z" in _state(pid) for pid in old_executors))

    def back():
        try:
            return settled(server)
        except requests.RequestException:
            return False

    assert wait_for(back, 30)  # granian started a new worker, with executors of its own
    assert post(server, CHEAP)[0] == 200
    assert not set(executors(server)) & set(old_executors)


def _state(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/stat").read_bytes().rsplit(b")", 1)[1].split()[0]
    except OSError:
        return b"Z"


def test_admin_reload_is_off_by_default(server):
    assert requests.post(server.base_url + "/admin/reload", timeout=10).status_code == 404


# --- reload -------------------------------------------------------------------------------------

def test_a_worker_told_to_drain_closes_each_connection_after_its_answer(build_dir):
    """``SIGUSR1`` (what a reload sends an old worker before it stops it) to the one worker:
    before it, a kept-alive connection answers two queries; after it, each answer (a health
    check, a fast-path query, a Flask-path POST) says ``Connection: close`` and the worker
    closes the socket after it, and the same worker goes on answering. The signal sent to
    ``apparat serve`` itself is ignored."""
    import http.client
    import urllib.parse

    def exchange(conn, method: str, path: str, body: str | None = None):
        headers = {"Accept": "application/sparql-results+json"}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        answer = conn.getresponse()
        return answer.status, answer.getheader("Connection"), answer.read()

    query = "/sparql?" + urllib.parse.urlencode({"query": "ASK { ?s a ?o }"})
    with ServerProcess(build_dir, "--workers", "1", env={**TEST_ENV, "APPARAT_ACCESS_LOG": ""}) as server:
        parts = urllib.parse.urlsplit(server.base_url)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        assert exchange(conn, "GET", query)[:2] == (200, None)
        sock = conn.sock
        assert exchange(conn, "GET", "/health")[:2] == (200, None)
        assert conn.sock is sock  # kept alive: one socket for both
        conn.close()
        # `apparat serve` ignores the signal, and so does each worker until its front takes it
        # (inherited: a drain sent to a worker still starting must not kill it).
        os.kill(server.process.pid, signal.SIGUSR1)
        time.sleep(0.2)
        assert server.process.poll() is None
        (worker,) = [pid for pid in server.descendants() if _parent(pid) == server.process.pid]
        os.kill(worker, signal.SIGUSR1)
        for method, path, body in [("GET", "/health", None), ("GET", query, None),
                                   ("POST", "/sparql", urllib.parse.urlencode({"query": "ASK { ?s a ?o }"}))]:
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
            status, connection, answer = exchange(conn, method, path, body)
            assert (status, connection) == (200, "close"), (method, path, status, connection, answer[:200])
            if path != "/health":
                assert json.loads(answer)["boolean"] is True
            conn.close()
        raw = socket.create_connection((parts.hostname, parts.port), timeout=10)
        raw.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        received = b""
        while chunk := raw.recv(65536):  # the worker closes its end after the answer
            received += chunk
        raw.close()
        assert received.startswith(b"HTTP/1.1 200") and b"connection: close" in received.lower()
        assert [pid for pid in server.descendants() if _parent(pid) == server.process.pid] == [worker]


def publish(folder: Path, value: str) -> str:
    """Build a one-triple dataset saying ``value`` into ``folder/build``; return its weak ETag for JSON."""
    data = folder / "data.ttl"
    data.write_text(f'<http://example.org/a> <http://example.org/says> "{value}" .\n')
    build(BuildInputs.from_paths([data]), folder / "build", reasoning=False)
    etag = json.loads((folder / "build" / "build.json").read_text())["etag"]
    return f'W/"{etag}-json"'


def says(base: str) -> tuple[int, str, str]:
    answer = requests.get(base + "/sparql", timeout=30, params={
        "query": "SELECT ?v WHERE { <http://example.org/a> <http://example.org/says> ?v }", "format": "json"})
    if answer.status_code != 200:
        return answer.status_code, answer.text, ""
    return 200, answer.json()["results"]["bindings"][0]["v"]["value"], answer.headers["ETag"]


def test_a_rebuild_is_reloaded_under_load_with_no_error_and_no_mixed_answer(tmp_path):
    etags = {"old": publish(tmp_path, "old")}
    env = {**TEST_ENV, "APPARAT_ADMIN_RELOAD": "1", "APPARAT_RELOAD_GRACE": "30", "APPARAT_QUERY_EXECUTORS": "1",
           "APPARAT_QUERY_TIMEOUT": "60"}
    with ServerProcess(tmp_path / "build", "--workers", "2", env=env) as server:
        assert says(server.base_url) == (200, "old", etags["old"])
        stop = threading.Event()
        seen: list[tuple] = []
        asked: list[tuple[float, str]] = []  # (when a request was sent, the ETag of its answer)
        retried: list[str] = []
        healths: list[tuple[float, int, dict]] = []  # (when /health answered, its status, its body)

        def load():
            while not stop.is_set() and len(seen) < 20_000:
                for attempt in range(3):
                    try:
                        sent = time.monotonic()
                        answer = says(server.base_url)
                        seen.append(answer)
                        asked.append((sent, answer[2]))
                        break
                    except requests.ConnectionError as err:
                        # An old worker that stops closes a connection it accepted but had not
                        # read yet, and on a loaded machine a connection was once refused, and once
                        # reset while connecting, as the workers changed over; a client (or proxy)
                        # retries an idempotent GET, as here, twice at most.
                        if attempt == 2:
                            seen.append((0, repr(err), ""))
                        else:
                            retried.append(repr(err))
                            time.sleep(0.2)

        def poll_health():
            while not stop.is_set() and len(healths) < 20_000:
                try:
                    answer = requests.get(server.base_url + "/health", timeout=10)
                    healths.append((time.monotonic(), answer.status_code, answer.json()))
                except requests.ConnectionError:
                    pass  # as for the clients: a connection an old worker closed
                time.sleep(0.02)

        clients = [threading.Thread(target=load, daemon=True) for _ in range(3)]
        clients.append(threading.Thread(target=poll_health, daemon=True))
        for client in clients:
            client.start()
        try:
            etags["new"] = publish(tmp_path, "new")
            slow_query, slow = in_background(lambda: requests.post(
                server.base_url + "/sparql", data={"query": SLOW}, headers=JSON, timeout=120))
            time.sleep(0.5)  # it runs (seconds) on an old worker while the workers are replaced
            answer = requests.post(server.base_url + "/admin/reload", timeout=10)
            assert answer.status_code == 202 and answer.json()["serving"]["etag"] in etags["old"]
            assert wait_for(lambda: all(value_now(server.base_url) == "new" for _ in range(6)), 60)
            slow_query.join(120)
            etags["newer"] = publish(tmp_path, "newer")
            os.kill(server.process.pid, signal.SIGHUP)
            assert wait_for(lambda: all(value_now(server.base_url) == "newer" for _ in range(6)), 60)
            started = executors_started(server)
            (tmp_path / "build" / "build.json").write_text("not a manifest")  # a broken build, written in place
            os.kill(server.process.pid, signal.SIGHUP)
            # granian runs this reload (and its hook, which refuses the broken build) only once the
            # one to "newer" has replaced every worker, which on a loaded machine takes a while.
            assert wait_for(lambda: any('"event": "reload_failed"' in line for line in server.log), 120), \
                [line for line in server.log if '"event"' in line][-12:]
            # Its workers were replaced all the same, and they start from the last good build.
            assert wait_for(lambda: executors_started(server) >= started + 2, 60)
            time.sleep(1)
            assert not [line for line in server.log if "Traceback" in line or "Unexpected exit" in line]
        finally:
            stop.set()
            for client in clients:
                client.join(timeout=40)
        errors = [answer for answer in seen if answer[0] != 200]
        assert not errors, errors[:5]
        print(f"reload under load: {len(seen)} answers, {len(retried)} retried after a closed connection")
        closed = ("RemoteDisconnected", "Connection aborted", "Connection refused", "Connection reset by peer")
        assert all(any(kind in err for kind in closed) for err in retried), retried[:3]
        assert {(value, etag) for _status, value, etag in seen} <= {(k, v) for k, v in etags.items()}
        assert {value for _status, value, _etag in seen} >= {"old", "newer"} and len(seen) > 20
        assert len([x for x in server.log if '"event": "reload"' in x]) == 2
        assert wait_for(lambda: value_now(server.base_url) == "newer")  # the last good build, still
        assert health_etag(server.base_url) in etags["newer"]
        # /health names the build every live worker serves: it moves old -> new -> newer, never back,
        # and says "reloading" (200, both checksums) while the workers differ.
        order = ["old", "new", "newer"]

        def rank(etag: str) -> int:
            return next(i for i, name in enumerate(order) if etag and etag in etags[name])

        # (503 "busy" is possible: the slow query holds one worker's only executor.)
        assert all((status, body["status"]) in ((200, "ok"), (200, "reloading"), (503, "busy"))
                   for _at, status, body in healths), {(h[1], h[2]["status"]) for h in healths}
        ranks = [rank(body["etag"]) for _at, _status, body in sorted(healths, key=lambda h: h[0])]
        assert ranks and ranks == sorted(ranks) and ranks[-1] == 2, ranks[:50]
        reloading = [body for _at, _status, body in healths if "reload" in body]
        assert reloading, "no /health answer said reloading"
        assert all(rank(body["reload"]["from"]) == rank(body["etag"]) and
                   rank(body["reload"]["to"]) == rank(body["etag"]) + 1 for body in reloading), reloading[:3]
        # Once /health named a build, no request sent after that got an older build's answer.
        answered_at = [at for at, _status, _body in sorted(healths, key=lambda h: h[0])]
        older = [(sent, etag) for sent, etag in asked  # ranks only grow (above): the last one before
                 if (before := bisect.bisect_left(answered_at, sent)) and rank(etag) < ranks[before - 1]]
        assert not older, older[:3]
        print(f"/health during the reloads: {len(healths)} answers, {len(reloading)} said reloading")
        # The query in flight when its worker was replaced finished there, on the old build.
        finished = slow["value"]
        assert finished.status_code == 200 and finished.headers["ETag"] == etags["old"]
        assert finished.json()["results"]["bindings"][0]["n"]["value"] == str(1000 * 1000 * 12)
    assert not list(tmp_path.glob(".build.serving-*"))  # every pinned copy is removed on exit


def executors_started(server) -> int:
    return sum('"event": "executor_started"' in line for line in server.log)


def value_now(base: str) -> str | None:
    """The value served now, or None while a connection closes under a reload (then poll again)."""
    try:
        return says(base)[1]
    except requests.ConnectionError:
        return None


def health_etag(base: str) -> str:
    return requests.get(base + "/health", timeout=10).json()["etag"]
