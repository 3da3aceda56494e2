"""Executor processes: each owns a query end to end, under one deadline that really stops it.

pyoxigraph cannot cancel a running query from Python and a thread cannot be
killed, so every query runs in an executor process (started with ``spawn``:
no inherited threads or locks; it imports pyoxigraph and this package's query
modules, never rdflib or build code). Each executor opens the build's
read-only on-disk store (one copy of the data for all of them, shared by the
OS) and, per request: reads the query's tokens once (nesting, update,
``SERVICE`` allowlist), evaluates it, picks the format from the kind of
result the engine returned, and writes it with pyoxigraph's serializers, the
row cap exact, in chunks (``formats.write_answer``).

The pool (:class:`ExecutorPool`, one per web process):

- **One deadline.** A request's ``timeout`` starts when it arrives: waiting for
  its client's turn, for a free executor, and running all count. Past it the
  executor is killed (SIGKILL) and replaced, and the request gets
  :class:`~apparat.errors.QueryTimeout` (503 with Retry-After).
- **Bounded queue.** More than ``queue_limit`` requests waiting for an
  executor: :class:`~apparat.errors.ServerBusy` (503, Retry-After) at once.
- **Fairness.** One client address runs at most ``client_limit`` queries at
  once; more wait for that client's own turn, and past ``client_in_flight``
  (waiting and running) get :class:`~apparat.errors.TooManyQueries` (429). A client
  looping runaway queries holds at most ``client_limit`` executors.
- **No orphans.** Every executor asks the kernel to kill it when its parent
  dies (``prctl(PR_SET_PDEATHSIG, SIGKILL)``; the kernel ties that to the
  thread that started the process, so one long-lived keeper thread starts
  them all) and also watches its parent's pid: no query outlives its server.
- **Drained, then released.** The web thread reads the whole answer from the
  executor before it writes to the client, so a slow reader never holds an
  executor.
- **From an event loop** (the ASGI front's fast path): :meth:`ExecutorPool.take`
  gets the client's slot and an idle executor without waiting (or None, and the
  caller runs :meth:`ExecutorPool.run` in a thread), and
  :meth:`ExecutorPool.run_taken` awaits the answer on the loop: the same
  deadline, kill, replacement and errors.
"""

from __future__ import annotations

import collections
import ctypes
import dataclasses
import logging
import math
import multiprocessing
import os
import queue
import select
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from .. import errors
from .sparql import Engine

_CONTEXT = multiprocessing.get_context("spawn")
_PR_SET_PDEATHSIG = 1
_LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class QueryRequest:
    """One query as the web process hands it over (the executor does all the reading).

    ``result_format`` / ``graph_format`` are the negotiated formats for a
    SELECT/ASK result and for a CONSTRUCT/DESCRIBE one (None: nothing
    acceptable, and ``unacceptable_results`` / ``unacceptable_graph`` say why):
    the engine's actual result decides which applies, as in oxigraph's own server.
    """

    text: str
    result_format: str | None = "json"
    graph_format: str | None = "turtle"
    unacceptable_results: str = ""
    unacceptable_graph: str = ""
    infer: bool = True
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    base_iri: str | None = None
    #: Seconds left for a remote store's call (set by the pool: the deadline, less a margin).
    budget: float | None = None


@dataclass(frozen=True)
class QuadsRequest:
    """Quads matching patterns (N-Triples terms or None), e.g. for entity pages; no SPARQL."""

    patterns: tuple[tuple[str | None, str | None, str | None, str | None], ...]
    limit: int = 10_000
    budget: float | None = None


@dataclass
class Answer:
    """A finished answer: what it is, how it is written, and its bytes in chunks."""

    kind: str                      # "bindings", "boolean", "graph" or "quads"
    format: str
    truncated: bool
    chunks: list[bytes] = field(default_factory=list)
    rows: int | None = None        # solutions or triples written (1 for ASK; None for quads)

    @property
    def body(self) -> bytes:
        return b"".join(self.chunks)


# --- the executor process ---------------------------------------------------------------------

