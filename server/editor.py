"""The query editor at ``/sparql`` for a browser: YASGUI (npm ``@zazuko/yasgui``),
its files served from the ``editor_dir`` setting under ``/static/yasgui/``, so
no CDN is used at run time. Without those files the page is a plain form.

A browser is a request whose ``Accept`` prefers ``text/html`` to every result
format (a browser's navigation does; ``*/*`` and SPARQL clients do not): it gets
the page, with the ``query`` of the URL filled in (a permalink); everything else
gets the protocol's answer.
"""

from __future__ import annotations

import functools
import re

from flask import Blueprint, abort, current_app, make_response, render_template, request, send_from_directory
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from apparat.namespaces import ONTOLOGY_GRAPH, PREFIXES
from apparat.query.formats import GRAPH_FORMATS, RESULT_FORMATS

from .lookup import select
from .queries import GRAPH_DOWNLOADS, RESULT_DOWNLOADS
from .state import state

bp = Blueprint("editor", __name__)

#: The editor's files the page loads, as the npm package builds them.
EDITOR_FILES = ("yasgui.min.js", "yasgui.min.css")

DEFAULT_QUERY = """SELECT ?organ ?label WHERE {
  ?organ a ap:PartyOrgan ; rdfs:label ?label .
} ORDER BY ?label"""

#: The terms the editor completes: what the ontology declares a class or a property
#: (and the outside terms it builds on: superclasses, superproperties, inverses),
#: and every class and predicate the asserted data uses (org:, prov:, rdfs: …).
_TERMS = f"""SELECT DISTINCT ?kind ?term WHERE {{
  {{ GRAPH <{ONTOLOGY_GRAPH}> {{
      {{ ?term a ?type VALUES (?type ?kind) {{ (owl:Class "class") (rdfs:Class "class")
          (owl:ObjectProperty "property") (owl:DatatypeProperty "property") (owl:AnnotationProperty "property")
          (rdf:Property "property") }} }}
      UNION {{ ?sub rdfs:subClassOf|owl:equivalentClass ?term BIND("class" AS ?kind) }}
      UNION {{ ?sub rdfs:subPropertyOf|owl:inverseOf|owl:equivalentProperty ?term BIND("property" AS ?kind) }} }} }}
  UNION {{ SELECT DISTINCT ?term ("property" AS ?kind) WHERE {{ ?s ?term ?o }} }}
  UNION {{ SELECT DISTINCT ?term ("class" AS ?kind) WHERE {{ ?s a ?term }} }}
  FILTER(isIRI(?term))
}}"""

_DECLARED = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*)?:", re.IGNORECASE)
_USED = re.compile(r"(?<![\w<:/#?.-])([A-Za-z][\w-]*):(?!//)")


def editor_installed() -> bool:
    folder = current_app.config["APPARAT"]["editor_dir"]
    return all((folder / name).is_file() for name in EDITOR_FILES)


def prefers_page() -> bool:
    """True when the request's Accept ranks text/html above every format we answer in."""
    accept = request.environ.get("HTTP_ACCEPT")
    if accept is not None and len(accept) > 1024:  # not remembered (see _prefers_page)
        return _ranks_html_first(request.accept_mimetypes)
    return _prefers_page(accept)


@functools.lru_cache(maxsize=256)
def _prefers_page(accept: str | None) -> bool:
    """:func:`prefers_page` for one ``Accept`` header, remembered: most clients send the same one
    with every request."""
    return _ranks_html_first(parse_accept_header(accept, MIMEAccept))  # = request.accept_mimetypes


def _ranks_html_first(accept) -> bool:
    html = accept["text/html"]
    return html > 0 and all(html > accept[f.media_type] for f in (*RESULT_FORMATS, *GRAPH_FORMATS))


def with_prefixes(text: str) -> str:
    """The query with PREFIX lines for our prefixes it uses and does not declare.

    The endpoint predeclares them, but the editor marks an undeclared prefix as an
    error, so the page shows them declared.

    >>> with_prefixes("SELECT * { ?s a ap:Person }")
    'PREFIX ap: <https://w3id.org/apparat/ontology#>\\nSELECT * { ?s a ap:Person }'
    """
    declared = set(_DECLARED.findall(text))
    used = [p for p in dict.fromkeys(_USED.findall(text)) if p in PREFIXES and p not in declared]
    lines = [f"PREFIX {p}: <{PREFIXES[p]}>" for p in sorted(used)]
    return "\n".join([*lines, text]) if lines else text


def _example_values(saved) -> dict[str, str]:
    """A saved query's example values (``#+ params:`` ``example``, as in the OpenAPI document)."""
    return {p.name: str(p.example) for p in saved.parameters if p.example is not None}


def _example_text(saved) -> str:
    """The saved query as its page runs it with its example values: bound (a ``VALUES`` row), defaults too."""
    return saved.bind(_example_values(saved)) if saved.parameters else saved.text


def _example_name(saved) -> str:
    """``co-members (person=bukharin)``: the name, and the values bound."""
    values = _example_values(saved)
    return f"{saved.name} ({', '.join(f'{k}={v}' for k, v in values.items())})" if values else saved.name


def query_page(query: str | None = None):
    """The editor (or, without its files, the plain form), with ``query`` filled in."""
    examples = [(_example_name(q), q.summary, _example_text(q)) for q in state().saved.values()]
    text = query if query is not None else DEFAULT_QUERY
    if not editor_installed():
        page = render_template("sparql.html", query=text, examples=[(s, t) for _, s, t in examples])
    else:
        page = render_template("sparql_editor.html", query=with_prefixes(text), prefixes=PREFIXES,
                               examples=examples, downloads={"results": RESULT_DOWNLOADS, "graph": GRAPH_DOWNLOADS})
    response = make_response(page)
    response.headers["Vary"] = "Accept"  # the same URL answers SPARQL clients with results
    return response


@bp.route("/static/yasgui/<path:name>")
def editor_file(name: str):
    if not editor_installed():
        abort(404, description="the query editor is not installed here (make setup installs it)")
    return send_from_directory(current_app.config["APPARAT"]["editor_dir"], name, max_age=86400)


@bp.route("/static/yasgui-prefixes.json")
def editor_prefixes():
    """Our prefixes for the editor's PREFIX completion (in place of its bundled list)."""
    return dict(PREFIXES)


@bp.route("/static/yasgui-terms.json")
def editor_terms():
    """Our classes and properties for the editor's completion, read from the build (asserted triples)."""
    found: dict[str, set[str]] = {"class": set(), "property": set()}
    for row in select(_TERMS, infer=False):
        found[row["kind"]].add(row["term"])
    return {"classes": sorted(found["class"]), "properties": sorted(found["property"])}
