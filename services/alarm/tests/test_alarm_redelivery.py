"""Exact counts under redelivery: a batch of readings handed to the evaluator a second
time (as after a broker failover, when the offsets were not committed but the database
transaction was) changes no count, no duration or repeat state, and publishes nothing."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from alarm_helpers import Devices, Harness, wait_for
from sc_contracts.events.telemetry import TelemetryRecordedV1
from sc_core.bus.batch import BatchConsumer


def reading_event(community: str, device: str, device_type: str, values: dict[str, Any],
                  ts: datetime) -> TelemetryRecordedV1:  # fmt: skip
    """A reading as the evaluator's batch consumer hands it over (decoded by model)."""
    return TelemetryRecordedV1(
        device_id=device,
        device_type=device_type,
        community_id=community,
        building_id="b-1",
        ts=ts,
        values=values,
        received_at=ts,
    )


async def overheat_rule(h: Harness, community: str) -> None:
    """Temperature above 40 on environment sensors raises "overheat" (auto-clear)."""
    await h.rule(
        community,
        alarm_type="overheat",
        kind="threshold",
        device_type="environment_sensor",
        conditions=[{"key": "temperature", "op": "above", "value": 40}],
    )


async def snapshot(h: Harness, community: str) -> tuple[Any, ...]:
    alarms = sorted(
        (a["originator_id"], a["alarm_type"], a["count"], a["status"], a["last_at"])
        for a in await h.alarms(community)
    )
    states = await h.sql(
        "SELECT s.originator_id, s.state::text, s.due_at FROM rule_states s"
        " JOIN alarm_rules r ON r.id = s.rule_id WHERE r.community_id = :c"
        " ORDER BY 1, 2",
        c=community,
    )
    outbox = await h.sql(
        "SELECT count(*) FROM event_outbox WHERE topic IN (:a, :n)",
        a=h.settings.topic("alarm.events.v1"),
        n=h.settings.topic("notification.requests.v1"),
    )
    return tuple(alarms), tuple(tuple(r) for r in states), outbox[0][0]


async def test_a_redelivered_batch_counts_nothing_twice(
    harness: Harness, community: str, devices: Devices
) -> None:
    h = harness
    await overheat_rule(h, community)
    await h.rule(
        community,
        alarm_type="leak_held",
        kind="duration",
        device_type="water_sensor",
        conditions=[{"key": "leak", "op": "equals", "value": True}],
        duration_s=3600,  # held, not yet long enough: only state
    )
    await h.rule(
        community,
        alarm_type="door_forced",
        kind="repeating",
        device_type="door_sensor",
        conditions=[{"key": "forced", "op": "equals", "value": True}],
        repeat_count=3,
        window_s=3600,
    )
    hot, wet, door = (f"d-{uuid.uuid4().hex[:8]}" for _ in range(3))
    start = datetime.now(UTC) - timedelta(seconds=30)
    batch = [
        *(
            reading_event(
                community,
                hot,
                "environment_sensor",
                {"temperature": 41 + i},
                start + timedelta(seconds=i),
            )
            for i in range(100)
        ),
        reading_event(community, wet, "water_sensor", {"leak": True}, start),
        *(
            reading_event(
                community, door, "door_sensor", {"forced": True}, start + timedelta(seconds=i)
            )
            for i in range(4)
        ),
    ]
    consumer: BatchConsumer = h.app.state.runtime.batch_consumers[0]
    evaluator = h.app.state.usecases.evaluator

    await consumer.handle_once(batch)  # the first delivery

    async def counted() -> bool:
        return any(a["count"] == 100 for a in await h.alarms(community, alarm_type="overheat"))

    await wait_for(counted)
    before = await snapshot(h, community)
    assert {(a[0], a[1], a[2]) for a in before[0]} == {
        (hot, "overheat", 100),
        (door, "door_forced", 2),  # raised at the third hit, counted at the fourth
    }

    await consumer.handle_once(batch)  # the same batch again, state still in memory
    assert await snapshot(h, community) == before

    evaluator.drop_cache()  # as after a rebalance or a restart: state from the database
    await consumer.handle_once(batch)
    assert await snapshot(h, community) == before

    # a newer reading still counts
    later = start + timedelta(seconds=200)
    await consumer.handle_once(
        [reading_event(community, hot, "environment_sensor", {"temperature": 50}, later)]
    )
    (alarm,) = await h.alarms(community, alarm_type="overheat")
    assert alarm["count"] == 101


