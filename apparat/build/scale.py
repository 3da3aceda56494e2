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

The copies are written as N-Triples, one file per copy and graph (the text of one
is a string replacement of a template), and ``BuildInputs.graphs`` names each file's
graph: a file with no blank node is then plain, and the build loads it into the
store from the file, beside reasoning, as it loads the repository's own files. The
command line (for ``apparat build --data``, which reads no such map) writes one
N-Quads file per copy instead, which names its graphs itself.

Run: ``python -m apparat.build.scale --factor 100 --out /tmp/x100``.

:func:`scaled_build` makes the ×N *build* without building it: it copies the quads of
a ×1 build (asserted, conflicts and inferred alike) by the same renaming, and writes
``dataset.nq``, ``build.json`` and the store. The closure of N disjoint copies that
share only the ontology's terms is N copies of the closure (what only the shared terms
give is written once), so the result holds the same quads as ``apparat build`` of
:func:`scaled_inputs`' files: ``tests/test_build_scale.py`` checks that, quad for quad
after canonical blank-node labels, on ×3 of the small test source and ×2 of the
repository. It takes minutes where the build of the copies would take hours (×100 here).
``python -m apparat.build.scale --factor 100 --out /tmp/x100 --from-build build``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import re
import shutil
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from ..errors import BuildError
from ..layout import DATASET_FILE, MANIFEST_FILE
from ..namespaces import BASE, INFERRED_GRAPH, ONTOLOGY_GRAPH
from ..query.store import write_store
from ..settings import load_settings
from .inputs import BuildInputs
from .install import swap_in, write_manifest
from .parse import Graphs, parse_files
from .terms import BNode, Literal, ntriples

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_IRI_MARK, _BNODE_MARK, _EXTERNAL_MARK = "\x00", "\x01", "\x02"


def scaled_inputs(inputs: BuildInputs, factor: int, out: Path, *, quads: bool = False) -> BuildInputs:
    """Write ``factor`` copies of ``inputs``' data under ``out`` and return inputs that build them
    (the same ontology and shapes; one N-Triples file per copy and graph, ``graphs`` naming
    each file's graph). With ``quads``, one N-Quads file per copy instead, which carries its
    graphs itself (for ``apparat build --data``, which knows no ``graphs``; nothing of it is
    then loaded beside reasoning)."""
    out.mkdir(parents=True, exist_ok=True)
    templates = _templates(inputs)
    if quads:
        files, template = [], "".join(_in_graph(text, graph) for graph, text in templates)
        for k in range(factor):
            path = out / f"copy-{k:05d}.nq"
            path.write_text(_copy(template, k), encoding="utf-8")
            files.append(path)
        return BuildInputs(ontology=list(inputs.ontology), shapes=list(inputs.shapes), data=files,
                           graph_per_file=False, rules=list(inputs.rules))
    files, graphs = [], {}
    for k in range(factor):
        folder = out / f"copy-{k:05d}"
        folder.mkdir(exist_ok=True)
        for number, (graph, text) in enumerate(templates):
            path = folder / f"graph-{number:03d}.nt"
            path.write_text(_copy(text, k), encoding="utf-8")
            files.append(path)
            graphs[path] = _copy(graph, k)
    return BuildInputs(ontology=list(inputs.ontology), shapes=list(inputs.shapes), data=files,
                       graph_per_file=False, rules=list(inputs.rules), graphs=graphs)


def _templates(inputs: BuildInputs) -> list[tuple[str, str]]:
    """Each data graph's IRI and its N-Triples, marked where a copy's IRI prefix or blank-node
    label goes, in the order of the graphs' IRIs."""
    graphs, shared = _parse_data(inputs)

    def term(t) -> str:
        if isinstance(t, BNode):
            return "_:" + _BNODE_MARK + str(t)
        return ntriples(t) if isinstance(t, Literal) else _iri_mark(t, shared)

    return [(term(graph)[1:-1], "".join(sorted(f"{term(s)} {term(p)} {term(o)} .\n" for s, p, o in triples)))
            for graph, triples in sorted(graphs.items())]


def _in_graph(ntriples_text: str, graph: str) -> str:
    """Lines ``s p o .`` as written by :func:`_templates`, as N-Quads in ``graph``."""
    return "".join(f"{line[:-3]} <{graph}> .\n" for line in ntriples_text.splitlines(keepends=True))


