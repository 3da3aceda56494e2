"""Answers written by pyoxigraph's serializers (``formats.write_answer``) hold the same
solutions as the Python serializers they replaced (``reference_formats.py``), in every
result format, for the saved queries on our build and the W3C protocol tests' queries on
their data; and the row cap is exact."""

from __future__ import annotations

import csv
import io
import tempfile
import urllib.parse
from pathlib import Path

import pyoxigraph as ox
import pytest
import reference_formats
from rdflib import Graph
from rdflib.compare import isomorphic
from w3c_protocol import MANIFEST, PROTOCOL_DIR, load_manifest, write_dataset

from apparat.query.formats import _OX_RDF, write_answer
from apparat.query.local import engine_for, load_dataset, run_query
from apparat.query.saved import load_saved_queries
from apparat.query.sparql import evaluate
from apparat.settings import load_settings

ROOT = Path(__file__).resolve().parents[1]
OX_FORMATS = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
              "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV}
RDFLIB = {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld", "rdfxml": "xml", "nquads": "nquads",
          "trig": "trig"}


@pytest.fixture(scope="module")
def memory(dataset):
    """The build in memory: the same answers as the on-disk store, several times faster on joins."""
    from apparat.query.local import LocalDataset
    from apparat.query.store import memory_store

    return LocalDataset(dataset.info, memory_store(dataset.info.build_dir))


def native(dataset, text: str, fmt: str, max_rows: int = 10_000) -> tuple[bytes, bool]:
    engine = engine_for(dataset.info, {**load_settings(), "max_rows": max_rows})
    chunks: list[bytes] = []
    cut = write_answer(evaluate(dataset.store, engine, text), fmt, max_rows=max_rows, emit=chunks.append,
                       prefixes=engine.prefixes, batch=50)  # small batches: the stitching is exercised
    return b"".join(chunks), cut


def solutions(body: bytes, fmt: str) -> list[tuple]:
    if fmt == "csv":  # lossy: pyoxigraph will not read it back; compare the cells
        header, *rows = csv.reader(io.StringIO(body.decode()))
        return [header, *sorted(rows)]
    parsed = ox.parse_query_results(body, OX_FORMATS[fmt])
    if isinstance(parsed, ox.QueryBoolean):
        return [bool(parsed)]
    names = [v.value for v in parsed.variables]
    return sorted(tuple((n, str(s[n])) for n in names if s[n] is not None) for s in parsed)


def same_answers(dataset, text: str) -> None:
    result = run_query(dataset, text, max_rows=10_000)
    if result.kind == "graph":
        for fmt, rdflib_name in RDFLIB.items():
            body, _cut = native(dataset, text, fmt)
            before = reference_formats.ox.serialize(result.triples, format=ox.RdfFormat.N_TRIPLES)
            assert isomorphic(Graph().parse(data=body, format=rdflib_name), Graph().parse(data=before, format="nt"))
        return
    for fmt in OX_FORMATS:
        if result.kind == "boolean":
            if fmt in ("csv", "tsv"):  # no standard boolean form; pyoxigraph writes the bare value
                assert native(dataset, text, fmt)[0].strip() == (b"true" if result.boolean else b"false")
                continue
            before = reference_formats.serialize_boolean(bool(result.boolean), fmt)
        else:
            before = reference_formats.serialize_bindings(result.variables, result.rows, fmt)
        body, _cut = native(dataset, text, fmt)
        assert solutions(body, fmt) == solutions(before, fmt), (text, fmt)


def test_saved_queries_give_the_same_solutions_natively(memory):
    for saved in load_saved_queries(ROOT / "queries").values():
        text = saved.bind({p.name: p.example or p.default for p in saved.parameters if p.required})
        if "SERVICE" in text:
            continue
        same_answers(memory, text)


def protocol_queries() -> list[str]:
    texts = []
    for test in load_manifest(PROTOCOL_DIR):
        for request in test.requests:
            split = urllib.parse.urlsplit(request.path)
            params = urllib.parse.parse_qs(split.query)
            if request.body_text and "sparql-query" in dict(request.headers).get("Content-Type", ""):
                texts.append(request.body_text)
            elif request.body_text:
                params.update(urllib.parse.parse_qs(request.body_text))
            texts += params.get("query", [])
    return sorted(set(texts))


