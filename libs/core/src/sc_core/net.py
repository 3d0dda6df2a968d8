"""The client's address: one rule for the gateway and every service.

A request's ``X-Forwarded-For`` is believed only when it comes from a peer this process
trusts (``FORWARDED_ALLOW_IPS``: addresses or networks, ``*`` for any):

- the gateway trusts the proxies in front of it (the ingress controller; nobody by
  default), finds the client as the right-most address of the chain that is not one of
  them, and forwards exactly that address upstream (``X-Forwarded-For`` and
  ``X-Real-IP`` replaced, never appended to: a client cannot smuggle an address past it);
- a service trusts the gateway (loopback by default, the release's pods in a cluster where
  the NetworkPolicy lets only the gateway in) and reads the address the gateway wrote.

Anything else (no header, an untrusted peer) is the peer's own address. Every audit
record's "from where" and identity's login throttle use :func:`client_address`.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from functools import lru_cache

from starlette.requests import HTTPConnection

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
LOOPBACK = "127.0.0.1,::1"


class TrustedProxies:
    """The peers whose ``X-Forwarded-For`` is believed."""

    def __init__(self, spec: str | Iterable[str] = "") -> None:
        items = spec.split(",") if isinstance(spec, str) else list(spec)
        items = [item.strip() for item in items if item.strip()]
        self.any = "*" in items
        self.networks: list[IPNetwork] = []
        self.names: set[str] = set()  # e.g. "unix:" peers, or a name that is not an IP
        for item in items:
            if item == "*":
                continue
            try:
                self.networks.append(ipaddress.ip_network(item, strict=False))
            except ValueError:
                self.names.add(item)

    def __contains__(self, host: object) -> bool:
        if not isinstance(host, str) or not host:
            return False
        if self.any:
            return True
        if host in self.names:
            return True
        address = _address(host)
        return address is not None and any(address in net for net in self.networks)

    def client(self, peer: str | None, forwarded_for: str | None) -> str | None:
        """The client's address: ``peer`` unless it is trusted and says otherwise."""
        if peer is None or peer not in self or not forwarded_for:
            return peer
        chain = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
        for hop in reversed(chain):
            if hop not in self:
                return hop
        return chain[0] if chain else peer  # every hop is a trusted proxy: the first one


@lru_cache(maxsize=4096)
def _address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


_DEFAULT = TrustedProxies(LOOPBACK)


def trusted_proxies(connection: HTTPConnection) -> TrustedProxies:
    """What this app trusts (``app.state.trusted_proxies``; loopback when unset)."""
    app = connection.scope.get("app")
    found = getattr(getattr(app, "state", None), "trusted_proxies", None)
    return found if isinstance(found, TrustedProxies) else _DEFAULT


def client_address(connection: HTTPConnection) -> str | None:
    """The address of whoever sent this request, by the one rule above."""
    peer = connection.client.host if connection.client else None
    trusted = trusted_proxies(connection)
    if peer is None or peer not in trusted:
        return peer  # the headers are not read: nobody's X-Forwarded-For is believed
    forwarded = ",".join(connection.headers.getlist("x-forwarded-for")) or None
    return trusted.client(peer, forwarded)


def client_scheme(connection: HTTPConnection) -> str:
    """The scheme the client used: a trusted proxy's ``X-Forwarded-Proto`` (TLS ended
    there), else this connection's own."""
    peer = connection.client.host if connection.client else None
    forwarded = connection.headers.get("x-forwarded-proto")
    if forwarded and peer is not None and peer in trusted_proxies(connection):
        scheme = forwarded.split(",")[0].strip().lower()
        if scheme in ("http", "https"):
            return scheme
    return str(connection.scope.get("scheme", "http"))
