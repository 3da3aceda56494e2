"""Last step: write the build beside ``build_dir`` and swap it in.

``dataset.nq`` holds every graph, asserted and inferred, one graph after the
other (default graph first, then by IRI), each graph's quads sorted, blank
nodes with canonical (RDFC-1.0) labels: rebuilds are byte-identical. It is
written graph by graph, never as one string, and hashed as it is written (the
ETag). ``build.json`` is the manifest the server reads; ``store/`` the on-disk
pyoxigraph store it opens read-only.

The store is loaded in parts (:class:`apparat.query.store.StoreWriter`). As
soon as the sources are parsed, :meth:`Installation.preload` starts loading the
graphs that files of plain triples hold whole (no blank node, no graph of their
own), with their unions, from those files, in a thread of its own, while the
build finds conflicts, validates and reasons; ``bulk_load`` does its work
without the GIL, so the two use both cores. The write step then writes
``dataset.nq`` block by block and hands the plain lines of every other graph
(the inferred one, the conflicts, the ontology's) to the same thread as it goes;
last, every quad with a blank node is loaded in one load, so that a blank node
is one node. The dump is not read back and parsed again.
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox

from ..layout import DATASET_FILE, MANIFEST_FILE
from ..query.store import StoreWriter, with_unions
from .parse import Graphs, ParsedFile, plain_graphs
from .terms import BNode, Triple, ntriples_terms, ox_terms, to_ox

_CHUNK = 50_000


class Installation:
    """A build being written: a fresh folder beside ``build_dir``, swapped in by :meth:`install`."""

    def __init__(self, build_dir: Path):
        self.build_dir = Path(build_dir)
        self.build_dir.parent.mkdir(parents=True, exist_ok=True)
        self.staging = Path(tempfile.mkdtemp(prefix=f".{self.build_dir.name}.new-", dir=self.build_dir.parent))
        try:
            self.staging.chmod(0o755)
            self.store = StoreWriter(self.staging)
        except BaseException:
            shutil.rmtree(self.staging, ignore_errors=True)
            raise
        self.preloaded: Graphs = {}
        self._sizes: dict[str, int] = {}  # the preloaded graphs' sizes then
        self.offered = 0  # of how many graphs
        self._digest = hashlib.sha256()  # of dataset.nq: the ETag

    def preload(self, graphs: Graphs, files: Iterable[ParsedFile] = ()) -> None:
        """Start loading, in a thread, the graphs of ``graphs`` whose triples all come from
        ``files`` of plain triples (:class:`ParsedFile`) into the store, from those files, by
        pyoxigraph alone: nothing of it holds the GIL. Returns at once. Those graphs' sets may
        gain triples afterwards, not lose any; the write step loads the other graphs."""
        from_files = plain_graphs(files, graphs)
        self.preloaded = {g: graphs[g] for g in from_files}
        self._sizes = {g: len(triples) for g, triples in self.preloaded.items()}
        self.offered = len(graphs)
        self.store.load_beside(_file_blocks(from_files))

    @property
    def from_files(self) -> list[str]:
        """The graphs preloaded from their files, sorted."""
        return sorted(self.preloaded)

    def install(self, graphs: Graphs, manifest: dict,
                on_quads: Callable[[int], None] = lambda _n: None) -> dict:
        """Write ``graphs`` and ``manifest``, then swap the folder in. Adds ``etag`` to
        ``manifest`` and returns it."""
        try:
            loaded = self._still_loaded(graphs)
            with_bnodes = _canonical_bnode_triples(graphs)
            self._write_dataset(graphs, with_bnodes, loaded, on_quads)  # and the plain quads of the store
            # every quad with a blank node in one load, so that a blank node is one node
            self.store.load(with_unions(lines, name) for name, lines in with_bnodes.items())
            manifest["etag"] = self._digest.hexdigest()[:32]
            self.store.finish(manifest["etag"], at_least=sum(len(triples) for triples in graphs.values()))
            write_manifest(manifest, self.staging)
            swap_in(self.staging, self.build_dir)
        except BaseException:
            self.abandon()
            raise
        return manifest

    def _write_dataset(self, graphs: Graphs, with_bnodes: dict[str | None, list[str]], loaded: set[str | None],
                       on_quads: Callable[[int], None]) -> None:
        """Write ``dataset.nq`` block by block; hand the blocks' plain lines of the graphs
        not ``loaded`` yet to the store's loader thread as they are made."""
        blocks: queue.Queue[bytes | None] = queue.Queue(maxsize=4)
        self.store.load_beside(iter(blocks.get, None))
        try:
            with open(self.staging / DATASET_FILE, "wb") as out:
                for name, lines in _written(_dataset_blocks(graphs, with_bnodes), out, self._digest, on_quads):
                    if name not in loaded:
                        if name in with_bnodes:
                            blank = set(with_bnodes[name])
                            lines = [line for line in lines if line not in blank]
                        blocks.put(with_unions(lines, name))
        finally:
            blocks.put(None)

    def abandon(self) -> None:
        """Remove the folder (a failed build never replaces ``build_dir``)."""
        try:
            self.store.abandon()
        finally:
            shutil.rmtree(self.staging, ignore_errors=True)

    def _still_loaded(self, graphs: Graphs) -> set[str | None]:
        """The preloaded graphs whose triples are all in the store already (the same set, the
        same size)."""
        loaded = set()
        for name, triples in self.preloaded.items():
            now = graphs.get(name, set())
            if len(now) < self._sizes[name] or (now is not triples and not triples <= now):
                # quads in the store that the dump would not hold
                raise RuntimeError(f"graph {name} lost triples after the store began loading it")
            if now is triples and len(now) == self._sizes[name]:
                loaded.add(name)  # otherwise it grew: loaded again, whole (a store is a set)
        return loaded


