"""EV charging (充电桩, OCPP) and e-bike charging (电瓶车充电), pure.

EV: the bill of a transaction is its energy (meter stop − meter start, in Wh) times the
energy price per kWh plus the service fee per kWh (电费 + 服务费), each rounded to fen.
A connector reporting an error code other than NoError, or the status Faulted, is a fault
(an alarm to the property).

E-bike: price per hour by the highest power band seen during the charge (a heavier
charger costs more), counted in started units, at least a minimum charge; paid by coin
(the coin buys minutes), card or QR (billed at the end). Above the overcurrent limit the
charge stops and the property is alarmed (电瓶车充电过流).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from parking_payment.domain.errors import DomainError
from parking_payment.domain.money import round_fen


@dataclass(frozen=True, slots=True)
class EvTariff:
    energy_price: int  # fen per kWh
    service_fee: int  # fen per kWh

    def __post_init__(self) -> None:
        if self.energy_price < 0 or self.service_fee < 0:
            raise DomainError("parking.tariff_invalid", "价格不能为负", "prices cannot be negative")


@dataclass(frozen=True, slots=True)
class EvBill:
    energy_wh: int
    energy_fen: int
    service_fen: int

    @property
    def total(self) -> int:
        return self.energy_fen + self.service_fen


def ev_bill(tariff: EvTariff, energy_wh: int) -> EvBill:
    kwh = Decimal(max(0, energy_wh)) / 1000
    return EvBill(
        max(0, energy_wh),
        round_fen(kwh * tariff.energy_price),
        round_fen(kwh * tariff.service_fee),
    )


class TransactionStatus(StrEnum):
    charging = "charging"
    finished = "finished"


@dataclass(slots=True)
class EvTransaction:
    id: int
    charge_point: str
    connector: int
    id_tag: str
    meter_start: int  # Wh
    started_at: datetime
    meter_last: int | None = None
    meter_stop: int | None = None
    stopped_at: datetime | None = None
    reason: str | None = None
    status: TransactionStatus = TransactionStatus.charging

    def meter(self, wh: int) -> None:
        if self.status is TransactionStatus.charging and wh >= self.meter_start:
            self.meter_last = max(wh, self.meter_last or wh)

    def stop(self, wh: int, at: datetime, reason: str | None) -> int:
        """Finish; the energy charged in Wh. A second stop changes nothing."""
        if self.status is TransactionStatus.finished:
            return self.energy_wh
        self.meter_stop = max(wh, self.meter_start)
        self.stopped_at = at
        self.reason = reason
        self.status = TransactionStatus.finished
        return self.energy_wh

    @property
    def energy_wh(self) -> int:
        end = self.meter_stop if self.meter_stop is not None else self.meter_last
        return max(0, (end or self.meter_start) - self.meter_start)


ENERGY = "Energy.Active.Import.Register"


def energy_wh(sampled_values: list[dict[str, Any]]) -> int | None:
    """The energy register in Wh from OCPP sampled values (``unit`` Wh or kWh; a value
    without a measurand is the energy register, as OCPP says)."""
    for sample in sampled_values:
        if sample.get("measurand", ENERGY) != ENERGY:
            continue
        try:
            value = Decimal(str(sample["value"]))
        except (KeyError, ArithmeticError, ValueError):
            continue
        unit = str(sample.get("unit", "Wh"))
        return int(value * 1000) if unit == "kWh" else int(value)
    return None


# OCPP 1.6 ChargePointErrorCode (and the Faulted status) in words people read, zh-CN and en
FAULT_WORDS: dict[str, tuple[str, str]] = {
    "ConnectorLockFailure": ("充电枪锁止失败", "connector lock failure"),
    "EVCommunicationError": ("与车辆通信故障", "cannot talk to the car"),
    "GroundFailure": ("接地故障", "ground fault"),
    "HighTemperature": ("温度过高", "too hot"),
    "InternalError": ("内部故障", "internal error"),
    "LocalListConflict": ("本地授权列表冲突", "local list conflict"),
    "OtherError": ("其他故障", "other fault"),
    "OverCurrentFailure": ("过流", "over current"),
    "OverVoltage": ("过压", "over voltage"),
    "PowerMeterFailure": ("电表故障", "power meter failure"),
    "PowerSwitchFailure": ("电源开关故障", "power switch failure"),
    "ReaderFailure": ("读卡器故障", "card reader failure"),
    "ResetFailure": ("重启失败", "reset failure"),
    "UnderVoltage": ("欠压", "under voltage"),
    "WeakSignal": ("信号弱", "weak signal"),
    "Faulted": ("故障", "faulted"),
}


def fault_words(code: str | None) -> tuple[str, str]:
    """A charge point's fault in words (zh-CN, en); a vendor's own code is 其他故障."""
    return FAULT_WORDS.get(code or "", FAULT_WORDS["OtherError"])


def is_fault(status: str, error_code: str | None) -> bool:
    return status == "Faulted" or (error_code not in (None, "", "NoError"))


# -- e-bike --------------------------------------------------------------------------
class EbikePayMethod(StrEnum):
    coin = "coin"  # 投币
    card = "card"  # 刷卡
    qr = "qr"  # 扫码


@dataclass(frozen=True, slots=True)
class PowerBand:
    up_to_w: int | None  # None: above every other band
    price_per_hour: int  # fen


@dataclass(frozen=True, slots=True)
class EbikeTariff:
    bands: tuple[PowerBand, ...]
    unit_minutes: int = 30
    minimum: int = 0  # fen
    overcurrent_w: int = 1000
    max_minutes: int = 12 * 60

    def __post_init__(self) -> None:
        limits = [b.up_to_w for b in self.bands]
        if not self.bands or limits[-1] is not None or None in limits[:-1]:
            raise DomainError(
                "parking.tariff_invalid",
                "功率档位须按功率从低到高排列，最后一档不设上限",
                "power bands go from low to high and the last has no upper limit",
            )
        if limits[:-1] != sorted(limits[:-1]):  # type: ignore[type-var]
            raise DomainError(
                "parking.tariff_invalid", "功率档位须从低到高", "power bands must ascend"
            )

    def band(self, power_w: int) -> PowerBand:
        return next(b for b in self.bands if b.up_to_w is None or power_w <= b.up_to_w)

    def unit_price(self, power_w: int) -> int:
        return round_fen(Decimal(self.band(power_w).price_per_hour * self.unit_minutes) / 60)


def ebike_bill(tariff: EbikeTariff, max_power_w: int, minutes: int) -> int:
    units = math.ceil(max(0, minutes) / tariff.unit_minutes)
    return max(tariff.minimum, units * tariff.unit_price(max_power_w)) if units else 0


def ebike_minutes_for(tariff: EbikeTariff, amount: int, power_w: int) -> int:
    """What a coin (or a prepaid amount) buys at this power: whole units, capped."""
    price = tariff.unit_price(power_w)
    units = amount // price if price else tariff.max_minutes // tariff.unit_minutes
    return min(tariff.max_minutes, units * tariff.unit_minutes)


def overcurrent(tariff: EbikeTariff, power_w: int) -> bool:
    return power_w > tariff.overcurrent_w
