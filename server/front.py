"""The ASGI front (``http_interface = asgi``): granian's ASGI interface, the body read
on its event loop with a deadline, then the unchanged WSGI app in a thread pool.

granian's WSGI interface hands the app a body stream whose read blocks one of
its threads until the bytes come, and it has no body timeout: a client that
announces ``Content-Length: N`` and sends fewer bytes holds that thread until it
closes. Here the body is awaited with ``receive()`` on the event loop, which
costs no thread while it waits, under one deadline of ``body_timeout`` seconds
for the whole body. Then:

- the whole body came: the request goes on to the WSGI app (through a2wsgi's
  ``WSGIMiddleware``, whose pool has ``threads`` threads) with that body and a
  ``Content-Length`` that says its size (a chunked body too);
- the deadline passed: the app is called with no body and
  ``environ["apparat.body"] = "timeout"``, and ``server.http`` answers ``408``
  with ``Connection: close`` (so it is logged and counted like any refusal);
- a declared length over ``max_request_bytes`` is not read at all (``413`` from
  the headers, as before); a chunked body is read up to one byte past the cap,
  and its ``Content-Length`` then says so, so it is ``413`` too;
- the client went away: nothing is answered.

Responses stream as the app yields them: a2wsgi sends each chunk as one ASGI
message (a queue of 10 between the app's thread and the loop).
"""

from __future__ import annotations

import asyncio
import io
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor

#: What the front tells the WSGI app about the body it did not pass on.
BODY_KEY = "apparat.body"
#: When the request's headers had come (``time.monotonic()``), before its body was read.
ARRIVED_KEY = "apparat.arrived"


class BodyFront:
    """ASGI app: reads each request body with a deadline, then calls ``wsgi_app`` with it."""

    def __init__(self, wsgi_app, *, threads: int, body_timeout: float, max_bytes: int):
        self.wsgi_app = wsgi_app
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="wsgi")
        self.body_timeout, self.max_bytes = body_timeout, max_bytes
        if os.environ.get("APPARAT_FRONT_BRIDGE") == "a2wsgi":  # measurement only (bench/interfaces.py)
            from a2wsgi import WSGIMiddleware
            from a2wsgi.wsgi import build_environ

            inner = WSGIMiddleware(self._from_a2wsgi, workers=threads)
            self._a2wsgi_environ = build_environ

            async def call(scope, body, send, extra):
                scope = {**scope, "apparat.extra": extra,
                         "headers": [*scope["headers"], (b"content-length", str(len(body)).encode())] if body
                         else scope["headers"]}
                return await inner(scope, _replay(body), send)

            self._call = call

    def _from_a2wsgi(self, environ, start_response):
        environ.update(environ["asgi.scope"]["apparat.extra"])
        return self.wsgi_app(environ, start_response)

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
            return await self._call(scope, b"", send, {"CONTENT_LENGTH": declared.decode("latin-1")})  # 413, unread
        if declared == b"0" or (declared is None and scope["method"] in _NO_BODY):
            return await self._call(scope, b"", send, {})
        arrived = time.monotonic()
        body = await self._read(receive, self.max_bytes + 1)
        if body is None:  # the client went away
            return None
        scope = {**scope, "headers": headers}
        if body is _TIMEOUT:
            return await self._call(scope, b"", send, {BODY_KEY: "timeout", ARRIVED_KEY: arrived})
        return await self._call(scope, body, send, {ARRIVED_KEY: arrived})

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

    async def _call(self, scope, body: bytes, send, extra: dict) -> None:
        """Run the WSGI app in the pool; send its answer, in batches of chunks as it yields them."""
        loop = asyncio.get_running_loop()
        environ = _environ(scope, body, extra)
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

    async def __rsgi__(self, scope, proto):
        """The same front on granian's RSGI interface (``http_interface = rsgi``)."""
        if scope.proto != "http":
            return None
        headers = scope.headers.items()
        declared = scope.headers.get("content-length")
        extra = {}
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            body = b""
        elif declared == "0" or (declared is None and scope.method in _NO_BODY):
            body = b""
        else:
            arrived = time.monotonic()
            body = await self._read_rsgi(proto, self.max_bytes + 1)
            headers = [(k, v) for k, v in headers if k not in ("content-length", "transfer-encoding")]
            extra = {ARRIVED_KEY: arrived}
            if body is _TIMEOUT:
                body, extra[BODY_KEY] = b"", "timeout"
        loop = asyncio.get_running_loop()
        environ = _rsgi_environ(scope, headers, body, extra)
        status, out, chunks, rest = await loop.run_in_executor(self.pool, self._start, environ, False)
        if rest is None:
            proto.response_bytes(status, out, chunks)
            return None
        transport = proto.response_stream(status, out)
        try:
            while rest is not None:
                await transport.send_bytes(chunks)
                chunks, rest = await loop.run_in_executor(self.pool, _more, rest)
            await transport.send_bytes(chunks)
        except BaseException:
            if rest is not None:
                loop.run_in_executor(self.pool, _close, rest[1])
            raise
        return None

    async def _read_rsgi(self, proto, most: int):
        parts, size = [], 0
        try:
            async with asyncio.timeout(self.body_timeout):
                async for chunk in proto:
                    parts.append(chunk)
                    size += len(chunk)
                    if size >= most:
                        break
        except TimeoutError:
            return _TIMEOUT
        return b"".join(parts)[:most]

    def _start(self, environ, encode: bool = True):
        """In a pool thread: call the app, and take its first chunks (up to ``_BATCH`` bytes)."""
        started = []

        def start_response(status, headers, exc_info=None):
            started[:] = [status, headers]
            return _no_write

        iterable = self.wsgi_app(environ, start_response)
        chunks, rest = _more((iter(iterable), iterable))
        status, headers = started
        if encode:  # ASGI wants bytes; RSGI strs
            headers = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers]
        return int(status.split(" ", 1)[0]), headers, chunks, rest


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


