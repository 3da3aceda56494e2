"""Scale our own graph: ×N copies of the repository's data, for the build benchmark.

Copy ``k`` of every person, membership, event, claim, source, line span and
named graph gets the IRI ``<BASE>copy/<k>/<rest>`` (copy 0 keeps the original
IRIs, so ×1 is the repository itself); blank nodes get a label per copy. What
the ontology itself describes (its terms, the organs and roles it names) and
the vocabulary (predicates, classes) are shared by all copies, as a bigger
corpus would share them; other outside IRIs (Wikidata items, web pages) get a
per-copy IRI ``<BASE>copy/<k>/external?<original>``, as more persons have
more Wikidata items. So ×N has N times
the persons, memberships, events, claims and sources, in N times the named
graphs, with the same shape, and the same ontology and shapes validate it.

The copies are written as N-Quads, ``copies_per_file`` copies per file, one copy
at a time (the text of one copy is a string replacement of a template).

Run: ``python -m apparat.build.scale --factor 100 --out /tmp/x100``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..namespaces import BASE, ONTOLOGY_GRAPH
from ..settings import load_settings
from .inputs import BuildInputs
from .parse import parse_files
from .terms import BNode, Literal, ntriples

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_IRI_MARK, _BNODE_MARK, _EXTERNAL_MARK = "\x00", "\x01", "\x02"


def scaled_inputs(inputs: BuildInputs, factor: int, out: Path, *, copies_per_file: int = 10) -> BuildInputs:
    """Write ``factor`` copies of ``inputs``' data under ``out`` and return inputs that build them
    (the same ontology and shapes; the data files carry their graphs)."""
    out.mkdir(parents=True, exist_ok=True)
    template = _template(inputs)
    files = []
    for first in range(0, factor, copies_per_file):
        path = out / f"copies-{first:05d}.nq"
        with open(path, "w", encoding="utf-8") as handle:
            for k in range(first, min(factor, first + copies_per_file)):
                handle.write(template.replace(_IRI_MARK, f"copy/{k}/" if k else "")
                             .replace(_EXTERNAL_MARK, f"{BASE}copy/{k}/external?" if k else "")
                             .replace(_BNODE_MARK, f"c{k}x"))
        files.append(path)
    return BuildInputs(ontology=list(inputs.ontology), shapes=list(inputs.shapes), data=files,
                       graph_per_file=False, rules=list(inputs.rules))


def _template(inputs: BuildInputs) -> str:
    """The N-Quads of the data, with a mark where a copy's IRI prefix or blank-node label goes."""
    graphs = parse_files(inputs.ontology, inputs.data, graph_per_file=inputs.graph_per_file)
    ontology = graphs.pop(str(ONTOLOGY_GRAPH), set())
    shared = {s for s, _p, _o in ontology}
    # Vocabulary (predicates, classes) is shared; any other IRI outside our namespace names
    # an individual (a Wikidata item, a web page), and a copy has its own.
    shared |= {x for triples in graphs.values() for s, p, o in triples for x in ((p, o) if p == RDF_TYPE else (p,))}

    def term(t) -> str:
        if isinstance(t, BNode):
            return "_:" + _BNODE_MARK + str(t)
        if isinstance(t, Literal) or t in shared or t.startswith(BASE + "ontology"):
            return ntriples(t)
        if not t.startswith(BASE):
            return f"<{_EXTERNAL_MARK}{t}>"
        return f"<{BASE}{_IRI_MARK}{t[len(BASE):]}>"

    lines = []
    for graph, triples in graphs.items():
        name = term(graph)
        lines += [f"{term(s)} {term(p)} {term(o)} {name} .\n" for s, p, o in triples]
    return "".join(sorted(lines))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--factor", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    scaled = scaled_inputs(BuildInputs.from_settings(load_settings()), args.factor, args.out)
    print(f"{len(scaled.data)} files in {args.out}")


if __name__ == "__main__":
    main()
