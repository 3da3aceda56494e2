"""The ASGI front's query fast path (``server.front.QueryFront``, issue 11) answers as Flask does.

Two apps on the same build, in process: one behind a ``BodyFront`` with the fast path, one
behind a ``BodyFront`` without it (every request through Flask). Each request goes to both;
status, headers (but ``Date``), body and the access-log record (but times and the executor's
pid) must be equal, and the requests the fast path takes must never reach Flask. Then the
same requests again: both answer from their front caches, which the fast path filled alike.
The metrics are a function of that record (``server.metrics.request_done``). Only 127.0.0.1
is contacted (the SERVICE allowlist names a port where nothing listens).
"""

from __future__ import annotations

import asyncio
import gzip
import json
import urllib.parse

import pytest
from conftest import ALLOWED_SERVICE

JSON = "application/sparql-results+json"
ORGANS = "SELECT ?o WHERE { ?o a ap:PartyOrgan } ORDER BY ?o LIMIT 3"
MANY = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o LIMIT 40"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
TIMEOUT = 2.0

#: (query-string parameters, request headers): what the fast path takes.
TAKEN = [
    ({"query": ORGANS}, {"accept": JSON}),
    ({"query": ORGANS}, {"accept": "text/csv"}),
    ({"query": ORGANS}, {"accept": "text/tab-separated-values"}),
    ({"query": ORGANS}, {"accept": "application/sparql-results+xml"}),
    ({"query": ORGANS}, {}),
    ({"query": ORGANS, "format": "csv"}, {"accept": JSON}),
    ({"query": ORGANS, "format": "nonsense"}, {}),
    ({"query": ORGANS}, {"accept": "image/png"}),
    ({"query": ORGANS}, {"accept": "application/json"}),
    ({"query": "ASK { ?s ?p ?o }"}, {"accept": "*/*"}),
    ({"query": "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 5"}, {"accept": "text/turtle"}),
    ({"query": "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 5"}, {"accept": "application/n-triples"}),
    ({"query": "DESCRIBE <http://example.org/none>"}, {}),
    ({"query": MANY}, {"accept": JSON, "accept-encoding": "gzip"}),
    ({"query": MANY}, {"accept": JSON}),  # over max_rows: cut, X-Apparat-Truncated
    ({"query": ORGANS, "infer": "false"}, {"accept": JSON}),
    ({"query": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
      "named-graph-uri": "https://w3id.org/apparat/graph/asserted"}, {"accept": "text/csv"}),
    ({"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
      "default-graph-uri": "https://w3id.org/apparat/graph/asserted"}, {"accept": "text/csv"}),
    ({"query": "SELEC ?x"}, {}),
    ({"query": "SELEC ?x"}, {"accept": "application/json"}),
    ({"query": "SELECT * WHERE { SERVICE <" + ALLOWED_SERVICE + "> { ?s ?p ?o } }"}, {}),
    ({"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:8/elsewhere> { ?s ?p ?o } }"}, {}),
    ({"query": "PREFIX ask: <http://e/> SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"}, {"accept": "text/csv"}),
]

