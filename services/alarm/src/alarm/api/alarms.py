"""``/api/v1/alarms``: list (scoped, filtered, paged), detail with the nearest cameras,
acknowledge, clear, assign, comment, and manual alarms from staff and residents."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from sqlalchemy import or_, select

from alarm.api.deps import (
    ALARM_READERS,
    STAFF,
    AlarmReader,
    SettingsDep,
    Staff,
    grid_for,
    grid_scope,
)
from alarm.api.schemas import (
    AlarmDetail,
    AlarmRead,
    AssignBody,
    CameraRead,
    ClearBody,
    CommentBody,
    ManualAlarm,
)
from alarm.db.models import DIRECTORY, Alarm, AlarmComment, AlarmHistory
from alarm.db.registers import KeyPlace
from alarm.domain import followers
from alarm.domain.geo import distance_m
from alarm.engine import alarms as lifecycle
from alarm.engine import manual
from alarm.engine.evaluator import after_cleared, tell_followers
from sc_core.api import AuditorDep, Page, Paging, UnitOfWorkDep, fetch_page
from sc_core.auth import Principal, in_scope, scope_clause
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Forbidden, Problem

router = APIRouter(prefix="/api/v1/alarms", tags=["alarms"])
NEAREST_CAMERAS = 5


def read(row: Any) -> AlarmRead:
    return AlarmRead.model_validate(row, from_attributes=True)


async def load(
    uow: UnitOfWork,
    principal: Principal,
    alarm_id: uuid.UUID,
    *,
    staff: bool = False,
    follower_acks: bool = False,
) -> Any:
    """The alarm if the caller may see it (404 otherwise: out of scope looks like absent):
    staff and households of its place, and whom its plan told (:mod:`alarm.domain.followers`);
    with ``staff``, 403 unless they are staff of its place (or, with ``follower_acks``, told
    by a plan that lets them acknowledge). A grant on the grid of the alarm's building
    counts (网格员)."""
    row = await lifecycle.get(uow, alarm_id)
    if row is None:
        raise Problem(404, "alarm.not_found", f"No alarm {alarm_id}")
    place = {
        "community_id": row.community_id,
        "grid_id": await grid_for(uow, principal, row.building_id, ALARM_READERS),
        "building_id": row.building_id,
        "unit_id": row.unit_id,
    }
    readable = in_scope(principal, household_id=row.household_id, roles=ALARM_READERS, **place)
    if not readable and not followers.is_notified(principal, row):
        raise Problem(404, "alarm.not_found", f"No alarm {alarm_id}")
    staff_here = not staff or in_scope(principal, roles=STAFF, **place)
    if not staff_here and not (follower_acks and followers.may_acknowledge(principal, row)):
        raise Forbidden("alarm.staff_only", "Only staff of this place may do this")
    return row


@router.get("", response_model=Page[AlarmRead])
async def list_alarms(
    principal: AlarmReader,
    uow: UnitOfWorkDep,
    paging: Paging,
    status: Annotated[list[str] | None, Query()] = None,
    severity: Annotated[list[str] | None, Query()] = None,
    alarm_type: str | None = None,
    community_id: str | None = None,
    building_id: str | None = None,
    room_id: str | None = None,
    active: bool | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Page[AlarmRead]:
    t = Alarm.__table__.c
    query = select(Alarm.__table__).where(
        or_(
            scope_clause(
                principal,
                community_col=t.community_id,
                building_col=t.building_id,
                unit_col=t.unit_id,
                household_col=t.household_id,
                roles=ALARM_READERS,
            ),
            grid_scope(principal, t.building_id, ALARM_READERS),
            followers.notified_clause(principal, t.notified_user_ids, t.notified_household_ids),
        )
    )
    filters = (
        (status, lambda v: t.status.in_(v)),
        (severity, lambda v: t.severity.in_(v)),
        (alarm_type, lambda v: t.alarm_type == v),
        (community_id, lambda v: t.community_id == v),
        (building_id, lambda v: t.building_id == v),
        (room_id, lambda v: t.room_id == v),
        (since, lambda v: t.last_at >= v),
        (until, lambda v: t.first_at < v),
    )
    for value, clause in filters:
        if value:
            query = query.where(clause(value))
    if active is not None:
        query = query.where(t.cleared_at.is_(None) if active else t.cleared_at.is_not(None))
    rows, total = await fetch_page(
        uow.session, query.order_by(t.first_at.desc(), t.id), paging, rows=True
    )
    return Page[AlarmRead].of([read(r) for r in rows], total, paging)


@router.get("/{alarm_id}", response_model=AlarmDetail)
async def get_alarm(alarm_id: uuid.UUID, principal: AlarmReader, uow: UnitOfWorkDep) -> AlarmDetail:
    row = await load(uow, principal, alarm_id)
    history = await uow.session.scalars(
        select(AlarmHistory).where(AlarmHistory.alarm_id == alarm_id).order_by(AlarmHistory.id)
    )
    comments = await uow.session.scalars(
        select(AlarmComment)
        .where(AlarmComment.alarm_id == alarm_id)
        .order_by(AlarmComment.created_at)
    )
    detail = AlarmDetail(
        **read(row).model_dump(),
        nearest_cameras=await nearest_cameras(uow, row),
        history=[
            {"at": h.at, "action": h.action, "actor_id": h.actor_id, "detail": h.detail}
            for h in history
        ],
        comments=[
            {"id": c.id, "author_id": c.author_id, "text": c.text, "at": c.created_at}
            for c in comments
        ],
    )
    return detail


async def nearest_cameras(uow: UnitOfWork, row: Any) -> list[CameraRead]:
    """An alarm at a key place (its device is in the place, or it is in the place's room
    or building): the place's cameras, nearest first."""
    places = (
        await uow.session.scalars(select(KeyPlace).where(KeyPlace.community_id == row.community_id))
    ).all()
    at = [
        p
        for p in places
        if row.originator_id in (p.device_ids or [])
        or (p.room_id is not None and p.room_id == row.room_id)
        or (p.room_id is None and p.building_id is not None and p.building_id == row.building_id)
    ]
    cameras = [
        CameraRead(
            device_id=str(c["device_id"]),
            lat=float(c["lat"]),
            lng=float(c["lng"]),
            distance_m=round(distance_m(p.lat, p.lng, float(c["lat"]), float(c["lng"])), 1),
            place_id=p.id,
            place_name=p.name,
        )
        for p in at
        for c in (p.cameras or [])
    ]
    cameras.sort(key=lambda c: c.distance_m)
    return cameras[:NEAREST_CAMERAS]


