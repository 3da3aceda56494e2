"""HTTP behaviour every response shares: CORS, caching validators, gzip.

- CORS: any origin may read (the data is public and read-only), so browsers
  and notebooks on other origins can query; preflight requests are answered.
- Caching: the dataset only changes with a new build, so a GET's ETag is the
  build's etag combined with the request's URL and Accept header and with
  :func:`page_version` (the code that writes the pages: a new release or an
  edited template serves different HTML for the same build), and
  Last-Modified is the build time (or the code's, if newer); conditional
  requests get 304.
- gzip when the client accepts it and the body is worth compressing.
- Bodies over ``max_request_bytes`` are refused with 413 from the request
  line and headers alone, before a byte of the body is read; a body that did
  not arrive within ``body_timeout`` (the ASGI front, ``server.front``) is 408.
- A repeated ``GET /sparql`` is answered from the response cache before Flask
  sees it (:class:`FrontCache`): the same build, request line, Host, Accept
  and gzip wish get the same bytes, the build being immutable. Under the ASGI
  front (``server.front``) such a hit is answered on the event loop, never
  crossing into the thread pool.
"""

from __future__ import annotations

import gzip
import hashlib
import time
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask, g, request
from werkzeug.http import http_date

from apparat import __version__

from .observe import answer_facts, note_environ

_MIN_GZIP = 1024


def page_version(root: Path | None = None) -> tuple[str, datetime]:
    """A fingerprint of the code that writes the pages, and the time it last changed.

    The package version and a hash of the web app's modules, templates and static
    files (``root``, by default this folder), read once per process.
    """
    root = root or Path(__file__).resolve().parent
    digest = hashlib.sha256(__version__.encode())
    newest = 0.0
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in (".py", ".html", ".css", ".js")):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
        newest = max(newest, path.stat().st_mtime)
    return digest.hexdigest()[:16], datetime.fromtimestamp(int(newest), UTC)


def init_app(app: Flask) -> None:
    app.config["APPARAT_PAGE_VERSION"] = page_version()
    st = app.extensions["apparat"]
    # The build's time as a Last-Modified value, written once (an answer's every response has it).
    app.config["APPARAT_BUILT_AT"] = http_date(datetime.fromisoformat(st.manifest["built_at"]))
    st.front_cache = FrontCache(app.wsgi_app, st.cache, st.build.etag, st.store_watch)
    app.wsgi_app = _BodyCap(st.front_cache, app.config["MAX_CONTENT_LENGTH"], app.config["APPARAT"]["body_timeout"])

    @app.before_request
    def _preflight():
        g.started = time.monotonic()  # the query deadline counts from here
        if request.method == "OPTIONS":
            response = app.make_default_options_response()
            return _cors(response)
        return None

    @app.after_request
    def _finish(response):
        _cors(response)
        if request.method in ("GET", "HEAD") and response.status_code == 200 and not response.direct_passthrough:
            _validators(app, response)
            response = _conditional(response)
        if response.status_code == 200 and not response.direct_passthrough:
            _gzip(response)
        return response


def _cors(response):
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
    response.headers["Access-Control-Allow-Headers"] = "Accept, Content-Type"
    response.headers["Access-Control-Expose-Headers"] = "ETag, X-Apparat-Truncated"
    return response


class _BodyCap:
    """WSGI middleware: a declared body over ``limit`` bytes gets 413 before anything reads it,
    and one the ASGI front gave up waiting for (``environ["apparat.body"]``) gets 408."""

    def __init__(self, wsgi_app, limit: int, body_timeout: float):
        self.wsgi_app, self.limit, self.body_timeout = wsgi_app, limit, body_timeout

    def __call__(self, environ, start_response):
        if environ.get("apparat.body") == "timeout":
            seconds = self.body_timeout
            return _refuse(start_response, "408 Request Timeout", "body_timeout",
                           f"Request timeout: the request body did not arrive within {seconds:g} s "
                           "(its Content-Length announced more than was sent)\n")
        length = environ.get("CONTENT_LENGTH") or "0"
        if not length.isdigit() or int(length) > self.limit:
            return _refuse(start_response, "413 Payload Too Large", "body_too_large",
                           f"Payload too large: request bodies are limited to {self.limit} bytes\n")
        return self.wsgi_app(environ, start_response)


def _refuse(start_response, status: str, reason: str, message: str) -> list[bytes]:
    body = message.encode()
    start_response(status, [("Content-Type", "text/plain"), ("Connection", "close"),
                            ("Content-Length", str(len(body))), ("X-Apparat-Reason", reason)])
    return [body]


#: The paths the front cache answers (``server.front`` asks the same question on its event loop).
QUERY_PATHS = ("/sparql", "/sparql/")
#: Request headers that make a GET conditional (werkzeug's ``make_conditional`` reads them):
#: such a request always goes to Flask, which may answer 304 or 412.
_CONDITIONAL = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE",
                "HTTP_IF_RANGE")
#: Response headers not kept with a cached answer: the server writes a fresh ``Date`` on each.
_NOT_KEPT = frozenset({"date"})


