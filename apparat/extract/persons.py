"""Person records (from :mod:`apparat.extract.biographies`) -> RDF: persons,
their names and dates, and one ``org:Membership`` node per stated interval.

A membership node is ``membership/<person>/<organ>/<role>/<start>`` (``open``
when no start is stated), with ``/<place>`` after it for an envoy's post (whose
place is also its ``rdfs:comment``), and ``/to-<end>`` when two posts of a person
would otherwise share a node. Every organ a kept membership names is typed and
labelled once in the monograph's graph: by the ontology (:data:`ORGAN_CLASSES`),
by the glossary (:data:`GLOSSARY_BODIES`) or here (:data:`OTHER_BODIES`)."""

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
#: Bodies the glossary defines (see :mod:`.glossary`; the NKVD is the OGPU's successor
#: there): memberships are kept, the glossary types and labels them.
GLOSSARY_BODIES = {"ecci", "sovnarkom", "revvoensovet", "rabkrin", "narkomnats", "nkvd", "vsnkh",
                   "gosplan", "vtssps", "vtsik", "tsik", "glavkontsesskom", "pur"}


def _commissariat(label: str) -> tuple[URIRef, str]:
    return AP.Commissariat, f"People's Commissariat of {label}"


#: Bodies only the biographies name: defined here, with a class and a label.
OTHER_BODIES: dict[str, tuple[URIRef, str]] = {
    "central-committee-cpbu": (AP.PartyOrgan, "Central Committee of the CP(b)U"),
    "politburo-cpbu": (AP.PartyOrgan, "Politburo of the CP(b)U"),
    "orgburo-cpbu": (AP.PartyOrgan, "Orgburo of the CP(b)U"),
    "secretariat-cpbu": (AP.PartyOrgan, "Secretariat of the CP(b)U"),
    "central-control-commission-cpbu": (AP.PartyOrgan, "Central Control Commission of the CP(b)U"),
    "party-control-commission": (AP.ControlCommission, "Party Control Commission"),
    "sovnarkom-rsfsr": (AP.StateBody, "Sovnarkom of the RSFSR"),
    "vsnkh-rsfsr": (AP.StateBody, "Supreme Council of the National Economy of the RSFSR"),
    "sto": (AP.StateBody, "Council of Labour and Defence"),
    "ogiz": (AP.StateBody, "Association of State Book and Magazine Publishers (OGIZ)"),
    # People's Commissariats
    "narkomindel": _commissariat("Foreign Affairs"),
    "narkomfin": _commissariat("Finance"),
    "narkomfin-rsfsr": _commissariat("Finance of the RSFSR"),
    "narkomvoenmor": _commissariat("Military and Naval Affairs"),
    "narkommor": _commissariat("Naval Affairs"),
    "narkomput": _commissariat("Ways of Communication"),
    "narkomtrud": _commissariat("Labour"),
    "narkomzem": _commissariat("Agriculture"),
    "narkompros": _commissariat("Education"),
    "narkomtorg": _commissariat("Trade"),
    "narkomtiazhprom": _commissariat("Heavy Industry"),
    "narkomlegprom": _commissariat("Light Industry"),
    "narkompochtel": _commissariat("Posts and Telegraphs"),
    "narkomoborony": _commissariat("Defence"),
    "narkomiust": _commissariat("Justice"),
    "narkomiust-rsfsr": _commissariat("Justice of the RSFSR"),
    "rabkrin-rsfsr": _commissariat("Workers' and Peasants' Inspection of the RSFSR"),
    # periodicals
    "pravda": (AP.Periodical, "Pravda"),
    "izvestiia": (AP.Periodical, "Izvestiia"),
    "bolshevik": (AP.Periodical, "Bolshevik"),
    "trud": (AP.Periodical, "Trud (Labour)"),
    "krasnaia-zvezda": (AP.Periodical, "Krasnaia zvezda (Red Star)"),
    "krasnaia-nov": (AP.Periodical, "Krasnaia nov' (Red Virgin Soil)"),
    "kommunistka": (AP.Periodical, "Kommunistka"),
    "rabochii-krai": (AP.Periodical, "Rabochii krai"),
    "krestianskaia-gazeta": (AP.Periodical, "Krest'ianskaia gazeta (Peasants' Newspaper)"),
    "bednota": (AP.Periodical, "Bednota (Village Poor)"),
    "sovetskaia-sibir": (AP.Periodical, "Sovetskaia Sibir' (Soviet Siberia)"),
    "istorik-marksist": (AP.Periodical, "Istorik-marksist"),
    "bezbozhnik": (AP.Periodical, "Bezbozhnik (Atheist)"),
    "pod-znamenem-marksizma": (AP.Periodical, "Pod znamenem marksizma (Under the Banner of Marxism)"),
}

#: Role slugs the ontology defines (``apid:role/…``); the parser's "member" (a
#: membership implied by a party post such as deputy chairman of the CCC) is a full member.
ROLES = {"full-member", "candidate-member", "secretary", "general-secretary", "chairman",
         "deputy-chairman", "head", "editor", "peoples-commissar", "deputy-peoples-commissar",
         "diplomat"}
ROLE_ALIASES = {"member": "full-member"}


def persons_graph(records, source_id: str, organs: set[str] | None = None) -> Graph:
    """Describe persons and their memberships, each citing its line span in ``source_id``.

    Args:
        records: ``PersonRecord`` objects.
        source_id: the source they were read from (``rogovin-1992``).
        organs: organ slugs to keep memberships of (default: every organ of
            :data:`ORGAN_CLASSES`, :data:`GLOSSARY_BODIES` and :data:`OTHER_BODIES`).

    Raises:
        ValueError: a kept claim's role is none of :data:`ROLES` (or an alias).
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
        nodes: dict[URIRef, object] = {}
        for claim in rec.memberships:
            if claim.organ in organs:
                _membership(g, person, rec.slug, claim, source_id, nodes)
    return g


def _membership(g: Graph, person: URIRef, person_slug: str, claim, source_id: str,
                nodes: dict[URIRef, object]) -> None:
    role = ROLE_ALIASES.get(claim.role, claim.role)
    if role not in ROLES:
        raise ValueError(f"role {claim.role!r} of {person_slug} is no role of the ontology")
    key = f"{person_slug}/{claim.organ}/{role}/{_date_key(claim.start)}"
    note = getattr(claim, "note", None)
    if note:
        key += f"/{ids.slugify(note)}"
    node = ids.entity("membership", key)
    if nodes.setdefault(node, claim) is not claim:  # same post and start: tell them by the end
        node = ids.entity("membership", f"{key}/to-{_date_key(claim.end)}")
        nodes[node] = claim
    g.add((node, RDF.type, ORG.Membership))
    g.add((node, ORG.member, person))
    g.add((node, ORG.organization, ids.entity("organ", claim.organ)))
    g.add((node, ORG.role, ids.entity("role", role)))
    if note:
        g.add((node, RDFS.comment, Literal(note, lang="en")))
    add_interval(g, node, claim.start, claim.end)
    cite(g, node, source_id, claim.line_start, claim.line_end)


def _date_key(date) -> str:
    return f"{date.year:04d}-{date.month or 0:02d}-{date.day or 0:02d}" if date else "open"
