"""Event subscriptions (thin): requests, identity's grants and places, the alarm feed."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from sqlalchemy.dialects.postgresql import insert

from notification.channels.inapp import announce
from notification.confirmations import confirm
from notification.db.models import alarm_feed
from notification.intake import accept
from notification.recipients import DIRECTORY
from sc_contracts import validate_event_data
from sc_contracts.events import (
    AlarmStateV1,
    DeviceCommandCompletedV1,
    GrantChangedV1,
    HouseholdChangedV1,
    NotificationRequestedV1,
    PersonRegisteredV1,
    ResidencyEndedV1,
    ResidencyStartedV1,
)
from sc_core.bus.cloudevents import CloudEvent
from sc_core.db.uow import UnitOfWork
from sc_core.service import Runtime

if TYPE_CHECKING:
    from notification.parts import Parts

log = logging.getLogger(__name__)

REQUESTED = "community.notification.requested.v1"
GRANT_CHANGED = "community.grant.changed.v1"
PLACED = (
    "community.person.registered.v1",
    "community.residency.started.v1",
    "community.residency.ended.v1",
    "community.household.changed.v1",
)
ALARM_TYPES = (
    "community.alarm.raised.v1",
    "community.alarm.acknowledged.v1",
    "community.alarm.cleared.v1",
)


# Notifications are few and urgent: the broker answers a fetch as soon as a message is
# there, or after this long (aiokafka's default, 500 ms, would add to the latency).
LOW_LATENCY = {"fetch_max_wait_ms": 50}


def register(runtime: Runtime, parts: Parts) -> None:
    settings = parts.settings
    requests = runtime.consumer(
        name="requests", topics=[settings.requests_topic], consumer_options=LOW_LATENCY
    )

    @requests.on(REQUESTED)
    async def on_request(event: CloudEvent, uow: UnitOfWork | None) -> None:
        assert uow is not None
        data = validate_event_data(REQUESTED, event.data)
        assert isinstance(data, NotificationRequestedV1)
        if await accept(uow, data, settings, runtime.auditor):
            await uow.commit()
            parts.dispatcher.wake()

    identity = runtime.consumer(name="identity", topics=[settings.identity_topic])

    @identity.on(GRANT_CHANGED)
    async def on_grant(event: CloudEvent, uow: UnitOfWork | None) -> None:
        assert uow is not None
        data = validate_event_data(GRANT_CHANGED, event.data)
        assert isinstance(data, GrantChangedV1)
        await project_grant(uow, data)

    async def on_placed(event: CloudEvent, uow: UnitOfWork | None) -> None:
        assert uow is not None
        data = validate_event_data(event.type, event.data)
        assert isinstance(
            data, HouseholdChangedV1 | PersonRegisteredV1 | ResidencyStartedV1 | ResidencyEndedV1
        )
        await DIRECTORY.on_placement(data, uow)

    for event_type in PLACED:
        identity.on(event_type)(on_placed)

    alarms = runtime.consumer(
        name="alarm-feed", topics=[settings.alarm_topic], consumer_options=LOW_LATENCY
    )

    async def on_alarm(event: CloudEvent, uow: UnitOfWork | None) -> None:
        assert uow is not None
        data = validate_event_data(event.type, event.data)
        assert isinstance(data, AlarmStateV1)
        await feed_alarm(uow, event, data)

    for event_type in ALARM_TYPES:
        alarms.on(event_type)(on_alarm)

    # a speaker's or screen's answer: its delivery becomes delivered / failed / expired
    results = runtime.consumer(name="command-results")

    @results.on(DeviceCommandCompletedV1)
    async def on_command_result(event: DeviceCommandCompletedV1, uow: UnitOfWork) -> None:
        await confirm(uow, settings, runtime.auditor, event)


async def project_grant(uow: UnitOfWork, data: GrantChangedV1) -> None:
    await DIRECTORY.record_grant(uow, data)


async def feed_alarm(uow: UnitOfWork, event: CloudEvent, data: AlarmStateV1) -> None:
    inserted = (
        await uow.session.execute(
            insert(alarm_feed)
            .values(
                event_id=event.id,
                event_type=event.type.split(".")[2],
                alarm_id=data.alarm_id,
                alarm_type=data.alarm_type,
                severity=str(data.severity),
                status=data.status.value,
                community_id=data.community_id,
                building_id=data.building_id,
                title=data.title,
                payload=data.model_dump(mode="json"),
            )
            .on_conflict_do_nothing(index_elements=["event_id"])
            .returning(alarm_feed.c.id)
        )
    ).first()
    if inserted is not None:
        await announce(uow, f"alarm:{data.community_id}")
