"""Monthly partitions of the record table and the retention rule, as dates.

A partition holds the records of one UTC calendar month of ``occurred_at``:
``[first day 00:00 UTC, first day of the next month 00:00 UTC)``. Retention drops a
partition only when all of it is older than the retention: its end is on or before
``today - retention_days``. So with 365 days a record is kept between 365 and about 396
days. The database function ``audit_drop_expired_partitions`` applies the same rule and
refuses fewer than 365 days whoever calls it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

PARTITION_SCHEMA = "audit_partitions"


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, n: int) -> date:
    index = month.year * 12 + (month.month - 1) + n
    return date(index // 12, index % 12 + 1, 1)


def partition_name(month: date) -> str:
    """``audit_record_y2026m05`` (in schema :data:`PARTITION_SCHEMA`)."""
    return f"audit_record_y{month.year:04d}m{month.month:02d}"


def months_to_ensure(today: date, ahead: int) -> list[date]:
    """Last month (late records), this month and ``ahead`` months after it."""
    this = month_start(today)
    return [add_months(this, n) for n in range(-1, ahead + 1)]


def retention_cutoff(today: date, retention_days: int) -> date:
    return today - timedelta(days=retention_days)


def expired(month: date, today: date, retention_days: int) -> bool:
    """Whether the partition of ``month`` lies entirely before the retention cutoff."""
    return add_months(month, 1) <= retention_cutoff(today, retention_days)


def utc_today() -> date:
    return datetime.now(UTC).date()
