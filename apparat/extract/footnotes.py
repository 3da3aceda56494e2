"""Primary documents cited in the monograph's numbered footnotes -> ``ap:Document``
nodes with title, author, date, volume, pages and every footnote that cites them.

Pure functions: lines of text in, claim records out (:func:`footnote_claims`; the one
writer renders them); nothing here reads files.

Footnotes
    A footnote is one line ``N. text``, ``[N.](#) text`` or ``- [N.](#) text``
    (leading spaces allowed); numbering restarts at 1 for each chapter's notes.
    The Russian citation comes first, the English one in the first ``[...]``.
    A footnote's *context* says whose document its quoted title is:

    - collected works: ``Lenin, CW|PSS|*CW*|*Complete Collected Works*, Volume N`` (or a
      Russian part opening ``Ленин``) and ``Stalin, *Works*, Volume N``: author Lenin or
      Stalin; the title is the first quoted one (or an italic title right after the
      volume: a book);
    - the CC bulletin (``Известия ЦК КПСС`` / ``Information of the CC``): every quoted
      title followed by a date (archival letters, declarations, transcripts);
    - an author: a Russian part opening with a known author's surname (``Троцкий``,
      ``Крупская`` ...), or a known name right before the opening quote
      (``Leon Trotsky, "Title," date``);
    - ``Там же`` / ``Ibid.``: the previous footnote's context (and its volume).

    Anywhere, a title of the form ``<names> to <addressee>`` whose writer is a known
    person is a letter. Undated titles are kept only when their author is known.
    ``Ibid.`` without a title cites again the previous footnote's document (with a
    date: the latest document of those notes with that date).

Titles
    ``Letter [of|from] A [and B] to C``, ``A to C``, ``A's Letter to C`` and
    ``To C`` (Lenin's letters) are ``ap:Letter`` with ``dct:creator`` A, B and
    ``ap:addressee`` C (persons, or the Politburo, Secretariat, CCC, CC named in C);
    ``A on ...`` gives the creator; ``Declaration ... [to C]`` is an ``ap:Declaration``
    (addressee C; its IRI leaves the addressee out);
    ``... Speech ...``, ``Report ...``, ``Reply to the Discussion ...`` an ``ap:Speech``;
    an italic title a ``ap:Book``; anything else an ``ap:Document``. In Lenin's works a
    title naming Lenin (the secretaries' diary) has no creator.

Dates
    ``24 December 1922``, ``(21 November 1917)``, ``July 1912``, ``1926``,
    ``December 31, 1932``: ``ap:date`` via ``add_point_date``; ``April-May 1920``,
    ``late March–early April 1921``: ``ap:dateAsStated`` and both bounds;
    ``no earlier than D`` / ``no later than D``: ``ap:dateAsStated`` and one bound.

Identity
    One IRI ``apid:document/<slug of title>`` per distinct title; a title cited with
    several dates is several documents (``To L. D. Trotsky``), each IRI suffixed with
    its date. Letters with the same writers, addressees and day are one document
    whatever their titles (the others become ``dct:alternative``). Title, date, volume
    and pages come from the first footnote naming the document, which is also its
    ``prov:wasDerivedFrom``; ``ap:citedAt`` lists every citing footnote's line.
    A gazetteer document claims a title by its ``pattern`` (matched against the whole
    title, or ``title@date`` for one of several dated letters); its footnotes then
    describe that document, one description per date they give, so that footnotes
    dating it differently disagree as claims instead of making two documents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rdflib import Graph, URIRef

from .. import ids
from ..namespaces import AP
from .congresses import parse_range
from .dates import StatedTime
from .gazetteer import Gazetteer
from .records import Claim, Span
from .writer import compile_claims

__all__ = ["Citation", "FootnoteNames", "documents_graph", "footnote_claims", "parse_citations",
           "parse_footnotes"]

_FOOTNOTE_RE = re.compile(r"^\s*(?:-\s+)?(?:\[(\d+)\.\]\(#\)|(\d+)\.)\s+(\S.*)$")
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_DAY_DATE = rf"\d{{1,2}}\s+{_MONTH}\s+\d{{4}}|{_MONTH}\s+\d{{1,2}},\s*\d{{4}}"
_ONE_DATE = rf"(?:(?:late|early|mid)\s+)?(?:\d{{1,2}}\s+)?{_MONTH}(?:\s+\d{{1,2}},)?(?:\s+\d{{4}})?"
_DATE_RE = re.compile(
    rf"^[\s,(]*(?:\*[^*]+\*,\s*(?={_DAY_DATE}))?(?P<q>no (?:earlier|later) than\s+)?"
    rf"(?P<d>(?:\d{{1,2}}\s*[–-]\s*)?{_ONE_DATE}(?:\s*[–-]\s*{_ONE_DATE})?\s+\d{{4}}|{_DAY_DATE}|\d{{4}})(?=[\s),;.\]]|$)")
_TITLE_RE = re.compile(r"“(?P<a>[^”]+)”|\"(?P<b>[^\"]+)\"")
_NAME = r"(?:(?:[A-ZА-Я][a-z]?\.\s*){1,3}|Comrade\s+|Leon\s+|Clara\s+)?(?P<surname>[A-Z][a-z]+)"
_PAGES_RE = re.compile(r"\bpp?\.\s*(?P<p>[\dIVXLC]+(?:\s*[–-]\s*\d+)?(?:,\s*\d+(?:\s*[–-]\s*\d+)?)*)")
_COLLECTED_RE = re.compile(
    r"^(?:Cf\.\s+)?(?P<who>Lenin|Stalin),\s+\*?(?P<ed>CW|PSS|Works|Complete Collected Works)\*?"
    r"(?:\s*\(PSS\))?,\s+Volume\s+(?P<vol>\d+)")
_BULLETIN_RE = re.compile(r"Известия ЦК КПСС\*?,\s*(\d{4}),\s*№\s*(\d+)")
_EDITIONS = {"CW": "Collected Works", "PSS": "PSS", "Complete Collected Works": "PSS", "Works": "Works"}


@dataclass(frozen=True)
class FootnoteNames:
    """The persons footnotes name as writers or addressees: surname -> person slug, from the
    gazetteer's ``matched_as`` ``footnotes:`` names (Latin surnames, and the Cyrillic ones
    a Russian reference opens with). Only these are resolved from names. ``organs``: the
    words of a title for an organ it is addressed to (``Politburo of the CC``, ``CCC``),
    matched longest first, each part of the title once."""

    latin: dict[str, str] = field(default_factory=dict)
    cyrillic: dict[str, str] = field(default_factory=dict)
    organs: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_gazetteer(cls, gazetteer: Gazetteer | None) -> FootnoteNames:
        gazetteer = gazetteer or Gazetteer()
        names = gazetteer.matched_names("person", "footnotes")
        cyrillic = {n: slug for n, slug in names.items() if re.search("[А-Яа-яЁё]", n)}
        organs = gazetteer.matched_names("organ", "footnotes")
        return cls({n: slug for n, slug in names.items() if n not in cyrillic}, cyrillic,
                   dict(sorted(organs.items(), key=lambda item: -len(item[0]))))


@dataclass(frozen=True)
class Footnote:
    """One footnote line: number, 1-based line, Russian part and English part."""

    number: int
    line: int
    russian: str
    english: str


@dataclass
class Citation:
    """One document as one footnote names it (``title`` None: an untitled ``Ibid.``)."""

    line: int
    title: str | None
    cls: URIRef = AP.Document
    creators: tuple[str, ...] = ()
    addressees: tuple[str, ...] = ()  # gazetteer references: person/trotsky, organ/politburo
    date: tuple = (None, None, None, None)  # (point, earliest, latest, as stated)
    volume: str | None = None
    pages: str | None = None
    same_as: int | None = None  # an Ibid.: index of the citation it repeats
    letter_key: tuple | None = field(default=None, compare=False)


def parse_footnotes(lines: list[str], first_line_no: int = 1) -> list[Footnote]:
    """Every footnote-shaped line, in order (table-of-contents lines are harmless)."""
    out = []
    for offset, line in enumerate(lines):
        m = _FOOTNOTE_RE.match(line)
        if m:
            text = m[3]
            russian, _, english = text.partition("[")
            out.append(Footnote(int(m[1] or m[2]), first_line_no + offset, russian.strip(), english))
    return out


def _person(name: str, known: FootnoteNames) -> str | None:
    m = re.fullmatch(rf"\s*{_NAME}\s*", name)
    return known.latin.get(m["surname"]) if m else None


def _names(text: str, known: FootnoteNames) -> tuple[str, ...] | None:
    """Slugs of ``A, B and C`` if every part is a known person, else None."""
    parts = [p for p in re.split(r",\s*(?:and\s+)?|\s+and\s+", text) if p.strip()]
    slugs = [_person(p, known) for p in parts]
    return tuple(slugs) if slugs and all(slugs) else None


def _addressees(text: str, known: FootnoteNames) -> tuple[str, ...]:
    people = [_person(p, known) for p in re.split(r",\s*(?:and\s+)?|\s+and\s+", text)]
    out = [f"person/{p}" for p in people if p]
    organs, rest = [], text
    for name, slug in known.organs.items():  # longest first: "Politburo of the CC" before "CC"
        pattern = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)")
        if pattern.search(rest):
            rest = pattern.sub(" ", rest)
            organs.append(slug)
    return tuple(dict.fromkeys(out + [f"organ/{s}" for s in organs]))


def _classify(title: str, italic: bool, known: FootnoteNames) -> tuple[URIRef, tuple[str, ...] | None, tuple]:
    """``(class, creators named by the title or None, addressees)``."""
    m = (re.match(r"^(?P<w>[A-Z][a-z]+)[’']s\s+Letter\s+to\s+(?P<to>.+)$", title)
         or re.match(r"^(?:(?:Secret\s+)?Letter\s+(?:of|from)\s+)?(?P<w>.+?)\s+to\s+(?P<to>.+)$", title))
    writers = _names(m["w"], known) if m else None
    if writers or re.match(r"^(?:To|Letter|Secret Letter|Telegram)\b", title) or "’s Letter" in title:
        to = m["to"] if m else re.sub(r"^(?:To|Telegram to)\s+", "", title)
        return AP.Letter, writers, _addressees(to, known) if (writers or title.startswith(("To", "Tele"))) else ()
    on = re.match(r"^(?P<w>.+?)\s+on\s+", title)
    writers = _names(on["w"], known) if on else None
    if title.startswith("Declaration"):
        to = re.search(r"\s+to\s+(.+)$", title)
        return AP.Declaration, writers, _addressees(to[1], known) if to else ()
    if "Speech" in title or title.startswith(("Report", "Reply to the Discussion")):
        return AP.Speech, writers, ()
    return (AP.Book if italic else AP.Document), writers, ()


def _date_after(text: str) -> tuple:
    m = _DATE_RE.match(text)
    if not m:
        return None, None, None, None
    stated = re.sub(r"\s+", " ", f"{m['q'] or ''}{m['d']}").strip()
    start, end = parse_range(m["d"])
    if start is None:
        return None, None, None, None
    if m["q"]:
        return (None, start, None, stated) if "earlier" in m["q"] else (None, None, end, stated)
    if start == end and not re.match(r"(?:late|early|mid)\b", m["d"]):
        return start, start, end, None
    return None, start, end, stated


def _context(note: Footnote, previous: dict | None, known: FootnoteNames) -> dict | None:
    english = note.english.strip()
    m = _COLLECTED_RE.match(english)
    if m:
        who = m["who"].lower()
        return {"kind": "works", "author": who, "english_volume": True,
                "volume": f"{who.capitalize()}, {_EDITIONS[m['ed']]}, vol. {m['vol']}"}
    if re.match(r"^(?:Там же|Ibid)", note.russian) or (not note.russian and english.startswith("Ibid")):
        return previous
    if note.russian.startswith("Ленин"):
        r = re.search(r"Т\.\s*(\d+)", note.russian)
        return {"kind": "works", "author": "lenin", "english_volume": False,
                "volume": f"Lenin, PSS, vol. {r[1]}" if r else None}
    if b := _BULLETIN_RE.search(note.russian):
        return {"kind": "bulletin", "author": None, "volume": f"Izvestiia TsK KPSS, {b[1]}, no. {b[2]}"}
    author = next((slug for word, slug in known.cyrillic.items()
                   if re.match(rf"^(?:[А-Я]\.\s*)*{word}\b", note.russian)), None)
    return {"kind": "author", "author": author, "volume": None} if author else None


def _titles(english: str, context: dict | None):
    """``(title, italic, text after it, name before it)`` per candidate title."""
    if context and context["kind"] == "works":
        italic = re.match(r"^(?:Cf\.\s+)?\w+,\s+\*?\w+\*?,\s+Volume\s+\d+,\s+\*(?P<t>[^*]+)\*", english)
        if italic:
            return [(italic["t"], True, english[italic.end():], "")]
    found = []
    for m in _TITLE_RE.finditer(english):
        found.append((m["a"] or m["b"], False, english[m.end():], english[:m.start()]))
    return found[:1] if context and context["kind"] == "works" else found


#: A lone Cyrillic capital that stands for a Latin one in an English title ("М. I. Gliasser").
_LOOKALIKES = str.maketrans("АВЕКМНОРСТХ", "ABEKMHOPCTX")
_LONE_CYRILLIC = re.compile(r"(?<![А-Яа-яЁё])[АВЕКМНОРСТХ](?![А-Яа-яЁё])")


def _clean(title: str) -> str:
    title = _LONE_CYRILLIC.sub(lambda m: m[0].translate(_LOOKALIKES), title.replace("*", ""))
    title = re.sub(r"[,.]\s*(?=[’'”]$)", "", title.strip())
    return re.sub(r"\s+", " ", title).strip().rstrip(",.").strip()


def parse_citations(lines: list[str], first_line_no: int = 1, gazetteer: Gazetteer | None = None) -> list[Citation]:
    """Every document citation of the footnotes, in order (see the module docstring); the
    persons they name are those of :class:`FootnoteNames` (none without ``gazetteer``)."""
    known = FootnoteNames.from_gazetteer(gazetteer)
    citations: list[Citation] = []
    previous: tuple[Footnote, dict | None, list[int]] | None = None
    block: list[int] = []
    for note in parse_footnotes(lines, first_line_no):
        if note.number == 1:
            block = []
        follows = previous is not None and previous[0].number == note.number - 1
        context = _context(note, previous[1] if follows else None, known)
        mine = _citations_of(note, context, previous if follows else None, block, citations, known)
        block += mine
        previous = (note, context, mine)
    return citations


def _citations_of(note: Footnote, context: dict | None, previous: tuple | None, block: list[int],
                  citations: list[Citation], known: FootnoteNames) -> list[int]:
    """Append the footnote's citations (or its Ibid. repeat) and return their indexes."""
    english = note.english
    found = []
    for raw, italic, after, before in _titles(english, context):
        title = _clean(raw)
        cls, writers, to = _classify(title, italic, known)
        creators = writers or _creators(title, before, context, known)
        date = _date_after(after)
        if not (creators or date[1] or date[2] or (context and context["kind"] == "works")):
            continue
        if not creators and (context is None or context["kind"] == "author"):
            continue
        volume, pages = _volume_pages(note, context, after)
        cit = Citation(note.line, title, cls, tuple(dict.fromkeys(creators)), to, date, volume, pages)
        if cls == AP.Letter and writers and date[0] is not None and date[0].day:
            cit.letter_key = (tuple(sorted(writers)), tuple(sorted(map(str, to))), date[0])
        citations.append(cit)
        found.append(len(citations) - 1)
    ibid = re.match(r"^(?:Там же|Ibid)", note.russian) and (not english or english.startswith("Ibid"))
    if found or not ibid or not previous or not previous[2]:
        return found
    stated = _date_key(_date_after(english.removeprefix("Ibid.").lstrip(",")))
    targets = [previous[2][-1]] + block[::-1]
    target = next((i for i in targets if not stated or _date_key(citations[i].date) == stated), None)
    if target is None:
        return []
    citations.append(Citation(note.line, None, same_as=target))
    return [target]


