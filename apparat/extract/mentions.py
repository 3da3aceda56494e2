"""Chapters of the monograph and the persons each one names.

Pure functions, no file I/O: :func:`find_chapters` finds the numbered chapters
of a text, :func:`gazetteer` turns person records (from
:func:`apparat.extract.biographies.parse_biographies`) into the name forms to
look for, and :func:`mention_claims` states each chapter (its line span, title)
and the persons it names as a claim record, which the one writer renders as an
``ap:Chapter`` with ``ap:mentions`` links.

Chapters
    A chapter opens with a heading line ``N. Title`` standing alone between blank
    lines, numbered 1, 2, 3 … in order. Footnotes look the same (``3. Ibid.,
    p. 5``), so a heading must also look like a title: no Cyrillic, no brackets,
    no closing full stop, at most :data:`MAX_TITLE` characters, and it must be
    followed by prose rather than by the next numbered line (that rules out a
    table of contents set as plain lines). A chapter runs to the line before the
    next chapter heading, or before the first back-matter heading after it
    (:data:`BACK_MATTER`: conclusion, glossary, table of dates, biographical
    notes, notes, index …), without trailing blank lines.

Name forms
    Every person is looked for by the forms that carry the given name or the
    initials (``Grigory Valentinov``, ``G. B. Valentinov``, ``G. Valentinov``). A
    person with a surname no other record shares is also looked for by the surname
    as printed in mixed case (``Bukharin``) and by a bracketed other name that is
    a surname or a nickname (``Rozenfeld``, ``Sergo``); a multi-word other name
    gives its whole form and its last word (``Peshkov``). An other name is skipped
    when it is a plain given name (``Vladimir``, ``Yurii``), when it is the surname
    of another record (Krupskaya's ``Ulyanova`` belongs to Mariya Ulyanova), or
    when it is a common English word (``Brilliant``). Persons who share a surname
    (the three Smirnovs) get no bare-surname form, so a bare ``Smirnov`` is mapped
    to no one, while ``I. N. Smirnov`` or ``Ivan Smirnov`` is.

Matching
    Case-sensitive and on word boundaries, so ``Lenin`` does not match
    ``Leninism`` nor ``Stalin`` ``Stalinist``; a form that starts with an initial
    does not match inside a longer run of initials (``P. Smirnov`` inside ``A. P.
    Smirnov``). A bare surname right after a given name or initials whose first
    letter is not the person's (``N. V. Valentinov``, ``Nikolai Valentinov``) is a
    namesake and does not count; a Cyrillic capital typed for its Latin look-alike
    (``М. I. Ulyanova``) is read as that Latin letter. A namesake named by the bare
    surname alone (the Menshevik Valentinov in chapter 10) cannot be told apart.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from rdflib import Graph

from .gazetteer import Gazetteer
from .records import Claim, Span
from .writer import compile_claims

__all__ = [
    "BACK_MATTER",
    "DEFAULT_EXTRA",
    "Chapter",
    "find_chapters",
    "gazetteer",
    "mention_claims",
    "mentions_graph",
    "mentions_of",
]

#: Longest heading line taken as a chapter title.
MAX_TITLE = 120

#: Headings that end the last chapter (compared without trailing note marks).
BACK_MATTER = (
    "Conclusion",
    "Afterword",
    "Epilogue",
    "Glossary",
    "Dates of Party Congresses",
    "Selected Biographical Notes",
    "Notes",
    "Bibliography",
    "Index",
)

#: Name forms for persons the biographical notes do not cover (each is typed
#: ``ap:Person`` with a label in ``triples/curated/``). ``Ilyich`` alone is how
#: the monograph's sources speak of Lenin.
DEFAULT_EXTRA: dict[str, list[str]] = {
    "stalin": ["Stalin"],
    "lenin": ["Lenin", "Ilyich"],
    "trotsky": ["Trotsky"],
    "molotov": ["Molotov"],
    "dzerzhinsky": ["Dzerzhinsky"],
    "kuibyshev": ["Kuibyshev"],
    "andreev": ["Andreev"],
    "malenkov": ["Malenkov"],
}

#: Given names that a bracketed other name may be (then it is no surname).
GIVEN_NAMES = frozenset({
    "Aleksandr", "Aleksei", "Anastas", "Andrei", "Boris", "David", "Dmitry", "Eduard", "Emelian",
    "Eugen", "Fyodor", "Genrikh", "Georgii", "Grigorii", "Grigory", "Ilya", "Innokentii", "Iosif",
    "Ivan", "Ivar", "John", "Karl", "Khristian", "Kliment", "Konstantin", "Leonid", "Lev",
    "Maksim", "Mikhail", "Mirsaid", "Nadezhda", "Nikolai", "Palmiro", "Pavel", "Polikarp",
    "Rafail", "Sergei", "Timofei", "Valerian", "Vladimir", "Vladislav", "Yakov", "Yan",
    "Yevgeny", "Yurii", "Yuri",
})

#: Names that are also common English words; never looked for on their own.
COMMON_WORDS = frozenset({"brilliant"})

_HEADING_RE = re.compile(r"(?P<number>\d{1,2})\.\s+(?P<title>\S.*?)\s*")
_CYRILLIC_RE = re.compile(r"[\u0400-\u04FF]")
_NOTE_MARKS = "¹²³⁴⁵⁶⁷⁸⁹⁰*"


@dataclass(frozen=True)
class Chapter:
    """A numbered chapter: its title and its line span (1-based, inclusive)."""

    number: int
    title: str
    line_start: int
    line_end: int


def _blank(lines: Sequence[str], i: int) -> bool:
    return i < 0 or i >= len(lines) or not lines[i].strip()


def _heading(line: str) -> tuple[int, str] | None:
    """``(number, title)`` if ``line`` looks like ``N. Title``; else None."""
    m = _HEADING_RE.fullmatch(line.strip())
    if m is None:
        return None
    title = m["title"]
    if (len(title) > MAX_TITLE or _CYRILLIC_RE.search(title) or "[" in title or "]" in title
            or title.endswith(".") or not (title[0].isupper() or title[0] in "“\"‘'")):
        return None
    return int(m["number"]), title


def _next_text(lines: Sequence[str], i: int) -> int | None:
    """Index of the first non-blank line after ``i``."""
    return next((j for j in range(i + 1, len(lines)) if lines[j].strip()), None)


def _is_back_matter(line: str) -> bool:
    text = line.strip().rstrip(_NOTE_MARKS).strip()
    return any(text == h or (len(h) > 8 and text.startswith(h)) for h in BACK_MATTER)


def find_chapters(lines: Sequence[str]) -> list[Chapter]:
    """The numbered chapters of ``lines`` (see the module docstring), in order.

    Line numbers are 1-based: ``lines[0]`` is line 1.

    >>> text = ["Contents", "", "1. One", "", "Prose.", "", "2. Two", "", "More.", "", "Conclusion", "", "End."]
    >>> [(c.number, c.title, c.line_start, c.line_end) for c in find_chapters(text)]
    [(1, 'One', 3, 5), (2, 'Two', 7, 9)]
    """
    starts: list[tuple[int, str, int]] = []
    for i, line in enumerate(lines):
        head = _heading(line)
        if head is None or head[0] != len(starts) + 1:
            continue
        if not (_blank(lines, i - 1) and _blank(lines, i + 1)):
            continue
        following = _next_text(lines, i)
        if following is None or _heading(lines[following]) is not None:
            continue  # a contents list, not a chapter
        starts.append((head[0], head[1], i))
    chapters = []
    for k, (number, title, i) in enumerate(starts):
        stop = starts[k + 1][2] if k + 1 < len(starts) else len(lines)
        stop = next((j for j in range(i + 1, stop) if _is_back_matter(lines[j])), stop)
        end = stop - 1
        while end > i and not lines[end].strip():
            end -= 1
        chapters.append(Chapter(number, title, i + 1, end + 1))
    return chapters


# ------------------------------------------------------------------------------ names


def _other_name_forms(other: str, taken: set[str], given_names: set[str]) -> list[str]:
    """Forms of a bracketed other name worth looking for (maybe none).

    ``taken`` holds the surnames of the other records, ``given_names`` the names
    an other name must not be (it would then be a given name, not a surname).
    """
    words = other.replace(",", " ").split()
    if not words:
        return []

    def usable(word: str) -> bool:
        return word not in taken and word not in given_names and word.lower() not in COMMON_WORDS

    if len(words) == 1:
        return words if usable(words[0]) else []
    return [" ".join(words)] + ([words[-1]] if usable(words[-1]) else [])


def _initial(name: str | None) -> str | None:
    return f"{name[0]}." if name and name[0].isalpha() else None


def _full_forms(rec) -> list[str]:
    """Forms with the given name or initials: ``Ivan Smirnov``, ``I. N. Smirnov`` …"""
    forms = []
    given = rec.given_name or ""
    g_init, p_init = _initial(given), _initial(rec.patronymic)
    if len(given.rstrip(".")) > 1:  # a name, not an initial ("N.")
        forms.append(f"{given} {rec.surname}")
        if rec.patronymic:
            forms.append(f"{given} {rec.patronymic} {rec.surname}")
            forms.append(f"{given} {p_init} {rec.surname}")
    if g_init and p_init:
        forms.append(f"{g_init} {p_init} {rec.surname}")
    if g_init:
        forms.append(f"{g_init} {rec.surname}")
    return forms


def gazetteer(records: Iterable, extra: Mapping[str, Sequence[str]] | None = None) -> dict[str, list[str]]:
    """Person slug -> name forms to look for (see the module docstring).

    Every record gives its forms with given name and initials (``Grigory
    Valentinov``, ``G. B. Valentinov``, ``G. Valentinov``); a record whose surname
    no other record shares also gives the bare surname and its usable other name.

    Args:
        records: ``PersonRecord`` objects (``slug``, ``surname``, ``given_name``,
            ``patronymic``, ``other_name``).
        extra: forms for persons without a record, e.g. ``{"stalin": ["Stalin"]}``;
            merged into a record's forms when the slug is the same.

    Returns:
        A dict sorted by slug; each list sorted longest form first, without duplicates.
        Slugs with no usable form are left out.
    """
    records = list(records)
    surnames = {r.surname for r in records}
    shared = {s for s in surnames if sum(r.surname == s for r in records) > 1}
    given_names = set(GIVEN_NAMES) | {r.given_name for r in records if r.given_name}
    names: dict[str, list[str]] = {}
    for rec in records:
        forms = _full_forms(rec)
        if rec.surname not in shared:
            if rec.surname.lower() not in COMMON_WORDS:
                forms.append(rec.surname)
            if rec.other_name:
                forms += _other_name_forms(rec.other_name, surnames - {rec.surname}, given_names)
        names.setdefault(rec.slug, []).extend(forms)
    for slug, forms in (extra or {}).items():
        names.setdefault(slug, []).extend(forms)
    return {slug: sorted(set(forms), key=lambda f: (-len(f), f))
            for slug, forms in sorted(names.items()) if forms}


_INITIAL_RE = re.compile(r"[A-Z][a-z]?\.")
#: What may stand before a surname: a given name, then a run of initials (``K. Ye.``).
_PREFIX_RE = re.compile(r"(?:(?P<given>[A-Z][a-z]+)\s+)?(?P<run>(?:[A-ZА-Я][a-z]?\.\s*)+)?$")
#: Cyrillic capitals typed by mistake for the Latin letter they look like (``М. I. Ulyanova``).
_LOOKALIKES = str.maketrans("АВЕКМНОРСТХ", "ABEKMHOPCTX")


#: A word as the text prints it, hyphenated compounds kept whole (``Sultan-Galiev``).
_TOKEN_RE = re.compile(r"[^\W\d_][\w-]*")


def _prefix_pattern(tokens: Sequence[str]) -> re.Pattern:
    """What must stand right before the last word of a multi-word form: the other
    words, spacing flexible after initials, not inside a longer run of initials."""
    body = r"\s+".join(re.escape(t) for t in tokens).replace(r"\.\s+", r"\.\s*")
    guard = r"(?<![A-Z]\.)(?<![A-Z]\.\s)" if _INITIAL_RE.match(tokens[0]) else ""
    gap = r"\s*" if tokens[-1].endswith(".") else r"\s+"
    return re.compile(rf"{guard}(?<!\w){body}{gap}$")


class _Matcher:
    """Finds the persons a text names in one pass over its words.

    Each form is filed under its last word; a word of the text that is such a
    key matches a one-word form at once and a longer form if the form's other
    words stand right before it. A bare surname right after a given name or
    initials of someone else does not count (``N. V. Valentinov`` is not
    Grigory Borisovich Valentinov).
    """

    def __init__(self, names: Mapping[str, Sequence[str]]):
        self.by_key: dict[str, list[tuple[str, re.Pattern | None]]] = {}
        for slug, forms in sorted(names.items()):
            for form in forms:
                tokens = form.split()
                prefix = _prefix_pattern(tokens[:-1]) if len(tokens) > 1 else None
                self.by_key.setdefault(tokens[-1], []).append((slug, prefix))
        self.initials = {slug: {f[0] for f in forms if _INITIAL_RE.match(f)}
                         for slug, forms in names.items()}
        self.given_names = set(GIVEN_NAMES) | {
            f.split()[0] for forms in names.values() for f in forms
            if len(f.split()) > 1 and not _INITIAL_RE.match(f)}

    def _fits(self, slug: str, text: str, start: int) -> bool:
        """Whether a bare surname at ``start`` may be this person's."""
        initials = self.initials.get(slug)
        if not initials:
            return True
        before = _PREFIX_RE.search(text, max(0, start - 60), start)
        given, run = before["given"], before["run"]
        if given in self.given_names:
            return given[0] in initials
        if run:
            return run[0].translate(_LOOKALIKES) in initials
        return True

    def slugs(self, text: str) -> set[str]:
        found: set[str] = set()
        for m in _TOKEN_RE.finditer(text):
            words = [(m.group(0), m.start())]
            if "-" in m.group(0):  # "Stalin-Bukharin" names both
                offset = m.start()
                for part in m.group(0).split("-"):
                    words.append((part, offset))
                    offset += len(part) + 1
            for word, start in words:
                for slug, prefix in self.by_key.get(word, ()):
                    if slug in found:
                        continue
                    if prefix is None:
                        if self._fits(slug, text, start):
                            found.add(slug)
                    elif prefix.search(text, max(0, start - 80), start):
                        found.add(slug)
        return found


