"""``make bench``, build part: the build with each reasoner against raw ``reasonable``.

Workloads: our graph (the repository) and its copies ×10, ×100, ×1000
(:mod:`apparat.build.scale`), and LUBM(1,0), the standard OWL benchmark
(tests/data/lubm: one university, 102,707 triples). For each workload:

- ``fast build``: ``apparat build`` as a user runs it (parse, SHACL, fast reasoner, write);
- ``owlrl build``: the same with ``--reasoner owlrl`` (only up to ``--owlrl-up-to``,
  as it takes minutes from ×10 on);
- ``raw reasonable``: reasonable 0.4.4 alone, as its README uses it
  (``load_file`` of the same triples as N-Triples, ``reason()``), with nothing else;
- ``unchanged rebuild``: the fast build run again on its own output.

Every run is a child process, watched: its peak resident memory (its own
VmHWM, or the sum over it and its validation process, sampled every 0.1 s,
whichever is larger) is measured, and it is stopped past ``--max-mb`` or
``--timeout`` (and reported so). Ratios are taken within one run of this program, on one machine.
Where both reasoners ran, the inferred graphs are compared (set equality of
their quads) and the table says whether they are equal.

Run: ``python -m apparat.bench_build [--out build/bench-build.md] [--scales 1,10,100,1000]``.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LUBM = ROOT / "tests" / "data" / "lubm"


def _peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _inputs_from(spec: dict):
    from .build import BuildInputs

    return BuildInputs(ontology=[Path(p) for p in spec["ontology"]], shapes=[Path(p) for p in spec["shapes"]],
                       data=[Path(p) for p in spec["data"]], graph_per_file=spec["graph_per_file"],
                       rules=[Path(p) for p in spec.get("rules", [])],
                       graphs={Path(p): g for p, g in spec.get("graphs", {}).items()})


def _child(engine: str, spec: dict, build_dir: Path) -> dict:
    """One measured run, in this (child) process."""
    start = time.perf_counter()
    if engine == "raw reasonable":
        import reasonable

        reasoner = reasonable.PyReasoner()
        reasoner.load_file(spec["ntriples"])
        triples = len(reasoner.reason())
        return {"seconds": time.perf_counter() - start, "peak_mb": _peak_mb(), "triples": triples}
    from .build import build

    reasoner = {"fast build": "fast", "unchanged rebuild": "fast", "owlrl build": "owlrl"}[engine]
    report = build(_inputs_from(spec), build_dir, reasoner=reasoner, reuse=engine == "unchanged rebuild")
    return {"seconds": time.perf_counter() - start, "peak_mb": _peak_mb(), "asserted": report.asserted,
            "inferred": report.inferred, "reasoner": report.reasoner, "reused": report.reused,
            "timings": report.timings}


def _measure(engine: str, spec: dict, build_dir: Path, *, max_mb: float, timeout: float) -> dict:
    """Run one measurement in a child process, stopping it past ``max_mb`` or ``timeout``."""
    build_dir.parent.mkdir(parents=True, exist_ok=True)
    spec_file = build_dir.parent / f"{build_dir.name}.spec.json"  # a file: ×100's spec names 800 files
    spec_file.write_text(json.dumps(spec), encoding="utf-8")
    command = [sys.executable, "-m", "apparat.bench_build", "--child", engine, "--spec", str(spec_file),
               "--build-dir", str(build_dir)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                               start_new_session=True)  # its own process group: stopped with its helpers
    stopped: list[str] = []

    tree_peak = [0.0]

    def watch() -> None:
        started = time.monotonic()
        while process.poll() is None:
            rss = _tree_rss_mb(process.pid)
            tree_peak[0] = max(tree_peak[0], rss)
            if rss > max_mb:
                stopped.append(f"stopped at {max_mb:,.0f} MB")
            elif time.monotonic() - started > timeout:
                stopped.append(f"stopped after {timeout:.0f} s")
            if stopped:
                os.killpg(process.pid, signal.SIGKILL)
                return
            time.sleep(0.1)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    out, err = process.communicate()
    watcher.join()
    if stopped:
        return {"failed": stopped[0]}
    if process.returncode != 0:
        return {"failed": f"exit {process.returncode}: {err.strip().splitlines()[-1] if err.strip() else ''}"}
    result = json.loads(out.strip().splitlines()[-1])
    result["peak_mb"] = max(result["peak_mb"], tree_peak[0])  # the validation process counts too
    return result


def _tree_rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and all its descendants now (Linux /proc)."""
    parents, rss = {}, {}
    for stat in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in stat.read_text().splitlines() if ":" in line)
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields.get("PPid", "0").strip() or 0)
        rss[int(stat.parent.name)] = int(fields.get("VmRSS", "0 kB").split()[0]) / 1024
    family, grew = {pid}, True
    while grew:
        grown = family | {p for p, parent in parents.items() if parent in family}
        grew, family = grown != family, grown
    return sum(rss.get(p, 0.0) for p in family)


def _spec(inputs, ntriples: Path) -> dict:
    return {"ontology": [str(p) for p in inputs.ontology], "shapes": [str(p) for p in inputs.shapes],
            "data": [str(p) for p in inputs.data], "graph_per_file": inputs.graph_per_file, "ntriples": str(ntriples),
            "rules": [str(p) for p in inputs.rules], "graphs": {str(p): g for p, g in inputs.graphs.items()}}