def _creators(title: str, before: str, context: dict | None, known: FootnoteNames) -> tuple[str, ...]:
    """A known name right before the title, else the context's author (but a title in
    Lenin's works that names Lenin is by someone else)."""
    prefix = re.search(rf"{_NAME},\s*$", before)
    named = _person(prefix[0].rstrip(", "), known) if prefix else None
    if named:
        return (named,)
    if not context or not context["author"] or (context["kind"] == "works" and "Lenin" in title):
        return ()
    return (context["author"],)


def _volume_pages(note: Footnote, context: dict | None, after: str) -> tuple[str | None, str | None]:
    """The context's volume and the pages cited with it (Russian pages with a PSS volume
    read from the Russian part, English pages otherwise)."""
    if context and context.get("english_volume") is False:
        russian_pages = re.search(r"С\.\s*(\d[\d–, -]*\d|\d)", note.russian)
        return context["volume"], russian_pages[1] if russian_pages else None
    volume = (context or {}).get("volume")
    pages = _PAGES_RE.search(after) if volume else None
    return volume, pages["p"] if pages else None


# ------------------------------------------------------------------------------ claims

#: Document classes -> the ``document`` claim's role (:data:`~apparat.extract.ledger.DOCUMENT_CLASSES`).
_ROLES = {AP.Letter: "letter", AP.Declaration: "declaration", AP.Speech: "speech", AP.Book: "book",
          AP.Document: "document"}


