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

What each headword becomes (data, no Python: every other headword is a concept)
    A headword names a gazetteer entity (organ, place or document) when that entity's
    ``matched_as`` cell lists it as a ``glossary:`` name (``glossary: Rabkrin, RKI``); its
    kind, slug and class come from the gazetteer row. What the glossary states of a
    headword is a row of ``triples/glossary/<source>.csv`` (:func:`load_statements`;
    columns ``headword`` as printed, ``line`` where its entry starts, for the reader;
    ``label`` its English gloss; ``alt_en`` other English names, ``;``-separated;
    ``addressee`` the organ slug a document is addressed to; ``parent`` the organ slug
    the entry makes it part of; ``abbreviated`` ``no`` where the headword is a name, not
    an abbreviation). These stay the glossary's claims, cited by the entry's lines. A
    headword with no ``label`` names an entity the ontology and gazetteer describe: it
    adds names and citations, no class, label or lifetime (the party keeps a start). For
    a concept, ``label`` is its English name where the headword is only an abbreviation
    or inverted (``NEP``).
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

import csv
import re
from dataclasses import dataclass, replace
from pathlib import Path

from rdflib import Graph

from .. import ids
from .congresses import parse_range
from .dates import StatedTime
from .gazetteer import Gazetteer, GazetteerError, read_rows
from .records import Claim, Span
from .writer import compile_claims

__all__ = [
    "GLOSSARY_DIR",
    "GlossaryEntry",
    "Spec",
    "Statement",
    "find_glossary_section",
    "glossary_claims",
    "glossary_graph",
    "load_statements",
    "parse_glossary",
    "resolve_headwords",
]

SECTION_TITLE = "Glossary of Abbreviations and Terms"
NEXT_TITLE = "Dates of Party Congresses"


#: Where the glossary's own statements are kept: ``<source>.csv`` (see the module docstring).
GLOSSARY_DIR = Path(__file__).resolve().parents[2] / "triples" / "glossary"
_STATEMENT_COLUMNS = ("headword", "line", "label", "alt_en", "addressee", "parent", "abbreviated")


@dataclass(frozen=True)
class Statement:
    """What the glossary states of one headword (a row of ``triples/glossary/<source>.csv``):
    its English gloss (None: none, the entity keeps the names the ontology and gazetteer give),
    other English names, the addressee (a document's), the organ it is part of, and whether
    the headword is an abbreviation."""

    headword: str
    line: int | None = None
    label: str | None = None
    alt_en: tuple[str, ...] = ()
    addressee: str | None = None
    parent: str | None = None
    abbreviated: bool = True


@dataclass(frozen=True)
class Spec:
    """What a headword names: the gazetteer entity (kind, slug, classes) and the glossary's statement."""

    kind: str
    slug: str
    cls: tuple[str, ...]
    statement: Statement


def load_statements(path: Path) -> dict[str, Statement]:
    """Headword -> :class:`Statement`, read from a glossary statements file (none: empty).

    Raises:
        GazetteerError: an unknown column, or an ``abbreviated`` cell other than empty or ``no``.
    """
    if not Path(path).is_file():
        return {}
    out: dict[str, Statement] = {}
    with open(path, encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle), [])
    if [c for c in header if c not in _STATEMENT_COLUMNS] or "headword" not in header:
        raise GazetteerError(f"{path}:1: columns must be among {', '.join(_STATEMENT_COLUMNS)}")
    for number, row in read_rows(path):
        def cell(name: str, row: dict = row) -> str | None:
            return (row.get(name) or "").strip() or None
        abbreviated = cell("abbreviated")
        if abbreviated not in (None, "no"):
            raise GazetteerError(f"{path}:{number}: abbreviated must be empty (yes) or 'no'")
        line = cell("line")
        out[cell("headword") or ""] = Statement(
            cell("headword") or "", int(line) if line and line.isdigit() else None, cell("label"),
            tuple(p.strip() for p in (cell("alt_en") or "").split(";") if p.strip()), cell("addressee"),
            cell("parent"), abbreviated is None)
    return out


def resolve_headwords(gazetteer: Gazetteer, statements: dict[str, Statement]) -> dict[str, Spec]:
    """Headword -> :class:`Spec`: every ``glossary:`` name of the gazetteer's ``matched_as``
    (organs, places, documents), with the glossary's statement of it (an empty one if none)."""
    out: dict[str, Spec] = {}
    for kind in _KINDS:
        for entity in gazetteer.of_kind(kind):
            for head in entity.matched_by("glossary"):
                out[head] = Spec(kind, entity.slug, entity.cls, statements.get(head, Statement(head)))
    return out


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

