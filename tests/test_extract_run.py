"""``apparat extract`` over the real corpus: deterministic, and the committed
``triples/`` are exactly what the extractor writes today."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from apparat.cli import main
from apparat.extract.run import extract

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
