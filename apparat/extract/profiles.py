"""Source profiles: which sections of which source the parsers read.

``triples/profiles.toml`` has one table per source id (the ids of
``../shared/corpus/sources.tsv``) naming the section parsers to run on its text,
in order::

    [rogovin-1992]
    sections = ["biographical-notes", "congress-dates", "glossary", "footnotes", "chapters"]
    reference = true

``reference = true`` (for one source at most) makes it the reference source: the
graph's default dates come from it. A meeting or event that a source names without
dating it takes that source's own dating if it has one, else the reference source's
(the monograph's table of congresses), else any source's. And a ``died`` statement
of the reference source dates the death event only (its persons' ``schema:deathDate``
comes from their notes' life dates), while another source's ``died`` also states
the person's ``schema:deathDate``, so that a disagreement is a conflict of dates.

A source without a profile has no parsed section: its claims come from its
ledger only (``triples/claims/<id>.csv`` or ``triples/claims/<id>/*.csv``),
which every source may have, profiled or not. So a new book is a profile line,
a ledger and, if it has a section no parser reads yet, one parser registered in
:data:`SECTIONS`.

Each parser finds its section in the text itself (by its heading) and gives
the claims it states (claim records: the one writer turns them into RDF) and
counts for the report; only the congress table still adds a graph of its own.
"""

from __future__ import annotations

import tomllib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from .. import ids
from ..errors import KgError
from ..namespaces import AP
from . import biographies, congresses, footnotes, glossary, life_claims, mentions
from .gazetteer import Gazetteer
from .lexicon import Lexicon
from .persons import persons_claims
from .records import Claim

__all__ = ["SECTIONS", "Profile", "ProfileError", "Sections", "load_profiles", "person_names", "read_sections",
           "reference_source"]


class ProfileError(KgError):
    """``profiles.toml`` names an unknown section parser or is not TOML (the message says where)."""


@dataclass(frozen=True)
class Profile:
    """One source's table of ``profiles.toml``: its parsed sections, whether it is the reference."""

    sections: tuple[str, ...] = ()
    reference: bool = False


@dataclass
class Sections:
    """What the parsers of one source found."""

    graph: Graph = field(default_factory=Graph)
    claims: list[Claim] = field(default_factory=list)
    counts: dict[str, Counter] = field(default_factory=dict)
    records: list = field(default_factory=list)   # the biographical notes' person records
    chapters: list = field(default_factory=list)  # the chapters (mentions.Chapter)
    unparsed: list[tuple[int, str]] = field(default_factory=list)  # (line, sentence) left unread
    citations: list[Claim] = field(default_factory=list)  # the footnotes' claims, for chapter citations


def _notes(lines: list[str], source_id: str, gazetteer: Gazetteer, out: Sections) -> None:
    lexicon = Lexicon.from_gazetteer(gazetteer)
    start, end = biographies.find_section(lines)
    out.records = biographies.parse_biographies(lines[start:end], first_line_no=start + 1, lexicon=lexicon)
    organs = {e.slug for e in gazetteer.of_kind("organ")}
    section = persons_claims(out.records, source_id, gazetteer, organs)
    out.claims += section
    out.counts["biographical notes"] = _biography_counts(out.records, organs) + Counter(c.kind for c in section)
    section = life_claims.life_event_claims(out.records, lines[start:end], start + 1, source_id, lexicon)
    out.claims += section
    out.counts["life events (biographical notes)"] = Counter(c.kind for c in section)
    unread_events, read_events = life_claims.sentence_report(out.records, lines[start:end], start + 1, lexicon)
    # A sentence with no post in it is unparsed only if the life-event parser read nothing from it either.
    out.unparsed += [(n, s) for r in out.records for n, s in r.unparsed if (n, s.strip()) not in read_events]
    out.unparsed += unread_events


def _congresses(lines: list[str], source_id: str, _gazetteer: Gazetteer, out: Sections) -> None:
    start, end = congresses.find_congress_section(lines)
    out.claims += congresses.congress_entity_claims(lines[start:end], start + 1, source_id)
    section = congresses.congress_claims(lines[start:end], start + 1, source_id)
    out.claims += section
    out.counts["congress dates"] = Counter(c.subject.split("/")[1].rsplit("-", 1)[0] for c in section)


def _glossary(lines: list[str], source_id: str, gazetteer: Gazetteer, out: Sections) -> None:
    start, end = glossary.find_glossary_section(lines)
    section = glossary.glossary_claims(lines[start:end], start + 1, source_id, gazetteer)
    out.claims += section
    out.counts["glossary"] = _claim_counts(section)


def _footnotes(lines: list[str], source_id: str, gazetteer: Gazetteer, out: Sections) -> None:
    out.citations = footnotes.footnote_claims(lines, 1, source_id, gazetteer)
    out.claims += out.citations
    out.counts["footnote documents"] = _claim_counts(out.citations)


