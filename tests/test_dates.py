"""The one date grammar (apparat.extract.dates): every form the biographical
notes and the table of congresses print, and what a statement says about time."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from rdflib import URIRef

from apparat.extract import biographies, congresses
from apparat.extract.dates import DateSyntaxError, EventRef, decade, parse_date, parse_time
from apparat.extract.gazetteer import load_gazetteer
from apparat.extract.ledger import read_ledger
from apparat.extract.windows import point_window, tenure
from apparat.extract.writer import compile_claims
from apparat.namespaces import AP

ROOT = Path(__file__).resolve().parents[1]
HEADER = "lines,kind,subject,role,object,date,at,value,who,certainty,id,extra,note\n"


@pytest.mark.parametrize(("text", "iso", "old_style"), [
    ("1887", "1887", None),
    ("July 1918", "1918-07", None),
    ("2 June 1924", "1924-06-02", None),
    ("1924-06-02", "1924-06-02", None),
    ("June 2, 1924", "1924-06-02", None),
    ("6 [18] July 1883", "1883-07-18", "1883-07-06"),
    ("22 March [4 April] 1884", "1884-04-04", "1884-03-22"),
    ("29 September [11 October] 1894", "1894-10-11", "1894-09-29"),
    ("13 [25] 1881", "1881", "1881"),
])
def test_a_stated_date_keeps_its_precision_and_its_old_style_twin(text, iso, old_style):
    date = parse_date(text)
    assert date.iso() == iso
    assert (date.old_style.iso() if date.old_style else None) == old_style


@pytest.mark.parametrize(("text", "approximate", "qualifier"), [
    ("c. 1925", True, None), ("about 1925", True, None), ("likely 1925", True, None), ("1925?", True, None),
    ("late March 1921", False, "late"), ("spring 1923", False, "spring"), ("early 1924", False, "early"),
])
def test_vague_dates_are_marked_not_narrowed(text, approximate, qualifier):
    date = parse_date(text)
    assert (date.approximate, date.qualifier) == (approximate, qualifier)
    assert date.earliest() == dt.date(date.year, date.month or 1, 1)


@pytest.mark.parametrize(("text", "kind", "start", "end"), [
    ("", "undated", None, None),
    ("1926", "at", "1926", None),
    ("in 1926", "at", "1926", None),
    ("on 3 April 1922", "at", "1922-04-03", None),
    ("1919–1921", "range", "1919", "1921"),
    ("1922–34", "range", "1922", "1934"),
    ("8–16 March 1921", "range", "1921-03-08", "1921-03-16"),
    ("27 March–2 April 1922", "range", "1922-03-27", "1922-04-02"),
    ("30 December 1922–2 January 1923", "range", "1922-12-30", "1923-01-02"),
    ("December 1927 – January 1928", "range", "1927-12", "1928-01"),
    ("April-May 1920", "range", "1920-04", "1920-05"),
    ("from 1919 to 1921", "range", "1919", "1921"),
    ("1922-04-03/1923", "range", "1922-04-03", "1923"),
    ("from 1934", "from", "1934", None),
    ("since 1934", "from", "1934", None),
    ("until October 1927", "until", None, "1927-10"),
    ("between 1921 and 1923", "window", "1921", "1923"),
    ("February or March 1923", "window", "1923-02", "1923-03"),
    ("before 1921", "window", None, "1921"),
    ("no later than February 1923", "window", None, "1923-02"),
    ("after 1925", "window", "1925", None),
    ("the 1920s", "window", "1920", "1929"),
    ("the early 1920s", "window", "1920", "1923"),
    ("early 1920s", "window", "1920", "1923"),
    ("in the early 1920s", "window", "1920", "1923"),
    ("the mid-1920s", "window", "1923", "1926"),
    ("mid 1920s", "window", "1923", "1926"),
    ("the late 1920s", "window", "1926", "1929"),
    ("since the early 1920s", "from", "1920/1923", None),
    ("from the 1920s", "from", "1920/1929", None),
    ("until the mid-1920s", "until", None, "1923/1926"),
    ("after the early 1920s", "window", "1920/1923", None),
])
def test_what_a_statement_says_about_time(text, kind, start, end):
    time = parse_time(text)
    assert time.kind == kind
    assert (str(time.start) if time.start else None, str(time.end) if time.end else None) == (start, end)


def test_a_date_may_name_an_event_instead():
    time = parse_time("after party-congress-11")
    assert (time.kind, time.strict) == ("window", True)
    assert time.start == EventRef("party-congress-11")
    resolved = time.resolved(lambda slug: (parse_date("27 March 1922"), parse_date("2 April 1922")))
    assert (str(resolved.start), resolved.strict) == ("1922-04-02", True)


@pytest.mark.parametrize(("text", "first", "last", "qualifier"), [
    ("the 1920s", 1920, 1929, None), ("the early 1920s", 1920, 1923, "early"),
    ("mid-1920s", 1923, 1926, "mid"), ("the late 1930s", 1936, 1939, "late"),
])
def test_a_decade_or_its_part_is_a_span_of_years_kept_as_stated(text, first, last, qualifier):
    span = decade(text)
    assert (span.earliest(), span.latest()) == (dt.date(first, 1, 1), dt.date(last, 12, 31))
    assert (span.qualifier, span.text, span.precision) == (qualifier, text, "years")
    assert decade("1920") is None and decade("the 1920s and 1930s") is None


@pytest.mark.parametrize(("text", "kind", "held", "earliest", "latest"), [
    # 003:64 (Kern): "since the early 1920s": a start somewhere in 1920-1923, no year of it stated
    ("since the early 1920s", "OpenEnded", (None, None), dt.date(1920, 1, 1), None),
    ("from 1923", "OpenEnded", (dt.date(1923, 1, 1), None), dt.date(1923, 1, 1), None),
    ("until the mid-1920s", "EndOnly", (None, None), None, dt.date(1926, 12, 31)),
    ("the early 1920s", "Window", (None, None), dt.date(1920, 1, 1), dt.date(1923, 12, 31)),
    ("before the late 1920s", "EndOnly", (dt.date(1925, 1, 1), dt.date(1925, 12, 31)), None, dt.date(1925, 12, 31)),
])
def test_a_start_or_end_in_a_decade_is_held_in_no_year(text, kind, held, earliest, latest):
    t = tenure(parse_time(text), "stated")
    assert t.kind.split("#")[1] == kind
    assert (t.held.earliest, t.held.latest) == held
    assert (t.bounds.earliest, t.bounds.latest) == (earliest, latest)
    if "1920s" in text:
        assert t.start is None and t.end is None  # no ap:startDate narrows the span to one year


@pytest.mark.parametrize(("stated", "date", "earliest", "latest"), [
    # E dated by a date or a range: before its start, after its end, at their precision
    ("December 1922", "before E", None, "1922-11-30"),
    ("23–25 December 1922", "after E", "1922-12-26", None),
    # E dated only by a window: its own bounds, and nothing where it leaves a side open
    ("after October 1922", "before E", None, None),
    ("after October 1922", "after E", "1922-11-01", None),
    ("no earlier than October 1922", "after E", "1922-10-01", None),
    ("between November 1922 and January 1923", "before E", None, "1923-01-31"),
    ("between November 1922 and January 1923", "after E", "1922-11-01", None),
    ("before 1923", "before E", None, "1922-12-31"),
    ("before 1923", "after E", None, None),
    ("February or March 1923", "at E", "1923-02-01", "1923-03-31"),
])
def test_before_or_after_an_event_is_never_stronger_than_its_dating(stated, date, earliest, latest):
    time = parse_time(date.replace("E", "event-e")).resolved(lambda slug: parse_time(stated))
    w = point_window(time)
    assert (str(w.earliest) if w.earliest else None, str(w.latest) if w.latest else None) == (earliest, latest)


def _ledger(tmp_path: Path, source: str, *rows: str) -> Path:
    path = tmp_path / f"{source}.csv"
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def test_before_an_event_dated_only_after_another_takes_no_latest_bound_from_it(tmp_path):
    """Issue 10: 002 places the Testament only after Stalin's call (itself after the October 1922
    vote), so its row 'before the Testament' has no latest end (it had 30 September 1922); a
    source that does not date the Testament takes the reference source's dating."""
    gazetteer = load_gazetteer(ROOT / "triples" / "gazetteer")
    spartacus = _ledger(tmp_path, "stalin-gensec-spartacus",
                        "22,decision,central-committee,,stalin,October 1922,,a vote,,,cc-foreign-trade-vote-1922-10,,",
                        "26,event,stalin,,krupskaya,after cc-foreign-trade-vote-1922-10,,,,,stalin-call-to-krupskaya,,",
                        "28,event,lenin,,krupskaya,before lenin-testament,,,,,lenin-learns-of-krupskaya-incident,,",
                        "28,document,lenin-testament,letter,,after stalin-call-to-krupskaya,,,,,,,",
                        "30,event,lenin,,,after lenin-testament,,,,,lenin-stroke-3,,",
                        "36,died,lenin,,,after lenin-stroke-3,,,,,lenin-death,,")
    blog = _ledger(tmp_path, "four-attempts-blog",
                   "13,event,lenin,,krupskaya,before lenin-testament,,,,,lenin-learns-of-krupskaya-incident,,")
    monograph = _ledger(tmp_path, "rogovin-1992", "1084,document,lenin-testament,letter,,23–25 December 1922,,,,,,,")
    claims = [c for path in (spartacus, blog, monograph) for c in read_ledger(path, path.stem, gazetteer)]
    graphs = compile_claims(claims, gazetteer, reference="rogovin-1992")

    def bounds(source, node):
        g, node = graphs[source], URIRef(f"https://w3id.org/apparat/id/{node}")
        assert g.value(node, AP.dateAsStated) is not None  # the words as stated, whatever the bounds
        return tuple(None if v is None else str(v) for v in (g.value(node, AP.earliestStart),
                                                             g.value(node, AP.latestEnd)))

    assert bounds("stalin-gensec-spartacus", "event/lenin-learns-of-krupskaya-incident") == (None, None)
    assert bounds("stalin-gensec-spartacus", "document/lenin-testament") == ("1922-11-01", None)
    assert bounds("stalin-gensec-spartacus", "event/lenin-stroke-3") == ("1922-11-01", None)
    # a chain resolves through the source's own datings, never through 004's on the way
    # (the stroke's row comes before the Testament's among the events a row names)
    assert bounds("stalin-gensec-spartacus", "event/lenin-death") == ("1922-11-01", None)
    assert bounds("four-attempts-blog", "event/lenin-learns-of-krupskaya-incident") == (None, "1922-12-22")


