"""What the central system asks of the service: one interface for both OCPP versions,
in our words. The service implements it over its database (phase B); the tests over
the pure domain."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Started:
    transaction_id: int
    accepted: bool


@dataclass(frozen=True, slots=True)
class ConnectorStatus:
    charge_point: str
    connector: int
    status: str  # Available, Preparing, Charging, Faulted ... (1.6) / connector_status (2.0.1)
    error_code: str | None
    info: str | None
    at: datetime


class ChargingBackend(Protocol):
    async def knows(self, charge_point: str, password: str | None) -> bool:
        """May this charge point connect (registered, right password if it has one)?"""

    async def booted(
        self, charge_point: str, vendor: str, model: str, serial: str | None
    ) -> bool: ...

    async def heartbeat(self, charge_point: str) -> None: ...

    async def status(self, status: ConnectorStatus) -> None: ...

    async def authorize(self, charge_point: str, id_tag: str) -> bool: ...

    async def start(
        self, charge_point: str, connector: int, id_tag: str, meter_start_wh: int, at: datetime
    ) -> Started: ...

    async def meter(
        self, charge_point: str, transaction_id: int | None, energy_wh: int, at: datetime
    ) -> None: ...

    async def stop(
        self,
        charge_point: str,
        transaction_id: int,
        meter_stop_wh: int,
        at: datetime,
        reason: str | None,
    ) -> None: ...
