"""The response cache in front of Flask under the ASGI front (``server.http.FrontCache`` answered
by ``server.front.BodyFront``, issue 11): a repeated ``GET /sparql`` is answered on the event loop.

Live (the real server: granian, one worker, so a repeat meets the cache that kept the first
answer; the query fast path on): a hit has the bytes and headers of the first answer, CORS
included, and a fresh ``Date``; a gzipped hit is the gzipped first answer; a hit is logged and
counted in ``/metrics`` like the answer it repeats (but no executor); a miss is answered by an
executor, and what the cache must not answer is Flask's: a conditional request (304, 412), a
HEAD, another ``Accept``; after a reload to a new build no answer of the old build is served.

In process (a ``BodyFront`` with one pool thread and no fast path, around a real app), which
thread answers: a hit on the loop while the pool is busy, a miss waits for the pool; a busy
cache lock sends the request to the pool and never blocks the loop; with the cache disabled,
and for a HEAD, nothing is answered on the loop. Liveness bounds only; only 127.0.0.1 is
contacted.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import http.client
import json
import threading
import urllib.parse
from pathlib import Path

import pytest
import requests
from conftest import ALLOWED_SERVICE, TEST_ENV
from harness import ServerProcess
from prometheus_client.parser import text_string_to_metric_families
from test_operations import log_lines, wait_for

from apparat.build import BuildInputs, build

JSON = "application/sparql-results+json"
ORGANS = "SELECT ?o WHERE { ?o a ap:PartyOrgan } ORDER BY ?o LIMIT 3"


@pytest.fixture(scope="module")
def server(build_dir, tmp_path_factory):
    logs = tmp_path_factory.mktemp("logs")
    env = {**TEST_ENV, "APPARAT_HTTP_INTERFACE": "asgi", "APPARAT_ACCESS_LOG": str(logs / "access.jsonl")}
    with ServerProcess(build_dir, "--workers", "1", env=env) as running:
        running.logs = logs
        yield running


def get(server, query: str, headers: dict | None = None, method: str = "GET") -> tuple[int, list, bytes]:
    """One request on a fresh connection: status, the headers as sent (in order), the body."""
    parts = urllib.parse.urlsplit(server.base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request(method, "/sparql?" + urllib.parse.urlencode({"query": query}),
                           headers={"Accept": JSON, **(headers or {})})
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        connection.close()


def without(headers: list, *names: str) -> list:
    return [(k.lower(), v) for k, v in headers if k.lower() not in names]


def header(headers: list, name: str) -> str | None:
    return next((v for k, v in headers if k.lower() == name), None)


def scrape(server) -> dict:
    response = requests.get(server.base_url + "/metrics", timeout=10)
    assert response.status_code == 200
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(response.text) for s in family.samples}


def total(samples, name: str, **labels) -> float:
    wanted = set(labels.items())
    return sum(v for (n, ls), v in samples.items() if n == name and wanted <= set(ls))


# --- live ---------------------------------------------------------------------------------------

def test_a_hit_has_the_bytes_and_headers_of_the_first_answer(server):
    query = ORGANS + " # identical"
    extra = {"Origin": "http://elsewhere.example", "Accept-Encoding": "identity"}
    first = get(server, query, extra)
    again = get(server, query, extra)
    assert first[0] == again[0] == 200
    assert header(first[1], "x-cache") == "miss" and header(again[1], "x-cache") == "hit"
    assert again[2] == first[2] and json.loads(again[2])["results"]["bindings"]
    # Every header the same, in the same order, CORS included; the server dates each answer afresh.
    assert without(again[1], "x-cache", "date") == without(first[1], "x-cache", "date")
    assert header(again[1], "access-control-allow-origin") == "*" and header(again[1], "etag")
    assert header(again[1], "date")


def test_a_gzipped_hit_is_the_gzipped_first_answer(server):
    query = "SELECT ?o ?l WHERE { ?o a ap:PartyOrgan ; rdfs:label ?l } ORDER BY ?o ?l # gzip"
    first = get(server, query, {"Accept-Encoding": "gzip"})
    again = get(server, query, {"Accept-Encoding": "gzip"})
    plain = get(server, query)  # another key at the front (Flask's own cache has the answer)
    assert header(first[1], "content-encoding") == "gzip" and header(again[1], "x-cache") == "hit"
    assert again[2] == first[2] and gzip.decompress(first[2]) == plain[2]
    assert header(plain[1], "content-encoding") is None


def test_a_hit_is_logged_and_counted_like_the_answer_it_repeats(server):
    query = ORGANS + " # observed"
    digest = hashlib.sha256(query.encode()).hexdigest()[:16]
    before = scrape(server)
    first = get(server, query)
    again = get(server, query)
    assert [header(first[1], "x-cache"), header(again[1], "x-cache")] == ["miss", "hit"]

    def both():
        lines = [x for x in log_lines(server) if x.get("query_hash") == digest]
        return lines if len(lines) >= 2 else None

    lines = wait_for(both)
    assert lines and len(lines) == 2, lines
    miss, hit = lines
    for line in (miss, hit):
        assert line["route"] == "/sparql" and line["method"] == "GET" and line["status"] == 200
        assert line["format"] == "json" and line["rows"] == 3 and line["query"] == query
        assert line["bytes"] == len(first[2]) and line["duration"] >= 0 and line["client"] == "127.0.0.1"
    assert miss["cache"] == "miss" and isinstance(miss["executor"], int)
    assert hit["cache"] == "hit" and "executor" not in hit
    after = scrape(server)

    def delta(name, **labels):
        return total(after, name, **labels) - total(before, name, **labels)

    assert delta("apparat_requests_total", route="/sparql", method="GET", status="200", format="json") == 2
    assert delta("apparat_cache_lookups_total", result="hit") == 1
    assert delta("apparat_cache_lookups_total", result="miss") == 1
    assert delta("apparat_query_duration_seconds_count", cache="hit") == 1
    assert delta("apparat_request_duration_seconds_count", route="/sparql") == 2
    assert delta("apparat_rows_returned_total") == 6


def test_a_miss_runs_on_an_executor_and_what_the_cache_must_not_answer_goes_through_flask(server):
    query = ORGANS + " # through flask"
    first = get(server, query)
    assert header(first[1], "x-cache") == "miss"
    digest = hashlib.sha256(query.encode()).hexdigest()[:16]
    ran = wait_for(lambda: [x for x in log_lines(server) if x.get("query_hash") == digest])
    assert ran and isinstance(ran[0]["executor"], int)  # the fast path handed it to an executor
    etag = header(first[1], "etag")
    status, headers, body = get(server, query, {"If-None-Match": etag})
    assert status == 304 and body == b""  # conditional: Flask's make_conditional
    status, _headers, _body = get(server, query, {"If-Match": '"something-else"'})
    assert status == 412
    # HEAD is Flask's to answer (GET's status and headers, no body; from Flask's own answer cache once GET has
    # run it, which the loop never consults: test_a_disabled_cache_and_a_head_never_answer_on_the_loop)
    head, fresh = get(server, query, method="HEAD"), get(server, ORGANS + " # never asked", method="HEAD")
    assert head[0] == fresh[0] == 200 and head[2] == fresh[2] == b""
    assert header(fresh[1], "x-cache") == "miss"
    other = get(server, query, {"Accept": "text/csv"})
    assert header(other[1], "x-cache") == "miss" and other[2].startswith(b"o\r\n")


def test_after_a_reload_no_answer_of_the_old_build_is_served(tmp_path):
    data = tmp_path / "data.ttl"

    def publish(value: str) -> str:
        data.write_text(f'<http://example.org/a> <http://example.org/says> "{value}" .\n')
        build(BuildInputs.from_paths([data]), tmp_path / "build", reasoning=False)
        return json.loads((tmp_path / "build" / "build.json").read_text())["etag"]

    query = "SELECT ?v WHERE { <http://example.org/a> <http://example.org/says> ?v }"

    def says(base: str):
        try:
            answer = requests.get(base + "/sparql", params={"query": query}, headers={"Accept": JSON}, timeout=30)
        except requests.ConnectionError:  # a worker stopping under the reload
            return None
        assert answer.status_code == 200, answer.text
        return (answer.json()["results"]["bindings"][0]["v"]["value"], answer.headers["ETag"],
                answer.headers["X-Cache"])

    old = publish("old")
    env = {**TEST_ENV, "APPARAT_HTTP_INTERFACE": "asgi", "APPARAT_ADMIN_RELOAD": "1",
           "APPARAT_ACCESS_LOG": str(tmp_path / "access.jsonl")}
    with ServerProcess(tmp_path / "build", "--workers", "1", env=env) as server:
        server.logs = tmp_path
        assert says(server.base_url) == ("old", f'W/"{old}-json"', "miss")
        assert says(server.base_url) == ("old", f'W/"{old}-json"', "hit")
        workers = {x["worker"] for x in log_lines(server) if x.get("route") == "/sparql"}
        assert len(workers) == 1
        old_worker = workers.pop()
        new = publish("new")
        assert requests.post(server.base_url + "/admin/reload", timeout=10).status_code == 202
        seen = []  # while both workers may answer: each answer is one build's, whole

        def old_worker_gone():
            seen.append(says(server.base_url))
            return not Path(f"/proc/{old_worker}").exists()

        assert wait_for(old_worker_gone, 120), "the old worker never stopped"
        pairs = {("old", f'W/"{old}-json"'), ("new", f'W/"{new}-json"')}
        assert {answer[:2] for answer in seen if answer} <= pairs
        later = [says(server.base_url) for _ in range(3)]
        assert [answer[:2] for answer in later] == [("new", f'W/"{new}-json"')] * 3
        assert later[-1][2] == "hit"  # the new build's own answer, cached by the new worker


# --- in process: which thread answers --------------------------------------------------------

@pytest.fixture()
def front(build_dir):
    """The ASGI front around a real app (one pool thread), and the list of the WSGI calls it made."""
    from apparat.web import create_app
    from apparat.web.front import BodyFront

    app = create_app({"build_dir": build_dir, "service_allowlist": ALLOWED_SERVICE, "access_log": ""})
    st = app.extensions["apparat"]
    calls = []

    def wsgi(environ, start_response):
        calls.append(threading.current_thread().name)
        return app(environ, start_response)

    body_front = BodyFront(wsgi, threads=1, body_timeout=5, max_bytes=1 << 20, front_cache=st.front_cache,
                           observer=st.observer)
    yield body_front, calls, st
    body_front.pool.shutdown(wait=False, cancel_futures=True)
    st.pool.close()


def scope(query: str) -> dict:
    return {"type": "http", "method": "GET", "path": "/sparql", "http_version": "1.1", "scheme": "http",
            "query_string": urllib.parse.urlencode({"query": query}).encode(), "server": ("127.0.0.1", 80),
            "client": ("127.0.0.1", 40000), "headers": [(b"host", b"127.0.0.1"), (b"accept", JSON.encode())]}


async def ask(front, query: str) -> tuple[int, list, bytes]:
    sent = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    await front(scope(query), receive, send)
    start, *bodies = sent
    return start["status"], start["headers"], b"".join(m.get("body", b"") for m in bodies)


def test_a_hit_is_answered_on_the_loop_while_the_pool_is_busy_and_a_miss_waits_for_it(front):
    body_front, calls, _st = front
    query = ORGANS + " # in process"

    async def scenario():
        first = await ask(body_front, query)
        assert calls == ["wsgi_0"]  # the miss ran the app in the pool
        release = threading.Event()
        blocker = asyncio.get_running_loop().run_in_executor(body_front.pool, release.wait, 60)
        try:
            hit = await asyncio.wait_for(ask(body_front, query), 30)  # liveness bound only
            miss = asyncio.ensure_future(ask(body_front, ORGANS + " # another"))
            for _ in range(20):
                await asyncio.sleep(0)
            assert not miss.done()  # a miss never runs on the loop: it waits for the pool
        finally:
            release.set()
        await blocker
        missed = await miss
        return first, hit, missed

    first, hit, missed = asyncio.run(scenario())
    assert calls == ["wsgi_0", "wsgi_0"]  # the hit never entered the pool
    assert hit[2] == first[2] and hit[0] == 200
    assert dict(hit[1])[b"x-cache"] == b"hit" and dict(first[1])[b"x-cache"] == b"miss"
    assert without(hit[1], b"x-cache") == without(first[1], b"x-cache", b"date")
    assert dict(missed[1])[b"x-cache"] == b"miss"


def test_a_busy_cache_lock_sends_the_request_to_the_pool_and_never_blocks_the_loop(front):
    body_front, calls, st = front
    query = ORGANS + " # busy lock"

    async def scenario():
        first = await ask(body_front, query)
        held, release = threading.Event(), threading.Event()

        def hold():
            with st.cache._lock:
                held.set()
                release.wait(60)

        holder = threading.Thread(target=hold)
        holder.start()
        held.wait(30)
        try:
            request = asyncio.ensure_future(ask(body_front, query))
            for _ in range(20):
                await asyncio.sleep(0)  # the loop runs on while the lock is held
            assert not request.done()
        finally:
            release.set()
        answer = await asyncio.wait_for(request, 30)
        holder.join()
        return first, answer

    first, answer = asyncio.run(scenario())
    assert calls == ["wsgi_0", "wsgi_0"]  # the second went to the pool, which waited for the lock
    assert answer[2] == first[2] and dict(answer[1])[b"x-cache"] == b"hit"


def test_a_disabled_cache_and_a_head_never_answer_on_the_loop(build_dir):
    from apparat.web import create_app
    from apparat.web.front import BodyFront

    app = create_app({"build_dir": build_dir, "service_allowlist": ALLOWED_SERVICE, "access_log": "",
                      "cache_bytes": 0})
    st = app.extensions["apparat"]
    calls = []

    def wsgi(environ, start_response):
        calls.append(environ["REQUEST_METHOD"])
        return app(environ, start_response)

    body_front = BodyFront(wsgi, threads=1, body_timeout=5, max_bytes=1 << 20, front_cache=st.front_cache,
                           observer=st.observer)
    try:
        answers = [asyncio.run(ask(body_front, ORGANS)) for _ in range(2)]
        head = {**scope(ORGANS), "method": "HEAD"}

        async def send(_message):
            return None

        asyncio.run(body_front(head, None, send))
    finally:
        body_front.pool.shutdown(wait=False)
        st.pool.close()
    assert [dict(a[1])[b"x-cache"] for a in answers] == [b"miss", b"miss"]
    assert calls == ["GET", "GET", "HEAD"]
