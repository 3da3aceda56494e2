"""Tests for :mod:`apparat.extract.congresses`.

The sample table below is written for these tests (congresses outside the
monograph's table, and invented ones); ``test_samples_are_not_copied_from_the_corpus``
guards that. The integration tests read the real corpus when it is present.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from rdflib import Literal
from rdflib.namespace import PROV, RDF, RDFS, SKOS, XSD

from apparat import ids
from apparat.extract.congresses import (
    congress_claims,
    congresses_graph,
    find_congress_section,
    ordinal_value,
    parse_congresses,
    parse_range,
)
from apparat.extract.gazetteer import load_gazetteer
from apparat.extract.writer import compile_claims, gazetteer_graph
from apparat.namespaces import AP
from apparat.triples_io import canonical_ntriples

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
MONOGRAPH = CORPUS / "004_154d022a6a9a2c16.txt"
SOURCE = "rogovin-1992"

SAMPLE = """\
Some closing remark of the previous section.

Dates of Party Congresses, Conferences, and Comintern Congresses

Party Congresses

Ninth Congress of the Russian Communist Party (Bolsheviks)
[RKP(b)]: 29 March–5 April 1920

Twenty-Third Congress of the CPSU: 29 March–8 April 1966

Twenty-Fourth Congress: 30 March–9 April 1971

Party Conferences

Ninth Conference of the RKP(b) ["Conference of Tests"]: 22–25 September 1920

Congresses of the Third International (Comintern)

Eighth Congress: 30 December 1940–3
January 1941

Selected Biographical Notes

