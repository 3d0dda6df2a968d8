"""The gateway lets through only verified callers, except on the routes listed as public,
and limits how fast any caller or address may go."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from asgi_lifespan import LifespanManager
from httpx import ASGITransport, AsyncClient

from gateway.app import create_app
from gateway.routing import RouteTable
from gateway.security import DEFAULT_PUBLIC_PATHS, PublicPaths
from sc_core.auth.testing import LocalIssuer
from test_gateway import free_port, gateway_settings, things_app  # noqa: F401 - fixtures
from test_gateway import upstream as upstream


async def _client(app: object, address: str = "198.51.100.1") -> AsyncClient:
    return AsyncClient(
        transport=ASGITransport(app=app, client=(address, 4000)),  # type: ignore[arg-type]
        base_url="http://gw",
    )


@pytest.fixture
async def app(upstream: str, jwks: str) -> AsyncIterator[object]:
    application = create_app(gateway_settings(upstream, jwks))
    async with LifespanManager(application):
        yield application


async def test_no_token_is_401_with_a_challenge(app: object) -> None:
    async with await _client(app) as client:
        response = await client.get("/api/v1/things")
    assert response.status_code == 401
    assert response.json()["code"] == "auth.unauthenticated"
    assert response.headers["www-authenticate"].startswith("Bearer")


async def test_expired_forged_and_foreign_tokens_are_refused(
    app: object, issuer: LocalIssuer
) -> None:
    stranger = LocalIssuer()
    cases = {
        "auth.token_expired": issuer.issue("u-1", ["resident"], ttl=-120),
        "auth.invalid_token": stranger.issue("u-1", ["resident"]),
    }
    async with await _client(app) as client:
        for code, token in cases.items():
            response = await client.get(
                "/api/v1/things", headers={"Authorization": f"Bearer {token}"}
            )
            assert response.status_code == 401, code
            assert response.json()["code"] == code
        basic = await client.get("/api/v1/things", headers={"Authorization": "Basic eDp5"})
        assert basic.json()["code"] == "auth.invalid_token"


async def test_valid_token_is_forwarded_for_the_service_to_verify_again(
    app: object, issuer: LocalIssuer
) -> None:
    headers = issuer.bearer("u-7", ["property_staff"])
    async with await _client(app) as client:
        response = await client.get("/api/v1/things", headers=headers)
    assert response.status_code == 200
    assert response.json()["authorization"] == headers["Authorization"]


async def test_public_routes_need_no_login(app: object) -> None:
    async with await _client(app) as client:
        device = await client.post("/api/v1/AbCdEf123/telemetry", json={"temp": 21})
        assert device.status_code == 200
        assert device.json() == {"device_token": "AbCdEf123"}
        assert (await client.get("/healthz")).status_code == 200
        assert (await client.get("/openapi.json")).status_code == 200


async def test_stream_opens_with_a_ticket_but_never_with_a_token_in_the_url(app: object) -> None:
    """EventSource cannot send a header: ?ticket= reaches the stream's service (which
    redeems it); ?access_token= is not a way in, and no other route takes a ticket."""
    async with await _client(app) as client:
        with_ticket = await client.get("/api/v1/stream", params={"ticket": "t-123"})
        assert with_ticket.status_code == 200
        assert with_ticket.json() == {"ticket": "t-123", "authorization": None}
        for path, params in (
            ("/api/v1/stream", {}),
            ("/api/v1/stream", {"access_token": "eyJ.x.y"}),
            ("/api/v1/things", {"ticket": "t-123"}),
        ):
            refused = await client.get(path, params=params)
            assert refused.status_code == 401, (path, params)
            assert refused.json()["code"] == "auth.unauthenticated"


async def test_caller_over_the_rate_gets_429_with_retry_after(
    upstream: str, jwks: str, issuer: LocalIssuer
) -> None:
    app = create_app(
        gateway_settings(upstream, jwks, rate_per_caller_per_second=0.5, rate_per_caller_burst=3)
    )
    headers = issuer.bearer("u-busy", ["resident"])
    other = issuer.bearer("u-calm", ["resident"])
    async with LifespanManager(app), await _client(app) as client:
        codes = [
            (await client.get("/api/v1/things", headers=headers)).status_code for _ in range(4)
        ]
        assert codes == [200, 200, 200, 429]
        limited = await client.get("/api/v1/things", headers=headers)
        assert limited.json()["code"] == "request.rate_limited"
        assert int(limited.headers["retry-after"]) >= 1
        # another caller from the same address is not held back
        assert (await client.get("/api/v1/things", headers=other)).status_code == 200


async def test_address_over_the_rate_gets_429_even_without_token(upstream: str, jwks: str) -> None:
    app = create_app(
        gateway_settings(upstream, jwks, rate_per_address_per_second=0.5, rate_per_address_burst=2)
    )
    async with LifespanManager(app):
        async with await _client(app, "192.0.2.50") as noisy:
            codes = [
                (await noisy.post("/api/v1/dev1/telemetry", json={})).status_code for _ in range(3)
            ]
        assert codes == [200, 200, 429]
        async with await _client(app, "192.0.2.51") as quiet:
            assert (await quiet.post("/api/v1/dev1/telemetry", json={})).status_code == 200


async def test_a_forged_forwarded_for_neither_bypasses_nor_blocks_by_address(
    upstream: str, jwks: str
) -> None:
    """Issue 30 (5): rotating X-Forwarded-For / X-Real-IP does not bypass the anonymous
    rate limit, and naming another client's address does not use up that client's limit.
    Only a configured trusted proxy's X-Forwarded-For names the client."""
    app = create_app(
        gateway_settings(
            upstream,
            jwks,
            rate_per_address_per_second=0.5,
            rate_per_address_burst=2,
            forwarded_allow_ips="192.0.2.200",
        )
    )
    victim = "192.0.2.61"
    async with LifespanManager(app):
        async with await _client(app, "192.0.2.60") as attacker:
            codes = []
            for n in range(6):
                forged = {"X-Forwarded-For": f"10.77.0.{n}", "X-Real-IP": victim}
                r = await attacker.post("/api/v1/dev1/telemetry", json={}, headers=forged)
                codes.append(r.status_code)
            assert codes == [200, 200, 429, 429, 429, 429]
            forged = {"X-Forwarded-For": victim}
            r = await attacker.post("/api/v1/dev1/telemetry", json={}, headers=forged)
            assert r.status_code == 429
        async with await _client(app, victim) as real:
            assert (await real.post("/api/v1/dev1/telemetry", json={})).status_code == 200
        # behind the trusted proxy, each client it names has its own budget
        async with await _client(app, "192.0.2.200") as proxy:
            for client in ("198.51.100.7", "198.51.100.8"):
                for _ in range(2):
                    r = await proxy.post("/api/v1/dev1/telemetry", json={},
                                         headers={"X-Forwarded-For": client})  # fmt: skip
                    assert r.status_code == 200
            r = await proxy.post("/api/v1/dev1/telemetry", json={},
                                 headers={"X-Forwarded-For": "198.51.100.7"})  # fmt: skip
            assert r.status_code == 429


