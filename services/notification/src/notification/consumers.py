"""Event subscriptions (thin): requests, identity's grants and places, the alarm feed."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from sqlalchemy.dialects.postgresql import insert

from notification.channels.inapp import announce
from notification.confirmations import confirm
from notification.db.models import alarm_feed
from notification.usecases.intake import accept
from notification.usecases.recipients import DIRECTORY
from sc_contracts.events import (
    AlarmAcknowledgedV1,
    AlarmClearedV1,
    AlarmRaisedV1,
    AlarmStateV1,
    DeviceCommandCompletedV1,
    NotificationRequestedV1,
)
from sc_core.bus.cloudevents import Envelope
from sc_core.db.uow import UnitOfWork
from sc_core.places import subscribe_places
from sc_core.service import Runtime

if TYPE_CHECKING:
    from notification.config import Settings
    from notification.usecases.dispatch import Dispatcher

log = logging.getLogger(__name__)


def register(runtime: Runtime, settings: Settings, dispatcher: Dispatcher) -> None:
    """Typed subscriptions: each model names its topic (TOPIC_NAMES renames it, as the
    tests do); the consumer names (their groups) are the ones they always had."""
    requests = runtime.consumer(name="requests")

    @requests.on(NotificationRequestedV1)
    async def on_request(data: NotificationRequestedV1, uow: UnitOfWork) -> None:
        if await accept(uow, data, settings):
            await uow.commit()
            dispatcher.wake()

    # identity's grants and placements keep the shared place directory (sc_core.places;
    # the old consumer's name, so its consumer group carries on where it was)
    subscribe_places(runtime, DIRECTORY, name="identity")

    alarms = runtime.consumer(name="alarm-feed")

    async def on_alarm(data: AlarmStateV1, uow: UnitOfWork, envelope: Envelope) -> None:
        await feed_alarm(uow, envelope, data)

    alarms.on(AlarmRaisedV1, envelope=True)(on_alarm)
    alarms.on(AlarmAcknowledgedV1, envelope=True)(on_alarm)
    alarms.on(AlarmClearedV1, envelope=True)(on_alarm)

    # a speaker's or screen's answer: its delivery becomes delivered / failed / expired
    results = runtime.consumer(name="command-results")

    @results.on(DeviceCommandCompletedV1)
    async def on_command_result(event: DeviceCommandCompletedV1, uow: UnitOfWork) -> None:
        await confirm(uow, event)


async def feed_alarm(uow: UnitOfWork, event: Envelope, data: AlarmStateV1) -> None:
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
