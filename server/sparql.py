"""The SPARQL 1.1 Protocol endpoint at ``/sparql`` (read-only).

Query via GET (``?query=``), POST ``application/x-www-form-urlencoded`` and
POST ``application/sparql-query``. The result format is chosen by a
``format`` parameter if given, else by the ``Accept`` header (parsed by
werkzeug, with q-values and wildcards), else the first format offered.
"""

from __future__ import annotations

from flask import Blueprint, request

from apparat.errors import QueryRefused, UpdateForbidden

from .description import DESCRIPTION_PREFIXES, service_description
from .editor import prefers_page, query_page
from .results import answer_query, graph_response, wants_inference
from .state import state

bp = Blueprint("sparql", __name__)

_FORM = "application/x-www-form-urlencoded"
_DIRECT = "application/sparql-query"
_UPDATE = "application/sparql-update"


#: Methods whose query is in the URL: GET, and HEAD, which Flask routes to a GET view and answers with
#: GET's status and headers and no body.
_URL_METHODS = frozenset({"GET", "HEAD"})


# Both spellings are routed: clients differ on the trailing slash and a
# redirect would turn a POST into a GET in some of them.
@bp.route("/sparql", methods=["GET", "POST"])
@bp.route("/sparql/", methods=["GET", "POST"])
def sparql():
    if request.method in _URL_METHODS and "query" not in request.args and "update" not in request.args:
        return describe_service()
    if (request.method in _URL_METHODS and len(request.args.getlist("query")) == 1 and "format" not in request.args
            and "update" not in request.args and prefers_page()):
        return query_page(request.args["query"])  # a permalink opened in a browser
    params, text = _read_request()
    return answer_query(
        text,
        format_name=params.getlist("format"),
        infer=wants_inference(params),
        default_graphs=params.getlist("default-graph-uri") or None,
        named_graphs=params.getlist("named-graph-uri") or None,
        base_iri=request.base_url,
    )


# There is no update service: say so on the path clients try (Fuseki's
# /update, and /sparql/update), whatever the method.
@bp.route("/update", methods=["GET", "POST"])
@bp.route("/sparql/update", methods=["GET", "POST"])
def update():
    raise UpdateForbidden("SPARQL Update is not allowed: this endpoint is read-only (no update service)")


def describe_service():
    """The Service Description (RDF by conneg), or the query page for a browser."""
    if request.accept_mimetypes.best_match(["text/turtle", "text/html"]) == "text/html" and not request.args:
        return query_page()
    graph = service_description(request.base_url.rstrip("/"), state().manifest, state().settings)
    return graph_response(graph, request.args.get("format"), DESCRIPTION_PREFIXES)


def _read_request():
    """Return (parameters, query text) for the three protocol forms, or raise."""
    if request.method in _URL_METHODS:
        params = request.args
        queries = params.getlist("query")
    else:
        mimetype = request.mimetype
        if mimetype == _FORM:
            params = request.form
            queries = params.getlist("query")
            if "update" in params:
                raise UpdateForbidden("SPARQL Update is not allowed: this endpoint is read-only")
        elif mimetype == _DIRECT:
            params = request.args
            queries = [_utf8_body()]
        elif mimetype == _UPDATE:
            raise UpdateForbidden("SPARQL Update is not allowed: this endpoint is read-only")
        else:
            raise _unsupported_media_type(mimetype)
    if "update" in request.args:
        raise UpdateForbidden("SPARQL Update is not allowed: this endpoint is read-only")
    if len(queries) != 1 or not queries[0].strip():
        raise QueryRefused("send exactly one non-empty 'query' parameter (SPARQL 1.1 Protocol §2.1)")
    return params, queries[0]


def _utf8_body() -> str:
    """The body of a direct POST: SPARQL text is UTF-8 (SPARQL 1.1 Protocol §2.1.3)."""
    charset = request.mimetype_params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise _unsupported_media_type(f"{request.mimetype}; charset={charset} (queries must be UTF-8)")
    try:
        return request.get_data().decode("utf-8")
    except UnicodeDecodeError as err:
        raise QueryRefused(f"the query is not valid UTF-8 (byte {err.start})") from None


def _unsupported_media_type(mimetype: str) -> Exception:
    from werkzeug.exceptions import UnsupportedMediaType

    return UnsupportedMediaType(
        f"POST a query as {_FORM} (with a 'query' field) or as {_DIRECT}; got {mimetype or 'no Content-Type'}"
    )
