"""Entity pages as a historian reads them (``/id/<kind>/<slug>`` in a browser).

- Labels, not IRIs: a value is shown by its label and links to its page; a
  predicate by its prefixed name and the ontology's ``rdfs:label`` where it has one.
- Statements grouped by property; each value says which graphs state it (a
  source's, the gazetteer's …) and is marked *inferred* when only the OWL 2 RL
  closure (``…/graph/inferred``) holds it. ``owl:Thing`` types are left out.
- Memberships and posts as rows: organ (or member), role, start and end as
  stated, the kind of time statement, and the line spans that state it, each a
  link to its ``/source/…/lines/…`` page. Roles reasoning adds
  (``ap:impliesRole``) are not repeated.
- Where sources disagree (the conflicts graph, ``ap:Conflict``) the page says so
  at the top and shows every side with its lines; the disputed property is
  flagged where it is listed.
- A membership in a conflict (a statement of it is disputed, or the date it is
  dated by is) is marked in its row, on the timeline and on the organ's chart,
  with a link to the conflict.
- A person's career and an organ's composition as pictures (:mod:`.charts`).

The RDF views of the same IRIs are untouched: :func:`server.pages._describe`
calls :func:`render` only for browsers.
"""

from __future__ import annotations

import re
import threading
from collections import defaultdict

import pyoxigraph as ox
from flask import current_app, render_template

from apparat.namespaces import BASE, INFERRED_GRAPH, ONTOLOGY_GRAPH, shorten

from . import charts
from .lookup import iri as sparql_iri
from .lookup import local_link, select
from .state import state

OWL_THING = "http://www.w3.org/2002/07/owl#Thing"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"
EXACT_MATCH = "http://www.w3.org/2004/02/skos/core#exactMatch"
_lock = threading.RLock()  # re-entered: one per-build value computed from another
#: IRIs the graph gives no label (claims, line spans, memberships: shown by what they say).
_UNLABELLED = re.compile(re.escape(BASE) + r"(id/claim/|id/membership/|source/[^/]+/lines/)")
_SPAN = re.compile(re.escape(BASE) + r"source/([^/]+)/lines/(\d+)-(\d+)$")
#: Predicates whose incoming statements the membership table already shows.
_MAX_INCOMING = 200
_SHOWN_ELSEWHERE = {"http://www.w3.org/ns/org#member", "http://www.w3.org/ns/org#organization"}

_PREDICATE_LABELS = ("SELECT ?p (MIN(STR(?l)) AS ?label) WHERE { GRAPH <" + str(ONTOLOGY_GRAPH)
                     + "> { ?p rdfs:label ?l } } GROUP BY ?p")

_MEMBERSHIPS = """SELECT ?m ?person ?organ ?role ?start ?end ?date ?asStated ?statement ?heldFrom ?heldUntil
       ?earliest ?latest ?source WHERE {
  { ?m org:member %(x)s } UNION { ?m org:organization %(x)s }
  ?m a org:Membership ; org:member ?person ; org:organization ?organ ; org:role ?role .
  FILTER NOT EXISTS { ?m org:role ?narrower . ?narrower ap:impliesRole ?role FILTER(?narrower != ?role) }
  OPTIONAL { ?m prov:wasDerivedFrom ?source }
  OPTIONAL { ?m ap:startDate ?start } OPTIONAL { ?m ap:endDate ?end } OPTIONAL { ?m ap:date ?date }
  OPTIONAL { ?m ap:dateAsStated ?asStated }
  OPTIONAL { ?m ap:timeStatement ?kind . ?kind rdfs:label ?statement }
  OPTIONAL { ?m ap:heldFrom ?heldFrom } OPTIONAL { ?m ap:heldUntil ?heldUntil }
  OPTIONAL { ?m ap:earliestStart ?earliest } OPTIONAL { ?m ap:latestEnd ?latest }
}"""


