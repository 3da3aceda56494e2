"""Step 1: read every input file into sets of triples, one per named graph.

pyoxigraph parses (its errors carry the line: a broken file fails the build as
``path:line: message``); the triples are held as our plain terms
(:mod:`apparat.build.terms`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

import pyoxigraph as ox

from ..namespaces import DEFAULT_DATA_GRAPH, ONTOLOGY_GRAPH, graph_for_triples_file
from ..triples_io import read_quads, stem
from .terms import Triple, from_ox

#: Graph name → its triples. ``None`` is the default graph (plain triples of ``--data``
#: files with no graph of their own never land there: see ``BuildInputs``).
Graphs = dict[str | None, set[Triple]]


def parse_files(ontology: Iterable[Path], data: Iterable[Path], *, graph_per_file: bool,
                on_file: Callable[[Path, int], None] = lambda _p, _n: None) -> Graphs:
    """Parse the ontology into its graph and each data file into the graph it names.

    Args:
        ontology: ontology files (their triples go to ``…/graph/ontology``).
        data: data files; quads keep their graph, triples go to the file's graph
            (``graph_per_file``) or to ``…/graph/default``.
        on_file: called after each file with its path and number of quads.

    Raises:
        DataSyntaxError: a file does not parse (names the file and line).
    """
    graphs: Graphs = defaultdict(set)
    terms: dict = {}  # one Python object per distinct term: less memory, faster hashing

    def term(t):
        found = terms.get(t)
        if found is None:
            found = terms[t] = from_ox(t)
        return found

    jobs = [(p, str(ONTOLOGY_GRAPH)) for p in ontology]
    jobs += [(p, str(graph_for_triples_file(stem(p)) if graph_per_file else DEFAULT_DATA_GRAPH)) for p in data]
    for path, graph in jobs:
        quads = read_quads(path)
        for q in quads:
            g = graph if isinstance(q.graph_name, ox.DefaultGraph) else term(q.graph_name)
            graphs[g].add((term(q.subject), term(q.predicate), term(q.object)))
        on_file(path, len(quads))
    return dict(graphs)


def parse_shapes(paths: Iterable[Path]) -> set[Triple]:
    """The triples of the SHACL shapes files (graphs, if any, are ignored)."""
    return {(from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)) for p in paths for q in read_quads(p)}


def union(graphs: Graphs) -> set[Triple]:
    """Every triple of every graph, once."""
    return set().union(*graphs.values()) if graphs else set()
