"""``GET /api/v1/alarm-stats``: counts for the operations overview (6.7.3), never lists.

Active alarms by severity and status, raised since a time, active per building, and the
special-population register's size by category with its emergencies since that time (only
for register readers; counts carry no personal data). Scoped like the alarm list.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel
from sqlalchemy import func, or_, select

from alarm.api.deps import ALARM_READERS, REGISTER_READERS, AlarmReader, grid_scope
from alarm.db.models import Alarm
from alarm.db.registers import SpecialPerson
from sc_core.api import UnitOfWorkDep
from sc_core.auth import scope_clause

router = APIRouter(prefix="/api/v1", tags=["alarm-stats"])
EMERGENCY_TYPES = ("emergency", "fall", "sos")


class Count(BaseModel):
    key: str
    count: int


class SpecialStats(BaseModel):
    registered: list[Count]  # by category
    emergencies_since: int  # emergency/fall/sos alarms raised in their rooms since `since`
    emergencies_unacknowledged: int


class AlarmStats(BaseModel):
    community_id: str
    since: datetime
    active_by_severity: list[Count]
    active_by_status: list[Count]
    active_by_building: list[Count]
    raised_since: int
    cleared_since: int
    special_persons: SpecialStats | None  # None: the caller does not read the register


@router.get("/alarm-stats", response_model=AlarmStats)
async def alarm_stats(
    who: AlarmReader,
    uow: UnitOfWorkDep,
    community_id: Annotated[str, Query(min_length=1, max_length=64)],
    since: datetime | None = None,
) -> AlarmStats:
    principal = who.principal
    since = since or datetime.now(UTC) - timedelta(days=1)
    t = Alarm.__table__.c
    scope = or_(
        scope_clause(
            principal,
            community_col=t.community_id,
            building_col=t.building_id,
            unit_col=t.unit_id,
            household_col=t.household_id,
            roles=ALARM_READERS,
        ),
        grid_scope(principal, t.building_id, ALARM_READERS),
    )
    mine = select(Alarm.__table__).where(scope, t.community_id == community_id).subquery()
    active = mine.c.cleared_at.is_(None)

    async def grouped(column: object, *where: object) -> list[Count]:
        query = select(column, func.count()).where(*where).group_by(column)  # type: ignore[call-overload]
        rows = (await uow.session.execute(query)).all()
        return [Count(key=str(k) if k is not None else "", count=n) for k, n in rows]

    raised, cleared = (
        await uow.session.execute(
            select(
                func.count().filter(mine.c.first_at >= since),
                func.count().filter(mine.c.cleared_at >= since),
            )
        )
    ).one()
    special = None
    if principal.has_role(*REGISTER_READERS) or principal.is_platform_admin:
        s = SpecialPerson.__table__.c
        people = (
            select(SpecialPerson.__table__)
            .where(
                or_(
                    scope_clause(
                        principal,
                        community_col=s.community_id,
                        building_col=s.building_id,
                        unit_col=s.unit_id,
                        household_col=s.household_id,
                        roles=REGISTER_READERS,
                    ),
                    grid_scope(principal, s.building_id, REGISTER_READERS),
                ),
                s.community_id == community_id,
            )
            .subquery()
        )
        registered = await grouped(people.c.category)
        rooms = select(people.c.room_id).where(people.c.room_id.is_not(None))
        calls = mine.c.alarm_type.in_(EMERGENCY_TYPES) & mine.c.room_id.in_(rooms)
        total, unack = (
            await uow.session.execute(
                select(
                    func.count().filter(calls & (mine.c.first_at >= since)),
                    func.count().filter(calls & active & (mine.c.acknowledged_at.is_(None))),
                )
            )
        ).one()
        special = SpecialStats(
            registered=registered, emergencies_since=total, emergencies_unacknowledged=unack
        )
    return AlarmStats(
        community_id=community_id,
        since=since,
        active_by_severity=await grouped(mine.c.severity, active),
        active_by_status=await grouped(mine.c.status, active),
        active_by_building=await grouped(mine.c.building_id, active),
        raised_since=raised,
        cleared_since=cleared,
        special_persons=special,
    )
