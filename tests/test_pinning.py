"""A running server pins the build it started with: a rebuild of its build folder, or damage
written in place into its files, changes no answer, not even from executors started after it
(they open the pinned copy, checked by checksum), until the server is reloaded or restarted."""

from __future__ import annotations

import json
import os
import shutil
import signal
import time
from pathlib import Path

import requests
from harness import ServerProcess

from apparat.build import BuildInputs, build
from apparat.query.store import pin_build, read_build, unpin


def publish(folder, value: str) -> None:
    data = folder / "data.ttl"
    data.write_text(f'<http://example.org/a> <http://example.org/says> "{value}" .\n')
    build(BuildInputs.from_paths([data]), folder / "build", reasoning=False)


def says(base: str) -> tuple[str, str]:
    response = requests.get(base + "/sparql", timeout=30, params={
        "query": "SELECT ?v WHERE { <http://example.org/a> <http://example.org/says> ?v }", "format": "json"})
    assert response.status_code == 200, response.text
    return response.json()["results"]["bindings"][0]["v"]["value"], response.headers["ETag"]


def test_a_rebuild_under_a_running_server_never_mixes_answers(tmp_path):
    publish(tmp_path, "old")
    with ServerProcess(tmp_path / "build", "--workers", "1", env={"APPARAT_CACHE_BYTES": "0"}) as server:
        before = says(server.base_url)
        assert before[0] == "old"
        publish(tmp_path, "new")  # swaps tmp_path/build under the server
        assert says(server.base_url) == before
        executors = [pid for pid in server.descendants()
                     if b"multiprocessing" in Path(f"/proc/{pid}/cmdline").read_bytes()]
        assert executors
        # Spawned processes: the executors (and granian's worker): their replacements open the pinned build.
        for pid in executors:
            os.kill(pid, signal.SIGKILL)
        time.sleep(1.0)
        deadline = time.monotonic() + 20
        answers = set()
        while time.monotonic() < deadline and len(answers) < 5:
            try:
                answers.add(says(server.base_url))
            except AssertionError:  # a request that met a dying executor (500): try again
                continue
            answers.add(says(server.base_url))
        assert answers == {before}
    with ServerProcess(tmp_path / "build", "--workers", "1") as restarted:
        assert says(restarted.base_url)[0] == "new"
    assert not list(tmp_path.glob(".build.serving-*"))  # the pinned copies are removed on exit


def test_a_file_rewritten_in_place_does_not_change_the_pinned_build(tmp_path):
    """The manifest is copied, not linked: writing ``build/build.json`` in place (as an editor or
    a careless tool does, instead of a rebuild's rename) leaves the pinned copy as it was, so
    workers that start later still read the build that was pinned."""
    publish(tmp_path, "old")
    manifest = (tmp_path / "build" / "build.json").read_text()
    pinned = pin_build(tmp_path / "build")
    try:
        (tmp_path / "build" / "build.json").write_text("not a manifest")
        assert (pinned / "build.json").read_text() == manifest
        assert read_build(pinned).etag == json.loads(manifest)["etag"]
        # Every file is a copy of its own (no hard link shares an inode with build/).
        assert all(path.stat().st_nlink == 1 for path in pinned.rglob("*") if path.is_file())
    finally:
        unpin(pinned)


COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
POLITBURO = "ASK { apid:organ\\/politburo a ap:PartyOrgan }"


def ask(base: str, query: str) -> str:
    """The one value (or boolean) of a query's answer, as text; fails on any status but 200."""
    response = requests.post(base + "/sparql", data={"query": query}, timeout=30,
                             headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, (response.status_code, response.text[:300])
    answer = response.json()
    return str(answer["boolean"]) if "boolean" in answer else answer["results"]["bindings"][0]["n"]["value"]


def test_damage_written_in_place_into_the_store_does_not_reach_a_running_server(build_dir, tmp_path):
    """The issue's fault: "corrupt the build directory under a running server (it keeps serving
    its pinned build)", for damage written into the files themselves (same inode, opened ``r+b``),
    which a hard-linked pin would share: the running executors and their replacements answer as
    before, and ``/health`` says ok."""
    build = tmp_path / "build"
    shutil.copytree(build_dir, build)
    env = {"APPARAT_CACHE_BYTES": "0", "APPARAT_QUERY_EXECUTORS": "2"}
    with ServerProcess(build, "--workers", "1", env=env) as server:
        before = ask(server.base_url, COUNT_ALL), ask(server.base_url, POLITBURO)
        assert int(before[0]) > 10_000 and before[1] == "True"
        damaged = [path for path in build.rglob("*") if path.is_file() and path.stat().st_size]
        assert any(path.suffix == ".sst" and path.stat().st_size > (1 << 20) for path in damaged)
        for path in damaged:
            inode, size = path.stat().st_ino, path.stat().st_size
            with path.open("r+b") as file:  # in place: the same inode, garbage over every byte
                for offset in range(0, size, 1 << 20):
                    file.seek(offset)
                    file.write(os.urandom(min(1 << 20, size - offset)))
            assert path.stat().st_ino == inode
        # The executors that have the store open now answer from their own copy.
        for _ in range(3):
            assert (ask(server.base_url, COUNT_ALL), ask(server.base_url, POLITBURO)) == before
        # Their replacements open the pinned copy too.
        executors = [pid for pid in server.descendants()
                     if b"multiprocessing" in Path(f"/proc/{pid}/cmdline").read_bytes()]
        assert executors
        for pid in executors:
            os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 20
        answers = []
        while time.monotonic() < deadline and len(answers) < 5:
            try:
                answers.append((ask(server.base_url, COUNT_ALL), ask(server.base_url, POLITBURO)))
            except AssertionError:  # a request that met a dying executor (500): try again
                time.sleep(0.2)
        assert answers and set(answers) == {before}, answers
        health = requests.get(server.base_url + "/health", timeout=10)
        assert health.status_code == 200 and health.json()["status"] == "ok"
        assert not [line for line in server.log if "Traceback" in line]
