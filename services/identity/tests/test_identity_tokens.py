"""Tokens over time: expiry, refresh rotation and reuse, logout, key rotation."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from conftest import running
from identity.auth.keys import format_entry, generate_key, parse_key_ring
from identity.config import Settings
from identity_kit import IdentityKit
from pydantic import ValidationError

from sc_core.auth.testing import LocalIssuer
from sc_devinfra.topics import create_topic
from sc_devinfra.waiting import eventually


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_expired_forged_and_tampered_tokens_are_refused(kit: IdentityKit) -> None:
    old = await kit.token("resident", now=datetime.now(UTC) - timedelta(minutes=20))
    response = await kit.client.get("/api/v1/me", headers=bearer(old))
    assert response.status_code == 401 and response.json()["code"] == "auth.token_expired"
    assert response.headers["www-authenticate"].startswith("Bearer")
    forged = LocalIssuer().issue("resident", roles=["platform_admin"])  # a key not ours
    response = await kit.client.get("/api/v1/me", headers=bearer(forged))
    assert response.status_code == 401 and response.json()["code"] == "auth.invalid_token"
    head, body, signature = (await kit.token("resident")).split(".")
    tampered = f"{head}.{body[:-4]}AAAA.{signature}"
    assert (await kit.client.get("/api/v1/me", headers=bearer(tampered))).status_code == 401
    assert (await kit.client.get("/api/v1/me")).json()["code"] == "auth.unauthenticated"


async def refresh(kit: IdentityKit, token: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    response = await kit.client.post(
        "/api/v1/auth/token", data={"grant_type": "refresh_token", "refresh_token": token}
    )
    return response.status_code, response.json()


async def test_refresh_rotates_and_a_reused_token_closes_the_whole_chain(kit: IdentityKit) -> None:
    first = (await kit.login("tenant")).json()
    status, second = await refresh(kit, first["refresh_token"])
    assert status == 200 and second["refresh_token"] != first["refresh_token"]
    me = await kit.client.get("/api/v1/me", headers=bearer(second["access_token"]))
    assert me.json()["roles"] == ["tenant"]
    status, third = await refresh(kit, second["refresh_token"])
    assert status == 200
    other_session = (await kit.login("tenant")).json()
    # the first token is presented again: someone copied it
    status, body = await refresh(kit, first["refresh_token"])
    assert status == 401 and body["code"] == "auth.refresh_token_reused"
    status, body = await refresh(kit, third["refresh_token"])  # the chain's newest is dead too
    assert status == 401 and body["code"] == "auth.invalid_refresh_token"
    assert (await refresh(kit, other_session["refresh_token"]))[0] == 200  # other logins live
    assert (await refresh(kit, "not-a-token-at-all"))[0] == 401


async def test_logout_revokes_by_bearer_or_by_refresh_token(kit: IdentityKit) -> None:
    session = (await kit.login("family")).json()
    out = await kit.client.post("/api/v1/auth/logout", headers=bearer(session["access_token"]))
    assert out.status_code == 204
    status, body = await refresh(kit, session["refresh_token"])
    assert status == 401 and body["code"] == "auth.invalid_refresh_token"
    session = (await kit.login("family")).json()
    out = await kit.client.post(
        "/api/v1/auth/logout", json={"refresh_token": session["refresh_token"]}
    )
    assert out.status_code == 204
    assert (await refresh(kit, session["refresh_token"]))[0] == 401
    assert (await kit.client.post("/api/v1/auth/logout")).status_code == 400


async def eddsa_kids(client) -> set[str]:  # type: ignore[no-untyped-def]
    """The published access-token (EdDSA) keys; RS256 keys (ID tokens) rotate with them."""
    keys = (await client.get("/.well-known/jwks.json")).json()["keys"]
    return {k["kid"] for k in keys if k["alg"] == "EdDSA"}


def kid_of(token: str) -> str:
    return str(jwt.get_unverified_header(token)["kid"])


async def rotations(kit: IdentityKit) -> list[dict[str, object]]:
    """The SigningKeyRotatedV1 events in identity's outbox with their message key: every
    verifier fetches the key set on them (sc_core.auth.revocation), oldest first."""
    rows = await kit.sql(
        "SELECT key, payload FROM event_outbox WHERE topic = 'identity.events.v1' "
        "AND headers->>'ce_type' = 'community.signing_key.rotated.v1' ORDER BY seq"
    )
    return [{"key": r[0], **json.loads(bytes(r[1]))} for r in rows]


async def test_key_rotation_keeps_old_tokens_valid_until_their_key_retires(
    make_settings: Callable[..., Settings],
) -> None:
    async with running(make_settings(keystore_reload_seconds=0)) as (app, client):
        kit = IdentityKit(app, client)
        await kit.load_demo()
        old = (await kit.login("police")).json()["access_token"]
        rotated = await kit.as_(
            "platform_admin", "POST", "/api/v1/auth/keys/rotate", json={"activate_in_seconds": 0}
        )
        assert rotated.status_code == 201 and rotated.json()["signing"] is True
        new = (await kit.login("police")).json()["access_token"]
        assert kid_of(new) == rotated.json()["kid"] != kid_of(old)
        published = await eddsa_kids(client)
        assert published == {kid_of(old), kid_of(new)}
        # announced in the rotation's unit of work, for every verifier: each new key
        jwks = {
            k["kid"]: k["alg"] for k in (await client.get("/.well-known/jwks.json")).json()["keys"]
        }
        announced = await rotations(kit)
        assert sorted(jwks[a["kid"]] for a in announced) == ["EdDSA", "RS256"]
        assert kid_of(new) in {a["kid"] for a in announced}
        assert kid_of(old) not in {a["kid"] for a in announced}  # the first key: no rotation
        for event in announced:
            assert event["key"] == event["aggregate_id"] == event["kid"]
            assert event["activates_at"] == event["rotated_at"]  # activate_in_seconds 0
        for token in (old, new):
            assert (await client.get("/api/v1/me", headers=bearer(token))).status_code == 200
        ring = {
            k["kid"]: k
            for k in (await kit.as_("platform_admin", "GET", "/api/v1/auth/keys")).json()
        }
        retire_at = datetime.fromisoformat(ring[kid_of(old)]["publish_until"])
        assert ring[kid_of(old)]["signing"] is False
        assert retire_at - datetime.now(UTC) > timedelta(seconds=900)  # old tokens outlive
        kit.keystore.clock = lambda: retire_at + timedelta(seconds=1)
        published = await eddsa_kids(client)
        assert published == {kid_of(new)}
        rsa = [k for k in (await client.get("/.well-known/jwks.json")).json()["keys"]]
        assert [k["alg"] for k in rsa].count("RS256") == 1  # ID-token keys rotate alike
        response = await client.get("/api/v1/me", headers=bearer(old))
        assert response.status_code == 401 and response.json()["code"] == "auth.invalid_token"
        assert (await client.get("/api/v1/me", headers=bearer(new))).status_code == 200


async def test_another_replica_takes_a_rotated_key_at_once(
    make_settings: Callable[..., Settings], kafka_bootstrap: str
) -> None:
    """Issues 30/31: a replica re-reads the key ring every keystore_reload_seconds (an hour
    here), so a token of a key another replica rotated in was refused there as signed by
    an unknown key. The rotation's SigningKeyRotatedV1 makes it re-read the ring at once."""
    topic = f"identity.events.t{uuid.uuid4().hex[:8]}"  # this test's rotations only
    await create_topic(kafka_bootstrap, topic, partitions=3)
    settings = make_settings(
        keystore_reload_seconds=3600, topic_names={"identity.events.v1": topic}
    )
    async with running(settings) as (app, client), running(settings) as (_, other):
        kit = IdentityKit(app, client)
        await kit.load_demo()
        rotated = await kit.as_(
            "platform_admin", "POST", "/api/v1/auth/keys/rotate", json={"activate_in_seconds": 0}
        )
        assert rotated.status_code == 201
        token = (await kit.login("police")).json()["access_token"]
        assert kid_of(token) == rotated.json()["kid"]

        async def accepted() -> bool:
            response = await other.get("/api/v1/me", headers=bearer(token))
            if response.status_code == 401:
                assert response.json()["code"] == "auth.invalid_token"  # an unknown key
                return False
            assert response.status_code == 200
            return True

        await eventually(accepted, timeout=300, what="the rotated key at the other replica")


