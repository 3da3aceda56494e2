"""The artefacts of a build, by file name: the one place both sides share.

``apparat.build`` writes these files into the build folder and the serving
code (store, web app) reads them; neither imports the other to learn a name.
"""

#: Every graph, asserted and inferred, as sorted N-Quads.
DATASET_FILE = "dataset.nq"
#: The manifest: inputs with their hashes, triples per graph, timings, build time.
MANIFEST_FILE = "build.json"

__all__ = ["DATASET_FILE", "MANIFEST_FILE"]
