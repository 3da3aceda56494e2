"""Running a query for a request and answering it: content negotiation, the
executor pool, truncation and caching headers. Shared by ``/sparql`` and
``/queries/<name>``."""

from __future__ import annotations

import pyoxigraph as ox
from flask import Response, current_app, request

from apparat.errors import NotAcceptable
from apparat.formats import GRAPH_FORMATS, RESULT_FORMATS, Format, find_format, serialize_triples
from apparat.namespaces import PREFIXES
from apparat.sparql import check_query, query_form
from apparat.terms import to_ox


def choose_format(names, offered: tuple[Format, ...]) -> Format:
    """Pick the result format: an explicit ``format`` parameter wins, then the
    ``Accept`` header (werkzeug's parser: q-values, wildcards), then the default.

    Args:
        names: the ``format`` parameter's values (a string, a list, or None);
            the first one that names an offered format is used.

    Raises:
        NotAcceptable: the named format is unknown, or nothing offered is acceptable.
    """
    names = [names] if isinstance(names, str) else [n for n in names or () if n]
    if names:
        for name in names:
            fmt = find_format(name, offered)
            if fmt is not None:
                return fmt
        raise NotAcceptable(f"unknown format {names[0]!r}; offered: {', '.join(f.name for f in offered)}")
    accept = request.accept_mimetypes
    if not accept:
        return offered[0]
    # Our own media types first: an alias (text/xml, application/json) is only
    # chosen when the client names it, never through a wildcard.
    best = accept.best_match([fmt.media_type for fmt in offered])
    if best is None:
        aliases = [alias for fmt in offered for alias in fmt.aliases]
        best = next((a for a in aliases if a in accept.values()), None)
    if best is None:
        offered_types = ", ".join(f.media_type for f in offered)
        raise NotAcceptable(f"none of the Accept types is offered; offered: {offered_types}")
    return find_format(best, offered)


def answer_query(text: str, *, format_name: str | None, infer: bool = True,
                 default_graphs: list[str] | None = None, named_graphs: list[str] | None = None,
                 base_iri: str | None = None) -> Response:
    """Check, run (in the executor pool, under the time limit) and serialize one query.

    Caution: ``text`` is user-supplied SPARQL; the checks here (length,
    nesting, SERVICE allowlist) run before any parser or engine sees it.
    """
    settings = current_app.config["APPARAT"]
    check_query(text, settings)
    offered = GRAPH_FORMATS if query_form(text) == "graph" else RESULT_FORMATS
    fmt = choose_format(format_name, offered)
    executed = current_app.extensions["apparat.executor"].run(
        text, fmt.name, max_rows=settings["max_rows"], infer=infer,
        default_graphs=default_graphs, named_graphs=named_graphs, base_iri=base_iri,
    )
    response = Response(executed.body, mimetype=fmt.media_type)
    if executed.truncated:
        response.headers["X-Apparat-Truncated"] = f"true; limit={settings['max_rows']}"
    response.headers["Vary"] = "Accept"
    return response


def graph_response(graph, format_name: str | None, prefixes: dict[str, str] | None = None) -> Response:
    """Serialize an rdflib graph (descriptions, entity pages) as negotiated; Turtle by default."""
    fmt = choose_format(format_name, GRAPH_FORMATS)
    triples = sorted((ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in graph), key=str)
    response = Response(serialize_triples(triples, fmt.name, prefixes or PREFIXES), mimetype=fmt.media_type)
    response.headers["Vary"] = "Accept"
    return response


def wants_inference(params) -> bool:
    """The ``infer`` request parameter: anything but false/0/no keeps inferred triples."""
    return params.get("infer", "true").lower() not in ("false", "0", "no")
