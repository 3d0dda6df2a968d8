"""JWKSVerifier against a real JWKS HTTP server (uvicorn on 127.0.0.1)."""

import asyncio
import base64
import json
import time

import jwt
import pytest

from sc_core.auth import Grant, JWKSVerifier
from sc_core.auth.testing import JWKSServer, LocalIssuer
from sc_core.errors import Problem

GRANTS = [Grant("property_staff", "community", "c-1")]


async def _problem(verifier: JWKSVerifier, token: str) -> Problem:
    with pytest.raises(Problem) as info:
        await verifier.verify(token)
    return info.value


def _assert_401(problem: Problem, code: str) -> None:
    assert problem.status == 401
    assert problem.code == code
    assert problem.headers["WWW-Authenticate"].startswith("Bearer ")


async def test_good_eddsa_token(verifier, issuer, jwks_server):
    token = issuer.issue("u-1", ["resident"], GRANTS, name="张三", kind="user")
    assert jwt.get_unverified_header(token)["alg"] == "EdDSA"
    p = await verifier.verify(token)
    assert p.subject == "u-1"
    assert p.name == "张三"
    assert p.roles == {"resident", "property_staff"}
    assert p.grants == tuple(GRANTS)
    assert jwks_server.requests == 1
    # cached: a second verification does not fetch again
    await verifier.verify(issuer.issue("u-2", ["visitor"]))
    assert jwks_server.requests == 1


async def test_good_rs256_token(verifier, issuer):
    token = issuer.issue("svc-alarm", ["integrator"], kind="service", kid=issuer.rsa_kid)
    assert jwt.get_unverified_header(token)["alg"] == "RS256"
    p = await verifier.verify(token)
    assert p.kind == "service"


async def test_expired_token(verifier, issuer):
    token = issuer.issue("u-1", ["resident"], ttl=-120)  # beyond the 30 s leeway
    _assert_401(await _problem(verifier, token), "auth.token_expired")


async def test_token_within_leeway_passes(verifier, issuer):
    token = issuer.issue("u-1", ["resident"], ttl=-5)
    assert (await verifier.verify(token)).subject == "u-1"


async def test_wrong_issuer_and_audience(verifier, issuer):
    wrong_iss = issuer.issue("u-1", issuer="someone-else")
    wrong_aud = issuer.issue("u-1", audience="another-platform")
    _assert_401(await _problem(verifier, wrong_iss), "auth.invalid_token")
    _assert_401(await _problem(verifier, wrong_aud), "auth.invalid_token")


async def test_tampered_claims_and_signature(verifier, issuer):
    token = issuer.issue("u-1", ["resident"])
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["roles"] = ["platform_admin"]
    forged_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    problem = await _problem(verifier, f"{header}.{forged_payload}.{signature}")
    _assert_401(problem, "auth.invalid_token")
    flipped = signature[:10] + ("A" if signature[10] != "A" else "B") + signature[11:]
    _assert_401(await _problem(verifier, f"{header}.{payload}.{flipped}"), "auth.invalid_token")
    _assert_401(await _problem(verifier, "not-a-jwt"), "auth.invalid_token")


async def test_algorithm_confusion_is_refused(verifier, issuer, jwks_server):
    kid = issuer.current_kid
    unsigned = jwt.encode(
        {"sub": "u", "iss": issuer.issuer, "aud": issuer.audience, "exp": time.time() + 60},
        key="",
        algorithm="none",
        headers={"kid": kid},
    )
    _assert_401(await _problem(verifier, unsigned), "auth.invalid_token")
    # HS256 keyed with the published public key bytes
    x = issuer.jwks()["keys"][0]["x"]
    public = base64.urlsafe_b64decode(x + "=" * (-len(x) % 4))
    hs = jwt.encode(
        {"sub": "u", "iss": issuer.issuer, "aud": issuer.audience, "exp": time.time() + 60},
        key=public,
        algorithm="HS256",
        headers={"kid": kid},
    )
    _assert_401(await _problem(verifier, hs), "auth.invalid_token")
    # a header claiming RS256 for the Ed25519 key
    forged = issuer.issue("u", kid=kid)
    header = json.loads(base64.urlsafe_b64decode(forged.split(".")[0] + "=="))
    header["alg"] = "RS256"
    h = base64.urlsafe_b64encode(json.dumps(header).encode()).rstrip(b"=").decode()
    _assert_401(await _problem(verifier, h + forged[forged.index(".") :]), "auth.invalid_token")


async def test_missing_required_claims(verifier, issuer):
    key = issuer._keys[issuer.current_kid]
    no_exp = jwt.encode(
        {"sub": "u", "iss": issuer.issuer, "aud": issuer.audience, "iat": int(time.time())},
        key.private_key,
        algorithm="EdDSA",
        headers={"kid": key.kid},
    )
    _assert_401(await _problem(verifier, no_exp), "auth.invalid_token")


async def test_malformed_principal_claims_are_invalid_tokens(verifier, issuer):
    token = issuer.issue("u", extra_claims={"kind": "robot"})
    _assert_401(await _problem(verifier, token), "auth.invalid_token")


