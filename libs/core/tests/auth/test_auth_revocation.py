"""Issue 30.7: an access token kept working up to 15 minutes after a logout, a reused
refresh token, a revoked grant or a disabled account. identity's events on a real Kafka
topic reach a verifier, which refuses those tokens (its cache of verified tokens too) and
still accepts the others; a verifier that starts later learns earlier revocations.

Issues 30/31: after a key rotation that signs at once, a verifier refused the new tokens
as signed by an unknown key until its flood limit let it fetch the key set again (30 s);
identity's SigningKeyRotatedV1 on the same topic makes it fetch at once."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiokafka.protocol.fetch import FetchRequest

from sc_contracts.events import (
    AccessRevokedV1,
    GrantChange,
    GrantChangedV1,
    SigningKeyRotatedV1,
)
from sc_core.auth import JWKSVerifier
from sc_core.auth.revocation import RevocationFeed, Revocations, follow_revocations
from sc_core.auth.testing import JWKSServer, LocalIssuer
from sc_core.bus import ProducerHandle
from sc_core.bus.cloudevents import CloudEvent
from sc_core.bus.long_poll import FOLLOWER_LONG_POLL_MS
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


async def identity_topic(
    kafka_bootstrap: str,
    kafka_idempotence: bool,
    issuer: LocalIssuer,
    jwks_server: JWKSServer,
    service_name: str,
) -> tuple[str, ServiceSettings, ProducerHandle]:
    """A fresh identity topic, a verifying service's settings for it, and identity's
    producer (the caller closes it)."""
    topic = f"identity.events.t{uuid.uuid4().hex[:8]}"
    await create_topic(kafka_bootstrap, topic, partitions=3)
    settings = ServiceSettings(
        service_name=service_name,
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
    return topic, settings, producer


async def test_revoked_tokens_are_refused_by_every_verifier_within_seconds(
    kafka_bootstrap: str,
    kafka_idempotence: bool,
    issuer: LocalIssuer,
    jwks_server: JWKSServer,
) -> None:
    topic, settings, producer = await identity_topic(
        kafka_bootstrap, kafka_idempotence, issuer, jwks_server, "revocation-test"
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


async def test_a_following_feed_parks_its_fetches_for_long_and_still_applies_at_once(
    kafka_bootstrap: str,
    kafka_idempotence: bool,
    issuer: LocalIssuer,
    jwks_server: JWKSServer,
) -> None:
    """Once it follows, the feed's idle fetches wait at the broker for the follower's long
    poll (ADR 0081: fewer requests for the idle broker); a revocation published meanwhile
    is applied, and the fetches after it park again."""
    topic, settings, producer = await identity_topic(
        kafka_bootstrap, kafka_idempotence, issuer, jwks_server, "follower-poll-test"
    )
    verifier = JWKSVerifier.from_settings(settings)
    verifier.revocations = Revocations(settings.auth_revocation_window_seconds)
    feed = RevocationFeed(settings, verifier.revocations)
    waits: list[int] = []
    try:
        await feed.start()
        await eventually(lambda: feed.following.is_set(), timeout=BOUND, what="following")
        assert feed.consumer is not None
        client = feed.consumer._client
        real = client.send

        async def send(node_id: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
            if isinstance(request, FetchRequest):
                waits.append(request._max_wait_ms)
            return await real(node_id, request, *args, **kwargs)

        client.send = send
        # a fetch built before it followed may still go out with the short wait
        await eventually(
            lambda: FOLLOWER_LONG_POLL_MS in waits, timeout=BOUND, what="a parked fetch"
        )
        first = waits.index(FOLLOWER_LONG_POLL_MS)

        tok = issuer.issue("erin", ["resident"], extra_claims={"sid": "s-9"})
        assert (await verifier.verify(tok)).subject == "erin"
        event = CloudEvent.of(
            revoked("erin", "s-9", "logout"), source="/services/identity", subject="erin"
        )
        kafka = await producer.get()
        await kafka.send_and_wait(topic, event.body(), key=b"erin", headers=event.headers())

        async def refused() -> bool:
            problem: Problem | None = None
            try:
                await verifier.verify(tok)
            except Problem as exc:
                problem = exc
            assert problem is None or problem.code == "auth.token_revoked"
            return problem is not None

        await eventually(refused, timeout=BOUND, what="erin's logout")
        await eventually(lambda: len(waits) > first + 1, timeout=BOUND, what="the next fetch")
        assert set(waits[first:]) == {FOLLOWER_LONG_POLL_MS}
    finally:
        await feed.close()
        await producer.close()
        await verifier.aclose()


def key_rotated(kid: str) -> SigningKeyRotatedV1:
    now = datetime.now(UTC)
    return SigningKeyRotatedV1(aggregate_id=kid, kid=kid, activates_at=now, rotated_at=now)


async def test_a_key_rotation_reaches_a_rate_limited_verifier_at_once(
    kafka_bootstrap: str,
    kafka_idempotence: bool,
    issuer: LocalIssuer,
    jwks_server: JWKSServer,
) -> None:
    """A verifier that has just fetched the key set refuses a token of a new key (its
    flood limit, an hour here, holds); once identity's SigningKeyRotatedV1 is on the topic
    it fetches the key set again by itself and accepts the token."""
    topic, settings, producer = await identity_topic(
        kafka_bootstrap, kafka_idempotence, issuer, jwks_server, "key-rotation-test"
    )
    verifier = JWKSVerifier.from_settings(settings, min_refresh_interval=3600)
    feed = await follow_revocations(settings, verifier)  # refresh() on a rotation
    assert feed is not None
    try:
        assert (await verifier.verify(issuer.issue("alice", ["resident"]))).subject == "alice"
        fetched = verifier.fetch_count
        new_kid = issuer.rotate()  # signs at once
        fresh = issuer.issue("alice", ["resident"])
        with pytest.raises(Problem) as refused:
            await verifier.verify(fresh)
        assert (refused.value.status, refused.value.code) == (401, "auth.invalid_token")
        assert "unknown key" in refused.value.detail
        assert verifier.fetch_count == fetched  # the flood limit held: no fetch

        event = CloudEvent.of(key_rotated(new_kid), source="/services/identity", subject=new_kid)
        kafka = await producer.get()
        await kafka.send_and_wait(
            topic, event.body(), key=new_kid.encode(), headers=event.headers()
        )

        async def accepted() -> bool:
            problem: Problem | None = None
            try:
                return (await verifier.verify(fresh)).subject == "alice"
            except Problem as exc:
                problem = exc
            assert problem is not None and problem.code == "auth.invalid_token"  # until then
            return False

        await eventually(accepted, timeout=BOUND, what="the new key after its rotation")
        assert new_kid in verifier.known_kids
        assert feed.keys_rotated >= 1 and feed.key_refreshes >= 1
        # the flood limit is still there for made-up keys
        stranger = issuer.issue("alice", ["resident"], kid=issuer.add_key())
        fetched = verifier.fetch_count
        with pytest.raises(Problem):
            await verifier.verify(stranger)
        assert verifier.fetch_count == fetched
    finally:
        await feed.close()
        await producer.close()
        await verifier.aclose()


@dataclass
class Record:
    headers: list[tuple[str, bytes]]
    value: bytes


async def test_several_rotations_in_one_poll_fetch_the_keys_once() -> None:
    """However many rotations one poll brings (a feed that starts replays the last hour),
    the key set is fetched once; revocations in the same poll still apply; an event that
    does not fit is skipped; a failing refresh does not stop the feed."""
    calls: list[int] = []

    async def refresh() -> None:
        calls.append(1)

    settings = ServiceSettings(service_name="key-rotation-batch")
    revocations = Revocations()
    feed = RevocationFeed(settings, revocations, on_key_rotated=refresh)

    def record(data: SigningKeyRotatedV1 | AccessRevokedV1) -> Record:
        event = CloudEvent.of(data, source="/services/identity", subject=data.aggregate_id)
        return Record(event.headers(), event.body())

    rotations = [record(key_rotated(f"ed25519-{n}")) for n in range(3)]
    logout = record(revoked("alice", "s-1", "logout"))
    broken = Record(rotations[0].headers, b'{"kid": ""}')
    await feed.apply_batch([rotations[0], logout, rotations[1], broken, rotations[2]])
    assert (len(calls), feed.keys_rotated, feed.key_refreshes) == (1, 3, 1)
    assert revocations.applied == 1
    await feed.apply_batch([logout])  # no rotation: no fetch
    assert len(calls) == 1

    async def failing() -> None:
        raise RuntimeError("identity is away")

    feed.on_key_rotated = failing
    await feed.apply_batch([rotations[0]])  # logged, not raised
    assert (feed.keys_rotated, feed.key_refreshes) == (4, 2)