def _chapters(lines: list[str], source_id: str, gazetteer: Gazetteer, out: Sections) -> None:
    out.chapters = mentions.find_chapters(lines)
    section = mentions.mention_claims(lines, source_id, out.chapters, person_names(out.records, gazetteer))
    out.claims += section
    out.counts["chapter mentions"] = Counter({"chapters": len(out.chapters),
                                              "mentions": sum(len(c.objects) for c in section)})


#: The section parsers a profile may name, in the order they must run (the chapters
#: look for the notes' persons; the footnotes' documents are cited by chapter).
SECTIONS: dict[str, Callable[[list[str], str, Gazetteer, Sections], None]] = {
    "biographical-notes": _notes,
    "congress-dates": _congresses,
    "glossary": _glossary,
    "footnotes": _footnotes,
    "chapters": _chapters,
}


def load_profiles(path: Path) -> dict[str, Profile]:
    """Source id -> its profile: the sections its parsers read, and whether it is the
    reference source (``{}`` when the file is absent).

    Raises:
        ProfileError: the file is not TOML, names a section no parser reads, or makes
            ``reference`` anything but ``true``/``false`` or two sources the reference.
    """
    if not Path(path).exists():
        return {}
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise ProfileError(f"{path}: {err}") from None
    out = {}
    for source_id, table in data.items():
        sections = table.get("sections", []) if isinstance(table, dict) else None
        if not isinstance(sections, list):
            raise ProfileError(f"{path}: [{source_id}]: sections must be a list of section names")
        unknown = [s for s in sections if s not in SECTIONS]
        if unknown:
            raise ProfileError(f"{path}: [{source_id}]: no parser reads section {unknown[0]!r} "
                               f"(known: {', '.join(SECTIONS)})")
        reference = table.get("reference", False)
        if not isinstance(reference, bool):
            raise ProfileError(f"{path}: [{source_id}]: reference must be true or false")
        out[source_id] = Profile(tuple(sections), reference)
    references = [source_id for source_id, profile in out.items() if profile.reference]
    if len(references) > 1:
        raise ProfileError(f"{path}: [{references[1]}]: reference = true, but [{references[0]}] is "
                           f"the reference source already (one source at most)")
    return out


def reference_source(profiles: dict[str, Profile]) -> str | None:
    """The source id whose profile says ``reference = true``, or None."""
    return next((source_id for source_id, p in profiles.items() if p.reference), None)


def read_sections(lines: list[str], source_id: str, gazetteer: Gazetteer,
                  sections: list[str] | None = None) -> Sections:
    """Run the parsers of ``sections`` (default: all) on one source's ``lines``."""
    wanted = set(SECTIONS if sections is None else sections)
    out = Sections()
    for name, parse in SECTIONS.items():
        if name in wanted:
            parse(lines, source_id, gazetteer, out)
    if out.chapters and out.citations:
        citations = chapters_citing(out.citations, out.chapters, source_id)
        out.graph += citations
        out.counts["footnote documents"]["cited in chapters"] = len(citations)
    return out


def person_names(records, gazetteer: Gazetteer) -> dict[str, list[str]]:
    """Name forms to look for: the notes' persons by their records and the gazetteer's names
    and variants for them, every other person of the gazetteer by its label, names and
    variants, and its surname when no one else has it."""
    noted = {r.slug for r in records}
    others = [e for e in gazetteer.of_kind("person") if e.slug not in noted]
    surnames = Counter([r.surname for r in records] + [e.label.split()[-1] for e in others])
    extra = {e.slug: [*e.forms(), *([e.label.split()[-1]] if surnames[e.label.split()[-1]] == 1 else [])]
             for e in others}
    for slug in noted:  # a note's person also goes by the names and spellings the gazetteer adds
        entity = gazetteer.get("person", slug)
        if entity is not None:
            extra[slug] = [*entity.names, *entity.variants]
    return mentions.gazetteer(records, extra)


def chapters_citing(citations: list[Claim], chapters, source_id: str) -> Graph:
    """``ap:citedIn`` from each document to each chapter whose footnotes cite it (a link
    between two sections' claims: the ``cited`` claims and the chapters' spans)."""
    g = Graph()
    for claim in citations:
        if claim.kind != "cited":
            continue
        document = ids.entity(*claim.subject.split("/", 1))
        for chapter in chapters:
            if chapter.line_start <= claim.first_line <= chapter.line_end:
                g.add((document, AP.citedIn, ids.source_location(source_id, chapter.line_start, chapter.line_end)))
    return g


def _claim_counts(claims: list[Claim]) -> Counter:
    """How many claims of each kind (an entity's or document's by its class)."""
    return Counter(f"{c.kind} {c.role}" if c.kind in ("entity", "document") and c.role else c.kind for c in claims)


def _biography_counts(records, organs: set[str]) -> Counter:
    counts = Counter({"persons": len(records)})
    for record in records:
        for claim in record.memberships:
            kept = "" if claim.organ in organs else " (not in the gazetteer)"
            counts[f"membership {claim.organ} {claim.role}{kept}"] += 1
    return counts
