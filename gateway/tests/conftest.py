"""Fixtures every gateway test module uses: a token issuer and its JWKS endpoint (one per
module, as each module had its own copy before)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sc_core.auth.testing import JWKSServer, LocalIssuer


@pytest.fixture(scope="module")
def issuer() -> LocalIssuer:
    return LocalIssuer()


@pytest.fixture(scope="module")
def jwks(issuer: LocalIssuer) -> Iterator[str]:
    with JWKSServer(issuer) as server:
        yield server.url
