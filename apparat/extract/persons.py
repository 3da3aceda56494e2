"""Person records (from :mod:`apparat.extract.biographies`) -> claim records: each
person's names and life dates as the note's header states them, and one
membership claim per stated interval (the writer makes the ``org:Membership``
nodes, see :mod:`apparat.extract.writer`).

A membership's kind follows what its sentence says about time: a range, an
open-ended ``from`` or a year (``in 1925``) is ``member``; an election is
``elected`` (its meeting, when it names one instead of a date, is its ``at``:
the meeting's dates come from the table of congresses); a removal that closes
no stated interval is ``left`` (its expulsion event is the life-event parser's).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .dates import StatedTime
from .gazetteer import Gazetteer
from .records import Claim, Span

__all__ = ["ROLES", "persons_claims"]

#: Role slugs of the gazetteer the notes use; the parser's "member" (a membership
#: implied by a party post such as deputy chairman of the CCC) is a full member.
ROLES = {"full-member", "candidate-member", "secretary", "general-secretary", "chairman",
         "deputy-chairman", "head", "editor", "peoples-commissar", "deputy-peoples-commissar",
         "diplomat"}
ROLE_ALIASES = {"member": "full-member"}
_ORIGIN = "biographical notes"


def _event_slug(event: str | None, gazetteer: Gazetteer | None) -> str | None:
    """The gazetteer event whose pattern the meeting's words match (``Sixth Congress``)."""
    if not event or gazetteer is None:
        return None
    for e in gazetteer.of_kind("event"):
        if e.pattern and re.search(e.pattern, event):
            return e.slug
    return None


def person_claims(rec, source_id: str) -> list[Claim]:
    """The names and life dates the header of one note states."""
    subject, header = f"person/{rec.slug}", (Span(rec.line_start, rec.line_start),)
    origin = f"{source_id} {_ORIGIN}: line {rec.line_start}"
    full_name = " ".join(p for p in (rec.given_name, rec.patronymic, rec.surname) if p)
    names = [("pref-label", full_name), ("family-name", rec.surname), ("given-name", rec.given_name),
             ("patronymic", rec.patronymic), ("other-name", rec.other_name)]
    out = [Claim(source_id, header, "attribute", subject, role=key, value=value, origin=origin)
           for key, value in names if value]
    for kind, date in (("born", rec.birth), ("death-date", rec.death)):
        if date is not None:
            out.append(Claim(source_id, header, kind, subject, time=StatedTime("at", date, text=date.text),
                             origin=origin))
    return out


def membership_claim(rec, m, source_id: str, gazetteer: Gazetteer | None = None) -> Claim:
    """One stated interval of one role in one organ, as a claim."""
    role = ROLE_ALIASES.get(m.role, m.role)
    if role not in ROLES:
        raise ValueError(f"role {m.role!r} of {rec.slug} is no role of the gazetteer (roles.csv)")
    kind, at = "member", ()
    statement = m.statement
    if statement == "range" and (m.start is None or m.end is None):  # a record built without its statement
        statement = "from" if m.start else "end" if m.end else "undated"
    if statement == "range":
        time = StatedTime("range", m.start, m.end)
    elif statement == "from":
        time = StatedTime("from", m.start)
    elif statement == "at":
        time = StatedTime("at", m.start)
    elif statement == "start":
        kind = "elected"
        time = StatedTime("at", m.start) if m.start else StatedTime("undated")
        slug = _event_slug(m.event, gazetteer) if m.start is None else None
        at = (f"event/{slug}",) if slug else ()
    elif statement == "end":
        kind, time = "left", StatedTime("at", m.end)
    else:
        time = StatedTime("undated")
    return Claim(source_id, (Span(m.line_start, m.line_end),), kind, f"person/{rec.slug}", role=role,
                 objects=(f"organ/{m.organ}",), time=time, at=at, value=m.note,
                 origin=f"{source_id} {_ORIGIN}: line {m.line_start}")


def persons_claims(records: Iterable, source_id: str, gazetteer: Gazetteer | None = None,
                   organs: set[str] | None = None) -> list[Claim]:
    """Every claim of the notes' headers and memberships (those of ``organs``, default all).

    Raises:
        ValueError: a claim's role is none of :data:`ROLES` (or an alias).
    """
    out = []
    for rec in records:
        out += person_claims(rec, source_id)
        out += [membership_claim(rec, m, source_id, gazetteer) for m in rec.memberships
                if organs is None or m.organ in organs]
    return out
