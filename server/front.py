"""The ASGI front (``http_interface = asgi``): granian's ASGI interface, the body read
on its event loop with a deadline, then the unchanged WSGI app in a thread pool.

granian's WSGI interface hands the app a body stream whose read blocks one of
its threads until the bytes come, and it has no body timeout: a client that
announces ``Content-Length: N`` and sends fewer bytes holds that thread until it
closes. Here the body is awaited with ``receive()`` on the event loop, which
costs no thread while it waits, under one deadline of ``body_timeout`` seconds
for the whole body. Then:

- the whole body came: the request goes on to the WSGI app, run in a pool of
  ``threads`` threads, with that body and a ``Content-Length`` that says its
  size (a chunked body too);
- the deadline passed: the app is called with no body and
  ``environ["apparat.body"] = "timeout"``, and ``server.http`` answers ``408``
  with ``Connection: close`` (so it is logged and counted like any refusal);
- a declared length over ``max_request_bytes`` is not read at all (``413`` from
  the headers, as before); a chunked body is read up to one byte past the cap,
  and its ``Content-Length`` then says so, so it is ``413`` too;
- the client went away: nothing is answered.

A ``GET /sparql`` the response cache can answer (``server.http.FrontCache``: same
key, same bytes and headers, ``X-Cache: hit``) is answered here on the loop and never
crosses into the pool; it is observed (log line, metrics) by the same code as one the
pool answers (``server.observe.Observer``). The lookup never waits for the cache's
lock (a busy lock sends the request on to the pool). HEAD, conditional requests, other
paths and a disabled cache (``cache_bytes = 0``) go to the pool as before.

A plain ``GET /sparql?query=…`` that the front cache did not answer is run here too,
without Flask (:class:`QueryFront`): its executor is taken without waiting and its
answer awaited on the loop (``ExecutorPool.take`` and ``run_taken``); a request that
would wait for its client's slots or for an executor waits in a pool thread
(``ExecutorPool.run``). Its status, headers, body, log line, metrics and cache fills are
the Flask path's (``tests/test_fast_path.py`` compares them); whatever it is not sure of
(other parameters, a browser's ``Accept``, refusals of the limits) goes to Flask.
Flask never runs on the loop.

Before a reload stops this worker, ``apparat serve`` sends it ``SIGUSR1``: from then on each
answer says ``Connection: close`` (:attr:`BodyFront.draining`), so a client or proxy holding
a kept-alive connection to it leaves after its answer rather than meeting the close the
worker's stop makes of every idle connection at once (README "Reload without downtime").

Responses stream: the pool thread hands the answer to the loop in batches of up
to 64 KiB as the app yields them (a small answer in the same hop that ran the
app), and the thread is free while granian sends a batch. The bridge is ours,
not a2wsgi's ``WSGIMiddleware``: that one crosses threads once per chunk and
per message and answered cached lookups at half this rate (README "Limits").
"""

from __future__ import annotations

import asyncio
import functools
import gzip
import io
import signal
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header, parse_options_header, quote_etag
from werkzeug.utils import get_content_type
from werkzeug.wsgi import get_current_url

from apparat.errors import KgError
from apparat.query.executor import QueryRequest
from apparat.query.formats import find_format, formats_for

#: What the front tells the WSGI app about the body it did not pass on.
BODY_KEY = "apparat.body"
#: When the request's headers had come (``time.monotonic()``), before its body was read.
ARRIVED_KEY = "apparat.arrived"


