"""Reasoning in parts: the closure of a big graph as the union of the closures of its pieces.

``reasonable`` grows faster than its input (on this machine: 0.3 s for our
13k triples, 13 s and 1.5 GB for ×10, more than 24 GB for ×100). Most of our
graph is many small pieces that meet only at the ontology's terms and
individuals (classes, properties, the organs and roles it names). So:

1. **shared** nodes are those of the ontology graph, every predicate, every
   class (object of ``rdf:type``), and every node of a schema triple;
2. **T**, the common part, is every triple whose nodes are all shared (or
   literals); every other triple belongs to the connected component of its
   non-shared nodes; components are packed into batches of about
   ``batch_size`` triples;
3. each batch is closed together with T, by the fast path; a shared-only
   triple inferred in one batch is added to T and every batch is closed again,
   until no batch adds one;
4. the union is checked: a rule whose premises come from two batches can only
   meet at a shared node or a literal, and only the join rules can do that
   (prp-trp, prp-spo2, prp-fp, prp-ifp, eq-*; single-premise rules and joins
   with a T triple are applied inside each batch). :func:`crossing` applies
   those rules to the union across batches; if they add anything, the parts
   were not independent and the caller reasons over the whole graph instead.

So the result is the fast path's closure of the whole graph, or the caller
does that: tests/test_reason_partition.py compares both on ×3 of our graph.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

from .rules import TripleIndex
from .terms import Literal, Term, Triple
from .vocab import OWL, RDF, RDFS

#: Predicates whose triples are schema: their nodes are shared by every part.
SCHEMA_PREDICATES = {
    RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range, OWL.equivalentClass, OWL.equivalentProperty,
    OWL.inverseOf, OWL.propertyChainAxiom, OWL.onProperty, OWL.hasValue, OWL.someValuesFrom, OWL.allValuesFrom,
    OWL.intersectionOf, OWL.unionOf, OWL.hasKey, OWL.oneOf, OWL.maxCardinality, OWL.maxQualifiedCardinality,
    OWL.base + "complementOf", OWL.base + "disjointWith", OWL.base + "propertyDisjointWith",
    OWL.base + "onClass", OWL.base + "members", OWL.base + "distinctMembers", RDF.first, RDF.rest,
}

#: What :func:`crossing` reads besides the triples of the properties these name: the kinds of
#: property its join rules apply to, and the predicates of sameAs and of property chains.
_JOIN_KINDS = (OWL.TransitiveProperty, OWL.FunctionalProperty, OWL.InverseFunctionalProperty)
_JOIN_PREDICATES = frozenset({OWL.sameAs, OWL.propertyChainAxiom, RDF.first, RDF.rest})


def split(triples: set[Triple], shared: Iterable[Term], batch_size: int) -> tuple[set[Triple], list[set[Triple]]]:
    """T and the batches (see the module doc); ``shared`` adds nodes to the shared ones."""
    shared = set(shared)
    for s, p, o in triples:
        shared.add(p)
        if p == RDF.type or p in SCHEMA_PREDICATES:
            shared.add(o)
            if p != RDF.type:
                shared.add(s)
    parent: dict[Term, Term] = {}

    def find(x: Term) -> Term:
        root = x
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(x, x) != root:
            parent[x], x = root, parent[x]
        return root

    common, loose = set(), []
    for t in triples:
        s, _p, o = t
        s_own = s not in shared and not isinstance(s, Literal)
        o_own = o not in shared and not isinstance(o, Literal)
        if not (s_own or o_own):
            common.add(t)
            continue
        loose.append(t)
        if s_own and o_own:
            a, b = find(s), find(o)
            if a != b:
                parent[a] = b
    components: dict[Term, set[Triple]] = defaultdict(set)
    for t in loose:
        s, _p, o = t
        node = s if s not in shared and not isinstance(s, Literal) else o
        components[find(node)].add(t)
    batches, current = [], None
    for part in sorted(components.values(), key=len, reverse=True):
        if current is not None and len(current) + len(part) > batch_size:
            batches.append(current)
            current = None
        if current is None:
            current = part  # the component's own set, not a copy (most batches are one component)
        else:
            current |= part
    if current:
        batches.append(current)
    return common, batches


def closure_in_parts(triples: set[Triple], close: Callable[[set[Triple]], set[Triple]], *,
                     shared: Iterable[Term] = (), batch_size: int = 20_000,
                     on_batch: Callable[[int, int], None] = lambda _i, _n: None) -> set[Triple] | None:
    """The closure of ``triples`` computed batch by batch with ``close``, or ``None`` when
    the batches turn out not to be independent, or there is only one (then close the whole graph).

    ``close(triples)`` must return the closure of ``triples`` (input included).
    """
    shared = set(shared)
    common, batches = split(triples, shared, batch_size)
    if len(batches) < 2:  # one piece: nothing to gain, and T would be closed twice
        return None
    shared_nodes = _shared_nodes(common, shared)
    common |= _shared_types(close(common), batches, shared_nodes)
    while True:
        base, found = close(common), set()  # found: what the batches' closures hold beyond base and the batch
        grown = False
        for i, batch in enumerate(batches):
            closed = close(common | batch) - base
            on_batch(i + 1, len(batches))
            closed -= batch
            extra = {t for t in closed if _is_common(t, shared_nodes)}
            found |= closed
            del closed
            if extra - common:
                common |= extra
                grown = True
        if not grown:
            break
    result = triples | base | found  # each batch's closure is in its batch, base and found
    del base, found
    if crossing(result, shared_nodes):
        return None
    return result


def _shared_types(schema: set[Triple], batches: list[set[Triple]], shared: set[Term]) -> set[Triple]:
    """The types a batch's triples give a shared node through a domain or range
    (of the property or of its inverse), added to T at once: otherwise each one
    found in a batch would make every batch be closed again (step 3)."""
    g = TripleIndex(schema)
    inverse = defaultdict(set)
    for p, q in g.pairs(OWL.inverseOf):
        inverse[p].add(q)
        inverse[q].add(p)
    found = set()
    for batch in batches:
        for s, p, o in batch:
            for prop, (first, second) in ((p, (s, o)), *((q, (o, s)) for q in inverse.get(p, ()))):
                if first in shared:
                    found.update((first, RDF.type, c) for c in g.objects(prop, RDFS.domain))
                if second in shared and not isinstance(second, Literal):
                    found.update((second, RDF.type, c) for c in g.objects(prop, RDFS.range))
    return found


def _shared_nodes(common: set[Triple], shared: set[Term]) -> set[Term]:
    nodes = set(shared)
    for s, p, o in common:
        nodes.update((s, p, o))
    return nodes


def _is_common(t: Triple, shared: set[Term]) -> bool:
    return all(x in shared or isinstance(x, Literal) for x in (t[0], t[2]))


def crossing(result: set[Triple], shared: set[Term]) -> bool:
    """Whether a join rule applied across batches (at a shared node or a literal)
    would add a triple to ``result``: prp-trp, prp-spo2, prp-fp, prp-ifp, eq-*."""
    g = _crossing_index(result)
    meeting = lambda node: node in shared or isinstance(node, Literal)  # noqa: E731
    for s, o in g.pairs(OWL.sameAs):
        if s != o and (meeting(s) or meeting(o)):
            return True
    for prop, kind in g.pairs(RDF.type):
        if kind == OWL.TransitiveProperty:
            for x, y in g.pairs(prop):
                if meeting(y) and any((x, prop, z) not in g for z in g.objects(y, prop)):
                    return True
        elif kind == OWL.FunctionalProperty:
            for x, _y in g.pairs(prop):
                values = g.objects(x, prop)
                if meeting(x) and len(values) > 1 and any(
                        (a, OWL.sameAs, b) not in g for a in values for b in values if a != b):
                    return True
        elif kind == OWL.InverseFunctionalProperty:
            subjects = defaultdict(list)
            for x, y in g.pairs(prop):
                if meeting(y):
                    subjects[y].append(x)
            for xs in subjects.values():
                if any((a, OWL.sameAs, b) not in g for a in xs for b in xs if a != b):
                    return True
    for prop, head in g.pairs(OWL.propertyChainAxiom):
        chain = g.items(head)
        ends = list(g.pairs(chain[0])) if chain else []
        for link in chain[1:]:
            ends = [(start, nxt) for start, mid in ends for nxt in g.objects(mid, link)]
        if any((start, prop, end) not in g for start, end in ends):
            return True
    return False



def _crossing_index(result: set[Triple]) -> TripleIndex:
    """The part of ``result`` that :func:`crossing` reads: ``owl:sameAs``, the property kinds
    and chains (with their lists), and every triple of a transitive, functional or inverse
    functional property, of a chain's links and of its property. An index of the whole
    closure was the reason step's largest structure at ×10 (two copies of it, and a pair
    per triple); this one holds only what the join rules can meet."""
    g = TripleIndex(t for t in result if t[1] in _JOIN_PREDICATES or (t[1] == RDF.type and t[2] in _JOIN_KINDS))
    properties = {prop for prop, _kind in g.pairs(RDF.type)}
    for prop, head in g.pairs(OWL.propertyChainAxiom):
        properties.add(prop)
        properties.update(g.items(head))
    properties -= _JOIN_PREDICATES
    if properties:
        g.add(t for t in result if t[1] in properties)
    return g
