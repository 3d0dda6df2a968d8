"""Events and notification requests work-orders writes to its outbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sc_contracts.events.notification import (
    NotificationChannel,
    NotificationRequestedV1,
    NotificationSeverity,
    Recipients,
    RoleInScope,
)
from sc_contracts.events.workorder import (
    WorkOrderChangedV1,
    WorkOrderPriority,
    WorkOrderRatedV1,
    WorkOrderSlaBreachedV1,
    WorkOrderStatus,
)
from sc_core.bus.cloudevents import CloudEvent
from sc_core.db.uow import UnitOfWork
from work_orders.db.models import WorkOrder

SOURCE = "/services/work-orders"
CHANGED = "community.workorder.changed.v1"
RATED = "community.workorder.rated.v1"
SLA_BREACHED = "community.workorder.sla_breached.v1"
NOTIFICATION_REQUESTED = "community.notification.requested.v1"


class Topics:
    """Topic names, from settings (tests use their own)."""

    def __init__(self, workorder: str, notification: str) -> None:
        self.workorder = workorder
        self.notification = notification


async def publish_changed(
    uow: UnitOfWork,
    topics: Topics,
    wo: WorkOrder,
    *,
    action: str,
    previous: str | None,
    actor_id: str | None,
    at: datetime,
) -> None:
    data = WorkOrderChangedV1(
        work_order_id=str(wo.id),
        case_type=wo.case_type,
        action=action,
        status=WorkOrderStatus(wo.status),
        previous_status=WorkOrderStatus(previous) if previous else None,
        priority=WorkOrderPriority(wo.priority),
        community_id=wo.community_id,
        building_id=wo.building_id,
        unit_id=wo.unit_id,
        room_id=wo.room_id,
        source=wo.source,
        reporter_id=wo.reporter_id,
        assignee_id=wo.assignee_id,
        alarm_id=wo.alarm_id,
        external_ref=wo.external_ref,
        due_at=wo.resolution_due_at,
        actor_id=actor_id,
        occurred_at=at,
    )
    event = CloudEvent.create(CHANGED, SOURCE, data, subject=str(wo.id))
    await uow.publish(topics.workorder, event, key=str(wo.id))


async def publish_rated(
    uow: UnitOfWork, topics: Topics, wo: WorkOrder, *, rated_by: str, at: datetime
) -> None:
    assert wo.rating is not None
    seconds = None
    if wo.resolved_at is not None:
        seconds = max(0, int((wo.resolved_at - wo.created_at).total_seconds()))
    data = WorkOrderRatedV1(
        work_order_id=str(wo.id),
        case_type=wo.case_type,
        community_id=wo.community_id,
        rating=wo.rating,
        comment=wo.rating_comment,
        rated_by=rated_by,
        assignee_id=wo.assignee_id,
        resolution_seconds=seconds,
        rated_at=at,
    )
    event = CloudEvent.create(RATED, SOURCE, data, subject=str(wo.id))
    await uow.publish(topics.workorder, event, key=str(wo.id))


async def publish_breach(
    uow: UnitOfWork, topics: Topics, wo: WorkOrder, *, due_at: datetime, at: datetime
) -> None:
    data = WorkOrderSlaBreachedV1(
        work_order_id=str(wo.id),
        case_type=wo.case_type,
        priority=WorkOrderPriority(wo.priority),
        community_id=wo.community_id,
        status=WorkOrderStatus(wo.status),
        due_at=due_at,
        breached_at=at,
        escalated_to_role="property_manager",
    )
    event = CloudEvent.create(SLA_BREACHED, SOURCE, data, subject=str(wo.id))
    await uow.publish(topics.workorder, event, key=str(wo.id))


def staff_of(wo: WorkOrder, role: str = "property_staff") -> list[RoleInScope]:
    return [RoleInScope(role=role, scope_type="community", scope_id=wo.community_id)]


async def notify(
    uow: UnitOfWork,
    topics: Topics,
    wo: WorkOrder,
    *,
    request_id: str,
    template: str,
    user_ids: list[str] | None = None,
    roles: list[RoleInScope] | None = None,
    households: list[str] | None = None,
    severity: NotificationSeverity = NotificationSeverity.INFO,
    extra: dict[str, Any] | None = None,
) -> None:
    """A notification request with the workorder.* template variables (agreement 4)."""
    users = sorted({u for u in user_ids or [] if u})
    household_ids = sorted({h for h in households or [] if h})
    if not users and not roles and not household_ids:
        return
    variables = {
        "number": wo.number,
        "title": wo.title,
        "case_type": wo.case_type,
        "status": wo.status,
        **{k: str(v) for k, v in (extra or {}).items()},
    }
    data = NotificationRequestedV1(
        request_id=request_id,
        recipients=Recipients(
            user_ids=users, roles_in_scope=roles or [], household_ids=household_ids
        ),
        template=template,
        variables=variables,
        severity=severity,
        channels=[NotificationChannel.INAPP, NotificationChannel.PUSH],
        source_service="work-orders",
        community_id=wo.community_id,
        correlation_id=str(wo.id),
    )
    event = CloudEvent.create(NOTIFICATION_REQUESTED, SOURCE, data, subject=request_id)
    await uow.publish(topics.notification, event, key=request_id)
