"""``/health``: can this server take queries now, and what build does it serve.

200 with ``"status": "ok"`` while it can; 503 (with ``Retry-After``) while it
cannot, so a load balancer takes the replica out:

- ``"status": "down"``: no executor of this worker is alive (all died and the
  replacements have not started yet);
- ``"status": "store_down"``: the remote store (setting ``store``) does not
  answer a small ASK on the graph naming its build within
  :data:`STORE_CHECK_TIMEOUT` (asked at most once per :data:`STORE_CHECK_EVERY`
  seconds per worker, so health checks do not load the store);
- ``"status": "busy"``: every executor is busy and at least as many requests
  again wait for one, so a new query would wait a whole round or more.

The build named (``etag``, ``built_at``) is the one every live worker of the
server serves, read from the workers' ``ready-<pid>`` files
(``apparat.serve.live_builds``), not only this worker's. While a reload
replaces the workers and they differ, the answer is 200 ``"status":
"reloading"`` naming the build they served until now, with ``"reload":
{"from", "to"}`` (the two checksums) and ``"answering"`` (this worker's own
build, which ``triples`` and ``graphs`` describe); once the last old worker
has exited, it names the new build.

A worker answers only once its executors are up (the app is made before the
server hands it requests), so there is no "loading" answer to give: until
then, and during a reload's hand-over, connections wait in the listen queue.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime

import pyoxigraph as ox
from flask import Blueprint, jsonify

from apparat.errors import KgError
from apparat.query.remote import METADATA, RemoteStore, store_endpoints
from apparat.serve import live_builds

from .state import state

bp = Blueprint("health", __name__)

#: Most seconds the remote store's ASK may take before ``/health`` says ``store_down``.
STORE_CHECK_TIMEOUT = 2.0
#: Seconds one answer of the remote store's ASK is reused for.
STORE_CHECK_EVERY = 1.0
#: Cheap on any store: the one small graph that names the build (``apparat build --store`` writes it).
_STORE_ASK = f"ASK {{ GRAPH <{METADATA}> {{ ?s ?p ?o }} }}"


@bp.get("/health")
def health():
    st = state()
    manifest = st.manifest
    pool = st.pool.occupancy()
    remote = st.settings["store"] != "embedded"
    builds = _builds(manifest)
    if pool["alive"] == 0:
        status = "down"
    elif remote and not _store_answers(st.settings):
        status = "store_down"
    elif pool["busy"] >= pool["size"] and pool["waiting"] >= pool["size"]:
        status = "busy"
    elif len(builds) > 1:
        status = "reloading"
    else:
        status = "ok"
    serving = builds[0]
    body = {
        "status": status,
        "built_at": serving["built_at"],
        "etag": serving["etag"],
        "build_age_seconds": round(time.time() - datetime.fromisoformat(serving["built_at"]).timestamp(), 3),
        "executors": pool,
        "triples": {"asserted": manifest["asserted"], "inferred": manifest["inferred"]},
        "graphs": manifest["graphs"],
    }
    if len(builds) > 1:
        body["reload"] = {"from": builds[0]["etag"], "to": builds[-1]["etag"]}
        body["answering"] = manifest["etag"]
    if remote:
        body["store"] = "down" if status == "store_down" else "ok"
    response = jsonify(body)
    if status not in ("ok", "reloading"):
        response.status_code = 503
        response.headers["Retry-After"] = "2"
        response.headers["X-Apparat-Reason"] = f"health_{status}"
    response.headers["Cache-Control"] = "no-store"
    return response


def _builds(manifest: dict) -> list[dict]:
    """The distinct builds the server's live workers serve (``etag``, ``built_at``), the one served
    longest first; this worker's alone outside ``apparat serve``."""
    own = {"etag": manifest["etag"], "built_at": manifest["built_at"]}
    distinct: dict[str, dict] = {}
    for worker in live_builds() or ():
        if worker.get("etag") and worker.get("built_at"):
            distinct.setdefault(worker["etag"], {"etag": worker["etag"], "built_at": worker["built_at"]})
    if own["etag"] not in distinct:  # this worker's own file is not there (yet): it serves all the same
        distinct[own["etag"]] = own
    return list(distinct.values())


class _StoreCheck:
    """The remote store's last answer to :data:`_STORE_ASK`, asked again once it is
    :data:`STORE_CHECK_EVERY` seconds old (one call at a time; the others wait for it)."""

    def __init__(self, query_url: str):
        self.store = RemoteStore(query_url, max_rows=1, timeout=STORE_CHECK_TIMEOUT)
        self.lock = threading.Lock()
        self.checked, self.answers = float("-inf"), False

    def __call__(self) -> bool:
        with self.lock:
            if time.monotonic() - self.checked >= STORE_CHECK_EVERY:
                try:
                    self.answers = bool(self.store.query(_STORE_ASK, named_graphs=[ox.NamedNode(METADATA)]))
                except KgError:  # refused, reset, a 5xx, or no answer in time
                    self.answers = False
                self.checked = time.monotonic()
            return self.answers


_checks: dict[str, _StoreCheck] = {}
_checks_lock = threading.Lock()


def _store_answers(settings: dict) -> bool:
    url = store_endpoints(settings["store"], settings["store_query_url"], settings["store_graph_url"]).query
    with _checks_lock:
        if url not in _checks:
            _checks[url] = _StoreCheck(url)
        check = _checks[url]
    return check()