def _parse_data(inputs: BuildInputs) -> tuple[Graphs, set[str]]:
    """The data graphs of ``inputs`` (the ontology's left out) and the IRIs every copy shares:
    what the ontology describes and the vocabulary (predicates, classes). Any other IRI outside
    our namespace names an individual (a Wikidata item, a web page), and a copy has its own."""
    graphs = parse_files(inputs.ontology, inputs.data, graph_per_file=inputs.graph_per_file)
    ontology = graphs.pop(str(ONTOLOGY_GRAPH), set())
    shared = {s for s, _p, _o in ontology}
    shared |= {x for triples in graphs.values() for s, p, o in triples for x in ((p, o) if p == RDF_TYPE else (p,))}
    return graphs, shared


def _iri_mark(iri: str, shared: set[str]) -> str:
    """``iri`` in N-Triples syntax, marked where a copy's prefix goes (unmarked when shared)."""
    if iri in shared or iri.startswith(BASE + "ontology"):
        return f"<{iri}>"
    if not iri.startswith(BASE):
        return f"<{_EXTERNAL_MARK}{iri}>"
    return f"<{BASE}{_IRI_MARK}{iri[len(BASE):]}>"


def _copy(template: str, k: int) -> str:
    """Copy ``k`` of a marked ``template`` (copy 0 keeps the original IRIs)."""
    return (template.replace(_IRI_MARK, f"copy/{k}/" if k else "")
            .replace(_EXTERNAL_MARK, f"{BASE}copy/{k}/external?" if k else "")
            .replace(_BNODE_MARK, f"c{k}x"))


#: One term of an N-Quads line as the build writes it: a literal (first, so that an IRI
#: or ``_:`` inside a string is left alone), an IRI, or a blank node.
_TERM = re.compile(r'("(?:[^"\\]|\\.)*"(?:\^\^<[^>]*>|@[A-Za-z0-9-]+)?)|<([^>]*)>|_:(\S+)')


