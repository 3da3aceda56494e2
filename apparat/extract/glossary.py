"""The monograph's "Glossary of Abbreviations and Terms" -> organs, state bodies,
factions, places, one document and SKOS concepts, each citing its entry's lines.

Pure functions: lines of text in, an rdflib ``Graph`` out; nothing here reads files.

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
    Heads (``org:Membership``, role chairman): ``Headed by A, D–D; B, D–D``,
    ``Headed by A for most of D–D`` (the phrase kept as ``ap:dateAsStated``),
    ``headed by A`` without dates (the body's existence interval),
    ``A became [first] chairman on D`` (start; closed by the next chairman's start),
    ``under A's leadership`` (undated). Members (role full member, undated):
    ``Other members included A, B and C`` and ``faction of A, B, and C``.
    A successor: ``from YYYY, the ABBR [English name]`` mints that body (start date)
    and ``dct:isReplacedBy`` links it; ``Replaced by the ABBR`` links a named one.
    A person is ``apid:person/<lowercase surname>``; :data:`PERSON_LABELS` labels the
    few who have no biographical note, the others are described by the notes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from .. import ids
from ..namespaces import AP, ORG, SCHEMA
from .common import add_interval, add_point_date, cite
from .congresses import parse_range

__all__ = [
    "ENTITIES",
    "PERSON_LABELS",
    "GlossaryEntry",
    "Spec",
    "find_glossary_section",
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

#: Labels of persons the glossary names who have no biographical note.
PERSON_LABELS = {
    "stalin": "Joseph Stalin", "trotsky": "Leon Trotsky", "kuibyshev": "Valerian Kuibyshev",
    "krasin": "Leonid Krasin", "litvinov": "Maxim Litvinov", "stetsky": "Aleksei Stetsky",
}

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
    """``(person slug, start, end, as stated)`` per head the text names, in order."""
    out = []
    headed = re.search(r"\b[Hh]eaded by\s+([^.]+)", entry.text)
    for part in headed[1].split(";") if headed else []:
        m = re.fullmatch(rf"\s*({_NAME})(?:,\s*|\s+for most of\s+)?(.*?)\s*", part)
        if m:
            start, end = _range(m[2]) if m[2] else _existence(entry)
            stated = f"for most of {m[2]}" if "for most of" in part else None
            out.append((_person_slug(m[1]), start, end, stated))
    chairs = re.findall(rf"\b({_NAME}) became (?:first )?chairman on ({_DATE})", entry.text)
    for i, (name, date) in enumerate(chairs):
        following = parse_range(chairs[i + 1][1])[0] if i + 1 < len(chairs) else None
        out.append((_person_slug(name), parse_range(date)[0], following, None))
    for name in re.findall(r"\bunder ([A-Z][a-z]+)[’']s leadership", entry.text):
        out.append((_person_slug(name), None, None, None))
    return out


def _members(entry: GlossaryEntry) -> list[str]:
    m = re.search(r"\b(?:Other members included|faction of)\s+([^.]+)", entry.text)
    if not m:
        return []
    names = re.split(r",\s*(?:and\s+)?|\s+and\s+", m[1])
    return [_person_slug(n) for n in names if re.fullmatch(_NAME, n.strip())]


def _person_slug(name: str) -> str:
    return ids.slugify(name.split()[-1])


# ------------------------------------------------------------------------------ graph

def glossary_graph(lines: list[str], first_line_no: int, source_id: str) -> Graph:
    """Describe the glossary's bodies, places, document and concepts, citing each entry.

    Args:
        lines: the section's lines (see :func:`find_glossary_section`).
        first_line_no: 1-based corpus line number of ``lines[0]``.
        source_id: the source they come from (``rogovin-1992``).
    """
    g = Graph()
    entries = parse_glossary(lines, first_line_no)
    by_abbrev = {a: spec for head, spec in ENTITIES.items() for a in _abbreviations(head)}
    sees = {e.head: by_abbrev[t] for e in entries if (t := _see(e)) in by_abbrev}
    by_abbrev |= sees
    for entry in entries:
        if entry.head in sees:
            node = ids.entity(sees[entry.head].kind, sees[entry.head].slug)
            g.add((node, AP.abbreviation, Literal(entry.head)))
            cite(g, node, source_id, entry.line_start, entry.line_end)
        elif entry.head in ENTITIES:
            _entity(g, entry, ENTITIES[entry.head], by_abbrev, source_id)
        else:
            _concept(g, entry, source_id)
    if entries:
        scheme = ids.entity("scheme", f"{source_id}-glossary")
        g.add((scheme, RDF.type, SKOS.ConceptScheme))
        g.add((scheme, RDFS.label, Literal(SECTION_TITLE, lang="en")))
        cite(g, scheme, source_id, first_line_no, entries[-1].line_end)
    return g


def _see(entry: GlossaryEntry) -> str | None:
    """The headword a cross-reference entry (``GPU: see OGPU.``) points to."""
    m = re.match(r"^\*?[Ss]ee\*?:?\s+(\w+)\.?$", entry.text.split(":", 1)[-1].strip())
    return m[1] if m else None


def _abbreviations(head: str) -> list[str]:
    return [p.strip() for p in head.split(",") if _ABBREV.match(p.strip())]


def _entity(g: Graph, entry: GlossaryEntry, spec: Spec, by_abbrev: dict, source_id: str) -> None:
    node = ids.entity(spec.kind, spec.slug)
    cite(g, node, source_id, entry.line_start, entry.line_end)
    if spec.cls is not None:
        g.add((node, RDF.type, spec.cls))
    if spec.label is not None:
        g.add((node, RDFS.label, Literal(spec.label, lang="en")))
        g.add((node, SKOS.prefLabel, Literal(spec.label, lang="en")))
    for name in spec.alt_en:
        g.add((node, SKOS.altLabel, Literal(name, lang="en")))
    for name in entry.russian:
        g.add((node, SKOS.altLabel, Literal(name, lang="ru")))
    if spec.kind == "document":
        _document(g, node, entry, spec)
        return
    for abbrev in _abbreviations(entry.head) if spec.abbreviated else []:
        g.add((node, AP.abbreviation, Literal(abbrev)))
    if spec.kind != "organ":
        return
    if not spec.abbreviated and spec.label not in (None, entry.head) and entry.head not in spec.label:
        g.add((node, SKOS.altLabel, Literal(entry.head, lang="ru-Latn")))
    if spec.parent:
        g.add((node, ORG.subOrganizationOf, ids.entity("organ", spec.parent)))
    start, end = _existence(entry)
    if spec.cls is not None and spec.cls != AP.Faction:
        add_interval(g, node, start, end)
    elif spec.slug == "party" and start is not None:
        add_interval(g, node, start, None)
    for person, p_start, p_end, stated in _heads(entry):
        _membership(g, person, spec.slug, "chairman", p_start, p_end, stated, entry, source_id)
    for person in _members(entry):
        _membership(g, person, spec.slug, "full-member", None, None, None, entry, source_id)
    _successors(g, node, entry, by_abbrev, source_id)


def _successors(g: Graph, node: URIRef, entry: GlossaryEntry, by_abbrev: dict, source_id: str) -> None:
    for year, abbrev, name in re.findall(r"\bfrom (\d{4}), the ([A-Z]{2,}) \[([^\]]+)\]", entry.text):
        successor = ids.entity("organ", abbrev.lower())
        g.add((successor, RDF.type, AP.StateBody))
        g.add((successor, RDFS.label, Literal(name, lang="en")))
        g.add((successor, SKOS.prefLabel, Literal(name, lang="en")))
        g.add((successor, AP.abbreviation, Literal(abbrev)))
        add_interval(g, successor, parse_range(year)[0], None)
        cite(g, successor, source_id, entry.line_start, entry.line_end)
        g.add((node, DCTERMS.isReplacedBy, successor))
    for abbrev in re.findall(r"\bReplaced by the ([A-Z]{2,})", entry.text):
        if abbrev in by_abbrev:
            g.add((node, DCTERMS.isReplacedBy, ids.entity("organ", by_abbrev[abbrev].slug)))


def _document(g: Graph, node: URIRef, entry: GlossaryEntry, spec: Spec) -> None:
    g.add((node, DCTERMS.title, Literal(spec.label)))
    m = re.search(rf"\bon ({_DATE})\b", entry.text)
    if m and (date := parse_range(m[1])[0]):
        add_point_date(g, node, date)
    if spec.addressee:
        g.add((node, AP.addressee, ids.entity("organ", spec.addressee)))


def _membership(g: Graph, person_slug: str, organ_slug: str, role: str, start, end, stated,
                entry: GlossaryEntry, source_id: str) -> None:
    person = ids.entity("person", person_slug)
    g.add((person, RDF.type, AP.Person))
    if person_slug in PERSON_LABELS:
        g.add((person, RDFS.label, Literal(PERSON_LABELS[person_slug], lang="en")))
    key = f"{start.year:04d}-{start.month or 0:02d}-{start.day or 0:02d}" if start else "open"
    node = ids.entity("membership", f"{person_slug}/{organ_slug}/{role}/{key}")
    g.add((node, RDF.type, ORG.Membership))
    g.add((node, ORG.member, person))
    g.add((node, ORG.organization, ids.entity("organ", organ_slug)))
    g.add((node, ORG.role, ids.entity("role", role)))
    add_interval(g, node, start, end)
    if stated:
        g.add((node, AP.dateAsStated, Literal(stated)))
    cite(g, node, source_id, entry.line_start, entry.line_end)


def _concept(g: Graph, entry: GlossaryEntry, source_id: str) -> None:
    scheme = ids.entity("scheme", f"{source_id}-glossary")
    head, _, abbrev = entry.head.partition(", ")
    label = CONCEPT_LABELS.get(entry.head) or (head if _ABBREV.match(abbrev) else entry.head)
    node = ids.entity("concept", ids.slugify(label))
    g.add((node, RDF.type, SKOS.Concept))
    g.add((node, SKOS.inScheme, scheme))
    g.add((node, RDFS.label, Literal(label, lang="en")))
    g.add((node, SKOS.prefLabel, Literal(label, lang="en")))
    alts = [abbrev] if _ABBREV.match(abbrev) else [entry.head] if label != entry.head else []
    for alt in alts:
        g.add((node, SKOS.altLabel, Literal(alt, lang="en")))
    for name in entry.russian:
        g.add((node, SKOS.altLabel, Literal(name, lang="ru")))
    cite(g, node, source_id, entry.line_start, entry.line_end)
