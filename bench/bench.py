"""``make bench``: Apparat against ``oxigraph serve-read-only`` and rdflib-endpoint, same data, same run.

Every server gets the same build (oxigraph serves the build's own store, whose
default graph holds the union; rdflib-endpoint loads ``dataset.nq``) and the
same query texts (every prefix declared), driven by wrk at 1, 4 and 16
connections. Numbers travel as ratios measured in the same run: these
machines are shared and noisy. Only 127.0.0.0/8 is contacted, every load is
bounded in time, and every server started is stopped.

Run: ``python bench/bench.py --build-dir build [--seconds 4] [--out bench/results]``.
Writes ``bench/results/bench.md`` (and ``.json``).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]  # this tree's apparat, then the harness

from harness import ServerProcess, family  # noqa: E402

PREFIXES = """PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX ap: <https://w3id.org/apparat/ontology#>
"""
PERSON = "https://w3id.org/apparat/id/person/"
RESULTS = "application/sparql-results+json"
QUERIES = {
    "point lookup, repeated": (f"SELECT ?p ?o WHERE {{ <{PERSON}bukharin> ?p ?o }}", RESULTS),
    "point lookup, distinct IRIs": ("SELECT ?p ?o WHERE { <IRI> ?p ?o } LIMIT N", RESULTS),
    "3-way join": (PREFIXES + "SELECT ?p ?o ?l WHERE { ?m org:member ?p . ?m org:organization ?o . "
                   "?o rdfs:label ?l }", RESULTS),
    "aggregate": (PREFIXES + "SELECT ?o (COUNT(?m) AS ?n) WHERE { ?m org:organization ?o } GROUP BY ?o "
                  "ORDER BY DESC(?n) ?o", RESULTS),
    "CONSTRUCT": (PREFIXES + "CONSTRUCT { ?p rdfs:label ?l } WHERE { ?p a ap:Person ; rdfs:label ?l }",
                  "text/turtle"),
    "saved query (politburo-in-year 1926)": (None, RESULTS),
}
CONNECTIONS = (1, 4, 16)
CHEAP = f"ASK {{ <{PERSON}bukharin> ?p ?o }}"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_http(url: str, seconds: float = 120.0) -> float:
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return time.monotonic() - started
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{url} never answered")


class Peer:
    """A server under test: its base URL, the path queries go to, its process (for memory)."""

    def __init__(self, name: str, sparql_url: str, pid: int, ready_s: float, saved_path: str | None = None):
        self.name, self.sparql_url, self.pid, self.ready_s, self.saved_path = name, sparql_url, pid, ready_s, saved_path


@contextlib.contextmanager
def apparat(build_dir: Path, name: str, env: dict, *, one_client: bool = True, args: tuple = (),
            timeout: float = 120.0):
    """``apparat serve --build-dir build_dir *args`` with ``env``, as a ``Peer`` once it answers
    (within ``timeout`` seconds)."""
    started = time.monotonic()
    # A 5 s limit (30 by default): the runaway clients of one measurement must not burn
    # the CPU through the next one. wrk's connections all come from 127.0.0.1, so for
    # throughput the per-client cap (2 by default) is lifted: it would measure fairness.
    # No bound on the warm-up (warm_up_seconds 0): ready is warm, so no warm-up step runs on
    # behind a measurement (at ×100 it takes minutes).
    env = {"APPARAT_SERVICE_ALLOWLIST": "", "APPARAT_QUERY_TIMEOUT": "5", "APPARAT_WARM_UP_SECONDS": "0",
           **({"APPARAT_CLIENT_QUERIES": "16"} if one_client else {}), **env}
    with ServerProcess(build_dir, *args, env=env, timeout=timeout) as server:
        ready = time.monotonic() - started
        yield Peer(name, server.base_url + "/sparql", server.process.pid, ready,
                   saved_path=server.base_url + "/queries/politburo-in-year?year=1926")


@contextlib.contextmanager
def process_peer(name: str, command: list[str], url: str, probe: str):
    started = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_http(probe)
        yield Peer(name, url, process.pid, time.monotonic() - started)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def oxigraph(build_dir: Path):
    port = free_port()
    binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    url = f"http://127.0.0.1:{port}/query"
    probe = url + "?" + urllib.parse.urlencode({"query": "ASK {}"})
    return process_peer("oxigraph serve-read-only", [binary, "serve-read-only", "--location",
                        str(build_dir / "store"), "--bind", f"127.0.0.1:{port}"], url, probe)


def rdflib_endpoint(build_dir: Path):
    port = free_port()
    binary = str(Path(sys.executable).parent / "rdflib-endpoint")
    url = f"http://127.0.0.1:{port}/"  # its SPARQL endpoint is the root path
    probe = url + "?" + urllib.parse.urlencode({"query": "ASK {}"})
    return process_peer("rdflib-endpoint", [binary, "serve", "--host", "127.0.0.1", "--port", str(port),
                        str(build_dir / "dataset.nq")], url, probe)


# --- load -----------------------------------------------------------------------------------

# Every request's text is new: wrk's threads (and every run of a cell) start the same
# Lua state, so the LIMIT holds the thread's number and the second the thread started,
# not math.random (seeded alike in every thread and run: a run's "distinct" texts were
# the previous run's and the other thread's, answered from the cache).
LUA_DISTINCT = """
local iris = {%s}
local n = 0
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end
function init(args)
  salt = (os.time() %% 100000) * 10000000
