"""``POST /admin/reload``: serve the build ``build/`` holds now, without downtime.

Off unless the ``admin_reload`` setting is on (then 404, as if it did not
exist), and only for a client on a loopback address (else 403): the socket
peer's address, never an ``X-Forwarded-For`` (not even from a proxy in
``trusted_proxies``: a proxy on loopback forwards anyone). It sends
SIGHUP to the ``apparat serve`` process, which pins the new build and
replaces the workers one by one (``apparat.serve``); the answer (202) comes
from a worker that is about to be replaced and says which build it serves.
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
    os.kill(int(server), signal.SIGHUP)
    response = jsonify({"reloading": True, "serving": {"etag": st.manifest["etag"],
                                                       "built_at": st.manifest["built_at"]}})
    response.status_code = 202
    return response
