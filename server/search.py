"""A way in: ``/search?q=…`` and the browse indexes ``/browse/<kind>``.

The index is every name the graph gives an entity (``rdfs:label``,
``skos:prefLabel``, ``skos:altLabel``, ``skos:hiddenLabel`` — the gazetteer's
other names and spelling variants —, ``foaf:familyName``, an abbreviation),
read from the data once per web process by one SELECT and kept in memory.

Matching folds both the query and the names (:func:`fold`): case, accents and
apostrophes go, and the spellings English, German and French transliterations
of Russian give the same sound meet (kh/ch/h, y/i/j, ks/x, w/v, ph/f, sch/sh,
tch/ch, doubled letters, ie/e). A name matches when the folded query is part
of it; with no such match, the closest folded words (difflib, ratio ≥ 0.8)
answer instead. Persons are listed by surname.

HTML for browsers, JSON for ``Accept: application/json`` or ``format=json``.
"""

from __future__ import annotations

import difflib
import re
import threading
import unicodedata
from dataclasses import dataclass, field

from flask import Blueprint, abort, current_app, jsonify, render_template, request

from apparat.namespaces import BASE

from .lookup import select
from .state import state

bp = Blueprint("search", __name__)

#: Kinds an index lists, by the path segment of their IRIs, with a heading.
KINDS = {"person": "Persons", "organ": "Organs", "event": "Events", "document": "Documents",
         "source": "Sources", "role": "Roles", "place": "Places"}
BROWSE = {"persons": "person", "organs": "organ", "events": "event", "documents": "document",
          "sources": "source", "roles": "role", "places": "place"}
MAX_QUERY = 200
MAX_RESULTS = 100

_NAMES = """SELECT ?s ?p ?name WHERE {
  VALUES ?p { rdfs:label skos:prefLabel skos:altLabel skos:hiddenLabel foaf:familyName ap:abbreviation }
  ?s ?p ?name .
  FILTER(isIRI(?s) && (REGEX(STR(?s), "^BASEid/(person|organ|event|document|role|place)/[^/]+$")
                       || REGEX(STR(?s), "^BASEsource/[^/]+$")))
}""".replace("BASE", BASE)

# Order matters: longer spellings first, then single letters.
_FOLDS = [("shch", "sc"), ("tsch", "ch"), ("sch", "sh"), ("tch", "ch"), ("kh", "h"), ("ch", "h"),
          ("ks", "x"), ("ph", "f"), ("w", "v"), ("y", "i"), ("j", "i"), ("ie", "e")]


def fold(text: str) -> str:
    """A name folded for matching: no case, accents, apostrophes; transliteration variants met.

    >>> fold("Bucharin") == fold("Bukharin") == fold("BUKHARIN")
    True
    >>> fold("Zinov'ev") == fold("Zinoviev"), fold("Piatakov") == fold("Pyatakov")
    (True, True)
    >>> fold("Guétier"), fold("Kvirring") == fold("Kviring"), fold("Trotzki") == fold("Trotsky")
    ('gueter', True, False)
    """
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"['’‘`ʹʼ]", "", text)
    text = re.sub(r"[^\w]+", " ", text).strip()
    for a, b in _FOLDS:
        text = text.replace(a, b)
    return re.sub(r"(\w)\1+", r"\1", text)


@dataclass
class Entry:
    iri: str
    kind: str
    label: str = ""
    surname: str = ""
    names: set[str] = field(default_factory=set)

    @property
    def url(self) -> str:
        return "/" + self.iri[len(BASE):]

    def sort_key(self) -> tuple:
        return (self.surname or self.label).casefold(), self.label.casefold()

    def as_json(self, matched: str | None = None) -> dict:
        found = {"iri": self.iri, "url": self.url, "kind": self.kind, "label": self.label,
                 "names": sorted(self.names - {self.label})}
        if matched is not None:
            found["matched"] = matched
        return found


