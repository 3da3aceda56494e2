"""The built dataset as one read-only on-disk pyoxigraph store that every process opens.

``apparat build`` writes ``build/store/`` (RocksDB, via :func:`write_store`)
beside ``dataset.nq``. Every query executor opens it read-only: the operating
system keeps one copy of its pages for all of them, opening takes
milliseconds, and the web process opens nothing (see README "Serving").

Set semantics of the union default graph: pyoxigraph's
``use_default_graph_as_union`` (and a list of default graphs) has bag
semantics — a triple stated by five sources comes back five times. The store
therefore holds the union once, as its default graph (and the union of the
asserted graphs in :data:`ASSERTED_UNION`), written at build time: an RDF merge,
as Fuseki's and GraphDB's union default graphs are. It costs disk, not memory
per process, and build time (37% of the quads). The inferred graph shares no
triple with the asserted union (the reasoner drops what is asserted), so a
default graph of the two (``default_graph=[ASSERTED_UNION, INFERRED]``) would
have set semantics without the materialised union; measured 2026-12-02, it
made joins 1.2–4.7× and the saved queries 1.47× (median) slower (pyoxigraph scans
both graphs per pattern), so the union stays written.

A running server pins the build it started with (:func:`pin_build`): a copy
of the build's files in a folder of its own, so neither a rebuild that swaps
``build/`` under it nor a file of it damaged in place changes anything until
the server is reloaded or restarted; every
executor checks the store's checksum against the pinned manifest before it
answers (:func:`open_store`), so answers from two builds never mix.

This module imports pyoxigraph only (no rdflib, no build code): executors stay small.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..errors import DatasetMissing, KgError
from ..layout import DATASET_FILE, MANIFEST_FILE, STORE_DIR, STORE_MANIFEST

#: Not a graph of the data: the union of the asserted graphs, the default graph
#: when a request asks for ``infer=false``. (The same IRI as
#: ``apparat.namespaces.ASSERTED_UNION_GRAPH``, which imports rdflib.)
ASSERTED_UNION = "urn:x-apparat:asserted-union"
#: The graph of the OWL 2 RL closure (``apparat.namespaces.INFERRED_GRAPH``).
INFERRED = "https://w3id.org/apparat/graph/inferred"
_PIN_PREFIX = ".serving-"


@dataclass(frozen=True)
class BuildInfo:
    """What the web process knows of a build: its manifest, never its data."""

    build_dir: Path
    manifest: dict

    @property
    def etag(self) -> str:
        """The build's checksum (of ``dataset.nq``): the ETag of every answer."""
        return self.manifest["etag"]

    @property
    def graph_names(self) -> list[str]:
        """Every named graph of the data, the inferred one included, sorted."""
        return sorted(g for g in self.manifest["graphs"] if g != "default")

    @property
    def asserted_graph_names(self) -> list[str]:
        """Every named graph but the inferred one."""
        return [g for g in self.graph_names if g != INFERRED]

    def dump_file(self) -> Path:
        """``dataset.nq`` of this build, for the dumps and ``/data``.

        Raises:
            DatasetMissing: the folder holds no dump of this build (a server in front
                of a remote store whose build folder is elsewhere, or of another build).
        """
        path = self.build_dir / DATASET_FILE
        try:
            same = json.loads((self.build_dir / MANIFEST_FILE).read_text(encoding="utf-8"))["etag"] == self.etag
        except (OSError, ValueError, KeyError):
            same = False
        if not same or not path.exists():
            raise DatasetMissing(f"the dump of build {self.etag} is not on this server ({self.build_dir} does not "
                                 "hold it); it serves a remote SPARQL store: ask its /sparql")
        return path


def read_build(build_dir: Path) -> BuildInfo:
    """Read a build's manifest.

    Raises:
        DatasetMissing: there is no build in ``build_dir`` (run ``apparat build``).
    """
    build_dir = Path(build_dir)
    path = build_dir / MANIFEST_FILE
    if not path.exists():
        raise DatasetMissing(f"no built dataset in {build_dir}: run `apparat build` (or `make build`) first")
    return BuildInfo(build_dir, json.loads(path.read_text(encoding="utf-8")))