async def test_unknown_kid_triggers_one_refresh_then_succeeds_after_rotation(
    verifier, issuer, jwks_server, clock
):
    old_token = issuer.issue("u-1", ["resident"])
    await verifier.verify(old_token)
    assert jwks_server.requests == 1

    clock.advance(31)  # past the flood limit, well within the cache lifetime
    new_kid = issuer.rotate()
    new_token = issuer.issue("u-1", ["resident"])
    assert jwt.get_unverified_header(new_token)["kid"] == new_kid

    results = await asyncio.gather(*(verifier.verify(new_token) for _ in range(10)))
    assert {p.subject for p in results} == {"u-1"}
    assert jwks_server.requests == 2  # exactly one refresh, shared by the ten
    assert new_kid in verifier.known_kids
    # the old key is still published, so old tokens keep working
    assert (await verifier.verify(old_token)).subject == "u-1"
    assert jwks_server.requests == 2


async def test_refresh_for_unknown_kids_is_rate_limited(verifier, issuer, jwks_server, clock):
    await verifier.verify(issuer.issue("u-1"))
    assert jwks_server.requests == 1
    stranger = LocalIssuer(issuer.issuer, issuer.audience)  # same names, keys not published
    bad = [stranger.issue("evil") for _ in range(5)] + [stranger.issue("evil", kid=None)]

    clock.advance(31)
    for token in bad * 5:
        _assert_401(await _problem(verifier, token), "auth.invalid_token")
    assert jwks_server.requests == 2  # one refresh for the whole flood

    clock.advance(10)
    _assert_401(await _problem(verifier, bad[0]), "auth.invalid_token")
    assert jwks_server.requests == 2  # still inside the minimum interval

    clock.advance(25)
    _assert_401(await _problem(verifier, bad[0]), "auth.invalid_token")
    assert jwks_server.requests == 3
    # good tokens never waited for any of this
    assert (await verifier.verify(issuer.issue("u-1"))).subject == "u-1"
    assert jwks_server.requests == 3


async def test_cache_expiry_refetches_and_drops_retired_keys(verifier, issuer, jwks_server, clock):
    old_token = issuer.issue("u-1")
    await verifier.verify(old_token)
    old_kid = issuer.current_kid
    issuer.rotate()
    issuer.retire(old_kid)
    # within the cache lifetime the retired key is still trusted
    await verifier.verify(old_token)
    assert jwks_server.requests == 1
    clock.advance(301)
    _assert_401(await _problem(verifier, old_token), "auth.invalid_token")
    assert jwks_server.requests == 2
    assert old_kid not in verifier.known_kids


async def test_a_remembered_token_is_forgotten_when_its_key_is_withdrawn(verifier, issuer):
    token = issuer.issue("u-1", ["resident"])
    assert (await verifier.verify(token)).subject == "u-1"
    assert (await verifier.verify(token)).subject == "u-1"  # remembered, not checked again
    old_kid = issuer.current_kid
    issuer.rotate()
    issuer.retire(old_kid)
    await verifier.refresh()
    _assert_401(await _problem(verifier, token), "auth.invalid_token")


async def test_identity_down(issuer, jwks_server, clock):
    jwks_server.fail_status = 503
    verifier = JWKSVerifier(
        jwks_server.url, issuer.issuer, issuer.audience, min_refresh_interval=30, clock=clock
    )
    try:
        problem = await _problem(verifier, issuer.issue("u-1"))
        assert problem.status == 503
        assert problem.code == "auth.jwks_unavailable"
        assert jwks_server.requests == 1
        # identity comes back: with no key at all the verifier retries after a second
        jwks_server.fail_status = None
        clock.advance(1)
        assert (await verifier.verify(issuer.issue("u-1"))).subject == "u-1"
        assert jwks_server.requests == 2
        # identity goes down again after the cache expired: the cached keys keep serving
        jwks_server.fail_status = 500
        clock.advance(301)
        assert (await verifier.verify(issuer.issue("u-1"))).subject == "u-1"
        assert jwks_server.requests == 3
    finally:
        await verifier.aclose()


async def test_unreachable_identity(issuer):
    server = JWKSServer(issuer).start()
    url = server.url
    server.stop()  # nothing listens on that port any more
    verifier = JWKSVerifier(url, issuer.issuer, issuer.audience)
    try:
        problem = await _problem(verifier, issuer.issue("u-1"))
        assert problem.code == "auth.jwks_unavailable"
    finally:
        await verifier.aclose()


def test_from_settings():
    from sc_core.settings import ServiceSettings

    with pytest.raises(ValueError, match="JWKS_URL"):
        JWKSVerifier.from_settings(ServiceSettings())
    v = JWKSVerifier.from_settings(
        ServiceSettings(jwks_url="http://127.0.0.1:1/jwks", jwks_cache_seconds=60)
    )
    assert (v.jwks_url, v.issuer, v.audience, v.cache_seconds) == (
        "http://127.0.0.1:1/jwks",
        "smart-community-identity",
        "smart-community",
        60,
    )
