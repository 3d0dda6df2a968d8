"""An ASGI app served on a loopback port for a test: a stand-in upstream, a provider's
simulator. Started with a bounded wait for uvicorn to listen, stopped once however often
``stop`` is called."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import uvicorn

from sc_devinfra._proc import free_port
from sc_devinfra.waiting import eventually

__all__ = ["Served", "serve_app", "serving"]

LOOPBACK = "127.0.0.1"


@dataclass
class Served:
    url: str
    server: uvicorn.Server
    task: asyncio.Task[None]

    async def stop(self, timeout: float = 15.0) -> None:
        """Stop listening (a stand-in upstream going down); a second call does nothing."""
        self.server.should_exit = True
        await asyncio.wait_for(asyncio.shield(self.task), timeout)


async def serve_app(app: Any, *, start_timeout: float = 60.0) -> Served:
    """``app`` listening on a free loopback port once this returns."""
    port = free_port(LOOPBACK)
    server = uvicorn.Server(uvicorn.Config(app, host=LOOPBACK, port=port, log_level="warning"))
    task = asyncio.create_task(server.serve())

    def listening() -> bool:
        if task.done():  # it failed to start: say why instead of waiting out the bound
            task.result()
        return bool(server.started)

    await eventually(listening, start_timeout, 0.01, what=f"uvicorn on {LOOPBACK}:{port}")
    return Served(f"http://{LOOPBACK}:{port}", server, task)


@asynccontextmanager
async def serving(app: Any, *, start_timeout: float = 60.0) -> AsyncIterator[Served]:
    served = await serve_app(app, start_timeout=start_timeout)
    try:
        yield served
    finally:
        await served.stop()
