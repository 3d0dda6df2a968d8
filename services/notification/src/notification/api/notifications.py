"""Notification requests and their deliveries: sent by admins here, or by any service on
notification.requests.v1; read back (with each delivery's status) by admins in scope."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from notification.api.deps import ADMINS, Admin, NotificationsDep
from notification.api.schemas.notifications import (
    DeliveryRead,
    NotificationCreate,
    NotificationDetail,
    NotificationRead,
)
from sc_core.api import Page, Paging

__all__ = ["DeliveryRead", "NotificationCreate", "NotificationDetail", "NotificationRead"]

router = APIRouter(tags=["notifications"])
RequestId = Annotated[str, Path(min_length=1, max_length=200)]


@router.post("/api/v1/notifications", status_code=202, summary="Send a notification")
async def send(
    body: NotificationCreate, who: Admin, notifications: NotificationsDep
) -> NotificationDetail:
    return await notifications.send(who, body)


@router.get("/api/v1/notifications", summary="Notification requests of my communities")
async def list_notifications(
    principal: ADMINS,
    notifications: NotificationsDep,
    paging: Paging,
    correlation_id: str | None = Query(None, max_length=200),
) -> Page[NotificationRead]:
    rows, total = await notifications.page(principal, paging, correlation_id=correlation_id)
    return Page[NotificationRead].of(
        [NotificationRead.model_validate(x, from_attributes=True) for x in rows], total, paging
    )


@router.get("/api/v1/notifications/{request_id}", summary="One request and every delivery's status")
async def get_notification(
    request_id: RequestId, principal: ADMINS, notifications: NotificationsDep
) -> NotificationDetail:
    return await notifications.get(principal, request_id)