class Index:
    """The names of every entity, folded once."""

    def __init__(self, rows: list[dict[str, str]]):
        self.entries: dict[str, Entry] = {}
        named: dict[tuple[str, str], list[str]] = {}
        for row in rows:
            kind = "source" if row["s"].startswith(BASE + "source/") else row["s"][len(BASE) + 3:].split("/")[0]
            entry = self.entries.setdefault(row["s"], Entry(row["s"], kind))
            entry.names.add(row["name"])
            named.setdefault((row["s"], row["p"].rsplit("/", 1)[-1].rsplit("#", 1)[-1]), []).append(row["name"])
        for entry in self.entries.values():
            def first(predicate, entry=entry):
                return min(named.get((entry.iri, predicate), [""]))
            entry.label = first("label") or first("prefLabel") or min(entry.names)
            entry.surname = first("familyName")
            if entry.kind == "person" and not entry.surname:
                entry.surname = entry.label.split()[-1] if entry.label.split() else ""
        self.folded = [(fold(name), name, entry) for entry in self.entries.values() for name in entry.names]
        self.words = {}
        for folded, name, entry in self.folded:
            for word in folded.split():
                self.words.setdefault(word, []).append((name, entry))

    def of_kind(self, kind: str) -> list[Entry]:
        return sorted((e for e in self.entries.values() if e.kind == kind), key=Entry.sort_key)

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(KINDS, 0)
        for entry in self.entries.values():
            counts[entry.kind] = counts.get(entry.kind, 0) + 1
        return counts

    def search(self, q: str) -> list[tuple[Entry, str]]:
        """Entities one of whose names holds the folded query, best first; else the nearest words."""
        needle = fold(q)
        if not needle:
            return []
        best: dict[str, tuple[int, Entry, str]] = {}
        for folded, name, entry in self.folded:
            if needle not in folded:
                continue
            rank = 0 if folded == needle else 1 if re.search(r"(^| )" + re.escape(needle), folded) else 2
            if entry.iri not in best or rank < best[entry.iri][0]:
                best[entry.iri] = (rank, entry, name)
        if not best:
            for word in difflib.get_close_matches(needle, self.words, n=10, cutoff=0.8):
                for name, entry in self.words[word]:
                    best.setdefault(entry.iri, (3, entry, name))
        order = list(KINDS)
        found = sorted(best.values(), key=lambda t: (t[0] > 1, order.index(t[1].kind) if t[1].kind in order else 99,
                                                     t[1].sort_key()))
        return [(entry, name) for _rank, entry, name in found[:MAX_RESULTS]]


_lock = threading.Lock()


def index() -> Index:
    """This web process's index (read from the data at first use)."""
    app = current_app
    with _lock:
        found = app.extensions.get("apparat-search")
        if found is None or found[0] != state().build.etag:
            found = (state().build.etag, Index(select(_NAMES)))
            app.extensions["apparat-search"] = found
        return found[1]


def wants_json() -> bool:
    if request.args.get("format") == "json":
        return True
    if request.args.get("format") not in (None, "html"):
        abort(400, description="format must be json or html")
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"


@bp.get("/search")
def search():
    q = request.args.get("q", "").strip()
    if len(q) > MAX_QUERY:
        abort(400, description=f"q is limited to {MAX_QUERY} characters")
    as_json = wants_json()
    results = index().search(q) if q else []
    if as_json:
        if not q:
            abort(400, description="q is required: /search?q=Bukharin")
        return jsonify({"query": q, "folded": fold(q), "results": [e.as_json(name) for e, name in results]})
    return render_template("search.html", q=q, results=results, kinds=KINDS)


@bp.get("/browse")
def browse_all():
    counts = index().counts()
    if wants_json():
        return jsonify({name: {"url": f"/browse/{name}", "count": counts.get(kind, 0)}
                        for name, kind in BROWSE.items()})
    return render_template("browse.html", kind=None, counts=counts, browse=BROWSE, kinds=KINDS)


@bp.get("/browse/<name>")
def browse(name: str):
    kind = BROWSE.get(name)
    if kind is None:
        abort(404, description=f"no index {name!r}; there are: {', '.join(BROWSE)}")
    entries = index().of_kind(kind)
    if wants_json():
        return jsonify({"kind": kind, "entities": [e.as_json() for e in entries]})
    return render_template("browse.html", kind=kind, entries=entries, browse=BROWSE, kinds=KINDS, name=name)


#: Example questions on the home page: (question, saved query, parameters).
EXAMPLES = [
    ("Who sat on the Politburo in 1926?", "politburo-in-year", {"year": "1926"}),
    ("Who were the Politburo's candidate members in 1925?", "politburo-in-year", {"year": "1925", "role": "candidate"}),
    ("What posts did Bukharin hold, and when?", "person-career", {"person": "bukharin"}),
    ("Who sat with Kamenev on the same organs?", "co-members", {"person": "kamenev"}),
    ("When did Stalin try to resign, as each text dates it?", "resignation-attempts", {}),
    ("Where do the sources disagree?", "source-conflicts", {}),
    ("Who held the post of General Secretary?", "general-secretaries", {}),
    ("Which congresses and conferences met, and when?", "congresses", {}),
    ("Who signed the opposition's declarations?", "declaration-signatories", {}),
    ("What do the texts attribute to Trotsky?", "according-to", {"who": "trotsky"}),
]

_COUNTS = """SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {
  VALUES ?c { org:Membership ap:Claim ap:Conflict ap:SourceLocation } ?s a ?c } GROUP BY ?c"""


def way_in() -> dict:
    """What the home page says the dataset holds: counts, example questions, indexes."""
    from urllib.parse import urlencode

    saved = state().saved
    counts = {row["c"].rsplit("#", 1)[-1]: int(row["n"]) for row in select(_COUNTS)}
    examples = [(question, f"/queries/{name}" + (f"?{urlencode(params)}" if params else ""))
                for question, name, params in EXAMPLES if name in saved]
    return {"entity_counts": index().counts(), "counts": counts, "examples": examples, "browse": BROWSE,
            "kinds": KINDS}
