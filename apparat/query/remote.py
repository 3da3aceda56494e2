"""A remote SPARQL 1.1 store in place of the embedded one (setting ``store``).

Caution: this sends user-supplied SPARQL to another server. Every check of the
embedded path runs first, in the executor (``sparql.evaluate``: length,
nesting, update, ``SERVICE`` allowlist), and the text is parsed here by
pyoxigraph before it leaves (:func:`check_syntax`), so a malformed query is our
``400`` with line and column and never reaches the store.

How the dataset is kept the same as the embedded store's (README "When you
outgrow one machine"): ``apparat build --store`` uploads every named graph
and, as the embedded build does, the union of all graphs (:data:`UNION`, each
triple once: a graph is a set) and of the asserted ones
(``store.ASSERTED_UNION``). Every query then names its dataset in the
protocol's own parameters (``default-graph-uri``, ``named-graph-uri``): the
union, or the asserted union for ``infer=false``, and the data's named graphs
(never the unions or :data:`METADATA`). That works on any store that honours
the SPARQL 1.1 Protocol's dataset parameters, whatever its own default graph
is; a request's own ``default-graph-uri``/``named-graph-uri`` and a query's
``FROM`` are passed on as they are.

Answers are asked for as TSV (solutions, one line each) or N-Triples (one
triple a line) and read only up to ``max_rows + 2`` lines, then the
connection is dropped: a huge result costs the store, not our memory. One
call's time is bounded by the query's deadline (:attr:`RemoteStore.deadline`,
set per request by the executor) and by ``store_timeout``: past it
:class:`~apparat.errors.StoreTimeout` (504); a refused connection, a reset
or a 5xx is :class:`~apparat.errors.StoreFailed` (502).

A serving process pins the build the store held when it started (its ETag)
and watches the store's manifest (:class:`BuildWatch`, a thread that asks
every :data:`WATCH_EVERY` seconds): while the store holds no manifest (an
upload of a new build has begun) or another build's, every query is refused
with :class:`StoreBuildChanged` (503), until the store holds the server's
build again or the server is reloaded (README "When you outgrow one machine").

This module imports pyoxigraph and the standard library only (executors stay small).
"""

from __future__ import annotations

import http.client
import json
import logging
import re
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import pyoxigraph as ox

from ..errors import KgError, QueryRefused, StoreBuildChanged, StoreFailed, StoreTimeout
from .sparql import TOKEN, _resolve, syntax_error

#: The union of every graph of the data (each triple once): the default graph of a query.
UNION = "urn:x-apparat:union"
#: The small graph that says which build the store holds (its manifest, as JSON).
METADATA = "urn:x-apparat:build"
MANIFEST = "urn:x-apparat:manifest"
#: The build's checksum, a triple of its own in :data:`METADATA`: what the watch reads every second.
ETAG = "urn:x-apparat:etag"
#: Virtuoso 7.2's Graph Store refuses a body holding a literal past 64 KiB ("the submitted resource
#: is of unsupported type text/plain"; measured: 60,000 characters pass, 70,000 do not), and the
#: manifest of the ×100 build (803 graphs) is ~150 kB: it is written in parts of this many
#: characters (ASCII JSON, at most twice that once escaped), each led by its number.
MANIFEST_PART = 20_000
#: Virtuoso echoes each ``named-graph-uri`` of a query as an ``X-SPARQL-named-graph`` header of
#: its answer (812 headers for the ×100 build's 803 graphs, measured), and http.client refuses an
#: answer of more than 100 headers (``HTTPException: got more than 100 headers``): every query of a
#: build of more than ~95 graphs failed through Virtuoso. The limit is module-wide, so it is raised
#: here, once, to a bound no store should reach; the headers are still read in bounded lines.
http.client._MAXHEADERS = max(http.client._MAXHEADERS, 100_000)
#: What an answer is asked for as, by the kind of result the query gives (pyoxigraph's parse says).
_GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.5"
_TSV_ACCEPT = "text/tab-separated-values, application/sparql-results+json;q=0.5"
_JSON_ACCEPT = "application/sparql-results+json"
_UNESCAPE = re.compile(r"\\(.)")  # PN_LOCAL_ESC: a backslash before a character stands for it
_MAX_OTHER_BYTES = 256 * 1024 * 1024  # answers in a format we cannot cut by lines
#: Seconds between two reads of the store's manifest by a serving process (:class:`BuildWatch`).
WATCH_EVERY = 1.0
#: Most seconds one such read may take; a store slower than that counts as down for ``/health``.
WATCH_TIMEOUT = 2.0
_LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class StoreEndpoints:
    """Where a remote store answers queries (Query protocol) and takes graphs (Graph Store protocol)."""

    query: str
    graph_store: str = ""


