"""Helpers of the device-ingestion tests: an HTTP client on the app, tokens, waiting
for storage."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from device_ingestion.api.deps import Parts
from device_ingestion.db.models import telemetry
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from sqlalchemy import func, select, text

from sc_core.auth import Grant
from sc_core.auth.testing import LocalIssuer
from sc_core.db.engine import Database


@dataclass
class Harness:
    app: FastAPI
    client: AsyncClient
    issuer: LocalIssuer

    @classmethod
    @contextlib.asynccontextmanager
    async def open(cls, app: FastAPI, issuer: LocalIssuer) -> AsyncIterator[Harness]:
        transport = ASGITransport(app=app)
        async with AsyncClient(transport=transport, base_url="http://device-ingestion") as c:
            yield cls(app, c, issuer)

    @property
    def parts(self) -> Parts:
        parts: Parts = self.app.state.parts
        return parts

    @property
    def db(self) -> Database:
        db = self.app.state.runtime.db
        assert db is not None
        return db

    def admin(self, community: str, role: str = "community_admin") -> dict[str, str]:
        return self.issuer.bearer("admin-1", grants=[Grant(role, "community", community)])

    def user(self, *grants: Grant, sub: str = "user-1") -> dict[str, str]:
        return self.issuer.bearer(sub, grants=list(grants))

    async def create_device(
        self, community: str, name: str, device_type: str, **place: Any
    ) -> dict[str, Any]:
        body = {"name": name, "device_type": device_type, "community_id": community, **place}
        response = await self.client.post(
            "/api/v1/devices", json=body, headers=self.admin(community)
        )
        assert response.status_code == 201, response.text
        created: dict[str, Any] = response.json()
        return created

    async def stored_rows(self, device_id: str | None = None) -> int:
        query = select(func.count()).select_from(telemetry)
        if device_id is not None:
            query = query.where(telemetry.c.device_id == device_id)
        async with self.db.engine.connect() as conn:
            return int(await conn.scalar(query) or 0)

    async def wait_stored(self, expected: int, device_id: str | None = None) -> int:
        """Wait (bounded) until ``expected`` raw rows are stored; returns what is there."""
        deadline = time.monotonic() + 30
        while True:
            rows = await self.stored_rows(device_id)
            if rows >= expected or time.monotonic() > deadline:
                # give a redelivery or a stray extra row the chance to show up
                return rows
            await asyncio.sleep(0.05)

    async def sql(self, statement: str, **params: Any) -> list[Any]:
        async with self.db.engine.connect() as conn:
            return list((await conn.execute(text(statement), params)).all())
