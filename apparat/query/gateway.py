"""The federation gateway: every ``SERVICE`` call of a query goes through it, on loopback.

pyoxigraph makes ``SERVICE`` calls with its own HTTP client, which sends
``User-Agent: Oxigraph/…``, has no per-call timeout and keeps no cache, and
its Python API offers no hook. So the executor (``sparql.evaluate``), after
the allowlist check, rewrites each ``SERVICE`` IRI of the query to this
gateway's URL for that endpoint (``<gateway>/s/<n>``, ``n`` its place in the
allowlist), and pyoxigraph calls the gateway instead. The gateway:

- forwards the call (method, query string, body, ``Content-Type``, ``Accept``)
  to the real endpoint with a descriptive ``User-Agent`` carrying the contact
  URL (setting ``service_contact``), as Wikidata's User-Agent policy asks;
- gives the whole call (connecting, waiting, reading) ``service_timeout``
  seconds, then answers ``504`` with a message naming the endpoint and the
  limit, which the executor turns into a clear error (``SERVICE SILENT``
  keeps pyoxigraph's behaviour: the failure is ignored);
- keeps successful answers for ``service_cache_seconds``, keyed by
  (endpoint, method, query string, Content-Type, body, Accept), at most
  ``service_cache_bytes`` in all (least recently used out); a cached answer
  makes no connection;
- refuses an answer over ``service_max_bytes`` (it is held in memory whole,
  so that a timeout is a clean error, never a cut answer).

One gateway runs per web process (a thread with a threading HTTP server on
127.0.0.1 and a free port), started by ``create_app`` before the executors:
its cache is shared by all of that process's executors, so a repeated call is
served whichever executor runs it. The URL carries a random token: the
gateway is not an open proxy for other local users, and it only ever calls
allowlisted endpoints (a path names an index into the allowlist, not a URL).
"""

from __future__ import annotations

import http.client
import http.server
import secrets
import sys
import threading
import time
from collections.abc import Callable
from urllib.parse import urlsplit

from .cache import ResponseCache

#: Request headers passed on to the endpoint (the rest are the gateway's own).
_FORWARDED = ("Accept", "Content-Type")
#: Largest call (request body) the gateway reads from pyoxigraph.
_MAX_CALL_BYTES = 16 * 1024 * 1024


def user_agent(version: str, contact: str, python: str | None = None) -> str:
    """The ``User-Agent`` of every ``SERVICE`` call, in the Wikimedia User-Agent policy's
    generic form: ``<client>/<version> (<contact>) <library>/<version>``.

    >>> user_agent("0.1.0", "https://example.org/contact", python="3.11")
    'Apparat/0.1.0 (https://example.org/contact) Python-http.client/3.11'
    """
    python = python or "{}.{}".format(*sys.version_info[:2])
    return f"Apparat/{version} ({contact}) Python-http.client/{python}"


def start_gateway(allowlist: tuple[str, ...], settings: dict) -> ServiceGateway | None:
    """Start the gateway the settings describe (None when the allowlist is empty: no SERVICE runs)."""
    if not allowlist:
        return None
    from .. import __version__
    from ..namespaces import BASE

    return ServiceGateway(allowlist, agent=user_agent(__version__, settings["service_contact"] or BASE),
                          timeout=settings["service_timeout"], cache_seconds=settings["service_cache_seconds"],
                          cache_bytes=settings["service_cache_bytes"], max_bytes=settings["service_max_bytes"]).start()


class TimedCache(ResponseCache):
    """A :class:`ResponseCache` whose entries expire ``seconds`` after they were put.

    >>> now = [0.0]
    >>> cache = TimedCache(100, 10, clock=lambda: now[0])
    >>> cache.put(("k",), b"answer", 6)
    >>> cache.get(("k",))
    b'answer'
    >>> now[0] = 11.0
    >>> cache.get(("k",)) is None
    True
    """

    def __init__(self, max_bytes: int, seconds: float, clock: Callable[[], float] = time.monotonic):
        super().__init__(max_bytes)
        self.seconds, self.clock = seconds, clock

    def get(self, key: tuple):
        item = super().get(key)
        if item is None:
            return None
        expires, value = item
        return value if self.clock() < expires else None

    def put(self, key: tuple, value, size: int) -> None:
        if self.seconds > 0:
            super().put(key, (self.clock() + self.seconds, value), size)


class ServiceError(Exception):
    """A call the gateway could not complete; ``status`` is what it answers (502 or 504)."""

    def __init__(self, status: int, message: str):
        self.status = status
        super().__init__(message)


