"""Tests for :mod:`apparat.extract.life_events`.

The sample entries are invented (made-up people, dates and sentences in the notes'
telegraphic style); ``test_samples_are_not_copied_from_the_corpus`` guards that.
The integration tests read the real notes when the shared corpus is present and
assert event kinds, dates, organs, documents and line numbers checked by hand.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import RDF, Graph
from rdflib.namespace import PROV, RDFS, SKOS

from apparat import ids
from apparat.build import BuildInputs, build
from apparat.extract.biographies import find_section, parse_biographies
from apparat.extract.gazetteer import load_gazetteer
from apparat.extract.life_claims import life_event_claims, unparsed_events
from apparat.extract.persons import persons_claims
from apparat.extract.writer import compile_claims, gazetteer_graph
from apparat.namespaces import AP, ORG
from apparat.triples_io import canonical_ntriples

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
MONOGRAPH = CORPUS / "004_154d022a6a9a2c16.txt"
SOURCE = "rogovin-1992"
GAZETTEER = load_gazetteer(ROOT / "triples" / "gazetteer")


def life_events_graph(records, lines, first_line_no, source) -> Graph:
    """The life events' claims as the writer writes them, with the gazetteer's entities they name."""
    g = compile_claims(life_event_claims(records, lines, first_line_no, source), GAZETTEER).get(source, Graph())
    return g + gazetteer_graph(GAZETTEER, used={t for triple in g for t in (triple[0], triple[2])})[0]


def parse(text: str, first_line_no: int = 1) -> tuple[list, Graph]:
    lines = text.splitlines()
    records = parse_biographies(lines, first_line_no)
    return records, life_events_graph(records, lines, first_line_no, SOURCE)


def tail(node) -> str | None:
    return None if node is None else str(node).rsplit("/", 1)[1]


def events(g: Graph, slug: str) -> list[str]:
    """``"Class date detail"`` per event of a person, sorted; detail is the organ of an
    expulsion, the document of a signing, else the outcome; ``-`` stands for no date."""
    out = []
    for node in g.subjects(AP.person, ids.entity("person", slug)):
        cls = str(g.value(node, RDF.type)).split("#")[1]
        detail = {"Expulsion": tail(g.value(node, AP.organization)),
                  "Signing": tail(g.value(node, AP.signedDocument))}.get(cls, g.value(node, AP.outcome))
        date = g.value(node, AP.date)
        out.append(" ".join(str(x) for x in (cls, date or "-", detail) if x is not None))
    return sorted(out)


def memberships(g: Graph, slug: str) -> set[tuple]:
    out = set()
    for node in g.subjects(ORG.member, ids.entity("person", slug)):
        start, end = g.value(node, AP.startDate), g.value(node, AP.endDate)
        if g.value(node, AP.date) is not None:  # "in 1919": a time, start and end alike
            start = end = g.value(node, AP.date)
        out.add((tail(g.value(node, ORG.organization)), start and str(start), end and str(end)))
    return out


def entry(body: str, head: str = "ZAITSEV, Oleg Markovich (1890–3 March 1939).") -> str:
    return f"{head} {body}\n"


def only(body: str) -> list[str]:
    _, g = parse(entry(body))
    return events(g, "zaitsev")


# ---------------------------------------------------------------- joining the party


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Member of party from 1911.", ["JoiningParty 1911"]),
        ("In RSDRP from 1899, worked in Tula.", ["JoiningParty 1899"]),
        ("Entered RSDRP in February 1905.", ["JoiningParty 1905-02"]),
        ("Became Bolshevik in 1912.", ["JoiningParty 1912"]),
        ("Party member 1902–1929, 1931–1935.", ["JoiningParty 1902"]),
        ("Printer in Kazan; joined RSDRP in 1902 and Bolsheviks in 1904.",
         ["JoiningParty 1902", "JoiningParty 1904"]),
        ("In April 1917, joined Bolsheviks in Kazan.", ["JoiningParty 1917-04"]),
        ("Member of Society of Old Bolsheviks from 1925.", []),
        ("Reinstated in party, June 1931.", ["Reinstatement 1931-06"]),
    ],
)
def test_joining_forms(body, expected):
    assert only(body) == expected


def test_joining_names_the_party_as_written():
    _, g = parse(entry("Bolshevik from 1908."))
    [node] = g.subjects(RDF.type, AP.JoiningParty)
    assert str(g.value(node, AP.partyName)) == "Bolsheviks"
    assert g.value(node, AP.organization) == ids.entity("organ", "party")
    assert node == ids.entity("event", "zaitsev/joining-party/1908")


# ---------------------------------------------------------------- expulsions, arrests, trials


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("In November 1926, removed from Politburo, and in December 1927, from CC.",
         ["Expulsion 1926-11 politburo", "Expulsion 1927-12 central-committee"]),
        ("Expelled from party and arrested on 3 March 1935.",
         ["Arrest 1935-03-03", "Expulsion 1935-03-03 party"]),
        ("On 4 May 1933, arrested, expelled from party and sentenced to seven years in prison.",
         ["Arrest 1933-05-04", "Expulsion 1933-05-04 party", "Trial 1933-05-04 seven years in prison"]),
        ("Expelled from CC on 2 October, then from party in November 1929.",
         ["Expulsion 1929-10-02 central-committee", "Expulsion 1929-11 party"]),
        ("Removed from CCC and Orgburo in 1926.",
         ["Expulsion - central-control-commission", "Expulsion 1926 orgburo"]),
        ("Studied at Kharkov Institute, expelled.", []),
        ("Expelled from seminary in 1905.", []),
        ("Expelled again in 1934 for factionalism.", ["Expulsion 1934 party"]),
        ("Arrested and exiled many times in Kursk. Several arrests in Tver.", []),
        ("Arrested in 1931 and exiled for three years to Tomsk.",
         ["Arrest 1931", "Trial - three years of exile"]),
        ("Sentenced on 9 April 1933 to four years in corrective labor camp [ITL].",
         ["Trial 1933-04-09 four years in corrective labor camp"]),
        ("Sentenced to death on 2 March and shot on 4 March 1939.",
         ["Execution 1939-03-04", "Trial 1939-03-02 sentenced to death"]),
        ("Arrested on 20 December 1934. On 15 January sentenced to six years in prison.",
         ["Arrest 1934-12-20", "Trial 1935-01-15 six years in prison"]),
        ("On 11 June 1937 sentenced to be shot, and executed the next day.",
         ["Execution 1937-06-12", "Trial 1937-06-11 sentenced to death"]),
        ("Readmitted to party in 1930; restored to party in 1946.",
         ["Reinstatement 1930", "Reinstatement 1946"]),
    ],
)
def test_event_forms(body, expected):
    assert only(body) == expected


def test_defendant_and_sentence_are_one_trial_at_the_moscow_trial():
    _, g = parse(entry("Tried at Second Moscow Trial in January 1937 with others. "
                       "Sentenced to death on 28 January 1937 and shot next day."))
    assert events(g, "zaitsev") == ["Execution 1937-01-29", "Trial 1937-01-28 sentenced to death"]
    trial = ids.entity("event", "second-moscow-trial")
    [node] = g.subjects(AP.atEvent, trial)
    assert (trial, RDF.type, AP.Event) in g
    assert str(g.value(trial, AP.date)) == "1937-01"
    assert {tail(loc) for loc in g.objects(node, PROV.wasDerivedFrom)} == {"1-1"}


# ---------------------------------------------------------------- deaths and rehabilitations


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Shot himself on 3 March 1939 in his office.", ["Suicide 1939-03-03"]),
        ("Committed suicide.", ["Suicide 1939-03-03"]),  # undated: the header's death date
        ("Died in exile from tuberculosis in Tomsk.", ["Death 1939-03-03 died of tuberculosis in exile"]),
        ("Shot in Kolyma in 1939.", ["Execution 1939"]),
        ("Rehabilitated in 1958 and 1961.", ["Rehabilitation 1958", "Rehabilitation 1961"]),
        ("Rehabilitated on 2 April 1957 and reinstated in party on 9 April.",
         ["Rehabilitation 1957-04-02", "Reinstatement 1957-04-09"]),
        ("Rehabilitated legally in 1956, and along party lines in 1962.",
         ["Rehabilitation 1956 legal rehabilitation", "Rehabilitation 1962 along party lines"]),
        ("Rehabilitation refused in 1990.", ["RehabilitationRefused 1990"]),
        ("Rehabilitation rejected in 1956, 1959, and 1961; granted in 1990.",
         ["Rehabilitation 1990", "RehabilitationRefused 1956", "RehabilitationRefused 1959",
          "RehabilitationRefused 1961"]),
        ("Not rehabilitated.", []),  # no event: a negated claim (next test)
    ],
)
def test_death_and_rehabilitation_forms(body, expected):
    assert only(body) == expected


def test_not_rehabilitated_is_a_negated_claim_of_the_person():
    _, g = parse(entry("Shot in 1938. Not rehabilitated."))
    zaitsev = ids.entity("person", "zaitsev")
    negated = [c for c in g.subjects(AP.certainty, AP.Negated)
               if (c, AP.statedOf, zaitsev) in g and (c, AP.value, AP.Rehabilitation) in g]
    assert len(negated) == 1
    assert (negated[0], AP.property, RDF.type) in g
    assert not list(g.subjects(RDF.type, AP.Rehabilitation))  # no rehabilitation is asserted


def test_sentences_about_relatives_are_skipped():
    body = ("Son of a carpenter. Arrested in 1937. Wife, Vera Ivanovna, arrested in 1938. "
            "Rehabilitated posthumously in 1957.")
    assert only(body) == ["Arrest 1937"]


# ---------------------------------------------------------------- factions and declarations


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("In 1924, member of “New Opposition.”", {("new-opposition", "1924", "1924")}),
        ("In Left Opposition from 1924. Broke with Opposition in May 1928.",
         {("left-opposition", "1924", "1928-05")}),
        ("Joined United Opposition in May 1926.", {("united-opposition", "1926-05", None)}),
        ("Member of “left communists” and “military opposition” in 1918.",
         {("left-communists", "1918", "1918"), ("military-opposition", "1918", "1918")}),
        ("Workers' Opposition, 1920–1921; Democratic Centralists, February–June 1921.",
         {("workers-opposition", "1920", "1921"), ("democratic-centralists", "1921-02", "1921-06")}),
        ("Member of “New (Leningrad) Opposition,” and from 1926, in “United Opposition.”",
         {("new-opposition", None, None), ("united-opposition", "1926", None)}),
        ("Led Right Opposition in Tula.", {("right-opposition", None, None)}),
        ("Opponent of Left Opposition, 1923–1925. Fought against Right Deviation.", set()),
    ],
)
def test_faction_forms(body, expected):
    _, g = parse(entry(body))
    assert memberships(g, "zaitsev") == expected


def test_faction_is_defined_once_and_membership_is_a_node():
    _, g = parse(entry("In Left Opposition from 1924.") + entry(
        "In Left Opposition, 1925–1927.", head="YURIN, Pavel Ilyich (1893–1941)."))
    faction = ids.entity("organ", "left-opposition")
    assert (faction, RDF.type, AP.Faction) in g
    assert [str(x) for x in g.objects(faction, RDFS.label)] == ["Left Opposition"]
    node = ids.entity("membership", "zaitsev/left-opposition/full-member/1924-00-00")
    assert g.value(node, ORG.role) == ids.entity("role", "full-member")
    assert g.value(node, AP.endDate) is None


def test_signings_and_declaration_dates():
    text = entry("In October 1923, signed “Declaration of the Forty-Six.”") + entry(
        "One of Opposition leaders; signed “Declaration of the Eighty-Three” and “Declaration "
        "of the Forty-Six” in Tula. Signed order closing the club in 1925.",
        head="YURIN, Pavel Ilyich (1893–1941).")
    _, g = parse(text)
    assert events(g, "zaitsev") == ["Signing 1923-10 declaration-of-the-forty-six"]
    assert events(g, "yurin") == ["Signing - declaration-of-the-eighty-three", "Signing - declaration-of-the-forty-six"]
    forty_six = ids.entity("document", "declaration-of-the-forty-six")
    assert (forty_six, RDF.type, AP.Declaration) in g
    assert str(g.value(forty_six, SKOS.prefLabel)) == "Declaration of the Forty-Six"
    assert str(g.value(forty_six, AP.date)) == "1923-10"
    assert g.value(ids.entity("document", "declaration-of-the-eighty-three"), AP.date) is None
    records = parse_biographies(text.splitlines())
    assert unparsed_events(records, text.splitlines(), 1) == [
        (2, "Signed order closing the club in 1925.")]


def test_same_input_same_graph():
    text = entry("Arrested in 1931. Arrested in 1931 again; in Left Opposition, 1923–1927.")
    assert canonical_ntriples(parse(text)[1]) == canonical_ntriples(parse(text)[1])


def test_samples_are_not_copied_from_the_corpus():
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not found at {CORPUS}")
    corpus = re.sub(r"\s+", " ", " ".join(p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))))
    source = Path(__file__).read_text(encoding="utf-8")
    samples = {s.strip() for chunk in re.findall(r'"((?:[^"\\\n]|\\.){20,})"', source)
               for s in re.split(r"(?<=[.;])\s+", chunk) if len(s.strip()) >= 20}
    labels = {"Declaration of the Forty-Six"}
    assert [s for s in samples - labels if s in corpus] == []


def check_shacl(records, lines, first_line_no, tmp_path: Path) -> None:
    """Build the records' life events and memberships, written together as extraction writes them."""
    data = tmp_path / f"{SOURCE}.nt"
    claims = life_event_claims(records, lines, first_line_no, SOURCE) + persons_claims(records, SOURCE, GAZETTEER)
    g = compile_claims(claims, GAZETTEER)[SOURCE]
    for rec in records:  # made-up persons: what their gazetteer rows would say
        g.add((ids.entity("person", rec.slug), RDF.type, AP.Person))
    g += gazetteer_graph(GAZETTEER, used={t for triple in g for t in (triple[0], triple[2])})[0]
    data.write_text(canonical_ntriples(g), encoding="utf-8")
    build(BuildInputs(ontology=[ROOT / "ontology" / "apparat.ttl"],
                      shapes=[ROOT / "ontology" / "shapes.ttl"], data=[data]), tmp_path / "build")


