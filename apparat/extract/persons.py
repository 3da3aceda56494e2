"""Person records (from :mod:`apparat.extract.biographies`) -> RDF: persons,
their names and dates, and one ``org:Membership`` node per stated interval."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import FOAF, RDF, RDFS, SKOS

from .. import ids
from ..namespaces import AP, ORG, SCHEMA
from .common import add_interval, cite, date_literal

#: Organ slugs the biographies use that the ontology defines.
ORGAN_CLASSES: dict[str, URIRef] = {
    "politburo": AP.Politburo,
    "orgburo": AP.Orgburo,
    "secretariat": AP.Secretariat,
    "central-committee": AP.CentralCommittee,
    "central-control-commission": AP.ControlCommission,
}
#: Bodies the glossary defines (see :mod:`.glossary`): memberships are kept.
GLOSSARY_BODIES = {"ecci", "sovnarkom", "revvoensovet"}
#: Bodies only the biographies name: defined here, with a class and a label.
OTHER_BODIES: dict[str, tuple[URIRef, str]] = {
    "central-committee-cpbu": (AP.PartyOrgan, "Central Committee of the CP(b)U"),
    "politburo-cpbu": (AP.PartyOrgan, "Politburo of the CP(b)U"),
    "party-control-commission": (AP.ControlCommission, "Party Control Commission"),
    "sovnarkom-rsfsr": (AP.StateBody, "Sovnarkom of the RSFSR"),
}

#: Role slugs the ontology defines; the parser's "member" (a body with no
#: candidate grade) is a full member, its "head" a chairman.
ROLES = {"full-member", "candidate-member", "secretary", "general-secretary", "chairman"}
ROLE_ALIASES = {"member": "full-member", "head": "chairman"}


def persons_graph(records, source_id: str, organs: set[str] | None = None) -> Graph:
    """Describe persons and their memberships, each citing its line span in ``source_id``.

    Args:
        records: ``PersonRecord`` objects.
        source_id: the source they were read from (``rogovin-1992``).
        organs: organ slugs to keep memberships of (default: every organ in
            :data:`ORGAN_CLASSES`; others are left for the ontology to model).
    """
    organs = {*ORGAN_CLASSES, *GLOSSARY_BODIES, *OTHER_BODIES} if organs is None else organs
    g = Graph()
    for slug, (cls, label) in sorted(OTHER_BODIES.items()):
        if any(claim.organ == slug for rec in records for claim in rec.memberships):
            g.add((ids.entity("organ", slug), RDF.type, cls))
            g.add((ids.entity("organ", slug), RDFS.label, Literal(label, lang="en")))
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
        cite(g, person, source_id, rec.line_start, rec.line_end)
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
    add_interval(g, node, claim.start, claim.end)
    cite(g, node, source_id, claim.line_start, claim.line_end)
