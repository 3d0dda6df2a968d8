"""The events a case's steps publish, as contract models written to the outbox of the
step's unit of work (typed: ``uow.publish(model, key=...)``; type, source and topic come
from the model and the service)."""

from __future__ import annotations

from datetime import datetime

from sc_contracts.events import (
    NotificationChannel,
    NotificationRequestedV1,
    Recipients,
    WorkOrderChangedV1,
    WorkOrderPriority,
    WorkOrderRatedV1,
    WorkOrderSlaBreachedV1,
    WorkOrderStatus,
)
from sc_core.db.uow import UnitOfWork
from work_orders.db.models import WorkOrder
from work_orders.domain.notices import Notice, notice_variables


async def changed(
    uow: UnitOfWork,
    wo: WorkOrder,
    *,
    action: str,
    previous: str | None,
    actor_id: str | None,
    at: datetime,
    reply_text: str | None = None,
) -> None:
    """WorkOrderChangedV1: the case's full state after ``action``; a reply's text with it."""
    await uow.publish(
        WorkOrderChangedV1(
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
            reply_text=reply_text if action == "reply" else None,
            occurred_at=at,
        ),
        key=str(wo.id),
    )


async def rated(
    uow: UnitOfWork, wo: WorkOrder, *, rating: int, rated_by: str, at: datetime
) -> None:
    """WorkOrderRatedV1: what experience evaluation reads."""
    seconds = None
    if wo.resolved_at is not None:
        seconds = max(0, int((wo.resolved_at - wo.created_at).total_seconds()))
    await uow.publish(
        WorkOrderRatedV1(
            work_order_id=str(wo.id),
            case_type=wo.case_type,
            community_id=wo.community_id,
            building_id=wo.building_id,
            rating=rating,
            comment=wo.rating_comment,
            rated_by=rated_by,
            assignee_id=wo.assignee_id,
            resolution_seconds=seconds,
            rated_at=at,
        ),
        key=str(wo.id),
    )


async def breached(uow: UnitOfWork, wo: WorkOrder, *, due_at: datetime, at: datetime) -> None:
    """WorkOrderSlaBreachedV1: a deadline passed; the case goes to the property manager."""
    await uow.publish(
        WorkOrderSlaBreachedV1(
            work_order_id=str(wo.id),
            case_type=wo.case_type,
            priority=WorkOrderPriority(wo.priority),
            community_id=wo.community_id,
            status=WorkOrderStatus(wo.status),
            due_at=due_at,
            breached_at=at,
            escalated_to_role="property_manager",
        ),
        key=str(wo.id),
    )


async def notify(uow: UnitOfWork, wo: WorkOrder, notice: Notice, *, request_id: str) -> None:
    """A NotificationRequestedV1 with the workorder.* template variables (agreement 4);
    nothing when the notice names nobody."""
    if not notice.anyone:
        return
    variables = notice_variables(wo, notice)
    await uow.publish(
        NotificationRequestedV1(
            request_id=request_id,
            recipients=Recipients(
                user_ids=sorted({u for u in notice.user_ids if u}),
                roles_in_scope=notice.roles,
                household_ids=sorted({h for h in notice.households if h}),
            ),
            template=notice.template,
            variables=variables,
            severity=notice.severity,
            channels=[NotificationChannel.INAPP, NotificationChannel.PUSH],
            source_service="work-orders",
            community_id=wo.community_id,
            correlation_id=str(wo.id),
        ),
        key=request_id,
    )