def footnote_claims(lines: list[str], first_line_no: int, source_id: str,
                    gazetteer: Gazetteer | None = None) -> list[Claim]:
    """The primary documents the footnotes cite, as claim records: a ``document`` claim
    from the first footnote naming each (title, class, creators, addressees, date,
    volume, pages) and a ``cited`` claim per citing footnote (a later footnote's other
    title is its ``dct:alternative``).

    Args:
        lines: the whole monograph (or any part: footnotes are found anywhere).
        first_line_no: 1-based corpus line number of ``lines[0]``.
        source_id: the source they come from (``rogovin-1992``).
        gazetteer: its documents with a ``pattern`` are the documents of the titles the
            pattern matches (the gazetteer, not the footnote, then labels them).
    """
    citations = parse_citations(lines, first_line_no, gazetteer)
    known = [(e.pattern, f"document/{e.slug}") for e in (gazetteer or Gazetteer()).of_kind("document") if e.pattern]
    iris = _assign_iris(citations, known)
    out: list[Claim] = []
    titles: dict[str, str] = {}
    dated: set[tuple[str, str]] = set()
    for i, cit in enumerate(citations):
        doc = iris[cit.same_as if cit.same_as is not None else i]
        extra = ()
        if cit.title is not None and doc in titles and titles[doc] != cit.title:
            extra = (("alternative", cit.title),)
        out.append(Claim(source_id, (Span(cit.line, cit.line),), "cited", doc, extra=extra,
                         origin=f"{source_id} footnotes: line {cit.line}"))
        if cit.title is None:
            continue
        date_key = _date_key(cit.date)
        # A document several footnotes date differently (two titles one gazetteer pattern
        # claims) gets one description per date: the dates then disagree as claims.
        if doc not in titles or (date_key and (doc, date_key) not in dated):
            out.append(_describe(doc, cit, source_id, labelled=doc in titles or doc in {ref for _, ref in known}))
            titles.setdefault(doc, cit.title)
        dated.add((doc, date_key))
    return out


