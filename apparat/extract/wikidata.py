"""Links to Wikidata from ``../shared/wikidata/known-ids.tsv``: ``skos:exactMatch``
(never ``owl:sameAs``, which would copy every triple across under OWL 2 RL).

Only identifiers listed there are used (each was seen paired with its label in a
public source, named in its ``evidence`` column); none is guessed. Which of our
entities a row means is an editorial decision, written down in :data:`OUR_IRIS`.
"""

from __future__ import annotations

import csv
import io

from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from .. import ids
from ..namespaces import WD

#: known-ids.tsv label -> our entity. Rows not listed here are not linked
#: (e.g. the generic "Member of the Politburo" position, for which we have
#: memberships, not a post).
OUR_IRIS: dict[str, URIRef] = {
    "Joseph Stalin": ids.entity("person", "stalin"),
    "Vladimir Lenin": ids.entity("person", "lenin"),
    "Leon Trotsky": ids.entity("person", "trotsky"),
    "Nikolai Bukharin": ids.entity("person", "bukharin"),
    "Genrikh Yagoda": ids.entity("person", "yagoda"),
    "Nadezhda Krupskaya": ids.entity("person", "krupskaya"),
    "Maria Ulyanova (Lenin's sister)": ids.entity("person", "ulyanova"),
    "Olga Kameneva": ids.entity("person", "kameneva"),
    "Lazar Kaganovich": ids.entity("person", "kaganovich"),
    "Nikita Khrushchev": ids.entity("person", "khrushchev"),
    "Politburo of the Central Committee of the Communist Party of the Soviet Union": ids.entity("organ", "politburo"),
    "Orgburo": ids.entity("organ", "orgburo"),
    "Central Committee of the Communist Party of the Soviet Union": ids.entity("organ", "central-committee"),
    "General Secretary of the Communist Party of the Soviet Union": ids.entity("role", "general-secretary"),
    "Communist Party of the Soviet Union": ids.entity("organ", "party"),
    "Revolutionary Military Council": ids.entity("organ", "revvoensovet"),
    "Council of People's Commissars": ids.entity("organ", "sovnarkom"),
    "All-Russian Central Executive Committee": ids.entity("organ", "vtsik"),
    "Left Opposition": ids.entity("organ", "left-opposition"),
}


def links_graph(tsv_text: str, known: set[URIRef]) -> Graph:
    """``skos:exactMatch`` from each of our entities in ``known`` to its Wikidata item.

    >>> text = "label\\ttype\\twikidata\\tevidence\\nJoseph Stalin\\tperson\\tQ855\\tsomewhere\\n"
    >>> sorted(links_graph(text, {ids.entity("person", "stalin")}))[0][2]
    rdflib.term.URIRef('http://www.wikidata.org/entity/Q855')
    """
    g = Graph()
    for row in csv.DictReader(io.StringIO(tsv_text), delimiter="\t"):
        ours = OUR_IRIS.get(row["label"])
        if ours is not None and ours in known and row["wikidata"].startswith("Q"):
            g.add((ours, SKOS.exactMatch, WD[row["wikidata"]]))
    return g
