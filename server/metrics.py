"""``/metrics``: what the server did, in Prometheus text format (``prometheus_client``).

Multiprocess-safe: ``apparat serve`` points ``PROMETHEUS_MULTIPROC_DIR`` at a
fresh temporary folder per run before the web workers start, so every worker
writes its numbers to its own files there and any worker's ``/metrics`` sums
them all (counters and histograms over every worker that ever ran, gauges over
the live ones). Without the variable (an app made in a test) the metrics live
in this process only.

The metric objects are module-level, as prometheus_client wants (one set per
process); nothing else happens at import time.
"""

from __future__ import annotations

import os
import re
import time
from datetime import datetime
from pathlib import Path

from flask import Blueprint, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily

from .state import state

_MULTIPROCESS = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))

REQUESTS = Counter("apparat_requests", "HTTP requests answered, by route, method, status and answer format",
                   ["route", "method", "status", "format"])
REQUEST_SECONDS = Histogram("apparat_request_duration_seconds", "Time from a request's arrival to its last byte",
                            ["route"], buckets=(.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60))
QUERY_SECONDS = Histogram("apparat_query_duration_seconds",
                          "Time to answer a SPARQL query (endpoint and saved queries), by cache hit or miss",
                          ["cache"], buckets=(.001, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60))
TIMEOUTS = Counter("apparat_query_timeouts", "Queries stopped by the deadline (503), by reason: deadline "
                   "(ran past it), pool_busy (no executor came free), client_slots (the client's own queries)",
                   ["reason"])
REFUSALS = Counter("apparat_refusals", "Requests refused before any query ran, by reason", ["reason"])
EXECUTOR_EVENTS = Counter("apparat_executor_events", "Executor life-cycle events: started (first ones and "
                          "replacements), killed (at the deadline), died (on their own or killed from outside)",
                          ["event"])
CACHE = Counter("apparat_cache_lookups", "Answer cache lookups, by result", ["result"])
ROWS = Counter("apparat_rows_returned", "Solutions or triples sent in answers (1 per ASK)")
EXECUTORS = Gauge("apparat_executors", "Executor processes of the live workers, by state (alive, busy)",
                  ["state"], multiprocess_mode="livesum")
WAITING = Gauge("apparat_queries_waiting", "Requests waiting for an executor, over the live workers",
                multiprocess_mode="livesum")
BUILD = Gauge("apparat_build_info", "The build each live worker serves (value 1), by checksum and build time",
              ["etag", "built_at"], multiprocess_mode="livemax")
BUILD_TIME = Gauge("apparat_build_timestamp_seconds", "When the served build was made (Unix time; the newest "
                   "over the live workers)", multiprocess_mode="livemax")

for _reason in ("deadline", "pool_busy", "client_slots"):
    TIMEOUTS.labels(_reason)  # present at 0 before the first one
for _result in ("hit", "miss"):
    CACHE.labels(_result)
for _event in ("started", "killed", "died"):
    EXECUTOR_EVENTS.labels(_event)

bp = Blueprint("metrics", __name__)


def build_served(manifest: dict) -> None:
    """Record the build this worker serves (once, at its start: a reload starts new workers)."""
    BUILD.labels(manifest["etag"], manifest["built_at"]).set(1)
    BUILD_TIME.set(_timestamp(manifest["built_at"]))


def occupancy(pool, *, alive: bool = True) -> None:
    """Record the pool's occupancy: busy and waiting as requests start and end (``alive=False``:
    no liveness check there, it costs a ``waitpid`` per executor), all of it at executor events
    and at each scrape."""
    now = pool.occupancy(alive=alive)
    if alive:
        EXECUTORS.labels("alive").set(now["alive"])
    EXECUTORS.labels("busy").set(now["busy"])
    WAITING.set(now["waiting"])


def executor_event(event: str, _pid, **_details) -> None:
    """The pool's ``on_event`` hook (the log has its own)."""
    EXECUTOR_EVENTS.labels(event).inc()


def request_done(record: dict) -> None:
    """Count one finished request (its record is filled by ``server.observe``)."""
    route = record.get("route") or "unmatched"
    fmt = record.get("format") or _format_of(record.get("content_type", ""))
    REQUESTS.labels(route, record.get("method", ""), str(record.get("status", 0)), fmt).inc()
    REQUEST_SECONDS.labels(route).observe(record.get("duration", 0.0))
    if record.get("cache") in ("hit", "miss"):  # a query was answered (or tried)
        QUERY_SECONDS.labels(record["cache"]).observe(record.get("duration", 0.0))
    if record.get("cache") in ("hit", "miss"):
        CACHE.labels(record["cache"]).inc()
    if record.get("rows"):
        ROWS.inc(record["rows"])
    if record.get("timeout"):
        TIMEOUTS.labels(record["timeout"]).inc()
    if record.get("refusal"):
        REFUSALS.labels(record["refusal"]).inc()


@bp.get("/metrics")
def metrics():
    st = state()
    occupancy(st.pool)
    registry = CollectorRegistry()
    if _MULTIPROCESS:
        from prometheus_client import multiprocess

        _forget_dead_workers(Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]))
        multiprocess.MultiProcessCollector(registry)
        body = generate_latest(registry)
    else:
        from prometheus_client import REGISTRY

        body = generate_latest(REGISTRY)
    registry = CollectorRegistry()
    registry.register(_BuildAge(st.manifest["built_at"]))
    return Response(body + generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)


class _BuildAge:
    """The age of the build this worker serves, computed at the scrape."""

    def __init__(self, built_at: str):
        self.built_at = built_at

    def collect(self):
        yield GaugeMetricFamily("apparat_build_age_seconds", "Seconds since the served build was made",
                                value=max(0.0, time.time() - _timestamp(self.built_at)))


def _format_of(media_type: str) -> str:
    """A format's short name from its media type (``text/html`` → ``html``; empty: none)."""
    from apparat.query.formats import GRAPH_FORMATS, RESULT_FORMATS

    for fmt in (*RESULT_FORMATS, *GRAPH_FORMATS):
        if media_type == fmt.media_type or media_type in fmt.aliases:
            return fmt.name
    return media_type.rpartition("/")[2] if media_type else ""


def _timestamp(built_at: str) -> float:
    return datetime.fromisoformat(built_at).timestamp()


_GAUGE_FILE = re.compile(r"gauge_live\w*_(\d+)\.db$")


def _forget_dead_workers(folder: Path) -> None:
    """Drop the live-gauge files of workers that are gone (replaced, reloaded, crashed)."""
    from prometheus_client import multiprocess

    for path in folder.glob("gauge_live*_*.db"):
        match = _GAUGE_FILE.search(path.name)
        if match and not Path(f"/proc/{match[1]}").exists():
            multiprocess.mark_process_dead(int(match[1]), str(folder))
