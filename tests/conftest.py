"""Shared fixtures: a build of the repository's own data, the app on it, and a
real server (granian) on a free loopback port."""

from __future__ import annotations

from pathlib import Path

import pytest
from harness import ServerProcess

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
MONOGRAPH = CORPUS / "004_154d022a6a9a2c16.txt"


@pytest.fixture(scope="session")
def monograph_lines() -> list[str]:
    """The lines of the monograph (004), or a skip saying the corpus is absent."""
    if not MONOGRAPH.exists():
        pytest.skip(f"needs the shared corpus: {MONOGRAPH} is absent")
    return MONOGRAPH.read_text(encoding="utf-8").splitlines()


#: Tests talk only to 127.0.0.1: the SERVICE allowlist names a loopback port
#: where nothing listens, so no query of a test can reach Wikidata.
ALLOWED_SERVICE = "http://127.0.0.1:9/sparql"
TEST_ENV = {"APPARAT_SERVICE_ALLOWLIST": ALLOWED_SERVICE}


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
    from apparat.query.local import load_dataset

    return load_dataset(build_dir)


@pytest.fixture()
def app(build_dir):
    from apparat.web import create_app

    app = create_app({"build_dir": build_dir, "service_allowlist": ALLOWED_SERVICE})
    yield app
    app.extensions["apparat"].pool.close()


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def live_server(build_dir):
    """Base URL of the real app under its HTTP server (granian), on 127.0.0.1 and a free port."""
    with ServerProcess(build_dir, env=TEST_ENV) as server:
        yield server.base_url
