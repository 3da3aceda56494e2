"""Parse the "Selected Biographical Notes" of the monograph into person records
with dated memberships of party and state organs.

Pure functions, standard library only; nothing here reads files.

Entries
    An entry starts a paragraph with ``SURNAME, Given Patronymic (dates).``;
    the surname may carry a bracketed birth name (``SURNAME [Birthname], ...``),
    the names may carry one (``Given Patronymic [Other]``, ``Given [Other]
    Patronymic``) or a parenthesised nickname (``Given (Nick) Patronymic``); a
    stray full stop before the dates and ``;`` instead of ``.`` after them are
    accepted. Later paragraphs without such a header (page breaks) continue the
    entry; a numbered footnote paragraph (``1. ...``) ends it.

Dates (:func:`parse_date`)
    ``1887``, ``July 1918``, ``2 June 1924``; Old Style/New Style pairs
    ``6 [18] July 1883``, ``22 March [4 April] 1884`` and ``13 [25] 1881``
    (month missing: kept as stated). Of a pair the later date is the New Style
    one whichever is bracketed (one entry puts New Style first). ``c.``,
    ``likely``, ``about`` or a trailing ``?`` set ``approximate``; an unknown
    date (``?``, ``? [no sooner than 1956]``) is ``None``.

Membership forms (``P`` = role + organ, ``D`` = dates)
    ``P, D`` / ``P D`` / ``P from D`` / ``P in D`` and ``D, P`` / ``In D, P`` /
    ``From D, P``, where ``D`` is ``1922-1930``, ``2 June 1924-17 November 1929``,
    ``1919-July 1923``, ``From X to|through Y``, several intervals
    (``1917-1919, 1921-1923 and 1925-1934``: one claim each), a single date
    (``in 1925``: start = end) or an open one (``From 1934``, ``from 1934``:
    no end). ``P`` is ``member|candidate-member|full member|secretary|chairman|
    deputy chairman|head of ORGAN``, ``candidate-member ORGAN``, ``In ORGAN``,
    or a bare ``ORGAN`` at the start of a clause. A dated prefix covers every
    following ``P`` of its clause (``In D, member of CC and candidate member of
    Orgburo``); a trailing date covers a chain of undated ``P`` before it
    (``Secretary of CC and member of Orgburo in 1926``). A bare organ after
    ``P,`` / ``P and`` takes the role (``member of CC, Orgburo``); a role alone
    (``candidate-member, D``, ``(candidate-member D)``, ``full member D``) takes
    the last organ of the sentence. ``Elected to ORGAN [at EVENT] [in D]``
    gives a start only; an event without a date is dated by the party
    congress/conference it names. ``Removed from``/``expelled from``/``removed
    as P`` (also ``..., and in D, from ORGAN``) closes the matching claim of the
    entry (refining e.g. an end of ``1926`` to ``October 1926``) or, if none
    matches, adds one with only an end.

Organs and roles
    ``politburo``, ``orgburo``, ``secretariat`` (``secretary of CC`` and
    ``Secretariat of CC`` -> role ``secretary``; ``General Secretary`` ->
    ``general-secretary``), ``central-committee``, ``central-control-commission``
    (``chairman of CCC`` -> ``chairman``), ``party-control-commission`` (the
    KPK, not the CCC), ``ecci`` (``Secretariat of ECCI`` and ``Secretary of
    ECCI`` -> ``secretary``, ``Chairman of Ispolkom of the Comintern`` ->
    ``chairman``), ``sovnarkom``, ``sovnarkom-rsfsr``, ``revvoensovet``.
    Plain membership is ``full-member`` for every organ; ``deputy chairman`` is
    ``member`` (a membership implied by another post).

Decisions against false positives
    A Ukrainian qualifier (``Ukrainian CC``, ``CC in Ukraine``, ``Politburo of
    the Ukrainian party``, ``of CP(b)U``) gives a ``-cpbu`` slug
    (``central-committee-cpbu``); any other qualifier (``CC of Textile Union``,
    ``Maly Sovnarkom``, ``Sovnarkom of Georgia``, an army's or front's RVS) or
    a republic named elsewhere in the clause without ``of RKP(b)``-style
    qualification rejects the claim. ``Petersburg/Moscow Committee`` and a
    city's ``Control Commission`` are not organs here, nor is an organ after
    ``Department of``, ``Presidium of``, ``in the``, ``by`` and the like. An
    undated Revvoensovet mention is rejected (mostly front councils).
    Every sentence naming an organ keyword that yields no claim is listed in
    ``PersonRecord.unparsed``.
"""

