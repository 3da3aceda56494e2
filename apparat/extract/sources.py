"""``sources.tsv`` -> the catalogue of sources, each a ``prov:Entity``."""

from __future__ import annotations

import csv
import io

from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS, RDF, RDFS

from .. import ids
from ..namespaces import AP


def parse_sources(tsv_text: str) -> list[dict[str, str]]:
    """Return the rows of ``sources.tsv`` as dicts keyed by its header.

    >>> parse_sources("file\\tid\\ttitle\\na.txt\\tsome-id\\tA title\\n")[0]["id"]
    'some-id'
    """
    return list(csv.DictReader(io.StringIO(tsv_text), delimiter="\t"))


def sources_graph(rows: list[dict[str, str]]) -> Graph:
    """Describe each source: title, kind, author or site, file, and reliability notes."""
    g = Graph()
    for row in rows:
        src = ids.source(row["id"])
        g.add((src, RDF.type, AP.Source))
        g.add((src, DCTERMS.identifier, Literal(row["id"])))
        g.add((src, RDFS.label, Literal(row["title"].strip('"'), lang="en")))
        g.add((src, DCTERMS.title, Literal(row["title"].strip('"'), lang="en")))
        g.add((src, AP.fileName, Literal(row["file"])))
        for column, prop in (("kind", DCTERMS.type), ("author_or_site", DCTERMS.creator),
                             ("what_it_holds", DCTERMS.description), ("reliability_notes", AP.reliabilityNote)):
            if row.get(column):
                g.add((src, prop, Literal(row[column], lang="en")))
    return g


def file_to_source_id(rows: list[dict[str, str]]) -> dict[str, str]:
    """Map corpus file names to source ids."""
    return {row["file"]: row["id"] for row in rows}
