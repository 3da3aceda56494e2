"""The one date grammar: what a statement says about time, as every parser and
every ledger row writes it. Pure functions, standard library only.

A **stated date** (:class:`StatedDate`) has the precision the text gives it:

- ``1922``, ``April 1922``, ``3 April 1922``; ISO ``1922``, ``1922-04``, ``1922-04-03``;
  American ``April 3, 1922``;
- Old Style [New Style] pairs as the biographical notes print them: ``6 [18] July
  1883``, ``22 March [4 April] 1884``, ``13 [25] 1881`` (month missing: kept as
  stated, :attr:`StatedDate.malformed` says so). Of a pair the later date is the New
  Style one, whichever is bracketed; the other is :attr:`StatedDate.old_style`;
- ``c.``, ``ca.``, ``circa``, ``about``, ``approx.``, ``likely``, ``probably``, ``~`` before it,
  or ``?`` after it, set :attr:`StatedDate.approximate`;
- ``early``, ``mid``, ``late``, ``end of``, ``beginning of``, ``first half of``,
  ``second half of``, ``spring``, ``summer``, ``autumn``, ``fall``, ``winter`` (with or
  without ``of``) are kept as :attr:`StatedDate.qualifier`; the bounds stay those of
  the year or month (the widest honest ones: nothing is narrowed by guesswork).

A **stated time** (:class:`StatedTime`) is what one statement says about when:

==========================================  ==========  ==========================================
written                                     ``kind``    meaning
==========================================  ==========  ==========================================
(empty)                                     undated     no time stated
``D``, ``in D``, ``on D``, ``at D``         at          holds at D (a point of D's precision)
``D1–D2``, ``D1 - D2``, ``D1 to D2``,       range       holds from D1 to D2
``from D1 to|until|through D2``
``from D``, ``since D``                     from        holds from D on (open-ended)
``until D``, ``till D``, ``up to D``        until       holds up to D (start not stated)
``between D1 and D2``, ``D1 or D2``         window      a point somewhere in D1 .. D2
``before D``, ``by D``, ``no later than D`` window      a point no later than D (``before``: earlier)
``the 1920s``, ``the early 1920s``          window      a point in those years (:data:`DECADE_PARTS`)
``after D``, ``no earlier than D``          window      a point no earlier than D (``after``: later)
``N days|weeks|months|years after|before``  window      D's days moved by the amount (:class:`Offset`)
``D`` (N: digits, ``a``, ``one``–``twelve``,
``a few``, ``several``)
==========================================  ==========  ==========================================

A decade or a part of it as the bound of a ``from``, ``until`` or range (``since the early
1920s``) is one :class:`StatedDate` spanning those years (:attr:`StatedDate.last_year`):
a start or end given as a window, kept in its words, never read as its first year.

In a range the left date borrows what it leaves out from the right one: ``8–16 March
1921``, ``27 March–2 April 1922``, ``1922–34`` (two-digit years). A ledger row may name
an event instead of a date (``at party-congress-11``, ``after party-congress-11``):
such a ``D`` is a :class:`EventRef`, resolved later from that event's own dates.

>>> t = parse_time("8–16 March 1921")
>>> t.kind, str(t.start), str(t.end)
('range', '1921-03-08', '1921-03-16')
>>> parse_time("from 1934").kind, parse_time("until October 1927").kind
('from', 'until')
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass, field, replace

__all__ = [
    "DATE_IN_TEXT",
    "DECADE_PARTS",
    "MONTH_IN_TEXT",
    "RANGE_IN_TEXT",
    "RANGE_SPLIT_RE",
    "YEAR_IN_TEXT",
    "DateSyntaxError",
    "EventRef",
    "Offset",
    "StatedDate",
    "StatedTime",
    "decade",
    "event_days",
    "find_dates",
    "parse_date",
    "parse_time",
]

MONTHS = {m: i for i, m in enumerate(calendar.month_name) if m}
_MONTH_ABBR = {m[:3]: i for m, i in MONTHS.items()} | {"Sept": 9}
_M = "(?:" + "|".join(MONTHS) + r")\b"


class DateSyntaxError(ValueError):
    """A date expression that the grammar does not read, or a day that does not exist."""


@dataclass(frozen=True)
class StatedDate:
    """A date of the precision the text states; ``old_style`` holds its Julian twin."""

    year: int
    month: int | None = None
    day: int | None = None
    old_style: StatedDate | None = field(default=None, compare=True)
    approximate: bool = False
    qualifier: str | None = None
    malformed: str | None = None
    text: str = field(default="", compare=False)
    #: The last year of a span of years stated as one date (``the early 1920s``: 1923, with
    #: ``year`` 1920); None for a date of one year, month or day.
    last_year: int | None = None

    def earliest(self) -> datetime.date:
        """The first day the stated precision allows.

        >>> StatedDate(1924, 2).earliest()
        datetime.date(1924, 2, 1)
        """
        return datetime.date(self.year, self.month or 1, self.day or 1)

    def latest(self) -> datetime.date:
        """The last day the stated precision allows.

        >>> StatedDate(1924, 2).latest()
        datetime.date(1924, 2, 29)
        """
        if self.month is None:
            return datetime.date(self.last_year or self.year, 12, 31)
        last = calendar.monthrange(self.year, self.month)[1]
        return datetime.date(self.year, self.month, self.day or last)

    @property
    def precision(self) -> str:
        """``year``, ``month`` or ``day``; ``years`` for a span of years (``the early 1920s``)."""
        if self.last_year is not None:
            return "years"
        return "year" if self.month is None else "month" if self.day is None else "day"

    def iso(self) -> str:
        """The date at its own precision: ``1922``, ``1922-04`` or ``1922-04-03``; a span
        of years as an ISO 8601 interval of years, ``1920/1923``."""
        if self.last_year is not None:
            return f"{self.year:04d}/{self.last_year:04d}"
        parts = [f"{self.year:04d}"] + [f"{p:02d}" for p in (self.month, self.day) if p]
        return "-".join(parts)

    def key(self) -> str:
        """Zero-padded ``yyyy-mm-dd`` (``00`` for what is not stated), as IRIs use it;
        ``yyyy-yyyy`` for a span of years."""
        if self.last_year is not None:
            return f"{self.year:04d}-{self.last_year:04d}"
        return f"{self.year:04d}-{self.month or 0:02d}-{self.day or 0:02d}"

    def sort_key(self) -> tuple:
        old = self.old_style.sort_key() if self.old_style else ()
        return (self.year, self.month or 0, self.day or 0, self.last_year or 0, self.approximate, old, self.text)

    def __str__(self) -> str:
        return self.iso()

    def __lt__(self, other: StatedDate) -> bool:
        return self.sort_key() < other.sort_key()


@dataclass(frozen=True)
class EventRef:
    """A date given by naming an event (``party-congress-11``): resolved from its dates."""

    slug: str
    text: str = field(default="", compare=False)


@dataclass(frozen=True)
class StatedTime:
    """What one statement says about time (see the module docstring for ``kind``).

    ``start``/``end`` are :class:`StatedDate` or :class:`EventRef`. For ``window``,
    ``start`` is the earliest and ``end`` the latest the point may be (either may be
    None), and ``strict`` says they are excluded (``before``/``after``).
    """

    kind: str
    start: StatedDate | EventRef | None = None
    end: StatedDate | EventRef | None = None
    strict: bool = False
    text: str = field(default="", compare=False)
    #: An amount from an event (``three days after X``): the window is X's days moved by it.
    offset: Offset | None = None

    KINDS = ("undated", "at", "range", "from", "until", "window")

    @property
    def refs(self) -> list[EventRef]:
        return [d for d in (self.start, self.end) if isinstance(d, EventRef)]

    def resolved(self, lookup) -> StatedTime:
        """This time with every :class:`EventRef` replaced through ``lookup(slug)``.

        ``lookup`` returns the event's own time, a :class:`StatedTime` with no references
        (or a ``(start, end)`` pair of its stated dates). ``at E`` becomes a point within
        the event's time (its date if it has one; a window if E is dated by one). ``after
        E`` starts after E's end, ``before E`` ends before its start, each at the precision
        of E's dates; where E itself is dated only by a window (``after X``, ``before X``,
        ``between …``, as an event dated relative to another resolves), ``before E`` ends
        no earlier than E's latest bound and ``after E`` starts no later than its earliest
        one, and a side E leaves open is left open: nothing is stronger than E's dating.
        In a range or ``from``/``until`` an event stands for its start (as a start) or its
        end (as an end).

        >>> t = parse_time("before lenin-testament")
        >>> str(t.resolved(lambda slug: parse_time("between November 1922 and 1923")).end)
        '1923'
        >>> t.resolved(lambda slug: parse_time("after October 1922")).end is None
        True
        """
        if not self.refs:
            return self
        start, end = self.start, self.end
        if self.offset is not None:
            ref = start if isinstance(start, EventRef) else end
            lo, hi = self.offset.moved(event_days(_event_time(lookup(ref.slug))))
            return replace(self, start=lo, end=hi, strict=False, offset=None)
        if self.kind == "at" and isinstance(start, EventRef):
            event = _event_time(lookup(start.slug))
            if event.kind == "window":
                return replace(self, kind="window", start=event.start, end=event.end, strict=event.strict)
            if event.kind in ("from", "until"):  # at an event held from (until) a date: a window open on one side
                return replace(self, kind="window", start=event.start, end=event.end, strict=False)
            if event.kind == "range" and event.end != event.start:
                return replace(self, kind="window", start=event.start, end=event.end, strict=False)
            return replace(self, start=event.start)
        if self.kind == "window":
            strict = [self.strict]
            if isinstance(start, EventRef):
                start, excluded = _bound(_event_time(lookup(start.slug)), "start", self.strict)
                strict.append(excluded or start is None)
            if isinstance(end, EventRef):
                end, excluded = _bound(_event_time(lookup(end.slug)), "end", self.strict)
                strict.append(excluded or end is None)
            return replace(self, start=start, end=end, strict=all(strict))
        if isinstance(start, EventRef):
            event = _event_time(lookup(start.slug))
            start = event.start if event.kind != "until" else event.end
        if isinstance(end, EventRef):
            event = _event_time(lookup(end.slug))
            first = event.start if event.kind != "until" else event.end
            end = (event.end if event.kind == "range" else None) or first
        kind = self.kind
        if kind == "range" and (start is None or end is None):  # the event gave only one side
            kind = "from" if end is None else "until"
        if (kind == "from" and start is None) or (kind == "until" and end is None):
            return StatedTime("undated", text=self.text)
        return replace(self, kind=kind, start=start, end=end)


#: Numbers an amount may be written in, besides digits.
NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
#: Vague amounts, as a convention (the text gives no number): "a few days", "several days"
#: 2–12, since the texts use "a few days" that loosely: 003:14 has the postscript of
#: 4 January 1923 "a few days" after the Testament of 23–25 December 1922.
VAGUE_AMOUNTS = {"a few": (2, 12), "several": (2, 12)}
#: How far a round amount may be off, per unit, as a convention: days are counted exactly
#: ("three days after" 23–25 December is 26–28 December); a week ±3 days; months and years
#: are round figures, read at month precision: "ten months before" 21 January 1924 is
#: March 1923 ±1 month (February–April 1923), "two years after" a month ±6 months.
OFFSET_SLACK = {"day": 0, "week": 3, "month": 1, "year": 6}


@dataclass(frozen=True)
class Offset:
    """An amount of time after (``sign`` +1) or before (-1) an event: ``low``..``high`` units."""

    low: int
    high: int
    unit: str
    sign: int

    def moved(self, days: tuple[datetime.date | None, datetime.date | None]) -> tuple[StatedDate | None,
                                                                                   StatedDate | None]:
        """The window ``days`` (an event's first and last possible day) moved by this amount:
        ``(earliest, latest)`` as dates of the precision the unit allows (days and weeks:
        a day; months and years: a month), either None where the event leaves that side open.

        >>> lo, hi = Offset(3, 3, "day", 1).moved((datetime.date(1922, 12, 23), datetime.date(1922, 12, 25)))
        >>> str(lo), str(hi)
        ('1922-12-26', '1922-12-28')
        >>> lo, hi = Offset(10, 10, "month", -1).moved((datetime.date(1924, 1, 21), datetime.date(1924, 1, 21)))
        >>> str(lo), str(hi)
        ('1923-02', '1923-04')
        """
        first, last = days
        if self.sign > 0:
            near, far = (first, self.low), (last, self.high)
        else:
            near, far = (first, -self.high), (last, -self.low)
        lo = self._shift(*near, -1) if near[0] else None
        hi = self._shift(*far, 1) if far[0] else None
        return lo, hi

    def _shift(self, day: datetime.date, amount: int, side: int) -> StatedDate:
        slack = OFFSET_SLACK[self.unit]
        if self.unit in ("day", "week"):
            d = day + datetime.timedelta(days=amount * (7 if self.unit == "week" else 1) + side * slack)
            return StatedDate(d.year, d.month, d.day)
        months = day.year * 12 + day.month - 1 + amount * (12 if self.unit == "year" else 1) + side * slack
        return StatedDate(months // 12, months % 12 + 1)


_OFFSET_RE = re.compile(
    r"(?P<n>\d+|a few|several|" + "|".join(NUMBER_WORDS) + r")\s+(?P<unit>day|week|month|year)s?"
    r"\s+(?P<dir>after|before)\s+(?P<rest>\S.*)", re.I)


def _offset(shown: str) -> StatedTime | None:
    """``N days|weeks|months|years after|before D`` as a window (None: not an offset)."""
    m = _OFFSET_RE.fullmatch(shown)
    if m is None:
        return None
    n = m["n"].lower()
    low, high = VAGUE_AMOUNTS.get(n) or ((int(n),) * 2 if n.isdigit() else (NUMBER_WORDS[n],) * 2)
    unit, plural = m["unit"].lower(), shown[m.end("unit"):m.end("unit") + 1].lower() == "s"
    if (low == high == 1) == plural and n not in VAGUE_AMOUNTS:
        raise DateSyntaxError(f"{m['n']!r} with {m['unit']}{'s' if plural else ''} in {shown!r}")
    offset = Offset(low, high, unit, 1 if m["dir"].lower() == "after" else -1)
    anchor = _date_or_ref(m["rest"])
    if isinstance(anchor, EventRef):
        return StatedTime("window", anchor, anchor, text=shown, offset=offset)
    lo, hi = offset.moved(event_days(StatedTime("at", anchor)))  # a date moves at once
    return StatedTime("window", lo, hi, text=shown)


def event_days(event: StatedTime) -> tuple[datetime.date | None, datetime.date | None]:
    """An event's first and last possible day, from its own time (a window's open side: None)."""
    s, e = event.start, event.end
    if event.kind == "at":
        return s.earliest(), s.latest()
    if event.kind == "range":
        return s.earliest(), e.latest()
    if event.kind == "from":
        return s.earliest(), None
    if event.kind == "until":
        return None, e.latest()
    if event.kind == "window":
        lo = (s.latest() + datetime.timedelta(days=1) if event.strict else s.earliest()) if s else None
        hi = (e.earliest() - datetime.timedelta(days=1) if event.strict else e.latest()) if e else None
        return lo, hi
    return None, None


def _event_time(found) -> StatedTime:
    """An event's time as ``lookup`` gives it: a :class:`StatedTime`, or a ``(start, end)`` pair."""
    if isinstance(found, StatedTime):
        return found
    first, last = found
    return StatedTime("at", first) if last is None or last == first else StatedTime("range", first, last)


