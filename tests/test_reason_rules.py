"""One test per OWL 2 RL rule the fast path adds to ``reasonable``: the triple it must infer.

Each case is a few asserted triples and one triple the closure must hold;
the test checks the fast path infers it and that owlrl, the reference, does
too (so the rule is owlrl's, not ours). Plus: what the fast path takes out of
``reasonable``'s answer, and where it hands over to owlrl.
"""

from __future__ import annotations

import pytest

from apparat.build import fast
from apparat.build.reason import infer
from apparat.build.terms import BNode, Literal
from apparat.build.vocab import OWL, RDF, RDFS

EX = "http://example.org/"
A, B, C, D, P, Q, R = (EX + n for n in ("A", "B", "C", "D", "p", "q", "r"))
X, Y, Z = (EX + n for n in ("x", "y", "z"))
XSD_INT = "http://www.w3.org/2001/XMLSchema#int"
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"


def rdf_list(head: str, *members: str) -> list[tuple]:
    """The triples of an RDF list of ``members`` starting at blank node ``head``."""
    triples, node = [], BNode("_:" + head)
    for i, member in enumerate(members):
        nxt = BNode(f"_:{head}{i + 1}") if i + 1 < len(members) else RDF.nil
        triples += [(node, RDF.first, member), (node, RDF.rest, nxt)]
        node = nxt
    return triples


R1, R2 = BNode("_:r1"), BNode("_:r2")

