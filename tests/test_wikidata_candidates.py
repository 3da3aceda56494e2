"""``apparat wikidata candidates``: proposed links for unlinked persons, organs and posts, from a
Wikidata-shaped SPARQL endpoint (the loopback stand-in, harness.stand_in_endpoint), as TSV."""

from __future__ import annotations

import csv
import io

import pytest
from click.testing import CliRunner
from harness import Listener, stand_in_endpoint

from apparat.cli import main

ID = "https://w3id.org/apparat/id/"
# Written for this test. Every Q-id here (Q9999999990xx) is invented and test-only: far past
# any id Wikidata has given, so none is a real item; P9999999 is an invented property too.
# Q5 (human), P31, P39 and Q79854 (the CPSU, known-ids.tsv) are the ids the command uses.
FIXTURE = """
@prefix wd:   <http://www.wikidata.org/entity/> .
@prefix wdt:  <http://www.wikidata.org/prop/direct/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix schema: <http://schema.org/> .
wd:Q999999999001 rdfs:label "Grigory Zinoviev"@en ; wdt:P31 wd:Q5 ;
    schema:description "test-only human"@en ; wdt:P39 wd:Q999999999008 .
wd:Q999999999002 rdfs:label "Grigory Zinoviev"@en ; wdt:P31 wd:Q999999999099 .
wd:Q999999999003 rdfs:label "Test Frunze"@en ; skos:altLabel "Mikhail Frunze"@en ; wdt:P31 wd:Q5 .
wd:Q999999999004 rdfs:label "Lev Kamenev"@en .
wd:Q999999999005 rdfs:label "Joseph Stalin"@en ; wdt:P31 wd:Q5 .
wd:Q999999999006 rdfs:label "Secretariat"@en ; wdt:P9999999 wd:Q79854 .
wd:Q999999999007 rdfs:label "Secretariat"@en ; wdt:P31 wd:Q5 .
wd:Q999999999008 rdfs:label "People's Commissar"@en ; schema:description "test-only position"@en .
wd:Q999999999009 rdfs:label "secretary"@en .
wd:Q999999999010 rdfs:label "grigory zinoviev"@en ; wdt:P31 wd:Q5 .
"""


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    with stand_in_endpoint(tmp_path_factory.mktemp("candidates"), FIXTURE) as url, Listener(url) as listener:
        yield listener


def _run(build_dir, *args):
    return CliRunner().invoke(main, ["wikidata", "candidates", "--build-dir", str(build_dir), *args])


def test_candidates_are_exact_name_matches_of_the_right_type_for_unlinked_entities(build_dir, endpoint, tmp_path):
    out = tmp_path / "candidates.tsv"
    result = _run(build_dir, "--endpoint", endpoint.url, "-o", str(out))
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8")), delimiter="\t"))
    assert list(rows[0]) == ["entity", "label", "candidate", "candidate_label", "description", "why"]
    found = {(r["entity"].removeprefix(ID), r["candidate"], r["why"]) for r in rows}
    assert found == {
        ("person/zinoviev", "Q999999999001", "label 'Grigory Zinoviev'@en; an instance of human (P31 Q5)"),
        ("person/frunze", "Q999999999003", "alias 'Mikhail Frunze'@en; an instance of human (P31 Q5)"),
        ("organ/secretariat", "Q999999999006",
         "label 'Secretariat'@en; not a human; has a statement naming Q79854 (CPSU)"),
        ("role/peoples-commissar", "Q999999999008",
         "label \"People's Commissar\"@en; held as a position (P39) by some item"),
    }
    zinoviev = next(r for r in rows if r["candidate"] == "Q999999999001")
    assert (zinoviev["label"], zinoviev["candidate_label"], zinoviev["description"]) == (
        "Grigory Zinoviev", "Grigory Zinoviev", "test-only human")
    # Not proposed: a non-human namesake (002), an untyped one (004), a linked person (Stalin, 005),
    # a human named like an organ (007), a position nobody holds (009), a name differing in case (010).
    assert any("candidates for" in line for line in result.stderr.splitlines())


def test_the_endpoint_sees_our_user_agent(build_dir, endpoint):
    before = len(endpoint.user_agents)
    assert _run(build_dir, "--endpoint", endpoint.url).exit_code == 0
    assert len(endpoint.user_agents) > before
    assert all(agent.startswith("Apparat/") for agent in endpoint.user_agents[before:])


def test_the_build_is_not_changed(build_dir, endpoint):
    def files():
        return {(str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in build_dir.rglob("*") if p.is_file()}

    before = files()
    assert _run(build_dir, "--endpoint", endpoint.url).exit_code == 0
    assert files() == before


def test_an_unreachable_endpoint_is_a_clear_error(build_dir):
    result = _run(build_dir, "--endpoint", "http://127.0.0.1:9/sparql", "--timeout", "5")
    assert result.exit_code == 1
    assert "<http://127.0.0.1:9/sparql> could not be queried" in result.stderr