def _bound(event: StatedTime, side: str, strict: bool) -> tuple[StatedDate | None, bool]:
    """The date a window's bound naming an event resolves to, and whether it is excluded.

    ``side`` ``start`` (``after E``, ``no earlier than E``, ``between E and …``) or ``end``;
    ``strict``: the window excludes the event (``after``/``before``). An event dated by a
    date or a range is bounded at that date's precision (``after E``: after its end);
    one dated by a window only by that window's own bound (``after E`` where E is ``after
    X``: after X; ``before E`` where E is ``after X``: no bound), excluded where E's was.
    """
    k = event.kind
    if k == "at":
        return event.start, strict
    if k == "range":
        if side == "start":
            return (event.end if strict else event.start), strict
        return (event.start if strict else event.end), strict
    if k == "from":  # held from D on, its end not stated
        if side == "start":
            return event.start, False  # after it: after its start at least, not after D as a whole
        return (event.start, True) if strict else (None, False)
    if k == "until":  # held up to D, its start not stated
        if side == "start":
            return (event.end, True) if strict else (None, False)
        return (None, False) if strict else (event.end, False)
    if k == "window":  # a point somewhere in it: only its own bounds bound what is before or after it
        date = event.start if side == "start" else event.end
        return date, event.strict if date is not None else False
    return None, False


