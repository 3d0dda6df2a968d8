"""Tariffs as data (收费标准) and the fee of a stay.

A tariff says: free minutes (免费时长) — a stay no longer pays nothing; whether the free
minutes are also deducted from a longer stay; the billing unit (计费单位, e.g. 60 min,
a started unit counts whole) and its price by day, optionally a different first unit
(首小时); a night window (夜间, may cross midnight) with its own unit price or one flat
price per night (包夜); a cap (封顶) per calendar day (自然日) or per 24 hours since
entry; and how long a car may take to leave after paying in advance (提前缴费后离场时限).

Passes do not live here: the caller turns a monthly pass (月卡), an owner's permanent
pass or a visitor pass granted by a resident into ``Coverage`` windows; a unit starting
inside one costs nothing.

The fee is computed unit by unit from the first billed minute: each unit is priced by
the rate in force when it starts, then each cap period's sum is capped. It is exact,
explainable line by line, and fast enough (a month of 15-minute units is 2,880 steps).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from parking_payment.domain.errors import DomainError

MAX_STAY = timedelta(days=400)


class CapPeriod(StrEnum):
    calendar_day = "calendar_day"
    rolling_24h = "rolling_24h"


@dataclass(frozen=True, slots=True)
class NightRule:
    start: time
    end: time
    unit_price: int | None = None  # fen per unit at night
    flat_price: int | None = None  # fen once per night window (包夜)

    def __post_init__(self) -> None:
        if (self.unit_price is None) == (self.flat_price is None):
            raise DomainError(
                "parking.tariff_invalid",
                "夜间收费须且只能设置按单位计价或包夜价其中一种",
                "a night rule needs exactly one of unit_price and flat_price",
            )

    def window_of(self, local: datetime) -> date | None:
        """The date the night window containing ``local`` began on, or ``None`` by day."""
        t = local.timetz().replace(tzinfo=None)
        if self.start < self.end:  # e.g. 00:00-06:00
            return local.date() if self.start <= t < self.end else None
        if t >= self.start:
            return local.date()
        if t < self.end:
            return local.date() - timedelta(days=1)
        return None


@dataclass(frozen=True, slots=True)
class Tariff:
    unit_price: int
    unit_minutes: int = 60
    free_minutes: int = 15
    free_minutes_deducted: bool = False
    first_unit_price: int | None = None
    cap: int | None = None
    cap_period: CapPeriod = CapPeriod.calendar_day
    night: NightRule | None = None
    leave_within_minutes: int = 15
    timezone: str = "Asia/Shanghai"

    def __post_init__(self) -> None:
        prices = [self.unit_price, self.first_unit_price, self.cap]
        if self.night:
            prices += [self.night.unit_price, self.night.flat_price]
        if any(p is not None and p < 0 for p in prices):
            raise DomainError("parking.tariff_invalid", "价格不能为负", "prices cannot be negative")
        if not 1 <= self.unit_minutes <= 24 * 60:
            raise DomainError(
                "parking.tariff_invalid",
                "计费单位须在 1 到 1440 分钟之间",
                "the billing unit must be 1 to 1440 minutes",
            )
        if not 0 <= self.free_minutes <= 24 * 60 or not 0 <= self.leave_within_minutes <= 240:
            raise DomainError(
                "parking.tariff_invalid",
                "免费时长或离场时限超出范围",
                "free minutes or leave-within minutes out of range",
            )

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(frozen=True, slots=True)
class Coverage:
    """A window in which parking is free for this car (monthly pass, visitor pass...)."""

    start: datetime
    end: datetime | None  # None: permanent (业主永久)
    kind: str

    def covers(self, at: datetime) -> bool:
        return self.start <= at and (self.end is None or at < self.end)


@dataclass(slots=True)
class PeriodLine:
    """One cap period of the bill: what its units cost and what was charged."""

    label: str  # the calendar day (2026-12-03) or "第2个24小时"
    day_units: int = 0
    night_units: int = 0
    covered_units: int = 0
    raw: int = 0
    charged: int = 0

    @property
    def capped(self) -> bool:
        return self.charged < self.raw


@dataclass(slots=True)
class Fee:
    total: int
    minutes: int
    free_reason: str | None = None  # "free_period", "covered"
    lines: list[PeriodLine] = field(default_factory=list)


def compute_fee(
    tariff: Tariff,
    entry: datetime,
    leave: datetime,
    coverages: tuple[Coverage, ...] | list[Coverage] = (),
) -> Fee:
    """The fee in fen of a stay from ``entry`` to ``leave`` (both aware)."""
    if entry.tzinfo is None or leave.tzinfo is None:
        raise ValueError("aware datetimes only")
    stay = leave - entry
    minutes = max(0, int(stay.total_seconds() // 60))
    if stay <= timedelta(0):
        return Fee(0, 0, "free_period")
    if stay > MAX_STAY:
        raise DomainError(
            "parking.stay_too_long",
            "停车时长超过 400 天，请人工处理",
            "the stay is longer than 400 days; handle it by hand",
        )
    free = timedelta(minutes=tariff.free_minutes)
    if stay <= free:
        return Fee(0, minutes, "free_period")
    unit = timedelta(minutes=tariff.unit_minutes)
    tz = tariff.tz
    t = entry + free if tariff.free_minutes_deducted else entry
    periods: OrderedDict[str, PeriodLine] = OrderedDict()
    nights_charged: set[date] = set()
    first = True
    while t < leave:
        local = t.astimezone(tz)
        key = _period_key(tariff, entry, t, local)
        line = periods.setdefault(key, PeriodLine(key))
        if any(c.covers(t) for c in coverages):
            line.covered_units += 1
        else:
            night = tariff.night.window_of(local) if tariff.night else None
            if night is not None and tariff.night is not None:
                line.night_units += 1
                if tariff.night.flat_price is not None:
                    if night not in nights_charged:
                        nights_charged.add(night)
                        line.raw += tariff.night.flat_price
                else:
                    line.raw += tariff.night.unit_price or 0
            else:
                line.day_units += 1
                price = tariff.unit_price
                if first and tariff.first_unit_price is not None:
                    price = tariff.first_unit_price
                line.raw += price
            first = False
        t += unit
    total = 0
    for line in periods.values():
        line.charged = line.raw if tariff.cap is None else min(line.raw, tariff.cap)
        total += line.charged
    covered = all(line.day_units + line.night_units == 0 for line in periods.values())
    return Fee(total, minutes, "covered" if covered else None, list(periods.values()))


def _period_key(tariff: Tariff, entry: datetime, t: datetime, local: datetime) -> str:
    if tariff.cap_period is CapPeriod.calendar_day:
        return local.date().isoformat()
    index = int((t - entry) // timedelta(hours=24)) + 1
    return f"第{index}个24小时"


def tariff_rules(tariff: Tariff) -> dict[str, object]:
    """A tariff as data (stored as JSON, edited in the console)."""
    night = tariff.night
    return {
        "unit_price": tariff.unit_price,
        "unit_minutes": tariff.unit_minutes,
        "free_minutes": tariff.free_minutes,
        "free_minutes_deducted": tariff.free_minutes_deducted,
        "first_unit_price": tariff.first_unit_price,
        "cap": tariff.cap,
        "cap_period": tariff.cap_period.value,
        "night": None
        if night is None
        else {
            "start": night.start.strftime("%H:%M"),
            "end": night.end.strftime("%H:%M"),
            "unit_price": night.unit_price,
            "flat_price": night.flat_price,
        },
        "leave_within_minutes": tariff.leave_within_minutes,
        "timezone": tariff.timezone,
    }


def tariff_from_rules(rules: dict[str, object]) -> Tariff:
    try:
        night_rules = rules.get("night")
        night = None
        if isinstance(night_rules, dict):
            night = NightRule(
                start=time.fromisoformat(str(night_rules["start"])),
                end=time.fromisoformat(str(night_rules["end"])),
                unit_price=_opt_int(night_rules.get("unit_price")),
                flat_price=_opt_int(night_rules.get("flat_price")),
            )
        return Tariff(
            unit_price=int(str(rules["unit_price"])),
            unit_minutes=int(str(rules.get("unit_minutes", 60))),
            free_minutes=int(str(rules.get("free_minutes", 15))),
            free_minutes_deducted=bool(rules.get("free_minutes_deducted", False)),
            first_unit_price=_opt_int(rules.get("first_unit_price")),
            cap=_opt_int(rules.get("cap")),
            cap_period=CapPeriod(str(rules.get("cap_period", "calendar_day"))),
            night=night,
            leave_within_minutes=int(str(rules.get("leave_within_minutes", 15))),
            timezone=str(rules.get("timezone", "Asia/Shanghai")),
        )
    except (KeyError, ValueError, TypeError) as exc:
        raise DomainError(
            "parking.tariff_invalid", "收费标准格式不正确", f"malformed tariff: {exc}"
        ) from None


def _opt_int(value: object) -> int | None:
    return None if value is None else int(str(value))


def describe_tariff(tariff: Tariff) -> str:
    """For people, zh-CN: ``15分钟内免费，每小时3.00元，每日封顶20.00元``."""

    def yuan(fen: int) -> str:
        return f"{fen // 100}.{fen % 100:02d}元"

    unit = "小时" if tariff.unit_minutes == 60 else f"{tariff.unit_minutes}分钟"
    parts = []
    if tariff.free_minutes:
        parts.append(f"{tariff.free_minutes}分钟内免费")
    if tariff.first_unit_price is not None:
        parts.append(f"首{unit}{yuan(tariff.first_unit_price)}")
    parts.append(f"每{unit}{yuan(tariff.unit_price)}")
    night = tariff.night
    if night is not None:
        window = f"夜间{night.start:%H:%M}至{night.end:%H:%M}"
        if night.flat_price is not None:
            parts.append(f"{window}包夜{yuan(night.flat_price)}")
        else:
            parts.append(f"{window}每{unit}{yuan(night.unit_price or 0)}")
    if tariff.cap is not None:
        period = "每日" if tariff.cap_period is CapPeriod.calendar_day else "每24小时"
        parts.append(f"{period}封顶{yuan(tariff.cap)}")
    if tariff.leave_within_minutes:
        parts.append(f"缴费后{tariff.leave_within_minutes}分钟内离场")
    return "，".join(parts)
