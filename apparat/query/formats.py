"""Media types and format names (kept as data), and writing answers with pyoxigraph's
own serializers, the row cap exact, in chunks.

How an answer is written (:func:`write_answer`), by what the engine returned:

- ``QueryBoolean``: its own ``serialize``.
- ``QuerySolutions`` as JSON or XML: serialized natively in that format, in one
  pass, into a writer that counts the solutions as the bytes go by
  (:class:`_SolutionWriter`: where a solution starts is a fixed byte pattern in
  either format, outside the strings) and stops the engine at the first
  solution over ``max_rows``, the output cut before it and closed: the cut is
  exact and a runaway result is not computed to its end. Chunks of about
  ``chunk_bytes`` go to ``emit`` as they fill.
- ``QuerySolutions`` as TSV or CSV: serialized natively as TSV (one line per
  solution: TSV escapes newlines inside terms) into a writer that stops the
  engine after ``max_rows + 1`` lines. TSV is sent as it is; for CSV (whose
  quoted cells may hold line breaks) the kept lines are re-read natively and
  written as CSV, ``batch`` solutions at a time, each batch one chunk.
  No solution becomes a Python dict.
- ``QueryTriples``: the same through N-Triples (one line per triple), then
  ``pyoxigraph.serialize`` in the asked format (Turtle with our prefixes).
"""

from __future__ import annotations

import itertools
import json  # noqa: F401 - the doctest reads JSON
import re
from collections.abc import Callable
from typing import NamedTuple

import pyoxigraph as ox


class Format(NamedTuple):
    name: str          # the value of the ``format`` parameter and ``--format`` option
    media_type: str    # the Content-Type we answer with
    # Further names that select it: older or looser media types, and the short
    # ``format``/``output`` values clients send (SPARQLWrapper sends "n3",
    # "rdf+xml", "json-ld" …; Fuseki and Virtuoso accept such names too).
    aliases: tuple[str, ...] = ()


#: Formats for SELECT and ASK results, the first is the default.
RESULT_FORMATS: tuple[Format, ...] = (
    Format("json", "application/sparql-results+json", ("application/json", "srj", "sparql-results+json")),
    Format("xml", "application/sparql-results+xml", ("application/xml", "text/xml", "srx", "sparql-results+xml")),
    Format("csv", "text/csv"),
    Format("tsv", "text/tab-separated-values"),
)

#: Formats for CONSTRUCT and DESCRIBE results, the first is the default.
GRAPH_FORMATS: tuple[Format, ...] = (
    Format("turtle", "text/turtle", ("application/x-turtle", "application/turtle", "ttl", "n3", "text/n3",
                                     "text/rdf+n3", "application/n3")),
    Format("ntriples", "application/n-triples", ("text/plain", "nt", "n-triples")),
    Format("jsonld", "application/ld+json", ("application/json", "json-ld", "json", "application/x-json+ld")),
    Format("rdfxml", "application/rdf+xml", ("application/xml", "text/xml", "rdf+xml", "xml", "rdf")),
    Format("nquads", "application/n-quads", ("nq", "n-quads")),
    Format("trig", "application/trig", ()),
)

_OX_RESULTS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
_OX_RDF = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
}
#: Bytes before and after the solutions in one batch of each format, for stitching batches.
_FRAMES = {
    "json": (b'"bindings":[', b"]}}"),
    "xml": (b"<results>", b"</results></sparql>"),
}


def find_format(name: str, offered: tuple[Format, ...]) -> Format | None:
    """Return the offered format called ``name`` or having ``name`` as media type.

    >>> find_format("text/csv", RESULT_FORMATS).name
    'csv'
    """
    for fmt in offered:
        if name in (fmt.name, fmt.media_type, *fmt.aliases):
            return fmt
    return None


def formats_for(kind: str) -> tuple[Format, ...]:
    """The formats a result of ``kind`` ("bindings", "boolean" or "graph") can be written in."""
    return GRAPH_FORMATS if kind == "graph" else RESULT_FORMATS


def result_kind(answer) -> str:
    """What pyoxigraph returned: "bindings", "boolean" or "graph"."""
    if isinstance(answer, ox.QueryBoolean):
        return "boolean"
    return "bindings" if isinstance(answer, ox.QuerySolutions) else "graph"


class _Capped(Exception):
    """Raised from inside a serializer to stop the engine at the row cap."""


