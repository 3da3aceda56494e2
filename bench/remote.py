"""Load time and query throughput through each remote SPARQL store, next to the embedded one.

On any build folder: a fresh ``oxigraph serve`` (PyPI ``oxigraph``) and a fresh Virtuoso 7
(Debian ``virtuoso-opensource``), each on free loopback ports in a temporary folder (``TMPDIR``),
get the build through the project's own uploader (``apparat build --store``'s), timed in a child
process whose CPU time and peak RSS are read from its rusage; then ``apparat serve`` on the build
and ``apparat serve --store URL`` on each store (answer cache off, one worker, 3 executors) are
driven by wrk, each query on each backend back to back, after one plain request that checks the
answer's size. Everything streams and every wait is bounded, generously: this runs on builds of
millions of triples.

Run: ``python bench/remote.py --build-dir DIR [--stores embedded,oxigraph,virtuoso] [--seconds 8]
[--connections 4] [--out bench/results/remote.md]``. Writes the markdown table to ``--out`` and
the raw numbers beside it (``.json``).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from harness import OxigraphServer, VirtuosoServer, oxigraph_binary, virtuoso_missing  # noqa: E402

from apparat.build.upload import upload_marker  # noqa: E402
from bench import RESULTS, apparat, wrk  # noqa: E402

COLUMNS = {"embedded": "embedded", "oxigraph": "through `oxigraph serve`", "virtuoso": "through Virtuoso"}
PRODUCTS = {"oxigraph": "`oxigraph serve`", "virtuoso": "Virtuoso"}
POLITBURO = "https://w3id.org/apparat/id/organ/politburo"
QUERIES = {
    "`ASK { ?s ?p ?o }`": "ASK { ?s ?p ?o }",
    "the Politburo members' labels (`DISTINCT`, `ORDER BY`)": (
        "PREFIX org: <http://www.w3.org/ns/org#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        f"SELECT DISTINCT ?label WHERE {{ ?m org:organization <{POLITBURO}> ; org:member ?p . "
        "?p rdfs:label ?label } ORDER BY ?label"),
    "10,000 rows (`SELECT ?s ?p ?o … LIMIT 10000`, SPARQL JSON)": "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 10000",
}
#: The serving configuration of every backend: what the README's tables were measured with.
SERVE_ENV = {"APPARAT_CACHE_BYTES": "0", "APPARAT_WORKERS": "1", "APPARAT_QUERY_EXECUTORS": "3"}
#: Seconds a query may take (server deadline and wrk's timeout): 10,000 rows took 4.4 s at ×10.
QUERY_SECONDS = 60.0
#: Virtuoso's buffers, the tier its own virtuoso.ini recommends for 4 GB of free memory (Debian's
#: default, 10,000 pages of 8 KB, is for a toy database).
VIRTUOSO_INI = {"NumberOfBuffers": 340_000, "MaxDirtyBuffers": 250_000}

UPLOAD = """
import json, sys
from pathlib import Path
from apparat.build.upload import upload
from apparat.settings import load_settings
report = upload(Path(sys.argv[1]), load_settings(json.loads(sys.argv[2])), force=True,
                log=lambda line: print(line, file=sys.stderr, flush=True))
print(json.dumps({"sent": report.sent, "seconds": report.seconds}))
"""


@dataclass
class Backend:
    """One column: how ``apparat serve`` reaches its data, and the store's size on disk."""

    name: str
    serve_args: list[str] = field(default_factory=list)
    settings: dict = field(default_factory=dict)
    disk_bytes: Callable[[], int] = lambda: 0


def disk_bytes(folder: Path) -> int:
    """Bytes the files under ``folder`` take on disk (allocated blocks)."""
    return sum(path.stat().st_blocks * 512 for path in Path(folder).rglob("*") if path.is_file())


def embedded_backend(build_dir: Path) -> contextlib.nullcontext:
    """The build's own store as a ``Backend``: nothing to start or upload."""
    return contextlib.nullcontext(Backend("embedded", disk_bytes=lambda: disk_bytes(build_dir / "store")))


@contextlib.contextmanager
def oxigraph_backend(folder: Path):
    """A fresh ``oxigraph serve`` as a ``Backend``."""
    with OxigraphServer(folder / "oxigraph", timeout=120) as server:
        yield Backend("oxigraph", ["--store", server.url], {"store": server.url},
                      lambda: disk_bytes(server.folder))


