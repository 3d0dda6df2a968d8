"""Revoked access tokens are refused by every verifier within seconds (issue 30.7, ADR 0028).

An access token is a signed JWT that lives ``ACCESS_TOKEN_TTL_SECONDS`` (15 min); verifying
it needs no call to identity, so a logout, a reused refresh token, a disabled account or a
revoked grant left it working until it expired, on the gateway and every service. Now
identity publishes each revocation on ``identity.events.v1`` and every verifier applies it:

- ``AccessRevokedV1`` with a ``session_id``: the tokens of that sign-in (their ``sid``
  claim, the refresh-token family): a logout, a reused refresh token;
- ``AccessRevokedV1`` without one: every token of the account issued up to ``revoked_at``
  (the account disabled);
- ``GrantChangedV1`` revoked: the account's tokens issued up to ``changed_at`` carry the
  grant, so they are refused (the app refreshes and gets tokens without it).

:class:`Revocations` is the in-memory list a :class:`~sc_core.auth.JWKSVerifier` consults
on every call (its cache of verified tokens included); :class:`RevocationFeed` fills it: one
Kafka consumer per process, without a consumer group (every replica must see every
partition), that starts ``window_seconds`` back in time (``offsets_for_times``) so a process
that starts knows the revocations whose tokens may still be alive, then follows the topic.
Entries are forgotten once the last token they revoke has expired. A refused token is 401
``auth.token_revoked``. What stays open on a token (an event stream) asks
:meth:`Revocations.watch` to be woken, and ends, when that token is revoked.

The same feed carries identity's key rotations (issues 30/31): a verifier fetches the key
set again for a token whose ``kid`` it does not know at most once per
``min_refresh_interval`` (flood protection), so after a rotation that signs at once its
fresh tokens were refused as signed by an unknown key for up to that long. On
``SigningKeyRotatedV1`` the feed calls ``on_key_rotated`` (the verifier's
:meth:`~sc_core.auth.JWKSVerifier.refresh`, which is not rate limited) once per polled
batch, however many rotations the batch holds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from aiokafka import AIOKafkaConsumer

from sc_contracts.events import (
    AccessRevokedV1,
    GrantChange,
    GrantChangedV1,
    SigningKeyRotatedV1,
)
from sc_core.auth.jwks import unauthorized
from sc_core.auth.principal import Principal
from sc_core.bus.cloudevents import Envelope, InvalidEvent, decode_data
from sc_core.bus.long_poll import (
    FETCHER_WAKE_MS,
    FOLLOWER_LONG_POLL_MS,
    POLL_TIMEOUT_MS,
    SHORT_WAIT_MS,
    ParkedFetches,
    set_fetch_wait,
)
from sc_core.kafka import kafka_client_options
from sc_core.retry import Backoff

log = logging.getLogger(__name__)

IDENTITY_TOPIC = "identity.events.v1"


class Revocations:
    """Which access tokens are revoked: by sign-in (``sid``) and by account up to a time."""

    def __init__(self, window_seconds: float = 3600.0) -> None:
        # how long after a grant's revocation its tokens may still be alive (the longest
        # access token lifetime with leeway); AccessRevokedV1 says it itself (``until``)
        self.window_seconds = window_seconds
        self._sessions: dict[str, float] = {}  # sid -> until (epoch s)
        self._accounts: dict[str, tuple[float, float]] = {}  # account -> (cut-off, until)
        self.applied = 0
        # what is open on a token (a stream): woken when that token is revoked
        self._watchers: dict[asyncio.Event, Principal] = {}

    def revoke_session(self, session_id: str, until: float) -> None:
        self._sessions[session_id] = max(until, self._sessions.get(session_id, 0.0))
        self._applied()

    def revoke_account(self, account_id: str, up_to: float, until: float) -> None:
        cut, end = self._accounts.get(account_id, (0.0, 0.0))
        self._accounts[account_id] = (max(cut, up_to), max(end, until))
        self._applied()

    def apply(self, event: AccessRevokedV1 | GrantChangedV1) -> None:
        if isinstance(event, AccessRevokedV1):
            until = event.until.timestamp()
            if event.session_id:
                self.revoke_session(event.session_id, until)
            else:
                self.revoke_account(event.account_id, event.revoked_at.timestamp(), until)
        elif event.change == GrantChange.REVOKED:
            at = event.changed_at.timestamp()
            self.revoke_account(event.account_id, at, at + self.window_seconds)

    def refuses(self, principal: Principal, now: float | None = None) -> bool:
        moment = time.time() if now is None else now
        if principal.session_id is not None:
            until = self._sessions.get(principal.session_id)
            if until is not None and until > moment:
                return True
        cut = self._accounts.get(principal.subject)
        if cut is None or cut[1] <= moment:
            return False
        issued = principal.issued_at
        # iat has whole seconds: a token of the revocation's own second is refused too
        return issued is None or int(issued.timestamp()) <= int(cut[0])

    def watch(self, principal: Principal, wake: asyncio.Event) -> None:
        """Set ``wake`` once ``principal``'s token is revoked (at once if it is already):
        something held open on a token (a stream) ends then, not at the token's expiry.
        The holder looks at :meth:`refuses` when woken and calls :meth:`unwatch` at the end.
        """
        self._watchers[wake] = principal
        if self.refuses(principal):
            wake.set()

    def unwatch(self, wake: asyncio.Event) -> None:
        self._watchers.pop(wake, None)

    def check(self, principal: Principal) -> None:
        """401 ``auth.token_revoked`` when the principal's token is revoked."""
        if self.refuses(principal):
            raise unauthorized(
                "auth.token_revoked",
                "This sign-in has ended or its rights changed: sign in again or refresh",
                zh="此次登录已结束或权限已变更，请重新登录或刷新",
            )

    def _applied(self) -> None:
        self.applied += 1
        for wake, principal in list(self._watchers.items()):
            if self.refuses(principal):
                wake.set()
        if self.applied % 256 == 0:
            self.forget_expired()

    def forget_expired(self, now: float | None = None) -> None:
        moment = time.time() if now is None else now
        self._sessions = {k: v for k, v in self._sessions.items() if v > moment}
        self._accounts = {k: v for k, v in self._accounts.items() if v[1] > moment}


