"""One SPARQL query, end to end in the process that evaluates it: check, evaluate, errors.

Caution: this runs user-supplied SPARQL. It is read-only (pyoxigraph's query
API cannot update), the text is capped in length before anything reads it,
and :func:`inspect_query` reads it once, token by token, before the engine
does: bracket nesting is capped (deep nesting overflows oxigraph's stack and
kills the process), SPARQL Update is refused, and every ``SERVICE`` endpoint
must be on the allowlist (both engines would otherwise call out to any IRI).

The token scan is linear in the text (a 100 kB query takes milliseconds, not
the ~50 s of rdflib's parser) and runs inside the executor, under the query's
deadline. It is exact for the queries oxigraph accepts: a ``SERVICE`` keyword
is a token of its own, followed by ``SILENT``, then an IRI, a prefixed name
(expanded with the query's own ``PREFIX``es over ours) or a variable. Anything
else after ``SERVICE`` is refused: the scan fails closed.

This module imports pyoxigraph only, so the executors stay small.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

import pyoxigraph as ox

from ..errors import QueryRefused, QuerySyntaxError, ServiceFailed, ServiceTimeout, UpdateForbidden

_POSITION = re.compile(r"error at (\d+):(\d+): ?(.*)", re.S)
_GATEWAY_ERROR = re.compile(r"Error (\d{3})\b.*? returned by (\S+) with payload:\n(.*)", re.S)
_ESCAPE = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PN_LOCAL = rf"(?:[\w:]|{_ESCAPE})(?:(?:[\w.:\-]|{_ESCAPE})*(?:[\w:\-]|{_ESCAPE}))?"
#: SPARQL's terminals, as far as the checks need them; anything else is one character.
TOKEN = re.compile(
    r"""(?P<ws>\s+)|(?P<comment>\#[^\n]*)"""
    r'''|(?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\''''
    r'''|"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')'''
    r"""|(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)"""
    r"""|(?P<var>[?$][\w\u00b7]+)|(?P<bnode>_:[\w.\-]*[\w\-]|_:\w)|(?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)"""
    # A prefix label of at most 64 characters: an unbounded one would rescan a long run of
    # name characters from every start (quadratic). A longer label lexes as a name and a bare
    # ":local", whose empty prefix is unknown: a SERVICE there is refused, never missed.
    rf"""|(?P<pname>(?:[^\W\d_](?:[\w.\-]{{0,62}}[\w\-])?)?:(?:{_PN_LOCAL})?)"""
    r"""|(?P<number>\d*\.\d+(?:[eE][+-]?\d+)?|\d+\.?\d*[eE][+-]?\d+|\d+)"""
    r"""|(?P<name>[A-Za-z_]\w*)|(?P<punct>.)""",
    re.S,
)
_UPDATE_KEYWORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
_OPEN, _CLOSE = "{([", "})]"


@dataclass(frozen=True)
class Engine:
    """What an executor needs to know to run queries: passed to it at start (no rdflib there).

    Args:
        prefixes: predeclared prefixes (a query may redeclare them).
        service_allowlist: endpoints ``SERVICE`` may call.
        max_depth: deepest bracket nesting accepted.
        max_rows: most rows (or triples) one answer holds.
        max_services: most ``SERVICE`` clauses one query may have.
        service_gateway: the base URL of the federation gateway (``gateway.py``);
            every allowed ``SERVICE`` IRI is rewritten to ``<base>s/<n>``, ``n``
            its place in ``service_allowlist``. Empty: pyoxigraph calls the
            endpoints itself.
        graph_names: every named graph of the data; ``asserted_graph_names``
            without the inferred one; ``asserted_union`` the store's union of
            the asserted graphs (see ``store.py``).
        store_url: a remote store's query endpoint (``remote.py``); empty: the embedded store.
        store_timeout: most seconds one call to that store may take (0: the deadline alone).
    """

    prefixes: dict[str, str]
    service_allowlist: tuple[str, ...]
    max_depth: int
    max_rows: int
    graph_names: tuple[str, ...] = ()
    asserted_graph_names: tuple[str, ...] = ()
    asserted_union: str = "urn:x-apparat:asserted-union"
    max_services: int = 3
    service_gateway: str = ""

    def gateway_url(self, endpoint: str) -> str:
        """The gateway's URL for an allowed endpoint."""
        return f"{self.service_gateway}s/{self.service_allowlist.index(endpoint)}"
    store_url: str = ""
    store_timeout: float = 0.0


