"""Sources you can click, and graphs that dereference.

- ``/source/<id>`` (browser): the source's kind, author, title, description,
  reliability note, how many statements cite it (by class) and every line span
  they cite.
- ``/source/<id>/lines/<a>-<b>`` (browser): the citation, every statement that
  cites the span (``prov:wasDerivedFrom``, or ``ap:datedBy`` for a date taken
  from it) and, when the server is given the corpus folder (setting
  ``corpus_dir``, ``APPARAT_CORPUS_DIR``), the lines themselves with three lines
  either side, read from the source's file (``ap:fileName``) at request time —
  never stored in the repository or the build.
- ``/graph/<name>``: a page about a named graph (what it holds, its triple
  count, its source); for machines its VoID description.

The RDF views of ``/source/…`` stay as :mod:`server.pages` serves them.
"""

from __future__ import annotations

import re
from pathlib import Path

from flask import Blueprint, abort, render_template, request
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF

from apparat.namespaces import BASE, INFERRED_GRAPH, PREFIXES, shorten

from .entity_view import labels_of, predicate_labels, span_label
from .lookup import iri as sparql_iri
from .lookup import local_link, select
from .results import graph_response
from .state import state

bp = Blueprint("sources", __name__)
VOID = Namespace("http://rdfs.org/ns/void#")
_LINES = re.compile(r"([a-z0-9][a-z0-9-]*)/lines/(\d+)-(\d+)")
_CONTEXT = 3
_MAX_SPAN = 400

_GRAPH_NOTES = {
    "ontology": "The hand-written OWL 2 RL ontology: classes, properties, roles, their labels and comments.",
    "inferred": "The OWL 2 RL closure of everything else, computed at build time and kept apart from what the "
                "sources state.",
    "sources": "The sources themselves: titles, kinds, authors, reliability notes.",
    "conflicts": "Where statements of the sources cannot both hold (ap:Conflict), found by the rules of "
                 "queries/rules/, and where they agree (ap:corroborates).",
    "links": "Links to Wikidata items (skos:exactMatch), each established by known-ids.tsv.",
    "gazetteer": "Every entity the sources name: its class, names and spelling variants, parent organ, level.",
}


def source_page(rest: str):
    """The HTML page of a source or of one of its line spans (``rest`` as in ``/source/<rest>``)."""
    found = _LINES.fullmatch(rest)
    if found:
        source_id, a, b = found.group(1), int(found.group(2)), int(found.group(3))
        return _lines_page(source_id, a, b)
    if "/" in rest:
        abort(400, description="a line span is /source/<id>/lines/<first>-<last>, e.g. "
                               "/source/rogovin-1992/lines/6867-6867")
    return _source(rest)


def _facts(iri: str) -> dict[str, list[str]]:
    facts: dict[str, list[str]] = {}
    for row in select(f"SELECT ?p ?o WHERE {{ {sparql_iri(iri)} ?p ?o }}", infer=False):
        facts.setdefault(shorten(row["p"]), []).append(row["o"])
    return facts


def _source(source_id: str):
    iri = f"{BASE}source/{source_id}"
    facts = _facts(iri)
    if not facts:
        abort(404, description=f"no source {source_id!r}; the sources are listed at /browse/sources")
    ref = sparql_iri(iri)
    by_class = select(f"""SELECT ?type (COUNT(DISTINCT ?x) AS ?n) WHERE {{
      ?loc ap:inSource {ref} . ?x prov:wasDerivedFrom ?loc . ?x a ?type }} GROUP BY ?type ORDER BY DESC(?n)""",
                      infer=False)
    total = select(f"""SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{
      ?loc ap:inSource {ref} . ?x prov:wasDerivedFrom ?loc }}""", infer=False)
    spans = select(f"""SELECT ?loc ?a ?b (COUNT(DISTINCT ?x) AS ?n) WHERE {{
      ?loc ap:inSource {ref} ; ap:lineStart ?a ; ap:lineEnd ?b . ?x prov:wasDerivedFrom ?loc }}
      GROUP BY ?loc ?a ?b""", infer=False)
    spans.sort(key=lambda r: (int(r["a"]), int(r["b"])))
    labels = labels_of(r["type"] for r in by_class)
    graph = f"{BASE}graph/source/{source_id}"
    return render_template(
        "source.html", iri=iri, source_id=source_id, facts=facts, total=int(total[0]["n"]) if total else 0,
        by_class=[(labels.get(r["type"], shorten(r["type"])), int(r["n"])) for r in by_class],
        spans=[(span_label(r["loc"]), local_link(r["loc"]), int(r["n"])) for r in spans],
        graph=graph if graph in state().build.graph_names else None,
        triples=state().manifest["graphs"].get(graph, 0), corpus=_corpus_file(facts) is not None,
    )


def _corpus_file(facts: dict[str, list[str]]) -> Path | None:
    folder = state().settings.get("corpus_dir")
    names = facts.get("ap:fileName") or []
    if not folder or not names or "/" in names[0] or "\\" in names[0]:
        return None
    path = Path(folder) / names[0]
    return path if path.is_file() else None


