"""A quick SHACL check in Python, before pySHACL: pySHACL runs only where it may find something.

pySHACL took 18–29 s on the repository's 84k asserted triples, longer than
reasoning. Our shapes use a small part of SHACL Core: class targets, property
shapes with an IRI path, ``sh:minCount``, ``sh:maxCount``, ``sh:class``,
``sh:datatype`` and ``sh:or``. :func:`conforms` evaluates exactly those, over
the same triples pySHACL sees (the asserted data with the ontology, no
inference), with pySHACL's semantics:

- targets (``sh:targetClass C``): every ``x rdf:type T`` with ``T
  rdfs:subClassOf* C`` (pySHACL ``Shape.focus_nodes``);
- ``sh:class C``: a value that is not a literal and has ``rdf:type T``, ``T
  rdfs:subClassOf* C`` (``ClassConstraintComponent``);
- ``sh:datatype D``: a literal of datatype ``D`` whose lexical form is valid
  (``DatatypeConstraintComponent``); checked here for ``xsd:date`` and
  ``xsd:integer`` only;
- counts: the distinct values of the path.

It answers ``True`` only when it is sure pySHACL would report nothing; where it
is not sure, it answers ``False`` (a value might violate) or ``None`` (the
shapes use something else), and the build then runs pySHACL, whose verdict and
report decide, exactly as before. So a false alarm costs pySHACL's time, never
a different verdict. Where rdflib (pySHACL's model) could see two of our values
as one (``"1"`` and ``"01"``, language tags in another case), ``sh:minCount``
above 1 counts IRIs and blank nodes only, and a datatype other than the two
above is never taken as valid. tests/test_conformance.py compares both
verdicts for each kind of constraint.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable

from .terms import BNode, Literal, Term, Triple
from .vocab import RDF, RDFS

SH = "http://www.w3.org/ns/shacl#"
XSD_NS = "http://www.w3.org/2001/XMLSchema#"
_TARGET_CLASS, _PROPERTY, _PATH = SH + "targetClass", SH + "property", SH + "path"
_MIN, _MAX, _CLASS, _DATATYPE, _OR = SH + "minCount", SH + "maxCount", SH + "class", SH + "datatype", SH + "or"
#: What a shapes graph may say for this check to apply: anything else, pySHACL alone.
_KNOWN = {RDF.type, RDFS.comment, RDFS.label, RDF.first, RDF.rest, _TARGET_CLASS, _PROPERTY, _PATH,
          _MIN, _MAX, _CLASS, _DATATYPE, _OR, SH + "message", SH + "name", SH + "description"}
_SHAPE_TYPES = {SH + "NodeShape", SH + "PropertyShape"}
_INTEGER = re.compile(r"[+-]?[0-9]+")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _valid_date(lexical: str) -> bool:
    if not _DATE.fullmatch(lexical):
        return False
    try:
        dt.date.fromisoformat(lexical)
    except ValueError:
        return False
    return True


#: Datatypes whose valid lexical forms this check knows (as rdflib parses them).
_LEXICAL = {XSD_NS + "integer": _INTEGER.fullmatch, XSD_NS + "date": _valid_date}


class _Unsupported(Exception):
    pass


class _Shapes:
    """The shapes graph, read into what the check needs; raises _Unsupported otherwise."""

    def __init__(self, shapes: Iterable[Triple]):
        self.values: dict[tuple[Term, Term], list[Term]] = defaultdict(list)
        for s, p, o in shapes:
            if p not in _KNOWN or (p == RDF.type and o not in _SHAPE_TYPES):
                raise _Unsupported(p)
            self.values[s, p].append(o)
        self.compiled: dict[Term, _Shape] = {}
        self.targets = [(shape, cls) for (shape, p), classes in self.values.items() if p == _TARGET_CLASS
                        for cls in classes]

    def one(self, shape: Term, p: Term) -> Term | None:
        found = self.values.get((shape, p), [])
        if len(found) > 1:
            raise _Unsupported(f"{len(found)} values of {p}")
        return found[0] if found else None

    def count(self, shape: Term, p: Term) -> int | None:
        value = self.one(shape, p)
        if value is None:
            return None
        if not (isinstance(value, Literal) and value.datatype == XSD_NS + "integer"
                and value[0].isdigit()):
            raise _Unsupported(f"{p} {value!r}")
        return int(value[0])

    def items(self, head: Term) -> list[Term]:
        members, seen = [], set()
        while head != RDF.nil:
            if head in seen:
                raise _Unsupported("a cyclic list")
            seen.add(head)
            first, rest = self.one(head, RDF.first), self.one(head, RDF.rest)
            if first is None or rest is None:
                raise _Unsupported("a malformed list")
            members.append(first)
            head = rest
        return members


class _Data:
    """The data's triples of the predicates the shapes name, by predicate and subject."""

    def __init__(self, data: Iterable[Triple], predicates: set[Term]):
        self.by_ps: dict[Term, dict[Term, set[Term]]] = {p: defaultdict(set) for p in predicates}
        by_ps = self.by_ps
        for s, p, o in data:
            found = by_ps.get(p)
            if found is not None:
                found[s].add(o)
        self._supers: dict[Term, set[Term]] = {}

    def objects(self, s: Term, p: Term) -> set[Term]:
        return self.by_ps[p].get(s, set())

    def superclasses(self, cls: Term) -> set[Term]:
        """``cls`` and every class it is an ``rdfs:subClassOf*`` of."""
        found = self._supers.get(cls)
        if found is None:
            found, todo = {cls}, [cls]
            while todo:
                for sup in self.objects(todo.pop(), RDFS.subClassOf):
                    if sup not in found:
                        found.add(sup)
                        todo.append(sup)
            self._supers[cls] = found
        return found

    def is_instance(self, node: Term, cls: Term) -> bool:
        return not isinstance(node, Literal) and any(
            cls in self.superclasses(t) for t in self.objects(node, RDF.type))

    def instances(self, classes: set[Term]) -> dict[Term, set[Term]]:
        """The SHACL instances of each of ``classes``: one pass over the typed nodes."""
        found: dict[Term, set[Term]] = {cls: set() for cls in classes}
        for node, types in self.by_ps[RDF.type].items():
            for t in types:
                for cls in self.superclasses(t) & classes:
                    found[cls].add(node)
        return found


