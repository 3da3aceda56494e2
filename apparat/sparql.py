"""Running one SPARQL query against the built dataset: the single code path
that the HTTP endpoint, saved queries and the CLI share.

Caution: this runs user-supplied SPARQL. It is read-only (pyoxigraph's query
API cannot update), text size and bracket nesting are capped before parsing
(deep nesting overflows oxigraph's stack and kills the process), and
``SERVICE`` is allowed only to allowlisted endpoints, checked before the query
runs (both engines would otherwise call out to any IRI).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib.plugins.sparql.parser import parseUpdate

from .errors import QueryRefused, QuerySyntaxError, ServiceFailed, UpdateForbidden
from .formats import GRAPH_FORMATS, RESULT_FORMATS, serialize_bindings, serialize_boolean, serialize_triples
from .namespaces import ASSERTED_UNION_GRAPH, PREFIXES
from .store import LoadedDataset

_POSITION = re.compile(r"error at (\d+):(\d+): ?(.*)", re.S)
# Strings, IRIs and comments: skipped when counting brackets or looking for keywords.
NON_CODE = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
                   r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*')
_SERVICE = re.compile(r"(?<![?$:\w])SERVICE\b", re.I)
# Keywords, not variables (?from) nor prefixed names (ex:from).
_FORM = re.compile(r"(?<![?$:\w])(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.I)
_FROM = re.compile(r"(?<![?$:\w])FROM\b(?!\s*:)", re.I)


def query_form(text: str) -> str:
    """Return what a query's result will be: "bindings", "boolean" or "graph".

    Read off the first query-form keyword outside strings, IRIs and comments,
    so the response format can be negotiated before the query runs. A text
    with no such keyword is reported as "bindings" (it will fail to parse).

    >>> query_form("PREFIX ex: <http://ex/select#> # ASK me\\nCONSTRUCT WHERE { ?s ?p ?o }")
    'graph'
    """
    match = _FORM.search(NON_CODE.sub(" ", text))
    keyword = match[1].upper() if match else "SELECT"
    return {"SELECT": "bindings", "ASK": "boolean"}.get(keyword, "graph")


def has_dataset_clause(text: str) -> bool:
    """Whether the query names its own dataset (``FROM`` / ``FROM NAMED``)."""
    return bool(_FROM.search(NON_CODE.sub(" ", text)))


@dataclass
class QueryResult:
    """A finished query: SELECT rows, an ASK boolean or CONSTRUCT/DESCRIBE triples."""

    kind: str                                   # "bindings", "boolean" or "graph"
    variables: list[str] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)
    boolean: bool | None = None
    triples: list = field(default_factory=list)
    truncated: bool = False

    @property
    def formats(self):
        """The formats this result can be written in; the first is the default."""
        return GRAPH_FORMATS if self.kind == "graph" else RESULT_FORMATS

    def serialize(self, fmt: str) -> bytes:
        """Write the result in the format named ``fmt`` (one of :attr:`formats`)."""
        if self.kind == "bindings":
            return serialize_bindings(self.variables, self.rows, fmt)
        if self.kind == "boolean":
            return serialize_boolean(bool(self.boolean), fmt)
        return serialize_triples(self.triples, fmt, PREFIXES)


def check_query_text(text: str, *, max_length: int, max_depth: int) -> None:
    """Refuse a query that is too long or nested too deep, before any parser sees it.

    Raises:
        QueryRefused: with the limit that was exceeded.

    >>> check_query_text("SELECT * { { ?s ?p ?o } }", max_length=100, max_depth=5)
    >>> check_query_text("ASK " + "{" * 9 + "}" * 9, max_length=100, max_depth=5)
    Traceback (most recent call last):
    ...
    apparat.errors.QueryRefused: query nests brackets 9 deep; the limit is 5
    """
    if len(text) > max_length:
        raise QueryRefused(f"query is {len(text)} characters long; the limit is {max_length}")
    depth = deepest = 0
    for char in NON_CODE.sub(" ", text):
        if char in "{([":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "})]":
            depth -= 1
    if deepest > max_depth:
        raise QueryRefused(f"query nests brackets {deepest} deep; the limit is {max_depth}")


def check_query(text: str, settings: dict) -> None:
    """Every check a user's query passes before any parser or engine sees it:
    length, nesting, and the ``SERVICE`` allowlist (all from ``settings``)."""
    check_query_text(text, max_length=settings["max_query_length"], max_depth=settings["max_query_depth"])
    check_service_calls(text, tuple(settings["service_allowlist"].split()))


def check_service_calls(text: str, allowlist: tuple[str, ...]) -> None:
    """Refuse ``SERVICE`` to any endpoint outside ``allowlist`` (and to a variable).

    Raises:
        QueryRefused: naming the endpoint that is not allowed.
    """
    if not _SERVICE.search(NON_CODE.sub(" ", text)):
        return
    from rdflib.plugins.sparql import prepareQuery  # only paid for by federated queries

    try:
        algebra = prepareQuery(text, initNs=PREFIXES).algebra
    except Exception as err:  # rdflib's parser disagrees with oxigraph's: refuse, safely
        raise QueryRefused(f"cannot check the SERVICE endpoints of this query: {err}") from None
    for service in algebra_nodes(algebra, "ServiceGraphPattern"):
        endpoint = service["term"]
        if str(endpoint) not in allowlist or endpoint.__class__.__name__ != "URIRef":
            allowed = ", ".join(allowlist) or "none"
            raise QueryRefused(f"SERVICE <{endpoint}> is not allowed; allowed endpoints: {allowed}")


def algebra_nodes(node, name: str):
    """Every node called ``name`` (``BGP``, ``ServiceGraphPattern`` …) in rdflib's query algebra."""
    if getattr(node, "name", None) == name:
        yield node
    children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
    for child in children:
        if isinstance(child, dict | list):
            yield from algebra_nodes(child, name)


