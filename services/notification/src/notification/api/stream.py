"""``GET /api/v1/stream``: Server-Sent Events of my new inbox messages and, for staff,
the alarm feed of the places they hold grants on.

Each message has an ``id:`` (the cursor ``<inbox id>-<alarm feed id>``); a client that
reconnects with ``Last-Event-ID`` gets what it missed (up to ``SSE_REPLAY_LIMIT`` rows
per source), then the live stream. Without it the stream starts at "now" (the inbox API
has the history). A comment line is sent every ``SSE_HEARTBEAT_SECONDS``. The stream ends
with an ``expired`` event when its token expires (``token_expired``) or is revoked
(``token_revoked``: a logout, a disabled account, a revoked grant; ADR 0028).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Header, Request
from fastapi.responses import StreamingResponse
from sqlalchemy import ColumnElement, func, or_, select

from notification.api.deps import UseCasesDep
from notification.api.stream_tickets import StreamPrincipal
from notification.db.models import alarm_feed, inbox_message
from notification.domain.sse import Cursor, comment, frame
from notification.hub import ALARM_KEY
from notification.usecases import UseCases
from notification.usecases.feed import alarm_scope
from sc_core.auth import Principal
from sc_core.auth.revocation import revocations_of
from sc_core.errors import Problem
from sc_core.streams import HeldStreamingResponse

router = APIRouter(tags=["stream"])
SSE_HEADERS = {
    "Cache-Control": "no-cache, no-transform",
    "X-Accel-Buffering": "no",  # nginx / ingress: do not buffer
    "Connection": "keep-alive",
}


# Rows are numbered when inserted but may commit out of order; rows this young are
# looked at again even below the cursor, and the ones already sent are skipped.
LATE = timedelta(seconds=10)


class Recent:
    """Ids sent on this stream lately (bounded)."""

    def __init__(self, size: int = 2000) -> None:
        self.size = size
        self._seen: dict[tuple[str, int], None] = {}

    def fresh(self, key: tuple[str, int]) -> bool:
        if key in self._seen:
            return False
        self._seen[key] = None
        if len(self._seen) > self.size:
            self._seen.pop(next(iter(self._seen)))
        return True


def message_data(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "title": row.title,
        "body": row.body,
        "severity": row.severity,
        "template": row.template,
        "request_id": row.request_id,
        "correlation_id": row.correlation_id,
        "community_id": row.community_id,
        "created_at": row.created_at.isoformat(),
    }


def alarm_data(row: Any) -> dict[str, Any]:
    return {
        "feed_id": row.id,
        "event": row.event_type,
        "alarm_id": row.alarm_id,
        "alarm_type": row.alarm_type,
        "severity": row.severity,
        "status": row.status,
        "title": row.title,
        "community_id": row.community_id,
        "building_id": row.building_id,
        "at": row.created_at.isoformat(),
    }


async def _start(
    usecases: UseCases, principal: Principal, scope: ColumnElement[bool] | None
) -> Cursor:
    db = usecases.dispatcher.db
    async with db.engine.connect() as conn:
        inbox = await conn.scalar(
            select(func.coalesce(func.max(inbox_message.c.id), 0)).where(
                inbox_message.c.user_id == principal.subject
            )
        )
        alarm = 0
        if scope is not None:
            alarm = await conn.scalar(select(func.coalesce(func.max(alarm_feed.c.id), 0)))
    return Cursor(int(inbox or 0), int(alarm or 0))


async def _events(
    request: Request,
    usecases: UseCases,
    principal: Principal,
    cursor: Cursor | None,
) -> AsyncIterator[bytes]:
    settings = usecases.settings
    scope = alarm_scope(principal, settings.alarm_feed_roles)
    inbox_key = f"inbox:{principal.subject}"
    keys = [inbox_key] + ([ALARM_KEY] if scope is not None else [])
    wake = usecases.hub.subscribe(keys)
    # which source woke the stream: only that one is read again (both on a heartbeat)
    inbox_due = usecases.hub.subscribe([inbox_key])
    alarm_due = usecases.hub.subscribe([ALARM_KEY]) if scope is not None else None
    check_inbox = check_alarms = True
    limit = settings.sse_replay_limit
    sent = Recent()
    first = True
    db = usecases.dispatcher.db
    # a logout, a disabled account or a revoked grant ends the stream within seconds, not
    # at the token's expiry (issue 30.7, ADR 0028): the revocation wakes it
    revocations = revocations_of(request.app)
    if revocations is not None:
        revocations.watch(principal, wake)
    try:
        if cursor is None:
            cursor = await _start(usecases, principal, scope)
        yield b"retry: 3000\n\n"
        yield frame("ready", {"cursor": str(cursor), "alarm_feed": scope is not None}, str(cursor))
        while True:
            wake.clear()
            if revocations is not None and revocations.refuses(principal):
                # nothing more on a revoked token; the client signs in or refreshes
                yield frame("expired", {"reason": "token_revoked"}, str(cursor))
                return
            async with db.engine.connect() as conn:
                messages: list[Any] = []
                if check_inbox:
                    inbox_due.clear()
                    messages = list(
                        (
                            await conn.execute(
                                select(inbox_message)
                                .where(
                                    inbox_message.c.user_id == principal.subject,
                                    or_(
                                        inbox_message.c.id > cursor.inbox,
                                        inbox_message.c.created_at >= func.now() - LATE,
                                    ),
                                )
                                .order_by(inbox_message.c.id)
                                .limit(limit)
                            )
                        ).all()
                    )
                alarms: list[Any] = []
                top = 0
                if scope is not None and alarm_due is not None and check_alarms:
                    alarm_due.clear()
                    top = int(await conn.scalar(select(func.max(alarm_feed.c.id))) or 0)
                    alarms = list(
                        (
                            await conn.execute(
                                select(alarm_feed)
                                .where(
                                    or_(
                                        alarm_feed.c.id > cursor.alarm,
                                        alarm_feed.c.created_at >= func.now() - LATE,
                                    ),
                                    alarm_feed.c.id <= top,
                                    scope,
                                )
                                .order_by(alarm_feed.c.id)
                                .limit(limit)
                            )
                        ).all()
                    )
            if first:  # what the client had before it (re)connected is not sent again
                for r in messages:
                    if r.id <= cursor.inbox:
                        sent.fresh(("m", r.id))
                for r in alarms:
                    if r.id <= cursor.alarm:
                        sent.fresh(("a", r.id))
                first = False
            messages = [r for r in messages if sent.fresh(("m", r.id))]
            alarms = [r for r in alarms if sent.fresh(("a", r.id))]
            merged = [(r.created_at, "message", r) for r in messages] + [
                (r.created_at, "alarm", r) for r in alarms
            ]
            merged.sort(key=lambda item: item[0])
            for _, kind, row in merged:
                if kind == "message":
                    cursor = Cursor(max(row.id, cursor.inbox), cursor.alarm)
                    yield frame("message", message_data(row), str(cursor))
                else:
                    cursor = Cursor(cursor.inbox, max(row.id, cursor.alarm))
                    yield frame("alarm", alarm_data(row), str(cursor))
            check_inbox = check_alarms = True
            if len(messages) >= limit or len(alarms) >= limit:
                continue
            if top > cursor.alarm:  # rows up to top outside my scope: skip past them
                cursor = Cursor(cursor.inbox, top)
            if await request.is_disconnected():
                return
            wait = settings.sse_heartbeat_seconds
            if principal.expires_at is not None:
                left = (principal.expires_at - datetime.now(UTC)).total_seconds()
                if left <= 0:  # the token ran out: the client reconnects with a fresh one
                    yield frame("expired", {"reason": "token_expired"}, str(cursor))
                    return
                wait = min(wait, left)
            try:
                await asyncio.wait_for(wake.wait(), wait)
            except TimeoutError:
                yield comment("keep-alive")
                continue
            check_inbox = inbox_due.is_set()
            check_alarms = alarm_due is not None and alarm_due.is_set()
    finally:
        if revocations is not None:
            revocations.unwatch(wake)
        usecases.hub.unsubscribe(keys, wake)
        usecases.hub.unsubscribe([inbox_key], inbox_due)
        if alarm_due is not None:
            usecases.hub.unsubscribe([ALARM_KEY], alarm_due)


@router.get(
    "/api/v1/stream",
    summary="Server-Sent Events: my new messages and, for staff, the alarm feed",
    response_class=StreamingResponse,
    responses={
        200: {"content": {"text/event-stream": {}}},
        406: {"description": "the request does not accept text/event-stream"},
    },
)
async def stream(
    request: Request,
    principal: StreamPrincipal,
    usecases: UseCasesDep,
    last_event_id: str | None = Header(default=None, alias="Last-Event-ID", max_length=200),
) -> StreamingResponse:
    if "text/event-stream" not in request.headers.get("accept", "").lower():
        # EventSource always asks for it; anything else would hang on an endless body
        raise Problem(
            406,
            "stream.accept_event_stream",
            "This is a Server-Sent Events stream: send 'Accept: text/event-stream'",
            zh="这是服务器推送事件流（SSE）：请求头请带 Accept: text/event-stream",
        )
    cursor = Cursor.parse(last_event_id)
    # every stream counts against its caller's cap, a ticket's too: the gateway cannot
    # count those (no token there), this service knows whose ticket it redeemed (issue 30)
    return HeldStreamingResponse(
        _events(request, usecases, principal, cursor),
        slots=usecases.stream_slots,
        caller=f"{principal.kind}:{principal.subject}",
        media_type="text/event-stream",
        headers=SSE_HEADERS,
    )
