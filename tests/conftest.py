"""Shared fixtures: a build of the repository's own data, the app on it, and a
real server (granian) on a free loopback port."""

from __future__ import annotations

from pathlib import Path

import pytest
from harness import OxigraphServer, ServerProcess, oxigraph_binary

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
def embedded_server(build_dir):
    """Base URL of the real app under its HTTP server (granian), on 127.0.0.1 and a free port."""
    with ServerProcess(build_dir, env=TEST_ENV) as server:
        yield server.base_url


@pytest.fixture(scope="session")
def live_server(embedded_server):
    """The app on the embedded store (a module may override this with ``backend_server``)."""
    return embedded_server


@pytest.fixture(scope="session")
def oxigraph_store(build_dir, tmp_path_factory):
    """A real ``oxigraph serve`` on loopback (temporary folder) holding the session's build,
    uploaded as ``apparat build --store`` does."""
    if oxigraph_binary() is None:
        pytest.skip("needs oxigraph serve (PyPI oxigraph, in the test extra: make setup)")
    from apparat.build.upload import upload
    from apparat.settings import load_settings

    with OxigraphServer(tmp_path_factory.mktemp("oxigraph") / "data") as store:
        upload(build_dir, load_settings({"store": store.url}))
        yield store


@pytest.fixture(scope="session")
def store_server(build_dir, oxigraph_store):
    """Base URL of the app serving through ``oxigraph serve`` (``apparat serve --store URL``)."""
    with ServerProcess(build_dir, "--store", oxigraph_store.url, env=TEST_ENV) as server:
        yield server.base_url


@pytest.fixture(scope="session", params=["embedded", "oxigraph"])
def backend_server(request):
    """The app on each backend in turn: the embedded store, then ``oxigraph serve`` (``--store``).
    A module runs its tests on both by overriding ``live_server`` with a fixture returning it."""
    return request.getfixturevalue("embedded_server" if request.param == "embedded" else "store_server")
