"""Run the W3C SPARQL 1.1 Protocol test cases against the real server.

The test cases are the W3C suite's ``manifest.ttl`` (copied, verbatim, to
``../shared/w3c/sparql11-protocol``). Each names one or more HTTP requests to
send and what each answer must be: a status class, and for a 2xx answer a
result shape ("boolean", "tabular" or "RDF") and, for ASK, the boolean.

The runner loads the suite's three data graphs as named graphs, builds them
with ``apparat.build`` (no reasoning), starts ``apparat serve`` on 127.0.0.1
and sends every request as the manifest spells it (method, path and query
string, headers, body bytes in the stated character encoding) with plain
``http.client``.

Our endpoint is read-only. A test that performs SPARQL Update and expects it
to succeed is "not applicable"; an update the manifest expects to be refused
(4xx) applies and must pass as written.

Run it on its own for a score table::

    .venv/bin/python tests/w3c_protocol.py
"""

from __future__ import annotations

import contextlib
import http.client
import io
import json
import re
import sys
import tempfile
import textwrap
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from rdflib import RDF, RDFS, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection

PROTOCOL_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "w3c" / "sparql11-protocol"
MANIFEST = "manifest.ttl"
MISSING_REASON = f"W3C SPARQL 1.1 Protocol tests not found at {PROTOCOL_DIR} (see ../shared/w3c/README.md)"

TIMEOUT = 30.0  # seconds, for every HTTP call
MAX_REDIRECTS = 5

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")

SPARQL_RESULTS_NS = "http://www.w3.org/2005/sparql-results#"

# SPARQL results documents, by media type -> rdflib result parser name.
RESULT_MEDIA_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
BOOLEAN_SYNTAXES = {"json", "xml"}  # CSV and TSV cannot carry an ASK answer

# RDF documents, by media type -> rdflib parser name (and whether it holds quads).
RDF_MEDIA_TYPES = {
    "text/turtle": ("turtle", False),
    "application/x-turtle": ("turtle", False),
    "application/n-triples": ("nt", False),
    "text/plain": ("nt", False),  # the old N-Triples media type
    "application/rdf+xml": ("xml", False),
    "application/ld+json": ("json-ld", False),
    "text/n3": ("n3", False),
    "application/n-quads": ("nquads", True),
    "application/trig": ("trig", True),
}  # no RDFa: rdflib 7 has no RDFa parser

# The names the manifest's test titles use in "(expect one of: XML, JSON, ...)",
# by the result shape they are about.
NAMED_MEDIA_TYPES = {
    "results": {
        "XML": {"application/sparql-results+xml"},
        "JSON": {"application/sparql-results+json"},
        "CSV": {"text/csv"},
        "TSV": {"text/tab-separated-values"},
    },
    "RDF": {
        "RDF/XML": {"application/rdf+xml"},
        "Turtle": {"text/turtle"},
        "N-Triples": {"application/n-triples", "text/plain"},
        "RDFa": {"text/html", "application/xhtml+xml"},
    },
}


# --------------------------------------------------------------------------- the manifest


@dataclass(frozen=True)
class ProtocolRequest:
    """One ``ht:Request`` and the ``ht:resp`` expected for it."""

    method: str
    path: str
    headers: tuple[tuple[str, str], ...] = ()
    body_text: str | None = None
    encoding: str | None = None
    expected_status: tuple[str, ...] = ()  # status classes, e.g. ("2xx", "3xx")
    expected_format: str | None = None  # "boolean", "tabular" or "RDF"
    expected_boolean: bool | None = None

    @property
    def body(self) -> bytes | None:
        """The body as sent: the text in its stated character encoding."""
        if self.body_text is None:
            return None
        return self.body_text.encode(self.encoding or "utf-8")

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)

    @property
    def is_update(self) -> bool:
        """Does this request ask for a SPARQL Update (any of the protocol's forms)?"""
        content_type = (self.header("content-type") or "").split(";")[0].strip().lower()
        if content_type == "application/sparql-update":
            return True
        if "update" in parse_qs(urlsplit(self.path).query, keep_blank_values=True):
            return True
        if content_type == "application/x-www-form-urlencoded" and self.body_text is not None:
            return "update" in parse_qs(self.body_text, keep_blank_values=True)
        return False

    @property
    def expects_success(self) -> bool:
        return any(s in ("2xx", "3xx") for s in self.expected_status)

    def describe(self) -> str:
        """The request, the way it goes on the wire (minus Host and Content-Length)."""
        lines = [f"{self.method} {self.path}"]
        lines += [f"{k}: {v}" for k, v in self.headers]
        if self.body_text is not None:
            lines.append(f"[body, {self.encoding or 'UTF-8'}] {self.body_text!r}")
        return "\n".join(lines)


