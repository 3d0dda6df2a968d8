"""A consumer client that fetches nothing while records wait (or whose brokers do not
answer) is restarted; an idle one, or a replica without partitions, is left alone."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import pytest

from sc_core.bus.consumer import ConsumerStalled, StallWatch

TP = ("audit.records.v1", 0)


def client(
    assigned: set[Any],
    *,
    end: int = 10,
    position: int = 10,
    coordinator: int | None = 1,
    fetched: dict[Any, list[Any]] | None = None,
) -> Any:
    async def end_offsets(partitions: list[Any]) -> dict[Any, int]:
        if end < 0:
            raise ConnectionError("no broker")
        return dict.fromkeys(partitions, end)

    async def position_of(tp: Any) -> int:
        return position

    async def getmany(timeout_ms: int, max_records: int) -> dict[Any, list[Any]]:
        if fetched is None:  # a rebalance that never ends: aiokafka waits without limit
            await asyncio.Event().wait()
        return fetched or {}

    return SimpleNamespace(
        getmany=getmany,
        assignment=lambda: assigned,
        end_offsets=end_offsets,
        position=position_of,
        highwater=lambda tp: None,  # no fetch answer seen: no lag recorded
        _coordinator=SimpleNamespace(coordinator_id=coordinator),
    )


async def quiet_for(watch: StallWatch, consumer: Any, seconds: float) -> None:
    await watch.check(consumer, True)
    await asyncio.sleep(seconds)
    await watch.check(consumer, False)


async def test_records_waiting_but_none_fetched_is_a_stall() -> None:
    watch = StallWatch("t", 0.02)
    stuck = client({TP}, end=15, position=10)
    await quiet_for(watch, stuck, 0.05)  # the first look: perhaps written a moment ago
    await asyncio.sleep(0.05)
    with pytest.raises(ConsumerStalled, match="5 records waiting, none fetched"):
        await watch.check(stuck, False)


async def test_a_burst_written_as_a_quiet_consumer_looks_is_not_a_stall() -> None:
    """A consumer quiet for the whole period looks just as 200 records are written; it
    fetches them at its next poll and is left alone (it reconnected and rebalanced the
    group every minute before)."""
    watch = StallWatch("t", 0.02)
    await quiet_for(watch, client({TP}, end=210, position=10), 0.05)  # the burst, just written
    await watch.check(client({TP}, end=210, position=210), True)  # fetched at the next poll
    await asyncio.sleep(0.05)
    await watch.check(client({TP}, end=210, position=210), False)  # idle again: left alone
    await quiet_for(watch, client({TP}, end=220, position=210), 0.05)  # the next burst
    await asyncio.sleep(0.05)
    await watch.check(client({TP}, end=220, position=220), False)  # fetched meanwhile


async def test_brokers_that_do_not_answer_are_a_stall() -> None:
    watch = StallWatch("t", 0.02)
    with pytest.raises(ConsumerStalled, match="do not answer"):
        await quiet_for(watch, client({TP}, end=-1), 0.05)


async def test_lost_group_without_partitions_is_a_stall() -> None:
    watch = StallWatch("t", 0.02)
    with pytest.raises(ConsumerStalled, match="no group coordinator"):
        await quiet_for(watch, client(set(), coordinator=None), 0.05)


async def test_idle_consumer_and_partitionless_replica_are_left_alone() -> None:
    watch = StallWatch("t", 0.02)
    await quiet_for(watch, client({TP}, end=10, position=10), 0.05)  # caught up, just idle
    await quiet_for(watch, client(set(), coordinator=3), 0.05)  # no partition, has a group
    await watch.check(client({TP}, end=99, position=0), False)  # within the grace period


async def test_bounded_gives_up_on_a_step_that_ignores_cancellation() -> None:
    from sc_core.bus.consumer import bounded

    release = asyncio.Event()

    async def stubborn() -> None:
        while not release.is_set():
            try:
                await asyncio.sleep(0.01)
            except asyncio.CancelledError:
                continue  # as a client stuck on a dead coordinator does

    # returns although the step never ends (asyncio.wait_for would wait for ever here)
    with pytest.raises(TimeoutError):
        await bounded(stubborn(), 0.05)
    release.set()
    assert await bounded(asyncio.sleep(0, result=7), 1) == 7


async def test_a_poll_stuck_waiting_for_a_rebalance_is_a_stall() -> None:
    watch = StallWatch("t", 0.02)
    records = {TP: ["r1", "r2"]}
    assert await watch.poll(client({TP}, fetched=records), timeout_ms=1, max_records=9) == records
    with pytest.raises(ConsumerStalled, match="did not re-form"):
        await watch.poll(client({TP}, fetched=None), timeout_ms=1, max_records=9)


async def test_a_step_the_client_cancels_itself_is_an_error_not_our_cancellation() -> None:
    from sc_core.bus.consumer import StepCancelled, bounded

    async def cancelled_inside() -> None:
        inner = asyncio.get_running_loop().create_future()
        inner.cancel()  # as aiokafka's stop() does with its own routines
        await inner

    # an Exception the consumer's reconnect loop handles; a CancelledError ended its task
    with pytest.raises(StepCancelled):
        await bounded(cancelled_inside(), 1)
    assert asyncio.current_task().cancelling() == 0  # type: ignore[union-attr]
