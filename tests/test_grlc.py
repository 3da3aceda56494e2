"""Our queries/ folder in real grlc (PyPI, its own venv: `make test` makes it), pointed at
our live server: every .rq loads, and grlc's answer to each saved query equals ours, with
defaults left out, with other values, and with slugs and IRIs alike; the federated ones
too, against a Wikidata-shaped stand-in on loopback that both reach through our allowlist."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from harness import ServerProcess, stand_in_endpoint

from apparat.query.saved import load_saved_queries

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ROOT / "queries"
GRLC_BIN = Path(os.environ.get("GRLC_VENV", ROOT / ".venv-grlc")) / "bin"
SAVED = load_saved_queries(QUERIES)
JSON = "application/sparql-results+json"
WIKIDATA = "https://query.wikidata.org/sparql"
WIKIDATA_FIXTURE = ROOT / "tests" / "data" / "wikidata-compare.ttl"
FEDERATED = sorted(name for name, saved in SAVED.items() if "SERVICE" in saved.text)


@contextmanager
def running_grlc(endpoint: str, queries: Path, folder: Path) -> Iterator[str]:
    """grlc under its own gunicorn on 127.0.0.1 and a free port, reading ``queries`` as its local
    source and sending them to ``endpoint``; yields its base URL."""
    if not (GRLC_BIN / "gunicorn").exists():
        pytest.skip(f"grlc is not installed in {GRLC_BIN.parent}: `make test` (`make .venv-grlc/.installed`) makes it")
    # grlc reads config.ini from its working directory
    (folder / "config.ini").write_text(f"[defaults]\nsparql_endpoint = {endpoint}\n"
                                       f"[local]\nlocal_sparql_dir = {queries}\n")
    process = subprocess.Popen([str(GRLC_BIN / "gunicorn"), "-b", "127.0.0.1:0", "-w", "2", "-t", "120",
                                "grlc.server:app"], cwd=folder, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    log, base = [], None
    drain = threading.Thread(target=lambda: [None for _ in process.stderr], daemon=True)
    try:
        deadline = time.monotonic() + 60
        while base is None and time.monotonic() < deadline:
            line = process.stderr.readline()
            if not line:
                break
            log.append(line)
            match = re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", line)
            base = match[1] if match else None
        if base is None:
            raise RuntimeError("grlc did not start:\n" + "".join(log))
        drain.start()
        while time.monotonic() < deadline:  # a worker answers (grlc's own page "/" reaches out to GitHub)
            try:
                requests.get(base + "/api-local/nothing-by-this-name", timeout=10)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        if drain.is_alive() or drain.ident is not None:
            drain.join(timeout=10)
        process.stderr.close()


@pytest.fixture(scope="module")
def grlc(live_server, tmp_path_factory):
    """grlc on our queries/ folder, pointed at the live server."""
    with running_grlc(live_server + "/sparql", QUERIES, tmp_path_factory.mktemp("grlc")) as base:
        yield base


def test_every_saved_query_loads_in_grlc(grlc):
    spec = requests.get(grlc + "/api-local/swagger", timeout=120).json()
    assert "Could not parse query" not in spec["info"]["description"], spec["info"]["description"]
    assert sorted(spec["paths"]) == sorted("/" + name for name in SAVED)
    # grlc reads our types: an integer stays xsd:integer, an IRI an IRI, a defaulted one optional
    params = {p["name"]: p for p in spec["paths"]["/politburo-in-year"]["get"]["parameters"]}
    assert params["year"]["required"] and "?_year_integer" in params["year"]["description"]
    assert not params["role"]["required"] and not params["mode"]["required"]
    person = {p["name"]: p for p in spec["paths"]["/person-career"]["get"]["parameters"]}["person"]
    assert person["format"] == "iri" and person["required"]


def test_every_default_is_written_into_the_query_for_grlc():
    """No grlc needed: a default is an optional ?__name that the query itself falls back from,
    and an IRI parameter's slugs resolve by the query's BASE (what grlc relies on)."""
    for name, saved in SAVED.items():
        for p in saved.parameters:
            if p.default is not None:
                assert p.variable.startswith("__"), f"{name}: ?{p.variable} has a default but grlc requires it"
                assert f'COALESCE(?{p.variable}, "{p.default}")' in saved.text, f"{name}: {p.name}"
            if p.kind == "iri" and p.base:
                assert re.search(rf"^BASE <{re.escape(p.base)}>", saved.text, re.M), f"{name}: {p.name}"
        assert "#+ enumerate:" not in saved.text, f"{name}: grlc 1.3 fails on the list form"
        assert "#+ endpoint-method: GET" in saved.text, name


def test_our_extensions_stay_in_the_files_grlc_reads():
    """What grlc ignores is still written for us: a WDQS-style #defaultView: on every SELECT, and a
    #+ params: entry with a description and an example (or a default) for every parameter."""
    for name, saved in SAVED.items():
        if not re.search(r"^\s*CONSTRUCT\b", saved.text, re.M | re.I):
            assert saved.default_view, f"{name}: no #defaultView:"
        for p in saved.parameters:
            assert "#+ params:" in saved.text and p.description, f"{name}: {p.name} undocumented"
            assert p.example is not None or p.default is not None or p.enum, f"{name}: {p.name} has no example"


