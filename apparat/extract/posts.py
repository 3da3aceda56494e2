"""The post grammar of the biographical notes: sentences -> dated memberships of
party and state organs. The organs, their names and patterns come from the
gazetteer (:class:`~.lexicon.Lexicon`), compiled into the organ tables of
:mod:`~.post_organs`; the dates are found and read by the one date grammar
(:mod:`~.dates`); pure functions otherwise.

Membership forms (``P`` = role + organ, ``D`` = dates)
    ``P, D`` / ``P D`` / ``P from D`` / ``P in D`` / ``D, P`` / ``In D, P`` /
    ``From D, P``. ``D`` is ``1922–1930`` (or ``-``), ``2 June 1924–17 November 1929``,
    ``1919–July 1923``, ``from X to|through Y``, a list (``1917–1919, 1921–1923 and
    1925–1934``: one claim each), a single date (``in 1925``: start = end) or an open
    one (``From 1934``: no end); a date without a year takes the sentence's last year.
    ``P`` is ``member|candidate-member|full member|secretary|chairman|deputy
    chairman|head of ORGAN``, ``candidate-member ORGAN``, ``In ORGAN`` or a bare
    ``ORGAN`` opening a clause (bare and ``In`` forms only when nothing but a
    qualifier follows the organ: ``In 1926, Politburo sent him`` is no claim).
    A leading ``D`` covers every later ``P`` of its ``;``-clause (``In D, member of
    CC and candidate member of Orgburo``); a trailing ``D`` covers the chain of
    undated ``P`` before it (``Secretary of CC and member of Orgburo in 1926``). A
    bare organ after ``P,``/``P and`` takes that role (``member of CC, Orgburo``); a
    role alone (``candidate-member, D``, ``(candidate-member D)``, ``full member D``)
    takes the sentence's previous organ. ``Elected to ORGAN [at EVENT] [in D]`` gives
    a start only; an undated election at a named meeting (``at the Sixth Congress``)
    keeps the meeting, whose dates the sources give (the table of congresses).
    ``Removed from``/``expelled from``/``removed as P``
    (and ``..., and in D, from ORGAN``) closes the entry's latest claim of that organ
    whose end contains the date (refining ``1926`` to ``October 1926``) or is open;
    if none matches it adds an end-only claim. Identical claims are kept once, at
    their first sentence; memberships are sorted by :meth:`MembershipClaim.sort_key`.

Organs and roles
    ``politburo``, ``orgburo``, ``secretariat`` (``secretary of CC`` -> ``secretary`` of
    the Secretariat; ``[member of] Secretariat of CC`` -> ``full-member`` of it, not
    thereby a secretary; ``General Secretary`` -> ``general-secretary``),
    ``central-committee``, ``central-control-commission`` (``chairman of CCC`` ->
    ``chairman``), ``party-control-commission`` (the KPK of 1934, not the CCC),
    ``ecci`` (``Chairman of Ispolkom of the Comintern`` -> ``chairman``), its
    Secretariat ``secretariat-ecci`` (``Secretary of ECCI`` -> ``secretary`` of it,
    ``[member of] Secretariat of ECCI`` -> ``full-member`` of it), ``sovnarkom``
    (``SNK``), ``sovnarkom-rsfsr``, ``revvoensovet`` (RVS of the Republic). Plain
    membership is ``full-member``; ``deputy chairman`` is ``deputy-chairman``, of a
    party organ too (a deputy chairman is not thereby a member).

Posts beyond the party organs (``MembershipClaim.note`` holds an envoy's place)
    Editorships: ``Editor of|at|for``, ``editor-in-chief``, ``chief|main editor of``
    ``[the] [literary] journal|newspaper[,] *Title* [gloss]`` -> ``editor``; ``[member
    of|on] editorial board of *Title*`` -> ``full-member``; the periodical is one of
    the gazetteer's periodicals (``pravda``, ``izvestiia``, ``bolshevik`` ...), a list
    (``Editor for *A*, *B* and *C*``) gives each. ``Deputy editor`` is no post here.
    People's Commissars: ``[People's] Commissar of|for FIELD`` and ``Narkom of FIELD``
    -> ``peoples-commissar``, after ``deputy``/``first deputy`` ->
    ``deputy-peoples-commissar``; the commissariat itself (``People's Commissariat
    of FIELD``, ``Narkomvoenmor``, ``RKI``) takes the role its lead names (``first
    deputy of Narkomvoenmor``, ``chairman of RKI``, ``member of Narkomzem``); a bare
    ``In Narkomzem`` says where one worked and is no claim. Slugs: the gazetteer's
    commissariats, organs with a ``field`` (``narkomindel`` Foreign Affairs, ``nkvd``
    Internal Affairs, ``rabkrin`` RKI ...). State bodies (the gazetteer's other organs
    with a ``pattern``: ``vsnkh``, ``gosplan``, ``vtssps``, ``vtsik``,
    ``tsik``, ``glavkontsesskom``, ``pur``, ``sto``, ``ogiz``): ``chairman``, ``deputy
    chairman`` -> ``deputy-chairman``, ``head of``/``Headed`` -> ``head``, ``member``,
    ``secretary``; ``became [first] chair of`` gives a start only; bare ``In X`` is a
    membership only of VTsIK, TsIK and the STO (councils one sits on). ``of the RSFSR``
    (or ``, RSFSR``) gives the gazetteer's ``<slug>-rsfsr`` organ (``vsnkh-rsfsr`` ...; Narkompros was
    never all-union, so it stays ``narkompros``); ``in Ukraine``, another republic or
    any other qualifier rejects the claim, as for the party organs.
    Envoys: ``Diplomat|Ambassador|Plenipotentiary [representative]|[General] Consul|
    Representative of Soviet government in|to PLACE`` -> ``diplomat`` of
    ``narkomindel``, ``trade representative in PLACE`` -> ``diplomat`` of
    ``narkomtorg``; PLACE is the note (a list such as ``Latvia, then Poland`` becomes
    ``Latvia, Poland``); a following clause of a place and its dates (``Diplomat in
    X, D; Y, D``) is another post.
    A bare organ chained to a mention whose lead makes no phrase shares its fate
    (``deputy secretary of Sovnarkom and STO`` gives nothing). A removal from such a
    body that matches no stated post of it adds no end-only claim (its post is unknown).

Decisions against false positives
    A Ukrainian qualifier (``Ukrainian CC``, ``CC in Ukraine``, ``Politburo of the
    Ukrainian party``, ``of CP(b)U``) gives a ``-cpbu`` slug; any other qualifier
    (``CC of Textile Union``, ``Maly Sovnarkom``, ``Sovnarkom of Georgia``, the RVS
    of an army or front) or a republic named elsewhere in the clause without an
    all-union qualifier (``of RKP(b)``) rejects the claim. ``Petersburg Committee``,
    ``Moscow Committee`` and a city's ``Control Commission`` are no organs here, nor
    is an organ after ``Department of``, ``Presidium of``, ``in the``, ``by`` and
    the like. An undated Revvoensovet mention is rejected (mostly front councils).
    Every sentence naming an organ keyword (a party organ, a state body, a
    commissariat, or a post word: ``editor``, ``Commissar``, ``diplomat``,
    ``ambassador``, ``trade representative``, ``consul``) but yielding no claim
    goes to ``PersonRecord.unparsed``; a periodical's title alone is no keyword.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from . import dates
from .dates import StatedDate
from .post_organs import (
    COMMISSAR_TAIL_OK,
    DIPLOMATS,
    KIND_TAIL_OK,
    PLACES,
    RSFSR_AFTER_COMMA,
    Grammar,
    base_slug,
)
from .text import sentences

__all__ = ["Grammar", "MembershipClaim", "ROLES", "entry_claims", "parse_date"]

ROLES = ("full-member", "candidate-member", "secretary", "chairman", "general-secretary", "head",
         "member", "deputy-chairman", "editor", "peoples-commissar", "deputy-peoples-commissar",
         "diplomat")

_M = dates.MONTH_IN_TEXT


@dataclass(frozen=True, order=True)
class MembershipClaim:
    """One stated interval of one role in one organ, with the lines stating it.

    ``note`` is a few words the post names besides its organ: the country or city
    of a diplomatic post (``"Czechoslovakia"``), else None.
    """

    organ: str
    role: str
    start: StatedDate | None
    end: StatedDate | None
    line_start: int
    line_end: int
    note: str | None = None
    #: What the sentence says about time: ``range``, ``from`` (open-ended), ``at`` (in a
    #: year: start = end), ``start`` (an election), ``end`` (a removal) or ``undated``.
    statement: str = "range"
    #: The meeting an undated election names (``Sixth Congress``), as the text writes it.
    event: str | None = None

    def sort_key(self) -> tuple:
        """Organ, role, start (unknown first), end (open last), note, lines."""
        start = self.start.sort_key() if self.start else (-1,)
        end = self.end.sort_key() if self.end else (10**6,)
        return (self.organ, self.role, start, end, self.note or "", self.line_start,
                self.line_end)


def _order_by_sort_key(cls) -> None:
    """Make ``order=True`` comparisons total (the generated ones fail on ``None`` fields)."""
    for name in ("__lt__", "__le__", "__gt__", "__ge__"):
        def compare(self, other, _name=name):
            if other.__class__ is not self.__class__:
                return NotImplemented
            return getattr(self.sort_key(), _name)(other.sort_key())
        compare.__name__ = name
        setattr(cls, name, compare)


_order_by_sort_key(MembershipClaim)


def parse_date(text: str) -> StatedDate | None:
    """Parse one stated date (see the module docstring); None if it states none.

    >>> d = parse_date("6 [18] July 1883")
    >>> (d.year, d.month, d.day), (d.old_style.month, d.old_style.day)
    ((1883, 7, 18), (7, 6))
    """
    return _parse_date(text)


def _parse_date(text: str, default_year: int | None = None) -> StatedDate | None:
    """A date of the notes by the one grammar (:mod:`.dates`); what follows a comma is no part of it."""
    try:
        return dates.parse_date(text.split(",")[0], default_year)
    except dates.DateSyntaxError:
        return None


# ------------------------------------------------------------------------------ entries


# ------------------------------------------------------------------------------ dates in prose

# The dates and ranges are the one grammar's (dates.RANGE_IN_TEXT); a group of them, with
# the preposition before it, is what a post's sentence says about time.
_RANGE = dates.RANGE_IN_TEXT
_GROUP_RE = re.compile(rf"(?:\b(?P<prep>[Ii]n|[Ff]rom|[Oo]n|[Ss]ince)\s+)?"
                       rf"(?P<body>(?:{_RANGE})(?:(?:\s*,\s*(?:and\s+)?|\s+and\s+)(?:{_RANGE}))*)")
_RANGE_RE = re.compile(_RANGE)
_RANGE_SPLIT = dates.RANGE_SPLIT_RE
_YEAR_RE = re.compile(rf"\b{dates.YEAR_IN_TEXT}\b")


def _intervals(body: str, prep: str | None, year: int | None) -> list[tuple]:
    """``(start, end, is_point)`` per range of a date group; yearless dates borrow a year."""
    out = []
    for r in _RANGE_RE.finditer(body):
        parts = _RANGE_SPLIT.split(r.group(0), maxsplit=1)
        if len(parts) == 2:
            end = _parse_date(parts[1], year)
            out.append((_parse_date(parts[0], end.year if end else year), end, False))
        else:
            start = _parse_date(parts[0], year)
            opened = (prep or "").lower() in ("from", "since")
            out.append((start, None if opened else start, not opened))
        latest = out[-1][1] or out[-1][0]
        year = latest.year if latest else year
    return [iv for iv in out if iv[0] or iv[1]]


_ROLE = (r"candidate[- ]member|full[- ]member"
         r"|(?:member\s+of\s+(?:the\s+)?|on\s+(?:the\s+)?)?editorial\s+board"
         r"|member|general\s+secretary|secretary"
         r"|deputy\s+chair(?:man)?|deputy|chair(?:man)?|head(?:ed)?"
         r"|editor(?:[- ]in[- ]chief)?|(?:chief|main)\s+editor")
_LEAD_RE = re.compile(
    r"\s*(?:also\s+)?(?:(?P<verb>elected|removed|expelled|became)\s+(?:(?:to|from|as)\s+)?"
    r"|(?P<from>from)\s+|(?P<in>in)\s+)?"
    rf"(?:(?:first\s+)?(?P<role>{_ROLE})\b\s*(?:under\s+(?-i:[A-Z][\w'’-]+)\s+)?"
    r"(?:(?:of|at|for)\s+)?)?(?:the\s+)?"
    r"(?P<desc>(?:(?:major|literary|party|daily|weekly|theoretical)\s+)*"
    r"(?:journal|newspaper|magazine)\s*,?\s+)?"
    r"(?:(?P<adj>(?-i:[A-Z][\w'’-]+))\s+)?", re.I)
# The lookaheads below ("a digit follows", "a digit or a month follows") only ask whether a
# date starts there; the date itself is read by _GROUP_RE, from the one grammar's patterns.
_ROLE_ONLY_RE = re.compile(r"(?:^|\()\s*(?P<role>candidate[- ]member|full[- ]member|member)\b"
                           r"(?=[\s,]*(?:in\s|from\s)?\d)", re.I)
# not the "(b)" of "RKP(b)", nor the comma of "newspaper, *Trud*"
_SEP_RE = re.compile(r"(?<!journal)(?<!newspaper),|;|:|(?<!\w)\(|(?<!\(b)\)|\band\b")
_PLACE_CLAUSE_RE = re.compile(rf"\s*({PLACES})\s*(?:,\s*)?(?=(?:in\s+|from\s+)?(?:\d|{_M}))")
_REPUBLIC_RE = re.compile(r"\b(?:Ukrain|Georgia|Armenia|Azerbaijan|Transcaucas|Belorussia|Turkestan"
                          r"|Kazakh|Uzbek)\w*|\b[CK]P\(b\)U")
_ALL_UNION_TAIL = re.compile(r"\s*(?:of|in)\s+(?:the\s+)?(?:[RV]KP\(b\)|RSDRP(?:\(b\))?|RCP\(b\)"
                             r"|AUCP\(b\)|CPSU|USSR|Republic|party\b)")
_UKRAINE_TAIL = re.compile(r"\s*(?:of|in)\s+(?:the\s+)?(?:Ukrain\w*|[CK]P\(b\)U)")
_RSFSR_TAIL = re.compile(r"\s*(?:of\s+(?:the\s+)?)?RSFSR\b")
_OTHER_TAIL = re.compile(r"\s*(?:of|in|on)\s+\S")
_WEAK_TAIL_OK = re.compile(r"\s*(?:(?:of|in|on|at|during)\b|RSFSR\b)")
_EVENT_TAIL = re.compile(r"\s*at\s+(?:the\s+)?(?P<event>.+?)[\s.]*$")
_MILITARY_RE = re.compile(r"\b(?:[Ff]ronts?|Army|Armies|[Ff]leet|[Dd]istrict)\b")

@dataclass
class _Phrase:
    """A role + organ phrase of a clause; ``organ`` is None when a qualifier rejects it."""

    start: int                  # where its lead ("member of ...") starts
    end: int                    # where the organ name and its qualifiers end
    organ: str | None           # qualified slug ("central-committee-cpbu") or None
    role: str | None            # the role word as written
    verb: str | None            # "elected" | "removed" | None
    kind: str                   # the organ kind named (a key of _ORGANS)
    event: str | None = None    # "at <event>" after an "elected to" phrase
    chained: bool = False       # joined to the previous phrase by "," or "and" only
    dates: list = field(default_factory=list)
    implied: str | None = None  # "commissar" | "diplomat": the post the organ phrase names
    note: str | None = None     # the place of an envoy's post


@dataclass
class _Group:
    """A run of dates in a clause and the ``(start, end, is_point)`` intervals it states."""

    start: int
    end: int
    intervals: list
    suffix: bool = False


def _implied(gr: Grammar, kind: str, named: str) -> str | None:
    """The post an organ phrase names by itself: a People's Commissar or an envoy."""
    if kind in DIPLOMATS:
        return "diplomat"
    if kind in gr.commissariats and re.match(r"(?:People['’]s\s+)?[Cc]ommissar\s|Narkom\s", named):
        return "commissar"
    return None


