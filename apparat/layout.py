"""The artefacts of a build, by file name: the one place both sides share.

``apparat.build`` writes these files into the build folder and the serving
code (store, web app) reads them; neither imports the other to learn a name.
"""

#: Every graph, asserted and inferred, as sorted N-Quads.
DATASET_FILE = "dataset.nq"
#: The manifest: inputs with their hashes, triples per graph, timings, build time.
MANIFEST_FILE = "build.json"

#: The read-only on-disk pyoxigraph store serving opens (``apparat.query.store.write_store``).
STORE_DIR = "store"
#: Inside :data:`STORE_DIR`: the checksum of the build the store was written from.
STORE_MANIFEST = "apparat-store.json"

__all__ = ["DATASET_FILE", "MANIFEST_FILE", "STORE_DIR", "STORE_MANIFEST"]