end
request = function()
  n = n + 1
  local iri = iris[(n %% #iris) + 1]
  local q = "SELECT ?p ?o WHERE { <" .. iri .. "> ?p ?o } LIMIT " .. (100000 + salt + n * 16 + (id or 0))
  local e = string.gsub(q, "([^%%w])", function(c) return string.format("%%%%%%02X", string.byte(c)) end)
  return wrk.format("GET", "%s?query=" .. e, {["Accept"] = "%s"})
end
"""


#: A POST of a query (``application/sparql-query``), for a text too long for a URL.
LUA_POST = """wrk.method = "POST"
wrk.headers["Content-Type"] = "application/sparql-query"
wrk.body = [==[%s]==]
"""


def wrk(url: str, accept: str, connections: int, seconds: float, script: str | None = None,
        timeout: float = 10.0) -> dict:
    """wrk on ``url`` for ``seconds``; a request unanswered after ``timeout`` seconds counts as an error."""
    command = ["wrk", "-t", str(min(connections, 2)), "-c", str(connections), "-d", f"{seconds:g}s", "--latency",
               "--timeout", f"{timeout:g}s", "-H", f"Accept: {accept}"]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        if script:
            lua.write(script)
    try:
        if script:
            command += ["-s", lua.name]
        output = subprocess.run([*command, url], capture_output=True, text=True,
                                timeout=seconds + 50 + timeout).stdout
    finally:
        os.unlink(lua.name)
    return parse_wrk(output)


def parse_wrk(output: str) -> dict:
    def ms(text: str) -> float:
        value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]

    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p50 = re.search(r"\s50%\s+(\S+)", output)
    p99 = re.search(r"\s99%\s+(\S+)", output)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    total = re.search(r"(\d+) requests in", output)
    return {"rps": float(rps[1]) if rps else 0.0, "p50_ms": ms(p50[1]) if p50 else None,
            "p99_ms": ms(p99[1]) if p99 else None, "requests": int(total[1]) if total else 0,
            "non2xx": int(bad[1]) if bad else 0, "errors": sum(map(int, errors.groups())) if errors else 0}


def rollup(pid: int) -> tuple[float, float]:
    """(RSS, PSS) of one process in MB; (0, 0) once it is gone."""
    rss = pss = 0.0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Rss:"):
                rss = int(line.split()[1]) / 1024
            elif line.startswith("Pss:"):
                pss = int(line.split()[1]) / 1024
    except OSError:
        pass
    return rss, pss


def memory_mb(pid: int) -> tuple[float, float]:
    """(sum of RSS, sum of PSS) in MB over ``pid`` and its descendants."""
    figures = [rollup(member) for member in family(pid)]
    return sum(rss for rss, _pss in figures), sum(pss for _rss, pss in figures)


class PeakMemory:
    """Samples a process tree's memory in the background; ``peak`` is the largest (RSS, PSS) seen."""

    def __init__(self, pid: int):
        self.pid, self.peak, self._stop = pid, (0.0, 0.0), threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.wait(0.5):
            rss, pss = memory_mb(self.pid)
            self.peak = (max(self.peak[0], rss), max(self.peak[1], pss))

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=5)


def cell(peer: Peer, name: str, conns: int, texts: dict, subjects: list[str], seconds: float) -> dict:
    """One query at one concurrency against one server."""
    text, accept = QUERIES[name]
    if name.startswith("point lookup, distinct"):
        iris = ",".join(f'"{iri}"' for iri in subjects)
        return wrk(peer.sparql_url, accept, conns, seconds,
                   LUA_DISTINCT % (iris, urllib.parse.urlsplit(peer.sparql_url).path, accept))
    if text is None and peer.saved_path:
        url = peer.saved_path
    elif text is None:  # the saved query's text with its prefixes is over 8 KiB as a URL, which
        # oxigraph serve refuses (the cell was all non-2xx, 2026-12-03): a POST of the query
        return wrk(peer.sparql_url, accept, conns, seconds, LUA_POST % texts["saved"])
    else:
        url = peer.sparql_url + "?" + urllib.parse.urlencode({"query": text})
    return wrk(url, accept, conns, seconds)


# --- hostile clients --------------------------------------------------------------------------

_CHEAP_NUMBER = iter(range(10**9))


def cheap_latencies(peer: Peer, count: int, source: str = "127.0.0.1") -> list[float]:
    """Seconds each of ``count`` cheap queries took (each a new text: no cache answers it)."""
    import http.client

    parts = urllib.parse.urlsplit(peer.sparql_url)
    times = []
    for _ in range(count):
        query = f"{CHEAP} # {next(_CHEAP_NUMBER)}"
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=15, source_address=(source, 0))
        started = time.monotonic()
        try:
            connection.request("GET", parts.path + "?" + urllib.parse.urlencode({"query": query}),
                               headers={"Accept": RESULTS})
            connection.getresponse().read()
            times.append(time.monotonic() - started)
        except OSError:
            times.append(15.0)
        finally:
            connection.close()
    return times


