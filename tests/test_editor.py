"""The query editor at /sparql (YASGUI, from npm, served by our own server):
in headless Chromium a permalink opens the editor with its query, running it
shows the rows the protocol answers over plain HTTP, and the page loads
nothing from anywhere but our server. Over HTTP: the editor's files answer
200, SPARQL clients still get the protocol's answers, and without the files
/sparql is the plain form saying how to install the editor."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest
import requests
from test_browser import CHROMEDRIVER, CHROMIUM, browser, wait_for  # noqa: F401  (browser is a fixture)
from test_web_browser import artefacts  # noqa: F401  (a fixture: $APPARAT_TEST_ARTEFACTS or a temporary folder)

from apparat.namespaces import shorten

EDITOR_DIR = Path(__file__).resolve().parents[1] / "node_modules" / "@zazuko" / "yasgui" / "build"
needs_editor = pytest.mark.skipif(
    not (EDITOR_DIR / "yasgui.min.js").is_file(),
    reason=f"needs the query editor: {EDITOR_DIR} is missing (`make setup` installs it with npm)",
)
needs_chromium = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER),
    reason="needs chromium and chromedriver (Debian packages chromium, chromium-driver; `make test` installs them)",
)

# No PREFIX lines: the endpoint predeclares ap: and apid:, the page declares them for the editor.
ORGANS = ("SELECT ?organ WHERE { VALUES ?organ { apid:organ\\/politburo apid:organ\\/orgburo } "
          "?organ a ap:PartyOrgan } ORDER BY ?organ")
# The English or untagged rdfs:label of each row of a one-column query, in its order: what the table shows.
LABELS = ("SELECT ?label WHERE { { %s } ?organ rdfs:label ?label "
          "FILTER(LANG(?label) = '' || LANGMATCHES(LANG(?label), 'en')) } ORDER BY ?organ")
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def protocol_rows(base: str, query: str) -> list[list[str]]:
    response = requests.get(base + "/sparql", params={"query": query},
                            headers={"Accept": "application/sparql-results+json"}, timeout=30)
    assert response.status_code == 200
    data = response.json()
    return [[row[v]["value"] for v in data["head"]["vars"]] for row in data["results"]["bindings"]]


@needs_editor
def test_editor_files_answer(live_server):
    for name, media_type in (("yasgui.min.js", "javascript"), ("yasgui.min.css", "text/css")):
        response = requests.get(f"{live_server}/static/yasgui/{name}", timeout=10)
        assert response.status_code == 200
        assert media_type in response.headers["Content-Type"]
        assert len(response.content) > 10_000
    assert requests.get(live_server + "/static/yasgui/nothing.js", timeout=10).status_code == 404
    prefixes = requests.get(live_server + "/static/yasgui-prefixes.json", timeout=10).json()
    assert prefixes["apid"] == "https://w3id.org/apparat/id/"


@needs_editor
def test_a_browser_gets_the_editor_and_clients_the_answer(live_server):
    page = requests.get(live_server + "/sparql", params={"query": ORGANS}, headers={"Accept": BROWSER_ACCEPT},
                        timeout=10)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert "/static/yasgui/yasgui.min.js" in page.text
    assert "Accept" in page.headers["Vary"]
    # YASGUI's share link adds its own parameters: still the page
    shared = requests.get(live_server + "/sparql", params={"query": ORGANS, "endpoint": live_server + "/sparql",
                                                           "requestMethod": "POST", "tabTitle": "Query"},
                          headers={"Accept": BROWSER_ACCEPT}, timeout=10)
    assert shared.headers["Content-Type"].startswith("text/html") and "VALUES ?organ" in shared.text
    assert "PREFIX apid: &lt;https://w3id.org/apparat/id/&gt;" not in page.text  # JSON, not HTML-escaped
    for accept in ("*/*", "application/sparql-results+json", ""):
        response = requests.get(live_server + "/sparql", params={"query": ORGANS},
                                headers={"Accept": accept} if accept else {}, timeout=10)
        assert response.headers["Content-Type"].startswith("application/sparql-results+json"), accept
    # an explicit format wins over the browser's Accept
    response = requests.get(live_server + "/sparql", params={"query": ORGANS, "format": "csv"},
                            headers={"Accept": BROWSER_ACCEPT}, timeout=10)
    assert response.headers["Content-Type"].startswith("text/csv")


def test_without_the_editor_files_the_page_is_the_plain_form(build_dir, tmp_path):
    from apparat.web import create_app

    app = create_app({"build_dir": build_dir, "editor_dir": tmp_path})
    try:
        client = app.test_client()
        page = client.get("/sparql", query_string={"query": ORGANS}, headers={"Accept": BROWSER_ACCEPT})
        text = page.get_data(as_text=True)
        assert page.status_code == 200 and "<textarea" in text
        assert "make setup" in text and "VALUES ?organ" in text
        assert client.get("/static/yasgui/yasgui.min.js").status_code == 404
    finally:
        app.extensions["apparat"].pool.close()


@needs_editor
@needs_chromium
def test_permalink_opens_the_editor_and_runs_to_the_table(browser, live_server, artefacts):  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    expected = protocol_rows(live_server, ORGANS)
    assert expected == [["https://w3id.org/apparat/id/organ/orgburo"], ["https://w3id.org/apparat/id/organ/politburo"]]

    browser.get(live_server + "/sparql?query=" + quote(ORGANS))
    wait_for(browser, ".yasqe .CodeMirror")
    text = browser.execute_script("return yasgui.getTab().getQuery()")
    assert text.endswith(ORGANS)
    assert "PREFIX apid: <https://w3id.org/apparat/id/>" in text
    assert "VALUES ?organ" in browser.find_element(By.CSS_SELECTOR, ".yasqe .CodeMirror-code").text
    assert browser.execute_script("return yasgui.getTab().getEndpoint()") == live_server + "/sparql"

    browser.find_element(By.CSS_SELECTOR, ".yasqe_queryButton").click()
    # each IRI with its label beside it, once the table's one label query has come back
    WebDriverWait(browser, 20).until(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, ".yasr table tbody td .iri-label")) >= len(expected))
    rows = [[td.find_element(By.CSS_SELECTOR, "a.iri").text for td in tr.find_elements(By.CSS_SELECTOR, "td")[1:]]
            for tr in browser.find_elements(By.CSS_SELECTOR, ".yasr table tbody tr")]  # the first column numbers rows
    assert rows == [[shorten(iri) for iri in row] for row in expected]  # our prefixes, as the table shows IRIs
    assert rows == [["apid:organ/orgburo"], ["apid:organ/politburo"]]
    labels = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".yasr table tbody td .iri-label")]
    assert labels == [label for (label,) in protocol_rows(live_server, LABELS % ORGANS)]
    browser.save_screenshot(str(artefacts / "editor-table.png"))

    # the address bar is now the permalink; the page loaded nothing from elsewhere
    assert "query=" in browser.current_url and "VALUES" in requests.utils.unquote(browser.current_url)
    origins = {urlsplit(u).netloc for u in browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)")}
    assert origins <= {urlsplit(live_server).netloc}


@needs_editor
@needs_chromium
def test_the_table_shows_labels_beside_iris_and_filters_by_them(browser, live_server):  # noqa: F811
    """The table's IRIs get their rdfs:label beside them (one query of the page's own); the row filter matches a
    word only the label holds; an IRI the data does not label (a class IRI, here rdf:type's) stays bare."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    people = ("SELECT ?person ?kind WHERE { VALUES ?person { apid:person\\/bukharin apid:person\\/kamenev "
              "apid:person\\/zinoviev } BIND(rdf:type AS ?kind) } ORDER BY ?person")
    expected = protocol_rows(live_server, LABELS.replace("?organ", "?person") % people.replace(" ?kind", "", 1))
    assert len(expected) == 3 and all(label for (label,) in expected)
    first_names = [label.split()[0] for (label,) in expected]
    assert not any(name.lower() in "bukharin kamenev zinoviev" for name in first_names)  # the slug cannot match

    browser.get(live_server + "/sparql?query=" + quote(people))
    wait_for(browser, ".yasqe .CodeMirror")
    browser.find_element(By.CSS_SELECTOR, ".yasqe_queryButton").click()
    WebDriverWait(browser, 20).until(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, ".yasr table tbody td .iri-label")) >= 3)
    cells = [[td.text for td in tr.find_elements(By.CSS_SELECTOR, "td")[1:]]
             for tr in browser.find_elements(By.CSS_SELECTOR, ".yasr table tbody tr")]
    assert [row[0] for row in cells] == [f"{shorten(iri)} {label}" for iri, (label,) in zip(
        [r[0] for r in protocol_rows(live_server, people)], expected, strict=True)]
    assert {row[1] for row in cells} == {"rdf:type"}  # no label in the data: as the bundle draws it

    browser.find_element(By.CSS_SELECTOR, ".yasr input.tableFilter").send_keys(first_names[1])
    WebDriverWait(browser, 10).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".yasr table tbody tr")) == 1)
    assert browser.find_element(By.CSS_SELECTOR, ".yasr table tbody td .iri-label").text == expected[1][0]