@dataclass(frozen=True)
class ProtocolTest:
    """One ``mf:ProtocolTest``: its requests, sent in order, and the graphs it needs."""

    name: str  # the manifest's local name, e.g. "query_post_form"
    title: str  # mf:name
    requests: tuple[ProtocolRequest, ...]
    graph_data: tuple[tuple[str, str], ...] = ()  # (file name, graph IRI)

    def applicability(self) -> tuple[bool, str]:
        """(applies, why not): updates apply only where the manifest expects them refused."""
        for req in self.requests:
            if req.is_update and req.expects_success:
                return False, f"the test needs SPARQL Update to succeed ({req.method} {req.path})"
        return True, ""

    def expected_media_types(self) -> set[str] | None:
        """The media types a title such as "... (expect one of: XML, JSON)" allows, else None."""
        match = re.search(r"expect one of:\s*([^)]*)\)", self.title)
        if not match:
            return None
        names = [n.strip() for n in match[1].split(",") if n.strip()]
        kinds = {r.expected_format for r in self.requests}
        table = NAMED_MEDIA_TYPES["RDF"] if "RDF" in kinds else NAMED_MEDIA_TYPES["results"]
        unknown = [n for n in names if n not in table]
        if unknown:
            raise ValueError(f"{self.name}: unknown format names {unknown} in {self.title!r}")
        return set().union(*(table[n] for n in names))


def _items(graph: Graph, head) -> list:
    return list(Collection(graph, head)) if head is not None else []


def _status_class(node) -> str:
    # hts:StatusCode2xx -> "2xx"
    return str(node).rsplit("StatusCode", 1)[-1].lower()


def _request(graph: Graph, node) -> ProtocolRequest:
    headers = tuple(
        (str(graph.value(h, HT.fieldName)), str(graph.value(h, HT.fieldValue)))
        for h in _items(graph, graph.value(node, HT.headers))
    )
    body = graph.value(node, HT.body)
    body_text = encoding = None
    if body is not None:
        body_text = str(graph.value(body, CNT.chars))
        enc = graph.value(body, CNT.characterEncoding)
        encoding = str(enc) if enc is not None else None
    resp = graph.value(node, HT.resp)
    statuses = tuple(sorted(_status_class(s) for s in graph.objects(resp, MF.expectedStatus)))
    fmt = graph.value(resp, MF.expectedFormat)
    boolean = graph.value(resp, MF.expectedBoolean)
    return ProtocolRequest(
        method=str(graph.value(node, HT.methodName)),
        path=str(graph.value(node, HT.absolutePath)),
        headers=headers,
        body_text=body_text,
        encoding=encoding,
        expected_status=statuses,
        expected_format=str(fmt) if fmt is not None else None,
        expected_boolean=boolean.toPython() if isinstance(boolean, Literal) else None,
    )


def load_manifest(folder: Path = PROTOCOL_DIR) -> list[ProtocolTest]:
    """The manifest's tests, in ``mf:entries`` order."""
    path = Path(folder) / MANIFEST
    graph = Graph().parse(path, format="turtle", publicID=path.as_uri())
    manifest = next(graph.subjects(RDF.type, MF.Manifest))
    tests = []
    for entry in _items(graph, graph.value(manifest, MF.entries)):
        action = graph.value(entry, MF.action)
        requests = tuple(_request(graph, r) for r in _items(graph, graph.value(action, HT.requests)))
        graph_data = tuple(
            (str(graph.value(gd, UT.graph)).rsplit("/", 1)[-1], str(graph.value(gd, RDFS.label)))
            for gd in graph.objects(entry, UT.graphData)
        )
        tests.append(ProtocolTest(
            name=str(entry).rsplit("#", 1)[-1],
            title=str(graph.value(entry, MF.name)),
            requests=requests,
            graph_data=tuple(sorted(graph_data)),
        ))
    return tests


# --------------------------------------------------------------------------- data and server


def write_dataset(folder: Path, tests: list[ProtocolTest], target: Path) -> Path:
    """Put every data file the tests name into its named graph, as one N-Quads file."""
    graphs = {iri: name for test in tests for name, iri in test.graph_data}
    lines = []
    for iri, name in sorted(graphs.items()):
        graph_name = URIRef(iri).n3()
        for s, p, o in Graph().parse(Path(folder) / name, format="nt"):
            lines.append(f"{s.n3()} {p.n3()} {o.n3()} {graph_name} .\n")
    target.write_text("".join(sorted(lines)), encoding="utf-8")
    return target