def _lines_page(source_id: str, a: int, b: int):
    if a < 1 or b < a:
        abort(400, description=f"lines {a}-{b}: the first line must be at least 1 and not after the last")
    if b - a > _MAX_SPAN:
        abort(400, description=f"a span is at most {_MAX_SPAN} lines")
    iri = f"{BASE}source/{source_id}/lines/{a}-{b}"
    source = f"{BASE}source/{source_id}"
    citing = select(f"""SELECT ?x ?via ?type ?about ?property ?value ?kind ?member ?organ WHERE {{
      VALUES ?via {{ prov:wasDerivedFrom ap:datedBy }} ?x ?via {sparql_iri(iri)} .
      OPTIONAL {{ ?x a ?type }} OPTIONAL {{ ?x ap:about ?about }} OPTIONAL {{ ?x ap:property ?property }}
      OPTIONAL {{ ?x ap:value ?value }} OPTIONAL {{ ?x ap:statementKind ?kind }}
      OPTIONAL {{ ?x org:member ?member }} OPTIONAL {{ ?x org:organization ?organ }} }}""", infer=False)
    known = select(f"SELECT ?s WHERE {{ {sparql_iri(iri)} ap:inSource ?s }}", infer=False)
    if not known and not citing:
        abort(404, description=f"no statement cites {source_id} lines {a}-{b}; "
                               f"the spans its statements cite are listed at /source/{source_id}")
    facts = _facts(source)
    statements: dict[str, dict] = {}
    for row in citing:
        item = statements.setdefault(row["x"], {"iri": row["x"], "via": shorten(row["via"]), "types": set(),
                                                "values": set(), **{k: row.get(k) for k in
                                                                    ("about", "property", "kind", "member", "organ")}})
        if row.get("type"):
            item["types"].add(row["type"])
        if row.get("value"):
            item["values"].add(row["value"])
    labels = labels_of({*(s["iri"] for s in statements.values()),
                        *(t for s in statements.values() for t in s["types"]),
                        *(s[k] for s in statements.values() for k in ("about", "member", "organ") if s.get(k))})
    plabels = predicate_labels()
    rows = []
    for item in statements.values():
        what = [f'{plabels.get(item["property"]) or shorten(item["property"])}: {", ".join(sorted(item["values"]))}'
                if item.get("property") else "", item.get("kind") or ""]
        rows.append({
            "link": local_link(item["iri"]), "label": labels.get(item["iri"]) or shorten(item["iri"]),
            "types": sorted(labels.get(t) or shorten(t) for t in item["types"]), "via": item["via"],
            "what": " · ".join(w for w in what if w),
            "related": [(labels.get(item[k], shorten(item[k])), local_link(item[k]))
                        for k in ("about", "member", "organ") if item.get(k)],
        })
    rows.sort(key=lambda r: (r["types"], r["label"]))
    lines, note = None, None
    path = _corpus_file(facts)
    if path is None:
        note = ("The lines themselves are shown when the server is given the corpus folder "
                "(APPARAT_CORPUS_DIR); this one has none, or not this source's file.")
    else:
        with path.open(encoding="utf-8") as handle:
            text = handle.read().splitlines()
        if b > len(text):
            note = f"the file has {len(text)} lines; this span ends after it"
        else:
            shown = range(max(1, a - _CONTEXT), min(len(text), b + _CONTEXT) + 1)
            lines = [(n, text[n - 1], a <= n <= b) for n in shown]
    title = (facts.get("dct:title") or [source_id])[0]
    return render_template("lines.html", iri=iri, source_id=source_id, title=title, a=a, b=b,
                           citation=span_label(iri), statements=rows, lines=lines, note=note)


@bp.get("/graph/<path:rest>")
def graph(rest: str):
    """A named graph's page (browsers) or its VoID description (RDF, by ``Accept`` or ``format``)."""
    iri = f"{BASE}graph/{rest}"
    counts = state().manifest["graphs"]
    if iri not in counts:
        abort(404, description=f"no graph <{iri}>; the graphs are listed at /.well-known/void")
    name = rest.split("/", 1)[-1]
    source = f"{BASE}source/{name}" if rest.startswith("source/") else None
    offered = ["text/html", "text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml"]
    if request.accept_mimetypes.best_match(offered) != "text/html" or "format" in request.args:
        g = Graph()
        g.add((URIRef(iri), RDF.type, VOID.Dataset))
        g.add((URIRef(iri), VOID.triples, Literal(counts[iri])))
        g.add((URIRef(BASE + "dataset"), VOID.subset, URIRef(iri)))
        if source:
            g.add((URIRef(iri), DCTERMS.source, URIRef(source)))
        return graph_response(g, request.args.get("format"), {**PREFIXES, "void": str(VOID)})
    note = _GRAPH_NOTES.get(rest) or (f"What the source {name} states, each statement with its line span."
                                      if source else "")
    example = (f"SELECT ?s ?p ?o WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }} LIMIT 20")
    title = None
    if source:
        title = (_facts(source).get("dct:title") or [None])[0]
    return render_template("graph.html", iri=iri, rest=rest, triples=counts[iri], note=note,
                           source=local_link(source) if source else None, source_title=title, example=example,
                           inferred=iri == str(INFERRED_GRAPH))
