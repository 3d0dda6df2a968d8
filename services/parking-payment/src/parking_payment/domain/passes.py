"""Passes (通行证) as coverage windows for the fee and the gate.

- monthly pass (月卡): whole local days, ``valid_from`` to ``valid_until`` inclusive;
- owner's permanent pass (业主永久): from a day, no end;
- visitor pass (访客通行证) granted by a resident for a visitor's plate: a window of at
  most ``max_hours``, not in the past, at most ``per_month`` grants per household in a
  calendar month (the property sets the policy).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from parking_payment.domain.errors import DomainError
from parking_payment.domain.tariffs import Coverage


def day_start(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tz)


def monthly_coverage(valid_from: date, valid_until: date, tz: ZoneInfo) -> Coverage:
    if valid_until < valid_from:
        raise DomainError(
            "parking.pass_invalid", "月卡的结束日期早于开始日期", "the pass ends before it starts"
        )
    return Coverage(
        day_start(valid_from, tz), day_start(valid_until + timedelta(days=1), tz), "monthly"
    )


def permanent_coverage(valid_from: date, tz: ZoneInfo) -> Coverage:
    return Coverage(day_start(valid_from, tz), None, "owner_permanent")


@dataclass(frozen=True, slots=True)
class VisitorPolicy:
    max_hours: int = 24
    per_month: int = 20


def visitor_coverage(
    policy: VisitorPolicy,
    valid_from: datetime,
    valid_until: datetime,
    now: datetime,
    granted_this_month: int,
) -> Coverage:
    if valid_until <= valid_from:
        raise DomainError(
            "parking.pass_invalid",
            "访客通行证的结束时间须晚于开始时间",
            "the pass must end after it starts",
        )
    if valid_until <= now:
        raise DomainError(
            "parking.pass_invalid", "访客通行证不能设在过去", "the pass cannot be in the past"
        )
    if valid_until - valid_from > timedelta(hours=policy.max_hours):
        raise DomainError(
            "parking.pass_too_long",
            f"访客通行证最长 {policy.max_hours} 小时",
            f"a visitor pass lasts at most {policy.max_hours} hours",
        )
    if granted_this_month >= policy.per_month:
        raise DomainError(
            "parking.pass_quota_exceeded",
            f"本户本月已授权 {policy.per_month} 次访客通行，已达上限",
            f"this household has granted {policy.per_month} visitor passes this month",
        )
    return Coverage(valid_from, valid_until, "visitor")
