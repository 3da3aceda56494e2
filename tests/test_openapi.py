"""The OpenAPI document of the saved queries validates, and a schema-driven
fuzzer (schemathesis) run against the live server finds no server error."""

from __future__ import annotations

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate


@pytest.fixture(scope="module")
def spec(live_server) -> dict:
    return requests.get(live_server + "/queries/openapi.json", timeout=10).json()


def test_openapi_document_validates(spec):
    validate(spec)


def test_every_saved_query_has_an_operation(spec, live_server):
    listed = {q["name"] for q in requests.get(live_server + "/queries", timeout=10,
                                              headers={"Accept": "application/json"}).json()["queries"]}
    assert {path.removeprefix("/queries/") for path in spec["paths"]} == listed
    assert len(listed) >= 20


def test_contract_parameters(spec):
    params = {p["name"]: p for p in spec["paths"]["/queries/politburo-in-year"]["get"]["parameters"]}
    assert params["year"]["required"] is True and params["year"]["schema"]["type"] == "integer"
    assert params["role"]["schema"]["enum"][:2] == ["full", "candidate"]
    assert params["role"]["schema"]["default"] == "full"


def test_schemathesis_finds_no_server_errors(live_server):
    schema = schemathesis.openapi.from_url(live_server + "/queries/openapi.json")
    schema.config.base_url = live_server
    failures, calls = [], []
    def fuzz(operation):
        @settings(max_examples=15, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def check(case):
            response = case.call(timeout=30)
            calls.append(response.status_code)
            if response.status_code >= 500:
                failures.append((operation.label, case.query, response.status_code, response.text[:200]))

        check()

    for operation in schema.get_all_operations():
        fuzz(operation.ok())
    assert len(calls) >= 5 * len(list(schema.get_all_operations()))
    assert 200 in calls and any(400 <= c < 500 for c in calls)  # it exercised good and bad input
    assert failures == []
