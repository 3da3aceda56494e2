"""The executor pool, driven directly: one deadline (waiting included), a bounded queue,
per-client fairness, executors killed mid-query and replaced, and no executor left
behind when its parent process is killed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from conftest import ALLOWED_SERVICE
from harness import family

from apparat import errors
from apparat.query.executor import ExecutorPool, QuadsRequest, QueryRequest
from apparat.query.local import engine_for
from apparat.query.store import read_build
from apparat.settings import load_settings

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
CHEAP = "ASK { apid:organ\\/politburo a ap:PartyOrgan }"


def make_pool(build_dir, **options) -> ExecutorPool:
    info = read_build(build_dir)
    engine = engine_for(info, load_settings({"service_allowlist": ALLOWED_SERVICE}))
    options = {"size": 1, "timeout": 2.0, **options}
    return ExecutorPool(info.build_dir, info.etag, engine, **options)


@pytest.fixture()
def pool(build_dir):
    pool = make_pool(build_dir, size=2, timeout=2.0, client_limit=2, queue_limit=2)
    pool.start()
    yield pool
    pool.close()


def in_background(fn):
    outcome = {}

    def run():
        try:
            outcome["value"] = fn()
        except Exception as err:
            outcome["error"] = err

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome


def wait_for(condition, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def alive(pid: int) -> bool:
    """Whether any thread of ``pid`` still runs. A killed process's main thread shows as a zombie while its
    other threads (the store's) are still being torn down; only when the last is gone can its parent see it end."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        threads = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return False
    return "\nState:\tZ" not in status or len(threads) > 1


def test_an_answer_is_written_in_the_format_the_result_calls_for(pool):
    select = pool.run(QueryRequest(CHEAP, result_format="xml", graph_format="ntriples"))
    assert (select.kind, select.format) == ("boolean", "xml") and b"<boolean>true</boolean>" in select.body
    graph = pool.run(QueryRequest("PREFIX ask: <http://e/> CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 2",
                                  result_format="xml", graph_format="ntriples"))
    assert (graph.kind, graph.format) == ("graph", "ntriples") and graph.body.count(b"\n") == 2


def test_a_result_kind_with_no_acceptable_format_is_406(pool):
    with pytest.raises(errors.NotAcceptable, match="offered: text/turtle"):
        pool.run(QueryRequest("CONSTRUCT WHERE { ?s ?p ?o }", result_format="json", graph_format=None,
                              unacceptable_graph="none of the Accept types is offered; offered: text/turtle"))


def test_the_deadline_counts_the_wait_for_an_executor(build_dir):
    pool = make_pool(build_dir, size=1, timeout=2.0)
    pool.start()
    try:
        runaway, _ = in_background(lambda: pool.run(QueryRequest(RUNAWAY), client="a"))
        time.sleep(0.3)
        arrived = time.monotonic() - 1.0  # this request already waited 1 s (for a thread, say)
        with pytest.raises(errors.QueryTimeout) as caught:
            pool.run(QueryRequest(CHEAP), client="b", started=arrived)
        waited = time.monotonic() - arrived
        assert 2.0 <= waited < 2.0 + 0.5, waited  # the limit from arrival, not the limit after the wait
        assert caught.value.retry_after > 0
        runaway.join(timeout=10)
    finally:
        pool.close()


def test_a_full_queue_is_refused_at_once_with_retry_after(build_dir):
    pool = make_pool(build_dir, size=1, timeout=3.0, queue_limit=1)
    pool.start()
    try:
        busy, _ = in_background(lambda: pool.run(QueryRequest(RUNAWAY), client="a"))
        time.sleep(0.3)
        waiting, _ = in_background(lambda: pool.run(QueryRequest(CHEAP), client="b"))
        time.sleep(0.3)
        started = time.monotonic()
        with pytest.raises(errors.ServerBusy) as caught:
            pool.run(QueryRequest(CHEAP), client="c")
        assert time.monotonic() - started < 0.5
        assert caught.value.status == 503 and caught.value.retry_after > 0
        busy.join(timeout=10)
        waiting.join(timeout=10)
    finally:
        pool.close()


def test_one_client_cannot_take_every_executor(build_dir):
    pool = make_pool(build_dir, size=3, timeout=3.0, client_limit=2)
    pool.start()
    try:
        greedy = [in_background(lambda: pool.run(QueryRequest(RUNAWAY), client="127.0.0.2")) for _ in range(3)]
        time.sleep(0.3)
        started = time.monotonic()
        assert pool.run(QueryRequest(CHEAP), client="127.0.0.1").body.endswith(b"true}")
        assert time.monotonic() - started < 1.0
        for thread, _ in greedy:
            thread.join(timeout=15)
        outcomes = [o for _, o in greedy]
        # Two ran to the limit; the third waited for its own client's turn until the deadline.
        assert all(isinstance(o.get("error"), errors.QueryTimeout) for o in outcomes)
    finally:
        pool.close()


def test_a_client_with_too_many_in_flight_gets_429(build_dir):
    pool = make_pool(build_dir, size=1, timeout=2.0, client_limit=1)
    pool.start()
    try:
        threads = [in_background(lambda: pool.run(QueryRequest(RUNAWAY), client="x")) for _ in range(4)]
        time.sleep(0.3)
        with pytest.raises(errors.TooManyQueries) as caught:
            pool.run(QueryRequest(CHEAP), client="x")
        assert caught.value.status == 429
        for thread, _ in threads:
            thread.join(timeout=15)
    finally:
        pool.close()


def test_an_executor_killed_mid_query_is_reported_and_replaced(build_dir):
    pool = make_pool(build_dir, size=1, timeout=30.0)
    pool.start()
    try:
        (victim,) = pool.pids
        thread, outcome = in_background(lambda: pool.run(QueryRequest(RUNAWAY)))
        time.sleep(0.5)
        started = time.monotonic()
        os.kill(victim, signal.SIGKILL)
        thread.join(timeout=10)
        error = outcome.get("error")
        assert isinstance(error, errors.KgError) and "died" in str(error), error
        assert time.monotonic() - started < 5  # reported when it dies, not at the deadline
        assert wait_for(lambda: len(pool.pids) == 1 and pool.pids != [victim])
        assert pool.run(QueryRequest(CHEAP)).body.endswith(b"true}")
    finally:
        pool.close()


def test_an_executor_killed_while_idle_is_replaced_before_use(pool):
    victim = pool.pids[0]
    os.kill(victim, signal.SIGKILL)
    assert wait_for(lambda: not alive(victim))
    for _ in range(3):
        assert pool.run(QueryRequest(CHEAP)).body.endswith(b"true}")
    assert wait_for(lambda: len(pool.pids) == 2 and victim not in pool.pids)


def test_the_executor_that_answered_last_takes_the_next_query(pool):
    """Last in, first out: one query at a time runs on one executor (its caches warm)."""
    used = []
    for _ in range(4):
        trace: dict = {}
        assert pool.run(QueryRequest(CHEAP), trace=trace).body.endswith(b"true}")
        used.append(trace["executor"])
    assert len(set(used)) == 1, used


def test_an_idle_executor_that_died_is_replaced_though_no_query_takes_it(pool):
    """The one at the bottom of the idle stack is never taken while queries come one at a time:
    the keeper's sweep finds it dead and starts another."""
    trace: dict = {}
    pool.run(QueryRequest(CHEAP), trace=trace)
    (victim,) = [pid for pid in pool.pids if pid != trace["executor"]]
    os.kill(victim, signal.SIGKILL)
    assert wait_for(lambda: len(pool.pids) == 2 and victim not in pool.pids)
    assert all(alive(pid) for pid in pool.pids)


def test_an_overrun_executor_is_killed_and_replaced(pool):
    before = set(pool.pids)
    with pytest.raises(errors.QueryTimeout, match="time limit"):
        pool.run(QueryRequest(RUNAWAY))
    assert wait_for(lambda: len(pool.pids) == 2)
    after = set(pool.pids)
    assert len(before - after) == 1
    assert all(not alive(pid) for pid in before - after)
    assert pool.run(QueryRequest(CHEAP)).body.endswith(b"true}")


def test_entity_quads_come_without_sparql(pool):
    answer = pool.run(QuadsRequest((("<https://w3id.org/apparat/id/organ/politburo>",
                                     "<http://www.w3.org/2000/01/rdf-schema#label>", None, "DEFAULT"),)))
    assert b'"Politburo"' in answer.chunks[0]


PARENT = textwrap.dedent("""
    import json, sys, threading
    sys.path.insert(0, {tests!r})
    from test_executor import make_pool, RUNAWAY
    from apparat.query.executor import QueryRequest
    pool = make_pool({build!r}, size=2, timeout=60.0)
    pool.start()
    print(json.dumps(pool.pids), flush=True)
    pool.run(QueryRequest(RUNAWAY))
""")


def test_a_killed_parent_leaves_no_executor_behind(build_dir):
    code = PARENT.format(tests=str(Path(__file__).parent), build=str(build_dir))
    parent = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        pids = json.loads(parent.stdout.readline())
        assert len(pids) == 2 and all(alive(p) for p in pids)
        assert set(pids) <= set(family(parent.pid))
        time.sleep(0.5)  # one executor is now running the runaway query
        parent.kill()  # as the OOM killer would: no cleanup runs
        parent.wait(timeout=10)
        assert wait_for(lambda: not any(alive(p) for p in pids), seconds=5), [p for p in pids if alive(p)]
    finally:
        if parent.poll() is None:
            parent.kill()
        parent.stdout.close()