class BodyFront:
    """ASGI app: reads each request body with a deadline, then calls ``wsgi_app`` with it.

    Given the app's ``front_cache`` (``server.http.FrontCache``) and ``observer``
    (``server.observe.Observer``), it answers front-cache hits itself, on the loop.
    """

    #: Set by ``SIGUSR1`` (:func:`create_asgi`): from then on every answer, those of requests
    #: already in flight included, closes its connection.
    draining = False

    def __init__(self, wsgi_app, *, threads: int, body_timeout: float, max_bytes: int,
                 front_cache=None, observer=None, queries: QueryFront | None = None):
        self.wsgi_app = wsgi_app
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="wsgi")
        self.body_timeout, self.max_bytes = body_timeout, max_bytes
        self.front_cache, self.observer = front_cache, observer
        self._answers_hits = front_cache is not None and observer is not None
        self.queries = queries
        if queries is not None:
            queries.threads = self.pool

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":  # lifespan (granian's ASGINL interface sends none)
            return None
        send = _closing(send)  # a drain may begin while this request is in flight
        declared, headers = None, []
        for name, value in scope["headers"]:
            if name == b"content-length":
                declared = value
            elif name != b"transfer-encoding":
                headers.append((name, value))
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            # 413, unread
            return await self._call(_environ(scope, b"", {"CONTENT_LENGTH": declared.decode("latin-1")}), send)
        if declared == b"0" or (declared is None and scope["method"] in _NO_BODY):
            environ = _environ(scope, b"", {})
            if scope["method"] == "GET":
                if self._answers_hits and await self._hit(environ, send):
                    return None
                if self.queries is not None and await self.queries.answer(environ, send):
                    return None
            return await self._call(environ, send)
        arrived = time.monotonic()
        body = await self._read(receive, self.max_bytes + 1)
        if body is None:  # the client went away
            return None
        scope = {**scope, "headers": headers}
        if body is _TIMEOUT:
            return await self._call(_environ(scope, b"", {BODY_KEY: "timeout", ARRIVED_KEY: arrived}), send)
        environ = _environ(scope, body, {ARRIVED_KEY: arrived})
        if scope["method"] == "POST" and self.queries is not None and await self.queries.answer(environ, send, body):
            return None
        return await self._call(environ, send)

    async def _hit(self, environ: dict, send) -> bool:
        """Answer a front-cache hit here on the loop, observed as the pool would observe it; False
        if this request is not one (not cacheable, not cached, or the cache's lock is busy).

        The lookup does not wait for the cache's lock (a busy lock sends the request to the
        pool, whose lookup waits), and a miss runs nothing here but the lookup. A hit costs the
        loop what it costs a pool thread: the observer's record, the metrics' and the pool
        gauges' short locks, and the write of its log line (``access_log``).
        """
        hit = self.front_cache.lookup(environ, wait=False)
        if hit is None:
            return False
        record = self.observer.begin(environ)
        status, headers, body = self.front_cache.answer(environ, hit)
        self.observer.heard(record, status, headers)
        sent = 0
        try:
            await send({"type": "http.response.start", "status": int(status.split(" ", 1)[0]),
                        "headers": _asgi_headers(headers)})
            await send({"type": "http.response.body", "body": body, "more_body": False})
            sent = len(body)
        finally:
            self.observer.finish(record, sent)
        return True

    async def _read(self, receive, most: int):
        """The body (at most ``most`` bytes), ``_TIMEOUT`` past the deadline, or None if the client left."""
        parts, size = [], 0
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout_at(loop.time() + self.body_timeout):
                while size < most:
                    message = await receive()
                    if message["type"] == "http.disconnect":
                        return None
                    chunk = message.get("body", b"")
                    parts.append(chunk)
                    size += len(chunk)
                    if not message.get("more_body", False):
                        break
        except TimeoutError:
            return _TIMEOUT
        return b"".join(parts)[:most]

    async def _call(self, environ: dict, send) -> None:
        """Run the WSGI app in the pool; send its answer, in batches of chunks as it yields them."""
        loop = asyncio.get_running_loop()
        status, headers, chunks, rest = await loop.run_in_executor(self.pool, self._start, environ)
        await send({"type": "http.response.start", "status": status, "headers": headers})
        try:
            while rest is not None:
                await send({"type": "http.response.body", "body": chunks, "more_body": True})
                chunks, rest = await loop.run_in_executor(self.pool, _more, rest)
            await send({"type": "http.response.body", "body": chunks, "more_body": False})
        except BaseException:  # the client went away mid-answer: let the app clean up
            if rest is not None:
                loop.run_in_executor(self.pool, _close, rest[1])
            raise

    def _start(self, environ):
        """In a pool thread: call the app, and take its first chunks (up to ``_BATCH`` bytes)."""
        started = []

        def start_response(status, headers, exc_info=None):
            started[:] = [status, headers]
            return _no_write

        iterable = self.wsgi_app(environ, start_response)
        chunks, rest = _more((iter(iterable), iterable))
        status, headers = started
        return int(status.split(" ", 1)[0]), _asgi_headers(headers), chunks, rest


