"""The text layer: the corpus's sources by id, their lines, spans of lines, and
the one sentence splitter the parsers share. Reading files happens only in
:func:`load_sources`; everything else is pure.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ..errors import KgError
from .records import Span

__all__ = ["SourceText", "load_sources", "mentions_any", "sentences"]


@dataclass(frozen=True)
class SourceText:
    """One text of the corpus: its id (``rogovin-1992``), file and lines (line 1 is ``lines[0]``)."""

    id: str
    path: Path
    lines: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.lines)

    def text(self, span: Span) -> str:
        """The lines of ``span`` joined by single spaces (whitespace collapsed)."""
        return " ".join(" ".join(self.lines[span.first - 1:span.last]).split())

    @cached_property
    def joined(self) -> str:
        return " ".join(" ".join(self.lines).split())


def load_sources(corpus_dir: Path) -> dict[str, SourceText]:
    """Every source that ``sources.tsv`` lists, by id.

    Raises:
        KgError: no ``sources.tsv`` in ``corpus_dir``, or a file it lists is missing.
    """
    catalogue = Path(corpus_dir) / "sources.tsv"
    if not catalogue.exists():
        raise KgError(f"no corpus at {corpus_dir} (expected {catalogue}); pass --corpus or set APPARAT_CORPUS_DIR")
    out = {}
    for row in csv.DictReader(io.StringIO(catalogue.read_text(encoding="utf-8")), delimiter="\t"):
        path = Path(corpus_dir) / row["file"]
        if not path.exists():
            raise KgError(f"{catalogue}: lists {row['file']}, which is not in {corpus_dir}")
        out[row["id"]] = SourceText(row["id"], path, tuple(path.read_text(encoding="utf-8").splitlines()))
    return out


def _form_pattern(form: str) -> str:
    """A name as a regex: spaces match any whitespace, initials need no space after the dot."""
    body = r"\s+".join(re.escape(w) for w in form.split()).replace(r"\.\s+", r"\.\s*")
    return rf"(?<![\w-]){body}(?![\w])"


def mentions_any(text: str, forms: Iterable[str], patterns: Iterable[str] = ()) -> bool:
    """Whether ``text`` names one of ``forms`` (case-insensitively, as whole words)
    or matches one of ``patterns`` (regular expressions).

    >>> mentions_any("and KAMENEV replied", ["Lev Kamenev", "Kamenev"])
    True
    >>> mentions_any("Stalinism", ["Stalin"])
    False
    >>> mentions_any("a letter of M.I. Ulyanova", ["M. I. Ulyanova"])
    True
    """
    for form in forms:
        if form and re.search(_form_pattern(form), text, re.I):
            return True
    return any(p and re.search(p, text) for p in patterns)


_BOUNDARY_RE = re.compile(r"[.!?][\"”’'*]*\s+(?=[A-Z0-9\"“‘'(\[*])")
_ABBREV_RE = re.compile(r"(?:^|[\s(\[])(?:[A-Z]|St|b|c|ca|d|vol|No|Dr|Mr)$")


def sentences(text: str, start: int = 0) -> list[tuple[int, int]]:
    """``(start, end)`` offsets of the sentences of ``text[start:]``.

    A full stop after an initial (``I. N. Smirnov``) or a short abbreviation ends no sentence.

    >>> t = "I. N. Smirnov spoke. Then he left."
    >>> [t[a:b] for a, b in sentences(t)]
    ['I. N. Smirnov spoke.', 'Then he left.']
    """
    out, pos = [], len(text) - len(text[start:].lstrip())
    for m in _BOUNDARY_RE.finditer(text, pos):
        if not _ABBREV_RE.search(text, max(pos, m.start() - 5), m.start()):
            out.append((pos, m.start() + 1))
            pos = m.end()
    if text[pos:].strip():
        out.append((pos, len(text.rstrip())))
    return out
