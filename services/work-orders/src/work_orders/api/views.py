"""Rows to response models."""

from __future__ import annotations

from datetime import datetime

from work_orders.api.schemas import TimelineRead, WorkOrderRead
from work_orders.db.models import TimelineEntry, WorkOrder
from work_orders.domain import states


def is_overdue(wo: WorkOrder, now: datetime) -> bool:
    if wo.status in states.AWAITING_RESPONSE and wo.response_due_at and wo.response_due_at < now:
        return True
    return bool(wo.status in states.OPEN and wo.resolution_due_at and wo.resolution_due_at < now)


def read(wo: WorkOrder, now: datetime) -> WorkOrderRead:
    return WorkOrderRead(
        id=wo.id,
        number=wo.number,
        case_type=wo.case_type,
        title=wo.title,
        description=wo.description,
        status=wo.status,
        priority=wo.priority,
        source=wo.source,
        community_id=wo.community_id,
        grid_id=wo.grid_id,
        building_id=wo.building_id,
        unit_id=wo.unit_id,
        room_id=wo.room_id,
        household_id=wo.household_id,
        place=wo.place,
        longitude=wo.longitude,
        latitude=wo.latitude,
        reporter_id=wo.reporter_id,
        assignee_id=wo.assignee_id,
        alarm_id=wo.alarm_id,
        alarm_cleared_at=wo.alarm_cleared_at,
        external_ref=wo.external_ref,
        details=wo.details or {},
        response_due_at=wo.response_due_at,
        resolution_due_at=wo.resolution_due_at,
        overdue=is_overdue(wo, now),
        escalated=wo.escalated,
        accepted_at=wo.accepted_at,
        resolved_at=wo.resolved_at,
        closed_at=wo.closed_at,
        rating=wo.rating,
        rating_comment=wo.rating_comment,
        version=wo.version,
        created_at=wo.created_at,
        updated_at=wo.updated_at,
    )


def timeline(entry: TimelineEntry) -> TimelineRead:
    return TimelineRead(
        seq=entry.seq,
        action=entry.action,
        from_status=entry.from_status,
        to_status=entry.to_status,
        actor_id=entry.actor_id,
        actor_kind=entry.actor_kind,
        text=entry.text,
        attachment_ids=entry.attachment_ids or [],
        longitude=entry.longitude,
        latitude=entry.latitude,
        data=entry.data or {},
        created_at=entry.created_at,
    )
