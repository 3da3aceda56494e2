"""Human and machine views of the graph's own IRIs.

- ``/``                the home page
- ``/ontology``        the ontology: generated HTML documentation for browsers,
                       the ontology graph (Turtle, JSON-LD …) for machines
- ``/id/<kind>/<slug>`` an entity: an HTML page, or its triples by conneg

Every IRI we mint (``https://w3id.org/apparat/id/…``, ``…/ontology#Term``) is
served here under the same path, so a w3id redirect to this server makes
them dereferenceable. Entity triples come straight from the store's quad
index (no query text, through an executor): the graph of each quad says which source states it.
"""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, abort, g, render_template, request
from rdflib import Graph

from apparat.namespaces import BASE, INFERRED_GRAPH, ONTOLOGY_GRAPH
from apparat.query.executor import QuadsRequest
from apparat.terms import to_rdflib

from .clients import request_client
from .limits import BadEncoding
from .lookup import iri as sparql_iri
from .ontology_doc import describe_ontology
from .results import graph_response
from .state import state

bp = Blueprint("pages", __name__)
_RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")


def _prefers_html() -> bool:
    offered = ["text/html", "text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml"]
    return request.accept_mimetypes.best_match(offered) == "text/html" and "format" not in request.args


def _quads(*patterns) -> list[list[ox.Quad]]:
    """Quads matching each pattern (terms or None; ``"DEFAULT"`` for the default graph), from an executor."""
    def term(t):
        return None if t is None else t if isinstance(t, str) else str(t)

    st = state()
    asked = tuple(tuple(term(t) for t in p) for p in patterns)
    key = ("web-quads", st.build.etag, asked)  # the build is immutable: kept like a page's SELECTs
    chunks = st.cache.get(key)
    if chunks is None:
        answer = st.pool.run(QuadsRequest(asked, limit=2000), client=request_client(),
                             started=g.get("started"))
        chunks = list(answer.chunks)
        st.cache.put(key, chunks, sum(map(len, chunks)) + 256)
    return [list(ox.parse(chunk, format=ox.RdfFormat.N_QUADS)) for chunk in chunks]


@bp.get("/")
def home():
    from .search import way_in

    st = state()
    return render_template("home.html", manifest=st.manifest, queries=st.saved, **way_in())


def _ontology_graph() -> Graph:
    (quads,) = _quads((None, None, None, ox.NamedNode(str(ONTOLOGY_GRAPH))))
    graph = Graph()
    for quad in quads:
        graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    return graph


@bp.get("/ontology")
def ontology():
    if _prefers_html():
        # Described once per build and process (the build is immutable): ~0.1 s of rdflib work.
        st = state()
        key = ("ontology-doc", st.build.etag)
        doc = st.cache.get(key)
        if doc is None:
            doc = describe_ontology(_ontology_graph())
            st.cache.put(key, doc, 256 * 1024)
        return render_template("ontology.html", doc=doc)
    return graph_response(_ontology_graph(), request.args.get("format"))


@bp.get("/id/<path:rest>")
def entity(rest: str):
    return _describe(_own_iri(f"id/{rest}"))


@bp.get("/source/<path:rest>")
def source(rest: str):
    """A source (``/source/rogovin-1992``) or one of its line spans (``…/lines/573-575``)."""
    _own_iri(f"source/{rest}")
    if _prefers_html():
        from .sources_view import source_page

        return source_page(rest)
    return _describe(ox.NamedNode(f"{BASE}source/{rest}"))


