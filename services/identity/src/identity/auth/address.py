"""The caller's address, as sign-in throttling and audit records name it."""

from __future__ import annotations

from fastapi import Request

from sc_core.net import client_address


def source_address(request: Request) -> str:
    """The caller's address by the platform's one rule (:func:`sc_core.net.client_address`:
    X-Forwarded-For only from the gateway, which writes the address it saw)."""
    return (client_address(request) or "unknown")[:64]
