"""Tests for :mod:`apparat.extract.glossary`.

The sample glossary below is written for these tests: real headwords (the ones
the gazetteer's ``glossary:`` names) with invented definitions, dates and people;
``test_samples_are_not_copied_from_the_corpus`` guards that. The integration tests
read the real corpus when it is present.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from rdflib import Literal
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS

from apparat import ids
from apparat.extract import biographies
from apparat.extract.glossary import (
    GLOSSARY_DIR,
    find_glossary_section,
    glossary_claims,
    glossary_graph,
    load_statements,
    parse_glossary,
    resolve_headwords,
)
from apparat.extract.lexicon import default_gazetteer
from apparat.namespaces import AP, ORG, SCHEMA
from apparat.triples_io import canonical_ntriples

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
MONOGRAPH = CORPUS / "004_154d022a6a9a2c16.txt"
SOURCE = "rogovin-1992"
STATEMENTS = load_statements(GLOSSARY_DIR / f"{SOURCE}.csv")
ENTITIES = resolve_headwords(default_gazetteer(), STATEMENTS)  # headword -> what it names

SAMPLE = """\
Glossary of Abbreviations and Terms

CC: the party's elected leadership between its congresses.

Cheka [(ЧК) Чрезвычайная комиссия]: a police commission, active from 1917–1922. Replaced by the GPU.

GPU: *see* OGPU.

Glavkontsesskom [Главконцесском]: a committee for foreign concessions, 1924–1936, set up by the state. \
Alpha became first chairman on 1 May 1924. Beta became chairman on 2 June 1926. \
Other members included Gamma, Delta and Epsilon.

kulak [кулак]: a peasant said to be rich.

NEP [(НЭП) Новая экономическая политика]: an economic course of the 1920s.

OGPU [(ОГПУ) Объединённое управление]: a police administration; from 1922–34 under this name; then, from

