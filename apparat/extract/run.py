"""``apparat extract``: read the corpus, run each section's extractor, write
``triples/`` in canonical form, and report what was found and what was not.

This is the only extraction module that touches files.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import RDF

from .. import ids
from ..errors import KgError
from ..namespaces import AP
from ..triples_io import canonical_ntriples, write_if_changed
from . import biographies, congresses, footnotes, glossary, life_events, mentions
from .gazetteer import Gazetteer, load_gazetteer
from .ledger import LedgerError, ledger_files, read_ledger
from .lexicon import Lexicon
from .persons import persons_claims
from .records import Claim
from .sources import parse_sources, sources_graph
from .text import load_sources
from .writer import compile_claims, gazetteer_graph

MONOGRAPH = "rogovin-1992"

#: Columns of the coverage table: ledger kinds grouped as a reader thinks of them.
COVERAGE_GROUPS = {
    "memberships": ("member", "elected", "reelected", "appointed", "coopted", "joined", "removed",
                    "resigned", "left"),
    "resignation attempts": ("resignation-attempt",),
    "party and life events": ("joined-party", "expelled", "reinstated", "arrested", "exiled", "sentenced",
                              "shot", "died", "suicide", "rehabilitated", "rehabilitation-refused", "born",
                              "death-date"),
    "documents": ("document", "wrote", "signed"),
    "meetings and decisions": ("meeting", "decision"),
    "other events": ("event", "renamed"),
    "counts and attributes": ("count", "attribute"),
}
_GROUP_OF = {kind: group for group, kinds in COVERAGE_GROUPS.items() for kind in kinds}


@dataclass
class ExtractReport:
    """Counts per section, the files written, and every organ-bearing sentence left unparsed."""

    counts: dict[str, Counter] = field(default_factory=dict)
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    unparsed: list[tuple[str, int, str]] = field(default_factory=list)  # (source id, line, sentence)
    #: Claims read per (source, section, ledger kind): the table the README carries.
    coverage: Counter = field(default_factory=Counter)

    def coverage_table(self) -> list[str]:
        """:attr:`coverage` as a Markdown table: one row per source and section, one column per kind group."""
        groups = list(COVERAGE_GROUPS)
        out = ["| source | section | " + " | ".join(groups) + " | all |",
               "|---|---|" + "---:|" * (len(groups) + 1)]
        rows = sorted({(src, sec) for src, sec, _ in self.coverage}, key=_section_order)
        totals = Counter()
        for src, sec in rows:
            cells = Counter()
            for (s, c, kind), n in self.coverage.items():
                if (s, c) == (src, sec):
                    cells[_GROUP_OF.get(kind, "other events")] += n
            totals.update(cells)
            out.append(f"| {src} | {sec} | " + " | ".join(str(cells[g] or "") for g in groups)
                       + f" | {sum(cells.values())} |")
        out.append("| **all** | | " + " | ".join(str(totals[g]) for g in groups) + f" | {sum(totals.values())} |")
        return out

    def lines(self) -> list[str]:
        """The report as text lines (sentences are shown, never stored)."""
        out = []
        for section, counter in self.counts.items():
            out.append(f"{section}:")
            out += [f"  {n:>5}  {what}" for what, n in sorted(counter.items())]
        out.append(f"unparsed organ-bearing sentences: {len(self.unparsed)}")
        out += [f"  {src}:{line}: {sentence}" for src, line, sentence in self.unparsed]
        out += [f"wrote {p}" for p in self.written] + [f"unchanged {p}" for p in self.unchanged]
        return out


def _section_order(row: tuple[str, str]) -> tuple:
    src, sec = row
    number = int(sec.split()[1].rstrip(".")) if sec.startswith("ch. ") else -1 if sec == "front matter" else 99
    return (src != MONOGRAPH, src, number, sec)


def sections_of(claim: Claim, chapters) -> str:
    """The section a claim was read from: the parser's (``biographical notes``) or the chapter of its first line."""
    if claim.origin.startswith(f"{claim.source} "):
        return claim.origin[len(claim.source) + 1:].split(":", 1)[0]
    if claim.source != MONOGRAPH:
        return "text"
    line = claim.first_line
    if chapters and line < chapters[0].line_start:
        return "front matter"
    chapter = next((c for c in chapters if c.line_start <= line <= c.line_end), None)
    return f"ch. {chapter.number}. {chapter.title}" if chapter else "back matter"