def run_query(
    dataset: LoadedDataset,
    text: str,
    *,
    max_rows: int,
    infer: bool = True,
    default_graphs: list[str] | None = None,
    named_graphs: list[str] | None = None,
    substitutions: dict | None = None,
    base_iri: str | None = None,
) -> QueryResult:
    """Run one read-only query and return its (possibly truncated) result.

    Args:
        dataset: the loaded build.
        text: the SPARQL query; validate it with :func:`check_query_text` first.
        max_rows: keep at most this many rows (or triples); more sets ``truncated``.
        infer: False restricts the default graph to asserted triples.
        default_graphs, named_graphs: the protocol's ``default-graph-uri`` and
            ``named-graph-uri``; by default the union of all graphs is the
            default graph and every named graph is available.
        substitutions: variable name -> pyoxigraph term, bound before evaluation.
        base_iri: resolves relative IRIs in the query (the endpoint's URL over
            HTTP; the protocol leaves the choice to the service).

    Raises:
        QuerySyntaxError: the text does not parse (with line and column).
        UpdateForbidden: the text is a SPARQL Update.
    """
    kwargs: dict = {}
    # SPARQL 1.1 Protocol §2.1.4: graphs named in the request override the
    # query's own FROM / FROM NAMED; a query's FROM overrides our default.
    if default_graphs or named_graphs:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graphs or ()]
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs or ()]
    elif has_dataset_clause(text):
        pass
    elif infer:  # the store's default graph holds the union of all graphs (store.py)
        kwargs["default_graph"] = [ox.DefaultGraph()]
        kwargs["named_graphs"] = dataset.graph_names
    else:
        kwargs["default_graph"] = [ox.NamedNode(str(ASSERTED_UNION_GRAPH))]
        kwargs["named_graphs"] = dataset.asserted_graph_names
    if substitutions:
        kwargs["substitutions"] = {ox.Variable(k): v for k, v in substitutions.items()}
    try:
        answer = dataset.store.query(text, prefixes=PREFIXES, base_iri=base_iri, **kwargs)
        return _collect(answer, max_rows)
    except SyntaxError as err:
        raise _syntax_error(text, err) from None
    except OSError as err:  # only SERVICE does I/O in an in-memory store
        raise ServiceFailed(f"a SERVICE endpoint could not be queried: {err}") from None


def _collect(answer, max_rows: int) -> QueryResult:
    if isinstance(answer, ox.QueryBoolean):
        return QueryResult("boolean", boolean=bool(answer))
    if isinstance(answer, ox.QuerySolutions):
        variables = [v.value for v in answer.variables]
        rows = []
        for solution in answer:
            if len(rows) == max_rows:
                return QueryResult("bindings", variables, rows, truncated=True)
            rows.append({v: solution[v] for v in variables if solution[v] is not None})
        return QueryResult("bindings", variables, rows)
    triples = []
    for triple in answer:
        if len(triples) == max_rows:
            return QueryResult("graph", triples=triples, truncated=True)
        triples.append(triple)
    return QueryResult("graph", triples=triples)


def _syntax_error(text: str, err: SyntaxError) -> Exception:
    try:
        parseUpdate(text)
    except Exception:  # not an update either: report oxigraph's parse error
        match = _POSITION.match(str(err.msg))
        if match:
            line, column, message = int(match[1]), int(match[2]), match[3]
            return QuerySyntaxError(f"line {line}, column {column}: {message}", line, column)
        return QuerySyntaxError(str(err.msg))
    return UpdateForbidden(
        "SPARQL Update (INSERT, DELETE, LOAD, CLEAR, CREATE, DROP …) is not allowed: this endpoint is read-only"
    )
