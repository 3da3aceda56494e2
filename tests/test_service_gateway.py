"""SERVICE through the federation gateway (apparat/query/gateway.py): our User-Agent with the
contact URL, the per-SERVICE timeout, the cache of SERVICE answers, and the Service Description.

The remote endpoint is the loopback stand-in (harness.stand_in_endpoint) behind
harness.Listener, which counts connections, records User-Agents and, for the
slow one, waits before it answers. Everything runs on 127.0.0.1.
"""

from __future__ import annotations

import pytest
import requests
from harness import Listener, ServerProcess, stand_in_endpoint

# Wikidata-shaped facts, written for this test (Q-ids from ../shared/wikidata/known-ids.tsv).
FAKE_WIKIDATA = """
@prefix wd:  <http://www.wikidata.org/entity/> .
@prefix wdt: <http://www.wikidata.org/prop/direct/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
wd:Q186709 wdt:P569 "1888-10-09"^^xsd:date .
wd:Q855 wdt:P569 "1878-12-18"^^xsd:date .
"""
CONTACT = "https://contact.invalid/apparat-tests"  # .invalid: reserved, never a real address
SLOW_SECONDS = 8.0  # the slow endpoint's wait; the per-SERVICE limit below is 1 s
JSON = {"Accept": "application/sparql-results+json"}


@pytest.fixture(scope="module")
def remote(tmp_path_factory):
    with stand_in_endpoint(tmp_path_factory.mktemp("remote"), FAKE_WIKIDATA) as endpoint:
        yield endpoint


@pytest.fixture(scope="module")
def endpoints(remote):
    with Listener(remote) as fast, Listener(remote, delay=SLOW_SECONDS) as slow:
        yield fast, slow


@pytest.fixture(scope="module")
def federating(build_dir, endpoints):
    fast, slow = endpoints
    env = {"APPARAT_SERVICE_ALLOWLIST": f"{fast.url} {slow.url}", "APPARAT_SERVICE_TIMEOUT": "1",
           "APPARAT_SERVICE_CONTACT": CONTACT, "APPARAT_SERVICE_CACHE_SECONDS": "600",
           "APPARAT_CACHE_BYTES": "0"}  # no answer cache: every request runs its query
    with ServerProcess(build_dir, "--workers", "1", env=env) as server:
        yield server.base_url


def _born(base: str, endpoint: str, item: str = "Q186709", silent: str = "") -> requests.Response:
    text = (f"PREFIX wd: <http://www.wikidata.org/entity/> PREFIX wdt: <http://www.wikidata.org/prop/direct/> "
            f"SELECT ?born WHERE {{ SERVICE {silent} <{endpoint}> {{ wd:{item} wdt:P569 ?born }} }}")
    return requests.post(base + "/sparql", data={"query": text}, headers=JSON, timeout=30)