_MEMBERSHIP_HEADING = """SELECT ?person ?organ ?role ?start ?end ?date ?asStated ?oldStyle ?kind WHERE {
  %(m)s a org:Membership ; org:member ?person ; org:organization ?organ ; org:role ?role .
  FILTER NOT EXISTS { %(m)s org:role ?narrower . ?narrower ap:impliesRole ?role FILTER(?narrower != ?role) }
  OPTIONAL { %(m)s ap:startDate ?start } OPTIONAL { %(m)s ap:endDate ?end } OPTIONAL { %(m)s ap:date ?date }
  OPTIONAL { %(m)s ap:dateAsStated ?asStated } OPTIONAL { %(m)s ap:oldStyle ?oldStyle }
  OPTIONAL { %(m)s ap:timeStatement ?kind }
}"""
_CLAIM_HEADING = """SELECT ?about ?property ?value ?kind ?countedIn WHERE {
  %(c)s a ap:Claim ; ap:about ?about .
  OPTIONAL { %(c)s ap:property ?property } OPTIONAL { %(c)s ap:value ?value }
  OPTIONAL { %(c)s ap:statementKind ?kind } OPTIONAL { %(c)s ap:countedIn ?countedIn }
}"""


def _one(values) -> str:
    """Values of one slot, each once, in a stable order ("1922-04", or "1922-04 / 1922-05" where they differ)."""
    return " / ".join(sorted(set(values)))


def stated_dates(kind: str, start=(), end=(), date=(), words=(), old_style=()) -> str:
    """When a membership held, as its statement says it: the source's words (``ap:dateAsStated``) where the
    ledger kept them (marked "start only" or "end only" where the time statement says the words date only
    that), else the stated dates in the shape of the time statement (``ap:timeStatement``).

    >>> stated_dates("Range", ["1924-06-02"], ["1929-11-17"])
    '1924-06-02 – 1929-11-17'
    >>> stated_dates("Range", ["1919"], ["1924"]), stated_dates("OpenEnded", ["1934"]), stated_dates("Undated")
    ('1919–1924', 'from 1934 on', 'undated')
    >>> stated_dates("StartOnly", ["1922-04"], words=["April 1922"]), stated_dates("StartOnly", ["1928"])
    ('April 1922 (start only)', 'began 1928')
    >>> stated_dates("EndOnly", words=["before Tenth Congress"]), stated_dates("EndOnly", end=["1952-10-16"])
    ('before Tenth Congress (end only)', 'until 1952-10-16')
    >>> stated_dates("AtTime", date=["1917-10-29"], old_style=["1917-10-16"])
    '1917-10-29 (O.S. 1917-10-16)'
    """
    if words:
        return _one(words) + {"StartOnly": " (start only)", "EndOnly": " (end only)"}.get(kind, "")
    start, end, date = _one(start), _one(end), _one(date)
    old = f" (O.S. {_one(old_style)})" if old_style else ""
    if kind == "Range" and start and end:
        dash = " – " if "-" in start + end else "–"
        return f"{start}{dash}{end}{old}"
    if start and kind == "OpenEnded":
        return f"from {start} on{old}"
    if start:
        return f"began {start}{old}" if not end else f"{start} – {end}{old}"
    if end:
        return f"until {end}{old}"
    if date:
        return date + old
    return "undated"


def _values_by_variable(rows: list[dict[str, str]]) -> dict[str, set[str]]:
    """Every value each variable takes over ``rows`` (empty: no row); a variable no row binds gives an empty set."""
    values: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        for key, value in row.items():
            values[key].add(value)
    return values


def membership_heading(iri: str) -> str | None:
    """A membership node as a historian reads it: "Nikolai Bukharin — full member, Politburo, 1924-06-02 –
    1929-11-17" (person, role, organ, when, as stated); None when the graph has no such membership."""
    values = _values_by_variable(select(_MEMBERSHIP_HEADING % {"m": sparql_iri(iri)}))
    if not values:
        return None
    labels = labels_of({*values["person"], *values["organ"], *values["role"]})

    def named(key: str) -> str:
        return ", ".join(sorted(labels.get(i) or i.rsplit("/", 1)[-1] for i in values[key]))

    kind = _one(k.rsplit("#", 1)[-1] for k in values["kind"])
    when = stated_dates(kind, values["start"], values["end"], values["date"], values["asStated"],
                        values["oldStyle"])
    return f"{named('person')} — {named('role')}, {named('organ')}, {when}"


