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
from alarm.domain.access import STAFF
from alarm.domain.followers import households_of
from alarm.usecases.alarms import AlarmSearch
from sc_core.api import Page, Paging
from sc_core.auth import Caller

router = APIRouter(prefix="/api/v1/alarms", tags=["alarms"])


def read(row: Any, who: Caller) -> AlarmRead:
    """The alarm as ``who`` may read it: a household its plan told (a follower: the family,
    a neighbour) reads it without the household it happened in, which is not theirs (ADR
    0033: a resident's answers name no other household); staff and that household see it."""
    found = AlarmRead.model_validate(row, from_attributes=True)
    principal = who.principal
    if (
        found.household_id is not None
        and not principal.has_role(*STAFF)
        and found.household_id not in households_of(principal)
    ):
        return found.model_copy(update={"household_id": None})
    return found


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
    return Page[AlarmRead].of([read(r, who) for r in rows], total, paging)


@router.get("/{alarm_id}", response_model=AlarmDetail)
async def get_alarm(alarm_id: uuid.UUID, who: AlarmReader, alarms: AlarmsDep) -> AlarmDetail:
    found = await alarms.detail(who, alarm_id)
    return AlarmDetail(
        **read(found.row, who).model_dump(),
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
    return read(await alarms.raise_manual(who, body), who)


@router.post("/{alarm_id}/ack", response_model=AlarmRead)
async def ack(alarm_id: uuid.UUID, who: AlarmReader, alarms: AlarmsDep) -> AlarmRead:
    """Staff of its place acknowledge; so do those its plan told, when the plan says."""
    return read(await alarms.acknowledge(who, alarm_id), who)


@router.post("/{alarm_id}/clear", response_model=AlarmRead)
async def clear(
    alarm_id: uuid.UUID, who: Staff, alarms: AlarmsDep, body: ClearBody | None = None
) -> AlarmRead:
    return read(await alarms.clear(who, alarm_id, body), who)


@router.post("/{alarm_id}/assign", response_model=AlarmRead)
async def assign(alarm_id: uuid.UUID, body: AssignBody, who: Staff, alarms: AlarmsDep) -> AlarmRead:
    return read(await alarms.assign(who, alarm_id, body), who)


@router.post("/{alarm_id}/comments", status_code=201)
async def comment(
    alarm_id: uuid.UUID, body: CommentBody, who: AlarmReader, alarms: AlarmsDep
) -> dict[str, Any]:
    note = await alarms.comment(who, alarm_id, body)
    return {"id": str(note.id), "author_id": note.author_id, "text": note.text}