def write_store(build_dir: Path) -> Path:
    """Write ``build_dir/store/`` from ``build_dir/dataset.nq``: the read-only store serving opens.

    Called by :func:`pin_build` for a build that has none (the build's install step
    writes the store while it writes ``dataset.nq``: :func:`write_store_from`).

    Returns:
        The store's folder.
    """
    build_dir = Path(build_dir)
    etag = read_build(build_dir).etag
    with open(build_dir / DATASET_FILE, "rb") as lines:
        return write_store_from(build_dir, _with_union_lines(lines), lambda: etag)


def write_store_from(build_dir: Path, blocks: Iterable[bytes], etag: Callable[[], str]) -> Path:
    """Write ``build_dir/store/`` from N-Quads ``blocks`` that hold the union lines already
    (:func:`with_unions`, or :func:`_with_union_lines` of a dump), all in one ``bulk_load``.

    ``etag`` is called once the blocks are all read.

    Returns:
        The store's folder.
    """
    writer = StoreWriter(build_dir)
    try:
        writer.load(blocks)
        return writer.finish(etag())
    except BaseException:
        writer.abandon()
        raise


class StoreWriter:
    """Writes ``build_dir/store/`` in more than one ``bulk_load``, the first ones beside other work.

    ``bulk_load`` gives the blank-node labels of each load fresh ids, so a blank node
    is one node only among the quads of one load. Quads without a blank node may
    therefore be loaded in any number of loads: :meth:`load_beside` takes such
    blocks (each its own load; nothing checks that they hold no blank node: the
    caller's promise) and loads them in a thread of its own, which holds the GIL
    only to make the next block (``bulk_load`` of bytes releases it), while the
    build goes on reasoning or writing. :meth:`load` loads the quads with a blank
    node, all in one load; :meth:`finish` puts the store in place.
    """

    def __init__(self, build_dir: Path):
        self.target = Path(build_dir) / STORE_DIR
        self._scratch = Path(tempfile.mkdtemp(prefix=".store-", dir=build_dir))
        try:
            self._store: ox.Store | None = ox.Store(str(self._scratch))
        except BaseException:
            shutil.rmtree(self._scratch, ignore_errors=True)
            raise
        self._thread: threading.Thread | None = None
        self._failed: BaseException | None = None
        self.beside_seconds: list[float] = []  # wall time of each load_beside, in order

    def load_beside(self, loads: Iterable[bytes | dict]) -> None:
        """Run ``loads`` in a thread, after those given before; returns at once. Each is one
        ``bulk_load``: N-Quads bytes, or the keyword arguments of a call (:func:`file_loads`);
        no blank node in any.

        After an error (or one of an earlier call's), the rest is not loaded: a generator is
        closed, anything else (a queue another thread feeds) read to its end, so that a
        producer never waits forever.
        """
        previous = self._thread

        def run() -> None:
            if previous is not None:
                previous.join()
            started, pending = time.perf_counter(), iter(loads)
            try:
                for load in pending:
                    if self._failed is not None:
                        break
                    if isinstance(load, dict):
                        self._store.bulk_load(**load)
                    else:
                        self._store.bulk_load(load, format=ox.RdfFormat.N_QUADS)
            except BaseException as err:  # re-raised by the next call that waits
                self._failed = self._failed or err
            finally:
                self.beside_seconds.append(time.perf_counter() - started)
                _stop(pending)

        thread = threading.Thread(target=run, name="apparat-store-beside", daemon=True)
        thread.start()
        self._thread = thread

    def load(self, blocks: Iterable[bytes]) -> None:
        """Load ``blocks`` in one load, after the loads beside have ended."""
        self.wait()
        self._store.bulk_load(_Stream(blocks), format=ox.RdfFormat.N_QUADS)

    def finish(self, etag: str, at_least: int = 0) -> Path:
        """Compact the store, record ``etag`` in it and move it to ``build_dir/store``.

        Raises:
            RuntimeError: the store holds fewer than ``at_least`` quads (a load that read
                less than it was given: never installed).
        """
        self.wait()
        if at_least and (held := len(self._store)) < at_least:
            raise RuntimeError(f"the store holds {held} quads, fewer than the {at_least} it must: not installed")
        self._store.optimize()
        self._store.flush()
        self._store = None  # closed: RocksDB lets go of the folder
        (self._scratch / STORE_MANIFEST).write_text(json.dumps({"etag": etag}) + "\n", encoding="utf-8")
        if self.target.exists():
            shutil.rmtree(self.target)
        os.replace(self._scratch, self.target)
        return self.target

    def abandon(self) -> None:
        """Drop what was loaded (after the thread, if any, has ended)."""
        if self._thread is not None:
            self._thread.join()
        self._store = None
        shutil.rmtree(self._scratch, ignore_errors=True)

    def wait(self) -> None:
        """Wait until every load beside has ended; raise what made one fail."""
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._failed is not None:
            failed, self._failed = self._failed, None
            raise failed