def claim_heading(iri: str) -> str | None:
    """A claim node as a historian reads it: "Claim: <what it is about> — <property>: <value>" (the property by
    the ontology's label, the value by its label), or "— <kind of statement>" for a claim that gives no property
    (a document cited, a person arrested); a claim about a membership names the membership as
    :func:`membership_heading` does. None when the graph has no such claim."""
    values = _values_by_variable(select(_CLAIM_HEADING % {"c": sparql_iri(iri)}))
    if not values:
        return None
    # ap:value is a literal or an IRI; the rows say not which, and only IRIs have labels
    labels = labels_of(v for v in {*values["about"], *values["value"], *values["countedIn"]}
                       if v.startswith(("http://", "https://")))

    def named(value: str) -> str:
        if value.startswith(BASE + "id/membership/"):
            return membership_heading(value) or value.rsplit("/", 1)[-1]
        return labels.get(value) or (value.rsplit("/", 1)[-1] if value.startswith(("http://", "https://"))
                                     else value)

    about = "; ".join(sorted(named(a) for a in values["about"]))
    if values["property"]:
        plabels = predicate_labels()
        said = "; ".join(sorted(plabels.get(p) or shorten(p) for p in values["property"]))
        if values["value"]:
            said += ": " + ", ".join(sorted(named(v) for v in values["value"]))
    else:
        said = _one(values["kind"]) or "claim"
    if values["countedIn"]:
        said += " (in " + ", ".join(sorted(named(b) for b in values["countedIn"])) + ")"
    return f"Claim: {about} — {said}"


def span_label(value: str) -> str | None:
    """``rogovin-1992, l. 6867`` for a line-span IRI (None for anything else)."""
    found = _SPAN.match(value)
    if not found:
        return None
    source, a, b = found.groups()
    return f"{source}, l. {a}" if a == b else f"{source}, ll. {a}–{b}"


def graph_label(graph: str) -> str:
    """A named graph by its short name: ``rogovin-1992``, ``gazetteer``, ``inferred``."""
    if graph.startswith(BASE + "graph/source/"):
        return graph[len(BASE + "graph/source/"):]
    return graph[len(BASE + "graph/"):] if graph.startswith(BASE + "graph/") else graph


def predicate_labels() -> dict[str, str]:
    """The ontology's ``rdfs:label`` of each term it labels."""
    return {row["p"]: row["label"] for row in select(_PREDICATE_LABELS)}


def labels_of(iris) -> dict[str, str]:
    """A label for each IRI: ``rdfs:label``, else ``skos:prefLabel`` (the smallest, for a stable page)."""
    iris = sorted({i for i in iris if i and not any(c in i for c in '<>" ') and not _UNLABELLED.match(i)})
    found: dict[str, str] = {}
    for start in range(0, len(iris), 400):
        values = " ".join(f"<{i}>" for i in iris[start:start + 400])
        rows = select(f"""SELECT ?s ?l ?k WHERE {{ VALUES ?s {{ {values} }}
          {{ ?s rdfs:label ?l BIND(1 AS ?k) }} UNION {{ ?s skos:prefLabel ?l BIND(2 AS ?k) }} }}""")
        for row in sorted(rows, key=lambda r: (r["k"], r["l"]), reverse=True):
            found[row["s"]] = row["l"]
    return found


def _value(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"value": term.value, "iri": True}
    if isinstance(term, ox.Literal):
        lang = term.language or ""
        datatype = "" if lang else shorten(term.datatype.value)
        return {"value": term.value, "iri": False, "lang": lang,
                "datatype": "" if datatype in ("xsd:string", "rdf:langString") else datatype}
    return {"value": str(term), "iri": False}


