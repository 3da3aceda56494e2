"""``apparat build --store URL``: the build's graphs into a remote SPARQL store (Graph Store protocol).

What goes where: every named graph of the build (the ontology, each asserted
graph, the inferred closure) into the graph of the same IRI, then the two
unions the queries use as their default graph (``remote.UNION``,
``store.ASSERTED_UNION``; see ``apparat.query.remote``), and last the small
``remote.METADATA`` graph holding the build's manifest, so ``apparat serve
--store`` knows which build it serves (its ETag, ``/health``).

- **Streamed, in batches**: each graph is read from the build's on-disk store
  (``build/store``, in the order it keeps) ``batch`` triples at a time; the
  first batch is a ``PUT`` (which replaces the graph: re-running never
  duplicates), the rest ``POST``s (which add). Memory holds one batch.
- **Resumable**: a marker beside the build (``.upload-<hash of the URL>.json``)
  records each graph done with its triples and the SHA-256 of what was sent;
  an interrupted upload of the same build goes on from the first graph not
  done (a graph cut half-way is sent again from its ``PUT``). The metadata
  graph is removed when an upload of a new build starts and written only at
  the end, so a store never claims a build it holds only in part.
- **Progress**: one line per batch through ``log``, and a bar on a terminal.
- Graphs of the build the store held before that this one lacks are removed.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

import pyoxigraph as ox

from ..errors import BuildError
from ..query.remote import MANIFEST, METADATA, UNION, RemoteStore, store_endpoints
from ..query.store import ASSERTED_UNION, open_store, read_build


@dataclass
class UploadReport:
    """What an upload did: triples per graph sent now, graphs skipped as done before, seconds."""

    etag: str
    sent: dict[str, int] = field(default_factory=dict)
    resumed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    seconds: float = 0.0
    unchanged: bool = False


def upload(build_dir: Path, settings: dict, *, log: Callable[[str], None] = lambda _line: None,
           progress=None, force: bool = False, stop_after: int | None = None) -> UploadReport:
    """Upload the build in ``build_dir`` to the store ``settings["store"]``.

    Args:
        build_dir: a finished build (``apparat build``), with its on-disk store.
        settings: ``store``, ``store_query_url``, ``store_graph_url``, ``store_batch``.
        log: gets one line per batch and per graph.
        progress: a ``progress.Progress`` (a bar per graph on a terminal), or None.
        force: upload even if the store says it holds this build already.
        stop_after: for tests of resumption: stop (``BuildError``) after this many graphs.

    Raises:
        BuildError: the store refused a request or cannot be reached, or no
            Graph Store endpoint is known (``--store-graph-url``).
    """
    started = time.monotonic()
    info = read_build(build_dir)
    endpoints = store_endpoints(settings["store"], settings["store_query_url"], settings["store_graph_url"])
    if not endpoints.graph_store:
        raise BuildError(f"no Graph Store endpoint is known for {settings['store']}: give --store-graph-url")
    report = UploadReport(info.etag)
    held = _held_manifest(endpoints.query)
    if held and held.get("etag") == info.etag and not force:
        report.unchanged, report.seconds = True, time.monotonic() - started
        log(f"upload: {endpoints.query} holds build {info.etag} already")
        return report
    marker_path = Path(build_dir) / f".upload-{hashlib.sha256(endpoints.graph_store.encode()).hexdigest()[:12]}.json"
    marker = _read_marker(marker_path)
    if marker.get("etag") != info.etag:
        stale = sorted(set((held or {}).get("graphs", {})) - set(info.manifest["graphs"]) - {"default"})
        marker = {"etag": info.etag, "store": endpoints.graph_store, "done": {}, "stale": stale}
        _graph_request(endpoints.graph_store, "DELETE", METADATA, b"", missing_ok=True)
        _write_marker(marker_path, marker)
    store = open_store(info.build_dir, info.etag)
    graphs = [*info.graph_names, ASSERTED_UNION, UNION]
    for number, graph in enumerate(graphs):
        if graph in marker["done"]:
            report.resumed.append(graph)
            log(f"upload: {graph} done before ({marker['done'][graph]['triples']} triples), skipped")
            continue
        if stop_after is not None and number >= stop_after:
            raise BuildError(f"upload stopped after {stop_after} graphs (as asked)")
        source = ox.DefaultGraph() if graph == UNION else ox.NamedNode(graph)
        total = info.manifest["graphs"].get(graph)
        count, digest = _upload_graph(endpoints.graph_store, graph, store.quads_for_pattern(None, None, None, source),
                                      settings["store_batch"], total, log, progress)
        marker["done"][graph] = {"triples": count, "sha256": digest}
        _write_marker(marker_path, marker)
        report.sent[graph] = count
    for graph in marker.get("stale", []):
        _graph_request(endpoints.graph_store, "DELETE", graph, b"", missing_ok=True)
        report.removed.append(graph)
    manifest = {**info.manifest, "union_triples": marker["done"][UNION]["triples"], "uploaded": marker["done"]}
    triple = ox.Triple(ox.NamedNode(METADATA), ox.NamedNode(MANIFEST), ox.Literal(json.dumps(manifest, sort_keys=True)))
    _graph_request(endpoints.graph_store, "PUT", METADATA, ox.serialize([triple], format=ox.RdfFormat.N_TRIPLES))
    marker_path.unlink(missing_ok=True)
    report.seconds = time.monotonic() - started
    log(f"upload: build {info.etag} in {endpoints.query}, {sum(report.sent.values())} triples sent "
        f"in {report.seconds:.1f} s")
    return report


def _upload_graph(graph_store: str, graph: str, quads, batch: int, total, log, progress) -> tuple[int, str]:
    """Send one graph: a PUT of the first batch, POSTs of the rest; return (triples, SHA-256 of what was sent)."""
    digest, count, method = hashlib.sha256(), 0, "PUT"
    task = progress.task(graph.rsplit("/", 1)[-1][:9], total=total) if progress else None
    advance = task.__enter__() if task else (lambda *_a, **_k: None)
    try:
        pending: list[ox.Triple] = []
        for quad in quads:
            pending.append(quad.triple)
            if len(pending) >= batch:
                count += _send(graph_store, method, graph, pending, digest)
                method = "POST"
                advance(len(pending))
                log(f"upload: {graph} {count}{f'/{total}' if total else ''} triples")
                pending = []
        if pending or method == "PUT":  # an empty graph is still PUT: it replaces an old one
            count += _send(graph_store, method, graph, pending, digest)
            advance(len(pending))
            log(f"upload: {graph} {count}{f'/{total}' if total else ''} triples")
    finally:
        if task:
            task.__exit__(None, None, None)
    return count, digest.hexdigest()


def _send(graph_store: str, method: str, graph: str, triples: list, digest) -> int:
    body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) if triples else b""
    digest.update(body)
    _graph_request(graph_store, method, graph, body)
    return len(triples)


def _graph_request(graph_store: str, method: str, graph: str, body: bytes, *, missing_ok: bool = False) -> None:
    """One Graph Store protocol request on the graph ``graph`` (its IRI in ``?graph=``)."""
    parts = urlsplit(graph_store)
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    conn = kind(parts.hostname, parts.port, timeout=600)
    separator = "&" if parts.query else "?"
    path = f"{parts.path or '/'}{'?' + parts.query if parts.query else ''}{separator}graph={quote(graph, safe='')}"
    try:
        conn.request(method, path, body=body, headers={"Content-Type": "application/n-triples"})
        response = conn.getresponse()
        text = response.read(2000).decode("utf-8", "replace")
    except (OSError, http.client.HTTPException) as err:
        raise BuildError(f"the SPARQL store at {graph_store} cannot be reached: {err}") from None
    finally:
        conn.close()
    if response.status == 404 and missing_ok:
        return
    if response.status not in (200, 201, 204):
        raise BuildError(f"the SPARQL store at {graph_store} answered {method} <{graph}> with "
                         f"{response.status}: {text.strip()[:500]}")


def _held_manifest(query_url: str) -> dict | None:
    from ..errors import KgError

    try:
        return RemoteStore(query_url, max_rows=10, timeout=60).read_manifest()
    except KgError as err:
        raise BuildError(f"cannot read which build the store holds: {err}") from None


def _read_marker(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write_marker(path: Path, marker: dict) -> None:
    scratch = path.with_suffix(".tmp")
    scratch.write_text(json.dumps(marker, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(scratch, path)
