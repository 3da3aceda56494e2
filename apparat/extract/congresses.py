"""The monograph's table "Dates of Party Congresses, Conferences, and Comintern
Congresses" -> one dated event per congress or conference.

Pure functions: lines of text in, an rdflib ``Graph`` out; nothing here reads files.

Layout handled
    The section runs from its title line to the title of the biographical notes.
    Sub-headings (``Party Congresses``, ``Party Conferences``, ``Congresses of the
    Third International (Comintern)``) set the event class. An entry is a paragraph
    (one or more non-blank lines, joined with a space) of the form
    ``<Ordinal> Congress|Conference [of the <party>]: <dates>``.

Party forms
    ``of the RKP(b)`` (the abbreviation is the ``ap:partyName``); ``of the Russian
    Communist Party (Bolsheviks) [RKP(b)]`` (a full name: the bracket holds the
    abbreviation; ``[KPSS/CPSU]`` gives two names); ``of the VKP(b) ["Congress of
    Victors"]`` (after an abbreviation the bracket is a by-name: ``skos:altLabel``).
    A party event whose line names no party carries the previous entry's party.
    The English label uses the last abbreviation: "Nineteenth Congress of the CPSU".

Date forms (:func:`parse_range`)
    ``8–16 March 1921``, ``27 March–2 April 1922``, ``26 January–10 February 1934``
    (also broken over two lines), ``December 1927 – January 1928``, ranges across
    years ``30 December 1922–2 January 1923``, a single date (start = end), en dash,
    em dash or hyphen; ``late``/``early``/``mid`` qualifiers are dropped (the month
    is kept); American ``December 31, 1932`` is read as day-month-year.

IRIs: ``apid:event/party-congress-<n>``, ``party-conference-<n>``,
``comintern-congress-<n>``. Party events also get ``ap:organization
apid:organ/party``. Every event cites its entry's lines.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

from rdflib import Graph, URIRef

from .. import ids
from ..namespaces import AP
from .dates import DateSyntaxError, StatedDate, StatedTime, parse_time
from .gazetteer import Gazetteer
from .records import Claim, Span
from .writer import compile_claims

__all__ = [
    "CongressEntry",
    "congress_claims",
    "congress_entity_claims",
    "congresses_graph",
    "find_congress_section",
    "ordinal_value",
    "parse_congresses",
    "parse_range",
]

SECTION_TITLE = "Dates of Party Congresses, Conferences"
NEXT_TITLE = "Selected Biographical Notes"

_UNITS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth"]
_TEENS = ["tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth",
          "seventeenth", "eighteenth", "nineteenth"]
_TENS = {"twenty": 20, "thirty": 30, "forty": 40}
_ROUND = {"twentieth": 20, "thirtieth": 30, "fortieth": 40}

#: Sub-heading -> (event class, IRI prefix).
_KINDS = {
    "party congresses": (AP.PartyCongress, "party-congress"),
    "party conferences": (AP.PartyConference, "party-conference"),
    "congresses of the third international": (AP.CominternCongress, "comintern-congress"),
}

_ENTRY_RE = re.compile(
    r"^(?P<ordinal>[A-Z][a-z]+(?:-[A-Z]?[a-z]+)?)\s+(?P<noun>Congress|Conference)"
    r"(?:\s+of\s+the\s+(?P<party>.+?))?\s*:\s*(?P<dates>.+?)\s*$")
_ABBREV_RE = re.compile(r"^[A-Z][A-Za-z]*(?:\s*\([a-z]\))?$")
_BRACKET_RE = re.compile(r"^(?P<before>.*?)\s*\[(?P<inside>[^\]]*)\]\s*$")
_MONTH_NAMES = [m for m in calendar.month_name if m]
_M = "(?:" + "|".join(_MONTH_NAMES) + r")"
_US_DATE_RE = re.compile(rf"\b({_M})\s+(\d{{1,2}}),\s*(\d{{4}})\b")
_QUALIFIER_RE = re.compile(r"\b(?:late|early|mid|end of|beginning of)\s+", re.I)
_SPLIT_RE = re.compile(r"\s*[–—-]\s*")


@dataclass(frozen=True)
class CongressEntry:
    """One line of the table: class, number, party names, by-names, dates and lines."""

    cls: URIRef
    prefix: str
    ordinal: int
    noun: str
    parties: tuple[str, ...]
    by_names: tuple[str, ...]
    start: StatedDate | None
    end: StatedDate | None
    line_start: int
    line_end: int

    @property
    def iri(self) -> URIRef:
        return ids.entity("event", f"{self.prefix}-{self.ordinal}")

    @property
    def label(self) -> str:
        word = _ordinal_word(self.ordinal)
        if self.cls == AP.CominternCongress:
            return f"{word} Congress of the Comintern"
        return f"{word} {self.noun} of the {self.parties[-1]}" if self.parties else f"{word} {self.noun}"


def find_congress_section(lines: list[str]) -> tuple[int, int]:
    """Return ``(start, end)``: 0-based indexes of the section's title line and of the
    line that starts the biographical notes (exclusive end). ``(0, 0)`` if absent."""
    start = next((i for i, line in enumerate(lines) if line.strip().startswith(SECTION_TITLE)), None)
    if start is None:
        return 0, 0
    end = next((i for i in range(start + 1, len(lines)) if lines[i].strip().startswith(NEXT_TITLE)),
               len(lines))
    return start, end


def ordinal_value(word: str) -> int | None:
    """``Tenth`` -> 10, ``Twenty-Second`` -> 22, ``First`` -> 1; None if not an ordinal."""
    w = word.lower()
    if w in _UNITS:
        return _UNITS.index(w) + 1
    if w in _TEENS:
        return _TEENS.index(w) + 10
    if w in _ROUND:
        return _ROUND[w]
    tens, _, unit = w.partition("-")
    if tens in _TENS and unit in _UNITS:
        return _TENS[tens] + _UNITS.index(unit) + 1
    return None


def _ordinal_word(n: int) -> str:
    if n < 10:
        return _UNITS[n - 1].capitalize()
    if n < 20:
        return _TEENS[n - 10].capitalize()
    tens = {v: k for k, v in _TENS.items()}[n - n % 10]
    if n % 10 == 0:
        return {v: k for k, v in _ROUND.items()}[n].capitalize()
    return f"{tens.capitalize()}-{_UNITS[n % 10 - 1].capitalize()}"


def parse_range(text: str) -> tuple[StatedDate | None, StatedDate | None]:
    """Parse a stated date or date range into ``(start, end)`` by the one date grammar
    (:func:`apparat.extract.dates.parse_time`); a single date is both; None where unread.

    ``late``/``early``/``mid`` are kept as the date's qualifier (the bounds stay those of
    the month); American ``December 31, 1932`` is read as day-month-year.

    >>> s, e = parse_range("27 March–2 April 1922")
    >>> (s.month, s.day, e.month, e.day, s.year)
    (3, 27, 4, 2, 1922)
    """
    try:
        time = parse_time(text.strip().strip("().,;"))
    except DateSyntaxError:
        return None, None
    if time.kind == "range":
        return time.start, time.end
    if time.kind == "at":
        return time.start, time.start
    return None, None


def _paragraphs(lines: list[str], first_line_no: int):
    """``(text, first line, last line)`` per run of non-blank lines (joined with a space)."""
    buf: list[str] = []
    first = 0
    for offset, line in enumerate([*lines, ""]):
        if line.strip():
            if not buf:
                first = first_line_no + offset
            buf.append(line.strip())
        elif buf:
            yield " ".join(buf), first, first + len(buf) - 1
            buf = []


def _party_names(party: str | None) -> tuple[list[str], list[str]]:
    """``(party names, by-names)`` stated after ``of the``."""
    if not party:
        return [], []
    m = _BRACKET_RE.match(party)
    before, inside = (m["before"].strip(), m["inside"].strip()) if m else (party.strip(), "")
    if _ABBREV_RE.match(before):
        by_names = [inside.strip("“”\"")] if inside else []
        return [before], by_names
    if inside:
        return [p.strip() for p in inside.split("/") if p.strip()], []
    return [before], []


def parse_congresses(lines: list[str], first_line_no: int = 1) -> list[CongressEntry]:
    """Parse the section's lines (``first_line_no`` is the 1-based number of ``lines[0]``)."""
    entries: list[CongressEntry] = []
    kind = None
    parties: list[str] = []
    for text, first, last in _paragraphs(lines, first_line_no):
        heading = next((k for k in _KINDS if text.lower().startswith(k)), None)
        if heading:
            kind = _KINDS[heading]
            continue
        m = _ENTRY_RE.match(text)
        number = ordinal_value(m["ordinal"]) if m else None
        if kind is None or m is None or number is None:
            continue
        names, by_names = _party_names(m["party"])
        if kind[0] != AP.CominternCongress:
            parties = names or parties
        start, end = parse_range(m["dates"])
        entries.append(CongressEntry(
            kind[0], kind[1], number, m["noun"],
            tuple(parties) if kind[0] != AP.CominternCongress else (),
            tuple(by_names), start, end, first, last))
    return entries


