"""Waiting for a condition in tests: poll until true, with a generous bound.

Tests never sleep for a fixed time and then assert (a loaded machine makes that fail); they
wait for what they expect to see. ``eventually`` is the one poller every test uses.
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable
from typing import Any

__all__ = ["eventually"]


async def eventually(
    probe: Callable[[], Awaitable[Any] | Any],
    timeout: float = 60.0,
    interval: float = 0.1,
    *,
    what: str | None = None,
) -> Any:
    """The first truthy result of ``probe()`` (a plain or an async function).

    Raises ``AssertionError`` naming ``what`` (or the probe) and its last result when
    nothing truthy came within ``timeout`` seconds. The bound is a failure guard, not a
    measurement: keep it generous.
    """
    deadline = time.monotonic() + timeout
    while True:
        result = probe()
        if inspect.isawaitable(result):
            result = await result
        if result:
            return result
        if time.monotonic() >= deadline:
            name = what or getattr(probe, "__qualname__", repr(probe))
            raise AssertionError(
                f"timed out after {timeout:g} s waiting for {name} (last: {result!r})"
            )
        await asyncio.sleep(interval)
