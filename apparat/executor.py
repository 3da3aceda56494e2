"""Query execution behind a process boundary, so that a time limit really stops the work.

pyoxigraph cannot cancel a running query from Python, and a thread cannot be
killed. So each server process keeps a small pool of executor processes
(started with ``spawn``: no inherited threads or locks), each holding its own
copy of the read-only dataset. A request hands its query to an idle executor
and waits at most ``timeout`` seconds; an executor that overruns is killed
(SIGKILL) and replaced in the background, and the request gets a
:class:`QueryTimeout`. The other executors go on answering other requests.

An executor that dies by itself (e.g. a crash inside the engine) is replaced
the same way; that request gets a 500, which is our bug to fix.
"""

from __future__ import annotations

import logging
import multiprocessing
import queue
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from . import errors

_CONTEXT = multiprocessing.get_context("spawn")


@dataclass(frozen=True)
class Executed:
    """A serialized result, as it goes on the wire."""

    body: bytes
    kind: str
    truncated: bool


def _serve(conn, build_dir: str) -> None:
    """Executor process main loop: one request in, one answer out, until told to stop."""
    from .sparql import run_query
    from .store import load_dataset

    dataset = load_dataset(Path(build_dir))
    conn.send(("ready",))
    while True:
        try:
            request = conn.recv()
        except EOFError:
            return
        if request is None:
            return
        text, fmt, options = request
        try:
            result = run_query(dataset, text, **options)
            conn.send(("ok", result.serialize(fmt), result.kind, result.truncated))
        except errors.KgError as err:
            conn.send(("error", type(err).__name__, str(err), getattr(err, "line", None), getattr(err, "column", None)))
        except Exception as err:  # our bug: report it, keep serving
            conn.send(("bug", f"{type(err).__name__}: {err}"))


class _Executor:
    def __init__(self, build_dir: Path, start_timeout: float):
        parent, child = _CONTEXT.Pipe()
        self.conn = parent
        self.process = _CONTEXT.Process(target=_serve, args=(child, str(build_dir)), daemon=True)
        self.process.start()
        child.close()
        if not parent.poll(start_timeout) or parent.recv() != ("ready",):
            self.stop()
            raise errors.KgError("a query executor did not start")

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=10)
        self.conn.close()


class QueryExecutor:
    """A pool of executor processes for one server process.

    Args:
        build_dir: the build every executor loads.
        size: how many queries may run at once (one executor each).
        timeout: seconds a query may take, waiting for a free executor included.
    """

    def __init__(self, build_dir: Path, size: int, timeout: float, start_timeout: float = 60.0):
        self.build_dir, self.timeout, self.start_timeout = Path(build_dir), timeout, start_timeout
        self.size = size
        self._idle: queue.Queue[_Executor] = queue.Queue()
        self._lock = threading.Lock()
        self._started = False
        self._closed = False

    def start(self) -> None:
        """Start the executors now (gunicorn calls this as each worker boots)."""
        self._ensure_started()

    def _ensure_started(self) -> None:
        # Started in the worker process that serves requests, never before the
        # fork (an executor must belong to the process that uses it): at worker
        # boot under gunicorn, else on the first query.
        with self._lock:
            if not self._started:
                for _ in range(self.size):
                    self._idle.put(_Executor(self.build_dir, self.start_timeout))
                self._started = True

    def run(self, text: str, fmt: str, **options) -> Executed:
        """Run ``text`` in an executor and return its result serialized as ``fmt``.

        Raises:
            QueryTimeout: no executor became free, or the query overran the limit.
            KgError: whatever ``run_query`` raised (syntax error, refusal …).
        """
        self._ensure_started()
        try:
            executor = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            raise errors.QueryTimeout(
                f"all {self.size} query executors stayed busy for {self.timeout:g} s; try again later"
            ) from None
        try:
            executor.conn.send((text, fmt, options))
            if not executor.conn.poll(self.timeout):
                self._replace(executor)
                raise errors.QueryTimeout(f"query stopped after the {self.timeout:g} s time limit")
            answer = executor.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            self._replace(executor)
            raise errors.KgError("the query engine process died while running this query") from None
        self._idle.put(executor)
        return self._unpack(answer)

    @staticmethod
    def _unpack(answer) -> Executed:
        if answer[0] == "ok":
            return Executed(answer[1], answer[2], answer[3])
        if answer[0] == "error":
            _tag, name, message, line, column = answer
            cls = getattr(errors, name, errors.KgError)
            if cls is errors.QuerySyntaxError:
                raise cls(message, line, column)
            raise cls(message)
        raise errors.KgError(f"query engine failure: {answer[1]}")

    def _replace(self, executor: _Executor) -> None:
        """Kill an executor now; start its replacement in the background."""
        executor.stop()

        def restart():
            for attempt in range(3):  # a pool that cannot refill would shrink for good
                if self._closed:
                    return
                try:
                    self._idle.put(_Executor(self.build_dir, self.start_timeout))
                    return
                except Exception:
                    logging.getLogger(__name__).exception("query executor restart %d failed", attempt + 1)
                    time.sleep(1)

        threading.Thread(target=restart, daemon=True).start()

    def close(self) -> None:
        """Stop every idle executor (busy ones end with their process)."""
        self._closed = True
        while True:
            try:
                self._idle.get_nowait().stop()
            except queue.Empty:
                return