@pytest.mark.skipif(not (PROTOCOL_DIR / MANIFEST).exists(), reason="needs ../shared/w3c/sparql11-protocol")
def test_w3c_protocol_queries_give_the_same_solutions_natively():
    from apparat.build import BuildInputs, build

    with tempfile.TemporaryDirectory() as tmp:
        data = write_dataset(PROTOCOL_DIR, load_manifest(PROTOCOL_DIR), Path(tmp) / "data.nq")
        build(BuildInputs.from_paths([data]), Path(tmp) / "build", reasoning=False)
        dataset = load_dataset(Path(tmp) / "build")
        checked = 0
        for text in protocol_queries():
            try:
                run_query(dataset, text, max_rows=10)
            except Exception:  # the manifest's malformed queries and updates
                continue
            same_answers(dataset, text)
            checked += 1
        assert checked >= 3


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_the_row_cap_is_exact(dataset, fmt):
    text = "SELECT ?s ?o WHERE { ?s rdfs:label ?o } ORDER BY ?s ?o"
    for cap, expected_cut in ((1, True), (30, True), (10**6, False)):
        body, cut = native(dataset, text, fmt, max_rows=cap)
        count = len(solutions(body, fmt)) - (fmt == "csv")
        assert cut is expected_cut
        if expected_cut:
            assert count == cap
    exact = len(run_query(dataset, text, max_rows=10**6).rows)
    assert native(dataset, text, fmt, max_rows=exact) == native(dataset, text, fmt, max_rows=exact)
    assert native(dataset, text, fmt, max_rows=exact)[1] is False


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_long_answer_sent_in_many_chunks_holds_exactly_the_cap(dataset, fmt):
    """Many emitted chunks, each followed by more solutions: the count must not lose any (it
    did: a cap of 100,000 sent 100,187 solutions and said 100,000, when the count's position
    went below zero after a chunk)."""
    text = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"
    for cap in (3000, 7001):
        chunks, stats = [], {}
        cut = write_answer(dataset.store.query(text), fmt, max_rows=cap, emit=chunks.append, stats=stats,
                           chunk_bytes=4096)
        assert cut and stats["rows"] == cap
        assert len(list(ox.parse_query_results(b"".join(chunks), OX_FORMATS[fmt]))) == cap


def test_the_triple_cap_is_exact(dataset):
    body, cut = native(dataset, "CONSTRUCT WHERE { ?s ?p ?o }", "ntriples", max_rows=25)
    assert cut and body.count(b"\n") == 25


@pytest.mark.parametrize("fmt", ["turtle", "rdfxml", "jsonld"])
def test_the_triple_cap_is_exact_in_the_other_graph_formats(dataset, fmt):
    """Turtle and the rest are written from the engine's triples, not from its N-Triples: the
    same cap, and the same triples as N-Triples has."""
    text = "CONSTRUCT { ?s rdfs:label ?o } WHERE { ?s rdfs:label ?o }"
    every = len(run_query(dataset, text, max_rows=10**6).triples)
    for cap, expected_cut in ((1, True), (25, True), (every, False)):
        body, cut = native(dataset, text, fmt, max_rows=cap)
        nt, nt_cut = native(dataset, text, "ntriples", max_rows=cap)
        assert cut is nt_cut is expected_cut
        parsed = {(t.subject, t.predicate, t.object) for t in ox.parse(body, format=_OX_RDF[fmt])}
        assert parsed == {(t.subject, t.predicate, t.object) for t in ox.parse(nt, format=ox.RdfFormat.N_TRIPLES)}
        assert len(parsed) == min(cap, every)


