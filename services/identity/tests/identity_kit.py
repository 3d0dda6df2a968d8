"""What identity's tests share: the running app, the demo, real tokens per account."""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aiokafka import AIOKafkaConsumer
from fastapi import FastAPI
from httpx import AsyncClient, Response
from identity.auth.keystore import KeyStore
from identity.auth.tokens import issue_access_token
from identity.db.access import Door
from identity.db.auth import Account, Grant
from identity.db.register import Building, Community, Grid, Household, Person, Room, Unit
from identity.demo import DEFAULT_PASSWORD, load_demo
from sqlalchemy import select, text

from sc_core.db import Database

PASSWORD = DEFAULT_PASSWORD
INTEGRATOR_SECRET = "integrator-test-secret"  # the tests' own, not the demo password


@dataclass
class IdentityKit:
    app: FastAPI
    client: AsyncClient
    ids: dict[str, uuid.UUID] = field(default_factory=dict)

    @property
    def db(self) -> Database:
        db = self.app.state.runtime.db
        assert db is not None
        return db

    @property
    def keystore(self) -> KeyStore:
        keystore: KeyStore = self.app.state.keystore
        return keystore

    async def load_demo(self) -> None:
        await load_demo(self.db, PASSWORD, INTEGRATOR_SECRET)
        async with self.db.uow() as uow:
            s = uow.session
            self.ids["community"] = (await s.scalars(select(Community.id))).one()
            for grid in await s.scalars(select(Grid)):
                self.ids[f"grid{grid.code[1:]}"] = grid.id
            for b in await s.scalars(select(Building)):
                self.ids[f"building{b.code}"] = b.id
            for u in await s.scalars(select(Unit)):
                code = (await s.get(Building, u.building_id)).code  # type: ignore[union-attr]
                self.ids[f"unit{code}-{u.code}"] = u.id
            for r in await s.scalars(select(Room).where(Room.code.in_(["101", "201", "302"]))):
                self.ids[f"room{r.standard_code.removeprefix('DEMO-001-')}"] = r.id
            for h in await s.scalars(select(Household)):
                self.ids[f"household{h.name}"] = h.id
            for p in await s.scalars(select(Person)):
                self.ids[f"person:{p.name}"] = p.id
            for d in await s.scalars(select(Door)):
                self.ids[f"door:{d.device_id.removeprefix('demo-door-')}"] = d.id
            for a in await s.scalars(select(Account)):
                self.ids[f"account:{a.username}"] = a.id

    async def token(self, username: str, *, now: datetime | None = None) -> str:
        async with self.db.uow() as uow:
            account = (
                await uow.session.scalars(select(Account).where(Account.username == username))
            ).one()
            grants = list(
                await uow.session.scalars(select(Grant).where(Grant.account_id == account.id))
            )
            return await issue_access_token(self.keystore, account, grants, now=now)

    async def auth(self, username: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {await self.token(username)}"}

    async def as_(self, username: str, method: str, url: str, **kwargs: Any) -> Response:
        headers = {**kwargs.pop("headers", {}), **(await self.auth(username))}
        return await self.client.request(method, url, headers=headers, **kwargs)

    async def login(self, username: str, password: str = PASSWORD, **kw: Any) -> Response:
        return await self.client.post(
            "/api/v1/auth/token", json={"username": username, "password": password}, **kw
        )

    async def sms_code(self, phone: str, purpose: str = "login") -> str:
        """Ask for a code for ``phone`` and read it where a developer does: the
        development SMS sink (GET /api/v1/dev/sms-sink, platform admins)."""
        sent = await self.client.post(
            "/api/v1/auth/sms-codes", json={"phone": phone, "purpose": purpose}
        )
        assert sent.status_code == 202, sent.text
        return await self.last_sms_code(phone)

    async def last_sms_code(self, phone: str) -> str:
        sink = await self.as_(
            "platform_admin", "GET", "/api/v1/dev/sms-sink", params={"phone": phone}
        )
        assert sink.status_code == 200, sink.text
        items = sink.json()["items"]
        assert items, f"no SMS to {phone} in the sink"
        found = re.search(r"验证码 (\d{6})", items[0]["body"]) or re.search(
            r"code is (\d{6})", items[0]["body"]
        )
        assert found, items[0]["body"]
        return found.group(1)

    async def sql(self, statement: str, **params: Any) -> list[Any]:
        async with self.db.engine.connect() as conn:
            return list((await conn.execute(text(statement), params)).all())

    async def outbox_types(self, topic: str) -> list[str]:
        rows = await self.sql(
            "SELECT headers->>'ce_type' FROM event_outbox WHERE topic = :t ORDER BY seq", t=topic
        )
        return [r[0] for r in rows]

    async def audit_actions(self) -> list[dict[str, Any]]:
        rows = await self.sql(
            "SELECT payload FROM event_outbox WHERE topic = 'audit.records.v1' ORDER BY seq"
        )
        return [json.loads(bytes(r[0])) for r in rows]


async def consume_until(
    bootstrap: str,
    topic: str,
    wanted: Callable[[dict[str, Any], dict[str, str]], bool],
    timeout: float = 20.0,
) -> tuple[dict[str, Any], dict[str, str]]:
    """The first message on ``topic`` (from the beginning) whose JSON body and headers
    satisfy ``wanted``; fails after ``timeout`` seconds."""
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest")
    await consumer.start()
    try:
        async with asyncio.timeout(timeout):
            async for msg in consumer:
                body = json.loads(msg.value or b"{}")
                headers = {k: v.decode() for k, v in msg.headers or []}
                if wanted(body, headers):
                    return body, headers
    finally:
        await consumer.stop()
    raise AssertionError(f"no wanted message on {topic}")
