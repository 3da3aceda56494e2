"""The build: ontology + triples -> validate (SHACL) -> reason (OWL 2 RL) -> ``build/``.

A build is written to a fresh sibling folder and swapped in only when every
step succeeded, so a failed build never replaces the last good one.

Output (``build/`` by default):

- ``dataset.nq``  every graph, asserted and inferred, as sorted N-Quads
- ``build.json``  the manifest: inputs with their hashes, triple counts per
  graph, timings, and when it was built
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph, URIRef

from . import __version__
from .conflicts import apply_rules, rule_files
from .errors import BuildError
from .layout import DATASET_FILE, MANIFEST_FILE
from .namespaces import CONFLICTS_GRAPH, DEFAULT_DATA_GRAPH, INFERRED_GRAPH, ONTOLOGY_GRAPH, graph_for_triples_file
from .query.store import write_store
from .reason import materialize_inferences
from .terms import to_ox, to_rdflib
from .triples_io import find_rdf_files, read_quads, stem
from .validate import validate

SHAPES_PREFIX = "shapes"


@dataclass
class BuildReport:
    """What a build did: counts per graph and seconds per step."""

    graphs: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    inputs: list[dict] = field(default_factory=list)
    built_at: str = ""

    @property
    def inferred(self) -> int:
        return self.graphs.get(str(INFERRED_GRAPH), 0)

    @property
    def asserted(self) -> int:
        return sum(n for g, n in self.graphs.items() if g != str(INFERRED_GRAPH))


@dataclass(frozen=True)
class BuildInputs:
    """The files one build reads.

    ``data`` files in a quad format (N-Quads, TriG) keep their named graphs.
    Triples go, with ``graph_per_file`` (our own ``triples/`` folder), to the
    graph their file name gives (see ``graph_for_triples_file``); without it
    (``--data``: anyone's dataset), to the graph ``DEFAULT_DATA_GRAPH``. The
    served default graph is the union of all graphs either way (store.py)."""

    ontology: Sequence[Path]
    shapes: Sequence[Path]
    data: Sequence[Path]
    graph_per_file: bool = True
    #: Conflict rules (``queries/rules/*.rq``), applied after validation.
    rules: Sequence[Path] = ()

    @classmethod
    def from_paths(cls, data: Sequence[Path], ontology: Sequence[Path] = ()) -> BuildInputs:
        """Inputs for publishing any dataset: files or folders (searched recursively)."""
        return cls(ontology=_expand(ontology), shapes=[], data=_expand(data), graph_per_file=False)

    @classmethod
    def from_settings(cls, settings: dict) -> BuildInputs:
        onto = find_rdf_files(settings["ontology_dir"]) if settings["ontology_dir"].exists() else []
        triples_dir = settings["triples_dir"]
        return cls(
            ontology=[p for p in onto if not p.name.startswith(SHAPES_PREFIX)],
            shapes=[p for p in onto if p.name.startswith(SHAPES_PREFIX)],
            data=find_rdf_files(triples_dir) if triples_dir.exists() else [],
            rules=rule_files(settings["queries_dir"]),
        )

    def all(self) -> list[Path]:
        return [*self.ontology, *self.shapes, *self.data, *self.rules]


def build(
    inputs: BuildInputs,
    build_dir: Path,
    *,
    reasoning: bool = True,
    log: Callable[[str], None] = lambda _msg: None,
) -> BuildReport:
    """Build the dataset from ``inputs`` and install it as ``build_dir``.

    Args:
        inputs: the ontology, shapes and data files to read.
        build_dir: where the result goes; replaced only if the build succeeds.
        reasoning: apply the OWL 2 RL closure (off for plain publishing).
        log: called with one line per step.

    Returns:
        The report that is also written to ``build.json``.

    Raises:
        DataSyntaxError: an input file does not parse (names file and line).
        BuildError: SHACL validation failed.
    """
    report = BuildReport(built_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
    step = _Stopwatch(report.timings, log)

    with step("parse"):
        ds = Dataset(default_union=True)
        for path in inputs.ontology:
            _add_quads(ds, read_quads(path), ONTOLOGY_GRAPH)
        for path in inputs.data:
            graph = graph_for_triples_file(stem(path)) if inputs.graph_per_file else DEFAULT_DATA_GRAPH
            _add_quads(ds, read_quads(path), graph)
        shapes = Graph()
        for path in inputs.shapes:
            for quad in read_quads(path):
                shapes.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
        report.inputs = [_describe_input(p) for p in inputs.all()]

    if len(shapes):
        with step("validate"):
            validate(ds, shapes)

    if inputs.rules:
        with step("conflicts"):
            _derive_conflicts(ds, inputs.rules)

    if reasoning:
        with step("reason"):
            materialize_inferences(ds)

    report.graphs = {
        str(g.identifier): len(g)
        for g in sorted(ds.graphs(), key=lambda g: str(g.identifier))
        if len(g) and g.identifier != ds.default_graph.identifier
    } | ({"default": len(ds.default_graph)} if len(ds.default_graph) else {})

    with step("write"):
        _install(ds, report, Path(build_dir))
    log(f"asserted {report.asserted} triples, inferred {report.inferred}, in {len(report.graphs)} graphs")
    return report


def _derive_conflicts(ds: Dataset, rules: Sequence[Path]) -> None:
    """Add what the conflict rules find in the asserted data to the graph CONFLICTS_GRAPH."""
    default = ds.default_graph.identifier
    quads = (ox.Quad(to_ox(s), to_ox(p), to_ox(o), ox.DefaultGraph() if g.identifier == default
                     else to_ox(g.identifier))
             for g in ds.graphs() if g.identifier != INFERRED_GRAPH for s, p, o in g)
    target = ds.graph(CONFLICTS_GRAPH)
    for triple in apply_rules(quads, rules):
        target.add((to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)))


def _expand(paths: Sequence[Path]) -> list[Path]:
    files = []
    for path in map(Path, paths):
        if path.is_dir():
            files += find_rdf_files(path)
        elif path.exists():
            files.append(path)
        else:
            raise BuildError(f"{path}: no such file or folder")
    return files


def _add_quads(ds: Dataset, quads: list[ox.Quad], graph_name: URIRef | None) -> None:
    """Add parsed quads; a triple goes to ``graph_name`` (``None``: the default graph)."""
    for quad in quads:
        g = quad.graph_name
        if not isinstance(g, ox.DefaultGraph):
            target = ds.graph(to_rdflib(g))
        elif graph_name is None:
            target = ds.default_graph
        else:
            target = ds.graph(graph_name)
        target.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))


def _describe_input(path: Path) -> dict:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return {"path": str(path), "sha256": digest}


def _install(ds: Dataset, report: BuildReport, build_dir: Path) -> None:
    """Write the build next to ``build_dir`` and swap it in."""
    build_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{build_dir.name}.new-", dir=build_dir.parent))
    staging.chmod(0o755)
    try:
        default = ds.default_graph.identifier
        dataset = ox.Dataset(
            ox.Quad(to_ox(s), to_ox(p), to_ox(o), ox.DefaultGraph() if g.identifier == default else to_ox(g.identifier))
            for g in ds.graphs()
            for s, p, o in g
        )
        # Blank nodes (RDF lists in the ontology) get fresh labels on every
        # parse; canonical labels (RDFC-1.0) make rebuilds byte-identical.
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        quads = sorted(str(q) for q in dataset)
        (staging / DATASET_FILE).write_text("".join(q + " .\n" for q in quads), encoding="utf-8")
        manifest = {
            "apparat_version": __version__,
            "built_at": report.built_at,
            "etag": hashlib.sha256((staging / DATASET_FILE).read_bytes()).hexdigest()[:32],
            "graphs": report.graphs,
            "asserted": report.asserted,
            "inferred": report.inferred,
            "timings": report.timings,
            "inputs": report.inputs,
        }
        (staging / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        write_store(staging)  # the read-only store serving opens (apparat/query/store.py)
        _swap(staging, build_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _swap(new: Path, target: Path) -> None:
    """Replace ``target`` by ``new``: two renames, the old build removed last."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        os.replace(target, old)
    os.replace(new, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


class _Stopwatch:
    """``with step("name"):`` records the seconds a step took and logs them."""

    def __init__(self, timings: dict[str, float], log):
        self.timings, self.log = timings, log

    @contextlib.contextmanager
    def __call__(self, name: str):
        start = time.perf_counter()
        yield
        self.timings[name] = round(time.perf_counter() - start, 3)
        self.log(f"{name}: {self.timings[name]:.2f} s")


__all__ = ["BuildInputs", "BuildReport", "BuildError", "build"]