#: Gazetteer classes -> the ``entity`` claim's role (:data:`~apparat.extract.ledger.ENTITY_CLASSES`).
_ROLES = {"ap:StateBody": "state-body", "ap:PartyOrgan": "party-organ", "ap:Faction": "faction", "ap:Party": "party",
          "org:Organization": "organization", "schema:Place": "place",
          "schema:AdministrativeArea": "administrative-area"}
#: The gazetteer kinds a headword may name.
_KINDS = ("organ", "place", "document")


def glossary_claims(lines: list[str], first_line_no: int, source_id: str,
                    gazetteer: Gazetteer | None = None,
                    statements: dict[str, Statement] | None = None) -> list[Claim]:
    """The glossary's bodies, places, document, concepts and the heads and members it
    names, as claim records (the writer turns them into RDF), each citing its entry.

    Args:
        lines: the section's lines (see :func:`find_glossary_section`).
        first_line_no: 1-based corpus line number of ``lines[0]``.
        source_id: the source they come from (``rogovin-1992``).
        gazetteer: names the entity of each headword (``matched_as`` ``glossary:``) and
            says which bodies are People's Commissariats (their heads are
            ``peoples-commissar``, not ``chairman``); None: the repository's gazetteer
            names the entities, and every head is a chairman.
        statements: what the glossary states of its headwords (:func:`load_statements`);
            None: ``triples/glossary/<source_id>.csv``.
    """
    commissariats = _commissariats(gazetteer)
    if gazetteer is None:
        from .lexicon import default_gazetteer  # noqa: PLC0415 (lexicon imports the parsers' modules)
        gazetteer = default_gazetteer()
    if statements is None:
        statements = load_statements(GLOSSARY_DIR / f"{source_id}.csv")
    specs = resolve_headwords(gazetteer, statements)
    entries = parse_glossary(lines, first_line_no)
    by_abbrev = {a: spec for head, spec in specs.items() for a in _abbreviations(head)}
    sees = {e.head: by_abbrev[t] for e in entries if (t := _see(e)) in by_abbrev}
    by_abbrev |= sees
    out: list[Claim] = []
    for entry in entries:
        if entry.head in sees:
            spec = sees[entry.head]
            out.append(_claim(entry, source_id, "entity", f"{spec.kind}/{spec.slug}",
                              extra=(("abbreviation", entry.head),)))
        elif entry.head in specs:
            out += _entity(entry, specs[entry.head], by_abbrev, source_id, commissariats)
        else:
            out.append(_concept(entry, source_id, statements.get(entry.head)))
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
    said = spec.statement
    # Without an English gloss the headword only names an entity the ontology and the
    # gazetteer describe: it adds names and citations, no class and no label.
    extra = [("label", said.label)] if said.label is not None else []
    extra += [("alt-label", name) for name in said.alt_en]
    extra += [("russian-name", name) for name in entry.russian]
    role = next((_ROLES[c] for c in spec.cls if c in _ROLES), None) if said.label is not None else None
    subject = f"{spec.kind}/{spec.slug}"
    if spec.kind == "document":
        date = re.search(rf"\bon ({_DATE})\b", entry.text)
        date = parse_range(date[1])[0] if date else None
        extra.append(("printed-title", said.label))
        return [_claim(entry, source_id, "document", subject, role="declaration",
                       objects=(f"organ/{said.addressee}",) if said.addressee else (),
                       time=StatedTime("at", date) if date else StatedTime("undated"), extra=tuple(extra))]
    extra += [("abbreviation", a) for a in (_abbreviations(entry.head) if said.abbreviated else [])]
    if spec.kind != "organ":
        return [_claim(entry, source_id, "entity", subject, role=role, extra=tuple(extra))]
    if not said.abbreviated and said.label not in (None, entry.head) and entry.head not in said.label:
        extra.append(("romanized-name", entry.head))
    if said.parent:
        extra.append(("sub-organ-of", f"organ/{said.parent}"))
    start, end = _existence(entry)
    time = StatedTime("undated")
    if said.label is not None and "ap:Faction" not in spec.cls:
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


def _concept(entry: GlossaryEntry, source_id: str, said: Statement | None = None) -> Claim:
    """A term: its English name is the glossary's gloss where its statements give one (a
    headword that is only an abbreviation or inverted), else the headword."""
    head, _, abbrev = entry.head.partition(", ")
    label = (said.label if said else None) or (head if _ABBREV.match(abbrev) else entry.head)
    alts = [abbrev] if _ABBREV.match(abbrev) else [entry.head] if label != entry.head else []
    extra = [("label", label), ("in-scheme", f"scheme/{source_id}-glossary")]
    extra += [("alt-label", alt) for alt in alts] + [("russian-name", name) for name in entry.russian]
    return _claim(entry, source_id, "entity", f"concept/{ids.slugify(label)}", role="concept", extra=tuple(extra))
