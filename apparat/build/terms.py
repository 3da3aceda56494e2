"""The build's own RDF terms: plain Python values, cheap to hash and compare.

The build holds every triple in sets and dicts. rdflib's terms compare in
Python code (``URIRef.__eq__``) and check every IRI when made; on our data that
was most of the fast reasoner's time. Here:

- an IRI is a plain ``str`` (the IRI itself),
- a blank node is a :class:`BNode`, a ``str`` holding ``_:label`` (no IRI starts
  with ``_:``, so the two never collide),
- a literal is a :class:`Literal`, a tuple (lexical form, datatype IRI or
  ``None``, language or ``None``); a simple literal has neither.

Lexical forms are kept exactly as parsed (rdflib would normalise ``"01"^^xsd:integer``
to ``"1"``; nothing is silently normalised here). Conversions to and from
pyoxigraph (parsing, writing) and rdflib (pySHACL, owlrl) are below.

The class names ``Literal`` and ``BNode`` and their ``datatype``/``language``
attributes are what ``reasonable``'s Python binding reads from its input.
"""

from __future__ import annotations

from collections.abc import Callable
from sys import intern

import pyoxigraph as ox
import rdflib

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


class BNode(str):
    """A blank node: ``BNode("_:b0")``; ``str()`` gives the bare label, as rdflib's does."""

    __slots__ = ()

    def __str__(self) -> str:
        return str.__str__(self)[2:]

    def __repr__(self) -> str:
        return f"BNode({str.__repr__(self)})"


class Literal(tuple):
    """A literal: ``Literal("1924", datatype=XSD + "gYear")``, ``Literal("Politburo", "en")``.

    The positional order (value, language, datatype) is rdflib's, which
    ``reasonable`` calls; an ``xsd:string`` datatype makes a simple literal.

    >>> Literal("x", None, XSD_STRING) == Literal("x")
    True
    >>> str(Literal("1924", datatype="http://www.w3.org/2001/XMLSchema#gYear"))
    '1924'
    """

    __slots__ = ()

    def __new__(cls, value, language=None, datatype=None):
        if datatype is not None:
            datatype = str(datatype)
            if datatype in (XSD_STRING, RDF_LANGSTRING):
                datatype = None
        return tuple.__new__(cls, (str(value), datatype, str(language) if language is not None else None))

    def __getnewargs__(self):  # pickle (the validation process) calls __new__ in its own order
        return self[0], self[2], self[1]

    @property
    def datatype(self) -> str | None:
        return self[1]

    @property
    def language(self) -> str | None:
        return self[2]

    def __str__(self) -> str:
        return self[0]

    def __repr__(self) -> str:
        return f"Literal({self[0]!r}, language={self[2]!r}, datatype={self[1]!r})"


Term = str | BNode | Literal
Triple = tuple[Term, Term, Term]


def from_ox(term) -> Term:
    """Our term for a pyoxigraph term.

    >>> from_ox(ox.NamedNode("http://example.org/x"))
    'http://example.org/x'
    """
    if isinstance(term, ox.NamedNode):
        return intern(term.value)  # the same object as reasonable's answers name it by (fast._our_terms)
    if isinstance(term, ox.BlankNode):
        return BNode("_:" + term.value)
    if isinstance(term, ox.Literal):
        return Literal(term.value, term.language, intern(term.datatype.value))
    raise TypeError(f"not an RDF term: {term!r}")


def to_ox(term: Term):
    """The pyoxigraph term for our term."""
    if isinstance(term, Literal):
        if term[2] is not None:
            return ox.Literal(term[0], language=term[2])
        if term[1] is not None:
            return ox.Literal(term[0], datatype=ox.NamedNode(term[1]))
        return ox.Literal(term[0])
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    return ox.NamedNode(term)


def ox_terms() -> Callable[[Term], object]:
    """A memoised :func:`to_ox`: one pyoxigraph term per distinct term (a graph names each
    term many times, and pyoxigraph checks every IRI it makes)."""
    memo: dict[Term, object] = {}

    def term(t: Term):
        found = memo.get(t)
        if found is None:
            found = memo[t] = to_ox(t)
        return found

    return term


def ntriples_terms() -> Callable[[Term], str]:
    """A memoised :func:`ntriples`."""
    memo: dict[Term, str] = {}

    def term(t: Term) -> str:
        found = memo.get(t)
        if found is None:
            found = memo[t] = str(to_ox(t))
        return found

    return term


def to_rdflib(term: Term) -> rdflib.term.Node:
    """The rdflib term for our term, lexical form untouched."""
    if isinstance(term, Literal):
        datatype = rdflib.URIRef(term[1]) if term[1] is not None else None
        return rdflib.Literal(term[0], lang=term[2], datatype=datatype, normalize=False)
    if isinstance(term, BNode):
        return rdflib.BNode(str(term))
    return rdflib.URIRef(term)


def from_rdflib(term: rdflib.term.Node) -> Term:
    """Our term for an rdflib term."""
    if isinstance(term, rdflib.Literal):
        return Literal(str(term), term.language, term.datatype)
    if isinstance(term, rdflib.BNode):
        return BNode("_:" + str(term))
    if isinstance(term, rdflib.URIRef):
        return str(term)
    raise TypeError(f"not an RDF term: {term!r}")


def ntriples(term: Term) -> str:
    """The N-Triples form of a term.

    >>> ntriples(Literal("Politburo", "en"))
    '"Politburo"@en'
    """
    return str(to_ox(term))