def mentions_of(text: str, names: Mapping[str, Sequence[str]]) -> set[str]:
    """Slugs of the persons ``text`` names.

    >>> names = {"bukharin": ["Bukharin"], "stalin": ["Stalin"], "lenin": ["Lenin"]}
    >>> sorted(mentions_of("Bukharin met Stalin; Stalinism followed.", names))
    ['bukharin', 'stalin']
    """
    return _Matcher(names).slugs(text)


def mention_claims(lines: Sequence[str], source_id: str, chapters: Sequence[Chapter],
                   names: Mapping[str, Sequence[str]]) -> list[Claim]:
    """One ``chapter`` claim per chapter: its line span, number, title and the persons it names.

    The writer makes the chapter an ``ap:Chapter``: the source location of its span
    (the IRI scheme of :func:`apparat.ids.source_location`), with ``dct:title``, an
    ``rdfs:label`` that carries the chapter's number, and ``ap:mentions``.
    """
    matcher = _Matcher(names)
    out = []
    for chapter in chapters:
        text = "\n".join(lines[chapter.line_start - 1:chapter.line_end])
        out.append(Claim(source_id, (Span(chapter.line_start, chapter.line_end),), "chapter",
                         f"chapter/{chapter.number}", role=str(chapter.number), value=chapter.title,
                         objects=tuple(f"person/{slug}" for slug in sorted(matcher.slugs(text))),
                         origin=f"{source_id} chapters: line {chapter.line_start}"))
    return out


def mentions_graph(lines: Sequence[str], source_id: str, chapters: Sequence[Chapter],
                   names: Mapping[str, Sequence[str]]) -> Graph:
    """:func:`mention_claims` as the one writer renders them (one graph)."""
    claims = mention_claims(lines, source_id, chapters, names)
    return compile_claims(claims, Gazetteer()).get(source_id, Graph())
