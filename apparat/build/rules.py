"""The OWL 2 RL rules that ``reasonable`` 0.4.4 does not apply, in pure Python.

Each rule is a function ``rule(graph) -> iterator of triples`` over a
:class:`TripleIndex` and is named as in the OWL 2 Profiles spec, section 4.3
(https://www.w3.org/TR/owl2-profiles/#Reasoning_in_OWL_2_RL_and_RDF_Graphs_using_Rules).
They follow owlrl 7.6.2's code (``owlrl/OWLRL.py``), the reference reasoner,
rather than the spec's tables wherever the two differ: owlrl's scm-sco never
derives a reflexive ``C rdfs:subClassOf C`` through a cycle, but its scm-sco
*does* turn a reflexive subclass triple into ``C owl:equivalentClass C``; the
fast path must give owlrl's answer, so it copies owlrl's choices.

The rules are iterated to a fixpoint together with ``reasonable`` by
:mod:`apparat.build.fast`. ``ONE_TIME_RULES`` run once, on the asserted
triples, as owlrl runs them before its cycles; ``CYCLE_RULES`` run every round.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator

from owlrl.AxiomaticTriples import OWLRL_Datatypes_Disjointness
from owlrl.OWLRL import OWLRL_Annotation_properties
from owlrl.XsdDatatypes import OWL_Datatype_Subsumptions, OWL_RL_Datatypes

from .terms import Literal, Term, Triple
from .vocab import OWL, RDF, RDFS

Rule = Callable[["TripleIndex"], Iterator[Triple]]

SCO, SPO, EQC, EQP = RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass, OWL.equivalentProperty
PROPERTY_TYPES = (OWL.ObjectProperty, OWL.DatatypeProperty, RDF.Property)
#: owlrl's own tables (owlrl is pinned), as our plain-string IRIs.
RL_DATATYPES = [str(dt) for dt in OWL_RL_Datatypes]
SUBSUMPTIONS = {str(dt): [str(w) for w in wider] for dt, wider in OWL_Datatype_Subsumptions.items()}
DISJOINT_DATATYPES = [tuple(map(str, t)) for t in OWLRL_Datatypes_Disjointness]
ANNOTATION_PROPERTIES = [str(p) for p in OWLRL_Annotation_properties]


class TripleIndex:
    """A set of triples with the two lookups the rules need: by predicate, and
    by (subject, predicate); the second is built per predicate, when first asked."""

    def __init__(self, triples: Iterable[Triple]):
        self.triples: set[Triple] = set()
        self.by_p: dict[Term, list[tuple[Term, Term]]] = defaultdict(list)
        self._by_sp: dict[Term, dict[Term, list[Term]]] = {}
        self.add(triples)

    def add(self, triples: Iterable[Triple]) -> None:
        """Add ``triples`` (each one once) to the set and its lookups."""
        if self.triples:
            new = set(triples) - self.triples
            self.triples |= new
        else:  # the first triples: one set, not a copy of a copy
            new = self.triples = set(triples)
        by_p, by_sp = self.by_p, self._by_sp
        for s, p, o in new:
            by_p[p].append((s, o))
            if p in by_sp:
                by_sp[p].setdefault(s, []).append(o)

    def __contains__(self, triple: Triple) -> bool:
        return triple in self.triples

    def pairs(self, p: Term) -> list[tuple[Term, Term]]:
        """Every (subject, object) of predicate ``p``."""
        return self.by_p.get(p, [])

    def objects(self, s: Term, p: Term) -> list[Term]:
        """Every object of ``s`` and ``p``."""
        lookup = self._by_sp.get(p)
        if lookup is None:
            lookup = self._by_sp[p] = {}
            for subject, o in self.by_p.get(p, ()):
                lookup.setdefault(subject, []).append(o)
        return lookup.get(s, [])

    def items(self, head: Term) -> list[Term]:
        """The members of the RDF list starting at ``head`` (as rdflib's ``Graph.items``)."""
        members, seen = [], set()
        while head not in seen and head != RDF.nil:
            seen.add(head)
            members += self.objects(head, RDF.first)[:1]
            rest = self.objects(head, RDF.rest)
            if not rest:
                break
            head = rest[0]
        return members


# --- property axioms -------------------------------------------------------


def prp_spo2(g: TripleIndex) -> Iterator[Triple]:
    """prp-spo2: ``P owl:propertyChainAxiom (P1 … Pn)``, ``x P1 u1 … un-1 Pn y`` ⇒ ``x P y``."""
    for p, head in g.pairs(OWL.propertyChainAxiom):
        chain = g.items(head)
        if not chain:
            continue
        ends = list(g.pairs(chain[0]))
        for link in chain[1:]:
            ends = [(start, nxt) for start, mid in ends for nxt in g.objects(mid, link)]
        for start, end in ends:
            yield start, p, end


# Single-premise property rules that reasonable applies as well. We apply them
# too, before reasonable's first round, so that property chains over inverse
# or subproperty links (our membership chain runs over the inverse of
# org:member) are complete in round one: one reasonable round instead of two.


def prp_inv(g: TripleIndex) -> Iterator[Triple]:
    """prp-inv1/2: ``P owl:inverseOf Q``, ``x P y`` ⇒ ``y Q x`` (and back)."""
    for p, q in g.pairs(OWL.inverseOf):
        yield from ((y, q, x) for x, y in g.pairs(p))
        yield from ((y, p, x) for x, y in g.pairs(q))


def prp_spo1(g: TripleIndex) -> Iterator[Triple]:
    """prp-spo1, prp-eqp1/2: a subproperty's (or an equivalent property's) triples hold for the other."""
    for p, q in g.pairs(SPO):
        if p != q:
            yield from ((x, q, y) for x, y in g.pairs(p))
    for p, q in g.pairs(EQP):
        if p != q:
            yield from ((x, q, y) for x, y in g.pairs(p))
            yield from ((x, p, y) for x, y in g.pairs(q))


def prp_symp(g: TripleIndex) -> Iterator[Triple]:
    """prp-symp: a symmetric property holds both ways."""
    for p, kind in g.pairs(RDF.type):
        if kind == OWL.SymmetricProperty:
            yield from ((y, p, x) for x, y in g.pairs(p))


# --- schema vocabulary (scm-*) --------------------------------------------------


def scm_cls(g: TripleIndex) -> Iterator[Triple]:
    """scm-cls: every ``owl:Class`` C is its own subclass and equivalent, under owl:Thing, above owl:Nothing."""
    for c, cls in g.pairs(RDF.type):
        if cls == OWL.Class:
            yield from ((c, SCO, c), (c, EQC, c), (c, SCO, OWL.Thing), (OWL.Nothing, SCO, c))


def scm_sco(g: TripleIndex) -> Iterator[Triple]:
    """scm-sco: subclass is transitive (owlrl: never back to the start); mutual subclasses are equivalent (scm-eqc2)."""
    for c1, c2 in g.pairs(SCO):
        if c1 != c2:
            for c3 in g.objects(c2, SCO):
                if c1 != c3:
                    yield c1, SCO, c3
        if (c2, SCO, c1) in g:
            yield c1, EQC, c2


def scm_eqc1(g: TripleIndex) -> Iterator[Triple]:
    """scm-eqc1: equivalent classes are subclasses of each other."""
    for c1, c2 in g.pairs(EQC):
        if c1 != c2:
            yield from ((c1, SCO, c2), (c2, SCO, c1))


def scm_op(g: TripleIndex) -> Iterator[Triple]:
    """scm-op, scm-dp: every declared property is its own subproperty and equivalent."""
    for prop, kind in g.pairs(RDF.type):
        if kind in PROPERTY_TYPES:
            yield from ((prop, SPO, prop), (prop, EQP, prop))


def scm_spo(g: TripleIndex) -> Iterator[Triple]:
    """scm-spo: subproperty is transitive; mutual subproperties are equivalent (scm-eqp2)."""
    for p1, p2 in g.pairs(SPO):
        if p1 == p2:
            continue
        for p3 in g.objects(p2, SPO):
            if p1 != p3:
                yield p1, SPO, p3
        if (p2, SPO, p1) in g:
            yield p1, EQP, p2


def scm_eqp1(g: TripleIndex) -> Iterator[Triple]:
    """scm-eqp1: equivalent properties are subproperties of each other."""
    for p1, p2 in g.pairs(EQP):
        if p1 != p2:
            yield from ((p1, SPO, p2), (p2, SPO, p1))


def _scm_dom_rng(g: TripleIndex, axis: Term) -> Iterator[Triple]:
    subproperties = defaultdict(list)
    for p1, p2 in g.pairs(SPO):
        if p1 != p2:
            subproperties[p2].append(p1)
    for prop, c1 in g.pairs(axis):
        for c2 in g.objects(c1, SCO):
            if c1 != c2:
                yield prop, axis, c2
        for sub in subproperties.get(prop, ()):
            yield sub, axis, c1


def scm_dom(g: TripleIndex) -> Iterator[Triple]:
    """scm-dom1/2: a domain widens along subclasses and is inherited by subproperties."""
    return _scm_dom_rng(g, RDFS.domain)


def scm_rng(g: TripleIndex) -> Iterator[Triple]:
    """scm-rng1/2: a range widens along subclasses and is inherited by subproperties."""
    return _scm_dom_rng(g, RDFS.range)


def _restrictions(g: TripleIndex, kind: Term) -> list[tuple[Term, Term, Term]]:
    """(restriction, property, filler) for every ``owl:onProperty`` restriction of ``kind``."""
    return [(c, p, y) for c, y in g.pairs(kind) for p in g.objects(c, OWL.onProperty)]


def scm_hv(g: TripleIndex) -> Iterator[Triple]:
    """scm-hv: hasValue restrictions on the same value follow their properties' subproperty order."""
    by_value = defaultdict(list)
    for c, p, i in _restrictions(g, OWL.hasValue):
        by_value[i].append((c, p))
    for pairs in by_value.values():
        for c1, p1 in pairs:
            for c2, p2 in pairs:
                if (p1, SPO, p2) in g:
                    yield c1, SCO, c2


def _scm_filler(g: TripleIndex, kind: Term, *, forward: bool) -> Iterator[Triple]:
    found = _restrictions(g, kind)
    for c1, p1, y1 in found:
        for c2, p2, y2 in found:
            if p1 == p2 and (y1, SCO, y2) in g:  # scm-svf1 / scm-avf1
                yield c1, SCO, c2
            if y1 == y2 and (p1, SPO, p2) in g:  # scm-svf2 / scm-avf2
                yield (c1, SCO, c2) if forward else (c2, SCO, c1)


def scm_svf(g: TripleIndex) -> Iterator[Triple]:
    """scm-svf1/2: someValuesFrom restrictions follow their fillers' and properties' order."""
    return _scm_filler(g, OWL.someValuesFrom, forward=True)


def scm_avf(g: TripleIndex) -> Iterator[Triple]:
    """scm-avf1/2: allValuesFrom restrictions (the property order turns them around)."""
    return _scm_filler(g, OWL.allValuesFrom, forward=False)


def scm_int(g: TripleIndex) -> Iterator[Triple]:
    """scm-int: an intersection is a subclass of each of its classes."""
    for c, head in g.pairs(OWL.intersectionOf):
        for member in g.items(head):
            yield c, SCO, member


def scm_uni(g: TripleIndex) -> Iterator[Triple]:
    """scm-uni: each class of a union is a subclass of the union."""
    for c, head in g.pairs(OWL.unionOf):
        for member in g.items(head):
            yield member, SCO, c


# --- rules owlrl runs once, before its cycles ------------------------------------


def cls_thing(_g: TripleIndex) -> Iterator[Triple]:
    """cls-thing, cls-nothing1: owl:Thing and owl:Nothing are classes."""
    yield OWL.Thing, RDF.type, OWL.Class
    yield OWL.Nothing, RDF.type, OWL.Class


def prp_ap(_g: TripleIndex) -> Iterator[Triple]:
    """prp-ap: the built-in annotation properties are ``owl:AnnotationProperty``."""
    for prop in ANNOTATION_PROPERTIES:
        yield prop, RDF.type, OWL.AnnotationProperty


def dt_type1(g: TripleIndex) -> Iterator[Triple]:
    """dt-type1 (and owlrl's datatype subsumptions and disjointness of the datatypes in use).

    Literal-subject conclusions (dt-type2: ``"1"^^xsd:int a xsd:int``) are
    generalised RDF, dropped anyway; owlrl's conclusions about resources
    explicitly typed with a datatype are kept.
    """
    datatypes = set(RL_DATATYPES)
    for dt in RL_DATATYPES:
        yield dt, RDF.type, RDFS.Datatype
    used = {o[1] for _s, _p, o in g.triples if isinstance(o, Literal) and o[1] in datatypes}
    explicit = defaultdict(set)
    for s, dt in g.pairs(RDF.type):
        if dt in datatypes:
            used.add(dt)
            if not isinstance(s, Literal):
                explicit[s].add(dt)
    for s, o in g.pairs(OWL.sameAs):  # owlrl passes explicit datatype typing along sameAs, one step
        if isinstance(o, Literal) and o[1] in datatypes:
            explicit[s].add(o[1])
        if o in explicit:
            explicit[s].add(o)
        if s in explicit:
            explicit[o].add(s)
    for resource, dts in explicit.items():
        for dt in dts:
            yield dt, RDF.type, RDFS.Datatype
            for wider in SUBSUMPTIONS.get(dt, ()):
                yield resource, RDF.type, wider
                yield wider, RDF.type, RDFS.Datatype
                used.add(wider)
    for dt in list(used):
        for wider in SUBSUMPTIONS.get(dt, ()):
            used.add(wider)
            yield wider, RDF.type, RDFS.Datatype
    for left, pred, right in DISJOINT_DATATYPES:
        if left in used and right in used:
            yield left, pred, right


ONE_TIME_RULES: tuple[Rule, ...] = (cls_thing, prp_ap, dt_type1)
CYCLE_RULES: tuple[Rule, ...] = (
    prp_spo2, prp_inv, prp_spo1, prp_symp, scm_cls, scm_sco, scm_eqc1, scm_op, scm_spo, scm_eqp1, scm_dom, scm_rng,
    scm_hv, scm_svf, scm_avf, scm_int, scm_uni,
)


def apply(rules: Iterable[Rule], g: TripleIndex) -> set[Triple]:
    """Every conclusion of ``rules`` on ``g`` that ``g`` does not hold yet."""
    return {t for rule in rules for t in rule(g) if t not in g and not isinstance(t[1], Literal)}


def saturate(rules: Iterable[Rule], g: TripleIndex) -> set[Triple]:
    """Apply ``rules`` to ``g`` until they add nothing; add what they found to ``g`` and return it."""
    rules, found = tuple(rules), set()
    while new := apply(rules, g):
        g.add(new)
        found |= new
    return found
