"""Shared attributes on their way to the device (ThingsBoard's attribute updates).

When staff change a device's shared attributes, the change is pushed to the device: on MQTT
``v1/devices/me/attributes`` to its connections subscribed there, and as the answer of an
HTTP long-poll ``GET /api/v1/{token}/attributes/updates`` waiting for it. The payload is
ThingsBoard's: the changed keys with their new values, and ``"deleted": [keys]`` for
removed ones.

This hub lives in the process: the device transport and the HTTP long-poll of this replica
hear every change made through this replica. (Changes made on another replica reach a
device here only once the transport takes its downlink from Kafka: issue 20, item 5.)
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

log = logging.getLogger(__name__)

Listener = Callable[[uuid.UUID, dict[str, Any]], Awaitable[object]]


def attribute_update(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    """ThingsBoard's update message from the old and new shared attributes ({} if none)."""
    update: dict[str, Any] = {k: v for k, v in new.items() if k not in old or old[k] != v}
    deleted = sorted(k for k in old if k not in new)
    if deleted:
        update["deleted"] = deleted
    return update


class AttributeUpdates:
    def __init__(self) -> None:
        self._listeners: list[Listener] = []
        self._waiters: dict[uuid.UUID, set[asyncio.Future[dict[str, Any]]]] = {}

    def listen(self, listener: Listener) -> None:
        self._listeners.append(listener)

    async def changed(self, device_id: uuid.UUID, update: dict[str, Any]) -> None:
        if not update:
            return
        for waiter in self._waiters.pop(device_id, set()):
            if not waiter.done():
                waiter.set_result(update)
        for listener in self._listeners:
            try:
                await listener(device_id, update)
            except Exception as exc:  # a device gone since: nothing to push
                log.info("attribute update of %s not pushed: %s", device_id, exc)

    def waiting(self, device_id: uuid.UUID) -> int:
        """How many long-polls wait for the device's next update."""
        return len(self._waiters.get(device_id, ()))

    async def wait(self, device_id: uuid.UUID, timeout_s: float) -> dict[str, Any] | None:
        """The next update of the device's shared attributes, or None after ``timeout_s``."""
        waiter: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._waiters.setdefault(device_id, set()).add(waiter)
        try:
            return await asyncio.wait_for(waiter, timeout_s)
        except TimeoutError:
            return None
        finally:
            waiters = self._waiters.get(device_id)
            if waiters is not None:
                waiters.discard(waiter)
                if not waiters:
                    with contextlib.suppress(KeyError):
                        del self._waiters[device_id]