def _role_slug(gr: Grammar, kind: str, role: str | None, implied: str | None = None) -> tuple[str, str | None]:
    """Map an organ kind and role word to the (organ slug, role) of a claim.

    The role is None when the word names no post of that kind of organ
    (``editor of Gosplan``, a bare ``In Narkomzem``).
    """
    word = re.sub(r"[\s-]+", " ", (role or "").lower())
    word = re.sub(r"^(?:first|member of(?: the)?|on(?: the)?) ", "", word)
    word = {"chair": "chairman", "deputy chair": "deputy chairman", "headed": "head",
            "full member": "member", "editor in chief": "editor", "chief editor": "editor",
            "main editor": "editor"}.get(word, word)
    organ = base_slug(kind)
    if kind in gr.party_kinds or kind in ("ecci", "secretariat-ecci") and word != "deputy chairman":
        if word in ("deputy", "editor", "editorial board"):
            return organ, None
        role_slug = {"candidate member": "candidate-member", "general secretary": "general-secretary",
                     "secretary": "secretary", "chairman": "chairman", "head": "head",
                     "deputy chairman": "deputy-chairman"}.get(word, "full-member")
        if kind == "general-secretary":
            return "secretariat", "general-secretary"
        # A secretary of the CC (of the ECCI) sits on its Secretariat; a member of the
        # Secretariat is a member of it, not thereby a secretary.
        if kind == "central-committee" and role_slug in ("secretary", "general-secretary"):
            return "secretariat", role_slug
        if kind == "ecci" and role_slug in ("secretary", "general-secretary"):
            return "secretariat-ecci", role_slug
        return organ, role_slug
    if implied == "diplomat":
        return organ, "diplomat" if not word else None
    if implied == "commissar":
        return organ, {"": "peoples-commissar", "deputy": "deputy-peoples-commissar"}.get(word)
    if kind in gr.periodicals:
        return organ, {"editor": "editor", "editorial board": "full-member"}.get(word)
    roles = {"candidate member": "candidate-member", "member": "full-member",
             "secretary": "secretary", "chairman": "chairman", "head": "head",
             "deputy chairman": "deputy-chairman"}
    if kind in gr.commissariats:
        roles["deputy"] = "deputy-peoples-commissar"
    elif kind in gr.collegial:
        roles[""] = "full-member"
    return organ, roles.get(word)


