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


def _start_executors(worker) -> None:
    """Boot a worker's query executors before it takes requests, not on the first query."""
    worker.wsgi.extensions["apparat.executor"].start()


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
        "post_worker_init": _start_executors,
        "accesslog": "-",
        "errorlog": "-",
    }
    overrides = {k: str(v) for k, v in settings.items()}
    _Gunicorn(options, overrides).run()


class ServerProcess:
    """``apparat serve`` in a child process on a free loopback port (tests, benchmarks).

    Use as a context manager; ``base_url`` is set once gunicorn listens and a
    worker answers ``/health``.
    """

    def __init__(self, build_dir, *extra_args: str, env: dict | None = None, timeout: float = 60.0):
        self.args = ["--build-dir", str(build_dir), *extra_args]
        self.env, self.timeout = env, timeout
        self.process = None
        self.base_url: str | None = None
        self._drain = None

    def __enter__(self) -> ServerProcess:
        import os
        import re
        import subprocess
        import sys
        import threading
        import time
        import urllib.request

        self.process = subprocess.Popen(
            [sys.executable, "-m", "apparat", "serve", "--host", "127.0.0.1", "--port", "0", *self.args],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
            env={**os.environ, **(self.env or {})}, start_new_session=True,
        )
        deadline = time.monotonic() + self.timeout
        seen = []
        while self.base_url is None and time.monotonic() < deadline:
            line = self.process.stderr.readline()
            if not line:
                break
            seen.append(line)
            match = re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", line)
            self.base_url = match[1] if match else None
        if self.base_url is None:
            self.__exit__(None, None, None)
            raise RuntimeError("server did not start:\n" + "".join(seen))
        # Keep reading stderr so the server never blocks on a full pipe.
        self._drain = threading.Thread(target=self.process.stderr.read, daemon=True)
        self._drain.start()
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.base_url + "/health", timeout=2):
                    return self
            except OSError:
                time.sleep(0.1)
        self.__exit__(None, None, None)
        raise RuntimeError("server never answered /health")

    def __exit__(self, *exc) -> None:
        import os
        import signal
        import subprocess

        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        if self._drain is not None:
            self._drain.join(timeout=10)
        self.process.stderr.close()
