"""The fast OWL 2 RL path: ``reasonable`` plus the rules it lacks, to a fixpoint.

``reasonable`` 0.4.4 (a Rust OWL 2 RL reasoner) applies most instance rules
(cax-*, prp-dom/rng/inv/spo1/trp/symp/fp/ifp/eqp, cls-int/uni/svf/avf/hv,
eq-*), but not property chains (prp-spo2) and hardly any schema rule (scm-*),
nor owlrl's one-time rules (prp-ap, dt-type1). :mod:`apparat.build.rules`
holds those, written after owlrl's code. Rounds alternate: ``reasonable``
closes what it can, our rules add what it lacks, and what they add goes back
to ``reasonable`` (incrementally), until a round adds nothing.

Two things ``reasonable`` derives that owlrl does not are taken out again:

- it types the subject of *every* triple as ``owl:Thing``; owlrl only where a
  rule says so (``C rdfs:subClassOf owl:Thing``, a domain or range of
  ``owl:Thing`` …). Those types are recomputed by owlrl's rules at the end.
  That is only exact while ``owl:Thing`` is never a premise of another rule
  (no ``owl:Thing rdfs:subClassOf X``, no union or intersection naming it,
  no axiom on ``rdf:type`` itself): :func:`unsupported` checks it.
- reflexive ``rdfs:subClassOf``/``rdfs:subPropertyOf``/equivalences that
  neither owlrl's rules nor the input give.

Anything the fast path does not cover (``owl:hasKey``, max-cardinality
restrictions, ``owl:oneOf``, container membership properties, the premises
above) is reported by :func:`unsupported`; the caller then runs owlrl instead.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterable, Iterator

import rdflib
import reasonable

from . import rules
from .rules import EQC, EQP, SCO, SPO, TripleIndex
from .terms import BNode, Literal, Triple
from .vocab import OWL, RDF, RDFS

#: Constructs owlrl applies and the fast path does not (neither reasonable nor our rules).
UNCOVERED = {
    OWL.hasKey: "owl:hasKey (prp-key)",
    OWL.maxCardinality: "owl:maxCardinality (cls-maxc1/2)",
    OWL.maxQualifiedCardinality: "owl:maxQualifiedCardinality (cls-maxqc1-4)",
    OWL.oneOf: "owl:oneOf (cls-oo)",
}
_RDF_MEMBER = RDF.base + "_"
_REFLEXIVE_SCHEMA = (SCO, SPO, EQC, EQP)
#: Axioms on rdf:type itself would make the owl:Thing types reasonable adds a premise.
_PROPERTY_AXIOMS = (SPO, EQP, OWL.inverseOf, RDFS.domain, RDFS.range, OWL.propertyChainAxiom)
_PROPERTY_KINDS = (OWL.SymmetricProperty, OWL.TransitiveProperty, OWL.FunctionalProperty,
                   OWL.InverseFunctionalProperty)


class Unsupported(Exception):
    """The input uses a construct the fast path does not cover; use owlrl."""


#: About how many triples one part holds; inputs over two parts are reasoned in parts.
BATCH_SIZE = 20_000
#: Inputs up to this many triples are reasoned in one call, without looking for parts:
#: raw reasonable takes 1.8 s and 307 MB on our 93k triples (one component: the
#: split, 0.46 s, found nothing to split), 7.1 s and 1.6 GB on three copies of them
#: (279k; measured 2026-12-03).
WHOLE_UP_TO = 150_000


def closure(asserted: set[Triple], *, shared: Iterable = (), batch_size: int = BATCH_SIZE,
            whole_up_to: int = WHOLE_UP_TO,
            on_round: Callable[[int, int | None], None] = lambda _r, _n: None) -> set[Triple]:
    """Return the OWL 2 RL closure of ``asserted`` (inferred and asserted triples), as owlrl computes it.

    Generalised RDF and reflexive ``owl:sameAs`` may remain: the caller filters them
    (:func:`apparat.build.reason.drop_noise`), as it does for owlrl. An input of more
    than two batches and ``whole_up_to`` triples is reasoned in parts where that
    gives the same closure (:mod:`apparat.build.partition`).

    Args:
        asserted: the input triples (our terms).
        shared: nodes every part shares (the ontology's), for reasoning in parts.
        batch_size: about how many triples one part holds.
        whole_up_to: inputs up to this size are reasoned whole, without a split.
        on_round: called after each round (number, ``None``) or part (number, how many parts).

    Raises:
        Unsupported: the input needs a rule this path does not apply.
    """
    if len(asserted) > max(2 * batch_size, whole_up_to):
        from .partition import closure_in_parts

        in_parts = closure_in_parts(asserted, _closure, shared=shared, batch_size=batch_size, on_batch=on_round)
        if in_parts is not None:
            return in_parts
    return _closure(asserted, on_round=on_round)


def _closure(asserted: set[Triple], *,
             on_round: Callable[[int, int | None], None] = lambda _r, _n: None) -> set[Triple]:
    """The closure of ``asserted`` in one piece (see :func:`closure`)."""
    start = TripleIndex(asserted)
    why = unsupported(start)
    if why:
        raise Unsupported(why)
    # Our rules first close what they can on the input alone (the schema, mostly), so
    # that reasonable's first round already sees it; later rounds only add what
    # reasonable's answers enable (chains over inferred links, say).
    start.add(rules.apply(rules.ONE_TIME_RULES, start))
    rules.saturate(rules.CYCLE_RULES, start)
    ours = start.triples - asserted
    reasoner = reasonable.PyReasoner()
    pending, round_no = start.triples, 0
    while True:
        round_no += 1
        reasoner.from_graph([t for t in pending if not isinstance(t[0], Literal)])
        with _our_terms():
            raw = reasoner.reason()
        current = TripleIndex(_clean(raw, asserted, ours))
        del raw
        new = rules.saturate(rules.CYCLE_RULES, current)
        on_round(round_no, None)
        # Reflexive schema links (``P rdfs:subPropertyOf P`` for a property that reasonable
        # found to be one) give reasonable nothing to derive: no round for them alone.
        if all(t[0] == t[2] and t[1] in _REFLEXIVE_SCHEMA for t in new):
            break
        ours |= new
        pending = new
    why = unsupported(current)
    if why:
        raise Unsupported(why)
    return _with_thing_types(current, asserted)


def reasonable_triples(triples: Iterable[Triple]) -> set[Triple]:
    """What ``reasonable`` alone answers for ``triples`` (input included), in our terms."""
    reasoner = reasonable.PyReasoner()
    reasoner.from_graph([t for t in triples if not isinstance(t[0], Literal)])
    with _our_terms():
        return {tuple(t) for t in reasoner.reason()}


def unsupported(triples: Iterable[Triple]) -> str | None:
    """Why the fast path cannot give owlrl's closure of ``triples``, or ``None``."""
    index = triples if isinstance(triples, TripleIndex) else TripleIndex(triples)
    for predicate, name in UNCOVERED.items():
        if index.pairs(predicate):
            return f"the input uses {name}"
    for p in index.by_p:
        if type(p) is str and p.startswith(_RDF_MEMBER) and p[len(_RDF_MEMBER):].isdigit():
            return f"the input uses the container membership property {p}"
    for p in _PROPERTY_AXIOMS:
        for s, o in index.pairs(p):
            if (s == RDF.type or o == RDF.type) and s != o:
                return f"an axiom on rdf:type ({p})"
    for s, kind in index.pairs(RDF.type):
        if s == RDF.type and kind in _PROPERTY_KINDS:
            return f"rdf:type is declared a {kind}"
    for _p, head in index.pairs(OWL.propertyChainAxiom):
        if RDF.type in index.items(head):
            return "rdf:type in a property chain"
    for s, o in (*index.pairs(SCO), *index.pairs(EQC)):
        if s == OWL.Thing and o != OWL.Thing:
            return "owl:Thing has a superclass or an equivalent"
    for s, o in index.pairs(EQC):
        if o == OWL.Thing and s != OWL.Thing:
            return "a class equivalent to owl:Thing"
    for s, o in index.pairs(OWL.sameAs):
        if s != o and {s, o} & {OWL.Thing, RDF.type}:
            return "owl:sameAs on owl:Thing or rdf:type"
    for _c, head in (*index.pairs(OWL.unionOf), *index.pairs(OWL.intersectionOf)):
        if OWL.Thing in index.items(head):
            return "owl:Thing in a union or intersection"
    return None


@contextlib.contextmanager
def _our_terms() -> Iterator[None]:
    """Make ``reasonable`` return our terms instead of rdflib's.

    Its binding builds every term of its answer (the whole closure, each
    round) by calling ``rdflib.URIRef``/``Literal``/``BNode``, looked up on the
    ``rdflib`` module at each call; rdflib checks every IRI it makes, which
    cost more than the reasoning itself. For the length of one ``reason()``
    call (the build is single-threaded) those names are ours; they are put
    back at once, also on error.
    """
    saved = rdflib.URIRef, rdflib.Literal, rdflib.BNode
    # An IRI is interned: the one object the parsed terms hold (terms.from_ox), not a copy per
    # triple of every closure (at ×10 the inferred graph held 400k triples of fresh strings).
    rdflib.URIRef, rdflib.Literal, rdflib.BNode = sys.intern, Literal, _bnode
    try:
        yield
    finally:
        rdflib.URIRef, rdflib.Literal, rdflib.BNode = saved


def _bnode(label: str) -> BNode:
    return BNode("_:" + label)


def _clean(raw: Iterable[Triple], asserted: set[Triple], ours: set[Triple]) -> set[Triple]:
    """reasonable's triples, without what owlrl would not derive (see module doc)."""
    kept = set()
    for t in raw:
        s, p, o = t = tuple(t)
        if t in asserted or t in ours:
            kept.add(t)
        elif p == RDF.type and o == OWL.Thing:
            continue
        elif s == o and p in _REFLEXIVE_SCHEMA:
            continue
        else:
            kept.add(t)
    return kept


def _with_thing_types(index: TripleIndex, asserted: set[Triple]) -> set[Triple]:
    """The triples of ``index`` and the ``x rdf:type owl:Thing`` that owlrl's rules give
    (cax-sco, prp-dom, prp-rng, cls-int2, cls-avf, eq-rep-s)."""
    to_thing = {c for c, sup in index.pairs(SCO) if sup == OWL.Thing and c != OWL.Thing}
    to_thing |= {c for c, head in index.pairs(OWL.intersectionOf) if OWL.Thing in index.items(head)}
    things = {s for s, p, o in asserted if p == RDF.type and o == OWL.Thing}
    things |= {x for x, c in index.pairs(RDF.type) if c in to_thing}
    for axis, keep_subject in ((RDFS.domain, True), (RDFS.range, False)):
        for prop, cls in index.pairs(axis):
            if cls == OWL.Thing:
                things |= {s if keep_subject else o for s, o in index.pairs(prop)}
    for restriction, prop, filler in rules._restrictions(index, OWL.allValuesFrom):
        if filler == OWL.Thing:
            for u, cls in index.pairs(RDF.type):
                if cls == restriction:
                    things |= set(index.objects(u, prop))
    for x in list(things):
        things |= set(index.objects(x, OWL.sameAs))
    return index.triples | {(x, RDF.type, OWL.Thing) for x in things}
