"""Human and machine views of the graph's own IRIs.

- ``/``                the home page
- ``/ontology``        the ontology: generated HTML documentation for browsers,
                       the ontology graph (Turtle, JSON-LD …) for machines
- ``/id/<kind>/<slug>`` an entity: an HTML page, or its triples by conneg

Every IRI we mint (``https://w3id.org/apparat/id/…``, ``…/ontology#Term``) is
served here under the same path, so a w3id redirect to this server makes
them dereferenceable. Entity triples come straight from the store's quad
index (no query text): the graph of each quad says which source states it.
"""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, abort, current_app, render_template, request
from rdflib import Graph

from apparat.namespaces import BASE, INFERRED_GRAPH, ONTOLOGY_GRAPH
from apparat.terms import to_rdflib

from .ontology_doc import describe_ontology
from .results import graph_response

bp = Blueprint("pages", __name__)
_RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")


def _prefers_html() -> bool:
    offered = ["text/html", "text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml"]
    return request.accept_mimetypes.best_match(offered) == "text/html" and "format" not in request.args


def _store():
    return current_app.extensions["apparat.dataset"].store


@bp.get("/")
def home():
    dataset = current_app.extensions["apparat.dataset"]
    return render_template("home.html", manifest=dataset.manifest, queries=current_app.extensions["apparat.queries"])


@bp.get("/ontology")
def ontology():
    quads = _store().quads_for_pattern(None, None, None, ox.NamedNode(str(ONTOLOGY_GRAPH)))
    graph = Graph()
    for quad in quads:
        graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    if _prefers_html():
        return render_template("ontology.html", doc=describe_ontology(graph))
    return graph_response(graph, request.args.get("format"))


@bp.get("/id/<path:rest>")
def entity(rest: str):
    iri = ox.NamedNode(f"{BASE}id/{rest}")
    quads = sorted(_in_graphs(iri, None, None), key=lambda q: (str(q.predicate), str(q.object)))
    incoming = sorted(_in_graphs(None, None, iri), key=lambda q: (str(q.predicate), str(q.subject)))
    if not quads and not incoming:
        abort(404, description=f"nothing is known about <{iri.value}>")
    if not _prefers_html():
        graph = Graph()
        for quad in quads:
            graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
        return graph_response(graph, request.args.get("format"))
    return render_template(
        "entity.html", iri=iri.value, label=_label(iri),
        statements=[_row(q, q.object) for q in quads], incoming=[_row(q, q.subject) for q in incoming[:500]],
    )


def _in_graphs(s, p, o) -> list:
    """Quads in the data's named graphs (not the store's union copies)."""
    graphs = {g.value for g in current_app.extensions["apparat.dataset"].graph_names}
    return [q for q in _store().quads_for_pattern(s, p, o, None)
            if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value in graphs]


def _label(term) -> str | None:
    if not isinstance(term, ox.NamedNode):
        return None
    for quad in _store().quads_for_pattern(term, _RDFS_LABEL, None, ox.DefaultGraph()):
        return quad.object.value
    return None


def _row(quad, other) -> dict:
    graph = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
    return {
        "predicate": quad.predicate.value,
        "value": other.value if hasattr(other, "value") else str(other),
        "is_iri": isinstance(other, ox.NamedNode),
        "local": _local_link(other),
        "label": _label(other),
        "graph": graph,
        "inferred": graph == str(INFERRED_GRAPH),
    }


def _local_link(term) -> str | None:
    """Our own IRIs link to this server; others stay as they are."""
    if isinstance(term, ox.NamedNode) and term.value.startswith(BASE):
        return "/" + term.value[len(BASE):]
    return term.value if isinstance(term, ox.NamedNode) else None