from __future__ import annotations

import bisect
import calendar
import datetime
import re
import unicodedata
from dataclasses import dataclass, field, replace

__all__ = [
    "ROLES",
    "MembershipClaim",
    "PersonRecord",
    "StatedDate",
    "find_section",
    "parse_biographies",
    "parse_date",
]

ROLES = ("full-member", "candidate-member", "secretary", "chairman", "general-secretary", "head", "member")

_MONTHS = {m: i for i, m in enumerate(calendar.month_name) if m}
_M = "(?:" + "|".join(_MONTHS) + r")\b"


@dataclass(frozen=True, order=True)
class StatedDate:
    """A date of the precision the text states; ``old_style`` holds the Julian twin."""

    year: int
    month: int | None = None
    day: int | None = None
    old_style: StatedDate | None = None
    approximate: bool = False
    text: str = ""

    def earliest(self) -> datetime.date:
        """The first day the stated precision allows."""
        if self.month is None:
            return datetime.date(self.year, 1, 1)
        return datetime.date(self.year, self.month, self.day or 1)

    def latest(self) -> datetime.date:
        """The last day the stated precision allows."""
        if self.month is None:
            return datetime.date(self.year, 12, 31)
        return datetime.date(self.year, self.month, self.day or calendar.monthrange(self.year, self.month)[1])

    def sort_key(self) -> tuple:
        old = self.old_style.sort_key() if self.old_style else ()
        return (self.year, self.month or 0, self.day or 0, self.approximate, old, self.text)


@dataclass(frozen=True, order=True)
class MembershipClaim:
    """One stated interval of one role in one organ, with the lines stating it."""

    organ: str
    role: str
    start: StatedDate | None
    end: StatedDate | None
    line_start: int
    line_end: int

    def sort_key(self) -> tuple:
        start = self.start.sort_key() if self.start else (-1,)
        end = self.end.sort_key() if self.end else (10**6,)
        return (self.organ, self.role, start, end, self.line_start, self.line_end)


def _order_by_sort_key(cls) -> None:
    """Make ``order=True`` comparisons total (the generated ones fail on ``None`` fields)."""
    for name, op in (("__lt__", "__lt__"), ("__le__", "__le__"), ("__gt__", "__gt__"), ("__ge__", "__ge__")):
        def compare(self, other, _op=op):
            if other.__class__ is not self.__class__:
                return NotImplemented
            return getattr(self.sort_key(), _op)(other.sort_key())
        compare.__name__ = name
        setattr(cls, name, compare)


_order_by_sort_key(StatedDate)
_order_by_sort_key(MembershipClaim)


@dataclass(frozen=True)
class PersonRecord:
    slug: str
    surname: str
    given_name: str
    patronymic: str | None
    other_name: str | None
    birth: StatedDate | None
    death: StatedDate | None
    line_start: int
    line_end: int
    memberships: tuple[MembershipClaim, ...]
    unparsed: tuple[tuple[int, str], ...]


# ---------------------------------------------------------------- dates

_DATE_RE = re.compile(
    rf"(?:(?P<d1>\d{{1,2}})\s+)?(?:(?P<m1>{_M})\s*)?(?:(?P<y1>\d{{4}})\s*)?"
    rf"(?:\[\s*(?:(?P<d2>\d{{1,2}})\s*)?(?:(?P<m2>{_M})\s*)?(?:(?P<y2>\d{{4}})\s*)?\]\s*)?"
    rf"(?:(?P<m3>{_M})\s*)?(?P<y3>\d{{4}})?")
_APPROX_RE = re.compile(r"^(?:c\.|ca\.|circa|about|approx\.|likely|probably)\s*|\s*(?:\?|\(\?\))$", re.I)


