"""Limits checked before any work is done (README "Operating it", and the Service Description).

- **Request head** (granian, before the app): at most 100 header fields and
  ``max_header_bytes`` for the request line and headers together; more is
  ``431``. A URL longer than that is also ``431``.
- **Body**: over ``max_request_bytes`` is ``413`` from the headers alone
  (``server.http``). A body shorter than its ``Content-Length``: under the
  default ASGI front (``server.front``) the body is awaited on the event loop
  under ``body_timeout`` and then refused with ``408`` (no thread is held); on
  granian's WSGI interface (``http_interface = wsgi``) it holds one of granian's
  ``threads`` until the client closes the connection, as granian has no body
  timeout: put a proxy that buffers bodies in front (README "Limits").
- **Query text**: over ``max_query_length`` characters is ``414`` for a GET
  (the text is in the URL) and ``413`` for a POST.
- **Form fields**: more than ``max_form_fields`` is ``413`` for a form POST
  and ``400`` for a GET, counted before anything parses them.
- **UTF-8**: a query string or form body whose percent-decoded bytes are not
  UTF-8 is ``400`` naming the parameter and the byte offset (werkzeug would
  put U+FFFD in silently); a direct POST's body likewise (``server.sparql``).
- **Concurrent queries per client**: ``client_queries`` run at once, and past
  ``max(4 × client_queries, threads / 2)`` in flight ``429`` with
  ``Retry-After`` (``apparat.query.executor``).
"""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

from flask import Flask, request

from apparat.errors import KgError

_FORM = "application/x-www-form-urlencoded"
_DIRECT = "application/sparql-query"
_QUERY_ROUTES = ("/sparql", "/sparql/")


class LimitExceeded(KgError):
    """A request over one of the limits above; ``status`` and ``reason`` say which."""

    title = "Request too large"

    def __init__(self, status: int, reason: str, message: str, title: str | None = None):
        self.status, self.reason = status, reason
        if title:
            self.title = title
        super().__init__(message)


class BadEncoding(KgError):
    """A query or parameter that is not UTF-8 (SPARQL 1.1 Protocol: queries are UTF-8)."""

    status = 400
    title = "Malformed request"
    reason = "invalid_utf8"


def init_app(app: Flask) -> None:
    settings = app.config["APPARAT"]

    @app.before_request
    def _limits():
        check_request(settings)


def check_request(settings: dict) -> None:
    """The query-string and form checks, before Flask parses either."""
    raw = request.environ.get("QUERY_STRING", "").encode("latin-1", "replace")
    query_route = request.path in _QUERY_ROUTES
    fields = _decode_fields(raw, "query string")
    if len(fields) > settings["max_form_fields"]:
        raise LimitExceeded(400, "too_many_fields", f"the query string has {len(fields)} parameters; "
                            f"the limit is {settings['max_form_fields']}", title="Too many parameters")
    if query_route:
        _check_length(fields, settings["max_query_length"], 414, "URI Too Long")
    if request.method == "POST" and request.mimetype == _FORM:
        body = request.get_data(cache=True)  # read once; request.form parses these same bytes
        count = body.count(b"&") + 1 if body else 0
        if count > settings["max_form_fields"]:
            raise LimitExceeded(413, "too_many_fields", f"the form has {count} fields; "
                                f"the limit is {settings['max_form_fields']}", title="Too many form fields")
        fields = _decode_fields(body, "form body")
        if query_route:
            _check_length(fields, settings["max_query_length"], 413, "Request too large")
    elif (request.method == "POST" and query_route and request.mimetype == _DIRECT
          and request.mimetype_params.get("charset", "utf-8").lower() in ("utf-8", "utf8")):  # else 415 later
        body = request.get_data(cache=True)
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as err:
            raise BadEncoding(f"the query is not valid UTF-8: byte {err.start} (0x{body[err.start]:02x}) "
                              "of the request body") from None
        _check_length([("query", text)], settings["max_query_length"], 413, "Request too large")


def _check_length(fields: list[tuple[str, str]], limit: int, status: int, title: str) -> None:
    for name, value in fields:
        if name == "query" and len(value) > limit:
            raise LimitExceeded(status, "query_too_long",
                                f"query is {len(value)} characters long; the limit is {limit}", title=title)


def _decode_fields(raw: bytes, where: str) -> list[tuple[str, str]]:
    """``name=value`` pairs of a query string or form body, decoded strictly as UTF-8.

    >>> _decode_fields(b"query=ASK%20%7B%7D&format=json", "query string")
    [('query', 'ASK {}'), ('format', 'json')]
    >>> _decode_fields(b"query=ASK%FF", "query string")
    Traceback (most recent call last):
    ...
    server.limits.BadEncoding: the query string's parameter 'query' is not valid UTF-8: byte 3 (0xff) of its value
    """
    fields = []
    for part in raw.split(b"&"):
        if not part:
            continue
        name, _, value = part.partition(b"=")
        name_bytes = unquote_to_bytes(name.replace(b"+", b" "))
        value_bytes = unquote_to_bytes(value.replace(b"+", b" "))
        try:
            decoded_name = name_bytes.decode("utf-8")
        except UnicodeDecodeError as err:
            raise BadEncoding(f"a parameter name in the {where} is not valid UTF-8: byte {err.start} "
                              f"(0x{name_bytes[err.start]:02x}) of the name") from None
        try:
            fields.append((decoded_name, value_bytes.decode("utf-8")))
        except UnicodeDecodeError as err:
            raise BadEncoding(f"the {where}'s parameter {decoded_name!r} is not valid UTF-8: byte {err.start} "
                              f"(0x{value_bytes[err.start]:02x}) of its value") from None
    return fields