def extract_monograph(lines: list[str], source_id: str, gazetteer: Gazetteer
                      ) -> tuple[Graph, list[Claim], dict[str, Counter], list]:
    """Every parser of the monograph (004), on its sections found in ``lines``.

    Returns the graph of what the sections define (glossary entries, cited
    documents, chapters), the claims they state (the biographical notes, the
    table of congresses: the writer turns those into RDF), counts per section,
    and the person records of the biographical notes.
    """
    lexicon = Lexicon.from_gazetteer(gazetteer)
    graph, claims, counts = Graph(), [], {}
    start, end = biographies.find_section(lines)
    records = biographies.parse_biographies(lines[start:end], first_line_no=start + 1, lexicon=lexicon)
    organs = {e.slug for e in gazetteer.of_kind("organ")}
    section = persons_claims(records, source_id, gazetteer, organs)
    claims += section
    counts["biographical notes"] = _biography_counts(records, organs) + Counter(c.kind for c in section)
    section = life_events.life_event_claims(records, lines[start:end], start + 1, source_id, lexicon)
    claims += section
    counts["life events (biographical notes)"] = Counter(c.kind for c in section)
    start, end = congresses.find_congress_section(lines)
    graph += congresses.congresses_graph(lines[start:end], start + 1, source_id)
    section = congresses.congress_claims(lines[start:end], start + 1, source_id)
    claims += section
    counts["congress dates"] = Counter(c.subject.split("/")[1].rsplit("-", 1)[0] for c in section)
    start, end = glossary.find_glossary_section(lines)
    section = glossary.glossary_graph(lines[start:end], start + 1, source_id)
    graph += section
    counts["glossary"] = _types(section)
    documents = footnotes.documents_graph(lines, 1, source_id)
    graph += documents
    counts["footnote documents"] = _types(documents)
    chapters = mentions.find_chapters(lines)
    section = mentions.mentions_graph(lines, source_id, chapters, person_names(records, gazetteer))
    graph += section
    counts["chapter mentions"] = Counter({"chapters": len(chapters),
                                          "mentions": len(list(section.triples((None, AP.mentions, None))))})
    citations = chapters_citing(documents, chapters, source_id)
    graph += citations
    counts["footnote documents"]["cited in chapters"] = len(citations)
    return graph, claims, counts, records


def person_names(records, gazetteer: Gazetteer) -> dict[str, list[str]]:
    """Name forms to look for: the notes' persons by their records, every other person of
    the gazetteer by its label, names and variants, and its surname when no one else has it."""
    noted = {r.slug for r in records}
    others = [e for e in gazetteer.of_kind("person") if e.slug not in noted]
    surnames = Counter([r.surname for r in records] + [e.label.split()[-1] for e in others])
    extra = {e.slug: [*e.forms(), *([e.label.split()[-1]] if surnames[e.label.split()[-1]] == 1 else [])]
             for e in others}
    return mentions.gazetteer(records, extra)


def chapters_citing(documents: Graph, chapters, source_id: str) -> Graph:
    """``ap:citedIn`` from each document to each chapter whose footnotes cite it."""
    g = Graph()
    for document, location in documents.subject_objects(AP.citedAt):
        line = int(documents.value(location, AP.lineStart))
        for chapter in chapters:
            if chapter.line_start <= line <= chapter.line_end:
                g.add((document, AP.citedIn, ids.source_location(source_id, chapter.line_start, chapter.line_end)))
    return g


def _types(graph: Graph) -> Counter:
    """How many subjects of each class a graph types (source locations aside)."""
    counter = Counter()
    for cls in graph.objects(None, RDF.type):
        if cls != AP.SourceLocation:
            counter[str(cls).rsplit("#", 1)[-1].rsplit("/", 1)[-1]] += 1
    return counter


def extract(corpus_dir: Path, triples_dir: Path, wikidata_tsv: Path | None = None, *,
            data_dir: Path | None = None) -> ExtractReport:
    """Extract every section of the corpus, and compile the gazetteer and the claims
    ledger, into ``triples_dir``.

    The gazetteer and the ledger are read from ``data_dir``'s ``gazetteer/`` and
    ``claims/`` folders (default: ``triples_dir``'s).

    ``wikidata_tsv`` (``../shared/wikidata/known-ids.tsv``) confirms the gazetteer's
    Wikidata ids: a Q-id it does not list fails the extraction.

    Raises:
        KgError: the corpus (or its ``sources.tsv``) is not where expected.
        GazetteerError, LedgerError: a gazetteer or ledger row is wrong (``file:row: …``).
    """
    sources = load_sources(corpus_dir)
    rows = parse_sources((Path(corpus_dir) / "sources.tsv").read_text(encoding="utf-8"))
    data_dir = Path(data_dir or triples_dir)
    gazetteer = load_gazetteer(data_dir / "gazetteer")
    report = ExtractReport()
    outputs = {"sources": sources_graph(rows)}
    report.counts["sources"] = Counter({"sources": len(rows)})

    lines = list(sources[MONOGRAPH].lines)
    lexicon = Lexicon.from_gazetteer(gazetteer)
    monograph, parsed, counts, records = extract_monograph(lines, MONOGRAPH, gazetteer)
    outputs[MONOGRAPH] = monograph
    report.counts.update(counts)
    start, end = biographies.find_section(lines)
    report.unparsed += [(MONOGRAPH, n, s) for r in records for n, s in r.unparsed]
    report.unparsed += [(MONOGRAPH, n, s)
                        for n, s in life_events.unparsed_events(records, lines[start:end], start + 1, lexicon)]

    claims = read_ledgers(data_dir / "claims", gazetteer, sources)
    chapters = mentions.find_chapters(lines)
    report.coverage = Counter((c.source, sections_of(c, chapters), c.kind) for c in parsed + claims)
    for chapter in chapters:  # a chapter nothing was read from still gets its row
        report.coverage[(MONOGRAPH, f"ch. {chapter.number}. {chapter.title}", "member")] += 0
    for graph_name, graph in compile_claims(parsed + claims, gazetteer).items():
        outputs[graph_name] = outputs.get(graph_name, Graph()) + graph
    for source_id in sorted({c.source for c in claims}):
        report.counts[f"claims ledger: {source_id}"] = Counter(c.kind for c in claims if c.source == source_id)

    known = None
    if wikidata_tsv is not None and wikidata_tsv.exists():
        known = {row["wikidata"] for row in csv.DictReader(io.StringIO(wikidata_tsv.read_text(encoding="utf-8")),
                                                            delimiter="\t")}
    used = {t for graph in outputs.values() for triple in graph for t in (triple[0], triple[2])}
    try:
        outputs["gazetteer"], outputs["links"] = gazetteer_graph(gazetteer, known, used)
    except ValueError as err:
        raise KgError(str(err)) from None
    report.counts["gazetteer"] = Counter(e.kind for e in gazetteer)
    report.counts["wikidata links"] = Counter({"skos:exactMatch": len(outputs["links"])})

    for name, graph in outputs.items():
        path = Path(triples_dir) / f"{name}.nt"
        (report.written if write_if_changed(path, canonical_ntriples(graph)) else report.unchanged).append(path)
    return report