def conforms(data: Iterable[Triple], shapes: Iterable[Triple]) -> bool | None:
    """``True`` when pySHACL would find ``data`` conforms to ``shapes``; ``False`` when it
    might not (or does not); ``None`` when the shapes use what this check does not know."""
    try:
        graph = _Shapes(shapes)
        predicates = {RDF.type, RDFS.subClassOf} | {
            path for (_s, p), paths in graph.values.items() if p == _PATH for path in paths}
        if any(isinstance(p, Literal | BNode) for p in predicates):
            raise _Unsupported("a path that is not an IRI")
        index = _Data(data, predicates)
        instances = index.instances({cls for _shape, cls in graph.targets})
        return all(_node_conforms(graph, index, shape, focus)
                   for shape, cls in graph.targets for focus in instances[cls])
    except _Unsupported:
        return None


class _Shape:
    """One shape's constraints, read once from the shapes graph."""

    def __init__(self, graph: _Shapes, shape: Term):
        self.path = graph.one(shape, _PATH)
        self.least, self.most = graph.count(shape, _MIN), graph.count(shape, _MAX)
        if self.path is None and (self.least is not None or self.most is not None):
            raise _Unsupported("a count on a node shape")
        self.cls, self.datatype = graph.one(shape, _CLASS), graph.one(shape, _DATATYPE)
        self.lexical = _LEXICAL.get(self.datatype) if self.datatype is not None else None
        self.alternatives = [graph.items(head) for head in graph.values.get((shape, _OR), [])]
        self.nested = graph.values.get((shape, _PROPERTY), [])


def _node_conforms(graph: _Shapes, data: _Data, shape: Term, focus: Term) -> bool:
    """Whether ``focus`` surely conforms to ``shape`` (a node or property shape)."""
    found = graph.compiled.get(shape)
    if found is None:
        found = graph.compiled[shape] = _Shape(graph, shape)
    c = found
    values = data.objects(focus, c.path) if c.path is not None else {focus}
    if c.least:
        countable = values if c.least == 1 else {v for v in values if not isinstance(v, Literal)}
        if len(countable) < c.least:
            return False
    if c.most is not None and len(values) > c.most:
        return False
    if c.cls is not None and not all(data.is_instance(v, c.cls) for v in values):
        return False
    if c.datatype is not None and values:
        if c.lexical is None:
            return False  # a datatype this check does not know: let pySHACL judge
        if not all(isinstance(v, Literal) and v.datatype == c.datatype and c.lexical(v[0]) for v in values):
            return False
    for members in c.alternatives:
        if not all(any(_node_conforms(graph, data, m, v) for m in members) for v in values):
            return False
    return all(_node_conforms(graph, data, nested, v) for nested in c.nested for v in values)
