"""The build as a sequence of steps: parse → conflicts → validate → reason → write.

Each step is a :class:`Step` (a name, a function of the :class:`BuildContext`,
and when it applies), run in the order of :data:`STEPS`; its seconds go to the
report under its name. A new step is one more entry. ``conflicts`` applies
the rules of ``queries/rules/*.rq`` (:mod:`apparat.build.conflicts`) to the
asserted graphs; its graph is asserted too, so the shapes check it and the
reasoner closes over it.

Validation and reasoning need nothing from each other. ``validate`` first
checks the shapes in Python (:func:`apparat.build.conformance.conforms`, well
under a second); only when that check is not sure the data conforms (a
violation, or a shape it does not know) does pySHACL run, and decide. pySHACL
and reasonable each hold one core: ``validate`` then starts pySHACL in a second
process (:func:`apparat.build.validate.start_validation`) and returns;
``check`` (before ``write``) waits for its verdict. So
``timings`` has ``validate`` (pySHACL's own seconds, in its process) and
``check`` (how long the build waited for it after reasoning); when the Python
check sufficed, ``validate`` is its seconds and there is no ``check``.

Writing the store takes as long as reasoning, and ``bulk_load`` runs without the
GIL: ``preload`` (right after ``parse``) starts loading the graphs that files of
plain triples hold whole into the store, from those files, in a thread
(:meth:`apparat.build.install.Installation.preload`), beside ``conflicts``,
``validate`` and ``reason``; ``write`` loads the rest. ``timings`` gets
``preload`` (the thread's wall seconds, overlapping the steps after ``parse``).

Before any step runs, the inputs are hashed (:func:`apparat.build.inputs.cache_key`:
each file's content, the options, the version and the build code itself). When
``build_dir`` already holds a build of exactly that key, nothing is parsed,
validated or reasoned: the manifest is rewritten with this run's timings (only
``hash``) and ``reused: true``, and the dataset is left as it is.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import functools
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__
from ..errors import BuildError
from ..layout import DATASET_FILE, MANIFEST_FILE
from ..namespaces import INFERRED_GRAPH, ONTOLOGY_GRAPH
from . import progress as progress_module
from .conflicts import conflicts_graph
from .conformance import conforms
from .inputs import BuildInputs, cache_key
from .install import Installation, write_manifest
from .parse import Graphs, ParsedFile, parse_files, parse_shapes, union
from .reason import REASONERS, infer
from .validate import Validation, start_validation

_INFERRED = str(INFERRED_GRAPH)


@dataclass
class BuildReport:
    """What a build did: counts per graph and seconds per step."""

    graphs: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    inputs: list[dict] = field(default_factory=list)
    built_at: str = ""
    reasoner: str | None = None
    reused: bool = False
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0  # wall time of the whole build (steps may overlap)

    @property
    def inferred(self) -> int:
        return self.graphs.get(_INFERRED, 0)

    @property
    def asserted(self) -> int:
        return sum(n for g, n in self.graphs.items() if g != _INFERRED)


@dataclass
class BuildContext:
    """What the steps share: the inputs and options, and what earlier steps made."""

    inputs: BuildInputs
    build_dir: Path
    reasoning: bool
    reasoner: str
    report: BuildReport
    progress: progress_module.Progress
    log: Callable[[str], None]
    key: str = ""
    graphs: Graphs = field(default_factory=dict)
    shapes: set = field(default_factory=set)
    validation: Validation | None = None
    installation: Installation | None = None
    files: list[ParsedFile] = field(default_factory=list)


@dataclass(frozen=True)
class Step:
    """One step of the build: ``run(ctx)`` when ``applies(ctx)``."""

    name: str
    run: Callable[[BuildContext], None]
    applies: Callable[[BuildContext], bool] = lambda _ctx: True


def parse_step(ctx: BuildContext) -> None:
    files = [*ctx.inputs.ontology, *ctx.inputs.data]
    with ctx.progress.task("parse", total=len(files), unit="files") as advance:
        ctx.graphs = parse_files(ctx.inputs.ontology, ctx.inputs.data, graph_per_file=ctx.inputs.graph_per_file,
                                 on_file=lambda _path, _n: advance(1), files=ctx.files, graph_of=ctx.inputs.graphs)
        ctx.shapes = parse_shapes(ctx.inputs.shapes)


def preload_step(ctx: BuildContext) -> None:
    ctx.installation = Installation(ctx.build_dir)
    ctx.installation.preload(ctx.graphs, ctx.files)


def validate_step(ctx: BuildContext) -> None:
    data, started = union(ctx.graphs), time.perf_counter()
    with ctx.progress.task("validate", unit="shapes"):
        sure = conforms(data, ctx.shapes)
    if sure:  # pySHACL would report nothing
        seconds = ctx.report.timings["validate"] = round(time.perf_counter() - started, 3)
        ctx.log(f"validate: {seconds:.2f} s (core shapes checked in Python; pySHACL not needed)")
        return
    ctx.validation = start_validation(data, ctx.shapes)


def check_step(ctx: BuildContext) -> None:
    with ctx.progress.task("validate", unit="shapes"):
        ctx.report.timings["validate"] = ctx.validation.result()  # raises ValidationFailed


def conflicts_step(ctx: BuildContext) -> None:
    with ctx.progress.task("conflicts", total=len(ctx.inputs.rules), unit="rules"):
        graph, triples = conflicts_graph(ctx.graphs, ctx.inputs.rules, ctx.files)
    if triples:
        ctx.graphs[graph] = ctx.graphs.get(graph, set()) | triples
    give_back_memory()  # the rules' store (hundreds of MB at ×10) is gone


def reason_step(ctx: BuildContext) -> None:
    asserted = union(ctx.graphs)
    ontology = {node for t in ctx.graphs.get(str(ONTOLOGY_GRAPH), ()) for node in t}
    with ctx.progress.task("reason", unit="parts") as advance:
        inference = infer(asserted, ctx.reasoner, shared=ontology,
                          on_round=lambda done, total: advance(1, total=total))
    ctx.report.reasoner = inference.reasoner
    ctx.report.notes += inference.notes
    for note in inference.notes:
        ctx.log(f"note: {note}")
    if inference.triples:
        ctx.graphs[_INFERRED] = inference.triples
    del inference, asserted
    give_back_memory()  # the closures of the parts, and their indexes


def write_step(ctx: BuildContext) -> None:
    report = ctx.report
    report.graphs = {g if g is not None else "default": len(ts) for g, ts in
                     sorted(ctx.graphs.items(), key=lambda kv: (kv[0] is not None, kv[0] or "")) if ts}
    total = sum(report.graphs.values())
    with ctx.progress.task("write", total=total, unit="quads") as advance:
        ctx.installation.install(ctx.graphs, _manifest(ctx), on_quads=advance)
    seconds = report.timings["preload"] = round(ctx.installation.store.beside_seconds[0], 3)
    files = len(ctx.installation.from_files)
    ctx.log(f"preload: {seconds:.2f} s (the store, beside the steps after parse; {files} of "
            f"{ctx.installation.offered} graphs loaded from their files)")


STEPS: tuple[Step, ...] = (
    Step("parse", parse_step),
    Step("preload", preload_step),
    Step("conflicts", conflicts_step, applies=lambda ctx: bool(ctx.inputs.rules)),
    Step("validate", validate_step, applies=lambda ctx: bool(ctx.shapes)),
    Step("reason", reason_step, applies=lambda ctx: ctx.reasoning),
    Step("check", check_step, applies=lambda ctx: ctx.validation is not None),
    Step("write", write_step),
)


def build(
    inputs: BuildInputs,
    build_dir: Path,
    *,
    reasoning: bool = True,
    reasoner: str = "fast",
    reuse: bool = True,
    log: Callable[[str], None] = lambda _msg: None,
    progress: progress_module.Progress | None = None,
) -> BuildReport:
    """Build the dataset from ``inputs`` and install it as ``build_dir``.

    Args:
        inputs: the ontology, shapes and data files to read.
        build_dir: where the result goes; replaced only if the build succeeds.
        reasoning: apply the OWL 2 RL closure (off for plain publishing).
        reasoner: ``"fast"`` (reasonable + our rules) or ``"owlrl"`` (the reference).
        reuse: keep ``build_dir`` as it is when it was built from the same inputs.
        log: called with one line per step.
        progress: where long steps show progress (default: stderr, if a terminal).

    Returns:
        The report that is also written to ``build.json``.

    Raises:
        DataSyntaxError: an input file does not parse (names file and line).
        BuildError: SHACL validation failed.
    """
    if reasoner not in REASONERS:
        raise BuildError(f"unknown reasoner {reasoner!r}: use one of {', '.join(REASONERS)}")
    build_dir = Path(build_dir)
    started = time.perf_counter()
    shown = progress if progress is not None else progress_module.for_stream(sys.stderr)
    report = BuildReport(built_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
    ctx = BuildContext(inputs, build_dir, reasoning, reasoner, report, shown, log)
    try:
        with _timed(report, "hash", log):
            report.inputs = inputs.describe()
            ctx.key = cache_key(report.inputs, {"reasoning": reasoning, "reasoner": reasoner if reasoning else "-",
                                                "graph_per_file": inputs.graph_per_file})
        previous = _previous_manifest(build_dir) if reuse else None
        if previous is not None and previous.get("cache_key") == ctx.key:
            return _reuse(previous, ctx)
        for step in STEPS:
            if step.applies(ctx):
                with _timed(report, step.name, log):
                    step.run(ctx)
    except BaseException:
        if ctx.validation is not None:
            ctx.validation.stop()
        if ctx.installation is not None:
            ctx.installation.abandon()
        raise
    finally:
        if progress is None:
            shown.close()
        report.seconds = round(time.perf_counter() - started, 3)
    log(f"asserted {report.asserted} triples, inferred {report.inferred}, in {len(report.graphs)} graphs")
    return report


def _manifest(ctx: BuildContext) -> dict:
    report = ctx.report
    return {
        "apparat_version": __version__,
        "built_at": report.built_at,
        "graphs": report.graphs,
        "asserted": report.asserted,
        "inferred": report.inferred,
        "reasoner": report.reasoner,
        "notes": report.notes,
        "timings": dict(report.timings),  # written before "write" ends: the steps before it
        "cache_key": ctx.key,
        "reused": False,
        "inputs": report.inputs,
    }


def _previous_manifest(build_dir: Path) -> dict | None:
    try:
        manifest = json.loads((build_dir / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if (build_dir / DATASET_FILE).is_file() else None


def _reuse(previous: dict, ctx: BuildContext) -> BuildReport:
    """Nothing changed: keep the dataset, record this run in the manifest."""
    report = ctx.report
    report.graphs, report.reused = previous["graphs"], True
    report.reasoner, report.notes = previous.get("reasoner"), previous.get("notes", [])
    report.built_at = previous["built_at"]
    ctx.log(f"unchanged since {previous['built_at']}: nothing to do")
    write_manifest(previous | {"timings": dict(report.timings), "reused": True,
                               "checked_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}, ctx.build_dir)
    return report


def give_back_memory() -> None:
    """Hand the memory freed by a step back to the system (glibc's ``malloc_trim``; elsewhere
    nothing). pyoxigraph's in-memory store and Python's large tables are freed into the C
    heap, which glibc keeps: at ×10 the process stayed 320 MB larger after ``conflicts`` and
    the next steps peaked on top of it (peak 0.94 GB; 0.81 GB with this after those two steps)."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim():
    """glibc's ``malloc_trim``, or None (another C library, or not Linux)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return None


class _timed:
    """``with _timed(report, "name", log):`` records the seconds a step took and logs them."""

    def __init__(self, report: BuildReport, name: str, log):
        self.report, self.name, self.log = report, name, log

    def __enter__(self):
        self.start = time.perf_counter()

    def __exit__(self, kind, _value, _tb):
        if kind is None:
            seconds = round(time.perf_counter() - self.start, 3)
            if self.name in ("validate", "preload"):  # only started: check and write record their seconds
                return
            self.report.timings[self.name] = seconds
            self.log(f"{self.name}: {seconds:.2f} s")
            if self.name == "check":
                self.log(f"validate: {self.report.timings['validate']:.2f} s (beside reasoning)")
