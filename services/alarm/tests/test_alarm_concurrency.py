"""Two consumers given the same burst produce one active alarm per cause: the partial
unique index and INSERT ... ON CONFLICT decide, not the consumers."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

from alarm.config import Settings
from alarm.engine import alarms as lifecycle
from alarm_helpers import Devices, Harness, running, wait_for
from sc_core.auth.testing import LocalIssuer


async def test_two_consumers_one_burst_one_alarm_per_cause(
    settings: Settings, issuer: LocalIssuer, harness: Harness, community: str, devices: Devices
) -> None:
    await harness.rule(
        community,
        alarm_type="overheat",
        kind="threshold",
        device_type="environment_sensor",
        conditions=[{"key": "temperature", "op": "above", "value": 40}],
    )
    # a second replica in another consumer group: both see every reading of the burst
    other = settings.model_copy(update={"evaluation_group": f"rival-{uuid.uuid4().hex[:6]}"})
    async with running(other, issuer) as rival:
        names = [f"d-{uuid.uuid4().hex[:6]}" for _ in range(8)]
        start = datetime.now(UTC)

        async def burst(name: str) -> None:  # each device in order, the devices at once
            for i in range(10):
                at = start + timedelta(milliseconds=i)
                await devices.reading(name, "environment_sensor", {"temperature": 45 + i}, at)

        await asyncio.gather(*(burst(name) for name in names))

        async def both_evaluated() -> bool:
            rows = await harness.sql(
                "SELECT count(*) FROM alarms WHERE community_id = :c AND count >= 10",
                c=community,
            )
            seen = {device for _, device in rival.app.state.usecases.evaluator.cache}
            return int(rows[0][0]) == len(names) and seen >= set(names)

        # each reading counts once (a replica that reads a state another one wrote skips
        # what was counted already), and every device has exactly one alarm
        await wait_for(both_evaluated, timeout=60)
        rows = await harness.sql(
            "SELECT originator_id, count(*) FROM alarms WHERE community_id = :c"
            " GROUP BY originator_id",
            c=community,
        )
        assert sorted(r[0] for r in rows) == sorted(names)
        assert {r[1] for r in rows} == {1}
        ids = {a["id"] for a in await rival.alarms(community)}
        raised = [
            e
            for e in await harness.published(
                settings.topic("alarm.events.v1"), "community.alarm.raised.v1"
            )
            if e["alarm_id"] in ids
        ]
        assert len(raised) == len(names)  # one raised event per alarm, not per replica


async def test_racing_transactions_meet_in_the_index(harness: Harness, community: str) -> None:
    """Many concurrent raises of one cause, each in its own transaction."""
    device = f"d-{uuid.uuid4().hex[:6]}"

    async def one() -> bool:
        async with harness.db.uow() as uow:
            cause = lifecycle.Cause(
                alarm_type="smoke",
                severity="critical",
                originator_type="device",
                originator_id=device,
                community_id=community,
                at=datetime.now(UTC),
                title="smoke",
            )
            raised = await lifecycle.raise_alarm(uow, cause)
            await uow.commit()
            return raised.created

    created = await asyncio.gather(*(one() for _ in range(12)))
    assert created.count(True) == 1
    alarms = await harness.alarms(community)
    assert len(alarms) == 1 and alarms[0]["count"] == 12