def documents_graph(lines: list[str], first_line_no: int, source_id: str,
                    gazetteer: Gazetteer | None = None) -> Graph:
    """:func:`footnote_claims` as the one writer renders them (one graph)."""
    claims = footnote_claims(lines, first_line_no, source_id, gazetteer)
    return compile_claims(claims, Gazetteer()).get(source_id, Graph())


def _assign_iris(citations: list[Citation], patterns: list[tuple[str, str]] = ()) -> dict[int, str]:
    """Reference (``document/<slug>``) per titled citation index: the gazetteer's document
    whose pattern the whole title matches, or the title, ``@`` and the footnote's date
    (``To L\\. D\\. Trotsky@1922-12-13``: one of several letters with one title) —
    ``patterns``: pattern, reference — else the title slug, date-suffixed when a title has
    several dates. A pattern that claims one citation claims every citation of that minted
    document (the other titles of a letter, its undated ``Ibid.``)."""
    dates: dict[str, list[str]] = {}
    for cit in citations:
        if cit.title is not None and (key := _date_key(cit.date)) not in dates.setdefault(
                _title_slug(cit.title), []):
            dates[_title_slug(cit.title)].append(key)
    iris: dict[int, str] = {}
    letters: dict[tuple, str] = {}
    claimed: dict[str, str] = {}  # minted reference -> the gazetteer document a pattern names
    for i, cit in enumerate(citations):
        if cit.title is None:
            continue
        slug = _title_slug(cit.title)
        known = [k for k in dates[slug] if k]
        key = _date_key(cit.date) or (known[0] if len(known) == 1 else "")
        iri = f"document/{slug}-{key}" if len(known) > 1 and key else f"document/{slug}"
        if cit.letter_key is not None:
            iri = letters.setdefault(cit.letter_key, iri)
        iris[i] = iri
        dated_title = f"{cit.title}@{_date_key(cit.date)}"
        ref = next((ref for pattern, ref in patterns
                    if re.fullmatch(pattern, cit.title) or re.fullmatch(pattern, dated_title)), None)
        if ref is not None:
            claimed.setdefault(iri, ref)
    # A document the pattern claims by one of its citations is that gazetteer document in all.
    return {i: claimed.get(iri, iri) for i, iri in iris.items()}