def install(graphs: Graphs, manifest: dict, build_dir: Path,
            on_quads: Callable[[int], None] = lambda _n: None) -> dict:
    """Write ``graphs`` and ``manifest`` into a fresh folder beside ``build_dir``, then
    swap it in. Adds ``etag`` to ``manifest`` and returns it."""
    return Installation(build_dir).install(graphs, manifest, on_quads)


def write_manifest(manifest: dict, folder: Path) -> None:
    """Write ``build.json`` (through a temporary file: readers never see half of it)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{MANIFEST_FILE}.", dir=folder)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(json.dumps(manifest, indent=2) + "\n")
    os.chmod(tmp, 0o644)
    os.replace(tmp, folder / MANIFEST_FILE)


def _written(blocks: Iterable[tuple[str | None, list[str]]], out, digest,
             on_quads: Callable[[int], None]) -> Iterator[tuple[str | None, list[str]]]:
    """The ``blocks`` of ``dataset.nq`` (see :func:`_dataset_blocks`), each written to ``out``
    and added to ``digest`` before it is yielded."""
    for name, lines in blocks:
        block = _nquads(name, lines)
        out.write(block)
        digest.update(block)
        on_quads(len(lines))
        yield name, lines


def _dataset_blocks(graphs: Graphs, with_bnodes: dict[str | None, list[str]]) -> Iterator[tuple[str | None, list[str]]]:
    """``dataset.nq``'s triples in order (graph by graph, default first, each sorted) as
    (graph, up to ``_CHUNK`` triples ``"s p o"`` in N-Triples syntax); ``with_bnodes``
    holds the triples with a blank node (:func:`_canonical_bnode_triples`)."""
    for name in sorted(graphs, key=lambda g: "" if g is None else g):
        lines = _plain_lines(graphs[name])
        if name in with_bnodes:
            lines += with_bnodes[name]
            lines.sort()
        for start in range(0, len(lines), _CHUNK):
            yield name, lines[start:start + _CHUNK]


def _plain_lines(triples: Iterable[Triple]) -> list[str]:
    """The triples without a blank node, as N-Triples ``"s p o"`` lines, sorted."""
    term = ntriples_terms()  # per graph: the memo never holds more than one graph's terms
    lines = [f"{term(s)} {term(p)} {term(o)}" for s, p, o in triples
             if not (isinstance(s, BNode) or isinstance(p, BNode) or isinstance(o, BNode))]
    lines.sort()
    return lines


def _file_blocks(graphs: dict[str, list[ParsedFile]]) -> Iterator[dict]:
    """The loads that put each graph of ``graphs``, all of whose triples are in its files, and
    both unions into the store from those files (:func:`apparat.query.store.file_loads`).

    Their ``dataset.nq`` lines are made by the write step, in Python, as the other graphs'
    (docs/decisions/20261203-store-beside-reasoning.md: making them beside, or taking them from
    pyoxigraph's dump, held the GIL against reasoning and made builds slower)."""
    for parsed in (f for files in graphs.values() for f in files):
        parsed.unchanged()  # the store reads the file again: it must hold what was parsed
        yield from parsed.loads()
        parsed.unchanged()


def _nquads(graph: str | None, lines: list[str]) -> bytes:
    suffix = " .\n" if graph is None else f" {to_ox(graph)} .\n"
    return "".join(line + suffix for line in lines).encode()


def _has_bnode(triple) -> bool:
    return any(isinstance(t, BNode) for t in triple)


def _canonical_bnode_triples(graphs: Graphs) -> dict[str | None, list[str]]:
    """The triples that hold a blank node, per graph, as N-Triples with canonical
    (RDFC-1.0) labels. Only these quads take part: a quad without a blank node
    cannot change a blank node's canonical label."""
    term = ox_terms()
    dataset = ox.Dataset(
        ox.Quad(term(s), term(p), term(o), ox.DefaultGraph() if g is None else ox.NamedNode(g))
        for g, triples in graphs.items() for s, p, o in triples if _has_bnode((s, p, o))
    )
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    found: dict[str | None, list[str]] = {}
    for q in dataset:
        graph = None if isinstance(q.graph_name, ox.DefaultGraph) else q.graph_name.value
        found.setdefault(graph, []).append(f"{q.subject} {q.predicate} {q.object}")
    return found


def swap_in(new: Path, target: Path) -> None:
    """Replace ``target`` by ``new``: two renames, the old build removed last."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        os.replace(target, old)
    os.replace(new, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
