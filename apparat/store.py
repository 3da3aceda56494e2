"""The built dataset, loaded into pyoxigraph for querying.

rdflib builds the dataset (owlrl and pySHACL work on rdflib graphs); pyoxigraph
answers the queries: it is the engine DESIGN.md names, much faster than
rdflib's own, and it releases the GIL while it evaluates, so a threaded server
stays responsive. The dataset is immutable once loaded.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .errors import DatasetMissing
from .layout import DATASET_FILE, MANIFEST_FILE
from .namespaces import ASSERTED_UNION_GRAPH, INFERRED_GRAPH


@dataclass(frozen=True)
class LoadedDataset:
    """A built dataset in memory, with its manifest."""

    store: ox.Store
    manifest: dict
    build_dir: Path

    @property
    def etag(self) -> str:
        return self.manifest["etag"]

    @property
    def graph_names(self) -> list[ox.NamedNode]:
        """Every named graph of the data, inferred one included, sorted by IRI."""
        return sorted((g for g in self.store.named_graphs() if g.value != str(ASSERTED_UNION_GRAPH)),
                      key=lambda g: g.value)

    @property
    def asserted_graph_names(self) -> list[ox.NamedNode]:
        """Every named graph but the inferred one."""
        return [g for g in self.graph_names if g.value != str(INFERRED_GRAPH)]


def load_dataset(build_dir: Path) -> LoadedDataset:
    """Load ``build_dir/dataset.nq`` into an in-memory pyoxigraph store.

    Raises:
        DatasetMissing: there is no build in ``build_dir`` (run ``apparat build``).
    """
    build_dir = Path(build_dir)
    manifest_path = build_dir / MANIFEST_FILE
    if not manifest_path.exists():
        raise DatasetMissing(f"no built dataset in {build_dir}: run `apparat build` (or `make build`) first")
    store = ox.Store()
    store.bulk_load(path=str(build_dir / DATASET_FILE), format=ox.RdfFormat.N_QUADS)
    _materialize_unions(store)
    return LoadedDataset(store, json.loads(manifest_path.read_text(encoding="utf-8")), build_dir)


def _materialize_unions(store: ox.Store) -> None:
    """Fill the store's default graph with the union of every graph, and a
    hidden graph with the union of the asserted ones.

    pyoxigraph's ``use_default_graph_as_union`` has bag semantics: a triple
    stated by five sources comes back five times. A real union graph gives
    the set semantics of an RDF merge (as Fuseki's and GraphDB's union default
    graphs do), and is faster to query. It costs one more copy of the data.
    """
    default, asserted, inferred = ox.DefaultGraph(), ox.NamedNode(str(ASSERTED_UNION_GRAPH)), str(INFERRED_GRAPH)
    copies = []
    for quad in store:
        if isinstance(quad.graph_name, ox.DefaultGraph):
            continue
        copies.append(ox.Quad(quad.subject, quad.predicate, quad.object, default))
        if quad.graph_name.value != inferred:
            copies.append(ox.Quad(quad.subject, quad.predicate, quad.object, asserted))
    store.bulk_extend(copies)
