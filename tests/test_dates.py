"""The one date grammar (apparat.extract.dates): every form the biographical
notes and the table of congresses print, and what a statement says about time."""

from __future__ import annotations

import datetime as dt

import pytest

from apparat.extract import biographies, congresses
from apparat.extract.dates import DateSyntaxError, EventRef, parse_date, parse_time


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