@dataclass(frozen=True)
class Shape:
    """What one reading of a query's tokens found.

    ``spans`` holds, for each of ``services``, the (start, end) character span
    of the endpoint's IRI or prefixed name in the text.
    """

    has_dataset_clause: bool = False
    services: tuple[str, ...] = field(default_factory=tuple)
    spans: tuple[tuple[int, int], ...] = field(default_factory=tuple)
    has_graph: bool = True  # a GRAPH pattern (True when not known)


def check_query_length(text: str, max_length: int) -> None:
    """Refuse a query text longer than ``max_length`` characters (O(1); before anything reads it).

    >>> check_query_length("ASK {}", 3)
    Traceback (most recent call last):
    ...
    apparat.errors.QueryRefused: query is 6 characters long; the limit is 3
    """
    if len(text) > max_length:
        raise QueryRefused(f"query is {len(text)} characters long; the limit is {max_length}")


def inspect_query(text: str, engine: Engine, base_iri: str | None = None) -> Shape:
    """Read the query's tokens once: nesting, update, dataset clause, ``SERVICE`` endpoints.

    Raises:
        QueryRefused: nested deeper than ``engine.max_depth``, or a ``SERVICE``
            endpoint off the allowlist (or not an IRI).
        UpdateForbidden: the text is a SPARQL Update.

    >>> e = Engine({"ex": "http://ex/"}, ("http://ex/sparql",), max_depth=5, max_rows=10)
    >>> inspect_query("SELECT * { SERVICE ex:sparql { ?s ?p ?o } }", e).services
    ('http://ex/sparql',)
    >>> inspect_query("PREFIX service: <http://e/> SELECT ?service { ?service service:SERVICE 1 }", e).services
    ()
    >>> inspect_query("ASK " + "{" * 9 + "}" * 9, e)
    Traceback (most recent call last):
    ...
    apparat.errors.QueryRefused: query nests brackets 9 deep; the limit is 5
    """
    tokens = [(m.lastgroup, m.group(), m.span()) for m in TOKEN.finditer(text)
              if m.lastgroup not in ("ws", "comment")]
    depth = deepest = 0
    for kind, value, _span in tokens:
        if kind == "punct":
            if value in _OPEN:
                depth += 1
                deepest = max(deepest, depth)
            elif value in _CLOSE:
                depth -= 1
    if deepest > engine.max_depth:
        raise QueryRefused(f"query nests brackets {deepest} deep; the limit is {engine.max_depth}")
    prefixes, base, start = _prologue(tokens, engine.prefixes, base_iri)
    if start < len(tokens) and tokens[start][0] == "name" and tokens[start][1].upper() in _UPDATE_KEYWORDS:
        raise UpdateForbidden(
            "SPARQL Update (INSERT, DELETE, LOAD, CLEAR, CREATE, DROP …) is not allowed: this endpoint is read-only"
        )
    services, spans, has_from, has_graph = [], [], False, False
    for at in range(start, len(tokens)):
        kind, value, _span = tokens[at]
        if kind != "name":
            continue
        word = value.upper()
        if word == "FROM":
            has_from = True
        elif word == "GRAPH":
            has_graph = True
        elif word == "SERVICE":
            endpoint, span = _endpoint(tokens, at + 1, prefixes, base, engine.service_allowlist)
            services.append(endpoint)
            spans.append(span)
            if len(services) > engine.max_services:
                raise QueryRefused(f"a query may have at most {engine.max_services} SERVICE clauses "
                                   "(setting max_service_calls)")
    return Shape(has_from, tuple(services), tuple(spans), has_graph)


def _prologue(tokens, predeclared: dict[str, str], base: str | None):
    """The query's ``BASE`` and ``PREFIX`` declarations over ours; the index of the first other token."""
    prefixes, at = dict(predeclared), 0
    while at < len(tokens) and tokens[at][0] == "name" and tokens[at][1].upper() in ("BASE", "PREFIX"):
        if tokens[at][1].upper() == "BASE" and at + 1 < len(tokens) and tokens[at + 1][0] == "iri":
            base = _resolve(tokens[at + 1][1][1:-1], base)
            at += 2
        elif at + 2 < len(tokens) and tokens[at + 1][0] == "pname" and tokens[at + 2][0] == "iri":
            prefixes[tokens[at + 1][1].rstrip(":")] = _resolve(tokens[at + 2][1][1:-1], base)
            at += 3
        else:
            break  # malformed: the engine will say where
    return prefixes, base, at


