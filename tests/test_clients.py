"""Who the client is (``server.clients``): the socket peer, or behind a proxy in
``trusted_proxies`` the right-most ``X-Forwarded-For`` hop that is not a trusted proxy;
``POST /admin/reload`` checks the socket peer whatever the header says.
The live half (two clients behind nginx) is in ``tests/test_nginx.py``."""

from __future__ import annotations

import pytest
from apparat.web.clients import forwarded_client, trusted_networks
from conftest import ALLOWED_SERVICE

PROXIES = trusted_networks("127.0.0.1, 10.0.0.0/8 ::1")


@pytest.mark.parametrize(("peer", "header", "client"), [
    ("127.0.0.1", "198.51.100.7", "198.51.100.7"),                      # nginx on loopback
    ("127.0.0.1", "203.0.113.9, 198.51.100.7", "198.51.100.7"),         # the client's own claim, left: not believed
    ("127.0.0.1", "198.51.100.7, 10.1.2.3", "198.51.100.7"),            # through a second trusted proxy
    ("127.0.0.1", "10.1.2.3, 127.0.0.1", "10.1.2.3"),                   # every hop trusted: the left-most
    ("::1", "2001:db8::5", "2001:db8::5"),
    ("::ffff:127.0.0.1", "198.51.100.7", "198.51.100.7"),               # a dual-stack socket's peer
    ("192.0.2.1", "198.51.100.7", "192.0.2.1"),                         # not from a trusted proxy: ignored
    ("127.0.0.1", None, "127.0.0.1"),
    ("127.0.0.1", "", "127.0.0.1"),
    ("127.0.0.1", "198.51.100.7:443", "127.0.0.1"),                     # malformed: the peer
    ("127.0.0.1", "unknown", "127.0.0.1"),
    ("127.0.0.1", "198.51.100.7, ", "127.0.0.1"),
    ("127.0.0.1", "garbage, 198.51.100.7", "198.51.100.7"),             # left of the client: never read
])
def test_the_client_behind_trusted_proxies(peer, header, client):
    assert forwarded_client(peer, header, PROXIES) == client


def test_without_the_setting_the_header_is_ignored():
    assert trusted_networks("") == ()
    assert forwarded_client("127.0.0.1", "198.51.100.7", trusted_networks("")) == "127.0.0.1"


def test_a_malformed_setting_is_refused_naming_the_entry():
    with pytest.raises(ValueError, match="'10.0.0.0/33'"):
        trusted_networks("127.0.0.1 10.0.0.0/33")


def test_the_admin_check_reads_the_socket_peer_never_the_header(build_dir):
    from apparat.web import create_app

    app = create_app({"build_dir": build_dir, "service_allowlist": ALLOWED_SERVICE, "access_log": "",
                      "admin_reload": True, "trusted_proxies": "127.0.0.1 192.0.2.0/24"})
    try:
        client = app.test_client()
        # A trusted proxy that is not on loopback, forwarding a loopback client: still 403.
        refused = client.post("/admin/reload", environ_base={"REMOTE_ADDR": "192.0.2.10"},
                              headers={"X-Forwarded-For": "127.0.0.1"})
        assert refused.status_code == 403
        # nginx on loopback forwarding anyone: the loopback check passes (then 503: not under `apparat serve`).
        passed = client.post("/admin/reload", environ_base={"REMOTE_ADDR": "127.0.0.1"},
                             headers={"X-Forwarded-For": "198.51.100.7"})
        assert passed.status_code == 503
        # The forwarded client is what the request's record (the log line) says.
        seen = []
        app.extensions["apparat"].observer.logger = _Recorder(seen)
        client.get("/health", environ_base={"REMOTE_ADDR": "127.0.0.1"},
                   headers={"X-Forwarded-For": "198.51.100.7"}).close()  # the line is written on close
        assert [(line["client"], line["peer"]) for line in seen] == [("198.51.100.7", "127.0.0.1")]
    finally:
        app.extensions["apparat"].pool.close()


class _Recorder:
    """A stand-in logger for ``server.logs.request_done``: keeps each line as a dict."""

    disabled = False

    def __init__(self, lines: list):
        self.lines, self.handlers = lines, [object()]

    def info(self, text: str) -> None:
        import json

        self.lines.append(json.loads(text))
