"""The W3C SPARQL 1.1 Protocol test cases, one pytest test per manifest entry,
against the real server (granian on 127.0.0.1) on the suite's own data.

The runner is ``tests/w3c_protocol.py``; the manifest lives in
``../shared/w3c/sparql11-protocol`` and these tests skip with a reason where it
is absent. Tests that need SPARQL Update to succeed skip: the endpoint is
read-only. Updates the manifest expects refused (4xx) run and must pass.
"""

from __future__ import annotations

import pytest
from w3c_protocol import MANIFEST, MISSING_REASON, PROTOCOL_DIR, load_manifest, protocol_server, run_test

AVAILABLE = (PROTOCOL_DIR / MANIFEST).exists()
TESTS = load_manifest(PROTOCOL_DIR) if AVAILABLE else []


@pytest.fixture(scope="module")
def protocol_base_url():
    """One server for the whole module, on the manifest's data graphs."""
    with protocol_server(PROTOCOL_DIR, TESTS) as base_url:
        yield base_url


if AVAILABLE:

    @pytest.mark.parametrize("case", TESTS, ids=[t.name for t in TESTS])
    def test_w3c_protocol(case, request):
        applies, why = case.applicability()
        if not applies:
            pytest.skip(f"read-only endpoint: {why}")
        result = run_test(case, request.getfixturevalue("protocol_base_url"))
        assert result.passed, f"{case.name} ({case.title}):\n{result.detail}"

else:

    def test_w3c_protocol():
        pytest.skip(MISSING_REASON)


def test_manifest_is_read_completely():
    """Guards the runner's manifest parsing: every entry has requests and expectations."""
    if not AVAILABLE:
        pytest.skip(MISSING_REASON)
    assert len(TESTS) == 34
    assert len({t.name for t in TESTS}) == len(TESTS)
    for test in TESTS:
        assert test.requests, test.name
        for req in test.requests:
            assert req.method and req.path.startswith("/sparql/"), test.name
            assert req.expected_status, test.name
    by_name = {t.name: t for t in TESTS}
    non_utf8 = by_name["bad_query_non_utf8"].requests[0]
    assert non_utf8.encoding == "UTF-16" and non_utf8.body == "ASK {}".encode("utf-16")
    assert by_name["query_dataset_full"].graph_data == (
        ("data1.nt", "http://kasei.us/2009/09/sparql/data/data1.rdf"),
        ("data2.nt", "http://kasei.us/2009/09/sparql/data/data2.rdf"),
        ("data3.nt", "http://kasei.us/2009/09/sparql/data/data3.rdf"),
    )
    assert by_name["query_post_form"].requests[0].expected_boolean is True
    assert by_name["query_content_type_select"].expected_media_types() == {
        "application/sparql-results+xml", "application/sparql-results+json", "text/csv", "text/tab-separated-values",
    }
    assert [t.name for t in TESTS if not t.applicability()[0]] == [
        "update_dataset_default_graph", "update_dataset_default_graphs", "update_dataset_named_graphs",
        "update_dataset_full", "update_post_form", "update_post_direct", "update_base_uri",
    ]
