"""Who the client is: the socket peer, or, behind a trusted proxy, the address it forwarded.

With the ``trusted_proxies`` setting empty (the default) the client is the
socket peer (``REMOTE_ADDR``) and ``X-Forwarded-For`` is ignored, so no client
can name itself another. When the peer is one of those addresses or networks,
the client is the right-most ``X-Forwarded-For`` address that is not itself a
trusted proxy (each proxy appends the address it was connected from, so the
hops right of the client are ours and anything left of it is the client's own
claim); if every hop is trusted, the left-most. A header whose hops up to that
one do not all parse as addresses is ignored: the client is then the peer.

The client found here is what the access log, the executor pool's per-client
fairness (``client_queries``, the ``429``) and the page lookups use; it is
found once per request, by the outermost middleware (``server.observe``), and
kept in the WSGI environ. Checks that must trust nobody's word (the loopback
check of ``POST /admin/reload``) read the socket peer, never this.
"""

from __future__ import annotations

import ipaddress

#: Where a request's client address is kept in its WSGI environ.
CLIENT_KEY = "apparat.client"

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def trusted_networks(value: str) -> tuple[Network, ...]:
    """The ``trusted_proxies`` setting (addresses or CIDR networks, separated by spaces or commas).

    Raises:
        ValueError: an entry is neither an address nor a network (naming it).

    >>> [str(n) for n in trusted_networks("127.0.0.1, 10.0.0.0/8 ::1")]
    ['127.0.0.1/32', '10.0.0.0/8', '::1/128']
    """
    networks = []
    for entry in str(value or "").replace(",", " ").split():
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ValueError(f"trusted_proxies: {entry!r} is neither an IP address nor a network") from None
    return tuple(networks)


def _address(text: str) -> Address | None:
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)  # ::ffff:127.0.0.1 from a dual-stack socket
    return mapped or address


def _trusted(address: Address, trusted: tuple[Network, ...]) -> bool:
    return any(address in network for network in trusted)


def forwarded_client(peer: str, forwarded: str | None, trusted: tuple[Network, ...]) -> str:
    """The client of a request from ``peer`` carrying ``X-Forwarded-For: forwarded``.

    >>> proxies = trusted_networks("127.0.0.1")
    >>> forwarded_client("127.0.0.1", "203.0.113.9, 198.51.100.7", proxies)
    '198.51.100.7'
    >>> forwarded_client("192.0.2.1", "198.51.100.7", proxies)  # not from a trusted proxy
    '192.0.2.1'
    >>> forwarded_client("127.0.0.1", "198.51.100.7:443", proxies)  # malformed: the peer
    '127.0.0.1'
    """
    if not trusted or not forwarded:
        return peer
    address = _address(peer)
    if address is None or not _trusted(address, trusted):
        return peer
    hops = forwarded.split(",")
    hop = None
    for text in reversed(hops):
        hop = _address(text)
        if hop is None:
            return peer
        if not _trusted(hop, trusted):
            return str(hop)
    return str(hop)  # every hop is a trusted proxy: the left-most


def client_of(environ: dict, trusted: tuple[Network, ...]) -> str:
    """The client of the request whose WSGI environ this is (found once, then kept there)."""
    client = environ.get(CLIENT_KEY)
    if client is None:
        client = forwarded_client(environ.get("REMOTE_ADDR") or "", environ.get("HTTP_X_FORWARDED_FOR"), trusted)
        environ[CLIENT_KEY] = client
    return client


def request_client() -> str:
    """The current request's client address (see the module's docstring)."""
    # Imported here: the rest of this module is plain ``ipaddress``, and ``apparat serve``'s
    # own process imports it (``trusted_networks``) without Flask.
    from flask import has_request_context, request

    from .state import state

    if not has_request_context():
        return ""
    return client_of(request.environ, state().trusted_proxies)
