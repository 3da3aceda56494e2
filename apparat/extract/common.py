"""Building blocks every extractor shares: source locations, stated dates and
their normalised bounds. Pure functions on an rdflib ``Graph``."""

from __future__ import annotations

import datetime as dt

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, XSD

from .. import ids
from ..namespaces import AP


def date_literal(date) -> Literal:
    """Return a stated date (``year``, ``month``, ``day``) as a literal of its own precision.

    >>> from types import SimpleNamespace as D
    >>> date_literal(D(year=1924, month=6, day=2))
    rdflib.term.Literal('1924-06-02', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#date'))
    >>> date_literal(D(year=1924, month=None, day=None))
    rdflib.term.Literal('1924', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#gYear'))
    """
    if date.month is None:
        return Literal(f"{date.year:04d}", datatype=XSD.gYear)
    if date.day is None:
        return Literal(f"{date.year:04d}-{date.month:02d}", datatype=XSD.gYearMonth)
    return Literal(f"{date.year:04d}-{date.month:02d}-{date.day:02d}", datatype=XSD.date)


def earliest(date) -> dt.date:
    """First day a stated date allows (a year starts on 1 January)."""
    return dt.date(date.year, date.month or 1, date.day or 1)


def latest(date) -> dt.date:
    """Last day a stated date allows (a year ends on 31 December).

    >>> from types import SimpleNamespace as D
    >>> latest(D(year=1924, month=2, day=None))
    datetime.date(1924, 2, 29)
    """
    if date.month is None:
        return dt.date(date.year, 12, 31)
    if date.day is None:
        following = dt.date(date.year + date.month // 12, date.month % 12 + 1, 1)
        return following - dt.timedelta(days=1)
    return dt.date(date.year, date.month, date.day)


def add_location(g: Graph, source_id: str, line_start: int, line_end: int) -> URIRef:
    """Add (once) the node for lines ``line_start``-``line_end`` of a source and return it."""
    loc = ids.source_location(source_id, line_start, line_end)
    g.add((loc, RDF.type, AP.SourceLocation))
    g.add((loc, AP.inSource, ids.source(source_id)))
    g.add((loc, AP.lineStart, Literal(line_start)))
    g.add((loc, AP.lineEnd, Literal(line_end)))
    return loc


def cite(g: Graph, node: URIRef, source_id: str, line_start: int, line_end: int) -> None:
    """State that ``node`` is derived from lines ``line_start``-``line_end`` of ``source_id``."""
    g.add((node, PROV.wasDerivedFrom, add_location(g, source_id, line_start, line_end)))


def add_interval(g: Graph, node: URIRef, start=None, end=None) -> None:
    """Give ``node`` its stated start/end (own precision) and the normalised bounds.

    ``start``/``end`` are objects with ``year``, ``month``, ``day`` (``None`` where
    unknown); an interval open at one side simply lacks that side.
    """
    if start is not None:
        g.add((node, AP.startDate, date_literal(start)))
        g.add((node, AP.earliestStart, Literal(earliest(start))))
    if end is not None:
        g.add((node, AP.endDate, date_literal(end)))
        g.add((node, AP.latestEnd, Literal(latest(end))))


def add_point_date(g: Graph, node: URIRef, date) -> None:
    """Give a point event or document its stated date and the bounds that date allows."""
    g.add((node, AP.date, date_literal(date)))
    g.add((node, AP.earliestStart, Literal(earliest(date))))
    g.add((node, AP.latestEnd, Literal(latest(date))))
