"""Person records (from :mod:`apparat.extract.biographies`) -> RDF: persons,
their names and dates, and one ``org:Membership`` node per stated interval."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import FOAF, PROV, RDF, RDFS, SKOS, XSD

from .. import ids
from ..namespaces import AP, ORG, SCHEMA

#: Organ slugs the biographies use, with the class each organ is an instance of.
ORGAN_CLASSES: dict[str, URIRef] = {
    "politburo": AP.Politburo,
    "orgburo": AP.Orgburo,
    "secretariat": AP.Secretariat,
    "central-committee": AP.CentralCommittee,
    "central-control-commission": AP.ControlCommission,
}

#: Role slugs the ontology defines; the parser's "member" (a body with no
#: candidate grade) is a full member, its "head" a chairman.
ROLES = {"full-member", "candidate-member", "secretary", "general-secretary", "chairman"}
ROLE_ALIASES = {"member": "full-member", "head": "chairman"}


def date_literal(date) -> Literal:
    """Return a stated date as a literal of its own precision.

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


def _location(g: Graph, source_id: str, line_start: int, line_end: int) -> URIRef:
    loc = ids.source_location(source_id, line_start, line_end)
    g.add((loc, RDF.type, AP.SourceLocation))
    g.add((loc, AP.inSource, ids.source(source_id)))
    g.add((loc, AP.lineStart, Literal(line_start)))
    g.add((loc, AP.lineEnd, Literal(line_end)))
    return loc


def persons_graph(records, source_id: str, organs: set[str] | None = None) -> Graph:
    """Describe persons and their memberships, each citing its line span in ``source_id``.

    Args:
        records: ``PersonRecord`` objects.
        source_id: the source they were read from (``rogovin-1992``).
        organs: organ slugs to keep memberships of (default: every organ in
            :data:`ORGAN_CLASSES`; others are left for the ontology to model).
    """
    organs = set(ORGAN_CLASSES) if organs is None else organs
    g = Graph()
    for rec in records:
        person = ids.entity("person", rec.slug)
        full_name = " ".join(p for p in (rec.given_name, rec.patronymic, rec.surname) if p)
        g.add((person, RDF.type, AP.Person))
        g.add((person, RDFS.label, Literal(f"{rec.given_name} {rec.surname}".strip(), lang="en")))
        g.add((person, SKOS.prefLabel, Literal(full_name, lang="en")))
        g.add((person, FOAF.familyName, Literal(rec.surname)))
        if rec.given_name:
            g.add((person, FOAF.givenName, Literal(rec.given_name)))
        if rec.patronymic:
            g.add((person, AP.patronymic, Literal(rec.patronymic)))
        if rec.other_name:
            g.add((person, AP.otherName, Literal(rec.other_name)))
        for date, new_style, old_style in ((rec.birth, SCHEMA.birthDate, AP.birthDateOldStyle),
                                           (rec.death, SCHEMA.deathDate, AP.deathDateOldStyle)):
            if date is not None:
                g.add((person, new_style, date_literal(date)))
                if date.old_style is not None:
                    g.add((person, old_style, date_literal(date.old_style)))
        g.add((person, PROV.wasDerivedFrom, _location(g, source_id, rec.line_start, rec.line_end)))
        for claim in rec.memberships:
            if claim.organ in organs:
                _membership(g, person, rec.slug, claim, source_id)
    return g


def _membership(g: Graph, person: URIRef, person_slug: str, claim, source_id: str) -> None:
    role = ROLE_ALIASES.get(claim.role, claim.role)
    start = f"{claim.start.year:04d}-{claim.start.month or 0:02d}-{claim.start.day or 0:02d}" if claim.start else "open"
    node = ids.entity("membership", f"{person_slug}/{claim.organ}/{role}/{start}")
    g.add((node, RDF.type, ORG.Membership))
    g.add((node, ORG.member, person))
    g.add((node, ORG.organization, ids.entity("organ", claim.organ)))
    g.add((node, ORG.role, ids.entity("role", role)))
    if claim.start is not None:
        g.add((node, AP.startDate, date_literal(claim.start)))
        g.add((node, AP.earliestStart, Literal(claim.start.earliest())))
    if claim.end is not None:
        g.add((node, AP.endDate, date_literal(claim.end)))
        g.add((node, AP.latestEnd, Literal(claim.end.latest())))
    g.add((node, PROV.wasDerivedFrom, _location(g, source_id, claim.line_start, claim.line_end)))