def _values(response: requests.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [row["born"]["value"] for row in response.json()["results"]["bindings"]]


def test_a_cached_second_call_makes_no_connection(federating, endpoints):
    fast, _slow = endpoints
    before = fast.connections
    assert _values(_born(federating, fast.url, "Q855")) == ["1878-12-18"]
    first = fast.connections
    assert first == before + 1
    assert _values(_born(federating, fast.url, "Q855")) == ["1878-12-18"]
    assert fast.connections == first  # the gateway answered from its cache


def test_another_request_is_not_served_from_the_cache(federating, endpoints):
    fast, _slow = endpoints
    before = fast.connections
    assert _values(_born(federating, fast.url, "Q186709")) == ["1888-10-09"]
    assert fast.connections == before + 1


def test_the_endpoint_sees_our_user_agent_with_the_contact_url(federating, endpoints):
    fast, _slow = endpoints
    _values(_born(federating, fast.url, "Q186709"))
    assert fast.user_agents
    assert {agent.split("/")[0] for agent in fast.user_agents} == {"Apparat"}
    assert all(f"({CONTACT})" in agent for agent in fast.user_agents), fast.user_agents


def test_a_slow_endpoint_hits_the_per_service_timeout_with_a_clear_error(federating, endpoints):
    _fast, slow = endpoints
    response = _born(federating, slow.url)  # the request's deadline (30 s) is far off
    assert response.status_code == 504, response.text
    message = response.text
    assert f"<{slow.url}>" in message and "1 s" in message and "service_timeout" in message
    assert "time limit" not in message  # not the request's deadline
    # the server keeps answering
    assert requests.get(federating + "/health", timeout=10).status_code == 200


def test_service_silent_keeps_its_meaning_on_a_timeout(federating, endpoints):
    _fast, slow = endpoints
    response = _born(federating, slow.url, silent="SILENT")
    assert response.status_code == 200, response.text
    # SPARQL 1.1 Federated Query §4: a failed SILENT call is one solution binding nothing.
    assert response.json()["results"]["bindings"] == [{}]


def test_a_remote_refusal_names_the_endpoint_and_its_answer(federating, endpoints):
    fast, slow = endpoints
    # A SERVICE inside a SERVICE: the stand-in gets one of its own and refuses it (its allowlist
    # is Wikidata's): 400 there, 502 here, with the stand-in's reason and no gateway URL in it.
    text = f"SELECT * WHERE {{ SERVICE <{fast.url}> {{ SERVICE <{slow.url}> {{ ?s ?p ?o }} }} }}"
    response = requests.post(federating + "/sparql", data={"query": text}, headers=JSON, timeout=30)
    assert response.status_code == 502, response.text
    message = response.text
    assert f"<{fast.url}> answered 400" in message and f"SERVICE <{slow.url}> is not allowed" in message


def test_the_service_description_states_the_service_settings(federating, endpoints):
    from rdflib import Graph, Literal, URIRef

    from apparat.namespaces import AP

    fast, slow = endpoints
    response = requests.get(federating + "/sparql", headers={"Accept": "text/turtle"}, timeout=30)
    graph = Graph().parse(data=response.text, format="turtle")
    service = URIRef(federating + "/sparql#service")
    # the allowlist, each endpoint SERVICE may call, and the cap on SERVICE clauses
    assert set(graph.objects(service, AP.federatesWith)) == {URIRef(fast.url), URIRef(slow.url)}
    assert graph.value(service, AP.maxServiceCalls).toPython() == 3
    assert graph.value(service, AP.serviceTimeoutSeconds).toPython() == 1
    assert graph.value(service, AP.serviceCacheSeconds).toPython() == 600
    assert graph.value(service, AP.serviceCacheBytes) == Literal(16 * 1024 * 1024)
    assert graph.value(service, AP.maxServiceAnswerBytes) == Literal(32 * 1024 * 1024)
    agent = str(graph.value(service, AP.serviceUserAgent))
    assert agent.startswith("Apparat/") and f"({CONTACT})" in agent


def test_a_local_query_goes_through_a_gateway_too(dataset, endpoints):
    from apparat.query.local import run_query
    from apparat.settings import load_settings

    fast, _slow = endpoints
    settings = {**load_settings(), "service_allowlist": fast.url, "service_contact": CONTACT}
    before = len(fast.user_agents)
    text = ("PREFIX wd: <http://www.wikidata.org/entity/> PREFIX wdt: <http://www.wikidata.org/prop/direct/> "
            f"SELECT ?born WHERE {{ SERVICE <{fast.url}> {{ wd:Q855 wdt:P569 ?born }} }}")
    result = run_query(dataset, text, max_rows=10, settings=settings)
    assert [row["born"].value for row in result.rows] == ["1878-12-18"]
    assert len(fast.user_agents) == before + 1 and f"({CONTACT})" in fast.user_agents[-1]


def test_a_syntax_error_after_a_rewritten_service_iri_keeps_its_column():
    import pyoxigraph as ox

    from apparat.errors import QuerySyntaxError
    from apparat.query.sparql import Engine, evaluate

    endpoint = "http://127.0.0.1:1/sparql"
    direct = Engine({}, (endpoint,), 50, 10)
    gateway = Engine({}, (endpoint,), 50, 10, service_gateway="http://127.0.0.1:2/a-long-token-here/")
    text = f"SELECT * WHERE {{\n SERVICE <{endpoint}> {{ ?s ?p ?o }} ?s ?p }}"
    found = []
    for engine in (direct, gateway):
        with pytest.raises(QuerySyntaxError) as caught:
            evaluate(ox.Store(), engine, text)
        found.append((caught.value.line, caught.value.column, str(caught.value)))
    assert found[0] == found[1] and found[0][0] == 2


@pytest.mark.parametrize(("cache_seconds", "cache_bytes", "connections"), [
    (600, 10**6, 1),   # kept: the second call is a cache hit
    (0, 10**6, 2),     # service_cache_seconds 0: nothing kept
    (600, 10, 2),      # an answer larger than service_cache_bytes is not kept
])
def test_the_gateway_cache_is_bounded_in_time_and_bytes(endpoints, cache_seconds, cache_bytes, connections):
    from apparat.query.gateway import ServiceGateway

    fast, _slow = endpoints
    headers = {"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"}
    body = b"SELECT * WHERE { ?s ?p ?o }"
    with ServiceGateway((fast.url,), agent="Apparat/test (x)", timeout=5, cache_seconds=cache_seconds,
                        cache_bytes=cache_bytes, max_bytes=10**6) as gateway:
        before = fast.connections
        answers = [gateway.answer(0, "POST", "", headers, body) for _ in range(2)]
    assert answers[0] == answers[1] and answers[0][0].startswith("application/sparql-results+json")
    assert fast.connections == before + connections


def test_the_gateway_refuses_an_answer_over_its_size_limit(endpoints):
    from apparat.query.gateway import ServiceError, ServiceGateway

    fast, _slow = endpoints
    with ServiceGateway((fast.url,), agent="Apparat/test (x)", timeout=5, cache_seconds=600,
                        cache_bytes=10**6, max_bytes=10) as gateway, pytest.raises(ServiceError) as caught:
        gateway.answer(0, "POST", "", {"Content-Type": "application/sparql-query"}, b"SELECT * WHERE { ?s ?p ?o }")
    assert caught.value.status == 502 and "more than 10 bytes (setting service_max_bytes)" in str(caught.value)