ZAITSEV, Oleg Markovich (1890–1940). Invented entry.
"""

ROOT_GAZETTEER = Path(__file__).resolve().parents[1] / "triples" / "gazetteer"


def section_graph(lines, first_line_no, source):
    """The section as extraction writes it: its events described, their dates as claims (by the writer)."""
    g = congresses_graph(lines, first_line_no, source)
    gazetteer = load_gazetteer(ROOT_GAZETTEER)
    return g + compile_claims(congress_claims(lines, first_line_no, source), gazetteer).get(source, type(g)())


def ev(slug: str):
    return ids.entity("event", slug)


def bounds(g, node) -> tuple:
    return (g.value(node, AP.earliestStart).toPython(), g.value(node, AP.latestEnd).toPython())


@pytest.fixture()
def sample():
    lines = SAMPLE.splitlines()
    start, end = find_congress_section(lines)
    return lines, start, end


# ---------------------------------------------------------------- pieces


@pytest.mark.parametrize("word, value", [
    ("First", 1), ("Seventh", 7), ("Tenth", 10), ("Nineteenth", 19), ("Twentieth", 20),
    ("Twenty-First", 21), ("Twenty-Second", 22), ("Thirtieth", 30), ("Congress", None),
])
def test_ordinal_value(word, value):
    assert ordinal_value(word) == value


@pytest.mark.parametrize("text, start, end", [
    ("8–16 March 1921", (1921, 3, 8), (1921, 3, 16)),
    ("27 March–2 April 1922", (1922, 3, 27), (1922, 4, 2)),
    ("30 December 1922–2 January 1923", (1922, 12, 30), (1923, 1, 2)),
    ("December 1927 – January 1928", (1927, 12, None), (1928, 1, None)),
    ("26 January – 10 February 1934", (1934, 1, 26), (1934, 2, 10)),
    ("5 May 1930", (1930, 5, 5), (1930, 5, 5)),
    ("December 31, 1932", (1932, 12, 31), (1932, 12, 31)),
    ("late March–early April 1921", (1921, 3, None), (1921, 4, None)),
    ("April-May 1920", (1920, 4, None), (1920, 5, None)),
])
def test_parse_range(text, start, end):
    s, e = parse_range(text)
    assert (s.year, s.month, s.day) == start
    assert (e.year, e.month, e.day) == end


def test_parse_range_without_a_date():
    assert parse_range("sometime") == (None, None)


def test_find_section_in_sample(sample):
    lines, start, end = sample
    assert lines[start].startswith("Dates of Party Congresses")
    assert lines[end].startswith("Selected Biographical Notes")


def test_find_section_absent():
    assert find_congress_section(["nothing here"]) == (0, 0)


# ---------------------------------------------------------------- the sample table


def test_sample_entries(sample):
    lines, start, end = sample
    entries = parse_congresses(lines[start:end], start + 1)
    got = [(e.iri.rsplit("/", 1)[-1], e.parties, e.label, e.line_start, e.line_end) for e in entries]
    assert got == [
        ("party-congress-9", ("RKP(b)",), "Ninth Congress of the RKP(b)", 7, 8),
        ("party-congress-23", ("CPSU",), "Twenty-Third Congress of the CPSU", 10, 10),
        # no party on the line: carried from the entry before
        ("party-congress-24", ("CPSU",), "Twenty-Fourth Congress of the CPSU", 12, 12),
        ("party-conference-9", ("RKP(b)",), "Ninth Conference of the RKP(b)", 16, 16),
        ("comintern-congress-8", (), "Eighth Congress of the Comintern", 20, 21),
    ]


def test_sample_graph(sample):
    lines, start, end = sample
    g = section_graph(lines[start:end], start + 1, SOURCE)
    ninth = ev("party-congress-9")
    assert (ninth, RDF.type, AP.PartyCongress) in g
    assert (ninth, AP.ordinal, Literal(9, datatype=XSD.integer)) in g
    assert (ninth, AP.partyName, Literal("RKP(b)")) in g
    assert (ninth, RDFS.label, Literal("Ninth Congress of the RKP(b)", lang="en")) in g
    assert (ninth, AP.organization, ids.entity("organ", "party")) in g
    assert g.value(ninth, AP.startDate) == Literal("1920-03-29", datatype=XSD.date)
    assert g.value(ninth, AP.endDate) == Literal("1920-04-05", datatype=XSD.date)
    assert bounds(g, ninth) == (datetime.date(1920, 3, 29), datetime.date(1920, 4, 5))
    loc = ids.source_location(SOURCE, 7, 8)
    assert g.value(ninth, PROV.wasDerivedFrom) == loc
    conference = ev("party-conference-9")
    assert (conference, RDF.type, AP.PartyConference) in g
    assert (conference, SKOS.altLabel, Literal("Conference of Tests", lang="en")) in g
    comintern = ev("comintern-congress-8")
    assert (comintern, RDF.type, AP.CominternCongress) in g
    assert (comintern, AP.partyName, None) not in g
    assert (comintern, AP.organization, None) not in g
    assert bounds(g, comintern) == (datetime.date(1940, 12, 30), datetime.date(1941, 1, 3))


def test_graph_is_deterministic(sample):
    lines, start, end = sample
    one = canonical_ntriples(section_graph(lines[start:end], start + 1, SOURCE))
    two = canonical_ntriples(section_graph(lines[start:end], start + 1, SOURCE))
    assert one == two and "_:" not in one


def test_samples_are_not_copied_from_the_corpus():
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not found at {CORPUS}")
    corpus = re.sub(r"\s+", " ", " ".join(p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))))
    entries = [re.sub(r"\s+", " ", p.strip()) for p in SAMPLE.split("\n\n") if ":" in p]
    assert entries and [e for e in entries if e in corpus] == []


# ---------------------------------------------------------------- the real table


@pytest.fixture(scope="module")
def real(monograph_lines):
    lines = monograph_lines
    start, end = find_congress_section(lines)
    return lines, start, end, section_graph(lines[start:end], start + 1, SOURCE)


def test_real_section_bounds(real):
    _lines, start, end, _g = real
    assert (start + 1, end + 1) == (6785, 6853)


def test_real_counts(real):
    *_, g = real
    assert len(set(g.subjects(RDF.type, AP.PartyCongress))) == 13
    assert len(set(g.subjects(RDF.type, AP.PartyConference))) == 8
    assert len(set(g.subjects(RDF.type, AP.CominternCongress))) == 7
    every = set(g.subjects(AP.ordinal, None))
    assert len(every) == 28
    assert all(g.value(e, AP.earliestStart) and g.value(e, AP.latestEnd) for e in every)


@pytest.mark.parametrize("slug, party, start, end, lines", [
    ("party-congress-10", "RKP(b)", (1921, 3, 8), (1921, 3, 16), (6789, 6790)),
    ("party-congress-11", "RKP(b)", (1922, 3, 27), (1922, 4, 2), (6792, 6792)),
    ("party-congress-13", "RKP(b)", (1924, 5, 23), (1924, 5, 31), (6796, 6796)),
    ("party-congress-14", "VKP(b)", (1925, 12, 18), (1925, 12, 31), (6798, 6799)),
    ("party-congress-15", "VKP(b)", (1927, 12, 2), (1927, 12, 19), (6801, 6801)),
    ("party-congress-17", "VKP(b)", (1934, 1, 26), (1934, 2, 10), (6805, 6806)),
    ("party-congress-19", "CPSU", (1952, 10, 5), (1952, 10, 14), (6810, 6811)),
    ("party-congress-22", "CPSU", (1961, 10, 17), (1961, 10, 31), (6817, 6817)),
    ("party-conference-13", "RKP(b)", (1924, 1, 16), (1924, 1, 18), (6827, 6827)),
    ("party-conference-15", "VKP(b)", (1926, 10, 26), (1926, 11, 3), (6831, 6831)),
    ("party-conference-17", "VKP(b)", (1932, 1, 30), (1932, 2, 4), (6835, 6835)),
    ("comintern-congress-1", None, (1919, 3, 2), (1919, 3, 7), (6839, 6839)),
    ("comintern-congress-6", None, (1928, 7, 17), (1928, 9, 1), (6849, 6849)),
    ("comintern-congress-7", None, (1935, 7, 25), (1935, 8, 20), (6851, 6851)),
])
def test_real_events(real, slug, party, start, end, lines):
    *_, g = real
    node = ev(slug)
    assert bounds(g, node) == (datetime.date(*start), datetime.date(*end))
    assert g.value(node, PROV.wasDerivedFrom) == \
        ids.source_location(SOURCE, *lines)
    # the table states two claims at the entry's lines: what the meeting is, and when it met
    claims = {str(g.value(c, AP.statementKind)): c for c in g.subjects(AP.about, node)}
    assert set(claims) == {"entity", "meeting"}
    assert g.value(claims["meeting"], AP.property) == AP.date
    assert {g.value(c, PROV.wasDerivedFrom) for c in claims.values()} == {ids.source_location(SOURCE, *lines)}
    if party:
        assert Literal(party) in set(g.objects(node, AP.partyName))
    else:
        assert g.value(node, AP.partyName) is None


def test_real_labels_and_names(real):
    *_, g = real
    assert g.value(ev("party-congress-10"), RDFS.label) == Literal("Tenth Congress of the RKP(b)", lang="en")
    assert g.value(ev("party-congress-17"), SKOS.altLabel) == Literal("Congress of Victors", lang="en")
    assert set(g.objects(ev("party-congress-19"), AP.partyName)) == {Literal("KPSS"), Literal("CPSU")}
    assert g.value(ev("comintern-congress-4"), RDFS.label) == \
        Literal("Fourth Congress of the Comintern", lang="en")


def test_real_graph_passes_shacl(real, tmp_path):
    from apparat.build import BuildInputs, build

    *_, g = real
    data = tmp_path / "rogovin-1992.nt"
    used = {t for triple in g for t in (triple[0], triple[2])}
    data.write_text(canonical_ntriples(g + gazetteer_graph(load_gazetteer(ROOT_GAZETTEER), used=used)[0]),
                    encoding="utf-8")
    build(BuildInputs(ontology=[ROOT / "ontology/apparat.ttl"], shapes=[ROOT / "ontology/shapes.ttl"],
                      data=[data]), tmp_path / "build")
