"""The operations overview's counts (6.7.3), never lists: active alarms by severity, status
and building, raised and cleared since a time, and, for register readers, the
special-population register's size by category with its emergencies (counts carry no
personal data). Scoped like the alarm list."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select

from alarm.api.schemas import AlarmStats, BuildingCount, Count, SpecialStats
from alarm.db.models import DIRECTORY, Alarm
from alarm.db.registers import SpecialPerson
from alarm.domain.access import ALARM_READERS, REGISTER_READERS
from alarm.usecases.scope import grid_scope
from sc_core.auth import Caller, scope_clause
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork

EMERGENCY_TYPES = ("emergency", "fall", "sos")


class Stats:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def overview(
        self, who: Caller, community_id: str | None, since: datetime | None = None
    ) -> AlarmStats:
        """The counts of ``community_id``, or of the one community the caller reads alarms
        of (issue 19: 422 ``place.ambiguous`` naming the field when several)."""
        async with self.db.uow(read_only=True) as uow:
            if community_id is None:
                community_id = await DIRECTORY.default_community(
                    uow, who.principal, None, roles=ALARM_READERS
                )
            return await self._overview(uow, who, community_id, since)

    async def _overview(
        self, uow: UnitOfWork, who: Caller, community_id: str, since: datetime | None
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
            by_building = await self._by_building(uow, people)
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
                registered=registered,
                registered_by_building=by_building,
                emergencies_since=total,
                emergencies_unacknowledged=unack,
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

    @staticmethod
    async def _by_building(uow: UnitOfWork, people: Any) -> list[BuildingCount]:
        """The register in the caller's scope by building and category, counts only."""
        c = people.c
        query = (
            select(c.building_id, c.category, func.count())
            .where(c.building_id.is_not(None))
            .group_by(c.building_id, c.category)
            .order_by(c.building_id, c.category)
        )
        rows = (await uow.session.execute(query)).all()
        return [BuildingCount(building_id=str(b), category=str(k), count=n) for b, k, n in rows]
