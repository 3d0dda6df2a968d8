"""Alarms as people handle them: the list (scoped: staff of the place, its households,
whom its plan told), the detail with its history, comments and the nearest cameras, manual
alarms from staff and residents, acknowledge, clear, assign and comment. Each write is one
unit of work with its history, events, notification requests and audit record."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select

from alarm.api.schemas import (
    AssignBody,
    CameraRead,
    ClearBody,
    CommentBody,
    ManualAlarm,
    ManualAlarmCreate,
)
from alarm.config import Settings
from alarm.db.models import DIRECTORY, Alarm, AlarmComment, AlarmHistory
from alarm.db.registers import KeyPlace
from alarm.domain import followers
from alarm.domain.access import ALARM_READERS, HOUSEHOLD_ROLES, STAFF
from alarm.domain.geo import distance_m
from alarm.engine import alarms as lifecycle
from alarm.engine import manual
from alarm.engine.followups import after_cleared, tell_followers
from alarm.engine.writes import history
from alarm.usecases.scope import grid_for, grid_scope
from sc_core.api import PageParams, fetch_page
from sc_core.auth import Caller, Principal, in_scope, scope_clause
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Forbidden, Problem

NEAREST_CAMERAS = 5


@dataclass(frozen=True)
class AlarmSearch:
    status: Sequence[str] | None = None
    severity: Sequence[str] | None = None
    alarm_type: str | None = None
    community_id: str | None = None
    building_id: str | None = None
    room_id: str | None = None
    active: bool | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class AlarmView:
    """An alarm with its history, comments and the nearest cameras."""

    row: Any
    history: Sequence[AlarmHistory]
    comments: Sequence[AlarmComment]
    cameras: list[CameraRead]


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
        raise Problem(404, "alarm.not_found", "There is no such alarm", zh="找不到该告警")
    place = {
        "community_id": row.community_id,
        "grid_id": await grid_for(uow, principal, row.building_id, ALARM_READERS),
        "building_id": row.building_id,
        "unit_id": row.unit_id,
    }
    readable = in_scope(principal, household_id=row.household_id, roles=ALARM_READERS, **place)
    if not readable and not followers.is_notified(principal, row):
        raise Problem(404, "alarm.not_found", "There is no such alarm", zh="找不到该告警")
    staff_here = not staff or in_scope(principal, roles=STAFF, **place)
    if not staff_here and not (follower_acks and followers.may_acknowledge(principal, row)):
        raise Forbidden(
            "alarm.staff_only",
            "Only staff of this place may do this",
            zh="只有该处的工作人员可以操作",
        )
    return row


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


async def _audited(uow: UnitOfWork, who: Caller, row: Any, action: str) -> None:
    await uow.audit(who, action, "alarm", str(row.id), community_id=row.community_id)
    await uow.commit()


async def placed(uow: UnitOfWork, who: Caller, body: ManualAlarmCreate) -> ManualAlarm:
    """The alarm with the places the caller left out (issue 19 item 2): a household
    member's one household, the community of the household (the place directory), else
    the caller's one community (422 ``place.ambiguous`` / ``place.required`` naming
    ``community_id``). Scope is checked as before, on what this fills in."""
    values = body.model_dump()
    principal = who.principal
    if values["household_id"] is None and not principal.has_role(*STAFF):
        own = sorted(principal.scope_ids("household", HOUSEHOLD_ROLES))
        if len(own) == 1:
            values["household_id"] = own[0]
    if values["community_id"] is None:
        household = values["household_id"]
        home = await DIRECTORY.household(uow, household) if household else None
        if home is not None and home.status == "active":
            values["community_id"] = home.community_id
        else:
            values["community_id"] = await DIRECTORY.default_community(
                uow, principal, None, roles=STAFF | HOUSEHOLD_ROLES
            )
    return ManualAlarm.model_validate(values)


class Alarms:
    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings

    async def page(
        self, who: Caller, search: AlarmSearch, paging: PageParams
    ) -> tuple[list[Any], int]:
        t = Alarm.__table__.c
        principal = who.principal
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
            (search.status, lambda v: t.status.in_(v)),
            (search.severity, lambda v: t.severity.in_(v)),
            (search.alarm_type, lambda v: t.alarm_type == v),
            (search.community_id, lambda v: t.community_id == v),
            (search.building_id, lambda v: t.building_id == v),
            (search.room_id, lambda v: t.room_id == v),
            (search.since, lambda v: t.last_at >= v),
            (search.until, lambda v: t.first_at < v),
        )
        for value, clause in filters:
            if value:
                query = query.where(clause(value))
        if search.active is not None:
            active = search.active
            query = query.where(t.cleared_at.is_(None) if active else t.cleared_at.is_not(None))
        query = query.order_by(t.first_at.desc(), t.id)
        async with self.db.uow(read_only=True) as uow:
            rows, total = await fetch_page(uow.session, query, paging, rows=True)
            return list(rows), total

    async def detail(self, who: Caller, alarm_id: uuid.UUID) -> AlarmView:
        async with self.db.uow(read_only=True) as uow:
            row = await load(uow, who.principal, alarm_id)
            steps = await uow.session.scalars(
                select(AlarmHistory)
                .where(AlarmHistory.alarm_id == alarm_id)
                .order_by(AlarmHistory.id)
            )
            comments = await uow.session.scalars(
                select(AlarmComment)
                .where(AlarmComment.alarm_id == alarm_id)
                .order_by(AlarmComment.created_at)
            )
            return AlarmView(row, steps.all(), comments.all(), await nearest_cameras(uow, row))

    async def raise_manual(self, who: Caller, body: ManualAlarmCreate) -> Any:
        """A person raises an alarm by hand: staff for a place in their scope, a resident
        for their own household, placed at its room (one active alarm per household or
        place and type). The places the caller left out are filled first (:func:`placed`)."""
        async with self.db.uow() as uow:
            filled = await placed(uow, who, body)
            alarm, community_id = await manual.raise_manual(
                uow, self.settings, who.principal, filled, STAFF
            )
            await uow.audit(
                who, "alarm.raise_manual", "alarm", str(alarm.id), community_id=community_id
            )
            await uow.commit()
        async with self.db.uow(read_only=True) as uow:
            return await lifecycle.get(uow, alarm.id)

    async def acknowledge(self, who: Caller, alarm_id: uuid.UUID) -> Any:
        """Staff of its place acknowledge; so do those its plan told, when the plan says."""
        async with self.db.uow() as uow:
            await load(uow, who.principal, alarm_id, staff=True, follower_acks=True)
            done = await lifecycle.acknowledge(uow, alarm_id, who.subject)
            if done is None:
                raise Problem(
                    409,
                    "alarm.already_acknowledged",
                    "The alarm is already acknowledged",
                    zh="该告警已确认",
                )
            await tell_followers(uow, done, "acknowledged", self.settings)
            await _audited(uow, who, done, "alarm.acknowledge")
            return done

    async def clear(self, who: Caller, alarm_id: uuid.UUID, body: ClearBody | None) -> Any:
        async with self.db.uow() as uow:
            await load(uow, who.principal, alarm_id, staff=True)
            done = await lifecycle.clear_by_id(
                uow,
                alarm_id,
                who.subject,
                "manual",
                false_alarm=body.false_alarm if body is not None else None,
            )
            if done is None:
                raise Problem(
                    409, "alarm.already_cleared", "The alarm is already cleared", zh="该告警已解除"
                )
            await after_cleared(uow, done, self.settings)
            await _audited(uow, who, done, "alarm.clear")
            return done

    async def assign(self, who: Caller, alarm_id: uuid.UUID, body: AssignBody) -> Any:
        async with self.db.uow() as uow:
            row = await load(uow, who.principal, alarm_id, staff=True)
            place = {"community_id": row.community_id, "building_id": row.building_id}
            if not await DIRECTORY.serves(
                uow, body.assignee_id, unit_id=row.unit_id, roles=STAFF, **place
            ):
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
            await history(uow, alarm_id, "assigned", who.subject, assignee=body.assignee_id)
            await uow.session.flush()
            await tell_followers(uow, alarm, "assigned", self.settings)
            await _audited(uow, who, row, "alarm.assign")
        async with self.db.uow(read_only=True) as uow:
            return await lifecycle.get(uow, alarm_id)

    async def comment(self, who: Caller, alarm_id: uuid.UUID, body: CommentBody) -> AlarmComment:
        async with self.db.uow() as uow:
            row = await load(uow, who.principal, alarm_id)
            note = AlarmComment(
                id=uuid.uuid4(), alarm_id=alarm_id, author_id=who.subject, text=body.text
            )
            uow.session.add(note)
            await history(uow, alarm_id, "commented", who.subject)
            await uow.session.flush()
            await _audited(uow, who, row, "alarm.comment")
            return note
