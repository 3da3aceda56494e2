"""``make bench``: how long the web pages take, by kind of page, on a build.

The server (granian, as ``apparat serve`` runs it) gets the build and the
corpus; the pages are the sample the HTML test validates (harness.page_sample:
up to five of each kind, found from the home page, the indexes and a person,
organ and event page) plus a search and a line page. Each page is asked once
cold (the first request of its kind pays for the SELECTs it caches) and then
``--repeat`` times warm, one request at a time, as a browser asks. Only
127.0.0.1 is contacted; the server is stopped at the end.

Run: ``python bench/pages.py --build-dir build [--out bench/results]``; writes
``bench/results/pages.md`` (and ``.json``). A figure, not a test: the goal is
every page under 300 ms on the repository's build.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from harness import BROWSER_ACCEPT, ServerProcess, page_kind, page_sample  # noqa: E402

EXTRA = ["/search?q=Bucharin", "/id/person/stalin", "/id/organ/politburo", "/source/rogovin-1992/lines/6867-6867",
         "/queries/politburo-in-year?year=1926",
         "/queries/person-career?person=bukharin"]
GOAL_MS = 300.0


def timed_get(url: str) -> tuple[float, int]:
    started = time.perf_counter()
    request = urllib.request.Request(url, headers={"Accept": BROWSER_ACCEPT, "Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=60) as answer:
        answer.read()
        status = answer.status
    return (time.perf_counter() - started) * 1000, status


def measure(base: str, repeat: int) -> dict[str, dict]:
    chosen = page_sample(base, per_kind=5)
    for path in EXTRA:
        chosen.setdefault(page_kind(path), []).append(path)
    rows = {}
    for kind, paths in sorted(chosen.items()):
        cold, warm, worst = [], [], ("", 0.0)
        for path in paths:
            ms, status = timed_get(base + path)
            if status != 200:
                raise RuntimeError(f"{path} answered {status}")
            cold.append(ms)
            for _ in range(repeat):
                ms, _status = timed_get(base + path)
                warm.append(ms)
                worst = max(worst, (path, ms), key=lambda w: w[1])
        rows[kind] = {"pages": len(paths), "cold_ms": max(cold), "median_ms": statistics.median(warm),
                      "max_ms": worst[1], "slowest": worst[0]}
    return rows


def report(rows: dict[str, dict], repeat: int) -> str:
    lines = [f"Pages by kind: each page once cold, then {repeat} times warm, one request at a time "
             f"(goal: under {GOAL_MS:.0f} ms).", "",
             "| kind | pages | first request, slowest (ms) | warm median (ms) | warm max (ms) | slowest page |",
             "|---|---:|---:|---:|---:|---|"]
    for kind, row in rows.items():
        lines.append(f"| {kind} | {row['pages']} | {row['cold_ms']:.0f} | {row['median_ms']:.0f} | "
                     f"{row['max_ms']:.0f} | `{row['slowest']}` |")
    over = [k for k, r in rows.items() if r["max_ms"] >= GOAL_MS]
    lines += ["", f"Warm pages over {GOAL_MS:.0f} ms: {', '.join(over) if over else 'none'}."]
    return "\n".join(lines) + "\n"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", type=Path, default=ROOT / "build")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    args = parser.parse_args(argv)
    env = {"APPARAT_SERVICE_ALLOWLIST": "", "APPARAT_CORPUS_DIR": str(args.corpus)}
    with ServerProcess(args.build_dir, env=env, timeout=120) as server:
        rows = measure(server.base_url, args.repeat)
    args.out.mkdir(parents=True, exist_ok=True)
    text = report(rows, args.repeat)
    (args.out / "pages.md").write_text(text, encoding="utf-8")
    (args.out / "pages.json").write_text(json.dumps(rows, indent=2), encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