def group_statements(quads, other, labels: dict[str, str], plabels: dict[str, str], disputed: set[str]) -> list[dict]:
    """Statements grouped by predicate; one value once, with the graphs that state it."""
    groups: dict[str, dict[tuple, dict]] = defaultdict(dict)
    for quad in quads:
        term = other(quad)
        if quad.predicate.value == RDF_TYPE and isinstance(term, ox.NamedNode) and term.value == OWL_THING:
            continue
        value = _value(term)
        key = (value["value"], value["iri"], value.get("lang"), value.get("datatype"))
        item = groups[quad.predicate.value].setdefault(key, {**value, "graphs": []})
        graph = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
        if graph and (graph_label(graph), local_link(graph), graph) not in item["graphs"]:
            item["graphs"].append((graph_label(graph), local_link(graph), graph))
    out = []
    for predicate, items in groups.items():
        values = []
        for item in items.values():
            item["inferred"] = [g for g, _link, _iri in item["graphs"]] == [graph_label(str(INFERRED_GRAPH))]
            item["link"] = local_link(item["value"]) if item["iri"] else None
            item["label"] = (span_label(item["value"]) or labels.get(item["value"]) or shorten(item["value"])
                             if item["iri"] else None)
            values.append(item)
        values.sort(key=lambda v: (v["inferred"], _span_key(v["value"]) if _SPAN.match(v["value"]) else
                                   ((v["label"] or v["value"]).casefold(), 0, 0)))
        out.append({"predicate": predicate, "short": shorten(predicate), "label": plabels.get(predicate),
                    "values": values, "all_inferred": all(v["inferred"] for v in values),
                    "disputed": predicate in disputed})
    order = {RDF_TYPE: 0}
    out.sort(key=lambda g: (order.get(g["predicate"], 1), g["all_inferred"], g["short"]))
    return out


def memberships(iri: str) -> list[dict]:
    """The memberships and posts of a person, or in an organ: one row per membership node."""
    rows = select(_MEMBERSHIPS % {"x": sparql_iri(iri)})
    nodes: dict[str, dict] = {}
    for row in rows:
        node = nodes.setdefault(row["m"], {**row, "sources": set(), "roles": set()})
        node["roles"].add(row["role"])
        if "source" in row:
            node["sources"].add(row["source"])
    found = list(nodes.values())
    disputed = membership_conflicts()
    labels = labels_of({*(n["person"] for n in found), *(n["organ"] for n in found),
                        *(r for n in found for r in n["roles"])})
    for node in found:
        node["person_label"] = labels.get(node["person"], node["person"].rsplit("/", 1)[-1])
        node["organ_label"] = labels.get(node["organ"], node["organ"].rsplit("/", 1)[-1])
        node["role_label"] = ", ".join(sorted(labels.get(r, r.rsplit("/", 1)[-1]) for r in node["roles"]))
        node["candidate"] = any(r.endswith("/candidate-member") for r in node["roles"])
        node["refs"] = [(span_label(s) or s, local_link(s) or s) for s in sorted(node["sources"], key=_span_key)]
        node["conflicts"] = [{**c, "note": conflict_note(c)} for c in disputed.get(node["m"], [])]
    found.sort(key=lambda n: (n.get("heldFrom") or n.get("earliest") or "9999", n.get("organ_label", ""),
                              n["person_label"], n["m"]))
    return found


def _span_key(value: str):
    found = _SPAN.match(value)
    return (found.group(1), int(found.group(2)), int(found.group(3))) if found else (value, 0, 0)


