"""The web face over real HTTP (granian, 127.0.0.1): the home page, search,
browse indexes, entity pages, source and line pages, graph pages, and a crawl
of every link two steps from the home page. Browser checks of the pictures are
in test_web_browser.py."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
import requests
from conftest import CORPUS, ROOT, TEST_ENV
from harness import ServerProcess
from rdflib import Graph, URIRef
from rdflib.namespace import RDFS

BASE = "https://w3id.org/apparat/"
HTML = {"Accept": "text/html"}
JSON = {"Accept": "application/json"}


class _Elements(HTMLParser):
    """Every start tag with its attributes."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def elements(html: str, tag: str, cls: str | None = None) -> list[dict]:
    parser = _Elements()
    parser.feed(html)
    return [a for t, a in parser.tags if t == tag and (cls is None or cls in (a.get("class") or "").split())]


def links(html: str) -> list[str]:
    return [a["href"] for a in elements(html, "a") if a.get("href")]


def select(live_server, query: str) -> list[dict]:
    answer = requests.post(live_server + "/sparql", data={"query": query},
                           headers={"Accept": "application/sparql-results+json"}, timeout=30)
    assert answer.status_code == 200, answer.text
    return [{k: v["value"] for k, v in b.items()} for b in answer.json()["results"]["bindings"]]


def test_home_page_says_what_the_dataset_holds(live_server, build_dir):
    import json

    page = requests.get(live_server + "/", headers=HTML, timeout=30)
    assert page.status_code == 200
    indexes = requests.get(live_server + "/browse", headers=JSON, timeout=30).json()
    for name, index in indexes.items():
        assert f'<a href="/browse/{name}">{index["count"]} ' in page.text
    assert indexes["persons"]["count"] == 257  # the gazetteer's persons (README)
    manifest = json.loads((build_dir / "build.json").read_text())
    assert f'{manifest["asserted"]} asserted and {manifest["inferred"]} inferred triples' in page.text
    (conflicts,) = select(live_server, "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a ap:Conflict }")
    assert f'{conflicts["n"]} points on which the sources disagree' in page.text
    examples = [href for href in links(page.text) if href.startswith("/queries/") and "?" in href]
    assert "/queries/politburo-in-year?year=1926" in examples
    for href in examples:  # every example question is answered
        assert requests.get(live_server + href, headers=HTML, timeout=60).status_code == 200, href


def test_search_forgives_a_transliteration_variant(live_server):
    answer = requests.get(live_server + "/search", params={"q": "Bucharin"}, headers=JSON, timeout=30)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("application/json")
    first = answer.json()["results"][0]
    assert (first["iri"], first["kind"], first["url"]) == (BASE + "id/person/bukharin", "person", "/id/person/bukharin")
    same = requests.get(live_server + "/search", params={"q": "Bucharin", "format": "json"}, timeout=30).json()
    assert same["results"] == answer.json()["results"]


@pytest.mark.parametrize(("q", "slug"), [
    ("BUKHARIN", "bukharin"),             # case
    ("guetier", "guetier"),               # the gazetteer's variant Guétier, accent dropped
    ("Guétier", "guetier"),
    ("Kamanev", "kamenev"),               # a spelling variant the gazetteer lists
    ("Pjatakov", "piatakov"),             # y/i/j (the gazetteer: Piatakov, Pyatakov)
    ("Zinov'ev", "zinoviev"),             # apostrophe and ie/e
    ("Kvirring", "kviring"),              # doubled letters
    ("Dzerzhinskii", "dzerzhinsky"),      # -ii/-y
    ("Stalin", "stalin"),
])
def test_search_finds_persons_by_any_of_their_names(live_server, q, slug):
    results = requests.get(live_server + "/search", params={"q": q}, headers=JSON, timeout=30).json()["results"]
    assert results and results[0]["iri"] == f"{BASE}id/person/{slug}", [r["iri"] for r in results[:3]]


def test_search_finds_organs_by_abbreviation_and_other_names(live_server):
    results = requests.get(live_server + "/search", params={"q": "politburo"}, headers=JSON, timeout=30).json()
    assert results["results"][0]["iri"] == BASE + "id/organ/politburo"


def test_search_page_in_a_browser_lists_links(live_server):
    page = requests.get(live_server + "/search", params={"q": "bucharin"}, headers=HTML, timeout=30)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert '<a href="/id/person/bukharin">Nikolai Bukharin</a>' in page.text


@pytest.mark.parametrize(("params", "headers", "message"), [
    ({"q": "x" * 201}, HTML, "limited to 200 characters"),
    ({"q": "x", "format": "xml"}, HTML, "format must be json or html"),
    ({}, JSON, "q is required"),
])
def test_bad_search_is_a_clear_400(live_server, params, headers, message):
    answer = requests.get(live_server + "/search", params=params, headers=headers, timeout=30)
    assert answer.status_code == 400
    assert message in answer.text
    assert requests.get(live_server + "/search", params={"q": "Stalin"}, headers=JSON, timeout=30).ok


@pytest.mark.parametrize("q", ["Nikolai", "Lev"])
def test_search_lists_persons_first_ordered_by_surname(live_server, q):
    """A given name many persons share: the matches at a name's word start first, then those inside a word
    (Lev in "Vasilievich"); in each, the persons first, ordered by surname (``foaf:familyName``, else the
    label's last word) as the browse index orders them."""
    from apparat.web.search import fold

    results = requests.get(live_server + "/search", params={"q": q}, headers=JSON, timeout=30).json()["results"]
    at_start = [bool(re.search(r"(^| )" + re.escape(fold(q)), fold(r["matched"]))) for r in results]
    assert at_start == sorted(at_start, reverse=True)  # word starts first
    rows = select(live_server, "SELECT ?p ?f WHERE { ?p a ap:Person ; foaf:familyName ?f }")
    surnames = {}
    for row in rows:
        surnames[row["p"]] = min(surnames.get(row["p"], row["f"]), row["f"])
    for group in (True, False):
        found = [r for r, start in zip(results, at_start, strict=True) if start is group]
        persons = [r for r in found if r["kind"] == "person"]
        assert found[:len(persons)] == persons
        keys = [((surnames.get(p["iri"]) or p["label"].split()[-1]).casefold(), p["label"].casefold())
                for p in persons]
        assert keys == sorted(keys), [p["label"] for p in persons]
    assert sum(r["kind"] == "person" for r in results) >= 3


