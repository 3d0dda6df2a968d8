"""``GET /api/v1/dev/sink``: what the development providers (push, SMS, voice) would have
sent. Platform admins only; the numbers are masked unless the caller's grade shows them."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Query

from notification.api.deps import DevSinkDep, PlatformAdminCaller
from notification.api.schemas.dev import SinkRecord
from sc_core.api import Page, Paging

router = APIRouter(tags=["development"])


@router.get("/api/v1/dev/sink", summary="What push, SMS and voice would have sent (dev sink)")
async def list_sink(
    who: PlatformAdminCaller,
    sink: DevSinkDep,
    paging: Paging,
    channel: Literal["push", "sms", "voice"] | None = None,
    recipient_id: str | None = Query(None, max_length=128),
) -> Page[SinkRecord]:
    items, total = await sink.page(who, paging, channel=channel, recipient_id=recipient_id)
    return Page[SinkRecord].of(items, total, paging)