def test_sample_graph_passes_shacl(tmp_path):
    text = entry(
        "Joined RSDRP in 1905. In Left Opposition from 1924. Signed “Declaration of the Forty-Six” in Moscow. "
        "Expelled from party on 1 December 1927. Arrested in 1936. Sentenced to death on 2 March 1939 "
        "and shot next day. Rehabilitated in 1958 by Supreme Court.")
    records, _ = parse(text)
    check_shacl(records, text.splitlines(), 1, tmp_path)


# ---------------------------------------------------------------- the real notes


@pytest.fixture(scope="module")
def notes(monograph_lines):
    lines = monograph_lines
    start, end = find_section(lines)
    records = parse_biographies(lines[start:end], first_line_no=start + 1)
    return records, lines[start:end], start + 1, life_events_graph(records, lines[start:end], start + 1, SOURCE)


EXPECTED_EVENTS = {
    "antonov-ovseenko": [
        "Arrest 1937-10-12",
        "Execution 1938-02-10",
        "JoiningParty 1902",
        "Rehabilitation 1956",
        "Signing - declaration-of-the-forty-six",
        "Trial 1938-02-08 sentenced to death",
    ],
    "bakaev": [
        "Arrest 1934-12-09",
        "Execution 1936-08-25",
        "Expulsion 1927-11-14 central-control-commission",
        "Expulsion 1927-12-18 party",
        "JoiningParty 1906",
        "Rehabilitation 1988-07-13",
        "Reinstatement -",
        "Signing 1927-05 declaration-of-the-eighty-three",
        "Trial 1935-01-16 eight years in prison",
        "Trial 1936-08",
    ],
    "boguslavsky": [
        "Arrest 1936-08-08",
        "Execution 1937-02-01",
        "Expulsion 1927-12-18 party",
        "JoiningParty 1917-10",
        "Rehabilitation 1987",
        "Reinstatement 1930-05",
        "Signing 1923-10 declaration-of-the-forty-six",
        "Trial 1937-01-30 sentenced to death",
    ],
    "bukharin": [
        "Arrest 1937-02",
        "Execution 1938-03",
        "JoiningParty 1906",
        "Rehabilitation 1988-02-03 legal rehabilitation",
        "Rehabilitation 1988-06-21 along party lines",
    ],
    "ioffe": [
        "Arrest 1912",
        "Arrest 1913",
        "JoiningParty -",
        "Signing 1927-05 declaration-of-the-eighty-three",
        "Suicide 1927-11",
        "Trial - eternal exile",
    ],
    "kamenev": [
        "Arrest 1914",
        "Arrest 1935-01",
        "Execution 1936-08-25",
        "Expulsion 1926-10 politburo",
        "Expulsion 1927-10 central-committee",
        "Expulsion 1927-12 party",
        "Expulsion 1932-10 party",
        "JoiningParty 1901",
        "Rehabilitation 1988",
        "Reinstatement 1928-06",
        "Reinstatement 1933-12",
        "Trial - five years in prison",
        "Trial 1936-08-24 sentenced to death",
    ],
    "lashevich": [
        "Death 1928-08-30 accident or suicide",
        "Expulsion 1926 central-committee",
        "Expulsion 1927-12-18 party",
        "JoiningParty 1901",
        "JoiningParty 1903",
        "Reinstatement 1928",
    ],
    "ordzhonikidze": [
        "JoiningParty 1903",
        "Suicide 1937-02-18",
    ],
    "piatakov": [
        "Arrest 1936-09-13",
        "Execution 1937-02-01",
        "Expulsion 1927-12-18 party",
        "JoiningParty 1910",
        "Rehabilitation 1988",
        "Reinstatement 1928",
        "Signing - declaration-of-the-forty-six",
        "Trial 1937-01-30 sentenced to death",
    ],
    "radek": [
        "Arrest 1928-01",
        "Death 1939-05-19 murdered by the NKVD",
        "Expulsion 1927-12-18 party",
        "Expulsion 1936-10-07 party",
        "JoiningParty 1917",
        "Rehabilitation 1988",
        "Reinstatement 1930",
        "Signing 1927-05 declaration-of-the-eighty-three",
        "Trial 1937-01-30 ten years in corrective labor camp",
    ],
    "rykov": [
        "Arrest 1937-02-27",
        "Execution 1938-03-15",
        "JoiningParty 1898",
        "Rehabilitation 1988",
        "Trial 1938-03-13 sentenced to death",
    ],
    "serebriakov": [
        "Arrest 1936-08-17",
        "Execution 1937-02-01",
        "Expulsion 1927-12 party",
        "Expulsion 1936-08 party",
        "JoiningParty 1905",
        "Rehabilitation 1986-12-04",
        "Reinstatement 1930",
        "Reinstatement 1987-06-10",
        "Signing - declaration-of-the-eighty-three",
        "Signing - declaration-of-the-forty-six",
        "Signing - declaration-of-the-one-hundred-twenty-one",
        "Trial 1937-01-30 sentenced to death",
    ],
    "skrypnik": [
        "JoiningParty 1897",
        "JoiningParty 1917",
        "Rehabilitation 1990",
        "Suicide 1933-07-07",
    ],
    "smirnov-ivan": [
        "Arrest 1927-11",
        "Arrest 1933-01-01",
        "Execution 1936-08-25",
        "Expulsion 1927-12-18 party",
        "JoiningParty 1899",
        "Rehabilitation 1988",
        "Signing - declaration-of-the-forty-six",
        "Signing 1927-05 declaration-of-the-eighty-three",
        "Trial - five years in prison",
        "Trial 1927-12-31 three years of exile",
        "Trial 1936-08-24 sentenced to death",
    ],
    "sokolnikov": [
        "Arrest 1907",
        "Arrest 1936-07-26",
        "Death 1939-05-21 murdered by the NKVD",
        "JoiningParty 1905",
        "Rehabilitation 1988",
        "Signing 1918 treaty-of-brest-litovsk",
        "Trial 1909 exile",
        "Trial 1937-01-30 ten years in prison",
    ],
    "tomsky": [
        "Arrest -",
        "JoiningParty 1904",
        "Rehabilitation 1988-06-21",
        "Suicide 1936-08-22",
    ],
    "yevdokimov": [
        "Arrest 1908",
        "Arrest 1934-12-08",
        "Execution 1936-08-25",
        "Expulsion 1927-11-14 central-committee",
        "Expulsion 1927-12 party",
        "Expulsion 1934-12-08 party",
        "JoiningParty 1903",
        "Rehabilitation 1988-06-13",
        "Reinstatement 1928",
        "Signing 1927-05 declaration-of-the-eighty-three",
        "Trial 1935-01-16 eight years in prison",
        "Trial 1936-08-24 sentenced to death",
    ],
    "zinoviev": [
        "Arrest 1932-10",
        "Arrest 1934-12-16",
        "Execution 1936-08-26",
        "Expulsion - ecci",
        "Expulsion - politburo",
        "Expulsion 1927 central-committee",
        "Expulsion 1927 party",
        "Expulsion 1932-10 party",
        "Expulsion 1934-12-16 party",
        "JoiningParty 1901",
        "JoiningParty 1903",
        "Rehabilitation 1988-07-13",
        "Reinstatement 1933",
        "Trial 1932-10 four years of exile",
        "Trial 1934-12-16 ten years in prison",
        "Trial 1936-08-24 sentenced to death",
    ],
}

