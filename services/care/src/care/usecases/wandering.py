"""Wandering (走失预警): a person's safe zone, and their wearable's positions against it;
leaving tells the family (per consent) and the building's grid workers, once per
excursion; coming back tells the family."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from care.db.models import DeviceBinding, SafeZoneRow
from care.domain import consent as c
from care.domain import wandering as wd
from care.domain.geo import Area, Circle, PolygonArea
from care.domain.notices import wandering_notice
from care.usecases.common import load, not_found, now_utc, send
from sc_contracts.events import TelemetryRecordedV1, WanderingDetectedV1
from sc_contracts.events.care import WanderingMove
from sc_core.auth import Caller, in_scope
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Problem
from sc_core.places import Places


def area_of(geometry: dict[str, Any]) -> Area:
    if geometry.get("type") == "circle":
        return Circle(float(geometry["lat"]), float(geometry["lng"]), float(geometry["radius_m"]))
    return PolygonArea(tuple((float(a), float(b)) for a, b in geometry["points"]))


class Wandering:
    def __init__(self, db: Database, places: Places) -> None:
        self.db = db
        self.places = places

    async def set_zone(
        self, who: Caller, person_id: str, name: str, geometry: dict[str, Any]
    ) -> SafeZoneRow:
        """The person, a guardian, or staff of the community (doctor, caregiver, grid worker)."""
        async with self.db.uow() as uow:
            record = await load(uow, person_id)
            if record is None:
                raise not_found()
            r = record.row
            own = who.subject in (r.user_id, *r.guardians)
            grid = await self.places.grid_of(uow, r.building_id)
            staff = in_scope(
                who.principal,
                community_id=r.community_id,
                grid_id=grid,
                roles=("doctor", "caregiver", "grid_worker", "community_admin"),
            )
            if not (own or staff):
                raise not_found()
            try:
                area_of(geometry)
            except (KeyError, TypeError, ValueError) as exc:
                raise Problem(
                    422,
                    "care.zone_invalid",
                    f"The safe zone is not valid: {exc}",
                    zh=f"安全区域无效：{exc}",
                ) from None
            row = await uow.session.get(SafeZoneRow, person_id)
            if row is None:
                row = SafeZoneRow(
                    person_id=person_id,
                    name=name,
                    geometry=json.dumps(geometry),
                    set_by=who.subject,
                )
                uow.session.add(row)
            else:
                row.name, row.geometry, row.set_by = name, json.dumps(geometry), who.subject
                row.outside = row.last_at = row.since = row.distance_m = None
            await uow.audit(
                who, "care.zone.set", "care_person", person_id, community_id=r.community_id
            )
            await uow.commit()
            return row

    async def on_telemetry(self, events: Sequence[TelemetryRecordedV1], uow: UnitOfWork) -> None:
        fixes = [
            e
            for e in events
            if isinstance(e.values.get("latitude"), float | int)
            and isinstance(e.values.get("longitude"), float | int)
        ]
        if not fixes:
            return
        bound = dict(
            (
                await uow.session.execute(
                    select(DeviceBinding.device_id, DeviceBinding.person_id).where(
                        DeviceBinding.device_id.in_({e.device_id for e in fixes})
                    )
                )
            ).all()
        )
        for e in sorted(fixes, key=lambda e: e.ts):
            person_id = bound.get(e.device_id)
            zone = (
                await uow.session.get(SafeZoneRow, person_id, with_for_update=True)
                if person_id
                else None
            )
            if zone is None:
                continue
            acc = e.values.get("positionAccuracy")
            fix = wd.Fix(
                float(e.values["latitude"]),
                float(e.values["longitude"]),
                e.ts,
                float(acc) if isinstance(acc, int | float) and not isinstance(acc, bool) else None,
            )
            z = wd.SafeZone(
                zone.person_id,
                zone.name,
                area_of(json.loads(zone.geometry)),
                zone.exit_margin_m,
                zone.return_margin_m,
            )
            state = (
                wd.FenceState(
                    zone.outside, zone.last_at, zone.since or zone.last_at, zone.distance_m or 0.0
                )
                if zone.outside is not None and zone.last_at is not None
                else None
            )
            new, move = wd.step(state, z, fix)
            if new is None:
                continue
            zone.outside, zone.last_at, zone.since, zone.distance_m = (
                new.outside,
                new.last_at,
                new.since,
                new.distance_m,
            )
            if move is wd.Move.NONE:
                continue
            if move is wd.Move.LEFT:
                zone.excursion_id = uuid.uuid4().hex[:16]
            await self._tell(uow, zone, move, new, e)

    async def _tell(
        self,
        uow: UnitOfWork,
        zone: SafeZoneRow,
        move: wd.Move,
        state: wd.FenceState,
        e: TelemetryRecordedV1,
    ) -> None:
        record = await load(uow, zone.person_id)
        if record is None:
            return
        family = c.alert_recipients(
            record.subject, record.grants, c.Category.WHEREABOUTS, now_utc()
        )
        grid = await self.places.grid_of(uow, record.row.building_id)
        left = move is wd.Move.LEFT
        notice = wandering_notice(
            record.row.name,
            zone.name,
            left,
            state.last_at,
            state.distance_m,
            family,
            grid,
            zone.excursion_id or "x",
        )
        if notice is not None:
            await send(uow, notice, record.row.community_id, zone.excursion_id)
        await uow.publish(
            WanderingDetectedV1(
                person_id=zone.person_id,
                community_id=record.row.community_id,
                zone_id=zone.person_id,
                move=WanderingMove(move.value),
                at=state.last_at,
                distance_m=round(state.distance_m, 1),
            ),
            key=zone.person_id,
        )
