"""The writes of one alarm transaction besides the alarm rows: the alarm history and the
alarm events (contract models, to their catalogue topic) through the unit of work's
outbox, in bulk (:class:`Writes`) or one at a time (:func:`history`, :func:`publish`)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text

from alarm.db.base import Base
from alarm.db.models import AlarmHistory
from alarm.engine.bulk import as_arrays, unnest_insert
from sc_contracts.events import EventData
from sc_contracts.events.alarm import AlarmStateV1
from sc_core.db.uow import Outgoing, UnitOfWork

HISTORY_COLUMNS = ["alarm_id", "at", "action", "actor_id", "detail"]
OUTBOX_COLUMNS = ["event_id", "topic", "key", "headers", "payload"]
_HISTORY_SQL = unnest_insert(AlarmHistory.__table__, HISTORY_COLUMNS, "h_")
_OUTBOX_SQL = unnest_insert(Base.metadata.tables["event_outbox"], OUTBOX_COLUMNS, "o_")
HISTORY = text(_HISTORY_SQL)
OUTBOX = text(_OUTBOX_SQL)
HISTORY_AND_OUTBOX = text(f"WITH history AS ({_HISTORY_SQL}) {_OUTBOX_SQL}")


class Writes:
    """Outbox events and history rows of one transaction, written in bulk (one INSERT
    each) when flushed: a batch of readings that raises a hundred alarms costs two
    statements for them, not two hundred. The unit of work makes each event
    (``uow.outgoing``) and is told of the rows written (``uow.wrote``)."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self.events: list[Outgoing] = []
        self.notes: list[dict[str, Any]] = []

    def publish(self, data: EventData, key: str) -> None:
        self.events.append(self.uow.outgoing(data, key=key))

    def note(self, alarm_id: uuid.UUID, action: str, actor_id: str | None, **detail: Any) -> None:
        self.notes.append(
            {
                "alarm_id": alarm_id,
                "at": datetime.now(UTC),
                "action": action,
                "actor_id": actor_id,
                "detail": {k: _scalar(v) for k, v in detail.items() if v is not None},
            }
        )

    async def flush(self) -> None:
        """History rows and outbox events in ONE statement (a data-modifying CTE when
        there are both): a batch raising alarms pays one round trip for them."""
        notes, events = self.notes, self.events
        if not notes and not events:
            return
        self.notes, self.events = [], []
        params: dict[str, list[Any]] = {}
        if notes:
            params.update(as_arrays(AlarmHistory.__table__, HISTORY_COLUMNS, notes, "h_"))
        if events:
            rows = [item.row() for item in events]
            params.update(as_arrays(self.uow.tables.outbox, OUTBOX_COLUMNS, rows, "o_"))
        statement = HISTORY_AND_OUTBOX if notes and events else HISTORY if notes else OUTBOX
        await self.uow.session.execute(statement, params)
        self.uow.wrote(events)


def _scalar(value: Any) -> bool | int | float | str:
    return value if isinstance(value, bool | int | float | str) else str(value)


def state_of(
    row: Any, event: type[AlarmStateV1], actor_id: str | None = None, **extra: Any
) -> AlarmStateV1:
    return event(
        **extra,
        alarm_id=str(row.id),
        alarm_type=row.alarm_type,
        severity=row.severity,
        status=row.status,
        originator_type=row.originator_type,
        originator_id=row.originator_id,
        community_id=row.community_id,
        building_id=row.building_id,
        unit_id=row.unit_id,
        room_id=row.room_id,
        count=max(1, row.count),
        first_at=row.first_at,
        last_at=row.last_at,
        rule_id=str(row.rule_id) if row.rule_id else None,
        actor_id=actor_id,
        acknowledged_at=row.acknowledged_at,
        cleared_at=row.cleared_at,
        details={k: _scalar(v) for k, v in (row.details or {}).items() if v is not None},
        title=row.title,
        actions=list(row.actions or []),
        work_order_type=row.work_order_type,
    )


async def publish(
    uow: UnitOfWork,
    row: Any,
    event: type[AlarmStateV1],
    actor_id: str | None = None,
    **extra: Any,
) -> None:
    await uow.publish(state_of(row, event, actor_id, **extra), key=str(row.id))


async def history(
    uow: UnitOfWork, alarm_id: uuid.UUID, action: str, actor_id: str | None, **detail: Any
) -> None:
    writes = Writes(uow)
    writes.note(alarm_id, action, actor_id, **detail)
    await writes.flush()
