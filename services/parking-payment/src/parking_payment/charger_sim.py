"""A simulated EV charge point (模拟充电桩) for ``make run`` and the end-to-end tests: an
OCPP 1.6J charger built on the PyPI ``ocpp`` library's own ChargePoint, connected to this
service's central system as a real pile would be (``OCPP_DEMO_CHARGER``: its identity; the
stack sets it and the demo registers the pile in the demo community).

It keeps connecting until the pile is registered (the central system refuses an unknown
identity at the handshake), boots, and then does what a plugged-in car's pile does: a
remote start is accepted and starts a transaction with that id tag, meter values follow
every ``every_s`` seconds with the energy rising by ``wh_per_tick``, a remote stop is
accepted and ends the transaction with the last meter reading. Nothing here runs in
production (the setting is empty there)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime
from typing import Any

from ocpp.routing import on
from ocpp.v16 import ChargePoint, call, call_result
from websockets.asyncio.client import connect

log = logging.getLogger(__name__)


def _now() -> str:
    return datetime.now(UTC).isoformat()


class SimulatedPile(ChargePoint):
    """The charger's side: one connector, a car always plugged in."""

    def __init__(self, cp_id: str, ws: Any, every_s: float, wh_per_tick: int) -> None:
        super().__init__(cp_id, ws)
        self.every_s, self.wh_per_tick = every_s, wh_per_tick
        self.meter_wh = 0
        self.transaction: int | None = None
        self.charging: asyncio.Task[None] | None = None

    @on("RemoteStartTransaction")
    async def on_remote_start(self, id_tag: str, **_: Any) -> call_result.RemoteStartTransaction:
        if self.transaction is not None:
            return call_result.RemoteStartTransaction(status="Rejected")
        asyncio.get_running_loop().call_soon(lambda: asyncio.create_task(self._start(id_tag)))
        return call_result.RemoteStartTransaction(status="Accepted")

    @on("RemoteStopTransaction")
    async def on_remote_stop(
        self, transaction_id: int, **_: Any
    ) -> call_result.RemoteStopTransaction:
        if transaction_id != self.transaction:
            return call_result.RemoteStopTransaction(status="Rejected")
        asyncio.get_running_loop().call_soon(lambda: asyncio.create_task(self._stop()))
        return call_result.RemoteStopTransaction(status="Accepted")

    async def _start(self, id_tag: str) -> None:
        started = await self.call(
            call.StartTransaction(
                connector_id=1, id_tag=id_tag, meter_start=self.meter_wh, timestamp=_now()
            )
        )
        if started.id_tag_info.get("status") != "Accepted":
            return
        self.transaction = started.transaction_id
        self.charging = asyncio.create_task(self._meter())

    async def _meter(self) -> None:
        while self.transaction is not None:
            await asyncio.sleep(self.every_s)
            self.meter_wh += self.wh_per_tick
            sample = {"value": str(self.meter_wh), "measurand": "Energy.Active.Import.Register"}
            await self.call(
                call.MeterValues(
                    connector_id=1,
                    transaction_id=self.transaction,
                    meter_value=[{"timestamp": _now(), "sampledValue": [{**sample, "unit": "Wh"}]}],
                )
            )

    async def _stop(self) -> None:
        tx, self.transaction = self.transaction, None
        if self.charging is not None:
            self.charging.cancel()
        if tx is not None:
            await self.call(
                call.StopTransaction(
                    meter_stop=self.meter_wh, timestamp=_now(), transaction_id=tx, reason="Remote"
                )
            )


class DemoCharger:
    """The simulated pile as a resource of the service: connects once the central system
    listens, reconnects when refused or dropped, stops with the service."""

    def __init__(self, cp_id: str, port: Any, every_s: float = 2.0, wh_per_tick: int = 150):
        self.cp_id, self.port = cp_id, port  # port: a callable, known once OCPP listens
        self.every_s, self.wh_per_tick = every_s, wh_per_tick
        self.task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        if self.cp_id:
            self.task = asyncio.create_task(self._run())

    async def close(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.task

    async def _run(self) -> None:
        meter_wh = 0
        while True:
            url = f"ws://127.0.0.1:{self.port()}/ocpp/{self.cp_id}"
            try:
                async with connect(url, subprotocols=["ocpp1.6"]) as ws:  # type: ignore[list-item]
                    pile = SimulatedPile(self.cp_id, ws, self.every_s, self.wh_per_tick)
                    pile.meter_wh = meter_wh
                    listening = asyncio.create_task(pile.start())
                    await pile.call(
                        call.BootNotification(
                            charge_point_model="SIM-AC7", charge_point_vendor="smart-community"
                        )
                    )
                    await pile.call(
                        call.StatusNotification(
                            connector_id=1, error_code="NoError", status="Preparing"
                        )
                    )
                    log.info("demo charger %s connected", self.cp_id)
                    try:
                        await listening
                    finally:
                        meter_wh = pile.meter_wh
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.debug("demo charger %s not connected: %s", self.cp_id, exc)
            await asyncio.sleep(3.0)