def test_persons_are_browsed_by_surname(live_server):
    persons = requests.get(live_server + "/browse/persons", headers=JSON, timeout=30).json()["entities"]
    assert len(persons) == 257
    rows = select(live_server, "SELECT ?p ?f WHERE { ?p a ap:Person ; foaf:familyName ?f }")
    surnames = {}
    for row in rows:
        surnames.setdefault(row["p"], min(surnames.get(row["p"], row["f"]), row["f"]))
    keys = [(surnames.get(p["iri"]) or p["label"].split()[-1]).casefold() for p in persons]
    assert keys == sorted(keys)
    page = requests.get(live_server + "/browse/persons", headers=HTML, timeout=30).text
    assert '<a href="/id/person/bukharin">Bukharin, Nikolai</a>' in page
    for name in ("organs", "events", "documents", "sources"):
        index = requests.get(live_server + f"/browse/{name}", headers=JSON, timeout=30).json()["entities"]
        assert index, name
    assert requests.get(live_server + "/browse/nothing", timeout=30).status_code == 404


def _memberships(live_server, person: str) -> set[str]:
    rows = select(live_server,
                  f"SELECT DISTINCT ?m WHERE {{ ?m a org:Membership ; org:member <{BASE}id/person/{person}> }}")
    return {r["m"] for r in rows}


def test_person_page_is_read_by_labels_with_memberships_as_rows(live_server):
    page = requests.get(live_server + "/id/person/bukharin", headers=HTML, timeout=30).text
    assert "<h1>Nikolai Bukharin</h1>" in page
    assert "owl#Thing" not in page and "owl:Thing" not in page
    rows = {r["data-membership"] for r in elements(page, "tr", "membership")}
    assert rows == _memberships(live_server, "bukharin")
    # predicates by the ontology's label and prefixed name; values by label
    assert "patronymic" in page and "ap:patronymic" in page and "https://w3id.org/apparat/ontology#" not in page
    assert '<a href="/id/organ/politburo">Politburo</a>' in page
    assert '<a href="http://www.wikidata.org/entity/Q186709">Wikidata Q186709</a>' in page


def test_inferred_statements_are_marked(live_server):
    page = requests.get(live_server + "/id/person/bukharin", headers=HTML, timeout=30).text
    inferred_only = select(live_server, f"""SELECT ?o WHERE {{
      GRAPH <{BASE}graph/inferred> {{ <{BASE}id/person/bukharin> rdf:type ?o }}
      FILTER NOT EXISTS {{ GRAPH ?g {{ <{BASE}id/person/bukharin> rdf:type ?o }} FILTER(?g != <{BASE}graph/inferred>) }}
      FILTER(?o != owl:Thing) }}""")
    assert inferred_only
    marked = re.findall(r'<tr class="statement inferred" data-predicate="rdf:type">(.*?)</tr>', page, re.S)
    assert len(marked) == len(inferred_only)
    assert all("inferred" in row for row in marked)
    asserted = re.findall(r'<tr class="statement" data-predicate="rdf:type">(.*?)</tr>', page, re.S)
    assert len(asserted) == 1 and ">person<" in asserted[0] and "gazetteer" in asserted[0]


def test_where_sources_disagree_both_sides_are_shown(live_server):
    entity = BASE + "id/event/party-congress-10"
    sides = select(live_server, f"""SELECT DISTINCT ?value ?source WHERE {{
      ?c a ap:Conflict ; ap:about <{entity}> ; ap:claim ?claim .
      ?claim ap:value ?value ; prov:wasDerivedFrom ?source }}""")
    assert len({s["value"] for s in sides}) >= 2
    page = requests.get(live_server + "/id/event/party-congress-10", headers=HTML, timeout=30).text
    assert 'id="conflicts"' in page and "sources disagree" in page
    for side in sides:
        assert f'<strong>{side["value"]}</strong> — <a href="/{side["source"][len(BASE):]}">' in page


def test_every_source_link_on_a_person_page_answers(live_server):
    page = requests.get(live_server + "/id/person/bukharin", headers=HTML, timeout=30).text
    spans = sorted({h for h in links(page) if re.fullmatch(r"/source/[a-z0-9-]+/lines/\d+-\d+", h)})
    assert len(spans) > 10
    for href in spans:
        answer = requests.get(live_server + href, headers=HTML, timeout=30)
        assert answer.status_code == 200, href
        assert 'id="citing"' in answer.text


def test_rdf_by_content_negotiation_as_before(live_server):
    for path in ("/id/person/bukharin", "/source/rogovin-1992", "/source/rogovin-1992/lines/6867-6867"):
        answer = requests.get(live_server + path, headers={"Accept": "text/turtle"}, timeout=30)
        assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("text/turtle"), path
        assert len(Graph().parse(data=answer.text, format="turtle")) > 2
    graph = Graph().parse(data=requests.get(live_server + "/id/person/bukharin?format=turtle", timeout=30).text,
                          format="turtle")
    assert (URIRef(BASE + "id/person/bukharin"), RDFS.label, None) in graph


def test_source_page_says_what_the_source_is_and_what_cites_it(live_server):
    page = requests.get(live_server + "/source/rogovin-1992", headers=HTML, timeout=30).text
    (facts,) = select(live_server, f"""SELECT ?type ?creator ?note WHERE {{ <{BASE}source/rogovin-1992>
      dct:type ?type ; dct:creator ?creator ; ap:reliabilityNote ?note }}""")
    for value in facts.values():
        assert value.replace("'", "&#39;").replace('"', "&#34;") in page
    (count,) = select(live_server, f"""SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{
      ?loc ap:inSource <{BASE}source/rogovin-1992> . ?x prov:wasDerivedFrom ?loc }}""")
    assert f'{count["n"]} statements cite it' in page
    assert "/source/rogovin-1992/lines/6867-6867" in page


