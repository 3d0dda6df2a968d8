"""E-bike charging sessions from a charger's readings (device-ingestion's
``ebike_charger``: status, power W, energyDelivered kWh, sessionDuration s,
overTemperature), pure.

``observe`` takes one reading and says what happened: a charge started, ended (with its
bill), or an overcurrent / over-temperature alarm is due (once per charge, not per
reading). A repeated or older reading changes nothing, so redelivery is harmless.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from parking_payment.domain.charging import EbikePayMethod, EbikeTariff, ebike_bill, overcurrent


class EbikeEvent(StrEnum):
    started = "started"
    finished = "finished"
    overcurrent = "overcurrent"  # 过流
    over_temperature = "over_temperature"  # 过温
    fault = "fault"


@dataclass(frozen=True, slots=True)
class EbikeReading:
    at: datetime
    status: str | None = None  # available, occupied, charging, outOfService, fault
    power_w: float | None = None
    energy_kwh: float | None = None
    over_temperature: bool | None = None


@dataclass(slots=True)
class EbikeCharge:
    charger: str
    port: int = 1
    method: EbikePayMethod = EbikePayMethod.qr
    charging: bool = False
    started_at: datetime | None = None
    ended_at: datetime | None = None
    max_power_w: float = 0
    energy_start: float | None = None
    energy_end: float | None = None
    last_at: datetime | None = None
    alarms: set[EbikeEvent] = field(default_factory=set)
    bill: int | None = None

    @property
    def minutes(self) -> int:
        if self.started_at is None:
            return 0
        end = self.ended_at or self.last_at or self.started_at
        return int((end - self.started_at).total_seconds() // 60)

    def observe(self, reading: EbikeReading, tariff: EbikeTariff) -> list[EbikeEvent]:
        if self.last_at is not None and reading.at <= self.last_at:
            return []
        self.last_at = reading.at
        events: list[EbikeEvent] = []
        if reading.status == "charging" and not self.charging:
            self._start(reading)
            events.append(EbikeEvent.started)
        if self.charging:
            if reading.power_w is not None:
                self.max_power_w = max(self.max_power_w, reading.power_w)
                if overcurrent(tariff, int(reading.power_w)):
                    events += self._alarm(EbikeEvent.overcurrent)
            if reading.energy_kwh is not None:
                self.energy_end = reading.energy_kwh
            if reading.over_temperature:
                events += self._alarm(EbikeEvent.over_temperature)
        if reading.status == "fault":
            events += self._alarm(EbikeEvent.fault)
        if self.charging and reading.status in ("available", "fault", "outOfService"):
            self.charging = False
            self.ended_at = reading.at
            self.bill = ebike_bill(tariff, int(self.max_power_w), self.minutes)
            events.append(EbikeEvent.finished)
        return events

    def _start(self, reading: EbikeReading) -> None:
        self.charging = True
        self.started_at = reading.at
        self.ended_at = None
        self.max_power_w = 0
        self.energy_start = reading.energy_kwh
        self.alarms = set()
        self.bill = None

    def _alarm(self, kind: EbikeEvent) -> list[EbikeEvent]:
        if kind in self.alarms:
            return []
        self.alarms.add(kind)
        return [kind]
