"""Device status: online on activity, offline after the type's inactivity timeout.

The storage consumer brings devices online when their readings are stored; the sweeper
(:func:`sweep_offline`, run periodically) takes offline every online device whose last
activity is older than its timeout (the device's own, else its type's). Each change is
a ``community.device.status_changed.v1`` event written to the outbox with the change.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import text

from device_ingestion.domain.catalogue import Catalogue
from sc_contracts.events import DeviceStatus, DeviceStatusChangedV1
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork


@dataclass(frozen=True)
class StatusChange:
    device_id: uuid.UUID
    device_type: str
    community_id: str
    status: str
    last_activity_at: datetime | None


async def publish_changes(uow: UnitOfWork, changes: list[StatusChange]) -> None:
    now = datetime.now(UTC)
    for change in changes:
        event = DeviceStatusChangedV1(
            device_id=str(change.device_id),
            device_type=change.device_type,
            community_id=change.community_id,
            status=DeviceStatus(change.status),
            last_activity_at=change.last_activity_at,
            changed_at=now,
        )
        await uow.publish(event, key=str(change.device_id))


_SWEEP = text(
    """
    WITH timeouts AS (
        SELECT * FROM unnest(CAST(:types AS text[]), CAST(:seconds AS int[])) AS t(name, s)
    )
    UPDATE devices d
       SET status = 'offline', status_changed_at = :now
      FROM devices x LEFT JOIN timeouts t ON t.name = x.device_type
     WHERE x.id = d.id
       AND d.status = 'online'
       AND d.last_activity_at < CAST(:now AS timestamptz)
           - make_interval(secs => coalesce(d.inactivity_timeout_s, t.s, :fallback))
    RETURNING d.id, d.device_type, d.community_id, d.last_activity_at
    """
)


async def sweep_offline(
    db: Database,
    catalogue: Catalogue,
    *,
    now: datetime | None = None,
    fallback_timeout_s: int = 3600,
) -> list[StatusChange]:
    """Take offline every device silent for longer than its timeout, as of ``now``."""
    now = now or datetime.now(UTC)
    names = sorted(catalogue.types)
    params = {
        "types": names,
        "seconds": [catalogue.types[n].inactivity_timeout_s for n in names],
        "now": now,
        "fallback": fallback_timeout_s,
    }
    async with db.uow() as uow:
        rows = (await uow.session.execute(_SWEEP, params)).all()
        changes = [
            StatusChange(r.id, r.device_type, r.community_id, "offline", r.last_activity_at)
            for r in rows
        ]
        await publish_changes(uow, changes)
        await uow.commit()
    return changes
