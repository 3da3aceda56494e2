"""``make bench``: how long the web pages take, by kind of page, on a build.

The server (granian, as ``apparat serve`` runs it) gets the build and the
corpus; the pages are the sample the HTML test validates (harness.page_sample:
up to five of each kind, found from the home page, the indexes and a person,
organ and event page) plus the heaviest pages (Stalin, the Politburo), a search
and a line page. The sample is found by one server; then each kind gets a fresh
server (the same command), whose very first request is that kind's first page
(the heaviest where the kind has one): what a just-started or just-reloaded
worker answers. Each page of the kind is then asked once cold (its own SELECTs
not yet cached) and ``--repeat`` times warm, one request at a time, as a
browser asks. The time from starting a server to its first answer is measured
too. Only 127.0.0.1 is contacted; every server is stopped at the end.

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
#: Each first in its kind: the first request of a fresh server.
HEAVIEST = {"/id/person/stalin", "/id/organ/politburo"}
GOAL_MS = 300.0


def timed_get(url: str) -> tuple[float, int]:
    started = time.perf_counter()
    request = urllib.request.Request(url, headers={"Accept": BROWSER_ACCEPT, "Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=60) as answer:
        answer.read()
        status = answer.status
    return (time.perf_counter() - started) * 1000, status


def sample(build_dir: Path, env: dict) -> dict[str, list[str]]:
    """The pages to time, by kind (the heaviest first where a kind has one), found on one server."""
    with ServerProcess(build_dir, env=env, timeout=120) as server:
        chosen = page_sample(server.base_url, per_kind=5)
    for path in EXTRA:
        paths = chosen.setdefault(page_kind(path), [])
        paths.insert(0 if path in HEAVIEST else len(paths), path)
    return chosen


def measure(build_dir: Path, env: dict, repeat: int) -> tuple[dict[str, dict], list[float]]:
    """Each kind on a fresh server: its first request, then every page cold and warm; and each start's time."""
    rows, starts = {}, []
    for kind, paths in sorted(sample(build_dir, env).items()):
        started = time.perf_counter()
        with ServerProcess(build_dir, env=env, timeout=120) as server:
            starts.append(time.perf_counter() - started)
            cold, warm, worst = [], [], ("", 0.0)
            for path in paths:
                ms, status = timed_get(server.base_url + path)
                if status != 200:
                    raise RuntimeError(f"{path} answered {status}")
                cold.append(ms)
                for _ in range(repeat):
                    ms, _status = timed_get(server.base_url + path)
                    warm.append(ms)
                    worst = max(worst, (path, ms), key=lambda w: w[1])
        rows[kind] = {"pages": len(paths), "first_page": paths[0], "first_ms": cold[0], "cold_ms": max(cold),
                      "coldest": paths[cold.index(max(cold))], "median_ms": statistics.median(warm),
                      "max_ms": worst[1], "slowest": worst[0]}
    return rows, starts


def report(rows: dict[str, dict], starts: list[float], repeat: int) -> str:
    lines = [f"Pages by kind, each kind on a fresh server: its first request, then each page once cold and "
             f"{repeat} times warm, one request at a time (goal: under {GOAL_MS:.0f} ms). A server's start to "
             f"its first answer: median {statistics.median(starts):.2f} s, slowest {max(starts):.2f} s "
             f"({len(starts)} starts).", "",
             "| kind | pages | first request of the process (ms) | its page | cold, slowest (ms) | slowest cold page "
             "| warm median (ms) | warm max (ms) | slowest warm page |",
             "|---|---:|---:|---|---:|---|---:|---:|---|"]
    for kind, row in rows.items():
        lines.append(f"| {kind} | {row['pages']} | {row['first_ms']:.0f} | `{row['first_page']}` | "
                     f"{row['cold_ms']:.0f} | `{row['coldest']}` | {row['median_ms']:.0f} | {row['max_ms']:.0f} | "
                     f"`{row['slowest']}` |")
    lines.append("")
    for label, key in (("First requests", "first_ms"), ("Cold pages", "cold_ms"), ("Warm pages", "max_ms")):
        over = [k for k, r in rows.items() if r[key] >= GOAL_MS]
        lines.append(f"{label} over {GOAL_MS:.0f} ms: {', '.join(over) if over else 'none'}.  ")
    return "\n".join(lines) + "\n"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", type=Path, default=ROOT / "build")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    args = parser.parse_args(argv)
    env = {"APPARAT_SERVICE_ALLOWLIST": "", "APPARAT_CORPUS_DIR": str(args.corpus)}
    rows, starts = measure(args.build_dir, env, args.repeat)
    args.out.mkdir(parents=True, exist_ok=True)
    text = report(rows, starts, args.repeat)
    (args.out / "pages.md").write_text(text, encoding="utf-8")
    (args.out / "pages.json").write_text(json.dumps({"kinds": rows, "start_seconds": starts}, indent=2),
                                         encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
