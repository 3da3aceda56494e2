"""The monograph's "Glossary of Abbreviations and Terms" -> organs, state bodies,
factions, places, one document and SKOS concepts, each citing its entry's lines.

Pure functions: lines of text in, claim records out; nothing here reads files.

Entries
    An entry starts a line with ``Headword [Russian names]: text``, ``Headword:
    text`` or ``Headword [names]. text`` (headword of at most five words, no ``;``,
    not starting with a digit);
    following lines that do not start an entry (a paragraph broken by a page) belong
    to it. Russian names are the Cyrillic items of the bracket (split at ``;`` and
    after a one-word item such as ``РКП(б),``; a parenthesised ``(ЧК)`` is an item
    too); Latin look-alikes (``[CHK]``, ``(PBC)``) are ignored.

What each headword becomes (:data:`ENTITIES`; every other headword is a concept)
    Bodies get ``skos:prefLabel``/``rdfs:label`` (English name, @en), ``ap:abbreviation``
    (each abbreviation in the headword), ``skos:altLabel`` (Russian names, @ru). The
    Politburo, Orgburo, CC, CCC and the party (RKP(b), VKP(b), CPSU, RSDRP are names
    of ``apid:organ/party``) keep the ontology's IRIs and labels: they only gain
    abbreviations, Russian names and citations. ``GPU: see OGPU`` and ``SNK: See:
    Sovnarkom`` add their abbreviation to the body they point to. The
    "Declaration of the Eighty-Three" is an ``ap:Declaration`` with its date and
    addressee. Kommunarka and the RSFSR are places. All other terms (NEP, kulak,
    oblast ...) are ``skos:Concept`` in the scheme ``apid:scheme/<source>-glossary``
    with a prefLabel and the Russian altLabel, no definition (nothing is copied).

Dates and people read from a body's text
    Existence: ``from 1917–1922`` (also ``1922–34``), a ``YYYY–YYYY`` range in the
    first sentence or in the bracket, ``set up|founded in YYYY`` (start),
    ``Dissolved in YYYY`` / ``In YYYY, it was merged`` (end).
    Heads (``org:Membership``, role chairman; ``peoples-commissar`` where the gazetteer
    makes the body a People's Commissariat: class ``ap:Commissariat`` or a ``field``, as
    Narkomnats and Rabkrin, whose heads the notes call People's Commissar or Narkom):
    ``Headed by A, D–D; B, D–D`` (a range),
    ``Headed by A for most of D–D`` (the phrase kept as ``ap:dateAsStated``),
    ``headed by A`` without dates (a window: somewhere in the body's existence, held in
    no stated year), ``A became [first] chairman on D`` (a start only; the next
    chairman's start is not read as its end), ``under A's leadership`` (undated).
    A glossary range for a body is its lifetime, never its head's tenure. Members (role full member, undated):
    ``Other members included A, B and C`` and ``faction of A, B, and C``.
    A successor: ``from YYYY, the ABBR [English name]`` mints that body (start date)
    and ``dct:isReplacedBy`` links it; ``Replaced by the ABBR`` links a named one.
    A person is ``apid:person/<lowercase surname>``, described (class, label) by the gazetteer.

Claims
    Everything above is a claim record (:func:`glossary_claims`): an ``entity`` claim per
    body, place, concept and the concept scheme, a ``document`` claim for the declaration,
    ``member`` claims for heads and members; the one writer renders them
    (:func:`glossary_graph` does so for one section alone).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from rdflib import Graph, URIRef

from .. import ids
from ..namespaces import AP, ORG, SCHEMA
from .congresses import parse_range
from .dates import StatedTime
from .gazetteer import Gazetteer
from .records import Claim, Span
from .writer import compile_claims

__all__ = [
    "ENTITIES",
    "GlossaryEntry",
    "Spec",
    "find_glossary_section",
    "glossary_claims",
    "glossary_graph",
    "parse_glossary",
]

SECTION_TITLE = "Glossary of Abbreviations and Terms"
NEXT_TITLE = "Dates of Party Congresses"


@dataclass(frozen=True)
class Spec:
    """What a headword names: IRI kind and slug, class (None: the ontology describes
    it), English name (None: keep the ontology's), parent organ slug, other English names."""

    kind: str
    slug: str
    cls: URIRef | None = None
    label: str | None = None
    parent: str | None = None
    alt_en: tuple[str, ...] = ()
    addressee: str | None = None
    abbreviated: bool = True


def _state(slug: str, label: str, parent: str | None = None) -> Spec:
    return Spec("organ", slug, AP.StateBody, label, parent)


#: Headword (as printed, without quotes) -> what it names.
ENTITIES: dict[str, Spec] = {
    "CC": Spec("organ", "central-committee"),
    "CCC": Spec("organ", "central-control-commission", parent="central-committee"),
    "Orgburo": Spec("organ", "orgburo"),
    "Politburo": Spec("organ", "politburo"),
    "CPSU": Spec("organ", "party", alt_en=("Communist Party of the Soviet Union",)),
    "RKP(b)": Spec("organ", "party", alt_en=("Russian Communist Party (bolshevik)",)),
    "VKP(b)": Spec("organ", "party", alt_en=("All-Union Communist Party (bolshevik)",)),
    "RSDRP": Spec("organ", "party", alt_en=("Russian Social Democratic Workers' Party",)),
    "Istpart": Spec("organ", "istpart", AP.PartyOrgan, "Bureau of Party History"),
    "Uchraspred": Spec("organ", "uchraspred", AP.PartyOrgan,
                       "Registration and Distribution Department", "central-committee"),
    "Cheka": _state("cheka", "Extraordinary Commission"),
    "ECCI": _state("ecci", "Executive Committee of the Communist International"),
    "Glavkontsesskom": _state("glavkontsesskom", "Main Concession Committee"),
    "Gosizdat": _state("gosizdat", "State Publishing House"),
    "Gosplan": _state("gosplan", "State Planning Committee"),
    "GULag": _state("gulag", "Main Camp Administration"),
    "Narkomnats": _state("narkomnats", "People's Commissariat of Nationalities"),
    "OGPU": _state("ogpu", "United State Political Administration"),
    "PUR": _state("pur", "Political Administration of the Revolutionary Military Council",
                  "revvoensovet"),
    "Rabkrin, RKI": _state("rabkrin", "Workers' and Peasants' Inspection"),
    "RVS, Revvoensovet": _state("revvoensovet", "Revolutionary Military Council"),
    "Sovnarkom": _state("sovnarkom", "Council of People's Commissars"),
    "TseKUBU": _state("tsekubu", "Central Commission for Improving the Living Conditions of Scholars"),
    "TsIK": _state("tsik", "Central Executive Committee"),
    "VSNNKh": _state("vsnkh", "Supreme Council of the National Economy"),
    "VTsIK": _state("vtsik", "All-Russian Central Executive Committee"),
    "VTsSPS": _state("vtssps", "All-Union Central Trade Union Council"),
    "Bolsheviks": Spec("organ", "bolsheviks", AP.Faction, "Bolsheviks", "party", abbreviated=False),
    "Seven": Spec("organ", "seven", AP.Faction, "the Seven", abbreviated=False),
    "troika": Spec("organ", "troika", AP.Faction, "the troika (Stalin, Kamenev, Zinoviev)",
                   abbreviated=False),
    "SRs": Spec("organ", "sr-party", AP.Party, "Socialist-Revolutionary Party"),
    "Komsomol": Spec("organ", "komsomol", ORG.Organization, "Communist Youth League"),
    "Molodaia gvardiia": Spec("organ", "molodaia-gvardiia", ORG.Organization, "Young Guard",
                              abbreviated=False),
    "Changing-Landmarks": Spec("organ", "changing-landmarks", ORG.Organization, "Changing-Landmarks",
                               abbreviated=False),
    "Kommunarka": Spec("place", "kommunarka", SCHEMA.Place, "Kommunarka", abbreviated=False),
    "RSFSR": Spec("place", "rsfsr", SCHEMA.AdministrativeArea,
                  "Russian Soviet Federative Socialist Republic"),
    "Declaration of the Eighty-Three": Spec("document", "declaration-of-the-eighty-three",
                                            AP.Declaration, "Declaration of the Eighty-Three",
                                            addressee="politburo"),
}

#: English names of concepts whose headword is only an abbreviation or inverted.
CONCEPT_LABELS = {"NEP": "New Economic Policy", "stagnation, time of": "time of stagnation"}

_HEAD_RE = re.compile(
    r"^(?P<head>[^\[\]:;]{1,60}?)\s*(?:\[(?P<bracket>[^\]]*)\])?\s*(?P<sep>[:.])(?:\s|$)")
_CYRILLIC = re.compile(r"[А-Яа-яЁё]")
_ABBREV = re.compile(r"^[A-Z][A-Za-z]*(?:\([a-z]\))?$")
_RANGE = r"\d{4}\s*[–-]\s*\d{2,4}"
_NAME = r"(?:[A-Z][a-z]+\s+)?[A-Z][a-z]+(?:-[A-Z][a-z]+)?"
_DATE = r"(?:\d{1,2}\s+)?(?:[A-Z][a-z]+\s+)?\d{4}"


@dataclass(frozen=True)
class GlossaryEntry:
    """One glossary entry: headword, Russian names, full text and its line span."""

    head: str
    russian: tuple[str, ...]
    text: str
    bracket: str
    line_start: int
    line_end: int


def find_glossary_section(lines: list[str]) -> tuple[int, int]:
    """Return ``(start, end)``: 0-based index of the title line and of the congress
    dates' title (exclusive end). ``(0, 0)`` if absent."""
    start = next((i for i, line in enumerate(lines) if line.strip() == SECTION_TITLE), None)
    if start is None:
        return 0, 0
    end = next((i for i in range(start + 1, len(lines)) if lines[i].strip().startswith(NEXT_TITLE)),
               len(lines))
    return start, end


def _entry_head(line: str) -> re.Match | None:
    m = _HEAD_RE.match(line.strip())
    if (m is None or len(m["head"].split()) > 5 or not re.match(r"[\w“\"]", m["head"])
            or m["head"][0].isdigit() or (m["bracket"] is None and m["sep"] != ":")):
        return None
    return m


def _russian_names(bracket: str) -> tuple[str, ...]:
    text = bracket.replace("**", "").strip()
    items: list[str] = []
    # an abbreviation in parentheses opening or closing the bracket: (ЧК) ..., ... (РСДРП)
    for pattern in (r"^\(([^)]*)\)\s*", r"\s+\(([^)]*)\)$"):
        m = re.search(pattern, text)
        if m and (pattern.startswith("^") or re.match(r"^[А-ЯЁ]{2,}", m[1])):
            items += [i for i in m[1].split(",") if not re.search(r"\d", i)]
            text = text[:m.start()] + text[m.end():]
    for part in text.split(";"):
        first = re.match(r"^\s*(\S+?)[,.]\s+(.*)$", part)
        items += [first[1], first[2]] if first else [part]
    return tuple(dict.fromkeys(i.strip() for i in items if _CYRILLIC.search(i) and i.strip()))


def parse_glossary(lines: list[str], first_line_no: int = 1) -> list[GlossaryEntry]:
    """Parse the section's lines (``first_line_no`` is the 1-based number of ``lines[0]``)."""
    entries: list[GlossaryEntry] = []
    current: list = []  # [match, first line, last line, texts]

    def close():
        if current:
            m, first, last, texts = current
            entries.append(GlossaryEntry(m["head"].strip().strip("“”\""), _russian_names(m["bracket"] or ""),
                                         " ".join(texts), m["bracket"] or "", first, last))

    for offset, line in enumerate(lines):
        if not line.strip() or line.strip() == SECTION_TITLE:
            continue
        number = first_line_no + offset
        m = _entry_head(line)
        if m:
            close()
            current[:] = [m, number, number, [line.strip()]]
        elif current:
            current[2] = number
            current[3].append(line.strip())
    close()
    return entries


# ------------------------------------------------------------------------------ facts in the text

def _existence(entry: GlossaryEntry):
    """``(start, end)`` of a body as stated (either may be None)."""
    text = entry.text
    first_sentence = re.split(r"(?<=[a-z0-9)])\.\s+(?=[A-Z])|\b[Hh]eaded by\b", text, maxsplit=1)[0]
    m = (re.search(rf"\bfrom\s+({_RANGE})", text) or re.search(_RANGE, first_sentence)
         or re.search(_RANGE, entry.bracket))
    start, end = (_range(m.group(m.lastindex or 0)) if m else (None, None))
    if start is None and (s := re.search(r"\b(?:set up|founded)\s+in\s+(\d{4})", text)):
        start = parse_range(s[1])[0]
    if end is None and (e := re.search(r"\b(?:Dissolved in (\d{4})|In (\d{4}), it was merged)", text)):
        end = parse_range(e[1] or e[2])[0]
    return start, end


def _range(text: str):
    """``1922–34`` -> 1922, 1934; other ranges via :func:`parse_range`."""
    m = re.fullmatch(r"(\d{4})\s*[–-]\s*(\d{2})", text.strip())
    if m:
        text = f"{m[1]}–{m[1][:2]}{m[2]}"
    return parse_range(text)


def _heads(entry: GlossaryEntry):
    """``(person slug, claim kind, time)`` per head the text names, in order.

    A head's tenure is what the entry states of it, never the body's lifetime:
    ``Headed by A, D–D`` a range; ``headed by A`` with no dates a point somewhere in the
    body's existence (a window: "possibly" in each of its years, stated in none);
    ``A became chairman on D`` a start with no stated end (a ``joined`` claim: the next
    chairman's start does not say when A's tenure ended).
    """
    out = []
    headed = re.search(r"\b[Hh]eaded by\s+([^.]+)", entry.text)
    for part in headed[1].split(";") if headed else []:
        m = re.fullmatch(rf"\s*({_NAME})(?:,\s*|\s+for most of\s+)?(.*?)\s*", part)
        if not m:
            continue
        if m[2]:
            start, end = _range(m[2])
            if "for most of" in part:  # "for most of D–D" keeps its words, its dates marked approximate
                start, end = (replace(d, approximate=True) if d else d for d in (start, end))
                time = replace(_time(start, end), text=f"for most of {m[2]}")
            else:
                time = _time(start, end)
        else:
            start, end = _existence(entry)
            time = (StatedTime("window", start, end, text="while the body existed; no dates stated")
                    if start is not None and end is not None else StatedTime("undated"))
        out.append((_person_slug(m[1]), "member", time))
    for name, date in re.findall(rf"\b({_NAME}) became (?:first )?chairman on ({_DATE})", entry.text):
        out.append((_person_slug(name), "joined", StatedTime("at", parse_range(date)[0], text=f"on {date}")))
    for name in re.findall(r"\bunder ([A-Z][a-z]+)[’']s leadership", entry.text):
        out.append((_person_slug(name), "member", StatedTime("undated")))
    return out


def _members(entry: GlossaryEntry) -> list[str]:
    m = re.search(r"\b(?:Other members included|faction of)\s+([^.]+)", entry.text)
    if not m:
        return []
    names = re.split(r",\s*(?:and\s+)?|\s+and\s+", m[1])
    return [_person_slug(n) for n in names if re.fullmatch(_NAME, n.strip())]


def _person_slug(name: str) -> str:
    return ids.slugify(name.split()[-1])


# ------------------------------------------------------------------------------ claims

#: Classes of :data:`ENTITIES` -> the ``entity`` claim's role (:data:`~apparat.extract.ledger.ENTITY_CLASSES`).
_ROLES = {AP.StateBody: "state-body", AP.PartyOrgan: "party-organ", AP.Faction: "faction", AP.Party: "party",
          ORG.Organization: "organization", SCHEMA.Place: "place", SCHEMA.AdministrativeArea: "administrative-area"}


def glossary_claims(lines: list[str], first_line_no: int, source_id: str,
                    gazetteer: Gazetteer | None = None) -> list[Claim]:
    """The glossary's bodies, places, document, concepts and the heads and members it
    names, as claim records (the writer turns them into RDF), each citing its entry.

    Args:
        lines: the section's lines (see :func:`find_glossary_section`).
        first_line_no: 1-based corpus line number of ``lines[0]``.
        source_id: the source they come from (``rogovin-1992``).
        gazetteer: says which bodies are People's Commissariats (their heads are
            ``peoples-commissar``, not ``chairman``); None: every head is a chairman.
    """
    commissariats = _commissariats(gazetteer)
    entries = parse_glossary(lines, first_line_no)
    by_abbrev = {a: spec for head, spec in ENTITIES.items() for a in _abbreviations(head)}
    sees = {e.head: by_abbrev[t] for e in entries if (t := _see(e)) in by_abbrev}
    by_abbrev |= sees
    out: list[Claim] = []
    for entry in entries:
        if entry.head in sees:
            spec = sees[entry.head]
            out.append(_claim(entry, source_id, "entity", f"{spec.kind}/{spec.slug}",
                              extra=(("abbreviation", entry.head),)))
        elif entry.head in ENTITIES:
            out += _entity(entry, ENTITIES[entry.head], by_abbrev, source_id, commissariats)
        else:
            out.append(_concept(entry, source_id))
    if entries:
        out.append(Claim(source_id, (Span(first_line_no, entries[-1].line_end),), "entity",
                         f"scheme/{source_id}-glossary", role="concept-scheme",
                         extra=(("rdfs-label", SECTION_TITLE),), origin=f"{source_id} glossary: line {first_line_no}"))
    return out


def glossary_graph(lines: list[str], first_line_no: int, source_id: str,
                   gazetteer: Gazetteer | None = None) -> Graph:
    """:func:`glossary_claims` as the one writer renders them (one graph)."""
    claims = glossary_claims(lines, first_line_no, source_id, gazetteer)
    return compile_claims(claims, Gazetteer()).get(source_id, Graph())


def _commissariats(gazetteer: Gazetteer | None) -> frozenset[str]:
    """Slugs of the organs the gazetteer makes People's Commissariats (as :mod:`.lexicon` does:
    a ``field``, or class ``ap:Commissariat``)."""
    if gazetteer is None:
        return frozenset()
    return frozenset(e.slug for e in gazetteer.of_kind("organ") if e.field_ or "ap:Commissariat" in e.cls)


def _claim(entry: GlossaryEntry, source_id: str, kind: str, subject: str, **fields) -> Claim:
    return Claim(source_id, (Span(entry.line_start, entry.line_end),), kind, subject,
                 origin=f"{source_id} glossary: line {entry.line_start}", **fields)


def _see(entry: GlossaryEntry) -> str | None:
    """The headword a cross-reference entry (``GPU: see OGPU.``) points to."""
    m = re.match(r"^\*?[Ss]ee\*?:?\s+(\w+)\.?$", entry.text.split(":", 1)[-1].strip())
    return m[1] if m else None


def _abbreviations(head: str) -> list[str]:
    return [p.strip() for p in head.split(",") if _ABBREV.match(p.strip())]


def _time(start, end) -> StatedTime:
    if start is not None and end is not None:
        return StatedTime("range", start, end)
    if start is not None:
        return StatedTime("from", start)
    return StatedTime("until", end=end) if end is not None else StatedTime("undated")


def _entity(entry: GlossaryEntry, spec: Spec, by_abbrev: dict, source_id: str,
            commissariats: frozenset[str] = frozenset()) -> list[Claim]:
    extra = [("label", spec.label)] if spec.label is not None else []
    extra += [("alt-label", name) for name in spec.alt_en]
    extra += [("russian-name", name) for name in entry.russian]
    role = _ROLES.get(spec.cls) if spec.cls is not None else None
    subject = f"{spec.kind}/{spec.slug}"
    if spec.kind == "document":
        date = re.search(rf"\bon ({_DATE})\b", entry.text)
        date = parse_range(date[1])[0] if date else None
        extra.append(("printed-title", spec.label))
        return [_claim(entry, source_id, "document", subject, role="declaration",
                       objects=(f"organ/{spec.addressee}",) if spec.addressee else (),
                       time=StatedTime("at", date) if date else StatedTime("undated"), extra=tuple(extra))]
    extra += [("abbreviation", a) for a in (_abbreviations(entry.head) if spec.abbreviated else [])]
    if spec.kind != "organ":
        return [_claim(entry, source_id, "entity", subject, role=role, extra=tuple(extra))]
    if not spec.abbreviated and spec.label not in (None, entry.head) and entry.head not in spec.label:
        extra.append(("romanized-name", entry.head))
    if spec.parent:
        extra.append(("sub-organ-of", f"organ/{spec.parent}"))
    start, end = _existence(entry)
    time = StatedTime("undated")
    if spec.cls is not None and spec.cls != AP.Faction:
        time = _time(start, end)
    elif spec.slug == "party" and start is not None:
        time = _time(start, None)
    out = []
    for year, abbrev, name in re.findall(r"\bfrom (\d{4}), the ([A-Z]{2,}) \[([^\]]+)\]", entry.text):
        out.append(_claim(entry, source_id, "entity", f"organ/{abbrev.lower()}", role="state-body",
                          time=_time(parse_range(year)[0], None),
                          extra=(("label", name), ("abbreviation", abbrev))))
        extra.append(("replaced-by", f"organ/{abbrev.lower()}"))
    for abbrev in re.findall(r"\bReplaced by the ([A-Z]{2,})", entry.text):
        if abbrev in by_abbrev:
            extra.append(("replaced-by", f"organ/{by_abbrev[abbrev].slug}"))
    out.insert(0, _claim(entry, source_id, "entity", subject, role=role, time=time, extra=tuple(extra)))
    # The head of a People's Commissariat is its People's Commissar (Narkom), not a chairman.
    head_role = "peoples-commissar" if spec.slug in commissariats else "chairman"
    for person, kind, time in _heads(entry):
        out.append(_membership(person, spec.slug, head_role, kind, time, entry, source_id))
    for person in _members(entry):
        out.append(_membership(person, spec.slug, "full-member", "member", StatedTime("undated"), entry, source_id))
    return out


def _membership(person_slug: str, organ_slug: str, role: str, kind: str, time: StatedTime,
                entry: GlossaryEntry, source_id: str) -> Claim:
    """A head (``member`` as the time says, or ``joined``: a start) or an undated member."""
    return _claim(entry, source_id, kind, f"person/{person_slug}", role=role,
                  objects=(f"organ/{organ_slug}",), time=time)


def _concept(entry: GlossaryEntry, source_id: str) -> Claim:
    head, _, abbrev = entry.head.partition(", ")
    label = CONCEPT_LABELS.get(entry.head) or (head if _ABBREV.match(abbrev) else entry.head)
    alts = [abbrev] if _ABBREV.match(abbrev) else [entry.head] if label != entry.head else []
    extra = [("label", label), ("in-scheme", f"scheme/{source_id}-glossary")]
    extra += [("alt-label", alt) for alt in alts] + [("russian-name", name) for name in entry.russian]
    return _claim(entry, source_id, "entity", f"concept/{ids.slugify(label)}", role="concept", extra=tuple(extra))
