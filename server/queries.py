"""Saved queries over HTTP: ``/queries`` (list), ``/queries/<name>`` (run),
``/queries/openapi.json`` (an OpenAPI 3.1 description of them all).

A saved query is bound (``apparat.query.saved``) and answered exactly as ``/sparql`` answers a query.
Reserved request parameters (``format``, ``infer``) steer the response; every
other parameter must be one the query declares.

Every answer says which sources it draws on: the sources of the line spans
(``…/source/<id>/lines/<a>-<b>``) its rows name, as ``Link`` headers
(``rel="http://www.w3.org/ns/prov#wasDerivedFrom"``, any format), as the
``link`` member of the SPARQL JSON results' ``head`` and the ``<link>``
elements of the XML results' (both the formats' own place for such IRIs), and
on the page, with each source's title.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlencode

import pyoxigraph as ox
from flask import Blueprint, Response, jsonify, render_template, request, url_for

from apparat import __version__
from apparat.errors import KgError, UnknownQuery
from apparat.namespaces import BASE
from apparat.query.formats import RESULT_FORMATS

from . import charts
from .lookup import iri, select
from .results import answer_query, wants_inference
from .state import state

bp = Blueprint("queries", __name__)
RESERVED = ("format", "infer")
SOURCE = "https://w3id.org/apparat/source/"
_SPAN_RE = re.compile(rb"https://w3id\.org/apparat/source/([a-z0-9][a-z0-9-]*)/lines/\d")
_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"
_SOURCE_TITLES = """PREFIX ap: <https://w3id.org/apparat/ontology#> PREFIX dct: <http://purl.org/dc/terms/>
SELECT ?source ?title WHERE { ?source a ap:Source ; dct:title ?title }"""


def _saved():
    return state().saved


def _wants_html() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "text/html" and request.args.get("format") != "json"


@bp.get("/queries")
@bp.get("/queries/")
def index():
    if _wants_html():  # the page lists no parameter values: it reads none (the JSON reads every query's)
        return render_template("queries.html", queries=_saved().values())
    return jsonify({"queries": [_describe(q) for q in _saved().values()]})


@bp.get("/queries/openapi.json")
def openapi():
    return jsonify(openapi_document(_saved().values(), state().enumerations()))


@bp.get("/queries/<name>")
def run(name: str):
    saved = _saved().get(name)
    if saved is None:
        raise UnknownQuery(f"no saved query {name!r}; known: {', '.join(_saved())}")
    values = {k: v for k, v in request.args.items() if k not in RESERVED}
    if _wants_html():
        return _page(saved, values)
    return with_sources(answer_query(saved.bind(values), format_name=request.args.get("format"),
                                     infer=wants_inference(request.args)))


def sources_in(body: bytes) -> list[str]:
    """The sources whose line spans an answer names (their IRIs, sorted)."""
    return sorted({SOURCE + m.decode() for m in _SPAN_RE.findall(body)})


def with_sources(response: Response) -> Response:
    """The answer, saying which sources it draws on (see the module docstring)."""
    body = response.get_data()
    sources = sources_in(body)
    for source in sources:
        response.headers.add("Link", f'<{source}>; rel="{_DERIVED}"')
    if sources and response.mimetype == "application/sparql-results+json":
        results = json.loads(body)
        results["head"]["link"] = sources
        response.set_data(json.dumps(results, ensure_ascii=False))
    elif sources and response.mimetype == "application/sparql-results+xml" and b"</head>" in body:
        links = "".join(f'<link href="{s}"/>' for s in sources).encode()
        response.set_data(body.replace(b"</head>", links + b"</head>", 1))
    return response


def _source_titles(sources: list[str]) -> list[dict]:
    """Each source with its title (from the catalogue of sources), for the page."""
    if not sources:
        return []
    response = answer_query(_SOURCE_TITLES, format_name="json", infer=False)
    titles = {b["source"]["value"]: b["title"]["value"] for b in json.loads(response.get_data())["results"]["bindings"]}
    return [{"iri": s, "id": s.removeprefix(SOURCE), "title": titles.get(s, "")} for s in sources]


def _page(saved, values: dict[str, str]):
    """The saved query's web page: its form, and its answer as a table (or timeline)."""
    missing = [p.name for p in saved.parameters if p.required and not values.get(p.name)]
    table, error, status, sources, downloads = None, None, 200, [], []
    if not missing:
        try:
            # N-Triples for CONSTRUCT/DESCRIBE, SPARQL JSON for SELECT/ASK: the executor,
            # which runs the query, picks the one of the two that fits its kind.
            response = answer_query(saved.bind(values), format_name=["ntriples", "json"],
                                    infer=wants_inference(request.args))
            if response.mimetype == "application/n-triples":  # the triples as a table
                table, offered = _triples_table(response.get_data()), GRAPH_DOWNLOADS
            else:
                table, offered = _table(json.loads(response.get_data())), RESULT_DOWNLOADS
            table = _shown(table, response.headers.get("X-Apparat-Truncated"))
            sources = _source_titles(sources_in(response.get_data()))
            downloads = _downloads(saved.name, offered)
        except KgError as err:
            error, status = str(err), err.status
    choices = state().enumerations_of(saved.name)
    return render_template("saved_query.html", q=saved, values=values, table=table, error=error, choices=choices,
                           missing=missing, timeline=_timeline(table) if saved.default_view == "Timeline" else None,
                           sources=sources, downloads=downloads), status


