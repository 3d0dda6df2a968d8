"""Reading one device's telemetry (latest values, raw points, roll-ups) and the device
counts of a community, each in the caller's places (read-only units of work)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from device_ingestion.db.models import devices, telemetry, telemetry_latest, telemetry_rollups
from device_ingestion.usecases.devices import DEVICE_READ, device_scope, load_device
from sc_core.auth import Caller
from sc_core.db.engine import Database
from sc_core.errors import Problem


def wanted_keys(keys: str | None) -> list[str] | None:
    if not keys:
        return None
    out = [k.strip() for k in keys.split(",") if k.strip()]
    if len(out) > 50:
        raise Problem(
            422,
            "telemetry.too_many_keys",
            "Ask for at most 50 keys at once",
            zh="一次最多查询 50 项数据",
        )
    return out


class TelemetryReads:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def latest(self, who: Caller, device_id: uuid.UUID, keys: str | None) -> Any:
        """The device and the latest value of each key (of the comma-separated ``keys``
        when given)."""
        query = select(telemetry_latest).where(telemetry_latest.c.device_id == device_id)
        async with self.db.uow(read_only=True) as uow:
            device = await load_device(uow, device_id, who.principal, DEVICE_READ)
            wanted = wanted_keys(keys)
            if wanted:
                query = query.where(telemetry_latest.c.key.in_(wanted))
            return device, (await uow.session.execute(query)).all()

    async def points(
        self,
        who: Caller,
        device_id: uuid.UUID,
        start: datetime,
        end: datetime,
        keys: str | None,
    ) -> Any:
        """Raw points in [start, end), by key, newest first."""
        q = select(telemetry).where(
            telemetry.c.device_id == device_id, telemetry.c.ts >= start, telemetry.c.ts < end
        )
        async with self.db.uow(read_only=True) as uow:
            await load_device(uow, device_id, who.principal, DEVICE_READ)
            wanted = wanted_keys(keys)
            if wanted:
                q = q.where(telemetry.c.key.in_(wanted))
            q = q.order_by(telemetry.c.key, telemetry.c.ts.desc())
            return (await uow.session.execute(q)).all()

    async def rollups(
        self,
        who: Caller,
        device_id: uuid.UUID,
        interval: str,
        start: datetime,
        end: datetime,
        keys: str | None,
        limit: int,
    ) -> Any:
        """The ``interval`` buckets in [start, end), by key and bucket, at most ``limit``."""
        r = telemetry_rollups.c
        q = select(telemetry_rollups).where(
            r.device_id == device_id, r.period == interval, r.bucket >= start, r.bucket < end
        )
        async with self.db.uow(read_only=True) as uow:
            await load_device(uow, device_id, who.principal, DEVICE_READ)
            wanted = wanted_keys(keys)
            if wanted:
                q = q.where(r.key.in_(wanted))
            return (await uow.session.execute(q.order_by(r.key, r.bucket).limit(limit))).all()

    async def status_counts(self, who: Caller, community_id: str) -> dict[str, Any]:
        """Devices online and offline by type and by building (rows of key, online,
        offline), within the caller's places."""
        c = devices.c
        where = (device_scope(who.principal, DEVICE_READ), c.community_id == community_id)
        online = func.count().filter(c.status == "online")
        offline = func.count().filter(c.status != "online")
        out: dict[str, Any] = {}
        async with self.db.uow(read_only=True) as uow:
            for name, column in (("by_type", c.device_type), ("by_building", c.building_id)):
                query = select(column, online, offline).where(*where).group_by(column)
                out[name] = (await uow.session.execute(query)).all()
        return out
