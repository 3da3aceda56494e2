"""``apparat serve`` in a child process on a free loopback port: the test (and benchmark) harness."""

from __future__ import annotations

import http.client
import http.server
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urljoin, urlsplit


class ServerProcess:
    """``apparat serve`` in a child process on 127.0.0.1 and a free port.

    Use as a context manager; ``base_url`` is set once the server listens and
    answers ``/health``. The server runs in its own process group, and the
    whole group is stopped on exit.
    """

    def __init__(self, build_dir, *extra_args: str, env: dict | None = None, timeout: float = 60.0):
        self.args = ["--build-dir", str(build_dir), *extra_args]
        self.env, self.timeout = env, timeout
        self.process: subprocess.Popen | None = None
        self.base_url: str | None = None
        self.log: list[str] = []
        self._drain = None

    def __enter__(self) -> ServerProcess:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "apparat", "serve", "--host", "127.0.0.1", "--port", "0", *self.args],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
            env={**os.environ, **(self.env or {})}, start_new_session=True,
        )
        deadline = time.monotonic() + self.timeout
        while self.base_url is None and time.monotonic() < deadline:
            line = self.process.stderr.readline()
            if not line:
                break
            self.log.append(line)
            match = re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", line)
            self.base_url = match[1] if match else None
        if self.base_url is None:
            self.__exit__(None, None, None)
            raise RuntimeError("server did not start:\n" + "".join(self.log))
        # Keep reading stderr so the server never blocks on a full pipe.
        self._drain = threading.Thread(target=self._read_log, daemon=True)
        self._drain.start()
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.base_url + "/health", timeout=2):
                    return self
            except OSError:
                time.sleep(0.05)
        self.__exit__(None, None, None)
        raise RuntimeError("server never answered /health:\n" + "".join(self.log))

    def _read_log(self) -> None:
        for line in self.process.stderr:
            if len(self.log) < 10_000:
                self.log.append(line)

    def descendants(self) -> list[int]:
        """Pids of every process under the server (workers, executors), from /proc."""
        return family(self.process.pid)[1:]

    def __exit__(self, *exc) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        if self._drain is not None:
            self._drain.join(timeout=10)
        self.process.stderr.close()


@contextmanager
def stand_in_endpoint(folder: Path, turtle: str) -> Iterator[str]:
    """A second real SPARQL endpoint on loopback (our own server, no reasoning) serving ``turtle``:
    what the tests put in the SERVICE allowlist in place of Wikidata. Yields its /sparql URL."""
    (folder / "wikidata.ttl").write_text(turtle, encoding="utf-8")
    from apparat.build import BuildInputs, build

    build(BuildInputs.from_paths([folder / "wikidata.ttl"]), folder / "build", reasoning=False)
    with ServerProcess(folder / "build", "--workers", "1") as server:
        yield server.base_url + "/sparql"


class Listener:
    """A loopback HTTP listener in front of an endpoint (e.g. :func:`stand_in_endpoint`'s):
    it forwards every request there and counts what it sees.

    ``connections`` counts accepted TCP connections, ``user_agents`` records each
    request's ``User-Agent``; with ``delay`` seconds it waits that long before it
    forwards (a slow endpoint; the wait ends early when the listener closes); with
    ``rewrite``, each answer's body is what ``rewrite(body)`` makes of it (a store that
    garbles some answers). ``url`` is its address, the path of ``target`` kept.
    """

    def __init__(self, target: str, delay: float = 0.0, rewrite=None):
        self.target, self.delay, self.rewrite = urlsplit(target), delay, rewrite
        self.connections = 0
        self.user_agents: list[str] = []
        self._closing = threading.Event()
        listener = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):  # noqa: N802
                listener._forward(self)

            def do_POST(self):  # noqa: N802
                listener._forward(self)

            def log_message(self, *args):
                pass

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True

            def process_request(self, request, client_address):
                listener.connections += 1
                super().process_request(request, client_address)

        self._server = Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_port}{self.target.path}"

    def _forward(self, handler) -> None:
        self.user_agents.append(handler.headers.get("User-Agent", ""))
        body = handler.rfile.read(int(handler.headers.get("Content-Length") or 0))
        if self.delay and self._closing.wait(self.delay):
            return
        upstream = http.client.HTTPConnection(self.target.hostname, self.target.port, timeout=30)
        try:
            headers = {k: v for k, v in handler.headers.items() if k.lower() in ("accept", "content-type")}
            upstream.request(handler.command, handler.path, body=body or None, headers=headers)
            response = upstream.getresponse()
            content = response.read()
        finally:
            upstream.close()
        if self.rewrite is not None:
            content = self.rewrite(content)
        handler.send_response(response.status)
        handler.send_header("Content-Type", response.getheader("Content-Type", "text/plain"))
        handler.send_header("Content-Length", str(len(content)))
        handler.end_headers()
        handler.wfile.write(content)

    def __enter__(self) -> Listener:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._closing.set()
        self._server.shutdown()
        self._server.server_close()


