"""Helpers for the parking-payment tests: wait for a condition, a callback receiver."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route


async def wait_for(condition: Callable[[], Any], *, timeout: float = 20.0, what: str = "") -> Any:
    """Poll ``condition`` until it is truthy (generous bound; never sleep-then-assert)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        await asyncio.sleep(0.02)


class CallbackReceiver:
    """A merchant's notify endpoint for tests: hands each request to ``handle`` (headers,
    body) which answers (status, json-or-text) and keeps what it saw."""

    def __init__(self, handle: Callable[[dict[str, str], bytes], tuple[int, Any]]) -> None:
        self.handle = handle
        self.seen: list[tuple[dict[str, str], bytes, int]] = []
        self.app = Starlette(routes=[Route("/notify", self._notify, methods=["POST"])])

    async def _notify(self, request: Request) -> Response:
        headers = dict(request.headers)
        body = await request.body()
        status, answer = self.handle(headers, body)
        self.seen.append((headers, body, status))
        if isinstance(answer, str):
            return Response(answer, status_code=status, media_type="text/plain")
        if answer is None:
            return Response(status_code=status)
        return JSONResponse(answer, status_code=status)