#: The most rows of an answer its page draws (the downloads hold them all).
PAGE_ROWS = 500
ID = BASE + "id/"
#: Our IRIs that always have a page here: a source and its line spans (sources_view), a named graph.
_ALWAYS_LOCAL = (BASE + "source/", BASE + "graph/")


def _shown(table: dict, truncated: str | None) -> dict:
    """The table as the page draws it: its first :data:`PAGE_ROWS` rows, ``total`` (the answer's
    rows), ``cut_at`` (the executor's ``max_rows``, when it truncated the answer: header
    ``X-Apparat-Truncated: true; limit=N``), and each IRI cell's ``href``: a line span, a source
    or a graph here; an ``…/id/…`` IRI here only if the build holds it as a subject (else text,
    no link: a CONSTRUCT's minted nodes have no page); any other IRI as itself."""
    rows, total = table["rows"][:PAGE_ROWS], len(table["rows"])
    cut_at = None
    if truncated:
        found = re.search(r"limit=(\d+)", truncated)
        cut_at = int(found[1]) if found else total
    known = _subjects({c["value"] for row in rows for c in row
                       if c and c["type"] == "uri" and c["value"].startswith(ID)})
    for row in rows:
        for c in row:
            if c and c["type"] == "uri":
                value = c["value"]
                if value.startswith(ID):
                    c["href"] = "/" + value.removeprefix(BASE) if value in known else None
                elif value.startswith(_ALWAYS_LOCAL):
                    c["href"] = "/" + value.removeprefix(BASE)
                else:
                    c["href"] = value
    return {**table, "rows": rows, "total": total, "cut_at": cut_at}


def _iri_or_none(value: str) -> str | None:
    """``value`` as a SPARQL IRI term (``lookup.iri``), or None for one no IRI may be."""
    try:
        return iri(value)
    except ValueError:
        return None


def _subjects(iris: set[str]) -> set[str]:
    """Those of ``iris`` the build holds as a subject (of an asserted or inferred triple): one SELECT."""
    if not iris:
        return set()
    values = " ".join(term for term in map(_iri_or_none, sorted(iris)) if term)
    rows = select(f"SELECT ?s WHERE {{ VALUES ?s {{ {values} }} FILTER EXISTS {{ ?s ?p ?o }} }}", prologue=False)
    return {row["s"] for row in rows}


#: The answer's formats the page links, by kind of result: (format name, what a reader calls it).
RESULT_DOWNLOADS = (("json", "JSON"), ("xml", "XML"), ("csv", "CSV"), ("tsv", "TSV"))
GRAPH_DOWNLOADS = (("turtle", "Turtle"), ("ntriples", "N-Triples"), ("jsonld", "JSON-LD"), ("rdfxml", "RDF/XML"))


def _downloads(name: str, offered) -> list[tuple[str, str]]:
    """Links to this answer in each ``offered`` format: the request's parameters (``infer`` too) and ``format``."""
    kept = [(k, v) for k, v in request.args.items(multi=True) if k != "format"]
    path = url_for("queries.run", name=name)
    return [(label, f"{path}?{urlencode([*kept, ('format', fmt)])}") for fmt, label in offered]


def _table(results: dict) -> dict:
    if "boolean" in results:  # ASK: one cell
        return {"columns": ["answer"], "rows": [[{"type": "literal", "value": str(results["boolean"]).lower()}]]}
    columns = results["head"]["vars"]
    rows = [[b.get(c) for c in columns] for b in results["results"]["bindings"]]
    return {"columns": columns, "rows": rows}


def _triples_table(body: bytes) -> dict:
    """An N-Triples answer as a table of subject, predicate and object, cells shaped as in SPARQL JSON results."""
    def cell(term) -> dict:
        if isinstance(term, ox.NamedNode):
            return {"type": "uri", "value": term.value}
        if isinstance(term, ox.BlankNode):
            return {"type": "bnode", "value": term.value}
        found = {"type": "literal", "value": term.value}
        if term.language:
            found["xml:lang"] = term.language
        elif term.datatype.value != _XSD_STRING:
            found["datatype"] = term.datatype.value
        return found

    triples = ox.parse(body, format=ox.RdfFormat.N_TRIPLES)
    rows = [[cell(t.subject), cell(t.predicate), cell(t.object)] for t in triples]
    return {"columns": ["subject", "predicate", "object"], "rows": rows}


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


#: The answer's columns a timeline's bar is labelled by, in this order (else the row's first literal).
_LABEL_COLUMNS = ("label", "personLabel", "organLabel", "role")
_KINDS = {"full member": "full", "candidate member": "candidate"}


