"""A new build in the store under a running ``apparat serve --store URL``: refused, never mixed.

A private ``oxigraph serve`` (not the session's shared one, which other modules
read) holds the session's build, uploaded by the project's uploader. The store's
build is then changed as an upload changes it: its manifest graph
(``urn:x-apparat:build``) deleted, as when an upload of a new build starts, then
written naming another checksum, as at its end. Within a few seconds (the
server reads the manifest every second) queries, cached ones included, are
``503`` with ``Retry-After`` and ``/health`` is ``503`` ``uploading`` or
``build_changed``; with the original manifest back, everything answers again
(and the answers cached before were dropped).
A reload adopts the store's build: ``POST /admin/reload`` is refused while the
store holds none, and a SIGHUP then starts a worker that waits for the upload's
end (and through the store going down meanwhile) while the old one answers,
past ``reload_grace`` too. An executor lost while the store holds another build
is started again once it holds the server's. Liveness bounds only; only
127.0.0.1 is contacted.
"""

from __future__ import annotations

import os
import signal
import time

import pyoxigraph as ox
import pytest
import requests
from conftest import TEST_ENV
from harness import OxigraphServer, ServerProcess, oxigraph_binary
from test_faults import executors
from test_operations import wait_for

from apparat.build.upload import _Sender, upload
from apparat.query.remote import METADATA, RemoteStore, manifest_triples, store_endpoints
from apparat.settings import load_settings

pytestmark = pytest.mark.skipif(oxigraph_binary() is None,
                                reason="needs oxigraph serve (PyPI oxigraph, in the test extra: make setup)")

ASK = "ASK { ?s ?p ?o }"
#: A checksum no build has: the manifest of "another build" (the data stays the same).
OTHER = "0" * 64
#: Seconds within which the server must notice (it reads the manifest every second).
NOTICE = 10
#: ``reload_grace`` of the server: how long a reload waits for a new worker that is not waiting
#: for the store's build (short, so that a test outlasts it).
GRACE = 2


@pytest.fixture(scope="module")
def swap(build_dir, tmp_path_factory):
    """(store, server, the store's original manifest): the session's build uploaded into a private
    store, and one worker serving it with ``admin_reload`` on (a reload's old worker answers for up
    to :data:`GRACE` seconds while the new one starts, longer while it waits for the store's build)."""
    with OxigraphServer(tmp_path_factory.mktemp("swap") / "ox") as store:
        upload(build_dir, load_settings({"store": store.url}))
        manifest = RemoteStore(store_endpoints(store.url).query, max_rows=10).read_manifest()
        env = {**TEST_ENV, "APPARAT_ADMIN_RELOAD": "1", "APPARAT_QUERY_EXECUTORS": "1",
               "APPARAT_RELOAD_GRACE": str(GRACE)}
        with ServerProcess(build_dir, "--store", store.url, "--workers", "1", env=env) as server:
            yield store, server, manifest


def _sender(store) -> _Sender:
    return _Sender(store_endpoints(store.url).graph_store, batch=0, bulk=False)


def delete_manifest(store) -> None:
    """What ``apparat build --store`` does first when it uploads a new build."""
    _sender(store).request("DELETE", METADATA, b"", missing_ok=True)


def put_manifest(store, manifest: dict) -> None:
    """What ``apparat build --store`` does last: the one triple naming the build."""
    _sender(store).request("PUT", METADATA, ox.serialize(manifest_triples(manifest), format=ox.RdfFormat.N_TRIPLES))


def ask(base: str, method: str = "GET") -> requests.Response:
    if method == "POST":
        return requests.post(base + "/sparql", data={"query": ASK}, headers={"Accept": "application/json"},
                             timeout=30)
    return requests.get(base + "/sparql", params={"query": ASK}, headers={"Accept": "application/json"}, timeout=30)


def health(base: str) -> requests.Response:
    return requests.get(base + "/health", timeout=30)


def refused(base: str, reason: str) -> bool:
    """Whether a cached GET, a POST (Flask's path) and an entity page are all refused for ``reason``."""
    answers = [ask(base), ask(base, "POST"), requests.get(base + "/id/organ/politburo", timeout=30)]
    return all(a.status_code == 503 and a.headers.get("X-Apparat-Reason") == reason for a in answers)


def health_says(base: str) -> tuple[int, str, str | None]:
    answer = health(base)
    return answer.status_code, answer.json()["status"], answer.json().get("store_etag")


