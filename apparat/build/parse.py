"""Step 1: read every input file into sets of triples, one per named graph.

pyoxigraph parses (its errors carry the line: a broken file fails the build as
``path:line: message``); the triples are held as our plain terms
(:mod:`apparat.build.terms`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..errors import BuildError
from ..namespaces import DEFAULT_DATA_GRAPH, ONTOLOGY_GRAPH, graph_for_triples_file
from ..query.store import file_loads
from ..triples_io import iter_quads, rdf_format, stem
from .terms import BNode, Triple, from_ox

#: Graph name → its triples. ``None`` is the default graph (plain triples of ``--data``
#: files with no graph of their own never land there: see ``BuildInputs``).
Graphs = dict[str | None, set[Triple]]


@dataclass(frozen=True)
class ParsedFile:
    """One input file as parsed: the graph its triples went to, and whether all of its
    triples are in that graph and none holds a blank node or a literal with a base
    direction (``plain``): then the store may load the file itself, three times (its graph
    and the two unions), and get the same quads
    (:meth:`apparat.build.install.Installation.preload`)."""

    path: Path
    graph: str
    plain: bool
    graphs: frozenset[str]  # every graph it put triples in
    stat: tuple[int, int] = (0, 0)  # size and mtime (ns) when parsed

    def loads(self, *, unions: bool = True) -> list[dict]:
        """The ``bulk_load`` calls that read this file into its graph (and, with ``unions``,
        the store's two unions): :func:`apparat.query.store.file_loads`, with the syntax and
        base IRI :func:`apparat.triples_io.iter_quads` parsed it with."""
        return file_loads(self.path, rdf_format(self.path), self.graph, base_iri=self.path.resolve().as_uri(),
                          unions=unions)

    def unchanged(self) -> None:
        """Raise :class:`BuildError` if the file changed since it was parsed (a second reader
        of it would read other triples than the build holds)."""
        now = self.path.stat()
        if (now.st_size, now.st_mtime_ns) != self.stat:
            raise BuildError(f"{self.path} changed while the build read it: build again")


def parse_files(ontology: Iterable[Path], data: Iterable[Path], *, graph_per_file: bool,
                on_file: Callable[[Path, int], None] = lambda _p, _n: None,
                files: list[ParsedFile] | None = None, graph_of: Mapping[Path, str] | None = None) -> Graphs:
    """Parse the ontology into its graph and each data file into the graph it names.

    Args:
        ontology: ontology files (their triples go to ``…/graph/ontology``).
        data: data files; quads keep their graph, triples go to the file's graph
            (``graph_per_file``) or to ``…/graph/default``.
        on_file: called after each file with its path and number of quads.
        files: if given, gets a :class:`ParsedFile` for each file, in order.
        graph_of: the graph of a data file's triples, named outright (``BuildInputs.graphs``).

    Raises:
        DataSyntaxError: a file does not parse (names the file and line).
    """
    graphs: Graphs = defaultdict(set)
    terms: dict = {}  # one Python object per distinct term: less memory, faster hashing

    directed: set = set()  # literals with a base direction: our terms keep none (from_ox)

    def term(t):
        found = terms.get(t)
        if found is None:
            found = terms[t] = from_ox(t)
            if isinstance(t, ox.Literal) and t.direction is not None:
                directed.add(found)
        return found

    jobs = [(p, str(ONTOLOGY_GRAPH)) for p in ontology]
    graph_of = graph_of or {}
    jobs += [(p, graph_of.get(p) or (str(graph_for_triples_file(stem(p))) if graph_per_file else
                                     str(DEFAULT_DATA_GRAPH))) for p in data]
    for path, graph in jobs:
        stat = path.stat()
        count, blank, touched = 0, False, set()
        for q in iter_quads(path):  # one quad at a time: the file's quads are never all held
            g = graph if isinstance(q.graph_name, ox.DefaultGraph) else term(q.graph_name)
            s, o = term(q.subject), term(q.object)
            blank = blank or type(s) is BNode or type(o) is BNode or (bool(directed) and o in directed)
            graphs[g].add((s, term(q.predicate), o))
            touched.add(g)
            count += 1
        if files is not None:
            plain = not (blank or rdf_format(path).supports_datasets)
            files.append(ParsedFile(path, graph, plain, frozenset(touched), (stat.st_size, stat.st_mtime_ns)))
        on_file(path, count)
    return dict(graphs)


def plain_graphs(files: Iterable[ParsedFile], graphs: Graphs) -> dict[str, list[ParsedFile]]:
    """The graphs of ``graphs`` whose triples all come from plain files (:class:`ParsedFile`),
    each with those files: loading the files gives exactly the graph's triples."""
    files = list(files)
    found: dict[str, list[ParsedFile]] = {}
    for parsed in files:
        if parsed.plain:
            found.setdefault(parsed.graph, []).append(parsed)
    # a file that is not plain spoils every graph it wrote to, and the one it would write to
    mixed = {g for parsed in files if not parsed.plain for g in (*parsed.graphs, parsed.graph)}
    return {g: parsed for g, parsed in found.items() if g not in mixed and g in graphs}


def parse_shapes(paths: Iterable[Path]) -> set[Triple]:
    """The triples of the SHACL shapes files (graphs, if any, are ignored)."""
    return {(from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)) for p in paths for q in iter_quads(p)}


def union(graphs: Graphs) -> set[Triple]:
    """Every triple of every graph, once."""
    return set().union(*graphs.values()) if graphs else set()