#: Bytes of the answer gathered in a pool thread before they are handed to the server.
_BATCH = 64 * 1024
_TIMEOUT = object()
#: Methods whose requests are taken to have no body unless they give a Content-Length.
_NO_BODY = frozenset({"GET", "HEAD", "OPTIONS"})


def _more(rest):
    """In a pool thread: the next chunks of an answer, up to ``_BATCH`` bytes; ``rest`` None once it is done."""
    iterator, iterable = rest
    parts, size = [], 0
    try:
        for chunk in iterator:
            if chunk:
                parts.append(chunk)
                size += len(chunk)
                if size >= _BATCH:
                    return b"".join(parts), rest
    except BaseException:
        _close(iterable)
        raise
    _close(iterable)
    return b"".join(parts), None


def _closing(send):
    """``send``, with ``Connection: close`` added to the response's headers once a drain began."""

    async def closing(message):
        if BodyFront.draining and message["type"] == "http.response.start":
            message = {**message, "headers": [*message["headers"], (b"connection", b"close")]}
        await send(message)

    return closing


def _asgi_headers(headers: list[tuple[str, str]]) -> list[tuple[bytes, bytes]]:
    """WSGI response headers as ASGI wants them (both paths of an answer use this)."""
    return [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers]


def _close(iterable) -> None:
    close = getattr(iterable, "close", None)
    if close is not None:
        close()


def _no_write(data: bytes) -> None:
    raise NotImplementedError("this server does not support the WSGI write() callable; return an iterable")


def _environ(scope, body: bytes, extra: dict) -> dict:
    """The WSGI environ (PEP 3333) of an ASGI HTTP scope whose body has been read whole."""
    path = scope["path"].encode("utf-8").decode("latin-1")
    server = scope.get("server") or ("localhost", 80)
    client = scope.get("client") or ("", 0)
    environ = {
        "REQUEST_METHOD": scope["method"], "SCRIPT_NAME": "", "PATH_INFO": path,
        "QUERY_STRING": scope["query_string"].decode("latin-1"),
        "SERVER_NAME": server[0], "SERVER_PORT": str(server[1] or 0),
        "SERVER_PROTOCOL": f"HTTP/{scope['http_version']}",
        "REMOTE_ADDR": client[0], "REMOTE_PORT": str(client[1]),
        "wsgi.version": (1, 0), "wsgi.url_scheme": scope.get("scheme", "http"), "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr, "wsgi.multithread": True, "wsgi.multiprocess": True, "wsgi.run_once": False,
    }
    if body:
        environ["CONTENT_LENGTH"] = str(len(body))
    for name, value in scope["headers"]:
        key = name.decode("latin-1").upper().replace("-", "_")
        key = key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else "HTTP_" + key
        text = value.decode("latin-1")
        environ[key] = environ[key] + "," + text if key in environ and key != "CONTENT_LENGTH" else text
    environ.update(extra)
    return environ


def create_asgi():
    """granian's factory for ``http_interface = asgi``: the Flask app behind the body front."""
    from . import create_app

    def drain(_signum, _frame):
        BodyFront.draining = True

    # Before the app is made: a reload may tell a worker that is still starting to drain.
    signal.signal(signal.SIGUSR1, drain)  # apparat serve, before a reload stops this worker
    app = create_app()
    settings, st = app.config["APPARAT"], app.extensions["apparat"]
    front = BodyFront(app, threads=settings["threads"], body_timeout=settings["body_timeout"],
                      max_bytes=settings["max_request_bytes"], front_cache=st.front_cache, observer=st.observer,
                      queries=QueryFront(app))
    return front


# --- the query fast path -----------------------------------------------------------------------