def parse_date(text: str) -> StatedDate | None:
    """Parse one stated date (see the module docstring); ``None`` if it states none.

    >>> parse_date("6 [18] July 1883").day, parse_date("6 [18] July 1883").old_style.day
    (18, 6)
    """
    return _parse_date(text)


def _parse_date(text: str, default_year: int | None = None) -> StatedDate | None:
    shown = text.strip().rstrip(".").strip()
    core, approximate = _APPROX_RE.sub("", shown), bool(_APPROX_RE.search(shown))
    core = core.split(",")[0].strip()
    m = _DATE_RE.fullmatch(core)
    if not core or core.startswith("?") or m is None or not any(m.group(g) for g in ("d1", "m1", "y1", "m3", "y3")):
        return None
    year_s = m["y1"] or m["y3"] or m["y2"]
    year = int(year_s) if year_s else default_year
    month = m["m1"] or m["m3"]
    if year is None:
        return None
    main = (year, _MONTHS.get(month), _int(m["d1"]))
    if not (m["d2"] or m["m2"] or m["y2"]):
        return _make(*main, approximate=approximate, text=shown)
    twin = (int(m["y2"]) if m["y2"] else year, _MONTHS.get(m["m2"] or month), _int(m["d2"]))
    new, old = sorted([main, twin], key=lambda t: (t[0], t[1] or 0, t[2] or 0), reverse=True)
    old_date = _make(*old)
    return None if old_date is None else _make(*new, old_style=old_date, approximate=approximate, text=shown)


def _int(s: str | None) -> int | None:
    return int(s) if s else None


def _make(year, month, day, **kw) -> StatedDate | None:
    """A StatedDate if the parts name a real day, month or year."""
    if month is not None and day is not None and not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    if day is not None and not 1 <= day <= 31:
        return None
    return StatedDate(year, month, day, **kw)


# ---------------------------------------------------------------- date groups in running text

_D = rf"(?:\d{{1,2}}\s+)?\b{_M}(?:\s+\d{{4}}\b)?|\b\d{{4}}\b"
_RANGE = rf"(?:{_D})(?:\s*[–—-]\s*(?:{_D})|\s+(?:to|through|until)\s+(?:{_D}))?"
_GROUP_RE = re.compile(
    rf"(?:\b(?P<prep>[Ii]n|[Ff]rom|[Oo]n|[Ss]ince)\s+)?(?P<body>(?:{_RANGE})(?:(?:\s*,\s*(?:and\s+)?|\s+and\s+)(?:{_RANGE}))*)")
_RANGE_RE = re.compile(_RANGE)
_RANGE_SPLIT = re.compile(r"\s*[–—-]\s*|\s+(?:to|through|until)\s+")
_YEAR_RE = re.compile(r"\b\d{4}\b")


def _intervals(body: str, prep: str | None, year: int | None) -> list[tuple]:
    """``(start, end, is_point)`` for each range of a date group; yearless parts borrow a year."""
    out = []
    for r in _RANGE_RE.finditer(body):
        parts = _RANGE_SPLIT.split(r.group(0), maxsplit=1)
        if len(parts) == 2:
            end = _parse_date(parts[1], year)
            start = _parse_date(parts[0], end.year if end else year)
            out.append((start, end, False))
        else:
            start = _parse_date(parts[0], year)
            opened = (prep or "").lower() in ("from", "since")
            out.append((start, None if opened else start, not opened))
        year = (out[-1][1] or out[-1][0]).year if (out[-1][1] or out[-1][0]) else year
    return [iv for iv in out if iv[0] or iv[1]]


# ---------------------------------------------------------------- organ phrases

