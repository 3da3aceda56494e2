"""Candidate Wikidata links for our persons, organs and posts that have none, for review.

``apparat wikidata candidates --endpoint URL`` reads our unlinked entities from
the build (label, preferred label and alternative names, in English and
Russian), asks a Wikidata SPARQL endpoint for items with exactly one of those
names as a label or alias (``rdfs:label`` / ``skos:altLabel``, same language),
keeps those of the right type, and writes a TSV for a person to review. It
never writes into the graph (a link is added by hand in the gazetteer, and its
Q-id must be in known-ids.tsv) and never guesses: no fuzzy matching, and the
type rules use no Wikidata id that known-ids.tsv and the issue do not give:

- a person: the item is an instance of human (``wdt:P31 wd:Q5``);
- a post (our roles): some item holds it as a position (``?holder wdt:P39 ?item``);
- an organ: the item is not a human; the ``why`` column says whether it has a
  statement naming the Communist Party of the Soviet Union (Q79854, known-ids.tsv),
  since no Wikidata class of party organs is known to us.
"""

from __future__ import annotations

import csv
import io
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from ..errors import ServiceFailed

WD = "http://www.wikidata.org/entity/"
_QID = re.compile(r"Q[1-9][0-9]*")
#: Names per request to the endpoint (one VALUES block each).
BATCH = 40

_UNLINKED = """
PREFIX ap: <https://w3id.org/apparat/ontology#> PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?entity ?kind ?label ?name WHERE {
  { ?entity a ap:Person BIND("person" AS ?kind) }
  UNION { ?entity a org:Organization BIND("organ" AS ?kind) FILTER NOT EXISTS { ?entity a ap:Person } }
  UNION { ?entity a ap:Role BIND("post" AS ?kind) }
  FILTER NOT EXISTS { GRAPH <https://w3id.org/apparat/graph/links> { ?entity skos:exactMatch ?item } }
  ?entity rdfs:label ?label FILTER(LANG(?label) = "en")
  ?entity rdfs:label|skos:prefLabel|skos:altLabel ?name
  FILTER(LANG(?name) IN ("en", "ru"))
} ORDER BY ?entity ?name"""

_PREFIXES = """PREFIX wd: <http://www.wikidata.org/entity/> PREFIX wdt: <http://www.wikidata.org/prop/direct/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <http://schema.org/>
"""
#: kind -> (the pattern that checks the type, the extra projection, why it matched).
_TYPES = {
    "person": ("?item wdt:P31 wd:Q5 .", "", "an instance of human (P31 Q5)"),
    "post": ("FILTER EXISTS { ?holder wdt:P39 ?item }", "", "held as a position (P39) by some item"),
    "organ": ("FILTER NOT EXISTS { ?item wdt:P31 wd:Q5 } "
              "BIND(EXISTS { ?item ?property wd:Q79854 } AS ?party)", "?party", "not a human"),
}
_REMOTE = _PREFIXES + """SELECT ?name ?how ?item ?label ?description {projection} WHERE {{
  VALUES ?name {{ {names} }}
  VALUES ?how {{ rdfs:label skos:altLabel }}
  ?item ?how ?name .
  {type_check}
  OPTIONAL {{ ?item rdfs:label ?label FILTER(LANG(?label) = "en") }}
  OPTIONAL {{ ?item schema:description ?description FILTER(LANG(?description) = "en") }}
}}"""

COLUMNS = ("entity", "label", "candidate", "candidate_label", "description", "why")


@dataclass(frozen=True)
class Candidate:
    """One proposed link: our entity and label, the item's Q-id, label and description, and why."""

    entity: str
    label: str
    candidate: str
    candidate_label: str
    description: str
    why: str