#: What the fast path leaves to Flask.
LEFT = [
    ({"query": ORGANS, "other": "x"}, {"accept": JSON}),
    ({"query": ORGANS}, {"accept": JSON, "if-none-match": '"x"'}),
    ({"query": ORGANS}, {"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}),
    ({"query": ORGANS, "update": "x"}, {}),
    ({}, {"accept": "text/turtle"}),
    ({"query": "   "}, {}),
    ({"query": ORGANS, "query ": "x"}, {}),
]


@pytest.fixture(scope="module")
def fronts(build_dir, tmp_path_factory):
    from apparat.web import create_app
    from apparat.web.front import BodyFront, QueryFront

    log = tmp_path_factory.mktemp("fast") / "access.jsonl"
    config = {"build_dir": build_dir, "service_allowlist": ALLOWED_SERVICE, "access_log": str(log),
              "query_executors": 2, "max_rows": 30, "query_timeout": TIMEOUT}
    made = []
    for fast in (True, False):
        app = create_app(config)
        st = app.extensions["apparat"]
        calls = []

        def wsgi(environ, start_response, app=app, calls=calls):
            calls.append(environ["REQUEST_METHOD"])
            return app(environ, start_response)

        front = BodyFront(wsgi, threads=4, body_timeout=5, max_bytes=1 << 20, front_cache=st.front_cache,
                          observer=st.observer, queries=QueryFront(app) if fast else None)
        made.append((front, calls, st))
    yield made, log
    for front, _calls, st in made:
        front.pool.shutdown(wait=False, cancel_futures=True)
        st.pool.close()


def scope(params: dict, headers: dict, method: str = "GET", path: str = "/sparql") -> dict:
    return {"type": "http", "method": method, "path": path, "http_version": "1.1", "scheme": "http",
            "query_string": urllib.parse.urlencode(params).encode(), "server": ("127.0.0.1", 80),
            "client": ("127.0.0.1", 40000),
            "headers": [(b"host", b"127.0.0.1"), *((k.encode(), v.encode()) for k, v in headers.items())]}


def ask(front, params: dict, headers: dict, body: bytes = b"", **kwargs) -> tuple[int, list, bytes]:
    sent = []
    if body:
        headers = {**headers, "content-length": str(len(body))}

    async def receive():
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message):
        sent.append(message)

    asyncio.run(front(scope(params, headers, **kwargs), receive, send))
    start, *bodies = sent
    body = b"".join(m.get("body", b"") for m in bodies)
    headers = [(k, v) for k, v in start["headers"] if k != b"date"]
    if (b"content-encoding", b"gzip") in headers:
        body = gzip.decompress(body)  # the gzip header has the second it was written
    return start["status"], headers, body


def last_record(log) -> dict:
    lines = [json.loads(text) for text in log.read_text().splitlines()]
    line = [record for record in lines if "method" in record][-1]  # not the executors' events
    for name in ("time", "duration", "executor"):
        line.pop(name, None)
    return line


def both(fronts, params, headers, **kwargs):
    (fast, fast_calls, _), (flask, _flask_calls, _) = fronts[0]
    log = fronts[1]
    before = len(fast_calls)
    one = ask(fast, params, headers, **kwargs)
    one_record = last_record(log)
    two = ask(flask, params, headers, **kwargs)
    two_record = last_record(log)
    return one, two, one_record, two_record, len(fast_calls) - before


@pytest.mark.parametrize(("params", "headers"), TAKEN)
def test_the_fast_path_answers_as_flask_does_and_fills_the_cache_alike(fronts, params, headers):
    for attempt in ("miss", "hit"):
        one, two, one_record, two_record, through_flask = both(fronts, params, headers)
        assert one == two, attempt
        assert one_record == two_record, attempt
        assert through_flask == 0  # the fast path took it (or its front-cache hit did)
        if one[0] != 200:
            break


#: (body, query-string parameters, request headers) of a POST the fast path takes, and of those it leaves.
DIRECT = "application/sparql-query"
POSTS = [
    (ORGANS.encode(), {}, {"content-type": DIRECT, "accept": "text/csv"}),
    (ORGANS.encode(), {"format": "json", "infer": "no"}, {"content-type": DIRECT + "; charset=UTF-8"}),
    (MANY.encode(), {}, {"content-type": DIRECT, "accept-encoding": "gzip"}),
    (b"SELEC ?x", {}, {"content-type": DIRECT, "accept": "application/json"}),
    ("SELECT ?o WHERE { ?o ?p \"ж\" }".encode(), {"default-graph-uri": "https://w3id.org/apparat/graph/asserted"},
     {"content-type": DIRECT}),
]
POSTS_LEFT = [
    (b"query=" + urllib.parse.quote(ORGANS).encode(), {}, {"content-type": "application/x-www-form-urlencoded"}),
    (ORGANS.encode(), {}, {"content-type": DIRECT + "; charset=latin-1"}),
    (b"ASK { ?s ?p \"\xff\" }", {}, {"content-type": DIRECT}),
    (ORGANS.encode(), {"query": ORGANS}, {"content-type": DIRECT}),
    (b"  ", {}, {"content-type": DIRECT}),
    (b"INSERT DATA { <a:b> <a:c> <a:d> }", {}, {"content-type": "application/sparql-update"}),
]


@pytest.mark.parametrize(("body", "params", "headers"), POSTS + POSTS_LEFT)
def test_a_post_answers_alike(fronts, body, params, headers):
    for attempt in ("first", "again"):  # again: the answer cache (no front cache for a POST)
        one, two, one_record, two_record, through_flask = both(fronts, params, headers, body=body, method="POST")
        assert one == two, attempt
        assert one_record == two_record, attempt
        assert through_flask == (0 if (body, params, headers) in POSTS else 1)


@pytest.mark.parametrize("path", ["/sparql/"])
def test_the_trailing_slash_is_taken_too(fronts, path):
    one, two, one_record, two_record, through_flask = both(fronts, {"query": ORGANS}, {"accept": JSON}, path=path)
    assert one == two and one_record == two_record and through_flask == 0


@pytest.mark.parametrize(("params", "headers"), LEFT)
def test_what_the_fast_path_is_not_sure_of_goes_to_flask(fronts, params, headers):
    one, two, one_record, two_record, through_flask = both(fronts, params, headers)
    assert through_flask == 1
    if "query" not in params:  # the Service Description: its prefixes' order varies between apps
        one, two = one[:2], two[:2]
    assert one == two and one_record == two_record


def test_a_head_goes_to_flask(fronts):
    one, two, _r1, _r2, through_flask = both(fronts, {"query": ORGANS}, {"accept": JSON}, method="HEAD")
    assert through_flask == 1 and one == two


def test_the_limits_answer_alike(fronts):
    """429 (the client's requests in flight), 503 queue full (both with Retry-After), and the
    deadline (503, the query killed) on both paths."""
    made, _log = fronts
    pools = [st.pool for _front, _calls, st in made]
    query = {"query": ORGANS + " # limits"}

    def with_state(name, value):
        for pool in pools:
            if name == "_in_flight":
                pool._in_flight["127.0.0.1"] = value
            else:
                setattr(pool, name, value)

    with_state("_in_flight", pools[0].client_in_flight)
    try:
        one, two, one_record, two_record, _through = both(fronts, query, {"accept": JSON})
    finally:
        for pool in pools:
            del pool._in_flight["127.0.0.1"]
    assert one[0] == 429 and one == two and one_record == two_record
    assert (b"retry-after", b"2") in one[1]

    with_state("_waiting", pools[0].queue_limit)
    try:
        one, two, one_record, two_record, _through = both(fronts, query, {"accept": JSON})
    finally:
        with_state("_waiting", 0)
    assert one[0] == 503 and one == two and one_record == two_record
    assert (b"x-apparat-reason", b"queue_full") in one[1]

    one, two, one_record, two_record, _through = both(fronts, {"query": SLOW}, {})
    assert one[0] == 503 and one == two and one_record == two_record
    assert (b"x-apparat-reason", b"deadline") in one[1] and (b"retry-after", b"5") in one[1]
    # the killed executors were replaced: the next query is answered
    one, two, *_ = both(fronts, {"query": ORGANS + " # after"}, {"accept": JSON})
    assert one[0] == two[0] == 200


def test_a_busy_client_waits_in_a_thread_and_is_answered(fronts):
    """With the client's slots taken, the fast path hands the wait to a pool thread (``run``)."""
    made, _log = fronts
    front, calls, st = made[0]
    pool = st.pool
    with pool._clients:
        pool._running["127.0.0.1"] += pool.client_limit
        pool._in_flight["127.0.0.1"] += pool.client_limit

    async def release_later():
        await asyncio.sleep(0.3)
        with pool._clients:
            pool._running["127.0.0.1"] -= pool.client_limit
            pool._in_flight["127.0.0.1"] -= pool.client_limit
            pool._clients.notify_all()

    async def scenario():
        sent = []

        async def send(message):
            sent.append(message)

        release = asyncio.ensure_future(release_later())
        await front(scope({"query": ORGANS + " # waits"}, {"accept": JSON}), None, send)
        await release
        return sent

    before = len(calls)
    sent = asyncio.run(scenario())
    assert sent[0]["status"] == 200 and len(calls) == before


# --- the pool's loop API (``ExecutorPool.take`` / ``run_taken``) -----------------------------------

def test_run_taken_answers_kills_at_the_deadline_and_survives_a_killed_executor(build_dir):
    """On the loop: an answer; a runaway killed at the deadline (503) and its executor replaced;
    an executor killed mid-query (KgError) and replaced; every slot given back."""
    import os
    import signal
    import time

    from test_executor import CHEAP, RUNAWAY, make_pool, wait_for

    from apparat import errors
    from apparat.query.executor import QueryRequest

    pool = make_pool(build_dir, size=1, timeout=1.0, client_limit=1)
    pool.start()
    try:
        async def run(text, kill_after=None):
            executor = pool.take("c")
            assert executor is not None
            assert pool.take("c") is None  # the client's one slot is taken: run() would wait
            if kill_after is not None:
                asyncio.get_running_loop().call_later(kill_after, os.kill, executor.pid, signal.SIGKILL)
            return await pool.run_taken(executor, QueryRequest(text), client="c")

        answer = asyncio.run(run(CHEAP))
        assert json.loads(answer.body)["boolean"] is True
        first = pool.pids
        started = time.monotonic()
        with pytest.raises(errors.QueryTimeout):
            asyncio.run(run(RUNAWAY))
        assert time.monotonic() - started < 1.0 + 0.8  # the deadline, and the kill
        assert wait_for(lambda: pool.pids and pool.pids != first, 30)
        second = pool.pids
        with pytest.raises(errors.KgError, match="died while running"):
            asyncio.run(run(RUNAWAY, kill_after=0.2))
        assert wait_for(lambda: pool.pids and pool.pids != second, 30)
        assert wait_for(lambda: pool._idle.qsize() == 1, 30)
        assert json.loads(asyncio.run(run(CHEAP)).body)["boolean"] is True
        assert not pool._in_flight and not pool._running  # every slot given back
    finally:
        pool.close()
