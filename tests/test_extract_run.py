"""``apparat extract`` over the real corpus: deterministic, and the committed
``triples/`` are exactly what the extractor writes today."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from apparat.cli import main
from apparat.extract.dates import parse_time
from apparat.extract.gazetteer import Entity, Gazetteer
from apparat.extract.records import Claim, Span
from apparat.extract.run import covered_by_ledger, extract

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
corpus = pytest.mark.skipif(not (SHARED / "corpus" / "sources.tsv").exists(),
                            reason="needs ../shared/corpus (the source texts), absent here")


@pytest.mark.corpus
@corpus
def test_extraction_is_deterministic_and_committed_triples_are_current(tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    wikidata = SHARED / "wikidata" / "known-ids.tsv"
    report = extract(SHARED / "corpus", one, wikidata, data_dir=ROOT / "triples")
    extract(SHARED / "corpus", two, wikidata, data_dir=ROOT / "triples")
    written = sorted(p.name for p in one.iterdir())
    assert written == ["four-attempts-blog.nt", "gazetteer.nt", "links.nt", "resignations-forum-2023.nt",
                       "rogovin-1992.nt", "sources.nt", "stalin-gensec-spartacus.nt",
                       "stalin-vs-lenin-globalsecurity.nt"]
    for name in written:
        assert (one / name).read_bytes() == (two / name).read_bytes(), f"{name} differs between two runs"
        assert (one / name).read_bytes() == (ROOT / "triples" / name).read_bytes(), (
            f"triples/{name} is stale: run `make extract` and commit the result")
    assert report.counts["biographical notes"]["persons"] == 73
    assert report.counts["chapter mentions"]["chapters"] == 49
    # The coverage table: a row per chapter (49), per parsed section and per short text, and a
    # total that is every claim read: the ledgers' rows and the parsers' claims.
    table = report.coverage_table()
    rows = table[2:-1]
    assert sum(r.startswith("| rogovin-1992 | ch. ") for r in rows) == 49
    assert {"| rogovin-1992 | biographical notes |", "| rogovin-1992 | table of congresses |",
            "| four-attempts-blog | text |"} <= {r[:r.index(" |", r.index(" | ") + 3) + 2] for r in rows}
    ledger = sum(sum(kinds.values()) for key, kinds in report.counts.items() if key.startswith("claims ledger:"))
    parsed = sum(report.counts["life events (biographical notes)"].values())
    assert int(table[-1].rsplit("|", 2)[-2]) == sum(report.coverage.values()) > ledger + parsed
    # Unparsed sentences of the notes: none a parser or a ledger row reads. 6861 (Maly Sovnarkom of
    # RSFSR) and 6985 (Krestintern) have ledger rows; 6929's suicide is the life-event parser's.
    lines = [line for _source, line, _sentence in report.unparsed]
    assert len(lines) == 15
    assert {6861, 6883, 6949, 6985, 7007, 7027} & set(lines) == {6883}  # 6883: an editor of no named paper
    assert not [s for _src, line, s in report.unparsed if line == 6929]


@pytest.mark.corpus
@corpus
def test_extract_command_reports_sections_and_unparsed_sentences(tmp_path, monkeypatch):
    for data in ("gazetteer", "claims"):  # the inputs extraction reads beside the corpus
        shutil.copytree(ROOT / "triples" / data, tmp_path / data)
    shutil.copy(ROOT / "triples" / "profiles.toml", tmp_path)
    monkeypatch.setenv("APPARAT_TRIPLES_DIR", str(tmp_path))
    result = CliRunner().invoke(main, ["extract", "--corpus", str(SHARED / "corpus")])
    assert result.exit_code == 0, result.output
    for section in ("biographical notes:", "congress dates:", "glossary:", "footnote documents:",
                    "life events (biographical notes):", "chapter mentions:", "wikidata links:",
                    "claims ledger: rogovin-1992:", "claims ledger: four-attempts-blog:", "gazetteer:"):
        assert section in result.output
    assert "unparsed organ-bearing sentences:" in result.output


def test_extract_without_corpus_says_where_it_looked(tmp_path):
    result = CliRunner().invoke(main, ["extract", "--corpus", str(tmp_path / "nowhere")])
    assert result.exit_code == 1
    assert "no corpus at" in result.output


def test_a_ledger_row_covers_the_sentence_it_reads_not_its_whole_line():
    """A note is one line: a row covers a sentence of it that names its organ or holds its date."""
    gazetteer = Gazetteer({
        "organ/krestintern": Entity("organ", "krestintern", "Krestintern"),
        "person/smith": Entity("person", "smith", "John Smith"),
        "organ/party": Entity("organ", "party", "Communist Party")})
    row = Claim("book", (Span(5, 5),), "member", "person/smith", "general-secretary", ("organ/krestintern",),
                parse_time("1923–1928"))
    named = ("book", 5, "General secretary of Krestintern, 1923–1928.")
    dated = ("book", 5, "From 1923–1928, busy.")
    other = ("book", 5, "Editor of several newspapers.")
    assert covered_by_ledger(named, [row], gazetteer) and covered_by_ledger(dated, [row], gazetteer)
    assert not covered_by_ledger(other, [row], gazetteer)
    assert not covered_by_ledger(("book", 6, named[2]), [row], gazetteer)  # another line
    assert not covered_by_ledger(("other-book", 5, named[2]), [row], gazetteer)  # another source
    # a person is named by surname too; a row with no object by its date, case aside
    left = Claim("book", (Span(4, 6),), "left", "person/smith", objects=("organ/party",), time=parse_time("from 1930"))
    assert covered_by_ledger(("book", 5, "Smith broke with them."), [left], gazetteer)
    assert covered_by_ledger(("book", 5, "From 1930, elsewhere."), [left], gazetteer)