def unlinked_entities(select) -> dict[str, dict[tuple[str, str], set[tuple[str, str]]]]:
    """Our persons, organs and posts without a Wikidata link, by kind: (name, language) -> {(IRI, label)}.

    Args:
        select: runs a SELECT on our build and returns pyoxigraph rows (``local.run_query``'s).
    """
    found: dict[str, dict] = {"person": {}, "organ": {}, "post": {}}
    for row in select(_UNLINKED):
        key = (row["name"].value, row["name"].language)
        found[row["kind"].value].setdefault(key, set()).add((row["entity"].value, row["label"].value))
    return found


def remote_query(kind: str, names: list[tuple[str, str]]) -> str:
    """The query for one batch of names of one kind (names as SPARQL literals, never pasted raw).

    >>> "wdt:P31 wd:Q5" in remote_query("person", [('Lev "K"', "en")])
    True
    >>> '"Lev \\\\"K\\\\""@en' in remote_query("person", [('Lev "K"', "en")])
    True
    """
    pattern, projection, _why = _TYPES[kind]
    literals = " ".join(f"{json.dumps(name, ensure_ascii=False)}@{lang}" for name, lang in names)
    return _REMOTE.format(projection=projection, names=literals, type_check=pattern)


def ask_endpoint(endpoint: str, query: str, *, agent: str, timeout: float) -> list[dict]:
    """POST ``query`` to a SPARQL endpoint (SPARQL 1.1 Protocol, form-encoded); return its JSON bindings.

    Raises:
        ServiceFailed: the endpoint cannot be reached, fails, or answers something else than JSON results.
    """
    body = urllib.parse.urlencode({"query": query}).encode()
    request = urllib.request.Request(endpoint, data=body, method="POST", headers={
        "Accept": "application/sparql-results+json", "User-Agent": agent,
        "Content-Type": "application/x-www-form-urlencoded"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read())["results"]["bindings"]
    except urllib.error.HTTPError as err:
        detail = err.read(300).decode("utf-8", "replace").strip()
        raise ServiceFailed(f"<{endpoint}> answered {err.code} {err.reason}: {detail}") from None
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise ServiceFailed(f"<{endpoint}> could not be queried: {type(err).__name__}: {err}") from None


def find_candidates(select, endpoint: str, *, agent: str, timeout: float = 60.0) -> list[Candidate]:
    """Candidates for every unlinked entity, from ``endpoint``; sorted by our IRI, then Q-id.

    Raises:
        ServiceFailed: see :func:`ask_endpoint`.
    """
    found: set[Candidate] = set()
    for kind, names in unlinked_entities(select).items():
        keys = sorted(names)
        for start in range(0, len(keys), BATCH):
            rows = ask_endpoint(endpoint, remote_query(kind, keys[start:start + BATCH]), agent=agent, timeout=timeout)
            for row in rows:
                found.update(_candidates(kind, row, names))
    return sorted(found, key=lambda c: (c.entity, c.candidate, c.why))


def _candidates(kind: str, row: dict, names: dict) -> list[Candidate]:
    item = row.get("item", {}).get("value", "")
    qid = item[len(WD):] if item.startswith(WD) else ""
    if not _QID.fullmatch(qid):
        return []  # not a Wikidata item IRI: never proposed
    name = row["name"]
    key = (name["value"], name.get("xml:lang", ""))
    how = "label" if row["how"]["value"].endswith("#label") else "alias"
    why = f"{how} {name['value']!r}@{key[1]}; {_TYPES[kind][2]}"
    if kind == "organ":
        party = row.get("party", {}).get("value") in ("true", "1")
        why += "; has a statement naming Q79854 (CPSU)" if party else "; no statement naming Q79854 (CPSU)"
    return [Candidate(entity, label, qid, row.get("label", {}).get("value", ""),
                      row.get("description", {}).get("value", ""), why)
            for entity, label in sorted(names.get(key, ()))]


def write_tsv(candidates: list[Candidate]) -> str:
    """The candidates as TSV with a header row (``COLUMNS``)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    writer.writerow(COLUMNS)
    for c in candidates:
        writer.writerow([c.entity, c.label, c.candidate, c.candidate_label, c.description, c.why])
    return out.getvalue()
