"""One rule for the client's address (sc_core.net): X-Forwarded-For is believed only from
a trusted peer, and then only its right-most hop that is not a trusted proxy."""

from __future__ import annotations

import pytest

from sc_core.net import TrustedProxies


@pytest.mark.parametrize(
    ("trusted", "peer", "forwarded", "client"),
    [
        # nobody trusted (the gateway with nothing in front): the peer, whatever it says
        ("", "198.51.100.7", "6.6.6.6", "198.51.100.7"),
        ("", "127.0.0.1", "6.6.6.6", "127.0.0.1"),
        # an ingress in front: it appended the address it saw; what the client wrote
        # before that (the left part) is ignored
        ("10.0.0.0/8", "10.1.2.3", "6.6.6.6, 198.51.100.7", "198.51.100.7"),
        ("10.0.0.0/8", "10.1.2.3", "198.51.100.7, 10.9.9.9", "198.51.100.7"),
        # a service behind the gateway: the one address the gateway wrote
        ("127.0.0.1,::1", "127.0.0.1", "198.51.100.7", "198.51.100.7"),
        ("127.0.0.1,::1", "::1", "2001:db8::7", "2001:db8::7"),
        # the gateway on loopback forwarded a loopback client (make run)
        ("127.0.0.1,::1", "127.0.0.1", "127.0.0.1", "127.0.0.1"),
        # a trusted peer without the header, an untrusted one with it
        ("127.0.0.1", "127.0.0.1", None, "127.0.0.1"),
        ("127.0.0.1", "192.0.2.1", "6.6.6.6", "192.0.2.1"),
        # '*' trusts any peer (a cluster where only the gateway reaches the service)
        ("*", "10.244.0.7", "198.51.100.7", "198.51.100.7"),
    ],
)
def test_the_client_is_the_rightmost_untrusted_hop(
    trusted: str, peer: str, forwarded: str | None, client: str
) -> None:
    assert TrustedProxies(trusted).client(peer, forwarded) == client


def test_networks_and_addresses_both_count() -> None:
    trusted = TrustedProxies("10.0.0.0/8, 192.0.2.1")
    assert "10.200.0.1" in trusted and "192.0.2.1" in trusted
    assert "192.0.2.2" not in trusted and "not-an-ip" not in trusted and None not in trusted
