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
    Setting("corpus_dir", "../shared/corpus", "Folder of the source texts (extraction only)."),
    Setting("host", "127.0.0.1", "Address the server binds; loopback unless you mean it."),
    Setting("port", 8000, "Port the server binds (0 picks a free one)."),
    Setting("workers", 2, "gunicorn worker processes (one per core)."),
    Setting("threads", 4, "Threads per gunicorn worker (pyoxigraph releases the GIL)."),
    Setting("query_timeout", 30.0, "Seconds a query may run before it is stopped."),
    Setting("query_executors", 2, "Executor processes per server process: queries that run at once."),
    Setting("max_rows", 10000, "Most result rows one response returns; more is truncated."),
    Setting("max_query_depth", 200, "Deepest bracket nesting a query may have (guards the parser)."),
    Setting("max_query_length", 100_000, "Longest query text accepted, in characters."),
    Setting(
        "service_allowlist",
        "https://query.wikidata.org/sparql",
        "Space-separated endpoints a SERVICE clause may call; anything else is refused.",
    ),
)

_DEFAULTS = {s.name: s.default for s in SETTINGS}
_PATH_SETTINGS = {"build_dir", "ontology_dir", "triples_dir", "queries_dir", "corpus_dir"}


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
