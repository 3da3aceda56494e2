"""The claims ledger (``triples/claims/``): every row checks against its source,
errors name file and row, our words copy no sentence, and what the rows state
compiles into the graph (kinds, time statements, attribution, meetings' dates)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from apparat.extract.dates import parse_time
from apparat.extract.gazetteer import load_gazetteer
from apparat.extract.ledger import LedgerError, ledger_files, read_ledger
from apparat.extract.run import check_ledgers
from apparat.extract.text import load_sources
from apparat.extract.writer import compile_claims

ROOT = Path(__file__).resolve().parents[1]
TRIPLES = ROOT / "triples"
CORPUS = ROOT.parent / "shared" / "corpus"
corpus = pytest.mark.skipif(not (CORPUS / "sources.tsv").exists(),
                            reason="needs ../shared/corpus (the source texts), absent here")
HEADER = "lines,kind,subject,role,object,date,at,value,who,certainty,id,extra,note\n"


@pytest.fixture(scope="module")
def gazetteer():
    return load_gazetteer(TRIPLES / "gazetteer")


@pytest.fixture(scope="module")
def sources():
    if not (CORPUS / "sources.tsv").exists():
        pytest.skip("needs ../shared/corpus (the source texts), absent here")
    return load_sources(CORPUS)


def ledger(tmp_path: Path, source: str, *rows: str) -> Path:
    path = tmp_path / "claims" / f"{source}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


# ------------------------------------------------------------------------------ the repository's ledger


@pytest.mark.corpus
@corpus
def test_every_row_of_the_ledger_checks_against_its_source():
    """Each row: known entities, a date the grammar reads, spans inside the source that name the subject."""
    counts = check_ledgers(TRIPLES, CORPUS)
    assert sum(counts.values()) > 2000
    assert {Path(p).parent.name for p in counts} >= {"claims", "rogovin-1992"}


def _words(text: str) -> list[str]:
    return re.findall(r"[\w']+", text.lower().replace("’", "'"))


@pytest.mark.corpus
def test_no_value_or_note_repeats_seven_words_of_its_source(gazetteer, sources):
    """Outcomes, notes and labels are our own words (titles, citations and links aside)."""
    copied = []
    for source_id, paths in ledger_files(TRIPLES / "claims").items():
        text = " " + " ".join(_words(" ".join(sources[source_id].lines))) + " "
        for path in paths:
            for claim in read_ledger(path, source_id, gazetteer):
                cells = [claim.value if claim.kind not in ("document",) else None, claim.note]
                cells += [v for k, v in claim.extra if k in ("label", "outcome", "comment")]
                for cell in filter(None, cells):
                    words = _words(cell)
                    if any(" " + " ".join(words[i:i + 7]) + " " in text for i in range(len(words) - 6)):
                        copied.append(f"{claim.origin}: {cell}")
    assert copied == []


# ------------------------------------------------------------------------------ errors name file and row


@pytest.mark.parametrize(("row", "message"), [
    ("573,member,nobody,,politburo,1926", "subject: no person 'nobody' in the gazetteer"),
    ("573,member,stalin,,politburo,32 March 1926", "date: no day 32 in '32 March 1926'"),
    ("573,member,stalin,,politburo,29 February 1923", "no day 29"),
    ("573,membr,stalin,,politburo,1926", "kind 'membr' is none of member, elected"),
    ("573,member,stalin,,politburo,1926,,,,sure", "certainty 'sure' is none of probable"),
    ("573,member,stalin,boss,politburo,1926", "role: no role 'boss'"),
    ("573,member,stalin,,,1926", "a member row needs an object (organ)"),
    ("573,event,stalin,,,1926", "a event row needs an id"),
    ("abc,member,stalin,,politburo,1926", "lines 'abc'"),
    ("573,member,stalin,,politburo,1926,,,heard:trotsky", "who 'heard:trotsky'"),
    ("573,member,stalin,,politburo,1926,,,,,,colour=red", "extra 'colour=red'"),
    ("573,entity,party-congress-10,party-congress,,,,,,,,ordinal=tenth", "extra ordinal='tenth': write a whole number"),
])
def test_a_bad_row_fails_naming_file_and_row(tmp_path, gazetteer, row, message):
    path = ledger(tmp_path, "rogovin-1992", "573,member,lenin,,politburo,before 1921", row)
    with pytest.raises(LedgerError) as err:
        read_ledger(path, "rogovin-1992", gazetteer)
    assert len(err.value.messages) == 1
    assert err.value.messages[0].startswith(f"{path}:3: ")
    assert message in err.value.messages[0]


@pytest.mark.corpus
def test_a_span_outside_the_source_or_not_naming_the_subject_fails(tmp_path, gazetteer, sources):
    path = ledger(tmp_path, "rogovin-1992",
                  "99999,member,stalin,,politburo,1926",
                  "1,member,stalin,,politburo,1926",
                  "573,member,stalin,,politburo,1926")
    with pytest.raises(LedgerError) as err:
        read_ledger(path, "rogovin-1992", gazetteer, sources)
    assert [m.split(": ", 1)[0] for m in err.value.messages] == [f"{path}:2", f"{path}:3"]
    assert "lie outside rogovin-1992" in err.value.messages[0]
    assert "do not name person/stalin" in err.value.messages[1]


def test_rows_out_of_line_order_fail(tmp_path, gazetteer):
    path = ledger(tmp_path, "rogovin-1992", "990,member,stalin,,politburo,1926", "573,member,lenin,,politburo,1920")
    with pytest.raises(LedgerError, match=r":3: rows must be in line order"):
        read_ledger(path, "rogovin-1992", gazetteer)


def test_an_unknown_column_fails_on_the_header(tmp_path, gazetteer):
    path = tmp_path / "x.csv"
    path.write_text("lines,kind,subject,colour\n573,member,stalin,red\n", encoding="utf-8")
    with pytest.raises(LedgerError, match=r"x\.csv:1: columns must be among .* unknown: colour"):
        read_ledger(path, "rogovin-1992", gazetteer)


# ------------------------------------------------------------------------------ what rows compile to


def _compile(tmp_path, gazetteer, *rows, source="rogovin-1992", extra_claims=()):
    claims = [*extra_claims, *read_ledger(ledger(tmp_path, source, *rows), source, gazetteer)]
    return compile_claims(claims, gazetteer)[source]


def _one(graph, query):
    rows = list(graph.query("PREFIX ap: <https://w3id.org/apparat/ontology#>\n"
                            "PREFIX org: <http://www.w3.org/ns/org#>\n"
                            "PREFIX prov: <http://www.w3.org/ns/prov#>\n" + query))
    return [tuple(None if v is None else str(v) for v in row) for row in rows]


def test_an_election_is_a_start_only_and_answers_only_its_year(tmp_path, gazetteer):
    g = _compile(tmp_path, gazetteer, "6867,elected,bukharin,,central-committee,1917")
    rows = _one(g, """SELECT ?kind ?from ?until ?earliest ?latest WHERE {
        ?m a org:Membership ; ap:timeStatement ?kind ; ap:heldFrom ?from ; ap:heldUntil ?until ;
           ap:earliestStart ?earliest . OPTIONAL { ?m ap:latestEnd ?latest } }""")
    assert rows == [("https://w3id.org/apparat/ontology#StartOnly", "1917-01-01", "1917-12-31", "1917-01-01", None)]
    events = _one(g, "SELECT ?e WHERE { ?e a ap:Election ; ap:person ?p ; ap:organization ?o }")
    assert len(events) == 1


@pytest.mark.parametrize(("date", "kind", "held_from", "held_until"), [
    ("1919–1921", "Range", "1919-01-01", "1921-12-31"),
    ("from 1934", "OpenEnded", "1934-01-01", None),
    ("in 1926", "AtTime", "1926-01-01", "1926-12-31"),
    ("until October 1927", "EndOnly", "1927-10-01", "1927-10-31"),
    ("before 1921", "EndOnly", "1920-01-01", "1920-12-31"),
])
def test_each_time_statement_has_its_own_held_span(tmp_path, gazetteer, date, kind, held_from, held_until):
    g = _compile(tmp_path, gazetteer, f'573,member,lenin,,politburo,"{date}"')
    rows = _one(g, """SELECT ?kind ?from ?until WHERE { ?m ap:timeStatement ?kind ; ap:heldFrom ?from .
                      OPTIONAL { ?m ap:heldUntil ?until } }""")
    assert rows == [(f"https://w3id.org/apparat/ontology#{kind}", held_from, held_until)]


@pytest.mark.parametrize(("row", "kind", "held", "earliest", "latest"), [
    # 3497: the "young" members entered the Politburo between 1922 and 1924: no year of it is stated
    ("3497,joined,bukharin,,politburo,between 1922 and 1924", "StartOnly", None, "1922-01-01", None),
    # a start whose window lies in one year states that year
    ("3497,joined,bukharin,,politburo,February or March 1923", "StartOnly", ("1923-02-01", "1923-03-31"),
     "1923-02-01", None),
    # 5627/6569: removed two or three years after the expulsion: neither year is stated
    ("6569,removed,bukharin,,politburo,1929 or 1930", "EndOnly", None, None, "1930-12-31"),
    # 291: editors "in the 1920s": a point somewhere in the decade, not a tenure over all of it
    ("291,member,bukharin,editor,prozhektor,between 1920 and 1929", "Window", None, "1920-01-01", "1929-12-31"),
    ("291,member,bukharin,editor,prozhektor,1929 or 1930", "Window", None, "1929-01-01", "1930-12-31"),
])
def test_a_window_holds_only_what_it_states(tmp_path, gazetteer, row, kind, held, earliest, latest):
    g = _compile(tmp_path, gazetteer, row)
    rows = _one(g, """SELECT ?kind ?from ?until ?earliest ?latest WHERE { ?m a org:Membership ;
                      ap:timeStatement ?kind . OPTIONAL { ?m ap:heldFrom ?from } OPTIONAL { ?m ap:heldUntil ?until }
                      OPTIONAL { ?m ap:earliestStart ?earliest } OPTIONAL { ?m ap:latestEnd ?latest } }""")
    assert rows == [(f"https://w3id.org/apparat/ontology#{kind}", *(held or (None, None)), earliest, latest)]


def test_a_member_at_a_meeting_holds_the_seat_during_it(tmp_path, gazetteer):
    g = _compile(tmp_path, gazetteer, "4590,member,stalin,,politburo,,party-congress-14",
                 "6798-6799,meeting,party-congress-14,,,18–31 December 1925")
    rows = _one(g, """SELECT ?kind ?from ?until WHERE { ?m a org:Membership ; ap:timeStatement ?kind ;
                      ap:heldFrom ?from ; ap:heldUntil ?until }""")
    assert rows == [("https://w3id.org/apparat/ontology#Range", "1925-12-18", "1925-12-31")]


def test_a_member_after_a_congress_holds_that_year_only(tmp_path, gazetteer):
    # 573: Trotsky, still a member after the Tenth Congress (8-16 March 1921): 1921 is stated,
    # a later year only possible, never "from then on"
    g = _compile(tmp_path, gazetteer, "573,member,trotsky,,politburo,after party-congress-10",
                 "6789-6790,meeting,party-congress-10,,,8–16 March 1921")
    rows = _one(g, """SELECT ?kind ?from ?until ?earliest ?latest WHERE { ?m a org:Membership ;
                      ap:timeStatement ?kind ; ap:heldFrom ?from ; ap:heldUntil ?until ; ap:earliestStart ?earliest .
                      OPTIONAL { ?m ap:latestEnd ?latest } }""")
    assert rows == [("https://w3id.org/apparat/ontology#AtTime", "1921-03-17", "1921-12-31", "1921-03-17", None)]


def test_an_undated_statement_holds_no_span(tmp_path, gazetteer):
    g = _compile(tmp_path, gazetteer, "573,member,lenin,,politburo,")
    assert _one(g, "SELECT ?k ?f WHERE { ?m ap:timeStatement ?k . OPTIONAL { ?m ap:heldFrom ?f } }") == [
        ("https://w3id.org/apparat/ontology#Undated", None)]


def test_a_statement_made_by_a_meeting_takes_its_dates_and_cites_both_lines(tmp_path, gazetteer):
    g = _compile(tmp_path, gazetteer, "573,elected,zinoviev,,politburo,,party-congress-10",
                 "6789-6790,meeting,party-congress-10,,,8–16 March 1921")
    rows = _one(g, """SELECT ?from ?until ?cited ?dated WHERE { ?m org:member ?p ; ap:heldFrom ?from ;
                      ap:heldUntil ?until ; prov:wasDerivedFrom ?cited ; ap:datedBy ?dated }""")
    assert rows == [("1921-03-08", "1921-03-16", "https://w3id.org/apparat/source/rogovin-1992/lines/573-573",
                     "https://w3id.org/apparat/source/rogovin-1992/lines/6789-6790")]


def test_attribution_is_recorded_on_the_claim(tmp_path, gazetteer):
    g = _compile(tmp_path, gazetteer, "990,member,stalin,general-secretary,secretariat,1922,,,reported:zinoviev",
                 "992,member,stalin,general-secretary,secretariat,1922,,,quoted:trotsky")
    rows = _one(g, """SELECT ?mode ?who WHERE { ?c a ap:Claim ; ap:attribution ?mode ; ap:accordingTo ?who }
                      ORDER BY ?who""")
    assert rows == [("https://w3id.org/apparat/ontology#QuotedStatement", "https://w3id.org/apparat/id/person/trotsky"),
                    ("https://w3id.org/apparat/ontology#ReportedStatement",
                     "https://w3id.org/apparat/id/person/zinoviev")]


def test_a_negated_statement_makes_no_membership(tmp_path, gazetteer):
    g = _compile(tmp_path, gazetteer, "96,elected,andreev,,cc-presidium,1952,,,,negated",
                 source="resignations-forum-2023")
    assert _one(g, "SELECT ?m WHERE { ?m a org:Membership }") == []
    assert _one(g, "SELECT ?c WHERE { ?c ap:certainty ap:Negated }") != []


def test_dates_the_text_prints_oddly_are_kept_and_flagged(tmp_path, gazetteer):
    assert parse_time("6 [20] July 1883").start.malformed == "Old and New Style differ by 14 days, not 12 or 13"
    assert parse_time("18 [6] July 1883").start.malformed == "the bracket holds the Old Style date"
    assert parse_time("13 [25] 1881").start.malformed == "a day without a month"
    g = _compile(tmp_path, gazetteer, '6959,born,rykov,,,"13 [25] 1881"')
    assert _one(g, "SELECT ?d ?why WHERE { ?p <https://schema.org/birthDate> ?d . ?c ap:about ?p }") != []


# ------------------------------------------------------------------------------ the gazetteer as data


def test_a_new_organ_and_a_spelling_variant_need_only_data(tmp_path):
    """An organ added to a copy of the gazetteer, and a spelling of a person, are found with no Python change."""
    from apparat.extract.biographies import parse_biographies
    from apparat.extract.lexicon import Lexicon

    copy = tmp_path / "gazetteer"
    shutil.copytree(TRIPLES / "gazetteer", copy)
    with open(copy / "organs.csv", "a", encoding="utf-8") as f:
        f.write("tsentrosoiuz,ap:StateBody,Central Union of Consumer Cooperatives,,,,,,national,,"
                r"\bTsentrosoiuz\b,," + "\n")
    (copy / "persons-more.csv").write_text(  # more names for an entity defined elsewhere: an empty label
        "slug,label,names,variants,wikidata,note\nzinoviev,,,Zinovyev,,\n", encoding="utf-8")
    note = ["ZINOVIEV, Grigory Yevseevich (1883–1936). Chairman of Tsentrosoiuz, 1921–1922."]
    before = parse_biographies(note, lexicon=Lexicon.from_gazetteer(load_gazetteer(TRIPLES / "gazetteer")))
    after = parse_biographies(note, lexicon=Lexicon.from_gazetteer(load_gazetteer(copy)))
    assert [m.organ for m in before[0].memberships] == []
    assert [(m.organ, m.role) for m in after[0].memberships] == [("tsentrosoiuz", "chairman")]
    g = load_gazetteer(copy)
    assert "Zinovyev" in g.resolve("zinoviev").variants
    path = ledger(tmp_path, "rogovin-1992", "573,member,zinoviev,,tsentrosoiuz,1921")
    assert read_ledger(path, "rogovin-1992", g)[0].objects == ("organ/tsentrosoiuz",)


def test_a_row_reusing_a_persons_death_under_another_subject_is_refused(tmp_path):
    # A reader once gave "Stalin removed Frunze" the id of Frunze's death: that made the death Stalin's.
    from apparat.extract.records import Claim, Span
    from apparat.extract.run import shared_id_errors
    died = Claim("s", (Span(1, 1),), "died", "person/frunze", id="frunze-death", origin="x.csv:2")
    blame = Claim("s", (Span(2, 2),), "event", "person/stalin", id="frunze-death", origin="x.csv:3")
    assert shared_id_errors([died, blame]) == [
        "x.csv:3: id 'frunze-death' is the person/frunze event; "
        "a row about it under 'person/stalin' wants an id of its own and concerns=frunze-death"]
    assert shared_id_errors([died]) == []


def test_check_ledger_on_a_file_outside_the_claims_folder_says_so_in_one_line(tmp_path):
    from click.testing import CliRunner

    from apparat.cli import main

    draft = tmp_path / "draft.csv"
    shutil.copy(TRIPLES / "claims" / "four-attempts-blog.csv", draft)
    result = CliRunner().invoke(main, ["check-ledger", str(draft)])
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)  # no traceback: a usage error
    [line] = result.stderr.splitlines()
    assert line.startswith(f"error: {draft}: not under ") and "--source ID" in line
    # Named by --source, the draft is that source's ledger.
    result = CliRunner().invoke(main, ["check-ledger", "--source", "four-attempts-blog", str(draft)])
    assert result.exit_code == 0, result.output
    assert re.fullmatch(rf"\s*\d+ claims  {re.escape(str(draft))}\n", result.stdout)
