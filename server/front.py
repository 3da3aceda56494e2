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
import time

from a2wsgi import WSGIMiddleware

#: What the front tells the WSGI app about the body it did not pass on.
BODY_KEY = "apparat.body"
#: A query string with bytes over 0x7f (the app says which is not UTF-8: 400), kept from a2wsgi.
RAW_QUERY_KEY = "apparat.raw_query"
#: When the request's headers had come (``time.monotonic()``), before its body was read.
ARRIVED_KEY = "apparat.arrived"


class BodyFront:
    """ASGI app: reads each request body with a deadline, then calls ``wsgi_app`` with it."""

    def __init__(self, wsgi_app, *, threads: int, body_timeout: float, max_bytes: int):
        self.inner = WSGIMiddleware(_from_scope(wsgi_app), workers=threads)
        self.body_timeout, self.max_bytes = body_timeout, max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":  # lifespan: a2wsgi answers it
            return await self.inner(scope, receive, send)
        if not scope["query_string"].isascii():  # a2wsgi would fail on it (500); WSGI wants it as latin-1
            scope = {**scope, "query_string": b"", RAW_QUERY_KEY: scope["query_string"]}
        declared, headers = None, []
        for name, value in scope["headers"]:
            if name == b"content-length":
                declared = value
            elif name != b"transfer-encoding":
                headers.append((name, value))
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            return await self.inner(scope, _replay(b""), send)  # refused from the headers (413), unread
        if declared == b"0":
            return await self.inner(scope, _replay(b""), send)
        arrived = time.monotonic()
        body = await self._read(receive, self.max_bytes + 1)
        if body is None:  # the client went away
            return None
        if body is _TIMEOUT:
            scope = {**scope, BODY_KEY: "timeout", ARRIVED_KEY: arrived, "headers": headers}
            return await self.inner(scope, _replay(b""), send)
        scope = {**scope, ARRIVED_KEY: arrived, "headers": [*headers, (b"content-length", str(len(body)).encode())]}
        return await self.inner(scope, _replay(body), send)

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


_TIMEOUT = object()


def _replay(body: bytes):
    """An ASGI ``receive`` that gives ``body`` whole, at once."""
    message = {"type": "http.request", "body": body, "more_body": False}

    async def receive():
        return message

    return receive


def _from_scope(wsgi_app):
    """Put what the front knows (``BODY_KEY``, ``ARRIVED_KEY``, ``RAW_QUERY_KEY``) into the WSGI environ."""

    def app(environ, start_response):
        scope = environ["asgi.scope"]
        for key in (BODY_KEY, ARRIVED_KEY):
            if key in scope:
                environ[key] = scope[key]
        if RAW_QUERY_KEY in scope:
            environ["QUERY_STRING"] = scope[RAW_QUERY_KEY].decode("latin-1")
        return wsgi_app(environ, start_response)

    return app


def create_asgi():
    """granian's factory for ``http_interface = asgi``: the Flask app behind the body front."""
    from . import create_app

    app = create_app()
    settings = app.config["APPARAT"]
    return BodyFront(app, threads=settings["threads"], body_timeout=settings["body_timeout"],
                     max_bytes=settings["max_request_bytes"])
