"""FastAPI dependencies end to end: a real JWKS server, the app through ASGITransport."""

from typing import Annotated

import httpx
import pytest
from fastapi import Depends, FastAPI

from sc_core.auth import (
    CurrentPrincipal,
    Grant,
    JWKSVerifier,
    OptionalPrincipal,
    Principal,
    ensure_in_scope,
    require_roles,
)
from sc_core.errors import PROBLEM_MEDIA_TYPE, install_problem_handlers

Officers = Annotated[Principal, Depends(require_roles("police", "community_admin"))]


def make_app(verifier: JWKSVerifier) -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)
    app.state.jwks_verifier = verifier

    @app.get("/me")
    async def me(principal: CurrentPrincipal) -> dict:
        return {
            "subject": principal.subject,
            "roles": sorted(principal.roles),
            "grade": principal.grade.name,
        }

    @app.get("/maybe")
    async def maybe(principal: OptionalPrincipal) -> dict:
        return {"subject": principal.subject if principal else None}

    @app.get("/records")
    async def records(principal: Officers) -> dict:
        return {"subject": principal.subject}

    @app.get("/communities/{community_id}/households/{household_id}")
    async def household(community_id: str, household_id: str, principal: CurrentPrincipal):
        ensure_in_scope(principal, community_id=community_id, household_id=household_id)
        return {"household": household_id}

    return app


@pytest.fixture
async def client(verifier):
    transport = httpx.ASGITransport(app=make_app(verifier))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        yield c


def _assert_problem(response: httpx.Response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM_MEDIA_TYPE)
    body = response.json()
    assert body["status"] == status
    assert body["code"] == code
    assert body["type"] == f"urn:smart-community:problem:{code}"
    return body


async def test_missing_token_is_401_with_a_bearer_challenge(client):
    response = await client.get("/me")
    _assert_problem(response, 401, "auth.unauthenticated")
    assert response.headers["www-authenticate"].startswith("Bearer")


async def test_wrong_scheme_and_garbage_tokens_are_401(client):
    for header in ("Basic dXNlcjpwYXNz", "Bearer", "Bearer not.a.jwt", "Token abc"):
        response = await client.get("/me", headers={"Authorization": header})
        _assert_problem(response, 401, "auth.invalid_token")
        assert 'error="invalid_token"' in response.headers["www-authenticate"]


async def test_expired_token_is_401_token_expired(client, issuer):
    response = await client.get("/me", headers=issuer.bearer("u-1", ["resident"], ttl=-300))
    _assert_problem(response, 401, "auth.token_expired")


async def test_valid_token_gives_the_principal(client, issuer):
    grants = [Grant("property_staff", "community", "c-1")]
    response = await client.get("/me", headers=issuer.bearer("u-1", ["resident"], grants))
    assert response.status_code == 200
    assert response.json() == {
        "subject": "u-1",
        "roles": ["property_staff", "resident"],
        "grade": "PERSONAL",
    }


async def test_optional_principal(client, issuer):
    assert (await client.get("/maybe")).json() == {"subject": None}
    response = await client.get("/maybe", headers=issuer.bearer("u-7"))
    assert response.json() == {"subject": "u-7"}
    # a broken token is never downgraded to anonymous
    bad = await client.get("/maybe", headers={"Authorization": "Bearer x.y.z"})
    _assert_problem(bad, 401, "auth.invalid_token")


async def test_require_roles(client, issuer):
    response = await client.get("/records", headers=issuer.bearer("u-1", ["property_staff"]))
    body = _assert_problem(response, 403, "auth.forbidden")
    assert body["required_roles"] == ["police", "community_admin"]
    # platform_admin is not implied
    response = await client.get("/records", headers=issuer.bearer("ops", ["platform_admin"]))
    _assert_problem(response, 403, "auth.forbidden")
    response = await client.get("/records", headers=issuer.bearer("cop", ["police"]))
    assert response.status_code == 200
    assert response.json() == {"subject": "cop"}
    # without a token it is a 401, not a 403
    _assert_problem(await client.get("/records"), 401, "auth.unauthenticated")


async def test_object_level_scope(client, issuer):
    resident = issuer.bearer("u-1", [], [Grant("resident", "household", "h-1")])
    ok = await client.get("/communities/c-1/households/h-1", headers=resident)
    assert ok.status_code == 200
    denied = await client.get("/communities/c-1/households/h-2", headers=resident)
    _assert_problem(denied, 403, "auth.out_of_scope")
    staff = issuer.bearer("s-1", [], [Grant("property_staff", "community", "c-1")])
    assert (await client.get("/communities/c-1/households/h-2", headers=staff)).status_code == 200
    other = await client.get("/communities/c-2/households/h-9", headers=staff)
    _assert_problem(other, 403, "auth.out_of_scope")


def test_require_roles_needs_a_role():
    with pytest.raises(ValueError, match="at least one role"):
        require_roles()


async def test_missing_verifier_is_a_500_problem(issuer):
    app = FastAPI()
    install_problem_handlers(app)

    @app.get("/me")
    async def me(principal: CurrentPrincipal) -> dict:
        return {}

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        response = await c.get("/me", headers=issuer.bearer("u"))
    _assert_problem(response, 500, "internal.error")