# 120 persons with their number of memberships: more rows than a page (50), and counts of one and two digits.
COUNTS = ("SELECT ?person ?n WHERE { ?person a ap:Person . { SELECT ?person (COUNT(?m) AS ?n) WHERE { "
          "?m org:member ?person } GROUP BY ?person } } ORDER BY ?person LIMIT 120")


@needs_editor
@needs_chromium
def test_the_table_pages_and_sorts_the_answer(browser, live_server, artefacts):  # noqa: F811
    """The table shows 50 rows a page: forward and to the last page, the next rows of the answer in its order,
    each IRI with its label (the rows of every page labelled, not only the first's). A click on a column's
    head sorts by it: a count as a number (75 before 8, not between 8 and 7), an IRI as text, each way; the
    row number stays the row's place in the answer."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
    from test_web_browser import _shoot

    expected = protocol_rows(live_server, COUNTS)
    assert len(expected) == 120
    counts = [int(n) for _, n in expected]
    assert max(counts) >= 10 and min(counts) < 10  # lexical and numeric order differ
    names = {}
    for iri, label in protocol_rows(live_server, f"SELECT ?person ?label WHERE {{ {{ {COUNTS} }} ?person rdfs:label "
                                    "?label FILTER(LANG(?label) = '' || LANGMATCHES(LANG(?label), 'en')) }"):
        names.setdefault(iri, set()).add(label)
    assert set(names) == {iri for iri, _ in expected}

    browser.set_window_size(1200, 900)
    browser.get(live_server + "/sparql?query=" + quote(COUNTS))
    wait_for(browser, ".yasqe .CodeMirror")
    browser.find_element(By.CSS_SELECTOR, ".yasqe_queryButton").click()
    WebDriverWait(browser, 20).until(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, ".yasr table tbody td .iri-label")) == 50)

    def shown() -> list[tuple[int, str, int, str]]:
        """The page's rows: row number, IRI as the table prints it, count, label (one script, not a call a cell)."""
        cells = browser.execute_script("""return [...document.querySelectorAll('.yasr table tbody tr')].map(tr => {
            const td = tr.querySelectorAll('td'), label = td[1].querySelector('.iri-label');
            return [td[0].textContent, td[1].querySelector('a.iri').textContent, td[2].textContent,
                    label ? label.textContent : ''];
        })""")
        return [(int(n), iri, int(count.split('"')[1]), label) for n, iri, count, label in cells]

    def answer(numbers) -> list[tuple[int, str, int]]:
        return [(i, shorten(expected[i - 1][0]), counts[i - 1]) for i in numbers]

    def turn(button: str, first: int) -> list[tuple[int, str, int, str]]:
        browser.find_element(By.CSS_SELECTOR, f".yasr button.dt-paging-button.{button}").click()
        WebDriverWait(browser, 10).until(lambda d: shown()[0][0] == first and all(r[3] for r in shown()))
        return shown()

    def labelled(rows) -> bool:
        return all(label in names[expected[number - 1][0]] for number, _, _, label in rows)

    page = shown()
    assert [r[:3] for r in page] == answer(range(1, 51)) and labelled(page)
    page = turn("next", 51)
    assert [r[:3] for r in page] == answer(range(51, 101)) and labelled(page)
    page = turn("last", 101)
    assert [r[:3] for r in page] == answer(range(101, 121)) and labelled(page)
    _shoot(browser, artefacts, "editor-table-last-page")

    def sort(column: int, direction: str) -> list[tuple[int, str, int, str]]:
        head = browser.find_elements(By.CSS_SELECTOR, ".yasr table thead th")[column]
        head.find_element(By.CSS_SELECTOR, ".dt-column-order").click()
        WebDriverWait(browser, 10).until(lambda d: head.get_attribute("aria-sort") == direction)
        return shown()

    by_count = sorted(range(1, 121), key=lambda i: counts[i - 1])
    page = sort(2, "ascending")  # back to the first page, the smallest counts
    assert [r[2] for r in page] == [counts[i - 1] for i in by_count[:50]]
    assert [r[:3] for r in page] == answer(r[0] for r in page)  # each row still the answer's row of its number
    page = sort(2, "descending")
    assert [r[2] for r in page] == sorted(counts, reverse=True)[:50] and page[0][2] == max(counts)
    assert [r[:3] for r in page] == answer(r[0] for r in page)
    _shoot(browser, artefacts, "editor-table-by-count")
    sort(1, "ascending")
    page = sort(1, "descending")
    assert [r[0] for r in page] == list(range(120, 70, -1))  # the answer was ordered by IRI: now reversed
    assert [r[:3] for r in page] == answer(range(120, 70, -1)) and labelled(page)