def test_a_new_build_in_the_store_is_refused_and_the_servers_build_back_recovers(swap):
    store, server, manifest = swap
    base = server.base_url
    etag = manifest["etag"]
    first, again = ask(base), ask(base)
    assert first.status_code == 200 and first.json()["boolean"] is True
    assert first.headers["ETag"].startswith(f'W/"{etag}-') and again.headers["X-Cache"] == "hit"
    assert health_says(base) == (200, "ok", etag)
    try:
        delete_manifest(store)
        assert wait_for(lambda: refused(base, "uploading"), NOTICE), ask(base).text
        answer = ask(base)
        assert answer.headers["Retry-After"] == "5" and "ETag" not in answer.headers
        assert "upload of a new build is in progress" in answer.json()["message"]
        assert f"serves build {etag}: restart or reload" in answer.json()["message"]
        assert wait_for(lambda: health_says(base) == (503, "uploading", None), NOTICE), health(base).text
        said = health(base)
        assert said.headers["Retry-After"] == "2" and said.headers["X-Apparat-Reason"] == "health_uploading"
        assert said.json()["etag"] == etag and said.json()["store"] == "ok"
        metrics = requests.get(base + "/metrics", timeout=30).text
        assert 'apparat_refusals_total{reason="uploading"}' in metrics and 'reason="uploading"' not in "".join(
            line for line in metrics.splitlines() if line.startswith("apparat_query_timeouts"))

        put_manifest(store, {**manifest, "etag": OTHER})
        assert wait_for(lambda: refused(base, "build_changed"), NOTICE), ask(base).text
        message = ask(base).json()["message"]
        assert f"another build ({OTHER})" in message and f"serves build {etag}" in message
        assert wait_for(lambda: health_says(base) == (503, "build_changed", OTHER), NOTICE), health(base).text
        assert health(base).json()["etag"] == etag
    finally:
        put_manifest(store, manifest)
    assert wait_for(lambda: health_says(base) == (200, "ok", etag), NOTICE), health(base).text
    back, again = ask(base), ask(base)
    assert back.json()["boolean"] is True and back.headers["ETag"].startswith(f'W/"{etag}-')
    assert back.headers["X-Cache"] == "miss" and again.headers["X-Cache"] == "hit"  # the cache was dropped
    assert requests.get(base + "/id/organ/politburo", timeout=30).status_code == 200


def serves(base: str, etag: str) -> bool:
    """Whether the server now says it serves build ``etag`` and answers under its ETag (False while
    nothing answers: a new worker slower than :data:`GRACE` to start leaves a gap)."""
    try:  # the gap may open between the two requests (seen under load: /health refused)
        answer = ask(base)
        return (health_says(base) == (200, "ok", etag) and answer.status_code == 200
                and answer.headers["ETag"].startswith(f'W/"{etag}-'))
    except requests.ConnectionError:
        return False


def awaited(server, why: str) -> int:
    """How many times the server's log says a worker waits for the store's build because ``why``."""
    return sum(1 for line in server.log if "store_build_awaited" in line and why in line)


def test_a_reload_adopts_the_stores_build_and_waits_for_one_while_it_holds_none(swap):
    store, server, manifest = swap
    base = server.base_url
    etag = manifest["etag"]
    assert serves(base, etag)
    try:
        delete_manifest(store)
        assert wait_for(lambda: health_says(base)[1] == "uploading", NOTICE), health(base).text
        no = requests.post(base + "/admin/reload", headers={"Accept": "application/json"}, timeout=30)
        assert no.status_code == 503 and no.headers["X-Apparat-Reason"] == "uploading", no.text
        assert "no reload until it has finished" in no.json()["message"]
        assert health_says(base) == (503, "uploading", None)  # still up, on its build

        # SIGHUP all the same: the new worker waits for a complete build, the old one answers meanwhile
        os.kill(server.process.pid, signal.SIGHUP)
        assert wait_for(lambda: awaited(server, "upload is in progress"), 30), "".join(
            line for line in server.log if '"client"' not in line)[-3000:]
        time.sleep(GRACE + 1)  # past reload_grace: the old worker answers all the same
        assert health_says(base) == (503, "uploading", None)
        store.stop()  # the waiting worker goes on waiting (it used to die, and granian with it)
        try:
            assert wait_for(lambda: awaited(server, "does not answer"), NOTICE), "".join(server.log)[-3000:]
            assert wait_for(lambda: health(base).json()["status"] == "store_down", NOTICE), health(base).text
        finally:
            store.start()
        assert wait_for(lambda: awaited(server, "upload is in progress") == 2, NOTICE), "".join(server.log)[-3000:]
        # the old worker's watch sees the store back at its next read (the waiting worker's may come first)
        assert wait_for(lambda: health_says(base) == (503, "uploading", None), NOTICE), health(base).text
        assert server.process.poll() is None
        put_manifest(store, {**manifest, "etag": OTHER})
        assert wait_for(lambda: serves(base, OTHER), 60), health(base).text
    finally:
        put_manifest(store, manifest)
    assert wait_for(lambda: health_says(base) == (503, "build_changed", etag), NOTICE), health(base).text
    yes = requests.post(base + "/admin/reload", timeout=30)
    assert yes.status_code == 202 and yes.json()["serving"]["etag"] == OTHER and yes.json()["to"] == etag
    assert wait_for(lambda: serves(base, etag), 60), health(base).text


def test_an_executor_lost_while_the_store_holds_another_build_is_started_again(swap):
    store, server, manifest = swap
    base = server.base_url
    etag = manifest["etag"]
    assert wait_for(lambda: serves(base, etag), 60), health(base).text
    try:
        put_manifest(store, {**manifest, "etag": OTHER})
        assert wait_for(lambda: health_says(base)[1] == "build_changed", NOTICE), health(base).text
        [victim] = executors(server)
        os.kill(victim, signal.SIGKILL)  # no query reaches it meanwhile: refused, nothing notices it
        assert wait_for(lambda: health(base).json()["executors"]["alive"] == 0, NOTICE), health(base).text
    finally:
        put_manifest(store, manifest)
    assert wait_for(lambda: health_says(base) == (200, "ok", etag), NOTICE), health(base).text
    assert health(base).json()["executors"]["alive"] == 1
    assert ask(base).json()["boolean"] is True
    assert victim not in executors(server)