def _own_iri(path: str) -> ox.NamedNode:
    """The IRI ``<base><path>`` that the request's path names, or the client error saying why it names none.

    A path is percent-decoded before it gets here, so it may hold what no IRI may (RFC 3987): bytes
    that are not UTF-8 (``%FF``: a malformed request, ``400``, as :mod:`.limits` answers for a query
    string) or a space, ``<``, ``"`` … (``%20``, ``%3C``: no IRI of ours, ``404``). Both are refused here,
    before pyoxigraph or a query sees them: they are the client's mistake, not our ``500``.
    """
    raw = request.environ.get("PATH_INFO", "")
    try:
        raw.encode("latin-1").decode("utf-8")  # WSGI gives the decoded bytes as latin-1 (PEP 3333)
    except UnicodeEncodeError:
        pass  # not PEP 3333's form: the U+FFFD test below still holds
    except UnicodeDecodeError as err:
        raise BadEncoding(f"the path is not valid UTF-8: byte {err.start} (0x{raw.encode('latin-1')[err.start]:02x})"
                          " of the percent-decoded path") from None
    if "\ufffd" in path:
        # The ASGI front (server.front) and werkzeug's test client hand over the path already decoded, a
        # byte that is not UTF-8 replaced by U+FFFD, which no IRI holds either.
        raise BadEncoding("the path is not valid UTF-8 (it holds U+FFFD, which stands for bytes that are not)")
    value = BASE + path
    try:
        sparql_iri(value)
        return ox.NamedNode(value)
    except ValueError:
        bad = next((c for c in path if not _iri_char(c)), None)
        why = (f"it holds {bad!r} (U+{ord(bad):04X}), which an IRI may not hold" if bad
               else "a '%' in an IRI begins an escape such as %20")
        abort(404, description=f"/{path} names no IRI: {why} (RFC 3987), so nothing is known about it; "
                               "the entities are listed at /browse")


def _iri_char(char: str) -> bool:
    """Whether an IRI may hold ``char`` ("%" may, as the start of an escape)."""
    try:
        sparql_iri(BASE + char + ("20" if char == "%" else ""))
        ox.NamedNode(BASE + char + ("20" if char == "%" else ""))
    except ValueError:
        return False
    return True


def _describe(iri: ox.NamedNode):
    graphs = set(state().build.graph_names)
    outgoing, incoming = (
        [q for q in found if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value in graphs]
        for found in _quads((iri, None, None, None), (None, None, iri, None)))
    quads = sorted(outgoing, key=lambda q: (str(q.predicate), str(q.object)))
    incoming = sorted(incoming, key=lambda q: (str(q.predicate), str(q.subject)))[:500]
    if not quads and not incoming:
        abort(404, description=f"nothing is known about <{iri.value}>")
    if not _prefers_html():
        graph = Graph()
        for quad in quads:
            graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
        return graph_response(graph, request.args.get("format"))
    if iri.value.startswith(f"{BASE}id/"):
        from .entity_view import render

        return render(iri.value, quads, incoming)
    labels = _labels({iri, *(q.object for q in quads), *(q.subject for q in incoming)})
    return render_template(
        "entity.html", iri=iri.value, label=labels.get(iri.value),
        statements=[_row(q, q.object, labels) for q in quads],
        incoming=[_row(q, q.subject, labels) for q in incoming],
    )


def _labels(terms) -> dict[str, str]:
    """An ``rdfs:label`` (from the union default graph) for each IRI among ``terms``."""
    iris = sorted({t.value for t in terms if isinstance(t, ox.NamedNode)})
    found = _quads(*((ox.NamedNode(i), _RDFS_LABEL, None, "DEFAULT") for i in iris))
    return {iri: quads[0].object.value for iri, quads in zip(iris, found, strict=True) if quads}


def _row(quad, other, labels: dict[str, str]) -> dict:
    graph = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
    return {
        "predicate": quad.predicate.value,
        "value": other.value if hasattr(other, "value") else str(other),
        "is_iri": isinstance(other, ox.NamedNode),
        "local": _local_link(other),
        "label": labels.get(other.value) if isinstance(other, ox.NamedNode) else None,
        "graph": graph,
        "inferred": graph == str(INFERRED_GRAPH),
    }


def _local_link(term) -> str | None:
    """Our own IRIs link to this server; others stay as they are."""
    if isinstance(term, ox.NamedNode) and term.value.startswith(BASE):
        return "/" + term.value[len(BASE):]
    return term.value if isinstance(term, ox.NamedNode) else None
