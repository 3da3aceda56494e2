"""Tests for :mod:`apparat.extract.footnotes`.

The sample notes below are written for these tests in the monograph's citation
style (invented titles, volumes, pages and dates); ``test_samples_are_not_copied_
from_the_corpus`` guards that. The integration tests read the real corpus when it
is present.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import replace
from pathlib import Path

import pytest
from rdflib import Literal
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS

from apparat import ids
from apparat.extract.footnotes import FootnoteNames, documents_graph, parse_citations, parse_footnotes
from apparat.extract.gazetteer import Gazetteer, load_gazetteer
from apparat.namespaces import AP
from apparat.triples_io import canonical_ntriples

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
MONOGRAPH = CORPUS / "004_154d022a6a9a2c16.txt"
SOURCE = "rogovin-1992"
#: The persons and organs footnotes resolve are the gazetteer's (``matched_as`` ``footnotes:``);
#: its documents are left out here (their patterns would claim titles: test_extract_footnote_merges).
GAZETTEER = Gazetteer({e.key: e for e in load_gazetteer(ROOT / "triples" / "gazetteer")
                       if e.kind in ("person", "organ")})

SAMPLE = """\
A paragraph of chapter text that cites nothing in particular.

1. Ленин, ПСС, Т. 50, С. 10 [Lenin, CW, Volume 40, “On Invented Matters,” 3 May 1921, p. 12].
2. Там же, С. 11 [Ibid., p. 13].
- [3.](#) *Известия ЦК КПСС*, 1990, № 3, С. 100 [*Information*, “I. V. Stalin to G. Ye. Zinoviev,” 9 June 1924, p. 100].
- [4.](#) Там же, С. 101 [Ibid., “N. I. Bukharin to the Politburo,” no later than 10 June 1924, p. 101].
- [5.](#) Троцкий, Л. Д., *Статьи*, С. 5 [Cf. Leon Trotsky, “A Made-Up Article,” *Pravda*, 7 July 1924].
6. Коэн С., Статья, 1989 [Stephen Cohen, “Some Scholarship,” 1989, p. 4].
7. Ленин, ПСС, Т. 50, С. 30 [Lenin, CW, Volume 40, “To G. Ye. Zinoviev,” 1 June 1921, p. 30].
8. Ленин, ПСС, Т. 50, С. 40 [Lenin, CW, Volume 40, “To G. Ye. Zinoviev,” 9 June 1921, p. 31].
9. Ленин, ПСС, Т. 50, С. 12 [Lenin, CW, Volume 40, “On Invented Matters,” p. 14].

More chapter text.

1. Ленин, ПСС, Т. 51, С. 1 [Lenin, CW, Volume 41, *A Book of Examples*, p. 7].
2. Ленин, ПСС, Т. 51, С. 2 [Lenin, CW, Volume 41, “Speech on Something Invented,” April-May 1921, p. 9].
3. Ленин, ПСС, Т. 51, С. 3 [Lenin, *PSS*, Volume 51, “Notes Taken for Lenin,” 2 February 1923, p. 3].
4. *Известия ЦК КПСС*, 1991, № 1, С. 5 [“Letter from L. D. Trotsky to Members of the CC,” 2 March 1924, p. 5].
5. *Известия ЦК КПСС*, 1991, № 2, С. 6 [“Letter of L. D. Trotsky to Members of the CC RKP(b),” 2 March 1924, p. 6].
6. *Известия ЦК КПСС*, 1991, № 2, С. 7 [*Information*, 1991, “From the Archives,” p. 7].
7. Ленин, ПСС, Т. 52, С. 8 [Lenin, CW, Volume 42, p. 9].
8. Ленин, ПСС, Т. 52, С. 9 [Ibid., “Declaration of Something to the Politburo,” 4 April 1921, pp. 10–11].
9. Там же, С. 10 [Ibid., 9 May 1921, p. 12].
"""


def doc(slug: str):
    return ids.entity("document", slug)


def loc(line: int):
    return ids.source_location(SOURCE, line, line)


def bounds(g, node) -> tuple:
    lo, hi = g.value(node, AP.earliestStart), g.value(node, AP.latestEnd)
    return (lo.toPython() if lo else None, hi.toPython() if hi else None)


def cited_at(g, node) -> set[int]:
    return {int(str(x).rsplit("/", 1)[-1].split("-")[0]) for x in g.objects(node, AP.citedAt)}


@pytest.fixture(scope="module")
def sample():
    return documents_graph(SAMPLE.splitlines(), 1, SOURCE, GAZETTEER)


def test_footnote_layouts():
    notes = parse_footnotes(SAMPLE.splitlines(), 1)
    assert [(n.number, n.line) for n in notes[:4]] == [(1, 3), (2, 4), (3, 5), (4, 6)]
    assert notes[0].russian.startswith("Ленин") and notes[0].english.startswith("Lenin, CW")


def test_lenin_work(sample):
    g, work = sample, doc("on-invented-matters")
    assert (work, RDF.type, AP.Document) in g
    assert g.value(work, DCTERMS.title) == Literal("On Invented Matters")
    assert g.value(work, DCTERMS.creator) == ids.entity("person", "lenin")
    assert g.value(work, AP.date) == Literal(datetime.date(1921, 5, 3))
    assert g.value(work, AP.volume) == Literal("Lenin, Collected Works, vol. 40")
    assert g.value(work, AP.pages) == Literal("12")
    assert g.value(work, PROV.wasDerivedFrom) == loc(3)
    # the Ibid. right after it and the later undated citation of the same title
    assert cited_at(g, work) == {3, 4, 11}


def test_letters_of_one_title_and_several_dates(sample):
    g = sample
    first, second = doc("to-g-ye-zinoviev-1921-06-01"), doc("to-g-ye-zinoviev-1921-06-09")
    for node in (first, second):
        assert (node, RDF.type, AP.Letter) in g
        assert g.value(node, DCTERMS.creator) == ids.entity("person", "lenin")
        assert g.value(node, AP.addressee) == ids.entity("person", "zinoviev")
    assert (doc("to-g-ye-zinoviev"), None, None) not in g


def test_bulletin_letters(sample):
    g = sample
    letter = doc("i-v-stalin-to-g-ye-zinoviev")
    assert (letter, RDF.type, AP.Letter) in g
    assert g.value(letter, DCTERMS.creator) == ids.entity("person", "stalin")
    assert g.value(letter, AP.volume) == Literal("Izvestiia TsK KPSS, 1990, no. 3")
    assert bounds(g, letter) == (datetime.date(1924, 6, 9), datetime.date(1924, 6, 9))
    # Ibid. with a title: a new document of the same issue, bounded on one side
    other = doc("n-i-bukharin-to-the-politburo")
    assert g.value(other, AP.addressee) == ids.entity("organ", "politburo")
    assert g.value(other, AP.volume) == Literal("Izvestiia TsK KPSS, 1990, no. 3")
    assert g.value(other, AP.dateAsStated) == Literal("no later than 10 June 1924")
    assert bounds(g, other) == (None, datetime.date(1924, 6, 10))
    assert (other, AP.date, None) not in g


def test_one_letter_under_two_titles(sample):
    g = sample
    letter = doc("letter-from-l-d-trotsky-to-members-of-the-cc")
    assert cited_at(g, letter) == {18, 19}
    assert g.value(letter, DCTERMS.alternative) == Literal("Letter of L. D. Trotsky to Members of the CC RKP(b)")
    assert g.value(letter, AP.addressee) == ids.entity("organ", "central-committee")


def test_authored_article_and_what_is_left_out(sample):
    g = sample
    article = doc("a-made-up-article")
    assert g.value(article, DCTERMS.creator) == ids.entity("person", "trotsky")
    assert g.value(article, AP.date) == Literal(datetime.date(1924, 7, 7))
    assert (article, AP.pages, None) not in g  # no volume, so pages would be ambiguous
    for slug in ("some-scholarship", "from-the-archives"):
        assert (doc(slug), None, None) not in g
    assert not list(g.subjects(AP.citedAt, loc(20)))  # an undated bulletin title without author
    assert not list(g.subjects(AP.citedAt, loc(21)))  # an untitled collected-works citation


def test_book_speech_and_secretaries(sample):
    g = sample
    assert (doc("a-book-of-examples"), RDF.type, AP.Book) in g
    speech = doc("speech-on-something-invented")
    assert (speech, RDF.type, AP.Speech) in g
    assert g.value(speech, AP.dateAsStated) == Literal("April-May 1921")
    assert bounds(g, speech) == (datetime.date(1921, 4, 1), datetime.date(1921, 5, 31))
    notes = doc("notes-taken-for-lenin")
    assert g.value(notes, DCTERMS.creator) is None  # a title naming Lenin is not his
    assert g.value(notes, AP.volume) == Literal("Lenin, PSS, vol. 51")


def test_ibid_with_a_title_and_russian_volume(sample):
    g = sample
    declaration = doc("declaration-of-something")
    assert (declaration, RDF.type, AP.Declaration) in g
    assert g.value(declaration, AP.addressee) == ids.entity("organ", "politburo")
    # the English part names no volume and the previous footnote no document: PSS from the Russian part
    assert g.value(declaration, AP.volume) == Literal("Lenin, PSS, vol. 52")
    assert g.value(declaration, AP.pages) == Literal("9")
    # an Ibid. whose date matches no document of these notes cites nothing
    assert cited_at(g, declaration) == {22}


def test_parse_citations_marks_ibid_repeats():
    citations = parse_citations(SAMPLE.splitlines(), 1, GAZETTEER)
    repeat = next(c for c in citations if c.line == 4)
    assert repeat.title is None and citations[repeat.same_as].title == "On Invented Matters"


def test_deterministic_and_no_blank_nodes():
    lines = SAMPLE.splitlines()
    one = canonical_ntriples(documents_graph(lines, 1, SOURCE, GAZETTEER))
    assert one == canonical_ntriples(documents_graph(lines, 1, SOURCE, GAZETTEER)) and "_:" not in one


def test_samples_are_not_copied_from_the_corpus():
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not found at {CORPUS}")
    corpus = re.sub(r"\s+", " ", " ".join(p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))))
    notes = [n.russian + " [" + n.english for n in parse_footnotes(SAMPLE.splitlines(), 1)]
    assert notes and [n for n in notes if n in corpus] == []


# ---------------------------------------------------------------- the real footnotes


@pytest.fixture(scope="module")
def real(monograph_lines):
    lines = monograph_lines
    return lines, documents_graph(lines, 1, SOURCE, GAZETTEER)


def test_real_counts(real):
    _lines, g = real
    docs = set(g.subjects(AP.citedAt, None))
    assert len(docs) == 118
    by_type = {t: len({d for d in docs if (d, RDF.type, t) in g})
               for t in (AP.Letter, AP.Document, AP.Speech, AP.Declaration, AP.Book)}
    assert by_type == {AP.Letter: 56, AP.Document: 49, AP.Speech: 9, AP.Declaration: 3, AP.Book: 1}
    lenin = ids.entity("person", "lenin")
    assert len(set(g.subjects(DCTERMS.creator, lenin))) == 41


@pytest.mark.parametrize("slug, cls, date, volume, pages, lines", [
    ("letter-to-the-congress", AP.Letter, (1922, 12, 23), "Lenin, Collected Works, vol. 36", "593", {1112}),
    ("letter-to-the-congress-ii-1922-12-24", AP.Letter, (1922, 12, 24), "Lenin, Collected Works, vol. 36",
     "594", {959}),
    ("letter-to-the-congress-ii-1922-12-25", AP.Letter, (1922, 12, 25), "Lenin, Collected Works, vol. 36",
     "595", {3857}),
    ("better-fewer-but-better", AP.Document, (1923, 3, 2), "Lenin, Collected Works, vol. 33", "490",
     {1215, 1216, 5089}),
    ("to-l-d-trotsky-1922-12-13", AP.Letter, (1922, 12, 13), "Lenin, Collected Works, vol. 45", "600", {1046}),
    ("to-l-d-trotsky-1922-12-21", AP.Letter, (1922, 12, 21), "Lenin, Collected Works, vol. 45", "606", {1047}),
    ("concluding-speech-on-party-unity", AP.Speech, (1921, 3, 16), "Lenin, Collected Works, vol. 32", "258",
     {743}),
    ("the-question-of-nationalities-or-autonomization", AP.Document, (1922, 12, 30),
     "Lenin, Collected Works, vol. 36", "606", {1471, 1474}),
    ("speech-in-memory-of-y-m-sverdlov-at-a-special-session-of-the-all-russia-central-executive-committee",
     AP.Speech, (1919, 3, 18), "Lenin, Collected Works, vol. 29", "89", {615, 617, 619}),
])
def test_real_lenin_works(real, slug, cls, date, volume, pages, lines):
    _lines, g = real
    node = doc(slug)
    assert (node, RDF.type, cls) in g
    assert g.value(node, DCTERMS.creator) == ids.entity("person", "lenin")
    assert g.value(node, AP.date) == Literal(datetime.date(*date))
    assert g.value(node, AP.volume) == Literal(volume)
    assert g.value(node, AP.pages) == Literal(pages)
    assert cited_at(g, node) == lines
    assert g.value(node, PROV.wasDerivedFrom) == loc(min(lines))


def test_real_other_documents(real):
    _lines, g = real
    person = lambda slug: ids.entity("person", slug)  # noqa: E731
    krupskaya = doc("n-k-krupskaya-to-l-b-kamenev")  # printed in Lenin's works, written by Krupskaya
    assert g.value(krupskaya, DCTERMS.creator) == person("krupskaya")
    assert g.value(krupskaya, AP.addressee) == person("kamenev")
    forty_six = doc("declaration-of-the-forty-six")
    assert (forty_six, RDF.type, AP.Declaration) in g
    assert g.value(forty_six, AP.date) == Literal(datetime.date(1923, 10, 15))
    assert g.value(forty_six, AP.addressee) == ids.entity("organ", "politburo")
    stalin = doc("letter-of-i-v-stalin-to-v-i-lenin")
    assert (g.value(stalin, DCTERMS.creator), g.value(stalin, AP.addressee)) == (person("stalin"), person("lenin"))
    assert g.value(stalin, AP.volume) == Literal("Izvestiia TsK KPSS, 1989, no. 9")
    trotsky = doc("letter-from-l-d-trotsky-to-members-of-the-cc-and-ccc")
    assert cited_at(g, trotsky) == {1499, 1656, 1931, 2227}
    assert g.value(doc("diary-of-the-secretaries-attending-lenin"), DCTERMS.creator) is None
    left = doc("left-wing-communism-an-infantile-disorder")
    assert g.value(left, AP.dateAsStated) == Literal("April-May 1920")
    assert g.value(doc("reply-to-the-discussion"), DCTERMS.creator) == person("stalin")
    testament = doc("on-lenins-testament")
    assert g.value(testament, AP.date) == Literal(datetime.date(1932, 12, 31))
    assert cited_at(g, testament) == {1120, 1220, 1485, 1791}


def test_real_untitled_citations_are_left_out(real):
    _lines, g = real
    for line in (506, 3505, 5187, 6619, 6623):
        assert not list(g.subjects(AP.citedAt, loc(line)))


def test_real_persons_are_known_and_left_to_the_gazetteer(real):
    """The footnotes name persons; the gazetteer, not the section, types and labels them."""
    _lines, g = real
    gazetteer = load_gazetteer(ROOT / "triples" / "gazetteer")
    named = {o for p in (DCTERMS.creator, AP.addressee) for o in g.objects(None, p) if "/person/" in o}
    persons = {str(p).rsplit("/", 1)[-1] for p in named}
    assert len(persons) > 10 and persons <= set(FootnoteNames.from_gazetteer(gazetteer).latin.values())
    assert all(gazetteer.get("person", p) is not None for p in persons)
    assert not set(g.subjects(RDF.type, AP.Person)) and not any(g.value(p, RDFS.label) for p in named)


def test_real_graph_passes_shacl(real, tmp_path):
    from apparat.build import BuildInputs, build

    _lines, g = real
    data = tmp_path / "rogovin-1992.nt"
    data.write_text(canonical_ntriples(g), encoding="utf-8")
    build(BuildInputs(ontology=[ROOT / "ontology/apparat.ttl"], shapes=[ROOT / "ontology/shapes.ttl"],
                      data=[data]), tmp_path / "build")


def test_addressed_organs_come_from_the_gazetteer_longest_name_first():
    from apparat.extract.footnotes import _addressees

    known = FootnoteNames.from_gazetteer(GAZETTEER)
    # a qualified body is the addressee, not its parent; "of the CC" names no second addressee
    assert _addressees("the Presidium of the CCC and the Politburo of the CC", known) == (
        "organ/ccc-presidium", "organ/politburo")
    assert _addressees("Members of the CC and CCC", known) == ("organ/central-control-commission",
                                                                "organ/central-committee")
    # a new organ word is one gazetteer cell (matched_as "footnotes: …"), no Python
    orgburo = GAZETTEER.get("organ", "orgburo")
    names = (("footnotes", "Orgburo of the CC"), ("footnotes", "Orgburo"))
    more = Gazetteer({**GAZETTEER.entities, orgburo.key: replace(orgburo, matched_as=names)})
    assert _addressees("the Orgburo of the CC", known) == ("organ/central-committee",)
    assert _addressees("the Orgburo of the CC", FootnoteNames.from_gazetteer(more)) == ("organ/orgburo",)
    assert _addressees("the Orgburo", FootnoteNames.from_gazetteer(more)) == ("organ/orgburo",)
