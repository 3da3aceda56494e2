"""Answering a query for a request: negotiation, the cache, the executor pool, headers.
Shared by ``/sparql`` and ``/queries/<name>``.

The web process only moves bytes: it negotiates a format for either kind of
result (SELECT/ASK and CONSTRUCT/DESCRIBE) and the executor, which learns the
kind by running the query, picks the one that applies.
"""

from __future__ import annotations

import functools
import time

import pyoxigraph as ox
from flask import Response, g, request
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from apparat.errors import NotAcceptable
from apparat.query.executor import QueryRequest
from apparat.query.formats import GRAPH_FORMATS, RESULT_FORMATS, Format, find_format, formats_for, serialize_triples
from apparat.query.sparql import check_query_length
from apparat.terms import to_ox

from .clients import request_client
from .observe import note
from .state import state


def choose_format(names, offered: tuple[Format, ...]) -> Format:
    """Pick the result format: an explicit ``format`` parameter wins, then the
    ``Accept`` header (werkzeug's parser: q-values, wildcards), then the default.

    Args:
        names: the ``format`` parameter's values (a string, a list, or None);
            the first one that names an offered format is used.

    Raises:
        NotAcceptable: the named format is unknown, or nothing offered is acceptable.
    """
    return _choose(names, offered, lambda: request.accept_mimetypes)


def _choose(names, offered: tuple[Format, ...], accepted) -> Format:
    """:func:`choose_format`, with ``accepted()`` giving the parsed ``Accept`` header."""
    names = [names] if isinstance(names, str) else [n for n in names or () if n]
    if names:
        for name in names:
            fmt = find_format(name, offered)
            if fmt is not None:
                return fmt
        raise NotAcceptable(f"unknown format {names[0]!r}; offered: {', '.join(f.name for f in offered)}")
    accept = accepted()
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


def _negotiate(names, offered, accepted) -> tuple[str | None, str]:
    try:
        return _choose(names, offered, accepted).name, ""
    except NotAcceptable as err:
        return None, str(err)


#: Longest ``Accept`` header whose negotiation is remembered (longer ones are negotiated each time).
_REMEMBERED_ACCEPT = 1024


@functools.lru_cache(maxsize=256)
def _negotiated(accept: str | None, names: tuple[str, ...]) -> tuple[tuple[str | None, str], tuple[str | None, str]]:
    """Both negotiations of a request, for a SELECT/ASK result and for a graph: a function of the
    ``Accept`` header and the ``format`` parameters only, so clients that send the same ones (most
    send one Accept for every query) have them parsed and matched once."""
    parsed = parse_accept_header(accept, MIMEAccept)  # what werkzeug's request.accept_mimetypes is
    return _negotiate(names, RESULT_FORMATS, lambda: parsed), _negotiate(names, GRAPH_FORMATS, lambda: parsed)


def negotiate_both(names: list[str]) -> tuple[tuple[str | None, str], tuple[str | None, str]]:
    """(result format, why not) for a SELECT/ASK result and for a graph, as :func:`choose_format`
    would pick them for this request's ``Accept`` header and ``format`` parameters ``names``."""
    accept = request.environ.get("HTTP_ACCEPT")
    if accept is not None and len(accept) > _REMEMBERED_ACCEPT:
        return (_negotiate(names, RESULT_FORMATS, lambda: request.accept_mimetypes),
                _negotiate(names, GRAPH_FORMATS, lambda: request.accept_mimetypes))
    return _negotiated(accept, tuple(names))


def answer_query(text: str, *, format_name, infer: bool = True,
                 default_graphs: list[str] | None = None, named_graphs: list[str] | None = None,
                 base_iri: str | None = None) -> Response:
    """Answer one query: from the cache, or run (in the executor pool, under the deadline).

    Caution: ``text`` is user-supplied SPARQL; only its length is looked at
    here. The executor reads it (nesting, update, SERVICE allowlist) before
    the engine runs it.
    """
    st = state()
    check_query_length(text, st.settings["max_query_length"])
    names = [format_name] if isinstance(format_name, str) else list(format_name or ())
    (result_format, why_not_results), (graph_format, why_not_graph) = negotiate_both(names)
    key = (st.build.etag, text, infer, tuple(default_graphs or ()), tuple(named_graphs or ()), base_iri,
           result_format, graph_format)
    cache = st.cache  # taken once: an answer that ends after the cache was dropped goes into the dropped one
    answer = cache.get(key)
    hit = answer is not None
    trace: dict = {}
    note(query=text, cache="hit" if hit else "miss")
    if not hit:
        req = QueryRequest(text, result_format=result_format, graph_format=graph_format,
                           unacceptable_results=why_not_results, unacceptable_graph=why_not_graph, infer=infer,
                           default_graphs=tuple(default_graphs or ()), named_graphs=tuple(named_graphs or ()),
                           base_iri=base_iri)
        try:
            answer = st.pool.run(req, client=request_client(), started=g.get("started", time.monotonic()),
                                 trace=trace)
        finally:
            note(executor=trace.get("executor"))
        cache.put(key, answer, sum(map(len, answer.chunks)))
    note(format=answer.format, rows=answer.rows)
    fmt = find_format(answer.format, formats_for(answer.kind))
    response = Response(answer.chunks, mimetype=fmt.media_type)
    response.headers["X-Cache"] = "hit" if hit else "miss"
    if answer.rows is not None:
        response.headers["X-Apparat-Rows"] = str(answer.rows)  # also for front-cache hits' log lines
    if answer.truncated:
        response.headers["X-Apparat-Truncated"] = f"true; limit={st.settings['max_rows']}"
    response.headers["Vary"] = "Accept"
    # The build is immutable: its checksum (and the format) is the answer's ETag.
    response.set_etag(f"{st.build.etag}-{fmt.name}", weak=True)
    return response


def graph_response(graph, format_name: str | None, prefixes: dict[str, str] | None = None) -> Response:
    """Serialize an rdflib graph (descriptions, entity pages) as negotiated; Turtle by default."""
    fmt = choose_format(format_name, GRAPH_FORMATS)
    triples = sorted((ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in graph), key=str)
    from apparat.namespaces import PREFIXES

    response = Response(serialize_triples(triples, fmt.name, prefixes or PREFIXES), mimetype=fmt.media_type)
    response.headers["Vary"] = "Accept"
    return response


def wants_inference(params) -> bool:
    """The ``infer`` request parameter: anything but false/0/no keeps inferred triples."""
    return params.get("infer", "true").lower() not in ("false", "0", "no")
