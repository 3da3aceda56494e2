"""Distinct point lookups (issue 11): this code against an earlier copy of it and
``oxigraph serve-read-only``, all in one run.

The workload is ``bench.py``'s "point lookup, distinct IRIs" (a different IRI and
``LIMIT`` on every request, so no cache answers). Every server runs at once on the
same build: Apparat with its defaults and with ``cache_bytes = 0``, the same two from
``--baseline`` (a source tree, e.g. ``git archive`` of the commit before a change,
with its ``apparat/web -> ../server`` link), and oxigraph. Each cell is measured on
every server back to back, ``--repeat`` times, so that the load others put on this
shared machine drifts as little as possible between the numbers a ratio compares.
Prints req/s, p50 / p99 per repetition and the median ratios. Only 127.0.0.1 is contacted.

Run: ``python bench/lookups.py --build-dir build [--baseline /tmp/before] [--seconds 3] [--repeat 3]``.
With ``--hold N`` it only starts the servers, prints their pids and sleeps N seconds
(for a profiler: ``py-spy record --pid …`` while wrk drives one of them).
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import apparat, cell, family, oxigraph  # noqa: E402

QUERY = "point lookup, distinct IRIs"
#: ``--configs`` names: (the server's name in the table, its settings).
CONFIGS = {"default": ("Apparat", {}), "nocache": ("Apparat, no cache", {"APPARAT_CACHE_BYTES": "0"})}
OXIGRAPH = "oxigraph serve-read-only"


def subjects_of(build_dir: Path) -> list[str]:
    """Every IRI subject of the build (at most 5,000), read from its store."""
    import pyoxigraph as ox

    store = ox.Store.read_only(str(build_dir / "store"))
    found = store.query("SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(isIRI(?s)) } LIMIT 5000")
    return sorted(solution["s"].value for solution in found)


@contextlib.contextmanager
def baseline(tree: Path, build_dir: Path, name: str, env: dict):
    """Apparat started from another source tree: its working directory, so that the server,
    its granian workers and its executors all import that tree's packages."""
    with contextlib.ExitStack() as stack:
        with contextlib.chdir(tree):
            peer = stack.enter_context(apparat(build_dir, name, env))
        yield peer


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", type=Path, default=Path("build"))
    parser.add_argument("--baseline", type=Path, help="a source tree to measure beside this one")
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--connections", default="1,4,16")
    parser.add_argument("--configs", default=",".join(CONFIGS), help=f"Apparat settings to run: {', '.join(CONFIGS)}")
    parser.add_argument("--hold", type=float, default=0.0)
    args = parser.parse_args(argv)
    build_dir = args.build_dir.resolve()
    subjects = subjects_of(build_dir)
    servers = {}
    for key in args.configs.split(","):
        name, settings = CONFIGS[key]
        servers[name] = lambda name=name, env=settings: apparat(build_dir, name, env)
        if args.baseline:
            servers[f"{name} (before)"] = lambda name=name, env=settings: baseline(
                args.baseline.resolve(), build_dir, f"{name} (before)", env)
    servers[OXIGRAPH] = lambda: oxigraph(build_dir)
    connections = [int(c) for c in args.connections.split(",")]
    rows: dict[str, dict[int, list[dict]]] = {name: {c: [] for c in connections} for name in servers}
    with contextlib.ExitStack() as stack:
        peers = {name: stack.enter_context(start()) for name, start in servers.items()}
        time.sleep(2)
        if args.hold:
            for name, peer in peers.items():
                print(f"{name}: {peer.sparql_url} pids {family(peer.pid)}", flush=True)
            time.sleep(args.hold)
            return
        for rep in range(args.repeat):
            for conns in connections:
                for name, peer in peers.items():
                    result = cell(peer, QUERY, conns, {}, subjects, args.seconds)
                    rows[name][conns].append(result)
                    print(f"{rep + 1} @{conns:<2} {name:28} {result['rps']:8.0f} req/s  p50 "
                          f"{result['p50_ms'] or 0:.2f}  p99 {result['p99_ms'] or 0:.1f} ms  non-2xx "
                          f"{result['non2xx']}  errors {result['errors']}", file=sys.stderr, flush=True)
    print(report(rows, connections, args))


def report(rows: dict, connections: list[int], args) -> str:
    names = list(rows)

    def runs(results, key, fmt):
        return " / ".join(format(r.get(key) or 0, fmt) for r in results)

    def ratio(a, b, key="rps"):
        pairs = [x[key] / y[key] for x, y in zip(a, b, strict=True) if x.get(key) and y.get(key)]
        return f"{statistics.median(pairs):.2f}" if pairs else "—"

    mine = [n for n in names if n != OXIGRAPH]
    pairs = [(n, f"{n} (before)") for n in mine if f"{n} (before)" in rows]
    lines = ["| conns | " + " | ".join(f"{n} req/s" for n in names) + " | "
             + " | ".join(f"{n} / oxigraph" for n in mine) + " | "
             + "".join(f"{a} / before | " for a, _b in pairs)
             + " | ".join(f"{n} p50 / p99 ms" for n in names) + " |",
             "|---:|" + "---:|" * (2 * len(names) + len(mine) + len(pairs))]
    for conns in connections:
        ox_runs = rows[OXIGRAPH][conns]
        p = [f"{statistics.median(r['p50_ms'] or 0 for r in rows[n][conns]):.2f} / "
             f"{statistics.median(r['p99_ms'] or 0 for r in rows[n][conns]):.1f}" for n in names]
        lines.append(f"| {conns} | " + " | ".join(runs(rows[n][conns], "rps", ",.0f") for n in names) + " | "
                     + " | ".join(ratio(rows[n][conns], ox_runs) for n in mine) + " | "
                     + "".join(f"{ratio(rows[a][conns], rows[b][conns])} | " for a, b in pairs)
                     + " | ".join(p) + " |")
    lines.append(f"\n{args.repeat} × {args.seconds:g} s a cell, wrk; medians of same-run ratios and latencies.")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
