"""The store's union graphs, written from dataset.nq's text (apparat.query.store.write_store) or in
the build's one pass (apparat.build.install).

The lines below are made up (example.org), chosen for what a text transform could get wrong:
literals holding spaces, quotes, backslashes and IRI-like text, language tags, datatypes, a
triple stated in two graphs, and a blank node that two graphs share.
"""

from __future__ import annotations

import json

import pyoxigraph as ox

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
