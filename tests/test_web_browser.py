"""The web face in a real headless Chromium (Debian's chromium and chromedriver):
search from the home page, a person's timeline counted against the
memberships, a source link followed to its line page, the Politburo's chart
read year by year against the saved query, and every page at 400 px wide.

Screenshots go to ``$APPARAT_TEST_ARTEFACTS`` (default: a folder under
pytest's temporary directory), never into the repository."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import requests
from test_browser import CHROMEDRIVER, CHROMIUM, browser, wait_for  # noqa: F401 (the fixture)

pytestmark = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER),
    reason="needs chromium and chromedriver (Debian packages chromium, chromium-driver; `make test` installs them)",
)
BASE = "https://w3id.org/apparat/"


@pytest.fixture(scope="module")
def artefacts(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("APPARAT_TEST_ARTEFACTS") or tmp_path_factory.getbasetemp() / "artefacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _shoot(driver, artefacts: Path, name: str) -> None:
    height = driver.execute_script("return document.documentElement.scrollHeight")
    width = driver.get_window_size()["width"]
    driver.set_window_size(width, min(max(height, 600), 6000))
    driver.save_screenshot(str(artefacts / f"{name}.png"))
    driver.set_window_size(width, 900)


def _select(live_server, query: str) -> list[dict]:
    answer = requests.post(live_server + "/sparql", data={"query": query},
                           headers={"Accept": "application/sparql-results+json"}, timeout=30)
    assert answer.status_code == 200, answer.text
    return [{k: v["value"] for k, v in b.items()} for b in answer.json()["results"]["bindings"]]


def test_search_from_the_home_page_finds_a_surname(browser, live_server, artefacts):  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.set_window_size(1000, 900)
    browser.get(live_server + "/")
    box = browser.find_element(By.ID, "home-q")
    box.send_keys("Bucharin", Keys.RETURN)
    first = wait_for(browser, "#results li a")
    assert first.text == "Nikolai Bukharin"
    _shoot(browser, artefacts, "search-bucharin")
    first.click()
    wait_for(browser, "svg.timeline")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Nikolai Bukharin"


def test_person_timeline_has_one_bar_per_membership(browser, live_server, artefacts):  # noqa: F811
    from selenium.webdriver.common.by import By

    browser.set_window_size(1000, 900)
    browser.get(live_server + "/id/person/bukharin")
    wait_for(browser, "svg.timeline")
    bars = browser.find_elements(By.CSS_SELECTOR, "svg.timeline g.bar")
    rows = browser.find_elements(By.CSS_SELECTOR, "tr.membership")
    memberships = _select(live_server, f"""SELECT ?m (SAMPLE(?c) AS ?candidate) WHERE {{
      ?m a org:Membership ; org:member <{BASE}id/person/bukharin> .
      BIND(EXISTS {{ ?m org:role <{BASE}id/role/candidate-member> }} AS ?c) }} GROUP BY ?m""")
    assert len(bars) == len(rows) == len(memberships) > 20
    assert {b.get_attribute("data-membership") for b in bars} == {m["m"] for m in memberships}
    candidates = {m["m"] for m in memberships if m["candidate"] == "true"}
    assert {b.get_attribute("data-membership") for b in bars if b.get_attribute("data-kind") == "candidate"} \
        == candidates and candidates
    # no end stated and none allowed: the bar ends in an arrow
    open_ended = {r["m"] for r in _select(live_server, f"""SELECT ?m WHERE {{
      ?m a org:Membership ; org:member <{BASE}id/person/bukharin> ; ap:heldFrom ?from .
      FILTER NOT EXISTS {{ ?m ap:heldUntil ?u }} FILTER NOT EXISTS {{ ?m ap:latestEnd ?l }} }}""")}
    arrows = {b.get_attribute("data-membership") for b in bars
              if b.find_elements(By.CSS_SELECTOR, "line[marker-end]")}
    assert arrows == open_ended
    _shoot(browser, artefacts, "person-bukharin")


def test_a_source_link_leads_to_its_line_page(browser, live_server, artefacts):  # noqa: F811
    from selenium.webdriver.common.by import By

    browser.set_window_size(1000, 900)
    browser.get(live_server + "/id/person/bukharin")
    link = wait_for(browser, "tr.membership td.refs a")
    text, href = link.text, link.get_attribute("href")
    browser.get(href)
    citation = wait_for(browser, "#citation")
    assert "/source/" in browser.current_url and "/lines/" in browser.current_url
    assert browser.find_element(By.TAG_NAME, "h1").text == text
    assert "lines" in citation.text or "line" in citation.text
    about = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "#citing a")]
    assert live_server + "/id/person/bukharin" in about
    _shoot(browser, artefacts, "line-page")


def test_politburo_chart_reads_as_the_saved_query_year_by_year(browser, live_server, artefacts):  # noqa: F811
    browser.set_window_size(1000, 900)
    browser.get(live_server + "/id/organ/politburo")
    wait_for(browser, "svg.composition")
    cells = browser.execute_script("""return Array.from(document.querySelectorAll('svg.composition rect.cell'))
      .map(r => [r.closest('g.person').dataset.person, Number(r.dataset.year), r.dataset.role]);""")
    chart: dict[tuple[int, str], set[str]] = {}
    for person, year, role in cells:
        chart.setdefault((year, role), set()).add(person)
    checked = 0
    for year in range(1917, 1954):
        answers = {}
        for role in ("full", "candidate"):
            answer = requests.get(live_server + "/queries/politburo-in-year", params={"year": year, "role": role},
                                  headers={"Accept": "application/sparql-results+json"}, timeout=60)
            answers[role] = {b["person"]["value"] for b in answer.json()["results"]["bindings"]}
        assert chart.get((year, "full"), set()) == answers["full"], year
        assert chart.get((year, "candidate"), set()) == answers["candidate"] - answers["full"], year
        checked += bool(answers["full"])
    assert checked > 5
    assert len(chart[(1926, "full")]) == 11  # README: eleven full members in 1926
    head = browser.execute_script(
        "return document.querySelector('svg.composition a.year[data-year=\"1926\"]').getAttribute('href')")
    assert head == "/queries/organ-members-in-year?organ=politburo&year=1926"
    _shoot(browser, artefacts, "organ-politburo")


@pytest.mark.parametrize("path", [
    "/", "/search?q=Bucharin", "/browse", "/browse/persons", "/id/person/bukharin", "/id/organ/politburo",
    "/id/event/party-congress-10", "/id/document/trotsky-letter-1932-01-04", "/id/role/chairman", "/id/place/achinsk",
    "/id/membership/bukharin/central-committee/full-member/1917-00-00",
    "/id/claim/rogovin-1992/appointed-bukharin-2041", "/id/conflict/event/party-congress-10/date",
    "/source/rogovin-1992", "/source/rogovin-1992/lines/6867-6867", "/graph/inferred", "/graph/source/rogovin-1992",
    "/ontology", "/queries", "/queries/politburo-in-year?year=1926", "/queries/person-career?person=bukharin",
    "/queries/wikidata-statements?person=bukharin", "/queries/politburo-in-year?year=abc", "/sparql"])
def test_pages_are_readable_400_px_wide(browser, live_server, artefacts, path):  # noqa: F811
    browser.set_window_size(400, 900)
    browser.get(live_server + path)
    wait_for(browser, "h1")
    overflow = browser.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{path} is {overflow} px wider than the window"
    _shoot(browser, artefacts, "narrow" + path.replace("/", "_").replace("?", "_"))


@pytest.mark.skipif(not (Path(__file__).resolve().parents[1] / "node_modules" / "@zazuko" / "yasgui" / "build"
                         / "yasgui.min.js").is_file(),
                    reason="needs the query editor (`make setup` installs it with npm)")
def test_the_editor_s_results_are_readable_400_px_wide(browser, live_server, artefacts):  # noqa: F811
    """A wide result table (three columns of full IRIs) scrolls in its own box, not the page."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.set_window_size(400, 900)
    browser.get(live_server + "/sparql?query=" + requests.utils.quote("SELECT * WHERE { ?s ?p ?o } LIMIT 10"))
    wait_for(browser, ".yasqe .CodeMirror")
    browser.find_element(By.CSS_SELECTOR, ".yasqe_queryButton").click()
    WebDriverWait(browser, 30).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".yasr table tbody tr")) == 10)
    overflow = browser.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the editor with its results is {overflow} px wider than the window"
    _shoot(browser, artefacts, "narrow_sparql_results")