def family(pid: int) -> list[int]:
    """``pid`` and all its descendants (Linux /proc), parents first."""
    children: dict[int, list[int]] = {}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
        except OSError:
            continue
        children.setdefault(int(fields.get("PPid", "0").strip()), []).append(int(status.parent.name))
    found, frontier = [pid], [pid]
    while frontier:
        frontier = [child for parent in frontier for child in children.get(parent, [])]
        found += frontier
    return found


#: Where a sample of the web pages starts: each page's links are collected (one step, no further).
PAGE_SEEDS = ["/", "/browse", "/browse/persons", "/browse/organs", "/browse/events", "/browse/documents",
              "/browse/sources", "/browse/roles", "/browse/places", "/queries", "/id/person/bukharin",
              "/id/organ/politburo", "/id/event/party-congress-10"]
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
_HREF = re.compile(r'href="([^"#]*)"')


def page_kind(path: str) -> str:
    """The kind of a web page, by its path's shape: ``home``, ``id/person``, ``source/lines``, ``queries/*`` …"""
    parts = [p for p in path.split("?")[0].split("/") if p]
    if not parts:
        return "home"
    if parts[0] == "id" and len(parts) > 1:
        return "id/" + parts[1]
    if parts[0] == "source":
        return "source/lines" if "lines" in parts else "source"
    if parts[0] in ("browse", "queries") and len(parts) > 1:
        return parts[0] + "/*"
    return parts[0]


def page_sample(base: str, per_kind: int = 3) -> dict[str, list[str]]:
    """Up to ``per_kind`` local HTML pages of each kind, from the seeds' links (sorted: the sample is stable)."""
    found: set[str] = set(PAGE_SEEDS)
    for seed in PAGE_SEEDS:
        request = urllib.request.Request(base + seed, headers={"Accept": BROWSER_ACCEPT})
        with urllib.request.urlopen(request, timeout=60) as answer:
            text = answer.read().decode("utf-8")
        for href in _HREF.findall(text):
            url = urlsplit(urljoin(base + seed, href.replace("&amp;", "&")))
            if url.netloc == urlsplit(base).netloc and not url.path.startswith("/static/"):
                found.add(url.path + (f"?{url.query}" if url.query else ""))
    by_kind: dict[str, list[str]] = {}
    for path in sorted(found):
        if "format=" in path or path.endswith((".json", ".nq", ".gz", ".trig")) or path.startswith("/.well-known"):
            continue
        by_kind.setdefault(page_kind(path), []).append(path)
    return {kind: paths[:per_kind] for kind, paths in by_kind.items()}


def oxigraph_binary() -> str | None:
    """The ``oxigraph`` command of this venv (PyPI ``oxigraph``, the test extra), or None."""
    import shutil

    return shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")


