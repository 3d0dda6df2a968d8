"""Event subscriptions: device status (offline alarms) and work orders (an alarm's work
order resolved or closed clears the alarm). Telemetry has its own batch consumer
(:mod:`alarm.engine.evaluator`), wired in :mod:`alarm.main`."""

from __future__ import annotations

import logging
import uuid

from alarm.api.deps import Parts
from alarm.engine import alarms as lifecycle
from alarm.engine import places
from alarm.engine.evaluator import TELEMETRY, after_cleared
from sc_contracts.events.device import DeviceStatusChangedV1
from sc_contracts.events.identity import Placement
from sc_contracts.events.workorder import WorkOrderChangedV1
from sc_core.bus.cloudevents import CloudEvent
from sc_core.db.uow import UnitOfWork
from sc_core.service import Runtime

log = logging.getLogger(__name__)
CLEARING = frozenset({"resolved", "closed"})


PLACED = (
    "community.household.changed.v1",
    "community.person.registered.v1",
    "community.residency.started.v1",
    "community.residency.ended.v1",
)


async def on_placed(event: CloudEvent, uow: UnitOfWork | None) -> None:
    """identity.events.v1: where a household lives (room -> household for emergencies in
    a flat) and which grid its building is in (grid workers' scope)."""
    assert uow is not None
    data = event.data
    household_id = data.get("household_id")
    if not household_id or not isinstance(data.get("placement"), dict):
        return
    placement = Placement.model_validate(data["placement"])
    status = str(data.get("status") or "active")
    await places.project(uow, str(household_id), placement, status)


def register(runtime: Runtime, parts: Parts) -> None:
    """The service's subscriptions, registered once in the composition (:mod:`alarm.main`)."""
    settings = parts.settings
    if settings.evaluation_enabled:
        # telemetry: whole polls, one transaction each (started, stopped and checked by
        # /readyz with the service)
        runtime.batch_consumer(
            name="alarm-evaluator",
            topics=[settings.telemetry_topic],
            handler=parts.evaluator.handle,
            event_types={TELEMETRY},
            group_id=settings.evaluation_group or f"{settings.consumer_group}.evaluator",
            max_batch=settings.evaluation_max_batch,
            on_assigned=parts.evaluator.drop_cache,
            commit_interval_s=settings.evaluation_commit_interval_s,
            consumer_options={
                "fetch_min_bytes": settings.evaluation_fetch_min_bytes,
                "fetch_max_wait_ms": settings.evaluation_fetch_max_wait_ms,
            },
        )
    # typed subscriptions: each model names its topic (TOPIC_NAMES renames it, as the tests do)
    status = runtime.consumer(name="device-status")
    status.on(DeviceStatusChangedV1)(parts.evaluator.on_status)
    households = runtime.consumer(name="households", topics=[settings.identity_topic])
    for event_type in PLACED:
        households.on(event_type)(on_placed)
    orders = runtime.consumer(name="workorders")

    @orders.on(WorkOrderChangedV1)
    async def on_work_order(data: WorkOrderChangedV1, uow: UnitOfWork) -> None:
        """An alarm's work order resolved or closed clears the alarm."""
        if not data.alarm_id or data.status not in CLEARING:
            return
        try:
            alarm_id = uuid.UUID(data.alarm_id)
        except ValueError:
            log.warning("work order %s names alarm %r: not ours", data.work_order_id, data.alarm_id)
            return
        row = await lifecycle.clear_by_id(
            uow, settings.alarm_topic, alarm_id, data.actor_id, f"work_order_{data.status}"
        )
        if row is not None:
            await after_cleared(uow, row, settings)
