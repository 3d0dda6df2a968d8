"""The contents of firmware packages in the object store (``sc_core.storage``), the few
that devices are fetching kept in memory while they fetch them chunk by chunk.

The store opens with the service; one that cannot open (a read-only disk, an unreachable
S3) leaves the rest of the service running, and what needs it answers 503
``firmware.unavailable``."""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections import OrderedDict

from sc_core.errors import Problem
from sc_core.storage import ObjectStore

log = logging.getLogger(__name__)
CACHED_PACKAGES = 4


def unavailable() -> Problem:
    return Problem(
        503,
        "firmware.unavailable",
        "The firmware store cannot be reached now; try again later",
        zh="暂时无法访问固件存储，请稍后再试",
    )


class FirmwareFiles:
    def __init__(self, store: ObjectStore) -> None:
        self.store = store
        self._started = False
        self._contents: OrderedDict[uuid.UUID, bytes] = OrderedDict()

    async def start(self) -> None:
        try:
            await self._open()
        except Exception as exc:
            log.error("firmware: the object store did not open (%s); uploads answer 503", exc)

    async def close(self) -> None:
        if self._started:
            await self.store.close()

    async def _open(self) -> None:
        if not self._started:
            await self.store.start()
            self._started = True

    async def put(self, key: str, data: bytes) -> None:
        try:
            await self._open()
            await self.store.put(key, data, "application/octet-stream")
        except Exception as exc:
            log.error("firmware: %s not stored: %s", key, exc)
            raise unavailable() from exc

    async def delete(self, key: str) -> None:
        with contextlib.suppress(Exception):  # a leftover object is only space
            await self.store.delete(key)

    async def content(self, package_id: uuid.UUID, key: str) -> bytes:
        cached = self._contents.get(package_id)
        if cached is not None:
            self._contents.move_to_end(package_id)
            return cached
        try:
            await self._open()
            data = await self.store.get(key)
        except Exception as exc:
            log.error("firmware: %s not read: %s", key, exc)
            raise unavailable() from exc
        if data is None:
            log.error("firmware: %s is missing from the store", key)
            raise unavailable()
        self._contents[package_id] = data
        while len(self._contents) > CACHED_PACKAGES:
            self._contents.popitem(last=False)
        return data
