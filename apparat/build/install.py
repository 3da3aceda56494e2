"""Last step: write the build beside ``build_dir`` and swap it in.

``dataset.nq`` holds every graph, asserted and inferred, one graph after the
other (default graph first, then by IRI), each graph's quads sorted, blank
nodes with canonical (RDFC-1.0) labels: rebuilds are byte-identical. It is
written graph by graph, never as one string, and hashed as it is written (the
ETag). ``build.json`` is the manifest the server reads; ``store/`` the on-disk
pyoxigraph store it opens read-only, loaded from ``dataset.nq``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from ..layout import DATASET_FILE, MANIFEST_FILE
from ..query.store import write_store
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
        manifest["etag"] = write_dataset(graphs, staging / DATASET_FILE, on_quads)[:32]
        write_manifest(manifest, staging)
        write_store(staging)
        _swap(staging, build_dir)
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


def write_dataset(graphs: Graphs, path: Path, on_quads: Callable[[int], None] = lambda _n: None) -> str:
    """Write ``graphs`` as N-Quads to ``path``; return the file's SHA-256."""
    with_bnodes = _canonical_bnode_triples(graphs)
    digest = hashlib.sha256()
    with open(path, "wb") as out:
        for name in sorted(graphs, key=lambda g: "" if g is None else g):
            term = ntriples_terms()  # per graph: the memo never holds more than one graph's terms
            suffix = " .\n" if name is None else f" {to_ox(name)} .\n"
            lines = [f"{term(s)} {term(p)} {term(o)}" for s, p, o in graphs[name]
                     if not (isinstance(s, BNode) or isinstance(p, BNode) or isinstance(o, BNode))]
            lines += with_bnodes.get(name, [])
            lines.sort()
            for start in range(0, len(lines), _CHUNK):
                block = "".join(line + suffix for line in lines[start:start + _CHUNK]).encode()
                out.write(block)
                digest.update(block)
                on_quads(min(_CHUNK, len(lines) - start))
    return digest.hexdigest()


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


def _swap(new: Path, target: Path) -> None:
    """Replace ``target`` by ``new``: two renames, the old build removed last."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        os.replace(target, old)
    os.replace(new, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