@pytest.fixture(scope="module")
def corpus_server(build_dir):
    if not CORPUS.is_dir():
        pytest.skip(f"needs the shared corpus: {CORPUS} is absent")
    env = {**TEST_ENV, "APPARAT_CORPUS_DIR": str(CORPUS), "APPARAT_QUERY_EXECUTORS": "1"}
    with ServerProcess(build_dir, env=env) as server:
        yield server.base_url


#: A saved ASK query (the repository has none), for the bare server's folder of saved queries.
ASK_QUERY = """#+ summary: Does a statement put this person on the Politburo?
#+ params:
#+   person: {description: "Person slug", example: bukharin}
BASE <https://w3id.org/apparat/id/person/>
PREFIX org: <http://www.w3.org/ns/org#>
ASK { ?membership org:member ?_person_iri ; org:organization <https://w3id.org/apparat/id/organ/politburo> }
"""


@pytest.fixture(scope="module")
def bare_server(build_dir, tmp_path_factory):
    """No corpus folder; the repository's saved queries and one ASK query (``sat-on-politburo``)."""
    import shutil

    queries = tmp_path_factory.mktemp("queries")
    for rq in (ROOT / "queries").glob("*.rq"):
        shutil.copy(rq, queries)
    (queries / "sat-on-politburo.rq").write_text(ASK_QUERY, encoding="utf-8")
    env = {**TEST_ENV, "APPARAT_CORPUS_DIR": str(tmp_path_factory.mktemp("no-corpus")), "APPARAT_QUERY_EXECUTORS": "1",
           "APPARAT_QUERIES_DIR": str(queries)}
    with ServerProcess(build_dir, env=env) as server:
        yield server.base_url


def test_line_page_shows_the_lines_read_from_the_corpus(corpus_server, monograph_lines):
    page = requests.get(corpus_server + "/source/rogovin-1992/lines/6867-6867", headers=HTML, timeout=30).text
    cited = re.findall(r'<span class="cited" data-line="(\d+)"><span class="ln">\d+ </span>(.*?)</span>', page, re.S)
    assert [n for n, _ in cited] == ["6867"]
    assert cited[0][1] == monograph_lines[6866].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") \
        .replace('"', "&#34;").replace("'", "&#39;")
    context = re.findall(r'<span class="context" data-line="(\d+)">', page)
    assert context == ["6864", "6865", "6866", "6868", "6869", "6870"]
    citing = elements(page, "tr", "citing")
    (count,) = select(corpus_server, f"""SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{
      VALUES ?via {{ prov:wasDerivedFrom ap:datedBy }} ?x ?via <{BASE}source/rogovin-1992/lines/6867-6867> }}""")
    assert len(citing) == int(count["n"])


def test_line_page_without_the_corpus_says_so(bare_server):
    page = requests.get(bare_server + "/source/rogovin-1992/lines/6867-6867", headers=HTML, timeout=30)
    assert page.status_code == 200
    assert 'id="no-lines"' in page.text and 'class="cited"' not in page.text
    assert 'class="citing"' in page.text


@pytest.mark.parametrize(("path", "status", "message"), [
    ("/source/rogovin-1992/lines/9-3", 400, "not after the last"),
    ("/source/rogovin-1992/lines/1-900", 400, "at most 400 lines"),
    ("/source/rogovin-1992/nonsense", 400, "/source/<id>/lines/<first>-<last>"),
    ("/source/rogovin-1992/lines/2-2", 404, "no statement cites rogovin-1992 lines 2-2"),
    ("/source/no-such-source", 404, "no source"),
    ("/graph/no-such-graph", 404, "no graph"),
])
def test_bad_source_and_graph_paths_are_clear_4xx(live_server, path, status, message):
    answer = requests.get(live_server + path, headers=HTML, timeout=30)
    assert answer.status_code == status, answer.text
    assert message in answer.text


def test_every_graph_iri_dereferences(live_server, build_dir):
    import json

    graphs = json.loads((build_dir / "build.json").read_text())["graphs"]
    for name, count in graphs.items():
        if name == "default":
            continue
        path = urlsplit(name).path[len("/apparat"):]
        page = requests.get(live_server + path, headers=HTML, timeout=30)
        assert page.status_code == 200 and f"{count} triples" in page.text, name
        rdf = Graph().parse(data=requests.get(live_server + path, headers={"Accept": "text/turtle"}, timeout=30).text,
                            format="turtle")
        assert int(rdf.value(URIRef(name), URIRef("http://rdfs.org/ns/void#triples"))) == count