# ------------------------------------------------------------------------------ one date

_APPROX = r"(?:c\.|ca\.|circa|about|approx\.|approximately|likely|probably|~)"
_QUALIFIERS = ("beginning of", "end of", "first half of", "second half of", "early", "mid",
               "late", "spring", "summer", "autumn", "fall", "winter")
_QUAL_RE = re.compile(r"^(?P<q>" + "|".join(q.replace(" ", r"\s+") for q in _QUALIFIERS)
                      + r")(?:\s+of)?[\s-]+", re.I)
_APPROX_RE = re.compile(rf"^{_APPROX}\s*|\s*(?:\?|\(\?\))$", re.I)
_ISO_RE = re.compile(r"(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2}))?)?")
_US_RE = re.compile(rf"(?P<m>{_M})\s+(?P<d>\d{{1,2}}),\s*(?P<y>\d{{4}})")
_BOOK_RE = re.compile(
    rf"(?:(?P<d1>\d{{1,2}})\s+)?(?:(?P<m1>{_M})\s*)?(?:(?P<y1>\d{{4}})\s*)?"
    rf"(?:\[\s*(?:(?P<d2>\d{{1,2}})\s*)?(?:(?P<m2>{_M})\s*)?(?:(?P<y2>\d{{4}})\s*)?\]\s*)?"
    rf"(?:(?P<m3>{_M})\s*)?(?P<y3>\d{{4}})?")


