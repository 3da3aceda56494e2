"""A running server pins the build it started with: a rebuild of its build folder changes
no answer, not even from executors started after the rebuild (they open the pinned copy,
checked by checksum), until the server is restarted."""

from __future__ import annotations

import json
import os
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
        big = [path for path in pinned.rglob("*") if path.is_file() and path.stat().st_size > (1 << 20)]
        assert all(path.stat().st_nlink == 2 for path in big)  # the store's large files are shared
    finally:
        unpin(pinned)
