"""Issue 30.7: an access token kept working up to 15 minutes after a logout, a reused
refresh token, a revoked grant or a disabled account. identity's events on a real Kafka
topic reach a verifier, which refuses those tokens (its cache of verified tokens too) and
still accepts the others; a verifier that starts later learns earlier revocations."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from sc_contracts.events import AccessRevokedV1, GrantChange, GrantChangedV1
from sc_core.auth import JWKSVerifier
from sc_core.auth.revocation import RevocationFeed, Revocations
from sc_core.auth.testing import JWKSServer, LocalIssuer
from sc_core.bus import ProducerHandle
from sc_core.bus.cloudevents import CloudEvent
from sc_core.errors import Problem
from sc_core.settings import ServiceSettings
from sc_devinfra.topics import create_topic
from sc_devinfra.waiting import eventually

BOUND = 300  # generous: a busy 2-core machine


def revoked(account: str, session: str | None, reason: str) -> AccessRevokedV1:
    now = datetime.now(UTC)
    return AccessRevokedV1(
        aggregate_id=account,
        account_id=account,
        session_id=session,
        reason=reason,
        revoked_at=now,
        until=now + timedelta(minutes=15),
    )


def grant_revoked(account: str) -> GrantChangedV1:
    return GrantChangedV1(
        aggregate_id=account,
        account_id=account,
        grant_id=str(uuid.uuid4()),
        change=GrantChange.REVOKED,
        role="property_staff",
        scope_type="community",
        scope_id="c-1",
        community_id="c-1",
        changed_by="admin",
        changed_at=datetime.now(UTC),
    )


async def test_revoked_tokens_are_refused_by_every_verifier_within_seconds(
    kafka_bootstrap: str,
    kafka_idempotence: bool,
    issuer: LocalIssuer,
    jwks_server: JWKSServer,
) -> None:
    topic = f"identity.events.t{uuid.uuid4().hex[:8]}"
    await create_topic(kafka_bootstrap, topic, partitions=3)
    settings = ServiceSettings(
        service_name="revocation-test",
        kafka_bootstrap_servers=kafka_bootstrap,
        kafka_enable_idempotence=kafka_idempotence,
        jwks_url=jwks_server.url,
        jwt_issuer=issuer.issuer,
        jwt_audience=issuer.audience,
        topic_names={"identity.events.v1": topic},
    )
    producer = ProducerHandle(
        kafka_bootstrap, client_id="identity-test", enable_idempotence=kafka_idempotence
    )

    async def publish(data: AccessRevokedV1 | GrantChangedV1) -> None:
        event = CloudEvent.of(data, source="/services/identity", subject=data.account_id)
        kafka = await producer.get()
        await kafka.send_and_wait(
            topic, event.body(), key=data.account_id.encode(), headers=event.headers()
        )

    def token(sub: str, sid: str | None = None, **kw: object) -> str:
        extra = {"sid": sid} if sid else {}
        return issuer.issue(sub, ["resident"], extra_claims=extra, **kw)  # type: ignore[arg-type]

    # before any verifier runs: carol logs out (her sign-in s-old)
    carol = token("carol", "s-old")
    await publish(revoked("carol", "s-old", "logout"))

    verifier = JWKSVerifier.from_settings(settings)
    verifier.revocations = Revocations(settings.auth_revocation_window_seconds)
    feed = RevocationFeed(settings, verifier.revocations)
    alice_phone, alice_web = token("alice", "s-1"), token("alice", "s-2")
    bob = token("bob", "s-3")
    try:
        await feed.start()

        async def refused(tok: str) -> bool:
            problem: Problem | None = None
            try:
                await verifier.verify(tok)
            except Problem as exc:
                problem = exc
            if problem is None:
                return False
            assert (problem.status, problem.code) == (401, "auth.token_revoked")
            assert problem.zh == "此次登录已结束或权限已变更，请重新登录或刷新"
            return True

        # a verifier that starts later knows what was revoked before it started
        await eventually(lambda: refused(carol), timeout=BOUND, what="carol's earlier logout")
        for tok in (alice_phone, alice_web, bob):  # verified, and so cached
            assert (await verifier.verify(tok)).subject in {"alice", "bob"}

        # logout (or a reused refresh token) on alice's phone: that sign-in only
        await publish(revoked("alice", "s-1", "logout"))
        await eventually(lambda: refused(alice_phone), timeout=BOUND, what="alice's logout")
        assert not await refused(alice_web)

        # a grant of bob's revoked: his tokens carry it until they are refreshed
        await publish(grant_revoked("bob"))
        await eventually(lambda: refused(bob), timeout=BOUND, what="bob's revoked grant")
        fresh = token("bob", "s-3", now=time.time() + 2)  # refreshed after the revocation
        assert (await verifier.verify(fresh)).subject == "bob"

        # alice's account disabled: every token of hers issued up to then
        await publish(revoked("alice", None, "account_disabled"))
        await eventually(lambda: refused(alice_web), timeout=BOUND, what="alice disabled")
        # nobody else is touched
        dave = token("dave", "s-4")
        assert (await verifier.verify(dave)).subject == "dave"
    finally:
        await feed.close()
        await producer.close()
        await verifier.aclose()


def test_revocations_are_forgotten_once_their_tokens_have_expired() -> None:
    from sc_core.auth import Principal

    revocations = Revocations(window_seconds=60)
    now = time.time()
    revocations.revoke_session("s-1", until=now + 10)
    revocations.revoke_account("acc", up_to=now, until=now + 10)
    old = datetime.fromtimestamp(now - 5, UTC)
    assert revocations.refuses(Principal("x", session_id="s-1", issued_at=old), now)
    assert revocations.refuses(Principal("acc", issued_at=old), now)
    later = datetime.fromtimestamp(now + 5, UTC)
    assert not revocations.refuses(Principal("acc", issued_at=later), now)
    with pytest.raises(Problem):
        revocations.check(Principal("acc", issued_at=old))
    revocations.forget_expired(now + 11)
    assert not revocations.refuses(Principal("x", session_id="s-1", issued_at=old), now + 11)
    assert not revocations.refuses(Principal("acc", issued_at=old), now + 11)


async def test_what_is_open_on_a_token_is_woken_when_that_token_is_revoked() -> None:
    """A stream watches its token: the revocation of its sign-in or account wakes it (at
    once when already revoked); another sign-in's revocation does not; unwatched, nothing."""
    import asyncio

    from sc_core.auth import Principal

    revocations = Revocations(window_seconds=60)
    issued = datetime.now(UTC) - timedelta(seconds=5)
    phone, web = (
        Principal("alice", session_id="s-1", issued_at=issued),
        Principal("alice", session_id="s-2", issued_at=issued),
    )
    on_phone, on_web, gone = asyncio.Event(), asyncio.Event(), asyncio.Event()
    revocations.watch(phone, on_phone)
    revocations.watch(web, on_web)
    revocations.watch(Principal("alice", session_id="s-2", issued_at=issued), gone)
    revocations.unwatch(gone)
    until = time.time() + 60
    revocations.revoke_session("s-1", until)
    assert on_phone.is_set() and not on_web.is_set()
    revocations.revoke_account("alice", time.time(), until)
    assert on_web.is_set() and not gone.is_set()
    late = asyncio.Event()
    revocations.watch(phone, late)  # opened after its revocation: woken at once
    assert late.is_set()