def read_ledgers(claims_dir: Path, gazetteer, sources) -> list:
    """Every claim of every ledger file, checked (all errors of all files at once).

    Raises:
        LedgerError: one ``file:row: message`` per problem.
    """
    claims, errors = [], []
    for source_id, paths in ledger_files(claims_dir).items():
        for path in paths:
            try:
                claims += read_ledger(path, source_id, gazetteer, sources)
            except LedgerError as err:
                errors += err.messages
    errors += shared_id_errors(claims)
    if errors:
        raise LedgerError(errors)
    return claims


def _biography_counts(records, organs: set[str]) -> Counter:
    counts = Counter({"persons": len(records)})
    for record in records:
        for claim in record.memberships:
            kept = "" if claim.organ in organs else " (not in the gazetteer)"
            counts[f"membership {claim.organ} {claim.role}{kept}"] += 1
    return counts



def _ledger_source_id(path: Path, claims_dir: Path) -> str:
    """``triples/claims/<id>.csv`` or ``triples/claims/<id>/<part>.csv`` -> ``<id>``."""
    relative = path.resolve().relative_to(claims_dir.resolve())
    return relative.parts[0] if len(relative.parts) > 1 else path.stem


#: Kinds whose event is one person's own: rows sharing its id must name that person.
_OWN_EVENT_KINDS = {"died", "shot", "suicide", "arrested", "exiled", "sentenced", "rehabilitated",
                    "expelled", "reinstated", "joined-party", "born"}


def shared_id_errors(claims) -> list[str]:
    """Rows that reuse the id of a person's own event (a death, an arrest …) under another subject.

    Such a row would make the event that person's too; it wants an event of its own
    with ``concerns=<id>`` instead.
    """
    owners: dict[str, set[str]] = {}
    for c in claims:
        if c.id and c.kind in _OWN_EVENT_KINDS:
            owners.setdefault(c.id, set()).add(c.subject)
    return [f"{c.origin}: id {c.id!r} is the {'/'.join(sorted(owners[c.id]))} event; "
            f"a row about it under {c.subject!r} wants an id of its own and concerns={c.id}"
            for c in claims if c.id in owners and c.subject not in owners[c.id]]


def check_ledgers(triples_dir: Path, corpus_dir: Path | None, files: list[Path] | None = None) -> dict[str, int]:
    """Check ledger files (default: every one under ``triples/claims/``); return claims per file.

    With the corpus present, every span is checked against its source text.

    Raises:
        GazetteerError: the gazetteer does not load.
        LedgerError: every problem of every file, each as ``file:row: message``.
    """
    claims_dir = Path(triples_dir) / "claims"
    gazetteer = load_gazetteer(Path(triples_dir) / "gazetteer")
    sources = load_sources(corpus_dir) if corpus_dir and (Path(corpus_dir) / "sources.tsv").exists() else None
    if files is None:
        files = [p for paths in ledger_files(claims_dir).values() for p in paths]
    counts, errors, read = {}, [], []
    for path in files:
        try:
            claims = read_ledger(path, _ledger_source_id(path, claims_dir), gazetteer, sources)
        except LedgerError as err:
            errors += err.messages
            continue
        counts[str(path)] = len(claims)
        read += claims
    errors += shared_id_errors(read)
    if errors:
        raise LedgerError(errors)
    return counts
