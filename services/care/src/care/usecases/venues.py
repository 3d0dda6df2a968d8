"""Activity venues with live status (活动场所, issue 32 item 6): the community's staff keep
venues (name, place, opening hours, capacity) and bind their devices (occupancy counters,
door contacts); each report on ``telemetry.readings.v1`` from a bound device moves the
venue's last word (the newest report wins); residents of the community and its staff list
the venues with their status in words. The rules are :mod:`care.domain.venues`'s."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import false, select

from care.db.venue_models import VenueDeviceRow, VenueRow
from care.domain import venues as v
from care.usecases.common import now_utc
from sc_contracts.events import TelemetryRecordedV1
from sc_core.auth import Caller, in_scope
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Forbidden, Problem
from sc_core.paging import PageParams, PageTotal, fetch_page
from sc_core.places import Places

KEEPERS = ("community_admin", "caregiver", "property_manager")


def venue_not_found() -> Problem:
    return Problem(404, "care.venue_not_found", "No such venue", zh="没有这个活动场所")


def _hours(opens: time | None, closes: time | None) -> tuple[str | None, str | None]:
    if (opens is None) != (closes is None) or (opens is not None and opens == closes):
        raise Problem(
            422, "care.venue_hours", "Give different opening and closing times, or neither",
            zh="请填写不同的开放和关闭时间，或都不填（全天开放）",
        )  # fmt: skip
    return (f"{opens:%H:%M}" if opens else None, f"{closes:%H:%M}" if closes else None)


def domain_venue(row: VenueRow, tz: ZoneInfo) -> v.Venue:
    return v.Venue(
        str(row.id), row.name, row.capacity,
        time.fromisoformat(row.opens) if row.opens else None,
        time.fromisoformat(row.closes) if row.closes else None, tz,
    )  # fmt: skip


@dataclass(frozen=True)
class VenueView:
    row: VenueRow
    devices: list[VenueDeviceRow]
    venue: v.Venue
    live: v.VenueStatus


class Venues:
    def __init__(
        self, db: Database, places: Places, tz: ZoneInfo,
        clock: Callable[[], datetime] = now_utc,
    ) -> None:  # fmt: skip
        self.db, self.places, self.tz, self.clock = db, places, tz, clock

    def _keeps(self, who: Caller, community_id: str) -> bool:
        return in_scope(who.principal, community_id=community_id, roles=KEEPERS)

    async def _readable(self, uow: UnitOfWork, who: Caller) -> frozenset[str] | None:
        """The communities whose venues the caller sees (None: every one): their homes'
        and those they hold any role in."""
        p = who.principal
        if p.is_platform_wide():
            return None
        return await self.places.home_communities(uow, p) | p.community_ids

    def view(self, row: VenueRow, devices: list[VenueDeviceRow]) -> VenueView:
        venue = domain_venue(row, self.tz)
        latest: dict[str, tuple[datetime, object]] = {}
        if row.people_at is not None and row.people is not None:
            latest["peopleCount"] = (row.people_at, row.people)
        if row.door_at is not None and row.door_open is not None:
            latest["open"] = (row.door_at, row.door_open)
        return VenueView(row, devices, venue, v.venue_status(venue, latest, self.clock()))

    async def create(
        self, who: Caller, community_id: str, name: str, place: str, capacity: int,
        opens: time | None, closes: time | None,
    ) -> VenueView:  # fmt: skip
        if not self._keeps(who, community_id):
            raise Forbidden(
                "auth.out_of_scope", "Only the community's staff keep its venues",
                zh="只有本社区的工作人员可以维护活动场所",
            )  # fmt: skip
        o, c = _hours(opens, closes)
        async with self.db.uow() as uow:
            row = VenueRow(
                id=uuid.uuid4(), community_id=community_id, name=name, place=place, opens=o,
                closes=c, capacity=capacity, updated_by=who.subject, updated_at=self.clock(),
            )  # fmt: skip
            uow.session.add(row)
            await uow.audit(who, "care.venue.create", "care_venue", str(row.id),
                            community_id=community_id)  # fmt: skip
            await uow.commit()
            return self.view(row, [])

    async def _kept(self, uow: UnitOfWork, who: Caller, venue_id: uuid.UUID) -> VenueRow:
        row = await uow.session.get(VenueRow, venue_id, with_for_update=True)
        if row is None or not self._keeps(who, row.community_id):
            raise venue_not_found()
        return row

    async def update(
        self, who: Caller, venue_id: uuid.UUID, name: str | None, place: str | None,
        capacity: int | None, hours: tuple[time | None, time | None] | None,
    ) -> VenueView:  # fmt: skip
        async with self.db.uow() as uow:
            row = await self._kept(uow, who, venue_id)
            row.name = name or row.name
            row.place = place or row.place
            row.capacity = capacity if capacity is not None else row.capacity
            if hours is not None:
                row.opens, row.closes = _hours(*hours)
            row.updated_by, row.updated_at = who.subject, self.clock()
            await uow.audit(who, "care.venue.update", "care_venue", str(row.id),
                            community_id=row.community_id)  # fmt: skip
            await uow.commit()
            return self.view(row, await self._devices(uow, row.id))

    async def bind(
        self, who: Caller, venue_id: uuid.UUID, device_id: str, kind: v.VenueDeviceKind
    ) -> VenueView:
        """Bind a device (a device serves one venue: bound elsewhere, it moves here)."""
        async with self.db.uow() as uow:
            row = await self._kept(uow, who, venue_id)
            found = await uow.session.get(VenueDeviceRow, device_id, with_for_update=True)
            if found is not None:
                other = await uow.session.get(VenueRow, found.venue_id)
                if (
                    other is not None
                    and other.id != row.id
                    and not self._keeps(who, other.community_id)
                ):
                    raise Problem(
                        409, "care.venue_device_taken", "The device serves another venue",
                        zh="该设备已绑定到其他活动场所",
                    )  # fmt: skip
                found.venue_id, found.kind = row.id, kind.value
                found.bound_by, found.bound_at = who.subject, self.clock()
            else:
                uow.session.add(VenueDeviceRow(
                    device_id=device_id, venue_id=row.id, kind=kind.value,
                    bound_by=who.subject, bound_at=self.clock(),
                ))  # fmt: skip
            await uow.audit(who, "care.venue.bind", "care_venue", str(row.id),
                            community_id=row.community_id,
                            detail={"device_id": device_id, "kind": kind.value})  # fmt: skip
            await uow.commit()
            return self.view(row, await self._devices(uow, row.id))

    async def unbind(self, who: Caller, venue_id: uuid.UUID, device_id: str) -> VenueView:
        async with self.db.uow() as uow:
            row = await self._kept(uow, who, venue_id)
            found = await uow.session.get(VenueDeviceRow, device_id)
            if found is None or found.venue_id != row.id:
                raise Problem(404, "care.venue_device_not_found",
                              "The device is not bound to this venue",
                              zh="该设备未绑定到这个活动场所")  # fmt: skip
            await uow.session.delete(found)
            await uow.audit(
                who, "care.venue.unbind", "care_venue", str(row.id),
                community_id=row.community_id, detail={"device_id": device_id},
            )  # fmt: skip
            await uow.commit()
            return self.view(row, await self._devices(uow, row.id))

    async def _devices(self, uow: UnitOfWork, venue_id: uuid.UUID) -> list[VenueDeviceRow]:
        rows = await uow.session.scalars(
            select(VenueDeviceRow)
            .where(VenueDeviceRow.venue_id == venue_id)
            .order_by(VenueDeviceRow.device_id)
        )
        return list(rows)

    async def page(
        self, who: Caller, community_id: str | None, params: PageParams
    ) -> tuple[list[VenueView], PageTotal]:
        """The venues of the caller's communities (or one of them), by name."""
        async with self.db.uow(read_only=True) as uow:
            allowed = await self._readable(uow, who)
            q = select(VenueRow)
            if community_id is not None:
                q = q.where(VenueRow.community_id == community_id)
                if allowed is not None and community_id not in allowed:
                    q = q.where(false())  # not the caller's: an empty page
            elif allowed is not None:
                q = q.where(VenueRow.community_id.in_(sorted(allowed)))
            rows, total = await fetch_page(uow.session, q.order_by(VenueRow.name, VenueRow.id),
                                           params)  # fmt: skip
            out = [self.view(r, await self._devices(uow, r.id)) for r in rows]
            return out, total

    async def get(self, who: Caller, venue_id: uuid.UUID) -> VenueView:
        async with self.db.uow(read_only=True) as uow:
            row = await uow.session.get(VenueRow, venue_id)
            allowed = await self._readable(uow, who)
            if row is None or (allowed is not None and row.community_id not in allowed):
                raise venue_not_found()
            return self.view(row, await self._devices(uow, row.id))

    async def on_telemetry(self, events: Sequence[TelemetryRecordedV1], uow: UnitOfWork) -> None:
        """Reports of bound devices move their venue's last word (the newest wins; a
        redelivered or older report changes nothing)."""
        ids = sorted({e.device_id for e in events})
        if not ids:
            return
        bound = {
            d.device_id: d
            for d in await uow.session.scalars(
                select(VenueDeviceRow).where(VenueDeviceRow.device_id.in_(ids))
            )
        }
        for e in sorted(events, key=lambda x: x.ts):
            d = bound.get(e.device_id)
            if d is None:
                continue
            kind = v.VenueDeviceKind(d.kind)
            said = v.reading(kind, dict(e.values))
            if said is None:
                continue
            row = await uow.session.get(VenueRow, d.venue_id, with_for_update=True)
            if row is None:
                continue
            if kind is v.VenueDeviceKind.DOOR and isinstance(said, bool):
                if row.door_at is None or e.ts > row.door_at:
                    row.door_open, row.door_at = said, e.ts
            elif not isinstance(said, bool) and (row.people_at is None or e.ts > row.people_at):
                row.people, row.people_at = said, e.ts
