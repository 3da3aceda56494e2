"""The biographical notes' life events as claim records (:mod:`apparat.extract.life_events`
parses the sentences; the writer turns these claims into RDF)."""

from __future__ import annotations

from .dates import StatedDate, StatedTime
from .lexicon import Lexicon
from .life_events import Entry, Event, Membership, parse_entries
from .records import Claim, Span

__all__ = ["life_event_claims", "sentence_report", "unparsed_events"]


def _date_key(date: StatedDate | None, zero_padded: bool = False) -> str:
    if date is None:
        return "open" if zero_padded else "n"
    if zero_padded:
        return date.key()
    return date.iso()


def _unique(node: str, used: set[str]) -> str:
    n, out = 1, node
    while out in used:
        n += 1
        out = f"{node}-{n}"
    used.add(out)
    return out


#: Event class -> the ledger kind of its claim.
_KINDS = {"JoiningParty": "joined-party", "Expulsion": "expelled", "Reinstatement": "reinstated",
          "Arrest": "arrested", "Trial": "sentenced", "Execution": "shot", "Suicide": "suicide",
          "Death": "died", "Rehabilitation": "rehabilitated", "Signing": "signed",
          "RehabilitationRefused": "rehabilitation-refused"}


def _spans(lines) -> tuple[Span, ...]:
    return tuple(Span(a, b) for a, b in lines)


def _time(date: StatedDate | None) -> StatedTime:
    return StatedTime("at", date) if date else StatedTime("undated")


def _event_claim(slug: str, e: Event, used: set[str], source_id: str) -> Claim:
    node = _unique(f"{slug}/{'no-' if e.negated else ''}{e.kind}/{_date_key(e.date)}", used)
    objects = ()
    if e.organ and e.organ != "party":
        objects = (f"organ/{e.organ}",)
    if e.document:
        objects = (f"document/{e.document}",)
    if e.trial:
        objects = (f"event/{e.trial}",)
    value = e.party_name if e.cls == "JoiningParty" else e.outcome
    return Claim(source_id, _spans(e.lines), _KINDS[e.cls], f"person/{slug}", objects=objects, time=_time(e.date),
                 value=value, id=node, certainty="negated" if e.negated else None,
                 origin=f"{source_id} biographical notes: line {e.lines[0][0]}")


def _membership_claim(slug: str, m: Membership, source_id: str) -> Claim:
    if m.start and m.end:
        time = StatedTime("at", m.start) if m.start == m.end else StatedTime("range", m.start, m.end)
    elif m.start:
        time = StatedTime("from", m.start)
    elif m.end:
        return Claim(source_id, _spans(m.lines), "left", f"person/{slug}", role="full-member",
                     objects=(f"organ/{m.faction}",), time=StatedTime("at", m.end),
                     origin=f"{source_id} biographical notes: line {m.lines[0][0]}")
    else:
        time = StatedTime("undated")
    return Claim(source_id, _spans(m.lines), "member", f"person/{slug}", role="full-member",
                 objects=(f"organ/{m.faction}",), time=time,
                 origin=f"{source_id} biographical notes: line {m.lines[0][0]}")


def _document_claims(entries: list[Entry], source_id: str) -> list[Claim]:
    """Each signed document, dated by the most precise signing date the notes give."""
    signings = [e for entry in entries for e in entry.events if e.document]
    out = []
    for doc in sorted({e.document for e in signings}):
        mine = [e for e in signings if e.document == doc]
        dated = sorted((e for e in mine if e.date), key=lambda e: -len(_date_key(e.date)))
        best = dated[0] if dated else mine[0]
        out.append(Claim(source_id, _spans(best.lines[:1]), "document", f"document/{doc}", time=_time(best.date),
                         origin=f"{source_id} biographical notes: line {best.lines[0][0]}"))
    return out


def _trial_claims(entries: list[Entry], source_id: str) -> list[Claim]:
    """The dates the notes give the Moscow trials (the most precise one)."""
    out = []
    for trial in sorted({e.trial for entry in entries for e in entry.events if e.trial}):
        dated = sorted((d for entry in entries for d in entry.trial_dates if d[0] == trial),
                       key=lambda d: -len(_date_key(d[1])))
        for _, date, (a, b) in dated[:1]:
            out.append(Claim(source_id, (Span(a, b),), "meeting", f"event/{trial}", time=_time(date),
                             origin=f"{source_id} biographical notes: line {a}"))
    return out


def life_event_claims(records, lines: list[str], first_line_no: int, source_id: str,
                      lexicon: Lexicon | None = None) -> list[Claim]:
    """Events, faction memberships, signed documents and trial dates of every record, as claims.

    Args:
        records: ``PersonRecord`` objects from ``biographies.parse_biographies(lines,
            first_line_no)``.
        lines: the lines those records were parsed from.
        first_line_no: 1-based line number of ``lines[0]`` in the source file.
        source_id: the source they were read from (``rogovin-1992``).
        lexicon: the factions to look for (default: the repository's gazetteer).
    """
    out = []
    entries = parse_entries(records, lines, first_line_no, lexicon)
    for slug, entry in entries:
        used: set[str] = set()
        seen: dict[tuple, Event] = {}
        for e in entry.events:
            if e.key() in seen:
                seen[e.key()].lines += [x for x in e.lines if x not in seen[e.key()].lines]
            else:
                seen[e.key()] = e
        out += [_event_claim(slug, e, used, source_id) for e in seen.values()]
        merged: dict[tuple, Membership] = {}
        for m in entry.memberships:
            key = (m.faction, m.start, m.end)
            if key in merged:
                merged[key].lines += [x for x in m.lines if x not in merged[key].lines]
            else:
                merged[key] = m
        out += [_membership_claim(slug, m, source_id) for m in merged.values()]
    out += _document_claims([e for _, e in entries], source_id)
    out += _trial_claims([e for _, e in entries], source_id)
    return out


def unparsed_events(records, lines: list[str], first_line_no: int,
                    lexicon: Lexicon | None = None) -> list[tuple[int, str]]:
    """``(line, sentence)`` of each sentence naming an event keyword but yielding nothing.

    For a console report only: the sentences are never stored.
    """
    return sentence_report(records, lines, first_line_no, lexicon)[0]


def sentence_report(records, lines: list[str], first_line_no: int,
                    lexicon: Lexicon | None = None) -> tuple[list[tuple[int, str]], set[tuple[int, str]]]:
    """The sentences the life-event parser left unread (as :func:`unparsed_events`) and
    ``(line, sentence)`` of those it read an event or a faction membership from
    (whitespace stripped), so that a sentence the post grammar finds no post in is
    not reported when this parser read it. For the console report only.
    """
    entries = [e for _, e in parse_entries(records, lines, first_line_no, lexicon)]
    return (sorted(u for e in entries for u in e.unparsed),
            {(n, s.strip()) for e in entries for n, s in e.read})