_ORGANS = (
    ("secretariat-ecci", r"\bSecretariat\s+of\s+(?:the\s+)?(?:ECCI|Executive\s+Committee\s+of\s+(?:the\s+)?Comintern)"),
    ("ecci", r"\b(?:Executive\s+Committee|Ispolkom)(?:\s*\[[^\]]*\])?\s+of\s+(?:the\s+)?Comintern(?:\s*\[ECCI\])?"
             r"|\bECCI\b"),
    ("secretariat", r"\bSecretariat(?:\s+of\s+(?:the\s+)?(?:CC|Central\s+Committee)\b)?"),
    ("general-secretary", r"\bGeneral\s+Secretary\b(?!\s+of)"),
    ("politburo", r"\b[Pp]olitburo\b"),
    ("orgburo", r"\bOrgburo\b"),
    ("central-control-commission", r"\bCentral\s+Control\s+Commission\b|\bCCC\b"),
    ("party-control-commission", r"\bParty\s+Control\s+Commission\b|\bCommission\s+of\s+Party\s+Control\b"),
    ("central-committee", r"\bCC\b|\bCentral\s+Committee\b"),
    ("sovnarkom", r"\bSovnarkom\b|\bSNK\b"),
    ("revvoensovet", r"\bRevvoensovet\b|\bRVS\b(?:\s*\[[^\]]*\])?|\bRevolutionary\s+Military\s+Council\b|\bRMC\b"),
)
_ORGAN_RE = re.compile("|".join(f"(?P<g{i}>{p})" for i, (_, p) in enumerate(_ORGANS)))
_PARTY_ORGANS = {"politburo", "orgburo", "secretariat", "central-committee", "central-control-commission"}
_KEYWORD_RE = re.compile(
    r"\b(?:[Pp]olitburo|Orgburo|Secretariat|CCC?|Central Committee|Control Commission|Commission of Party Control"
    r"|ECCI|Comintern \[ECCI\]|Executive Committee of (?:the )?Comintern|Ispolkom(?: \[[^\]]*\])? of (?:the )?Comintern"
    r"|Sovnarkom|SNK|RVS|RMC|Revvoensovet|Revolutionary Military Council|[Gg]eneral [Ss]ecretary)\b")
_ROLE = r"candidate[- ]member|full[- ]member|member|general\s+secretary|secretary|deputy\s+chair(?:man)?|chair(?:man)?|head"
_LEAD_RE = re.compile(
    rf"\s*(?:(?P<verb>elected|removed|expelled)\s+(?:(?:to|from|as)\s+)?|(?P<from>from)\s+|(?P<in>in)\s+)?"
    rf"(?:(?P<role>{_ROLE})\b\s*(?:of\s+)?)?(?:the\s+)?(?:(?P<adj>(?-i:[A-Z][\w'’-]+))\s+)?", re.I)
_ROLE_ONLY_RE = re.compile(r"(?:^|\()\s*(?P<role>candidate[- ]member|full[- ]member|member)\b(?=[\s,]*(?:in\s|from\s)?\d)", re.I)
_SEP_RE = re.compile(r",|;|:|\(|\)|\band\b")
_UKRAINE = r"(?:Ukrain\w*|CP\(b\)U|KP\(b\)U)"
_REPUBLIC_RE = re.compile(r"\b(?:Ukrain\w*|Georgia\w*|Armenia\w*|Azerbaijan\w*|Transcaucas\w*|Belorussia\w*|Turkestan"
                          r"|Kazakh\w*|Uzbek\w*)|CP\(b\)U|KP\(b\)U")
_ALL_UNION_TAIL = re.compile(r"\s*(?:of|in)\s+(?:the\s+)?(?:RKP\(b\)|VKP\(b\)|RSDRP(?:\(b\))?|RCP\(b\)|AUCP\(b\)|CPSU"
                             r"|USSR|Republic|party\b)")
_UKRAINE_TAIL = re.compile(rf"\s*(?:of|in)\s+(?:the\s+)?{_UKRAINE}")
_RSFSR_TAIL = re.compile(r"\s*(?:of\s+(?:the\s+)?)?RSFSR\b")
_OTHER_TAIL = re.compile(r"\s*(?:of|in|on)\s+\S")
_EVENT_TAIL = re.compile(r"\s*at\s+(?:the\s+)?(?P<event>.+?)\s*$")
_MILITARY_RE = re.compile(r"\b(?:[Ff]ronts?|Army|Armies|[Ff]leet|[Dd]istrict)\b")

_ORDINALS = ("Sixth Seventh Eighth Ninth Tenth Eleventh Twelfth Thirteenth Fourteenth Fifteenth Sixteenth "
             "Seventeenth Eighteenth Nineteenth").split()
