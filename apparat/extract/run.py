"""``apparat extract``: read the corpus, run each section's extractor, write
``triples/`` in canonical form, and report what was found and what was not.

This is the only extraction module that touches files.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import RDF, RDFS

from .. import ids
from ..errors import KgError
from ..namespaces import AP
from ..triples_io import canonical_ntriples, write_if_changed
from . import biographies, congresses, footnotes, glossary, life_events, mentions
from .persons import GLOSSARY_BODIES, ORGAN_CLASSES, OTHER_BODIES, persons_graph
from .sources import file_to_source_id, parse_sources, sources_graph
from .wikidata import links_graph

MONOGRAPH = "rogovin-1992"
KEPT_ORGANS = {*ORGAN_CLASSES, *GLOSSARY_BODIES, *OTHER_BODIES}


@dataclass
class ExtractReport:
    """Counts per section, the files written, and every organ-bearing sentence left unparsed."""

    counts: dict[str, Counter] = field(default_factory=dict)
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    unparsed: list[tuple[str, int, str]] = field(default_factory=list)  # (source id, line, sentence)

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


def extract_monograph(lines: list[str], source_id: str) -> tuple[Graph, dict[str, Counter]]:
    """Every extractor for the monograph (004), its sections found in ``lines``; one graph."""
    graph, counts = Graph(), {}
    start, end = biographies.find_section(lines)
    records = biographies.parse_biographies(lines[start:end], first_line_no=start + 1)
    graph += persons_graph(records, source_id)
    counts["biographical notes"] = _biography_counts(records)
    events = life_events.life_events_graph(records, lines[start:end], start + 1, source_id)
    graph += events
    counts["life events (biographical notes)"] = _types(events)
    start, end = congresses.find_congress_section(lines)
    section = congresses.congresses_graph(lines[start:end], start + 1, source_id)
    graph += section
    counts["congress dates"] = _types(section)
    start, end = glossary.find_glossary_section(lines)
    section = glossary.glossary_graph(lines[start:end], start + 1, source_id)
    graph += section
    counts["glossary"] = _types(section)
    documents = footnotes.documents_graph(lines, 1, source_id)
    graph += documents
    counts["footnote documents"] = _types(documents)
    # Mentions last: only persons the other sections define (with a label) are looked for.
    labelled = {str(s) for s in graph.subjects(RDFS.label)}
    names = {slug: forms for slug, forms in mentions.gazetteer(records, mentions.DEFAULT_EXTRA).items()
             if str(ids.entity("person", slug)) in labelled}
    chapters = mentions.find_chapters(lines)
    section = mentions.mentions_graph(lines, source_id, chapters, names)
    graph += section
    counts["chapter mentions"] = Counter({"chapters": len(chapters),
                                          "mentions": len(list(section.triples((None, AP.mentions, None))))})
    citations = chapters_citing(documents, chapters, source_id)
    graph += citations
    counts["footnote documents"]["cited in chapters"] = len(citations)
    return graph, counts


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


def extract(corpus_dir: Path, triples_dir: Path, wikidata_tsv: Path | None = None) -> ExtractReport:
    """Extract every section of the corpus into ``triples_dir``.

    ``wikidata_tsv`` (``../shared/wikidata/known-ids.tsv``) adds the Wikidata links.

    Raises:
        KgError: the corpus (or its ``sources.tsv``) is not where expected.
    """
    catalogue = corpus_dir / "sources.tsv"
    if not catalogue.exists():
        raise KgError(f"no corpus at {corpus_dir} (expected {catalogue}); pass --corpus or set APPARAT_CORPUS_DIR")
    rows = parse_sources(catalogue.read_text(encoding="utf-8"))
    files = {source_id: corpus_dir / name for name, source_id in file_to_source_id(rows).items()}
    report = ExtractReport()
    outputs = {"sources": sources_graph(rows)}
    report.counts["sources"] = Counter({"sources": len(rows)})

    lines = files[MONOGRAPH].read_text(encoding="utf-8").splitlines()
    monograph, counts = extract_monograph(lines, MONOGRAPH)
    outputs[MONOGRAPH] = monograph
    report.counts.update(counts)
    start, end = biographies.find_section(lines)
    records = biographies.parse_biographies(lines[start:end], first_line_no=start + 1)
    report.unparsed += [(MONOGRAPH, n, s) for r in records for n, s in r.unparsed]
    report.unparsed += [(MONOGRAPH, n, s) for n, s in life_events.unparsed_events(records, lines[start:end], start + 1)]

    known = {s for g in outputs.values() for s in g.subjects()}
    if wikidata_tsv is not None and wikidata_tsv.exists():
        outputs["links"] = links_graph(wikidata_tsv.read_text(encoding="utf-8"), known)
        report.counts["wikidata links"] = Counter({"skos:exactMatch": len(outputs["links"])})

    for name, graph in outputs.items():
        path = triples_dir / f"{name}.nt"
        (report.written if write_if_changed(path, canonical_ntriples(graph)) else report.unchanged).append(path)
    return report


def _biography_counts(records) -> Counter:
    counts = Counter({"persons": len(records)})
    for record in records:
        for claim in record.memberships:
            kept = "" if claim.organ in KEPT_ORGANS else " (not yet modelled)"
            counts[f"membership {claim.organ} {claim.role}{kept}"] += 1
    return counts