def scaled_build(inputs: BuildInputs, build_dir: Path, factor: int, out: Path,
                 log: Callable[[str], None] = lambda _msg: None) -> dict:
    """Write the build of ``factor`` copies of ``inputs`` into ``out``, copied from their ×1 build.

    A quad of the ontology's graph, or one that no copy changes (inferred from the shared
    terms alone), is written once; every other quad once per copy, renamed as
    :func:`scaled_inputs` renames. IRIs the build itself mints under our base (a conflict's,
    after its subject's) are copied; the graphs it writes (inferred, conflicts) are shared,
    as in a build of the copies; blank nodes of the ontology are shared, the others get a
    label per copy. This equals a build of the copies while nothing the build derives joins
    two copies through a shared term (a rule or an OWL axiom linking individuals through an
    organ the ontology names, or through a literal): ``tests/test_build_scale.py`` checks it.

    Args:
        inputs: the inputs ``build_dir`` was built from (the repository's, or a test's).
        build_dir: their build (×1), with ``dataset.nq`` and ``build.json``.
        factor: how many copies (copy 0 keeps the original IRIs).
        out: the ×N build's folder; replaced only once it is complete.
        log: called with a line every ten copies and before the store loads.

    Returns:
        The ×N build's manifest (``scaled``: the factor and the ×1 build's ETag).

    Raises:
        BuildError: ``build_dir`` is not the build of ``inputs`` as they are now (other files,
            other content), or is itself a copied build.
    """
    build_dir, out = Path(build_dir), Path(out)
    manifest = json.loads((build_dir / MANIFEST_FILE).read_text(encoding="utf-8"))
    if manifest.get("scaled") or _contents(manifest["inputs"]) != _contents(inputs.describe()):
        raise BuildError(f"{build_dir} is not the build of these inputs as they are now"
                         + (" (it is a copied build itself)" if manifest.get("scaled") else
                            ": build them first (`apparat build`)"))
    data, shared = _parse_data(inputs)
    minted = set(manifest["graphs"]) - set(data) - {"default", str(ONTOLOGY_GRAPH)}  # inferred, conflicts
    shared |= minted
    known = {x for triples in data.values() for t in triples for x in t if isinstance(x, str)}
    template, counts = _quads_template(build_dir / DATASET_FILE, shared, known)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    staging.chmod(0o755)
    try:
        etag = _write_copies(build_dir / DATASET_FILE, template, factor, staging / DATASET_FILE, log)
        graphs = _scaled_counts(manifest["graphs"], counts, factor)
        scaled = manifest | {
            "built_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "graphs": graphs, "inferred": graphs.get(str(INFERRED_GRAPH), 0),
            "asserted": sum(n for g, n in graphs.items() if g != str(INFERRED_GRAPH)),
            "etag": etag, "cache_key": None, "reused": False,
            "scaled": {"factor": factor, "from": manifest["etag"]},
        }
        write_manifest(scaled, staging)
        log("loading the store")
        write_store(staging)
        swap_in(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return scaled


def _write_copies(dataset: Path, template: str, factor: int, target: Path, log: Callable[[str], None]) -> str:
    """Write ``dataset`` (copy 0) and copies 1 … ``factor`` - 1 of ``template`` to ``target``;
    return the ETag (the checksum of what was written, as the build's is of its dump)."""
    digest = hashlib.sha256()
    with open(dataset, "rb") as original, open(target, "wb") as out:
        while block := original.read(1 << 20):
            out.write(block)
            digest.update(block)
        for k in range(1, factor):
            block = _copy(template, k).encode()
            out.write(block)
            digest.update(block)
            if k % 10 == 0 or k == factor - 1:
                log(f"copy {k + 1} of {factor} written")
    return digest.hexdigest()[:32]


def _contents(described: list[dict]) -> list[tuple[str, str]]:
    """Each input's role and content hash, in order (paths differ between checkouts)."""
    return [(item["role"], item["sha256"]) for item in described]


def _quads_template(dataset: Path, shared: set[str], known: set[str]) -> tuple[str, Counter]:
    """The quads of ``dataset`` that a copy changes, marked as :func:`_copy` expects (the
    ontology's graph left out), and how many of them each (marked) graph holds."""
    ontology = f"<{ONTOLOGY_GRAPH}> .\n"
    with open(dataset, encoding="utf-8") as quads:  # its graph may come after those that use its nodes
        ontology_bnodes = {b for line in quads if line.endswith(ontology) for _l, _i, b in _TERM.findall(line) if b}

    def mark(match: re.Match) -> str:
        literal, iri, bnode = match.groups()
        if literal is not None:
            return literal
        if bnode is not None:
            return match[0] if bnode in ontology_bnodes else f"_:{_BNODE_MARK}{bnode}"
        # an IRI no input holds, and outside our base, is the reasoner's (owl:Thing …): shared
        return match[0] if iri not in known and not iri.startswith(BASE) else _iri_mark(iri, shared)

    lines, counts = [], Counter()
    with open(dataset, encoding="utf-8") as quads:
        for line in quads:
            if line.endswith(ontology):
                continue
            marked = _TERM.sub(mark, line)
            if marked != line:
                lines.append(marked)
                counts[_TERM.findall(marked)[-1][1]] += 1
    return "".join(lines), counts


def _scaled_counts(graphs: dict[str, int], counts: Counter, factor: int) -> dict[str, int]:
    """Triples per graph of the ×``factor`` build: a shared graph (the ontology's, the
    build's own) holds its own triples and each copy's changed ones; a copied graph
    ``factor`` times its triples under ``factor`` names."""
    scaled = dict(graphs)
    for marked, n in counts.items():
        if _IRI_MARK in marked or _EXTERNAL_MARK in marked:
            for k in range(1, factor):
                scaled[_copy(marked, k)] = n
        else:
            scaled[marked] += n * (factor - 1)
    return dict(sorted(scaled.items(), key=lambda kv: (kv[0] != "default", kv[0])))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--factor", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--from-build", type=Path, metavar="BUILD_DIR",
                        help="write the ×N build into --out by copying this ×1 build of the repository's "
                             "inputs (else: write the ×N input files, for `apparat build --data`)")
    args = parser.parse_args(argv)
    inputs = BuildInputs.from_settings(load_settings())
    if args.from_build:
        manifest = scaled_build(inputs, args.from_build, args.factor, args.out,
                                log=lambda msg: print(msg, file=sys.stderr))
        print(f"{args.out}: {manifest['asserted']} asserted + {manifest['inferred']} inferred triples in "
              f"{len(manifest['graphs'])} graphs, etag {manifest['etag']}")
        return
    if args.out.exists() and any(args.out.iterdir()):  # `apparat build --data` would read what is there too
        parser.error(f"{args.out} is not empty: give a new or empty folder")
    scaled = scaled_inputs(inputs, args.factor, args.out, quads=True)
    print(f"{len(scaled.data)} N-Quads files in {args.out}")


if __name__ == "__main__":
    main()