def _resolve(iri: str, base: str | None) -> str:
    return urljoin(base, iri) if base and not re.match(r"[A-Za-z][A-Za-z0-9+.\-]*:", iri) else iri


def _endpoint(tokens, at: int, prefixes, base, allowlist) -> tuple[str, tuple[int, int]]:
    if at < len(tokens) and tokens[at][0] == "name" and tokens[at][1].upper() == "SILENT":
        at += 1
    kind, value, span = tokens[at] if at < len(tokens) else ("end", "", (0, 0))
    allowed = ", ".join(allowlist) or "none"
    if kind == "iri":
        endpoint = _resolve(value[1:-1], base)
    elif kind == "pname" and value.split(":", 1)[0] in prefixes:
        prefix, local = value.split(":", 1)
        endpoint = prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)
    else:
        raise QueryRefused(f"SERVICE {value or '(nothing)'} is not allowed: the endpoint must be one of: {allowed}")
    if endpoint not in allowlist:
        raise QueryRefused(f"SERVICE <{endpoint}> is not allowed; allowed endpoints: {allowed}")
    return endpoint, span


def through_gateway(text: str, shape: Shape, engine: Engine) -> tuple[str, list[tuple[int, int]]]:
    """The query with each ``SERVICE`` endpoint replaced by its gateway URL.

    Returns:
        The new text, and for each replacement (its end in the new text, the
        characters it added) to map an error position back to the original.

    >>> e = Engine({}, ("http://ex/sparql",), 9, 9, service_gateway="http://127.0.0.1:1/t/")
    >>> q = "SELECT * { SERVICE <http://ex/sparql> { ?s ?p ?o } }"
    >>> through_gateway(q, inspect_query(q, e), e)[0]
    'SELECT * { SERVICE <http://127.0.0.1:1/t/s/0> { ?s ?p ?o } }'
    """
    if not engine.service_gateway or not shape.services or engine.store_url:
        return text, []  # a remote store makes its SERVICE calls itself (it may not reach our gateway)
    parts, shifts, last, added = [], [], 0, 0
    for endpoint, (start, end) in zip(shape.services, shape.spans, strict=True):
        replacement = f"<{engine.gateway_url(endpoint)}>"
        parts += [text[last:start], replacement]
        added += len(replacement) - (end - start)
        shifts.append((end + added, len(replacement) - (end - start)))
        last = end
    parts.append(text[last:])
    return "".join(parts), shifts


def service_error(err: Exception, engine: Engine, bad_answer: bool = False) -> ServiceFailed:
    """A failed ``SERVICE`` call as a :class:`ServiceFailed` that names the real endpoint.

    pyoxigraph reports a non-200 answer as ``Error 504 … returned by <url> with
    payload: …``; from the gateway, the payload is the gateway's own message
    (endpoint and limit), and a 504 there is a :class:`ServiceTimeout`.
    """
    message = str(err)
    if engine.service_gateway:
        found = _GATEWAY_ERROR.search(message)
        if found and found[2].startswith(engine.service_gateway):
            cls = ServiceTimeout if found[1] == "504" else ServiceFailed
            return cls(f"a SERVICE endpoint could not be queried: {_endpoints_named(found[3].strip(), engine)}")
        message = _endpoints_named(message, engine)
    if bad_answer:
        return ServiceFailed(f"a SERVICE endpoint sent a bad answer: {message}")
    return ServiceFailed(f"a SERVICE endpoint could not be queried: {message}")


def _endpoints_named(message: str, engine: Engine) -> str:
    """``message`` with every gateway URL replaced by the endpoint it stands for (no token shown)."""
    for index in reversed(range(len(engine.service_allowlist))):  # s/10 before s/1
        message = message.replace(f"{engine.service_gateway}s/{index}", engine.service_allowlist[index])
    return message


