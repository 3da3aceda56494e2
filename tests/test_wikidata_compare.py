"""The federated comparisons with Wikidata (queries/wikidata-life-dates.rq and
queries/wikidata-positions-compared.rq), run on loopback as in test_federation.py:
a second real endpoint (another Apparat server) publishes the Wikidata-shaped
fixture tests/data/wikidata-compare.ttl, is put in the SERVICE allowlist by
configuration, and each saved query's SERVICE IRI is pointed at it. The fixture
plants disagreements with our data; each query must list exactly those."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from harness import ServerProcess, stand_in_endpoint

ROOT = Path(__file__).resolve().parents[1]
WIKIDATA = "https://query.wikidata.org/sparql"
FIXTURE = ROOT / "tests" / "data" / "wikidata-compare.ttl"
JSON = "application/sparql-results+json"


@pytest.fixture(scope="module")
def remote(tmp_path_factory):
    with stand_in_endpoint(tmp_path_factory.mktemp("wikidata"), FIXTURE.read_text(encoding="utf-8")) as endpoint:
        yield endpoint


@pytest.fixture(scope="module")
def federating(build_dir, remote):
    with ServerProcess(build_dir, "--workers", "1", env={"APPARAT_SERVICE_ALLOWLIST": remote}) as server:
        yield server.base_url


def run_saved(federating, remote, name):
    text = (ROOT / "queries" / f"{name}.rq").read_text()
    assert WIKIDATA in text
    response = requests.post(federating + "/sparql", data={"query": text.replace(WIKIDATA, remote)},
                             timeout=120, headers={"Accept": JSON})
    assert response.status_code == 200, response.text[:2000]
    return [{k: v["value"] for k, v in b.items()} for b in response.json()["results"]["bindings"]]


def slug(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


def test_wikidata_life_dates_lists_linked_persons_and_flags_the_planted_disagreements(federating, remote):
    found = {slug(r["person"]): r for r in run_saved(federating, remote, "wikidata-life-dates")}
    # every linked person of ours that the fixture labels (not Kaganovich: no label there)
    assert sorted(found) == ["bukharin", "khrushchev", "krupskaya", "lenin", "stalin", "trotsky",
                             "ulyanova", "yagoda"]
    assert found["bukharin"]["wikidataLabel"] == "Nikolai Bukharin"
    assert slug(found["bukharin"]["wikidata"]) == "Q186709"
    flagged = {(p, what) for p, r in found.items() for what in ("birth", "death")
               if r[f"{what}Disagrees"] == "true"}
    # planted: Bukharin's birth (1888-10-10 against our 1888-10-09), Krupskaya's death
    # (1939-02-28 against 1939-02-27); Trotsky's 1879-11-07 agrees with our year 1879,
    # Lenin's 1924-01-21 with both of ours (1924-01-21 and 1924)
    assert flagged == {("bukharin", "birth"), ("krupskaya", "death")}
    assert (found["bukharin"]["born"], found["bukharin"]["wikidataBorn"]) == ("1888-10-09", "1888-10-10T00:00:00Z")
    assert found["trotsky"]["born"] == "1879" and found["trotsky"]["birthDisagrees"] == "false"
    assert sorted(found["lenin"]["died"].split()) == ["1924", "1924-01-21"]
    assert found["stalin"]["born"] == "" and found["stalin"]["birthDisagrees"] == "false"


def test_wikidata_positions_compared_lists_exactly_the_planted_disagreements(federating, remote):
    found = run_saved(federating, remote, "wikidata-positions-compared")
    rows = {(slug(r["person"]), slug(r["organ"]), slug(r["role"]), r["disagreement"], slug(r.get("statement", "")))
            for r in found}
    assert rows == {
        # a P39 statement we lack
        ("kaganovich", "politburo", "full-member", "missing here", "kaganovich-pb"),
        ("kaganovich", "orgburo", "full-member", "missing here", "kaganovich-ob"),
        # the General Secretary: an end no end of ours agrees with (ours 1924-01-18, 1925-01-20, 1925-12-31)
        ("stalin", "secretariat", "general-secretary", "end differs", "stalin-gs-ended"),
        # a start differing at day precision (ours 1924-06-02); its end 1929-11 agrees at month precision
        ("bukharin", "politburo", "full-member", "start differs", "bukharin-pb"),
        # an end differing by year (ours 1936)
        ("yagoda", "central-committee", "full-member", "end differs", "yagoda-cc"),
        # memberships of ours that no statement of the fixture stands for
        ("kaganovich", "secretariat", "secretary", "missing in Wikidata", ""),
        ("stalin", "central-committee", "full-member", "missing in Wikidata", ""),
        ("stalin", "secretariat", "secretary", "missing in Wikidata", ""),
    }
    assert len(found) == len(rows)
    start = next(r for r in found if r["disagreement"] == "start differs")
    assert (start["ourStarts"], start["wikidataStart"]) == ("1924-06-02", "1924-06-12T00:00:00Z")
    end = next(r for r in found if r["disagreement"] == "end differs" and slug(r["person"]) == "yagoda")
    assert (end["ourEnds"], end["wikidataEnd"]) == ("1936", "1938-01-01T00:00:00Z")
    post = next(r for r in found if r["disagreement"] == "end differs" and slug(r["person"]) == "stalin")
    assert (sorted(post["ourEnds"].split()), post["wikidataEnd"]) == (["1924-01-18", "1925-01-20", "1925-12-31"],
                                                                      "1930-01-01T00:00:00Z")