def _timeline(table: dict | None):
    """The answer drawn as the person page's timeline (``charts.career_timeline``), or None without dates.

    One bar per row, rows that differ only in their ``source`` merged (each source a link): from
    ``start`` (or a point ``date``) to ``end``, an arrow when a start has no end; a row with neither
    writes its ``dateAsStated`` (or "undated"). A ``role`` of full or candidate membership is drawn as
    the person page draws it, any other grey. The bar is labelled by the row's names.
    """
    if not table or not {"start", "date"} & set(table["columns"]):
        return None
    columns = table["columns"]
    bars: dict[tuple, dict] = {}
    for row in table["rows"]:
        cells = dict(zip(columns, row, strict=True))
        value = {c: (cell or {}).get("value") for c, cell in cells.items()}
        key = tuple(v for c, v in value.items() if c != "source")
        bar = bars.get(key)
        if bar is None:
            names = [value[c] for c in _LABEL_COLUMNS if value.get(c)]
            label = " — ".join(names) or next((c["value"] for c in row if c and c["type"] == "literal"), "")
            start, end, date = value.get("start"), value.get("end"), value.get("date")
            bar = bars[key] = {"label": label, "kind": _KINDS.get(value.get("role") or "", "other"),
                               "heldFrom": start or date, "heldUntil": end or (date if date and not start else None),
                               "start": start, "end": end, "date": date, "asStated": value.get("dateAsStated"),
                               "unbounded": value.get("dateAsStated"), "statement": value.get("statement"),
                               "refs": []}
        source = cells.get("source")
        if source and source.get("href"):
            bar["refs"].append((source["value"], source["href"]))
    if not any(b["heldFrom"] or b["heldUntil"] for b in bars.values()):
        return None
    return charts.career_timeline(list(bars.values()), title="Timeline: one bar per row of the answer")


def _describe(saved) -> dict:
    choices = state().enumerations_of(saved.name)
    return {
        "name": saved.name,
        "summary": saved.summary,
        "description": saved.description,
        "tags": list(saved.tags),
        "defaultView": saved.default_view,
        "url": url_for("queries.run", name=saved.name, _external=False),
        "parameters": [
            {"name": p.name, "type": p.type_name, "required": p.required, "default": p.default,
             "description": p.description, **({"enum": list(p.enum)} if p.enum else {}),
             **({"values": choices[p.name]} if p.name in choices else {})}
            for p in saved.parameters
        ],
    }


def _schema(param) -> dict:
    if param.enum:
        return {"type": "string", "enum": list(param.enum)}
    if param.kind == "integer" or (param.datatype or "").endswith(("#integer", "#gYear")):
        schema = {"type": "integer"}
        if param.minimum is not None:
            schema["minimum"] = param.minimum
        if param.maximum is not None:
            schema["maximum"] = param.maximum
        return schema
    if (param.datatype or "").endswith("#date"):
        return {"type": "string", "format": "date"}
    if param.kind == "iri" and not param.base:
        return {"type": "string", "format": "uri"}
    return {"type": "string", "minLength": 1}


def openapi_document(saved_queries, enumerations: dict | None = None) -> dict:
    """Describe every saved query as a GET operation (OpenAPI 3.1); values of
    ``#+ enumerate:`` parameters are listed as schema examples (others stay valid)."""
    enumerations = enumerations or {}
    media = {f.media_type: {"schema": {"type": "string"}} for f in RESULT_FORMATS}
    media["application/sparql-results+json"] = {"schema": {"type": "object"}}
    errors = {"description": "Error", "content": {"text/plain": {"schema": {"type": "string"}},
                                                   "application/json": {"schema": {"type": "object"}}}}
    paths = {}
    for saved in saved_queries:
        parameters = [
            {
                "name": p.name,
                "in": "query",
                "required": p.required,
                "description": f"{p.description} ({p.type_name})".strip(),
                "schema": {**_schema(p), **({"default": p.default} if p.default is not None else {}),
                           **({"examples": enumerations[saved.name][p.name][:100]}
                              if p.name in enumerations.get(saved.name, {}) else {})},
                **({"example": p.example} if p.example is not None else {}),
            }
            for p in saved.parameters
        ]
        parameters.append({"name": "format", "in": "query", "required": False,
                           "description": "Result format (overrides Accept)",
                           "schema": {"type": "string", "enum": [f.name for f in RESULT_FORMATS]}})
        paths[f"/queries/{saved.name}"] = {
            "get": {
                "operationId": saved.name.replace("-", "_"),
                "summary": saved.summary or saved.name,
                "description": saved.description or saved.summary or saved.name,
                "tags": list(saved.tags),
                "parameters": parameters,
                "responses": {
                    "200": {"description": "SPARQL results", "content": media},
                    "400": errors, "406": errors, "503": errors,
                    # a query with SERVICE: the remote failed (502) or ran past service_timeout (504)
                    "502": errors, "504": errors,
                },
            }
        }
    return {
        "openapi": "3.1.0",
        "info": {"title": "Apparat saved queries", "version": __version__,
                 "description": "Saved SPARQL queries over the Apparat knowledge graph."},
        "paths": paths,
    }