@needs_editor
@needs_chromium
def test_wikidata_prefixes_are_declared_errors_marked_and_the_raw_response_shown(browser, live_server):  # noqa: F811
    """A permalink using Wikidata's prefixes (and ours) with no PREFIX line opens with each declared and no
    error mark; a broken line gets the editor's error mark, taken away when mended; the Response view
    shows the endpoint's JSON as the protocol sends it."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from apparat.namespaces import PREFIXES

    wikidata = ("wd", "wdt", "p", "ps", "pq", "pr", "wikibase")
    query = ("SELECT ?item ?claim WHERE { VALUES (?item ?claim) { (wd:Q1 wdt:P31) (wd:Q2 p:P31) (wd:Q3 ps:P31) "
             "(wd:Q4 pq:P580) (wd:Q5 pr:P248) (wd:Q6 wikibase:rank) (apid:organ\\/politburo ap:heldFrom) } }")
    browser.get(live_server + "/sparql?query=" + quote(query))
    wait_for(browser, ".yasqe .CodeMirror")
    text = browser.execute_script("return yasgui.getTab().getQuery()")
    for prefix in (*wikidata, "ap", "apid"):
        assert f"PREFIX {prefix}: <{PREFIXES[prefix]}>" in text, prefix
    assert not browser.find_elements(By.CSS_SELECTOR, ".yasqe .parseErrorIcon")
    assert browser.execute_script("return yasgui.getTab().getYasqe().queryValid") is True

    browser.execute_script("yasgui.getTab().getYasqe().setValue(arguments[0])", text.replace("WHERE {", "WHERE { )", 1))
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".yasqe .parseErrorIcon"))
    assert browser.execute_script("return yasgui.getTab().getYasqe().queryValid") is False
    browser.execute_script("yasgui.getTab().getYasqe().setValue(arguments[0])", text)
    WebDriverWait(browser, 10).until(lambda d: not d.find_elements(By.CSS_SELECTOR, ".yasqe .parseErrorIcon"))

    browser.find_element(By.CSS_SELECTOR, ".yasqe_queryButton").click()
    wait_for(browser, ".yasr table tbody tr")
    browser.find_element(By.CSS_SELECTOR, ".yasr .select_response").click()
    raw = WebDriverWait(browser, 10).until(lambda d: d.execute_script(
        "const cm = document.querySelector('.yasr .yasr_results .CodeMirror'); return cm && cm.CodeMirror.getValue()"))
    import json

    shown = json.loads(raw)
    assert shown["head"]["vars"] == ["item", "claim"]
    assert [[b[v]["value"] for v in ("item", "claim")] for b in shown["results"]["bindings"]] == \
        protocol_rows(live_server, text)


@needs_editor
@needs_chromium
def test_examples_open_the_saved_queries_in_the_editor(browser, live_server):  # noqa: F811
    from selenium.webdriver.common.by import By

    browser.get(live_server + "/sparql")
    wait_for(browser, ".yasqe .CodeMirror")
    links = browser.find_elements(By.CSS_SELECTOR, "#examples a")
    assert links and all(a.get_attribute("target") == "_blank" for a in links)
    href = links[0].get_attribute("href")
    saved = parse_qs(urlsplit(href).query)["query"][0]
    assert saved.strip()
    browser.get(href)
    wait_for(browser, ".yasqe .CodeMirror")
    assert browser.execute_script("return yasgui.getTab().getQuery()").endswith(saved)


@needs_editor
def test_the_examples_are_every_saved_query_bound_to_its_example_values(live_server):
    """The editor's examples are the saved queries, all of them, in their order; one with parameters is named
    with its OpenAPI example values and opens bound to them, giving the rows its page gives for them."""
    import re
    from urllib.parse import unquote

    from apparat.query.saved import find_saved_query

    page = requests.get(live_server + "/sparql", headers={"Accept": BROWSER_ACCEPT}, timeout=30).text
    examples = re.findall(r'<li><a href="/sparql\?query=([^"]*)" target="_blank" rel="noopener">'
                          r'([\w-]+)(?: \(([^)]*)\))?</a>', page)
    saved = requests.get(live_server + "/queries", headers={"Accept": "application/json"}, timeout=30).json()
    assert [name for _, name, _ in examples] == [q["name"] for q in saved["queries"]]
    assert len(examples) == 31
    openapi = requests.get(live_server + "/queries/openapi.json", timeout=30).json()
    takes = {q["name"]: q["parameters"] for q in saved["queries"]}
    bound = 0
    for query, name, said in examples:
        params = {p["name"]: str(p["example"]) for p in openapi["paths"][f"/queries/{name}"]["get"]["parameters"]
                  if "example" in p}
        assert said == ", ".join(f"{k}={v}" for k, v in params.items()), name
        if not takes[name]:
            assert unquote(query) == find_saved_query(Path(__file__).resolve().parents[1] / "queries", name).text
            continue
        text = unquote(query)
        assert "VALUES" in text, name
        answer = requests.get(f"{live_server}/queries/{name}", params={**params, "format": "json"}, timeout=60)
        assert answer.status_code == 200, name
        if answer.headers["Content-Type"].startswith("application/ld+json"):  # a CONSTRUCT: compare the triples
            expected, got = (sorted(requests.get(url, params={**extra, "format": "ntriples"}, timeout=60)
                                    .text.splitlines()) for url, extra in
                             ((f"{live_server}/queries/{name}", params), (f"{live_server}/sparql", {"query": text})))
        else:
            data = answer.json()
            expected = [[row[v]["value"] for v in data["head"]["vars"] if v in row]
                        for row in data["results"]["bindings"]]
            got = protocol_rows_sparse(live_server, text)
        assert got == expected and expected, name
        bound += 1
    assert bound == 16  # every query with a parameter (secretariat-after-congress's one has a default, no example)


def protocol_rows_sparse(base: str, query: str) -> list[list[str]]:
    """As :func:`protocol_rows`, leaving out unbound cells."""
    response = requests.get(base + "/sparql", params={"query": query},
                            headers={"Accept": "application/sparql-results+json"}, timeout=60)
    assert response.status_code == 200, response.text[-300:]
    data = response.json()
    return [[row[v]["value"] for v in data["head"]["vars"] if v in row] for row in data["results"]["bindings"]]


def test_the_editor_s_terms_are_the_build_s_classes_and_properties(live_server):
    terms = requests.get(live_server + "/static/yasgui-terms.json", timeout=30).json()
    declared = protocol_rows(live_server, """SELECT ?t ?type WHERE { GRAPH <https://w3id.org/apparat/graph/ontology> {
      ?t a ?type VALUES ?type { owl:Class owl:ObjectProperty owl:DatatypeProperty } } }""")
    classes = {t for t, kind in declared if kind.endswith("#Class")}
    properties = {t for t, kind in declared if not kind.endswith("#Class")}
    assert len(classes) > 40 and len(properties) > 60
    assert classes <= set(terms["classes"]) and properties <= set(terms["properties"])
    # and the outside vocabulary the data uses
    assert {"http://www.w3.org/ns/org#member", "http://www.w3.org/ns/prov#wasDerivedFrom"} <= set(terms["properties"])
    assert "http://www.w3.org/ns/org#Membership" in terms["classes"]
    assert terms["properties"] == sorted(set(terms["properties"]))


@needs_editor
@needs_chromium
def test_typing_a_prefix_of_our_property_offers_it(browser, live_server, artefacts):  # noqa: F811
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    def hints(expected: str) -> list[str]:
        """The hints once the typing has settled (the list narrows as each key arrives)."""
        def shown(d):
            return [li.text for li in d.find_elements(By.CSS_SELECTOR, ".CodeMirror-hints li")]
        try:
            WebDriverWait(browser, 10).until(lambda d: shown(d) == [expected])
        except TimeoutException:
            pass  # the assertion below shows what was offered
        return shown(browser)

    browser.set_window_size(1000, 900)
    browser.get(live_server + "/sparql")
    wait_for(browser, ".yasqe .CodeMirror")
    browser.execute_script("""const y = yasgui.getTab().getYasqe();
      y.setValue('PREFIX ap: <https://w3id.org/apparat/ontology#>\\nSELECT * WHERE {\\n  ?m ');
      y.focus(); y.execCommand('goDocEnd');""")
    box = browser.find_element(By.CSS_SELECTOR, ".yasqe .CodeMirror textarea")
    box.send_keys("ap:heldU")  # a property: in the predicate position
    assert hints("ap:heldUntil") == ["ap:heldUntil"]
    browser.save_screenshot(str(artefacts / "editor-completion.png"))
    box.send_keys(Keys.ENTER, " ?until .\n?m a ap:PartyO")  # a class: after `a`
    assert hints("ap:PartyOrgan") == ["ap:PartyOrgan"]
    box.send_keys(Keys.ENTER)
    query = browser.execute_script("return yasgui.getTab().getQuery()")
    assert "?m ap:heldUntil ?until ." in query and "?m a ap:PartyOrgan" in query
    origins = {urlsplit(u).netloc for u in browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)")}
    assert origins <= {urlsplit(live_server).netloc}  # no vocabulary service asked elsewhere


@needs_editor
@needs_chromium
def test_the_editor_draws_rows_with_dates_as_a_timeline_and_numbers_as_a_chart(browser, live_server,  # noqa: F811
                                                                              artefacts):  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    def run(query: str, view: str, css: str) -> list[str]:
        browser.get(live_server + "/sparql?query=" + quote(query))
        wait_for(browser, ".yasqe .CodeMirror")
        browser.find_element(By.CSS_SELECTOR, ".yasqe_queryButton").click()
        WebDriverWait(browser, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".yasr table tbody tr"))
        browser.find_element(By.CSS_SELECTOR, f".yasr .select_{view}").click()
        wait_for(browser, css)
        browser.save_screenshot(str(artefacts / f"editor-{view}.png"))
        return [t.get_attribute("textContent") for t in browser.find_elements(By.CSS_SELECTOR, css + " g.bar > title")]

    browser.set_window_size(1000, 900)
    careers = ("SELECT ?organ ?from ?until WHERE { ?m org:member apid:person\\/bukharin ; org:organization ?organ ; "
               "ap:heldFrom ?from . OPTIONAL { ?m ap:heldUntil ?until } }")
    bars = run(careers, "timeline", "svg.yasr-timeline")
    rows = requests.get(live_server + "/sparql", params={"query": careers},
                        headers={"Accept": "application/sparql-results+json"}, timeout=30).json()["results"]["bindings"]
    assert len(bars) == len(rows) > 20
    # each bar's tooltip: the row's other values, then its dates as stated (an open end: the start alone)
    assert sorted(bars) == sorted(f"{shorten(r['organ']['value'])}: " + " – ".join(
        r[v]["value"] for v in ("from", "until") if v in r) for r in rows)
    counts = ("SELECT ?organ (COUNT(DISTINCT ?p) AS ?members) WHERE { ?m org:organization ?organ ; org:member ?p } "
              "GROUP BY ?organ ORDER BY DESC(?members) ?organ LIMIT 12")
    bars = run(counts, "chart", "svg.yasr-chart")
    assert bars == [f"{shorten(organ)}: {n}" for organ, n in protocol_rows(live_server, counts)]


@needs_editor
@needs_chromium
def test_the_editor_links_the_answer_in_every_format_of_its_kind(browser, live_server, artefacts):  # noqa: F811
    """Below the editor, links to the answer of the query in it: a SELECT's as JSON, XML, CSV and TSV; after
    the query is changed to a CONSTRUCT, Turtle, N-Triples, JSON-LD and RDF/XML. Each link carries the
    editor's query, answers 200 in its media type and parses, with the rows or triples the protocol gives."""
    from rdflib.compare import isomorphic
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
    from test_web_pages import RESULT_KINDS, _parsed

    def followed(kind: str) -> dict:
        WebDriverWait(browser, 10).until(
            lambda d: d.find_element(By.ID, "download-links").get_attribute("data-kind") == kind)
        query = browser.execute_script("return yasgui.getTab().getQuery()")
        found = {}
        for link in browser.find_elements(By.CSS_SELECTOR, "#download-links a"):
            href = link.get_attribute("href")
            params = parse_qs(urlsplit(href).query)
            assert params["query"] == [query] and link.get_attribute("download").startswith("answer.")
            fmt = params["format"][0]
            answer = requests.get(href, timeout=30)
            assert answer.status_code == 200, (fmt, answer.text[-300:])
            assert answer.headers["Content-Type"].split(";")[0] == RESULT_KINDS[kind][fmt], fmt
            found[fmt] = _parsed(fmt, answer.text)
        assert list(found) == list(RESULT_KINDS[kind])
        return found

    browser.get(live_server + "/sparql?query=" + quote(ORGANS))
    wait_for(browser, ".yasqe .CodeMirror")
    rows = len(protocol_rows(live_server, ORGANS))
    assert rows == 2
    assert {fmt: len(body) for fmt, body in followed("results").items()} == dict.fromkeys(RESULT_KINDS["results"], rows)

    construct = ("PREFIX ap: <https://w3id.org/apparat/ontology#>\n"
                 "CONSTRUCT { ?organ a ap:PartyOrgan } WHERE { VALUES ?organ { "
                 "<https://w3id.org/apparat/id/organ/politburo> <https://w3id.org/apparat/id/organ/orgburo> } "
                 "?organ a ap:PartyOrgan }")
    browser.execute_script("yasgui.getTab().getYasqe().setValue(arguments[0])", construct)
    graphs = followed("graph")
    assert len(graphs["turtle"]) == 2
    assert all(isomorphic(graph, graphs["turtle"]) for graph in graphs.values())
    browser.save_screenshot(str(artefacts / "editor-downloads.png"))