def _qualify(gr: Grammar, kind: str, adj: str | None, tail: str, clause: str, implied: str | None) -> str | None:
    """The organ slug after its qualifiers, or None when it is no all-union organ."""
    slug = base_slug(kind)
    adj = None if implied == "diplomat" and adj == "Soviet" else adj
    if kind == "revvoensovet" and _MILITARY_RE.search(tail):
        return None
    if kind in KIND_TAIL_OK and KIND_TAIL_OK[kind].match(tail):
        return slug if adj is None else None
    if implied == "commissar" and COMMISSAR_TAIL_OK.match(tail):
        return slug if adj is None else None
    if _ALL_UNION_TAIL.match(tail):
        return slug if adj is None else None
    if (adj or "").startswith("Ukrain") or _UKRAINE_TAIL.match(tail):
        return f"{slug}-cpbu" if slug in gr.party_organs else None
    if adj is not None or _REPUBLIC_RE.search(clause):
        return None
    if kind in gr.rsfsr and _RSFSR_TAIL.match(tail):
        return gr.rsfsr[kind]
    return None if _OTHER_TAIL.match(tail) else slug


def _lead(text: str, floor: int, at: int) -> re.Match | None:
    """The words before an organ name back to the previous separator, if they make a phrase."""
    seps = list(_SEP_RE.finditer(text, floor, at))
    return _LEAD_RE.fullmatch(text, seps[-1].end() if seps else floor, at)