EXPECTED_MEMBERSHIPS = {
    "antonov-ovseenko": {("left-opposition", "1923", "1927-12")},
    "bakaev": {("new-opposition", "1925", "1925"), ("united-opposition", "1926", "1926")},
    "boguslavsky": {("democratic-centralists", "1920", "1921"), ("left-opposition", "1923", "1929")},
    "bukharin": {("right-opposition", "1928", "1929")},
    "ioffe": {("left-opposition", "1923", None)},
    "kamenev": {("united-opposition", "1926-04", None)},
    "lashevich": {("new-opposition", None, None), ("united-opposition", "1926", None)},
    "ordzhonikidze": set(),
    "piatakov": {("left-communists", None, None), ("left-opposition", "1923", "1928-02-28")},
    "radek": {("left-opposition", "1924", "1929")},
    "rykov": {("right-opposition", "1928", "1929")},
    "serebriakov": {("left-opposition", None, "1929")},
    "skrypnik": set(),
    "smirnov-ivan": {("left-opposition", "1926", "1929"), ("left-opposition", "1931", None),
                     ("smirnov-group", "1932", None)},
    "sokolnikov": {("new-opposition", "1925", "1926")},
    "tomsky": {("right-opposition", None, None)},
    "yevdokimov": {("new-opposition", None, None), ("united-opposition", None, None)},
    "zinoviev": {("new-opposition", "1925", "1926"), ("united-opposition", "1926-04", None)},
    "bubnov": {("left-communists", "1918", "1919"), ("military-opposition", "1918", "1919"),
               ("democratic-centralists", "1921", "1922")},
    "kavtaradze": {("left-opposition", "1923", "1931")},
    "safarov": {("military-opposition", "1919", "1919"), ("new-opposition", "1925", "1925"),
                ("united-opposition", "1926", "1928-11-09")},
}


