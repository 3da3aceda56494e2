"""Parse the "Selected Biographical Notes" of the monograph into person records
with dated memberships of party and state organs.

Pure functions, standard library only; nothing here reads files.

Entries
    An entry starts a paragraph with ``SURNAME, Given Patronymic (dates).``; the
    surname may carry a bracketed birth name (``SURNAME [Birthname], ...``), the
    names a bracketed other name (``Given Patronymic [Other]``, ``Given [Other]
    Patronymic``) or a nickname (``Given (Nick) Patronymic``); a stray full stop
    before the dates and ``;`` after them are accepted. Paragraphs without such a
    header (page breaks) continue the entry; a numbered footnote (``1. ...``) ends it.

Dates (:func:`parse_date`)
    ``1887``, ``July 1918``, ``2 June 1924``; Old Style [New Style] pairs
    ``6 [18] July 1883``, ``22 March [4 April] 1884``, ``13 [25] 1881`` (month
    missing: kept as stated). Of a pair the later date is the New Style one, whichever
    is bracketed (one entry puts it first). ``c.``, ``likely``, ``about`` or a
    trailing ``?`` set ``approximate``; ``?`` and ``? [no sooner than 1956]`` are None.

The posts and memberships each entry states are read by :mod:`.posts`.
"""


from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, replace

from .dates import StatedDate
from .lexicon import Lexicon, default_lexicon
from .posts import ROLES, Grammar, MembershipClaim, _parse_date, entry_claims, parse_date

__all__ = [
    "ROLES",
    "MembershipClaim",
    "PersonRecord",
    "StatedDate",
    "find_section",
    "parse_biographies",
    "parse_date",
]


@dataclass(frozen=True)
class PersonRecord:
    """One entry: names, life dates, line span, memberships and unparsed organ sentences."""

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


# ------------------------------------------------------------------------------ dates

_HEADER_RE = re.compile(
    r"(?P<surname>[A-Z][A-Z'’-]+(?:\s[A-Z][A-Z'’-]+)*)(?:\s*\[(?P<alt>[^\]]+)\])?,\s*"
    r"(?P<names>(?=[A-Z])(?:[^()\d]|\([^()\d]*\))*?)\s*\((?P<dates>[^()]*\d[^()]*)\)\s*[.;]?")
_FOOTNOTE_RE = re.compile(r"\d{1,3}\.\s")
_HEADING_RE = re.compile(r"\s*Selected Biographical Notes[\W\d¹²³⁴-⁹]*")


def _split_names(names: str, alt: str | None) -> tuple[str, str | None, str | None]:
    """Given name, patronymic and other (bracketed or nick-) name of a header."""
    others = re.findall(r"\[([^\]]+)\]|\(([^)]+)\)", names)
    other = alt or next((a or b for a, b in others), None)
    words = re.sub(r"\[[^\]]*\]|\([^)]*\)", " ", names).split() or [""]
    if len(words[-1]) > 2:  # "Yeremeyevich." but not the initial "N."
        words[-1] = words[-1].rstrip(".")
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
        if stripped and _HEADER_RE.match(stripped):
            current = [i]
            entries.append(current)
        elif stripped and blank and _FOOTNOTE_RE.match(stripped):
            current = None
        elif stripped and current is not None:
            current.append(i)
        blank = not stripped
    return entries


def _parse_entry(grammar: Grammar, lines: list[str], idxs: list[int], first_line_no: int) -> PersonRecord:
    text, offsets = "", []
    for i in idxs:
        offsets.append(len(text))
        text += lines[i].strip() + " "

    def line_of(offset: int) -> int:
        return idxs[bisect.bisect_right(offsets, offset) - 1] + first_line_no

    head = _HEADER_RE.match(text)
    given, patronymic, other = _split_names(head["names"], head["alt"])
    memberships, unparsed = entry_claims(grammar, text, head.end(), line_of)
    surname = head["surname"].title()
    return PersonRecord(_ascii_slug(surname), surname, given, patronymic, other,
                        *_life_dates(head["dates"]), idxs[0] + first_line_no,
                        idxs[-1] + first_line_no, memberships, unparsed)


def parse_biographies(lines: list[str], first_line_no: int = 1, lexicon: Lexicon | None = None) -> list[PersonRecord]:
    """Person records of every entry in ``lines``, in text order.

    ``first_line_no`` is the 1-based line number of ``lines[0]`` in its file;
    ``lexicon`` says which organs and posts to look for (default: the repository's
    gazetteer). Entries sharing a surname get ``surname-givenname`` slugs (``smirnov-ivan``).
    """
    grammar = Grammar(lexicon or default_lexicon())
    records = [_parse_entry(grammar, lines, idxs, first_line_no) for idxs in _entries(lines)]
    shared = {r.slug for r in records if sum(o.slug == r.slug for o in records) > 1}
    return [replace(r, slug=f"{r.slug}-{_ascii_slug(r.given_name)}") if r.slug in shared else r
            for r in records]


def find_section(lines: list[str]) -> tuple[int, int]:
    """0-based ``[start, end)`` of the notes: their heading up to a closing footnote or the end.

    Raises:
        ValueError: no line is the section heading.
    """
    start = next((i for i, line in enumerate(lines) if _HEADING_RE.fullmatch(line)), None)
    if start is None:
        raise ValueError("no 'Selected Biographical Notes' heading")
    for end in range(start + 1, len(lines)):
        if _FOOTNOTE_RE.match(lines[end]) and not lines[end - 1].strip():
            return start, end
    return start, len(lines)


def __getattr__(name: str):
    # ORGAN_SLUGS depends on the gazetteer, so it is computed on first use, not at import.
    if name == "ORGAN_SLUGS":
        return Grammar(default_lexicon()).organ_slugs
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
