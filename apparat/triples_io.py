"""Reading RDF files (with errors that name the file and line) and writing
triples in the canonical form ``triples/`` is committed in: sorted N-Triples."""

from __future__ import annotations

import gzip
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from .errors import DataSyntaxError
from .terms import to_ox

#: File extensions we read, and the syntax each one means.
FORMATS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
}


def rdf_format(path: Path) -> ox.RdfFormat | None:
    """Return the syntax of ``path`` by its extension (``.gz`` is looked through).

    >>> rdf_format(Path("data.nq.gz")).name
    'N-Quads'
    """
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return FORMATS.get(suffixes[-1]) if suffixes else None


def stem(path: Path) -> str:
    """Return the file name without its RDF (and ``.gz``) extensions.

    >>> stem(Path("triples/curated/rogovin-1992.ttl.gz"))
    'rogovin-1992'
    """
    name = path.name
    for _ in range(2):
        base, dot, ext = name.rpartition(".")
        if dot and ("." + ext.lower() in FORMATS or ext.lower() == "gz"):
            name = base
    return name


def read_quads(path: Path) -> list[ox.Quad]:
    """Parse one RDF file into quads; triples come back in the default graph.

    Raises:
        DataSyntaxError: the file does not parse; names the file and line.
    """
    return list(iter_quads(path))


def iter_quads(path: Path) -> Iterator[ox.Quad]:
    """The quads of one RDF file as pyoxigraph parses them, one at a time (none held:
    a ×10 build's parse peaked at 631 MB with the whole list, 184 MB this way);
    triples come in the default graph.

    Raises:
        DataSyntaxError: (while iterating) the file does not parse; names the file and line.
    """
    fmt = rdf_format(path)
    if fmt is None:
        raise DataSyntaxError(path, None, f"unknown RDF file extension; use one of {sorted(FORMATS)}")
    opener = gzip.open if path.suffix.lower() == ".gz" else open
    base_iri = path.resolve().as_uri()
    try:
        with opener(path, "rb") as handle:
            yield from ox.parse(handle, format=fmt, base_iri=base_iri)
    except SyntaxError as err:
        raise DataSyntaxError(path, err.lineno, err.msg) from None
    except (OSError, ValueError) as err:
        raise DataSyntaxError(path, None, str(err)) from None


def find_rdf_files(folder: Path) -> list[Path]:
    """Return every RDF file under ``folder``, recursively, in a stable order."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and rdf_format(p) is not None)


def canonical_ntriples(graph: Graph | Iterable) -> str:
    """Serialize triples as sorted, duplicate-free N-Triples: stable diffs.

    >>> from rdflib import URIRef, Literal
    >>> g = Graph(); g.add((URIRef("http://e/b"), URIRef("http://e/p"), Literal("x")))
    <Graph identifier=... (<class 'rdflib.graph.Graph'>)>
    >>> canonical_ntriples(g)
    '<http://e/b> <http://e/p> "x" .\\n'
    """
    lines = {str(ox.Triple(to_ox(s), to_ox(p), to_ox(o))) + " .\n" for s, p, o in _triples(graph)}
    return "".join(sorted(lines))


def _triples(graph) -> Iterator:
    return iter(graph.triples((None, None, None))) if isinstance(graph, Graph) else iter(graph)


def write_if_changed(path: Path, text: str) -> bool:
    """Write ``text`` to ``path`` unless it already holds exactly that; return whether it wrote."""
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    return True