1934, the NKVD [People's Commissariat of Internal Affairs]. A test entry broken by a page.

Rabkrin, RKI [Рабкрин, Рабоче-крестьянская инспекция]: an inspection body, set up in 1919. \
Headed by Stalin, 1919–1921; Kuibyshev, 1922–1925.

RKP(b) [РКП(б), Российская коммунистическая партия (большевики)]: the party's name for a time.

troika [тройка]: three people; in tests also the faction of Stalin, Kamenev, and Zinoviev.

Uchraspred [Учраспред]: a department of the party centre, founded in 1919. In 1925, it was merged into another.

VTsSPS [ВЦСПС]: a council of unions. Headed by Tomsky for most of 1919–1928.

Narkomnats [Народный комиссариат]: a commissariat from 1918–1923, headed by Stalin.

Istpart [Истпарт]: a history bureau, under Yaroslavsky's leadership for a while.

Dates of Party Congresses, Conferences, and Comintern Congresses
"""


def organ(slug: str):
    return ids.entity("organ", slug)


def person(slug: str):
    return ids.entity("person", slug)


def membership(person_slug: str, organ_slug: str, role: str, start: str = "open"):
    return ids.entity("membership", f"{person_slug}/{organ_slug}/{role}/{start}")


def bounds(g, node) -> tuple:
    lo, hi = g.value(node, AP.earliestStart), g.value(node, AP.latestEnd)
    return (lo.toPython() if lo else None, hi.toPython() if hi else None)


@pytest.fixture()
def sample():
    lines = SAMPLE.splitlines()
    start, end = find_glossary_section(lines)
    return glossary_graph(lines[start:end], start + 1, SOURCE, default_gazetteer())


# ---------------------------------------------------------------- parsing


def test_find_section():
    lines = SAMPLE.splitlines()
    start, end = find_glossary_section(lines)
    assert (start, lines[end][:5]) == (0, "Dates")
    assert find_glossary_section(["nothing"]) == (0, 0)


def test_entries_heads_russian_and_lines():
    lines = SAMPLE.splitlines()
    start, end = find_glossary_section(lines)
    entries = {e.head: e for e in parse_glossary(lines[start:end], start + 1)}
    assert list(entries)[:4] == ["CC", "Cheka", "GPU", "Glavkontsesskom"]
    assert entries["Cheka"].russian == ("ЧК", "Чрезвычайная комиссия")
    assert entries["RKP(b)"].russian == ("РКП(б)", "Российская коммунистическая партия (большевики)")
    assert entries["Rabkrin, RKI"].russian == ("Рабкрин", "Рабоче-крестьянская инспекция")
    # an entry broken by a page break keeps its continuation
    assert (entries["OGPU"].line_start, entries["OGPU"].line_end) == (15, 17)


# ---------------------------------------------------------------- bodies


def test_state_body_labels_and_abbreviations(sample):
    g = sample
    rabkrin = organ("rabkrin")
    assert (rabkrin, RDF.type, AP.StateBody) in g
    assert g.value(rabkrin, SKOS.prefLabel) == Literal("Workers' and Peasants' Inspection", lang="en")
    assert g.value(rabkrin, RDFS.label) == Literal("Workers' and Peasants' Inspection", lang="en")
    assert set(g.objects(rabkrin, AP.abbreviation)) == {Literal("Rabkrin"), Literal("RKI")}
    assert Literal("Рабоче-крестьянская инспекция", lang="ru") in set(g.objects(rabkrin, SKOS.altLabel))
    assert g.value(rabkrin, PROV.wasDerivedFrom) == ids.source_location(SOURCE, 19, 19)
    assert bounds(g, rabkrin) == (datetime.date(1919, 1, 1), None)


def test_heads_with_intervals(sample):
    g = sample
    # Rabkrin is a People's Commissariat in the gazetteer (it has a field): its heads are its Narkoms
    stalin = membership("stalin", "rabkrin", "peoples-commissar", "1919-00-00")
    assert (stalin, RDF.type, ORG.Membership) in g
    assert (stalin, ORG.member, person("stalin")) in g
    assert (stalin, ORG.organization, organ("rabkrin")) in g
    assert (stalin, ORG.role, ids.entity("role", "peoples-commissar")) in g
    assert bounds(g, stalin) == (datetime.date(1919, 1, 1), datetime.date(1921, 12, 31))
    kuibyshev = membership("kuibyshev", "rabkrin", "peoples-commissar", "1922-00-00")
    assert bounds(g, kuibyshev) == (datetime.date(1922, 1, 1), datetime.date(1925, 12, 31))
    tomsky = membership("tomsky", "vtssps", "chairman", "1919-00-00")
    assert g.value(tomsky, AP.dateAsStated) == Literal("for most of 1919–1928")
    # "headed by" without dates: somewhere in the body's existence, held in no stated year
    narkomnats = membership("stalin", "narkomnats", "peoples-commissar", "while-the-body-existed-no-dates-stated")
    assert g.value(narkomnats, AP.timeStatement) == AP.Window
    assert bounds(g, narkomnats) == (datetime.date(1918, 1, 1), datetime.date(1923, 12, 31))
    assert g.value(narkomnats, AP.heldFrom) is None and g.value(narkomnats, AP.heldUntil) is None
    assert g.value(narkomnats, AP.dateAsStated) is not None
    assert bounds(g, membership("yaroslavsky", "istpart", "chairman")) == (None, None)
    roles = {g.value(m, ORG.role) for m in g.subjects(RDF.type, ORG.Membership)}
    assert ids.entity("role", "chairman") in roles and ids.entity("role", "peoples-commissar") in roles


def test_heads_are_chairmen_without_a_gazetteer():
    """With no gazetteer to say which bodies are People's Commissariats, every head is a chairman."""
    lines = SAMPLE.splitlines()
    start, end = find_glossary_section(lines)
    g = glossary_graph(lines[start:end], start + 1, SOURCE)
    assert bounds(g, membership("stalin", "rabkrin", "chairman", "1919-00-00")) == (
        datetime.date(1919, 1, 1), datetime.date(1921, 12, 31))
    assert not set(g.subjects(ORG.role, ids.entity("role", "peoples-commissar")))


def test_successive_chairmen_and_members(sample):
    g = sample
    body = organ("glavkontsesskom")
    assert bounds(g, body) == (datetime.date(1924, 1, 1), datetime.date(1936, 12, 31))
    # "became chairman on D": a start only; the next chairman's start does not state its end
    alpha = membership("alpha", "glavkontsesskom", "chairman", "1924-05-01")
    assert g.value(alpha, AP.timeStatement) == AP.StartOnly
    assert bounds(g, alpha) == (datetime.date(1924, 5, 1), None)
    assert (g.value(alpha, AP.heldFrom), g.value(alpha, AP.heldUntil)) == (
        Literal(datetime.date(1924, 5, 1)), Literal(datetime.date(1924, 5, 1)))
    beta = membership("beta", "glavkontsesskom", "chairman", "1926-06-02")
    assert bounds(g, beta) == (datetime.date(1926, 6, 2), None)
    members = {m for m in g.subjects(ORG.organization, body)
               if g.value(m, ORG.role) == ids.entity("role", "full-member")}
    assert {g.value(m, ORG.member) for m in members} == {person("gamma"), person("delta"), person("epsilon")}


def test_persons_are_left_to_the_gazetteer(sample):
    """The glossary names persons; their class and label are the gazetteer's, not the section's."""
    g = sample
    for slug in ("stalin", "kuibyshev", "tomsky", "yaroslavsky", "alpha", "kamenev"):
        assert any(g.subjects(ORG.member, person(slug)))
        assert (person(slug), RDF.type, AP.Person) not in g
        assert g.value(person(slug), RDFS.label) is None


def test_faction_members(sample):
    g = sample
    troika = organ("troika")
    assert (troika, RDF.type, AP.Faction) in g
    assert (troika, AP.abbreviation, None) not in g
    members = {g.value(m, ORG.member) for m in g.subjects(ORG.organization, troika)}
    assert members == {person("stalin"), person("kamenev"), person("zinoviev")}


def test_existence_successors_and_cross_references(sample):
    g = sample
    cheka, ogpu, nkvd = organ("cheka"), organ("ogpu"), organ("nkvd")
    assert bounds(g, cheka) == (datetime.date(1917, 1, 1), datetime.date(1922, 12, 31))
    assert (cheka, DCTERMS.isReplacedBy, ogpu) in g
    assert bounds(g, ogpu) == (datetime.date(1922, 1, 1), datetime.date(1934, 12, 31))
    assert (ogpu, DCTERMS.isReplacedBy, nkvd) in g
    assert set(g.objects(ogpu, AP.abbreviation)) == {Literal("OGPU"), Literal("GPU")}
    assert ids.source_location(SOURCE, 7, 7) in set(g.objects(ogpu, PROV.wasDerivedFrom))  # GPU: see OGPU
    assert (nkvd, RDF.type, AP.StateBody) in g
    assert g.value(nkvd, AP.abbreviation) == Literal("NKVD")
    assert g.value(nkvd, SKOS.prefLabel) == Literal("People's Commissariat of Internal Affairs", lang="en")
    assert bounds(g, nkvd) == (datetime.date(1934, 1, 1), None)
    uchraspred = organ("uchraspred")
    assert (uchraspred, RDF.type, AP.PartyOrgan) in g
    assert (uchraspred, ORG.subOrganizationOf, organ("central-committee")) in g
    assert bounds(g, uchraspred) == (datetime.date(1919, 1, 1), datetime.date(1925, 12, 31))


def test_existing_organs_keep_the_ontology_labels(sample):
    g = sample
    cc, party = organ("central-committee"), organ("party")
    assert g.value(cc, AP.abbreviation) == Literal("CC")
    assert (cc, SKOS.prefLabel, None) not in g and (cc, RDFS.label, None) not in g and (cc, RDF.type, None) not in g
    assert g.value(party, AP.abbreviation) == Literal("RKP(b)")
    assert Literal("Russian Communist Party (bolshevik)", lang="en") in set(g.objects(party, SKOS.altLabel))
    assert (party, SKOS.prefLabel, None) not in g


def test_concepts(sample):
    g = sample
    scheme = ids.entity("scheme", f"{SOURCE}-glossary")
    assert (scheme, RDF.type, SKOS.ConceptScheme) in g
    kulak = ids.entity("concept", "kulak")
    assert (kulak, RDF.type, SKOS.Concept) in g
    assert (kulak, SKOS.inScheme, scheme) in g
    assert g.value(kulak, SKOS.prefLabel) == Literal("kulak", lang="en")
    assert g.value(kulak, SKOS.altLabel) == Literal("кулак", lang="ru")
    assert (kulak, SKOS.definition, None) not in g
    nep = ids.entity("concept", "new-economic-policy")
    assert g.value(nep, SKOS.prefLabel) == Literal("New Economic Policy", lang="en")
    assert Literal("NEP", lang="en") in set(g.objects(nep, SKOS.altLabel))


def test_no_blank_nodes_and_deterministic():
    lines = SAMPLE.splitlines()
    one = canonical_ntriples(glossary_graph(lines, 1, SOURCE))
    assert one == canonical_ntriples(glossary_graph(lines, 1, SOURCE)) and "_:" not in one


def test_every_spec_is_well_formed():
    assert all(spec.kind in {"organ", "place", "document"} for spec in ENTITIES.values())
    # every glossary statement is of a headword: one that names an entity, or a concept's gloss
    assert {h for h in STATEMENTS if h not in ENTITIES} == {"NEP", "stagnation, time of"}
    gazetteer = default_gazetteer()
    for said in STATEMENTS.values():
        assert all(gazetteer.get("organ", slug) for slug in (said.addressee, said.parent) if slug)
    assert {s.slug for s in ENTITIES.values() if s.statement.label is None} == {
        "central-committee", "central-control-commission", "orgburo", "politburo", "party"}


def test_samples_are_not_copied_from_the_corpus():
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not found at {CORPUS}")
    corpus = re.sub(r"\s+", " ", " ".join(p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))))
    entries = [line for line in SAMPLE.splitlines() if ":" in line and len(line) > 40]
    assert entries and [e for e in entries if e in corpus] == []


