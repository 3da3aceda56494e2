"""Saved queries: header parsing, typed parameters, binding as RDF terms."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from apparat.errors import ParameterError, QueryRefused
from apparat.query.local import run_query
from apparat.query.saved import inject_values, load_saved_queries, parse_saved_query
from apparat.settings import load_settings

ROOT = Path(__file__).resolve().parents[1]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "q.rq"
    path.write_text(text)
    return path


def test_grlc_suffixes_give_types(tmp_path):
    q = parse_saved_query(write(tmp_path, (
        "#+ summary: s\n"
        "SELECT * WHERE { ?s ?p ?_name . ?s ?q ?_label_en . ?s ?r ?_n_integer . "
        "?s ?t ?__who_iri . ?s ?u ?_when_xsd_date }"
    )))
    kinds = {p.name: (p.kind, p.required) for p in q.parameters}
    assert kinds == {
        "name": ("string", True), "label": ("lang", True), "n": ("integer", True),
        "who": ("iri", False), "when": ("datatype", True),
    }


def test_values_become_terms_in_a_values_block(tmp_path):
    q = parse_saved_query(write(tmp_path, "SELECT ?x WHERE { BIND(?_n_integer AS ?x) }"))
    assert q.bind({"n": "1926"}) == (
        'SELECT ?x WHERE { VALUES (?_n_integer) { ("1926"^^<http://www.w3.org/2001/XMLSchema#integer>) }'
        " BIND(?_n_integer AS ?x) }"
    )


def test_construct_binds_in_where_not_template():
    text = "CONSTRUCT { ?s ?p ?_o } WHERE { ?s ?p ?_o }"
    assert inject_values(text, {"_o": ox.Literal("x")}) == (
        'CONSTRUCT { ?s ?p ?_o } WHERE { VALUES (?_o) { ("x") } ?s ?p ?_o }'
    )


@pytest.mark.parametrize("value", ['1926") } } DROP ALL #', "19 26", "1926.5", "", "1e3"])
def test_injection_through_an_integer_is_a_bad_value(tmp_path, value):
    q = parse_saved_query(write(tmp_path, "SELECT ?x WHERE { BIND(?_n_integer AS ?x) }"))
    with pytest.raises(ParameterError) as caught:
        q.bind({"n": value})
    assert caught.value.parameter == "n"


def test_injection_through_a_string_stays_a_string(tmp_path):
    q = parse_saved_query(write(tmp_path, "SELECT ?x WHERE { BIND(?_s AS ?x) }"))
    store = ox.Store()
    evil = 'x") } } INSERT DATA { <a:b> <a:c> <a:d> } #'
    rows = list(store.query(q.bind({"s": evil})))
    assert [r["x"].value for r in rows] == [evil]


def test_iri_parameter_takes_a_slug_with_a_base(tmp_path):
    q = parse_saved_query(write(tmp_path, (
        "#+ params:\n#+   person: {base: 'https://w3id.org/apparat/id/person/'}\n"
        "SELECT ?x WHERE { BIND(?_person_iri AS ?x) }"
    )))
    assert "<https://w3id.org/apparat/id/person/bukharin>" in q.bind({"person": "bukharin"})
    assert "<http://example.org/x>" in q.bind({"person": "http://example.org/x"})
    with pytest.raises(ParameterError):
        q.bind({"person": "not a slug>"})


def test_unknown_and_missing_parameters_are_named(tmp_path):
    q = parse_saved_query(write(tmp_path, "SELECT ?x WHERE { BIND(?_n_integer AS ?x) }"))
    with pytest.raises(ParameterError, match="'n': is required"):
        q.bind({})
    with pytest.raises(ParameterError, match="'m': .* it takes: n"):
        q.bind({"n": "1", "m": "2"})


def test_enum_and_range(tmp_path):
    q = parse_saved_query(ROOT / "queries" / "politburo-in-year.rq")
    with pytest.raises(ParameterError, match="'role': 'chair' is not one of full, candidate"):
        q.bind({"year": "1926", "role": "chair"})
    with pytest.raises(ParameterError, match="outside 1000..9999"):
        q.bind({"year": "99999"})


def test_every_saved_query_parses_and_documents_its_parameters(dataset):
    saved = load_saved_queries(ROOT / "queries")
    assert saved, "queries/ holds no saved query"
    for q in saved.values():
        assert q.summary, f"{q.name} has no #+ summary"
        for p in q.parameters:
            assert p.description, f"{q.name}: parameter {p.name} has no description"
        values = {p.name: p.example or p.default for p in q.parameters if p.required}
        assert all(values.values()), f"{q.name}: a required parameter lacks an example"
        text = q.bind(values)
        if "SERVICE" in text:  # federated: never run from a test (no network but loopback)
            with pytest.raises(QueryRefused):  # refused before any call: no allowlist here
                run_query(dataset, text, max_rows=100, settings={**load_settings(), "service_allowlist": ""})
            continue
        # With its example values a query answers something: a parameter used where its
        # VALUES binding does not reach (inside OPTIONAL/UNION) would show up as no rows.
        answer = run_query(dataset, text, max_rows=100)
        assert answer.rows or answer.triples, f"{q.name} answers nothing for its examples"


def test_enumerate_lists_the_values_the_data_has(dataset):
    from apparat.query.local import select_json
    from apparat.query.saved import enumerate_parameters

    saved = load_saved_queries(ROOT / "queries")
    values = enumerate_parameters(saved.values(), select_json(dataset, load_settings()))
    assert {"bukharin", "kamenev", "stalin"} <= set(values["person-career"]["person"])
    assert {"politburo", "orgburo", "secretariat", "central-committee"} <= set(values["organ-members-in-year"]["organ"])
    assert "party-congress-11" in values["events-at-meeting"]["meeting"]
    assert all("/" not in v for v in values["person-career"]["person"])  # slugs, as users type them


def test_enumeration_queries_are_kept_on_disk_by_their_text(tmp_path, monkeypatch):
    """rdflib derives an enumeration query once; later calls read it from the cache folder, by the
    saved query's text: an edited query is derived anew, and no cache folder means none is written."""
    from dataclasses import replace

    from apparat.query.saved import enumeration_cached, enumeration_query

    monkeypatch.setenv("APPARAT_CACHE", str(tmp_path))
    saved = load_saved_queries(ROOT / "queries")["person-career"]
    assert not enumeration_cached(saved, "person")
    derived = enumeration_query(saved, "person")
    assert derived.startswith("SELECT DISTINCT ?_person_iri WHERE {") and "org#member" in derived
    assert enumeration_cached(saved, "person")
    (entry,) = (tmp_path / "enumerations").iterdir()
    # what is read is the file: a different query planted there is what comes back
    planted = "SELECT DISTINCT ?_person_iri WHERE { ?x <urn:planted> ?_person_iri }"
    entry.write_text(json.dumps({"query": planted}), encoding="utf-8")
    assert enumeration_query(saved, "person") == planted
    edited = replace(saved, text=saved.text + "\n# edited\n")
    assert not enumeration_cached(edited, "person") and enumeration_query(edited, "person") == derived
    assert len(list((tmp_path / "enumerations").iterdir())) == 2
    entry.write_text("not json", encoding="utf-8")  # a damaged entry is derived again and rewritten
    assert enumeration_query(saved, "person") == derived
    monkeypatch.setenv("APPARAT_CACHE", "")
    assert not enumeration_cached(saved, "person") and enumeration_query(saved, "person") == derived