RULES = [
    pytest.param(
        [(P, OWL.propertyChainAxiom, BNode("_:c")), *rdf_list("c", Q, R), (X, Q, Y), (Y, R, Z)],
        (X, P, Z), id="prp-spo2: a property chain"),
    pytest.param(
        [(P, OWL.propertyChainAxiom, BNode("_:c")), *rdf_list("c", Q, R, Q), (X, Q, Y), (Y, R, X), (X, Q, Z)],
        (X, P, Z), id="prp-spo2: a chain of three links"),
    pytest.param([(P, OWL.inverseOf, Q), (X, P, Y)], (Y, Q, X), id="prp-inv1"),
    pytest.param([(P, OWL.inverseOf, Q), (X, Q, Y)], (Y, P, X), id="prp-inv2"),
    pytest.param([(P, RDFS.subPropertyOf, Q), (X, P, Y)], (X, Q, Y), id="prp-spo1"),
    pytest.param([(P, OWL.equivalentProperty, Q), (X, Q, Y)], (X, P, Y), id="prp-eqp2"),
    pytest.param([(P, RDF.type, OWL.SymmetricProperty), (X, P, Y)], (Y, P, X), id="prp-symp"),
    pytest.param([(A, RDF.type, OWL.Class)], (A, RDFS.subClassOf, OWL.Thing), id="scm-cls: C under owl:Thing"),
    pytest.param([(A, RDF.type, OWL.Class)], (OWL.Nothing, RDFS.subClassOf, A), id="scm-cls: owl:Nothing under C"),
    pytest.param([(A, RDF.type, OWL.Class)], (A, OWL.equivalentClass, A), id="scm-cls: C equivalent to itself"),
    pytest.param([(A, RDF.type, OWL.Class), (X, RDF.type, A)], (X, RDF.type, OWL.Thing),
                 id="scm-cls + cax-sco: an instance of a declared class is an owl:Thing"),
    pytest.param([(A, RDFS.subClassOf, B), (B, RDFS.subClassOf, C)], (A, RDFS.subClassOf, C),
                 id="scm-sco: subclass is transitive"),
    pytest.param([(A, RDFS.subClassOf, B), (B, RDFS.subClassOf, A)], (A, OWL.equivalentClass, B),
                 id="scm-eqc2: mutual subclasses are equivalent"),
    pytest.param([(A, OWL.equivalentClass, B)], (B, RDFS.subClassOf, A), id="scm-eqc1: equivalence gives subclass"),
    pytest.param([(P, RDF.type, OWL.ObjectProperty)], (P, RDFS.subPropertyOf, P), id="scm-op: P ⊑ P"),
    pytest.param([(P, RDF.type, OWL.DatatypeProperty)], (P, OWL.equivalentProperty, P), id="scm-dp: P ≡ P"),
    pytest.param([(P, RDFS.subPropertyOf, Q), (Q, RDFS.subPropertyOf, R)], (P, RDFS.subPropertyOf, R),
                 id="scm-spo: subproperty is transitive"),
    pytest.param([(P, RDFS.subPropertyOf, Q), (Q, RDFS.subPropertyOf, P)], (P, OWL.equivalentProperty, Q),
                 id="scm-eqp2: mutual subproperties are equivalent"),
    pytest.param([(P, OWL.equivalentProperty, Q)], (Q, RDFS.subPropertyOf, P),
                 id="scm-eqp1: equivalence gives subproperty"),
    pytest.param([(P, RDFS.domain, A), (A, RDFS.subClassOf, B)], (P, RDFS.domain, B), id="scm-dom1"),
    pytest.param([(Q, RDFS.domain, A), (P, RDFS.subPropertyOf, Q)], (P, RDFS.domain, A), id="scm-dom2"),
    pytest.param([(P, RDFS.range, A), (A, RDFS.subClassOf, B)], (P, RDFS.range, B), id="scm-rng1"),
    pytest.param([(Q, RDFS.range, A), (P, RDFS.subPropertyOf, Q)], (P, RDFS.range, A), id="scm-rng2"),
    pytest.param([(R1, OWL.hasValue, X), (R1, OWL.onProperty, P), (R2, OWL.hasValue, X), (R2, OWL.onProperty, Q),
                  (P, RDFS.subPropertyOf, Q)], (R1, RDFS.subClassOf, R2), id="scm-hv"),
    pytest.param([(R1, OWL.someValuesFrom, A), (R1, OWL.onProperty, P), (R2, OWL.someValuesFrom, B),
                  (R2, OWL.onProperty, P), (A, RDFS.subClassOf, B)], (R1, RDFS.subClassOf, R2), id="scm-svf1"),
    pytest.param([(R1, OWL.someValuesFrom, A), (R1, OWL.onProperty, P), (R2, OWL.someValuesFrom, A),
                  (R2, OWL.onProperty, Q), (P, RDFS.subPropertyOf, Q)], (R1, RDFS.subClassOf, R2), id="scm-svf2"),
    pytest.param([(R1, OWL.allValuesFrom, A), (R1, OWL.onProperty, P), (R2, OWL.allValuesFrom, B),
                  (R2, OWL.onProperty, P), (A, RDFS.subClassOf, B)], (R1, RDFS.subClassOf, R2), id="scm-avf1"),
    pytest.param([(R1, OWL.allValuesFrom, A), (R1, OWL.onProperty, P), (R2, OWL.allValuesFrom, A),
                  (R2, OWL.onProperty, Q), (P, RDFS.subPropertyOf, Q)], (R2, RDFS.subClassOf, R1), id="scm-avf2"),
    pytest.param([(C, OWL.intersectionOf, BNode("_:i")), *rdf_list("i", A, B)], (C, RDFS.subClassOf, B),
                 id="scm-int"),
    pytest.param([(C, OWL.unionOf, BNode("_:u")), *rdf_list("u", A, B)], (A, RDFS.subClassOf, C), id="scm-uni"),
    pytest.param([(X, P, Y)], (OWL.Nothing, RDF.type, OWL.Class), id="cls-nothing1"),
    pytest.param([(X, P, Y)], (RDFS.label, RDF.type, OWL.AnnotationProperty), id="prp-ap"),
    pytest.param([(X, P, Y)], (XSD_INT, RDF.type, RDFS.Datatype), id="dt-type1"),
    pytest.param([(X, RDF.type, XSD_INT)], (X, RDF.type, XSD_INTEGER),
                 id="dt (owlrl): a resource typed xsd:int is an xsd:integer"),
    pytest.param([(P, OWL.propertyChainAxiom, BNode("_:c")), *rdf_list("c", Q, R), (Q, OWL.inverseOf, P + "inv"),
                  (Y, P + "inv", X), (Y, R, Z), (P, RDFS.domain, A), (A, RDFS.subClassOf, B)],
                 (X, RDF.type, B), id="fixpoint: reasonable (inverse) -> chain -> reasonable (domain, subclass)"),
]