def _date_key(date: tuple) -> str:
    """A date as an IRI suffix: ``1922-12-24``, ``1953-07``, ``1926`` or the stated phrase."""
    point, _earliest, _latest, stated = date
    if stated:
        return ids.slugify(stated)
    if point is None:
        return ""
    return "-".join(f"{v:02d}" for v in (point.year, point.month, point.day) if v is not None)


def _title_slug(title: str) -> str:
    """Slug of a title without apostrophes and without a closing party qualifier."""
    title = re.sub(r"[’']", "", re.sub(r"[—–]", " ", title))
    if title.startswith("Declaration"):
        title = re.sub(r"\s+to\s+.+$", "", title)
    title = re.sub(r"(?:\s+of\s+the)?\s+[RV]KP\(b\)$", "", title)
    title = re.sub(r"\b(Politburo|Secretariat|Orgburo)\s+of\s+the\s+CC$", r"\1", title)
    return ids.slugify(title)


def _describe(doc: str, cit: Citation, source_id: str, labelled: bool = False) -> Claim:
    point, earliest, latest, stated = cit.date
    if point is not None:
        time = StatedTime("at", point)
    elif earliest is not None and latest is not None:
        time = StatedTime("range", earliest, latest, text=stated or "")
    elif earliest is not None or latest is not None:  # no earlier / no later than D
        time = StatedTime("window", earliest, latest, text=stated or "")
    else:
        time = StatedTime("undated")
    extra = [("printed-title", cit.title)] + ([] if labelled else [("rdfs-label", cit.title)])
    extra += [("by", f"person/{slug}") for slug in cit.creators]
    if cit.volume:
        extra.append(("volume", cit.volume))
    if cit.pages:
        extra.append(("pages", re.sub(r"\s+", " ", cit.pages)))
    return Claim(source_id, (Span(cit.line, cit.line),), "document", doc, role=_ROLES[cit.cls],
                 objects=cit.addressees, time=time, extra=tuple(extra),
                 origin=f"{source_id} footnotes: line {cit.line}")