def _phrase(gr: Grammar, text: str, m: re.Match, lead: re.Match, tail_end: int, rest_end: int,
            prev: _Phrase | None, removal: bool, clause: str) -> _Phrase | None:
    """The phrase of one organ mention, from its lead and what follows it."""
    kind = gr.organs[int(m.lastgroup[1:])][0]
    implied = _implied(gr, kind, m.group(0))
    tail, end = text[m.end():tail_end], tail_end
    comma = RSFSR_AFTER_COMMA.match(text, m.end())  # "People's Commissar of Finance, RSFSR"
    if comma and kind in gr.rsfsr:
        tail, end = " of RSFSR", comma.end()
    bare = not lead.group(0).strip()
    if (not implied and (bare or lead["in"]) and re.search(r"\w", tail)
            and not _WEAK_TAIL_OK.match(tail)):
        return None
    if lead["from"] and not removal or lead["desc"] and kind not in gr.periodicals:
        return None
    chained = prev is not None and re.fullmatch(r"[\s,]*(?:and)?", text[prev.end:lead.start()])
    role, verb = lead["role"], (lead["verb"] or "").lower() or None
    verb = {"expelled": "removed", "became": "elected"}.get(verb, verb)
    verb = "removed" if lead["from"] else verb
    if chained and not lead["in"] and not lead["from"]:
        verb = verb or prev.verb
        inherits = bare or lead["desc"] and not role  # "Editor at *X* and the journal *Y*"
        role = prev.role if inherits and not implied else role
    if verb != "removed" and _role_slug(gr, kind, role, implied)[1] is None:
        return None
    event = _EVENT_TAIL.match(tail)
    qualifiers = text[m.end():rest_end] if kind == "revvoensovet" else tail
    note = None
    if implied == "diplomat" and (place := re.search(r"\s(?:in|to)\s+(.+)$", m.group(0), re.S)):
        note = _place_note(place[1])
    return _Phrase(lead.start(), end, _qualify(gr, kind, lead["adj"], qualifiers, clause, implied),
                   role, verb, kind, event and event["event"], bool(chained), implied=implied,
                   note=note)


