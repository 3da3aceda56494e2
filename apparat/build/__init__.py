"""The build: ontology + triples → validate (SHACL) → reason (OWL 2 RL) → ``build/``.

One module per step (see ``pipeline.STEPS``):

- :mod:`.inputs`   what a build reads, and the content hash that lets an unchanged build be skipped
- :mod:`.parse`    files → one set of triples per named graph (pyoxigraph parses; errors name file and line)
- :mod:`.validate` pySHACL over the asserted data
- :mod:`.reason`   the OWL 2 RL closure into its own graph: the fast path (:mod:`.fast`:
  ``reasonable`` + :mod:`.rules`) or owlrl, the reference
- :mod:`.install`  ``dataset.nq`` + ``build.json``, written beside the old build and swapped in
- :mod:`.scale`    the ×10/×100/×1000 copies of our graph that the benchmark builds

A build is written to a fresh sibling folder and swapped in only when every
step succeeded, so a failed build never replaces the last good one.
"""

from ..errors import BuildError
from .inputs import BuildInputs
from .pipeline import STEPS, BuildReport, Step, build
from .reason import REASONERS
from .validate import ValidationFailed

__all__ = ["BuildInputs", "BuildReport", "BuildError", "REASONERS", "STEPS", "Step", "ValidationFailed", "build"]
