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

from ..errors import KgError
from ..triples_io import canonical_ntriples, write_if_changed
from .gazetteer import Gazetteer, load_gazetteer
from .ledger import LedgerError, ledger_files, read_ledger
from .profiles import load_profiles, person_names, read_sections, reference_source
from .records import Claim
from .sources import parse_sources, sources_graph
from .text import load_sources, mentions_any
from .writer import compile_claims, gazetteer_graph

#: Which sections of which source the parsers read (see :mod:`apparat.extract.profiles`).
PROFILES_FILE = "profiles.toml"
__all__ = ["ExtractReport", "check_ledgers", "covered_by_ledger", "extract", "extract_monograph", "person_names",
           "read_ledgers"]

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
    "entities, citations, chapters": ("entity", "cited", "chapter"),
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
    return (sec == "text", src, number, sec)


def sections_of(claim: Claim, chapters) -> str:
    """The section a claim was read from: the parser's (``biographical notes``), the chapter of
    its first line (a source with chapters), or ``text``."""
    if claim.origin.startswith(f"{claim.source} "):
        return claim.origin[len(claim.source) + 1:].split(":", 1)[0]
    if not chapters:
        return "text"
    line = claim.first_line
    if line < chapters[0].line_start:
        return "front matter"
    chapter = next((c for c in chapters if c.line_start <= line <= c.line_end), None)
    return f"ch. {chapter.number}. {chapter.title}" if chapter else "back matter"


def extract_monograph(lines: list[str], source_id: str, gazetteer: Gazetteer
                      ) -> tuple[Graph, list[Claim], dict[str, Counter], list]:
    """Every section parser on ``lines`` (the monograph's text): the graph of what the
    sections define, the claims they state, counts per section, and the notes' records."""
    found = read_sections(lines, source_id, gazetteer)
    return found.graph, found.claims, found.counts, found.records


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

    profiles = load_profiles(data_dir / PROFILES_FILE)
    parsed, chapters = [], {}
    for source_id, profile in profiles.items():
        if source_id not in sources:
            raise KgError(f"{data_dir / PROFILES_FILE}: [{source_id}] is no source of {corpus_dir}/sources.tsv")
        found = read_sections(list(sources[source_id].lines), source_id, gazetteer, list(profile.sections))
        outputs[source_id] = found.graph
        parsed += found.claims
        chapters[source_id] = found.chapters
        report.counts.update(found.counts if len(profiles) == 1 else
                             {f"{source_id}: {k}": v for k, v in found.counts.items()})
        report.unparsed += [(source_id, n, s) for n, s in found.unparsed]

    claims = read_ledgers(data_dir / "claims", gazetteer, sources)
    report.unparsed = [u for u in report.unparsed if not covered_by_ledger(u, claims, gazetteer)]
    report.coverage = Counter((c.source, sections_of(c, chapters.get(c.source, [])), c.kind) for c in parsed + claims)
    for source_id, found_chapters in chapters.items():  # a chapter nothing was read from still gets its row
        for chapter in found_chapters:
            report.coverage[(source_id, f"ch. {chapter.number}. {chapter.title}", "member")] += 0
    reference = reference_source(profiles)
    for graph_name, graph in compile_claims(parsed + claims, gazetteer, reference=reference).items():
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


def covered_by_ledger(unparsed: tuple[str, int, str], claims: list[Claim], gazetteer: Gazetteer) -> bool:
    """Whether a ledger row reads the sentence a parser left unparsed.

    ``unparsed`` is ``(source id, line, sentence)``. A row covers it when one of its
    spans holds that line and the sentence names the row's subject or one of its
    objects (a gazetteer form or pattern) or holds the row's date as written. A line
    of the notes is a whole entry, so the line alone says too little.
    """
    source_id, line, sentence = unparsed
    flat = " ".join(sentence.split()).casefold()
    for claim in claims:
        if claim.source != source_id or not any(s.first <= line <= s.last for s in claim.spans):
            continue
        named = [gazetteer.entities[ref] for ref in (claim.subject, *claim.objects) if ref in gazetteer.entities]
        if any(mentions_any(sentence, e.naming_forms(), [e.pattern] if e.pattern else []) for e in named):
            return True
        if claim.time.text and claim.time.text.casefold() in flat:
            return True
    return False


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


class LedgerPathError(KgError):
    """A file to check that is not under ``triples/claims/``, so its source is unknown."""


def _ledger_source_id(path: Path, claims_dir: Path) -> str:
    """``triples/claims/<id>.csv`` or ``triples/claims/<id>/<part>.csv`` -> ``<id>``.

    Raises:
        LedgerPathError: ``path`` is not under ``claims_dir``.
    """
    try:
        relative = Path(path).resolve().relative_to(Path(claims_dir).resolve())
    except ValueError:
        raise LedgerPathError(
            f"{path}: not under {claims_dir}, so its source is unknown: a ledger is "
            f"claims/<source-id>.csv or claims/<source-id>/<part>.csv (or give --source ID)") from None
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


def check_ledgers(triples_dir: Path, corpus_dir: Path | None, files: list[Path] | None = None,
                  source: str | None = None) -> dict[str, int]:
    """Check ledger files (default: every one under ``triples/claims/``); return claims per file.

    With the corpus present, every span is checked against its source text. A file's
    source is named by its place under ``triples/claims/``, or by ``source`` (for
    every file given: a draft kept elsewhere).

    Raises:
        GazetteerError: the gazetteer does not load.
        LedgerPathError: a file outside ``triples/claims/`` and no ``source``.
        LedgerError: every problem of every file, each as ``file:row: message``.
    """
    claims_dir = Path(triples_dir) / "claims"
    gazetteer = load_gazetteer(Path(triples_dir) / "gazetteer")
    sources = load_sources(corpus_dir) if corpus_dir and (Path(corpus_dir) / "sources.tsv").exists() else None
    if files is None:
        files = [p for paths in ledger_files(claims_dir).values() for p in paths]
    counts, errors, read = {}, [], []
    source_ids = {path: source or _ledger_source_id(path, claims_dir) for path in files}  # before any row is read
    for path in files:
        try:
            claims = read_ledger(path, source_ids[path], gazetteer, sources)
        except LedgerError as err:
            errors += err.messages
            continue
        counts[str(path)] = len(claims)
        read += claims
    errors += shared_id_errors(read)
    if errors:
        raise LedgerError(errors)
    return counts
