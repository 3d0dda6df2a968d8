"""Roll-up buckets: the start of the hour, day, month and year of an instant, cut in the
community's time zone (Asia/Shanghai by default) and returned as aware UTC instants."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo

Period = Literal["hour", "day", "month", "year"]
PERIODS: tuple[Period, ...] = ("hour", "day", "month", "year")


def bucket_start(ts: datetime, period: Period, tz: ZoneInfo) -> datetime:
    local = ts.astimezone(tz)
    if period == "hour":
        start = local.replace(minute=0, second=0, microsecond=0)
    elif period == "day":
        start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    elif period == "month":
        start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    else:
        start = local.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    # re-resolve the wall time (a DST change between start and ts moves the offset)
    return start.replace(tzinfo=None).replace(tzinfo=tz).astimezone(UTC)


def next_bucket(start: datetime, period: Period, tz: ZoneInfo) -> datetime:
    """Start of the bucket after the one starting at ``start``."""
    local = start.astimezone(tz).replace(tzinfo=None)
    if period == "hour":
        return start + timedelta(hours=1)
    if period == "day":
        nxt = local + timedelta(days=1)
    elif period == "month":
        nxt = local.replace(year=local.year + (local.month == 12), month=local.month % 12 + 1)
    else:
        nxt = local.replace(year=local.year + 1)
    return nxt.replace(tzinfo=tz).astimezone(UTC)


class Bucketer:
    """Buckets of many instants, cached per UTC hour (buckets never split an hour for zones
    whose offsets are whole hours; other zones fall back to the exact computation)."""

    def __init__(self, tz_name: str) -> None:
        self.tz = ZoneInfo(tz_name)
        probe = datetime(2024, 1, 1, tzinfo=UTC).astimezone(self.tz).utcoffset()
        self._whole_hours = probe is not None and probe.total_seconds() % 3600 == 0

    def buckets(self, ts: datetime) -> tuple[datetime, datetime, datetime, datetime]:
        if not self._whole_hours:
            return _exact(ts, self.tz)
        return _cached(int(ts.timestamp()) // 3600, self.tz)


def _exact(ts: datetime, tz: ZoneInfo) -> tuple[datetime, datetime, datetime, datetime]:
    return (
        bucket_start(ts, "hour", tz),
        bucket_start(ts, "day", tz),
        bucket_start(ts, "month", tz),
        bucket_start(ts, "year", tz),
    )


@lru_cache(maxsize=65536)
def _cached(hour: int, tz: ZoneInfo) -> tuple[datetime, datetime, datetime, datetime]:
    return _exact(datetime.fromtimestamp(hour * 3600, UTC), tz)