_CONFLICTS = """SELECT ?conflict ?about ?property ?value ?source ?accordingTo WHERE {
  ?conflict a ap:Conflict ; ap:about ?about ; ap:property ?property ; ap:claim ?claim .
  ?claim ap:value ?value ; prov:wasDerivedFrom ?source .
  ?source ap:inSource ?text .
  OPTIONAL { ?claim ap:accordingTo ?accordingTo }
} ORDER BY ?conflict ?text ?source"""
_CONFLICT_LABELS = "SELECT ?conflict ?label WHERE { ?conflict a ap:Conflict ; rdfs:label ?label }"
_CONFLICT_LINKS = """SELECT DISTINCT ?about ?linked WHERE { ?conflict a ap:Conflict ; ap:about ?about .
  VALUES ?link { ap:person ap:concerns ap:participant schema:about ap:postscriptTo dct:creator }
  ?about ?link ?linked }"""


def _per_build(key: str, compute):
    """``compute()``, kept in the app's extensions under ``key`` until the build changes."""
    app = current_app
    with _lock:
        found = app.extensions.get(key)
        if found is None or found[0] != state().build.etag:
            found = (state().build.etag, compute())
            app.extensions[key] = found
        return found[1]


def all_conflicts() -> list[dict]:
    """Every conflict of the build, read once per web process (there are few), one row per side."""
    return _per_build("apparat-conflicts", _read_conflicts)


def _read_conflicts() -> list[dict]:
    labels: dict[str, str] = {}
    for row in select(_CONFLICT_LABELS):
        labels[row["conflict"]] = min(labels.get(row["conflict"], row["label"]), row["label"])
    linked: dict[str, set[str]] = defaultdict(set)
    for row in select(_CONFLICT_LINKS):
        linked[row["about"]].add(row["linked"])
    return [{**row, "label": labels.get(row["conflict"], ""), "linked": linked.get(row["about"], set())}
            for row in select(_CONFLICTS)]


#: Memberships in a conflict: a claim about the membership is one side of it (as ``tenure-start-disagrees``
#: finds), or the membership's dates are read (``ap:datedBy``) from a line a side of a ``dates-disagree``
#: conflict cites (a seat "at the Tenth Congress" dated by the table of congress dates that 002 disputes).
_MEMBERSHIP_CONFLICTS = """SELECT DISTINCT ?m ?conflict ?how WHERE {
  ?conflict a ap:Conflict ; ap:claim ?claim .
  { ?claim ap:about ?m . ?m a org:Membership . BIND("claim" AS ?how) }
  UNION
  { ?conflict ap:rule "dates-disagree" . ?claim prov:wasDerivedFrom ?line . ?m a org:Membership ; ap:datedBy ?line .
    BIND("date" AS ?how) }
}"""


def membership_conflicts() -> dict[str, list[dict]]:
    """Each membership in a conflict (see ``_MEMBERSHIP_CONFLICTS``) with its conflicts, each
    ``{iri, link, label, how}`` (``how``: "claim" or "date"); read once per web process and build."""
    return _per_build("apparat-membership-conflicts", _read_membership_conflicts)


def _read_membership_conflicts() -> dict[str, list[dict]]:
    labels: dict[str, str] = {}
    for row in all_conflicts():
        labels.setdefault(row["conflict"], row.get("label", ""))
    by_membership: dict[str, list[dict]] = defaultdict(list)
    for row in sorted(select(_MEMBERSHIP_CONFLICTS), key=lambda r: (r["m"], r["how"], r["conflict"])):
        if row["conflict"] not in [c["iri"] for c in by_membership[row["m"]]]:
            by_membership[row["m"]].append({"iri": row["conflict"], "link": local_link(row["conflict"]),
                                            "label": labels.get(row["conflict"], "") or row["conflict"],
                                            "how": row["how"]})
    return dict(by_membership)


def conflict_note(conflict: dict) -> str:
    """What a reader is told of a membership's conflict: the conflict's label, and how it touches the membership."""
    why = ("this membership is dated by it" if conflict["how"] == "date"
           else "a statement of this membership is one side")
    return f"{conflict['label']} ({why})"


