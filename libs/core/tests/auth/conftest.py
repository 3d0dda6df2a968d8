from collections.abc import Iterator

import pytest

from sc_core.auth import JWKSVerifier
from sc_core.auth.testing import JWKSServer, LocalIssuer


class FakeClock:
    """A monotonic clock the test moves by hand (HTTP stays real)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def issuer() -> LocalIssuer:
    return LocalIssuer(with_rsa=True)


@pytest.fixture
def jwks_server(issuer: LocalIssuer) -> Iterator[JWKSServer]:
    with JWKSServer(issuer) as server:
        yield server


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def verifier(jwks_server: JWKSServer, issuer: LocalIssuer, clock: FakeClock):
    v = JWKSVerifier(
        jwks_server.url,
        issuer.issuer,
        issuer.audience,
        cache_seconds=300,
        min_refresh_interval=30,
        clock=clock,
    )
    yield v
    await v.aclose()