#: Month in which each party congress (6th-19th) elected its Central Committee.
_CONGRESS_MONTHS = dict(zip(_ORDINALS, ((1917, 8), (1918, 3), (1919, 3), (1920, 4), (1921, 3), (1922, 4),
                                        (1923, 4), (1924, 5), (1925, 12), (1927, 12), (1930, 7), (1934, 2),
                                        (1939, 3), (1952, 10)), strict=True))
_CONGRESS_RE = re.compile(rf"\b(?P<ord>{'|'.join(_ORDINALS)})\s+(?:Party\s+)?Congress\b(?!\s+of\s+(?!the\s+RSDRP))")
_PRAGUE_RE = re.compile(r"\bPrague\s+Conference\b")


def _event_date(event: str) -> StatedDate | None:
    """The month a named party congress (or the 1912 Prague Conference) met."""
    m = _CONGRESS_RE.search(event)
    if m:
        year, month = _CONGRESS_MONTHS[m["ord"]]
        return StatedDate(year, month, text=event)
    return StatedDate(1912, 1, text=event) if _PRAGUE_RE.search(event) else None


@dataclass
class _Phrase:
    """A role + organ phrase found in a clause (``organ`` is None when rejected)."""

    start: int              # start of its lead ("member of ..."), for adjacency
    end: int                # end of the organ name and its qualifiers
    organ: str | None
    role: str | None        # the role word as written, normalised later
    verb: str | None        # "elected" | "removed" | None
    kind: str               # organ kind before role mapping
    event: str | None = None
    chained: bool = False   # joined to the previous phrase by "," or "and" only
    dates: list = field(default_factory=list)
    suffixed: bool = False


@dataclass
class _Group:
    start: int
    end: int
    intervals: list
    suffix: bool = False


def _role_slug(kind: str, role: str | None) -> tuple[str, str]:
    """Map an organ kind and role word to the (organ slug, role) of a claim."""
    word = re.sub(r"[\s-]+", " ", (role or "").lower())
    role_slug = {"candidate member": "candidate-member", "general secretary": "general-secretary",
                 "secretary": "secretary", "chair": "chairman", "chairman": "chairman", "head": "head",
                 "deputy chair": "member", "deputy chairman": "member"}.get(word, "full-member")
    if kind == "general-secretary":
        return "secretariat", "general-secretary"
    if kind == "central-committee" and role_slug in ("secretary", "general-secretary"):
        return "secretariat", role_slug
    if kind in ("secretariat", "secretariat-ecci") and role_slug == "full-member":
        role_slug = "secretary"
    return ("ecci" if kind == "secretariat-ecci" else kind), role_slug


def _qualify(kind: str, adj: str | None, tail: str, clause: str) -> str | None:
    """The organ slug after its qualifiers, or None when it is not an all-union organ."""
    slug = "ecci" if kind == "secretariat-ecci" else kind
    if kind == "revvoensovet" and _MILITARY_RE.search(tail):
        return None
    if _ALL_UNION_TAIL.match(tail):
        return slug if adj is None else None
    ukrainian = (adj or "").startswith("Ukrain") or _UKRAINE_TAIL.match(tail)
    if ukrainian:
        return f"{slug}-cpbu" if slug in _PARTY_ORGANS else None
    if adj is not None or _REPUBLIC_RE.search(clause):
        return None
    if kind == "sovnarkom" and _RSFSR_TAIL.match(tail):
        return "sovnarkom-rsfsr"
    return None if _OTHER_TAIL.match(tail) else slug