@pytest.mark.parametrize(("stated", "date", "earliest", "latest"), [
    # days are counted exactly: 23-25 December moved by three days
    ("23–25 December 1922", "three days after E", "1922-12-26", "1922-12-28"),
    ("23–25 December 1922", "3 days before E", "1922-12-20", "1922-12-22"),
    ("21 January 1924", "a day after E", "1924-01-22", "1924-01-22"),
    # "a few", "several": 2-12 (003:14 calls the 4 January postscript "a few days" after 23-25 December)
    ("23 December 1922", "a few days after E", "1922-12-25", "1923-01-04"),
    ("25 May 1922", "several days after E", "1922-05-27", "1922-06-06"),
    # a week: 7 days +-3
    ("15 July 1923", "two weeks after E", "1923-07-26", "1923-08-01"),
    # months and years are round: the month reached, +-1 month; +-6 months
    ("21 January 1924", "ten months before E", "1923-02-01", "1923-04-30"),
    ("12 June 1923", "a month after E", "1923-06-01", "1923-08-31"),
    ("1922", "one year after E", "1922-07-01", "1924-06-30"),
    # an event dated by a window: the amount moves its bounds; an open side stays open
    ("after October 1922", "three days after E", "1922-11-04", None),
    ("between November 1922 and January 1923", "a month before E", "1922-09-01", "1923-01-31"),
])
def test_an_amount_after_or_before_an_event_moves_its_days(stated, date, earliest, latest):
    time = parse_time(date.replace("E", "event-e"))
    assert time.refs and time.text == date.replace("E", "event-e")  # the words are kept
    w = point_window(time.resolved(lambda slug: parse_time(stated)))
    assert (str(w.earliest) if w.earliest else None, str(w.latest) if w.latest else None) == (earliest, latest)
    if not any(w in stated for w in ("–", "after", "between")):  # an amount from one date moves at once
        direct = point_window(parse_time(date.replace("E", stated)))
        assert (direct.earliest, direct.latest) == (w.earliest, w.latest)