def test_a_device_downloads_its_firmware_without_a_login_but_staff_routes_need_one() -> None:
    """OTA (issue 20 item 4): the device's own token in the path is its credential; the
    staff's firmware routes beside it are never public."""
    public = PublicPaths(DEFAULT_PUBLIC_PATHS)
    assert "/api/v1/AbCdEf123/firmware" in public
    package = "0b5e4d1c-9a3f-4a57-8e0e-5d7a1e2f3c4b"
    for staff in (
        "/api/v1/firmware",
        f"/api/v1/firmware/{package}",
        f"/api/v1/firmware/{package}/assignments",
        f"/api/v1/firmware/{package}/rollout",
        "/api/v1/AbCdEf123/firmware/more",
    ):
        assert staff not in public, staff


def test_open311_is_routed_unchanged_by_its_api_key_and_the_admin_routes_need_a_login() -> None:
    """Open311 GeoReport v2 (ADR 0035): a city platform sends its api_key, never a token;
    work-orders checks the key. The gateway routes the spec's paths (a parameter before
    the format suffix) to work-orders as they are; the admins' key routes stay guarded."""
    public = PublicPaths(DEFAULT_PUBLIC_PATHS)
    table = RouteTable()
    table.load(
        "work-orders",
        {
            "paths": {
                "/open311/v2/services.json": {},
                "/open311/v2/services/{service_code}.xml": {},
                "/open311/v2/requests.json": {},
                "/open311/v2/requests/{service_request_id}.json": {},
                "/open311/v2/tokens/{token}.xml": {},
                "/api/v1/open311-clients": {},
            }
        },
    )
    for path, template in (
        ("/open311/v2/services.json", "/open311/v2/services.json"),
        ("/open311/v2/services/repair.xml", "/open311/v2/services/{service_code}.xml"),
        ("/open311/v2/requests.json", "/open311/v2/requests.json"),
        ("/open311/v2/requests/WO00000042.json", "/open311/v2/requests/{service_request_id}.json"),
        ("/open311/v2/tokens/5a0c-e1.xml", "/open311/v2/tokens/{token}.xml"),
    ):
        assert path in public, path
        assert template in public, template
        assert table.match(path) == ("work-orders", template), path
    assert table.resolve("/open311/v2/requests/WO1.csv") is None
    for guarded in ("/api/v1/open311-clients", "/api/v1/open311-places/b-1", "/open311/v3/x"):
        assert guarded not in public, guarded
