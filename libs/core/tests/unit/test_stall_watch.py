"""A consumer left with no partitions and no group coordinator is restarted after a while;
one that merely has no partition (more replicas than partitions) is left alone."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import pytest

from sc_core.bus.consumer import ConsumerStalled, StallWatch


def client(assigned: set[Any], coordinator_id: int | None) -> Any:
    return SimpleNamespace(
        assignment=lambda: assigned, _coordinator=SimpleNamespace(coordinator_id=coordinator_id)
    )


async def test_lost_group_is_noticed_after_the_grace_period() -> None:
    watch = StallWatch("t", 0.05)
    lost = client(set(), None)
    watch.check(lost)
    await asyncio.sleep(0.02)
    watch.check(lost)  # not yet
    await asyncio.sleep(0.05)
    with pytest.raises(ConsumerStalled):
        watch.check(lost)


async def test_idle_replica_and_recovered_group_are_left_alone() -> None:
    watch = StallWatch("t", 0.01)
    for _ in range(3):
        watch.check(client(set(), 3))  # a coordinator, just no partition for this replica
        await asyncio.sleep(0.02)
    watch.check(client(set(), None))
    await asyncio.sleep(0.02)
    watch.check(client({("t", 0)}, None))  # partitions again: the clock starts over
    await asyncio.sleep(0.02)
    watch.check(client(set(), None))
