"""Life events in the "Selected Biographical Notes": joining the party, factions,
declarations signed, expulsions, reinstatements, arrests, trials, deaths and
rehabilitations. Pure functions: person records and lines in, a ``Graph`` out.

Text
    Each record's lines (blank page-break lines skipped) are joined, the header up to
    the life dates is dropped, and the rest is split into sentences, and those into
    clauses at ``;`` and ``but``. A sentence that opens with a relative (``Wife``,
    ``His brother``, ``Son``, ``Four sons`` ...) starts a tail about relatives that runs
    to the end of the entry; one opening with ``Father``/``Mother`` is skipped alone.

Triggers and their dates
    ``joined|entered RSDRP|RSDRP(b)|Bolsheviks|party``, ``member of|in party|RSDRP
    [from] D``, ``party member D``, ``[became] Bolshevik from|in D``, ``... and
    Bolsheviks in D`` -> ``ap:JoiningParty`` (``ap:partyName`` RSDRP, RSDRP(b) or
    Bolsheviks as written, none for a plain ``party``; the start
    of a range ``1919-1932`` is the joining). ``expelled [from|by|as ORGAN]`` and
    ``removed from|as ORGAN`` (further ``and/then/, from ORGAN`` or ``ORGAN and
    ORGAN`` add one expulsion each; ORGAN is a name of the gazetteer's ``matched_as``
    ``expulsions:`` cells) -> ``ap:Expulsion``; a bare ``expelled`` is from
    the party unless the sentence or the one before speaks of studies; ``from
    seminary`` and the like are no expulsions. ``reinstated|readmitted|restored to
    party`` -> ``ap:Reinstatement``. ``[re]arrested`` -> ``ap:Arrest`` (``many
    arrests``, ``arrested many times``, ``repeatedly arrested`` are no dated event and
    ignored). ``sentenced``, ``exiled ... for N years``, ``extended to`` ->
    ``ap:Trial`` whose outcome is ``sentenced to death [in absentia]``, ``eternal
    exile`` or ``N [more] years in|of KIND``; ``defendant at|tried at|for [Nth Moscow
    Trial]`` is a trial too, merged into the sentencing that follows it, and linked
    (``ap:atEvent``) to ``apid:event/<first|second|third>-moscow-trial``.
    ``shot|executed`` -> ``ap:Execution`` (not ``to be shot``, ``were shot``);
    ``committed suicide|shot himself`` -> ``ap:Suicide``; ``died|killed|murdered``
    -> ``ap:Death`` with the manner as outcome when stated. ``rehabilitated`` (every
    date after it: ``in 1988 and 1990``, ``legally on D1, and along party lines on
    D2``) and ``Rehabilitation ... granted`` -> ``ap:Rehabilitation``;
    ``Rehabilitation rejected|refused in D1, D2 …`` -> one ``ap:RehabilitationRefused``
    per date; ``Not rehabilitated`` -> a negated rehabilitation claim (the note says it
    did not happen: the claim is kept, no event is asserted). ``signed``
    with named documents -> one ``ap:Signing`` per document.

    A trigger's date is the first date after it (before the next trigger), unless that
    date is followed by only a comma before the next trigger and is set off by a comma
    or ``and`` (``and in October 1927, from CC``): then it belongs to the next one.
    ``next day``/``same day`` count from the previous dated trigger of the sentence. A
    clause's leading date (``On D, arrested, expelled ... and sentenced``) covers the
    triggers up to the first with a date of its own; an undated trigger directly
    followed by ``and`` takes the date of the next (``Expelled from party and
    arrested on D``). A date without a year takes it from the nearest dated date of
    the sentence (before, else after), else from the entry's previous date (one year
    later if its month comes earlier). An undated death takes the header's death
    date. Identical events are kept once.

Factions
    Every mention of a faction (Left, New (Leningrad), United, Right Opposition or
    Right Deviation, Workers' Opposition, Democratic Centralists, Left Communists,
    military opposition, Union of Marxist-Leninists, I. N. Smirnov's underground
    group; ``Trotskyist opposition`` is the Left Opposition) is an ``org:Membership``
    unless ``against``, ``opponent``, ``opposed``, ``distanced``, ``accused``, ``for``,
    ``fight`` or ``expelled`` precede it in its clause. Its dates: a date group right
    after it (at most two words between) or else one before it in the clause; a range
    is start and end, ``from D`` or ``joined|organized ... in D`` an open start, a
    single date both; mentions joined by ``and`` share dates. ``Broke with|departed
    from|left the [X] Opposition`` in D closes the open Left, United or New Opposition
    membership (the named one, else the only one, else the latest started). A break
    is no trigger date for what follows it (``Broke with Opposition in 1929 and
    reinstated in party`` leaves the reinstatement undated).

IRIs
    Events ``apid:event/<person>/<kind>/<yyyy[-mm[-dd]] or n>``, kind ``joining-party``,
    ``expulsion`` (``expulsion-<organ>`` for an organ), ``reinstatement``, ``arrest``,
    ``trial``, ``execution``, ``suicide``, ``death``, ``rehabilitation`` or
    ``signing-<document>``; a clash gets ``-2``, ``-3`` in text order. Memberships
    ``apid:membership/<person>/<faction>/full-member/<start>`` with ``<start>`` as in
    :mod:`.persons` (``1923-00-00``, ``open``). Factions ``apid:organ/<slug>``
    (``ap:Faction``), documents ``apid:document/declaration-of-the-forty-six`` etc., dated by the
    most precise signing date the notes give and cited where it is given.

Unparsed
    A sentence that names an event keyword but yields no event, membership or closed
    interval, and holds no construct ignored on purpose, is reported by
    :func:`unparsed_events` (for the console; never stored).
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import re
from dataclasses import dataclass, field

from ..namespaces import AP
from .dates import StatedDate, find_dates
from .lexicon import Lexicon, default_lexicon
from .life_outcomes import death_outcome, documents, sentence_outcome
from .text import sentences

__all__ = ["DOCUMENT_CLASSES", "Entry", "Event", "Membership", "faction_pattern", "parse_entries"]

#: Factions a "broke with the Opposition" can close.
_CLOSABLE = {"left-opposition", "united-opposition", "new-opposition"}
#: Document kind word -> class.
DOCUMENT_CLASSES = {"Declaration": AP.Declaration, "Letter": AP.Letter, "Treaty": AP.Document}

# ------------------------------------------------------------------------------ patterns

# A note's header is the parenthesis holding a digit (its life dates, which the biographies
# parser reads with the date grammar); the "join" trigger's lookaheads only ask whether a
# date starts there (a digit, or a word and a digit): the date is read by dates.find_dates.
_HEAD_RE = re.compile(r"\([^()]*\d[^()]*\)\s*[.;]?")
_CLAUSE_RE = re.compile(r";|,?\s+but\s+")
_RELATIVE_RE = re.compile(r"(?:His |Her |Their )?(?:first |second |two |three |four |five )?"
                          r"(?:wife|husband|sons?|daughters?|brothers?|sisters?)\b(?!\s+of\b)", re.I)
_PARENT_RE = re.compile(r"(?:Father|Mother)\b")
_STUDY_RE = re.compile(r"\b(?:[Ss]tud(?:ied|ent|ents|ies)|[Uu]niversity|[Ii]nstitute|[Ss]eminary"
                       r"|[Ss]chool)\b")
_TRIGGERS = [  # (kind, pattern); earlier kinds win where matches overlap
    ("suicide", r"\b[Cc]ommitted\s+suicide\b|\b[Ss]hot\s+himself\b"),
    ("join", r"\b(?:[Mm]ember\s+of|[Ii]n)\s+(?P<p1>party|RSDRP)\b"
             r"(?=,?\s+(?:from\s+)?(?:\d|[A-Z][a-z]+\s+\d))"
             r"|\b(?P<p2>[Pp]arty)\s+member\b(?=\s+\d)"
             r"|\b(?:[Jj]oined|[Ee]ntered)\s+(?:the\s+)?(?P<p3>RSDRP\(b\)|RSDRP|Bolsheviks|party)(?!\w)"
             r"|\b(?:[Bb]ecame\s+)?(?P<p4>Bolshevik)\s+(?=(?:from|in)\s)"
             r"|\band\s+(?P<p5>Bolsheviks)\s+(?=in\s)"),
    ("expel", r"\b(?:[Ee]xpelled|[Rr]emoved)\b(?:\s+(?P<prep>from|by|as)\s+(?:the\s+)?"
              r"(?:(?:candidate-|full\s+)?member\s+of\s+)?(?:(?P<org>{org})\b"
              r"(?:\s+and\s+(?P<org2>{org})\b)?|(?P<other>[\w*]+)))?"),
    ("reinstate", r"\b(?:[Rr]einstated|[Rr]eadmitted|restored\s+to\s+party)\b"),
    ("arrest", r"\b(?:[Aa]rrested|[Rr]earrested)\b"),
    ("defendant", r"\b(?:[Dd]efendant|[Tt]ried)\s+(?:at|for)\b"
                  r"(?:\s+(?:the\s+)?(?P<ord>[Ff]irst|[Ss]econd|[Tt]hird)\s+Moscow\s+Trial)?"),
    ("trial", r"\b(?:[Ss]entenced|extended\s+to)\b"
              r"|\b[Ee]xiled\s+(?:[\w-]+\s+){0,2}?for\s+[\w-]+\s+years?\b"),
    ("execution", r"\b(?:[Ss]hot|[Ee]xecuted)\b"),
    ("death", r"\b(?:[Dd]ied|[Kk]illed|[Mm]urdered)\b"),
    ("rehab", r"\b[Rr]ehabilitated\b|(?<=Rehabilitation )(?:rejected|refused)\b|\bgranted\b"),
    ("sign", r"\b[Ss]igned\b"),
    ("break", r"\b(?:(?:[Bb]roke|breaking|[Dd]eparted|departure|departing)\s+(?:with|from)\s+"
              r"(?:the\s+)?|[Ll]eft\s+the\s+)(?:(?P<f>Left|United|New|Right)\s+)?Opposition\b"),
]


def faction_pattern(lexicon: Lexicon) -> re.Pattern:
    """One regex naming each faction of the gazetteer in a group of its own (``left_opposition``)."""
    return re.compile("|".join(f"(?P<{slug.replace('-', '_')}>{p})" for slug, (_, p) in lexicon.factions.items()))


@dataclass(frozen=True)
class _Grammar:
    """The patterns compiled from the gazetteer: factions, and the organs of an expulsion
    (``organs``: name -> organ slug, the gazetteer's ``matched_as`` ``expulsions:`` names)."""

    factions: re.Pattern
    triggers: re.Pattern
    from_organ: re.Pattern
    organs: dict[str, str]

    @classmethod
    def of(cls, lexicon: Lexicon) -> _Grammar:
        # Longest name first, so "Central Control Commission" wins over "Central Committee".
        org = "|".join(re.escape(n) for n in sorted(lexicon.expulsions, key=len, reverse=True)) or "(?!)"
        triggers = re.compile("|".join(f"(?P<{k}>{p.replace('{org}', org)})" for k, p in _TRIGGERS))
        from_organ = re.compile(rf"\bfrom\s+(?:the\s+)?(?P<org>{org})\b")
        return cls(faction_pattern(lexicon), triggers, from_organ, dict(lexicon.expulsions))
_NEGATIVE_RE = re.compile(r"\b(?:against|[Oo]pponent|[Oo]pposed|[Dd]istanced|accused|for|fight"
                          r"|expelled)\b")
_IMMEDIATE_RE = re.compile(r"[\s”\"’,)]*(?:(?!and\b)[A-Za-z.]+[\s,]+){0,2}?"
                           r"(?:(?:in|from|since|during)\s+)?")
_OPENING_RE = re.compile(r"(?:[Jj]oined|organized|returned\s+to\s+activity\s+in)\s+(?:the\s+)?"
                         r"[“\"‘]?$")
_TRIAL_MENTION_RE = re.compile(r"\b(?P<ord>[Ff]irst|[Ss]econd|[Tt]hird)\s+Moscow\s+Trial\b")
_KEYWORD_RE = re.compile(
    r"\b(?:[Aa]rrested|[Rr]earrested|[Ee]xpelled|[Rr]einstated|[Rr]eadmitted|[Rr]ehabilitat(?:ed|ion)"
    r"|[Ss]entenced|[Ss]hot|[Ee]xecuted|suicide|[Dd]ied|[Kk]illed|[Mm]urdered|[Ss]igned|[Tt]rial"
    r"|[Tt]ried\s+(?:at|for)|[Dd]efendant|Opposition|Centralists?|[Ll]eft\s+[Cc]ommunists?)\b")
_REHAB_QUALIFIERS = (("legally", "legal"), ("party lines", "along party lines"),
                     ("secretly", "secret"), ("publicly", "public"))

# ------------------------------------------------------------------------------ data


@dataclass
class Event:
    cls: str
    kind: str
    date: StatedDate | None
    lines: list[tuple[int, int]]
    organ: str | None = None
    outcome: str | None = None
    party_name: str | None = None
    document: str | None = None
    trial: str | None = None
    defendant: bool = False
    negated: bool = False  # the note says it did not happen ("Not rehabilitated")

    def key(self) -> tuple:
        return (self.cls, self.kind, self.date, self.organ, self.outcome, self.document, self.trial, self.negated)


@dataclass
class Membership:
    faction: str
    start: StatedDate | None
    end: StatedDate | None
    lines: list[tuple[int, int]]


@dataclass
class Entry:
    events: list[Event] = field(default_factory=list)
    memberships: list[Membership] = field(default_factory=list)
    unparsed: list[tuple[int, str]] = field(default_factory=list)
    #: ``(first line, sentence)`` of each sentence that yielded an event or a faction membership.
    read: list[tuple[int, str]] = field(default_factory=list)
    trial_dates: list[tuple[str, StatedDate, tuple[int, int]]] = field(default_factory=list)
    last_date: StatedDate | None = None


@dataclass(frozen=True)
class _Group:
    """A date or a range of dates in a sentence; ``first``/``last`` are (y, m, d), y maybe None."""

    start: int
    end: int
    first: tuple
    last: tuple | None
    opened: bool


@dataclass
class _Trigger:
    kind: str
    start: int
    end: int
    match: re.Match
    organ: str | None = None
    dates: list[StatedDate] = field(default_factory=list)
    own: bool = False


# ------------------------------------------------------------------------------ dates


def _groups(s: str) -> list[_Group]:
    singles = find_dates(s)  # the one date grammar's dates in running text
    out, i = [], 0
    while i < len(singles):
        a0, a1, a = singles[i]
        opened = re.search(r"\b(?:[Ff]rom|[Ss]ince)\s+$", s[max(0, a0 - 6):a0]) is not None
        # Only a dash joins two dates into a range here: "to"/"until" between them (which
        # dates.RANGE_SPLIT_RE also splits at) starts another statement in the notes' events.
        if i + 1 < len(singles) and re.fullmatch(r"\s*[–—-]\s*", s[a1:singles[i + 1][0]]):
            b = singles[i + 1][2]
            out.append(_Group(a0, singles[i + 1][1], (a[0] or b[0], a[1], a[2]), b, False))
            i += 2
        else:
            out.append(_Group(a0, a1, a, None, opened))
            i += 1
    return out


def _stated(y: int, m: int | None, d: int | None) -> StatedDate | None:
    if m and d and not 1 <= d <= calendar.monthrange(y, m)[1]:
        return None
    return StatedDate(y, m, d)


def _resolve(part: tuple, pos: int, groups: list[_Group], last: StatedDate | None):
    """A partial date as a StatedDate; a missing year comes from the context (see docstring)."""
    year, month, day = part
    if year is None:
        years = [(g.start, (g.last or g.first)[0]) for g in groups if (g.last or g.first)[0]]
        before = [y for p, y in years if p < pos]
        after = [y for p, y in years if p > pos]
        if before or after:
            year = (before or [None])[-1] or after[0]
        elif last is not None:
            year = last.year + (1 if last.month and month and month < last.month else 0)
        else:
            return None
    return _stated(year, month, day)


# ------------------------------------------------------------------------------ sentences


def _sentences(record, lines: list[str], first_line_no: int) -> list[tuple[str, tuple[int, int]]]:
    """``(sentence, (first line, last line))`` of a record's body, header dropped."""
    text, offsets, numbers = "", [], []
    for n in range(record.line_start, record.line_end + 1):
        line = lines[n - first_line_no].strip()
        if line:
            offsets.append(len(text))
            numbers.append(n)
            text += line + " "

    def line_of(offset: int) -> int:
        return numbers[bisect.bisect_right(offsets, offset) - 1]

    head = _HEAD_RE.search(text)
    pos = head.end() if head else 0
    pos += len(text[pos:]) - len(text[pos:].lstrip())
    return [(text[a:b], (line_of(a), line_of(b - 1))) for a, b in sentences(text, pos)]


def _clauses(s: str) -> list[tuple[int, int]]:
    cuts = [0] + [m.end() for m in _CLAUSE_RE.finditer(s)]
    ends = [m.start() for m in _CLAUSE_RE.finditer(s)] + [len(s)]
    return list(zip(cuts, ends, strict=True))


# ------------------------------------------------------------------------------ triggers


def _triggers(s: str, previous: str, grammar: _Grammar) -> tuple[list[_Trigger], bool]:
    """The triggers of a sentence and whether it held a construct deliberately ignored."""
    out, ignored = [], bool(re.search(r"\b[Aa]rrests\b|\b[Aa]rrest\s+and\s+exile\b", s))
    for m in grammar.triggers.finditer(s):
        t = _Trigger(m.lastgroup, m.start(), m.end(), m)
        before, after = s[max(0, m.start() - 12):m.start()], s[m.end():m.end() + 30]
        if t.kind == "arrest" and (re.search(r"(?:[Rr]epeatedly|million)\s+$", before)
                                   or re.match(r"\s+(?:and\s+exiled\s+)?\w+\s+times\b", after)):
            ignored = True
            continue
        if t.kind == "join" and re.search(r"(?:einstated|eadmitted)\s+$", before):
            continue
        if t.kind == "execution" and re.search(r"\b(?:to\s+be|were|was|also|whom)\s+$", before):
            ignored = True
            continue
        if t.kind == "rehab" and m.group() == "granted" and "Rehabilitation" not in s:
            continue
        if t.kind == "rehab" and m.group().startswith(("rej", "ref")):
            t.kind = "rehab-refused"
        elif t.kind == "rehab" and before.endswith("Not "):
            t.kind = "no-rehab"
        if t.kind == "expel":
            t.organ = _expel_organ(m, s, previous, grammar.organs)
            if t.organ is None:
                ignored = ignored or m.group().startswith(("Ex", "ex"))
                continue
            if m["org2"]:
                out.append(_Trigger("expel", m.start("org2"), m.end(), m, grammar.organs[m["org2"]]))
        out.append(t)
    out += _continuations(s, out, grammar)
    return sorted(out, key=lambda t: t.start), ignored


def _expel_organ(m: re.Match, s: str, previous: str, organs: dict[str, str]) -> str | None:
    if m["org"]:
        return "party" if m["prep"] == "by" else organs[m["org"]]
    if m.group().lower().startswith("removed") or m["prep"] == "from":
        return None  # removed from all posts, expelled from seminary
    return None if _STUDY_RE.search(s) or _STUDY_RE.search(previous) else "party"


def _continuations(s: str, triggers: list[_Trigger], grammar: _Grammar) -> list[_Trigger]:
    """``..., then from party`` after an expulsion: one more expulsion per organ."""
    out = []
    for m in grammar.from_organ.finditer(s):
        before = [t for t in triggers if t.start < m.start()]
        if (before and before[-1].kind == "expel" and before[-1].end <= m.start()
                and not _CLAUSE_RE.search(s, before[-1].end, m.start())):
            out.append(_Trigger("expel", m.start(), m.end(), m, grammar.organs[m["org"]]))
    return out


def _assign_dates(s: str, clause: tuple[int, int], trigs: list[_Trigger], groups: list[_Group],
                  resolve, anchor) -> None:
    """Give each trigger of one clause its dates (see the module docstring)."""
    lo, hi = clause
    single = [g for g in groups if lo <= g.start and g.end <= hi]
    pre: dict[int, _Group] = {}
    for i, t in enumerate(trigs[:-1]):
        seg = [g for g in single if t.end <= g.start and g.end <= trigs[i + 1].start]
        if seg and re.fullmatch(r"[\s,]*", s[seg[-1].end:trigs[i + 1].start]) \
                and re.search(r",|\band\b", s[t.end:seg[-1].start]):
            pre[i + 1] = seg[-1]
    leading = [g for g in single if g.end <= (trigs[0].start if trigs else hi)]
    lead = leading[-1] if leading and not leading[-1].last else None
    dated_before = False
    for i, t in enumerate(trigs):
        seg_hi = trigs[i + 1].start if i + 1 < len(trigs) else hi
        seg = [g for g in single if t.end <= g.start and g.end <= seg_hi and g is not pre.get(i + 1)]
        if t.kind != "join":
            seg = [g for g in seg if g.last is None]
        picked = seg if t.kind in ("rehab", "rehab-refused") else seg[:1]
        t.dates = [d for d in (resolve(g.first, g.start) for g in picked) if d]
        t.own = bool(t.dates)
        relative = re.search(r"\b(next|same)\s+day\b", s[t.end:seg_hi])
        if not t.dates and relative and anchor() and anchor().day:
            shift = dt.timedelta(days=1 if relative[1] == "next" else 0)
            day = dt.date(anchor().year, anchor().month, anchor().day) + shift
            t.dates = [StatedDate(day.year, day.month, day.day)]
        if not t.dates and i in pre:
            t.dates = [d for d in [resolve(pre[i].first, pre[i].start)] if d]
        if not t.dates and lead and not dated_before:
            t.dates = [d for d in [resolve(lead.first, lead.start)] if d]
        dated_before = dated_before or t.own
        if t.dates:
            anchor(t.dates[-1])
    for i, t in enumerate(trigs[:-1]):
        gap = s[t.end:trigs[i + 1].start]
        if not t.dates and trigs[i + 1].own and re.search(r"\sand\s+$", gap) \
                and not any(t.end <= g.start < trigs[i + 1].start for g in single):
            t.dates = list(trigs[i + 1].dates[:1])


# ------------------------------------------------------------------------------ events


def _event(t: _Trigger, s: str, seg: str, lines) -> list[Event]:
    """The events one dated trigger states (several for signings and rehabilitations)."""
    dates = t.dates or [None]
    one = dates[0]
    m = t.match
    if t.kind == "join":
        name = next(n for n in (m["p1"], m["p2"], m["p3"], m["p4"], m["p5"]) if n)
        name = None if name.lower() == "party" else "Bolsheviks" if name == "Bolshevik" else name
        return [Event("JoiningParty", "joining-party", one, [lines], "party", party_name=name)]
    if t.kind == "expel":
        kind = "expulsion" if t.organ == "party" else f"expulsion-{t.organ}"
        return [Event("Expulsion", kind, one, [lines], t.organ)]
    if t.kind == "reinstate":
        return [Event("Reinstatement", "reinstatement", one, [lines], "party")]
    if t.kind == "arrest":
        return [Event("Arrest", "arrest", one, [lines])]
    if t.kind == "defendant":
        trial = f"{m['ord'].lower()}-moscow-trial" if m["ord"] else None
        return [Event("Trial", "trial", one, [lines], trial=trial, defendant=True)]
    if t.kind == "trial":
        return [Event("Trial", "trial", one, [lines], outcome=sentence_outcome(seg))]
    if t.kind == "execution":
        return [Event("Execution", "execution", one, [lines])]
    if t.kind == "suicide":
        return [Event("Suicide", "suicide", one, [lines])]
    if t.kind == "death":
        return [Event("Death", "death", one, [lines], outcome=death_outcome(m.group(), s))]
    if t.kind == "rehab":
        outcomes = _rehab_outcomes(seg)
        return [Event("Rehabilitation", "rehabilitation", d, [lines],
                       outcome=outcomes[i] if i < len(outcomes) else None)
                for i, d in enumerate(dates)]
    if t.kind == "rehab-refused":
        return [Event("RehabilitationRefused", "rehabilitation-refused", d, [lines]) for d in dates]
    if t.kind == "no-rehab":
        return [Event("Rehabilitation", "rehabilitation", None, [lines], negated=True)]
    if t.kind == "sign":
        return [Event("Signing", f"signing-{doc}", one, [lines], document=doc)
                for doc in documents(seg)]
    return []


def _rehab_outcomes(seg: str) -> list[str | None]:
    """The qualifier (legally, along party lines ...) before each date of a rehabilitation."""
    cuts = [start for start, _, _ in find_dates(seg)] or [len(seg)]
    chunks = [seg[a:b] for a, b in zip([0] + cuts[:-1], cuts, strict=True)]
    return [next((f"{q} rehabilitation" if q in ("legal", "secret", "public") else q
                  for word, q in _REHAB_QUALIFIERS if word in chunk), None) for chunk in chunks]


# ------------------------------------------------------------------------------ factions


def _faction_claims(s: str, clause: tuple[int, int], groups: list[_Group], resolve, faction_re):
    """``(faction, start, end)`` of each faction mention in a clause, and if any was skipped."""
    lo, hi = clause
    mentions = list(faction_re.finditer(s, lo, hi))
    breaks = [m.span() for m in re.finditer(dict(_TRIGGERS)["break"], s)]
    found, dates, skipped = [], [], False
    post_of_prev = None
    for i, m in enumerate(mentions):
        start = mentions[i - 1].end() if i else lo
        limit = mentions[i + 1].start() if i + 1 < len(mentions) else hi
        before = s[start:m.start()]
        post = next((g for g in groups if m.end() <= g.start < limit
                     and _IMMEDIATE_RE.fullmatch(s[m.end():g.start])), None)
        pre = [g for g in groups if start <= g.start and g.end <= m.start() and g is not post_of_prev]
        post_of_prev = post
        if _NEGATIVE_RE.search(before) or any(a <= m.start() < b for a, b in breaks):
            skipped = True
            continue
        found.append((m, post or (pre[-1] if pre else None), bool(_OPENING_RE.search(before))))
    for i in range(len(found) - 1):  # "member of X and Y in D": shared dates
        (m1, g1, o1), (m2, g2, o2) = found[i], found[i + 1]
        if re.fullmatch(r"[\s”\"’,]*and\s+[“\"‘]*", s[m1.end():m2.start()]):
            found[i], found[i + 1] = (m1, g1 or g2, o1), (m2, g2 or g1, o2)
    for m, g, opening in found:
        faction = m.lastgroup.replace("_", "-")
        if g is None:
            dates.append((faction, None, None))
        elif g.last:
            dates.append((faction, resolve(g.first, g.start), resolve(g.last, g.start)))
        else:
            first = resolve(g.first, g.start)
            dates.append((faction, first, None if g.opened or opening else first))
    return dates, skipped


def _close(entry: Entry, faction: str | None, date: StatedDate, lines) -> bool:
    """Close the open opposition membership a break ends; True if the break is accounted for."""
    names = {faction} if faction else _CLOSABLE
    fits = [m for m in entry.memberships if m.faction in names
            and (m.start is None or m.start.earliest() <= date.latest())]
    open_ = [m for m in fits if m.end is None]
    if len(open_) > 1:
        dated = [m for m in open_ if m.start]
        open_ = [max(dated, key=lambda m: m.start.earliest())] if dated else []
    if len(open_) == 1:
        open_[0].end = date
        open_[0].lines.append(lines)
        return True
    return any(m.end and m.end.year == date.year for m in fits)


# ------------------------------------------------------------------------------ entries


def _parse_entry(record, lines: list[str], first_line_no: int, grammar: _Grammar) -> Entry:
    entry, previous, tail = Entry(), "", False
    for s, span in _sentences(record, lines, first_line_no):
        tail = tail or bool(_RELATIVE_RE.match(s))
        if not tail and not _PARENT_RE.match(s):
            _parse_sentence(entry, s, span, previous, grammar)
        previous = s
    _merge_trials(entry)
    undated = [e for e in entry.events if e.cls in ("Execution", "Suicide", "Death") and not e.date]
    if record.death and not record.death.approximate and len(undated) == 1:
        undated[0].date = StatedDate(record.death.year, record.death.month, record.death.day)
        undated[0].lines.append((record.line_start, record.line_start))
    return entry


def _parse_sentence(entry: Entry, s: str, span: tuple[int, int], previous: str, grammar: _Grammar) -> None:
    groups = _groups(s)
    triggers, handled = _triggers(s, previous, grammar)
    state = {"anchor": None}

    def anchor(date=None):
        if date is not None:
            state["anchor"] = date
        return state["anchor"]

    def resolve(part, pos):
        return _resolve(part, pos, groups, entry.last_date)

    yielded = False
    for clause in _clauses(s):
        trigs = [t for t in triggers if clause[0] <= t.start < clause[1]]
        _assign_dates(s, clause, trigs, groups, resolve, anchor)
        claims, skipped = _faction_claims(s, clause, groups, resolve, grammar.factions)
        for faction, start, end in claims:
            entry.memberships.append(Membership(faction, start, end, [span]))
            yielded = True
        handled = handled or skipped
        for i, t in enumerate(trigs):
            seg = s[t.start:trigs[i + 1].start if i + 1 < len(trigs) else clause[1]]
            if t.kind == "break":
                if t.dates and _close(entry, _break_faction(t.match["f"]), t.dates[0], span):
                    yielded = True
                continue
            events = _event(t, s, seg, span)
            entry.events += events
            yielded = yielded or bool(events)
    for m in _TRIAL_MENTION_RE.finditer(s):
        g = next((g for g in groups if re.fullmatch(r"\s+in\s+", s[m.end():g.start])), None)
        if g and not g.last and (date := resolve(g.first, g.start)):
            entry.trial_dates.append((f"{m['ord'].lower()}-moscow-trial", date, span))
    full = [g for g in groups if g.first[0]]
    if full:
        last = full[-1].last or full[-1].first
        entry.last_date = _stated(*last) or entry.last_date
    if yielded:
        entry.read.append((span[0], s))
    elif not handled and _KEYWORD_RE.search(s):
        entry.unparsed.append((span[0], s))


def _break_faction(word: str | None) -> str | None:
    return f"{word.lower()}-opposition" if word else None


def _merge_trials(entry: Entry) -> None:
    """A 'defendant at' trial and the sentencing right after it are one trial."""
    events = entry.events
    for i in range(len(events) - 2, -1, -1):
        d, nxt = events[i], events[i + 1]
        if d.defendant and nxt.cls == "Trial" and not nxt.defendant and (
                d.date is None or nxt.date is None
                or d.date.earliest() <= nxt.date.earliest() <= nxt.date.latest() <= d.date.latest()):
            nxt.trial, nxt.lines, nxt.date = d.trial, d.lines + nxt.lines, nxt.date or d.date
            del events[i]


def parse_entries(records, lines: list[str], first_line_no: int,
                  lexicon: Lexicon | None = None) -> list[tuple[str, Entry]]:
    """``(slug, entry)`` for every record: its events, faction memberships, trial dates and
    the sentences that named an event but yielded nothing (:mod:`apparat.extract.life_claims`
    turns them into claims)."""
    grammar = _Grammar.of(lexicon or default_lexicon())
    return [(r.slug, _parse_entry(r, lines, first_line_no, grammar)) for r in records]
