"""Our sourced memberships and posts as QuickStatements (v1, tab-separated), for Wikidata's
editors to review and load by hand: never uploaded by us.

One line per claim and line span: ``<person Q> P39 <position Q>``, the qualifiers
``P580``/``P582`` (start/end time) at the precision the source states (``/9`` year, ``/10``
month, ``/11`` day), and the source as ``S854`` (reference URL): the line span it rests on.
Only persons with a Wikidata link, and only memberships whose role and organ are a post
with a Wikidata item (the gazetteer's ``posts.csv``: an ``org:Post`` with ``org:role``,
``org:postIn`` and ``skos:exactMatch``, read from the graph by :func:`positions`; each Q-id
must be in ``known-ids.tsv``): other memberships are counted, not written. An end that another
of our claims contradicts (the person stays in that seat after it: :data:`CONTRADICTED_END`)
is not written either: the line keeps its start and source.
QuickStatements merges lines of the same person and position into one
statement: a reviewer sees the qualifiers of each line side by side.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from ..errors import KgError

ID = "https://w3id.org/apparat/id/"
WD = "http://www.wikidata.org/entity/"
_XSD = "http://www.w3.org/2001/XMLSchema#"

_POSTS = """
PREFIX ap: <https://w3id.org/apparat/ontology#> PREFIX org: <http://www.w3.org/ns/org#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?role ?organ ?item WHERE {
  ?post a org:Post ; org:role ?role ; org:postIn ?organ .
  GRAPH <https://w3id.org/apparat/graph/links> { ?post skos:exactMatch ?item }
  # its own role, not the roles reasoning adds from it (a General Secretary is a secretary)
  FILTER NOT EXISTS { ?post org:role ?narrower . ?narrower ap:impliesRole ?role FILTER(?narrower != ?role) }
} ORDER BY ?item"""

#: The memberships (``?m``) whose end another of our claims contradicts, as ``?endContradicted``:
#: the same person in the same role (the one ``?m`` names; the other may hold it as a role
#: reasoning adds) of the same organ, with the same post word (``rdfs:comment``: an envoy's
#: country), held from no later than the day after that end's last day to a day after it: the
#: person stays, so the end is not written (``P582``; ``pq:P582`` in
#: ``queries/wikidata-statements.rq``, which repeats this subquery: the tests check both leave
#: out the same ends). A claim held only from a later day is a return, which leaves the end
#: standing. How far a claim surely holds, at its precision: an open-ended one (``ap:OpenEnded``,
#: "from 1919") for good; one with an end or a date, to that end's (date's) first day; one held
#: only "after X" (no date), to its first day. One subquery, joined by ``?m``: evaluated once.
CONTRADICTED_END = """
  SELECT DISTINCT ?m (true AS ?endContradicted) WHERE {
    ?m a org:Membership ; org:member ?person ; org:organization ?organ ; org:role ?role ;
       ap:endDate ?anyEnd ; ap:latestEnd ?endLast .
    FILTER NOT EXISTS { ?m org:role ?narrower . ?narrower ap:impliesRole ?role FILTER(?narrower != ?role) }
    ?other a org:Membership ; org:member ?person ; org:organization ?organ ; org:role ?role ;
           ap:heldFrom ?otherFrom ; ap:timeStatement ?otherKind .
    FILTER(?other != ?m && ?otherFrom - ?endLast <= "P1D"^^xsd:dayTimeDuration)
    FILTER NOT EXISTS { ?m rdfs:comment ?word FILTER NOT EXISTS { ?other rdfs:comment ?word } }
    FILTER NOT EXISTS { ?other rdfs:comment ?otherWord FILTER NOT EXISTS { ?m rdfs:comment ?otherWord } }
    OPTIONAL { ?other ap:endDate ?otherEnd }
    OPTIONAL { ?other ap:date ?otherAt }
    BIND(COALESCE(?otherEnd, ?otherAt) AS ?otherLast)
    BIND(IF(?otherKind = ap:OpenEnded, "9999-12-31"^^xsd:date,
            IF(BOUND(?otherLast), xsd:date(SUBSTR(CONCAT(STR(?otherLast), "-01-01"), 1, 10)), ?otherFrom))
         AS ?otherHolds)
    FILTER(?otherHolds > ?endLast)
  }"""

_CLAIMS = """
PREFIX ap: <https://w3id.org/apparat/ontology#> PREFIX org: <http://www.w3.org/ns/org#>
PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
SELECT ?m ?item ?role ?organ ?start ?end ?statedEnd ?span WHERE {
  ?m a org:Membership ; org:member ?person ; org:organization ?organ ; org:role ?role ;
     prov:wasDerivedFrom ?span .
  ?person a ap:Person .
  GRAPH <https://w3id.org/apparat/graph/links> { ?person skos:exactMatch ?item }
  # in the role its statement names, not again in each role that role implies
  FILTER NOT EXISTS { ?m org:role ?narrower . ?narrower ap:impliesRole ?role FILTER(?narrower != ?role) }
  OPTIONAL { ?m ap:startDate ?start }
  OPTIONAL { ?m ap:endDate ?statedEnd }
  # the end, unless another of our claims has the person stay (CONTRADICTED_END)
  OPTIONAL {""" + CONTRADICTED_END + """
  }
  BIND(IF(BOUND(?endContradicted), ?nothing, ?statedEnd) AS ?end)
} ORDER BY ?item ?m ?span"""


@dataclass
class Export:
    """The lines written, how many memberships of linked persons were left out (no position
    item), and how many claims written had their end left out (another claim has the person stay)."""

    lines: list[str]
    skipped: int
    ends_left_out: int = 0

    @property
    def text(self) -> str:
        return "".join(line + "\n" for line in self.lines)


def positions(dataset) -> dict[tuple[str, str], str]:
    """(role slug, organ slug) -> the Q-id of the Wikidata position that post is, from the graph."""
    from .local import run_query

    return {(row["role"].value.removeprefix(ID + "role/"), row["organ"].value.removeprefix(ID + "organ/")):
            row["item"].value.removeprefix(WD) for row in run_query(dataset, _POSTS, max_rows=10_000).rows}


def known_qids(known_ids: Path) -> set[str]:
    """The Q-ids of ``known-ids.tsv``."""
    with Path(known_ids).open(encoding="utf-8") as f:
        return {row["wikidata"] for row in csv.DictReader(f, delimiter="\t")}


def quickstatements_time(literal) -> str:
    """A date as stated (xsd:date, gYearMonth or gYear) in QuickStatements' time syntax.

    >>> import pyoxigraph as ox
    >>> quickstatements_time(ox.Literal("1917", datatype=ox.NamedNode(_XSD + "gYear")))
    '+1917-01-01T00:00:00Z/9'
    >>> quickstatements_time(ox.Literal("1924-06-02", datatype=ox.NamedNode(_XSD + "date")))
    '+1924-06-02T00:00:00Z/11'
    """
    precision = {"gYear": 9, "gYearMonth": 10, "date": 11}.get(literal.datatype.value.removeprefix(_XSD))
    if precision is None:
        raise KgError(f"no QuickStatements time for {literal}")
    day = (literal.value + "-01-01")[:10]
    return f"+{day}T00:00:00Z/{precision}"


def export_quickstatements(dataset, known_ids: Path) -> Export:
    """Every sourced claim of a linked person's position with a Wikidata item, as QuickStatements v1.

    Raises:
        KgError: a position item, or a person's link, that known-ids.tsv does not list.
    """
    from .local import run_query

    known = known_qids(known_ids)
    by_post = positions(dataset)
    missing = sorted(set(by_post.values()) - known)
    if missing:
        raise KgError(f"{known_ids}: does not list {', '.join(missing)}: no Wikidata id is guessed")
    lines, skipped, ends_left_out = [], 0, 0
    for row in run_query(dataset, _CLAIMS, max_rows=1_000_000).rows:
        role = row["role"].value.removeprefix(ID + "role/")
        organ = row["organ"].value.removeprefix(ID + "organ/")
        position = by_post.get((role, organ))
        if position is None:
            skipped += 1
            continue
        ends_left_out += "statedEnd" in row and "end" not in row
        item = row["item"].value.removeprefix(WD)
        if item not in known:
            raise KgError(f"{row['item'].value} is not in {known_ids}")
        fields = [item, "P39", position]
        for prop, name in (("P580", "start"), ("P582", "end")):
            if name in row:
                fields += [prop, quickstatements_time(row[name])]
        fields += ["S854", f'"{row["span"].value}"']
        lines.append("\t".join(fields))
    return Export(list(dict.fromkeys(lines)), skipped, ends_left_out)


def write_export(export: Export, out: io.TextIOBase) -> None:
    out.write(export.text)
