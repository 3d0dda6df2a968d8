"""OCPP over real WebSockets on loopback: the central system against charge points
built on the same ``ocpp`` library's ChargePoint class (1.6J and 2.0.1)."""

from __future__ import annotations

import asyncio
import base64
import contextlib
from datetime import UTC, datetime
from itertools import count

import pytest
from ocpp.routing import on
from ocpp.v16 import ChargePoint as Cp16
from ocpp.v16 import call as call16
from ocpp.v16 import call_result as result16
from ocpp.v201 import ChargePoint as Cp201
from ocpp.v201 import call as call201
from ocpp.v201 import call_result as result201
from pp_helpers import wait_for
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from parking_payment.adapters.ocpp.backend import ConnectorStatus, Started
from parking_payment.adapters.ocpp.central import CentralSystem
from parking_payment.domain.charging import EvTariff, EvTransaction, ev_bill, is_fault

TARIFF = EvTariff(energy_price=80, service_fee=60)


class Ledger:
    """A ChargingBackend over the pure domain, kept in memory for the protocol tests."""

    def __init__(self) -> None:
        self.passwords = {"CP-16": None, "CS-201": None, "CP-SECURE": "s3cret-pass"}
        self.tags = {"TAG-RESIDENT"}
        self.transactions: dict[int, EvTransaction] = {}
        self.bills: dict[int, int] = {}
        self.faults: list[ConnectorStatus] = []
        self.boots: list[tuple[str, str, str]] = []
        self.heartbeats = 0
        self._ids = count(1)

    async def knows(self, charge_point, password):
        return charge_point in self.passwords and self.passwords[charge_point] in (None, password)

    async def booted(self, charge_point, vendor, model, serial):
        self.boots.append((charge_point, vendor, model))
        return True

    async def heartbeat(self, charge_point):
        self.heartbeats += 1

    async def status(self, status):
        if is_fault(status.status, status.error_code):
            self.faults.append(status)

    async def authorize(self, charge_point, id_tag):
        return id_tag in self.tags

    async def start(self, charge_point, connector, id_tag, meter_start_wh, at):
        tx_id = next(self._ids)
        self.transactions[tx_id] = EvTransaction(
            tx_id, charge_point, connector, id_tag, meter_start_wh, at
        )
        return Started(tx_id, id_tag in self.tags)

    async def meter(self, charge_point, transaction_id, energy_wh, at):
        if transaction_id in self.transactions:
            self.transactions[transaction_id].meter(energy_wh)

    async def stop(self, charge_point, transaction_id, meter_stop_wh, at, reason):
        tx = self.transactions[transaction_id]
        self.bills[transaction_id] = ev_bill(TARIFF, tx.stop(meter_stop_wh, at, reason)).total


def now() -> str:
    return datetime.now(UTC).isoformat()


class Charger16(Cp16):
    """A 1.6J charge point: answers remote start/stop the way a real one does."""

    remote_starts: list[str]
    remote_stops: list[int]

    @on("RemoteStartTransaction")
    async def on_remote_start(self, id_tag, **kw):
        self.remote_starts.append(id_tag)
        return result16.RemoteStartTransaction(status="Accepted")

    @on("RemoteStopTransaction")
    async def on_remote_stop(self, transaction_id, **kw):
        self.remote_stops.append(transaction_id)
        return result16.RemoteStopTransaction(status="Accepted")


class Station201(Cp201):
    remote_starts: list[str]

    @on("RequestStartTransaction")
    async def on_request_start(self, id_token, remote_start_id, **kw):
        self.remote_starts.append(id_token["id_token"])
        return result201.RequestStartTransaction(status="Accepted", transaction_id="st-tx-1")

    @on("RequestStopTransaction")
    async def on_request_stop(self, transaction_id, **kw):
        return result201.RequestStopTransaction(status="Accepted")


@pytest.fixture
async def central():
    ledger = Ledger()
    system = CentralSystem(ledger)
    port = await system.start()
    system.ledger = ledger  # type: ignore[attr-defined]
    system.url = f"ws://127.0.0.1:{port}/ocpp/"  # type: ignore[attr-defined]
    yield system
    await system.stop()


@contextlib.asynccontextmanager
async def charger(cls, url: str, cp_id: str, protocol: str, headers=None):
    async with connect(url + cp_id, subprotocols=[protocol], additional_headers=headers) as ws:
        cp = cls(cp_id, ws)
        cp.remote_starts, cp.remote_stops = [], []
        task = asyncio.create_task(cp.start())
        try:
            yield cp
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task


