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

from .build import DATASET_FILE, MANIFEST_FILE
from .errors import DatasetMissing
from .namespaces import INFERRED_GRAPH


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
        """Every named graph, inferred one included, sorted by IRI."""
        return sorted(self.store.named_graphs(), key=lambda g: g.value)

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
    return LoadedDataset(store, json.loads(manifest_path.read_text(encoding="utf-8")), build_dir)