def _logged(server, event: str, within: float = 60.0) -> dict:
    """The ``seconds`` of the server's first ``event`` line in its log (a worker's warm-up steps)."""
    import time

    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        for line in list(server.log):
            if f'"event": "{event}"' in line:
                return json.loads(line)["seconds"]
        time.sleep(0.1)
    raise AssertionError(f"no {event} line:\n" + "".join(server.log))


def test_a_worker_reads_the_enumerations_at_start_once_their_queries_are_cached(build_dir, tmp_path, monkeypatch):
    """First start with an empty cache: a thread derives the enumeration queries after the worker is up
    (its warm-up does not wait for them); the next start finds them all cached and reads the values in
    its warm-up, and a saved query's form offers them."""
    import time

    import requests
    from harness import ServerProcess

    from apparat.query.saved import enumeration_cached

    saved = load_saved_queries(ROOT / "queries")
    wanted = [(q, n) for q in saved.values() for n in q.enumerate]
    env = {"APPARAT_SERVICE_ALLOWLIST": "http://127.0.0.1:9/sparql", "APPARAT_CACHE": str(tmp_path)}
    monkeypatch.setenv("APPARAT_CACHE", str(tmp_path))  # this process looks in the servers' cache folder
    assert not any(enumeration_cached(q, n) for q, n in wanted)

    with ServerProcess(build_dir, env=env) as server:
        assert "enumerations" not in _logged(server, "worker_warm")
        deadline = time.monotonic() + 60
        while not all(enumeration_cached(q, n) for q, n in wanted) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert all(enumeration_cached(q, n) for q, n in wanted)
    with ServerProcess(build_dir, env=env) as server:
        assert "enumerations" in _logged(server, "worker_warm"), "".join(server.log)
        page = requests.get(server.base_url + "/queries/person-career", headers={"Accept": "text/html"}, timeout=30)
        assert page.status_code == 200 and 'value="bukharin"' in page.text


def test_a_warm_up_past_its_bound_goes_on_behind_the_ready_worker(build_dir):
    """``warm_up_seconds`` bounds how long a new worker warms before it answers (at ×100 the warm-up
    took minutes, past ``reload_grace``): past it the worker is ready, the steps not done are logged
    as null, finish behind it (``worker_warm_late``) but for the heavy pages, which are skipped once
    late, and pages answer meanwhile."""
    import requests
    from harness import ServerProcess

    env = {"APPARAT_SERVICE_ALLOWLIST": "http://127.0.0.1:9/sparql", "APPARAT_WARM_UP_SECONDS": "0.001"}
    with ServerProcess(build_dir, env=env) as server:
        warm = _logged(server, "worker_warm")
        # the heavy pages come after two SELECT steps in their chain: never done in a millisecond
        assert warm["heavy pages"] in (None, "skipped") and isinstance(warm["templates"], float), warm
        page = requests.get(server.base_url + "/id/person/stalin", headers={"Accept": "text/html"}, timeout=30)
        assert page.status_code == 200 and "Stalin" in page.text
        late = _logged(server, "worker_warm_late")
        assert set(late) == set(warm) and late["heavy pages"] == "skipped", late
        assert all(isinstance(late[name], float) for name in set(late) - {"heavy pages"}), late
