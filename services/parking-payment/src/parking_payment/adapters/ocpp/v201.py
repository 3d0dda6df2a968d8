"""OCPP 2.0.1: the central system's side of one charging station's connection.

Transactions arrive as TransactionEvent Started / Updated / Ended; the station names
them with its own string id, which the backend maps to its numeric transaction id.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ocpp.routing import on
from ocpp.v201 import ChargePoint, call, call_result
from ocpp.v201.enums import (
    Action,
    AuthorizationStatusEnumType,
    RegistrationStatusEnumType,
    RequestStartStopStatusEnumType,
)

from parking_payment.adapters.ocpp.backend import ChargingBackend, ConnectorStatus
from parking_payment.domain.charging import energy_wh

HEARTBEAT_S = 300


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _at(text: str | None) -> datetime:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else datetime.now(UTC)
    except ValueError:
        return datetime.now(UTC)


def _token(accepted: bool) -> dict[str, str]:
    status = (
        AuthorizationStatusEnumType.accepted if accepted else AuthorizationStatusEnumType.invalid
    )
    return {"status": status.value}


def _energy(meter_value: list[Any] | None) -> int | None:
    for value in meter_value or []:
        wh = energy_wh(value.get("sampled_value", []))
        if wh is not None:
            return wh
    return None


class CentralSide201(ChargePoint):
    def __init__(self, cp_id: str, connection: Any, backend: ChargingBackend) -> None:
        super().__init__(cp_id, connection, response_timeout=30)
        self.backend = backend
        self.transactions: dict[str, int] = {}  # the station's id -> ours
        self._remote_start_id = 0

    @on(Action.boot_notification)
    async def on_boot(self, charging_station: dict[str, Any], reason: str, **kw: Any) -> Any:
        ok = await self.backend.booted(
            self.id,
            str(charging_station.get("vendor_name", "")),
            str(charging_station.get("model", "")),
            charging_station.get("serial_number"),
        )
        status = RegistrationStatusEnumType.accepted if ok else RegistrationStatusEnumType.rejected
        return call_result.BootNotification(
            current_time=_now(), interval=HEARTBEAT_S, status=status
        )

    @on(Action.heartbeat)
    async def on_heartbeat(self, **kw: Any) -> Any:
        await self.backend.heartbeat(self.id)
        return call_result.Heartbeat(current_time=_now())

    @on(Action.status_notification)
    async def on_status(
        self, timestamp: str, connector_status: str, evse_id: int, connector_id: int, **kw: Any
    ) -> Any:
        await self.backend.status(
            ConnectorStatus(self.id, evse_id, connector_status, None, None, _at(timestamp))
        )
        return call_result.StatusNotification()

    @on(Action.authorize)
    async def on_authorize(self, id_token: dict[str, Any], **kw: Any) -> Any:
        ok = await self.backend.authorize(self.id, str(id_token.get("id_token", "")))
        return call_result.Authorize(id_token_info=_token(ok))

    @on(Action.meter_values)
    async def on_meter_values(self, evse_id: int, meter_value: list[Any], **kw: Any) -> Any:
        wh = _energy(meter_value)
        if wh is not None:
            await self.backend.meter(self.id, None, wh, datetime.now(UTC))
        return call_result.MeterValues()

    @on(Action.transaction_event)
    async def on_transaction_event(
        self,
        event_type: str,
        timestamp: str,
        trigger_reason: str,
        seq_no: int,
        transaction_info: dict[str, Any],
        **kw: Any,
    ) -> Any:
        station_tx = str(transaction_info["transaction_id"])
        wh = _energy(kw.get("meter_value"))
        at = _at(timestamp)
        if event_type == "Started" and station_tx not in self.transactions:
            id_token = str((kw.get("id_token") or {}).get("id_token", ""))
            evse = int((kw.get("evse") or {}).get("id", 1))
            started = await self.backend.start(self.id, evse, id_token, wh or 0, at)
            self.transactions[station_tx] = started.transaction_id
            return call_result.TransactionEvent(id_token_info=_token(started.accepted))
        ours = self.transactions.get(station_tx)
        if ours is None:
            return call_result.TransactionEvent()
        if event_type == "Ended":
            stop_reason = transaction_info.get("stopped_reason")
            await self.backend.stop(self.id, ours, wh or 0, at, stop_reason)
        elif wh is not None:
            await self.backend.meter(self.id, ours, wh, at)
        return call_result.TransactionEvent()

    async def remote_start(self, id_tag: str, connector: int | None) -> bool:
        self._remote_start_id += 1
        answer = await self.call(
            call.RequestStartTransaction(
                id_token={"id_token": id_tag, "type": "Central"},
                remote_start_id=self._remote_start_id,
                evse_id=connector,
            )
        )
        return answer.status == RequestStartStopStatusEnumType.accepted

    async def remote_stop(self, transaction_id: int | str) -> bool:
        station_tx = next(
            (k for k, v in self.transactions.items() if v == int(transaction_id)), None
        )
        if station_tx is None:
            return False
        answer = await self.call(call.RequestStopTransaction(transaction_id=station_tx))
        return answer.status == RequestStartStopStatusEnumType.accepted