class _LineWriter:
    """A file-like sink that keeps at most ``limit`` lines and then stops the writer."""

    def __init__(self, limit: int):
        self.limit, self.lines, self.parts, self.cut = limit, 0, [], False

    def write(self, data) -> int:
        data = bytes(data)
        room = self.limit - self.lines
        count = data.count(b"\n")
        if count < room:
            self.parts.append(data)
            self.lines += count
            return len(data)
        end = -1
        for _ in range(room):
            end = data.index(b"\n", end + 1)
        self.parts.append(data[:end + 1])
        self.lines, self.cut = self.limit, True
        raise _Capped

    def flush(self) -> None:
        pass

    def value(self) -> bytes:
        return b"".join(self.parts)


#: Where a solution starts in pyoxigraph's JSON and XML results, for :class:`_SolutionWriter`.
#: XML: every ``<result>`` tag (a ``<`` inside a value is written ``&lt;``). JSON: the first
#: ``{`` after ``"bindings":[``, and each ``},{`` between two solutions: as pyoxigraph writes
#: JSON (no spaces), ``},{`` outside a string is only ever that. ``},{"`` (a solution with a
#: binding) is also the end of a string value that ends in ``},{``, but a solution's ``"`` opens
#: a variable's name, so the byte after it is a name's, where after a string's closing ``"``
#: comes ``}`` or ``,`` (:data:`_NOT_A_NAME`): a ``},{"`` counts once the byte after it has
#: come and is neither. A ``},{}`` (the next solution binds nothing) may also be text inside a
#: string: once one is seen, the writer reads the strings from there on to tell them apart
#: (:data:`_JSON_TOKENS`).
_STARTS = {
    "json": (b'"bindings":[{', b'},{"', b"},{}"),
    "xml": (b"<result>",),
}
#: What follows a ``},{"`` that ends a string value, not a solution's first variable.
_NOT_A_NAME = b"},"
#: What a solution start is cut to, and what closes the output after the cut.
_CLOSE = {"json": b"]}}", "xml": b"</results></sparql>"}
#: JSON read for its strings: a whole string, a string not yet complete, or a ``},{`` outside strings.
_JSON_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"|"|\},\{')


class _SolutionWriter:
    """A file-like sink for pyoxigraph's JSON or XML results writer: counts the solutions as
    their bytes go by, passes the bytes on to ``emit`` in chunks of about ``chunk`` bytes, and
    at the first solution over ``limit`` cuts the output before it, closes it and stops the
    writer (:class:`_Capped`); ``rows`` is then the number of solutions written, ``cut`` whether
    there were more. Call :meth:`close` at the end: it emits the rest.

    >>> store, chunks = ox.Store(), []
    >>> writer = _SolutionWriter("json", 2, chunks.append, 1024)
    >>> try:
    ...     store.query('SELECT ?x { VALUES ?x { "}},{}" 2 3 } }').serialize(writer, ox.QueryResultsFormat.JSON)
    ... except (_Capped, OSError):
    ...     pass
    >>> writer.close(); writer.rows, writer.cut, json.loads(b"".join(chunks))["results"]["bindings"][0]["x"]["value"]
    (2, True, '}},{}')
    """

    def __init__(self, fmt: str, limit: int, emit: Callable[[bytes], None], chunk: int):
        self.fmt, self.limit, self.emit, self.chunk = fmt, limit, emit, chunk
        self.markers, self.closing = _STARTS[fmt], _CLOSE[fmt]
        self.longest = max(map(len, self.markers))
        self.held = bytearray()   # bytes not yet emitted
        self.scanned = 0          # no solution starts in held[:scanned] that is not counted
        self.anchor = 0           # held[anchor] is outside any string; held[:anchor] may be emitted
        self.exact = False        # JSON: the strings are read (a "},{}" was seen)
        self.rows, self.cut = 0, False

    def write(self, data) -> int:
        if self.cut:  # pyoxigraph may flush its buffer once more after the stop
            raise _Capped
        self.held += data
        if self.exact:
            self._read_strings()
        else:
            self._count()
        if self.anchor >= self.chunk:
            self.emit(bytes(self.held[:self.anchor]))
            del self.held[:self.anchor]
            # scanned may lie 2 bytes before the anchor (after "},{" the anchor is the '"'): never
            # below 0, where find() would count from the end and miss the next solutions
            self.scanned = max(0, self.scanned - self.anchor)
            self.anchor = 0
        return len(data)

    def _count(self) -> None:
        held, end = self.held, len(self.held)
        if self._count_quickly(held, end):
            return
        found = sorted((at, marker) for marker in self.markers for at in _positions(held, marker, self.scanned))
        last = -1
        for at, marker in found:
            if marker == b"},{}":  # text in a string, or a solution that binds nothing: read the strings
                self.exact, self.scanned = True, self.anchor
                self._read_strings()
                return
            if marker == b"<result>":
                self._start(at)
            elif marker == b"},{\"":
                if at + 4 >= end or held[at + 4] in _NOT_A_NAME:
                    continue  # the byte after it is still to come (scanned stays before it), or a string's end
                self._start(at + 1)
                self.anchor = at + 3  # the " that opens the solution's first variable
            else:  # the first solution: never over a limit of one or more
                self.rows += 1
                self.anchor = at + len(marker) - 1
            last = at
        self.scanned = max(self.scanned, end - self.longest + 1, last + 1)
        if self.fmt == "xml":
            self.anchor = self.scanned

    def _count_quickly(self, held: bytearray, end: int) -> bool:
        """:meth:`_count` for the common case, in C: after the first solution (JSON), with no
        ``},{}`` in sight and every solution start of the new bytes still within the limit, the
        starts are only counted (``bytearray.count``), not located one by one in Python (0.7 ms
        of the bench's 3-way join, 222 kB, before). False: :meth:`_count` must look."""
        scanned = self.scanned
        if self.fmt == "json":
            if self.rows == 0 or held.find(b"},{}", scanned) >= 0:
                return False
            marker, stop = b'},{"', end - 1  # a start counts once the byte after it has come
            found = (held.count(marker, scanned, stop) - held.count(b'},{"}', scanned, end)
                     - held.count(b'},{",', scanned, end))  # string values that end in "},{"
        else:
            marker, stop = b"<result>", end
            found = held.count(marker, scanned)
        if self.rows + found > self.limit:
            return False
        last = held.rfind(marker, scanned, stop) if found else -1
        while self.fmt == "json" and last >= 0 and held[last + 4] in _NOT_A_NAME:
            last = held.rfind(marker, scanned, last)
        self.rows += found
        if found and self.fmt == "json":
            self.anchor = last + 3  # the " that opens the last solution's first variable
        self.scanned = max(self.scanned, end - self.longest + 1, last + 1)
        if self.fmt == "xml":
            self.anchor = self.scanned
        return True

    def _read_strings(self) -> None:
        """JSON, exactly: from ``scanned`` (outside any string) on, every string is skipped whole."""
        held, at = self.held, self.scanned
        while True:
            token = _JSON_TOKENS.search(held, at)
            if token is None:  # no quote from here on: a "},{" may still be cut in two at the end
                at = max(at, len(held) - 2)
                break
            if token.group() == b'"':  # a string not yet complete: read it when its end has come
                at = token.start()
                break
            if token.group() == b"},{":
                self._start(token.start() + 1)
            at = token.end()
        self.scanned = self.anchor = at

    def _start(self, cut_at: int) -> None:
        """A solution starts; were it over the limit, the output would end at ``held[:cut_at]``."""
        self.rows += 1
        if self.rows > self.limit:
            self.rows, self.cut = self.limit, True
            del self.held[cut_at:]
            self.held += self.closing
            raise _Capped

    def flush(self) -> None:
        pass

    def close(self) -> None:
        """Emit what is held: the rest of the output, once the writer has finished or was cut."""
        if self.held:
            self.emit(bytes(self.held))
            self.held.clear()


def _positions(data: bytearray, marker: bytes, start: int):
    at = data.find(marker, start)
    while at >= 0:
        yield at
        at = data.find(marker, at + 1)


def _capture(serialize, limit: int) -> tuple[bytes, bool]:
    """Run a native serializer into a :class:`_LineWriter`; return (lines, whether more existed)."""
    sink = _LineWriter(limit)
    try:
        serialize(sink)
    except _Capped:
        pass
    except OSError:  # pyoxigraph may wrap the exception our writer raised
        if not sink.cut:
            raise
    return sink.value(), sink.cut


def write_answer(answer, fmt: str, *, max_rows: int, emit: Callable[[bytes], None],
                 prefixes: dict[str, str] | None = None, batch: int = 2000, stats: dict | None = None,
                 chunk_bytes: int = 256 * 1024) -> bool:
    """Write a pyoxigraph answer as ``fmt``, in chunks passed to ``emit``; return whether it was cut.

    ``stats``, if given, gets ``rows``: the solutions (or triples) written (1 for ASK).

    At most ``max_rows`` solutions (or triples) are written; the return value
    says whether the engine had more. ``fmt`` must suit the answer's kind
    (:func:`formats_for`).

    >>> store = ox.Store()
    >>> chunks = []
    >>> write_answer(store.query("SELECT ?x { VALUES ?x { 1 2 3 } }"), "csv", max_rows=2, emit=chunks.append)
    True
    >>> b"".join(chunks)
    b'x\\r\\n1\\r\\n2\\r\\n'
    """
    kind = result_kind(answer)
    stats = {} if stats is None else stats
    if kind == "boolean":
        emit(answer.serialize(format=_OX_RESULTS[fmt]))
        stats["rows"] = 1
        return False
    if kind == "graph":
        return _write_triples(answer, fmt, max_rows, emit, prefixes, stats)
    if fmt in _STARTS and max_rows > 0:
        writer = _SolutionWriter(fmt, max_rows, emit, chunk_bytes)
        try:
            answer.serialize(writer, _OX_RESULTS[fmt])
        except _Capped:
            pass
        except OSError:  # pyoxigraph may wrap the exception our writer raised
            if not writer.cut:
                raise
        writer.close()
        stats["rows"] = writer.rows
        return writer.cut
    tsv, _ = _capture(lambda sink: answer.serialize(sink, ox.QueryResultsFormat.TSV), max_rows + 2)
    header, _, body = tsv.partition(b"\n")
    rows = body.splitlines(keepends=True)
    more, rows = len(rows) > max_rows, rows[:max_rows]
    stats["rows"] = len(rows)
    if fmt == "tsv":
        emit(header + b"\n" + b"".join(rows))
        return more
    batches = [rows[at:at + batch] for at in range(0, len(rows), batch)] or [[]]
    for number, lines in enumerate(batches):
        text = _convert(header, lines, fmt)
        if len(batches) > 1 and fmt in _FRAMES:
            start, end = _FRAMES[fmt]
            head, sep, rest = text.partition(start)
            first, last = number == 0, number == len(batches) - 1
            opening = head + sep if first else b"," if fmt == "json" else b""
            text = opening + rest[: -len(end)] + (end if last else b"")
        elif number and fmt == "csv":
            text = text.partition(b"\r\n")[2]
        emit(text)
    return more


def _convert(header: bytes, lines: list[bytes], fmt: str) -> bytes:
    """Re-read TSV lines natively and write them as ``fmt``."""
    parsed = ox.parse_query_results(header + b"\n" + b"".join(lines), ox.QueryResultsFormat.TSV)
    return parsed.serialize(format=_OX_RESULTS[fmt])


def _write_triples(answer, fmt: str, max_rows: int, emit, prefixes, stats: dict) -> bool:
    """A graph answer: N-Triples straight from the engine's writer, cut at the cap; the other
    formats from the first ``max_rows`` triples taken from the engine (one past them tells
    whether there were more), serialized once. (They were re-read from N-Triples before:
    14% slower on the bench's CONSTRUCT in process, the same bytes.)"""
    if fmt in ("ntriples", "nquads"):
        nt, _ = _capture(lambda sink: answer.serialize(sink, ox.RdfFormat.N_TRIPLES), max_rows + 1)
        lines = nt.splitlines(keepends=True)
        more, lines = len(lines) > max_rows, lines[:max_rows]
        stats["rows"] = len(lines)
        emit(b"".join(lines))
        return more
    triples = list(itertools.islice(answer, max_rows + 1))
    more, triples = len(triples) > max_rows, triples[:max_rows]
    stats["rows"] = len(triples)
    emit(serialize_triples(triples, fmt, prefixes))
    return more


def serialize_triples(triples, fmt: str, prefixes: dict[str, str] | None = None) -> bytes:
    """Serialize triples as ``fmt`` (Turtle and TriG get ``prefixes``)."""
    kwargs = {"prefixes": prefixes} if prefixes and fmt in ("turtle", "trig") else {}
    return ox.serialize(triples, format=_OX_RDF[fmt], **kwargs)


def plain_value(term) -> str:
    """Return a term as a person reads it: an IRI or the literal's lexical form.

    >>> plain_value(ox.NamedNode("http://e/a")), plain_value(None)
    ('http://e/a', '')
    """
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value if hasattr(term, "value") else str(term)
