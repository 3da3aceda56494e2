"""What the parsers match, compiled from the gazetteer: the organs and posts of
the biographical notes, the factions, the meetings and the persons' names.

Only gazetteer rows with a ``pattern`` are matched by the parsers (an organ's
label, names and abbreviations are for people and for the ledger's span check;
the pattern says how the notes write it). Which grammar an organ follows comes
from its data: a ``field`` makes it a People's Commissariat (``People's Commissar
of FIELD``), class ``ap:Periodical`` an editorship's periodical (``*Title*``),
class ``ap:Faction`` a faction of the life-event parser, and any other organ of a
class one sits on (a state body, a party organ: not a party, an army or an
institute) a state body; the party organs and councils whose roles the notes use in their own
ways (trait ``by-name``, see :mod:`.gazetteer`) keep the rules written in :mod:`.posts`, and
are tried first, each before any whose pattern takes a shorter piece of its name
(:func:`by_name_order`). The other traits (``party-roles``, ``cpbu-twin``,
``collegial``) become the sets of slugs the post grammar asks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from .gazetteer import Entity, Gazetteer, GazetteerError, load_gazetteer

__all__ = ["Lexicon", "by_name_order", "default_gazetteer", "default_lexicon"]

#: Classes of the bodies one holds a post or a seat in (a party, an army or an institute is none).
_BODIES = {"ap:StateBody", "ap:Commissariat", "ap:PartyOrgan", "ap:Politburo", "ap:Orgburo",
           "ap:Secretariat", "ap:CentralCommittee", "ap:ControlCommission"}


@dataclass(frozen=True)
class Lexicon:
    """The parsers' view of the gazetteer (see the module docstring)."""

    kinds: tuple[tuple[str, str], ...]                  # (slug, pattern) of the by-name kinds, in order
    periodicals: dict[str, str] = field(default_factory=dict)       # slug -> title pattern
    commissariats: dict[str, tuple[str, str]] = field(default_factory=dict)  # slug -> (field, names)
    state_bodies: dict[str, str] = field(default_factory=dict)      # slug -> pattern
    rsfsr: dict[str, str] = field(default_factory=dict)             # slug -> its RSFSR body's slug
    factions: dict[str, tuple[str, str]] = field(default_factory=dict)  # slug -> (label, pattern)
    labels: dict[str, str] = field(default_factory=dict)            # organ slug -> label
    expulsions: dict[str, str] = field(default_factory=dict)        # name -> organ one is expelled from
    party_roles: frozenset[str] = frozenset()   # slugs whose roles read as a party organ's
    cpbu_twins: frozenset[str] = frozenset()    # slugs with a Ukrainian twin <slug>-cpbu
    collegial: frozenset[str] = frozenset()     # slugs whose members a bare "In X" names

    @classmethod
    def from_gazetteer(cls, gazetteer: Gazetteer) -> Lexicon:
        """Compile the parsers' tables from ``gazetteer``."""
        by_name = by_name_order(gazetteer.with_trait("by-name"))
        kinds = tuple((e.slug, e.pattern or "") for e in by_name)
        periodicals, commissariats, state_bodies, factions = {}, {}, {}, {}
        for e in gazetteer.of_kind("organ"):
            if not e.pattern or e.has("by-name"):
                continue
            if "ap:Faction" in e.cls:
                factions[e.slug] = (e.label, e.pattern)
            elif "ap:Periodical" in e.cls:
                periodicals[e.slug] = e.pattern
            elif e.field_:
                commissariats[e.slug] = (e.field_, e.pattern)
            elif set(e.cls) & _BODIES:
                state_bodies[e.slug] = e.pattern
        organs = {e.slug for e in gazetteer.of_kind("organ")}
        rsfsr = {slug[: -len("-rsfsr")]: slug for slug in organs
                 if slug.endswith("-rsfsr") and slug[: -len("-rsfsr")] in organs}
        labels = {e.slug: e.label for e in gazetteer.of_kind("organ")}
        expulsions = gazetteer.matched_names("organ", "expulsions")
        def slugs(trait: str) -> frozenset[str]:
            return frozenset(e.slug for e in gazetteer.with_trait(trait))

        return cls(kinds, periodicals, commissariats, state_bodies, rsfsr, factions, labels, expulsions,
                   slugs("party-roles"), slugs("cpbu-twin"), slugs("collegial"))


def by_name_order(entities: Iterable[Entity]) -> list[Entity]:
    """The ``by-name`` kinds in the order the post grammar tries them.

    At one place in a sentence the first kind whose pattern matches wins, so a kind
    comes before every kind whose pattern would take a shorter piece of one of its
    names (label, names, variants, abbreviations: those its own pattern matches
    whole): ``Secretariat`` begins ``Secretariat of the ECCI``, so secretariat-ecci
    is tried before secretariat. Apart from that the order is by slug, so it never
    depends on the order of the rows, and no number has to be kept.

    Raises:
        GazetteerError: two kinds that each take a piece of the other's name
            (no order reads both); the message names both rows.

    >>> kinds = [Entity("organ", "secretariat", "Secretariat", pattern="Secretariat"),
    ...          Entity("organ", "secretariat-ecci", "Secretariat of the ECCI", pattern="Secretariat of the ECCI")]
    >>> [e.slug for e in by_name_order(kinds)]
    ['secretariat-ecci', 'secretariat']
    """
    todo = sorted(entities, key=lambda e: e.slug)
    compiled = {e.slug: re.compile(e.pattern or r"(?!)") for e in todo}
    # before[b] = the kinds that must be tried before b: a, when b would take a piece of a's name
    before: dict[str, set[str]] = {e.slug: set() for e in todo}
    for a in todo:
        for form in a.forms():
            if not compiled[a.slug].fullmatch(form):
                continue
            for b in todo:
                m = compiled[b.slug].match(form) if b is not a else None
                if m and m.end() < len(form):
                    before[b.slug].add(a.slug)
    out: list[Entity] = []
    while todo:
        placed = {e.slug for e in out}
        ready = next((e for e in todo if before[e.slug] <= placed), None)
        if ready is None:
            a = todo[0]
            b = next(e for e in todo if e.slug in before[a.slug])
            raise GazetteerError(f"{a.origin}: {a.slug!r} and {b.slug!r} ({b.origin}) each match the start of "
                                 "the other's name; no order of the by-name kinds reads both")
        out.append(ready)
        todo.remove(ready)
    return out


@cache
def default_gazetteer() -> Gazetteer:
    """The repository's gazetteer (``triples/gazetteer/``), read once."""
    return load_gazetteer(Path(__file__).resolve().parents[2] / "triples" / "gazetteer")


@cache
def default_lexicon() -> Lexicon:
    """The lexicon of the repository's gazetteer (what the parsers use unless given one)."""
    return Lexicon.from_gazetteer(default_gazetteer())
