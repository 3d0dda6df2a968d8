"""Helpers for the parking-payment tests: wait for a condition, a callback receiver."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sc_devinfra.waiting import eventually


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


class RecordingUow:
    """Until the service kit lands (phase B): the platform's unit of work (real session,
    real commit) with the kit's ``publish(model, key=)`` and ``audit(...)`` recorded in
    lists that count only when the unit of work commits."""

    def __init__(self, inner: Any, published: list[Any], audited: list[dict[str, Any]]) -> None:
        self.inner = inner
        self._published = published
        self._audited = audited
        self._pending: list[Any] = []
        self._pending_audit: list[dict[str, Any]] = []

    @property
    def session(self) -> Any:
        return self.inner.session

    async def publish(self, data: Any, *, key: str) -> Any:
        self._pending.append((data, key))
        return data

    async def audit(
        self,
        who: Any,
        action: str,
        resource_type: str,
        resource_id: Any = None,
        *,
        community_id: Any = None,
        detail: Any = None,
        outcome: Any = "success",
    ) -> Any:
        self._pending_audit.append(
            {"action": action, "resource_id": resource_id, "outcome": outcome, "detail": detail}
        )

    async def commit(self) -> None:
        await self.inner.commit()
        self._published.extend(self._pending)
        self._audited.extend(self._pending_audit)
        self._pending, self._pending_audit = [], []

    async def __aenter__(self) -> RecordingUow:
        await self.inner.__aenter__()
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.inner.__aexit__(*exc)


class RecordingUowFactory:
    def __init__(self, db: Any) -> None:
        self.db = db
        self.published: list[Any] = []
        self.audited: list[dict[str, Any]] = []

    def __call__(self) -> RecordingUow:
        return RecordingUow(self.db.uow(), self.published, self.audited)


wait_for = eventually