#: The parameters a fast-path ``GET /sparql`` may carry; any other sends it to Flask.
_FAST_PARAMS = frozenset({"query", "format", "infer", "default-graph-uri", "named-graph-uri"})
#: The headers every response gets (``server.http._cors``), in its order.
_CORS = [("Access-Control-Allow-Origin", "*"), ("Access-Control-Allow-Methods", "GET, POST, OPTIONS"),
         ("Access-Control-Allow-Headers", "Accept, Content-Type"),
         ("Access-Control-Expose-Headers", "ETag, X-Apparat-Truncated")]
#: Longest ``Accept`` header the fast path takes (the Flask path remembers no longer one either).
_LONGEST_ACCEPT = 1024


class QueryFront:
    """The fast path: a plain ``GET /sparql?query=…`` that the front cache did not answer, run
    on the event loop without Flask, with the status, headers, body, log line, metrics and
    cache fills of the Flask path (``server.sparql``, ``server.results``, ``server.http``,
    ``server.errors``), which a test compares request by request (``tests/test_fast_path.py``).

    What it takes: ``GET`` of ``/sparql`` or ``/sparql/``, no conditional or Range header, a
    query string within the limits, valid UTF-8 and with only :data:`_FAST_PARAMS`, one
    non-empty ``query``, an ``Accept`` of at most 1 kB that does not ask for the editor's page.
    Everything else goes to Flask, unchanged (it answers the refusals too: 400, 414, …).

    The executor is taken without waiting (``ExecutorPool.take``) and its answer awaited on the
    loop (``ExecutorPool.run_taken``: a reader on its pipe, a timer at the deadline); when the
    client's slots or every executor are busy, ``ExecutorPool.run`` waits in a pool thread, as
    on the Flask path. Errors of the query (400 with the parser's line and column, 406, 429, 503
    with ``Retry-After``, 504 …) are written here as ``server.errors`` writes them.
    """

    def __init__(self, app):
        from .http import QUERY_PATHS

        st = app.extensions["apparat"]
        self.app, self.st, self.settings = app, st, st.settings
        self.paths = QUERY_PATHS
        self.built_at = app.config["APPARAT_BUILT_AT"]
        self.threads: ThreadPoolExecutor | None = None  # set by BodyFront: its pool, for waits

    def plan(self, environ: dict, body: bytes | None = None):
        """What the request asks, as the Flask path reads it, or None if the fast path must not
        take it. ``body``: a POST's (``application/sparql-query`` only)."""
        from .editor import _prefers_page
        from .http import _MAKES_CONDITIONAL
        from .limits import BadEncoding, _decode_fields

        method = environ["REQUEST_METHOD"]
        if method not in ("GET", "POST") or environ["PATH_INFO"] not in self.paths:
            return None
        if self.st.store_watch is not None and self.st.store_watch.refusing:
            return None  # the store holds another build: Flask refuses it (server.store_build)
        if method == "POST":
            direct = _direct_query(environ.get("CONTENT_TYPE", ""))
            if body is None or not direct or len(body) > self.settings["max_request_bytes"]:
                return None
            try:
                posted = body.decode("utf-8")
            except UnicodeDecodeError:
                return None
        if any(name in environ for name in _MAKES_CONDITIONAL):
            return None
        accept = environ.get("HTTP_ACCEPT")
        if accept is not None and len(accept) > _LONGEST_ACCEPT:
            return None
        try:
            fields = _decode_fields(environ.get("QUERY_STRING", "").encode("latin-1", "replace"), "query string")
        except BadEncoding:
            return None
        if len(fields) > self.settings["max_form_fields"] or any(n not in _FAST_PARAMS for n, _v in fields):
            return None
        queries = [v for n, v in fields if n == "query"]
        if method == "POST":
            if queries:
                return None  # a query in the URL too: Flask's to judge
            queries = [posted]
        if len(queries) != 1 or not queries[0].strip() or len(queries[0]) > self.settings["max_query_length"]:
            return None
        formats = [v for n, v in fields if n == "format"]
        if method == "GET" and not formats and _prefers_page(accept):
            return None  # a permalink opened in a browser: the editor's page
        infer = next((v for n, v in fields if n == "infer"), "true").lower() not in ("false", "0", "no")
        default_graphs = tuple(v for n, v in fields if n == "default-graph-uri")
        named_graphs = tuple(v for n, v in fields if n == "named-graph-uri")
        return queries[0], formats, infer, default_graphs, named_graphs, _base_url(environ), accept

    async def answer(self, environ: dict, send, body: bytes | None = None) -> bool:
        """Answer the request here if :meth:`plan` takes it; False (nothing sent) if it does not."""
        from .observe import note_environ

        plan = self.plan(environ, body)
        if plan is None:
            return False
        observer = self.st.observer
        record = observer.begin(environ)
        started = time.monotonic()  # the query deadline counts from here, as from Flask's first hook
        note_environ(environ, route=environ["PATH_INFO"])
        sent = 0
        try:
            try:
                status, headers, chunks = await self._answer(environ, plan, started)
            except KgError as err:
                status, headers, chunks = self._error(environ, err)
            except Exception:
                self.app.logger.exception("unhandled error")
                status, headers, chunks = self._error(environ, None)
            observer.heard(record, f"{status} -", headers)
            await send({"type": "http.response.start", "status": status, "headers": _asgi_headers(headers)})
            for chunk in chunks[:-1]:
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
                sent += len(chunk)
            await send({"type": "http.response.body", "body": chunks[-1], "more_body": False})
            sent += len(chunks[-1])
        finally:
            record.setdefault("status", 500)
            observer.finish(record, sent)
        return True

    async def _answer(self, environ: dict, plan, started: float):
        """``server.results.answer_query`` and the headers ``server.http`` adds, for a 200."""
        from .clients import client_of
        from .http import _NOT_KEPT, _date_now, front_key
        from .observe import answer_facts, note_environ
        from .results import _negotiated

        st = self.st
        text, formats, infer, default_graphs, named_graphs, base_iri, accept = plan
        (result_format, why_not_results), (graph_format, why_not_graph) = _negotiated(accept, tuple(formats))
        key = (st.build.etag, text, infer, default_graphs, named_graphs, base_iri, result_format, graph_format)
        cache = st.cache  # taken once: an answer that ends after the cache was dropped goes into the dropped one
        answer = cache.get(key, wait=False)  # a busy lock: run it (the same answer)
        hit = answer is not None
        note_environ(environ, query=text, cache="hit" if hit else "miss")
        if not hit:
            request = QueryRequest(text, result_format=result_format, graph_format=graph_format,
                                   unacceptable_results=why_not_results, unacceptable_graph=why_not_graph,
                                   infer=infer, default_graphs=default_graphs, named_graphs=named_graphs,
                                   base_iri=base_iri)
            client = client_of(environ, st.trusted_proxies)
            trace: dict = {}
            try:
                executor = st.pool.take(client)
                if executor is not None:
                    answer = await st.pool.run_taken(executor, request, client=client, started=started, trace=trace)
                if answer is None:  # it must wait (the client's slots, or every executor, busy): in a thread
                    run = functools.partial(st.pool.run, request, client=client, started=started, trace=trace)
                    answer = await asyncio.get_running_loop().run_in_executor(self.threads, run)
            finally:
                note_environ(environ, executor=trace.get("executor"))
            cache.put(key, answer, sum(map(len, answer.chunks)))
        note_environ(environ, format=answer.format, rows=answer.rows)
        fmt = find_format(answer.format, formats_for(answer.kind))
        headers = [("Content-Type", _content_type(fmt.media_type)), ("X-Cache", "hit" if hit else "miss")]
        if answer.rows is not None:
            headers.append(("X-Apparat-Rows", str(answer.rows)))
        if answer.truncated:
            headers.append(("X-Apparat-Truncated", f"true; limit={self.settings['max_rows']}"))
        vary = len(headers)
        headers += [("Vary", "Accept"), ("ETag", quote_etag(f"{st.build.etag}-{fmt.name}", weak=True)), *_CORS]
        if environ["REQUEST_METHOD"] == "GET":  # server.http: validators for a GET's 200 only
            headers += [("Last-Modified", self.built_at), ("Date", _date_now())]
        chunks = [chunk for chunk in answer.chunks if chunk]
        body = b"".join(chunks) if len(chunks) != 1 else chunks[0]
        if len(body) >= 1024 and "gzip" in _encodings(environ.get("HTTP_ACCEPT_ENCODING")):  # server.http._gzip
            if len(body) > _BATCH:  # not on the loop
                body = await asyncio.get_running_loop().run_in_executor(self.threads, gzip.compress, body, 5)
            else:
                body = gzip.compress(body, compresslevel=5)
            headers[vary] = ("Vary", "Accept, Accept-Encoding")
            headers += [("Content-Length", str(len(body))), ("Content-Encoding", "gzip")]
            chunks = [body]
        else:
            headers.append(("Content-Length", str(len(body))))
            chunks = [body] if len(body) <= _BATCH else chunks
        front = front_key(environ, st.build.etag) if cache.max_bytes else None
        if front is not None:  # server.http.FrontCache's fill
            stored = [(k, "hit" if k == "X-Cache" else v) for k, v in headers if k.lower() not in _NOT_KEPT]
            facts = answer_facts(environ)
            cache.put(front, (stored, body, facts), len(body) + len(facts.get("query_text") or "") + 512)
        return 200, headers, chunks or [b""]

    def _error(self, environ: dict, err: KgError | None):
        """``server.errors``' answer to ``err`` (None: our bug, a 500), with the CORS headers."""
        from .observe import note_error_environ

        if err is None:
            status, title, message, extra = 500, "Internal error", "this is a bug in Apparat, not in your request", {}
        else:
            status, title, message = err.status, err.title, str(err)
            extra = {k: v for k in ("line", "column", "reason") if (v := getattr(err, k, None)) is not None}
        if _wants_json(environ.get("HTTP_ACCEPT")):
            obj = {"ok": False, "status": status, "error": title, "message": message, **extra}
            body = f"{self.app.json.dumps(obj, separators=(',', ':'))}\n".encode()
            content_type = "application/json"
        else:
            body = f"{title}: {message}\n".encode()
            content_type = _content_type("text/plain")
        headers = [("Content-Type", content_type), ("Content-Length", str(len(body)))]
        if err is not None:
            if getattr(err, "retry_after", None):
                headers.append(("Retry-After", str(err.retry_after)))
            if getattr(err, "reason", None):
                headers.append(("X-Apparat-Reason", err.reason))
            note_error_environ(environ, err)
        return status, headers + _CORS, [body]


