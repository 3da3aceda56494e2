"""The store's union graphs, written from dataset.nq's text (apparat.query.store.write_store) or in
the build's one pass (apparat.build.install).

The lines below are made up (example.org), chosen for what a text transform could get wrong:
literals holding spaces, quotes, backslashes and IRI-like text, language tags, datatypes, a
triple stated in two graphs, and a blank node that two graphs share.
"""

from __future__ import annotations

import gzip
import json
import shutil

import pyoxigraph as ox
import pytest

from apparat.query.store import ASSERTED_UNION, INFERRED, write_store

G1, G2 = "https://w3id.org/apparat/graph/source/one", "https://w3id.org/apparat/graph/source/two"
LINES = [
    f'<http://example.org/a> <http://example.org/p> "x <http://example.org/g> y" <{G1}> .',
    f'<http://example.org/a> <http://example.org/p> "say \\"hi\\" \\\\" <{G1}> .',
    f'<http://example.org/a> <http://example.org/p> "Politburo"@en-GB <{G1}> .',
    f'<http://example.org/a> <http://example.org/p> "1917"^^<http://www.w3.org/2001/XMLSchema#gYear> <{G1}> .',
    f"<http://example.org/a> <http://example.org/q> _:c14n0 <{G1}> .",
    f"_:c14n0 <http://example.org/r> <http://example.org/b> <{G2}> .",
    f"<http://example.org/a> <http://example.org/s> <http://example.org/b> <{G1}> .",
    f"<http://example.org/a> <http://example.org/s> <http://example.org/b> <{G2}> .",
    f"<http://example.org/a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://example.org/C> <{INFERRED}> .",
]


def written_store(tmp_path) -> ox.Store:
    (tmp_path / "dataset.nq").write_text("\n".join(LINES) + "\n", encoding="utf-8")
    (tmp_path / "build.json").write_text(json.dumps({"etag": "test", "graphs": {}}), encoding="utf-8")
    return ox.Store.read_only(str(write_store(tmp_path)))


