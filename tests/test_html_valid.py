"""HTML validation: a sample of every kind of page, fetched from the live test
server as a browser asks for it, passes the Nu Html Checker (``vnu.jar`` from
npm ``vnu-jar``, installed by ``make setup``; run on Debian's Java, which
``make test`` installs when missing) with no error.

The sample (harness.page_sample): the links of the home page, the indexes
and one page of each entity kind, grouped by kind of page (the path's
shape), the first three of each kind; plus pages no link leads to (a search without a hit, a saved query
refusing a bad value, a timeline view, the editor with a permalink, and the
plain query form of a server without the editor)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from conftest import TEST_ENV
from harness import BROWSER_ACCEPT, ServerProcess, page_sample

VNU = Path(__file__).resolve().parents[1] / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
JAVA = shutil.which("java")
pytestmark = [
    pytest.mark.skipif(not VNU.is_file(), reason=f"needs the Nu Html Checker: {VNU} is missing "
                                                  "(`make setup` installs npm's vnu-jar)"),
    pytest.mark.skipif(not JAVA, reason="needs Java for vnu.jar (Debian's default-jre-headless; "
                                        "`make test` installs it)"),
]

#: Pages no link of the seeds leads to, each validated.
EXTRA = ["/search?q=Bucharin", "/search?q=zzzzqqq", "/search", "/queries/politburo-in-year?year=abc",
         "/queries/person-career?person=bukharin", "/queries/wikidata-statements?person=bukharin",
         "/source/rogovin-1992/lines/6867-6867", "/sparql?query=SELECT%20*%20WHERE%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D"]
#: Kinds the sample must hold, so that a change of links cannot drop one silently.
KINDS = {"home", "browse", "browse/*", "id/person", "id/organ", "id/event", "id/document", "id/role",
         "id/place", "id/membership", "id/claim", "id/conflict", "source", "source/lines", "graph", "queries",
         "queries/*", "ontology", "sparql"}


def fetch(base: str, path: str) -> requests.Response:
    return requests.get(base + path, headers={"Accept": BROWSER_ACCEPT}, timeout=60)


def vnu_errors(folder: Path) -> list[dict]:
    """The checker's errors for every .html file in ``folder`` (one Java run)."""
    done = subprocess.run([JAVA, "-jar", str(VNU), "--errors-only", "--format", "json", "--skip-non-html",
                           str(folder)], capture_output=True, text=True, timeout=300)
    messages = json.loads(done.stderr or '{"messages": []}')["messages"]
    return [m for m in messages if m.get("type") in ("error", "non-document-error")]


@pytest.fixture(scope="module")
def plain_form(build_dir, tmp_path_factory):
    """The /sparql page of a server without the editor's files: the plain form."""
    env = {**TEST_ENV, "APPARAT_EDITOR_DIR": str(tmp_path_factory.mktemp("no-editor"))}
    with ServerProcess(build_dir, env=env) as server:
        page = fetch(server.base_url, "/sparql")
    assert page.status_code == 200 and "<textarea" in page.text
    return page.text


def test_every_kind_of_page_validates(live_server, plain_form, tmp_path):
    chosen = page_sample(live_server)
    assert KINDS <= chosen.keys(), f"kinds missing from the sample: {KINDS - chosen.keys()}"
    pages = {path for paths in chosen.values() for path in paths} | set(EXTRA)
    names: dict[str, str] = {}
    for i, path in enumerate(sorted(pages)):
        response = fetch(live_server, path)
        assert response.status_code < 500, path
        if not response.headers.get("Content-Type", "").startswith("text/html"):
            continue  # plain-text error answers (a 404) are not pages
        (tmp_path / f"page{i:03d}.html").write_text(response.text, encoding="utf-8")
        names[f"page{i:03d}.html"] = path
    (tmp_path / "plain-form.html").write_text(plain_form, encoding="utf-8")
    names["plain-form.html"] = "/sparql (plain form)"
    assert len(names) > 40
    errors = [f"{names.get(Path(urlsplit(m.get('url', '')).path).name, m.get('url'))} "
              f"line {m.get('lastLine')}: {m['message']}" for m in vnu_errors(tmp_path)]
    assert errors == []