class ServiceGateway:
    """The loopback gateway for ``SERVICE`` calls of one web process (or one CLI run).

    Args:
        allowlist: the endpoints, in the order of the ``service_allowlist`` setting.
        agent: the ``User-Agent`` sent to them (:func:`user_agent`).
        timeout: seconds one call may take, from connecting to the last byte.
        cache_seconds: how long an answer is kept (0: not at all).
        cache_bytes: most bytes of answers kept.
        max_bytes: largest answer accepted.

    Use :meth:`start` (or ``with``); :attr:`url` is then the base the executor
    puts in front of ``s/<n>``. The counters ``calls`` (forwarded) and ``hits``
    (answered from the cache) are for tests and metrics.
    """

    def __init__(self, allowlist: tuple[str, ...], *, agent: str, timeout: float, cache_seconds: float,
                 cache_bytes: int, max_bytes: int):
        self.allowlist, self.agent, self.timeout, self.max_bytes = tuple(allowlist), agent, timeout, max_bytes
        self.cache = TimedCache(cache_bytes, cache_seconds)
        self.token = secrets.token_urlsafe(16)
        self.calls = self.hits = 0
        self._server: http.server.ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.url = ""

    def start(self) -> ServiceGateway:
        """Listen on 127.0.0.1 (a free port) in a daemon thread; return self."""
        gateway = self

        class Handler(_Handler):
            owner = gateway

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_port}/{self.token}/"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True, name="apparat-gateway")
        self._thread.start()
        return self

    def close(self) -> None:
        """Stop listening (calls under way finish on their own threads)."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> ServiceGateway:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()

    def answer(self, index: int, method: str, query: str, headers: dict[str, str], body: bytes):
        """Answer one call for endpoint ``index``: from the cache, or from the endpoint.

        Returns:
            (Content-Type, body) of the endpoint's successful answer.

        Raises:
            ServiceError: no such endpoint, a timeout, a failure or a refusal.
        """
        if not 0 <= index < len(self.allowlist):
            raise ServiceError(404, f"no endpoint {index} on the SERVICE allowlist")
        endpoint = self.allowlist[index]
        key = (endpoint, method, query, headers.get("Content-Type", ""), body, headers.get("Accept", ""))
        cached = self.cache.get(key)
        if cached is not None:
            self.hits += 1
            return cached
        self.calls += 1
        found = self._forward(endpoint, method, query, headers, body)
        self.cache.put(key, found, len(found[1]) + len(body) + len(query))
        return found

    def _forward(self, endpoint: str, method: str, query: str, headers: dict[str, str], body: bytes):
        """One call to ``endpoint``, the whole of it within ``self.timeout`` seconds."""
        deadline = time.monotonic() + self.timeout
        parts = urlsplit(endpoint)
        kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        connection = kind(parts.hostname, parts.port, timeout=self.timeout)
        path = (parts.path or "/") + ("?" + "&".join(p for p in (parts.query, query) if p) if parts.query or query
                                      else "")
        sent = {"User-Agent": self.agent, "Connection": "close",
                **{name: headers[name] for name in _FORWARDED if name in headers}}
        try:
            connection.request(method, path, body=body or None, headers=sent)
            _left(connection, deadline)
            response = connection.getresponse()
            chunks, size = [], 0
            while True:
                _left(connection, deadline)
                chunk = response.read1(65536)
                if not chunk:
                    break
                size += len(chunk)
                if size > self.max_bytes:
                    raise ServiceError(502, f"<{endpoint}> answered more than {self.max_bytes} bytes "
                                            "(setting service_max_bytes)")
                chunks.append(chunk)
        except TimeoutError:
            raise ServiceError(504, f"<{endpoint}> did not answer within the per-SERVICE limit of "
                                    f"{self.timeout:g} s (setting service_timeout)") from None
        except (OSError, http.client.HTTPException) as err:
            raise ServiceError(502, f"<{endpoint}>: {type(err).__name__}: {err}") from None
        finally:
            connection.close()
        content = b"".join(chunks)
        if response.status != 200:
            excerpt = content[:300].decode("utf-8", "replace").strip()
            raise ServiceError(502, f"<{endpoint}> answered {response.status} {response.reason}"
                                    + (f": {excerpt}" if excerpt else ""))
        return response.getheader("Content-Type", "application/sparql-results+json"), content


def _left(connection: http.client.HTTPConnection, deadline: float) -> None:
    """Give the connection's next socket operation only what is left of the call's time."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError
    if connection.sock is not None:
        connection.sock.settimeout(left)


class _Handler(http.server.BaseHTTPRequestHandler):
    owner: ServiceGateway
    protocol_version = "HTTP/1.1"
    # pyoxigraph keeps connections open between calls: an idle one is dropped after this
    # long (seconds), so it never holds a thread for ever.
    timeout = 60

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._call()

    def do_POST(self) -> None:  # noqa: N802
        self._call()

    def _call(self) -> None:
        path, _, query = self.path.partition("?")
        prefix = f"/{self.owner.token}/s/"
        length = int(self.headers.get("Content-Length") or 0)
        try:
            if length > _MAX_CALL_BYTES:  # an inner query of ours is far smaller: never read it
                self.close_connection = True
                raise ServiceError(413, f"a SERVICE call of {length} bytes; the gateway takes {_MAX_CALL_BYTES}")
            body = self.rfile.read(length) if length > 0 else b""
            if not path.startswith(prefix) or not path[len(prefix):].isdigit():
                raise ServiceError(404, "not a SERVICE gateway path")
            headers = {name: self.headers[name] for name in _FORWARDED if self.headers.get(name)}
            content_type, content = self.owner.answer(int(path[len(prefix):]), self.command, query, headers, body)
            status = 200
        except ServiceError as err:
            status, content_type, content = err.status, "text/plain; charset=utf-8", str(err).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)
        except OSError:  # the executor was stopped (the query's deadline) and went away
            self.close_connection = True

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (http.server's signature)
        """Quiet: the executor reports failures, with the endpoint."""