def store_endpoints(store: str, query_url: str = "", graph_url: str = "") -> StoreEndpoints:
    """The endpoints of the store at ``store``: a base URL alone means Oxigraph server.

    >>> store_endpoints("http://127.0.0.1:7878")
    StoreEndpoints(query='http://127.0.0.1:7878/query', graph_store='http://127.0.0.1:7878/store')
    >>> store_endpoints("http://h:8890/sparql", graph_url="http://h:8890/sparql-graph-crud").query
    'http://h:8890/sparql'

    Raises:
        QueryRefused: ``store`` is not an http(s) URL.
    """
    parts = urlsplit(store)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise QueryRefused(f"store {store!r} is neither 'embedded' nor an http(s) URL")
    base = store.rstrip("/")
    if parts.path.strip("/") == "":  # Oxigraph server: /query and /store under its base URL
        return StoreEndpoints(query_url or base + "/query", graph_url or base + "/store")
    return StoreEndpoints(query_url or store, graph_url)


def check_syntax(text: str, *, prefixes: dict[str, str], base_iri: str | None) -> str:
    """Parse ``text`` with pyoxigraph, sending nothing anywhere; return the kind of result it gives
    ("bindings", "boolean" or "graph": the engine's, never a guess from the text).

    pyoxigraph has no parse-only call and evaluates a ``SERVICE`` as soon as a
    query is run, even on an empty store, so the parse runs on a copy in which
    each ``SERVICE [SILENT]`` is ``GRAPH`` padded to the same length (the two
    have the same grammar): an error's line and column stay those of the text.

    Raises:
        QuerySyntaxError: the text does not parse.
    """
    parts, at = [], 0
    for match in TOKEN.finditer(text):
        if match.lastgroup == "name" and match.group().upper() in ("SERVICE", "SILENT"):
            word = "GRAPH  " if match.group().upper() == "SERVICE" else "      "
            parts += [text[at:match.start()], word[: len(match.group())]]
            at = match.end()
    parts.append(text[at:])
    from .formats import result_kind

    try:
        answer = ox.Store().query("".join(parts), prefixes=prefixes, base_iri=base_iri,
                                  default_graph=[], named_graphs=[])
    except SyntaxError as err:
        raise syntax_error(err) from None
    return result_kind(answer)


