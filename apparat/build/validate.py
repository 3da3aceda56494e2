"""Step 2: SHACL validation of the asserted data, run by every build (pySHACL)."""

from __future__ import annotations

from collections.abc import Iterable

import rdflib
from pyshacl import validate as shacl_validate

from ..errors import BuildError
from .terms import Triple, to_rdflib


class ValidationFailed(BuildError):
    """The asserted data violates the SHACL shapes; carries pySHACL's report."""

    def __init__(self, report_text: str):
        self.report_text = report_text
        super().__init__("SHACL validation failed:\n" + report_text)

    def __reduce__(self):  # raised in the validation process, re-raised in the build's
        return type(self), (self.report_text,)


def validate(data: Iterable[Triple], shapes: Iterable[Triple]) -> None:
    """Check the asserted triples (every graph together, with the ontology) against ``shapes``.

    The graphs are validated as one union so that ``sh:class`` sees the class
    hierarchy the ontology declares; no inference is run here (that is the
    reasoner's job, after validation).

    Raises:
        ValidationFailed: with pySHACL's text report.
    """
    conforms, _graph, text = shacl_validate(_graph_of(data), shacl_graph=_graph_of(shapes),
                                            inference="none", advanced=True, inplace=True)
    if not conforms:
        raise ValidationFailed(text)


def _graph_of(triples: Iterable[Triple]) -> rdflib.Graph:
    graph, memo = rdflib.Graph(), {}

    def term(t):
        found = memo.get(t)
        if found is None:
            found = memo[t] = to_rdflib(t)
        return found

    for s, p, o in triples:
        graph.add((term(s), term(p), term(o)))
    return graph