@pytest.mark.corpus
@pytest.mark.parametrize("slug", sorted(EXPECTED_EVENTS))
def test_real_events(notes, slug):
    assert events(notes[3], slug) == EXPECTED_EVENTS[slug]


@pytest.mark.corpus
@pytest.mark.parametrize("slug", sorted(EXPECTED_MEMBERSHIPS))
def test_real_memberships(notes, slug):
    assert memberships(notes[3], slug) == EXPECTED_MEMBERSHIPS[slug]


@pytest.mark.corpus
def test_real_citations_and_moscow_trials(notes):
    g = notes[3]
    suicide = ids.entity("event", "tomsky/suicide/1936-08-22")
    assert {tail(x) for x in g.objects(suicide, PROV.wasDerivedFrom)} == {"7009-7009"}
    trial = ids.entity("event", "kamenev/trial/1936-08-24")
    assert g.value(trial, AP.atEvent) == ids.entity("event", "first-moscow-trial")
    assert str(g.value(ids.entity("event", "first-moscow-trial"), AP.date)) == "1936-08"
    assert str(g.value(ids.entity("event", "second-moscow-trial"), AP.date)) == "1937-01"
    assert str(g.value(ids.entity("event", "third-moscow-trial"), AP.date)) == "1938"
    first = ids.entity("event", "first-moscow-trial")
    defendants = {tail(g.value(e, AP.person)) for e in g.subjects(AP.atEvent, first)}
    assert defendants == {"bakaev", "goltsman", "kamenev", "mrachkovsky", "smirnov-ivan", "yevdokimov",
                          "zinoviev"}


