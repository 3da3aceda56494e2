"""``apparat serve`` in a child process on a free loopback port: the test (and benchmark) harness."""

from __future__ import annotations

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
    ``graph_url`` are what ``--store``/``--store-graph-url`` take.
    """

    def __init__(self, folder: Path, timeout: float = 90.0):
        import socket

        self.folder, self.timeout = Path(folder), timeout
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
        # A freshly loaded store has no statistics: Virtuoso then estimates some of our queries at
        # days and refuses them (MaxQueryCostEstimationTime, 400 s); 0 turns the estimate off. Its
        # row cap must exceed ours (max_rows + 2), or answers are cut silently.
        text = re.sub(r"(?m)^MaxQueryCostEstimationTime\s*=.*$", "MaxQueryCostEstimationTime = 0", text)
        text = re.sub(r"(?m)^ResultSetMaxRows\s*=.*$", "ResultSetMaxRows = 1000000", text)
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
        subprocess.run(["isql-vt", f"127.0.0.1:{self.sql_port}", "dba", "dba",
                        'exec=grant SPARQL_UPDATE to "SPARQL";'],
                       check=True, stdout=subprocess.DEVNULL, timeout=60)
        return self

    def __exit__(self, *exc) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
