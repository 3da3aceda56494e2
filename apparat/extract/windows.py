"""Time windows: the days a stated time allows, and the memberships statements make.

A point event's window (:func:`point_window`), a membership's tenure
(:func:`tenure`: the kind of time statement, the days it says the seat was held,
the widest bounds it allows) and the dates each meeting or event met
(:class:`EventDates`, what ``at`` and ``before/after <event>`` resolve to).
Used by the writer (:mod:`apparat.extract.writer`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from ..namespaces import AP
from .dates import StatedDate, StatedTime, event_days
from .records import Span

__all__ = ["EventDates", "Tenure", "Window", "date_literal", "day_literal", "point_window", "tenure"]


def date_literal(date: StatedDate) -> Literal:
    """A stated date as a literal of its own precision (``xsd:gYear``, ``xsd:gYearMonth``, ``xsd:date``).

    Raises:
        ValueError: a span of years (``the early 1920s``): no XSD type holds one, and
            writing its first year would narrow it (its words go into ``ap:dateAsStated``).
    """
    if date.precision == "years":
        raise ValueError(f"{date.text or date.iso()!r} is a span of years, not a date of one precision")
    datatype = {"year": XSD.gYear, "month": XSD.gYearMonth, "day": XSD.date}[date.precision]
    return Literal(date.iso(), datatype=datatype)


def day_literal(d: dt.date) -> Literal:
    return Literal(d.isoformat(), datatype=XSD.date)


def _before(date: StatedDate) -> dt.date:
    """The last day of the unit (year, month, day) before ``date``."""
    return date.earliest() - dt.timedelta(days=1)


def _after(date: StatedDate) -> dt.date:
    """The first day of the unit after ``date``."""
    return date.latest() + dt.timedelta(days=1)


def _one_year(date: StatedDate) -> bool:
    """Whether ``date`` lies in one calendar year (a span of years, ``the early 1920s``, does not)."""
    return date.earliest().year == date.latest().year


def _stated(date: StatedDate | None) -> StatedDate | None:
    """``date`` as a start or end a membership states (``ap:startDate``), or None for a span
    of years: that is a bound given as a window, kept only in its words."""
    return None if date is None or date.precision == "years" else date


@dataclass(frozen=True)
class Window:
    """Bounds for a point in time, or for a held span (``None``: unbounded)."""

    earliest: dt.date | None
    latest: dt.date | None


def point_window(time: StatedTime) -> Window:
    """The days a point event stated so may have happened on."""
    s, e = time.start, time.end
    if time.kind == "undated":
        return Window(None, None)
    if time.kind == "at":
        return Window(s.earliest(), s.latest())
    if time.kind == "range":
        return Window(s.earliest(), e.latest())
    if time.kind == "from":
        return Window(s.earliest(), None)
    if time.kind == "until":
        return Window(None, e.latest())
    lo = (_after(s) if time.strict else s.earliest()) if s else None
    hi = (_before(e) if time.strict else e.latest()) if e else None
    return Window(lo, hi)


@dataclass(frozen=True)
class Tenure:
    """How a membership statement is written: kind, stated dates, held span, bounds."""

    kind: URIRef
    start: StatedDate | None = None
    end: StatedDate | None = None
    at: StatedDate | None = None
    held: Window = Window(None, None)
    bounds: Window = Window(None, None)


def tenure(time: StatedTime, mode: str, meeting: bool = False) -> Tenure:
    """The membership a statement makes (``mode``: stated, start, end or point).

    ``meeting``: the time is the span of the meeting the statement was made at (a
    congress's days), not a window the text leaves open: a member there held the seat
    during it.

    >>> t = tenure(StatedTime("at", StatedDate(1914)), "start")
    >>> t.kind.split("#")[1], t.held, t.bounds.latest
    ('StartOnly', Window(earliest=datetime.date(1914, 1, 1), latest=datetime.date(1914, 12, 31)), None)
    """
    s, e, k = time.start, time.end, time.kind
    if k == "undated":
        return Tenure(AP.Undated)
    if k == "window" and meeting and not (mode == "stated" and s and e):
        w = point_window(time)
        if w.earliest:
            # at a meeting: held during its days; at one placed only "after X", from then
            # to the end of that year, for an election, a re-election and a member alike
            hi = w.latest or dt.date(w.earliest.year, 12, 31)
            if mode == "start":
                return Tenure(AP.StartOnly, held=Window(w.earliest, hi), bounds=Window(w.earliest, None))
            if mode == "end":
                return Tenure(AP.EndOnly, held=Window(w.earliest, hi), bounds=Window(None, hi))
            return Tenure(AP.AtTime, held=Window(w.earliest, hi))
    if k == "range" or (k == "window" and meeting and mode == "stated" and s and e):
        # "between 1920 and 1929" is a window, never a range (the ledger guide); the days
        # of a meeting a member sat at are the span he held the seat. A bound that is a span
        # of years ("from the early 1920s to 1930") is a start or end given as a window:
        # held in no year, as such a start is
        bounds = Window(s.earliest(), e.latest())
        held = bounds if _one_year(s) and _one_year(e) else Window(None, None)
        return Tenure(AP.Range, _stated(s), _stated(e), held=held, bounds=bounds)
    if k == "from":
        # "since the early 1920s": an open-ended tenure whose start is a window over several
        # years holds in no year, "possibly" from the window's first day
        held = Window(s.earliest(), None) if _one_year(s) else Window(None, None)
        return Tenure(AP.OpenEnded, _stated(s), held=held, bounds=Window(s.earliest(), None))
    if k == "until" or (k == "window" and e is not None and s is None and mode in ("stated", "end")):
        if time.strict:  # "before 1921": it held up to the year (month, day) before
            last = _before(e)
            return Tenure(AP.EndOnly, held=Window(last.replace(month=1, day=1) if e.precision in ("year", "years")
                                                  else last.replace(day=1) if e.precision == "month" else last,
                                                  last), bounds=Window(None, last))
        if not _one_year(e):  # "until the mid-1920s": an end given as a window, held in no year
            return Tenure(AP.EndOnly, held=Window(None, None), bounds=Window(None, e.latest()))
        return Tenure(AP.EndOnly, end=e, held=Window(e.earliest(), e.latest()), bounds=Window(None, e.latest()))
    if k == "window":
        w = point_window(time)
        if mode == "start" and w.earliest:
            # a start somewhere in a window: held only where the window lies in one year
            # ("February or March 1923"); "between 1922 and 1924" states no year (a start in
            # it, "possibly" from its first day); "after X" (no upper bound) holds X's year
            hi = w.latest or dt.date(w.earliest.year, 12, 31)
            held = Window(w.earliest, hi) if hi.year == w.earliest.year else Window(None, None)
            return Tenure(AP.StartOnly, held=held, bounds=Window(w.earliest, None))
        if mode == "end" and w.latest:
            lo = w.earliest or dt.date(w.latest.year, 1, 1)
            held = Window(lo, w.latest) if lo.year == w.latest.year else Window(None, None)
            return Tenure(AP.EndOnly, held=held, bounds=Window(None, w.latest))
        if mode == "stated" and w.earliest and not w.latest:
            # "after the congress, a member": held from then to the end of that year, as a start
            # "after X" is; a later year is only possible (no "from X on" the text does not state)
            return Tenure(AP.AtTime, held=Window(w.earliest, dt.date(w.earliest.year, 12, 31)),
                          bounds=Window(w.earliest, None))
        return Tenure(AP.Window, bounds=w)
    # "at": a point of the date's precision
    if mode == "start":
        return Tenure(AP.StartOnly, start=s, held=Window(s.earliest(), s.latest()), bounds=Window(s.earliest(), None))
    if mode == "end":
        return Tenure(AP.EndOnly, end=s, held=Window(s.earliest(), s.latest()), bounds=Window(None, s.latest()))
    return Tenure(AP.AtTime, at=s, held=Window(s.earliest(), s.latest()))


@dataclass
class EventDates:
    """When each meeting or event met, as the sources state it: what ``at`` resolves to.

    ``add`` records a statement; ``lookup(slug, source)`` prefers the source's own
    dating of the event, else the ``reference`` source's (the profile saying
    ``reference = true``: the monograph's table), else any source's, and returns
    ``(time, source, spans)`` or None. A source's own dating counts even when it is
    relative (``after X``: resolved by :func:`~.writer.compile_claims` into a window,
    before any row that names the event takes another source's dating), except for an
    amount from the event (``bounded``).
    """

    reference: str | None = None
    stated: dict[str, list[tuple[str, StatedTime, tuple[Span, ...]]]] = field(default_factory=dict)

    #: Events dated only by another ("the plenum after the congress"), as stated.
    relative: dict[str, list[tuple[str, StatedTime, tuple[Span, ...]]]] = field(default_factory=dict)

    def add(self, slug: str, source: str, time: StatedTime, spans: tuple[Span, ...]) -> None:
        if time.kind != "undated" and not time.refs:
            self.stated.setdefault(slug, []).append((source, time, spans))
        elif time.refs:
            self.relative.setdefault(slug, []).append((source, time, spans))

    def lookup_relative(self, slug: str, source: str):
        """How an event no source dates is placed relative to another (``after X``):
        ``(time, source, spans)`` or None, preferring sources as :meth:`lookup` does."""
        if self.stated.get(slug):
            return None
        return self.lookup(slug, source, self.relative)

    def lookup(self, slug: str, source: str, table: dict | None = None, bounded: bool = False):
        """``bounded``: take only datings that bound the event on both sides (what an
        amount from it, ``three days after X``, needs: an amount from an open window says
        no more than the window), passing over the source's own if it has none; a source's
        several such datings count as one window from the first day any allows to the last
        (a footnote's 23 December and the text's 23-25 December 1922: 23-25 December)."""
        found = (self.stated if table is None else table).get(slug, [])
        for wanted in (source, self.reference, None):
            if bounded:  # every such dating of that source, as one window: 23 December and 23-25 December
                days = [(event_days(t), src, sp) for src, t, sp in found
                        if (wanted is None or src == wanted) and None not in event_days(t)]
                days = [d for d in days if d[1] == days[0][1]] if days else []
                if days:
                    lo, hi = min(d[0][0] for d in days), max(d[0][1] for d in days)
                    window = StatedTime("window", StatedDate(lo.year, lo.month, lo.day),
                                        StatedDate(hi.year, hi.month, hi.day))
                    return window, days[0][1], tuple(span for d in days for span in d[2])
                continue
            for src, time, spans in found:
                if wanted is None or src == wanted:
                    return time, src, spans
        return None
