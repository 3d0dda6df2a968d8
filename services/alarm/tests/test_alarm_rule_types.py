"""Every rule type raises and clears an alarm from readings produced onto the telemetry
topic; duration and repeating rules keep their state across a restart of the service."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from alarm.config import Settings
from alarm.db.models import metadata
from alarm_helpers import Devices, Harness, running, wait_for
from sc_core.auth.testing import LocalIssuer
from sc_core.db.migrate import model_drift


def dev() -> str:
    return f"d-{uuid.uuid4().hex[:8]}"


async def active(h: Harness, community: str, device: str) -> list[dict[str, Any]]:
    return [a for a in await h.alarms(community, active="true") if a["originator_id"] == device]


async def cleared(h: Harness, community: str, device: str) -> list[dict[str, Any]]:
    return [a for a in await h.alarms(community, active="false") if a["originator_id"] == device]


async def raised_then_cleared(
    h: Harness, community: str, device: str, alarm_type: str
) -> dict[str, Any]:
    async def done() -> list[dict[str, Any]]:
        return [a for a in await cleared(h, community, device) if a["alarm_type"] == alarm_type]

    found = await wait_for(done)
    assert found[0]["status"] == "cleared_unack"
    return dict(found[0])


async def test_migrations_match_the_models(harness: Harness) -> None:
    assert await model_drift(harness.settings.database_url, metadata) == []


async def test_threshold_raises_and_clears(
    harness: Harness, community: str, devices: Devices
) -> None:
    h, d = harness, dev()
    await h.rule(
        community,
        alarm_type="overheat",
        kind="threshold",
        device_type="environment_sensor",
        conditions=[{"key": "temperature", "op": "above", "value": 40}],
    )
    await devices.reading(d, "environment_sensor", {"temperature": 25})
    await devices.reading(d, "environment_sensor", {"temperature": 55}, building_id="b-1")
    await devices.reading(d, "environment_sensor", {"temperature": 60}, building_id="b-1")
    alarm = (await wait_for(lambda: active(h, community, d)))[0]
    assert alarm["alarm_type"] == "overheat" and alarm["status"] == "active_unack"
    assert alarm["building_id"] == "b-1"
    await devices.reading(d, "environment_sensor", {"temperature": 20})
    done = await raised_then_cleared(h, community, d, "overheat")
    assert done["count"] == 2  # the repeat counted on the same alarm
    assert done["id"] == alarm["id"]
    events = await h.published(h.settings.topic("alarm.events.v1"))
    mine = [e for e in events if e["alarm_id"] == alarm["id"]]
    assert [e["status"] for e in mine] == ["active_unack", "cleared_unack"]


async def test_outside_and_conditions(harness: Harness, community: str, devices: Devices) -> None:
    h, d1, d2 = harness, dev(), dev()
    await h.rule(
        community,
        alarm_type="ph_out_of_range",
        kind="threshold",
        device_type="water_quality_sensor",
        conditions=[{"key": "ph", "op": "outside", "low": 6.5, "high": 8.5}],
    )
    await h.rule(
        community,
        alarm_type="fire_suspected",
        kind="and",
        device_type="smoke_detector",
        conditions=[
            {"key": "smokeDetected", "op": "equals", "value": True},
            {"key": "smokeDensity", "op": "above", "value": 2},
        ],
    )
    await devices.reading(d1, "water_quality_sensor", {"ph": 9.1})
    await devices.reading(d2, "smoke_detector", {"smokeDetected": True, "smokeDensity": 1})
    await wait_for(lambda: active(h, community, d1))
    assert await active(h, community, d2) == []  # only one of the two conditions
    await devices.reading(d2, "smoke_detector", {"smokeDetected": True, "smokeDensity": 3})
    await wait_for(lambda: active(h, community, d2))
    await devices.reading(d1, "water_quality_sensor", {"ph": 7})
    await devices.reading(d2, "smoke_detector", {"smokeDetected": False, "smokeDensity": 0})
    await raised_then_cleared(h, community, d1, "ph_out_of_range")
    await raised_then_cleared(h, community, d2, "fire_suspected")


async def test_rate_of_change(harness: Harness, community: str, devices: Devices) -> None:
    h, d = harness, dev()
    await h.rule(
        community,
        alarm_type="tank_draining",
        kind="rate",
        device_type="water_tank",
        rate_key="waterLevel",
        rate_max=1.0,
        rate_per_s=60,
        rate_direction="fall",
    )
    t0 = datetime.now(UTC)
    await devices.reading(d, "water_tank", {"waterLevel": 10.0}, ts=t0)
    await devices.reading(d, "water_tank", {"waterLevel": 9.5}, ts=t0 + timedelta(seconds=60))
    await devices.reading(d, "water_tank", {"waterLevel": 6.0}, ts=t0 + timedelta(seconds=120))
    alarm = (await wait_for(lambda: active(h, community, d)))[0]
    assert alarm["details"]["rate"] == -3.5
    await devices.reading(d, "water_tank", {"waterLevel": 5.9}, ts=t0 + timedelta(seconds=180))
    await raised_then_cleared(h, community, d, "tank_draining")


async def test_inactivity_silent_and_offline(
    harness: Harness, community: str, devices: Devices
) -> None:
    h, silent, offline = harness, dev(), dev()
    await h.rule(
        community,
        alarm_type="no_data",
        kind="inactivity",
        device_type="door_contact",
        inactivity_s=1,
    )
    await h.rule(
        community,
        alarm_type="offline",
        kind="inactivity",
        device_type="water_tank",
        offline=True,
        severity="major",
    )
    await devices.reading(silent, "door_contact", {"open": False})
    alarm = (await wait_for(lambda: active(h, community, silent)))[0]  # the timer fired
    assert alarm["alarm_type"] == "no_data"
    await devices.reading(silent, "door_contact", {"open": True})
    await raised_then_cleared(h, community, silent, "no_data")

    await devices.status(offline, "water_tank", "offline")
    alarm = (await wait_for(lambda: active(h, community, offline)))[0]
    assert (alarm["alarm_type"], alarm["severity"]) == ("offline", "major")
    await devices.status(offline, "water_tank", "online")
    await raised_then_cleared(h, community, offline, "offline")


async def test_schedule_keeps_a_rule_quiet_outside_its_window(
    harness: Harness, community: str, devices: Devices
) -> None:
    h, d = harness, dev()
    now = datetime.now(UTC)
    later = (now + timedelta(hours=3)).strftime("%H:%M")
    later2 = (now + timedelta(hours=4)).strftime("%H:%M")
    await h.rule(
        community,
        alarm_type="door_open_at_night",
        kind="threshold",
        device_type="door_contact",
        conditions=[{"key": "open", "op": "equals", "value": True}],
        schedule={"timezone": "UTC", "windows": [{"start": later, "end": later2}]},
    )
    await h.rule(  # a marker: once it has raised, the reading above was evaluated too
        community,
        alarm_type="marker",
        kind="threshold",
        device_id=d,
        conditions=[{"key": "marker", "op": "equals", "value": True}],
    )
    await devices.reading(d, "door_contact", {"open": True})
    await devices.reading(d, "door_contact", {"marker": True})
    found = await wait_for(lambda: active(h, community, d))
    assert [a["alarm_type"] for a in found] == ["marker"]


async def test_duration_and_repeating_survive_a_restart(
    settings: Settings, issuer: LocalIssuer, community: str, devices: Devices, harness: Harness
) -> None:
    """Half of the duration and two of three repeats before a restart; the rest after."""
    d_hot, d_rep = dev(), dev()
    await harness.rule(
        community,
        alarm_type="hot_for_a_minute",
        kind="duration",
        device_type="environment_sensor",
        duration_s=60,
        conditions=[{"key": "temperature", "op": "above", "value": 40}],
    )
    await harness.rule(
        community,
        alarm_type="gate_forced_thrice",
        kind="repeating",
        device_type="gate",
        repeat_count=3,
        window_s=600,
        conditions=[{"key": "forced", "op": "equals", "value": True}],
    )
    t0 = datetime.now(UTC)
    await devices.reading(d_hot, "environment_sensor", {"temperature": 50}, ts=t0)
    await devices.reading(
        d_hot, "environment_sensor", {"temperature": 51}, ts=t0 + timedelta(seconds=30)
    )
    await devices.reading(d_rep, "gate", {"forced": True}, ts=t0)
    await devices.reading(d_rep, "gate", {"forced": True}, ts=t0 + timedelta(seconds=5))

    async def states_saved() -> bool:
        rows = await harness.sql(
            "SELECT count(*) FROM rule_states WHERE originator_id IN (:a, :b)"
            " AND state->>'last_ts' IS NOT NULL"
            " AND (state ? 'since' OR jsonb_array_length(state->'hits') = 2)",
            a=d_hot,
            b=d_rep,
        )
        return rows[0][0] == 2

    await wait_for(states_saved)
    assert await active(harness, community, d_hot) == []
    assert await active(harness, community, d_rep) == []

    # a second service process on the same database (the first stands for the one that
    # died): the state it finds is what the first committed
    await harness.app.state.runtime.batch_consumers[0].stop()
    async with running(settings, issuer) as again:
        await devices.reading(
            d_hot, "environment_sensor", {"temperature": 52}, ts=t0 + timedelta(seconds=61)
        )
        await devices.reading(d_rep, "gate", {"forced": True}, ts=t0 + timedelta(seconds=9))
        hot = (await wait_for(lambda: active(again, community, d_hot)))[0]
        rep = (await wait_for(lambda: active(again, community, d_rep)))[0]
        assert hot["alarm_type"] == "hot_for_a_minute"
        assert rep["alarm_type"] == "gate_forced_thrice" and rep["details"]["hits"] == 3
        await devices.reading(
            d_hot, "environment_sensor", {"temperature": 20}, ts=t0 + timedelta(seconds=70)
        )
        await devices.reading(d_rep, "gate", {"forced": False}, ts=t0 + timedelta(seconds=700))
        await raised_then_cleared(again, community, d_hot, "hot_for_a_minute")
        await raised_then_cleared(again, community, d_rep, "gate_forced_thrice")
