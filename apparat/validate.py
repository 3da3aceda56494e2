"""SHACL validation of the asserted data, run by every build (pySHACL)."""

from __future__ import annotations

from pyshacl import validate as shacl_validate
from rdflib import Dataset, Graph

from .errors import BuildError
from .namespaces import INFERRED_GRAPH


class ValidationFailed(BuildError):
    """The asserted data violates the SHACL shapes; carries pySHACL's report."""

    def __init__(self, report_text: str):
        self.report_text = report_text
        super().__init__("SHACL validation failed:\n" + report_text)


def validate(ds: Dataset, shapes: Graph) -> None:
    """Check every asserted graph of ``ds`` (together, with the ontology) against ``shapes``.

    The graphs are validated as one union so that ``sh:class`` sees the class
    hierarchy the ontology declares; no inference is run here (that is the
    reasoner's job, after validation).

    Raises:
        ValidationFailed: with pySHACL's text report.
    """
    data = Graph()
    for g in ds.graphs():
        if g.identifier != INFERRED_GRAPH:
            for triple in g:
                data.add(triple)
    conforms, _graph, text = shacl_validate(data, shacl_graph=shapes, inference="none", advanced=True)
    if not conforms:
        raise ValidationFailed(text)
