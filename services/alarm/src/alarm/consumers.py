"""Event subscriptions: device status (offline alarms), identity's placements (the shared
place directory, sc_core.places) and work orders (an alarm's work order resolved or closed
clears the alarm). Telemetry has its own batch consumer (:mod:`alarm.engine.evaluator`),
wired in :mod:`alarm.main`."""

from __future__ import annotations

import logging
import uuid

from alarm.config import Settings
from alarm.db.models import DIRECTORY
from alarm.engine import alarms as lifecycle
from alarm.engine.evaluator import Evaluator
from alarm.engine.followups import after_cleared
from sc_contracts.events.device import DeviceStatusChangedV1
from sc_contracts.events.telemetry import TelemetryRecordedV1
from sc_contracts.events.workorder import WorkOrderChangedV1
from sc_core.db.uow import UnitOfWork
from sc_core.places import subscribe_places
from sc_core.service import Runtime

log = logging.getLogger(__name__)
CLEARING = frozenset({"resolved", "closed"})


def register(runtime: Runtime, settings: Settings, evaluator: Evaluator) -> None:
    """The service's subscriptions, registered once in the composition (:mod:`alarm.main`)."""
    if settings.evaluation_enabled:
        # telemetry: whole polls, one transaction each (started, stopped and checked by
        # /readyz with the service)
        runtime.batch_consumer(
            name="alarm-evaluator",
            topics=[settings.telemetry_topic],
            model=TelemetryRecordedV1,
            handler=evaluator.handle,
            group_id=settings.evaluation_group or f"{settings.consumer_group}.evaluator",
            max_batch=settings.evaluation_max_batch,
            on_assigned=evaluator.drop_cache,
            commit_interval_s=settings.evaluation_commit_interval_s,
            consumer_options={
                "fetch_min_bytes": settings.evaluation_fetch_min_bytes,
                "fetch_max_wait_ms": settings.evaluation_fetch_max_wait_ms,
            },
        )
    # typed subscriptions: each model names its topic (TOPIC_NAMES renames it, as the tests do)
    status = runtime.consumer(name="device-status")
    status.on(DeviceStatusChangedV1)(evaluator.on_status)
    # identity's placements keep the shared place directory (the old consumer's name, so
    # its consumer group carries on where it was)
    subscribe_places(runtime, DIRECTORY, name="households")
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
        row = await lifecycle.clear_by_id(uow, alarm_id, data.actor_id, f"work_order_{data.status}")
        if row is not None:
            await after_cleared(uow, row, settings)