def _stop(pending: Iterator) -> None:
    """End ``pending`` without loading the rest: close a generator, drain anything else."""
    close = getattr(pending, "close", None)
    if close is not None:
        close()
        return
    for _load in pending:
        pass


def file_loads(path: Path, format: ox.RdfFormat, graph: str, base_iri: str | None = None, *,
               unions: bool = True) -> list[dict]:
    """The ``bulk_load`` calls (keyword arguments, for :meth:`StoreWriter.load_beside`) that
    put the triples of the file ``path`` in ``graph`` and (``unions``) both unions, as
    :func:`with_unions` does with its lines. Only right for a file of triples with no blank
    node: each load gives a blank node a fresh id. A ``.gz`` file is read (and unpacked)
    once, here."""
    path = Path(path)
    source = {"input": gzip.decompress(path.read_bytes())} if path.suffix.lower() == ".gz" else {"path": str(path)}
    targets = (ox.NamedNode(graph), ox.DefaultGraph(), ox.NamedNode(ASSERTED_UNION)) if unions else (
        ox.NamedNode(graph),)
    return [source | {"format": format, "base_iri": base_iri, "to_graph": target} for target in targets]


def with_unions(triples: Iterable[str], graph: str | None) -> bytes:
    """``triples`` (each ``"s p o"`` in N-Triples syntax, no dot) as N-Quads in ``graph``
    (an IRI, or None for the default graph), each followed by its union lines: what
    :func:`_with_union_lines` makes of the same N-Quads lines, without parsing them."""
    if graph is None:
        return "".join(f"{t} .\n" for t in triples).encode()
    if graph == INFERRED:
        return "".join(f"{t} <{graph}> .\n{t} .\n" for t in triples).encode()
    return "".join(f"{t} <{graph}> .\n{t} .\n{t} <{ASSERTED_UNION}> .\n" for t in triples).encode()


def load_with_unions(store: ox.Store, dataset: Path) -> None:
    """Load ``dataset`` (N-Quads, as the build writes it) into ``store``, and fill the
    default graph with the union of every graph, and :data:`ASSERTED_UNION` with the
    union of the asserted ones (each triple once: a store is a set of quads).

    Each named-graph line is followed by its default-graph and asserted-union lines,
    all streamed into one ``bulk_load``: one document, so that a blank node is one node
    in its graph and in the unions (each load gives its labels fresh ids). Reading the
    quads back out of the store as Python objects, as before, cost more than the load.
    """
    with open(dataset, "rb") as lines:
        store.bulk_load(_Stream(_with_union_lines(lines)), format=ox.RdfFormat.N_QUADS)


#: One N-Quads line: subject and predicate (no spaces in either), object (an IRI or blank
#: node, or a literal with its escapes, language or datatype), then the graph if any.
_QUAD = re.compile(rb'(\S+ \S+ (?:"(?:[^"\\]|\\.)*"(?:@\S+|\^\^\S+)?|\S+))(?: (\S+))? \.\r?\n?')
_INFERRED_TERM = f"<{INFERRED}>".encode()
_ASSERTED_SUFFIX = f" <{ASSERTED_UNION}> .\n".encode()


