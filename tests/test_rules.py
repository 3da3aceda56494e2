"""The conflict rules (``queries/rules/*.rq``), one by one, on ledger rows written for the tests.

Each case is a few rows of an invented source (``test-source``), compiled by the
writer exactly as ``apparat extract`` compiles the real ledger, then the rules
run over them as the build's ``conflicts`` step runs them. The rows name real
gazetteer entities but state invented facts: nothing here is read from a text.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from apparat.build.conflicts import apply_rules, rule_files
from apparat.extract.gazetteer import load_gazetteer
from apparat.extract.ledger import COLUMNS, read_ledger
from apparat.extract.writer import compile_claims, gazetteer_graph
from apparat.triples_io import canonical_ntriples, read_quads

ROOT = Path(__file__).resolve().parents[1]
GAZETTEER = load_gazetteer(ROOT / "triples" / "gazetteer")
RULES = rule_files(ROOT / "queries")
AP = "https://w3id.org/apparat/ontology#"
ID = "https://w3id.org/apparat/id/"


def derive(tmp_path: Path, *rows: str) -> ox.Store:
    """The rules' output for ``rows`` (CSV rows of the ledger, header implied), in a store."""
    ledger = tmp_path / "test-source.csv"
    ledger.write_text(",".join(COLUMNS) + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    claims = read_ledger(ledger, "test-source", GAZETTEER)
    graph = compile_claims(claims, GAZETTEER)["test-source"]
    graph += gazetteer_graph(GAZETTEER, used={t for triple in graph for t in (triple[0], triple[2])})[0]
    quads = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph())
             for t in ox.parse(canonical_ntriples(graph), format=ox.RdfFormat.N_TRIPLES)]
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in apply_rules(quads, RULES))
    return store


def conflicts(store: ox.Store) -> set[tuple[str, str, str, int]]:
    """(rule, subject, property, number of claims) of every conflict found."""
    rows = store.query(f"""
        SELECT ?rule ?about ?property (COUNT(DISTINCT ?claim) AS ?n) WHERE {{
          ?c a <{AP}Conflict> ; <{AP}rule> ?rule ; <{AP}about> ?about ; <{AP}property> ?property ;
             <{AP}claim> ?claim .
        }} GROUP BY ?rule ?about ?property""")
    return {(r["rule"].value, r["about"].value.removeprefix(ID), r["property"].value.rsplit("#", 1)[-1]
             .rsplit("/", 1)[-1], int(r["n"].value)) for r in rows}


def corroborations(store: ox.Store) -> int:
    return len(list(store.quads_for_pattern(None, ox.NamedNode(AP + "corroborates"), None)))


def test_two_death_dates_a_day_apart_conflict(tmp_path):
    found = derive(tmp_path, "10,died,zinoviev,,,25 August 1936,,,,,,,",
                   "12,died,zinoviev,,,26 August 1936,,,,,,,")
    assert conflicts(found) == {("dates-disagree", "person/zinoviev", "deathDate", 2)}


def test_dates_that_overlap_at_their_precision_agree(tmp_path):
    # "1921" and "March 1921" can both hold; so can a congress's range and a day inside it
    found = derive(tmp_path, "10,meeting,party-congress-10,,,1921,,,,,,,",
                   "12,meeting,party-congress-10,,,March 1921,,,,,,,",
                   "14,meeting,party-congress-10,,,8–16 March 1921,,,,,,,")
    assert conflicts(found) == set()
    assert corroborations(found) == 6  # three pairs, each both ways


def test_a_date_outside_the_others_window_conflicts(tmp_path):
    found = derive(tmp_path, "10,meeting,party-congress-10,,,March 1921,,,,,,,",
                   "12,meeting,party-congress-10,,,April 1922,,,,,,,")
    assert conflicts(found) == {("dates-disagree", "event/party-congress-10", "date", 2)}


def test_a_negated_claim_states_no_date_to_compare(tmp_path):
    found = derive(tmp_path, "10,meeting,party-congress-10,,,March 1921,,,,,,,",
                   "12,meeting,party-congress-10,,,April 1922,,,,negated,,,")
    assert conflicts(found) == set()


def test_different_counts_of_the_same_thing_conflict(tmp_path):
    found = derive(tmp_path, "10,count,central-control-commission,members,,1923,,50,,,,,",
                   "12,count,central-control-commission,members,,1923,,60,,,,,")
    assert conflicts(found) == {("counts-disagree", "organ/central-control-commission", "numberOfMembers", 2)}