def _die_with_parent(parent: int) -> None:
    """SIGKILL this process when its parent dies, by the kernel and by a watchdog thread."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the watchdog alone
        pass
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)

    def watch():
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="apparat-parent-watchdog").start()


def _serve(conn, build_dir: str, etag: str, engine: Engine, parent: int, in_memory: bool = False) -> None:
    """Executor main loop: one request in, its answer out in chunks, until told to stop.

    With ``in_memory`` the executor copies the store into memory first (joins run
    several times faster; each executor then holds its own copy: see README).
    """
    _die_with_parent(parent)
    import pyoxigraph as ox

    from .formats import result_kind, write_answer
    from .sparql import evaluate, service_error
    from .store import open_store

    try:
        store = _open_remote(engine, etag) if engine.store_url else open_store(Path(build_dir), etag)
        if in_memory and not engine.store_url:
            copy = ox.Store()
            copy.bulk_extend(store.quads_for_pattern(None, None, None, None))
            store = copy
    except errors.KgError as err:
        conn.send(("bug", str(err)))
        return
    conn.send(("ready",))
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        if engine.store_url:  # the remote call must end before the pool's deadline does
            store.deadline = time.monotonic() + request.budget if request.budget else None
        try:
            if isinstance(request, QuadsRequest):
                conn.send(("end", "quads", "nquads", _quads(store, request, ox), None))
                continue
            answer = evaluate(store, engine, request.text, infer=request.infer,
                              default_graphs=list(request.default_graphs), named_graphs=list(request.named_graphs),
                              base_iri=request.base_iri)
            kind = result_kind(answer)
            graph = kind == "graph"
            fmt = request.graph_format if graph else request.result_format
            if fmt is None:
                raise errors.NotAcceptable(request.unacceptable_graph if graph else request.unacceptable_results)
            stats: dict = {}
            # Each chunk is sent when the next one is ready; the last rides with the "end"
            # message, so a small answer is one message (one wake-up of the web thread).
            held: list[bytes] = []

            def emit(chunk: bytes, held: list[bytes] = held) -> None:
                if held:
                    conn.send(("chunk", held.pop()))
                held.append(chunk)

            try:
                truncated = write_answer(answer, fmt, max_rows=engine.max_rows, prefixes=engine.prefixes,
                                         emit=emit, stats=stats)
            except OSError as err:  # evaluation is lazy: SERVICE fails here
                raise service_error(err, engine) from None
            except SyntaxError as err:  # an answer that does not parse: the store's, or a SERVICE's
                if engine.store_url:  # a remote store makes its SERVICE calls itself: its answer
                    raise errors.StoreFailed(f"the SPARQL store at {engine.store_url} sent an answer "
                                             f"that does not parse: {err}") from None
                raise service_error(err, engine, bad_answer=True) from None
            conn.send(("end", kind, fmt, truncated, stats.get("rows"), held))
        except errors.KgError as err:
            conn.send(("error", type(err).__name__, str(err), getattr(err, "line", None), getattr(err, "column", None)))
        except Exception as err:  # our bug: report it, keep serving
            conn.send(("bug", f"{type(err).__name__}: {err}"))


def _open_remote(engine: Engine, etag: str):
    """The remote store (``remote.py``), after checking it still holds the build ``etag``."""
    from .remote import RemoteStore

    store = RemoteStore(engine.store_url, max_rows=engine.max_rows, timeout=engine.store_timeout,
                        graph_names=engine.graph_names, asserted_graph_names=engine.asserted_graph_names)
    manifest = store.read_manifest()
    held = manifest and manifest.get("etag")
    if held != etag:
        raise errors.KgError(f"the SPARQL store at {engine.store_url} holds build {held or '(none)'}, "
                             f"not {etag}: refusing to mix builds")
    return store


def _quads(store, request: QuadsRequest, ox) -> bool:
    """Send the quads of every pattern as N-Quads chunks, one per pattern; return whether any was cut."""
    cut = False
    chunks = []
    for pattern in request.patterns:
        terms = [None if t is None else _term(t, ox) for t in pattern]
        found = []
        for quad in store.quads_for_pattern(*terms):
            if len(found) == request.limit:
                cut = True
                break
            found.append(quad)
        chunks.append(ox.serialize(found, format=ox.RdfFormat.N_QUADS))
    return cut, chunks


def _term(text: str, ox):
    if text == "DEFAULT":
        return ox.DefaultGraph()
    if text.startswith("<"):
        return ox.NamedNode(text[1:-1])
    if text.startswith("_:"):
        return ox.BlankNode(text[2:])
    return next(iter(ox.parse(f"<x:s> <x:p> {text} .", format=ox.RdfFormat.N_TRIPLES))).object


# --- the pool, in the web process -------------------------------------------------------------

class _Executor:
    def __init__(self, build_dir: Path, etag: str, engine: Engine, in_memory: bool = False):
        parent, child = _CONTEXT.Pipe()
        self.conn = parent
        self.process = _CONTEXT.Process(target=_serve,
                                        args=(child, str(build_dir), etag, engine, os.getpid(), in_memory),
                                        daemon=True, name="apparat-executor")
        self.process.start()
        child.close()
        # One poll object for the executor's life, on its pipe and its exit: what
        # ``multiprocessing.connection.wait`` builds afresh on every call.
        self._poller = select.poll()
        self._poller.register(parent.fileno(), select.POLLIN)
        self._poller.register(self.process.sentinel, select.POLLIN)

    def wait(self, timeout: float) -> tuple[bool, bool]:
        """Wait at most ``timeout`` seconds for a message; return (a message or EOF is there,
        the process ended)."""
        fds = {fd for fd, _events in self._poller.poll(math.ceil(max(0.0, timeout) * 1000))}
        return self.conn.fileno() in fds, self.process.sentinel in fds

    def wait_ready(self, timeout: float) -> None:
        if not self.conn.poll(timeout):
            self.stop()
            raise errors.KgError(f"a query executor did not start within {timeout:g} s")
        message = self.conn.recv()
        if message != ("ready",):
            self.stop()
            raise errors.KgError(f"a query executor did not start: {message[-1]}")

    @property
    def pid(self) -> int | None:
        return self.process.pid

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=10)
        self.conn.close()


class ExecutorPool:
    """The executor processes of one web process.

    Args:
        build_dir: the (pinned) build every executor opens.
        etag: the build's checksum; an executor refuses a store of another build.
        engine: limits, prefixes, allowlist, graph names (``sparql.Engine``).
        size: executors, i.e. queries that run at once.
        timeout: seconds a request may take, every wait included.
        client_limit: queries one client address may run at once.
        client_in_flight: requests one client address may have waiting or running
            (default ``4 × client_limit``); keep it under the web threads.
        queue_limit: requests that may wait for an executor; more get ServerBusy.
        in_memory: each executor copies the store into memory (faster joins, a copy each).
        gateway: the federation gateway (``gateway.ServiceGateway``) whose URL ``engine``
            carries; it serves these executors only, so :meth:`close` closes it too.

    ``on_event``, if set, is called as ``on_event(event, pid, **details)`` on every
    executor life-cycle event: ``started``; ``killed`` (``reason="deadline"``, the
    ``query``); ``died`` (``while_`` running, idle or taking a query, the ``query``).
    It must not raise (the metrics and the log use it).
    """

    def __init__(self, build_dir: Path, etag: str, engine: Engine, *, size: int, timeout: float,
                 client_limit: int = 2, client_in_flight: int | None = None, queue_limit: int = 64,
                 in_memory: bool = False, gateway=None,
                 start_timeout: float = 60.0):
        self.in_memory, self.gateway = in_memory, gateway
        self.build_dir, self.etag, self.engine = Path(build_dir), etag, engine
        self.size, self.timeout, self.start_timeout = size, timeout, start_timeout
        self.client_limit, self.queue_limit = max(1, client_limit), queue_limit
        self.client_in_flight = client_in_flight or 4 * self.client_limit
        # Last in, first out: the executor that answered last takes the next query, while its
        # CPU caches and RocksDB blocks are warm (one at a time, 8–11% less time a query than
        # taking them in turn; README "Goals of issue 11"). Idle executors are all alike.
        self._idle: queue.LifoQueue[_Executor] = queue.LifoQueue()
        self._all: set[_Executor] = set()
        self._spawns: queue.Queue = queue.Queue()
        self._pending = 0  # executors asked of the keeper and not started (nor given up) yet
        self._clients = threading.Condition()
        self._running: collections.Counter[str] = collections.Counter()
        self._in_flight: collections.Counter[str] = collections.Counter()
        self._waiting = 0
        self._lock = threading.Lock()
        self._keeper: threading.Thread | None = None
        self._closed = False
        self.on_event = None

    def _event(self, event: str, pid: int | None, **details) -> None:
        if self.on_event is not None:
            try:
                self.on_event(event, pid, **details)
            except Exception:  # observing must never break serving
                _LOG.exception("executor event hook failed")

    # life cycle

    def start(self) -> None:
        """Start the executors (and the keeper thread that owns them); return when all are ready."""
        with self._lock:
            if self._keeper is not None:
                return
            ready = threading.Semaphore(0)
            self._keeper = threading.Thread(target=self._keep, args=(ready,), daemon=True, name="apparat-keeper")
            self._keeper.start()
            self._pending += self.size
        self._spawns.put(self.size)
        deadline = time.monotonic() + self.start_timeout
        for _ in range(self.size):
            if not ready.acquire(timeout=max(0.0, deadline - time.monotonic())):
                raise errors.KgError("the query executors did not start")

    def _keep(self, ready: threading.Semaphore) -> None:
        """Start every executor, first ones and replacements, from this one long-lived thread
        (the parent-death signal fires when the *thread* that started a process ends)."""
        while True:
            try:
                count = self._spawns.get(timeout=_SWEEP_SECONDS)
            except queue.Empty:
                try:
                    self._sweep()
                except Exception:  # this thread must live: its end would kill every executor
                    _LOG.exception("looking for dead idle executors failed")
                continue
            if count is None or self._closed:
                return
            for attempt in range(1, 4):
                # Started together, then awaited: they open (or copy) the store in parallel.
                started = [_Executor(self.build_dir, self.etag, self.engine, self.in_memory) for _ in range(count)]
                for executor in started:
                    try:
                        executor.wait_ready(self.start_timeout)
                    except Exception:
                        _LOG.exception("query executor start %d failed", attempt)
                        continue
                    with self._lock:
                        if self._closed:
                            executor.stop()
                            return
                        self._all.add(executor)
                        self._pending -= 1
                    self._idle.put(executor)
                    self._event("started", executor.pid)
                    ready.release()
                    count -= 1
                if not count:
                    break
                time.sleep(1)
            if count:  # given up on (refill asks again)
                _LOG.error("%d query executor(s) did not start; the pool is short of them", count)
                with self._lock:
                    self._pending -= count

    def _sweep(self) -> None:
        """Replace the idle executors that died (killed from outside), from the keeper, every
        :data:`_SWEEP_SECONDS`: the idle queue is last in, first out, so one at its bottom may
        not be taken (and found dead) for a long time."""
        with self._idle.mutex:
            dead = [e for e in self._idle.queue if not e.process.is_alive()]
            if dead:
                self._idle.queue[:] = [e for e in self._idle.queue if e not in dead]
        for executor in dead:
            if self._replace(executor):
                self._event("died", executor.pid, while_="idle", query=None)

    def refill(self) -> int:
        """Ask the keeper for the executors the pool is short of (a start given up on after three
        tries, one that died unnoticed); return how many. For a remote store holding this
        pool's build again (``remote.BuildWatch``), while it held another every start failed."""
        with self._lock:
            if self._keeper is None or self._closed:
                return 0
            dead = [e for e in self._all if not e.process.is_alive()]
            self._all.difference_update(dead)  # still idle: _acquire finds them dead, asks nothing more
            missing = self.size - len(self._all) - self._pending
            if missing > 0:
                self._pending += missing
                self._spawns.put(missing)
        for executor in dead:
            self._event("died", executor.pid, while_="idle", query=None)
            executor.stop()
        return max(0, missing)

    def close(self) -> None:
        """Stop every executor (busy ones too) and the keeper."""
        self._closed = True
        self._spawns.put(None)
        with self._lock:
            executors, self._all = list(self._all), set()
        for executor in executors:
            executor.stop()
        if self.gateway is not None:
            self.gateway.close()

    @property
    def pids(self) -> list[int]:
        """Process ids of the live executors (for tests and the benchmark)."""
        with self._lock:
            return [e.pid for e in self._all if e.pid]

    def occupancy(self, *, alive: bool = True) -> dict[str, int]:
        """Executors ``alive`` and ``busy`` now, and requests ``waiting`` for one (for /health, /metrics).

        ``alive=False`` leaves out the liveness check (a ``waitpid`` per executor), for the
        per-request gauges: liveness changes only with an executor event, which updates it.
        """
        with self._lock:
            executors = list(self._all)
            waiting = self._waiting
        now = {"size": self.size, "busy": max(0, len(executors) - self._idle.qsize()), "waiting": waiting}
        if alive:
            now["alive"] = sum(1 for e in executors if e.process.is_alive())
        return now

    # running

    def run(self, request: QueryRequest | QuadsRequest, *, client: str = "", started: float | None = None,
            trace: dict | None = None) -> Answer:
        """Run one request in an executor and return the whole answer.

        Args:
            request: what to run.
            client: the client's address, for the per-client limit.
            started: when the request arrived (``time.monotonic()``); the deadline
                is ``started + timeout``.
            trace: if given, gets ``executor``: the pid of the executor that ran it.

        Raises:
            QueryTimeout: the deadline passed (waiting or running): 503.
            ServerBusy: too many requests wait already: 503.
            TooManyQueries: this client has too many in flight: 429.
            KgError: whatever the query raised (syntax error, refusal …).
        """
        if self._keeper is None:
            self.start()
        deadline = (time.monotonic() if started is None else started) + self.timeout
        self._enter(client, deadline)
        try:
            for _attempt in range(2):  # an executor found dead before it got the request: take another
                executor = self._acquire(deadline)
                if not self._send(executor, request, deadline, trace):
                    continue
                return self._exchange(executor, request, deadline)
            raise errors.KgError("the query engine processes died before they could take this query")
        finally:
            self._leave(client)

    def _enter(self, client: str, deadline: float) -> None:
        with self._clients:
            if self._in_flight[client] >= self.client_in_flight:
                raise errors.TooManyQueries(
                    f"this address already has {self._in_flight[client]} queries in flight; "
                    f"at most {self.client_limit} run at once")
            self._in_flight[client] += 1
            while self._running[client] >= self.client_limit:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    self._in_flight[client] -= 1
                    raise errors.QueryTimeout(
                        f"your other queries kept this address's {self.client_limit} slots busy for "
                        f"{self.timeout:g} s; try again later", reason="client_slots")
                self._clients.wait(remaining)
            self._running[client] += 1

    def _leave(self, client: str) -> None:
        with self._clients:
            self._running[client] -= 1
            self._in_flight[client] -= 1
            if self._in_flight[client] <= 0:
                del self._in_flight[client], self._running[client]
            self._clients.notify_all()

    def _acquire(self, deadline: float) -> _Executor:
        with self._lock:
            if self._waiting >= self.queue_limit:
                raise errors.ServerBusy(f"{self._waiting} queries are waiting for an executor; try again shortly")
            self._waiting += 1
        try:
            while True:
                executor = self._idle.get(timeout=max(0.0, deadline - time.monotonic()))
                if executor.process.is_alive():
                    return executor
                if self._replace(executor):  # died while idle (killed from outside): take the next one
                    self._event("died", executor.pid, while_="idle", query=None)
        except queue.Empty:
            raise errors.QueryTimeout(
                f"all {self.size} query executors stayed busy until the {self.timeout:g} s limit; try again later",
                reason="pool_busy") from None
        finally:
            with self._lock:
                self._waiting -= 1

    def _exchange(self, executor: _Executor, request, deadline: float) -> Answer:
        chunks = []
        try:
            while True:
                remaining = deadline - time.monotonic()
                message_ready, ended = executor.wait(remaining) if remaining > 0 else (False, False)
                if not (message_ready or ended):
                    self._event("killed", executor.pid, reason="deadline", query=_text(request))
                    self._replace(executor)
                    raise errors.QueryTimeout(f"query stopped after the {self.timeout:g} s time limit")
                if not message_ready:  # the process ended and said nothing
                    raise EOFError
                message = executor.conn.recv()
                if message[0] == "chunk":
                    chunks.append(message[1])
                    continue
                break
        except (EOFError, OSError):
            self._replace(executor)
            self._event("died", executor.pid, while_="running", query=_text(request),
                        exitcode=executor.process.exitcode)
            raise errors.KgError("the query engine process died while running this query") from None
        self._idle.put(executor)
        return _result(message, chunks)

    # running, from an event loop (the ASGI front, ``server.front``)

    def take(self, client: str = "") -> _Executor | None:
        """Without waiting: this client's slot and an idle executor for :meth:`run_taken`, or None
        when either would need a wait (then :meth:`run`, in a thread, does the waiting as always).

        Nobody is passed: with requests already waiting for an executor it is None. Raises
        TooManyQueries as :meth:`run` does (past ``client_in_flight``); it never blocks.
        """
        if self._keeper is None or self._waiting or self._closed:
            return None
        with self._clients:
            if self._in_flight[client] >= self.client_in_flight:
                raise errors.TooManyQueries(
                    f"this address already has {self._in_flight[client]} queries in flight; "
                    f"at most {self.client_limit} run at once")
            if self._running[client] >= self.client_limit:
                return None
            self._in_flight[client] += 1
            self._running[client] += 1
        while True:
            try:
                executor = self._idle.get_nowait()
            except queue.Empty:
                self._leave(client)
                return None
            if executor.process.is_alive():
                return executor
            self._event("died", executor.pid, while_="idle", query=None)
            self._replace(executor)

    def _send(self, executor: _Executor, request: QueryRequest, deadline: float, trace: dict | None) -> bool:
        """Hand ``request`` to ``executor`` with the budget left before ``deadline``; False if the
        executor had died (it is replaced, and the caller takes another)."""
        if trace is not None:
            trace["executor"] = executor.pid
        remaining = deadline - time.monotonic()
        budget = max(0.05, remaining - min(0.5, remaining / 10))
        try:
            executor.conn.send(dataclasses.replace(request, budget=budget))
        except OSError:
            self._event("died", executor.pid, while_="taking a query", query=_text(request))
            self._replace(executor)
            return False
        return True

    async def run_taken(self, executor: _Executor, request: QueryRequest, *, client: str = "",
                        started: float | None = None, trace: dict | None = None) -> Answer | None:
        """:meth:`run` on an executor from :meth:`take`, its answer awaited on the running event
        loop (a reader on the executor's pipe and a timer at the deadline; no thread). The same
        deadline, kill and replacement, errors and events as :meth:`run`. None if the executor
        could not take the request (it had died): its slot is given back, and the caller runs
        :meth:`run` instead."""
        import asyncio

        deadline = (time.monotonic() if started is None else started) + self.timeout
        try:
            if not self._send(executor, request, deadline, trace):
                return None
            loop = asyncio.get_running_loop()
            done = loop.create_future()
            chunks: list[bytes] = []
            fd = executor.conn.fileno()

            def finish(message) -> None:
                loop.remove_reader(fd)
                timer.cancel()
                if not done.done():
                    done.set_result(message)

            def readable() -> None:
                # One message a call: the pipe stays readable while more are there.
                try:
                    message = executor.conn.recv()
                except (EOFError, OSError):
                    return finish(None)
                if message[0] == "chunk":
                    chunks.append(message[1])
                else:
                    finish(message)
                return None

            timer = loop.call_later(max(0.0, deadline - time.monotonic()), finish, _EXPIRED)
            loop.add_reader(fd, readable)
            try:
                message = await done
            except BaseException:  # cancelled (the client went away): the executor is mid-query
                finish(None)
                await loop.run_in_executor(None, self._replace, executor)
                raise
            if message is _EXPIRED:
                self._event("killed", executor.pid, reason="deadline", query=_text(request))
                await loop.run_in_executor(None, self._replace, executor)
                raise errors.QueryTimeout(f"query stopped after the {self.timeout:g} s time limit")
            if message is None:
                await loop.run_in_executor(None, self._replace, executor)
                self._event("died", executor.pid, while_="running", query=_text(request),
                            exitcode=executor.process.exitcode)
                raise errors.KgError("the query engine process died while running this query")
            self._idle.put(executor)
            return _result(message, chunks)
        finally:
            self._leave(client)

    def _replace(self, executor: _Executor) -> bool:
        """Kill an executor now; the keeper starts its replacement. False: :meth:`refill` had
        found it dead and replaced it already."""
        with self._lock:
            known = executor in self._all  # else refill has replaced it already
            self._all.discard(executor)
            if known and not self._closed:
                self._pending += 1
                self._spawns.put(1)
        executor.stop()
        return known


_EXPIRED = object()
#: How often the keeper looks for idle executors that died.
_SWEEP_SECONDS = 1.0


def _result(message: tuple, chunks: list[bytes]) -> Answer:
    """The answer an executor's last message (and the chunks before it) makes, or its error raised."""
    if message[0] == "end":
        _tag, kind, fmt, extra, rows, *last = message
        if kind == "quads":
            cut, chunks = extra
            return Answer(kind, fmt, cut, chunks)
        return Answer(kind, fmt, extra, chunks + last[0], rows)
    if message[0] == "error":
        _tag, name, text, line, column = message
        cls = getattr(errors, name, errors.KgError)
        if cls is errors.QuerySyntaxError:
            raise cls(text, line, column)
        raise cls(text)
    raise errors.KgError(f"query engine failure: {message[1]}")


def _text(request) -> str | None:
    """The query text of a request (None for quad lookups), for the life-cycle log."""
    return getattr(request, "text", None)