def parse_date(text: str, default_year: int | None = None) -> StatedDate:
    """Read one stated date (see the module docstring).

    ``default_year`` completes a date printed without its year (``16 March`` in
    ``8–16 March 1921``: the parser passes the right-hand year).

    Raises:
        DateSyntaxError: the text is no date, or names a day that does not exist.

    >>> d = parse_date("6 [18] July 1883")
    >>> d.iso(), d.old_style.iso()
    ('1883-07-18', '1883-07-06')
    >>> parse_date("likely 1925").approximate, parse_date("late 1923").qualifier
    (True, 'late')
    """
    shown = " ".join(text.split()).strip().rstrip(".,;").strip()
    core = shown
    approximate = False
    qualifier = None
    while True:
        m_approx = _APPROX_RE.search(core)
        m_qual = _QUAL_RE.match(core)
        if m_approx and (m_approx.start() == 0 or m_approx.end() == len(core)):
            approximate = True
            core = (core[:m_approx.start()] + core[m_approx.end():]).strip()
        elif m_qual:
            qualifier = " ".join(m_qual["q"].lower().split())
            core = core[m_qual.end():].strip()
        else:
            break
    if not core:
        raise DateSyntaxError(f"no date in {text!r}")
    extra = {"approximate": approximate, "qualifier": qualifier, "text": shown}
    if m := _ISO_RE.fullmatch(core):
        return _make(int(m["y"]), _int(m["m"]), _int(m["d"]), shown, **extra)
    if m := _US_RE.fullmatch(core):
        return _make(int(m["y"]), MONTHS[m["m"]], int(m["d"]), shown, **extra)
    m = _BOOK_RE.fullmatch(core)
    if m is None or not (m["d1"] or m["m1"] or m["y1"] or m["m3"] or m["y3"] or m["d2"]):
        raise DateSyntaxError(f"not a date: {text!r} (write e.g. 1922, April 1922, 3 April 1922, 1922-04-03)")
    year = int(m["y1"] or m["y3"] or m["y2"] or default_year or 0) or None
    if year is None:
        raise DateSyntaxError(f"no year in {text!r}")
    month = m["m1"] or m["m3"]
    main = (year, MONTHS.get(month), _int(m["d1"]))
    if not (m["d2"] or m["m2"] or m["y2"]):
        if main[2] is not None and main[1] is None:
            raise DateSyntaxError(f"a day without a month in {text!r}")
        return _make(*main, shown, **extra)
    twin = (int(m["y2"] or year), MONTHS.get(m["m2"] or month), _int(m["d2"]))
    new, old = sorted([main, twin], key=lambda t: (t[0], t[1] or 0, t[2] or 0), reverse=True)
    malformed = None
    if new[1] is None and new[2] is not None:
        malformed = "a day without a month"
        new, old = (new[0], None, None), (old[0], None, None)
    elif main == new and (m["d2"] or m["m2"]):
        malformed = "the bracket holds the Old Style date"  # the notes bracket the New Style
    else:
        gap = _gap(new, old)
        if gap is not None and gap not in (12, 13):
            malformed = f"Old and New Style differ by {gap} days, not 12 or 13"
    old_date = _make(*old, shown, lenient=True)
    return _make(*new, shown, old_style=old_date, malformed=malformed, lenient=True, **extra)