async def test_a_spike_shorter_than_a_batch_still_raises(harness: Harness, community: str) -> None:
    """A crossing and the normal reading after it in one batch: the alarm is raised and
    cleared (nobody misses a short spike because both came in one poll)."""
    h = harness
    await overheat_rule(h, community)
    device = f"d-{uuid.uuid4().hex[:8]}"
    start = datetime.now(UTC)
    consumer: BatchConsumer = h.app.state.runtime.batch_consumers[0]
    temperatures = [20, 45, 20, 46, 47, 20]
    await consumer.handle_once(
        [
            reading_event(
                community,
                device,
                "environment_sensor",
                {"temperature": t},
                start + timedelta(seconds=i),
            )
            for i, t in enumerate(temperatures)
        ]
    )
    alarms = await h.alarms(community, alarm_type="overheat")
    assert [(a["status"], a["count"]) for a in alarms] == [("cleared_unack", 3)]
    events = [
        e["status"]
        for e in await h.published(h.settings.topic("alarm.events.v1"))
        if e["originator_id"] == device
    ]
    assert events == ["active_unack", "cleared_unack"]


async def test_one_batch_clears_raises_and_counts_different_causes(
    harness: Harness, community: str
) -> None:
    """The usual batch: one device's alarm clears, another's is raised, a third's repeats
    (written in one statement): each outcome, its history and its event, as one by one."""
    h = harness
    await overheat_rule(h, community)
    cooling, heating, staying = (f"d-{uuid.uuid4().hex[:8]}" for _ in range(3))
    start = datetime.now(UTC)
    consumer: BatchConsumer = h.app.state.runtime.batch_consumers[0]

    def batch(at: datetime, temperatures: dict[str, float]) -> list[TelemetryRecordedV1]:
        return [
            reading_event(community, device, "environment_sensor", {"temperature": t}, at)
            for device, t in temperatures.items()
        ]

    await consumer.handle_once(batch(start, {cooling: 45, heating: 20, staying: 50}))
    await consumer.handle_once(
        batch(start + timedelta(seconds=1), {cooling: 20, heating: 44, staying: 51})
    )
    alarms = {a["originator_id"]: a for a in await h.alarms(community, alarm_type="overheat")}
    assert (alarms[cooling]["status"], alarms[cooling]["count"]) == ("cleared_unack", 1)
    assert (alarms[heating]["status"], alarms[heating]["count"]) == ("active_unack", 1)
    assert (alarms[staying]["status"], alarms[staying]["count"]) == ("active_unack", 2)
    history = await h.sql(
        "SELECT a.originator_id, h.action FROM alarm_history h JOIN alarms a"
        " ON a.id = h.alarm_id WHERE a.community_id = :c AND h.action IN ('raised', 'cleared')"
        " ORDER BY h.id",
        c=community,
    )
    assert sorted(map(tuple, history)) == sorted(
        [(cooling, "raised"), (staying, "raised"), (cooling, "cleared"), (heating, "raised")]
    )
    events = [
        (e["originator_id"], e["status"])
        for e in await h.published(h.settings.topic("alarm.events.v1"))
        if e["originator_id"] in (cooling, heating, staying)
    ]
    assert sorted(events) == sorted(
        [
            (cooling, "active_unack"),
            (staying, "active_unack"),
            (cooling, "cleared_unack"),
            (heating, "active_unack"),
        ]
    )
