"""Downloads by graph: the read side of the SPARQL 1.1 Graph Store HTTP Protocol
at ``/data``, and the whole dataset as TriG at ``/dataset.trig``.

``GET /data?graph=<iri>`` answers one named graph, ``GET /data?default`` the
default graph (the union of all graphs, as ``/sparql`` sees it, each triple
once), each in the triple format negotiated (Turtle by default; ``format=``
as on ``/sparql``); ``GET /data`` with neither answers the whole dataset as
quads (N-Quads or TriG), as Fuseki does. An unknown graph is a 404; asking
for both or for a quad format of one graph is a 400 or 406. The store is
read-only: any other method is a 405 (Flask's).

The answers are cut from the build's ``dataset.nq`` (pyoxigraph parses and
serializes it natively, about half a second for the whole dump) and kept per
process and build for the few graphs there are, so a second download is a
copy from memory. Prefixes are ours, so a Turtle download reads like the
ontology.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import datetime

import pyoxigraph as ox
from flask import Blueprint, Response, abort, request

from apparat.errors import NotAcceptable
from apparat.namespaces import PREFIXES
from apparat.query.formats import GRAPH_FORMATS, serialize_triples

from .results import choose_format
from .state import state

bp = Blueprint("graph_store", __name__)

#: Formats of one graph (triples) and of the dataset (quads).
TRIPLE_FORMATS = tuple(f for f in GRAPH_FORMATS if f.name not in ("nquads", "trig"))
QUAD_FORMATS = tuple(f for f in GRAPH_FORMATS if f.name in ("nquads", "trig"))
#: Serialized answers kept per process: (etag, graph or "", format) -> bytes.
KEEP = 8

_lock = threading.Lock()
_kept: OrderedDict[tuple[str, str, str], bytes] = OrderedDict()


def _quads():
    return ox.parse(path=str(state().build.dump_file()), format=ox.RdfFormat.N_QUADS)


def _serialize(graph: str | None, fmt: str) -> bytes:
    """The named graph ``graph``, the default graph (``""``) or the dataset (None) as ``fmt``."""
    if graph is None:
        quads = sorted(_quads(), key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)))
        return ox.serialize(quads, format=ox.RdfFormat.TRIG if fmt == "trig" else ox.RdfFormat.N_QUADS,
                            **({"prefixes": PREFIXES} if fmt == "trig" else {}))
    if graph:
        triples = {q.triple for q in _quads() if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value == graph}
    else:
        triples = {q.triple for q in _quads()}
    return serialize_triples(sorted(triples, key=str), fmt, PREFIXES)


_sizes: dict[str, int] = {}


def union_size() -> int:
    """Distinct triples in the default graph (the union of every graph), per build; for VoID."""
    etag = state().build.etag
    if "union_triples" in state().manifest:  # a remote store's build says (upload.py counted it)
        return state().manifest["union_triples"]
    if etag not in _sizes:
        count = len({q.triple for q in _quads()})
        with _lock:
            _sizes.clear()
            _sizes[etag] = count
    return _sizes[etag]


def _body(graph: str | None, fmt: str) -> bytes:
    key = (state().build.etag, "\0" if graph is None else graph, fmt)
    with _lock:
        if key in _kept:
            _kept.move_to_end(key)
            return _kept[key]
    body = _serialize(graph, fmt)
    with _lock:
        _kept[key] = body
        while len(_kept) > KEEP:
            _kept.popitem(last=False)
    return body


def _answer(graph: str | None, offered, filename: str) -> Response:
    fmt = choose_format(request.args.getlist("format") or None, offered)
    response = Response(_body(graph, fmt.name), mimetype=fmt.media_type)
    response.headers["Content-Disposition"] = f"inline; filename={filename}.{_EXTENSIONS[fmt.name]}"
    response.vary.add("Accept")
    response.set_etag(f"{state().build.etag}-{filename}-{fmt.name}")
    response.last_modified = datetime.fromisoformat(state().manifest["built_at"])
    return response.make_conditional(request)


_EXTENSIONS = {"turtle": "ttl", "ntriples": "nt", "jsonld": "jsonld", "rdfxml": "rdf", "nquads": "nq", "trig": "trig"}


@bp.get("/data")
def graph_store():
    named = request.args.getlist("graph")
    default = "default" in request.args
    if len(named) + default > 1:
        abort(400, description="name one graph: either graph=<iri> or default, once")
    if default:
        return _answer("", TRIPLE_FORMATS, "default")
    if named:
        graph = named[0]
        if graph not in state().manifest["graphs"]:
            abort(404, description=f"no graph <{graph}> in this build; /.well-known/void lists the graphs")
        try:
            return _answer(graph, TRIPLE_FORMATS, graph.rstrip("/").rsplit("/", 1)[-1])
        except NotAcceptable as err:
            raise NotAcceptable(f"{err} (a graph is triples; the whole dataset, GET /data without graph=, "
                                "comes as N-Quads or TriG)") from None
    return _answer(None, QUAD_FORMATS, "apparat")


@bp.get("/dataset.trig")
def dataset_trig():
    """The whole dataset as TriG (the same quads as ``/dataset.nq``)."""
    body = _body(None, "trig")
    response = Response(body, mimetype="application/trig")
    response.headers["Content-Disposition"] = "inline; filename=apparat.trig"
    response.set_etag(f"{state().build.etag}-trig")
    response.last_modified = datetime.fromisoformat(state().manifest["built_at"])
    return response.make_conditional(request)