def _gap(new: tuple, old: tuple) -> int | None:
    if None in (new[1], new[2], old[1], old[2]):
        return None
    try:
        return (datetime.date(*new) - datetime.date(*old)).days
    except ValueError:
        return None


def _int(s: str | None) -> int | None:
    return int(s) if s else None


def _make(year: int, month: int | None, day: int | None, shown: str, *, lenient: bool = False,
          **kw) -> StatedDate:
    if month is not None and not 1 <= month <= 12:
        raise DateSyntaxError(f"no month {month} in {shown!r}")
    last = calendar.monthrange(year, month)[1] if month else 31
    if day is not None and not 1 <= day <= last:
        raise DateSyntaxError(f"no day {day} in {shown!r}")
    if day is not None and month is None and not lenient:
        raise DateSyntaxError(f"a day without a month in {shown!r}")
    return StatedDate(year, month, day, **kw)


# ------------------------------------------------------------------------------ times

_EVENT_SLUG = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)+")
_DASH = (r"\s*[–—]\s*|(?<=\b\d{4})-(?=(?:\d{2}|\d{4})\b(?!-))|\s+-\s+"
         rf"|(?<=[a-z])-(?={_M})")  # "April-May 1920"
_WORDS = {"to", "until", "till", "through", "thru"}