def test_a_query_without_graph_gets_the_same_dataset_as_one_with_it(dataset):
    """With no GRAPH pattern, evaluate gives the store no dataset (its default graph is the
    union); with one, the named graphs are the build's, never the store's asserted union."""
    engine = engine_for(dataset.info, load_settings())
    plain = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    explicit = dataset.store.query(plain, default_graph=[ox.DefaultGraph()],
                                   named_graphs=[ox.NamedNode(g) for g in engine.graph_names])
    assert [str(s["n"]) for s in evaluate(dataset.store, engine, plain)] == [str(s["n"]) for s in explicit]
    graphs = {s["g"].value for s in evaluate(dataset.store, engine, "SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }")}
    assert graphs == set(engine.graph_names) and engine.asserted_union not in graphs
    asserted = {s["g"].value for s in evaluate(dataset.store, engine, "SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }",
                                                infer=False)}
    assert asserted == set(engine.asserted_graph_names)


def test_union_default_graph_has_set_semantics(dataset):
    """A triple stated by several graphs comes back once from the default graph."""
    text = ("SELECT ?s ?p ?o (COUNT(DISTINCT ?g) AS ?graphs) WHERE { GRAPH ?g { ?s ?p ?o } } "
            "GROUP BY ?s ?p ?o HAVING (COUNT(DISTINCT ?g) > 1) LIMIT 1")
    (shared,) = run_query(dataset, text, max_rows=1).rows
    s, p, o = (shared[v] for v in ("s", "p", "o"))
    ask = f"SELECT * WHERE {{ {s} {p} {o} }}"
    assert len(run_query(dataset, ask, max_rows=10).rows) == 1
    count = f"SELECT (COUNT(*) AS ?n) WHERE {{ {s} {p} ?x }}"
    distinct = f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {s} {p} ?x }}"
    assert run_query(dataset, count, max_rows=1).rows == run_query(dataset, distinct, max_rows=1).rows


#: Terms whose text looks like the bytes where a solution starts (``formats._STARTS``).
_TRICKY = ('"}},{}"', '"},{\\"x"', '"\\"},{}\\\\"', '"{},{},{}"', '"<result>"', '"\\\\"', '"t\\ny"', '"x"@en',
           '1', '<http://e/a>', 'UNDEF',
           # a value that ends in "},{": its closing quote makes a '},{"' that starts no solution
           '"a},{"', '"b},{"@en', '"},{"')


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_json_and_xml_are_counted_and_cut_exactly_whatever_the_values_hold(fmt):
    """JSON and XML are written in one pass and counted as they go: the count and the cut hold
    for values that look like a solution's start, for solutions binding nothing, and for any
    split of the bytes into writes and chunks."""
    import random

    from apparat.query.formats import _Capped, _SolutionWriter

    rnd, store = random.Random(20261202), ox.Store()
    for _ in range(400):
        names = [f"?v{i}" for i in range(rnd.randint(0, 3))]
        rows = ["(" + " ".join(rnd.choice(_TRICKY) for _ in names) + ")" for _ in range(rnd.randint(0, 12))]
        text = f"SELECT * {{ VALUES ({' '.join(names)}) {{ {' '.join(rows)} }} }}"
        whole = store.query(text).serialize(format=OX_FORMATS[fmt])
        expected = list(store.query(text))
        limit = rnd.randint(1, 14)
        chunks: list[bytes] = []
        writer = _SolutionWriter(fmt, limit, chunks.append, rnd.randint(1, 50))
        try:
            at = 0
            while at < len(whole):  # pyoxigraph writes 8 KiB at a time: here, any split
                # a few bytes (a solution start cut in two), or many solutions at once (counted in C)
                step = rnd.randint(1, 9) if rnd.random() < 0.5 else rnd.randint(10, 600)
                writer.write(whole[at:at + step])
                at += step
        except _Capped:
            pass
        writer.close()
        body = b"".join(chunks)
        assert (writer.rows, writer.cut) == (min(len(expected), limit), len(expected) > limit), text
        assert [str(s) for s in ox.parse_query_results(body, OX_FORMATS[fmt])] == [str(s) for s in expected[:limit]]
        if not writer.cut:
            assert body == whole
        native_chunks: list[bytes] = []
        cut = write_answer(store.query(text), fmt, max_rows=limit, emit=native_chunks.append, chunk_bytes=20)
        assert (cut, b"".join(native_chunks)) == (writer.cut, body), text