@contextlib.contextmanager
def virtuoso_backend(folder: Path):
    """A fresh Virtuoso as a ``Backend``; its size is read after a checkpoint (the data in its database file)."""
    with VirtuosoServer(folder / "virtuoso", timeout=300, ini=VIRTUOSO_INI) as server:
        def size() -> int:
            server.sql("checkpoint;", timeout=3600)
            return disk_bytes(server.folder)

        yield Backend("virtuoso", ["--store", server.query_url, "--store-graph-url", server.graph_url],
                      {"store": server.query_url, "store_graph_url": server.graph_url}, size)


def timed_upload(build_dir: Path, settings: dict, timeout: float) -> dict:
    """Upload the build into a store, as ``apparat build --store`` does, in a child process:
    triples sent, seconds, and the child's CPU seconds and peak RSS (its rusage)."""
    full = {"store_query_url": "", "store_graph_url": "", **settings}
    marker = upload_marker(build_dir, full)
    marker.unlink(missing_ok=True)  # a fresh store: nothing is resumed
    started = time.monotonic()
    child = subprocess.Popen([sys.executable, "-c", UPLOAD, str(build_dir), json.dumps(settings)],
                             cwd=ROOT, stdout=subprocess.PIPE, text=True)
    guard = threading.Timer(timeout, child.kill)
    guard.start()
    try:
        output = child.stdout.read()
        _pid, status, usage = os.wait4(child.pid, 0)
    finally:
        guard.cancel()
        child.stdout.close()
        marker.unlink(missing_ok=True)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"the upload into {settings['store']} failed (exit {child.returncode})")
    report = json.loads(output)
    sent = sum(report["sent"].values())
    return {"triples": sent, "graphs": len(report["sent"]), "seconds": report["seconds"],
            "wall_s": time.monotonic() - started, "triples_per_s": sent / report["seconds"],
            "cpu_s": usage.ru_utime + usage.ru_stime, "peak_rss_mb": usage.ru_maxrss / 1024}


def answer_size(sparql_url: str, query: str) -> str:
    """One plain request: the answer's size (``true``/``false``, or its rows), for the check that
    every backend gives the same."""
    request = urllib.request.Request(sparql_url + "?" + urllib.parse.urlencode({"query": query}),
                                     headers={"Accept": RESULTS})
    try:
        with urllib.request.urlopen(request, timeout=QUERY_SECONDS + 30) as response:
            answer = json.load(response)
    except urllib.error.HTTPError as err:  # recorded, and the run goes on: the ×100 run's third
        # query once got a 502 here from one backend and lost the rest of the run
        said = " ".join(err.read().decode("utf-8", "replace").split())[:300]
        return f"HTTP {err.code} ({said})"
    if "boolean" in answer:
        return str(answer["boolean"]).lower()
    return f"{len(answer['results']['bindings']):,} rows"


def upload_timeout(build_dir: Path) -> float:
    """Seconds an upload may take: an hour, or 3 s per 1,000 triples of the build (it sends about
    twice as many, with the unions), whichever is more."""
    manifest = read_manifest(build_dir)
    return max(3600.0, 3 * (manifest["asserted"] + manifest["inferred"]) / 1000)


