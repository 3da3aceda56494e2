"""A short load run with runaways in flight (README "Operating it"): cheap GET queries from
127.0.0.1 driven by wrk, while a second client (127.0.0.2) loops runaway queries that the
deadline kills, against ``apparat serve`` on loopback with the answer cache off.

Run: ``python bench/load_runaways.py --build-dir build [--seconds 8] [--runaways 2]``.
Prints throughput, p50 and p99 of the cheap queries, with and without the runaways, and
what the non-200 answers were (from the JSON request log). Bounded in time; every server
started is stopped.
"""

from __future__ import annotations

import argparse
import collections
import http.client
import json
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from harness import ServerProcess  # noqa: E402

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
CHEAP = "/sparql?query=" + urllib.parse.quote("ASK { ?s a ?o }")


def loop_runaways(base: str, stop: threading.Event) -> None:
    parts = urllib.parse.urlsplit(base)
    while not stop.is_set():
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30,
                                                source_address=("127.0.0.2", 0))
        try:
            connection.request("POST", "/sparql", body=RUNAWAY, headers={"Content-Type": "application/sparql-query"})
            connection.getresponse().read()
        except OSError:
            time.sleep(0.1)
        finally:
            connection.close()


def run(build_dir: str, seconds: float, runaways: int, timeout: float) -> dict:
    with tempfile.TemporaryDirectory(prefix="apparat-load-") as scratch:
        log = Path(scratch) / "access.jsonl"
        env = {"APPARAT_CACHE_BYTES": "0", "APPARAT_QUERY_TIMEOUT": str(timeout), "APPARAT_ACCESS_LOG": str(log)}
        with ServerProcess(build_dir, env=env) as server:
            stop = threading.Event()
            loops = [threading.Thread(target=loop_runaways, args=(server.base_url, stop), daemon=True)
                     for _ in range(runaways)]
            for thread in loops:
                thread.start()
            time.sleep(1.0 if runaways else 0)
            out = subprocess.run(["wrk", "-t", "2", "-c", "4", "-d", f"{seconds:g}s", "--latency",
                                  server.base_url + CHEAP], capture_output=True, text=True, timeout=seconds + 30).stdout
            stop.set()
            for thread in loops:
                thread.join(timeout + 10)
        failures = collections.Counter()
        for line in log.read_text().splitlines():
            record = json.loads(line)
            if record.get("client") == "127.0.0.1" and record.get("status", 200) != 200:
                failures[f"{record['status']} {record.get('timeout') or record.get('refusal') or ''}".strip()] += 1
    return {"runaways": runaways, "requests_per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1]),
            "p50": re.search(r"50%\s+(\S+)", out)[1], "p99": re.search(r"99%\s+(\S+)", out)[1],
            "non_200": dict(failures)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build-dir", default="build")
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--runaways", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=3.0, help="the server's query_timeout")
    args = parser.parse_args()
    for runaways in (0, args.runaways):
        result = run(args.build_dir, args.seconds, runaways, args.timeout)
        print(f"{runaways} runaways: {result['requests_per_second']:.0f} req/s, p50 {result['p50']}, "
              f"p99 {result['p99']}, non-200: {result['non_200'] or 'none'}", flush=True)


if __name__ == "__main__":
    main()
