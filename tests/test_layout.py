"""The layout keeps serving apart from building: the web app is ``apparat.web`` (no
top-level ``server`` module), executors import no rdflib, and no serving process imports
the build, pySHACL or owlrl."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import ALLOWED_SERVICE

BUILD_MODULES = {"pyshacl", "owlrl", "apparat.build", "apparat.reason", "apparat.validate"}


def loaded_modules(code: str) -> set[str]:
    script = code + "\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))\n"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True)
    return set(json.loads(out.stdout.splitlines()[-1]))


def test_the_web_app_is_apparat_web_and_there_is_no_server_module():
    found = subprocess.run([sys.executable, "-c", "import importlib.util as u; print(u.find_spec('server'))"],
                           capture_output=True, text=True, timeout=60, cwd="/", check=True)
    assert found.stdout.strip() == "None"
    assert "apparat.web" in loaded_modules("import apparat.web")


def test_executors_import_neither_rdflib_nor_build_code():
    modules = loaded_modules("import apparat.query.executor, apparat.query.formats, apparat.query.sparql, "
                             "apparat.query.store")
    assert not {m for m in modules if m.split(".")[0] in ("rdflib", "pyshacl", "owlrl")}
    assert not modules & BUILD_MODULES


def test_the_web_process_imports_no_build_code(build_dir):
    modules = loaded_modules(
        "if __name__ == '__main__':\n"
        "    from apparat.web import create_app\n"
        f"    app = create_app({{'build_dir': {str(build_dir)!r}, 'service_allowlist': {ALLOWED_SERVICE!r}}})\n"
        "    app.test_client().get('/sparql?query=ASK%7B%7D')\n"
        "    app.extensions['apparat'].pool.close()")
    assert "apparat.web" in modules
    assert not modules & BUILD_MODULES


def test_the_server_process_imports_neither_flask_nor_rdflib():
    # ``apparat serve``'s own process (granian's server, which spawns the web workers) holds no
    # app: what it imports it holds for nothing (~16 MB RSS for Flask, rdflib and the views).
    modules = loaded_modules("import apparat.cli, apparat.serve, granian\n"
                             "from apparat.query.store import read_build\n"
                             "from apparat.web.clients import trusted_networks")
    assert not {m for m in modules if m.split(".")[0] in ("flask", "werkzeug", "jinja2", "rdflib")}
    assert "apparat.web.clients" in modules