def _phrases(gr: Grammar, text: str, lo: int, hi: int, groups: list[_Group], removal: bool) -> list[_Phrase]:
    """Organ phrases of the clause ``text[lo:hi]`` (mentions without a usable lead are skipped)."""
    found: list[_Phrase] = []
    skipped = None  # end of the last mention whose lead made no phrase
    mentions = list(gr.organ_re.finditer(text, lo, hi))
    for i, m in enumerate(mentions):
        rest_end = mentions[i + 1].start() if i + 1 < len(mentions) else hi
        ends = [g.end for g in groups if g.end <= m.start()] + [p.end for p in found[-1:]]
        floor = max([lo, *ends])
        lead = _lead(text, floor, m.start())
        shares_unknown_post = (  # "deputy secretary of Sovnarkom and STO": so does STO
            lead is not None and not lead.group(0).strip() and skipped is not None
            and floor <= skipped and re.fullmatch(r"[\s,]*(?:and)?\s*", text[skipped:lead.start()]))
        if shares_unknown_post:
            lead = None
        if lead is None:
            skipped = m.end()
            continue
        nxt = min([g.start for g in groups if g.start >= m.end()] + [rest_end])
        stop = _SEP_RE.search(text, m.end(), nxt)
        phrase = _phrase(gr, text, m, lead, stop.start() if stop else nxt, rest_end,
                         found[-1] if found else None, removal, text[lo:hi])
        if phrase is not None:
            found.append(phrase)
    return found