_DECADE_RE = re.compile(r"(?:the\s+)?(?:(?P<q>early|mid|late)[\s-]+)?(?:the\s+)?(?P<d>\d{3}0)'?s", re.I)
#: The years of a decade each part names, as offsets from its first year (a convention, as
#: the text gives no bounds): four years each, a neighbour sharing an edge year, since where
#: "early" ends and "mid" begins is not sharp: the early 1920s 1920–1923, the mid-1920s
#: 1923–1926, the late 1920s 1926–1929; the 1920s 1920–1929.
DECADE_PARTS = {None: (0, 9), "early": (0, 3), "mid": (3, 6), "late": (6, 9)}


def decade(text: str) -> StatedDate | None:
    """A decade or a part of one (``the 1920s``, ``the early 1920s``, ``mid-1920s``,
    ``late 1920s``) as a span of years (:attr:`StatedDate.last_year`), its words kept; None
    when ``text`` is no decade.

    >>> d = decade("the early 1920s"); (d.iso(), d.qualifier, str(d.latest()))
    ('1920/1923', 'early', '1923-12-31')
    """
    m = _DECADE_RE.fullmatch(" ".join(text.split()))
    if m is None:
        return None
    q = m["q"].lower() if m["q"] else None
    first, last = (int(m["d"]) + k for k in DECADE_PARTS[q])
    return StatedDate(first, qualifier=q, last_year=last, text=" ".join(text.split()))


