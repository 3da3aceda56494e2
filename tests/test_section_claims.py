"""The glossary, the footnotes and the chapters state claim records, which the one writer
renders (issue 9): each claim has its source and line span; on the real monograph the
three sections still describe what they described when they wrote RDF themselves
(counts and spot checks below, taken before the move), now each with its ap:Claim node.

The texts of the first tests are invented; the corpus is only read, never copied.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from rdflib import Literal
from rdflib.namespace import DCTERMS, ORG, PROV, RDF, SKOS

from apparat import ids
from apparat.extract import footnotes, glossary, mentions
from apparat.extract.dates import find_dates
from apparat.extract.gazetteer import Gazetteer, load_gazetteer
from apparat.extract.profiles import read_sections
from apparat.extract.records import Claim, Span
from apparat.extract.writer import compile_claims
from apparat.namespaces import AP

ROOT = Path(__file__).resolve().parents[1]
#: The gazetteer's persons only: footnotes resolve their writers by them (``matched_as``).
PERSONS = Gazetteer({e.key: e for e in load_gazetteer(ROOT / "triples" / "gazetteer").of_kind("person")})
MONOGRAPH = ROOT.parent / "shared" / "corpus" / "004_154d022a6a9a2c16.txt"
SOURCE = "invented-source"

GLOSSARY = """\
Glossary of Abbreviations and Terms

Gosplan [Госплан]: a planning body, 1921–1991. Headed by Alpha, 1921–1923; Beta, 1923–1925.

kulak [кулак]: a peasant said to be rich.

Dates of Party Congresses, Conferences, and Comintern Congresses
"""

FOOTNOTES = """\
Some prose of a chapter.

1. Ленин В. И. Полн. собр. соч. Т. 45. С. 12. [Lenin, CW, Volume 45, "On Invented Things," 3 May 1921, p. 12.]
2. Там же. [Ibid.]
3. Известия ЦК КПСС, 1990, № 5. [Information of the CC, "Trotsky to Stalin," 9 June 1924.]
"""

BOOK = """\
1. The First Invented Chapter

Alpha Betov wrote to Gamma Deltov; Betov was angry.

2. The Second Invented Chapter