def _role_only(text: str, lo: int, hi: int, phrases: list[_Phrase],
               last: _Phrase | None) -> list[_Phrase]:
    """``candidate-member, 1923–1926`` style phrases: a role of the sentence's previous organ."""
    out = []
    for m in _ROLE_ONLY_RE.finditer(text[lo:hi]):
        start = lo + m.start("role")
        ref = ([p for p in phrases if p.start < start] or [last])[-1]
        if ref is not None:
            out.append(_Phrase(start, lo + m.end("role"), ref.organ, m["role"], None, ref.kind))
    return out


def _assign_dates(text: str, tokens: list) -> None:
    """Give each phrase its dates: an adjacent trailing group, else the nearest free earlier one."""
    def adjacent(a: int, b: int) -> bool:
        return re.fullmatch(r"[\s,:]*", text[a:b]) is not None

    for i, tok in enumerate(tokens):
        if not isinstance(tok, _Group) or i == 0 or not isinstance(tokens[i - 1], _Phrase):
            continue
        prev = tokens[i - 1]
        nxt = tokens[i + 1] if i + 1 < len(tokens) and isinstance(tokens[i + 1], _Phrase) else None
        prefixed = i >= 2 and isinstance(tokens[i - 2], _Group) and adjacent(tokens[i - 2].end,
                                                                             prev.start)
        leads_next = nxt is not None and adjacent(tok.end, nxt.start) and prefixed
        if not adjacent(prev.end, tok.start) or prev.dates or leads_next:
            continue  # not trailing, or it leads the next phrase ("In D, P, in D2, P2")
        tok.suffix = True
        for j in range(i - 1, -1, -1):
            if not isinstance(tokens[j], _Phrase) or tokens[j].dates:
                break
            tokens[j].dates = tok.intervals
            if not tokens[j].chained:
                break
    free = None
    for tok in tokens:
        if isinstance(tok, _Group):
            free = free if tok.suffix else tok
        elif not tok.dates and free is not None:
            tok.dates = free.intervals