def _rsgi_environ(scope, headers, body: bytes, extra: dict) -> dict:
    host, _, port = scope.server.rpartition(":")
    client, _, client_port = scope.client.rpartition(":")
    environ = {
        "REQUEST_METHOD": scope.method, "SCRIPT_NAME": "", "PATH_INFO": scope.path.encode("utf-8").decode("latin-1"),
        "QUERY_STRING": scope.query_string.encode("utf-8", "surrogateescape").decode("latin-1"),
        "SERVER_NAME": host, "SERVER_PORT": port,
        "SERVER_PROTOCOL": f"HTTP/{scope.http_version}",
        "REMOTE_ADDR": client, "REMOTE_PORT": client_port,
        "wsgi.version": (1, 0), "wsgi.url_scheme": scope.scheme, "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr, "wsgi.multithread": True, "wsgi.multiprocess": True, "wsgi.run_once": False,
    }
    if body:
        environ["CONTENT_LENGTH"] = str(len(body))
    for name, text in headers:
        key = name.upper().replace("-", "_")
        key = key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else "HTTP_" + key
        environ[key] = environ[key] + "," + text if key in environ and key != "CONTENT_LENGTH" else text
    environ.update(extra)
    return environ


def _replay(body: bytes):
    """An ASGI ``receive`` that gives ``body`` whole, at once (the a2wsgi bridge)."""
    message = {"type": "http.request", "body": body, "more_body": False}

    async def receive():
        return message

    return receive


def create_asgi():
    """granian's factory for ``http_interface = asgi``: the Flask app behind the body front."""
    from . import create_app

    app = create_app()
    settings = app.config["APPARAT"]
    if os.environ.get("APPARAT_FRONT_SWITCH"):  # measurement only
        sys.setswitchinterval(float(os.environ["APPARAT_FRONT_SWITCH"]))
    return BodyFront(app, threads=settings["threads"], body_timeout=settings["body_timeout"],
                     max_bytes=settings["max_request_bytes"])