async def test_a_delayed_key_is_published_before_it_signs(
    make_settings: Callable[..., Settings],
) -> None:
    async with running(make_settings(keystore_reload_seconds=0)) as (app, client):
        kit = IdentityKit(app, client)
        await kit.load_demo()
        before = kid_of((await kit.login("police")).json()["access_token"])
        staged = (
            await kit.as_(
                "platform_admin",
                "POST",
                "/api/v1/auth/keys/rotate",
                json={"activate_in_seconds": 120},
            )
        ).json()
        assert staged["signing"] is False and staged["published"] is True
        jwks = {k["kid"] for k in (await client.get("/.well-known/jwks.json")).json()["keys"]}
        assert staged["kid"] in jwks
        assert kid_of((await kit.login("police")).json()["access_token"]) == before
        kit.keystore.clock = lambda: datetime.now(UTC) + timedelta(seconds=121)
        assert kid_of((await kit.login("police")).json()["access_token"]) == staged["kid"]
        # re-reading the ring takes the rows' times but parses no key twice (loading an
        # RSA key checks it, a CPU-second on a busy machine, and the ring only grows)
        first = {k.kid: k.private_key for k in await kit.keystore.keys()}
        again = {k.kid: k.private_key for k in await kit.keystore.keys()}
        assert first.keys() == again.keys() and all(again[k] is first[k] for k in first)


