"""Sending due deliveries through their channel adapters, with retries and backoff.

A delivery is *claimed* by moving its ``next_attempt_at`` a lease ahead and counting the
attempt (``FOR UPDATE SKIP LOCKED``: replicas never take the same one), then sent with no
transaction held across a remote call except the one that records the outcome. A send
that fails waits ``retry_base * 2^(n-1)``; after ``delivery_max_attempts`` (or a
permanent error) the delivery ends ``failed``. A replica that dies mid-send leaves the
claim to expire, and the delivery is tried again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update

from notification.channels import ChannelAdapter, Outgoing, ProviderError
from notification.channels.devices import DEVICE_PREFIX
from notification.config import Settings
from notification.db.models import (
    alarm_feed,
    delivery,
    delivery_attempt,
    dev_sink,
    inbox_message,
    notification_request,
    preference,
)
from notification.domain.rules import backoff
from notification.usecases.outcomes import record_outcome
from sc_core.db.engine import Database

log = logging.getLogger(__name__)
BATCH = 50


class Dispatcher:
    def __init__(
        self,
        db: Database,
        settings: Settings,
        adapters: dict[str, ChannelAdapter],
    ) -> None:
        self.db = db
        self.settings = settings
        self.adapters = adapters
        self._wake = asyncio.Event()

    def wake(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        """Send whatever is due: at once when woken (a request committed), else when the
        earliest pending or held delivery falls due (a retry, an expired claim, quiet hours
        over), looking at least every ``dispatch_interval_seconds`` (another replica's
        work). Idle it sleeps: it used to query every second (issue 28, ADR 0067)."""
        while True:
            try:
                await self.sweep()
                wait = await self.seconds_to_next_due()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("dispatch failed; trying again")
                wait = self.settings.dispatch_interval_seconds
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), wait)
            self._wake.clear()

    async def seconds_to_next_due(self) -> float:
        """Until the earliest pending or held delivery is due (0 when one is), at most
        ``dispatch_interval_seconds``; one look at the ``ix_delivery_due`` index."""
        async with self.db.engine.connect() as conn:
            earliest = (
                await conn.execute(
                    select(func.min(delivery.c.next_attempt_at)).where(
                        delivery.c.status.in_(("pending", "held"))
                    )
                )
            ).scalar()
        cap = self.settings.dispatch_interval_seconds
        if earliest is None:
            return cap
        return min(cap, max(0.0, (earliest - datetime.now(UTC)).total_seconds()))

    async def sweep(self) -> None:
        """Release held deliveries whose quiet hours ended, then send everything due."""
        async with self.db.uow() as uow:
            released = await uow.session.execute(
                update(delivery)
                .where(delivery.c.status == "held", delivery.c.next_attempt_at <= datetime.now(UTC))
                .values(status="pending", last_error=None)
                .returning(delivery.c.id)
            )
            count = len(released.all())
            await uow.commit()
        if count:
            log.info("released %d held deliveries", count)
        while await self.dispatch_due() >= BATCH:
            pass

    async def prune(self) -> dict[str, int]:
        """Hourly job: delete what is past its retention (see the settings)."""
        now = datetime.now(UTC)
        s = self.settings
        plan = [
            ("alarm_feed", alarm_feed, alarm_feed.c.created_at, s.alarm_feed_keep_days),
            ("dev_sink", dev_sink, dev_sink.c.created_at, s.dev_sink_keep_days),
            ("inbox_message", inbox_message, inbox_message.c.created_at, s.inbox_keep_days),
            (
                "notification_request",
                notification_request,
                notification_request.c.created_at,
                s.history_keep_days,
            ),
        ]
        removed: dict[str, int] = {}
        async with self.db.uow() as uow:
            for name, table, column, days in plan:
                result = await uow.session.execute(
                    table.delete().where(column < now - timedelta(days=days))
                )
                removed[name] = int(result.rowcount or 0)
            await uow.commit()
        if any(removed.values()):
            log.info("pruned %s", removed)
        return removed

    async def dispatch_due(self) -> int:
        """Claim and send one batch of due deliveries; returns how many were claimed."""
        lease = timedelta(seconds=self.settings.claim_lease_seconds)
        now = datetime.now(UTC)
        async with self.db.uow() as uow:
            due = (
                select(delivery.c.id)
                .where(delivery.c.status == "pending", delivery.c.next_attempt_at <= now)
                .order_by(delivery.c.next_attempt_at)
                .limit(BATCH)
                .with_for_update(skip_locked=True)
            )
            rows = (
                await uow.session.execute(
                    update(delivery)
                    .where(delivery.c.id.in_(due.scalar_subquery()))
                    .values(next_attempt_at=now + lease, attempts=delivery.c.attempts + 1)
                    .returning(delivery)
                )
            ).all()
            prefs: dict[str, Any] = {}
            people = sorted({r.recipient_id for r in rows if r.channel in ("sms", "voice", "push")})
            if people:
                result = await uow.session.execute(
                    select(preference).where(preference.c.user_id.in_(people))
                )
                prefs = {p.user_id: p for p in result}
            await uow.commit()
        # one person's messages on one channel go out in the order they were asked for,
        # so their inbox and stream show them so (sent side by side, m2 could land before
        # m1); different people's and channels' side by side
        queues: dict[tuple[str, str], list[Any]] = {}
        for row in sorted(rows, key=lambda r: (r.created_at, str(r.id))):
            queues.setdefault((row.recipient_id, row.channel), []).append(row)
        await asyncio.gather(*(self._deliver_in_order(queue, prefs) for queue in queues.values()))
        return len(rows)

    async def _deliver_in_order(self, rows: list[Any], prefs: dict[str, Any]) -> None:
        for row in rows:
            try:
                await self.deliver(row, prefs.get(row.recipient_id))
            except Exception as exc:  # tried again when its claim expires
                log.error("delivery %s: outcome not recorded: %r", row.id, exc)

    def outgoing(self, row: Any, pref: Any) -> Outgoing:
        address: str | None = None
        tokens: tuple[str, ...] = ()
        if row.channel in ("sms", "voice"):
            address = pref.phone if pref is not None else None
            if not address:
                raise ProviderError("contact.no_phone", permanent=True)
        elif row.channel == "push":
            tokens = tuple(pref.push_tokens or ()) if pref is not None else ()
            if not tokens:
                raise ProviderError("contact.no_push_token", permanent=True)
        elif row.recipient_id.startswith(DEVICE_PREFIX):
            address = row.recipient_id[len(DEVICE_PREFIX) :]
        return Outgoing(
            delivery_id=row.id,
            request_id=row.request_id,
            recipient_id=row.recipient_id,
            channel=row.channel,
            title=row.title,
            body=row.body,
            severity=row.severity,
            template=row.template,
            attempt=row.attempts,
            community_id=row.community_id,
            correlation_id=row.correlation_id,
            address=address,
            push_tokens=tokens,
        )

    async def deliver(self, row: Any, pref: Any) -> None:
        adapter = self.adapters.get(row.channel)
        error: ProviderError
        try:
            if adapter is None:
                raise ProviderError("channel.unsupported", row.channel, permanent=True)
            message = self.outgoing(row, pref)
            async with self.db.uow() as uow:
                ref = await adapter.send(message, uow)
                if await self._finish(uow, row, "sent", ref=ref, address=message.address):
                    await uow.commit()
                return
        except ProviderError as exc:
            error = exc
        except Exception as exc:
            log.exception("delivery %s: unexpected error", row.id)
            error = ProviderError("internal.error", type(exc).__name__)
        async with self.db.uow() as uow:
            last = error.permanent or row.attempts >= self.settings.delivery_max_attempts
            if await self._finish(uow, row, "failed" if last else "retry", error=error):
                await uow.commit()

    async def _finish(
        self,
        uow: Any,
        row: Any,
        outcome: str,
        *,
        ref: str | None = None,
        error: ProviderError | None = None,
        address: str | None = None,
    ) -> bool:
        """Record one attempt's outcome; False when the claim was lost meanwhile."""
        now = datetime.now(UTC)
        values: dict[str, Any] = {"last_error": error.code if error else None}
        if outcome == "retry":
            wait = backoff(
                row.attempts, self.settings.retry_base_seconds, self.settings.retry_max_seconds
            )
            values["next_attempt_at"] = now + timedelta(seconds=wait)
        else:
            values.update(status=outcome, decided_at=now, next_attempt_at=None)
        changed = await uow.session.execute(
            update(delivery)
            .where(
                delivery.c.id == row.id,
                delivery.c.status == "pending",
                delivery.c.attempts == row.attempts,
            )
            .values(**values)
        )
        if changed.rowcount != 1:
            log.info("delivery %s: claim lost, outcome %s dropped", row.id, outcome)
            return False
        await uow.session.execute(
            delivery_attempt.insert().values(
                delivery_id=row.id,
                attempt=row.attempts,
                outcome="sent" if outcome == "sent" else "failed",
                error=str(error)[:1000] if error else None,
                provider_ref=ref,
            )
        )
        if outcome in ("sent", "failed"):
            await record_outcome(
                uow,
                row,
                status=outcome,
                attempts=row.attempts,
                error=error.code if error else None,
                address=address,
            )
        return True
