"""Step 2: SHACL validation of the asserted data, run by every build (pySHACL).

:func:`start_validation` runs it in a second process (``python -m
apparat.build.validate``, the data handed over as a pickle file), so that it
runs beside reasoning; :meth:`Validation.result` waits for the verdict. A
plain subprocess rather than ``multiprocessing``: the latter's ``spawn``
re-imports the caller's main module, which breaks any script that calls
``build()`` without an ``if __name__ == "__main__"`` guard. The process ends
with the build that started it, even a killed one.
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable
from pathlib import Path

from ..errors import BuildError
from .terms import Triple, to_rdflib


class ValidationFailed(BuildError):
    """The asserted data violates the SHACL shapes; carries pySHACL's report."""

    def __init__(self, report_text: str):
        self.report_text = report_text
        super().__init__("SHACL validation failed:\n" + report_text)


def validate(data: Iterable[Triple], shapes: Iterable[Triple]) -> None:
    """Check the asserted triples (every graph together, with the ontology) against ``shapes``.

    The graphs are validated as one union so that ``sh:class`` sees the class
    hierarchy the ontology declares; no inference is run here (that is the
    reasoner's job, after validation).

    Raises:
        ValidationFailed: with pySHACL's text report.
    """
    from pyshacl import validate as shacl_validate

    conforms, _graph, text = shacl_validate(_graph_of(data), shacl_graph=_graph_of(shapes),
                                            inference="none", advanced=True, inplace=True)
    if not conforms:
        raise ValidationFailed(text)


class Validation:
    """A validation running in its own process."""

    def __init__(self, process: subprocess.Popen, handover: Path):
        self.process, self.handover = process, handover

    def result(self) -> float:
        """Wait for the verdict; return pySHACL's seconds.

        Raises:
            ValidationFailed: the data violates the shapes.
            BuildError: the validation process failed.
        """
        out, err = self.process.communicate()
        self.handover.unlink(missing_ok=True)
        if self.process.returncode != 0:
            raise BuildError(f"SHACL validation crashed (exit {self.process.returncode}): {err.strip()[-2000:]}")
        verdict = json.loads(out)
        if verdict["report"] is not None:
            raise ValidationFailed(verdict["report"])
        return verdict["seconds"]

    def stop(self) -> None:
        """Stop the validation (the build failed elsewhere)."""
        self.process.kill()
        self.process.communicate()
        self.handover.unlink(missing_ok=True)


def start_validation(data: Iterable[Triple], shapes: Iterable[Triple]) -> Validation:
    """Start :func:`validate` on ``data`` and ``shapes`` in a second process."""
    fd, name = tempfile.mkstemp(prefix="apparat-validate-", suffix=".pickle")
    with os.fdopen(fd, "wb") as handle:
        pickle.dump((set(data), set(shapes)), handle, protocol=pickle.HIGHEST_PROTOCOL)
    command = [sys.executable, "-m", "apparat.build.validate", name, str(os.getpid())]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return Validation(process, Path(name))


def _graph_of(triples: Iterable[Triple]):
    import rdflib

    graph, memo = rdflib.Graph(), {}

    def term(t):
        found = memo.get(t)
        if found is None:
            found = memo[t] = to_rdflib(t)
        return found

    for s, p, o in triples:
        graph.add((term(s), term(p), term(o)))
    return graph


def _exit_with(parent: int) -> None:
    """End this process when the build that started it is gone, killed or not."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def main(argv: list[str]) -> None:
    """``python -m apparat.build.validate HANDOVER PARENT_PID``: print the verdict as JSON."""
    handover, parent = Path(argv[0]), int(argv[1])
    _exit_with(parent)
    with open(handover, "rb") as handle:
        data, shapes = pickle.load(handle)
    handover.unlink(missing_ok=True)  # read: not left behind even if the build is killed now
    start = time.perf_counter()
    try:
        validate(data, shapes)
        report = None
    except ValidationFailed as failed:
        report = failed.report_text
    print(json.dumps({"seconds": round(time.perf_counter() - start, 3), "report": report}))


if __name__ == "__main__":
    main(sys.argv[1:])