@router.post("", status_code=201, response_model=AlarmRead)
async def manual_alarm(
    body: ManualAlarm,
    principal: AlarmReader,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    settings: SettingsDep,
    request: Request,
) -> AlarmRead:
    """A person raises an alarm by hand: staff for a place in their scope, a resident for
    their own household, placed at its room (one active alarm per household or place and
    type)."""
    alarm = await manual.raise_manual(uow, auditor, settings, principal, body, request, STAFF)
    return read(await lifecycle.get(uow, alarm.id))


async def _write(
    uow: UnitOfWork,
    auditor: AuditorDep,
    principal: Principal,
    request: Request,
    row: Any,
    action: str,
) -> None:
    await auditor.within(
        uow,
        action=action,
        resource_type="alarm",
        resource_id=str(row.id),
        principal=principal,
        request=request,
        community_id=row.community_id,
    )
    await uow.commit()


@router.post("/{alarm_id}/ack", response_model=AlarmRead)
async def ack(
    alarm_id: uuid.UUID,
    principal: AlarmReader,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    settings: SettingsDep,
    request: Request,
) -> AlarmRead:
    """Staff of its place acknowledge; so do those its plan told, when the plan says."""
    await load(uow, principal, alarm_id, staff=True, follower_acks=True)
    done = await lifecycle.acknowledge(uow, alarm_id, principal.subject)
    if done is None:
        raise Problem(409, "alarm.already_acknowledged", "The alarm is already acknowledged")
    await tell_followers(uow, done, "acknowledged", settings)
    await _write(uow, auditor, principal, request, done, "alarm.acknowledge")
    return read(done)


@router.post("/{alarm_id}/clear", response_model=AlarmRead)
async def clear(
    alarm_id: uuid.UUID,
    principal: Staff,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    settings: SettingsDep,
    request: Request,
    body: ClearBody | None = None,
) -> AlarmRead:
    await load(uow, principal, alarm_id, staff=True)
    done = await lifecycle.clear_by_id(
        uow,
        alarm_id,
        principal.subject,
        "manual",
        false_alarm=body.false_alarm if body is not None else None,
    )
    if done is None:
        raise Problem(409, "alarm.already_cleared", "The alarm is already cleared")
    await after_cleared(uow, done, settings)
    await _write(uow, auditor, principal, request, done, "alarm.clear")
    return read(done)


@router.post("/{alarm_id}/assign", response_model=AlarmRead)
async def assign(
    alarm_id: uuid.UUID,
    body: AssignBody,
    principal: Staff,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    settings: SettingsDep,
    request: Request,
) -> AlarmRead:
    row = await load(uow, principal, alarm_id, staff=True)
    place = {"community_id": row.community_id, "building_id": row.building_id}
    if not await DIRECTORY.serves(uow, body.assignee_id, unit_id=row.unit_id, roles=STAFF, **place):
        # any string, a resident or staff of another place was taken (issue 30)
        raise Problem(
            422,
            "alarm.assignee_not_staff",
            "The assignee must be staff serving the alarm's place",
            zh="处理人必须是负责该告警所在位置的工作人员",
            assignee_id=body.assignee_id,
        )
    alarm = await uow.session.get_one(Alarm, alarm_id)  # load found it: it exists
    alarm.assignee_id = body.assignee_id
    await lifecycle.history(uow, alarm_id, "assigned", principal.subject, assignee=body.assignee_id)
    await uow.session.flush()
    await tell_followers(uow, alarm, "assigned", settings)
    await _write(uow, auditor, principal, request, row, "alarm.assign")
    return read(await lifecycle.get(uow, alarm_id))


@router.post("/{alarm_id}/comments", status_code=201)
async def comment(
    alarm_id: uuid.UUID,
    body: CommentBody,
    principal: AlarmReader,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    request: Request,
) -> dict[str, Any]:
    row = await load(uow, principal, alarm_id)
    note = AlarmComment(
        id=uuid.uuid4(), alarm_id=alarm_id, author_id=principal.subject, text=body.text
    )
    uow.session.add(note)
    await lifecycle.history(uow, alarm_id, "commented", principal.subject)
    await uow.session.flush()
    await _write(uow, auditor, principal, request, row, "alarm.comment")
    return {"id": str(note.id), "author_id": note.author_id, "text": note.text}
