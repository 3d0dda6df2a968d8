"""``/api/v1/alarms``: list (scoped, filtered, paged), detail with the nearest cameras,
acknowledge, clear, assign, comment, and manual alarms from staff and residents."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query

from alarm.api.deps import AlarmReader, AlarmsDep, Staff
from alarm.api.filters import IdFilter, InstantFilter
from alarm.api.schemas import (
    AlarmDetail,
    AlarmRead,
    AlarmStatus,
    AssignBody,
    ClearBody,
    CommentBody,
    ManualAlarmCreate,
    Severity,
)
from alarm.usecases.alarms import AlarmSearch
from sc_core.api import Page, Paging

router = APIRouter(prefix="/api/v1/alarms", tags=["alarms"])


def read(row: Any) -> AlarmRead:
    return AlarmRead.model_validate(row, from_attributes=True)


@router.get("", response_model=Page[AlarmRead])
async def list_alarms(
    who: AlarmReader,
    alarms: AlarmsDep,
    paging: Paging,
    status: Annotated[list[AlarmStatus] | None, Query(max_length=4)] = None,
    severity: Annotated[list[Severity] | None, Query(max_length=5)] = None,
    alarm_type: IdFilter = None,
    community_id: IdFilter = None,
    building_id: IdFilter = None,
    room_id: IdFilter = None,
    active: bool | None = None,
    since: InstantFilter = None,
    until: InstantFilter = None,
) -> Page[AlarmRead]:
    search = AlarmSearch(
        status, severity, alarm_type, community_id, building_id, room_id, active, since, until
    )
    rows, total = await alarms.page(who, search, paging)
    return Page[AlarmRead].of([read(r) for r in rows], total, paging)


@router.get("/{alarm_id}", response_model=AlarmDetail)
async def get_alarm(alarm_id: uuid.UUID, who: AlarmReader, alarms: AlarmsDep) -> AlarmDetail:
    found = await alarms.detail(who, alarm_id)
    return AlarmDetail(
        **read(found.row).model_dump(),
        nearest_cameras=found.cameras,
        history=[
            {"at": h.at, "action": h.action, "actor_id": h.actor_id, "detail": h.detail}
            for h in found.history
        ],
        comments=[
            {"id": c.id, "author_id": c.author_id, "text": c.text, "at": c.created_at}
            for c in found.comments
        ],
    )


@router.post("", status_code=201, response_model=AlarmRead)
async def manual_alarm(body: ManualAlarmCreate, who: AlarmReader, alarms: AlarmsDep) -> AlarmRead:
    """A person raises an alarm by hand: staff for a place in their scope, a resident for
    their own household, placed at its room (one active alarm per household or place and
    type). The community, and a resident's one household, may be left out."""
    return read(await alarms.raise_manual(who, body))


@router.post("/{alarm_id}/ack", response_model=AlarmRead)
async def ack(alarm_id: uuid.UUID, who: AlarmReader, alarms: AlarmsDep) -> AlarmRead:
    """Staff of its place acknowledge; so do those its plan told, when the plan says."""
    return read(await alarms.acknowledge(who, alarm_id))


@router.post("/{alarm_id}/clear", response_model=AlarmRead)
async def clear(
    alarm_id: uuid.UUID, who: Staff, alarms: AlarmsDep, body: ClearBody | None = None
) -> AlarmRead:
    return read(await alarms.clear(who, alarm_id, body))


@router.post("/{alarm_id}/assign", response_model=AlarmRead)
async def assign(alarm_id: uuid.UUID, body: AssignBody, who: Staff, alarms: AlarmsDep) -> AlarmRead:
    return read(await alarms.assign(who, alarm_id, body))


@router.post("/{alarm_id}/comments", status_code=201)
async def comment(
    alarm_id: uuid.UUID, body: CommentBody, who: AlarmReader, alarms: AlarmsDep
) -> dict[str, Any]:
    note = await alarms.comment(who, alarm_id, body)
    return {"id": str(note.id), "author_id": note.author_id, "text": note.text}
