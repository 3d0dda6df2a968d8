"""Commands: create, deliver, complete, expire.

States: ``queued`` (stored) -> ``sent`` (published on the device's MQTT RPC topic or
handed to its HTTP long-poll) -> ``succeeded`` / ``failed`` (the device answered; an
answer with an ``error`` member is a failure) or ``expired`` (no answer by
``expires_at``). Every change is stored; nothing is kept only in memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from sqlalchemy import and_, case, func, select, update
from sqlalchemy.dialects.postgresql import insert

from device_ingestion.db.models import device_commands
from device_ingestion.ingest.directory import DeviceRef
from sc_contracts.events import CommandOutcome, DeviceCommandCompletedV1, DeviceCommandRequestedV1
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork

log = logging.getLogger(__name__)
OPEN = ("queued", "sent")

#: publishes a server-side RPC request: True/None when a device connection took it, False
#: when handed on to the MQTT transport replicas (the one that delivers it marks it sent)
Sender = Callable[[uuid.UUID, int, dict[str, Any]], Awaitable[bool | None]]


def completion_event(row: Any) -> DeviceCommandCompletedV1:
    """``community.device.command_completed.v1`` for a command row that has ended."""
    result = row.result if isinstance(row.result, dict) else {"value": row.result}
    scalars = {k: v for k, v in (result or {}).items() if isinstance(v, bool | int | float | str)}
    return DeviceCommandCompletedV1(
        command_id=str(row.id),
        request_command_id=row.request_event_id,
        device_id=str(row.device_id),
        community_id=row.community_id,
        command=row.method,
        outcome=CommandOutcome(row.status),
        result=scalars,
        error=row.error[:1000] if row.error else None,  # the contract's limit
        requested_by=row.requested_by,
        completed_at=row.completed_at or datetime.now(UTC),
    )


class CommandService:
    def __init__(self, db: Database, default_timeout_s: int) -> None:
        self.db = db
        self.default_timeout_s = default_timeout_s
        self.mqtt_send: Sender | None = None
        self._waiters: dict[uuid.UUID, asyncio.Event] = {}

    async def create(
        self,
        device: DeviceRef,
        method: str,
        params: dict[str, Any],
        *,
        source: str,
        requested_by: str | None,
        timeout_s: int | None = None,
        expires_at: datetime | None = None,
        request_event_id: str | None = None,
        refusal: str | None = None,
    ) -> Any:
        """Store a queued command (idempotent on ``request_event_id``) and deliver it.

        With ``refusal`` (a command the device cannot take) the command is stored as
        failed with that reason and its outcome announced, so the requester learns why.
        """
        now = datetime.now(UTC)
        expires = expires_at or now + timedelta(seconds=timeout_s or self.default_timeout_s)
        status = "failed" if refusal else "queued" if expires > now else "expired"
        values = {
            "id": uuid.uuid4(),
            "device_id": device.id,
            "community_id": device.community_id,
            "method": method,
            "params": params,
            "status": status,
            "source": source,
            "requested_by": requested_by,
            "request_event_id": request_event_id,
            "expires_at": expires,
            "completed_at": None if status == "queued" else now,
        }
        if refusal:
            values["error"] = refusal
        async with self.db.uow() as uow:
            row = (
                await uow.session.execute(
                    insert(device_commands)
                    .values(**values)
                    .on_conflict_do_nothing(index_elements=["request_event_id"])
                    .returning(device_commands)
                )
            ).first()
            if row is not None and row.status != "queued":  # late, or refused, on arrival
                await self._announce(uow, row)
            await uow.commit()
        if row is None:  # the same request event again
            async with self.db.engine.connect() as conn:
                query = select(device_commands).where(
                    device_commands.c.request_event_id == request_event_id
                )
                return (await conn.execute(query)).one()
        if row.status == "queued":
            row = await self.deliver(row)
        return row

    async def deliver(self, row: Any) -> Any:
        """Publish on MQTT when connected (or hand it to the MQTT transports through
        Kafka: ADR 0038); the HTTP long-poll picks it up otherwise too."""
        waiter = self._waiters.get(row.device_id)
        if waiter is not None:
            waiter.set()
        if self.mqtt_send is None:
            return row
        try:
            body = {"method": row.method, "params": row.params}
            taken = await self.mqtt_send(row.device_id, row.rpc_id, body)
        except Exception as exc:
            log.info("command %s: not published on MQTT (%s); waits for a poll", row.id, exc)
            return row
        if taken is False:  # on its way to the transport replicas
            return row
        return await self._mark_sent(row.id) or row

    async def delivered(self, device_id: uuid.UUID, rpc_id: int) -> None:
        """A transport replica delivered the RPC request on a device connection (ADR 0038):
        ``queued`` becomes ``sent``; an answer that came first keeps its status and gets the
        time it was sent."""
        queued = device_commands.c.status == "queued"
        async with self.db.uow() as uow:
            await uow.session.execute(
                update(device_commands)
                .where(
                    device_commands.c.device_id == device_id,
                    device_commands.c.rpc_id == rpc_id,
                    device_commands.c.sent_at.is_(None),
                )
                .values(
                    status=case((queued, "sent"), else_=device_commands.c.status),
                    sent_at=func.now(),
                )
            )
            await uow.commit()

    async def _mark_sent(self, command_id: uuid.UUID) -> Any:
        async with self.db.uow() as uow:
            row = (
                await uow.session.execute(
                    update(device_commands)
                    .where(device_commands.c.id == command_id, device_commands.c.status == "queued")
                    .values(status="sent", sent_at=func.now())
                    .returning(device_commands)
                )
            ).first()
            await uow.commit()
        return row

    async def next_for(self, device: DeviceRef, wait_s: float) -> Any:
        """The oldest open command of the device, waiting up to ``wait_s`` for one."""
        deadline = asyncio.get_running_loop().time() + wait_s
        while True:
            waiter = self._waiters.setdefault(device.id, asyncio.Event())
            waiter.clear()
            row = await self._oldest_open(device.id)
            if row is not None:
                return (await self._mark_sent(row.id)) or row
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                return None
            # woken by a command created here; other replicas' commands within a second
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(waiter.wait(), min(left, 1.0))

    async def _oldest_open(self, device_id: uuid.UUID) -> Any:
        query = (
            select(device_commands)
            .where(
                device_commands.c.device_id == device_id,
                device_commands.c.status.in_(OPEN),
                device_commands.c.expires_at > func.now(),
            )
            .order_by(device_commands.c.rpc_id)
            .limit(1)
        )
        async with self.db.engine.connect() as conn:
            return (await conn.execute(query)).first()

    async def complete(self, device: DeviceRef, rpc_id: int, result: Any) -> bool:
        """Store the device's answer; False when it answers no open command of its own."""
        failed = isinstance(result, dict) and "error" in result
        async with self.db.uow() as uow:
            row = (
                await uow.session.execute(
                    update(device_commands)
                    .where(
                        device_commands.c.rpc_id == rpc_id,
                        device_commands.c.device_id == device.id,
                        device_commands.c.status.in_(OPEN),
                    )
                    .values(
                        status="failed" if failed else "succeeded",
                        result=result,
                        error=str(result["error"])[:1000] if failed else None,
                        completed_at=func.now(),
                    )
                    .returning(device_commands)
                )
            ).first()
            if row is not None:
                await self._announce(uow, row)
            await uow.commit()
        return row is not None

    async def refuse_unknown(self, data: DeviceCommandRequestedV1, reason: str) -> None:
        """Announce a command for a device this service does not have as failed (nothing
        is stored: there is no device to keep it for). Needs the requester's community."""
        if not data.community_id:
            return
        row = SimpleNamespace(
            id=uuid.uuid5(uuid.NAMESPACE_URL, f"command:{data.command_id}"),
            request_event_id=data.command_id,
            device_id=data.device_id,
            community_id=data.community_id,
            method=data.command,
            status="failed",
            result=None,
            error=reason,
            requested_by=data.requested_by,
            completed_at=datetime.now(UTC),
        )
        async with self.db.uow() as uow:
            await self._announce(uow, row)
            await uow.commit()

    async def _announce(self, uow: UnitOfWork, row: Any) -> None:
        await uow.publish(completion_event(row), key=str(row.device_id))

    async def expire(self, now: datetime | None = None) -> int:
        """Every open command past its expiry becomes ``expired``."""
        async with self.db.uow() as uow:
            result = await uow.session.execute(
                update(device_commands)
                .where(
                    and_(
                        device_commands.c.completed_at.is_(None),
                        device_commands.c.expires_at <= (now or func.now()),
                    )
                )
                .values(status="expired", completed_at=func.now(), error="no answer in time")
                .returning(device_commands)
            )
            rows = result.all()
            for row in rows:
                await self._announce(uow, row)
            await uow.commit()
        return len(rows)
