"""``apparat build --store URL``: the build's graphs into a remote SPARQL store (Graph Store protocol).

What goes where: every named graph of the build (the ontology, each asserted
graph, the inferred closure) into the graph of the same IRI, then the two
unions the queries use as their default graph (``remote.UNION``,
``store.ASSERTED_UNION``; see ``apparat.query.remote``), and last the small
``remote.METADATA`` graph holding the build's manifest, so ``apparat serve
--store`` knows which build it serves (its ETag, ``/health``).

- **Streamed**: each graph is written by the build's on-disk store itself
  (``Store.dump``, N-Triples) straight into the request body. To an Oxigraph
  server (its ``Server`` header) that is one ``PUT`` per graph with a chunked
  body, through its bulk loader (``no_transaction``; setting ``store_bulk``);
  to other stores, or with ``store_batch`` N, a request per N triples (50,000
  where ``store_batch`` is 0), the first a ``PUT`` (which replaces the graph:
  re-running never duplicates), the rest ``POST``s (which add). Memory holds
  one 1 MiB chunk, or one batch.
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
from ..query.remote import METADATA, UNION, RemoteStore, manifest_triples, store_endpoints
from ..query.store import ASSERTED_UNION, open_store, read_build

DEFAULT_BATCH = 50_000  # triples per request on a store other than Oxigraph server, where store_batch is 0


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
    marker_path = upload_marker(build_dir, settings)
    marker = _read_marker(marker_path)
    sender = _Sender(endpoints.graph_store, batch=settings["store_batch"], bulk=False)
    if _is_oxigraph(sender):
        sender.bulk = settings["store_bulk"]
        log(f"upload: {endpoints.graph_store} is an Oxigraph server: "
            f"{'one streamed request' if not sender.batch else f'{sender.batch} triples'} per graph"
            f"{', its bulk loader (no_transaction)' if sender.bulk else ', transactional'}")
    elif not sender.batch:
        sender.batch = DEFAULT_BATCH  # Virtuoso 7.2.5 resets streamed (chunked) uploads part-way
    if marker.get("etag") != info.etag:
        stale = sorted(set((held or {}).get("graphs", {})) - set(info.manifest["graphs"]) - {"default"})
        marker = {"etag": info.etag, "store": endpoints.graph_store, "done": {}, "stale": stale}
        sender.request("DELETE", METADATA, b"", missing_ok=True)
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
        count, digest = _upload_graph(sender, graph, store, source, total, log, progress)
        marker["done"][graph] = {"triples": count, "sha256": digest}
        _write_marker(marker_path, marker)
        report.sent[graph] = count
    for graph in marker.get("stale", []):
        sender.request("DELETE", graph, b"", missing_ok=True)
        report.removed.append(graph)
    manifest = {**info.manifest, "union_triples": marker["done"][UNION]["triples"], "uploaded": marker["done"]}
    sender.request("PUT", METADATA, ox.serialize(manifest_triples(manifest), format=ox.RdfFormat.N_TRIPLES))
    marker_path.unlink(missing_ok=True)
    report.seconds = time.monotonic() - started
    log(f"upload: build {info.etag} in {endpoints.query}, {sum(report.sent.values())} triples sent "
        f"in {report.seconds:.1f} s")
    return report


def upload_marker(build_dir: Path, settings: dict) -> Path:
    """The file beside the build in which an upload into ``settings``' store records the graphs done
    (``.upload-<hash of its Graph Store URL>.json``; it is gone once an upload is complete).

    >>> upload_marker(Path("build"), {"store": "http://127.0.0.1:7878", "store_query_url": "",
    ...                               "store_graph_url": ""}).name
    '.upload-90560dee2caa.json'
    """
    endpoints = store_endpoints(settings["store"], settings["store_query_url"], settings["store_graph_url"])
    return Path(build_dir) / f".upload-{hashlib.sha256(endpoints.graph_store.encode()).hexdigest()[:12]}.json"


def _upload_graph(sender: _Sender, graph: str, store: ox.Store, source, total, log, progress) -> tuple[int, str]:
    """Send one graph, written by the store itself (``Store.dump``, N-Triples) straight into the
    request body(s); return (triples, SHA-256 of what was sent)."""
    task = progress.task(graph.rsplit("/", 1)[-1][:9], total=total) if progress else None
    advance = task.__enter__() if task else (lambda *_a, **_k: None)
    body = _GraphBody(sender, graph, total, log, advance)
    try:
        store.dump(body, format=ox.RdfFormat.N_TRIPLES, from_graph=source)
        body.finish()
    finally:
        body.abort()
        if task:
            task.__exit__(None, None, None)
    return body.count, body.digest.hexdigest()


class _Sender:
    """Graph Store protocol requests to one endpoint: ``bulk`` adds Oxigraph's ``no_transaction``
    to the PUTs and POSTs (its bulk loader), ``batch`` is triples per request (0: one streamed
    request per graph, chunked transfer)."""

    def __init__(self, graph_store: str, *, batch: int, bulk: bool):
        self.url, self.batch, self.bulk = graph_store, batch, bulk
        self.parts = urlsplit(graph_store)

    def path(self, graph: str, *, load: bool = False) -> str:
        query = "&".join(filter(None, [self.parts.query, f"graph={quote(graph, safe='')}",
                                       "no_transaction" if load and self.bulk else ""]))
        return f"{self.parts.path or '/'}?{query}"

    def connect(self) -> http.client.HTTPConnection:
        kind = http.client.HTTPSConnection if self.parts.scheme == "https" else http.client.HTTPConnection
        return kind(self.parts.hostname, self.parts.port, timeout=600)

    def check(self, conn, method: str, graph: str, *, missing_ok: bool = False) -> None:
        """Read the answer to the request sent on ``conn``; close it."""
        try:
            response = conn.getresponse()
            text = response.read(2000).decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as err:
            raise BuildError(f"the SPARQL store at {self.url} cannot be reached: {err}") from None
        finally:
            conn.close()
        if response.status == 404 and missing_ok:
            return
        if response.status not in (200, 201, 204):
            raise BuildError(f"the SPARQL store at {self.url} answered {method} <{graph}> with "
                             f"{response.status}: {text.strip()[:500]}")

    def request(self, method: str, graph: str, body: bytes, *, missing_ok: bool = False) -> None:
        """One whole request on the graph ``graph`` (its IRI in ``?graph=``)."""
        conn = self.connect()
        try:
            conn.request(method, self.path(graph, load=method in ("PUT", "POST")), body=body,
                         headers={"Content-Type": "application/n-triples"})
        except (OSError, http.client.HTTPException) as err:
            conn.close()
            raise BuildError(f"the SPARQL store at {self.url} cannot be reached: {err}") from None
        self.check(conn, method, graph, missing_ok=missing_ok)


class _GraphBody:
    """The file ``Store.dump`` writes one graph into: the bytes go to the store as they come.

    Streamed (``batch`` 0): one ``PUT`` with a chunked body, a chunk per ~1 MiB. Batched: a
    request per ``batch`` triples or more, cut at a line's end (N-Triples: one triple a line),
    the first a ``PUT``, the rest ``POST``s. Memory holds one chunk, or one batch.
    """

    CHUNK = 1 << 20

    def __init__(self, sender: _Sender, graph: str, total, log, advance):
        self.sender, self.graph, self.total, self.log, self.advance = sender, graph, total, log, advance
        self.digest, self.count, self.logged = hashlib.sha256(), 0, 0
        self.pending, self.pending_lines = bytearray(), 0
        self.method, self.conn = "PUT", None

    def write(self, data) -> int:
        data = bytes(data)
        self.digest.update(data)
        lines = data.count(b"\n")
        self.count += lines
        self.advance(lines)
        self.pending += data
        self.pending_lines += lines
        if self.sender.batch:
            if self.pending_lines >= self.sender.batch:
                cut = self.pending.rindex(b"\n") + 1
                self._whole(bytes(self.pending[:cut]))
                self.pending, self.pending_lines = self.pending[cut:], 0
        elif len(self.pending) >= self.CHUNK and lines:
            cut = self.pending.rindex(b"\n") + 1
            self._chunk(bytes(self.pending[:cut]))
            self.pending = self.pending[cut:]
        if self.count - self.logged >= 100_000:
            self.logged = self.count
            self.log(f"upload: {self.graph} {self.count}{f'/{self.total}' if self.total else ''} triples")
        return len(data)

    def flush(self) -> None:
        pass

    def finish(self) -> None:
        """The graph is written: send what is left and check the store's answer."""
        if self.sender.batch:
            if self.pending or self.method == "PUT":  # an empty graph is still PUT: it replaces an old one
                self._whole(bytes(self.pending))
        else:
            if self.pending:
                self._chunk(bytes(self.pending))
            if self.conn is None:
                self._open()
            self._send(b"0\r\n\r\n")
            conn, self.conn = self.conn, None
            self.sender.check(conn, "PUT", self.graph)
        self.pending = bytearray()
        self.log(f"upload: {self.graph} {self.count}{f'/{self.total}' if self.total else ''} triples")

    def abort(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def _whole(self, body: bytes) -> None:
        self.sender.request(self.method, self.graph, body)
        self.method = "POST"

    def _open(self) -> None:
        self.conn = self.sender.connect()
        try:
            self.conn.putrequest("PUT", self.sender.path(self.graph, load=True), skip_accept_encoding=True)
            self.conn.putheader("Content-Type", "application/n-triples")
            self.conn.putheader("Transfer-Encoding", "chunked")
            self.conn.endheaders()
        except (OSError, http.client.HTTPException) as err:
            raise BuildError(f"the SPARQL store at {self.sender.url} cannot be reached: {err}") from None

    def _chunk(self, data: bytes) -> None:
        if self.conn is None:
            self._open()
        self._send(b"%x\r\n" % len(data) + data + b"\r\n")

    def _send(self, data: bytes) -> None:
        try:
            self.conn.send(data)
        except OSError as err:  # the store stopped reading: its answer says why, if it sent one
            conn, self.conn = self.conn, None
            self.sender.check(conn, "PUT", self.graph)
            raise BuildError(f"the SPARQL store at {self.sender.url} cannot be reached: {err}") from None


def _is_oxigraph(sender: _Sender) -> bool:
    """Whether the Graph Store endpoint is an Oxigraph server (its ``Server`` header), whose
    ``no_transaction`` parameter loads through its bulk loader."""
    conn = sender.connect()
    try:
        conn.request("HEAD", sender.path(METADATA))
        response = conn.getresponse()
        response.read()
    except (OSError, http.client.HTTPException) as err:
        raise BuildError(f"the SPARQL store at {sender.url} cannot be reached: {err}") from None
    finally:
        conn.close()
    return (response.getheader("Server") or "").startswith("Oxigraph/")


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