@functools.lru_cache(maxsize=64)
def _direct_query(content_type: str) -> bool:
    """Whether a POST's Content-Type is ``application/sparql-query`` in UTF-8 (``server.sparql``)."""
    mimetype, options = parse_options_header(content_type)
    return mimetype.lower() == "application/sparql-query" and options.get("charset", "utf-8").lower() in (
        "utf-8", "utf8")


@functools.lru_cache(maxsize=64)
def _content_type(mimetype: str) -> str:
    """The Content-Type werkzeug writes for ``Response(mimetype=…)``."""
    return get_content_type(mimetype, "utf-8")


@functools.lru_cache(maxsize=256)
def _wants_json(accept: str | None) -> bool:
    """``request.accept_mimetypes.best == "application/json"`` (``server.errors``)."""
    return parse_accept_header(accept, MIMEAccept).best == "application/json"


@functools.lru_cache(maxsize=256)
def _encodings(accept_encoding: str | None):
    """``request.accept_encodings`` (``server.http._gzip``)."""
    return parse_accept_header(accept_encoding)


def _base_url(environ: dict) -> str:
    """``request.base_url``, remembered per scheme, Host, server and path."""
    return _base_url_of(environ["wsgi.url_scheme"], environ.get("HTTP_HOST"), environ.get("SERVER_NAME"),
                        environ.get("SERVER_PORT"), environ.get("SCRIPT_NAME", ""), environ["PATH_INFO"])


@functools.lru_cache(maxsize=256)
def _base_url_of(scheme, host, server_name, server_port, script_name, path) -> str:
    environ = {"wsgi.url_scheme": scheme, "SERVER_NAME": server_name, "SERVER_PORT": server_port,
               "SCRIPT_NAME": script_name, "PATH_INFO": path}
    if host is not None:
        environ["HTTP_HOST"] = host
    return get_current_url(environ, strip_querystring=True)
