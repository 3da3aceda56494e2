"""``/health``: can this server take queries now, and what build does it serve.

200 with ``"status": "ok"`` while it can; 503 (with ``Retry-After``) while it
cannot, so a load balancer takes the replica out:

- ``"status": "down"``: no executor of this worker is alive (all died and the
  replacements have not started yet);
- ``"status": "busy"``: every executor is busy and at least as many requests
  again wait for one, so a new query would wait a whole round or more.

A worker answers only once its executors are up (the app is made before the
server hands it requests), so there is no "loading" answer to give: until
then, and during a reload's hand-over, connections wait in the listen queue.
"""

import time
from datetime import datetime

from flask import Blueprint, jsonify

from .state import state

bp = Blueprint("health", __name__)


@bp.get("/health")
def health():
    st = state()
    manifest = st.manifest
    pool = st.pool.occupancy()
    if pool["alive"] == 0:
        status = "down"
    elif pool["busy"] >= pool["size"] and pool["waiting"] >= pool["size"]:
        status = "busy"
    else:
        status = "ok"
    response = jsonify(
        {
            "status": status,
            "built_at": manifest["built_at"],
            "etag": manifest["etag"],
            "build_age_seconds": round(time.time() - datetime.fromisoformat(manifest["built_at"]).timestamp(), 3),
            "executors": pool,
            "triples": {"asserted": manifest["asserted"], "inferred": manifest["inferred"]},
            "graphs": manifest["graphs"],
        }
    )
    if status != "ok":
        response.status_code = 503
        response.headers["Retry-After"] = "2"
        response.headers["X-Apparat-Reason"] = f"health_{status}"
    response.headers["Cache-Control"] = "no-store"
    return response