@pytest.mark.parametrize("text", ["three day after event-e", "a days after event-e", "13 months after"])
def test_an_amount_must_read_as_written(text):
    with pytest.raises(DateSyntaxError):
        parse_time(text)


def test_an_amount_from_an_event_takes_a_dating_that_bounds_it(tmp_path):
    """Issue 10: 002:30 puts the third stroke three days after the Testament, which 002 dates
    only after Stalin's call (no latest day): the amount takes the monograph's 23-25 December
    1922; "ten months before" 002's own 21 January 1924 (002:36) gives February-April 1923."""
    gazetteer = load_gazetteer(ROOT / "triples" / "gazetteer")
    spartacus = _ledger(tmp_path, "stalin-gensec-spartacus",
                        "26,event,stalin,,krupskaya,after October 1922,,,,,stalin-call-to-krupskaya,,",
                        "28,document,lenin-testament,letter,,after stalin-call-to-krupskaya,,,,,,,",
                        "30,event,lenin,,,three days after lenin-testament,,,,,lenin-stroke-3,,",
                        "30,event,lenin,,,ten months before lenin-death,,,,,lenin-stroke-3,,",
                        "36,died,lenin,,,21 January 1924,,,,,lenin-death,,")
    monograph = _ledger(tmp_path, "rogovin-1992", "1084,document,lenin-testament,letter,,23–25 December 1922,,,,,,,")
    claims = [c for path in (spartacus, monograph) for c in read_ledger(path, path.stem, gazetteer)]
    g = compile_claims(claims, gazetteer, reference="rogovin-1992")["stalin-gensec-spartacus"]
    rows = {}
    for claim in g.subjects(AP.about, URIRef("https://w3id.org/apparat/id/event/lenin-stroke-3")):
        rows[str(g.value(claim, AP.value))] = (str(g.value(claim, AP.earliest)), str(g.value(claim, AP.latest)),
                                              {str(o).rsplit("/", 3)[-3] for o in g.objects(claim, AP.datedBy)})
    assert rows == {"three days after lenin-testament": ("1922-12-26", "1922-12-28", {"rogovin-1992"}),
                    "ten months before lenin-death": ("1923-02-01", "1923-04-30", {"stalin-gensec-spartacus"})}


