"""Serving the app under a real HTTP server, started from Python (no PATH games).

granian (the default) or gunicorn, chosen by measurement (README "Serving in
production"): granian is a Rust server (hyper, tokio) whose connections are
cheap async tasks, so slow or silent sockets hold no Python thread; its
header-read timeout closes slow-header clients, and our WSGI app refuses an
over-long body from its headers alone (413) before a byte of it is read.
By default (``http_interface = asgi``) granian serves our ASGI front
(``apparat.web.front``), which awaits the body on the event loop with a
deadline (``body_timeout``, else 408), answers cached ``GET /sparql`` lookups
there, and runs the WSGI app in a thread pool; ``http_interface = wsgi`` serves
the WSGI app on granian's own threads, faster but with no body timeout (only
behind a proxy that buffers bodies; README "Limits").

Before the server starts, the build is pinned (``apparat.query.store.pin_build``):
every worker and every executor serves that build, whatever happens to
``build/`` meanwhile, until the server is restarted or reloaded.

Reload (granian): ``SIGHUP`` to this process, or ``POST /admin/reload`` when
``admin_reload`` is on (a worker sends the signal). granian's reload hook runs
here first: it pins the build ``build/`` holds now and points the workers'
``APPARAT_BUILD_DIR`` at it; then granian replaces the workers one by one,
each new one started before the old one is told to stop, and the old one
finishes its in-flight requests (on its old build) before it exits. A build
that cannot be pinned leaves the old pin in place (the workers restart on it).

Metrics: ``PROMETHEUS_MULTIPROC_DIR`` is a fresh folder per run (removed on
exit), so the workers' numbers add up in any worker's ``/metrics``.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from .query.store import pin_build, unpin


def _free_port(host: str) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def serve(settings: dict) -> None:
    """Run the HTTP server in the foreground until it is stopped (SIGTERM, SIGINT); SIGHUP reloads."""
    # A remote store holds the data: nothing here to pin; each worker reads which build it holds.
    remote = settings.get("store", "embedded") != "embedded"
    pins = [] if remote else [pin_build(settings["build_dir"])]
    port = settings["port"] or _free_port(settings["host"])
    runtime = Path(tempfile.mkdtemp(prefix="apparat-serve-"))
    (runtime / "metrics").mkdir()
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(runtime / "metrics")
    os.environ["APPARAT_SERVER_PID"] = str(os.getpid())  # where POST /admin/reload sends SIGHUP
    os.environ["APPARAT_RUNTIME_DIR"] = str(runtime)  # workers say there when they are ready (announce_ready)
    # Workers read their settings like any process does: from APPARAT_* variables.
    for name, value in {**settings, "build_dir": pins[0] if pins else settings["build_dir"], "port": port}.items():
        os.environ[f"APPARAT_{name.upper()}"] = str(value)
    print(f"Listening at: http://{settings['host']}:{port} ({settings['http_server']})", file=sys.stderr, flush=True)
    try:
        if settings["http_server"] == "gunicorn":
            _gunicorn(settings, port)
        else:
            _granian(settings, port, on_reload=None if remote else lambda: _repin(settings, pins))
    finally:
        for pinned in pins:
            unpin(pinned)
        shutil.rmtree(runtime, ignore_errors=True)


def _repin(settings: dict, pins: list[Path]) -> None:
    """granian's reload hook (this process, before the workers are replaced): pin the new build."""
    try:
        pinned = pin_build(settings["build_dir"])
    except Exception as err:  # a broken or missing build: keep serving the last good one
        _event("reload_failed", error=f"{type(err).__name__}: {err}", serving=str(pins[-1]))
        return
    for old in pins[:-1]:  # their workers were stopped by the previous reload
        unpin(old)
    del pins[:-1]
    pins.append(pinned)
    os.environ["APPARAT_BUILD_DIR"] = str(pinned)
    manifest = json.loads((pinned / "build.json").read_text())
    _event("reload", etag=manifest["etag"], built_at=manifest["built_at"], pinned=str(pinned))


def _event(event: str, **details) -> None:
    line = {"time": datetime.now(UTC).isoformat(timespec="milliseconds"), "event": event, **details}
    print(json.dumps(line), file=sys.stderr, flush=True)


def announce_ready(manifest: dict | None = None) -> None:
    """Called by a web worker once its app is made: a reload may now stop the worker it replaces.

    The ``ready-<pid>`` file names the build the worker serves (``etag``, ``built_at``) and when it
    became ready, so ``/health`` can tell which build every live worker serves (:func:`live_builds`).
    """
    runtime = os.environ.get("APPARAT_RUNTIME_DIR")
    if runtime and Path(runtime).is_dir():
        ready = Path(runtime) / f"ready-{os.getpid()}"
        said = {key: (manifest or {}).get(key) for key in ("etag", "built_at")}
        written = ready.with_name(f".{ready.name}.tmp")
        written.write_text(json.dumps({**said, "ready_at": time.time()}))
        os.replace(written, ready)  # whole or absent: the reload waits for it to exist


def live_builds() -> list[dict] | None:
    """The build each live web worker of this server serves, oldest first (``etag``, ``built_at``,
    ``ready_at``, ``pid``): its ``ready-<pid>`` file, kept while the worker is a live child of the
    server (an old one finishing its requests after a reload counts until it exits). None
    outside ``apparat serve`` (no runtime folder). A directory listing and a few small reads.
    """
    runtime, server = os.environ.get("APPARAT_RUNTIME_DIR"), os.environ.get("APPARAT_SERVER_PID")
    if not runtime or not Path(runtime).is_dir():
        return None
    found = []
    for ready in Path(runtime).glob("ready-*"):
        try:
            pid = int(ready.name.removeprefix("ready-"))
            said = json.loads(ready.read_text())
        except (OSError, ValueError):  # gone meanwhile (its worker stopped)
            continue
        if _live_child(pid, int(server) if server else None):
            found.append({**said, "pid": pid})
    return sorted(found, key=lambda worker: worker.get("ready_at") or 0)


