"""The query engine in the calling process: for the CLI, the tests and ``make bench``.

The server never uses this (its queries run in executor processes); the
CLI has no server, and one process needs no deadline it cannot enforce
anyway. The same checks and the same store are used as in the executors.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..errors import KgError
from .formats import result_kind, write_answer
from .gateway import start_gateway
from .sparql import Engine, check_query_length, evaluate, service_error
from .store import BuildInfo, memory_store, open_store, read_build


def engine_for(info: BuildInfo, settings: dict, gateway=None) -> Engine:
    """The :class:`~apparat.query.sparql.Engine` for a build and the settings
    (``SERVICE`` calls through ``gateway``, a started ``ServiceGateway``, if given)."""
    from ..namespaces import PREFIXES  # rdflib comes with it: web and CLI only, never an executor
    from .remote import store_endpoints

    remote = settings.get("store", "embedded") != "embedded"

    return Engine(
        prefixes=dict(PREFIXES),
        service_allowlist=tuple(settings["service_allowlist"].split()),
        max_depth=settings["max_query_depth"],
        max_rows=settings["max_rows"],
        max_services=settings["max_service_calls"],
        service_gateway=gateway.url if gateway is not None else "",
        graph_names=tuple(info.graph_names),
        asserted_graph_names=tuple(info.asserted_graph_names),
        store_url=store_endpoints(settings["store"], settings["store_query_url"]).query if remote else "",
        store_timeout=settings.get("store_timeout", 0.0),
    )


@dataclass
class LocalDataset:
    """An opened build in this process."""

    info: BuildInfo
    store: ox.Store

    @property
    def manifest(self) -> dict:
        return self.info.manifest

    @property
    def build_dir(self) -> Path:
        return self.info.build_dir

    @property
    def etag(self) -> str:
        return self.info.etag

    @property
    def graph_names(self) -> list[ox.NamedNode]:
        """Every named graph of the data (the inferred one included), sorted by IRI."""
        return [ox.NamedNode(g) for g in self.info.graph_names]

    @property
    def asserted_graph_names(self) -> list[ox.NamedNode]:
        """Every named graph but the inferred one."""
        return [ox.NamedNode(g) for g in self.info.asserted_graph_names]


def load_dataset(build_dir: Path) -> LocalDataset:
    """Open a build's store read-only (or, for a build without one, load it in memory).

    Raises:
        DatasetMissing: there is no build in ``build_dir``.
    """
    info = read_build(build_dir)
    try:
        store = open_store(info.build_dir, info.etag)
    except KgError:
        store = memory_store(info.build_dir)
    return LocalDataset(info, store)


@dataclass
class QueryResult:
    """A finished query as Python values: SELECT rows, an ASK boolean or CONSTRUCT/DESCRIBE triples."""

    kind: str                                   # "bindings", "boolean" or "graph"
    variables: list[str] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)
    boolean: bool | None = None
    triples: list = field(default_factory=list)
    truncated: bool = False


def _settings(max_rows: int, allowlist: tuple[str, ...]) -> dict:
    from ..settings import load_settings

    settings = load_settings()
    return {**settings, "max_rows": max_rows, **({"service_allowlist": " ".join(allowlist)} if allowlist else {})}


def run_query(dataset: LocalDataset, text: str, *, max_rows: int, infer: bool = True,
              default_graphs: list[str] | None = None, named_graphs: list[str] | None = None,
              substitutions: dict | None = None, base_iri: str | None = None,
              settings: dict | None = None) -> QueryResult:
    """Run one query here and return its (possibly truncated) result as Python values.

    Caution: runs user SPARQL with no time limit; for the command line and tests.

    Raises:
        QuerySyntaxError, QueryRefused, UpdateForbidden: as ``sparql.evaluate``.
    """
    settings = settings or _settings(max_rows, ())
    check_query_length(text, settings["max_query_length"])
    with _gateway(settings, text) as gateway:
        engine = engine_for(dataset.info, {**settings, "max_rows": max_rows}, gateway)
        answer = evaluate(dataset.store, engine, text, infer=infer, default_graphs=default_graphs,
                          named_graphs=named_graphs, substitutions=substitutions, base_iri=base_iri)
        try:
            return _collect(answer, max_rows)
        except OSError as err:  # evaluation is lazy: SERVICE fails here
            raise service_error(err, engine) from None


@contextmanager
def _gateway(settings: dict, text: str):
    """A federation gateway for one local query that may call SERVICE (as the server's executors
    do; pyoxigraph releases the GIL while it evaluates, so the gateway thread answers)."""
    allowlist = tuple(settings["service_allowlist"].split())
    gateway = start_gateway(allowlist, settings) if allowlist and "service" in text.lower() else None
    try:
        yield gateway
    finally:
        if gateway is not None:
            gateway.close()


def _collect(answer, max_rows: int) -> QueryResult:
    kind = result_kind(answer)
    if kind == "boolean":
        return QueryResult("boolean", boolean=bool(answer))
    if kind == "bindings":
        variables = [v.value for v in answer.variables]
        rows = []
        for solution in answer:
            if len(rows) == max_rows:
                return QueryResult(kind, variables, rows, truncated=True)
            rows.append({v: solution[v] for v in variables if solution[v] is not None})
        return QueryResult(kind, variables, rows)
    triples = []
    for triple in answer:
        if len(triples) == max_rows:
            return QueryResult(kind, triples=triples, truncated=True)
        triples.append(triple)
    return QueryResult(kind, triples=triples)


def write_query(dataset: LocalDataset, text: str, fmt: str, out, *, settings: dict,
                infer: bool = True) -> tuple[str, bool]:
    """Run one query here and write it natively as ``fmt`` to the binary stream ``out``.

    Returns:
        (the result's kind, whether it was cut at ``max_rows``).

    Raises:
        QueryRefused: ``fmt`` does not suit the result's kind.
    """
    from .formats import formats_for

    check_query_length(text, settings["max_query_length"])
    with _gateway(settings, text) as gateway:
        engine = engine_for(dataset.info, settings, gateway)
        answer = evaluate(dataset.store, engine, text, infer=infer)
        kind = result_kind(answer)
        if fmt not in {f.name for f in formats_for(kind)}:
            from ..errors import QueryRefused

            raise QueryRefused(f"a {kind} result cannot be written as {fmt}")
        try:
            truncated = write_answer(answer, fmt, max_rows=settings["max_rows"], emit=out.write,
                                     prefixes=engine.prefixes)
        except BrokenPipeError:  # the reader of ``out`` went away: the caller's concern
            raise
        except OSError as err:  # evaluation is lazy: SERVICE fails here
            raise service_error(err, engine) from None
    return kind, truncated


def select_json(dataset: LocalDataset, settings: dict):
    """A ``select(text) -> bindings`` function over this dataset (for ``saved.enumerate_parameters``)."""
    import io
    import json

    def select(text: str) -> list[dict]:
        out = io.BytesIO()
        write_query(dataset, text, "json", out, settings={**settings, "max_rows": 1000})
        return json.loads(out.getvalue())["results"]["bindings"]

    return select