@pytest.mark.parametrize("text", ["32 March 1921", "29 February 1923", "1921-13-01", "3 1922", "foo", "between 1921"])
def test_impossible_or_unreadable_dates_are_errors(text):
    with pytest.raises(DateSyntaxError):
        parse_time(text)


@pytest.mark.corpus
def test_every_life_date_of_the_biographical_notes_reads(monograph_lines):
    start, end = biographies.find_section(monograph_lines)
    records = biographies.parse_biographies(monograph_lines[start:end], start + 1)
    assert len(records) == 73
    assert sum(r.birth is not None for r in records) == 73
    assert sum(r.death is not None for r in records) >= 70  # a few death dates are unknown ("?")
    irregular = {r.slug: r.birth.malformed for r in records if r.birth and r.birth.malformed}
    assert irregular == {"rykov": "a day without a month",  # 13 [25] 1881
                         "osinsky": "the bracket holds the Old Style date"}  # 6 April [25 March] 1887


@pytest.mark.corpus
def test_every_date_of_the_congress_table_reads(monograph_lines):
    start, end = congresses.find_congress_section(monograph_lines)
    entries = congresses.parse_congresses(monograph_lines[start:end], start + 1)
    assert len(entries) == 28
    assert all(e.start is not None and e.end is not None and e.start.earliest() <= e.end.latest() for e in entries)
