"""Last step: write the build beside ``build_dir`` and swap it in.

``dataset.nq`` holds every graph, asserted and inferred, one graph after the
other (default graph first, then by IRI), each graph's quads sorted, blank
nodes with canonical (RDFC-1.0) labels: rebuilds are byte-identical. It is
written graph by graph, never as one string, and hashed as it is written (the
ETag). ``build.json`` is the manifest the server reads; ``store/`` the on-disk
pyoxigraph store it opens read-only, loaded in the same pass: each block of
``dataset.nq`` is written and hashed, then streamed with its union lines into
the store's one ``bulk_load`` (``store.write_store_from``), so the dump is not
read back and parsed again.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph as ox

from ..layout import DATASET_FILE, MANIFEST_FILE
from ..query.store import with_unions, write_store_from
from .parse import Graphs
from .terms import BNode, ntriples_terms, ox_terms, to_ox

_CHUNK = 50_000


def install(graphs: Graphs, manifest: dict, build_dir: Path,
            on_quads: Callable[[int], None] = lambda _n: None) -> dict:
    """Write ``graphs`` and ``manifest`` into a fresh folder beside ``build_dir``, then
    swap it in. Adds ``etag`` to ``manifest`` and returns it."""
    build_dir = Path(build_dir)
    build_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{build_dir.name}.new-", dir=build_dir.parent))
    staging.chmod(0o755)
    try:
        digest = hashlib.sha256()
        with open(staging / DATASET_FILE, "wb") as out:  # and the store, block by block, in one pass
            blocks = (with_unions(lines, name) for name, lines in _written(graphs, out, digest, on_quads))
            write_store_from(staging, blocks, lambda: digest.hexdigest()[:32])
        manifest["etag"] = digest.hexdigest()[:32]
        write_manifest(manifest, staging)
        swap_in(staging, build_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return manifest


def write_manifest(manifest: dict, folder: Path) -> None:
    """Write ``build.json`` (through a temporary file: readers never see half of it)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{MANIFEST_FILE}.", dir=folder)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(json.dumps(manifest, indent=2) + "\n")
    os.chmod(tmp, 0o644)
    os.replace(tmp, folder / MANIFEST_FILE)


def _written(graphs: Graphs, out, digest, on_quads: Callable[[int], None]) -> Iterator[tuple[str | None, list[str]]]:
    """The blocks of ``dataset.nq`` (see :func:`_dataset_blocks`), each written to ``out`` and
    added to ``digest`` before it is yielded."""
    for name, lines in _dataset_blocks(graphs):
        block = _nquads(name, lines)
        out.write(block)
        digest.update(block)
        on_quads(len(lines))
        yield name, lines


def _dataset_blocks(graphs: Graphs) -> Iterator[tuple[str | None, list[str]]]:
    """``dataset.nq``'s triples in order (graph by graph, default first, each sorted) as
    (graph, up to ``_CHUNK`` triples ``"s p o"`` in N-Triples syntax)."""
    with_bnodes = _canonical_bnode_triples(graphs)
    for name in sorted(graphs, key=lambda g: "" if g is None else g):
        term = ntriples_terms()  # per graph: the memo never holds more than one graph's terms
        lines = [f"{term(s)} {term(p)} {term(o)}" for s, p, o in graphs[name]
                 if not (isinstance(s, BNode) or isinstance(p, BNode) or isinstance(o, BNode))]
        lines += with_bnodes.get(name, [])
        lines.sort()
        for start in range(0, len(lines), _CHUNK):
            yield name, lines[start:start + _CHUNK]


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