Nobody of note is named here.
"""


def _spans_inside(claims: list[Claim], lines: list[str]) -> None:
    for claim in claims:
        assert isinstance(claim, Claim) and claim.source == SOURCE and claim.origin
        assert claim.spans and all(isinstance(s, Span) and 1 <= s.first <= s.last <= len(lines) for s in claim.spans)


def test_glossary_states_claim_records_with_their_entry_lines():
    lines = GLOSSARY.splitlines()
    start, end = glossary.find_glossary_section(lines)
    # the invented source has no statements file of its own: it borrows the monograph's glosses
    statements = glossary.load_statements(glossary.GLOSSARY_DIR / "rogovin-1992.csv")
    claims = glossary.glossary_claims(lines[start:end], start + 1, SOURCE, statements=statements)
    _spans_inside(claims, lines)
    assert Counter(c.kind for c in claims) == {"entity": 3, "member": 2}  # Gosplan, kulak, the scheme; two heads
    gosplan = next(c for c in claims if c.subject == "organ/gosplan")
    assert gosplan.spans == (Span(3, 3),) and gosplan.role == "state-body"
    assert (gosplan.time.kind, str(gosplan.time.start), str(gosplan.time.end)) == ("range", "1921", "1991")
    assert ("russian-name", "Госплан") in gosplan.extra and ("abbreviation", "Gosplan") in gosplan.extra
    heads = sorted((c.subject, c.role, str(c.time.start), str(c.time.end)) for c in claims if c.kind == "member")
    assert heads == [("person/alpha", "chairman", "1921", "1923"), ("person/beta", "chairman", "1923", "1925")]
    kulak = next(c for c in claims if c.subject == "concept/kulak")
    assert kulak.spans == (Span(5, 5),) and ("in-scheme", f"scheme/{SOURCE}-glossary") in kulak.extra
    scheme = next(c for c in claims if c.subject.startswith("scheme/"))
    assert scheme.spans == (Span(1, 5),)


def test_footnotes_state_a_document_claim_and_a_citation_per_footnote():
    lines = FOOTNOTES.splitlines()
    claims = footnotes.footnote_claims(lines, 1, SOURCE, PERSONS)
    _spans_inside(claims, lines)
    cited = [(c.subject, c.first_line) for c in claims if c.kind == "cited"]
    assert cited == [("document/on-invented-things", 3), ("document/on-invented-things", 4),
                     ("document/trotsky-to-stalin", 5)]
    work = next(c for c in claims if c.kind == "document" and c.subject == "document/on-invented-things")
    assert work.spans == (Span(3, 3),) and work.role == "document" and str(work.time.start) == "1921-05-03"
    assert ("by", "person/lenin") in work.extra and ("pages", "12") in work.extra
    letter = next(c for c in claims if c.kind == "document" and c.subject == "document/trotsky-to-stalin")
    assert letter.role == "letter" and letter.objects == ("person/stalin",) and ("by", "person/trotsky") in letter.extra


def test_chapters_state_one_claim_each_with_the_persons_they_name():
    lines = BOOK.splitlines()
    chapters = mentions.find_chapters(lines)
    names = {"betov": ["Alpha Betov", "Betov"], "deltov": ["Gamma Deltov"]}
    claims = mentions.mention_claims(lines, SOURCE, chapters, names)
    _spans_inside(claims, lines)
    assert [(c.kind, c.role, c.spans, c.objects) for c in claims] == [
        ("chapter", "1", (Span(1, 3),), ("person/betov", "person/deltov")),
        ("chapter", "2", (Span(5, 7),), ()),
    ]


def test_the_one_writer_gives_every_section_claim_its_claim_node():
    """A statement of a section is an ap:Claim like any other: what it is about, its kind, its lines."""
    lines = FOOTNOTES.splitlines()
    gazetteer = load_gazetteer(ROOT / "triples" / "gazetteer")
    g = compile_claims(footnotes.footnote_claims(lines, 1, SOURCE, PERSONS), gazetteer)[SOURCE]
    work = ids.entity("document", "on-invented-things")
    nodes = set(g.subjects(AP.about, work))
    assert {str(g.value(n, AP.statementKind)) for n in nodes} == {"document", "cited"}
    for node in nodes:
        assert (node, RDF.type, AP.Claim) in g and g.value(node, AP.statedOf) == work
        location = g.value(node, PROV.wasDerivedFrom)
        assert g.value(location, AP.inSource) == ids.source(SOURCE) and int(g.value(location, AP.lineStart)) in (3, 4)
    assert {int(g.value(loc, AP.lineStart)) for loc in g.objects(work, AP.citedAt)} == {3, 4}


def test_dates_in_running_text_are_the_one_grammars():
    found = find_dates("elected in May 1921, removed 3 June, again from 1923–1925; page 2034")
    assert [parts for _, _, parts in found] == [(1921, 5, None), (None, 6, 3), (1923, None, None), (1925, None, None)]


def _section(claim: Claim) -> str:
    """``rogovin-1992 glossary: line 6600`` -> ``glossary``."""
    return claim.origin.split(":")[0].split(" ", 1)[1]


@pytest.fixture(scope="module")
def real():
    if not MONOGRAPH.exists():
        pytest.skip("the corpus (../shared/corpus) is not here")
    lines = MONOGRAPH.read_text(encoding="utf-8").splitlines()
    gazetteer = load_gazetteer(ROOT / "triples" / "gazetteer")
    found = read_sections(lines, "rogovin-1992", gazetteer, ["biographical-notes", "glossary", "footnotes", "chapters"])
    sections = [c for c in found.claims if _section(c) in ("glossary", "footnotes", "chapters")]
    start, end = glossary.find_glossary_section(lines)
    return sections, compile_claims(sections, gazetteer)["rogovin-1992"] + found.graph, (start + 1, end)


def test_real_sections_are_claim_records_with_spans(real):
    claims, _g, _lines = real
    assert all(c.source == "rogovin-1992" and c.spans and c.first_line >= 1 for c in claims)
    kinds = Counter((_section(c), c.kind) for c in claims)
    assert kinds[("chapters", "chapter")] == 49
    assert kinds[("footnotes", "cited")] == 184 and kinds[("footnotes", "document")] == 118
    # 18 heads and members: 6677's two "became chairman on D" are starts only (joined), the rest member rows
    assert (kinds[("glossary", "member")], kinds[("glossary", "joined")]) == (16, 2)


def test_real_sections_describe_what_they_did_before_the_move(real):
    """Counts taken from the sections' own RDF before they produced claims (commit d74f645)."""
    _claims, g, (first, last) = real

    def count(p, o=None):
        return len(set(g.triples((None, p, o))))

    assert count(RDF.type, SKOS.Concept) == 27 and count(RDF.type, AP.StateBody) == 18
    assert count(AP.abbreviation) == 35
    assert sum(1 for o in g.objects(None, SKOS.altLabel) if o.language == "ru") == 71
    in_glossary = {m for m in g.subjects(RDF.type, ORG.Membership)
                   if all(first <= int(g.value(loc, AP.lineStart)) <= last
                          for loc in g.objects(m, PROV.wasDerivedFrom))}
    assert len(in_glossary) == 18
    assert all(g.value(m, AP.timeStatement) is not None for m in in_glossary)  # the writer's interval layers
    documents = {s for s in g.subjects(DCTERMS.title) if "/id/document/" in s}
    # 117 and 105 (were 118 and 106): the two footnote documents titled "Letter to the Congress, II"
    # (959, 3857), each by Lenin, are now one (lenin-letter-to-the-congress-2)
    assert len(documents) >= 117 and count(AP.citedAt) == 184 and count(DCTERMS.alternative) == 7
    assert count(DCTERMS.creator) >= 105 and count(AP.citedIn) == 131
    # 784 (was 783): the gazetteer's Lominadze, whom a chapter names (3019); 785: Dukelsky, whom
    # chapter 4 names (717)
    assert count(RDF.type, AP.Chapter) == 49 and count(AP.mentions) == 785
    assert count(RDF.type, AP.Person) == 0  # the gazetteer types and labels persons, not the sections
    # spot checks: a head with a vague span keeps its words; a chapter keeps its span and number
    tomsky = ids.entity("membership", "tomsky/vtssps/chairman/1918-00-00")
    assert str(g.value(tomsky, AP.dateAsStated)).startswith("for most of ")  # the glossary's words, kept
    assert (tomsky, AP.approximateDate, Literal(True)) in g
    chapter = ids.source_location("rogovin-1992", 1050, 1135)
    assert (chapter, RDF.type, AP.Chapter) in g and (chapter, AP.mentions, ids.entity("person", "bukharin")) in g
    assert any(g.value(n, AP.statementKind) == Literal("chapter") for n in g.subjects(AP.statedOf, chapter))
