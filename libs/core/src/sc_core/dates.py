"""Dates and instants as people write them, read in a place's time zone.

An app asks for "December" as ``from=2026-12-01&to=2026-12-31``: calendar days in the
community's zone (Asia/Shanghai unless configured), not UTC instants. ``parse_instant``
takes a date (``2026-12-01``: midnight there; as the end of a range, the midnight after it,
so the last day is included), a local date-time without offset (read in the zone) or an
ISO 8601 instant with its offset (kept), in the years 1900-2200. Anything else is 422
``request.bad_date``.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from sc_core.errors import Problem
from sc_core.schema import FIRST_YEAR, LAST_YEAR

__all__ = ["local", "parse_instant", "zone"]


@lru_cache(maxsize=64)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def parse_instant(value: str, tz: str, *, end: bool = False, field: str = "date") -> datetime:
    """The instant ``value`` names in zone ``tz``; ``end``: a bare date means its end."""
    text = value.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            named = datetime.combine(day, time())
        else:
            named = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise _bad_date(field) from None
    if not FIRST_YEAR <= named.year <= LAST_YEAR:  # (and the day after 9999-12-31 overflows)
        raise _bad_date(field)
    moment = named + timedelta(days=1) if end and len(text) == 10 else named
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone(tz))


def _bad_date(field: str) -> Problem:
    return Problem(
        422,
        "request.bad_date",
        f"'{field}' must be a date (2026-12-01) or a date-time (2026-12-01T08:00:00+08:00)"
        f" between {FIRST_YEAR} and {LAST_YEAR}",
        zh=f"“{field}”应为 {FIRST_YEAR} 至 {LAST_YEAR} 年间的日期（如 2026-12-01）"
        "或日期时间（如 2026-12-01T08:00:00+08:00）",
        field=field,
    )


def local(moment: datetime, tz: str) -> datetime:
    """``moment`` as the clock in zone ``tz`` shows it (ISO output carries ``+08:00``)."""
    return moment.astimezone(zone(tz))