def conflicts(iri: str) -> list[dict]:
    """The conflicts about an entity, one per conflict with every side: those about it, or about an event,
    document … that names it (``ap:person``, ``ap:concerns``, ``ap:participant`` …), as the saved query
    ``conflicts-about`` finds them."""
    rows = all_conflicts()
    mine = {r["conflict"] for r in rows if iri == r["about"] or iri in r["linked"]}
    found: dict[str, dict] = {}
    for row in rows:
        if row["conflict"] not in mine:
            continue
        conflict = found.setdefault(row["conflict"], {"iri": row["conflict"], "label": row.get("label", ""),
                                                      "about": row["about"], "property": row["property"],
                                                      "sides": []})
        side = (row["value"], row["source"], row.get("accordingTo"))
        if side not in [(s["value"], s["source"], s["according_to"]) for s in conflict["sides"]]:
            conflict["sides"].append({"value": row["value"], "source": row["source"], "according_to":
                                      row.get("accordingTo"), "span": span_label(row["source"]) or row["source"],
                                      "link": local_link(row["source"])})
    labels = labels_of({*(c["about"] for c in found.values()), *(c["property"] for c in found.values()),
                        *(s["according_to"] for c in found.values() for s in c["sides"] if s["according_to"])})
    plabels = predicate_labels()
    for conflict in found.values():
        conflict["about_label"] = labels.get(conflict["about"], conflict["about"])
        conflict["about_link"] = local_link(conflict["about"])
        conflict["property_label"] = plabels.get(conflict["property"]) or shorten(conflict["property"])
        conflict["link"] = local_link(conflict["iri"])
        for side in conflict["sides"]:
            side["according_to_label"] = labels.get(side["according_to"] or "", side["according_to"])
    return list(found.values())


def render(iri: str, quads: list, incoming: list):
    """The HTML page of an entity from its outgoing and incoming quads."""
    plabels = predicate_labels()
    disputes = conflicts(iri) if iri.startswith(BASE + "id/") else []
    disputed = {c["property"] for c in disputes if c["about"] == iri}
    rows = memberships(iri) if iri.startswith((BASE + "id/person/", BASE + "id/organ/")) else []
    incoming = [q for q in incoming if not (q.predicate.value in _SHOWN_ELSEWHERE and rows)]
    incoming = incoming[:_MAX_INCOMING]
    shown = {r["m"] for r in rows}  # memberships are rows of their own table
    quads = [q for q in quads if q.object.value not in shown] if shown else quads
    labels = labels_of({iri, *(q.object.value for q in quads if isinstance(q.object, ox.NamedNode)),
                        *(q.subject.value for q in incoming if isinstance(q.subject, ox.NamedNode))})
    types = [labels.get(q.object.value) or shorten(q.object.value) for q in quads
             if q.predicate.value == RDF_TYPE and isinstance(q.object, ox.NamedNode) and q.object.value != OWL_THING
             and not (isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value == str(INFERRED_GRAPH))]
    wikidata = sorted({q.object.value for q in quads if q.predicate.value == EXACT_MATCH})
    kind = iri[len(BASE) + 3:].split("/")[0] if iri.startswith(BASE + "id/") else ""
    picture = None
    if kind == "person" and rows:
        picture = charts.career_timeline(rows)
    elif kind == "organ" and rows:
        picture = charts.composition(iri, rows)
    label = labels.get(iri)
    if label is None and kind == "membership":
        label = membership_heading(iri)
    elif label is None and kind == "claim":
        label = claim_heading(iri)
    return render_template(
        "entity_view.html", iri=iri, label=label or iri.rsplit("/", 1)[-1], kind=kind,
        types=sorted(set(types)), wikidata=wikidata,
        statements=group_statements(quads, lambda q: q.object, labels, plabels, disputed),
        incoming=group_statements(incoming, lambda q: q.subject, labels, plabels, set()),
        memberships=rows, conflicts=disputes, picture=picture,
        cut=len(incoming) == _MAX_INCOMING,
    )
