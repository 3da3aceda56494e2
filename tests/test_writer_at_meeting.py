"""A statement made "at" a meeting takes the meeting's dates; a meeting no source dates but
one places "after" another event is dated by that event too (the reviewer's note on the
plenum after the Thirteenth Congress, rogovin-1992 line 3479). Invented claims."""

from __future__ import annotations

import datetime

from rdflib import Literal
from rdflib.namespace import XSD

from apparat import ids
from apparat.extract.dates import parse_time
from apparat.extract.gazetteer import Gazetteer
from apparat.extract.records import Claim, Span
from apparat.extract.writer import compile_claims
from apparat.namespaces import AP

SOURCE = "invented-source"


def _claims(plenum_dated: bool) -> list[Claim]:
    congress = Claim(SOURCE, (Span(10, 10),), "meeting", "event/congress-x", time=parse_time("3–9 May 1930"))
    plenum = Claim(SOURCE, (Span(20, 20),), "meeting", "event/plenum-after-x", time=parse_time("after congress-x"))
    member = Claim(SOURCE, (Span(20, 20),), "member", "person/alpha", role="secretary",
                   objects=("organ/secretariat",), at=("event/plenum-after-x",))
    elected = Claim(SOURCE, (Span(21, 21),), "elected", "person/beta", role="secretary",
                    objects=("organ/secretariat",), at=("event/plenum-after-x",))
    reelected = Claim(SOURCE, (Span(21, 21),), "reelected", "person/gamma", role="secretary",
                      objects=("organ/secretariat",), at=("event/plenum-after-x",))
    return [congress, *([plenum] if plenum_dated else []), member, elected, reelected]


def _day(text: str) -> Literal:
    return Literal(text, datatype=XSD.date)


def test_a_membership_at_a_meeting_dated_after_an_event_takes_its_bounds_from_the_event():
    g = compile_claims(_claims(plenum_dated=True), Gazetteer())[SOURCE]
    alpha = ids.entity("membership", "alpha/secretariat/secretary/at-plenum-after-x")
    # "a secretary at the plenum": held then, as an election there is (from the day after the congress
    # closed to the end of that year), not from then on
    assert g.value(alpha, AP.timeStatement) == AP.AtTime
    assert (g.value(alpha, AP.heldFrom), g.value(alpha, AP.heldUntil)) == (_day("1930-05-10"), _day("1930-12-31"))
    assert g.value(alpha, AP.latestEnd) is None
    assert g.value(alpha, AP.dateAsStated) == Literal("at plenum-after-x")
    dated_by = {int(g.value(loc, AP.lineStart)) for loc in g.objects(alpha, AP.datedBy)}
    assert dated_by == {10, 20}  # the line dating the congress and the line placing the plenum after it
    beta = ids.entity("membership", "beta/secretariat/secretary/at-plenum-after-x")
    assert g.value(beta, AP.timeStatement) == AP.StartOnly
    assert (g.value(beta, AP.heldFrom), g.value(beta, AP.heldUntil)) == (_day("1930-05-10"), _day("1930-12-31"))
    assert g.value(beta, AP.earliestStart).toPython() == datetime.date(1930, 5, 10)
    gamma = ids.entity("membership", "gamma/secretariat/secretary/at-plenum-after-x")  # re-elected there
    assert g.value(gamma, AP.timeStatement) == AP.AtTime
    assert (g.value(gamma, AP.heldFrom), g.value(gamma, AP.heldUntil)) == (_day("1930-05-10"), _day("1930-12-31"))
    election = ids.entity("event", "beta/election-secretariat/at-plenum-after-x")
    assert g.value(election, AP.earliestStart) == _day("1930-05-10") and g.value(election, AP.latestEnd) is None


def test_a_meeting_nobody_dates_leaves_the_membership_undated():
    g = compile_claims(_claims(plenum_dated=False), Gazetteer())[SOURCE]
    alpha = ids.entity("membership", "alpha/secretariat/secretary/open")
    assert g.value(alpha, AP.timeStatement) == AP.Undated and g.value(alpha, AP.heldFrom) is None
