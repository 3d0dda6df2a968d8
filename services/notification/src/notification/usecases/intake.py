"""Accepting a notification request: once per request_id, one delivery per recipient
and channel, each rendered in the recipient's language and checked against their
preferences (opt-outs, quiet hours) and the per-recipient rate limit."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ARRAY, String, any_, bindparam, func, select
from sqlalchemy.dialects.postgresql import insert

from notification.config import Settings
from notification.db.models import (
    broadcast_endpoint,
    delivery,
    notification_request,
    preference,
    template,
)
from notification.domain.rules import (
    BROADCAST_CHANNELS,
    DEVICE_TYPE_OF,
    INTERRUPTING,
    PERSON_CHANNELS,
    quiet_until,
    zone,
)
from notification.domain.templates import Rendered, UnknownTemplate, render
from notification.usecases.outcomes import record_outcome
from notification.usecases.recipients import resolve
from sc_contracts.events import NotificationRequestedV1
from sc_core.db.uow import UnitOfWork

INSERT_CHUNK = 1000


def id_array(ids: list[str]) -> Any:
    """One array parameter (``= ANY(:ids)``): any number of ids, one bind."""
    return bindparam(None, ids, type_=ARRAY(String))


@dataclass
class Decision:
    status: str  # pending, held, suppressed, failed
    next_attempt_at: datetime | None = None
    error: str | None = None


async def accept(
    uow: UnitOfWork,
    request: NotificationRequestedV1,
    settings: Settings,
    *,
    requested_by: str | None = None,
) -> bool:
    """Create the request's deliveries; False when this request_id was seen before."""
    created = (
        await uow.session.execute(
            insert(notification_request)
            .values(
                request_id=request.request_id,
                template=request.template,
                variables=dict(request.variables),
                severity=request.severity.value,
                channels=[c.value for c in request.channels],
                locale=request.locale,
                source_service=request.source_service,
                community_id=request.community_id,
                correlation_id=request.correlation_id,
                recipients=request.recipients.model_dump(mode="json"),
                requested_by=requested_by,
            )
            .on_conflict_do_nothing(index_elements=["request_id"])
            .returning(notification_request.c.request_id)
        )
    ).first()
    if created is None:
        return False
    now = datetime.now(UTC)
    patterns = await _patterns(uow, request.template)
    channels = list(dict.fromkeys(c.value for c in request.channels))
    person_channels = [c for c in channels if c in PERSON_CHANNELS]
    rows: list[dict[str, Any]] = []
    if person_channels:
        people = await resolve(uow, request.recipients, request.community_id)
        prefs = await load_preferences(uow, people)
        recent = await _recent_counts(uow, people, settings, now)
        for person in people:
            pref = prefs.get(person)
            locale = (pref.locale if pref is not None else None) or request.locale
            rendered, chosen, error = _render(request, patterns, locale, settings)
            for channel in person_channels:
                if error:
                    decision = Decision("failed", error=error)
                else:
                    decision = decide(request, channel, pref, recent, person, settings, now)
                rows.append(_row(request, person, channel, chosen, rendered, decision, now))
    for channel in (c for c in channels if c in BROADCAST_CHANNELS):
        rendered, chosen, error = _render(request, patterns, request.locale, settings)
        for device_id in await _endpoints(uow, request, channel):
            decision = Decision("failed", error=error) if error else Decision("pending", now)
            rows.append(
                _row(request, f"device:{device_id}", channel, chosen, rendered, decision, now)
            )
    for start in range(0, len(rows), INSERT_CHUNK):  # PostgreSQL takes 32767 parameters
        chunk = rows[start : start + INSERT_CHUNK]
        inserted = (
            await uow.session.execute(delivery.insert().values(chunk).returning(delivery))
        ).all()
        for row in inserted:
            if row.status != "pending":
                await record_outcome(uow, row, status=row.status, attempts=0, error=row.last_error)
    await uow.session.execute(
        notification_request.update()
        .where(notification_request.c.request_id == request.request_id)
        .values(recipient_count=len({r["recipient_id"] for r in rows}))
    )
    return True


