"""Shared fixtures: a build of the repository's own data, the app on it, and a
real gunicorn server on a free loopback port."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"


@pytest.fixture(scope="session")
def build_dir(tmp_path_factory) -> Path:
    """The repository's ontology and triples, built once per test session."""
    from apparat.build import BuildInputs, build
    from apparat.settings import load_settings

    target = tmp_path_factory.mktemp("build") / "build"
    settings = load_settings({"build_dir": target})
    build(BuildInputs.from_settings(settings), target)
    return target


@pytest.fixture(scope="session")
def dataset(build_dir):
    from apparat.store import load_dataset

    return load_dataset(build_dir)


@pytest.fixture()
def app(build_dir):
    from server import create_app

    return create_app({"build_dir": build_dir})


@pytest.fixture()
def client(app):
    return app.test_client()


def start_server(build_dir: Path, *extra: str, env: dict | None = None, timeout: float = 60.0):
    """Start ``apparat serve --port 0`` and return (process, base URL) once it listens."""
    process = subprocess.Popen(
        [sys.executable, "-m", "apparat", "serve", "--port", "0", "--build-dir", str(build_dir), *extra],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
        start_new_session=True,
    )
    deadline = time.monotonic() + timeout
    base = None
    seen = []
    while time.monotonic() < deadline and base is None:
        line = process.stderr.readline()
        if not line:
            break
        seen.append(line)
        match = re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", line)
        if match:
            base = match[1]
    if base is None:
        stop_server(process)
        raise RuntimeError("server did not start:\n" + "".join(seen))
    # Keep reading stderr so the server never blocks on a full pipe.
    process.drain = threading.Thread(target=process.stderr.read, daemon=True)
    process.drain.start()
    for _ in range(100):  # wait until a worker answers, at most ~10 s
        try:
            if requests.get(base + "/health", timeout=2).ok:
                break
        except requests.ConnectionError:
            time.sleep(0.1)
    return process, base


def stop_server(process) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
    drain = getattr(process, "drain", None)
    if drain is not None:
        drain.join(timeout=10)
    process.stderr.close()


@pytest.fixture(scope="session")
def live_server(build_dir):
    """Base URL of the real app under gunicorn, on 127.0.0.1 and a free port."""
    process, base = start_server(build_dir)
    yield base
    stop_server(process)