# ---------------------------------------------------------------- the real glossary


@pytest.fixture(scope="module")
def real(monograph_lines):
    lines = monograph_lines
    start, end = find_glossary_section(lines)
    return lines, start, end, glossary_graph(lines[start:end], start + 1, SOURCE, default_gazetteer())


def test_real_section_and_entries(real):
    lines, start, end, _g = real
    assert (start + 1, end + 1) == (6643, 6785)
    entries = parse_glossary(lines[start:end], start + 1)
    assert len(entries) == 66
    heads = {e.head for e in entries}
    assert set(ENTITIES) <= heads  # every known headword is found
    starts = {e.head: e.line_start for e in entries}
    assert {h: s.line for h, s in STATEMENTS.items()} == {h: starts[h] for h in STATEMENTS}
    kommunarka = next(e for e in entries if e.head == "Kommunarka")
    assert (kommunarka.line_start, kommunarka.line_end) == (6699, 6701)


def test_real_counts(real):
    *_, g = real
    count = {cls: len(set(g.subjects(RDF.type, cls))) for cls in
             (AP.StateBody, AP.PartyOrgan, AP.Faction, AP.Party, ORG.Organization, SKOS.Concept,
              AP.Declaration, SCHEMA.Place, SCHEMA.AdministrativeArea, ORG.Membership)}
    assert count == {AP.StateBody: 18, AP.PartyOrgan: 2, AP.Faction: 3, AP.Party: 1, ORG.Organization: 3,
                     SKOS.Concept: 27, AP.Declaration: 1, SCHEMA.Place: 1, SCHEMA.AdministrativeArea: 1,
                     ORG.Membership: 18}