def _live_child(pid: int, parent: int | None) -> bool:
    """Whether ``pid`` runs (not a zombie) and, where /proc says, is a child of ``parent`` (a dead
    worker's pid taken by another process does not count)."""
    if not Path("/proc/self/stat").exists():  # no /proc here: ask the kernel whether the pid exists
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            pass
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_bytes().rsplit(b")", 1)[1].split()
    except (OSError, IndexError):
        return False
    return stat[0] not in (b"Z", b"X") and (parent is None or int(stat[1]) == parent)


#: How long an old worker answers with ``Connection: close`` before a reload stops it.
DRAIN_SECONDS = 0.5


def _granian_server(drain: bool = False):
    """granian's server, whose reload waits until each new worker is ready before it stops the old one.

    granian itself waits a fixed ``respawn_interval`` and then stops the old worker;
    a new worker that takes longer to start (executors, a loaded machine) would
    leave no worker accepting, and clients would be refused. This waits for the
    worker's ``ready-<pid>`` file (at most ``respawn_interval``, then as granian does), and
    longer while the new worker waits for a remote store's build (its ``awaiting-<pid>`` file,
    ``server.store_build``): the old one goes on answering until the new one is ready, dies, or
    is not ready ``respawn_interval`` seconds after its wait ended. With ``drain`` (the ASGI
    front, which takes ``SIGUSR1`` for it: ``apparat.web.front``), the old worker is then told to
    close each connection after its answer, ``DRAIN_SECONDS`` before it is stopped: its stop
    closes every idle kept-alive connection at once, and a client that had just sent a request
    on one would see it closed unanswered.
    Written against granian 2.8.7 (pinned), whose ``_respawn_workers`` it replaces.
    """
    from granian import Granian
    from granian.server.common import logger

    class _Server(Granian):
        def _respawn_workers(self, workers, spawn_target, target_loader, delay: float = 0):
            runtime = Path(os.environ["APPARAT_RUNTIME_DIR"])
            if not delay:  # a crashed worker: granian's own respawn (its ready file names no live worker)
                for idx in workers:
                    (runtime / f"ready-{self.wrks[idx].inner.pid}").unlink(missing_ok=True)
                return super()._respawn_workers(workers, spawn_target, target_loader, delay)
            for idx in workers:
                self.respawned_wrks[idx] = time.monotonic()
                old = self.wrks.pop(idx)
                new = self._spawn_worker(idx=idx, target=spawn_target, callback_loader=target_loader)
                new.start()
                self.wrks.insert(idx, new)
                ready, deadline = runtime / f"ready-{new.inner.pid}", time.monotonic() + delay
                awaiting = runtime / f"awaiting-{new.inner.pid}"  # it waits for the store's build
                while not ready.exists() and new.is_alive() and time.monotonic() < deadline:
                    if awaiting.exists():  # the grace counts from the wait's end
                        deadline = time.monotonic() + delay
                    time.sleep(0.05)
                awaiting.unlink(missing_ok=True)
                time.sleep(0.2)  # from the app made to the socket served
                if drain and old.is_alive():  # its answers close their connections: kept-alive clients move on
                    try:
                        os.kill(old.inner.pid, signal.SIGUSR1)
                    except ProcessLookupError:  # it died meanwhile: nothing to drain
                        pass
                    else:
                        time.sleep(DRAIN_SECONDS)
                logger.info(f"worker-{idx + 1} {'ready' if ready.exists() else 'not ready'}; stopping the old one")
                old.terminate()
                old.join(self.workers_kill_timeout)
                if old.is_alive():
                    old.kill()
                    old.join()
                (runtime / f"ready-{old.inner.pid}").unlink(missing_ok=True)
            self._metrics.incr_spawn(len(workers))

    return _Server


def _granian(settings: dict, port: int, on_reload=None) -> None:
    from granian.constants import Interfaces
    from granian.http import HTTP1Settings

    if settings["http_interface"] == "wsgi":  # granian's own threads run the app; no body timeout
        target, interface, threads = "apparat.web:create_app", Interfaces.WSGI, settings["threads"]
    else:  # the body is awaited on the event loop (body_timeout), then `threads` run the app
        target, interface, threads = "apparat.web.front:create_asgi", Interfaces.ASGINL, 1
    server = _granian_server(drain=interface is Interfaces.ASGINL)(
        target,
        factory=True,
        address=settings["host"],
        port=port,
        interface=interface,
        workers=settings["workers"],
        blocking_threads=threads,
        # Slow-header clients are cut off; waiting for a header costs no thread.
        http1_settings=HTTP1Settings(header_read_timeout=int(settings["header_timeout"] * 1000),
                                     max_buffer_size=max(8192, settings["max_header_bytes"])),
        backlog=2048,
        respawn_failed_workers=True,
        # A reload starts each new worker, waits until it is ready (at most this long), then
        # stops the old one, which finishes its in-flight requests first (at most a query's
        # deadline, then it is killed).
        respawn_interval=settings["reload_grace"],
        workers_kill_timeout=int(settings["query_timeout"]) + 5,
        log_access=False,
    )
    if on_reload is not None:
        server.on_reload(on_reload)
    # A worker inherits this until its front takes the signal (``create_asgi``): a drain sent to
    # one still starting (a reload right after another, a respawn) must not kill it.
    signal.signal(signal.SIGUSR1, signal.SIG_IGN)
    server.serve()


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