@pytest.mark.parametrize(("asserted", "expected"), RULES)
def test_fast_path_infers_what_owlrl_infers(asserted, expected):
    asserted = set(asserted)
    fast_result = infer(asserted, "fast")
    assert fast_result.reasoner == "fast"
    assert expected in fast_result.triples
    assert expected in infer(asserted, "owlrl").triples


def test_every_rule_of_ours_is_tested():
    """The rule functions named in the cases above cover ONE_TIME_RULES and CYCLE_RULES."""
    from apparat.build import rules

    names = {p.id.split(":")[0].split(" ")[0] for p in RULES}
    for rule in (*rules.ONE_TIME_RULES, *rules.CYCLE_RULES):
        spec = rule.__doc__.split(":")[0]  # e.g. "scm-dom1/2" or "cls-thing, cls-nothing1"
        assert any(n.split("/")[0].rstrip("12") in spec for n in names), rule.__name__


def test_reasonable_types_every_subject_as_thing_but_the_fast_path_does_not():
    asserted = {(X, P, Y)}
    assert (X, RDF.type, OWL.Thing) in fast.reasonable_triples(asserted)  # what reasonable alone answers
    assert (X, RDF.type, OWL.Thing) not in infer(asserted, "fast").triples
    assert (X, RDF.type, OWL.Thing) not in infer(asserted, "owlrl").triples


def test_thing_types_from_a_range_are_kept():
    asserted = {(P, RDFS.range, A), (A, RDF.type, OWL.Class), (X, P, Y)}
    assert (Y, RDF.type, OWL.Thing) in infer(asserted, "fast").triples
    assert (X, RDF.type, OWL.Thing) not in infer(asserted, "fast").triples


def test_literals_keep_their_lexical_form_and_simple_literals_stay_simple():
    one = Literal("01", datatype=XSD_INTEGER)
    name = Literal("Bukharin")
    asserted = {(P, RDFS.subPropertyOf, Q), (X, P, one), (X, P, name)}
    inferred = infer(asserted, "fast").triples
    assert {(X, Q, one), (X, Q, name)} <= inferred
    assert inferred == infer(asserted, "owlrl").triples


@pytest.mark.parametrize(("asserted", "why"), [
    pytest.param({(A, OWL.hasKey, BNode("_:k")), *rdf_list("k", P)}, "owl:hasKey", id="prp-key"),
    pytest.param({(A, OWL.maxCardinality, Literal("1", datatype=XSD_INTEGER))}, "owl:maxCardinality",
                 id="cls-maxc"),
    pytest.param({(A, OWL.oneOf, BNode("_:o")), *rdf_list("o", X)}, "owl:oneOf", id="cls-oo"),
    pytest.param({(OWL.Thing, RDFS.subClassOf, A)}, "owl:Thing has a superclass", id="Thing as a premise"),
    pytest.param({(X, RDF.base + "_1", Y)}, "container membership", id="rdfs12"),
])
def test_constructs_the_fast_path_lacks_hand_over_to_owlrl(asserted, why):
    assert why in fast.unsupported(asserted)
    result = infer(asserted, "fast")
    assert result.reasoner == "owlrl"
    assert result.notes and why in result.notes[0]
    assert result.triples == infer(asserted, "owlrl").triples


def test_hasvalue_restriction_is_left_to_reasonable():
    """cls-hv1 is reasonable's; the fast path must not lose it while cleaning its answer."""
    asserted = {(R1, OWL.hasValue, Y), (R1, OWL.onProperty, P), (X, RDF.type, R1)}
    assert (X, P, Y) in infer(asserted, "fast").triples
    assert (X, P, Y) in infer(asserted, "owlrl").triples


def test_reasoners_are_named():
    with pytest.raises(ValueError, match="unknown reasoner"):
        infer(set(), "pellet")
