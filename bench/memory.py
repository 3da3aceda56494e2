"""The whole server's memory (issue 11): Apparat's processes, one by one, against
``oxigraph serve-read-only``, at rest and under load, all in one run.

Every server runs at once on the same build: Apparat with its defaults (and any
``--config NAME=VAR=VALUE,...`` beside it, e.g. ``arenas=MALLOC_ARENA_MAX=2``), the
same from ``--baseline`` (another source tree, as in ``lookups.py``), and oxigraph.
For each server it prints RSS and PSS (``/proc/<pid>/smaps_rollup``) of every process
by role (the granian server, its web worker, multiprocessing's resource tracker, the
executors) at rest after start, the peak while ``bench.py``'s queries run against it
(``--seconds`` each, at 4 connections; sampled every 0.2 s), and at rest after that
load; with ``--long S``, also after S seconds more of distinct point lookups (every answer
new, so the response cache fills towards ``cache_bytes``). The load's req/s (repeated and
distinct point lookups above all) are what a memory cut must not lower, in the same run.
Only 127.0.0.1 is contacted.

Run: ``python bench/memory.py --build-dir build [--baseline /tmp/before] [--seconds 3]``.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lookups import OXIGRAPH, baseline, subjects_of  # noqa: E402

from bench import QUERIES, apparat, cell, family, oxigraph, rollup  # noqa: E402

ROLES = ("server", "worker", "tracker", "executor", "other")


def role_of(pid: int, top: int) -> str:
    """What one process of a server is, from its command line and parent."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        parent = int(Path(f"/proc/{pid}/stat").read_bytes().rsplit(b")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return "other"
    if pid == top:
        return "server"
    if "resource_tracker" in command:
        return "tracker"
    if "spawn_main" in command:
        return "executor"
    return "worker" if parent == top else "other"


def by_role(top: int) -> dict[str, list[float]]:
    """Role -> [processes, RSS, PSS] summed over the server's process tree, and "total"."""
    found = {name: [0, 0.0, 0.0] for name in (*ROLES, "total")}
    for pid in family(top):
        rss, pss = rollup(pid)
        for name in (role_of(pid, top), "total"):
            found[name][0] += 1
            found[name][1] += rss
            found[name][2] += pss
    return found


class Peak:
    """The largest per-role figures seen while the block runs (the total's peak is of sums)."""

    def __init__(self, top: int):
        self.top, self.peak, self._stop = top, by_role(top), threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.wait(0.2):
            for name, (count, rss, pss) in by_role(self.top).items():
                was = self.peak[name]
                self.peak[name] = [max(was[0], count), max(was[1], rss), max(was[2], pss)]

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=5)


def load(peer, subjects: list[str], seconds: float) -> dict:
    """bench.py's queries at 4 connections, one after another; returns each one's req/s."""
    done = {}
    for name in QUERIES:
        if name.startswith("saved") and peer.saved_path is None:
            continue
        done[name] = cell(peer, name, 4, {}, subjects, seconds)["rps"]
    return done


def fmt(figures: dict[str, list[float]]) -> str:
    return "  ".join(f"{name} {int(n)}× {rss:.0f}/{pss:.0f}" for name, (n, rss, pss) in figures.items() if n)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", type=Path, default=Path("build"))
    parser.add_argument("--baseline", type=Path, help="a source tree to measure beside this one")
    parser.add_argument(
        "--config",
        action="append",
        default=[],
        help="NAME=VAR=VALUE[,VAR=VALUE…]: also Apparat with these environment variables",
    )
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument(
        "--long",
        type=float,
        default=0.0,
        help="then this many seconds of distinct lookups (4 connections) before a last figure",
    )
    parser.add_argument("--rest", type=float, default=3.0, help="seconds to wait before an at-rest figure")
    args = parser.parse_args(argv)
    build_dir = args.build_dir.resolve()
    subjects = subjects_of(build_dir)
    configs = {"defaults": {}}
    for spec in args.config:
        name, _, assignments = spec.partition("=")
        configs[name] = dict(pair.split("=", 1) for pair in assignments.split(",") if pair)
    servers = {}
    for name, env in configs.items():
        servers[name] = lambda name=name, env=env: apparat(build_dir, name, env)
        if args.baseline:
            servers[f"{name} (before)"] = lambda name=name, env=env: baseline(
                args.baseline.resolve(), build_dir, f"{name} (before)", env
            )
    servers[OXIGRAPH] = lambda: oxigraph(build_dir)
    rows = {}
    with contextlib.ExitStack() as stack:
        peers = {name: stack.enter_context(start()) for name, start in servers.items()}
        time.sleep(args.rest)
        for name, peer in peers.items():
            rows[name] = {"ready_s": peer.ready_s, "rest": by_role(peer.pid)}
        for name, peer in peers.items():
            with Peak(peer.pid) as peak:
                rows[name]["rps"] = load(peer, subjects, args.seconds)
            rows[name]["peak"] = peak.peak
            print(f"{name}: {rows[name]['rps']}", file=sys.stderr, flush=True)
        time.sleep(args.rest)
        for name, peer in peers.items():
            rows[name]["after"] = by_role(peer.pid)
        if args.long:
            for name, peer in peers.items():
                rows[name]["long_rps"] = cell(peer, "point lookup, distinct IRIs", 4, {}, subjects, args.long)["rps"]
                rows[name]["long"] = by_role(peer.pid)
    print(
        f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}; "
        f"processes ×, RSS/PSS MB",
        flush=True,
    )
    for name, row in rows.items():
        print(f"\n{name} (ready {row['ready_s']:.2f} s)")
        for moment in ("rest", "peak", "after", "long"):
            if moment in row:
                print(f"  {moment:5} {fmt(row[moment])}")
        if "long_rps" in row:
            print(f"  distinct lookups for {args.long:g} s: {row['long_rps']:,.0f} req/s")
        print("  req/s at 4 connections: " + ", ".join(f"{q} {r:,.0f}" for q, r in row["rps"].items()))
    ox = rows[OXIGRAPH]
    print(
        "\n| server | at rest RSS / PSS | peak RSS / PSS | after load RSS / PSS | ÷ oxigraph peak (RSS / PSS) "
        "| repeated / distinct lookups req/s |"
        + (f" after {args.long:g} s of distinct lookups RSS / PSS (req/s) |" if args.long else "")
    )
    print("|---|---:|---:|---:|---:|---:|" + ("---:|" if args.long else ""))
    for name, row in rows.items():
        rest, peak, after = (row[m]["total"] for m in ("rest", "peak", "after"))
        ratio = f"{peak[1] / ox['peak']['total'][1]:.1f} / {peak[2] / ox['peak']['total'][2]:.1f}"
        print(
            f"| {name} | {rest[1]:.0f} / {rest[2]:.0f} | {peak[1]:.0f} / {peak[2]:.0f} | "
            f"{after[1]:.0f} / {after[2]:.0f} | {ratio} | {row['rps'].get('point lookup, repeated', 0):,.0f} "
            f"/ {row['rps'].get('point lookup, distinct IRIs', 0):,.0f} |"
            + (
                f" {row['long']['total'][1]:.0f} / {row['long']['total'][2]:.0f} ({row['long_rps']:,.0f}) |"
                if args.long
                else ""
            )
        )


if __name__ == "__main__":
    main()
