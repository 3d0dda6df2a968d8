"""People living in shops (九小场所住人, 6.3 b): when a shop's address shows night-time life
(power used at night by the electricity meter of the shop's room, people entering by the
shop's door at night), the shop is flagged and a case opened for the grid worker (网格员).
The thresholds are data (:class:`LivingRules`, documented in the service README); the
verdict and its reason in words are pure functions of the nights recorded."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sc_core.dates import local

# why a shop is flagged (a code kept on the shop; people read the words)
RESIDENTIAL = "residential"
NIGHT_POWER = "night_power"
NIGHT_PASSAGES = "night_passages"

METER_TYPE = "electricity_meter"
METER_COUNTER = "totalActiveEnergyImport"  # kWh, cumulative (device-ingestion's catalogue)


@dataclass(frozen=True)
class LivingRules:
    """When a shop's nights say people live in it.

    A night runs from ``night_starts`` to ``night_ends`` the next morning, in the
    community's zone; it is named by the date it starts on. Within the last ``week_nights``
    nights (ending at the newest night seen), the shop is flagged when

    - on ``power_nights`` nights or more its meter rose by more than ``power_baseline_kwh``
      (what a refrigerator and a night light use, about 0.2 kW for six hours, stays
      below), or
    - on ``passage_nights`` nights or more someone went in by its door (granted, inward).
    """

    zone: str = "Asia/Shanghai"
    night_starts: time = time(23, 0)
    night_ends: time = time(5, 0)
    week_nights: int = 7
    power_baseline_kwh: float = 1.5
    power_nights: int = 3
    passage_nights: int = 2


RULES = LivingRules()


@dataclass(frozen=True)
class Night:
    """What one night at a shop showed: the meter's lowest and highest counter, and the
    entries by its door."""

    night: date
    energy_min: float | None = None
    energy_max: float | None = None
    entries: int = 0

    @property
    def used_kwh(self) -> float:
        if self.energy_min is None or self.energy_max is None:
            return 0.0
        return max(0.0, self.energy_max - self.energy_min)


@dataclass(frozen=True)
class Finding:
    reason: str
    zh: str
    en: str


def night_of(moment: datetime, rules: LivingRules = RULES) -> date | None:
    """The night ``moment`` falls in (named by the date it starts on), or None by day.
    The window's ends are inside it, so readings at 23:00 and 05:00 bracket the night."""
    clock = local(moment, rules.zone)
    t = clock.time().replace(tzinfo=None)
    if t >= rules.night_starts:
        return clock.date()
    if t <= rules.night_ends:
        return clock.date() - timedelta(days=1)
    return None


def verdict(nights: Iterable[Night], latest: date, rules: LivingRules = RULES) -> Finding | None:
    """Whether the nights of the week ending at ``latest`` flag the shop, and why."""
    week = [
        n for n in nights if latest - timedelta(days=rules.week_nights - 1) <= n.night <= latest
    ]
    powered = [n for n in week if n.used_kwh > rules.power_baseline_kwh]
    entered = [n for n in week if n.entries > 0]
    window = f"{rules.night_starts:%H:%M}"
    until = f"{rules.night_ends:%H:%M}"
    if len(powered) >= rules.power_nights:
        most = max(n.used_kwh for n in powered)
        return Finding(
            NIGHT_POWER,
            f"近{rules.week_nights}晚中有{len(powered)}晚在{window}至次日{until}用电超过"
            f"{rules.power_baseline_kwh:g}千瓦时（最多{most:.1f}千瓦时），可能有人在店内居住",
            f"On {len(powered)} of the last {rules.week_nights} nights more than "
            f"{rules.power_baseline_kwh:g} kWh of power was used between {window} and {until} "
            f"(up to {most:.1f} kWh): people may be living in the shop",
        )
    if len(entered) >= rules.passage_nights:
        count = sum(n.entries for n in entered)
        return Finding(
            NIGHT_PASSAGES,
            f"近{rules.week_nights}晚中有{len(entered)}晚在{window}至次日{until}有人从店门进入"
            f"（共{count}次），可能有人在店内居住",
            f"On {len(entered)} of the last {rules.week_nights} nights someone went in by the "
            f"shop's door between {window} and {until} ({count} times): people may be living "
            "in the shop",
        )
    return None


def residential() -> Finding:
    """The shop's registered room has a household living in it."""
    return Finding(
        RESIDENTIAL,
        "登记的房屋有住户居住，可能存在住人现象",
        "People are registered as living at the shop's address",
    )
