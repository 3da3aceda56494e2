"""Serving the app under a real HTTP server, started from Python (no PATH games).

granian (the default) or gunicorn, chosen by measurement (README "Serving in
production"): granian is a Rust server (hyper, tokio) whose connections are
cheap async tasks, so slow or silent sockets hold no Python thread; its
header-read timeout closes slow-header clients, and our WSGI app refuses an
over-long body from its headers alone (413) before a byte of it is read.

Before the server starts, the build is pinned (``apparat.query.store.pin_build``):
every worker and every executor serves that build, whatever happens to
``build/`` meanwhile, until the server is restarted.
"""

from __future__ import annotations

import os
import socket
import sys

from .query.store import pin_build, unpin


def _free_port(host: str) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def serve(settings: dict) -> None:
    """Run the HTTP server in the foreground until it is stopped (SIGTERM, SIGINT)."""
    pinned = pin_build(settings["build_dir"])
    port = settings["port"] or _free_port(settings["host"])
    # Workers read their settings like any process does: from APPARAT_* variables.
    for name, value in {**settings, "build_dir": pinned, "port": port}.items():
        os.environ[f"APPARAT_{name.upper()}"] = str(value)
    print(f"Listening at: http://{settings['host']}:{port} ({settings['http_server']})", file=sys.stderr, flush=True)
    try:
        if settings["http_server"] == "gunicorn":
            _gunicorn(settings, port)
        else:
            _granian(settings, port)
    finally:
        unpin(pinned)


def _granian(settings: dict, port: int) -> None:
    from granian import Granian
    from granian.constants import Interfaces
    from granian.http import HTTP1Settings

    Granian(
        "apparat.web:create_app",
        factory=True,
        address=settings["host"],
        port=port,
        interface=Interfaces.WSGI,
        workers=settings["workers"],
        blocking_threads=settings["threads"],
        # Slow-header clients are cut off; waiting for a header costs no thread.
        http1_settings=HTTP1Settings(header_read_timeout=int(settings["header_timeout"] * 1000)),
        backlog=2048,
        respawn_failed_workers=True,
        log_access=False,
    ).serve()


def _gunicorn(settings: dict, port: int) -> None:
    from gunicorn.app.base import BaseApplication

    class _Gunicorn(BaseApplication):
        def load_config(self):
            options = {
                "bind": f"{settings['host']}:{port}",
                "workers": settings["workers"],
                "worker_class": "gthread",
                "threads": settings["threads"],
                # A worker silent for this long is killed and replaced by the arbiter.
                "timeout": int(settings["query_timeout"]) + 30,
                # gunicorn 27's control socket sits at one fixed path per user: two
                # servers (tests, replicas) would fight over it, and we do not use it.
                "control_socket_disable": True,
                "errorlog": "-",
            }
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):
            from .web import create_app

            return create_app()

    _Gunicorn().run()
