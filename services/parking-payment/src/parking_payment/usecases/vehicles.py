"""Vehicles and passes (车辆与通行证), the watch list (布控), passage search (过车记录)
and finding a car (反向寻车).

Plates are personal data: stored encrypted with a blind index, found only by exact
plate. Passage search is a trace of where a car was: staff and police only, within their
community, every search audited with what was asked.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from parking_payment.db.models import DIRECTORY
from parking_payment.db.parking import (
    GateRow,
    LotRow,
    PassageRow,
    SessionRow,
    VehicleRow,
    VisitorPassRow,
    WatchRow,
)
from parking_payment.domain.gate import DEFAULT_BLOCKS, WatchReason
from parking_payment.domain.passes import (
    VisitorPolicy,
    day_start,
    monthly_coverage,
    permanent_coverage,
    visitor_coverage,
)
from parking_payment.domain.plates import PlateColor, parse_plate
from parking_payment.domain.sessions import PassKind
from parking_payment.usecases.ports import UowFactory, Who
from parking_payment.usecases.problems import not_found
from sc_core.auth.scope import ensure_in_scope
from sc_core.errors import Problem
from sc_core.places import Places
from sc_core.privacy import get_cipher

CN = ZoneInfo("Asia/Shanghai")
STAFF = ("property_staff", "property_manager", "community_admin")
TRACERS = ("property_manager", "community_admin", "police")
MAX_TRACE_DAYS = 93
DESK_HOURS = 24  # the gate desk shows the last day's passages, never a plate's history


def plate_index(plate: str) -> str:
    return get_cipher().blind_index(plate, "plate")


@dataclass(frozen=True, slots=True)
class FoundCar:
    session_id: uuid.UUID
    plate: str
    lot_name: str
    zone: str | None
    entered_at: datetime
    last_seen_at: datetime | None


class Vehicles:
    def __init__(
        self,
        uow: UowFactory,
        *,
        policy: VisitorPolicy | None = None,
        places: Places = DIRECTORY,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.uow = uow
        self.places = places
        self.policy = policy or VisitorPolicy()
        self.clock = clock

    async def register(
        self, who: Who, community_id: str, household_id: str, plate: str, color: str | None
    ) -> VehicleRow:
        """A resident registers a car of their household (a temporary car until the
        property grants a pass)."""
        async with self.uow() as uow:
            await self.places.ensure_household_in(
                uow, who.principal, community_id=community_id, household_id=household_id
            )
            parsed = parse_plate(plate, PlateColor(color) if color else None)
            index = plate_index(parsed.number)
            exists = (
                await uow.session.execute(
                    select(VehicleRow.id).where(
                        VehicleRow.community_id == community_id, VehicleRow.plate_index == index
                    )
                )
            ).scalar_one_or_none()
            if exists is not None:
                raise Problem(
                    409, "parking.vehicle_exists", "该车牌已登记（this plate is registered）"
                )
            row = VehicleRow(
                id=uuid.uuid4(),
                community_id=community_id,
                household_id=household_id,
                owner_account=who.subject,
                plate=parsed.number,
                plate_index=index,
                color=parsed.color.value,
                pass_kind=PassKind.temporary.value,
            )
            uow.session.add(row)
            await uow.audit(
                who, "vehicle.register", "vehicle", str(row.id), community_id=community_id
            )
            await uow.commit()
            return row

    async def grant_pass(
        self,
        who: Who,
        vehicle_id: uuid.UUID,
        kind: PassKind,
        valid_from: date,
        valid_until: date | None,
    ) -> VehicleRow:
        """The property grants a monthly or owner-permanent pass (or takes it back)."""
        async with self.uow() as uow:
            row = await uow.session.get(VehicleRow, vehicle_id, with_for_update=True)
            if row is None:
                raise not_found("parking.vehicle_not_found", "找不到该车辆", "no such vehicle")
            ensure_in_scope(who.principal, community_id=row.community_id, roles=STAFF)
            if kind is PassKind.monthly:
                cover = monthly_coverage(valid_from, valid_until or valid_from, CN)
            elif kind is PassKind.owner_permanent:
                cover = permanent_coverage(valid_from, CN)
            else:
                cover = None
            row.pass_kind = kind.value if cover else PassKind.temporary.value
            row.pass_valid_from = cover.start if cover else None
            row.pass_valid_until = cover.end if cover else None
            await uow.audit(
                who,
                "vehicle.pass",
                "vehicle",
                str(row.id),
                community_id=row.community_id,
                detail={"kind": row.pass_kind},
            )
            await uow.commit()
            return row

    async def grant_visitor(
        self,
        who: Who,
        community_id: str,
        household_id: str,
        plate: str,
        valid_from: datetime,
        valid_until: datetime,
    ) -> VisitorPassRow:
        now = self.clock()
        month_start = day_start(now.astimezone(CN).date().replace(day=1), CN)
        async with self.uow() as uow:
            await self.places.ensure_household_in(
                uow, who.principal, community_id=community_id, household_id=household_id
            )
            parsed = parse_plate(plate)
            granted = await uow.session.scalar(
                select(func.count()).where(
                    VisitorPassRow.household_id == household_id,
                    VisitorPassRow.created_at >= month_start,
                )
            )
            cover = visitor_coverage(self.policy, valid_from, valid_until, now, int(granted or 0))
            row = VisitorPassRow(
                id=uuid.uuid4(),
                community_id=community_id,
                household_id=household_id,
                granted_by=who.subject,
                plate=parsed.number,
                plate_index=plate_index(parsed.number),
                valid_from=cover.start,
                valid_until=cover.end,
                created_at=now,
            )
            uow.session.add(row)
            await uow.audit(
                who, "visitor_pass.grant", "visitor_pass", str(row.id), community_id=community_id
            )
            await uow.commit()
            return row

    async def watch(
        self, who: Who, community_id: str, plate: str, reason: WatchReason, note: str
    ) -> WatchRow:
        ensure_in_scope(who.principal, community_id=community_id, roles=STAFF)
        parsed = parse_plate(plate)
        async with self.uow() as uow:
            index = plate_index(parsed.number)
            existing = (
                await uow.session.execute(
                    select(WatchRow)
                    .where(
                        WatchRow.community_id == community_id,
                        WatchRow.plate_index == index,
                        WatchRow.active,
                    )
                    .with_for_update()
                )
            ).scalar_one_or_none()
            if existing is not None:
                existing.active = False
                await uow.session.flush()
            row = WatchRow(
                id=uuid.uuid4(),
                community_id=community_id,
                plate=parsed.number,
                plate_index=index,
                reason=reason.value,
                block=DEFAULT_BLOCKS[reason],
                note=note[:200],
                created_by=who.subject,
                active=True,
            )
            uow.session.add(row)
            await uow.audit(
                who,
                "watch.add",
                "watch",
                str(row.id),
                community_id=community_id,
                detail={"reason": reason.value},
            )
            await uow.commit()
            return row

    async def trace(
        self,
        who: Who,
        community_id: str,
        plate: str,
        start: datetime,
        end: datetime,
        purpose: str,
        *,
        limit: int = 100,
        offset: int = 0,
    ) -> tuple[list[PassageRow], int]:
        """Passages of one plate in a time window (过车记录查询): audited, with the purpose."""
        ensure_in_scope(who.principal, community_id=community_id, roles=TRACERS + STAFF)
        if not purpose.strip():
            raise Problem(
                422, "parking.purpose_required", "查询过车记录须说明用途（state the purpose）"
            )
        if end <= start or (end - start).days > MAX_TRACE_DAYS:
            raise Problem(
                422,
                "parking.bad_window",
                f"时间范围须在 {MAX_TRACE_DAYS} 天以内"
                f"（the window must be within {MAX_TRACE_DAYS} days）",
            )
        parsed = parse_plate(plate)
        async with self.uow() as uow:
            query = (
                select(PassageRow)
                .where(
                    PassageRow.community_id == community_id,
                    PassageRow.plate_index == plate_index(parsed.number),
                    PassageRow.at >= start,
                    PassageRow.at < end,
                )
                .order_by(PassageRow.at.desc())
            )
            total = await uow.session.scalar(select(func.count()).select_from(query.subquery()))
            rows = list((await uow.session.execute(query.limit(limit).offset(offset))).scalars())
            await uow.audit(
                who,
                "passage.trace",
                "vehicle",
                parsed.number[:2] + "***",
                community_id=community_id,
                detail={
                    "purpose": purpose[:100],
                    "from": start.isoformat(),
                    "to": end.isoformat(),
                    "results": str(total or 0),
                },
            )
            await uow.commit()
            return rows, int(total or 0)

    async def desk(
        self,
        who: Who,
        community_id: str,
        gate_id: uuid.UUID | None = None,
        *,
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[list[tuple[PassageRow, str]], int]:
        """The gate desk (岗亭): the community's passages of the last ``DESK_HOURS`` hours,
        newest first, each with its gate's name; one gate's when ``gate_id`` is given.

        What the booth sees anyway, to the community's parking staff only: no search by
        plate and nothing older than a day, so it is not audited per refresh; a plate's
        history stays the audited :meth:`trace`."""
        ensure_in_scope(who.principal, community_id=community_id, roles=STAFF)
        since = self.clock() - timedelta(hours=DESK_HOURS)
        async with self.uow() as uow:
            query = (
                select(PassageRow, GateRow.name)
                .join(GateRow, GateRow.id == PassageRow.gate_id)
                .where(PassageRow.community_id == community_id, PassageRow.at >= since)
                .order_by(PassageRow.at.desc(), PassageRow.seq.desc())
            )
            if gate_id is not None:
                query = query.where(PassageRow.gate_id == gate_id)
            total = await uow.session.scalar(select(func.count()).select_from(query.subquery()))
            rows = (await uow.session.execute(query.limit(limit).offset(offset))).tuples().all()
            return [(row, name) for row, name in rows], int(total or 0)

    async def gates_of(self, who: Who, community_id: str) -> list[tuple[GateRow, str]]:
        """The community's gates with their car park's name (the desk's gate filter)."""
        ensure_in_scope(who.principal, community_id=community_id, roles=STAFF)
        async with self.uow() as uow:
            rows = (
                await uow.session.execute(
                    select(GateRow, LotRow.name)
                    .join(LotRow, LotRow.id == GateRow.lot_id)
                    .where(GateRow.community_id == community_id)
                    .order_by(LotRow.name, GateRow.name)
                )
            ).tuples()
            return [(gate, lot) for gate, lot in rows]

    async def find_my_car(self, who: Who) -> list[FoundCar]:
        """Where the caller's cars are parked now: lot, zone last seen, entry time."""
        async with self.uow() as uow:
            indexes = (
                (
                    await uow.session.execute(
                        select(VehicleRow.plate_index).where(
                            VehicleRow.owner_account == who.subject
                        )
                    )
                )
                .scalars()
                .all()
            )
            if not indexes:
                return []
            rows = await uow.session.execute(
                select(SessionRow, LotRow.name)
                .join(LotRow, LotRow.id == SessionRow.lot_id)
                .where(SessionRow.plate_index.in_(indexes), SessionRow.status == "open")
                .order_by(SessionRow.entry_at.desc())
            )
            return [
                FoundCar(s.id, s.plate or "", name, s.last_zone, s.entry_at, s.last_seen_at)
                for s, name in rows.all()
            ]
