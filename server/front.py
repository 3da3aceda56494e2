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
lock (a busy lock sends the request on to the pool), and a miss goes to the pool as
any request does: Flask never runs on the loop. HEAD, conditional requests, other
paths and a disabled cache (``cache_bytes = 0``) go to the pool as before.

Responses stream: the pool thread hands the answer to the loop in batches of up
to 64 KiB as the app yields them (a small answer in the same hop that ran the
app), and the thread is free while granian sends a batch. The bridge is ours,
not a2wsgi's ``WSGIMiddleware``: that one crosses threads once per chunk and
per message and answered cached lookups at half this rate (README "Limits").
"""

from __future__ import annotations

import asyncio
import io
import sys
import time
from concurrent.futures import ThreadPoolExecutor

#: What the front tells the WSGI app about the body it did not pass on.
BODY_KEY = "apparat.body"
#: When the request's headers had come (``time.monotonic()``), before its body was read.
ARRIVED_KEY = "apparat.arrived"


class BodyFront:
    """ASGI app: reads each request body with a deadline, then calls ``wsgi_app`` with it.

    Given the app's ``front_cache`` (``server.http.FrontCache``) and ``observer``
    (``server.observe.Observer``), it answers front-cache hits itself, on the loop.
    """

    def __init__(self, wsgi_app, *, threads: int, body_timeout: float, max_bytes: int,
                 front_cache=None, observer=None):
        self.wsgi_app = wsgi_app
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="wsgi")
        self.body_timeout, self.max_bytes = body_timeout, max_bytes
        self.front_cache, self.observer = front_cache, observer
        self._answers_hits = front_cache is not None and observer is not None

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":  # lifespan (granian's ASGINL interface sends none)
            return None
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
            if scope["method"] == "GET" and self._answers_hits and await self._hit(environ, send):
                return None
            return await self._call(environ, send)
        arrived = time.monotonic()
        body = await self._read(receive, self.max_bytes + 1)
        if body is None:  # the client went away
            return None
        scope = {**scope, "headers": headers}
        if body is _TIMEOUT:
            return await self._call(_environ(scope, b"", {BODY_KEY: "timeout", ARRIVED_KEY: arrived}), send)
        return await self._call(_environ(scope, body, {ARRIVED_KEY: arrived}), send)

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

    app = create_app()
    settings, st = app.config["APPARAT"], app.extensions["apparat"]
    return BodyFront(app, threads=settings["threads"], body_timeout=settings["body_timeout"],
                     max_bytes=settings["max_request_bytes"], front_cache=st.front_cache, observer=st.observer)