@pytest.mark.corpus
def test_real_declarations(notes):
    g = notes[3]

    def signatories(doc: str) -> set[str]:
        return {tail(g.value(e, AP.person)) for e in g.subjects(AP.signedDocument, ids.entity("document", doc))}

    assert signatories("declaration-of-the-forty-six") == {
        "antonov-ovseenko", "boguslavsky", "bubnov", "kosior", "muralov", "osinsky", "piatakov",
        "preobrazhensky", "rafail", "sapronov", "serebriakov", "shlyapnikov", "smirnov-ivan",
        "smirnov-vladimir", "stukov", "voronsky"}
    assert signatories("declaration-of-the-eighty-three") == {
        "bakaev", "goltsman", "ioffe", "kavtaradze", "mrachkovsky", "radek", "safarov", "sapronov",
        "serebriakov", "smirnov-ivan", "smirnov-vladimir", "valentinov", "vardin", "yevdokimov"}
    assert signatories("declaration-of-the-one-hundred-twenty-one") == {"serebriakov"}
    for doc, date, line in (("declaration-of-the-forty-six", "1923-10", "6861-6861"),
                            ("declaration-of-the-eighty-three", "1927-05", "6857-6857")):
        node = ids.entity("document", doc)
        assert str(g.value(node, AP.date)) == date
        # dated by its most precise signing; every signing's line attests it
        assert line in {tail(x) for x in g.objects(node, PROV.wasDerivedFrom)}


@pytest.mark.corpus
def test_real_counts_and_unparsed(notes):
    records, lines, first, g = notes
    counts = {cls: len(set(g.subjects(RDF.type, AP[cls]))) for cls in (
        "JoiningParty", "Expulsion", "Reinstatement", "Arrest", "Trial", "Execution", "Suicide",
        "Death", "Rehabilitation", "Signing")}
    assert counts["Suicide"] == 4
    assert counts["Signing"] == 33
    assert all(n > 0 for n in counts.values())
    assert [n for n, _ in unparsed_events(records, lines, first)] == [
        6875, 6931, 6947, 6995, 7003, 7011, 7029, 7035, 7049]


@pytest.mark.corpus
def test_real_graph_passes_shacl(notes, tmp_path):
    records, lines, first, _ = notes
    check_shacl(records, lines, first, tmp_path)
