"""Notification requests and their deliveries: sent by admins here, or by any service on
notification.requests.v1; read back (with each delivery's status) by admins in scope."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, Field, model_validator
from sqlalchemy import func, select

from notification.api.deps import ADMINS, NOTIFICATION_ADMINS, PartsDep
from notification.db.models import (
    delivery,
    grant_projection,
    household_places,
    notification_request,
)
from notification.intake import accept
from sc_contracts.events import (
    NotificationChannel,
    NotificationRequestedV1,
    NotificationSeverity,
    Recipients,
)
from sc_core.api import AuditorDep, Page, Paging, UnitOfWorkDep, fetch_page
from sc_core.auth import Principal, ensure_in_scope, scope_clause
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Conflict, NotFound, Problem

router = APIRouter(tags=["notifications"])
r = notification_request.c
d = delivery.c
RequestId = Annotated[str, Path(min_length=1, max_length=200)]


class NotificationCreate(BaseModel):
    request_id: str | None = Field(
        default=None, min_length=1, max_length=200, description="Idempotency key; generated."
    )
    recipients: Recipients
    template: str = Field(min_length=1, max_length=100)
    variables: dict[str, Annotated[str, Field(max_length=2000)]] = Field(default_factory=dict)
    severity: NotificationSeverity = NotificationSeverity.INFO
    channels: list[NotificationChannel] = Field(min_length=1, max_length=6)
    locale: str = Field(default="zh-CN", max_length=16)
    community_id: str | None = Field(default=None, min_length=1, max_length=64)

    @model_validator(mode="after")
    def _bounded_and_storable(self) -> NotificationCreate:
        r = self.recipients
        if len(r.user_ids) > 10_000 or len(r.household_ids) > 5_000 or len(r.roles_in_scope) > 100:
            raise ValueError(
                "at most 10000 user_ids, 5000 household_ids and 100 roles_in_scope per request"
            )
        texts = [*r.user_ids, *r.household_ids, *self.variables, *self.variables.values()]
        texts += [
            x for role in r.roles_in_scope for x in (role.role, role.scope_type, role.scope_id)
        ]
        if any("\x00" in t for t in texts):  # JSONB cannot hold NUL
            raise ValueError("values may not contain NUL characters")
        if any(not t.strip() for t in [*r.user_ids, *r.household_ids]):
            # an empty id names nobody: it was accepted and its delivery retried for ever
            raise ValueError("user_ids and household_ids may not hold empty ids")
        return self


class DeliveryRead(BaseModel):
    id: uuid.UUID
    recipient_id: str
    channel: str
    status: str
    attempts: int
    last_error: str | None
    locale: str
    title: str
    next_attempt_at: datetime | None
    decided_at: datetime | None
    created_at: datetime


class NotificationRead(BaseModel):
    request_id: str
    template: str
    severity: str
    channels: list[str]
    source_service: str
    community_id: str | None
    correlation_id: str | None
    recipient_count: int
    created_at: datetime


class NotificationDetail(NotificationRead):
    deliveries: list[DeliveryRead] = Field(description="The first 1000, by recipient.")
    summary: dict[str, int] = Field(description="Deliveries by status (all of them).")


def _in_scope(principal: Principal, community_id: str | None) -> None:
    if principal.is_platform_admin:
        return
    if community_id is None:
        raise Problem(403, "auth.out_of_scope", "Only platform admins see platform-wide requests")
    ensure_in_scope(principal, community_id=community_id, roles=NOTIFICATION_ADMINS)


@router.post("/api/v1/notifications", status_code=202, summary="Send a notification")
async def send(
    body: NotificationCreate,
    principal: ADMINS,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    parts: PartsDep,
    request: Request,
) -> NotificationDetail:
    _in_scope(principal, body.community_id)
    recipients = body.recipients
    if not principal.is_platform_admin:
        recipients = await _within_community(uow, recipients, body.community_id or "")
    data = NotificationRequestedV1(
        request_id=body.request_id or f"manual:{uuid.uuid4()}",
        recipients=recipients,
        template=body.template,
        variables=body.variables,
        severity=body.severity,
        channels=body.channels,
        locale=body.locale,
        source_service="notification",
        community_id=body.community_id,
    )
    if not await accept(uow, data, parts.settings, requested_by=principal.subject):
        raise Conflict("notification.duplicate_request", "This request_id was sent already")
    await auditor.within(
        uow,
        action="notification.request",
        resource_type="notification_request",
        resource_id=data.request_id,
        principal=principal,
        request=request,
        community_id=body.community_id,
        detail={"template": data.template, "severity": data.severity.value},
    )
    await uow.commit()
    parts.dispatcher.wake()
    return await _detail(uow, data.request_id)


async def _within_community(
    uow: UnitOfWork, recipients: Recipients, community_id: str
) -> Recipients:
    """A community's admin reaches only people holding a grant in that community."""
    g = grant_projection.c
    users = recipients.user_ids
    if users:
        known = set(
            (
                await uow.session.scalars(
                    select(g.account_id).where(
                        g.account_id.in_(users), g.community_id == community_id
                    )
                )
            ).all()
        )
        users = [u for u in users if u in known]
    households = recipients.household_ids
    if households:
        known = set(
            (
                await uow.session.scalars(
                    select(g.scope_id).where(
                        g.scope_type == "household",
                        g.scope_id.in_(households),
                        g.community_id == community_id,
                    )
                )
            ).all()
        )
        households = [h for h in households if h in known]
    roles = [
        x
        for x in recipients.roles_in_scope
        if x.scope_type != "community" or x.scope_id == community_id
    ]
    if roles:
        places = {(x.scope_type, x.scope_id) for x in roles if x.scope_type != "community"}
        if places:
            rows = await uow.session.execute(
                select(g.scope_type, g.scope_id).where(
                    g.community_id == community_id,
                    g.scope_id.in_(sorted(p[1] for p in places)),
                )
            )
            known_places = {(t, i) for t, i in rows}
            # places with nobody holding a grant on them (a building, whose residents hold
            # household grants) are the community's when the place directory says so
            h = household_places.c
            columns = {
                "building": h.building_id,
                "unit": h.unit_id,
                "grid": h.grid_id,
                "household": h.household_id,
            }
            for scope_type, scope_id in places - known_places:
                column = columns.get(scope_type)
                if column is not None and await uow.session.scalar(
                    select(column)
                    .where(column == scope_id, h.community_id == community_id)
                    .limit(1)
                ):
                    known_places.add((scope_type, scope_id))
            roles = [
                x
                for x in roles
                if x.scope_type == "community" or (x.scope_type, x.scope_id) in known_places
            ]
    if not (users or households or roles):
        raise Problem(
            422,
            "notification.no_recipients",
            "收件人都不在你的社区（none of the recipients is in your community）",
        )
    return Recipients(user_ids=users, household_ids=households, roles_in_scope=roles)