async def test_rotate_keys_command(make_settings: Callable[..., Settings]) -> None:
    settings = make_settings(keystore_reload_seconds=0)
    async with running(settings) as (app, client):
        env = {**os.environ, "DATABASE_URL": settings.database_url, "JWT_SIGNING_KEYS": ""}
        done = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "identity", "rotate-keys", "--activate-in", "0"],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,  # a guard against a hang, not a speed bound: CI machines are loaded
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith("new signing key ed25519-")
        keys = (await client.get("/.well-known/jwks.json")).json()["keys"]
        assert sorted(k["alg"] for k in keys) == ["EdDSA", "EdDSA", "RS256", "RS256"]
        # the command announces its keys too, through the outbox the relay sends from
        kit = IdentityKit(app, client)
        announced = {a["kid"] for a in await rotations(kit)}
        assert done.stdout.split()[3].rstrip(",") in announced and len(announced) == 2


async def test_a_configured_key_ring_signs_with_its_first_key(
    make_settings: Callable[..., Settings],
) -> None:
    first, second = generate_key(), generate_key()
    ring = f"{format_entry(first)},{format_entry(second)}"
    async with running(make_settings(jwt_signing_keys=ring)) as (app, client):
        kit = IdentityKit(app, client)
        await kit.load_demo()
        assert kid_of((await kit.login("police")).json()["access_token"]) == first.kid
        jwks = {k["kid"] for k in (await client.get("/.well-known/jwks.json")).json()["keys"]}
        assert jwks == {first.kid, second.kid}
        assert all(
            "d" not in k for k in (await client.get("/.well-known/jwks.json")).json()["keys"]
        )
        refused = await kit.as_("platform_admin", "POST", "/api/v1/auth/keys/rotate")
        assert (
            refused.status_code == 409 and refused.json()["code"] == "auth.keys_managed_by_config"
        )


