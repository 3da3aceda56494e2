"""SELECTs the web pages run for themselves: through the executor pool, under the
request's deadline, answers kept in the response cache (the build is immutable).

Rows come back as plain dicts ``{variable: value}`` (IRIs and literals as their
strings; an unbound variable is absent), which is all a page needs.
"""

from __future__ import annotations

import json
import time

from flask import g, has_request_context

from apparat.namespaces import BASE, PREFIXES
from apparat.query.executor import QueryRequest

from .clients import request_client
from .state import state

#: The PREFIX lines every page query may use.
PROLOGUE = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


def select(text: str, *, infer: bool = True, prologue: bool = True) -> list[dict[str, str]]:
    """The rows of a SELECT (with the prefixes of :data:`PROLOGUE` unless ``prologue`` is false)."""
    st = state()
    query = PROLOGUE + text if prologue else text
    key = ("web-select", st.build.etag, query, infer)
    rows = st.cache.get(key)
    if rows is None:
        client = request_client() if has_request_context() else "web"
        started = g.get("started", time.monotonic()) if has_request_context() else time.monotonic()
        answer = st.pool.run(QueryRequest(query, result_format="json", infer=infer), client=client, started=started)
        body = b"".join(answer.chunks)
        rows = [{k: v["value"] for k, v in b.items()} for b in json.loads(body)["results"]["bindings"]]
        st.cache.put(key, rows, len(body) + 256)
    return rows


def iri(value: str) -> str:
    """``value`` as a SPARQL IRI term (refusing characters an IRI may not hold)."""
    if any(c in value for c in '<>"{}|^`\\ \n\t'):
        raise ValueError(f"not an IRI: {value!r}")
    return f"<{value}>"


def local_link(value: str) -> str | None:
    """Our own IRIs link to this server; others (Wikidata …) stay as they are; literals: None."""
    if value.startswith(BASE):
        return "/" + value[len(BASE):]
    if value.startswith(("http://", "https://")):
        return value
    return None
