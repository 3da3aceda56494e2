"""Every request observed once, from the outside: the record behind the metrics and the log line.

:class:`Observer` is the outermost WSGI middleware, so it also sees what is
answered before Flask (a body over the cap, a front-cache hit). It puts a
``record`` dict in the WSGI environ; the app writes into it as it learns
things (:func:`note`: route, query, format, rows, cache, executor, refusal or
timeout reason), and when the last byte of the answer has gone the observer
adds status, bytes and duration and hands the record to ``server.metrics``
and ``server.logs``. A front-cache hit that the ASGI front answers on its
event loop (``server.front``) goes through the same three steps
(:meth:`Observer.begin`, :meth:`~Observer.heard`, :meth:`~Observer.finish`).
"""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, datetime

from flask import Flask, has_request_context, request

from . import logs, metrics
from .clients import client_of

_KEY = "apparat.record"
_FRONT_ROUTES = {"/sparql": "/sparql", "/sparql/": "/sparql/"}


def init_app(app: Flask) -> None:
    """Observe every request of ``app`` (call after the other middlewares are in place)."""
    st = app.extensions["apparat"]
    pool = st.pool
    logger = logs.configure(st.settings)
    metrics.build_served(st.manifest)
    chained = pool.on_event

    def on_event(event, pid, **details):
        metrics.executor_event(event, pid)
        metrics.occupancy(pool)  # set from the first executor on, before any request
        logs.executor_event(event, pid, **details)
        if chained is not None:
            chained(event, pid, **details)

    pool.on_event = on_event
    st.observer = Observer(app.wsgi_app, pool, logger, st.trusted_proxies)
    app.wsgi_app = st.observer

    @app.before_request
    def _route():
        note(route=request.url_rule.rule if request.url_rule is not None else "unmatched")


def note(**fields) -> None:
    """Add facts to the current request's record (outside a request: nothing)."""
    if has_request_context():
        note_environ(request.environ, **fields)


def note_environ(environ: dict, **fields) -> None:
    """Add facts to the record of the request whose WSGI environ this is (none: nothing)."""
    record = environ.get(_KEY)
    if record is None:
        return
    if "query" in fields:
        text = fields.pop("query")
        if text is not None:
            record["query_hash"] = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]
            record["query_text"] = text
    record.update({k: v for k, v in fields.items() if v is not None})


#: What a request's record says about its answer, kept with a cached answer (``server.http``)
#: so that a hit's record says it too.
_ANSWER_FACTS = ("format", "query_hash", "query_text")


def answer_facts(environ: dict) -> dict:
    """The facts about the answer in this request's record (for :func:`note_environ`)."""
    record = environ.get(_KEY) or {}
    return {name: record[name] for name in _ANSWER_FACTS if name in record}


#: The reasons of a 503 that are refusals, not timeouts: a full queue, and a remote store that
#: holds another build than the server's (``server.store_build``).
_REFUSED_503 = frozenset({"queue_full", "uploading", "build_changed"})


def note_error(err) -> None:
    """What an error says about the request: a timeout reason, or a refusal reason."""
    if not has_request_context():
        return
    if request.url_rule is not None:
        note(route=request.url_rule.rule)
    note_error_environ(request.environ, err)


def note_error_environ(environ: dict, err) -> None:
    """:func:`note_error` for the request whose WSGI environ this is (the ASGI front's own answers)."""
    reason = getattr(err, "reason", None)
    status = getattr(err, "status", None) or getattr(err, "code", None) or 500
    if status == 503 and reason and reason not in _REFUSED_503:
        note_environ(environ, timeout=reason)
    elif reason:
        note_environ(environ, refusal=reason)
    elif 400 <= status < 500:
        note_environ(environ, refusal=_refusal_name(err))


def _refusal_name(err) -> str:
    name = getattr(err, "title", None) or getattr(err, "name", None) or type(err).__name__
    return name.lower().replace(" ", "_")


class Observer:
    """WSGI middleware: one record per request, finished when its body is done.

    ``server.front`` calls :meth:`begin`, :meth:`heard` and :meth:`finish` itself for the
    cache hits it answers on its event loop, so those are observed by this same code.
    """

    def __init__(self, wsgi_app, pool, logger, trusted_proxies=()):
        self.wsgi_app, self.pool, self.logger = wsgi_app, pool, logger
        self.trusted_proxies = trusted_proxies

    def __call__(self, environ, start_response):
        record = self.begin(environ)

        def observed(status, headers, exc_info=None):
            self.heard(record, status, headers)
            return start_response(status, headers, exc_info)

        try:
            body = self.wsgi_app(environ, observed)
        except BaseException:
            record.setdefault("status", 500)
            self.finish(record, 0)
            raise
        return _Body(body, lambda sent: self.finish(record, sent))

    def begin(self, environ: dict) -> dict:
        """Start the request's record (in ``environ``, where :func:`note` finds it)."""
        # The ASGI front read the body before this; its wait counts (``server.front``).
        started = environ.get("apparat.arrived") or time.monotonic()
        peer = environ.get("REMOTE_ADDR", "")
        client = client_of(environ, self.trusted_proxies)  # behind a trusted proxy, the one it names
        record = {"started": started, "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
                  "client": client, "method": environ.get("REQUEST_METHOD", ""),
                  "path": environ.get("PATH_INFO", "")}
        if client != peer:
            record["peer"] = peer  # the proxy the request came through
        environ[_KEY] = record
        metrics.occupancy(self.pool, alive=False)
        return record

    @staticmethod
    def heard(record: dict, status: str, headers: list[tuple[str, str]]) -> None:
        """What the response's status line and headers say."""
        record["status"] = int(status.split(" ", 1)[0])
        for name, value in headers:
            lower = name.lower()
            if lower == "x-cache" and "cache" not in record:
                record["cache"] = value  # "hit" from the front cache, before Flask saw it
            elif lower == "x-apparat-rows" and "rows" not in record:
                record["rows"] = int(value)
            elif lower == "content-type" and "format" not in record:
                record["content_type"] = value.split(";", 1)[0]
            elif lower == "x-apparat-reason" and "refusal" not in record and "timeout" not in record:
                record["refusal"] = value

    def finish(self, record: dict, sent: int) -> None:
        """The last byte has gone (``sent`` bytes of body): count the request and log its line."""
        record["bytes"] = sent
        record["duration"] = round(time.monotonic() - record.pop("started"), 6)
        if "route" not in record:
            record["route"] = _FRONT_ROUTES.get(record["path"], "unmatched")
        try:
            metrics.occupancy(self.pool, alive=False)
            metrics.request_done(record)
            logs.request_done(self.logger, record)
        except Exception:  # observing must never break serving
            logs.LOG.exception("observing a request failed")


class _Body:
    """The answer's body as the server iterates it: counts bytes; reports once on close."""

    def __init__(self, body, done):
        self.body, self.done, self.sent, self.closed = body, done, 0, False

    def __iter__(self):
        for chunk in self.body:
            self.sent += len(chunk)
            yield chunk

    def close(self):
        if self.closed:
            return
        self.closed = True
        try:
            if hasattr(self.body, "close"):
                self.body.close()
        finally:
            self.done(self.sent)
