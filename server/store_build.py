"""In front of a remote store (setting ``store``), answer only while the store holds the served build.

The web process pins the build the store held when it started: its ETag, its
cached answers. ``apparat.query.remote.BuildWatch`` reads the store's manifest
every second; while the store holds none (an upload of a new build has begun)
or another build's, every request but ``/health``, ``/metrics``,
``/admin/reload`` and static files is refused with ``503``, ``Retry-After`` and
``X-Apparat-Reason: uploading`` or ``build_changed``, and no cached answer is
served (``server.http.FrontCache`` and ``server.front.QueryFront`` ask the
watch too). Answers kept in the cache are dropped whenever what the store holds
changes (to another build and back): one computed in the second before the
watch saw the change may mix builds. Once the store holds the server's build
again, everything answers as before. A reload (SIGHUP, ``POST /admin/reload``) starts workers that read
the store's build anew: the way to serve the new one. A worker started while the
store holds no complete build waits for one (:func:`read_served_build`).
"""

from __future__ import annotations

import os

from flask import Flask, request

from .state import EXTENSION

#: The endpoints that answer whichever build the store holds: they say what it holds, or do not use it.
OPEN_ENDPOINTS = frozenset({"health.health", "metrics.metrics", "admin.reload", "static"})


def init_app(app: Flask) -> None:
    """Refuse requests while the store holds another build (a no-op on the embedded store)."""
    st = app.extensions[EXTENSION]
    watch = st.store_watch
    if watch is None:
        return
    watch.on_change = lambda _before, _now: st.drop_answers()

    @app.before_request
    def _refuse_another_build():
        refusal = watch.refusal()
        if refusal is not None and request.endpoint not in OPEN_ENDPOINTS:
            raise refusal


def read_served_build(settings: dict):
    """The build this worker serves from the remote store (``remote.read_store_build``).

    Under ``apparat serve``, whose own check found a build before any worker started, a worker
    that finds none (an upload has begun since: a reload or a replacement started now) waits
    for the upload's end, logged once as ``store_build_awaited``; the old worker of a reload
    goes on answering meanwhile (refusing queries, ``uploading``) for up to ``reload_grace``
    seconds. Elsewhere (the app made in a test, ``create_app``) no build is an error at once.
    """
    from apparat.query.remote import read_store_build

    from . import logs

    def waiting() -> None:
        logs.configure(settings)
        logs.worker_event("store_build_awaited", store=settings["store"],
                          why="the store holds no complete build (an upload is in progress)")

    return read_store_build(settings, wait="APPARAT_SERVER_PID" in os.environ, on_wait=waiting)