async def test_ocpp16_full_charge_with_remote_start_stop_and_bill(central):
    async with charger(Charger16, central.url, "CP-16", "ocpp1.6") as cp:
        boot = await cp.call(
            call16.BootNotification(charge_point_model="AC7", charge_point_vendor="Sim")
        )
        assert boot.status == "Accepted"
        assert (await cp.call(call16.Heartbeat())).current_time
        await cp.call(
            call16.StatusNotification(connector_id=1, error_code="NoError", status="Available")
        )
        await wait_for(lambda: "CP-16" in central.connected, what="connection")
        assert await central.remote_start("CP-16", "TAG-RESIDENT", 1)  # the app's start button
        assert cp.remote_starts == ["TAG-RESIDENT"]
        auth = await cp.call(call16.Authorize(id_tag="TAG-RESIDENT"))
        assert auth.id_tag_info["status"] == "Accepted"
        start = await cp.call(
            call16.StartTransaction(
                connector_id=1, id_tag="TAG-RESIDENT", meter_start=1000, timestamp=now()
            )
        )
        assert start.id_tag_info["status"] == "Accepted"
        tx = start.transaction_id
        await cp.call(
            call16.MeterValues(
                connector_id=1,
                transaction_id=tx,
                meter_value=[
                    {
                        "timestamp": now(),
                        "sampledValue": [
                            {"value": "7.0", "measurand": "Power.Active.Import", "unit": "kW"},
                            {
                                "value": "6000",
                                "measurand": "Energy.Active.Import.Register",
                                "unit": "Wh",
                            },
                        ],
                    }
                ],
            )
        )
        assert central.ledger.transactions[tx].energy_wh == 5000
        assert await central.remote_stop("CP-16", tx)
        assert cp.remote_stops == [tx]
        await cp.call(
            call16.StopTransaction(
                meter_stop=13_345, timestamp=now(), transaction_id=tx, reason="Remote"
            )
        )
        assert central.ledger.bills[tx] == ev_bill(TARIFF, 12_345).total == 1729
        assert central.ledger.heartbeats == 1


async def test_ocpp16_unknown_tag_and_fault_raise_what_they_should(central):
    async with charger(Charger16, central.url, "CP-16", "ocpp1.6") as cp:
        auth = await cp.call(call16.Authorize(id_tag="TAG-STRANGER"))
        assert auth.id_tag_info["status"] == "Invalid"
        await cp.call(
            call16.StatusNotification(connector_id=1, error_code="GroundFailure", status="Faulted")
        )
        assert [(f.charge_point, f.connector, f.error_code) for f in central.ledger.faults] == [
            ("CP-16", 1, "GroundFailure")
        ]


async def test_ocpp201_transaction_events(central):
    async with charger(Station201, central.url, "CS-201", "ocpp2.0.1") as cs:
        boot = await cs.call(
            call201.BootNotification(
                charging_station={"model": "DC60", "vendor_name": "Sim"}, reason="PowerUp"
            )
        )
        assert boot.status == "Accepted"
        await wait_for(lambda: "CS-201" in central.connected, what="connection")
        assert await central.remote_start("CS-201", "TAG-RESIDENT", 1)
        assert cs.remote_starts == ["TAG-RESIDENT"]
        energy = lambda wh: [  # noqa: E731
            {
                "timestamp": now(),
                "sampledValue": [{"value": wh, "measurand": "Energy.Active.Import.Register"}],
            }
        ]
        started = await cs.call(
            call201.TransactionEvent(
                event_type="Started",
                timestamp=now(),
                trigger_reason="RemoteStart",
                seq_no=0,
                transaction_info={"transactionId": "st-tx-1"},
                id_token={"idToken": "TAG-RESIDENT", "type": "Central"},
                evse={"id": 1},
                meter_value=energy(2000),
            )
        )
        assert started.id_token_info["status"] == "Accepted"
        await cs.call(
            call201.TransactionEvent(
                event_type="Updated",
                timestamp=now(),
                trigger_reason="MeterValuePeriodic",
                seq_no=1,
                transaction_info={"transactionId": "st-tx-1"},
                meter_value=energy(5000),
            )
        )
        (ours,) = central.ledger.transactions
        assert central.ledger.transactions[ours].energy_wh == 3000
        assert await central.remote_stop("CS-201", ours)
        await cs.call(
            call201.TransactionEvent(
                event_type="Ended",
                timestamp=now(),
                trigger_reason="RemoteStop",
                seq_no=2,
                transaction_info={"transactionId": "st-tx-1", "stoppedReason": "Remote"},
                meter_value=energy(12_000),
            )
        )
        assert central.ledger.bills[ours] == ev_bill(TARIFF, 10_000).total
        await cs.call(
            call201.StatusNotification(
                timestamp=now(), connector_status="Faulted", evse_id=1, connector_id=1
            )
        )
        assert central.ledger.faults[-1].status == "Faulted"


async def test_unknown_charge_points_and_wrong_passwords_are_refused(central):
    with pytest.raises(InvalidStatus) as err:
        async with connect(central.url + "CP-NOBODY", subprotocols=["ocpp1.6"]):
            pass
    assert err.value.response.status_code == 401
    wrong = {"Authorization": "Basic " + base64.b64encode(b"CP-SECURE:guess").decode()}
    with pytest.raises(InvalidStatus):
        async with connect(
            central.url + "CP-SECURE", subprotocols=["ocpp1.6"], additional_headers=wrong
        ):
            pass
    right = {"Authorization": "Basic " + base64.b64encode(b"CP-SECURE:s3cret-pass").decode()}
    async with charger(Charger16, central.url, "CP-SECURE", "ocpp1.6", headers=right) as cp:
        boot = await cp.call(
            call16.BootNotification(charge_point_model="AC7", charge_point_vendor="Sim")
        )
        assert boot.status == "Accepted"


async def test_remote_start_for_an_offline_charger_says_so(central):
    from parking_payment.adapters.ocpp.central import ChargerOffline

    with pytest.raises(ChargerOffline):
        await central.remote_start("CP-16", "TAG-RESIDENT")
