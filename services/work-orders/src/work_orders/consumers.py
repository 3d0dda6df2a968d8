"""Events in: alarm.events.v1. A raised alarm whose rule asks for open_work_order opens
exactly one case (unique alarm_id, and the inbox skips a redelivered event); a cleared
alarm is written on its case (agreement 2)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import select

from sc_contracts import validate_event_data
from sc_contracts.events.alarm import AlarmAction, AlarmClearedV1, AlarmRaisedV1
from sc_core.bus.cloudevents import CloudEvent
from sc_core.db.uow import UnitOfWork
from sc_core.service import Runtime
from work_orders import places
from work_orders.cases import NewCase, mark_alarm_cleared, now_utc, open_case
from work_orders.db.models import CaseType, HouseholdPlace, WorkOrder
from work_orders.domain.states import priority_for_severity
from work_orders.events import Topics

log = logging.getLogger(__name__)
RAISED = "community.alarm.raised.v1"
CLEARED = "community.alarm.cleared.v1"
DEFAULT_TYPE = "alarm_dispatch"


def register(topics: Topics, alarm_topic: str, identity_topic: str) -> Callable[[Runtime], None]:
    def _register(runtime: Runtime) -> None:
        places.register(runtime, identity_topic)
        consumer = runtime.consumer(name="alarms", topics=[alarm_topic])

        @consumer.on(RAISED)
        async def on_raised(event: CloudEvent, uow: UnitOfWork | None) -> None:
            assert uow is not None
            data = validate_event_data(RAISED, event.data)
            assert isinstance(data, AlarmRaisedV1)
            await open_from_alarm(uow, topics, data)

        @consumer.on(CLEARED)
        async def on_cleared(event: CloudEvent, uow: UnitOfWork | None) -> None:
            assert uow is not None
            data = validate_event_data(CLEARED, event.data)
            assert isinstance(data, AlarmClearedV1)
            await mark_alarm_cleared(
                uow, topics, data.alarm_id, data.cleared_at or now_utc(), data.actor_id
            )

    return _register


async def open_from_alarm(uow: UnitOfWork, topics: Topics, data: AlarmRaisedV1) -> None:
    if AlarmAction.OPEN_WORK_ORDER not in data.actions:
        return
    existing = await uow.session.scalar(
        select(WorkOrder.id).where(WorkOrder.alarm_id == data.alarm_id)
    )
    if existing is not None:  # raised again (severity change) or redelivered
        return
    code = data.work_order_type or DEFAULT_TYPE
    ct = await uow.session.get(CaseType, code)
    if ct is None or not ct.active:
        log.warning(
            "alarm %s asks for unknown case type %s; using %s", data.alarm_id, code, DEFAULT_TYPE
        )
        code = DEFAULT_TYPE
    title = data.title or f"{data.alarm_type} ({data.severity})"
    # an alarm in a flat belongs to the household living there (identity's placements):
    # its residents follow, confirm and rate the case like one they reported
    household = None
    if data.room_id:
        household = await uow.session.scalar(
            select(HouseholdPlace.household_id)
            .where(HouseholdPlace.room_id == data.room_id, HouseholdPlace.status == "active")
            .order_by(HouseholdPlace.updated_at.desc())
            .limit(1)
        )
    await open_case(
        uow,
        topics,
        NewCase(
            case_type=code,
            title=title[:200],
            description=f"Alarm {data.alarm_type}, severity {data.severity}, "
            f"{data.originator_type} {data.originator_id}",
            priority=priority_for_severity(str(data.severity)),
            community_id=data.community_id,
            building_id=data.building_id,
            unit_id=data.unit_id,
            room_id=data.room_id,
            household_id=household,
            source="alarm",
            alarm_id=data.alarm_id,
            details={
                "alarm_type": data.alarm_type,
                "severity": str(data.severity),
                "originator_type": data.originator_type,
                "originator_id": data.originator_id,
            },
        ),
        actor_id=None,
    )