def _date_or_ref(text: str, default_year: int | None = None) -> StatedDate | EventRef:
    text = text.strip()
    if span := decade(text):  # "since the early 1920s": a start somewhere in 1920-1923
        return span
    try:
        return parse_date(text, default_year)
    except DateSyntaxError:
        if _EVENT_SLUG.fullmatch(text):
            return EventRef(text, text)
        raise


def _range(left: str, right: str, shown: str) -> StatedTime:
    left, right = left.strip(), right.strip()
    if re.fullmatch(r"\d{2}", right) and re.fullmatch(r"\d{4}", left):
        right = left[:2] + right  # "1922–34"
    end = _date_or_ref(right)
    if isinstance(end, EventRef):
        return StatedTime("range", _date_or_ref(left), end, text=shown)
    if re.fullmatch(r"\d{1,2}", left) and end.month:  # "8–16 March 1921"
        left = f"{left} {calendar.month_name[end.month]}"
    start = _date_or_ref(left, default_year=end.year)
    return StatedTime("range", start, end, text=shown)


def parse_time(text: str) -> StatedTime:
    """Read what a statement says about time (see the module docstring).

    Raises:
        DateSyntaxError: naming what could not be read.

    >>> parse_time("").kind
    'undated'
    >>> t = parse_time("27 March–2 April 1922"); (str(t.start), str(t.end))
    ('1922-03-27', '1922-04-02')
    >>> t = parse_time("after party-congress-11"); t.kind, t.start.slug, t.strict
    ('window', 'party-congress-11', True)
    """
    shown = " ".join(text.split())
    low = shown.lower()
    if not shown:
        return StatedTime("undated")
    if moved := _offset(shown):  # "three days after lenin-testament"
        return moved
    if span := decade(shown):  # "the 1920s", "the early 1920s": a point somewhere in those years
        return StatedTime("window", StatedDate(span.year, text=shown), StatedDate(span.last_year, text=shown),
                          text=shown)
    for word, kind, side, strict in (("between ", "window", None, False),
                                     ("from ", "from", "start", False),
                                     ("since ", "from", "start", False),
                                     ("until ", "until", "end", False),
                                     ("till ", "until", "end", False),
                                     ("up to ", "until", "end", False),
                                     ("before ", "window", "end", True),
                                     ("by ", "window", "end", False),
                                     ("no later than ", "window", "end", False),
                                     ("after ", "window", "start", True),
                                     ("no earlier than ", "window", "start", False),
                                     ("in ", "at", "start", False),
                                     ("on ", "at", "start", False),
                                     ("at ", "at", "start", False)):
        if not low.startswith(word):
            continue
        rest = shown[len(word):]
        if word == "between ":
            left, sep, right = rest.partition(" and ")
            if not sep:
                raise DateSyntaxError(f"'between' needs 'and' in {text!r}")
            inner = _range(left, right, shown)
            return StatedTime("window", inner.start, inner.end, text=shown)
        if kind == "from":
            m = re.search(r"\s+(?:to|until|till|through)\s+", rest)
            if m:
                return _range(rest[:m.start()], rest[m.end():], shown)
        if kind == "at":
            inner = parse_time(rest)
            if inner.kind in ("range", "window"):
                return replace(inner, text=shown)
            return StatedTime("at", inner.start, text=shown)
        date = _date_or_ref(rest)
        if side == "start":
            return StatedTime(kind, start=date, strict=strict, text=shown)
        return StatedTime(kind, end=date, strict=strict, text=shown)
    if " or " in shown:
        left, _, right = shown.partition(" or ")
        inner = _range(left, right, shown)
        return StatedTime("window", inner.start, inner.end, text=shown)
    iso = _ISO_RE.fullmatch(shown)
    if iso and (iso["m"] is None or 1 <= int(iso["m"]) <= 12):
        return StatedTime("at", parse_date(shown), text=shown)
    if "/" in shown:  # an ISO 8601 interval, "1922-04-03/1923-10"
        left, _, right = shown.partition("/")
        if right == "..":
            return StatedTime("from", _date_or_ref(left), text=shown)
        if left == "..":
            return StatedTime("until", end=_date_or_ref(right), text=shown)
        return StatedTime("range", _date_or_ref(left), _date_or_ref(right), text=shown)
    parts = re.split(_DASH, shown, maxsplit=1)
    if len(parts) == 1:
        words = re.split(r"\s+(to|until|till|through)\s+", shown, maxsplit=1)
        parts = [words[0], words[2]] if len(words) == 3 else parts
    if len(parts) == 2:
        return _range(parts[0], parts[1], shown)
    return StatedTime("at", _date_or_ref(shown), text=shown)


