"""``apparat extract``: read the corpus, run each section's extractor, write
``triples/`` in canonical form, and report what was found and what was not.

This is the only extraction module that touches files.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import KgError
from ..triples_io import canonical_ntriples, write_if_changed
from . import biographies
from .persons import ORGAN_CLASSES, persons_graph
from .sources import file_to_source_id, parse_sources, sources_graph

MONOGRAPH = "rogovin-1992"


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


def extract(corpus_dir: Path, triples_dir: Path) -> ExtractReport:
    """Extract every section of the corpus into ``triples_dir``.

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
    start, end = biographies.find_section(lines)
    records = biographies.parse_biographies(lines[start:end], first_line_no=start + 1)
    outputs[MONOGRAPH] = persons_graph(records, MONOGRAPH)
    report.counts["biographical notes"] = _biography_counts(records)
    report.unparsed += [(MONOGRAPH, n, s) for r in records for n, s in r.unparsed]

    for name, graph in outputs.items():
        path = triples_dir / f"{name}.nt"
        (report.written if write_if_changed(path, canonical_ntriples(graph)) else report.unchanged).append(path)
    return report


def _biography_counts(records) -> Counter:
    counts = Counter({"persons": len(records)})
    for record in records:
        for claim in record.memberships:
            kept = "" if claim.organ in ORGAN_CLASSES else " (not yet modelled)"
            counts[f"membership {claim.organ} {claim.role}{kept}"] += 1
    return counts
