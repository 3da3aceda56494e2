"""What one build reads, and the content hash that decides whether it must run."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__
from ..errors import BuildError
from ..triples_io import find_rdf_files
from .conflicts import rule_files

SHAPES_PREFIX = "shapes"
#: The code whose change changes the build's output: this package and the
#: shared modules it calls. Their text is part of the cache key.
_CODE = [Path(__file__).parent, *(Path(__file__).parent.parent / f for f in ("triples_io.py", "namespaces.py"))]


@dataclass(frozen=True)
class BuildInputs:
    """The files one build reads.

    ``data`` files in a quad format (N-Quads, TriG) keep their named graphs.
    Triples go, with ``graph_per_file`` (our own ``triples/`` folder), to the
    graph their file name gives (see ``graph_for_triples_file``); without it
    (``--data``: anyone's dataset), to the graph ``DEFAULT_DATA_GRAPH``. The
    served default graph is the union of all graphs either way (store.py).
    ``rules`` are SPARQL rule files (``queries/rules/*.rq``), applied by the
    ``conflicts`` step; a change to one rebuilds. ``graphs`` names the graph of a
    data file of triples outright, whatever its name (the scale generator's copies:
    a copy's graphs have names no file name gives).
    """

    ontology: Sequence[Path]
    shapes: Sequence[Path]
    data: Sequence[Path]
    graph_per_file: bool = True
    rules: Sequence[Path] = ()
    graphs: Mapping[Path, str] = field(default_factory=dict)

    @classmethod
    def from_paths(cls, data: Sequence[Path], ontology: Sequence[Path] = ()) -> BuildInputs:
        """Inputs for publishing any dataset: files or folders (searched recursively)."""
        return cls(ontology=_expand(ontology), shapes=[], data=_expand(data), graph_per_file=False)

    @classmethod
    def from_settings(cls, settings: dict) -> BuildInputs:
        """Our own inputs: ``ontology_dir`` (shapes are ``shapes*.ttl``), ``triples_dir``,
        and the rule files under ``queries_dir``."""
        onto = find_rdf_files(settings["ontology_dir"]) if settings["ontology_dir"].exists() else []
        triples_dir = settings["triples_dir"]
        return cls(
            ontology=[p for p in onto if not p.name.startswith(SHAPES_PREFIX)],
            shapes=[p for p in onto if p.name.startswith(SHAPES_PREFIX)],
            data=find_rdf_files(triples_dir) if triples_dir.exists() else [],
            rules=rule_files(settings["queries_dir"]),
        )

    def all(self) -> list[Path]:
        return [*self.ontology, *self.shapes, *self.data, *self.rules]

    def describe(self) -> list[dict]:
        """Each input file with its role and content hash (``build.json``'s ``inputs``), and the
        graph ``graphs`` names for it, if any."""
        roles = [("ontology", self.ontology), ("shapes", self.shapes), ("data", self.data), ("rules", self.rules)]
        return [{"path": str(p), "role": role, "sha256": file_sha256(p)} | self._graph_of(p, role)
                for role, paths in roles for p in paths]

    def _graph_of(self, path: Path, role: str) -> dict:
        graph = self.graphs.get(path) if role == "data" else None
        return {"graph": graph} if graph else {}


def cache_key(described_inputs: list[dict], options: dict) -> str:
    """One hash of everything the output depends on: each input's path, role and
    content, the build options, the version and the build code's own text."""
    digest = hashlib.sha256(f"apparat {__version__}\n".encode())
    for item in described_inputs:
        digest.update(f"{item['role']} {item['path']} {item['sha256']} {item.get('graph', '')}\n".encode())
    for name, value in sorted(options.items()):
        digest.update(f"option {name}={value}\n".encode())
    digest.update(code_sha256().encode())
    return digest.hexdigest()


def code_sha256() -> str:
    """The hash of the build code (this package and the modules it shares)."""
    digest = hashlib.sha256()
    for root in _CODE:
        for path in sorted(root.rglob("*.py")) if root.is_dir() else [root]:
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _expand(paths: Sequence[Path]) -> list[Path]:
    files = []
    for path in map(Path, paths):
        if path.is_dir():
            files += find_rdf_files(path)
        elif path.exists():
            files.append(path)
        else:
            raise BuildError(f"{path}: no such file or folder")
    return files