@pytest.mark.parametrize("who, body, role, start_key, start, end, line", [
    # Rabkrin and Narkomnats are People's Commissariats (the notes: "People's Commissar of RKI",
    # 6929; "Narkom of Rabkrin", 6889): their heads are People's Commissars, not chairmen
    ("stalin", "rabkrin", "peoples-commissar", "1920-00-00", (1920, 1, 1), (1922, 12, 31), 6739),
    ("kuibyshev", "rabkrin", "peoples-commissar", "1923-00-00", (1923, 1, 1), (1926, 12, 31), 6739),
    ("ordzhonikidze", "rabkrin", "peoples-commissar", "1926-00-00", (1926, 1, 1), (1930, 12, 31), 6739),
    ("trotsky", "revvoensovet", "chairman", "1918-09-06", (1918, 9, 6), (1925, 1, 26), 6749),
    # 6677: each "became chairman on D" is a start only: Piatakov's end, Trotsky's end are not stated
    ("piatakov", "glavkontsesskom", "chairman", "1923-03-08", (1923, 3, 8), None, 6677),
    ("trotsky", "glavkontsesskom", "chairman", "1925-05-26", (1925, 5, 26), None, 6677),
    ("tomsky", "vtssps", "chairman", "1918-00-00", (1918, 1, 1), (1930, 12, 31), 6783),
    # 6707: "headed by Stalin" with no dates; 1917–1924 is the commissariat's lifetime (910: he was relieved
    # of it after becoming General Secretary): a window, not a tenure
    ("stalin", "narkomnats", "peoples-commissar", "while-the-body-existed-no-dates-stated",
     (1917, 1, 1), (1924, 12, 31), 6707),
])
def test_real_heads(real, who, body, role, start_key, start, end, line):
    *_, g = real
    node = membership(who, body, role, start_key)
    assert (node, ORG.member, person(who)) in g
    assert (node, ORG.role, ids.entity("role", role)) in g
    assert bounds(g, node) == (datetime.date(*start), datetime.date(*end) if end else None)
    assert g.value(node, PROV.wasDerivedFrom) == ids.source_location(SOURCE, line, line)
    kind = g.value(node, AP.timeStatement)
    assert kind == {"glavkontsesskom": AP.StartOnly, "narkomnats": AP.Window}.get(body, AP.Range)
    if kind == AP.StartOnly:  # held on the day it began, and stated for nothing later
        assert g.value(node, AP.heldUntil) == Literal(datetime.date(*start))
    if kind == AP.Window:
        assert g.value(node, AP.heldFrom) is None