def _phrases(text: str, lo: int, hi: int, groups: list[_Group], removal: bool) -> list[_Phrase]:
    """Organ phrases of the clause ``text[lo:hi]`` (mentions without a usable lead are skipped)."""
    found: list[_Phrase] = []
    starts = sorted([g.start for g in groups] + [hi])
    mentions = list(_ORGAN_RE.finditer(text, lo, hi))
    for i, m in enumerate(mentions):
        kind = _ORGANS[int(m.lastgroup[1:])][0]
        floor = max([lo] + [g.end for g in groups if g.end <= m.start()] + ([found[-1].end] if found else []))
        seps = list(_SEP_RE.finditer(text, floor, m.start()))
        lead_start = seps[-1].end() if seps else floor
        lead = _LEAD_RE.fullmatch(text, lead_start, m.start())
        if lead is None:
            continue
        nxt = min([s for s in starts if s >= m.end()] + [mentions[i + 1].start() if i + 1 < len(mentions) else hi])
        stop = _SEP_RE.search(text, m.end(), nxt)
        tail_end = stop.start() if stop else nxt
        tail = text[m.end():tail_end]
        rest = text[m.end():mentions[i + 1].start() if i + 1 < len(mentions) else hi]
        prev = found[-1] if found else None
        chained = bool(prev) and re.fullmatch(r"[\s,]*(?:and)?", text[prev.end:lead_start]) is not None
        role, verb = lead["role"], ("elected" if (lead["verb"] or "").lower() == "elected" else
                                    "removed" if lead["verb"] or (lead["from"] and removal) else None)
        if chained and not lead["in"] and not lead["from"]:
            verb = verb or prev.verb
            if not lead.group(0).strip():
                role = prev.role
        elif lead["from"] and not removal:
            continue
        event = _EVENT_TAIL.match(tail)
        organ = _qualify(kind, lead["adj"], rest if kind == "revvoensovet" else tail, text[lo:hi])
        found.append(_Phrase(lead_start, tail_end, organ, role, verb, kind, event and event["event"], chained))
    return found


def _role_only(text: str, lo: int, hi: int, last: _Phrase | None) -> list[_Phrase]:
    """``candidate-member, 1923-1926`` style phrases: the role of the sentence's last organ."""
    if last is None:
        return []
    return [_Phrase(m.start("role"), m.end("role"), last.organ, m["role"], None, last.kind)
            for m in _ROLE_ONLY_RE.finditer(text[lo:hi]) for _ in [0]
            if (m := re.search(re.escape(m.group(0)), text[lo:hi])) or True][:0] or [
        _Phrase(lo + m.start("role"), lo + m.end("role"), last.organ, m["role"], None, last.kind)
        for m in _ROLE_ONLY_RE.finditer(text[lo:hi])]


def _assign_dates(text: str, tokens: list) -> None:
    """Give each phrase its dates: an adjacent trailing group, else the nearest earlier free one."""
    def adjacent(a: int, b: int) -> bool:
        return re.fullmatch(r"[\s,:]*", text[a:b]) is not None

    for i, tok in enumerate(tokens):
        if not isinstance(tok, _Group) or i == 0 or not isinstance(tokens[i - 1], _Phrase):
            continue
        prev = tokens[i - 1]
        nxt = tokens[i + 1] if i + 1 < len(tokens) and isinstance(tokens[i + 1], _Phrase) else None
        prefixed = i >= 2 and isinstance(tokens[i - 2], _Group) and adjacent(tokens[i - 2].end, prev.start)
        if not adjacent(prev.end, tok.start) or prev.dates or (nxt and adjacent(tok.end, nxt.start) and prefixed):
            continue
        tok.suffix = True
        j = i - 1
        while j >= 0 and isinstance(tokens[j], _Phrase) and not tokens[j].dates:
            tokens[j].dates, tokens[j].suffixed = tok.intervals, True
            if not tokens[j].chained:
                break
            j -= 1
    free = None
    for tok in tokens:
        if isinstance(tok, _Group):
            free = free if tok.suffix else tok
        elif not tok.dates and free is not None:
            tok.dates = free.intervals


# ---------------------------------------------------------------- sentences and entries

_BOUNDARY_RE = re.compile(r"[.!?][\"”’'*]*\s+(?=[A-Z0-9\"“‘'(\[*])")
_ABBREV_RE = re.compile(r"(?:^|[\s(\[])(?:[A-Z]|St|b|c|ca|d|vol|No|Dr|Mr)$")
_HEADER_RE = re.compile(
    r"(?P<surname>[A-Z][A-Z'’-]+(?:\s[A-Z][A-Z'’-]+)*)(?:\s*\[(?P<alt>[^\]]+)\])?,\s*"
    r"(?P<names>(?=[A-Z])(?:[^()\d]|\([^()\d]*\))*?)\s*\((?P<dates>[^()]*\d[^()]*)\)\s*[.;]?")
