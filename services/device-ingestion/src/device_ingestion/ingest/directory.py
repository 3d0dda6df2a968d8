"""Who a device token belongs to: a small read-through cache in front of ``devices``.

Every telemetry request and MQTT message names its device by access token; the token is
stored only as its SHA-256, so a lookup hashes the token and finds the row. Hits are kept
for ``ttl`` seconds (a deleted or re-keyed device stops being accepted within that time on
other replicas; at once on the replica that changed it).
"""

from __future__ import annotations

import hashlib
import secrets
import time
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from device_ingestion.db.models import devices
from sc_core.db.engine import Database


def new_token() -> str:
    """A fresh device access token (shown once; only its hash is stored)."""
    return secrets.token_urlsafe(20)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class DeviceRef:
    id: uuid.UUID
    name: str
    device_type: str
    community_id: str
    building_id: str | None
    unit_id: str | None
    room_id: str | None
    household_id: str | None

    @classmethod
    def from_row(cls, row: Any) -> DeviceRef:
        return cls(
            id=row.id,
            name=row.name,
            device_type=row.device_type,
            community_id=row.community_id,
            building_id=row.building_id,
            unit_id=row.unit_id,
            room_id=row.room_id,
            household_id=row.household_id,
        )


_COLUMNS = (
    devices.c.id,
    devices.c.name,
    devices.c.device_type,
    devices.c.community_id,
    devices.c.building_id,
    devices.c.unit_id,
    devices.c.room_id,
    devices.c.household_id,
)


class DeviceDirectory:
    def __init__(self, db: Database, ttl: float = 30.0, max_entries: int = 200_000) -> None:
        self.db = db
        self.ttl = ttl
        self.max_entries = max_entries
        self._by_hash: dict[str, tuple[float, DeviceRef | None]] = {}
        self._by_name: dict[tuple[str, str], tuple[float, DeviceRef | None]] = {}
        self._by_id: dict[uuid.UUID, tuple[float, DeviceRef | None]] = {}

    async def by_token(self, token: str) -> DeviceRef | None:
        digest = hash_token(token)
        hit = self._by_hash.get(digest)
        now = time.monotonic()
        if hit is not None and hit[0] > now:
            return hit[1]
        async with self.db.engine.connect() as conn:
            row = (
                await conn.execute(select(*_COLUMNS).where(devices.c.token_hash == digest))
            ).first()
        ref = DeviceRef.from_row(row) if row is not None else None
        self._remember(self._by_hash, digest, ref, now)
        return ref

    async def by_id(self, device_id: uuid.UUID) -> DeviceRef | None:
        hit = self._by_id.get(device_id)
        now = time.monotonic()
        if hit is not None and hit[0] > now:
            return hit[1]
        async with self.db.engine.connect() as conn:
            row = (await conn.execute(select(*_COLUMNS).where(devices.c.id == device_id))).first()
        ref = DeviceRef.from_row(row) if row is not None else None
        self._remember(self._by_id, device_id, ref, now)
        return ref

    async def by_names(self, community_id: str, names: list[str]) -> dict[str, DeviceRef]:
        """Devices of one community by name (edge gateways name the devices they carry)."""
        now = time.monotonic()
        found: dict[str, DeviceRef] = {}
        missing = []
        for name in names:
            hit = self._by_name.get((community_id, name))
            if hit is not None and hit[0] > now:
                if hit[1] is not None:
                    found[name] = hit[1]
            else:
                missing.append(name)
        if missing:
            query = select(*_COLUMNS).where(
                devices.c.community_id == community_id, devices.c.name.in_(missing)
            )
            async with self.db.engine.connect() as conn:
                rows = (await conn.execute(query)).all()
            loaded = {row.name: DeviceRef.from_row(row) for row in rows}
            for name in missing:
                ref = loaded.get(name)
                self._remember(self._by_name, (community_id, name), ref, now)
                if ref is not None:
                    found[name] = ref
        return found

    def _remember(self, cache: dict[Any, Any], key: Any, ref: DeviceRef | None, now: float) -> None:
        if len(cache) >= self.max_entries:
            cache.clear()
        # unknown tokens are remembered briefly, so a misconfigured device cannot hammer
        # the database, yet a newly created device is accepted within a second
        cache[key] = (now + (self.ttl if ref is not None else 1.0), ref)

    def forget(self) -> None:
        """Drop every cached entry (after a device was changed or deleted here)."""
        self._by_hash.clear()
        self._by_name.clear()
        self._by_id.clear()