def _phrase_claims(gr: Grammar, p: _Phrase) -> list[tuple]:
    """``(organ, role, start, end, verb, note, statement, event)`` claims of one dated phrase."""
    if p.organ is None:
        return []
    organ, role = _role_slug(gr, p.kind, p.role, p.implied)
    organ += p.organ[len(base_slug(p.kind)):]  # "-cpbu", "-rsfsr"
    dates = p.dates
    if p.verb == "removed":
        ends = [iv[1] or iv[0] for iv in dates]
        return [(organ, role if p.role else None, None, ends[-1], "removed", p.note, "end", None)] if ends else []
    if role is None:
        return []
    if p.verb == "elected" and not dates:  # "at the Sixth Congress": the meeting dates it, later
        return [(organ, role, None, None, None, p.note, "start" if p.event else "undated", p.event)]
    if p.verb == "elected" and len(dates) == 1 and dates[0][2]:
        return [(organ, role, dates[0][0], None, None, p.note, "start", None)]
    if not dates:
        return [] if organ == "revvoensovet" else [(organ, role, None, None, None, p.note, "undated", None)]
    return [(organ, role, start, end, None, p.note, "at" if point else "from" if end is None else "range", None)
            for start, end, point in dates]


# ------------------------------------------------------------------------------ sentences

def _continued_post(text: str, a: int, b: int, groups: list[_Group],
                    last: _Phrase | None) -> list[_Phrase]:
    """``Diplomat in X, D; Y, D``: a clause of a place and its dates repeats the envoy post."""
    if last is None or last.implied != "diplomat" or last.organ is None:
        return []
    m = _PLACE_CLAUSE_RE.match(text, a, b)
    group = next((g for g in groups if m and g.start == m.end()), None)
    if group is None or not re.fullmatch(r"[\s.]*", text[group.end:b]):
        return []
    return [_Phrase(m.start(1), m.end(1), last.organ, None, None, last.kind, implied="diplomat",
                    note=_place_note(m[1]))]


