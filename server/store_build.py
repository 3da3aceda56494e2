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
again, everything answers as before, and executors lost meanwhile (a start
refused while the store held another build) are started again. A reload
(SIGHUP, ``POST /admin/reload``) starts workers that read the store's build
anew: the way to serve the new one. A worker started while the store holds no
complete build waits for one (:func:`read_served_build`).
"""

from __future__ import annotations

import os
from pathlib import Path

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
    def changed(_before: str, now: str) -> None:
        st.drop_answers()
        if now == "ok":  # executors that could not start meanwhile (or died) are started again
            st.pool.refill()

    watch.on_change = changed

    @app.before_request
    def _refuse_another_build():
        if watch.refusing and request.endpoint not in OPEN_ENDPOINTS:
            refusal = watch.refusal()
            if refusal is not None:  # the store may hold this server's build again since
                raise refusal


def read_served_build(settings: dict):
    """The build this worker serves from the remote store (``remote.read_store_build``).

    Under ``apparat serve``, whose own check found a build before any worker started, a worker
    that finds none (an upload has begun since: a reload or a replacement started now), or a
    store that does not answer, waits for a build, logged as ``store_build_awaited`` whenever
    what it waits for changes. Meanwhile its ``awaiting-<pid>`` file in the runtime folder
    tells a reload to keep the old worker answering (refusing queries, ``uploading``) past
    ``reload_grace`` (``apparat.serve``). Elsewhere (the app made in a test, ``create_app``)
    no build is an error at once.
    """
    from apparat.query.remote import read_store_build

    from . import logs

    runtime = os.environ.get("APPARAT_RUNTIME_DIR")
    awaiting = Path(runtime) / f"awaiting-{os.getpid()}" if runtime and Path(runtime).is_dir() else None

    def waiting(why: str | None) -> None:
        logs.configure(settings)
        if why is None:
            logs.worker_event("store_build_found", store=settings["store"])
            return
        if awaiting is not None:
            awaiting.touch()
        logs.worker_event("store_build_awaited", store=settings["store"], why=_WHY_WAIT[why])

    try:
        return read_store_build(settings, wait="APPARAT_SERVER_PID" in os.environ, on_wait=waiting)
    finally:
        if awaiting is not None:
            awaiting.unlink(missing_ok=True)


_WHY_WAIT = {"uploading": "the store holds no complete build (an upload is in progress)",
             "store_down": "the store does not answer"}
