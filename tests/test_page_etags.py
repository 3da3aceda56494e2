"""A page's ETag names the code that wrote it, not only the build: the same
build served by a new release, or with an edited template, gets new ETags, so
a browser holding the old page is not told 304 (server/http.py page_version)."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import ALLOWED_SERVICE

import apparat

SERVER = Path(__file__).resolve().parents[1] / "server"
PAGE = "/id/person/bukharin"


def test_the_fingerprint_follows_the_templates_and_the_version(tmp_path, monkeypatch):
    from apparat.web.http import page_version

    copy = tmp_path / "server"
    shutil.copytree(SERVER, copy, ignore=shutil.ignore_patterns("__pycache__"))
    assert page_version(copy)[0] == page_version(SERVER)[0]
    template = copy / "templates" / "entity_view.html"
    template.write_text(template.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    edited = page_version(copy)[0]
    assert edited != page_version(SERVER)[0]
    monkeypatch.setattr("apparat.web.http.__version__", apparat.__version__ + ".post1")
    assert page_version(copy)[0] != edited


def _page(build_dir, version: tuple | None = None, if_none_match: str | None = None):
    from apparat.web import create_app

    app = create_app({"build_dir": build_dir, "service_allowlist": ALLOWED_SERVICE})
    try:
        if version:
            app.config["APPARAT_PAGE_VERSION"] = version
        headers = {"Accept": "text/html"} | ({"If-None-Match": if_none_match} if if_none_match else {})
        return app.test_client().get(PAGE, headers=headers)
    finally:
        app.extensions["apparat"].pool.close()


def test_a_page_served_by_other_code_gets_a_new_etag(build_dir):
    from apparat.web.http import page_version

    first = _page(build_dir)
    assert first.status_code == 200 and first.headers["ETag"].startswith('W/"')
    assert _page(build_dir, if_none_match=first.headers["ETag"]).status_code == 304  # same code, same build
    code, changed = first.headers["ETag"], first.last_modified
    other = ("0" * 16, page_version()[1])
    again = _page(build_dir, version=other, if_none_match=code)
    assert again.status_code == 200 and again.headers["ETag"] != code
    assert again.last_modified == changed