def test_settings_refuse_malformed_rings_and_production_placeholders() -> None:
    entry = format_entry(generate_key("k1"))
    assert [k.kid for k in parse_key_ring(entry)] == ["k1"]
    for bad in ("k1", "k1:bm90LWEta2V5", "bad kid:" + entry.split(":")[1], f"{entry},{entry}"):
        with pytest.raises(ValidationError):
            Settings(jwt_signing_keys=bad)
    production = {
        "environment": "production",
        "jwt_issuer": "https://community.example.com",
        "public_base_url": "https://community.example.com",
        "database_url": "postgresql+asyncpg://identity:s3cret@db:5432/identity",
        "field_encryption_keys": "k1:" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODk=",
    }
    with pytest.raises(ValidationError, match="jwt_signing_keys"):
        Settings(**production, jwt_signing_keys="change-me:" + entry.split(":")[1])
    with pytest.raises(ValidationError, match="RSA key"):  # ID tokens are RS256
        Settings(**production, jwt_signing_keys=entry)
    ring = f"{entry},{format_entry(generate_key('r1', algorithm='RS256'))}"
    assert [k.algorithm for k in parse_key_ring(ring)] == ["EdDSA", "RS256"]
    assert Settings(**production, jwt_signing_keys=ring).password_grant is False
    with pytest.raises(ValidationError, match="https"):
        Settings(**{**production, "jwt_issuer": "smart-community-identity"}, jwt_signing_keys=ring)
    with pytest.raises(ValidationError, match="MFA_ENFORCE"):
        Settings(**production, jwt_signing_keys=ring, mfa_enforce_required_roles=False)


async def revocations(kit: IdentityKit) -> list[dict[str, object]]:
    """The AccessRevokedV1 events identity wrote to its outbox (what every verifier
    follows, sc_core.auth.revocation), oldest first."""
    rows = await kit.sql(
        "SELECT payload FROM event_outbox WHERE topic = 'identity.events.v1' "
        "AND headers->>'ce_type' = 'community.access.revoked.v1' ORDER BY seq"
    )
    return [json.loads(bytes(r[0])) for r in rows]


async def test_logout_reuse_and_disabling_revoke_the_access_tokens_everywhere(
    kit: IdentityKit,
) -> None:
    """Issue 30.7: an access token outlived the logout, the reused refresh token and the
    disabled account by up to 15 minutes. Each now publishes which tokens are revoked: the
    sign-in's (the tokens' ``sid``) or every one of the account's up to now."""
    claims = lambda token: jwt.decode(token, options={"verify_signature": False})  # noqa: E731
    before = len(await revocations(kit))
    session = (await kit.login("volunteer")).json()
    token = claims(session["access_token"])
    out = await kit.client.post("/api/v1/auth/logout", headers=bearer(session["access_token"]))
    assert out.status_code == 204
    [logout] = (await revocations(kit))[before:]
    assert (logout["account_id"], logout["session_id"], logout["reason"]) == (
        token["sub"],
        token["sid"],
        "logout",
    )
    assert datetime.fromisoformat(logout["until"]) > datetime.fromtimestamp(token["exp"], UTC)

    first = (await kit.login("volunteer")).json()
    status, _ = await refresh(kit, first["refresh_token"])
    assert status == 200
    assert (await refresh(kit, first["refresh_token"]))[0] == 401  # reused
    [reuse] = (await revocations(kit))[before + 1 :]
    assert (reuse["session_id"], reuse["reason"]) == (
        claims(first["access_token"])["sid"],
        "refresh_reuse",
    )

    account = token["sub"]
    done = await kit.as_(
        "platform_admin", "PATCH", f"/api/v1/accounts/{account}", json={"status": "disabled"}
    )
    assert done.status_code == 200, done.text
    [disabled] = (await revocations(kit))[before + 2 :]
    assert (disabled["account_id"], disabled["session_id"], disabled["reason"]) == (
        account,
        None,
        "account_disabled",
    )