def test_counts_of_different_times_or_bodies_do_not(tmp_path):
    times = derive(tmp_path, "10,count,central-control-commission,members,,1921,,50,,,,,",
                   "12,count,central-control-commission,members,,1925,,60,,,,,")
    bodies = derive(tmp_path, "10,count,left-sr-party,members,,,,40,,,,organ=constituent-assembly,",
                    "12,count,left-sr-party,members,,,,7,,,,organ=sovnarkom,")
    assert conflicts(times) == conflicts(bodies) == set()


def test_one_document_addressed_to_two_congresses_conflicts(tmp_path):
    found = derive(tmp_path, "10,document,lenin-testament,letter,party-congress-12,,,,,,,,",
                   "12,document,lenin-testament,letter,party-congress-13,,,,quoted:stalin,,,,")
    assert conflicts(found) == {("meetings-disagree", "document/lenin-testament", "addressee", 2)}


# Stalin's first offer to resign, as 004 (3398, 3411, 6796) and 000 (8) state it: the rows of the ledger, in one file
FIRST_OFFER_AT_COUNCIL = ("3411,resignation-attempt,stalin,general-secretary,secretariat,21 May 1924,"
                          "council-of-elders-1924-05-21,,reported:trotsky,,stalin-resignation-congress-13,,")
CONGRESS_13 = "6796,meeting,party-congress-13,,,23–31 May 1924,,,,,,,"


def test_one_event_at_two_meetings_whose_dates_lie_apart_conflicts(tmp_path):
    found = derive(tmp_path, "3398,meeting,council-of-elders-1924-05-21,,,21 May 1924,,,,,,,", FIRST_OFFER_AT_COUNCIL,
                   CONGRESS_13, "6800,meeting,cc-plenum-after-congress-13,,,after party-congress-13,,,,,,,",
                   "6801,resignation-attempt,stalin,general-secretary,secretariat,,cc-plenum-after-congress-13,,"
                   "quoted:stalin-speech-1927-10-23,,stalin-resignation-congress-13,,")
    assert conflicts(found) == {("meetings-apart", "event/stalin-resignation-congress-13", "atEvent", 2)}


def test_meetings_whose_dates_overlap_or_a_congress_and_its_plenum_do_not_conflict(tmp_path):
    # the council of elders' day lies in "May 1924"; the plenum after a congress may do what texts put at it
    overlapping = derive(tmp_path, "3398,meeting,council-of-elders-1924-05-21,,,21 May 1924,,,,,,,",
                         FIRST_OFFER_AT_COUNCIL, "6790,meeting,party-congress-13,,,May 1924,,,,,,,",
                         "6801,resignation-attempt,stalin,general-secretary,secretariat,,party-congress-13,,,,"
                         "stalin-resignation-congress-13,,")
    congress_and_plenum = derive(tmp_path, CONGRESS_13,
                                 "6800,meeting,cc-plenum-after-congress-13,,,after party-congress-13,,,,,,,",
                                 "6801,resignation-attempt,stalin,general-secretary,secretariat,,party-congress-13,,,,"
                                 "stalin-resignation-congress-13,,",
                                 "6802,resignation-attempt,stalin,general-secretary,secretariat,,"
                                 "cc-plenum-after-congress-13,,,,stalin-resignation-congress-13,,")
    assert {c[0] for c in conflicts(overlapping)} == {c[0] for c in conflicts(congress_and_plenum)} == set()


def test_an_open_ended_tenure_against_a_range_starting_later_conflicts(tmp_path):
    found = derive(tmp_path, "10,member,stalin,,politburo,from 1919,,,,,,,",
                   "12,member,stalin,,politburo,1923–1926,,,,,,,")
    assert {c[0] for c in conflicts(found)} == {"tenure-start-disagrees"}


def test_a_full_member_and_a_candidate_at_times_that_must_overlap_conflict(tmp_path):
    # a range holds for certain from its latest start to its earliest end; "in 1924" is a point in 1924
    found = derive(tmp_path, "10,member,bukharin,,politburo,1919–1926,,,,,,,",
                   "12,member,bukharin,candidate-member,politburo,1924,,,,,,,")
    assert conflicts(found) == {("rank-disagrees", "person/bukharin", "role", 2)}
    # two statements of one day
    same_day = derive(tmp_path, "10,member,bukharin,,politburo,2 June 1924,,,,,,,",
                      "12,member,bukharin,candidate-member,politburo,2 June 1924,,,,,,,")
    assert {c[0] for c in conflicts(same_day)} == {"rank-disagrees"}


