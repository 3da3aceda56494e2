"""``/health``: can this server take queries now, and what build does it serve.

200 with ``"status": "ok"`` while it can; 503 (with ``Retry-After``) while it
cannot, so a load balancer takes the replica out:

- ``"status": "down"``: no executor of this worker is alive (all died and the
  replacements have not started yet);
- ``"status": "store_down"``: the remote store (setting ``store``) did not
  answer the last read of its manifest (``remote.BuildWatch``: one small
  ``SELECT`` a second per worker, each within ``remote.WATCH_TIMEOUT``, asked
  whether health checks come or not, so they do not load the store);
- ``"status": "uploading"``: the remote store holds no manifest (an upload of a
  new build has begun), and ``"status": "build_changed"``: it holds another
  build than this server's; ``"store_etag"`` names the store's (null while
  uploading), and queries are refused (``server.store_build``) until the store
  holds this server's build again or the server is reloaded;
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

import time
from datetime import datetime

from flask import Blueprint, jsonify

from apparat.serve import live_builds

from .state import state

bp = Blueprint("health", __name__)


@bp.get("/health")
def health():
    st = state()
    manifest = st.manifest
    pool = st.pool.occupancy()
    watch = st.store_watch
    builds = _builds(manifest)
    if pool["alive"] == 0:
        status = "down"
    elif watch is not None and not watch.reachable:
        status = "store_down"
    elif watch is not None and watch.status != "ok":
        status = watch.status
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
    if watch is not None:
        body["store"] = "ok" if watch.reachable else "down"
        body["store_etag"] = watch.held
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
