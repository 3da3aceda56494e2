"""granian's two interfaces for Apparat, same run: the WSGI app served directly
(``http_interface = wsgi``) against the ASGI body front (``asgi``, the default).

Both servers run at once on the same build; each cell (a cached point lookup,
the same lookup with a different text each request so no cache answers, and a
small POST whose body the front reads) is measured on one and then the other,
``--repeat`` times, with wrk at ``--connections``. Prints req/s and p99 per
repetition and the median ratio ASGI / WSGI. Only 127.0.0.1 is contacted.

Run: ``python bench/interfaces.py --build-dir build [--seconds 4] [--repeat 3]``.
(a2wsgi's bridge, granian's RSGI interface and a shorter switch interval were measured with
variants since removed: README, "Limits".)
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import PERSON, RESULTS, apparat, cell, wrk  # noqa: E402

LUA_POST = """
wrk.method = "POST"
wrk.body = "%s"
wrk.headers["Content-Type"] = "application/sparql-query"
"""
CELLS = ("point lookup, repeated", "point lookup, distinct IRIs", "POST body, cached")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", type=Path, default=Path("build"))
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--connections", type=int, default=4)
    args = parser.parse_args(argv)
    build_dir = args.build_dir.resolve()
    from apparat.query.local import load_dataset, run_query

    dataset = load_dataset(build_dir)
    subjects = sorted({row["s"].value for row in run_query(
        dataset, "SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(isIRI(?s)) }", max_rows=5000).rows})
    del dataset
    post = f"SELECT ?p ?o WHERE {{ <{PERSON}bukharin> ?p ?o }}"
    configs = {"wsgi": {"APPARAT_HTTP_INTERFACE": "wsgi"}, "asgi": {"APPARAT_HTTP_INTERFACE": "asgi"}}
    rows = {name: {c: [] for c in CELLS} for name in configs}
    with contextlib.ExitStack() as stack:
        peers = {name: stack.enter_context(apparat(build_dir, f"Apparat ({name})", env))
                 for name, env in configs.items()}
        time.sleep(2)
        for rep in range(args.repeat):
            for which in CELLS:
                for name, peer in peers.items():
                    if which.startswith("POST"):
                        result = wrk(peer.sparql_url, RESULTS, args.connections, args.seconds, LUA_POST % post)
                    else:
                        result = cell(peer, which, args.connections, {}, subjects, args.seconds)
                    rows[name][which].append(result)
                    print(f"{rep + 1} {which:28} {name}: {result.get('rps', 0):8.0f} req/s  "
                          f"p99 {result.get('p99_ms') or 0:.1f} ms, non-2xx {result['non2xx']}, "
                          f"errors {result['errors']}",
                          file=sys.stderr, flush=True)
    others = [name for name in configs if name != "wsgi"]

    def runs(results, key, fmt):
        return " / ".join(format(r.get(key) or 0, fmt) for r in results)

    print(f"\n| query ({args.connections} connections, {args.repeat} × {args.seconds:g} s) | WSGI req/s | "
          + " | ".join(f"{name} req/s | {name} / WSGI" for name in others)
          + " | WSGI p99 ms | " + " | ".join(f"{name} p99 ms" for name in others) + " |")
    print("|---|---:|" + "---:|---:|" * len(others) + "---:|" + "---:|" * len(others))
    for which in CELLS:
        w = rows["wsgi"][which]
        cells = []
        for name in others:
            a = rows[name][which]
            ratio = statistics.median(x["rps"] / y["rps"] for x, y in zip(a, w, strict=True) if y.get("rps"))
            cells.append(f"{runs(a, 'rps', ',.0f')} | {ratio:.2f}")
        print(f"| {which} | {runs(w, 'rps', ',.0f')} | " + " | ".join(cells) + f" | {runs(w, 'p99_ms', '.0f')} | "
              + " | ".join(runs(rows[name][which], "p99_ms", ".0f") for name in others) + " |")

if __name__ == "__main__":
    main()
