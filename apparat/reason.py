"""OWL 2 RL closure with owlrl, kept in its own named graph.

owlrl is the reference reasoner (see ../shared/DESIGN.md "Reasoning"). It only
keeps inferred triples apart when source and destination share one store, so
the closure is computed over a ``Dataset`` whose default graph is the union of
the asserted graphs, into ``ds.graph(INFERRED_GRAPH)``.
"""

from __future__ import annotations

import owlrl
from rdflib import Dataset, Literal
from rdflib.namespace import OWL

from .namespaces import INFERRED_GRAPH


def materialize_inferences(ds: Dataset) -> int:
    """Add the OWL 2 RL closure of ``ds`` to its graph ``INFERRED_GRAPH``.

    Asserted graphs are left untouched. owlrl also emits generalised RDF
    (literal subjects, literal predicates) and reflexive ``owl:sameAs``; those
    are dropped, as are inferred triples that some asserted graph already holds.

    Args:
        ds: a Dataset with ``default_union=True`` holding the asserted graphs.

    Returns:
        The number of triples left in the inferred graph.
    """
    inferred = ds.graph(INFERRED_GRAPH)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(ds, destination=inferred)
    asserted = [g for g in ds.graphs() if g.identifier != INFERRED_GRAPH]
    junk = [
        t
        for t in inferred
        if _is_generalised(t) or any(t in g for g in asserted)
    ]
    for t in junk:
        inferred.remove(t)
    return len(inferred)


def _is_generalised(triple) -> bool:
    s, p, o = triple
    return isinstance(s, Literal) or isinstance(p, Literal) or (p == OWL.sameAs and s == o)
