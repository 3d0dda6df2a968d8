"""Use cases on work orders: open a case, take a step, keep the timeline. Every step is
written with its WorkOrderChangedV1 and notification requests in one transaction."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from sc_contracts.events.notification import NotificationSeverity
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Conflict, Problem
from work_orders import events
from work_orders.db.models import Attachment, CaseType, TimelineEntry, WorkOrder
from work_orders.domain import states
from work_orders.events import Topics

# template per action: who hears about it is decided in _notify
TEMPLATES = {
    "created": "workorder.created",
    "accept": "workorder.accepted",
    "assign": "workorder.assigned",
    "reply": "workorder.replied",
    "resolve": "workorder.resolved",
    "close": "workorder.closed",
    "reject": "workorder.rejected",
    "reopen": "workorder.reopened",
}


@dataclass
class NewCase:
    case_type: str
    title: str
    community_id: str
    source: str
    description: str = ""
    priority: str | None = None
    grid_id: str | None = None
    building_id: str | None = None
    unit_id: str | None = None
    room_id: str | None = None
    household_id: str | None = None
    place: str | None = None
    longitude: float | None = None
    latitude: float | None = None
    reporter_id: str | None = None
    alarm_id: str | None = None
    external_ref: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    attachment_ids: list[uuid.UUID] = field(default_factory=list)


@dataclass
class StepInput:
    text: str | None = None
    attachment_ids: list[uuid.UUID] = field(default_factory=list)
    longitude: float | None = None
    latitude: float | None = None
    assignee_id: str | None = None
    rating: int | None = None
    data: dict[str, Any] = field(default_factory=dict)


def now_utc() -> datetime:
    return datetime.now(UTC)


def due_times(
    ct: CaseType, priority: str, start: datetime
) -> tuple[datetime | None, datetime | None]:
    minutes = (ct.sla or {}).get(priority) or {}
    response = minutes.get("response")
    resolution = minutes.get("resolution")
    return (
        start + timedelta(minutes=response) if response is not None else None,
        start + timedelta(minutes=resolution) if resolution is not None else None,
    )


async def case_type(uow: UnitOfWork, code: str) -> CaseType:
    ct = await uow.session.get(CaseType, code)
    if ct is None or not ct.active:
        raise Problem(422, "workorder.unknown_type", f"There is no active case type {code!r}")
    return ct


async def _link_attachments(
    uow: UnitOfWork, wo: WorkOrder, ids: list[uuid.UUID], by: str | None
) -> list[str]:
    if not ids:
        return []
    rows = (await uow.session.scalars(select(Attachment).where(Attachment.id.in_(ids)))).all()
    found = {a.id: a for a in rows}
    for attachment_id in ids:
        a = found.get(attachment_id)
        if a is None or a.uploaded_by != by or a.work_order_id not in (None, wo.id):
            raise Problem(
                422,
                "attachment.not_usable",
                f"Attachment {attachment_id} is not one you uploaded for this case",
            )
        a.work_order_id = wo.id
        a.community_id = wo.community_id
    return [str(i) for i in ids]


async def add_timeline(
    uow: UnitOfWork,
    wo: WorkOrder,
    *,
    action: str,
    previous: str | None,
    actor_id: str | None,
    actor_kind: str,
    step: StepInput | None = None,
    attachment_ids: list[str] | None = None,
    at: datetime,
) -> TimelineEntry:
    seq = await uow.session.scalar(
        select(func.coalesce(func.max(TimelineEntry.seq), 0)).where(
            TimelineEntry.work_order_id == wo.id
        )
    )
    entry = TimelineEntry(
        work_order_id=wo.id,
        seq=int(seq or 0) + 1,
        action=action,
        from_status=previous,
        to_status=wo.status,
        actor_id=actor_id,
        actor_kind=actor_kind,
        text=step.text if step else None,
        attachment_ids=attachment_ids or [],
        longitude=step.longitude if step else None,
        latitude=step.latitude if step else None,
        data=dict(step.data) if step else {},
        created_at=at,
    )
    uow.session.add(entry)
    await uow.session.flush()
    return entry


async def open_case(
    uow: UnitOfWork, topics: Topics, new: NewCase, *, actor_id: str | None
) -> WorkOrder:
    ct = await case_type(uow, new.case_type)
    if ct.needs_external_ref and not new.external_ref:
        raise Problem(
            422,
            "workorder.external_ref_required",
            f"A {ct.code} needs external_ref (e.g. the 12345 ticket number)",
        )
    priority = new.priority or ct.default_priority
    at = now_utc()
    response_due, resolution_due = due_times(ct, priority, at)
    wo = WorkOrder(
        id=uuid.uuid4(),
        case_type=ct.code,
        title=new.title,
        description=new.description,
        status=states.SUBMITTED,
        priority=priority,
        source=new.source,
        community_id=new.community_id,
        grid_id=new.grid_id,
        building_id=new.building_id,
        unit_id=new.unit_id,
        room_id=new.room_id,
        household_id=new.household_id,
        place=new.place,
        longitude=new.longitude,
        latitude=new.latitude,
        reporter_id=new.reporter_id,
        alarm_id=new.alarm_id,
        external_ref=new.external_ref,
        details=new.details,
        response_due_at=response_due,
        resolution_due_at=resolution_due,
        sla_check_at=at,
        escalated=False,
        version=1,
        created_at=at,
        updated_at=at,
    )
    uow.session.add(wo)
    await uow.session.flush()
    linked = await _link_attachments(uow, wo, new.attachment_ids, new.reporter_id)
    entry = await add_timeline(
        uow,
        wo,
        action="created",
        previous=None,
        actor_id=actor_id,
        actor_kind="system" if actor_id is None else "reporter",
        step=StepInput(
            text=new.description or None, longitude=new.longitude, latitude=new.latitude
        ),
        attachment_ids=linked,
        at=at,
    )
    await events.publish_changed(
        uow, topics, wo, action="created", previous=None, actor_id=actor_id, at=at
    )
    await _notify(uow, topics, wo, "created", entry.seq)
    return wo


async def lock(uow: UnitOfWork, work_order_id: uuid.UUID) -> WorkOrder | None:
    return await uow.session.scalar(
        select(WorkOrder).where(WorkOrder.id == work_order_id).with_for_update()
    )


async def take_step(
    uow: UnitOfWork,
    topics: Topics,
    wo: WorkOrder,
    action: str,
    *,
    actor: states.Actor | None,
    actor_id: str | None,
    step: StepInput,
    expected_version: int | None = None,
) -> WorkOrder:
    """Apply ``action`` to a case locked by :func:`lock`; raises Problems a client sees."""
    if expected_version is not None and expected_version != wo.version:
        raise Problem(
            412,
            "workorder.version_mismatch",
            f"The case changed (version {wo.version}, you sent {expected_version}); reload it",
            current_version=wo.version,
        )
    previous = wo.status
    try:
        target = states.next_status(action, previous, actor)
    except states.NotAllowed as exc:
        raise Problem(403, "workorder.action_forbidden", str(exc), action=action) from exc
    except states.InvalidTransition as exc:
        raise Conflict(
            "workorder.invalid_transition", str(exc), action=action, current_status=previous
        ) from exc
    at = now_utc()
    await _apply(uow, wo, action, target, actor_id, step, at)
    linked = await _link_attachments(uow, wo, step.attachment_ids, actor_id)
    wo.status = target
    wo.version += 1
    wo.updated_at = at
    wo.sla_check_at = at if target in states.OPEN else None  # the sweeper re-plans
    entry = await add_timeline(
        uow,
        wo,
        action=action,
        previous=previous,
        actor_id=actor_id,
        actor_kind=actor or "system",
        step=step,
        attachment_ids=linked,
        at=at,
    )
    await events.publish_changed(
        uow, topics, wo, action=action, previous=previous, actor_id=actor_id, at=at
    )
    if action == "rate" and actor_id is not None:
        await events.publish_rated(uow, topics, wo, rated_by=actor_id, at=at)
    await _notify(uow, topics, wo, action, entry.seq)
    return wo


async def _apply(
    uow: UnitOfWork,
    wo: WorkOrder,
    action: str,
    target: str,
    actor_id: str | None,
    step: StepInput,
    at: datetime,
) -> None:
    """What each step changes besides the status."""
    if action == "accept":
        wo.accepted_at = at
        if category := step.data.get("category"):  # mediation: classify on acceptance
            wo.details = {**wo.details, "category": category}
    elif action == "assign":
        if not step.assignee_id:
            raise Problem(409, "workorder.no_assignee", "Nobody with the skill is available here")
        wo.assignee_id = step.assignee_id
    elif action == "resolve":
        wo.resolved_at = at
    elif action == "close":
        wo.closed_at = at
    elif action == "reopen":
        ct = await uow.session.get(CaseType, wo.case_type)
        assert ct is not None
        wo.response_due_at, wo.resolution_due_at = due_times(ct, wo.priority, at)
        wo.resolved_at = None
        wo.closed_at = None
        wo.escalated = False
    elif action == "rate":
        if wo.rating is not None:
            raise Conflict("workorder.already_rated", "This case has been rated already")
        # the reporter rates; a case nobody reported (opened by an alarm in a flat) is
        # rated by its household, whose members passed the reporter-side check already
        if wo.reporter_id is not None and wo.reporter_id != actor_id:
            raise Problem(403, "workorder.action_forbidden", "Only the reporter rates a case")
        if step.rating is None or not 1 <= step.rating <= 5:
            raise Problem(422, "workorder.rating_invalid", "rating must be 1 to 5")
        wo.rating = step.rating
        wo.rating_comment = step.text
        wo.rated_at = at


async def _notify(uow: UnitOfWork, topics: Topics, wo: WorkOrder, action: str, seq: int) -> None:
    template = TEMPLATES.get(action)
    if template is None:
        return
    request_id = f"wo:{wo.id}:{action}:{seq}"
    reporter = [wo.reporter_id] if wo.reporter_id else []
    if action == "created":
        await events.notify(
            uow, topics, wo, request_id=request_id, template=template, roles=events.staff_of(wo)
        )
    elif action == "assign":
        await events.notify(
            uow,
            topics,
            wo,
            request_id=request_id,
            template=template,
            user_ids=[*reporter, wo.assignee_id or ""],
        )
    elif action == "reopen":
        await events.notify(
            uow,
            topics,
            wo,
            request_id=request_id,
            template=template,
            user_ids=[wo.assignee_id or ""],
            roles=None if wo.assignee_id else events.staff_of(wo),
            severity=NotificationSeverity.WARNING,
        )
    else:  # the resident side (the reporter and their household); closing tells the assignee
        closer = [wo.assignee_id or ""] if action == "close" else []
        await events.notify(
            uow,
            topics,
            wo,
            request_id=request_id,
            template=template,
            user_ids=[*reporter, *closer],
            households=[wo.household_id] if wo.household_id else None,
        )


async def mark_alarm_cleared(
    uow: UnitOfWork, topics: Topics, alarm_id: str, cleared_at: datetime, actor_id: str | None
) -> bool:
    wo = await uow.session.scalar(
        select(WorkOrder).where(WorkOrder.alarm_id == alarm_id).with_for_update()
    )
    if wo is None or wo.alarm_cleared_at is not None:
        return False
    wo.alarm_cleared_at = cleared_at
    wo.version += 1
    wo.updated_at = now_utc()
    await add_timeline(
        uow,
        wo,
        action="alarm_cleared",
        previous=wo.status,
        actor_id=actor_id,
        actor_kind="system",
        step=StepInput(text="alarm cleared"),
        at=wo.updated_at,
    )
    await events.publish_changed(
        uow,
        topics,
        wo,
        action="alarm_cleared",
        previous=wo.status,
        actor_id=actor_id,
        at=wo.updated_at,
    )
    return True
