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
  sees it (:class:`_FrontCache`): the same request line, Host, Accept and
  gzip wish get the same bytes, the build being immutable.
"""

from __future__ import annotations

import gzip
import hashlib
import time
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask, g, request

from apparat import __version__

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
    front = _FrontCache(app.wsgi_app, app.extensions["apparat"].cache)
    app.wsgi_app = _BodyCap(front, app.config["MAX_CONTENT_LENGTH"], app.config["APPARAT"]["body_timeout"])

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
            response = response.make_conditional(request)
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


class _FrontCache:
    """WSGI middleware: whole responses to ``GET /sparql``, by request line, Host, Accept and gzip wish.

    Only answers (responses that carry ``X-Cache``) with status 200 are kept,
    and a conditional request always goes through (it may want a 304).
    """

    _PATHS = ("/sparql", "/sparql/")

    def __init__(self, wsgi_app, cache):
        self.wsgi_app, self.cache = wsgi_app, cache

    def __call__(self, environ, start_response):
        if (environ["REQUEST_METHOD"] != "GET" or environ.get("PATH_INFO") not in self._PATHS
                or "HTTP_IF_NONE_MATCH" in environ or "HTTP_IF_MODIFIED_SINCE" in environ or not self.cache.max_bytes):
            return self.wsgi_app(environ, start_response)
        key = ("http", environ.get("SCRIPT_NAME", ""), environ["PATH_INFO"], environ.get("QUERY_STRING", ""),
               environ.get("HTTP_HOST", ""), environ.get("HTTP_ACCEPT", ""),
               "gzip" in environ.get("HTTP_ACCEPT_ENCODING", ""))
        hit = self.cache.get(key)
        if hit is not None:
            headers, body = hit
            start_response("200 OK", headers)
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
        stored = [(k, "hit" if k == "X-Cache" else v) for k, v in headers]
        self.cache.put(key, (stored, data), len(data) + 512)
        return [data]


def _validators(app: Flask, response) -> None:
    if response.get_etag()[0]:  # answers carry the build's checksum already
        response.last_modified = datetime.fromisoformat(app.extensions["apparat"].manifest["built_at"])
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