def test_a_promotion_or_a_demotion_at_the_stated_precision_is_no_rank_conflict(tmp_path):
    # a candidate to some day of 1924, a full member in August 1924: promoted in between
    promoted = derive(tmp_path, "10,member,bukharin,candidate-member,politburo,1919–1924,,,,,,,",
                      "12,member,bukharin,,politburo,August 1924,,,,,,,")
    # a candidate elected in 1926, a full member in 1926: both points of one year
    same_year = derive(tmp_path, "10,elected,bukharin,candidate-member,politburo,1926,,,,,,,",
                       "12,member,bukharin,,politburo,1926,,,,,,,")
    # one line states both: removed as member, elected candidate
    demoted = derive(tmp_path, "10,removed,bukharin,,politburo,2 June 1924,,,,,,,",
                     "10,elected,bukharin,candidate-member,politburo,2 June 1924,,,,,,,")
    assert {c[0] for c in conflicts(promoted) | conflicts(same_year) | conflicts(demoted)} == set()


def test_an_event_dated_before_another_against_a_date_after_it_conflicts(tmp_path):
    testament = "10,document,lenin-testament,letter,,23–25 December 1922,,,,,,by=lenin,"
    learned = "14,event,lenin,,krupskaya,5 March 1923,,,,,lenin-learns-of-krupskaya-incident,,"
    found = derive(tmp_path, testament, "12,event,lenin,,krupskaya,before lenin-testament,,,,,"
                   "lenin-learns-of-krupskaya-incident,,", learned)
    assert ("order-disagrees", "event/lenin-learns-of-krupskaya-incident", "date", 3) in conflicts(found)
    agrees = derive(tmp_path, testament, "12,event,lenin,,krupskaya,after lenin-testament,,,,,"
                    "lenin-learns-of-krupskaya-incident,,", learned)
    assert {c[0] for c in conflicts(agrees)} == set()


def test_two_amounts_from_events_that_place_one_event_apart_conflict(tmp_path):
    testament = "10,document,lenin-testament,letter,,23–25 December 1922,,,,,,by=lenin,"
    death = "20,died,lenin,,,21 January 1924,,,,,lenin-death,,"
    found = derive(tmp_path, testament, "14,event,lenin,,,three days after lenin-testament,,,,,lenin-stroke-3,,",
                   "14,event,lenin,,,ten months before lenin-death,,,,,lenin-stroke-3,,", death)
    # both offsets (each claim's ap:datedBy names the lines dating what it counts from)
    assert ("offsets-disagree", "event/lenin-stroke-3", "date", 2) in conflicts(found)
    agrees = derive(tmp_path, testament, "14,event,lenin,,,three days after lenin-testament,,,,,lenin-stroke-3,,",
                    "14,event,lenin,,,a year before lenin-death,,,,,lenin-stroke-3,,", death)
    assert {c[0] for c in conflicts(agrees)} == set()


REAL = sorted((ROOT / "triples").glob("*.nt"))


@pytest.fixture(scope="module")
def real() -> ox.Store:
    """The rules' output on the committed triples (every source, the gazetteer), as the build runs them."""
    quads = [ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for path in REAL for q in read_quads(path)]
    quads += [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph())
              for t in ox.parse(path=ROOT / "ontology" / "apparat.ttl", format=ox.RdfFormat.TURTLE)]
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in apply_rules(quads, RULES))
    return store


def test_real_rows_002_orders_lenins_learning_of_the_call_before_the_testament_004_after(real):
    # 002:28 before the Testament; 004:1084 (and 1112, 005:8) date the Testament; 004:1598 5 March 1923
    rows = real.query(f"""SELECT ?claim WHERE {{ ?c <{AP}rule> "order-disagrees" ;
        <{AP}about> <{ID}event/lenin-learns-of-krupskaya-incident> ; <{AP}claim> ?claim }}""")
    claims = {r["claim"].value.removeprefix(ID + "claim/") for r in rows}
    assert {"stalin-gensec-spartacus/event-lenin-28", "rogovin-1992/event-lenin-1598",
            "rogovin-1992/document-lenin-testament-1084"} <= claims


def test_real_rows_002_puts_the_third_stroke_three_days_after_the_testament_and_ten_months_before_death(real):
    # 002:30 three days after the Testament (dated by 004: December 1922), ten months before Lenin's
    # death (002:36, 21 January 1924: February-April 1923): both cannot hold
    rows = real.query(f"""SELECT ?claim WHERE {{ ?c <{AP}rule> "offsets-disagree" ;
        <{AP}about> <{ID}event/lenin-stroke-3> ; <{AP}claim> ?claim }}""")
    claims = {r["claim"].value.removeprefix(ID + "claim/") for r in rows}
    assert claims == {"stalin-gensec-spartacus/event-lenin-30", "stalin-gensec-spartacus/event-lenin-30-2"}