def with_prologue(text: str, prefixes: dict[str, str], base_iri: str | None) -> str:
    """The query with one prologue in front: ``BASE`` first, then every prefix, ours and its own,
    resolved as the query's own declarations resolve them in turn (SPARQL allows them in any order;
    Virtuoso 7 refuses a ``BASE`` after a ``PREFIX``). The rest of the text is left as it is.

    >>> with_prologue("BASE <http://e/> PREFIX a: <x/> BASE <f/> ASK { a:b ?p <c> }", {}, None)
    'BASE <http://e/f/>\\nPREFIX a: <http://e/x/>\\nASK { a:b ?p <c> }'
    >>> with_prologue('ASK { a:organ\\\\/politburo ?p "a:b\\\\/c" }', {"a": "http://e/"}, None)
    'PREFIX a: <http://e/>\\nASK { <http://e/organ/politburo> ?p "a:b\\\\/c" }'
    """
    declared, base, at = dict(prefixes), base_iri, 0
    tokens = [m for m in TOKEN.finditer(text) if m.lastgroup not in ("ws", "comment")]
    index = 0
    while index < len(tokens) and tokens[index].lastgroup == "name" and tokens[index].group().upper() in (
            "BASE", "PREFIX"):
        word = tokens[index].group().upper()
        if word == "BASE" and index + 1 < len(tokens) and tokens[index + 1].lastgroup == "iri":
            base = _resolve(tokens[index + 1].group()[1:-1], base)
            index += 2
        elif (word == "PREFIX" and index + 2 < len(tokens) and tokens[index + 1].lastgroup == "pname"
              and tokens[index + 2].lastgroup == "iri"):
            declared[tokens[index + 1].group().rstrip(":")] = _resolve(tokens[index + 2].group()[1:-1], base)
            index += 3
        else:
            break
        at = tokens[index - 1].end()
    head = (f"BASE <{base}>\n" if base else "") + "".join(f"PREFIX {n}: <{i}>\n" for n, i in declared.items())
    # A prefixed name with an escape (``apid:organ\\/politburo``) is written as its full IRI:
    # Virtuoso 7 refuses SPARQL 1.1's PN_LOCAL_ESC. Token by token, so strings stay as they are.
    body, parts, last = text[at:], [], 0
    for match in TOKEN.finditer(body):
        name = match.group()
        if match.lastgroup == "pname" and "\\" in name and name.split(":", 1)[0] in declared:
            prefix, local = name.split(":", 1)
            iri = declared[prefix] + _UNESCAPE.sub(r"\1", local)
            parts += [body[last:match.start()], f"<{iri}>"]
            last = match.end()
    parts.append(body[last:])
    return head + "".join(parts).lstrip()


class _Lines:
    """An answer's body as lines, read one at a time under the deadline."""

    def __init__(self, response: http.client.HTTPResponse, sock, remote: RemoteStore):
        self.response, self.sock, self.remote = response, sock, remote

    def readline(self) -> bytes:
        self.remote.tighten(self.sock)
        try:
            return self.response.readline()
        except TimeoutError:
            raise self.remote.timed_out() from None
        except OSError as err:
            raise StoreFailed(f"the SPARQL store at {self.remote.url} broke off its answer: {err}") from None


class _Triples:
    """A CONSTRUCT/DESCRIBE answer already in N-Triples: ``formats.write_answer`` reads it like
    pyoxigraph's ``QueryTriples``."""

    def __init__(self, lines: bytes):
        self.lines = lines

    def serialize(self, output, format=None) -> None:  # noqa: A002 - pyoxigraph's name
        output.write(self.lines)

    def __iter__(self):
        return (quad.triple for quad in ox.parse(self.lines, format=ox.RdfFormat.N_TRIPLES))