def evaluate(
    store: ox.Store,
    engine: Engine,
    text: str,
    *,
    infer: bool = True,
    default_graphs: list[str] | None = None,
    named_graphs: list[str] | None = None,
    substitutions: dict | None = None,
    base_iri: str | None = None,
):
    """Check and evaluate one read-only query; return pyoxigraph's (lazy) answer.

    Args:
        store: the opened build (``store.open_store``).
        engine: limits, prefixes, allowlist and graph names.
        text: the SPARQL query (its length already checked).
        infer: False restricts the default graph to asserted triples.
        default_graphs, named_graphs: the protocol's ``default-graph-uri`` and
            ``named-graph-uri``; by default the union of all graphs is the
            default graph and every named graph is available.
        substitutions: variable name -> pyoxigraph term, bound before evaluation.
        base_iri: resolves relative IRIs in the query (the endpoint's URL over HTTP).

    Returns:
        ``QuerySolutions``, ``QueryBoolean`` or ``QueryTriples``: the result's
        kind is what the engine found, never a guess from the text.

    Raises:
        QuerySyntaxError: the text does not parse (with line and column).
        UpdateForbidden, QueryRefused: see :func:`inspect_query`.
    """
    shape = inspect_query(text, engine, base_iri)
    kwargs: dict = {}
    # SPARQL 1.1 Protocol §2.1.4: graphs named in the request override the
    # query's own FROM / FROM NAMED; a query's FROM overrides our default.
    if default_graphs or named_graphs:
        kwargs["default_graph"] = [_graph_iri(g, "default-graph-uri") for g in default_graphs or ()]
        kwargs["named_graphs"] = [_graph_iri(g, "named-graph-uri") for g in named_graphs or ()]
    elif shape.has_dataset_clause:
        pass
    elif infer and not shape.has_graph and not engine.store_url:
        pass  # the embedded store's own default graph is the union (store.py), and no GRAPH
        # pattern would see the named graphs: no dataset to give (16 µs of a point lookup)
    elif infer:  # named_graphs keeps the store's asserted union out of GRAPH ?g
        kwargs["default_graph"] = [ox.DefaultGraph()]
        kwargs["named_graphs"] = _named_nodes(tuple(engine.graph_names))
    else:
        kwargs["default_graph"] = [ox.NamedNode(engine.asserted_union)]
        kwargs["named_graphs"] = _named_nodes(tuple(engine.asserted_graph_names))
    if substitutions:
        kwargs["substitutions"] = {ox.Variable(k): v for k, v in substitutions.items()}
    sent, shifts = through_gateway(text, shape, engine)
    try:
        return store.query(sent, prefixes=engine.prefixes, base_iri=base_iri, **kwargs)
    except SyntaxError as err:
        raise syntax_error(err, sent, shifts) from None
    except OSError as err:  # only SERVICE does I/O in a read-only store
        raise service_error(err, engine) from None


@functools.lru_cache(maxsize=8)
def _named_nodes(graphs: tuple[str, ...]) -> tuple[ox.NamedNode, ...]:
    """The graphs as pyoxigraph terms, made once per executor (the engine never changes)."""
    return tuple(ox.NamedNode(g) for g in graphs)


def _graph_iri(value: str, parameter: str) -> ox.NamedNode:
    """A graph the request names (``default-graph-uri``, ``named-graph-uri``), or QueryRefused.

    >>> _graph_iri("", "default-graph-uri")
    Traceback (most recent call last):
    ...
    apparat.errors.QueryRefused: default-graph-uri '' is not an absolute IRI (No scheme found in an absolute IRI)
    """
    try:
        return ox.NamedNode(value)
    except ValueError as err:
        raise QueryRefused(f"{parameter} {value[:200]!r} is not an absolute IRI ({err})") from None


def syntax_error(err: SyntaxError, sent: str = "", shifts=()) -> QuerySyntaxError:
    """oxigraph's parse error as a :class:`QuerySyntaxError` with line and column
    (of the text as the client sent it, before :func:`through_gateway`)."""
    match = _POSITION.match(str(err.msg))
    if match:
        line, column, message = int(match[1]), int(match[2]), match[3]
        if shifts:
            line, column = _unshift(sent, shifts, line, column)
        return QuerySyntaxError(f"line {line}, column {column}: {message}", line, column)
    return QuerySyntaxError(str(err.msg))


def _unshift(sent: str, shifts, line: int, column: int) -> tuple[int, int]:
    """A (line, column) of the rewritten text as one of the original (replacements hold no newline)."""
    starts = [0] + [m.end() for m in re.finditer("\n", sent)]
    if not 1 <= line <= len(starts):
        return line, column
    offset = starts[line - 1] + column - 1
    moved = sum(added for end, added in shifts if end <= offset and end > starts[line - 1])
    return line, column - moved
