"""A body that never arrives holds no thread: the ASGI front (``server.front``,
``http_interface = asgi``) on loopback.

Clients that announce a ``Content-Length`` and send only part of it, then stay
silent, outnumber the server's request threads three times over; cheap queries
must keep being answered, and each short-body client gets ``408`` and a closed
connection after about ``body_timeout``. Served straight on granian's WSGI
interface (``http_interface = wsgi``, the server before the front) the cheap
queries wait until those clients give up, and this module fails.

Liveness bounds only (a few seconds); only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import http.client
import socket
import time
import urllib.parse

import pytest
from conftest import TEST_ENV
from harness import ServerProcess

THREADS = 4
BODY_TIMEOUT = 2.0
SHORT_BODIES = 3 * THREADS
CHEAP = "ASK { apid:organ\\/politburo a ap:PartyOrgan }"


@pytest.fixture(scope="module")
def server(build_dir):
    env = {**TEST_ENV, "APPARAT_HTTP_INTERFACE": "asgi", "APPARAT_THREADS": str(THREADS),
           "APPARAT_BODY_TIMEOUT": str(BODY_TIMEOUT), "APPARAT_CACHE_BYTES": "0", "APPARAT_CLIENT_QUERIES": "8",
           "APPARAT_QUERY_TIMEOUT": "5"}
    with ServerProcess(build_dir, env=env) as running:
        yield running


def address(server) -> tuple[str, int]:
    parts = urllib.parse.urlsplit(server.base_url)
    return parts.hostname, parts.port


def post(server, body: bytes, timeout: float = 5.0) -> tuple[int, float, bytes]:
    """POST ``body`` as a SPARQL query; return (status, seconds, answer)."""
    connection = http.client.HTTPConnection(*address(server), timeout=timeout)
    started = time.monotonic()
    try:
        connection.request("POST", "/sparql", body=body, headers={
            "Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"})
        response = connection.getresponse()
        return response.status, time.monotonic() - started, response.read()
    finally:
        connection.close()


def short_body(server) -> socket.socket:
    """A connection that announces 200 body bytes, sends 10 of them, and then nothing."""
    sock = socket.create_connection(address(server), timeout=BODY_TIMEOUT + 5)
    sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                 b"Content-Length: 200\r\n\r\nASK { ?s ?")
    return sock


def read_to_end(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection (bounded by the socket's timeout)."""
    data = b""
    while len(data) < 65536:
        chunk = sock.recv(4096)
        if not chunk:
            return data
        data += chunk
    return data


def test_short_bodies_hold_no_thread_and_get_408_after_the_body_timeout(server):
    opened = time.monotonic()
    sockets = [short_body(server) for _ in range(SHORT_BODIES)]
    try:
        time.sleep(0.3)  # every short-body request has reached the server
        answered = 0
        while time.monotonic() < opened + BODY_TIMEOUT - 0.5:  # while all of them are still waiting
            status, seconds, body = post(server, CHEAP.encode())
            assert status == 200 and b'"boolean":true' in body, (status, body)
            assert seconds < 1.0, seconds
            answered += 1
        assert answered >= 3
        for sock in sockets:
            answer = read_to_end(sock)  # the server closes the connection after its answer
            waited = time.monotonic() - opened
            assert answer.startswith(b"HTTP/1.1 408"), answer
            assert b"body_timeout" in answer.lower() and b"within 2 s" in answer
            assert BODY_TIMEOUT - 0.2 < waited < BODY_TIMEOUT + 4, waited
    finally:
        for sock in sockets:
            sock.close()
    # Nothing is left held: a second wave is refused the same way, and whole bodies still run.
    again = [short_body(server) for _ in range(SHORT_BODIES)]
    try:
        assert post(server, CHEAP.encode())[0] == 200
        for sock in again:
            assert read_to_end(sock).startswith(b"HTTP/1.1 408")
    finally:
        for sock in again:
            sock.close()
    assert post(server, CHEAP.encode())[0] == 200


def test_a_body_sent_slowly_but_within_the_timeout_is_answered(server):
    with socket.create_connection(address(server), timeout=BODY_TIMEOUT + 5) as sock:
        query = CHEAP.encode()
        sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                     b"Accept: application/sparql-results+json\r\nConnection: close\r\n"
                     b"Content-Length: " + str(len(query)).encode() + b"\r\n\r\n" + query[:10])
        time.sleep(BODY_TIMEOUT / 4)
        sock.sendall(query[10:])
        answer = read_to_end(sock)
    assert answer.startswith(b"HTTP/1.1 200"), answer
    assert b'"boolean":true' in answer


def test_a_chunked_body_is_read_whole_and_capped(server):
    query = CHEAP.encode()
    with socket.create_connection(address(server), timeout=BODY_TIMEOUT + 5) as sock:
        chunks = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in (query[:7], query[7:]))
        sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                     b"Accept: application/sparql-results+json\r\nConnection: close\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\n" + chunks + b"0\r\n\r\n")
        answer = read_to_end(sock)
    assert answer.startswith(b"HTTP/1.1 200"), answer
    assert b'"boolean":true' in answer
    big = b"x" * (1024 * 1024 + 10)  # over max_request_bytes (1 MiB), no Content-Length
    with socket.create_connection(address(server), timeout=BODY_TIMEOUT + 5) as sock:
        sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\n" + b"%x\r\n%s\r\n0\r\n\r\n" % (len(big), big))
        answer = sock.recv(4096)
    assert answer.startswith(b"HTTP/1.1 413"), answer


def test_the_timeout_is_logged_and_counted_as_a_refusal(server):
    with short_body(server) as sock:
        assert read_to_end(sock).startswith(b"HTTP/1.1 408")
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not any('"refusal": "body_timeout"' in line for line in server.log):
        time.sleep(0.1)
    line = next(line for line in server.log if '"refusal": "body_timeout"' in line)
    assert '"status": 408' in line and '"client": "127.0.0.1"' in line
    with urllib_open(server.base_url + "/metrics") as response:
        text = response.read().decode()
    assert any(row.startswith("apparat_refusals_total") and 'reason="body_timeout"' in row
               for row in text.splitlines()), text[:2000]


def urllib_open(url: str):
    import urllib.request

    return urllib.request.urlopen(url, timeout=5)
