"""EV charging through the central system on a real PostgreSQL: a 1.6J charger built on
the ocpp library connects, the resident starts it from the app, charges 12.345 kWh,
stops it from the app, pays the bill; a fault alerts the property once; a charger that
is not registered, or has the wrong password, cannot connect."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import os
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from ocpp.routing import on
from ocpp.v16 import ChargePoint as Cp16
from ocpp.v16 import call as call16
from ocpp.v16 import call_result as result16
from pp_helpers import RecordingUowFactory, wait_for
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from parking_payment.adapters.ocpp.central import CentralSystem
from parking_payment.db.charging import ChargePointRow, ChargingTransactionRow
from parking_payment.db.models import metadata
from parking_payment.usecases.charging import Charging, ChargingBackendDb, hash_password
from sc_core.db.engine import Database
from sc_core.db.tables import platform_tables
from sc_core.privacy import FieldCipher, configure_cipher, reset_cipher


@dataclass
class Who:
    subject: str
    principal: object = None


class Charger(Cp16):
    @on("RemoteStartTransaction")
    async def on_start(self, id_tag, **kw):
        self.started_tags.append(id_tag)
        return result16.RemoteStartTransaction(status="Accepted")

    @on("RemoteStopTransaction")
    async def on_stop(self, transaction_id, **kw):
        self.stopped.append(transaction_id)
        return result16.RemoteStopTransaction(status="Accepted")


def now() -> str:
    return datetime.now(UTC).isoformat()


@pytest.fixture
async def world(fresh_database_url):
    configure_cipher(FieldCipher([("k1", os.urandom(32))], index_key=os.urandom(32)))
    db = Database(fresh_database_url, platform_tables(metadata))
    async with db.engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    async with db.uow() as uow:
        uow.session.add(
            ChargePointRow(
                id="CP-DEMO-01",
                community_id="DEMO-001",
                name="地下车库 1号充电桩",
                password_hash=hash_password("pile-secret-01"),
                energy_price=80,
                service_fee=60,
            )
        )
        await uow.session.commit()
    uow = RecordingUowFactory(db)
    central = CentralSystem(ChargingBackendDb(uow))
    port = await central.start()
    yield {
        "db": db,
        "uow": uow,
        "central": central,
        "charging": Charging(uow, central),
        "url": f"ws://127.0.0.1:{port}/ocpp/",
    }
    await central.stop()
    await db.dispose()
    reset_cipher()


@contextlib.asynccontextmanager
async def charger(url: str, password: str = "pile-secret-01"):  # noqa: S107 - a test pile
    auth = {
        "Authorization": "Basic " + base64.b64encode(f"CP-DEMO-01:{password}".encode()).decode()
    }
    async with connect(url + "CP-DEMO-01", subprotocols=["ocpp1.6"], additional_headers=auth) as ws:
        cp = Charger("CP-DEMO-01", ws)
        cp.started_tags, cp.stopped = [], []
        task = asyncio.create_task(cp.start())
        try:
            yield cp
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task


async def test_start_from_the_app_charge_stop_and_bill(world):
    async with charger(world["url"]) as cp:
        assert (
            await cp.call(
                call16.BootNotification(charge_point_model="AC7", charge_point_vendor="Sim")
            )
        ).status == "Accepted"
        await wait_for(lambda: "CP-DEMO-01" in world["central"].connected, what="connection")
        resident = Who("resident-1")
        id_tag = await world["charging"].remote_start(resident, "CP-DEMO-01", 1)
        assert cp.started_tags == [id_tag]
        assert (await cp.call(call16.Authorize(id_tag=id_tag))).id_tag_info["status"] == "Accepted"
        assert (await cp.call(call16.Authorize(id_tag="STRANGER"))).id_tag_info[
            "status"
        ] == "Invalid"
        start = await cp.call(
            call16.StartTransaction(
                connector_id=1, id_tag=id_tag, meter_start=1000, timestamp=now()
            )
        )
        tx = start.transaction_id
        await world["charging"].remote_stop(resident, tx)
        assert cp.stopped == [tx]
        await cp.call(
            call16.StopTransaction(
                meter_stop=13_345, timestamp=now(), transaction_id=tx, reason="Remote"
            )
        )
        async with world["db"].uow() as uow:
            row = await uow.session.get(ChargingTransactionRow, tx)
            assert (row.status, row.account, row.amount) == ("finished", "resident-1", 1729)
        async with world["uow"]() as quoting:
            quote = await world["charging"].quote(quoting, resident, str(tx), datetime.now(UTC))
        assert (quote.amount, quote.description) == (1729, "充电费 12.35 度 17.29 元")


async def test_fault_alerts_once_and_strangers_cannot_connect(world):
    async with charger(world["url"]) as cp:
        for _ in range(2):
            await cp.call(
                call16.StatusNotification(
                    connector_id=1, error_code="GroundFailure", status="Faulted"
                )
            )
    alerts = [e for e, _ in world["uow"].published if type(e).__name__ == "NotificationRequestedV1"]
    assert [a.variables["body"] for a in alerts] == [
        "地下车库 1号充电桩 1号枪报告故障（接地故障），请安排检修。"
    ]
    with pytest.raises(InvalidStatus):
        async with charger(world["url"], password="guess"):
            pass