@pytest.mark.parametrize("slug, start, end, line_span", [
    ("cheka", 1917, 1922, (6661, 6661)),
    ("glavkontsesskom", 1923, 1937, (6677, 6677)),
    ("narkomnats", 1917, 1924, (6707, 6707)),
    ("ogpu", 1922, 1934, (6717, 6719)),
    ("pur", 1919, 1922, (6733, 6733)),
    ("sovnarkom", 1917, 1946, (6761, 6761)),
    ("tsekubu", 1921, 1937, (6771, 6771)),
    ("tsik", 1922, 1938, (6773, 6773)),
    ("uchraspred", 1920, 1924, (6775, 6775)),
])
def test_real_existence(real, slug, start, end, line_span):
    *_, g = real
    assert bounds(g, organ(slug)) == (datetime.date(start, 1, 1), datetime.date(end, 12, 31))
    assert ids.source_location(SOURCE, *line_span) in set(g.objects(organ(slug), PROV.wasDerivedFrom))


def test_real_structure(real):
    *_, g = real
    assert (organ("cheka"), DCTERMS.isReplacedBy, organ("ogpu")) in g
    assert (organ("ogpu"), DCTERMS.isReplacedBy, organ("nkvd")) in g
    assert (organ("pur"), ORG.subOrganizationOf, organ("revvoensovet")) in g
    assert (organ("uchraspred"), ORG.subOrganizationOf, organ("central-committee")) in g
    assert set(g.objects(organ("sovnarkom"), AP.abbreviation)) == {Literal("Sovnarkom"), Literal("SNK")}
    assert set(g.objects(organ("party"), AP.abbreviation)) == {
        Literal(a) for a in ("CPSU", "RKP(b)", "VKP(b)", "RSDRP")}
    assert bounds(g, organ("party")) == (datetime.date(1898, 1, 1), None)
    assert g.value(organ("ecci"), SKOS.prefLabel) == \
        Literal("Executive Committee of the Communist International", lang="en")
    declaration = ids.entity("document", "declaration-of-the-eighty-three")
    assert (declaration, RDF.type, AP.Declaration) in g
    assert (declaration, AP.addressee, organ("politburo")) in g
    assert bounds(g, declaration) == (datetime.date(1927, 5, 25), datetime.date(1927, 5, 25))


