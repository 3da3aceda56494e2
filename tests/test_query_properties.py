"""Property: whatever the prefix labels (SPARQL keywords included: ``PREFIX ask: <…>
CONSTRUCT …`` is a valid query), whatever the query form and the Accept header, the
endpoint never answers 5xx, and a 200 carries a media type of the family that the
query's actual result calls for (SPARQL results for SELECT/ASK, RDF for CONSTRUCT/DESCRIBE)."""

from __future__ import annotations

import pytest
from conftest import ALLOWED_SERVICE
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apparat.query.formats import GRAPH_FORMATS, RESULT_FORMATS

KEYWORDS = ["ask", "select", "construct", "describe", "where", "from", "named", "service", "silent", "graph",
            "filter", "optional", "union", "minus", "values", "bind", "prefix", "base", "limit", "offset", "order",
            "by", "distinct", "reduced", "a", "insert", "delete", "load", "clear", "drop", "true", "false"]
ACCEPTS = ["", "*/*", "application/sparql-results+json", "application/sparql-results+xml", "text/csv",
           "text/tab-separated-values", "text/turtle", "application/n-triples", "application/ld+json",
           "application/rdf+xml", "application/n-quads", "application/trig", "application/json", "text/xml",
           "text/plain", "text/*", "application/*", "image/png", "text/html, application/xhtml+xml;q=0.9, */*;q=0.8",
           "text/turtle;q=0.9, application/sparql-results+json;q=0.8", "application/xml"]
RESULT_TYPES = {f.media_type for f in RESULT_FORMATS}
GRAPH_TYPES = {f.media_type for f in GRAPH_FORMATS}


@pytest.fixture(scope="module")
def client(build_dir):
    from apparat.web import create_app

    app = create_app({"build_dir": build_dir, "service_allowlist": ALLOWED_SERVICE, "query_timeout": 10})
    yield app.test_client()
    app.extensions["apparat"].pool.close()


labels = st.sampled_from(KEYWORDS).map(str.lower) | st.sampled_from(KEYWORDS).map(str.upper)


@st.composite
def queries(draw) -> tuple[str, str]:
    label = draw(labels)
    other = draw(labels)
    form = draw(st.sampled_from(["select", "ask", "construct", "describe", "construct-where"]))
    prologue = f"PREFIX {label}: <http://e/{label}#>\nPREFIX {other}: <http://e/{other}/>\n"
    pattern = f"?s ?p ?o . BIND({label}:x AS ?x) FILTER(?x != {other}:y)"
    body = {
        "select": f"SELECT ?s ?x WHERE {{ {pattern} }} LIMIT 3",
        "ask": f"ASK {{ {pattern} }}",
        "construct": f"CONSTRUCT {{ ?s {label}:p ?o }} WHERE {{ {pattern} }} LIMIT 3",
        "describe": f"DESCRIBE {label}:x",
        "construct-where": f"CONSTRUCT WHERE {{ ?s a {label}:Thing }}",
    }[form]
    return prologue + body, "graph" if form.startswith(("construct", "describe")) else "results"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=queries(), accept=st.sampled_from(ACCEPTS), method=st.sampled_from(["GET", "POST"]))
def test_never_a_5xx_and_always_the_right_family(client, query, accept, method):
    text, family = query
    headers = {"Accept": accept} if accept else {}
    if method == "GET":
        response = client.get("/sparql", query_string={"query": text}, headers=headers)
    else:
        response = client.post("/sparql", data={"query": text}, headers=headers)
    assert response.status_code < 500, (text, accept, response.get_data(as_text=True))
    assert response.status_code in (200, 406), (text, accept, response.get_data(as_text=True))
    if response.status_code == 200:
        media_type = response.mimetype
        expected = GRAPH_TYPES if family == "graph" else RESULT_TYPES
        if method == "GET" and accept.startswith("text/html"):
            expected = {"text/html"}  # a browser following a query link gets the query page
        assert media_type in expected, (text, accept, media_type)


def test_a_prefix_named_ask_before_construct_is_answered_as_a_graph(client):
    response = client.get("/sparql", query_string={
        "query": "PREFIX ask: <http://e/> CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 1"})
    assert response.status_code == 200 and response.mimetype == "text/turtle"