def _write_ntriples(inputs, path: Path) -> None:
    """The inputs' triples as one N-Triples file (what raw reasonable reads), file by file."""
    from .triples_io import read_quads

    with open(path, "w", encoding="utf-8") as handle:
        for source in (*inputs.ontology, *inputs.data):
            handle.write("".join(f"{q.subject} {q.predicate} {q.object} .\n" for q in read_quads(source)))


def _inferred_quads(build_dir: Path) -> set[str]:
    from .namespaces import INFERRED_GRAPH

    suffix = f" <{INFERRED_GRAPH}> ."
    with open(build_dir / "dataset.nq", encoding="utf-8") as handle:
        return {line for line in handle if line.rstrip("\n").endswith(suffix)}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("build/bench-build.md"))
    parser.add_argument("--scales", default="1,10,100,1000", help="copies of our graph to build (comma-separated)")
    parser.add_argument("--owlrl-up-to", type=int, default=1, help="largest copy count owlrl builds")
    parser.add_argument("--no-lubm", action="store_true", help="skip LUBM(1,0)")
    parser.add_argument("--max-mb", type=float, default=8000)
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--spec", help=argparse.SUPPRESS)
    parser.add_argument("--build-dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(_child(args.child, json.loads(Path(args.spec).read_text(encoding="utf-8")), args.build_dir)))
        return

    from .build import BuildInputs
    from .build.scale import scaled_inputs
    from .settings import load_settings

    ours = BuildInputs.from_settings(load_settings())
    rows, checks = [], []
    with tempfile.TemporaryDirectory(prefix="apparat-bench-") as tmp:
        tmp = Path(tmp)
        workloads = []
        for factor in (int(f) for f in args.scales.split(",") if f):
            inputs = ours if factor == 1 else scaled_inputs(ours, factor, tmp / f"x{factor}")
            workloads.append((f"ours ×{factor}", inputs, factor <= args.owlrl_up_to))
        if not args.no_lubm:
            lubm = BuildInputs(ontology=[LUBM / "univ-bench.owl"], shapes=[],
                               data=sorted(LUBM.glob("University0_*.owl.gz")), graph_per_file=False)
            workloads.append(("LUBM(1,0)", lubm, True))
        for name, inputs, with_owlrl in workloads:
            ntriples = tmp / (name.replace(" ", "-").replace("×", "x").replace("(", "").replace(")", "") + ".n3")
            _write_ntriples(inputs, ntriples)
            spec = _spec(inputs, ntriples)
            results = {}
            engines = ["raw reasonable", "fast build", "unchanged rebuild"] + (["owlrl build"] if with_owlrl else [])
            for engine in engines:
                if engine == "unchanged rebuild" and "seconds" not in results["fast build"]:
                    results[engine] = {"failed": "not run (no build to reuse)"}
                    continue
                target = tmp / "builds" / name / ("owlrl" if engine == "owlrl build" else "fast")
                print(f"{name}: {engine} …", file=sys.stderr, flush=True)
                results[engine] = _measure(engine, spec, target, max_mb=args.max_mb, timeout=args.timeout)
                print(f"    {results[engine]}", file=sys.stderr, flush=True)
            rows.append((name, results, with_owlrl))
            if "seconds" in results["fast build"] and "seconds" in results.get("owlrl build", {}):
                builds = tmp / "builds" / name
                same = _inferred_quads(builds / "fast") == _inferred_quads(builds / "owlrl")
                checks.append(f"- {name}: fast and owlrl inferred graphs {'identical' if same else 'DIFFER'} "
                              f"({results['fast build']['inferred']:,} triples)")
            ntriples.unlink()
    lines = _table(rows, args) + ["", "Equivalence (set equality of the inferred quads, same run):"] + checks
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    print(f"\nwritten to {args.out}")


def _cell(result: dict | None) -> str:
    if result is None:
        return "not run"
    if "failed" in result:
        return result["failed"]
    return f"{result['seconds']:.2f} s, {result['peak_mb']:,.0f} MB"


def _ratio(top: dict | None, bottom: dict | None, fmt: str) -> str:
    if top and bottom and "seconds" in top and "seconds" in bottom:
        return fmt.format(top["seconds"] / bottom["seconds"])
    return ""


def _table(rows, args) -> list[str]:
    lines = ["## Build with reasoning (seconds, peak resident memory)", "",
             f"Child processes, each stopped past {args.max_mb:,.0f} MB or {args.timeout:.0f} s. "
             f"owlrl builds only up to ×{args.owlrl_up_to} (and LUBM).", "",
             "| workload | asserted | raw reasonable | fast build | fast / raw | owlrl build | owlrl / fast "
             "| unchanged rebuild | fast build steps |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    for name, results, with_owlrl in rows:
        raw, fast, owl, again = (results.get(k) for k in ("raw reasonable", "fast build", "owlrl build",
                                                          "unchanged rebuild"))
        ratio = _ratio(fast, raw, "{:.2f}")
        owl_ratio = _ratio(owl, fast, "{:.1f}")
        steps = ", ".join(f"{k} {v:.1f}" for k, v in fast.get("timings", {}).items()) if fast else ""
        asserted = f"{fast['asserted']:,}" if fast and "asserted" in fast else ""
        rebuilt = again and "seconds" in again and not again.get("reused")
        again_cell = _cell(again) + (" (not reused: rebuilt)" if rebuilt else "")
        lines.append(f"| {name} | {asserted} | {_cell(raw)} | {_cell(fast)} | {ratio} | "
                     f"{_cell(owl) if with_owlrl else 'not run'} | {owl_ratio} | {again_cell} | {steps} |")
    return lines


if __name__ == "__main__":
    main()
