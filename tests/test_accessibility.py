"""Accessibility: axe-core (npm ``axe-core``, installed by ``make setup`` into
node_modules, never from a CDN) injected by selenium into the pages a reader
meets — the home page, search results, a person page with its timeline, an
organ page with its chart, a source's line page, a saved query's page, and the
query editor before and after a run, with its table and with each of its own
views (Timeline, Chart: server/static/yasr-views.js) showing a result — finds
no violation of impact "serious" or "critical". Each page's screenshot goes to the artefacts folder, as in
test_web_browser.py."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest
from test_browser import CHROMEDRIVER, CHROMIUM, browser, wait_for  # noqa: F401 (the fixture)
from test_editor import needs_editor
from test_web_browser import _shoot, artefacts  # noqa: F401 (a fixture)

AXE = Path(__file__).resolve().parents[1] / "node_modules" / "axe-core" / "axe.min.js"
pytestmark = [
    pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER),
                       reason="needs chromium and chromedriver (Debian packages chromium, chromium-driver; "
                              "`make test` installs them)"),
    pytest.mark.skipif(not AXE.is_file(),
                       reason=f"needs axe-core: {AXE} is missing (`make setup` installs it with npm)"),
]
BLOCKING = {"serious", "critical"}

#: (page, an element that says it has drawn)
PAGES = [
    ("/", "#home-q"),
    ("/search?q=Bucharin", "#results li a"),
    ("/id/person/bukharin", "svg.timeline"),
    ("/id/organ/politburo", "svg.composition"),
    ("/source/rogovin-1992/lines/6867-6867", "#citation"),
    ("/queries/politburo-in-year?year=1926", "table"),
    ("/queries/person-career?person=bukharin", "svg.timeline"),
]


def axe_violations(driver) -> list[dict]:
    """Run axe-core on the page the driver shows; its violations (WCAG 2 A/AA and best practice)."""
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    driver.set_script_timeout(60)
    found = driver.execute_async_script("""const done = arguments[arguments.length - 1];
      axe.run(document).then(r => done(r.violations)).catch(e => done(String(e)));""")
    assert isinstance(found, list), found  # a string is axe's own error
    return found


def blocking(violations: list[dict]) -> list[str]:
    return [f"[{v['impact']}] {v['id']}: {v['help']} — " + "; ".join(str(n["target"]) for n in v["nodes"][:5])
            for v in violations if v["impact"] in BLOCKING]


@pytest.mark.parametrize(("path", "drawn"), PAGES)
def test_page_has_no_serious_accessibility_violation(browser, live_server, artefacts, path, drawn):  # noqa: F811
    browser.set_window_size(1000, 900)
    browser.get(live_server + path)
    wait_for(browser, drawn)
    violations = axe_violations(browser)
    _shoot(browser, artefacts, "axe" + path.replace("/", "_").replace("?", "_"))
    assert blocking(violations) == []
    # the landmarks every page has (axe's moderate rules, kept passing too)
    assert not {v["id"] for v in violations} & {"landmark-one-main", "region", "landmark-unique"}


@needs_editor
def test_the_query_editor_has_no_serious_accessibility_violation(browser, live_server, artefacts):  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.set_window_size(1000, 900)
    browser.get(live_server + "/sparql")
    wait_for(browser, ".yasqe .CodeMirror")
    assert blocking(axe_violations(browser)) == []
    browser.find_element(By.CSS_SELECTOR, ".yasqe_queryButton").click()  # the default query: the organs
    WebDriverWait(browser, 30).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".yasr table tbody tr")) > 5)
    assert blocking(axe_violations(browser)) == []
    _shoot(browser, artefacts, "axe_sparql_after_a_run")


#: (a view of our own, the SVG it draws, a query whose rows it draws)
VIEWS = [
    ("timeline", "svg.yasr-timeline",
     "SELECT ?organ ?from ?until WHERE { ?m org:member apid:person\\/bukharin ; org:organization ?organ ; "
     "ap:heldFrom ?from . OPTIONAL { ?m ap:heldUntil ?until } }"),
    ("chart", "svg.yasr-chart",
     "SELECT ?organ (COUNT(DISTINCT ?p) AS ?members) WHERE { ?m org:organization ?organ ; org:member ?p } "
     "GROUP BY ?organ ORDER BY DESC(?members) ?organ LIMIT 12"),
]


@needs_editor
@pytest.mark.parametrize(("view", "drawn", "query"), VIEWS, ids=[v[0] for v in VIEWS])
def test_the_editor_s_own_views_have_no_serious_accessibility_violation(browser, live_server, artefacts,  # noqa: F811
                                                                       view, drawn, query):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.set_window_size(1000, 900)
    browser.get(live_server + "/sparql?query=" + quote(query))
    wait_for(browser, ".yasqe .CodeMirror")
    browser.find_element(By.CSS_SELECTOR, ".yasqe_queryButton").click()
    WebDriverWait(browser, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".yasr table tbody tr"))
    browser.find_element(By.CSS_SELECTOR, f".yasr .select_{view}").click()
    wait_for(browser, drawn + " g.bar")
    assert browser.find_elements(By.CSS_SELECTOR, f".yasr .select_{view}.selected")  # that view is the one shown
    violations = axe_violations(browser)
    _shoot(browser, artefacts, f"axe_sparql_{view}")
    assert blocking(violations) == []
    # nor any lesser finding inside the drawing or its note (the bundle's own parts may keep minor ones)
    assert [v["id"] for v in violations for n in v["nodes"] if any("yasr-" in t or "view-note" in t
                                                                   for t in map(str, n["target"]))] == []