def measure(build_dir: Path, names: list[str], seconds: float, connections: int, out: Path) -> dict:
    """Upload into each store, then serve from each backend and drive each query on each in turn."""
    found = {"build_dir": str(build_dir), "stores": names, "seconds": seconds, "connections": connections,
             "serve_env": SERVE_ENV, "query_timeout_s": QUERY_SECONDS, "virtuoso_ini": VIRTUOSO_INI,
             "cores": os.cpu_count(), "load_average": {"start": os.getloadavg()}, "versions": versions(names),
             "manifest": build_counts(build_dir),
             "store_bytes": {}, "uploads": {}, "ready_s": {}, "answers": {}, "runs": {}}
    starters = {"embedded": lambda _folder: embedded_backend(build_dir), "oxigraph": oxigraph_backend,
                "virtuoso": virtuoso_backend}
    with tempfile.TemporaryDirectory(prefix="apparat-remote-") as tmp, contextlib.ExitStack() as stack:
        backends = {name: stack.enter_context(starters[name](Path(tmp))) for name in names}
        for name, backend in backends.items():
            if backend.settings:
                log(f"upload into {name}")
                found["uploads"][name] = timed_upload(build_dir, backend.settings, upload_timeout(build_dir))
                log(f"upload into {name}: {found['uploads'][name]}")
            found["store_bytes"][name] = backend.disk_bytes()
            write(out, found)
        env = {**SERVE_ENV, "APPARAT_QUERY_TIMEOUT": str(QUERY_SECONDS)}
        peers = {name: stack.enter_context(apparat(build_dir, COLUMNS[name], env, args=tuple(backend.serve_args),
                                                   timeout=600))
                 for name, backend in backends.items()}
        found["ready_s"] = {name: peer.ready_s for name, peer in peers.items()}  # started one after another
        for label, query in QUERIES.items():
            found["answers"][label] = {name: answer_size(peer.sparql_url, query) for name, peer in peers.items()}
            found["runs"][label] = {}
            for name, peer in peers.items():
                log(f"wrk: {label} on {name}")
                url = peer.sparql_url + "?" + urllib.parse.urlencode({"query": query})
                found["runs"][label][name] = wrk(url, RESULTS, connections, seconds, timeout=QUERY_SECONDS)
            write(out, found)
    found["load_average"]["end"] = os.getloadavg()
    write(out, found)
    return found


def read_manifest(build_dir: Path) -> dict:
    return json.loads((build_dir / "build.json").read_text(encoding="utf-8"))


def build_counts(build_dir: Path) -> dict:
    """The build's asserted and inferred triples and its graphs, from its manifest."""
    manifest = read_manifest(build_dir)
    return {"asserted": manifest["asserted"], "inferred": manifest["inferred"], "graphs": len(manifest["graphs"])}


def versions(names: list[str]) -> dict:
    """The stores' versions, as their own commands (or Debian) say."""
    found = {}
    if "oxigraph" in names:
        said = subprocess.run([oxigraph_binary(), "--version"], capture_output=True, text=True, timeout=60).stdout
        found["oxigraph"] = said.strip().removeprefix("oxigraph ")
    if "virtuoso" in names:
        found["virtuoso"] = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "virtuoso-opensource-7"],
                                           capture_output=True, text=True, timeout=60).stdout.strip()
    return found


# --- report ---------------------------------------------------------------------------------

def report(found: dict) -> str:
    """The markdown table of ``found``: rows the upload and each query, a column per backend."""
    names, manifest = found["stores"], found["manifest"]
    loads = found["load_average"]
    span = f"{loads['start'][0]:.1f}" + (f"–{loads['end'][0]:.1f}" if "end" in loads else "")
    stores = ", ".join(f"{PRODUCTS[name]} {version}" for name, version in found["versions"].items())
    lines = ["# Through each store: load time and query throughput", "",
             f"Build `{found['build_dir']}`: {manifest['asserted']:,} asserted + {manifest['inferred']:,} inferred "
             f"triples in {manifest['graphs']} graphs. {found['cores']} cores, shared; load average {span} (1 min, "
             f"start–end). wrk, {found['connections']} connections, {found['seconds']:g} s per query, each query on "
             f"every backend back to back; answer cache off, one worker, 3 executors. {stores}.", "",
             "| | " + " | ".join(COLUMNS[name] for name in names) + " |", "|---|" + "---|" * len(names)]
    uploads = found["uploads"]
    if uploads:
        sent = next(iter(uploads.values()))
        lines.append(f"| upload: {sent['triples']:,} triples ({sent['graphs']} graphs: the build's and the two "
                     "unions) | " + " | ".join(upload_cell(found, name) for name in names) + " |")
        lines.append("| our upload process | " + " | ".join(
            f"{uploads[name]['cpu_s']:.1f} s CPU, {uploads[name]['peak_rss_mb']:.0f} MB peak" if name in uploads
            else "—" for name in names) + " |")
    if found.get("ready_s"):  # a warm worker: benchmarks do not bound the warm-up
        lines.append("| ready after start (warm) | " + " | ".join(
            f"{found['ready_s'][name]:,.0f} s" if name in found["ready_s"] else "…" for name in names) + " |")
    for label, cells in found["runs"].items():
        lines.append(f"| {label} | " + " | ".join(run_cell(cells[name]) if name in cells else "…"
                                                   for name in names) + " |")
    lines += ["", *answers_note(found)]
    return "\n".join(lines) + "\n"


