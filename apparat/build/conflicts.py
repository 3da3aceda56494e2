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


#: Above this many asserted triples, the rules' store holds only the triples of the predicates
#: the rules name (:func:`rule_predicates`), made from our terms: at ×100 of our graph the store of
#: every quad was the build's peak (4.7 GB of it). Below it, files are loaded whole (faster).
FILTER_ABOVE = 150_000


def conflicts_graph(graphs: Graphs, rules: Sequence[Path], files: Iterable[ParsedFile] = (), *,
                    filter_above: int = FILTER_ABOVE) -> tuple[str, set[Triple]]:
    """The graph ``…/graph/conflicts``: what ``rules`` find in the asserted ``graphs``.

    A graph that ``files`` of plain triples hold whole (:func:`apparat.build.parse.plain_graphs`)
    is loaded from them by pyoxigraph (its parser, not ours: 0.25 s for the 81,674 triples of
    ``rogovin-1992.nt`` against 0.6 s made from our terms); the others from our terms. Over
    ``filter_above`` triples in all, every graph comes from our terms, only the triples whose
    predicate a rule names (when every rule's predicates are IRIs: :func:`rule_predicates`)."""
    wanted = rule_predicates(rules) if sum(map(len, graphs.values())) > filter_above else None
    if wanted is not None:
        files = ()
    store, from_files = ox.Store(), plain_graphs(files, graphs)
    for parsed in (f for files in from_files.values() for f in files):
        parsed.unchanged()  # read again here: it must hold what was parsed
        for load in parsed.loads(unions=False):
            store.bulk_load(**load)
        parsed.unchanged()
    quads = (ox.Quad(term(s), term(p), term(o), graph)
             for g, triples in graphs.items() if g not in from_files
             for term, graph in ((ox_terms(), ox.DefaultGraph() if g is None else ox.NamedNode(g)),)  # per graph
             for s, p, o in triples if wanted is None or p in wanted)
    found = {(from_ox(t.subject), from_ox(t.predicate), from_ox(t.object))
             for t in apply_rules(quads, rules, store=store)}
    return str(CONFLICTS_GRAPH), found


def rule_predicates(rules: Sequence[Path]) -> frozenset[str] | None:
    """Every predicate the ``rules``' patterns name (in property paths too), or None when that
    set would not give the same answers: a pattern's predicate is a variable or a negated
    property set, a path may have length zero (``p*``, ``p?`` match every node), a rule has
    ``GRAPH`` (it may list graphs the filter emptied) or is not a ``CONSTRUCT``, an IRI has an
    escape the two parsers may read apart, or a rule does not parse here. A store of only the
    triples with these predicates gives the rules the same answers: a pattern ``?s <p> ?o``
    matches only triples of ``p``.

    rdflib's SPARQL parser reads the rules (0.6 s for ours; only big builds ask). Its algebra
    keeps a translated ``EXISTS`` block as an attribute, not an item: both are read.
    """
    from pyparsing import ParseResults
    from rdflib.paths import AlternativePath, InvPath, MulPath, SequencePath
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.term import URIRef

    found: set[str] = set()

    def path(p) -> bool:
        if isinstance(p, URIRef):
            found.add(str(p))
            return "\\" not in p
        if isinstance(p, SequencePath | AlternativePath):
            return all(path(q) for q in p.args)
        if isinstance(p, MulPath):
            return not p.zero and path(p.path)
        if isinstance(p, InvPath):
            return path(p.arg)
        return False  # a variable, a negated property set

    def walk(node) -> bool:
        if isinstance(node, CompValue):
            if node.name in ("Graph", "GraphGraphPattern"):
                return False
            parts = [*node.items(), *((k, v) for k, v in vars(node).items() if k not in ("name", "_evalfn"))]
            for key, value in parts:
                if key == "triples":  # a BGP's (s, p, o) tuples, or an unparsed block's flat lists
                    if any(len(triple) % 3 for triple in value):  # not a shape read here: no filter
                        return False
                    flat = [term for triple in value for term in triple]
                    if not all(path(p) for p in flat[1::3]):
                        return False
                elif not walk(value):
                    return False
            return True
        if isinstance(node, dict):
            return all(walk(value) for value in node.values())
        if isinstance(node, list | tuple | set | frozenset | ParseResults):
            return all(walk(item) for item in node)
        return True  # a term, a string, a number

    for rule in rules:
        try:
            query = translateQuery(parseQuery(rule.read_text(encoding="utf-8")))
            if query.algebra.name != "ConstructQuery" or not walk(query.algebra):
                return None
        except Exception:  # noqa: BLE001 (the rule is pyoxigraph's to judge; here: no filter)
            return None
    return frozenset(found)
