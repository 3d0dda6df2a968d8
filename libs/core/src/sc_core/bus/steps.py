"""Awaiting a Kafka client's step for a bounded time, and giving up on it for real.

After a whole-cluster restart aiokafka's start(), stop() and LeaveGroup waited for ever and
ignored being cancelled; ``asyncio.wait_for`` waits for that cancellation, so it hung too.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any


async def bounded(step: Awaitable[Any], seconds: float) -> Any:
    """Await ``step`` for at most ``seconds``; then give up on it without waiting for its
    cancellation (``asyncio.wait_for`` would: aiokafka's stop() and start() can sit on a
    dead coordinator and ignore being cancelled) and raise TimeoutError."""
    task = asyncio.ensure_future(step)
    done, _ = await asyncio.wait({task}, timeout=seconds)
    if not done:
        task.cancel()
        task.add_done_callback(lambda t: t.cancelled() or t.exception())  # no "never retrieved"
        raise TimeoutError(f"gave up after {seconds:.0f}s")
    if task.cancelled():
        # the step was cancelled from inside the client (aiokafka's stop() after a
        # whole-cluster restart): an error of the step, not a cancellation of the caller —
        # raised as CancelledError it ended the consumer's task without a word
        raise StepCancelled("the client cancelled the step itself")
    return task.result()


class StepCancelled(RuntimeError):
    """A bounded client step ended cancelled although nobody cancelled the caller."""
