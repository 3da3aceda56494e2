"""Structured logs: one JSON line per request, one per executor life-cycle event, one when a
worker has warmed up (``worker_warm``, with the seconds each step took).

Where they go is the ``access_log`` setting: ``-`` (standard error, the
default), a file path (appended to; each worker opens it in append mode, so
lines of several workers never interleave inside a line), or empty for none.
``query_log``, when set to a path, also gets every query's full text, one JSON
line each (``query_hash`` ties it to the request line).
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from datetime import UTC, datetime

LOG = logging.getLogger("apparat.requests")
_QUERIES = logging.getLogger("apparat.queries")
_EXECUTORS = logging.getLogger("apparat.executors")

#: Characters of the query text kept in the request line (the full text goes to ``query_log``).
QUERY_HEAD = 200
_FIELDS = ("time", "client", "peer", "method", "route", "path", "status", "format", "rows", "bytes", "duration",
           "cache", "executor", "query_hash", "query", "refusal", "timeout", "worker")


def configure(settings: dict) -> logging.Logger:
    """Set up the request, query and executor loggers from the settings (idempotent)."""
    _attach(LOG, settings.get("access_log", "-"))
    _attach(_EXECUTORS, settings.get("access_log", "-"))
    _attach(_QUERIES, settings.get("query_log", ""))
    return LOG


def _attach(logger: logging.Logger, target) -> None:
    target = str(target or "")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    for handler in list(logger.handlers):
        if getattr(handler, "apparat_target", None) == target:
            return
        logger.removeHandler(handler)
        handler.close()
    if not target:
        logger.disabled = True
        return
    logger.disabled = False
    handler = logging.StreamHandler(sys.stderr) if target == "-" else logging.FileHandler(target, encoding="utf-8")
    handler.apparat_target = target
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger.addHandler(handler)


def request_done(logger: logging.Logger, record: dict) -> None:
    """Write one request's line (the record comes from ``server.observe``)."""
    text = record.get("query_text")
    line = {**record, "worker": os.getpid()}
    line.pop("query_text", None)
    if text is not None:
        line["query"] = text[:QUERY_HEAD]
        if not _QUERIES.disabled and _QUERIES.handlers:
            _QUERIES.info(json.dumps({"time": record.get("time"), "query_hash": record.get("query_hash"),
                                      "query": text}, ensure_ascii=False))
    if logger.disabled or not logger.handlers:
        return
    ordered = {k: line[k] for k in _FIELDS if k in line}
    ordered.update({k: v for k, v in line.items() if k not in ordered and k != "content_type"})
    logger.info(json.dumps(ordered, ensure_ascii=False, default=str))


def executor_event(event: str, pid, *, query: str | None = None, **details) -> None:
    """One executor life-cycle event, with the query that was running when it was killed or died."""
    if _EXECUTORS.disabled or not _EXECUTORS.handlers:
        return
    line = {"time": datetime.now(UTC).isoformat(timespec="milliseconds"), "event": f"executor_{event}",
            "executor": pid, "worker": os.getpid(), "monotonic": round(time.monotonic(), 3)}
    line.update({k.rstrip("_"): v for k, v in details.items()})
    if query is not None:
        import hashlib

        line["query_hash"] = hashlib.sha256(query.encode("utf-8", "surrogatepass")).hexdigest()[:16]
        line["query"] = query[:QUERY_HEAD]
    _EXECUTORS.info(json.dumps(line, ensure_ascii=False, default=str))


def worker_event(event: str, **details) -> None:
    """One event of this web worker's life (``worker_warm`` …), in the executors' log stream."""
    if _EXECUTORS.disabled or not _EXECUTORS.handlers:
        return
    line = {"time": datetime.now(UTC).isoformat(timespec="milliseconds"), "event": event, "worker": os.getpid(),
            **details}
    _EXECUTORS.info(json.dumps(line, ensure_ascii=False, default=str))
