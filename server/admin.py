"""``POST /admin/reload``: serve the build ``build/`` holds now, without downtime.

Off unless the ``admin_reload`` setting is on (then 404, as if it did not
exist), and only for a client on a loopback address (else 403): the socket
peer's address, never an ``X-Forwarded-For`` (not even from a proxy in
``trusted_proxies``: a proxy on loopback forwards anyone). It sends
SIGHUP to the ``apparat serve`` process, which pins the new build and
replaces the workers one by one (``apparat.serve``); the answer (202) comes
from a worker that is about to be replaced and says which build it serves.

On a remote store (setting ``store``) nothing is pinned: each new worker reads
which build the store holds, so a reload is how a server adopts a new build
uploaded under it (``server.store_build``), and the answer names it too
(``"to"``). While the store holds no complete build (an upload is in progress)
or does not answer, a reload would start workers that cannot serve: it is
refused (``503`` ``uploading`` while no build is complete, ``502`` when the
store does not answer) and the server goes on serving its build.
"""

from __future__ import annotations

import ipaddress
import os
import signal

from flask import Blueprint, jsonify, request
from werkzeug.exceptions import Forbidden, NotFound, ServiceUnavailable

from .state import state

bp = Blueprint("admin", __name__)


@bp.post("/admin/reload")
def reload():
    st = state()
    if not st.settings["admin_reload"]:
        raise NotFound()
    try:
        # REMOTE_ADDR, the socket peer: never server.clients' forwarded client.
        loopback = ipaddress.ip_address(request.environ.get("REMOTE_ADDR") or "").is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise Forbidden("/admin/reload answers loopback addresses only")
    server = os.environ.get("APPARAT_SERVER_PID", "")
    if not server.isdigit() or st.settings["http_server"] != "granian":
        raise ServiceUnavailable("reload needs `apparat serve` under granian (send it SIGHUP)")
    target = _store_build(st.store_watch) if st.store_watch is not None else {}
    os.kill(int(server), signal.SIGHUP)
    response = jsonify({"reloading": True, "serving": {"etag": st.manifest["etag"],
                                                       "built_at": st.manifest["built_at"]}, **target})
    response.status_code = 202
    return response


def _store_build(watch) -> dict:
    """``{"to": checksum}`` of the build the remote store holds now (read afresh), which the new
    workers will serve.

    Raises:
        StoreBuildChanged: the store holds no complete build (an upload is in progress).
        StoreFailed: the store does not answer.
    """
    from apparat.errors import StoreBuildChanged, StoreFailed

    watch.check()
    if not watch.reachable:
        raise StoreFailed(f"the SPARQL store at {watch.url} does not answer: no reload, new workers could not start")
    if watch.held is None:
        raise StoreBuildChanged(f"the SPARQL store at {watch.url} holds no complete build (an upload is in "
                                f"progress): no reload until it has finished, new workers could not start",
                                "uploading")
    return {"to": watch.held}