def slow_sockets(peer: Peer) -> float:
    """Worst cheap-query latency (s) while 20 slow-header and 200 silent connections hang on."""
    parts = urllib.parse.urlsplit(peer.sparql_url)
    socks = []
    for _ in range(220):
        try:
            socks.append(socket.create_connection((parts.hostname, parts.port), timeout=5))
        except OSError:
            break
    stop = threading.Event()

    def dribble():
        while not stop.wait(0.5):
            for sock in socks[:20]:
                try:
                    sock.send(b"X")
                except OSError:
                    pass

    for sock in socks[:20]:
        try:
            sock.send(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        except OSError:
            pass
    feeder = threading.Thread(target=dribble, daemon=True)
    feeder.start()
    try:
        time.sleep(0.5)
        return max(cheap_latencies(peer, 20))
    finally:
        stop.set()
        feeder.join(timeout=5)
        for sock in socks:
            sock.close()


def runaway_p99(peer: Peer, seconds: float) -> tuple[float, float]:
    """(p50, p99) in ms of a client's cheap queries while another (127.0.0.2) loops two runaway queries."""
    import http.client

    parts = urllib.parse.urlsplit(peer.sparql_url)
    stop = threading.Event()

    def loop():
        while not stop.is_set():
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60,
                                                    source_address=("127.0.0.2", 0))
            try:
                connection.request("GET", parts.path + "?" + urllib.parse.urlencode({"query": RUNAWAY}))
                connection.getresponse().read()
            except OSError:
                time.sleep(0.1)
            finally:
                connection.close()

    threads = [threading.Thread(target=loop, daemon=True) for _ in range(2)]
    for thread in threads:
        thread.start()
    time.sleep(0.5)
    times = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        times += cheap_latencies(peer, 5)
    stop.set()
    times.sort()
    return times[len(times) // 2] * 1000, times[min(len(times) - 1, int(len(times) * 0.99))] * 1000


# --- report ---------------------------------------------------------------------------------

def fmt_ms(value) -> str:
    return "—" if value is None else f"{value:.1f}" if value >= 1 else f"{value:.2f}"


def report(runs: dict, extras: dict, build_dir: Path) -> str:
    names = list(runs)
    manifest = json.loads((build_dir / "build.json").read_text())
    lines = ["# Apparat benchmarks", "",
             f"Build: {manifest['asserted']} asserted + {manifest['inferred']} inferred triples; wrk, "
             f"{extras['seconds']:g} s per cell, every server running at once and measured cell by cell, back to "
             f"back, on this machine ({os.cpu_count()} cores, shared). Ratios are of the same run.", ""]
    cells = [(q, c) for q in QUERIES for c in CONNECTIONS if all((q, c) in runs[n] for n in names)]

    def rps(cell):
        return f"{cell['rps']:.0f}" + (f" ({cell['non2xx']} non-2xx)" if cell["non2xx"] else "")

    lines += ["## Requests per second", "", "| query | conns | " + " | ".join(names) + " |",
              "|---|---:|" + "---:|" * len(names)]
    lines += [f"| {q} | {c} | " + " | ".join(rps(runs[n][(q, c)]) for n in names) + " |" for q, c in cells]
    lines += ["", "## Latency, p50 / p99 (ms)", "", "| query | conns | " + " | ".join(names) + " |",
              "|---|---:|" + "---:|" * len(names)]
    lines += [f"| {q} | {c} | " + " | ".join(
        f"{fmt_ms(runs[n][(q, c)]['p50_ms'])} / {fmt_ms(runs[n][(q, c)]['p99_ms'])}" for n in names) + " |"
        for q, c in cells]
    mine = [n for n in names if n.startswith("Apparat")][:2]
    peers = [n for n in ("oxigraph serve-read-only", "rdflib-endpoint") if n in runs]
    if mine and peers:
        columns = [(a, b, "req/s") for a in mine for b in peers] + [(a, peers[0], "p99") for a in mine]
        lines += ["", "## Ratios", "", "| query | conns | " + " | ".join(
            f"{a} / {b} {what}" for a, b, what in columns) + " |", "|---|---:|" + "---:|" * len(columns)]
        for q, c in cells:
            values = []
            for a, b, what in columns:
                x, y = runs[a][(q, c)], runs[b][(q, c)]
                key = "rps" if what == "req/s" else "p99_ms"
                values.append(f"{x[key] / y[key]:.2f}" if x[key] and y[key] else "—")
            lines.append(f"| {q} | {c} | " + " | ".join(values) + " |")
    lines += ["", "| server | ready after start (s) | idle RSS / PSS (MB) | peak under load RSS / PSS (MB) |",
              "|---|---:|---:|---:|"]
    for name in names:
        info = extras["servers"][name]
        lines.append(f"| {name} | {info['ready_s']:.2f} | {info['idle'][0]:.0f} / {info['idle'][1]:.0f} | "
                     f"{info['peak'][0]:.0f} / {info['peak'][1]:.0f} |")
    if extras.get("hostile"):
        lines += ["", "| server | worst cheap query, 20 slow-header + 200 silent sockets (s) | "
                  "cheap p50 / p99 while another client loops 2 runaways (ms) |", "|---|---:|---:|"]
        for name, info in extras["hostile"].items():
            lines.append(f"| {name} | {info['slow_sockets_s']:.2f} | "
                         f"{info['runaway'][0]:.1f} / {info['runaway'][1]:.1f} |")
    if extras.get("stores"):
        lines += ["", "| executor store | open (s) | one executor RSS / PSS (MB) | 3-way join (ms) |",
                  "|---|---:|---:|---:|"]
        for name, info in extras["stores"].items():
            lines.append(f"| {name} | {info['open_s']:.3f} | {info['rss']:.0f} / {info['pss']:.0f} | "
                         f"{info['join_ms']:.2f} |")
    return "\n".join(lines) + "\n"


STORE_PROBE = """
import json, os, sys, time
import pyoxigraph as ox
sys.path.insert(0, {root!r})
from pathlib import Path
from apparat.query.store import open_store, read_build
info = read_build(Path({build!r}))
t = time.monotonic()
store = open_store(info.build_dir, info.etag)
if {memory!r}:
    copy = ox.Store(); copy.bulk_extend(store.quads_for_pattern(None, None, None, None)); store = copy
opened = time.monotonic() - t
query = {query!r}
for _ in range(3):
    list(store.query(query))
t = time.monotonic()
for _ in range(20):
    list(store.query(query))
join = (time.monotonic() - t) / 20 * 1000
rollup = dict(l.split(":", 1) for l in open("/proc/self/smaps_rollup").read().splitlines()[1:])
print(json.dumps({{"open_s": opened, "join_ms": join, "rss": int(rollup["Rss"].split()[0]) / 1024,
                  "pss": int(rollup["Pss"].split()[0]) / 1024}}))
"""


def store_probe(build_dir: Path) -> dict:
    """One executor's view of each store kind: open time, memory, a 3-way join (in a fresh process)."""
    found = {}
    for name, memory in (("on-disk (shared, default)", False), ("in memory (a copy each)", True)):
        code = STORE_PROBE.format(root=str(ROOT), build=str(build_dir), memory=memory, query=QUERIES["3-way join"][0])
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
        found[name] = json.loads(out.stdout)
    return found


def scaled_build(build_dir: Path, factor: int, target: Path) -> Path:
    """The build of ``factor`` copies of our graph, copied from ours (``apparat.build.scale``)."""
    from apparat.build import BuildInputs
    from apparat.build.scale import scaled_build as copied
    from apparat.settings import load_settings

    copied(BuildInputs.from_settings(load_settings()), build_dir, factor, target,
           log=lambda msg: print(msg, file=sys.stderr, flush=True))
    return target


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", type=Path, default=ROOT / "build")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--only", default="", help="comma-separated server names to run (default: all)")
    parser.add_argument("--readme", type=Path, help="also write the tables into this README, between the "
                        "<!-- bench:start --> and <!-- bench:end --> lines")
    parser.add_argument("--scale", type=int, default=0,
                        help="also compare the executor stores on a build this many times ours (e.g. 100)")
    args = parser.parse_args(argv)
    build_dir = args.build_dir.resolve()
    if not (build_dir / "store").exists():
        raise SystemExit(f"{build_dir} has no store/: run `make build`")
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk (make bench does)")

    from apparat.query.local import load_dataset, run_query
    from apparat.query.saved import load_saved_queries

    dataset = load_dataset(build_dir)
    subjects = sorted({row["s"].value for row in run_query(
        dataset, "SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(isIRI(?s)) }", max_rows=5000).rows})
    saved_text = load_saved_queries(ROOT / "queries")["politburo-in-year"].bind({"year": "1926"})
    from apparat.namespaces import PREFIXES as ALL

    texts = {"saved": "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in ALL.items()) + saved_text}
    del dataset

    configs = {
        "Apparat (granian)": {},
        "Apparat, no cache": {"APPARAT_CACHE_BYTES": "0"},
        "Apparat, memory store, no cache": {"APPARAT_CACHE_BYTES": "0", "APPARAT_EXECUTOR_STORE": "memory"},
        "Apparat (gunicorn)": {"APPARAT_HTTP_SERVER": "gunicorn"},
    }
    servers = [(name, lambda name=name, env=env: apparat(build_dir, name, env)) for name, env in configs.items()]
    servers += [("oxigraph serve-read-only", lambda: oxigraph(build_dir)),
                ("rdflib-endpoint", lambda: rdflib_endpoint(build_dir))]
    only = {n.strip() for n in args.only.split(",") if n.strip()}
    chosen = [(name, start) for name, start in servers if not only or name in only]
    runs, extras = {name: {} for name, _ in chosen}, {"seconds": args.seconds, "servers": {}, "hostile": {}}
    with contextlib.ExitStack() as stack:
        # Every server runs at once, idle but for the one being measured: each cell of the
        # table is measured back to back on every server, so the load others put on this
        # shared machine drifts as little as possible between the numbers a ratio compares.
        peers = {name: stack.enter_context(start()) for name, start in chosen}
        time.sleep(2)
        peaks = {name: stack.enter_context(PeakMemory(peer.pid)) for name, peer in peers.items()}
        for name, peer in peers.items():
            extras["servers"][name] = {"ready_s": peer.ready_s, "idle": memory_mb(peer.pid)}
        for query in QUERIES:
            for conns in CONNECTIONS:
                print(f"== {query} @{conns}", file=sys.stderr, flush=True)
                for name, peer in peers.items():
                    runs[name][(query, conns)] = cell(peer, query, conns, texts, subjects, args.seconds)
        for name in peers:
            extras["servers"][name]["peak"] = peaks[name].peak
        write(args.out, runs, extras, build_dir)
        for name, peer in peers.items():
            if name == "rdflib-endpoint":
                continue
            print(f"== hostile clients: {name}", file=sys.stderr, flush=True)
            with contextlib.ExitStack() as fresh:
                if name in configs:  # with its default per-client cap, as deployed
                    peer = fresh.enter_context(apparat(build_dir, name, configs[name], one_client=False))
                extras["hostile"][name] = {"slow_sockets_s": slow_sockets(peer),
                                           "runaway": runaway_p99(peer, 2 * args.seconds)}
    write(args.out, runs, extras, build_dir)
    extras["stores"] = store_probe(build_dir)
    if args.scale:
        with tempfile.TemporaryDirectory(prefix="apparat-bench-") as tmp:
            scaled = scaled_build(build_dir, args.scale, Path(tmp) / "scaled")
            extras["stores"].update({f"{k}, ×{args.scale}": v for k, v in store_probe(scaled).items()})
    text = write(args.out, runs, extras, build_dir)
    print(text)
    print(f"written to {args.out / 'bench.md'}", file=sys.stderr)
    if args.readme:
        update_readme(args.readme, text)
        print(f"and to {args.readme}", file=sys.stderr)


START, END = "<!-- bench:start -->", "<!-- bench:end -->"


def update_readme(readme: Path, text: str) -> None:
    """Put the report (headings one level down) between the README's bench markers."""
    page = readme.read_text(encoding="utf-8")
    if START not in page or END not in page:
        raise SystemExit(f"{readme} has no {START} … {END} block")
    body = "\n".join(("###" + line[1:] if line.startswith("## ") else line)
                     for line in text.splitlines() if not line.startswith("# "))
    head, _, rest = page.partition(START)
    _, _, tail = rest.partition(END)
    readme.write_text(f"{head}{START}\n{body.strip()}\n{END}{tail}", encoding="utf-8")


def write(out: Path, runs: dict, extras: dict, build_dir: Path) -> str:
    text = report(runs, extras, build_dir) if runs else ""
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench.md").write_text(text, encoding="utf-8")
    (out / "bench.json").write_text(json.dumps(
        {"runs": {n: {f"{q} @{c}": r for (q, c), r in cells.items()} for n, cells in runs.items()},
         "extras": extras}, indent=2, default=str) + "\n", encoding="utf-8")
    return text


if __name__ == "__main__":
    main()