@router.get("/api/v1/notifications", summary="Notification requests of my communities")
async def list_notifications(
    principal: ADMINS,
    uow: UnitOfWorkDep,
    paging: Paging,
    correlation_id: str | None = Query(None, max_length=200),
) -> Page[NotificationRead]:
    query = select(notification_request).where(
        scope_clause(principal, community_col=r.community_id, roles=NOTIFICATION_ADMINS)
    )
    if correlation_id:
        query = query.where(r.correlation_id == correlation_id)
    rows, total = await fetch_page(
        uow.session, query.order_by(r.created_at.desc()), paging, rows=True
    )
    return Page[NotificationRead].of(
        [NotificationRead.model_validate(x, from_attributes=True) for x in rows], total, paging
    )


@router.get("/api/v1/notifications/{request_id}", summary="One request and every delivery's status")
async def get_notification(
    request_id: RequestId, principal: ADMINS, uow: UnitOfWorkDep
) -> NotificationDetail:
    head = (
        await uow.session.execute(select(r.community_id).where(r.request_id == request_id))
    ).first()
    if head is None:
        raise NotFound("notification.not_found", "No such notification request")
    _in_scope(principal, head.community_id)
    return await _detail(uow, request_id)


async def _detail(uow: UnitOfWork, request_id: str) -> NotificationDetail:
    head = (
        await uow.session.execute(select(notification_request).where(r.request_id == request_id))
    ).one()
    # the counts first: each statement reads what is committed when it runs (no snapshot
    # across them), and a delivery's status only moves forward, so the rows read next are
    # never older than the summary (read the other way round, a summary could already say
    # "expired" beside a row still "sent")
    counts = await uow.session.execute(
        select(d.status, func.count()).where(d.request_id == request_id).group_by(d.status)
    )
    summary = {status: int(n) for status, n in counts}
    rows = (
        await uow.session.execute(
            select(delivery)
            .where(d.request_id == request_id)
            .order_by(d.recipient_id, d.channel)
            .limit(1000)
        )
    ).all()
    deliveries = [DeliveryRead.model_validate(x, from_attributes=True) for x in rows]
    base = NotificationRead.model_validate(head, from_attributes=True)
    return NotificationDetail(**base.model_dump(), deliveries=deliveries, summary=summary)