def _rows(response) -> Counter:
    assert response.status_code == 200, response.text[:2000]
    body = response.json()
    return Counter(tuple(sorted((k, v["type"], v["value"], v.get("datatype"), v.get("xml:lang"))
                                for k, v in row.items())) for row in body["results"]["bindings"])


def _triples(response) -> set[str]:
    assert response.status_code == 200, response.text[:2000]
    return {line for line in response.text.splitlines() if line.strip()}


def _cases():
    """(query, parameters) for each saved query: its examples, then each other value of an enum
    parameter, then each IRI parameter as a full IRI."""
    for name, saved in sorted(SAVED.items()):
        if "SERVICE" in saved.text:
            continue  # federated: their remote endpoint is tested in test_federation.py
        example = {p.name: p.example for p in saved.parameters if p.example is not None}
        if any(p.required and p.name not in example for p in saved.parameters):
            continue
        yield pytest.param(name, example, True, id=name)
        for p in saved.parameters:
            for value in p.enum:
                if value != (p.default or p.example):
                    yield pytest.param(name, {**example, p.name: value}, False, id=f"{name}-{p.name}={value}")
            if p.kind == "iri" and p.base and p.name in example and not example[p.name].startswith("http"):
                iri = p.base + example[p.name]
                yield pytest.param(name, {**example, p.name: iri}, True, id=f"{name}-{p.name}-as-iri")


CASES = list(_cases())


def test_the_cases_cover_every_saved_query_but_the_federated_ones():
    covered = {case.values[0] for case in CASES}
    assert covered == {name for name, saved in SAVED.items() if "SERVICE" not in saved.text}
    assert len(covered) >= 25


@pytest.mark.parametrize(("name", "params", "with_examples"), CASES)
def test_grlc_answers_as_we_do(live_server, grlc, name, params, with_examples):
    construct = re.search(r"^\s*CONSTRUCT\b", SAVED[name].text, re.M | re.I)
    accept = "application/n-triples" if construct else JSON
    ours = requests.get(f"{live_server}/queries/{name}", params=params, headers={"Accept": accept}, timeout=120)
    theirs = requests.get(f"{grlc}/api-local/{name}", params=params, headers={"Accept": accept}, timeout=120)
    if construct:
        assert _triples(theirs) == _triples(ours)
    else:
        rows = _rows(ours)
        assert rows or not with_examples, f"{name} {params}: no rows"
        assert _rows(theirs) == rows


@pytest.fixture(scope="module")
def federating(build_dir, tmp_path_factory):
    """The federated queries, in both: a stand-in for Wikidata on loopback (the Wikidata-shaped
    fixture of test_wikidata_compare.py), a copy of queries/ whose SERVICE IRI is pointed at it,
    our server on that copy with the stand-in allowlisted, and grlc on the same copy."""
    folder = tmp_path_factory.mktemp("grlc-federated")
    with stand_in_endpoint(folder, WIKIDATA_FIXTURE.read_text(encoding="utf-8")) as remote:
        queries = folder / "queries"
        queries.mkdir()
        for path in QUERIES.glob("*.rq"):
            (queries / path.name).write_text(path.read_text(encoding="utf-8").replace(WIKIDATA, remote),
                                             encoding="utf-8")
        env = {"APPARAT_SERVICE_ALLOWLIST": remote, "APPARAT_QUERIES_DIR": str(queries)}
        with ServerProcess(build_dir, "--workers", "1", env=env) as server, \
                running_grlc(server.base_url + "/sparql", queries, folder) as base:
            yield server.base_url, base


def test_the_federated_queries_are_the_three_of_wikidata():
    assert FEDERATED == ["wikidata-enrichment", "wikidata-life-dates", "wikidata-positions-compared"]
    assert all(WIKIDATA in SAVED[name].text and not SAVED[name].parameters for name in FEDERATED)


@pytest.mark.parametrize("name", FEDERATED)
def test_grlc_answers_a_federated_query_as_we_do(federating, name):
    ours_base, grlc_base = federating
    ours = requests.get(f"{ours_base}/queries/{name}", headers={"Accept": JSON}, timeout=120)
    theirs = requests.get(f"{grlc_base}/api-local/{name}", headers={"Accept": JSON}, timeout=120)
    rows = _rows(ours)
    assert rows, f"{name}: no rows"
    assert _rows(theirs) == rows