def test_the_default_graph_is_the_union_each_triple_once_and_the_asserted_union_leaves_out_inferred(tmp_path):
    store = written_store(tmp_path)
    named = list(ox.parse("\n".join(LINES), format=ox.RdfFormat.N_QUADS))
    default = list(store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    asserted = list(store.quads_for_pattern(None, None, None, ox.NamedNode(ASSERTED_UNION)))
    assert len(default) == len(LINES) - 1  # the triple of both graphs once
    assert len(asserted) == len(LINES) - 2  # and not the inferred one
    literals = {str(q.object) for q in default if isinstance(q.object, ox.Literal)}
    assert literals == {str(q.object) for q in named if isinstance(q.object, ox.Literal)}
    assert len(store) == len(LINES) + len(default) + len(asserted)


def test_a_blank_node_is_one_node_in_its_graphs_and_in_the_unions(tmp_path):
    store = written_store(tmp_path)
    across_graphs = (f"SELECT ?b WHERE {{ GRAPH <{G1}> {{ ?a <http://example.org/q> ?x }} "
                     f"GRAPH <{G2}> {{ ?x <http://example.org/r> ?b }} }}")
    in_default = "SELECT ?b WHERE { ?a <http://example.org/q> ?x . ?x <http://example.org/r> ?b }"
    in_asserted = (f"SELECT ?b WHERE {{ GRAPH <{ASSERTED_UNION}> {{ ?a <http://example.org/q> ?x . "
                   f"?x <http://example.org/r> ?b }} }}")
    for query in (across_graphs, in_default, in_asserted):
        assert [row["b"].value for row in store.query(query)] == ["http://example.org/b"]


def canonical(store: ox.Store) -> set[str]:
    dataset = ox.Dataset(store.quads_for_pattern(None, None, None, None))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return {str(q) for q in dataset}


def test_the_build_writes_the_same_dump_and_store_in_one_pass_as_from_the_dump(tmp_path):
    """install() writes dataset.nq and streams it, with its union lines (store.with_unions), into
    the store in one pass; the dump and the store equal those written from the dump's text."""
    from apparat.build.install import install
    from apparat.build.parse import parse_files

    source = tmp_path / "in.nq"
    source.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    graphs = parse_files([], [source], graph_per_file=True)
    manifest = install(graphs, {"graphs": {}}, tmp_path / "build")
    one_pass = ox.Store.read_only(str(tmp_path / "build" / "store"))
    assert json.loads((tmp_path / "build" / "store" / "apparat-store.json").read_text())["etag"] == manifest["etag"]
    again = tmp_path / "again"
    again.mkdir()
    (again / "dataset.nq").write_bytes((tmp_path / "build" / "dataset.nq").read_bytes())
    (again / "build.json").write_text(json.dumps({"etag": manifest["etag"], "graphs": {}}), encoding="utf-8")
    from_dump = ox.Store.read_only(str(write_store(again)))
    assert len(one_pass) == len(from_dump) == len(LINES) + (len(LINES) - 1) + (len(LINES) - 2)
    assert canonical(one_pass) == canonical(from_dump)
    dumped, stated = ox.Store(), ox.Store()
    dumped.load(path=str(tmp_path / "build" / "dataset.nq"), format=ox.RdfFormat.N_QUADS)
    stated.load("\n".join(LINES), format=ox.RdfFormat.N_QUADS)
    assert canonical(dumped) == canonical(stated)


def test_a_build_loads_plain_files_into_the_store_themselves_and_the_rest_from_python(tmp_path):
    """The store is loaded in parts (apparat.build.install, Installation.preload): graphs whose
    files hold plain triples straight from the files, beside the build; the other graphs' plain
    lines from Python in the write step, and every quad with a blank node in one load. The store
    equals the one written from the dump's text, and a blank node stays one node across the parts."""
    from apparat.build import BuildInputs, build
    from apparat.build.parse import parse_files

    ex, source = "http://example.org/", "https://w3id.org/apparat/graph/source/"
    ontology = tmp_path / "onto.ttl"
    ontology.write_text(f"<{ex}p> <http://www.w3.org/2000/01/rdf-schema#domain> <{ex}C> .\n")
    alone = tmp_path / "alone.nt"  # plain: loaded from the file
    alone.write_text(f'<{ex}a> <{ex}p> "x y"@en .\n<{ex}a> <{ex}q> <{ex}b> .\n'  # and what escapes could change:
                     f'<{ex}a> <{ex}s> "say \\"hi\\" \\\\ \\n\\t \\u00e9 é Москва \\U0001F600"^^<{ex}T> .\n'
                     f'<{ex}a> <{ex}s> "1917"^^<http://www.w3.org/2001/XMLSchema#gYear> .\n'
                     f'<{ex}a> <{ex}s> "Politburo"@en-GB .\n<{ex}a> <{ex}s> "" .\n<{ex}\\u00e9> <{ex}s> "x" .\n')
    zipped = tmp_path / "zipped.nt.gz"  # plain too, unpacked once
    zipped.write_bytes(gzip.compress(f"<{ex}z> <{ex}p> <{ex}b> .\n<{ex}a> <{ex}q> <{ex}b> .\n".encode()))
    mixed = tmp_path / "mixed.nt"  # plain, but quads.nq adds to its graph
    mixed.write_text(f"<{ex}m> <{ex}q> <{ex}b> .\n")
    quads = tmp_path / "quads.nq"
    quads.write_text(f"<{ex}n> <{ex}q> <{ex}b> <{source}mixed> .\n<{ex}n> <{ex}r> <{ex}b> <{source}other> .\n")
    blank = tmp_path / "blank.ttl"  # a blank node: its graph goes through Python
    blank.write_text(f"[] <{ex}p> <{ex}b> ; <{ex}q> [ <{ex}r> <{ex}a> ] .\n<{ex}a> <{ex}q> <{ex}b> .\n")
    data = [alone, zipped, mixed, quads, blank]

    files = []
    parse_files([ontology], data, graph_per_file=True, files=files)
    assert [(f.path.name, f.plain) for f in files] == [
        ("onto.ttl", True), ("alone.nt", True), ("zipped.nt.gz", True), ("mixed.nt", True), ("quads.nq", False),
        ("blank.ttl", False)]
    assert files[4].graphs == {source + "mixed", source + "other"}

    lines = []
    report = build(BuildInputs(ontology=[ontology], shapes=[], data=data), tmp_path / "build", log=lines.append)
    assert report.inferred > 0
    assert any("3 of 6 graphs loaded from their files" in line for line in lines)  # ontology, alone, zipped
    built = ox.Store.read_only(str(tmp_path / "build" / "store"))
    again = tmp_path / "again"
    again.mkdir()
    shutil.copy(tmp_path / "build" / "dataset.nq", again / "dataset.nq")
    shutil.copy(tmp_path / "build" / "build.json", again / "build.json")
    from_dump = ox.Store.read_only(str(write_store(again)))
    assert canonical(built) == canonical(from_dump)
    # the preload (done here before the write step, as when reasoning takes longer than it) took
    # the graphs of the plain files, and dataset.nq is byte for byte what install() writes alone
    from apparat.build.install import Installation, install

    files, built_graphs = [], parse_files([], [tmp_path / "build" / "dataset.nq"], graph_per_file=True)
    parse_files([ontology], data, graph_per_file=True, files=files)
    early = Installation(tmp_path / "early")
    early.preload({g: triples for g, triples in built_graphs.items() if g != INFERRED}, files)
    early.store.wait()
    assert early.from_files == ["https://w3id.org/apparat/graph/ontology", source + "alone", source + "zipped"]
    early.install(built_graphs, {"graphs": {}})
    assert canonical(ox.Store.read_only(str(tmp_path / "early" / "store"))) == canonical(built)
    install(built_graphs, {"graphs": {}}, tmp_path / "py")
    assert (tmp_path / "early" / "dataset.nq").read_bytes() == (tmp_path / "py" / "dataset.nq").read_bytes()
    assert (tmp_path / "build" / "dataset.nq").read_bytes() == (tmp_path / "py" / "dataset.nq").read_bytes()


def test_a_load_beside_that_fails_is_raised_by_the_next_step_and_its_feeder_never_waits(tmp_path):
    """A StoreWriter's loader thread stops loading at the first error, but reads its queue to the
    end (a producer blocked on a full queue would hang the build); the error surfaces in the
    next call that waits for it, and abandon() leaves nothing behind."""
    import queue

    from apparat.query.store import StoreWriter

    writer = StoreWriter(tmp_path)
    feed: queue.Queue = queue.Queue(maxsize=1)
    writer.load_beside(iter(feed.get, None))
    feed.put(b"<http://example.org/a> <http://example.org/p> <http://example.org/b> .\n", timeout=5)
    feed.put(b"<http://example.org/a> <http://example.org/p> broken .\n", timeout=5)
    for _ in range(20):  # more than the queue holds: put() would block (and fail) if nothing read them
        feed.put(b"<http://example.org/a> <http://example.org/p> <http://example.org/c> .\n", timeout=5)
    feed.put(None, timeout=5)
    with pytest.raises(SyntaxError):
        writer.load([])
    writer.abandon()
    assert list(tmp_path.iterdir()) == []


def test_one_graph_for_all_data_files_is_loaded_from_them_only_if_every_one_is_plain(tmp_path):
    """With graph_per_file=False every data file targets …/graph/default. An N-Quads file whose
    quads are all in a graph of their own still spoils that graph: loading it three times (as
    for a plain file) would triple its blank nodes and miss the unions."""
    from apparat.build import BuildInputs, build
    from apparat.build.parse import parse_files, plain_graphs

    ex = "http://example.org/"
    plain = tmp_path / "a.nt"
    plain.write_text(f"<{ex}a> <{ex}p> <{ex}b> .\n")
    quads = tmp_path / "q.nq"
    quads.write_text(f"_:x <{ex}p> <{ex}b> <{ex}g> .\n_:x <{ex}q> <{ex}c> <{ex}g> .\n")
    directed = tmp_path / "d.nt"  # our terms keep no base direction: loaded from the file it would differ
    directed.write_text(f'<{ex}a> <{ex}s> "x"@ar--rtl .\n')
    files = []
    graphs = parse_files([], [plain, quads], graph_per_file=False, files=files)
    assert plain_graphs(files, graphs) == {}
    files = []
    parse_files([], [directed], graph_per_file=True, files=files)
    assert [f.plain for f in files] == [False]

    build(BuildInputs.from_paths(ontology=[], data=[plain, quads]), tmp_path / "build", reasoning=False)
    built = ox.Store.read_only(str(tmp_path / "build" / "store"))
    assert len(list(built.quads_for_pattern(None, None, None, ox.NamedNode(ex + "g")))) == 2
    again = tmp_path / "again"
    again.mkdir()
    shutil.copy(tmp_path / "build" / "dataset.nq", again / "dataset.nq")
    shutil.copy(tmp_path / "build" / "build.json", again / "build.json")
    assert canonical(built) == canonical(ox.Store.read_only(str(write_store(again))))


def test_a_file_that_changes_after_it_is_parsed_fails_the_build_and_leaves_nothing(tmp_path):
    """The store reads a plain file again (the preload): if it no longer holds what was parsed,
    the build fails naming it, rather than serve a store that differs from dataset.nq."""
    import os

    from apparat.build.install import Installation
    from apparat.build.parse import parse_files
    from apparat.errors import BuildError

    ex = "http://example.org/"
    data = tmp_path / "in" / "a.nt"
    data.parent.mkdir()
    data.write_text(f"<{ex}a> <{ex}p> <{ex}b> .\n")
    files = []
    graphs = parse_files([], [data], graph_per_file=True, files=files)
    data.write_text(f"<{ex}a> <{ex}p> <{ex}c> .\n")
    os.utime(data, ns=(files[0].stat[1] + 10**9, files[0].stat[1] + 10**9))
    installation = Installation(tmp_path / "out" / "build")
    installation.preload(graphs, files)
    with pytest.raises(BuildError, match="a.nt changed while the build read it"):
        installation.install(graphs, {"graphs": {}})
    assert list((tmp_path / "out").iterdir()) == []


def test_a_store_with_fewer_quads_than_the_dump_is_never_installed(tmp_path):
    """finish() counts: a load that read less than it was given (an empty one, say) fails the
    build instead of installing a store that answers with less than dataset.nq holds."""
    from apparat.query.store import StoreWriter

    writer = StoreWriter(tmp_path)
    writer.load([b"<http://example.org/a> <http://example.org/p> <http://example.org/b> .\n"])
    with pytest.raises(RuntimeError, match="holds 1 quads, fewer than the 2"):
        writer.finish("etag", at_least=2)
    writer.abandon()
    assert list(tmp_path.iterdir()) == []


def test_a_preloaded_graph_that_grows_in_place_is_loaded_again_whole(tmp_path):
    from apparat.build.install import Installation
    from apparat.build.parse import parse_files

    ex = "http://example.org/"
    data = tmp_path / "a.nt"
    data.write_text(f"<{ex}a> <{ex}p> <{ex}b> .\n")
    files = []
    graphs = parse_files([], [data], graph_per_file=True, files=files)
    installation = Installation(tmp_path / "build")
    installation.preload(graphs, files)
    installation.store.wait()
    (graph,) = graphs
    graphs[graph].add((ex + "a", ex + "p", ex + "c"))  # the same set, one more triple
    installation.install(graphs, {"graphs": {}})
    store = ox.Store.read_only(str(tmp_path / "build" / "store"))
    assert {q.object.value for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph))} == {
        ex + "b", ex + "c"}
    assert {q.object.value for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())} == {
        ex + "b", ex + "c"}