def test_crawl_from_the_home_page_finds_no_5xx(live_server):
    """Every link of the home page, and every link of those pages (every entity of every index, every
    saved query, every source …), fetched as a browser would: no 5xx, and no link that answers 404 or 406.
    Then two steps further, a sample of each kind of page (at most ``PER_KIND`` new pages of each kind a
    step, spread over the sorted links), so the pages only entity pages link (memberships, claims, line
    spans, conflicts) are reached too. Three at a time (the executors)."""
    from concurrent.futures import ThreadPoolExecutor

    from harness import page_kind

    def fetch(path):
        answer = requests.get(live_server + path, headers=HTML, timeout=60)
        html = answer.headers.get("Content-Type", "").startswith("text/html")
        return path, answer.status_code, links(answer.text) if html else []

    def sample(paths: list[str]) -> list[str]:
        by_kind: dict[str, list[str]] = {}
        for path in sorted(paths):
            by_kind.setdefault(page_kind(path), []).append(path)
        return [path for kind in sorted(by_kind) for path in by_kind[kind][::max(1, len(by_kind[kind]) // PER_KIND)]
                [:PER_KIND]]

    host = urlsplit(live_server).netloc
    seen, frontier, failures, kinds, whole = {"/"}, ["/"], [], set(), 0
    with ThreadPoolExecutor(3) as pool:
        for depth in range(5):
            found = []
            for path, status, hrefs in pool.map(fetch, frontier):
                kinds.add(page_kind(path))
                if status >= 500 or status in (404, 406):  # a server error, a broken link, a link a browser cannot read
                    failures.append((path, status))
                for href in hrefs if depth < 4 else ():
                    target = urlsplit(urljoin(live_server + path, href))
                    local = target.path + (f"?{target.query}" if target.query else "")
                    if target.netloc == host and local not in seen:
                        seen.add(local)
                        found.append(local)
            if depth < 2:
                whole = len(seen)
            frontier = found if depth < 2 else sample(found)
    assert not failures, failures
    assert whole > 1400  # 257 persons, 173 organs, 542 events, 470 documents … and the rest, two steps out
    # the kinds only reached further out: a membership, a claim, a line span, a conflict page
    assert {"id/membership", "id/claim", "source/lines", "id/conflict"} <= kinds, sorted(kinds)


#: New pages of each kind fetched per step past the second, in the crawl.
PER_KIND = 25


def test_the_dump_is_gzipped_when_the_client_accepts_it(live_server, build_dir):
    import gzip

    raw = (build_dir / "dataset.nq").read_bytes()
    answer = requests.get(live_server + "/dataset.nq", headers={"Accept-Encoding": "gzip"}, stream=True, timeout=60)
    assert answer.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in answer.headers["Vary"]
    body = answer.raw.read()
    assert len(body) < len(raw) / 5 and gzip.decompress(body) == raw
    plain = requests.get(live_server + "/dataset.nq", headers={"Accept-Encoding": "identity"}, timeout=60)
    assert "Content-Encoding" not in plain.headers and plain.content == raw
    again = requests.get(live_server + "/dataset.nq", timeout=60,
                         headers={"Accept-Encoding": "gzip", "If-None-Match": answer.headers["ETag"]})
    assert again.status_code == 304
    file = requests.get(live_server + "/dataset.nq.gz", stream=True, timeout=60)
    assert file.headers["Content-Type"] == "application/gzip" and "Content-Encoding" not in file.headers
    assert gzip.decompress(file.raw.read()) == raw


def test_saved_query_pages_link_our_iris_to_this_server(live_server):
    page = requests.get(live_server + "/queries/person-career", params={"person": "bukharin"}, headers=HTML,
                        timeout=60).text
    hrefs = links(page)
    assert any(re.fullmatch(r"/source/rogovin-1992/lines/\d+-\d+", h) for h in hrefs)
    assert "/id/organ/politburo" in hrefs
    assert not [h for h in hrefs if h.startswith(BASE)]


def _count(page: str) -> tuple[int, int, str]:
    """The answer's rows, the rows drawn, and what the page says of them (``<p id="count">``, tags dropped)."""
    found = re.search(r'<p id="count" data-rows="(\d+)" data-shown="(\d+)">(.*?)</p>', page, re.DOTALL)
    return int(found[1]), int(found[2]), " ".join(re.sub(r"<[^>]+>", "", found[3]).split())


@pytest.mark.parametrize("params", [{"person": "bukharin"}, {}], ids=["bukharin", "everyone"])
def test_a_saved_query_page_links_here_only_what_answers(live_server, params):
    """``wikidata-statements`` mints nodes (a membership's ``…/P580`` start value …) that the build does not
    hold: they stay text. Every local link of the page answers 200 (once each, three at a time)."""
    from concurrent.futures import ThreadPoolExecutor

    page = requests.get(live_server + "/queries/wikidata-statements", params=params, headers=HTML, timeout=120)
    assert page.status_code == 200
    local = sorted({h for h in links(page.text) if h.startswith("/")})
    ids = [h for h in local if h.startswith("/id/")]
    assert len(ids) > 50 and any(h.startswith("/id/membership/") for h in ids)
    assert not [h for h in ids if re.search(r"/P58[02]$", h)]
    minted = re.findall(r"<td>(https://w3id\.org/apparat/id/membership/[^<]*/P58[02])</td>", page.text)
    assert minted  # shown, not linked
    with ThreadPoolExecutor(3) as pool:
        statuses = dict(zip(local, pool.map(
            lambda h: requests.get(live_server + h, headers=HTML, timeout=120).status_code, local), strict=True))
    assert {h: s for h, s in statuses.items() if s != 200} == {}


def test_a_saved_query_page_draws_500_rows_and_says_what_the_answer_holds(live_server):
    """A page draws the first 500 rows and says how many the answer has; when the executor cut the answer
    at ``max_rows`` (``X-Apparat-Truncated``) it says that too. The downloads keep the whole answer."""
    everyone = requests.get(live_server + "/queries/wikidata-statements", headers=HTML, timeout=120).text
    download = requests.get(live_server + "/queries/wikidata-statements", params={"format": "ntriples"}, timeout=120)
    assert download.headers["X-Apparat-Truncated"] == "true; limit=10000"
    assert len(download.text.splitlines()) == 10000
    assert _count(everyone) == (10000, 500, "The first 500 of 10000 rows; download for all. The answer itself was "
                                "cut at 10000 rows (the server's max_rows): the query has more, and the downloads "
                                "stop there too.")
    assert everyone.count("<tr>") == 1 + 500  # the head and the rows drawn
    assert 'href="#downloads"' in everyone and 'id="downloads"' in everyone

    cited = requests.get(live_server + "/queries/documents-cited", headers=HTML, timeout=120).text
    rows = requests.get(live_server + "/queries/documents-cited", params={"format": "json"}, timeout=120)
    assert "X-Apparat-Truncated" not in rows.headers
    total = len(rows.json()["results"]["bindings"])
    assert total > 500
    assert _count(cited) == (total, 500, f"The first 500 of {total} rows; download for all.")

    one = requests.get(live_server + "/queries/wikidata-statements", params={"person": "bukharin"}, headers=HTML,
                       timeout=120).text
    rows, shown, says = _count(one)
    assert rows == shown < 500 and says == f"{rows} rows" and 'id="truncated"' not in one


SPARQL_RESULTS = "{http://www.w3.org/2005/sparql-results#}"
#: Per kind of answer: each format the page must link, its media type, and how many rows or triples its body holds.
RESULT_KINDS = {
    "results": {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
                "csv": "text/csv", "tsv": "text/tab-separated-values"},
    "graph": {"turtle": "text/turtle", "ntriples": "application/n-triples", "jsonld": "application/ld+json",
              "rdfxml": "application/rdf+xml"},
}
RDFLIB_FORMATS = {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld", "rdfxml": "xml"}


def _parsed(fmt: str, body: str, *, ask: bool = False):
    """The answer's body parsed by a reader of its format: rows (a list; an ASK's one boolean) or an rdflib Graph."""
    import csv
    import io
    import json
    import xml.etree.ElementTree as ET

    if fmt == "json":
        results = json.loads(body)
        return [results["boolean"]] if "boolean" in results else results["results"]["bindings"]
    if fmt == "xml":
        root = ET.fromstring(body)
        assert root.tag == SPARQL_RESULTS + "sparql"
        boolean = root.find(SPARQL_RESULTS + "boolean")
        if boolean is not None:
            return [boolean.text == "true"]
        return root.findall(f"{SPARQL_RESULTS}results/{SPARQL_RESULTS}result")
    if fmt in ("csv", "tsv") and ask:  # no standard says; the engine writes the word alone
        assert body.strip() in ("true", "false"), body
        return [body.strip() == "true"]
    if fmt in ("csv", "tsv"):
        rows = list(csv.reader(io.StringIO(body), delimiter="," if fmt == "csv" else "\t"))
        return rows[1:]  # the header
    return Graph().parse(data=body, format=RDFLIB_FORMATS[fmt])


def _query_kind(text: str) -> str:
    """SELECT and ASK give results, CONSTRUCT and DESCRIBE a graph (rdflib's parser says which)."""
    from rdflib.plugins.sparql.parser import parseQuery

    form = parseQuery(text)[1].name
    return "graph" if form in ("ConstructQuery", "DescribeQuery") else "results"


def _follow_download_links(server: str, name: str, params: dict) -> tuple[str, dict]:
    """Open a saved query's page with ``params``; follow each link of its answer, checking type and body.
    Returns the page and each format's parsed body."""
    from apparat.query.saved import find_saved_query

    page = requests.get(f"{server}/queries/{name}", params=params, headers=HTML, timeout=120)
    assert page.status_code == 200, (name, page.text[-500:])
    hrefs = [h for h in links(page.text) if h.startswith(f"/queries/{name}?")]
    kind = _query_kind(find_saved_query(ROOT / "queries", name).text) if name != "sat-on-politburo" else "results"
    expected = RESULT_KINDS[kind]
    by_format = {}
    for href in hrefs:
        query = dict(parse_qsl(urlsplit(href).query))
        by_format[query.pop("format")] = href
        assert query == params, (name, href)  # the page's own values, nothing dropped or added
    assert list(by_format) == list(expected), (name, hrefs)
    bodies = {}
    for fmt, href in by_format.items():
        answer = requests.get(server + href, timeout=120)
        assert answer.status_code == 200, (name, href, answer.text[-500:])
        assert answer.headers["Content-Type"].split(";")[0] == expected[fmt], (name, href)
        bodies[fmt] = _parsed(fmt, answer.text, ask=name == "sat-on-politburo")
    return page.text, bodies


def test_saved_query_pages_link_their_answer_in_every_format_of_its_kind(live_server):
    """Every saved query's page, with each parameter's example value filled in (the OpenAPI document's):
    SELECT answers are linked as JSON, XML, CSV and TSV, CONSTRUCT ones as Turtle, N-Triples, JSON-LD and
    RDF/XML, each link keeping the page's values; each answers 200, in its media type, with a body its
    format's reader parses, holding as many rows (or the same triples) as the page shows."""
    from rdflib.compare import isomorphic

    from apparat.query.saved import find_saved_query

    openapi = requests.get(live_server + "/queries/openapi.json", timeout=30).json()
    kinds, refused = set(), set()
    for path, operation in openapi["paths"].items():
        name = path.removeprefix("/queries/")
        params = {p["name"]: str(p["example"]) for p in operation["get"]["parameters"] if "example" in p}
        if "SERVICE <https://query.wikidata.org/sparql>" in find_saved_query(ROOT / "queries", name).text:
            # Wikidata is not on the tests' allowlist: the page says so and links no answer
            page = requests.get(live_server + path, params=params, headers=HTML, timeout=60)
            assert page.status_code == 400 and "is not allowed; allowed endpoints" in page.text, name
            assert not [h for h in links(page.text) if h.startswith(path + "?")], name
            refused.add(name)
            continue
        page, bodies = _follow_download_links(live_server, name, params)
        rows = int(re.search(r'<p id="count" data-rows="(\d+)"', page)[1])  # the answer's rows, drawn or not
        if "json" in bodies:
            kinds.add("results")
            assert {fmt: len(body) for fmt, body in bodies.items()} == dict.fromkeys(bodies, rows), name
        else:
            kinds.add("graph")
            turtle = bodies["turtle"]
            assert len(turtle) == rows and rows > 0, name
            for fmt, graph in bodies.items():
                assert isomorphic(graph, turtle), (name, fmt)
    assert kinds == {"results", "graph"}  # wikidata-statements is the CONSTRUCT
    assert len(openapi["paths"]) == 31
    assert refused == {"wikidata-enrichment", "wikidata-life-dates", "wikidata-positions-compared"}


def test_an_ask_query_page_links_its_answer_as_results(bare_server):
    page, bodies = _follow_download_links(bare_server, "sat-on-politburo", {"person": "bukharin"})
    expected = select_ask(bare_server, "ASK { ?m org:member <https://w3id.org/apparat/id/person/bukharin> ; "
                                       "org:organization <https://w3id.org/apparat/id/organ/politburo> }")
    assert expected is True
    assert bodies == dict.fromkeys(RESULT_KINDS["results"], [expected])
    assert "<td>true</td>" in page


def select_ask(server: str, query: str) -> bool:
    answer = requests.post(server + "/sparql", data={"query": query},
                           headers={"Accept": "application/sparql-results+json"}, timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.json()["boolean"]


def test_graph_pages_link_their_triples_in_turtle_and_ntriples(live_server, build_dir):
    """Each named graph's page links ``/data?graph=<iri>`` as Turtle and N-Triples; both answer the graph's
    triples, as many as the build counted (parsed with pyoxigraph: rdflib takes minutes on the largest)."""
    import json

    import pyoxigraph as ox

    graphs = json.loads((build_dir / "build.json").read_text())["graphs"]
    types = {"turtle": ("text/turtle", ox.RdfFormat.TURTLE),
             "ntriples": ("application/n-triples", ox.RdfFormat.N_TRIPLES)}
    for name, count in graphs.items():
        if name == "default":
            continue
        page = requests.get(live_server + urlsplit(name).path[len("/apparat"):], headers=HTML, timeout=30).text
        hrefs = [h for h in links(page) if h.startswith("/data?")]
        wanted = [{"graph": name, "format": fmt} for fmt in types]
        assert [dict(parse_qsl(urlsplit(h).query)) for h in hrefs] == wanted, name
        triples = {}
        for fmt, href in zip(types, hrefs, strict=True):
            answer = requests.get(live_server + href, timeout=60)
            assert answer.status_code == 200, (href, answer.text[-300:])
            assert answer.headers["Content-Type"].split(";")[0] == types[fmt][0], href
            triples[fmt] = set(ox.parse(answer.content, format=types[fmt][1]))
        assert len(triples["turtle"]) == count and triples["turtle"] == triples["ntriples"], name  # no blank nodes


def test_home_page_links_the_dump_as_trig_beside_nquads(live_server, build_dir):
    import pyoxigraph as ox

    hrefs = links(requests.get(live_server + "/", headers=HTML, timeout=30).text)
    assert "/dataset.nq" in hrefs and "/dataset.trig" in hrefs
    answer = requests.get(live_server + "/dataset.trig", timeout=120)
    assert answer.status_code == 200 and answer.headers["Content-Type"].split(";")[0] == "application/trig"
    quads = set(ox.parse(answer.content, format=ox.RdfFormat.TRIG))
    assert quads == set(ox.parse(path=str(build_dir / "dataset.nq"), format=ox.RdfFormat.N_QUADS))


#: The memberships in a conflict (server/entity_view.py): a claim about the membership is a side of a
#: conflict, or its dates are read from a line that a side of a dates-disagree conflict cites.
MEMBERSHIP_CONFLICTS = """SELECT DISTINCT ?m ?conflict WHERE {
  ?m a org:Membership ; %s .
  ?conflict a ap:Conflict ; ap:claim ?claim .
  { ?claim ap:about ?m }
  UNION { ?conflict ap:rule "dates-disagree" . ?claim prov:wasDerivedFrom ?line . ?m ap:datedBy ?line }
}"""


def _marks(html: str, group_tag: str, group_class: str, key: str) -> tuple[dict, dict]:
    """Per group (a timeline bar, a chart's person row, a table row): its class list, and the links to
    conflicts inside it (an SVG "!" link or a "sources disagree" badge)."""
    parser = _Elements()
    parser.feed(html)
    classes: dict[str, list[str]] = {}
    links_to: dict[str, list[str]] = {}
    current = None
    for tag, attrs in parser.tags:
        if tag == group_tag and group_class in (attrs.get("class") or "").split():
            current = attrs[key]
            classes[current], links_to[current] = (attrs.get("class") or "").split(), []
        elif tag == "a" and current and {"conflict-link", "conflict"} & set((attrs.get("class") or "").split()):
            links_to[current].append(attrs["href"])
    return classes, links_to


def _part(html: str, start: str, end: str) -> str:
    """The first stretch of ``html`` from ``start`` to ``end`` (the timeline's SVG, the memberships' table)."""
    at = html.index(start)
    return html[at:html.index(end, at)]


def test_memberships_in_a_conflict_are_marked_on_the_timeline_and_the_chart(live_server):
    """Kollontai headed the Workers' Opposition "before the Tenth Congress", a date read from the monograph's
    table of congress dates, which another source contradicts (the conflict party-congress-10/date): her bar
    and her row are marked and link to that conflict, her other six memberships are not (two of them, the
    CC women's department and a diplomatic post, from the notes' ledger rows of 6891). On the Politburo's
    chart the seats 573 dates by that congress (Zinoviev's and the four others' "after the Tenth Congress",
    1921; the five's until it, from 1919) mark cells of 1919-1921 only and end those persons' rows in a link
    to the conflict; no 1925 cell is marked."""
    kollontai, head = BASE + "id/person/kollontai", BASE + "id/membership/kollontai/workers-opposition/head/"
    conflict = "/id/conflict/event/party-congress-10/date"
    expected = {r["m"]: r["conflict"] for r in select(live_server, MEMBERSHIP_CONFLICTS % f"org:member <{kollontai}>")}
    assert expected == {head + "before-party-congress-10": BASE + conflict[1:]}
    page = requests.get(live_server + "/id/person/kollontai", headers=HTML, timeout=30).text
    svg, table = _part(page, "<svg", "</svg>"), _part(page, '<table class="memberships"', "</table>")
    bars, bar_links = _marks(svg, "g", "bar", "data-membership")
    assert len(bars) == 7
    assert {m for m, c in bars.items() if "conflicted" in c} == set(expected)
    assert bar_links == {m: [conflict] if m in expected else [] for m in bars}
    rows, row_links = _marks(table, "tr", "membership", "data-membership")
    assert {m for m, c in rows.items() if "conflicted" in c} == set(expected)
    assert row_links == bar_links
    assert 'sources disagree<span class="visually-hidden">: Dates disagree: Tenth Congress' in page
    assert "(this membership is dated by it)" in page  # the link's title, which screen readers read

    politburo = BASE + "id/organ/politburo"
    on_chart = f"org:organization <{politburo}> ; ap:heldFrom ?from"  # the chart draws seats with a start
    drawn = {r["m"] for r in select(live_server, MEMBERSHIP_CONFLICTS % on_chart)}
    # the seats 573 dates by the Tenth Congress: Zinoviev's after it, the four who stayed, the five before it
    assert BASE + "id/membership/zinoviev/politburo/full-member/after-party-congress-10" in drawn
    dated = {m.split("/id/membership/")[1].split("/")[0] for m in drawn}
    assert dated == {"kamenev", "krestinsky", "lenin", "stalin", "trotsky", "zinoviev"}
    chart = requests.get(live_server + "/id/organ/politburo", headers=HTML, timeout=30).text
    persons, person_links = _marks(_part(chart, "<svg", "</svg>"), "g", "person", "data-person")
    assert person_links == {p: [conflict] if p.rsplit("/", 1)[1] in dated else [] for p in persons}
    cells = [(a["data-year"], "conflicted" in a["class"].split()) for a in elements(chart, "rect", "cell")]
    marked_years = {year for year, marked in cells if marked}
    assert "1921" in marked_years and marked_years <= {"1919", "1920", "1921"}  # none in 1925
    assert len(elements(chart, "circle", "conflict-dot")) == sum(marked for _, marked in cells)


def test_the_timeline_draws_uncertain_bounds_as_such(live_server):
    """On Bukharin's timeline a membership with bounds but no held span (``ap:earliestStart`` or
    ``ap:latestEnd`` only: "between 1920 and 1929", "1929 or 1930", "between 1922 and 1924") is only a
    dashed outline, no solid bar; one with a held span has its solid bar; one with no bound at all says
    "undated" and draws neither."""
    person = BASE + "id/person/bukharin"
    found = select(live_server, f"""PREFIX org: <http://www.w3.org/ns/org#> PREFIX ap: <{BASE}ontology#>
      SELECT ?m (BOUND(?f) AS ?held) (BOUND(?e) || BOUND(?l) AS ?bounded) WHERE {{ ?m a org:Membership ;
      org:member <{person}> . OPTIONAL {{ ?m ap:heldFrom ?f }} OPTIONAL {{ ?m ap:earliestStart ?e }}
      OPTIONAL {{ ?m ap:latestEnd ?l }} }}""")
    held = {r["m"] for r in found if r["held"] == "true"}
    window = {r["m"] for r in found if r["held"] == "false" and r["bounded"] == "true"}
    undated = {r["m"] for r in found} - held - window
    assert len(window) >= 3 and undated and held
    page = requests.get(live_server + "/id/person/bukharin", headers=HTML, timeout=30).text
    parser = _Elements()
    parser.feed(_part(page, "<svg", "</svg>"))
    drawn: dict[str, set[str]] = {}
    current = None
    for tag, attrs in parser.tags:
        classes = set((attrs.get("class") or "").split())
        if tag == "g" and "bar" in classes:
            current = attrs["data-membership"]
            drawn[current] = set()
        elif current and tag in ("rect", "text") and classes & {"solid", "possible", "undated"}:
            drawn[current] |= classes & {"solid", "possible", "undated"}
    assert set(drawn) == held | window | undated
    assert {m for m, c in drawn.items() if c == {"possible"}} == window
    assert {m for m, c in drawn.items() if "solid" in c} == held
    assert {m for m, c in drawn.items() if c == {"undated"}} == undated


def test_a_saved_query_drawn_as_a_timeline_has_the_person_pages_year_axis(live_server):
    """``person-career``'s page draws its answer with the person page's chart (charts.career_timeline): a
    year axis every five years over the answer's dates, one bar per row (rows that differ only in their
    source merged), full and candidate membership as the role column says, each bar linking to a line span
    the answer cites; a row without a date writes its words as stated. The other timeline queries too."""
    path = "/queries/person-career?person=bukharin"
    page = requests.get(live_server + path, headers=HTML, timeout=60).text
    answer = requests.get(live_server + path + "&format=json", timeout=60).json()
    rows = [{k: v["value"] for k, v in b.items()} for b in answer["results"]["bindings"]]
    svg = _part(page, '<svg xmlns="http://www.w3.org/2000/svg" class="timeline"', "</svg>")
    assert 'class="track"' not in page  # the old drawing without an axis is gone
    ticks = [int(t) for t in re.findall(r'<text x="[\d.]+" y="12" text-anchor="middle">(\d{4})</text>', svg)]
    years = {int(r[c][:4]) for r in rows for c in ("start", "end", "date") if c in r}
    assert ticks == list(range(ticks[0], ticks[-1] + 1, 5)) and len(ticks) >= 4
    assert ticks[0] <= min(years) and max(years) < ticks[-1] + 5
    merged = {tuple(sorted((k, v) for k, v in r.items() if k != "source")) for r in rows}
    bars = elements(svg, "g", "bar")
    assert len(bars) == len(merged) > 20
    kinds = {"full member": "full", "candidate member": "candidate"}
    expected = sorted(kinds.get(dict(m).get("role"), "other") for m in merged)
    assert sorted(b["data-kind"] for b in bars) == expected and "candidate" in expected
    cited = {"/" + r["source"].removeprefix(BASE) for r in rows}
    bar_links = [a["href"] for a in elements(svg, "a")]
    assert len(bar_links) == len(bars) and set(bar_links) <= cited
    assert "between 1922 and 1924" in svg  # a row with no date, only its words
    for name in ("congresses", "general-secretaries", "organ-renamings"):
        other = requests.get(live_server + f"/queries/{name}", headers=HTML, timeout=60).text
        assert elements(_part(other, '<svg xmlns="http://www.w3.org/2000/svg" class="timeline"', "</svg>"),
                        "g", "bar"), name


def test_the_folding_rules_as_documented():
    import doctest

    from apparat.web import search

    assert doctest.testmod(search).failed == 0
    # strings made up to exercise the rules, not names from the data
    assert search.fold("Aks'elov") == search.fold("AXELOV") == search.fold("Axellov")
    assert search.fold("Tchaba") == search.fold("Chaba") == search.fold("Khaba") == search.fold("Haba")
    assert search.fold("Wolja") == search.fold("Volya")
    assert search.fold("Mjeller") != search.fold("Miller")  # j/y/i meet, e stays e


def _heading(page: str) -> str:
    import html

    (found,) = re.findall(r"<h1>(.*?)</h1>", page, re.S)
    return html.unescape(found)


def _labels(live_server, iris) -> dict[str, str]:
    values = " ".join(f"<{i}>" for i in iris)
    rows = select(live_server, f"SELECT ?s ?l WHERE {{ VALUES ?s {{ {values} }} ?s <{RDFS.label}> ?l }}")
    return {r["s"]: r["l"] for r in rows}


def test_a_membership_page_is_headed_by_person_role_organ_and_dates_as_stated(live_server):
    node = BASE + "id/membership/bukharin/politburo/full-member/1924-06-02"
    (row,) = select(live_server, f"""PREFIX org: <http://www.w3.org/ns/org#> PREFIX ap: <{BASE}ontology#>
      SELECT ?person ?role ?organ ?start ?end WHERE {{ <{node}> org:member ?person ; org:role ?role ;
        org:organization ?organ ; ap:startDate ?start ; ap:endDate ?end
        # its own role, not the "member" every full membership implies
        FILTER NOT EXISTS {{ <{node}> org:role ?narrower . ?narrower ap:impliesRole ?role
                             FILTER(?narrower != ?role) }} }}""")
    labels = _labels(live_server, [row["person"], row["role"], row["organ"]])
    expected = (f"{labels[row['person']]} — {labels[row['role']]}, {labels[row['organ']]}, "
                f"{row['start']} – {row['end']}")
    assert expected == "Nikolai Bukharin — full member, Politburo, 1924-06-02 – 1929-11-17"
    page = requests.get(live_server + node[len(BASE) - 1:], headers=HTML, timeout=30).text
    assert _heading(page) == expected
    assert f"<title>{expected} · Apparat</title>" in page
    # the source's words, where the ledger kept them, and what they date (here: only the end)
    words = requests.get(live_server + "/id/membership/kamenev/politburo/candidate-member/to-1926-10-00",
                         headers=HTML, timeout=30).text
    (stated,) = select(live_server, f"""SELECT ?w WHERE {{ <{BASE}id/membership/kamenev/politburo/candidate-member/
      to-1926-10-00> <{BASE}ontology#dateAsStated> ?w }}""".replace("/\n      ", "/"))
    assert _heading(words) == f"Lev Kamenev — candidate member, Politburo, {stated['w']} (end only)"


def test_a_claim_page_is_headed_by_its_subject_property_and_value(live_server):
    claim = BASE + "id/claim/resignations-forum-2023/event-molotov-88"
    (row,) = select(live_server, f"""PREFIX ap: <{BASE}ontology#>
      SELECT ?about ?property ?value WHERE {{ <{claim}> ap:about ?about ; ap:property ?property ; ap:value ?value }}""")
    labels = _labels(live_server, [row["about"], row["property"]])
    expected = f"Claim: {labels[row['about']]} — {labels[row['property']]}: {row['value']}"
    assert _heading(requests.get(live_server + claim[len(BASE) - 1:], headers=HTML, timeout=30).text) == expected
    # a value that is an entity is named by its label; a claim about a membership names the membership
    addressee = requests.get(live_server + "/id/claim/four-attempts-blog/document-stalin-letter-1926-12-27-23/to-rykov",
                             headers=HTML, timeout=30).text
    assert _heading(addressee).endswith(" — addressee: Aleksei Rykov")
    member = requests.get(live_server + "/id/claim/four-attempts-blog/member-rykov-25", headers=HTML, timeout=30).text
    assert _heading(member) == ("Claim: Aleksei Rykov — chairman, Council of People's Commissars, 1926-12-27 — "
                                "date (as stated): 1926-12-27")


@pytest.mark.parametrize("accept", ["text/html", "text/turtle"])
@pytest.mark.parametrize(("path", "status", "message"), [
    ("/id/%FF", 400, "the path is not valid UTF-8"),
    ("/id/person/a%20b", 404, "/id/person/a b names no IRI: it holds ' ' (U+0020)"),
    ("/id/%3C", 404, "/id/< names no IRI: it holds '<' (U+003C)"),
    ("/id/x%25", 404, "a '%' in an IRI begins an escape such as %20"),
    ("/source/%FF", 400, "the path is not valid UTF-8"),
    ("/source/a%20b", 404, "/source/a b names no IRI"),
    ("/source/%3C", 404, "/source/< names no IRI"),
    ("/source/rogovin-1992/lines/1-%FF", 400, "the path is not valid UTF-8"),
    ("/source/x%22y/lines/1-2", 404, "names no IRI: it holds '\"' (U+0022)"),
])
def test_a_path_that_names_no_iri_is_a_clear_4xx_not_a_500(live_server, path, status, message, accept):
    answer = requests.get(live_server + path, headers={"Accept": accept}, timeout=30)
    assert answer.status_code == status, answer.text
    assert message in answer.text


def test_a_wsgi_path_of_bytes_that_are_not_utf8_is_a_400_naming_the_byte(client):
    # a WSGI server (gunicorn, PEP 3333) hands the decoded bytes over as latin-1; werkzeug's test client
    # and the ASGI front decode them first (U+FFFD, the test above), so the environ is set here by hand
    answer = client.get("/", environ_overrides={"PATH_INFO": "/id/person/a\xffb"}, headers=HTML)
    assert answer.status_code == 400
    assert "the path is not valid UTF-8: byte 12 (0xff)" in answer.get_data(as_text=True)
    assert client.get("/", environ_overrides={"PATH_INFO": "/id/person/bukharin"}, headers=HTML).status_code == 200
