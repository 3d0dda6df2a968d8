"""OCPP 1.6J: the central system's side of one charge point's connection."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ocpp.routing import on
from ocpp.v16 import ChargePoint, call, call_result
from ocpp.v16.enums import (
    Action,
    AuthorizationStatus,
    RegistrationStatus,
    RemoteStartStopStatus,
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


def _tag(accepted: bool) -> dict[str, str]:
    status = AuthorizationStatus.accepted if accepted else AuthorizationStatus.invalid
    return {"status": status.value}


class CentralSide16(ChargePoint):
    def __init__(self, cp_id: str, connection: Any, backend: ChargingBackend) -> None:
        super().__init__(cp_id, connection, response_timeout=30)
        self.backend = backend

    @on(Action.boot_notification)
    async def on_boot(self, charge_point_vendor: str, charge_point_model: str, **kw: Any) -> Any:
        serial = kw.get("charge_point_serial_number") or kw.get("charge_box_serial_number")
        ok = await self.backend.booted(self.id, charge_point_vendor, charge_point_model, serial)
        status = RegistrationStatus.accepted if ok else RegistrationStatus.rejected
        return call_result.BootNotification(
            current_time=_now(), interval=HEARTBEAT_S, status=status
        )

    @on(Action.heartbeat)
    async def on_heartbeat(self) -> Any:
        await self.backend.heartbeat(self.id)
        return call_result.Heartbeat(current_time=_now())

    @on(Action.status_notification)
    async def on_status(self, connector_id: int, error_code: str, status: str, **kw: Any) -> Any:
        await self.backend.status(
            ConnectorStatus(
                self.id, connector_id, status, error_code, kw.get("info"), _at(kw.get("timestamp"))
            )
        )
        return call_result.StatusNotification()

    @on(Action.authorize)
    async def on_authorize(self, id_tag: str) -> Any:
        return call_result.Authorize(
            id_tag_info=_tag(await self.backend.authorize(self.id, id_tag))
        )

    @on(Action.start_transaction)
    async def on_start(
        self, connector_id: int, id_tag: str, meter_start: int, timestamp: str, **kw: Any
    ) -> Any:
        started = await self.backend.start(
            self.id, connector_id, id_tag, meter_start, _at(timestamp)
        )
        return call_result.StartTransaction(
            transaction_id=started.transaction_id, id_tag_info=_tag(started.accepted)
        )

    @on(Action.meter_values)
    async def on_meter_values(self, connector_id: int, meter_value: list[Any], **kw: Any) -> Any:
        for value in meter_value:
            wh = energy_wh(value.get("sampled_value", []))
            if wh is not None:
                await self.backend.meter(
                    self.id, kw.get("transaction_id"), wh, _at(value.get("timestamp"))
                )
        return call_result.MeterValues()

    @on(Action.stop_transaction)
    async def on_stop(self, meter_stop: int, timestamp: str, transaction_id: int, **kw: Any) -> Any:
        await self.backend.stop(
            self.id, transaction_id, meter_stop, _at(timestamp), kw.get("reason")
        )
        id_tag = kw.get("id_tag")
        return call_result.StopTransaction(id_tag_info=_tag(True) if id_tag else None)

    # -- from the app, through us, to the charger ---------------------------------
    async def remote_start(self, id_tag: str, connector: int | None) -> bool:
        answer = await self.call(call.RemoteStartTransaction(id_tag=id_tag, connector_id=connector))
        return answer.status == RemoteStartStopStatus.accepted

    async def remote_stop(self, transaction_id: int | str) -> bool:
        answer = await self.call(call.RemoteStopTransaction(transaction_id=int(transaction_id)))
        return answer.status == RemoteStartStopStatus.accepted
