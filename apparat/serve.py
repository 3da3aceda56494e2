"""Serving the app under gunicorn, started from Python (no PATH games).

Worker model: ``gthread`` — a few processes (one per core) each with a few
threads. pyoxigraph releases the GIL while it evaluates a query, so threads
overlap real work; processes keep one crashed or stuck worker from taking the
whole service down.
"""

from __future__ import annotations

from gunicorn.app.base import BaseApplication


class _Gunicorn(BaseApplication):
    def __init__(self, options: dict, test_config: dict):
        self._options, self._test_config = options, test_config
        super().__init__()

    def load_config(self):
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self):
        from server import create_app

        return create_app(self._test_config)


def serve(settings: dict) -> None:
    """Run gunicorn in the foreground until it is stopped.

    Each worker loads the built dataset once at start-up; nothing is reasoned
    at request time.
    """
    options = {
        "bind": f"{settings['host']}:{settings['port']}",
        "workers": settings["workers"],
        "worker_class": "gthread",
        "threads": settings["threads"],
        # A worker silent for this long is killed and replaced by gunicorn's
        # arbiter: the last line of defence behind the per-query time limit.
        "timeout": int(settings["query_timeout"]) + 30,
        # gunicorn 27's control socket sits at one fixed path per user: two
        # servers (tests, replicas) would fight over it, and we do not use it.
        "control_socket_disable": True,
        "accesslog": "-",
        "errorlog": "-",
    }
    overrides = {k: str(v) for k, v in settings.items()}
    _Gunicorn(options, overrides).run()