class RevocationFeed:
    """Follows identity's topic into a :class:`Revocations` (a resource: ``start``,
    ``close``). Never blocks start-up: it runs in the background and retries with
    :class:`~sc_core.retry.Backoff` while the broker or the topic is missing.

    ``on_key_rotated`` is awaited once per polled batch holding a ``SigningKeyRotatedV1``
    (the verifier's ``refresh``): ``keys_rotated`` counts those events, ``key_refreshes``
    the calls."""

    def __init__(
        self,
        settings: Any,
        revocations: Revocations,
        on_key_rotated: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self.settings = settings
        self.revocations = revocations
        self.on_key_rotated = on_key_rotated
        self.keys_rotated = 0
        self.key_refreshes = 0
        self.topic: str = settings.topic(IDENTITY_TOPIC)
        self._task: asyncio.Task[None] | None = None
        self.following = asyncio.Event()  # assigned and positioned: new events apply
        self.consumer: AIOKafkaConsumer | None = None  # its Kafka client while one runs

    async def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name=f"revocations:{self.topic}")

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        backoff = Backoff(0.5, cap=30.0)
        while True:
            try:
                await self._follow(backoff)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the broker or the topic is not there (yet)
                log.warning("revocation feed on %s: %s", self.topic, exc)
            self.following.clear()
            await backoff.sleep()

    async def _follow(self, backoff: Backoff) -> None:
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self.settings.kafka_bootstrap_servers,
            group_id=None,
            enable_auto_commit=False,
            client_id=f"{self.settings.service_name}-revocations",
            fetch_max_wait_ms=SHORT_WAIT_MS,
            consumer_timeout_ms=FETCHER_WAKE_MS,
            **kafka_client_options(self.settings),
        )
        self.consumer = consumer
        # its metadata does not wait behind its parked fetch, and a partition whose leader
        # moved is fetched at once (ADR 0084)
        ParkedFetches().watch(consumer)
        try:
            await consumer.start()
            # without a group, a subscription is assigned every partition of the topic
            consumer.subscribe([self.topic])
            waited = Backoff(0.05, cap=1.0)
            while not consumer.assignment():
                await consumer.getmany(timeout_ms=100)  # drives the metadata and assignment
                await waited.sleep()
            tps = sorted(consumer.assignment())
            since = int((time.time() - self.revocations.window_seconds) * 1000)
            # the ends first: a partition with nothing since the window's start is read
            # from its end as it was before that answer, so a record written in between
            # is read (seek_to_end resolved the end later, after it: a key rotation
            # written in that moment was skipped)
            ends = await consumer.end_offsets(tps)
            found = await consumer.offsets_for_times(dict.fromkeys(tps, since))
            for tp in tps:
                at = found.get(tp)
                consumer.seek(tp, ends[tp] if at is None else at.offset)
            for tp in tps:  # resolve the positions now: "following" means it
                await consumer.position(tp)
            self.following.set()
            backoff.reset()
            # following: idle fetches wait for a follower's long poll (ADR 0067, 0081).
            # It starts with aiokafka's short one: the offset lookups above no longer
            # queue behind a fetch (ADR 0084), but the first fetch from the positions just
            # set still waits for the one in flight to that broker to end
            set_fetch_wait(consumer, 1, FOLLOWER_LONG_POLL_MS)
            while True:
                batch = await consumer.getmany(timeout_ms=POLL_TIMEOUT_MS, max_records=500)
                await self.apply_batch(m for messages in batch.values() for m in messages)
        finally:
            self.consumer = None
            await consumer.stop()

    async def apply_batch(self, messages: Iterable[Any]) -> None:
        """Apply one poll's records (``headers``, ``value``); however many key rotations
        they hold, ``on_key_rotated`` is awaited once, after them."""
        rotated = False
        for message in messages:
            rotated |= self._apply(message.headers, message.value)
        if rotated:
            await self._key_rotated()

    def _apply(self, headers: Any, value: bytes | None) -> bool:
        """Apply one event; True when it is a key rotation (the caller refreshes once)."""
        try:
            envelope = Envelope.from_headers(headers)
            if envelope.type == AccessRevokedV1.event_type:
                self.revocations.apply(decode_data(value, AccessRevokedV1))
            elif envelope.type == GrantChangedV1.event_type:
                self.revocations.apply(decode_data(value, GrantChangedV1))
            elif envelope.type == SigningKeyRotatedV1.event_type:
                decode_data(value, SigningKeyRotatedV1)
                self.keys_rotated += 1
                return True
        except InvalidEvent as exc:
            log.warning("revocation feed: skipped an event that does not fit: %s", exc)
        return False

    async def _key_rotated(self) -> None:
        if self.on_key_rotated is None:
            return
        self.key_refreshes += 1
        try:
            await self.on_key_rotated()
        except Exception as exc:  # the key set stays as it was; the rate-limited path remains
            log.warning("revocation feed: refreshing the keys after a rotation failed: %s", exc)


def revocations_of(app: Any) -> Revocations | None:
    """The revocations an app's verifier follows (None without a feed)."""
    verifier = getattr(app.state, "jwks_verifier", None)
    return getattr(verifier, "revocations", None)


async def follow_revocations(
    settings: Any,
    verifier: Any,
    on_key_rotated: Callable[[], Awaitable[None]] | None = None,
) -> RevocationFeed | None:
    """Give ``verifier`` a :class:`Revocations` and start the feed that fills it (unless
    ``AUTH_REVOCATION_FEED=false``); the caller closes the feed it gets back on stop.
    A key rotation calls ``on_key_rotated``, by default ``verifier.refresh``."""
    if not getattr(settings, "auth_revocation_feed", False):
        return None
    verifier.revocations = Revocations(settings.auth_revocation_window_seconds)
    if on_key_rotated is None:
        on_key_rotated = getattr(verifier, "refresh", None)
    feed = RevocationFeed(settings, verifier.revocations, on_key_rotated)
    await feed.start()
    return feed