def test_real_rows_no_promotion_or_demotion_is_a_rank_conflict(real):
    # Bukharin (6867 candidate to 1924, 3255 in the Politburo in August 1924), Rudzutak (6957 candidate
    # 1923-1926, 4864 elected in July 1926) and Kamenev (6881 member to October 1926, 5669 removed as a
    # candidate in October 1926, 4712 made one after the Fourteenth Congress) can each hold at the
    # precision stated: a rank changed in between.
    rows = real.query(f"""SELECT ?about WHERE {{ ?c <{AP}rule> "rank-disagrees" ; <{AP}about> ?about }}""")
    assert {r["about"].value.removeprefix(ID) for r in rows} == set()


@pytest.mark.parametrize("path", RULES, ids=lambda p: p.stem)
def test_every_rule_says_what_it_finds_with_an_example(path):
    header = [line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("#+")]
    assert any(line.startswith("#+ summary:") for line in header)
    assert any(line.startswith("#+ example:") for line in header), f"{path.name} has no #+ example"


# --- the rules' store at scale: only the triples of the predicates the rules name ----------------

def test_the_rules_find_the_same_in_a_store_of_only_their_predicates():
    from apparat.build import BuildInputs
    from apparat.build.conflicts import conflicts_graph, rule_predicates
    from apparat.build.parse import parse_files
    from apparat.settings import load_settings

    inputs = BuildInputs.from_settings(load_settings())
    files = []
    graphs = parse_files(inputs.ontology, inputs.data, graph_per_file=True, files=files)
    wanted = rule_predicates(RULES)
    assert wanted is not None and AP + "about" in wanted  # our rules name all their predicates
    kept = sum(1 for triples in graphs.values() for t in triples if t[1] in wanted)
    assert kept < 0.8 * sum(map(len, graphs.values()))  # a smaller store
    whole = conflicts_graph(graphs, RULES, files)  # files whole, as a build of our size loads them
    assert whole[1] and conflicts_graph(graphs, RULES, files, filter_above=0) == whole


def test_rule_predicates_reads_paths_and_not_exists_and_gives_up_on_a_variable_predicate(tmp_path):
    from apparat.build.conflicts import rule_predicates

    def rule(text):
        path = tmp_path / f"r{len(list(tmp_path.iterdir()))}.rq"
        path.write_text("PREFIX ap: <https://w3id.org/apparat/ontology#>\n" + text, encoding="utf-8")
        return path

    named = rule("CONSTRUCT { ?a ap:x ?b } WHERE { ?a ap:p/ap:q+ ?b ; ^ap:r ?c "
                 "FILTER NOT EXISTS { ?b ap:s [ ap:t ?d ] FILTER NOT EXISTS { ?d ap:u ?e } } }")
    assert rule_predicates([named]) == {AP + name for name in ("p", "q", "r", "s", "t", "u")}
    nested = ("CONSTRUCT { ?a ap:x ?b } WHERE { ?a ap:p ?b "
              "FILTER NOT EXISTS { ?b ap:q ?c FILTER NOT EXISTS { ?c ?v ?d } } }")
    assert rule_predicates([rule(nested)]) is None  # a variable, two EXISTS deep
    # p* and p? match every node, with or without triples of p; GRAPH ?g lists graphs; DESCRIBE reads all
    for text in ("CONSTRUCT { ?s ap:x ?o } WHERE { ?s ap:q* ?o }", "CONSTRUCT { ?s ap:x ?o } WHERE { ?s ap:q? ?o }",
                 "CONSTRUCT { ?g ap:x ?g } WHERE { GRAPH ?g { ?s ap:q ?o } }", "DESCRIBE ?a WHERE { ?a ap:p ?b }"):
        assert rule_predicates([rule(text)]) is None, text
    assert rule_predicates([named, rule("CONSTRUCT { ?a ap:x ?b } WHERE { ?a ?any ?b }")]) is None
    assert rule_predicates([rule("CONSTRUCT { ?a ap:x ?b } WHERE { ?a !ap:p ?b }")]) is None
    assert rule_predicates([rule("CONSTRUCT { ?a ap:x ?b } WHERE { ?a ap:p ?b FILTER EXISTS { ?b ?v ?c } }")]) is None