_FOOTNOTE_RE = re.compile(r"\d{1,3}\.\s")
_HEADING = "Selected Biographical Notes"


def _sentences(text: str, start: int) -> list[tuple[int, int]]:
    """``(start, end)`` offsets of the sentences of ``text[start:]``."""
    out, pos = [], start
    for m in _BOUNDARY_RE.finditer(text, start):
        if _ABBREV_RE.search(text, max(pos, m.start() - 5), m.start()):
            continue
        out.append((pos, m.start() + 1))
        pos = m.end()
    if text[pos:].strip():
        out.append((pos, len(text.rstrip())))
    return out


def _clauses(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    cuts = [lo] + [m.end() for m in re.finditer(";", text[lo:hi]) for _ in [0]] and [lo]
    cuts = [lo] + [lo + m.end() for m in re.finditer(";", text[lo:hi])] + [hi + 1]
    return [(a, b - 1) for a, b in zip(cuts, cuts[1:], strict=False)]


def _sentence_claims(text: str, lo: int, hi: int) -> list[tuple]:
    """``(organ, role, start, end, verb)`` claims stated by the sentence ``text[lo:hi]``."""
    out, last = [], None
    removal = re.search(r"\b(?:[Rr]emoved|[Ee]xpelled)\b", text[lo:hi]) is not None
    for a, b in _clauses(text, lo, hi):
        groups = []
        for g in _GROUP_RE.finditer(text, a, b):
            years = _YEAR_RE.findall(text, lo, g.start())
            groups.append(_Group(g.start(), g.end(), _intervals(g["body"], g["prep"], int(years[-1]) if years else None)))
        phrases = _phrases(text, a, b, groups, removal)
        phrases += _role_only(text, a, b, phrases[-1] if phrases else last)
        tokens = sorted(groups + phrases, key=lambda t: t.start)
        _assign_dates(text, tokens)
        for p in sorted(phrases, key=lambda t: t.start):
            last = p
            out += _phrase_claims(p)
    return out


def _phrase_claims(p: _Phrase) -> list[tuple]:
    if p.organ is None:
        return []
    organ, role = _role_slug(p.organ if p.organ.endswith(("-cpbu", "-rsfsr")) else p.kind, p.role)
    if p.organ.endswith(("-cpbu", "-rsfsr")):
        organ = p.organ if not organ.startswith("secretariat") else organ + p.organ[len(p.kind):]
    dates = p.dates
    if p.verb == "removed":
        ends = [iv[1] or iv[0] for iv in dates]
        return [(organ, role if p.role else None, None, ends[-1], "removed")] if ends else []
    if p.verb == "elected" and not dates:
        dates = [(_event_date(p.event), None, False)] if p.event else [(None, None, False)]
    if p.verb == "elected" and len(dates) == 1 and dates[0][2]:
        dates = [(dates[0][0], None, False)]
    if not dates:
        return [] if organ == "revvoensovet" else [(organ, role, None, None, None)]
    return [(organ, role, s, e, None) for s, e, _ in dates]


def _apply_removal(claims: list[MembershipClaim], organ: str, role: str | None, end: StatedDate,
                   lines: tuple[int, int]) -> list[MembershipClaim]:
    """Close the latest matching claim with ``end``; add an end-only claim when none matches."""
    def fits(c: MembershipClaim) -> bool:
        return (c.organ == organ and (role is None or c.role == role)
                and (c.start is None or c.start.earliest() <= end.latest())
                and (c.end is None or c.end.earliest() <= end.earliest() <= end.latest() <= c.end.latest()))
    matches = [c for c in claims if fits(c)]
    if not matches:
        return claims + [MembershipClaim(organ, role or "full-member", None, end, *lines)]
    old = max(matches, key=MembershipClaim.sort_key)
    new = replace(old, end=end, line_start=min(old.line_start, lines[0]), line_end=max(old.line_end, lines[1]))
    return [new if c is old else c for c in claims]


def _entry_claims(text: str, body: int, line_of) -> tuple[tuple[MembershipClaim, ...], tuple[tuple[int, str], ...]]:
    claims, removals, unparsed = [], [], []
    for lo, hi in _sentences(text, body):
        lines = (line_of(lo), line_of(hi - 1))
        found = _sentence_claims(text, lo, hi)
        for organ, role, start, end, verb in found:
            if verb == "removed":
                removals.append((organ, role, end, lines))
            else:
                claims.append(MembershipClaim(organ, role, start, end, *lines))
        if not found and _KEYWORD_RE.search(text, lo, hi):
            unparsed.append((lines[0], text[lo:hi]))
    for removal in removals:
        claims = _apply_removal(claims, *removal)
    unique = {(c.organ, c.role, c.start, c.end): c for c in sorted(claims, key=MembershipClaim.sort_key, reverse=True)}
    return tuple(sorted(unique.values(), key=MembershipClaim.sort_key)), tuple(unparsed)


def _split_names(names: str, alt: str | None) -> tuple[str, str | None, str | None]:
    """Given name, patronymic and other (bracketed or nicknamed) name of a header."""
    others = re.findall(r"\[([^\]]+)\]|\(([^)]+)\)", names)
    other = alt or next((a or b for a, b in others), None)
    words = re.sub(r"\[[^\]]*\]|\([^)]*\)", " ", names).strip().rstrip(".").split()
    words = words or [""]
    return words[0], " ".join(words[1:]) or None, other


def _life_dates(dates: str) -> tuple[StatedDate | None, StatedDate | None]:
    parts = re.split(r"\s*[–—]\s*|(?<=\d)-(?=[\d?])|\s+-\s+", dates, maxsplit=1)
    if len(parts) == 1:
        return _parse_date(re.sub(r"^b\.\s*", "", parts[0])), None
    return _parse_date(parts[0]), _parse_date(parts[1])


def _ascii_slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _entries(lines: list[str]) -> list[list[int]]:
    """Indexes of the non-blank lines of each entry, header first."""
    entries, current, blank = [], None, True
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            blank = True
            continue
        if _HEADER_RE.match(stripped):
            current = [i]
            entries.append(current)
        elif blank and _FOOTNOTE_RE.match(stripped):
            current = None
        elif current is not None:
            current.append(i)
        blank = False
    return entries


def _parse_entry(lines: list[str], idxs: list[int], first_line_no: int) -> PersonRecord:
    text, offsets = "", []
    for i in idxs:
        offsets.append(len(text))
        text += lines[i].strip() + " "
    def line_of(offset: int) -> int:
        return idxs[bisect.bisect_right(offsets, offset) - 1] + first_line_no

    head = _HEADER_RE.match(text)
    given, patronymic, other = _split_names(head["names"], head["alt"])
    birth, death = _life_dates(head["dates"])
    memberships, unparsed = _entry_claims(text, head.end(), line_of)
    surname = head["surname"].title()
    return PersonRecord(_ascii_slug(surname), surname, given, patronymic, other, birth, death,
                        idxs[0] + first_line_no, idxs[-1] + first_line_no, memberships, unparsed)


def parse_biographies(lines: list[str], first_line_no: int = 1) -> list[PersonRecord]:
    """Person records of every entry in ``lines``, in text order.

    ``first_line_no`` is the 1-based line number of ``lines[0]`` in its file. Entries
    sharing a surname get ``surname-givenname`` slugs.
    """
    records = [_parse_entry(lines, idxs, first_line_no) for idxs in _entries(lines)]
    shared = {r.slug for r in records if sum(o.slug == r.slug for o in records) > 1}
    return [replace(r, slug=f"{r.slug}-{_ascii_slug(r.given_name)}") if r.slug in shared else r for r in records]


def find_section(lines: list[str]) -> tuple[int, int]:
    """0-based ``[start, end)`` of the notes: from their heading to a closing footnote or the end.

    Raises:
        ValueError: no line is the section heading.
    """
    for start, line in enumerate(lines):
        if re.fullmatch(rf"\s*{_HEADING}[\W\d¹²³⁴-⁹]*", line):
            break
    else:
        raise ValueError(f"no {_HEADING!r} heading")
    for end in range(start + 1, len(lines)):
        if _FOOTNOTE_RE.match(lines[end]) and not lines[end - 1].strip():
            return start, end
    return start, len(lines)
