"""Conflicts and corroborations, found by rule at build time.

The rules are SPARQL ``CONSTRUCT`` queries in ``queries/rules/*.rq``, each with a
header saying what it finds and an example. They run over the asserted data
(every source's claims, the gazetteer and the ontology) in pyoxigraph, and their
output is the graph ``…/graph/conflicts``: one ``ap:Conflict`` per subject and
property on which claims disagree (``ap:claim`` links every claim taking part,
``ap:rule`` names the rule), and ``ap:corroborates`` between claims that agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import pyoxigraph as ox

from ..namespaces import CONFLICTS_GRAPH
from .parse import Graphs, ParsedFile, plain_graphs
from .terms import Triple, from_ox, ox_terms

__all__ = ["apply_rules", "conflicts_graph", "rule_files"]


def rule_files(queries_dir: Path) -> list[Path]:
    """The rules of a queries folder (``<queries>/rules/*.rq``), sorted."""
    folder = Path(queries_dir) / "rules"
    return sorted(folder.glob("*.rq")) if folder.is_dir() else []


def apply_rules(quads: Iterable[ox.Quad], rules: Sequence[Path], *, store: ox.Store | None = None) -> list[ox.Triple]:
    """Every triple the rules derive from ``quads`` (the union of their graphs, with what
    ``store`` holds already, if given), sorted.

    Raises:
        SyntaxError: a rule does not parse (names the rule's file).
    """
    store = ox.Store() if store is None else store
    store.bulk_extend(quads)
    out: set[ox.Triple] = set()
    for path in rules:
        try:
            result = store.query(path.read_text(encoding="utf-8"), use_default_graph_as_union=True)
        except SyntaxError as err:
            raise SyntaxError(f"{path}: {err}") from None
        out.update(result)
    return sorted(out, key=str)


def conflicts_graph(graphs: Graphs, rules: Sequence[Path],
                    files: Iterable[ParsedFile] = ()) -> tuple[str, set[Triple]]:
    """The graph ``…/graph/conflicts``: what ``rules`` find in the asserted ``graphs``.

    A graph that ``files`` of plain triples hold whole (:func:`apparat.build.parse.plain_graphs`)
    is loaded from them by pyoxigraph (its parser, not ours: 0.25 s for the 81,674 triples of
    ``rogovin-1992.nt`` against 0.6 s made from our terms); the others from our terms."""
    store, from_files = ox.Store(), plain_graphs(files, graphs)
    for parsed in (f for files in from_files.values() for f in files):
        parsed.unchanged()  # read again here: it must hold what was parsed
        for load in parsed.loads(unions=False):
            store.bulk_load(**load)
        parsed.unchanged()
    quads = (ox.Quad(term(s), term(p), term(o), graph)
             for g, triples in graphs.items() if g not in from_files
             for term, graph in ((ox_terms(), ox.DefaultGraph() if g is None else ox.NamedNode(g)),)  # per graph
             for s, p, o in triples)
    found = {(from_ox(t.subject), from_ox(t.predicate), from_ox(t.object))
             for t in apply_rules(quads, rules, store=store)}
    return str(CONFLICTS_GRAPH), found