@contextlib.contextmanager
def protocol_server(folder: Path = PROTOCOL_DIR, tests: list[ProtocolTest] | None = None) -> Iterator[str]:
    """Build the suite's data and serve it; yields the server's base URL (127.0.0.1)."""
    from harness import ServerProcess

    from apparat.build import BuildInputs, build

    tests = load_manifest(folder) if tests is None else tests
    with tempfile.TemporaryDirectory(prefix="w3c-protocol-") as tmp_name:
        tmp = Path(tmp_name)
        data = write_dataset(folder, tests, tmp / "protocol-data.nq")
        build(BuildInputs.from_paths([data]), tmp / "build", reasoning=False)
        with ServerProcess(tmp / "build", "--workers", "1") as server:
            yield server.base_url


# --------------------------------------------------------------------------- running a test


@dataclass
class Answer:
    status: int
    content_type: str
    body: bytes
    location: str | None = None

    @property
    def media_type(self) -> str:
        return self.content_type.split(";")[0].strip().lower()

    def describe(self) -> str:
        text = self.body.decode("utf-8", errors="replace")[:200]
        return f"{self.status}, Content-Type {self.content_type or '(none)'}, body {text!r}"


@dataclass
class TestResult:
    name: str
    applies: bool
    passed: bool
    detail: str
    exchanges: list[tuple[str, str]] = field(default_factory=list)  # (request sent, answer)

    @property
    def outcome(self) -> str:
        return "n/a" if not self.applies else ("pass" if self.passed else "FAIL")


def send(base_url: str, method: str, path: str, headers: tuple[tuple[str, str], ...] = (),
         body: bytes | None = None) -> Answer:
    """Send one request exactly as given (plus Host and, with a body, Content-Length)."""
    base = urlsplit(base_url)
    if base.hostname != "127.0.0.1":
        raise ValueError(f"refusing to send W3C protocol requests to {base_url}: only 127.0.0.1")
    conn = http.client.HTTPConnection(base.hostname, base.port, timeout=TIMEOUT)
    try:
        conn.putrequest(method, path, skip_accept_encoding=True)
        for name, value in headers:
            conn.putheader(name, value)
        if body is not None or method in ("POST", "PUT", "PATCH"):
            conn.putheader("Content-Length", str(len(body or b"")))
        conn.endheaders(body)
        response = conn.getresponse()
        return Answer(response.status, response.getheader("Content-Type", ""), response.read(),
                      response.getheader("Location"))
    finally:
        conn.close()


def _follow(base_url: str, req: ProtocolRequest, answer: Answer) -> Answer:
    """Follow redirects on the same server (307/308 resend as is; others become GET)."""
    method, headers, body = req.method, req.headers, req.body
    for _ in range(MAX_REDIRECTS):
        if not (300 <= answer.status < 400 and answer.location):
            return answer
        target = urlsplit(answer.location)
        if target.netloc and target.netloc != urlsplit(base_url).netloc:
            raise AssertionError(f"redirect off the server under test: {answer.location}")
        path = (target.path or "/") + (f"?{target.query}" if target.query else "")
        if answer.status not in (307, 308):
            method, body = "GET", None
            headers = tuple((k, v) for k, v in headers if k.lower() != "content-type")
        answer = send(base_url, method, path, headers, body)
    raise AssertionError(f"more than {MAX_REDIRECTS} redirects")


def parse_results(answer: Answer):
    """Parse a SPARQL results document by its Content-Type; returns (syntax, rdflib Result)."""
    from rdflib.query import Result

    syntax = RESULT_MEDIA_TYPES.get(answer.media_type)
    if syntax is None:
        raise AssertionError(f"Content-Type {answer.content_type!r} is not a SPARQL results format")
    if syntax == "json":
        document = json.loads(answer.body.decode("utf-8"))
        if not isinstance(document, dict) or "head" not in document or not (
            "boolean" in document or "results" in document
        ):
            raise AssertionError("JSON is not a SPARQL results document (needs head, and boolean or results)")
    elif syntax == "xml":
        root = ET.fromstring(answer.body)
        if root.tag != f"{{{SPARQL_RESULTS_NS}}}sparql":
            raise AssertionError(f"XML root is {root.tag}, not sparql-results' <sparql>")
    text = answer.body.decode("utf-8") if syntax in ("csv", "tsv") else None
    source = io.StringIO(text) if text is not None else io.BytesIO(answer.body)
    return syntax, Result.parse(source, format=syntax)


def parse_rdf(answer: Answer) -> int:
    """Parse an RDF document by its Content-Type; returns its number of triples/quads."""
    known = RDF_MEDIA_TYPES.get(answer.media_type)
    if known is None:
        raise AssertionError(f"Content-Type {answer.content_type!r} is not an RDF format rdflib parses")
    fmt, quads = known
    with warnings.catch_warnings():
        # rdflib 7.6's own parsers (JSON-LD, N-Quads, TriG) use its deprecated
        # ConjunctiveGraph/default_context internally and warn about it.
        warnings.simplefilter("ignore", DeprecationWarning)
        if not quads:
            return len(Graph().parse(data=answer.body, format=fmt))
        dataset = Dataset().parse(data=answer.body, format=fmt)
        return sum(len(g) for g in dataset.graphs())


