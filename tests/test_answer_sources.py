"""Every saved query's answer says which sources it draws on: Link headers in any format,
``head.link`` in SPARQL JSON results, ``<link>`` in XML results, a line on the page."""

from __future__ import annotations

import csv
import io
import re

import requests

SOURCE = "https://w3id.org/apparat/source/"
DERIVED = 'rel="http://www.w3.org/ns/prov#wasDerivedFrom"'


def linked(response) -> set[str]:
    return set(re.findall(r"<([^>]+)>; " + re.escape(DERIVED), response.headers.get("Link", "")))


def test_the_1926_politburo_draws_on_the_monograph_and_says_so(live_server):
    response = requests.get(live_server + "/queries/politburo-in-year", params={"year": 1926},
                            headers={"Accept": "application/sparql-results+json"}, timeout=30)
    assert response.status_code == 200
    results = response.json()
    spans = {b["source"]["value"] for b in results["results"]["bindings"]}
    assert {s.split("/lines/")[0] for s in spans} == {SOURCE + "rogovin-1992"}
    assert results["head"]["link"] == [SOURCE + "rogovin-1992"]
    assert linked(response) == {SOURCE + "rogovin-1992"}


def test_resignation_attempts_name_every_text_that_dates_one(live_server):
    response = requests.get(live_server + "/queries/resignation-attempts", params={"format": "csv"}, timeout=30)
    rows = list(csv.DictReader(io.StringIO(response.text)))
    named = {v.split("/lines/")[0] for r in rows for v in r.values() if v and "/lines/" in v}
    # 000 and 001 list the attempts, 004 narrates them (hand-checked: tests/test_saved_queries.py)
    assert {SOURCE + s for s in ("resignations-forum-2023", "four-attempts-blog", "rogovin-1992")} <= named
    assert linked(response) == named  # CSV has no place for them but the headers


def test_xml_results_carry_link_elements(live_server):
    response = requests.get(live_server + "/queries/politburo-in-year", params={"year": 1926},
                            headers={"Accept": "application/sparql-results+xml"}, timeout=30)
    head = response.text.split("</head>")[0]
    assert f'<link href="{SOURCE}rogovin-1992"/>' in head


def test_an_answer_without_line_spans_says_so(live_server):
    response = requests.get(live_server + "/queries/organ-hierarchy", params={"format": "json"}, timeout=30)
    assert "link" not in response.json()["head"] and "Link" not in response.headers
    page = requests.get(live_server + "/queries/organ-hierarchy", headers={"Accept": "text/html"}, timeout=30)
    assert "This answer names no line span of a source." in page.text


def test_the_page_names_each_source_with_its_title(live_server):
    page = requests.get(live_server + "/queries/politburo-in-year", params={"year": 1926},
                        headers={"Accept": "text/html"}, timeout=30)
    line = page.text.split('<p id="sources">')[1].split("</p>")[0]
    assert 'href="/source/rogovin-1992"' in line and "Was There an Alternative?" in line
    # and the link resolves: the source's page, from the catalogue of sources
    assert requests.get(live_server + "/source/rogovin-1992", headers={"Accept": "text/html"},
                        timeout=30).status_code == 200