def front_key(environ: dict, etag: str) -> tuple | None:
    """The response-cache key of a request the front cache may answer, or None if it may not.

    The one key of both paths (this WSGI middleware, and the ASGI front answering on its
    event loop), so they can never disagree: the build (``etag``), the request line, Host,
    Accept and the gzip wish. Only ``GET`` of :data:`QUERY_PATHS` with no conditional header.
    """
    if environ["REQUEST_METHOD"] != "GET" or environ.get("PATH_INFO") not in QUERY_PATHS:
        return None
    if any(name in environ for name in _CONDITIONAL):
        return None
    return ("http", etag, environ.get("SCRIPT_NAME", ""), environ["PATH_INFO"], environ.get("QUERY_STRING", ""),
            environ.get("HTTP_HOST", ""), environ.get("HTTP_ACCEPT", ""),
            "gzip" in environ.get("HTTP_ACCEPT_ENCODING", ""))


class FrontCache:
    """WSGI middleware: whole responses to ``GET /sparql``, by :func:`front_key`.

    Only answers (responses that carry ``X-Cache``) with status 200 are kept, with
    what the request's record said about them (format, query hash and text: see
    ``server.observe``), so a hit is logged as fully as the answer it repeats; a
    conditional request always goes through (it may want a 304). ``server.front``
    calls :meth:`lookup` and :meth:`answer` on its event loop, without waiting for the
    cache's lock. On a remote store that holds another build now (``watch``, a
    ``remote.BuildWatch``), nothing is answered from the cache: Flask refuses the
    request (``server.store_build``).
    """

    def __init__(self, wsgi_app, cache, etag: str, watch=None):
        self.wsgi_app, self.cache, self.etag, self.watch = wsgi_app, cache, etag, watch

    def lookup(self, environ: dict, *, wait: bool = True):
        """The cached answer to this request, or None (not cacheable, not cached, the store holds
        another build, or, with ``wait=False``, the cache's lock is held by another thread just now)."""
        cache = self.cache
        if not cache.max_bytes or (self.watch is not None and self.watch.refusing):
            return None
        key = front_key(environ, self.etag)
        return None if key is None else cache.get(key, wait=wait)

    @staticmethod
    def answer(environ: dict, hit) -> tuple[str, list[tuple[str, str]], bytes]:
        """Status, headers and body of a cached answer; what it says goes into the request's record."""
        headers, body, facts = hit
        note_environ(environ, **facts)
        return "200 OK", headers, body

    def __call__(self, environ, start_response):
        cache = self.cache  # taken once: an answer that ends after the cache was dropped goes into the dropped one
        key = front_key(environ, self.etag) if cache.max_bytes else None
        if key is None or (self.watch is not None and self.watch.refusing):
            return self.wsgi_app(environ, start_response)
        hit = cache.get(key)
        if hit is not None:
            status, headers, body = self.answer(environ, hit)
            start_response(status, headers)
            return [body]
        seen = {}

        def remember(status, headers, exc_info=None):
            seen["status"], seen["headers"] = status, headers
            return start_response(status, headers, exc_info)

        body = self.wsgi_app(environ, remember)
        headers = seen.get("headers") or []
        if not seen.get("status", "").startswith("200") or not any(k == "X-Cache" for k, _v in headers):
            return body
        try:
            data = b"".join(body)
        finally:
            if hasattr(body, "close"):
                body.close()
        stored = [(k, "hit" if k == "X-Cache" else v) for k, v in headers if k.lower() not in _NOT_KEPT]
        facts = answer_facts(environ)
        cache.put(key, (stored, data, facts), len(data) + len(facts.get("query_text") or "") + 512)
        return [data]


#: What makes werkzeug's ``make_conditional`` do more than add ``Date`` and ``Content-Length``.
_MAKES_CONDITIONAL = (*_CONDITIONAL, "HTTP_RANGE")


def _conditional(response):
    """``response.make_conditional(request)``. For a request without a conditional or Range
    header that is a ``Date`` (if none) and a ``Content-Length`` (if it can be known): done here
    without its parsing of the response's ETag and Last-Modified (werkzeug 3.1's steps)."""
    environ = request.environ
    if any(name in environ for name in _MAKES_CONDITIONAL):
        return response.make_conditional(request)
    if "date" not in response.headers:
        response.headers["Date"] = _date_now()
    if response.automatically_set_content_length and "content-length" not in response.headers:
        length = response.calculate_content_length()
        if length is not None:
            response.headers["Content-Length"] = str(length)
    return response


_DATE: tuple[int, str] = (0, "")


def _date_now() -> str:
    """``http_date()`` (now, to the second), written once a second."""
    global _DATE
    now = int(time.time())
    if _DATE[0] != now:
        _DATE = (now, http_date(now))
    return _DATE[1]


def _validators(app: Flask, response) -> None:
    if response.get_etag()[0]:  # answers carry the build's checksum already
        response.headers["Last-Modified"] = app.config["APPARAT_BUILT_AT"]
        return
    manifest = app.extensions["apparat"].manifest
    code, changed = app.config["APPARAT_PAGE_VERSION"]
    key = "\n".join((manifest["etag"], code, request.full_path, request.headers.get("Accept", "")))
    response.set_etag(hashlib.sha256(key.encode()).hexdigest()[:32], weak=True)
    response.last_modified = max(datetime.fromisoformat(manifest["built_at"]), changed)


def _gzip(response) -> None:
    if "gzip" not in request.accept_encodings or "Content-Encoding" in response.headers:
        return
    body = response.get_data()
    if len(body) < _MIN_GZIP:
        return
    response.set_data(gzip.compress(body, compresslevel=5))
    response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
