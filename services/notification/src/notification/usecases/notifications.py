"""Notification requests: sent by admins (here) or by any service (on
notification.requests.v1, through :func:`notification.usecases.intake.accept` as well); read back
with each delivery's status by admins of the request's community. A community's admin
reaches only the people and places of that community."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select

from notification.api.schemas.notifications import (
    DeliveryRead,
    NotificationCreate,
    NotificationDetail,
    NotificationRead,
)
from notification.config import Settings
from notification.db.models import (
    delivery,
    grant_projection,
    household_places,
    notification_request,
)
from notification.domain.access import NOTIFICATION_ADMINS
from notification.domain.delivery_errors import explain
from notification.usecases.dispatch import Dispatcher
from notification.usecases.intake import accept
from sc_contracts.events import NotificationRequestedV1, Recipients
from sc_core.api import PageParams, PageTotal, fetch_page
from sc_core.auth import Caller, Principal, ensure_in_scope, scope_clause
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Conflict, NotFound, Problem

r = notification_request.c
d = delivery.c


def _in_scope(principal: Principal, community_id: str | None) -> None:
    if principal.is_platform_admin:
        return
    if community_id is None:
        raise Problem(
            403,
            "auth.out_of_scope",
            "Only platform admins see platform-wide requests",
            zh="只有平台管理员可以查看全平台的通知请求",
        )
    ensure_in_scope(principal, community_id=community_id, roles=NOTIFICATION_ADMINS)


class Notifications:
    def __init__(self, db: Database, settings: Settings, dispatcher: Dispatcher) -> None:
        self.db = db
        self.settings = settings
        self.dispatcher = dispatcher

    async def send(self, who: Caller, body: NotificationCreate) -> NotificationDetail:
        """Accept a request (once per request_id) and wake the dispatcher."""
        principal = who.principal
        _in_scope(principal, body.community_id)
        async with self.db.uow() as uow:
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
            if not await accept(uow, data, self.settings, requested_by=principal.subject):
                raise Conflict(
                    "notification.duplicate_request",
                    "This request_id was sent already",
                    zh="此 request_id 的通知已发送过",
                )
            await uow.audit(
                who,
                "notification.request",
                "notification_request",
                data.request_id,
                community_id=body.community_id,
                detail={"template": data.template, "severity": data.severity.value},
            )
            await uow.commit()
            self.dispatcher.wake()
            return await _detail(uow, data.request_id)

    async def page(
        self, principal: Principal, paging: PageParams, *, correlation_id: str | None
    ) -> tuple[list[Any], PageTotal]:
        """Notification requests of my communities, newest first."""
        query = select(notification_request).where(
            scope_clause(principal, community_col=r.community_id, roles=NOTIFICATION_ADMINS)
        )
        if correlation_id:
            query = query.where(r.correlation_id == correlation_id)
        async with self.db.uow(read_only=True) as uow:
            return await fetch_page(
                uow.session, query.order_by(r.created_at.desc()), paging, rows=True
            )

    async def get(self, principal: Principal, request_id: str) -> NotificationDetail:
        """One request and every delivery's status."""
        async with self.db.uow(read_only=True) as uow:
            head = (
                await uow.session.execute(select(r.community_id).where(r.request_id == request_id))
            ).first()
            if head is None:
                raise NotFound(
                    "notification.not_found", "No such notification request", zh="没有这个通知请求"
                )
            _in_scope(principal, head.community_id)
            return await _detail(uow, request_id)


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
            "None of the recipients is in your community",
            zh="收件人都不在你的社区",
        )
    return Recipients(user_ids=users, household_ids=households, roles_in_scope=roles)


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
    deliveries = [
        DeliveryRead.model_validate(x, from_attributes=True).model_copy(
            update={"last_error_message": explain(x.last_error)}
        )
        for x in rows
    ]
    base = NotificationRead.model_validate(head, from_attributes=True)
    return NotificationDetail(**base.model_dump(), deliveries=deliveries, summary=summary)
