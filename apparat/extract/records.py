"""The one claim record: what every parser emits and every ledger row is.

A :class:`Claim` is one statement of one source about one thing, with the lines
that state it. :mod:`apparat.extract.writer` is the only code that turns claims
into RDF; parsers and the ledger never write triples themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .dates import StatedTime

__all__ = ["ATTRIBUTIONS", "CERTAINTIES", "Attribution", "Claim", "Span"]

#: How sure the source is: empty (it states it), or one of these.
CERTAINTIES = ("probable", "possible", "uncertain", "negated")
#: Who is speaking, besides the author: a person or document the author quotes, or reports.
ATTRIBUTIONS = ("quoted", "reported")


@dataclass(frozen=True, order=True)
class Span:
    """Lines ``first``-``last`` (1-based, inclusive) of a source."""

    first: int
    last: int

    def __str__(self) -> str:
        return f"{self.first}" if self.first == self.last else f"{self.first}-{self.last}"


@dataclass(frozen=True)
class Attribution:
    """``quoted`` or ``reported``, and whose words (an entity reference)."""

    mode: str
    ref: str


@dataclass(frozen=True)
class Claim:
    """One statement of one source (see ``triples/claims/README.md`` for the kinds).

    ``subject``, ``objects``, ``at`` and ``role`` are gazetteer references
    (``stalin``, ``organ/politburo``); ``extra`` holds further ``(key, value)``
    pairs of the ledger vocabulary; ``origin`` says where the claim was read
    (``triples/claims/x.csv:12`` or a parser's name) for error messages.
    """

    source: str
    spans: tuple[Span, ...]
    kind: str
    subject: str
    role: str | None = None
    objects: tuple[str, ...] = ()
    time: StatedTime = field(default_factory=lambda: StatedTime("undated"))
    at: tuple[str, ...] = ()
    value: str | None = None
    who: Attribution | None = None
    certainty: str | None = None
    id: str | None = None
    extra: tuple[tuple[str, str], ...] = ()
    note: str | None = None
    origin: str = field(default="", compare=False)

    @property
    def first_line(self) -> int:
        return min(s.first for s in self.spans)

    def extras(self, key: str) -> list[str]:
        """Every value of ``key`` in :attr:`extra`."""
        return [v for k, v in self.extra if k == key]
