"""``make bench``: build, query and HTTP numbers, written as a Markdown table.

Every number is paired with a peer measured in the same run (these machines
are noisy, so ratios travel better than seconds): pyoxigraph against rdflib's
own SPARQL engine on the same built dataset, and HTTP through gunicorn
against the same query called in-process. Only 127.0.0.1 is contacted, and
every loop is bounded.

Run: ``python -m apparat.bench [--out build/bench.md] [--requests N]``.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import statistics
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from .build import BuildInputs, build
from .queries import load_saved_queries
from .serve import ServerProcess
from .settings import load_settings
from .sparql import run_query
from .store import load_dataset

QUERIES = {
    "organ hierarchy (transitive, inferred)":
        "SELECT ?a ?b WHERE { ?a org:subOrganizationOf ?b }",
    "memberships with labels (5-way join)":
        "SELECT ?p ?l ?o ?r WHERE { ?m org:member ?p ; org:organization ?o ; org:role ?r . "
        "?p rdfs:label ?l . ?o a ap:PartyOrgan }",
    "co-membership (self-join)":
        "SELECT DISTINCT ?a ?b WHERE { ?m1 org:member ?a ; org:organization ?o . "
        "?m2 org:member ?b ; org:organization ?o . FILTER(STR(?a) < STR(?b)) }",
}


def _median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _rdflib_dataset(build_dir: Path):
    from rdflib import Dataset

    from .namespaces import PREFIXES

    ds = Dataset(default_union=True)
    ds.parse(build_dir / "dataset.nq", format="nquads")
    return ds, PREFIXES


def bench_engines(build_dir: Path, repeat: int) -> list[tuple[str, float, float]]:
    dataset = load_dataset(build_dir)
    rdflib_ds, prefixes = _rdflib_dataset(build_dir)
    rows = []
    for name, text in QUERIES.items():
        ox_ms = _median_ms(lambda t=text: run_query(dataset, t, max_rows=10**9), repeat)
        rdf_ms = _median_ms(lambda t=text: list(rdflib_ds.query(t, initNs=prefixes)), max(1, repeat // 5))
        rows.append((name, ox_ms, rdf_ms))
    return rows


def bench_http(build_dir: Path, url_path: str, requests_total: int, threads: int) -> dict[str, float]:
    def fetch(base: str) -> None:
        with urllib.request.urlopen(base + url_path, timeout=30) as response:
            response.read()

    with ServerProcess(build_dir, "--workers", "2") as server:
        with concurrent.futures.ThreadPoolExecutor(threads) as pool:  # warm up every worker
            list(pool.map(lambda _i: fetch(server.base_url), range(8 * threads)))
        start = time.perf_counter()
        for _ in range(requests_total):
            fetch(server.base_url)
        sequential = requests_total / (time.perf_counter() - start)
        start = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(threads) as pool:
            list(pool.map(lambda _i: fetch(server.base_url), range(requests_total)))
        concurrent_rps = requests_total / (time.perf_counter() - start)
        rss = _children_peak_rss_mb(server.process.pid)
    return {"sequential": sequential, "concurrent": concurrent_rps, "rss_mb": rss}


def _children_peak_rss_mb(pid: int) -> float:
    """Peak resident memory of the gunicorn master and all its descendants:
    workers and their query executors (Linux /proc)."""
    parents, peaks = {}, {}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
        parents[status.parent.name] = fields.get("PPid", "").strip()
        peaks[status.parent.name] = int(fields.get("VmHWM", "0 kB").split()[0]) / 1024
    family, grew = {str(pid)}, True
    while grew:
        grown = family | {p for p, parent in parents.items() if parent in family}
        grew, family = grown != family, grown
    return sum(peaks.get(p, 0.0) for p in family)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("build/bench.md"))
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=25)
    args = parser.parse_args(argv)
    settings = load_settings()
    lines = ["# Apparat benchmarks", ""]
    with tempfile.TemporaryDirectory() as tmp:
        build_dir = Path(tmp) / "build"
        report = build(BuildInputs.from_settings(settings), build_dir)
        lines += ["## Build (repository data)", "", "| step | seconds |", "|---|---:|"]
        lines += [f"| {step} | {sec:.2f} |" for step, sec in report.timings.items()]
        lines += [f"| triples: {report.asserted} asserted, {report.inferred} inferred | |", ""]

        lines += ["## Query engines, same dataset (median ms)", "",
                  "| query | pyoxigraph | rdflib engine | rdflib / pyoxigraph |", "|---|---:|---:|---:|"]
        for name, ox_ms, rdf_ms in bench_engines(build_dir, args.repeat):
            lines.append(f"| {name} | {ox_ms:.2f} | {rdf_ms:.2f} | {rdf_ms / ox_ms:.1f}x |")

        saved = load_saved_queries(settings["queries_dir"])
        params = urllib.parse.urlencode({"year": 1926})
        url = f"/queries/politburo-in-year?{params}" if "politburo-in-year" in saved else "/health"
        text = saved["politburo-in-year"].bind({"year": "1926"})
        dataset = load_dataset(build_dir)
        in_process_ms = _median_ms(lambda: run_query(dataset, text, max_rows=10**9).serialize("json"), args.repeat)
        http = bench_http(build_dir, url, args.requests, threads=4)
        lines += ["", f"## HTTP under gunicorn (`{url}`, {args.requests} requests)", "",
                  "| measure | value |", "|---|---:|",
                  f"| in-process run + serialize (req/s) | {1000 / in_process_ms:.0f} |",
                  f"| HTTP, 1 client (req/s) | {http['sequential']:.0f} |",
                  f"| HTTP, 4 clients (req/s) | {http['concurrent']:.0f} |",
                  f"| HTTP 4 clients / in-process | {http['concurrent'] / (1000 / in_process_ms):.2f} |",
                  f"| peak RSS, master + 2 workers + their executors (MB) | {http['rss_mb']:.0f} |"]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    print(f"\nwritten to {args.out}")


if __name__ == "__main__":
    main()