def _with_union_lines(lines: Iterable[bytes], block: int = 100_000) -> Iterator[bytes]:
    """The N-Quads ``lines``, each followed by its union lines, in blocks of about ``block`` lines."""
    out: list[bytes] = []
    for line in lines:
        out.append(line if line.endswith(b"\n") else line + b"\n")
        match = _QUAD.fullmatch(line)
        if match is None:
            if line.strip() and not line.lstrip().startswith(b"#"):
                raise ValueError(f"not an N-Quads line as the build writes them: {line[:200]!r}")
            continue
        triple, graph = match.groups()
        if graph is None:  # already in the default graph, and not in a named (asserted) one
            continue
        out.append(triple + b" .\n")
        if graph != _INFERRED_TERM:
            out.append(triple + _ASSERTED_SUFFIX)
        if len(out) >= block:
            yield b"".join(out)
            out = []
    if out:
        yield b"".join(out)


class _Stream(io.RawIOBase):
    """A binary file over an iterator of byte blocks (what ``bulk_load`` reads)."""

    def __init__(self, blocks: Iterable[bytes]):
        self._blocks, self._pending = iter(blocks), memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self._pending:
            block = next(self._blocks, None)
            if block is None:
                return 0
            self._pending = memoryview(block)
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n


def open_store(build_dir: Path, etag: str) -> ox.Store:
    """Open ``build_dir/store`` read-only, after checking it belongs to the build ``etag``.

    Raises:
        KgError: the store is missing or was written for another build.
    """
    folder = Path(build_dir) / STORE_DIR
    try:
        recorded = json.loads((folder / STORE_MANIFEST).read_text(encoding="utf-8"))["etag"]
    except (OSError, ValueError, KeyError):
        raise KgError(f"{folder} holds no store: run `apparat build` again") from None
    if recorded != etag:
        raise KgError(f"{folder} was written for build {recorded}, not {etag}: refusing to mix builds")
    return ox.Store.read_only(str(folder))


def pin_build(build_dir: Path) -> Path:
    """Pin the build ``build_dir`` holds now: a copy of its files, in a sibling folder.

    A rebuild replaces ``build_dir`` by renaming; the pinned folder is a copy of
    its own, so a server and all its executors go on answering from the one
    build they started with, whatever happens to ``build_dir`` afterwards: a
    rebuild, or a file of it written in place (an editor, a tool, a disk
    error, garbage written into a RocksDB file). Every file is copied, none
    is hard-linked: a hard link shares the inode, so damage written in place
    into ``build/store`` would reach the executors of a running server, whose
    queries then read garbage (or run to the deadline) while ``/health`` says
    ok. The copy costs the build's size on disk per pin (about 64 MB for the
    repository's build) and tens of milliseconds at start and at each reload
    (README "Serving in production"). A build without a store (or with a
    stale one) gets one written into the pinned folder. Remove the folder
    with :func:`unpin`.

    Returns:
        The pinned folder, to serve from.
    """
    build_dir = Path(build_dir).resolve()
    info = read_build(build_dir)
    _remove_stale_pins(build_dir)
    pinned = Path(tempfile.mkdtemp(prefix=f".{build_dir.name}{_PIN_PREFIX}{os.getpid()}-", dir=build_dir.parent))
    for source in build_dir.rglob("*"):
        target = pinned / source.relative_to(build_dir)
        if source.is_dir():
            target.mkdir(exist_ok=True)
        else:
            shutil.copy2(source, target)
    try:
        open_store(pinned, info.etag)
    except KgError:
        write_store(pinned)
    return pinned


def unpin(pinned: Path) -> None:
    """Remove a folder made by :func:`pin_build` (the build itself is untouched)."""
    if _PIN_PREFIX in Path(pinned).name:
        shutil.rmtree(pinned, ignore_errors=True)


def _remove_stale_pins(build_dir: Path) -> None:
    """Pinned folders of servers that are gone (killed before they could clean up)."""
    for folder in build_dir.parent.glob(f".{build_dir.name}{_PIN_PREFIX}*"):
        pid = folder.name.removeprefix(f".{build_dir.name}{_PIN_PREFIX}").split("-", 1)[0]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            shutil.rmtree(folder, ignore_errors=True)


def memory_store(build_dir: Path) -> ox.Store:
    """The build in an in-memory store, unions included: for comparison in ``make bench`` only."""
    store = ox.Store()
    load_with_unions(store, Path(build_dir) / DATASET_FILE)
    return store
