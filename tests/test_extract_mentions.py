"""Tests for :mod:`apparat.extract.mentions`.

The unit tests run on an invented book and invented persons (made-up names and
sentences). The integration tests read the monograph when the corpus is present
and assert chapter spans and which chapters name a person, checked by reading.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD

from apparat import ids
from apparat.extract.biographies import PersonRecord, find_section, parse_biographies
from apparat.extract.mentions import DEFAULT_EXTRA, Chapter, find_chapters, gazetteer, mentions_graph, mentions_of
from apparat.namespaces import AP

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
MONOGRAPH = CORPUS / "004_154d022a6a9a2c16.txt"


def rec(slug: str, surname: str, given: str, patronymic: str | None = None, other: str | None = None):
    return PersonRecord(slug, surname, given, patronymic, other, None, None, 1, 1, (), ())


RECORDS = [
    rec("petrovsky", "Petrovsky", "Ilya", "Markovich", "Lebedinsky"),
    rec("orlov-boris", "Orlov", "Boris", "Semyonovich"),
    rec("orlov-pavel", "Orlov", "Pavel", "Ivanovich"),
    rec("zorin", "Zorin", "Anton", "Fedorovich", "Vladimir"),
    rec("kuznetsova", "Kuznetsova", "Vera", "Ilyinichna"),
    rec("belova", "Belova", "Olga", "Petrovna", "Kuznetsova"),
    rec("gordon", "Gordon", "Mark", None, "Brilliant"),
    rec("tarasov", "Tarasov", "Semyon", "Lvovich", "Grisha"),
    rec("dubov", "Dubov", "Lev", "Borisovich", "Aleksandr Pavlovich Kramer"),
]
EXTRA = {"lenin": ["Lenin"], "zorin": ["Zorin-Lebedev"]}

# An invented book: a contents list set as plain lines, an introduction, two
# chapters with footnotes, and back matter.
BOOK = [
    "An Invented History",                       # 1
    "",
    "Contents",                                  # 3
    "",
    "1. First Steps",                            # 5
    "",
    "2. Second Thoughts",                        # 7
    "",
    "Introduction",                              # 9
    "",
    "Lenin is named in the introduction only.",  # 11
    "",
    "1. First Steps",                            # 13
    "",
    "Here Ilya Petrovsky argued with B. S. Orlov about the plan.",  # 15
    "",
    "1. Ibid., p. 3.",                           # 17
    "",
    "2. Иванов, Книга, С. 5 [Ivanov, Book, p. 5]",  # 19
    "",
    "2. Second Thoughts",                        # 21
    "",
    "Orlov and Grisha wrote; Leninism was not mentioned by Lenin here.",  # 23
    "",
    "",
    "Conclusion",                                # 26
    "",
    "Petrovsky again, outside every chapter.",   # 28
    "",
    "Glossary of Abbreviations and Terms",       # 30
    "",
    "CC: Central Committee.",                    # 32
]


# ------------------------------------------------------------------------------ chapters


def test_find_chapters_skips_contents_footnotes_and_back_matter():
    assert find_chapters(BOOK) == [
        Chapter(1, "First Steps", 13, 19),
        Chapter(2, "Second Thoughts", 21, 23),
    ]


def test_a_heading_needs_blank_lines_around_it_and_the_next_number():
    lines = ["1. Alpha", "", "Text.", "", "3. Gamma", "", "Text.", "", "2. Beta", "Text right below."]
    assert find_chapters(lines) == [Chapter(1, "Alpha", 1, 10)]


def test_footnote_shaped_lines_are_no_headings():
    lines = ["1. Start", "", "Text.", "", "2. Ibid., p. 4.", "", "2. Там же [Ibid.]", "",
             "2. [Note] Smith", "", "2. lower case", "", "Text."]
    assert find_chapters(lines) == [Chapter(1, "Start", 1, 13)]


def test_a_back_matter_heading_with_a_note_mark_ends_the_last_chapter():
    lines = ["1. Only", "", "Text.", "", "Selected Biographical Notes¹", "", "SMITH, John (1900-1950)."]
    assert find_chapters(lines) == [Chapter(1, "Only", 1, 3)]


# ------------------------------------------------------------------------------ gazetteer


def test_gazetteer_forms_of_a_unique_surname():
    forms = gazetteer(RECORDS)["petrovsky"]
    assert {"Petrovsky", "Lebedinsky", "Ilya Petrovsky", "I. M. Petrovsky", "I. Petrovsky"} <= set(forms)
    assert forms == sorted(set(forms), key=lambda f: (-len(f), f))


def test_a_shared_surname_is_only_looked_for_with_given_name_or_initials():
    names = gazetteer(RECORDS)
    assert "Orlov" not in names["orlov-boris"] + names["orlov-pavel"]
    assert {"Boris Orlov", "B. S. Orlov", "B. Orlov"} <= set(names["orlov-boris"])
    assert {"Pavel Orlov", "P. I. Orlov", "P. Orlov"} <= set(names["orlov-pavel"])


def test_other_names_that_are_given_names_surnames_or_words_are_skipped():
    names = gazetteer(RECORDS)
    assert "Vladimir" not in names["zorin"]
    assert "Kuznetsova" not in names["belova"] and "Kuznetsova" in names["kuznetsova"]
    assert "Brilliant" not in names["gordon"]
    assert "Grisha" in names["tarasov"]
    assert {"Aleksandr Pavlovich Kramer", "Kramer"} <= set(names["dubov"])


def test_extra_forms_are_added_and_merged():
    names = gazetteer(RECORDS, EXTRA)
    assert names["lenin"] == ["Lenin"]
    assert "Zorin-Lebedev" in names["zorin"] and "Zorin" in names["zorin"]
    assert list(names) == sorted(names)


def test_default_extra_covers_the_leaders_without_a_note():
    assert {"stalin", "lenin", "trotsky"} <= set(DEFAULT_EXTRA)
    assert DEFAULT_EXTRA["stalin"] == ["Stalin"]


# ------------------------------------------------------------------------------ matching


@pytest.fixture(scope="module")
def names():
    return gazetteer(RECORDS, EXTRA)


@pytest.mark.parametrize(("text", "expected"), [
    ("Petrovsky's view prevailed.", {"petrovsky"}),
    ("Petrovskyism is no word.", set()),
    ("They met in Leningrad.", set()),
    ("Orlov disagreed.", set()),
    ("B. S. Orlov disagreed.", {"orlov-boris"}),
    ("B.S. Orlov disagreed.", {"orlov-boris"}),
    ("Pavel Orlov disagreed.", {"orlov-pavel"}),
    ("Then B. P. Orlov, a namesake, spoke.", set()),
    ("Comrade Petrovsky spoke.", {"petrovsky"}),
    ("K. Petrovsky, a namesake, spoke.", set()),
    ("Nikolai Petrovsky, a namesake, spoke.", set()),
    ("I. M. Petrovsky and Ilya Petrovsky are one man.", {"petrovsky"}),
    ("\u0410. Zorin signed.", {"zorin"}),  # a Cyrillic A typed for the Latin one
    ("Kramer and Grisha and Lebedinsky.", {"dubov", "tarasov", "petrovsky"}),
    ("A brilliant speech by Mark Gordon.", {"gordon"}),
])
def test_mentions_of(names, text, expected):
    assert mentions_of(text, names) == expected


def test_mentions_graph_describes_each_chapter_and_whom_it_names(names):
    chapters = find_chapters(BOOK)
    g = mentions_graph(BOOK, "invented-source", chapters, names)
    one = ids.source_location("invented-source", 13, 19)
    two = ids.source_location("invented-source", 21, 23)
    for node, title, start, end in ((one, "First Steps", 13, 19), (two, "Second Thoughts", 21, 23)):
        assert (node, RDF.type, AP.Chapter) in g and (node, RDF.type, AP.SourceLocation) in g
        assert (node, DCTERMS.title, Literal(title, lang="en")) in g
        assert (node, AP.inSource, ids.source("invented-source")) in g
        assert (node, AP.lineStart, Literal(start, datatype=XSD.integer)) in g
        assert (node, AP.lineEnd, Literal(end, datatype=XSD.integer)) in g

    def mentioned(node: URIRef) -> set[str]:
        return {str(p).rsplit("/", 1)[1] for p in g.objects(node, AP.mentions)}

    assert mentioned(one) == {"petrovsky", "orlov-boris"}
    assert mentioned(two) == {"tarasov", "lenin"}  # a bare "Orlov" is nobody
    assert not [t for t in g if isinstance(t[0], URIRef) and "lines/11-" in str(t[0])]


# ------------------------------------------------------------------------------ the monograph

corpus = pytest.mark.skipif(not MONOGRAPH.exists(), reason=f"no corpus at {CORPUS}")


@pytest.fixture(scope="module")
def monograph():
    lines = MONOGRAPH.read_text(encoding="utf-8").splitlines()
    start, end = find_section(lines)
    records = parse_biographies(lines[start:end], first_line_no=start + 1)
    chapters = find_chapters(lines)
    return lines, chapters, gazetteer(records, DEFAULT_EXTRA)


@pytest.mark.corpus
@corpus
def test_the_monograph_has_49_chapters(monograph):
    lines, chapters, _ = monograph
    assert len(chapters) == 49
    assert [c.number for c in chapters] == list(range(1, 50))
    assert chapters[0] == Chapter(1, "The Birth of the One-Party System", 400, 456)
    assert chapters[26] == Chapter(27, "“The Seven”", 3239, 3364)
    assert chapters[48] == Chapter(49, "The “Collectivization Congress” “Finishes Off” the Opposition", 6296, 6413)
    assert lines[6415 - 1] == "Conclusion"  # not a chapter, nor is anything after it
    assert all(a.line_end < b.line_start for a, b in zip(chapters, chapters[1:], strict=False))


@pytest.mark.corpus
@corpus
@pytest.mark.parametrize(("slug", "chapters"), [
    ("smirnov-aleksandr", [28, 34]),         # "A. P. Smirnov"
    ("smirnov-ivan", [20, 46]),              # "Ivan Nikitich Smirnov", "I. N. Smirnov"
    ("smirnov-vladimir", [12, 20, 36, 46]),  # "V. M. Smirnov", "V. Smirnov"
    ("togliatti", [45]),
    ("sultan-galiev", [13]),
    ("urquhart", [21]),
    ("tomsky", [27, 28, 33, 37]),
    ("ulyanova", [5, 7, 9, 10, 11, 25, 26]),  # chapter 11 by "М. I. Ulyanova" in a footnote
])
def test_which_chapters_name_a_person(monograph, slug, chapters):
    lines, found, names = monograph
    g = mentions_graph(lines, "rogovin-1992", found, names)
    person = ids.entity("person", slug)
    numbers = sorted(c.number for c in found
                     if (ids.source_location("rogovin-1992", c.line_start, c.line_end), AP.mentions, person) in g)
    assert numbers == chapters


@pytest.mark.corpus
@corpus
def test_a_bare_shared_surname_names_no_one(monograph):
    lines, found, names = monograph
    chapter_22 = found[21]
    text = "\n".join(lines[chapter_22.line_start - 1:chapter_22.line_end])
    assert "Smirnov" in text  # only as a bare surname in this chapter
    assert not {s for s in mentions_of(text, names) if s.startswith("smirnov")}