def decide(
    request: NotificationRequestedV1,
    channel: str,
    pref: Any,
    recent: Counter[tuple[str, str]],
    person: str,
    settings: Settings,
    now: datetime,
) -> Decision:
    """What happens to one person's delivery on one channel, before any attempt."""
    severity = request.severity.value
    if channel not in INTERRUPTING:
        return Decision("pending", now)
    critical = severity == "critical"
    if pref is not None and channel in (pref.opt_out or []) and not critical:
        return Decision("suppressed", error="preference.opt_out")
    if pref is not None and severity not in settings.quiet_hours_bypass:
        until = quiet_until(
            now,
            pref.quiet_start,
            pref.quiet_end,
            zone(pref.timezone, settings.default_timezone),
        )
        if until is not None:
            return Decision("held", until, error="quiet_hours")
    if not critical:
        if recent[(person, channel)] >= settings.rate_limit_per_window:
            return Decision("suppressed", error="rate_limited")
        recent[(person, channel)] += 1
    return Decision("pending", now)


def _render(
    request: NotificationRequestedV1,
    patterns: dict[str, tuple[str, str]],
    locale: str,
    settings: Settings,
) -> tuple[Rendered, str, str | None]:
    try:
        chosen, rendered = render(
            request.template, patterns, request.variables, locale, settings.default_locale
        )
    except UnknownTemplate:
        return Rendered(request.template, ""), locale, "template.unknown"
    return rendered, chosen, None


def _row(
    request: NotificationRequestedV1,
    recipient: str,
    channel: str,
    locale: str,
    rendered: Rendered,
    decision: Decision,
    now: datetime,
) -> dict[str, Any]:
    final = decision.status in ("failed", "suppressed")
    return {
        "id": uuid.uuid4(),
        "request_id": request.request_id,
        "recipient_id": recipient,
        "channel": channel,
        "status": decision.status,
        "attempts": 0,
        "next_attempt_at": decision.next_attempt_at,
        "last_error": decision.error,
        "locale": locale,
        "title": rendered.title,
        "body": rendered.body,
        "severity": request.severity.value,
        "template": request.template,
        "community_id": request.community_id,
        "building_id": request.variables.get("building_id"),
        "correlation_id": request.correlation_id,
        "decided_at": now if final else None,
    }


async def _patterns(uow: UnitOfWork, code: str) -> dict[str, tuple[str, str]]:
    rows = await uow.session.execute(
        select(template.c.locale, template.c.title, template.c.body).where(template.c.code == code)
    )
    return {r.locale: (r.title, r.body) for r in rows}


async def load_preferences(uow: UnitOfWork, people: list[str]) -> dict[str, Any]:
    if not people:
        return {}
    rows = await uow.session.execute(
        select(preference).where(preference.c.user_id == any_(id_array(people)))
    )
    return {r.user_id: r for r in rows}


async def _recent_counts(
    uow: UnitOfWork, people: list[str], settings: Settings, now: datetime
) -> Counter[tuple[str, str]]:
    """Non-critical deliveries per (person, interrupting channel) within the window."""
    counts: Counter[tuple[str, str]] = Counter()
    if not people:
        return counts
    since = now - timedelta(seconds=settings.rate_limit_window_seconds)
    d = delivery.c
    rows = await uow.session.execute(
        select(d.recipient_id, d.channel, func.count())
        .where(
            d.recipient_id == any_(id_array(people)),
            d.channel.in_(sorted(INTERRUPTING)),
            d.created_at >= since,
            d.severity != "critical",
            d.status.in_(("pending", "held", "sent", "delivered")),
        )
        .group_by(d.recipient_id, d.channel)
    )
    for recipient_id, channel, count in rows:
        counts[(recipient_id, channel)] = int(count)
    return counts


async def _endpoints(uow: UnitOfWork, request: NotificationRequestedV1, channel: str) -> list[str]:
    """Broadcast endpoints of the request's community (and building, when it names one)."""
    if not request.community_id:
        return []
    e = broadcast_endpoint.c
    query = select(e.device_id).where(
        e.community_id == request.community_id, e.device_type == DEVICE_TYPE_OF[channel]
    )
    building = request.variables.get("building_id")
    if building:
        query = query.where((e.building_id == building) | e.building_id.is_(None))
    return list((await uow.session.scalars(query.order_by(e.device_id))).all())
