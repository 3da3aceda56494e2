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
ways (:data:`PARTY_KINDS`) keep the order and the rules written in :mod:`.posts`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from .gazetteer import Gazetteer, load_gazetteer

__all__ = ["PARTY_KINDS", "Lexicon", "default_gazetteer", "default_lexicon"]

#: The organs (and the one post) the post grammar treats by name, in matching order.
PARTY_KINDS = ("secretariat-ecci", "ecci", "secretariat", "general-secretary", "politburo", "orgburo",
               "central-control-commission", "party-control-commission", "central-committee",
               "sovnarkom", "revvoensovet")


#: Classes of the bodies one holds a post or a seat in (a party, an army or an institute is none).
_BODIES = {"ap:StateBody", "ap:Commissariat", "ap:PartyOrgan", "ap:Politburo", "ap:Orgburo",
           "ap:Secretariat", "ap:CentralCommittee", "ap:ControlCommission"}


@dataclass(frozen=True)
class Lexicon:
    """The parsers' view of the gazetteer (see the module docstring)."""

    kinds: tuple[tuple[str, str], ...]                  # (slug, pattern) of PARTY_KINDS
    periodicals: dict[str, str] = field(default_factory=dict)       # slug -> title pattern
    commissariats: dict[str, tuple[str, str]] = field(default_factory=dict)  # slug -> (field, names)
    state_bodies: dict[str, str] = field(default_factory=dict)      # slug -> pattern
    rsfsr: dict[str, str] = field(default_factory=dict)             # slug -> its RSFSR body's slug
    factions: dict[str, tuple[str, str]] = field(default_factory=dict)  # slug -> (label, pattern)
    labels: dict[str, str] = field(default_factory=dict)            # organ slug -> label
    expulsions: dict[str, str] = field(default_factory=dict)        # name -> organ one is expelled from

    @classmethod
    def from_gazetteer(cls, gazetteer: Gazetteer) -> Lexicon:
        """Compile the parsers' tables from ``gazetteer``.

        Raises:
            KeyError: one of :data:`PARTY_KINDS` has no pattern in the gazetteer.
        """
        kinds = []
        for slug in PARTY_KINDS:
            entity = gazetteer.get("organ", slug) or gazetteer.get("role", slug)
            if entity is None or not entity.pattern:
                raise KeyError(f"the gazetteer has no pattern for {slug!r}, which the post grammar needs")
            kinds.append((slug, entity.pattern))
        periodicals, commissariats, state_bodies, factions = {}, {}, {}, {}
        for e in gazetteer.of_kind("organ"):
            if not e.pattern or e.slug in PARTY_KINDS:
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
        return cls(tuple(kinds), periodicals, commissariats, state_bodies, rsfsr, factions, labels, expulsions)


@cache
def default_gazetteer() -> Gazetteer:
    """The repository's gazetteer (``triples/gazetteer/``), read once."""
    return load_gazetteer(Path(__file__).resolve().parents[2] / "triples" / "gazetteer")


@cache
def default_lexicon() -> Lexicon:
    """The lexicon of the repository's gazetteer (what the parsers use unless given one)."""
    return Lexicon.from_gazetteer(default_gazetteer())
