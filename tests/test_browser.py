"""The web pages in a real headless Chromium (Debian's chromium and
chromedriver, installed by `make test`): the plain query page (a server
without the editor's files) renders a result table, and a saved query's page
runs from its form. The editor (YASGUI) is tested in test_editor.py."""

from __future__ import annotations

import shutil

import pytest
from conftest import TEST_ENV
from harness import ServerProcess

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER),
    reason="needs chromium and chromedriver (Debian packages chromium, chromium-driver; `make test` installs them)",
)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium')}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def plain_server(build_dir, tmp_path_factory):
    """The app with no editor files (``editor_dir`` an empty folder): /sparql is the plain form."""
    env = {**TEST_ENV, "APPARAT_EDITOR_DIR": str(tmp_path_factory.mktemp("no-editor"))}
    with ServerProcess(build_dir, env=env) as server:
        yield server.base_url


def wait_for(driver, css: str, timeout: float = 20):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, css)))


def test_query_page_shows_results_as_a_table(browser, plain_server):
    from selenium.webdriver.common.by import By

    browser.get(plain_server + "/sparql")
    box = browser.find_element(By.ID, "query")
    box.clear()
    box.send_keys("SELECT ?organ WHERE { VALUES ?organ { apid:organ\\/politburo apid:organ\\/orgburo } "
                  "?organ a ap:PartyOrgan } ORDER BY ?organ")
    browser.find_element(By.ID, "run").click()
    table = wait_for(browser, "#results table")
    cells = [td.text for td in table.find_elements(By.CSS_SELECTOR, "td")]
    assert cells == ["https://w3id.org/apparat/id/organ/orgburo", "https://w3id.org/apparat/id/organ/politburo"]
    assert browser.find_element(By.ID, "status").text == "2 rows."


def test_query_page_shows_the_parser_error(browser, plain_server):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(plain_server + "/sparql")
    box = browser.find_element(By.ID, "query")
    box.clear()
    box.send_keys("SELECT * WHERE { ?s ?p }")
    browser.find_element(By.ID, "run").click()
    WebDriverWait(browser, 20).until(lambda d: d.find_element(By.ID, "status").text.startswith("Error"))
    assert "Error 400" in browser.find_element(By.ID, "status").text
    assert "line 1, column" in browser.find_element(By.ID, "status").text


def test_saved_query_page_runs_from_its_form(browser, live_server):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    browser.get(live_server + "/queries/politburo-in-year")
    assert "Fill in: year" in browser.page_source
    field = browser.find_element(By.NAME, "year")
    field.send_keys("1926")
    Select(browser.find_element(By.NAME, "role")).select_by_visible_text("candidate")
    browser.find_element(By.CSS_SELECTOR, "#saved-query button").click()
    table = wait_for(browser, "#results")
    people = {a.text.rsplit("/", 1)[-1] for a in table.find_elements(By.CSS_SELECTOR, "tbody tr td:first-child a")}
    # rogovin-1992 4864 (five candidates from July 1926), 4712 and 5669 (Kamenev), 6957, 7005
    assert people == {"andreev", "kaganovich", "kamenev", "kirov", "mikoyan", "ordzhonikidze", "rudzutak", "syrtsov"}
    assert browser.find_element(By.ID, "count").text == "9 rows"  # Kamenev by two statements


def test_entity_page_links_back_to_its_sources(browser, live_server):
    from selenium.webdriver.common.by import By

    browser.get(live_server + "/id/person/bukharin")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Nikolai Bukharin"
    assert "https://w3id.org/apparat/graph/source/rogovin-1992" in browser.page_source
