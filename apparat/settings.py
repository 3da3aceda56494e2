"""Settings: defaults live here; ``APPARAT_*`` environment variables and an
explicit overrides mapping (``test_config`` or CLI options) take precedence.

Nothing is read at import time: call :func:`load_settings`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, NamedTuple


class Setting(NamedTuple):
    name: str
    default: Any
    help: str


def _project_root() -> Path:
    return Path(__file__).resolve().parent.parent


SETTINGS: tuple[Setting, ...] = (
    Setting("build_dir", "build", "Folder the build writes and the server reads."),
    Setting("ontology_dir", "ontology", "Folder of the OWL ontology and SHACL shapes (Turtle)."),
    Setting("triples_dir", "triples", "Folder of extracted and curated triples."),
    Setting("queries_dir", "queries", "Folder of saved queries (*.rq)."),
    Setting("editor_dir", "node_modules/@zazuko/yasgui/build",
            "The query editor's files (YASGUI, installed by make setup); missing: /sparql is a plain form."),
    Setting("corpus_dir", "../shared/corpus", "Source texts (read by extraction; the server shows cited lines)."),
    Setting("host", "127.0.0.1", "Address the server binds; loopback unless you mean it."),
    Setting("port", 8000, "Port the server binds (0 picks a free one)."),
    Setting("http_server", "granian", "HTTP server: granian (default, chosen by measurement) or gunicorn."),
    Setting("http_interface", "asgi",
            "granian's interface: asgi (our body front: body_timeout holds) or wsgi (faster; no body timeout)."),
    Setting("workers", 1, "Web server processes; each has its own executors and cache."),
    Setting("threads", 32, "Request threads per web process (they mostly wait for executors)."),
    Setting("query_timeout", 30.0, "Seconds a request may take, waiting for an executor included."),
    Setting("query_executors", 3, "Executor processes per web process: queries that run at once."),
    Setting("store", "embedded",
            "embedded: the build's own store; or the URL of a SPARQL 1.1 store to build into and serve from."),
    Setting("store_query_url", "", "A remote store's query endpoint, where it is not derived from `store`."),
    Setting("store_graph_url", "", "A remote store's Graph Store endpoint, where it is not derived from `store`."),
    Setting("store_timeout", 0.0, "Most seconds one call to a remote store may take (0: the query's deadline)."),
    Setting("store_batch", 0, "Triples per request when `apparat build --store` uploads a graph (0: one "
                              "streamed request per graph to an Oxigraph server, 50,000 to other stores)."),
    Setting("store_bulk", True, "Upload through an Oxigraph server's bulk loader (`no_transaction`) "
                                "when the store is one."),
    Setting("executor_store", "disk", "disk: executors share the build's on-disk store; memory: each copies it."),
    Setting("client_queries", 2, "Queries one client address may run at once; more wait their turn."),
    Setting("trusted_proxies", "",
            "Proxies (addresses or CIDR networks, space- or comma-separated) whose X-Forwarded-For names the "
            "client; empty: the socket peer is the client and the header is ignored."),
    Setting("query_queue", 64, "Requests that may wait for an executor; more get 503 with Retry-After."),
    Setting("cache_bytes", 16 * 1024 * 1024, "Bytes of answers each web process keeps (0: no cache)."),
    Setting("max_request_bytes", 1024 * 1024, "Largest request body accepted; larger is 413 before reading."),
    Setting("header_timeout", 10.0, "Seconds a client may take to send a request's headers."),
    Setting("body_timeout", 10.0, "Seconds a client may take to send a request's whole body (asgi; else 408)."),
    Setting("max_header_bytes", 256 * 1024, "Largest request line and headers together (granian); more is 431."),
    Setting("max_rows", 10000, "Most result rows one response returns; more is truncated."),
    Setting("max_query_depth", 200, "Deepest bracket nesting a query may have (guards the parser)."),
    Setting("max_query_length", 100_000, "Longest query text accepted, in characters."),
    Setting("max_form_fields", 32, "Most fields a form POST may have; more is 413 before they are parsed."),
    Setting("access_log", "-", "Where the JSON request log goes: - (standard error), a file path, or empty (none)."),
    Setting("query_log", "", "A file to get every query's full text (one JSON line each); empty: none."),
    Setting("admin_reload", False, "Allow POST /admin/reload from loopback addresses (off: 404)."),
    Setting("warm_up_seconds", 20.0, "Most seconds a new worker warms its caches before it answers (0: no bound); "
                                     "the rest goes on behind it."),
    Setting("reload_grace", 60.0, "Seconds a reload waits at most for a new worker to start before its old one stops."),
    Setting(
        "service_allowlist",
        "https://query.wikidata.org/sparql",
        "Space-separated endpoints a SERVICE clause may call; anything else is refused.",
    ),
    Setting("max_service_calls", 3, "Most SERVICE clauses one query may have; more is refused before it runs."),
    Setting("service_contact", "",
            "Contact URL (or mailto:) in the User-Agent of SERVICE calls; empty: the dataset's base IRI."),
    Setting("service_timeout", 10.0, "Seconds one SERVICE call may take (connecting to last byte); then 504."),
    Setting("service_cache_seconds", 300.0, "Seconds a SERVICE answer is kept and reused (0: not kept)."),
    Setting("service_cache_bytes", 16 * 1024 * 1024, "Bytes of SERVICE answers each web process keeps."),
    Setting("service_max_bytes", 32 * 1024 * 1024, "Largest SERVICE answer accepted; a larger one fails the query."),
)

_DEFAULTS = {s.name: s.default for s in SETTINGS}
_PATH_SETTINGS = {"build_dir", "ontology_dir", "triples_dir", "queries_dir", "corpus_dir", "editor_dir"}


def _coerce(name: str, value: Any) -> Any:
    default = _DEFAULTS[name]
    if name in _PATH_SETTINGS:
        path = Path(value)
        return path if path.is_absolute() else (_project_root() / path).resolve()
    if isinstance(default, bool):
        return value if isinstance(value, bool) else str(value).lower() in {"1", "true", "yes"}
    if isinstance(default, int):
        return int(value)
    if isinstance(default, float):
        return float(value)
    return value


def load_settings(overrides: dict[str, Any] | None = None, environ=None) -> dict[str, Any]:
    """Return every setting, resolved: overrides > ``APPARAT_<NAME>`` > default.

    Relative paths are resolved against the project root, so the CLI and the
    server agree whatever the working directory is.

    Raises:
        KeyError: an override names a setting that does not exist.

    >>> load_settings({"port": "8080"}, environ={})["port"]
    8080
    """
    environ = os.environ if environ is None else environ
    overrides = {k: v for k, v in (overrides or {}).items() if v is not None}
    unknown = set(overrides) - set(_DEFAULTS)
    if unknown:
        raise KeyError(f"unknown setting(s): {', '.join(sorted(unknown))}")
    resolved = {}
    for name, default in _DEFAULTS.items():
        value = overrides.get(name, environ.get(f"APPARAT_{name.upper()}", default))
        resolved[name] = _coerce(name, value)
    return resolved