def _place_note(places: str) -> str:
    """``Italy, then Turkey`` -> ``Italy, Turkey``."""
    return ", ".join(p for p in re.split(r"\s*,\s*(?:then\s+|and\s+)?|\s+(?:then|and)\s+",
                                         " ".join(places.split())) if p)


def _sentence_claims(gr: Grammar, text: str, lo: int, hi: int) -> list[tuple]:
    """``(organ, role, start, end, verb, note, statement, event)`` claims of the sentence ``text[lo:hi]``."""
    out, last = [], None
    removal = re.search(r"\b(?:[Rr]emoved|[Ee]xpelled)\b", text[lo:hi]) is not None
    cuts = [lo] + [lo + m.end() for m in re.finditer(";", text[lo:hi])]
    for a, b in zip(cuts, [c - 1 for c in cuts[1:]] + [hi], strict=True):
        groups = []
        for g in _GROUP_RE.finditer(text, a, b):
            years = _YEAR_RE.findall(text, lo, g.start())
            intervals = _intervals(g["body"], g["prep"], int(years[-1]) if years else None)
            groups.append(_Group(g.start(), g.end(), intervals))
        phrases = _phrases(gr, text, a, b, groups, removal) or _continued_post(text, a, b, groups, last)
        phrases = sorted(phrases + _role_only(text, a, b, phrases, last), key=lambda p: p.start)
        _assign_dates(text, sorted(groups + phrases, key=lambda t: t.start))
        for p in phrases:
            out += _phrase_claims(gr, p)
        last = phrases[-1] if phrases else last
    return out


def _apply_removal(gr: Grammar, claims: list[MembershipClaim], organ: str, role: str | None,
                   end: StatedDate, lines: tuple[int, int]) -> list[MembershipClaim]:
    """Close the latest matching claim with ``end``; add an end-only claim when none matches."""
    def fits(c: MembershipClaim) -> bool:
        return (c.organ == organ and role in (None, c.role)
                and (c.start is None or c.start.earliest() <= end.latest())
                and (c.end is None
                     or c.end.earliest() <= end.earliest() <= end.latest() <= c.end.latest()))
    matches = [c for c in claims if fits(c)]
    if not matches and role is None and organ in gr.post_organs:
        return claims
    if not matches:
        return claims + [MembershipClaim(organ, role or "full-member", None, end, *lines, statement="end")]
    old = max(matches, key=MembershipClaim.sort_key)
    statement = "end" if old.start is None else "range"
    new = replace(old, end=end, line_start=min(old.line_start, lines[0]),
                  line_end=max(old.line_end, lines[1]), statement=statement)
    return [new if c is old else c for c in claims]


def entry_claims(gr: Grammar, text: str, body: int, line_of) -> tuple[tuple, tuple]:
    """Sorted unique memberships and the unparsed organ sentences of one entry's body."""
    claims, removals, unparsed = [], [], []
    for lo, hi in sentences(text, body):
        lines = (line_of(lo), line_of(hi - 1))
        found = _sentence_claims(gr, text, lo, hi)
        for organ, role, start, end, verb, note, statement, event in found:
            if verb == "removed":
                removals.append((organ, role, end, lines))
            else:
                claims.append(MembershipClaim(organ, role, start, end, *lines, note=note, statement=statement,
                                              event=event))
        if not found and gr.keyword_re.search(text, lo, hi):
            unparsed.append((lines[0], text[lo:hi]))
    for removal in removals:
        claims = _apply_removal(gr, claims, *removal)
    first = {}
    for c in sorted(claims, key=MembershipClaim.sort_key):
        first.setdefault((c.organ, c.role, c.start, c.end, c.note), c)
    return tuple(first.values()), tuple(unparsed)


