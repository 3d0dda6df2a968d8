"""Claiming (ThingsBoard's device claiming): a device announces a secret for a while, and a
person who knows it (a resident, or staff for a household) claims the device, which then
belongs to that household.

Device side: ``POST /api/v1/{token}/claim`` or MQTT ``v1/devices/me/claim`` with
``{"secretKey": "...", "durationMs": n}`` (both optional: an empty secret, the configured
duration). Person side: ``POST /api/v1/device-claims`` with the device's name and the
secret. The secret is kept as its SHA-256 only and forgotten once claimed; a wrong secret,
an unknown name and a time run out are one refusal, so the answer does not tell which.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from device_ingestion.db.models import devices
from device_ingestion.ingest.directory import DeviceDirectory, DeviceRef
from device_ingestion.usecases.devices import DEVICE_ADMIN, place_scope
from sc_core.auth import Caller
from sc_core.db.engine import Database
from sc_core.errors import Conflict, Forbidden, Problem
from sc_core.places.defaults import missing_place

#: who may claim a device for their own household
HOUSEHOLD_ROLES = ("resident", "family", "tenant")
MAX_DURATION_MS = 7 * 86_400_000


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def parse_announcement(body: Any, default_ms: int) -> tuple[str, int]:
    """``{"secretKey", "durationMs"}`` as ThingsBoard devices send it (both optional)."""
    if body is None or body == "":
        body = {}
    if not isinstance(body, dict):
        raise ValueError('a claim is {"secretKey": "...", "durationMs": n}')
    secret = body.get("secretKey", "")
    duration = body.get("durationMs", default_ms)
    if not isinstance(secret, str) or len(secret) > 128:
        raise ValueError("secretKey is a string of at most 128 characters")
    if isinstance(duration, bool) or not isinstance(duration, int) or duration <= 0:
        raise ValueError("durationMs is a positive number of milliseconds")
    return secret, min(duration, MAX_DURATION_MS)


def claim_failed() -> Problem:
    return Problem(
        404,
        "device.claim_failed",
        "No device of that name waits to be claimed with that secret (or its time ran out)",
        zh="没有找到以此名称和密钥等待认领的设备（或认领时间已过）",
    )


class Claims:
    def __init__(self, db: Database, directory: DeviceDirectory, default_duration_s: int) -> None:
        self.db = db
        self.directory = directory
        self.default_ms = default_duration_s * 1000

    async def announce(self, device: DeviceRef, body: Any) -> None:
        """The device may be claimed with ``secretKey`` for ``durationMs`` from now."""
        secret, duration_ms = parse_announcement(body, self.default_ms)
        expires = datetime.now(UTC) + timedelta(milliseconds=duration_ms)
        async with self.db.uow() as uow:
            await uow.session.execute(
                update(devices)
                .where(devices.c.id == device.id)
                .values(claim_secret_hash=secret_hash(secret), claim_expires_at=expires)
            )
            await uow.commit()

    async def claim(self, who: Caller, name: str, secret: str, household_id: str | None) -> Any:
        """The device now belongs to ``household_id`` (the caller's own by default)."""
        principal = who.principal
        own = sorted(principal.scope_ids("household", HOUSEHOLD_ROLES))
        if household_id is None:
            if len(own) != 1:
                raise missing_place("household_id", own)
            household_id = own[0]
        async with self.db.uow() as uow:
            query = select(devices).where(
                devices.c.name == name,
                devices.c.claim_secret_hash == secret_hash(secret),
                devices.c.claim_expires_at > datetime.now(UTC),
            )
            rows = list((await uow.session.execute(query.with_for_update())).all())
            if not rows:
                raise claim_failed()
            if len(rows) > 1:
                raise Conflict(
                    "device.claim_ambiguous",
                    "Several devices of that name wait with that secret; ask the property",
                    zh="有多台同名设备以此密钥等待认领，请联系物业",
                )
            row = rows[0]
            if household_id not in own:  # staff place a device in a household they serve
                if not principal.has_role(*DEVICE_ADMIN):
                    raise Forbidden(
                        "device.claim_forbidden",
                        "You may claim a device for your own household only",
                        zh="只能为自己的住户认领设备",
                    )
                place_scope(principal, row, DEVICE_ADMIN)
            if row.household_id is not None and row.household_id != household_id:
                raise Conflict(
                    "device.already_claimed",
                    "The device already belongs to a household",
                    zh="该设备已归属其他住户",
                )
            claimed = (
                await uow.session.execute(
                    update(devices)
                    .where(devices.c.id == row.id)
                    .values(
                        household_id=household_id,
                        claim_secret_hash=None,
                        claim_expires_at=None,
                    )
                    .returning(devices)
                )
            ).one()
            await uow.audit(
                who, "device.claim", "device", str(row.id), community_id=row.community_id
            )
            await uow.commit()
        self.directory.forget()
        return claimed
