"""The SPARQL 1.1 Protocol endpoint at ``/sparql`` (read-only).

Query via GET (``?query=``), POST ``application/x-www-form-urlencoded`` and
POST ``application/sparql-query``. The result format is chosen by a
``format`` parameter if given, else by the ``Accept`` header (parsed by
werkzeug, with q-values and wildcards), else the first format offered.
"""

from __future__ import annotations

from flask import Blueprint, current_app, request

from apparat.errors import QueryRefused, UpdateForbidden
from apparat.sparql import check_query_text, check_service_calls, run_query

from .negotiate import result_response

bp = Blueprint("sparql", __name__)

_FORM = "application/x-www-form-urlencoded"
_DIRECT = "application/sparql-query"
_UPDATE = "application/sparql-update"


# Both spellings are routed: clients differ on the trailing slash and a
# redirect would turn a POST into a GET in some of them.
@bp.route("/sparql", methods=["GET", "POST"])
@bp.route("/sparql/", methods=["GET", "POST"])
def sparql():
    settings = current_app.config["APPARAT"]
    params, text = _read_request()
    check_query_text(text, max_length=settings["max_query_length"], max_depth=settings["max_query_depth"])
    check_service_calls(text, tuple(settings["service_allowlist"].split()))
    result = run_query(
        current_app.extensions["apparat.dataset"],
        text,
        max_rows=settings["max_rows"],
        infer=params.get("infer", "true").lower() not in ("false", "0", "no"),
        default_graphs=params.getlist("default-graph-uri") or None,
        named_graphs=params.getlist("named-graph-uri") or None,
    )
    return result_response(result, params.get("format"), settings["max_rows"])


def _read_request():
    """Return (parameters, query text) for the three protocol forms, or raise."""
    if request.method == "GET":
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
            queries = [request.get_data(as_text=True)]
        elif mimetype == _UPDATE:
            raise UpdateForbidden("SPARQL Update is not allowed: this endpoint is read-only")
        else:
            raise _unsupported_media_type(mimetype)
    if "update" in request.args:
        raise UpdateForbidden("SPARQL Update is not allowed: this endpoint is read-only")
    if len(queries) != 1 or not queries[0].strip():
        raise QueryRefused("send exactly one non-empty 'query' parameter (SPARQL 1.1 Protocol §2.1)")
    return params, queries[0]


def _unsupported_media_type(mimetype: str) -> Exception:
    from werkzeug.exceptions import UnsupportedMediaType

    return UnsupportedMediaType(
        f"POST a query as {_FORM} (with a 'query' field) or as {_DIRECT}; got {mimetype or 'no Content-Type'}"
    )