class OxigraphServer:
    """A real ``oxigraph serve`` on 127.0.0.1 and a free port, its data in ``folder``.

    ``url`` is its base URL (what ``--store`` takes) once it answers. ``stop()``
    kills it; ``start()`` starts it again on the same port and data (a store
    that went down and came back).
    """

    def __init__(self, folder: Path, timeout: float = 30.0):
        import socket

        self.folder, self.timeout = Path(folder), timeout
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> OxigraphServer:
        binary = oxigraph_binary()
        if binary is None:
            raise RuntimeError("oxigraph is not installed (pip install oxigraph, the test extra)")
        self.folder.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen([binary, "serve", "--location", str(self.folder),
                                         "--bind", f"127.0.0.1:{self.port}"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/query?query=ASK%7B%7D", timeout=2):
                    return self
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"oxigraph serve did not answer on {self.url}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=20)

    def __enter__(self) -> OxigraphServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGCONT)  # a test may have stopped it
        self.stop()


VIRTUOSO_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")


def virtuoso_missing() -> str | None:
    """Why Virtuoso cannot run here (Debian ``virtuoso-opensource``), or None."""
    import shutil

    for need in ("virtuoso-t", "isql-vt"):
        if shutil.which(need) is None:
            return f"needs Virtuoso: {need} is not installed (Debian: apt-get install virtuoso-opensource)"
    if not VIRTUOSO_INI.exists():
        return f"needs Virtuoso's default configuration {VIRTUOSO_INI} (Debian virtuoso-opensource)"
    return None


class VirtuosoServer:
    """Debian's Virtuoso 7 on loopback: its database in ``folder``, both ports free ones.

    The Debian configuration is copied with its database paths moved into ``folder`` and
    both listeners on 127.0.0.1; the ``SPARQL`` user gets ``SPARQL_UPDATE`` so that the
    Graph Store endpoint (``/sparql-graph-crud``) takes writes. ``query_url`` and
    ``graph_url`` are what ``--store``/``--store-graph-url`` take. ``ini`` sets further
    lines of the copy (e.g. ``NumberOfBuffers``); ``sql()`` runs a statement as ``dba``.
    """

    #: What the copy of Debian's ``virtuoso.ini`` changes besides paths and ports. A freshly loaded
    #: store has no statistics: Virtuoso then estimates some of our queries at days and refuses them
    #: (MaxQueryCostEstimationTime, 400 s); 0 turns the estimate off. Its row cap must exceed ours
    #: (max_rows + 2), or answers are cut silently.
    INI = {"MaxQueryCostEstimationTime": 0, "ResultSetMaxRows": 1_000_000}

    def __init__(self, folder: Path, timeout: float = 90.0, ini: dict | None = None):
        import socket

        self.folder, self.timeout = Path(folder), timeout
        self.ini = {**self.INI, **(ini or {})}
        ports = []
        for _ in range(2):
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                ports.append(probe.getsockname()[1])
        self.sql_port, self.http_port = ports
        self.query_url = f"http://127.0.0.1:{self.http_port}/sparql"
        self.graph_url = f"http://127.0.0.1:{self.http_port}/sparql-graph-crud"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> VirtuosoServer:
        self.folder.mkdir(parents=True, exist_ok=True)
        text = VIRTUOSO_INI.read_text().replace("/var/lib/virtuoso-opensource-7/db", str(self.folder))
        text = re.sub(r"(?m)^ServerPort\s*=\s*1111\b.*$", f"ServerPort = 127.0.0.1:{self.sql_port}", text)
        text = re.sub(r"(?m)^ServerPort\s*=\s*8890\b.*$", f"ServerPort = 127.0.0.1:{self.http_port}", text)
        for key, value in self.ini.items():
            text, found = re.subn(rf"(?m)^{key}\s*=.*$", f"{key} = {value}", text)
            if not found:
                raise ValueError(f"{VIRTUOSO_INI} has no {key} line to set")
        (self.folder / "virtuoso.ini").write_text(text)
        self.process = subprocess.Popen(["virtuoso-t", "-f", "-c", str(self.folder / "virtuoso.ini")],
                                        cwd=self.folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                        start_new_session=True)
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.query_url + "?query=ASK%7B%7D", timeout=2):
                    break
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.2)
        else:
            self.__exit__(None, None, None)
            raise RuntimeError(f"Virtuoso did not answer on {self.query_url}")
        self.sql('grant SPARQL_UPDATE to "SPARQL";')
        return self

    def sql(self, statement: str, timeout: float = 600.0) -> str:
        """Run one SQL statement as ``dba`` (``isql-vt``), e.g. ``checkpoint;``; return its output."""
        return subprocess.run(["isql-vt", f"127.0.0.1:{self.sql_port}", "dba", "dba", f"exec={statement}"],
                              check=True, capture_output=True, text=True, timeout=timeout).stdout

    def __exit__(self, *exc) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