def test_real_persons_are_labelled_or_in_the_notes(real):
    lines, *_, g = real
    start, end = biographies.find_section(lines)
    notes = {r.slug for r in biographies.parse_biographies(lines[start:end], first_line_no=start + 1)}
    persons = {str(p).rsplit("/", 1)[-1] for p in g.subjects(RDF.type, AP.Person)}
    unlabelled = {p for p in persons if g.value(person(p), RDFS.label) is None}
    assert unlabelled <= notes
    assert {p for p in persons if p in notes and g.value(person(p), RDFS.label) is not None} == set()


def test_real_graph_passes_shacl(real, tmp_path):
    from apparat.build import BuildInputs, build
    from apparat.extract.gazetteer import load_gazetteer
    from apparat.extract.writer import gazetteer_graph

    *_, g = real
    data = tmp_path / "rogovin-1992.nt"
    # roles and the bodies' classes come from the gazetteer, as in the repository's build
    used = {t for triple in g for t in (triple[0], triple[2])}
    entities = gazetteer_graph(load_gazetteer(ROOT / "triples" / "gazetteer"), used=used)[0]
    data.write_text(canonical_ntriples(g + entities), encoding="utf-8")
    build(BuildInputs(ontology=[ROOT / "ontology/apparat.ttl"], shapes=[ROOT / "ontology/shapes.ttl"],
                      data=[data]), tmp_path / "build")


def test_a_new_headword_is_resolved_from_data_only(tmp_path):
    """One ``glossary:`` name in a copy of the gazetteer and one statements row make an
    invented headword a body's entry; without them it is a concept. No Python changes."""
    import shutil

    from apparat.extract.gazetteer import load_gazetteer

    lines = ["Glossary of Abbreviations and Terms", "",
             "Sovkino [Совкино]: a film trust, in this test from 1924–1930."]
    copy = tmp_path / "gazetteer"
    shutil.copytree(ROOT / "triples" / "gazetteer", copy)
    before = glossary_claims(lines, 1, SOURCE, load_gazetteer(copy), {})
    assert [c.subject for c in before if c.kind == "entity"][0] == "concept/sovkino"
    with (copy / "organs.csv").open("a", encoding="utf-8") as f:
        f.write("sovkino,ap:StateBody,Sovkino,,,,,,,,,,,glossary: Sovkino\n")
    gazetteer = load_gazetteer(copy)
    statements = tmp_path / "glossary.csv"
    statements.write_text("headword,line,label\nSovkino,3,Soviet Cinema\n", encoding="utf-8")
    named = glossary_claims(lines, 1, SOURCE, gazetteer, {})  # named, no gloss: names and citations only
    body = next(c for c in named if c.subject == "organ/sovkino")
    assert body.role is None and ("abbreviation", "Sovkino") in body.extra and ("russian-name", "Совкино") in body.extra
    after = glossary_claims(lines, 1, SOURCE, gazetteer, load_statements(statements))
    body = next(c for c in after if c.subject == "organ/sovkino")
    assert body.role == "state-body" and ("label", "Soviet Cinema") in body.extra
    assert (body.spans[0].first, str(body.time.start), str(body.time.end)) == (3, "1924", "1930")
    assert not [c for c in after if c.subject.startswith("concept/sovkino")]