def congress_entity_claims(lines: list[str], first_line_no: int, source_id: str) -> list[Claim]:
    """What the table says each congress and conference is: one ``entity`` claim each, with its
    class, number, party names and by-names as extras (its dates: :func:`congress_claims`).

    Args:
        lines: the section's lines (see :func:`find_congress_section`).
        first_line_no: 1-based corpus line number of ``lines[0]``.
        source_id: the source they come from (``rogovin-1992``).
    """
    out = []
    for e in parse_congresses(lines, first_line_no):
        extra = [("ordinal", str(e.ordinal)), ("rdfs-label", e.label)]
        extra += [("party-name", party) for party in e.parties]
        extra += [("alt-label", name) for name in e.by_names]
        if e.cls != AP.CominternCongress:
            extra.append(("organ", "organ/party"))
        out.append(Claim(source_id, (Span(e.line_start, e.line_end),), "entity", f"event/{e.prefix}-{e.ordinal}",
                         role=e.prefix, extra=tuple(extra),
                         origin=f"{source_id} table of congresses: line {e.line_start}"))
    return out


def congresses_graph(lines: list[str], first_line_no: int, source_id: str) -> Graph:
    """:func:`congress_entity_claims` and :func:`congress_claims` as the one writer renders them."""
    claims = congress_entity_claims(lines, first_line_no, source_id) + congress_claims(lines, first_line_no, source_id)
    return compile_claims(claims, Gazetteer()).get(source_id, Graph())


def congress_claims(lines: list[str], first_line_no: int, source_id: str) -> list[Claim]:
    """When each congress and conference met, as the table states it: one ``meeting`` claim each.

    These are the dates a statement made by reference to a congress (``elected at the
    Eleventh Congress``) takes, unless its own source dates that congress.
    """
    out = []
    for e in parse_congresses(lines, first_line_no):
        if e.start is None:
            continue
        time = StatedTime("range", e.start, e.end) if e.end and e.end != e.start else StatedTime("at", e.start)
        out.append(Claim(source_id, (Span(e.line_start, e.line_end),), "meeting", f"event/{e.prefix}-{e.ordinal}",
                         time=time, origin=f"{source_id} table of congresses: line {e.line_start}"))
    return out
