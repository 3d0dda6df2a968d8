"""What follows a step of an alarm's lifecycle: whom it is told (the notification plans,
:mod:`alarm.engine.notify`), and a critical alarm opened as an incident (6.1.1 b). Called
by the evaluator for a batch, and by the use cases for one alarm."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.dialects.postgresql import insert

from alarm.config import Settings
from alarm.db.registers import Incident
from alarm.engine import notify
from alarm.engine.audience import Lookups
from alarm.engine.writes import Writes
from sc_core.db.uow import UnitOfWork


async def after_raised_many(
    uow: UnitOfWork,
    alarms: list[Any],
    settings: Settings,
    writes: Writes,
    lookups: Lookups | None = None,
) -> None:
    """New alarms: tell the right people; a critical one is also an incident (6.1.1 b)."""
    if not alarms:
        return
    lookups = lookups or Lookups(uow)
    decided = {
        alarm.id: await notify.on_raised(lookups, writes, alarm, settings.default_channels)
        for alarm in alarms
    }
    await notify.store_decisions(uow, decided)
    critical = [
        {
            "id": uuid.uuid4(),
            "created_at": datetime.now(UTC),
            "community_id": a.community_id,
            "building_id": a.building_id,
            "incident_type": a.alarm_type,
            "occurred_at": a.first_at,
            "title": a.title,
            "alarm_id": a.id,
            "source": "alarm",
            "status": "open",
        }
        for a in alarms
        if a.severity == "critical"
    ]
    if critical:
        await uow.session.execute(
            insert(Incident).values(critical).on_conflict_do_nothing(index_elements=["alarm_id"])
        )


async def after_cleared_many(
    uow: UnitOfWork,
    alarms: list[Any],
    settings: Settings,
    writes: Writes,
    lookups: Lookups | None = None,
) -> None:
    lookups = lookups or Lookups(uow)
    for alarm in alarms:
        await notify.on_cleared(lookups, writes, alarm, settings.default_channels)


async def after_cleared(uow: UnitOfWork, alarm: Any, settings: Settings) -> None:
    writes = Writes(uow)
    await after_cleared_many(uow, [alarm], settings, writes)
    await writes.flush()


async def after_raised(uow: UnitOfWork, alarm: Any, settings: Settings) -> None:
    writes = Writes(uow)
    await after_raised_many(uow, [alarm], settings, writes)
    await writes.flush()


async def tell_followers(uow: UnitOfWork, alarm: Any, step: str, settings: Settings) -> None:
    """An alarm acknowledged or assigned: whom its plan told hear of it."""
    writes = Writes(uow)
    await notify.on_step(Lookups(uow), writes, alarm, step)
    await writes.flush()