def check_answer(test: ProtocolTest, req: ProtocolRequest, answer: Answer) -> str:
    """Raise AssertionError unless ``answer`` is what ``req`` expects; return a short note."""
    status_class = f"{answer.status // 100}xx"
    if status_class not in req.expected_status:
        raise AssertionError(f"status {answer.status}, expected {' or '.join(req.expected_status)}")
    if not 200 <= answer.status < 300 or req.expected_format is None:
        return f"status {answer.status}"
    allowed = test.expected_media_types()
    if allowed is not None and answer.media_type not in allowed:
        raise AssertionError(
            f"Content-Type {answer.content_type!r}, expected one of {', '.join(sorted(allowed))}"
        )
    if req.expected_format == "boolean":
        syntax, result = parse_results(answer)
        if syntax not in BOOLEAN_SYNTAXES or result.type != "ASK":
            raise AssertionError(f"expected a boolean result, got a {syntax} {result.type} result")
        if req.expected_boolean is not None and result.askAnswer is not req.expected_boolean:
            raise AssertionError(f"boolean {result.askAnswer}, expected {req.expected_boolean}")
        return f"status {answer.status}, {answer.media_type}, boolean {result.askAnswer}"
    if req.expected_format == "tabular":
        syntax, result = parse_results(answer)
        if result.type != "SELECT":
            raise AssertionError(f"expected tabular results, got a {syntax} {result.type} result")
        return f"status {answer.status}, {answer.media_type}, {len(result)} row(s)"
    if req.expected_format == "RDF":
        return f"status {answer.status}, {answer.media_type}, {parse_rdf(answer)} triple(s)"
    raise ValueError(f"{test.name}: unknown mf:expectedFormat {req.expected_format!r}")


def run_test(test: ProtocolTest, base_url: str | None) -> TestResult:
    """Run one test's requests in order; ``base_url`` may be None for a test that does not apply."""
    applies, why = test.applicability()
    if not applies:
        return TestResult(test.name, False, False, f"not applicable (read-only endpoint): {why}")
    if base_url is None:
        raise ValueError(f"{test.name} applies and needs a server")
    exchanges: list[tuple[str, str]] = []
    notes = []
    for number, req in enumerate(test.requests, 1):
        where = f"request {number}/{len(test.requests)}"
        try:
            answer = send(base_url, req.method, req.path, req.headers, req.body)
        except (OSError, http.client.HTTPException) as err:
            return TestResult(test.name, True, False, f"{where}: no answer: {err!r}", exchanges)
        exchanges.append((req.describe(), answer.describe()))
        try:
            check_answer(test, req, answer)  # status class of the first answer
            final = _follow(base_url, req, answer)
            if final is not answer:
                exchanges.append(("(redirect followed)", final.describe()))
            notes.append(check_answer(test, req, final))
        except Exception as err:  # every failure becomes the test's detail
            detail = f"{where}: {err}" if isinstance(err, AssertionError) else f"{where}: {type(err).__name__}: {err}"
            detail += "\n  sent:\n" + textwrap.indent(req.describe(), "    ") + f"\n  got: {answer.describe()}"
            return TestResult(test.name, True, False, detail, exchanges)
    return TestResult(test.name, True, True, "; ".join(notes), exchanges)


def run_all(folder: Path = PROTOCOL_DIR) -> list[TestResult]:
    tests = load_manifest(folder)
    with protocol_server(folder, tests) as base_url:
        return [run_test(test, base_url) for test in tests]


def score(results: list[TestResult]) -> str:
    passed = sum(r.applies and r.passed for r in results)
    failed = sum(r.applies and not r.passed for r in results)
    skipped = sum(not r.applies for r in results)
    return f"{passed} passed, {failed} failed, {skipped} not applicable"


def main() -> int:
    if not (PROTOCOL_DIR / MANIFEST).exists():
        print(f"skipped: {MISSING_REASON}", file=sys.stderr)
        return 0
    results = run_all()
    width = max(len(r.name) for r in results)
    print(f"{'test':<{width}}  result  detail")
    for r in results:
        first, *rest = r.detail.splitlines() or [""]
        print(f"{r.name:<{width}}  {r.outcome:<6}  {first}")
        for line in rest:
            print(f"{'':<{width}}          {line}")
    print()
    print(score(results))
    return 1 if any(r.applies and not r.passed for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