class RemoteStore:
    """A remote SPARQL 1.1 store that answers like a read-only ``pyoxigraph.Store`` (``query``,
    ``quads_for_pattern``), for the executors.

    Args:
        query_url: the store's query endpoint.
        max_rows: most solutions or triples an answer may need (more are not read).
        timeout: most seconds one call may take (0: only the deadline bounds it).
        graph_names, asserted_graph_names: the data's named graphs (``Engine``'s).
    """

    def __init__(self, query_url: str, *, max_rows: int, timeout: float = 0.0,
                 graph_names: tuple[str, ...] = (), asserted_graph_names: tuple[str, ...] = ()):
        self.url, self.max_rows, self.timeout = query_url, max_rows, timeout
        self.graph_names, self.asserted_graph_names = graph_names, asserted_graph_names
        self.deadline: float | None = None  # set per request: time.monotonic() value
        # SPARQL 1.1 TSV is cut by lines; a store whose TSV is not that (Virtuoso 7 quotes
        # IRIs as strings and drops datatypes) is asked for JSON from its first answer on.
        self.results_accept = _TSV_ACCEPT

    # -- one call ---------------------------------------------------------------------------

    def _until(self) -> float:
        ends = [t for t in (self.deadline, time.monotonic() + self.timeout if self.timeout else None) if t]
        return min(ends) if ends else time.monotonic() + 60.0

    def tighten(self, sock) -> None:
        """Let the next read on ``sock`` wait at most until the call's end; past it, StoreTimeout."""
        remaining = self._until() - time.monotonic()
        if remaining <= 0:
            raise self.timed_out()
        sock.settimeout(remaining)

    def timed_out(self) -> StoreTimeout:
        return StoreTimeout(f"the SPARQL store at {self.url} did not answer in time (within the query's time limit)")

    def post(self, fields: list[tuple[str, str]], accept: str):
        """POST a form to the query endpoint; return the connection, its socket and the response (status
        checked).

        Raises:
            StoreTimeout, StoreFailed, QueryRefused (the store's own 400).
        """
        parts = urlsplit(self.url)
        remaining = self._until() - time.monotonic()
        if remaining <= 0:
            raise self.timed_out()
        kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        conn = kind(parts.hostname, parts.port, timeout=remaining)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        try:
            conn.request("POST", path or "/", body=urlencode(fields).encode(),
                         headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": accept})
            sock = conn.sock  # the response keeps reading it after getresponse() lets go of it
            self.tighten(sock)
            response = conn.getresponse()
        except TimeoutError:
            conn.close()
            raise self.timed_out() from None
        except StoreTimeout:
            conn.close()
            raise
        except OSError as err:
            conn.close()
            raise StoreFailed(f"the SPARQL store at {self.url} cannot be reached: {err}") from None
        except http.client.HTTPException as err:
            conn.close()
            raise StoreFailed(f"the SPARQL store at {self.url} sent no valid answer: {err!r}") from None
        if response.status != 200:
            body = response.read(2000).decode("utf-8", "replace").strip()
            conn.close()
            if response.status == 400:
                raise QueryRefused(f"the SPARQL store refused the query: {body}")
            raise StoreFailed(f"the SPARQL store at {self.url} answered {response.status}: {body[:500]}")
        return conn, sock, response

    # -- what the executors call ------------------------------------------------------------

    def query(self, text: str, *, prefixes: dict[str, str] | None = None, base_iri: str | None = None,
              default_graph=None, named_graphs=None, substitutions=None):
        """Parse ``text`` here, send it with its dataset, return pyoxigraph's kind of answer.

        ``default_graph``/``named_graphs`` are those ``sparql.evaluate`` gives the
        embedded store; its ``DefaultGraph`` (the union) is :data:`UNION` here.
        """
        if substitutions:
            raise KgError("a remote store takes no substitutions: bind values in the text (saved.py does)")
        kind = check_syntax(text, prefixes=prefixes or {}, base_iri=base_iri)
        fields = [("query", with_prologue(text, prefixes or {}, base_iri))]
        for graph in default_graph or ():
            fields.append(("default-graph-uri", UNION if isinstance(graph, ox.DefaultGraph) else graph.value))
        fields += [("named-graph-uri", graph.value) for graph in named_graphs or ()]
        return self._answer(fields, graph=kind == "graph")

    def _answer(self, fields, graph: bool = False):
        accept = _GRAPH_ACCEPT if graph else self.results_accept
        media, body = self._call(fields, accept)
        if media == "text/tab-separated-values" and not graph and not _sparql_tsv(body):
            self.results_accept = _JSON_ACCEPT
            media, body = self._call(fields, _JSON_ACCEPT)
        return _parse_answer(media, body, self.url)

    def _call(self, fields, accept: str) -> tuple[str, bytes]:
        conn, sock, response = self.post(fields, accept)
        try:
            media = (response.getheader("Content-Type") or "").split(";")[0].strip().lower()
            if media in ("text/tab-separated-values", "application/n-triples", "text/plain"):
                lines, kept = _Lines(response, sock, self), []
                while len(kept) < self.max_rows + 2:
                    line = lines.readline()
                    if not line:
                        break
                    kept.append(line)
                body = b"".join(kept)
            else:
                self.tighten(sock)
                body = response.read(_MAX_OTHER_BYTES)
        except TimeoutError:
            raise self.timed_out() from None
        except OSError as err:
            raise StoreFailed(f"the SPARQL store at {self.url} broke off its answer: {err}") from None
        finally:
            conn.close()
        return media, body

    def quads_for_pattern(self, subject, predicate, obj, graph):
        """Quads matching a pattern (None: any; ``DefaultGraph``: the union), at most 10,001."""
        terms = []
        for name, term in (("s", subject), ("p", predicate), ("o", obj)):
            if isinstance(term, ox.BlankNode):
                return iter(())  # a remote store keeps no blank node labels of ours
            terms.append(f"?{name}" if term is None else str(term))
        pattern = " ".join(terms)
        if isinstance(graph, ox.DefaultGraph):
            where, fields = f"{{ {pattern} }}", [("default-graph-uri", UNION)]
        elif graph is None:
            where = f"{{ GRAPH ?g {{ {pattern} }} }}"
            fields = [("default-graph-uri", UNION)] + [("named-graph-uri", g) for g in self.graph_names]
        else:
            where, fields = f"{{ GRAPH {graph} {{ {pattern} }} }}", [("named-graph-uri", graph.value)]
        answer = self._answer([("query", f"SELECT * WHERE {where} LIMIT 10001"), *fields])
        return (_quad(solution, subject, predicate, obj, graph) for solution in answer)

    def held_etag(self) -> str | None:
        """The checksum of the build the store holds, or None: no manifest.

        Only the checksum crosses the wire (a manifest names every graph, and this is asked
        every second): the :data:`ETAG` triple ``apparat build --store`` writes beside the
        manifest. A store uploaded before that triple existed has its manifest read whole.
        """
        text = f"SELECT ?etag WHERE {{ GRAPH <{METADATA}> {{ <{METADATA}> <{ETAG}> ?etag }} }}"
        for solution in self._answer([("query", text), ("named-graph-uri", METADATA)]):
            return solution["etag"].value
        return (self.read_manifest() or {}).get("etag")

    def read_manifest(self) -> dict | None:
        """The manifest of the build the store holds (its :data:`METADATA` graph), or None.

        Read in pages of ``max_rows`` parts (an answer is cut past ``max_rows``)."""
        values: list[str] = []
        page = max(1, self.max_rows)
        while True:
            text = (f"SELECT ?m WHERE {{ GRAPH <{METADATA}> {{ <{METADATA}> <{MANIFEST}> ?m }} }} "
                    f"ORDER BY ?m LIMIT {page} OFFSET {len(values)}")
            got = [solution["m"].value for solution in self._answer([("query", text), ("named-graph-uri", METADATA)])]
            values += got
            if len(got) < page:
                return manifest_from_parts(values) if values else None


def manifest_triples(manifest: dict) -> list[ox.Triple]:
    """The triples of the :data:`METADATA` graph for a build's ``manifest``: its checksum, and its
    JSON in numbered parts of at most :data:`MANIFEST_PART` characters."""
    text = json.dumps(manifest, sort_keys=True)
    subject = ox.NamedNode(METADATA)
    parts = (text[start:start + MANIFEST_PART] for start in range(0, len(text), MANIFEST_PART))
    numbered = (ox.Triple(subject, ox.NamedNode(MANIFEST), ox.Literal(f"{n:05d} {part}"))
                for n, part in enumerate(parts))
    return [ox.Triple(subject, ox.NamedNode(ETAG), ox.Literal(manifest["etag"])), *numbered]


def manifest_from_parts(values: list[str]) -> dict:
    """The manifest from the literals :func:`manifest_triples` wrote, in any order.

    >>> manifest_from_parts(["00001 2}", '00000 {"etag": "e", "n": '])
    {'etag': 'e', 'n': 2}
    >>> manifest_from_parts(['{"etag": "e"}'])  # one literal, as uploads wrote it before parts
    {'etag': 'e'}
    """
    if len(values) == 1 and values[0].startswith("{"):
        return json.loads(values[0])
    return json.loads("".join(value[6:] for value in sorted(values)))


def _sparql_tsv(body: bytes) -> bool:
    """Whether a TSV answer is SPARQL 1.1's: a header of ``?variables`` (or none), or a boolean."""
    head = body.split(b"\n", 1)[0].strip()
    return head in (b"", b"true", b"false") or all(name.startswith(b"?") for name in head.split(b"\t"))


def _quad(solution, subject, predicate, obj, graph) -> ox.Quad:
    graph_name = solution["g"] if graph is None else graph
    return ox.Quad(subject or solution["s"], predicate or solution["p"], obj or solution["o"], graph_name)


def bnode_labels(labels) -> dict[bytes, bytes]:
    """How one answer's blank node labels are written so that pyoxigraph takes them: Virtuoso 7
    writes ``nodeID://b10000`` in SPARQL JSON and XML where its N-Triples say ``_:b10000``, and
    pyoxigraph refuses that label ("The blank node identifier is invalid"), which made every
    answer holding a blank node a ``502``.

    One rule for the whole answer, so that two labels never become one (a label names a node
    within its answer only): none changed if all are valid; else ``nodeID://`` dropped from
    all if that leaves them all valid; else each written as ``x`` and its bytes in hex.

    >>> bnode_labels({b"b1", b"b2"})
    {}
    >>> sorted(bnode_labels({b"nodeID://b1", b"nodeID://b2"}).items())
    [(b'nodeID://b1', b'b1'), (b'nodeID://b2', b'b2')]
    >>> sorted(bnode_labels({b"nodeID://b1", b"b1"}).items())  # dropping the prefix would join them
    [(b'b1', b'x6231'), (b'nodeID://b1', b'x6e6f646549443a2f2f6231')]
    """
    labels = set(labels)
    if all(_valid_label(label) for label in labels):
        return {}
    prefix = b"nodeID://"
    if all(label.startswith(prefix) and _valid_label(label[len(prefix):]) for label in labels):
        return {label: label[len(prefix):] for label in labels}
    return {label: b"x" + label.hex().encode() for label in labels}


def _valid_label(label: bytes) -> bool:
    try:
        ox.BlankNode(label.decode())
    except (ValueError, UnicodeDecodeError):
        return False
    return True


#: A blank node term of SPARQL JSON results, its type before or after its value (a byte pattern:
#: an answer is never parsed whole here, and a malformed one is left to pyoxigraph to report).
_JSON_BNODE = re.compile(rb'("type"\s*:\s*"bnode"\s*,\s*"value"\s*:\s*")((?:[^"\\]|\\.)*)(")'
                         rb'|("value"\s*:\s*")((?:[^"\\]|\\.)*)("\s*,\s*"type"\s*:\s*"bnode")')
_XML_BNODE = re.compile(rb"(<bnode>)([^<]*)(</bnode>)")


def _relabel(body: bytes, pattern: re.Pattern) -> bytes:
    """``body`` with the blank node labels ``pattern`` finds written by :func:`bnode_labels`.

    >>> _relabel(b'{"s": {"type": "bnode", "value": "nodeID://b7"}, "o": {"value": "nodeID://b8", '
    ...          b'"type": "bnode"}}', _JSON_BNODE)
    b'{"s": {"type": "bnode", "value": "b7"}, "o": {"value": "b8", "type": "bnode"}}'
    >>> _relabel(b'<binding name="s"><bnode>nodeID://b7</bnode></binding>', _XML_BNODE)
    b'<binding name="s"><bnode>b7</bnode></binding>'
    """
    if b"bnode" not in body:
        return body

    def label(match: re.Match) -> bytes:
        return match[2] if match[2] is not None else match[5]

    written = bnode_labels(label(match) for match in pattern.finditer(body))
    if not written:
        return body

    def rewrite(match: re.Match) -> bytes:
        first = 1 if match[2] is not None else 4
        return match[first] + written[label(match)] + match[first + 2]

    return pattern.sub(rewrite, body)


def _parse_answer(media: str, body: bytes, url: str):
    """The store's answer as pyoxigraph's QuerySolutions / QueryBoolean, or triples in N-Triples."""
    try:
        if media == "text/tab-separated-values":
            return ox.parse_query_results(body, ox.QueryResultsFormat.TSV)
        if media in ("application/sparql-results+json", "application/json"):
            return ox.parse_query_results(_relabel(body, _JSON_BNODE), ox.QueryResultsFormat.JSON)
        if media in ("application/sparql-results+xml",):
            return ox.parse_query_results(_relabel(body, _XML_BNODE), ox.QueryResultsFormat.XML)
        if media in ("application/n-triples", "text/plain"):
            return _Triples(body)
        if media == "text/turtle":
            triples = [quad.triple for quad in ox.parse(body, format=ox.RdfFormat.TURTLE)]
            return _Triples(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"")
    except SyntaxError as err:
        raise StoreFailed(f"the SPARQL store at {url} sent an answer that does not parse: {err}") from None
    raise StoreFailed(f"the SPARQL store at {url} answered in an unexpected format {media or '(none)'}")


def read_store_build(settings: dict, *, wait: bool = False, on_wait=None):
    """What the web process knows of the build a remote store holds (its manifest, from :data:`METADATA`).

    Args:
        settings: ``store``, ``store_query_url``, ``store_graph_url``, ``store_timeout``, ``build_dir``.
        wait: while the store holds no build or does not answer, ask again every
            :data:`WATCH_EVERY` seconds until it holds one, calling ``on_wait(why)`` whenever
            what it says changes (``why``: ``uploading`` or ``store_down``) and
            ``on_wait(None)`` once it holds a build after a wait. For a worker that
            ``apparat serve`` starts after its own check found a build (a reload, a crashed
            worker's replacement): the manifest is gone because an upload of a new build has
            begun, and the worker serves that build once it is complete, where failing would
            end the server (granian exits when a new worker fails at once).

    Raises:
        StoreFailed: the store cannot be reached.
        DatasetMissing: it holds no build of ours (run ``apparat build --store URL``).
    """
    from ..errors import DatasetMissing
    from .store import BuildInfo

    endpoints = store_endpoints(settings["store"], settings["store_query_url"], settings["store_graph_url"])
    store = RemoteStore(endpoints.query, max_rows=10, timeout=settings["store_timeout"] or 30.0)
    manifest = _await_manifest(store, on_wait or (lambda _why: None)) if wait else store.read_manifest()
    if manifest is None:
        raise DatasetMissing(f"the SPARQL store at {endpoints.query} holds no Apparat build: "
                             f"run `apparat build --store {settings['store']}` first")
    return BuildInfo(settings["build_dir"], manifest)


def _await_manifest(store: RemoteStore, on_wait) -> dict:
    """The store's manifest, asked for every :data:`WATCH_EVERY` seconds until it holds one; a store
    that does not answer meanwhile is asked again too (``read_store_build``'s ``wait``)."""
    said = None
    while True:
        try:
            manifest = store.read_manifest()
            why = "uploading"
        except (StoreFailed, StoreTimeout):
            manifest, why = None, "store_down"
        if manifest is not None:
            if said is not None:
                on_wait(None)
            return manifest
        if why != said:
            on_wait(why)
            said = why
        time.sleep(WATCH_EVERY)


class BuildWatch:
    """Which build the remote store holds, read every :data:`WATCH_EVERY` seconds in a thread of
    the web process (:meth:`start`), against the build the process serves (``etag``).

    A thread, not a check on a request older than a second: no request waits for the store's
    answer (up to :data:`WATCH_TIMEOUT`; under the ASGI front, the event loop must never
    wait), and ``/health`` is as fresh when no query comes as under load, at one small
    ``SELECT`` a second per worker whatever the traffic.

    A read that fails (store down or slow, or any other error) changes nothing but
    :attr:`reachable`, logged when it changes: queries go on to the store and get its
    ``502``/``504`` themselves. ``on_change``, if set, is called as
    ``on_change(old_status, new_status)`` from the watch's thread when :attr:`status` changes;
    on a change back to ``ok`` before :attr:`held` says so (the server drops its cached
    answers before it answers again).

    >>> watch = BuildWatch("http://127.0.0.1:9/query", "abc")
    >>> watch.status, watch.refusing, watch.refusal() is None
    ('ok', False, True)
    >>> watch.held = None
    >>> watch.status, watch.refusing, watch.refusal().reason
    ('uploading', True, 'uploading')
    """

    def __init__(self, query_url: str, etag: str, *, every: float = WATCH_EVERY, timeout: float = WATCH_TIMEOUT):
        self.url, self.etag, self.every = query_url, etag, every
        self.store = RemoteStore(query_url, max_rows=10, timeout=timeout)
        self.held: str | None = etag  # what the server read when it started
        self.reachable = True
        self.on_change = None
        self._thread: threading.Thread | None = None

    @property
    def status(self) -> str:
        """``ok`` (the store holds this server's build), ``uploading`` (no manifest) or ``build_changed``."""
        return self._status(self.held)

    def _status(self, held: str | None) -> str:
        if held == self.etag:
            return "ok"
        return "uploading" if held is None else "build_changed"

    @property
    def refusing(self) -> bool:
        """Whether queries are refused now (the store holds another build or none); cheap, for every request."""
        return self.held != self.etag

    def refusal(self) -> StoreBuildChanged | None:
        """The error a query gets now, or None while the store holds this server's build."""
        status = self.status
        if status == "ok":
            return None
        now = ("holds no complete build: an upload of a new build is in progress" if status == "uploading"
               else f"now holds another build ({self.held})")
        return StoreBuildChanged(f"the SPARQL store at {self.url} {now}; this server serves build {self.etag}: "
                                 f"restart or reload it to serve the store's build", status)

    def check(self) -> None:
        """Read the store's manifest once (at most :data:`WATCH_TIMEOUT` seconds)."""
        before, reachable = self.status, self.reachable
        try:
            held = self.store.held_etag()
        except Exception as err:  # refused, reset, a 5xx, no answer in time, or worse: the last answer stands
            self.reachable = False
            if reachable:
                _LOG.warning("the SPARQL store at %s does not answer: %s", self.url, err)
            return
        self.reachable = True
        if not reachable:
            _LOG.warning("the SPARQL store at %s answers again", self.url)
        now = self._status(held)
        if now == "ok" and now != before and self.on_change is not None:
            self.on_change(before, now)  # before anything is answered again
        self.held = held
        if now != "ok" and now != before and self.on_change is not None:
            self.on_change(before, now)

    def start(self) -> None:
        """Check every :data:`WATCH_EVERY` seconds from a daemon thread, for the life of the
        process (as the executor pool's keeper: a worker's teardown is its exit)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, daemon=True, name="apparat-build-watch")
            self._thread.start()

    def _run(self) -> None:
        while True:
            time.sleep(self.every)
            try:
                self.check()
            except Exception:  # on_change's bug: log it, and keep watching
                _LOG.exception("the store build watch's on_change failed")
