"""Content negotiation for query results, shared by ``/sparql`` and ``/queries/<name>``."""

from __future__ import annotations

from flask import Response, request

from apparat.errors import NotAcceptable
from apparat.formats import Format, find_format


def choose_format(name: str | None, offered: tuple[Format, ...]) -> Format:
    """Pick the result format: an explicit ``format`` parameter wins, then the
    ``Accept`` header (werkzeug's parser: q-values, wildcards), then the default.

    Raises:
        NotAcceptable: the named format is unknown, or nothing offered is acceptable.
    """
    if name:
        fmt = find_format(name, offered)
        if fmt is None:
            raise NotAcceptable(f"unknown format {name!r}; offered: {', '.join(f.name for f in offered)}")
        return fmt
    accept = request.accept_mimetypes
    if not accept:
        return offered[0]
    types = [t for fmt in offered for t in (fmt.media_type, *fmt.aliases)]
    best = accept.best_match(types)
    if best is None:
        offered_types = ", ".join(f.media_type for f in offered)
        raise NotAcceptable(f"none of the Accept types is offered; offered: {offered_types}")
    return find_format(best, offered)


def result_response(result, format_name: str | None, max_rows: int) -> Response:
    """Serialize a query result as negotiated, announcing truncation in a header."""
    fmt = choose_format(format_name, result.formats)
    response = Response(result.serialize(fmt.name), mimetype=fmt.media_type)
    if result.truncated:
        response.headers["X-Apparat-Truncated"] = f"true; limit={max_rows}"
    response.headers["Vary"] = "Accept"
    return response