# ------------------------------------------------------------------------------ dates in running text
# The grammar above reads a date it is given; a parser reading prose first has to find the
# dates in a sentence. These patterns find them, from the same month names, and the parsers
# hand what they find to parse_date/parse_time (or, for a bare season, take its year).

#: A month's name, as a pattern.
MONTH_IN_TEXT = _M
#: A year of the corpus's period, as prose writes it (other four-digit numbers are pages, counts).
YEAR_IN_TEXT = r"1[89]\d\d"
#: One date in running text: ``3 April 1922``, ``April 1922``, ``April`` (the year is the
#: context's), ``1922``.
DATE_IN_TEXT = rf"(?:\d{{1,2}}\s+)?\b{_M}(?:\s+{YEAR_IN_TEXT}\b)?|\b{YEAR_IN_TEXT}\b"
#: Two dates joined as a range: ``1918–1922``, ``March to June 1921``.
RANGE_IN_TEXT = (rf"(?:{DATE_IN_TEXT})(?:\s*[–—-]\s*(?:{DATE_IN_TEXT})"
                 rf"|\s+(?:to|through|until)\s+(?:{DATE_IN_TEXT}))?")
#: What splits a :data:`RANGE_IN_TEXT` into its two dates.
RANGE_SPLIT_RE = re.compile(r"\s*[–—-]\s*|\s+(?:to|through|until)\s+")
_SEASONS = ("summer", "spring", "fall", "autumn", "winter")
_MENTION_RE = re.compile(
    rf"\b(?:(?:{'|'.join(_SEASONS)})\s+(?:of\s+)?(?P<sy>{YEAR_IN_TEXT})"
    rf"|(?:(?P<d>\d{{1,2}})\s+)?(?P<m>{'|'.join(MONTHS)})(?:\s+(?P<y>{YEAR_IN_TEXT}))?"
    rf"|(?P<yy>{YEAR_IN_TEXT}))\b")


def find_dates(text: str) -> list[tuple[int, int, tuple[int | None, int | None, int | None]]]:
    """Every date ``text`` names, in order: ``(start, end, (year, month, day))``, each part
    None where the text leaves it out (``16 March``: no year). A season names its year only
    (``summer of 1925``: 1925), as a season's bounds are the year's.

    >>> [parts for _, _, parts in find_dates("arrested 16 March, tried in summer of 1925")]
    [(None, 3, 16), (1925, None, None)]
    """
    out = []
    for m in _MENTION_RE.finditer(text):
        year = m["sy"] or m["y"] or m["yy"]
        out.append((m.start(), m.end(), (int(year) if year else None, MONTHS.get(m["m"]),
                                         int(m["d"]) if m["d"] else None)))
    return out
