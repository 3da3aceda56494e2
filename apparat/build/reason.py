"""The OWL 2 RL closure of the asserted triples, kept apart from them.

Two reasoners give the same inferred triples (tests/test_reason_equivalence.py
shows it on the repository's data and on a LUBM sample):

- ``fast`` (default): ``reasonable`` plus our rules for what it lacks
  (:mod:`apparat.build.fast`); where the input uses a construct that path does
  not cover, owlrl runs instead and the build says so.
- ``owlrl``: the reference (owlrl 7.6.2), ~25x slower on our data.

Both results go through one filter, :func:`drop_noise`: owlrl emits
generalised RDF (literal subjects, literal or blank-node predicates) and
reflexive ``owl:sameAs``, and an inferred triple that is asserted already is
not repeated in the inferred graph.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .terms import BNode, Literal, Triple, from_rdflib, to_rdflib
from .vocab import OWL, RDF, RDFS  # noqa: F401  (RDFS: the doctest)

REASONERS = ("fast", "owlrl")
_ERRORS = "http://www.daml.org/2002/03/agents/agent-ont#"


@dataclass
class Inference:
    """The inferred triples, which reasoner computed them, and what it noted."""

    triples: set[Triple]
    reasoner: str
    notes: list[str] = field(default_factory=list)


def infer(asserted: set[Triple], reasoner: str = "fast", *, shared: Iterable = (),
          on_round: Callable[[int, int | None], None] = lambda _r, _n: None) -> Inference:
    """Compute the OWL 2 RL closure of ``asserted`` and return what it adds.

    Args:
        asserted: every asserted triple (the ontology included), as rdflib terms.
        reasoner: ``"fast"`` or ``"owlrl"``.
        shared: nodes of the ontology (lets the fast path reason in parts).
        on_round: progress of the fast path: (round, ``None``) or (part, how many parts).

    Returns:
        The inferred triples, without noise and without asserted triples.

    >>> ex = "http://example.org/"
    >>> inferred = infer({(ex + "Cat", RDFS.subClassOf, ex + "Animal"), (ex + "tom", RDF.type, ex + "Cat")}).triples
    >>> (ex + "tom", RDF.type, ex + "Animal") in inferred
    True
    >>> (ex + "tom", RDF.type, ex + "Cat") in inferred  # asserted: not inferred
    False
    """
    if reasoner not in REASONERS:
        raise ValueError(f"unknown reasoner {reasoner!r}; use one of {REASONERS}")
    notes = []
    if reasoner == "fast":
        from .fast import Unsupported, closure

        try:
            full = closure(asserted, shared=shared, on_round=on_round)
        except Unsupported as why:
            notes.append(f"fast path not applicable ({why}); used owlrl")
            reasoner = "owlrl"
    if reasoner == "owlrl":
        full, errors = owlrl_closure(asserted)
        notes += [f"owlrl: {message}" for message in errors]
    return Inference(drop_noise(full, asserted), reasoner, notes)


def owlrl_closure(asserted: Iterable[Triple]) -> tuple[set[Triple], list[str]]:
    """The closure owlrl computes (asserted triples included), and its error messages."""
    import owlrl
    import rdflib

    graph = rdflib.Graph()
    for s, p, o in asserted:
        graph.add((to_rdflib(s), to_rdflib(p), to_rdflib(o)))
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    errors = []
    error_type, error_text = rdflib.URIRef(_ERRORS + "ErrorMessage"), rdflib.URIRef(_ERRORS + "error")
    for message in set(graph.subjects(rdflib.RDF.type, error_type)):
        errors += [str(text) for text in graph.objects(message, error_text)]
        graph.remove((message, None, None))
    return {(from_rdflib(s), from_rdflib(p), from_rdflib(o)) for s, p, o in graph}, sorted(errors)


def drop_noise(triples: Iterable[Triple], asserted: set[Triple]) -> set[Triple]:
    """Drop generalised RDF, reflexive ``owl:sameAs`` and asserted triples."""
    candidates = triples - asserted if isinstance(triples, set | frozenset) else triples  # in C: most are asserted
    return {
        t for t in candidates
        if not (isinstance(t[0], Literal) or isinstance(t[1], Literal | BNode)
                or (t[1] == OWL.sameAs and t[0] == t[2]) or t in asserted)
    }