def upload_cell(found: dict, name: str) -> str:
    size = found["store_bytes"].get(name)
    where = f"store {size / 1e6:,.0f} MB" if size is not None else "store size not read"
    if name not in found["uploads"]:
        return f"— (the build's own {where})" if name == "embedded" else "…"
    sent = found["uploads"][name]
    return f"{sent['seconds']:,.1f} s ({sent['triples_per_s']:,.0f} triples/s); {where}"


def run_cell(run: dict) -> str:
    def ms(value):
        return "—" if value is None else f"{value:,.0f} ms" if value >= 10 else f"{value:.1f} ms"

    cell = f"{run['rps']:,.1f} req/s, p50 {ms(run['p50_ms'])}, p99 {ms(run['p99_ms'])}"
    failed = [f"{run[key]} {what}" for key, what in (("non2xx", "non-2xx"), ("errors", "socket errors")) if run[key]]
    return cell + (f" ({', '.join(failed)})" if failed else "")


def answers_note(found: dict) -> list[str]:
    """Whether each answer, checked once before its run, was the same size on every backend."""
    same = {label: set(sizes.values()) for label, sizes in found["answers"].items()}
    failed_checks = {label: sizes for label, sizes in found["answers"].items()
                     if any(size.startswith("HTTP ") for size in sizes.values())}
    notes = []
    if same and not failed_checks and all(len(sizes) == 1 for sizes in same.values()):
        backends = "the one backend" if all(len(s) == 1 for s in found["answers"].values()) else "every backend"
        notes.append(f"Every answer was the same size on {backends} ("
                     + "; ".join(next(iter(sizes)) for sizes in same.values()) + ").")
    for label, sizes in failed_checks.items():
        notes.append(f"{label} failed its check: " + ", ".join(f"{name} {size}" for name, size in sizes.items()
                                                               if size.startswith("HTTP ")) + ".")
    for label, sizes in found["answers"].items():
        if label not in failed_checks and len(set(sizes.values())) > 1:
            notes.append(f"{label} differed: " + ", ".join(f"{name} {size}" for name, size in sizes.items()) + ".")
    failed = sum(run["non2xx"] + run["errors"] for cells in found["runs"].values() for run in cells.values())
    if found["runs"]:
        notes.append("wrk saw no non-2xx and no socket errors." if not failed else
                     f"wrk saw {failed} non-2xx answers or socket errors in all (see the cells).")
    return notes


def write(out: Path, found: dict) -> str:
    """Write the table to ``out`` and the raw numbers to ``out`` with ``.json``; return the table."""
    text = report(found)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    out.with_suffix(".json").write_text(json.dumps(found, indent=2) + "\n", encoding="utf-8")
    return text


def log(line: str) -> None:
    print(f"== {line}", file=sys.stderr, flush=True)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", type=Path, required=True)
    parser.add_argument("--stores", default="embedded,oxigraph,virtuoso",
                        help="comma-separated backends, of: " + ", ".join(COLUMNS))
    parser.add_argument("--seconds", type=float, default=8.0, help="wrk's run per query and backend")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "remote.md")
    args = parser.parse_args(argv)
    build_dir = args.build_dir.resolve()
    names = [name.strip() for name in args.stores.split(",") if name.strip()]
    problems = [f"unknown store {name!r} (of {', '.join(COLUMNS)})" for name in names if name not in COLUMNS]
    if not (build_dir / "store").is_dir() or not (build_dir / "build.json").is_file():
        problems.append(f"{build_dir} is not a finished build (no store/ or build.json): run `apparat build`")
    if not shutil.which("wrk"):
        problems.append("wrk is missing: apt-get install wrk (make bench does)")
    if "oxigraph" in names and oxigraph_binary() is None:
        problems.append("oxigraph serve is missing: pip install -e '.[test,bench]'")
    if "virtuoso" in names and virtuoso_missing():
        problems.append(virtuoso_missing())
    if problems:
        raise SystemExit("\n".join(problems))
    found = measure(build_dir, names, args.seconds, args.connections, args.out.resolve())
    print(report(found))
    print(f"written to {args.out} (and {args.out.with_suffix('.json').name})", file=sys.stderr)


if __name__ == "__main__":
    main()
