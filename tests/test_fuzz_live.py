"""Fuzzing the real server (granian, on loopback) with hypothesis: query strings of arbitrary
bytes (invalid UTF-8 and stray percent signs included), arbitrary parameters, headers, content
types and bodies, on the endpoint and its neighbours. Whatever comes in: never a 5xx other than
a deadline 503, never a hang (every request has a client timeout), and the server answers a
cheap query after. A bounded number of examples: this runs in CI.
"""

from __future__ import annotations

import urllib.parse

import pytest
import requests
from conftest import TEST_ENV
from harness import ServerProcess
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

PATHS = ["/sparql", "/sparql/", "/queries", "/health", "/metrics", "/.well-known/void", "/admin/reload", "/nowhere",
         # routes that make an IRI of the path: a segment not UTF-8, or holding what no IRI may (a space, "<")
         "/id/%FF", "/id/a%20b", "/id/%3C", "/id/person/%22", "/source/%FF", "/source/a%20b", "/source/%3C",
         "/source/rogovin-1992/lines/1-%FF", "/id/%", "/source/%ZZ", "/graph/%FF"]
#: The routes whose path becomes an IRI (``server.pages``), to which arbitrary bytes are appended.
IRI_ROUTES = ["/id/", "/id/person/", "/id/membership/", "/source/", "/source/rogovin-1992/lines/", "/graph/"]
PARAMS = ["query", "format", "infer", "default-graph-uri", "named-graph-uri", "update", "x"]
TYPES = ["application/x-www-form-urlencoded", "application/sparql-query", "application/sparql-query; charset=latin-1",
         "application/sparql-update", "text/plain", "multipart/form-data; boundary=x", ""]
SNIPPETS = ["ASK {}", "SELECT * WHERE { ?s ?p ?o } LIMIT 2", "CONSTRUCT WHERE { ?s a ?o } LIMIT 2", "{", "}",
            "SERVICE <http://127.0.0.1:9/sparql> {}", "PREFIX a: <x:>", "%", "%ZZ", "\u00e9", "\u0000",
            "INSERT DATA {}"]
#: Header values as a client can send them: no CR, LF or NUL, and no leading space (requests refuses
#: those before sending; HTTP strips leading whitespace from a field value anyway, RFC 9110 5.5).
header_text = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7e), max_size=80).map(str.lstrip)


@pytest.fixture(scope="module")
def server(build_dir):
    env = {**TEST_ENV, "APPARAT_QUERY_TIMEOUT": "5", "APPARAT_CLIENT_QUERIES": "8", "APPARAT_ACCESS_LOG": ""}
    with ServerProcess(build_dir, env=env) as running:
        yield running


@st.composite
def query_strings(draw) -> str:
    """A query string: pairs of names and values, percent-encoded from arbitrary bytes, or raw junk."""
    pairs = draw(st.lists(st.tuples(st.sampled_from(PARAMS) | st.text(max_size=5),
                                    st.binary(max_size=40) | st.sampled_from(SNIPPETS).map(str.encode)), max_size=5))
    encoded = "&".join(f"{urllib.parse.quote(name)}={urllib.parse.quote_from_bytes(value)}" for name, value in pairs)
    junk = draw(st.sampled_from(["", "&", "%", "%F", "=&=", "query", "query=%FF%FE"]))
    return encoded + junk


def iri_paths() -> st.SearchStrategy[str]:
    """One of :data:`IRI_ROUTES` with a tail of arbitrary bytes, percent-encoded ("/" kept)."""
    tails = st.binary(max_size=12) | st.sampled_from([b"\xff", b"a b", b"<", b"%", b"\xc3", b"bukharin", b"1-2"])
    return st.builds(lambda route, tail: route + urllib.parse.quote_from_bytes(tail, safe="/"),
                     st.sampled_from(IRI_ROUTES), tails)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(PATHS) | iri_paths(), method=st.sampled_from(["GET", "POST", "HEAD", "OPTIONS", "PUT"]),
       query=query_strings(), content_type=st.sampled_from(TYPES),
       body=st.binary(max_size=200) | st.sampled_from(SNIPPETS).map(str.encode),
       headers=st.dictionaries(st.sampled_from(["Accept", "Accept-Encoding", "If-None-Match", "X-Any", "Origin"]),
                               header_text, max_size=3))
def test_no_5xx_and_no_hang_whatever_comes_in(server, path, method, query, content_type, body, headers):
    url = server.base_url + path + ("?" + query if query else "")
    if content_type:
        headers = {**headers, "Content-Type": content_type}
    answer = requests.request(method, url, data=body if method in ("POST", "PUT") else None, headers=headers,
                              timeout=30)
    assert answer.status_code < 500 or (answer.status_code == 503 and
                                        answer.headers.get("X-Apparat-Reason") == "deadline"), \
        (answer.status_code, answer.text[:300])


def test_alive_after_the_fuzzing(server):
    answer = requests.get(server.base_url + "/sparql", params={"query": "ASK {}"},
                          headers={"Accept": "application/sparql-results+json"}, timeout=10)
    assert answer.status_code == 200 and answer.json()["boolean"] is True
    assert requests.get(server.base_url + "/health", timeout=10).json()["status"] == "ok"
