"""Delivery rules without I/O: quiet hours, retry backoff, which channels interrupt."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# Channels that reach a person outside the app; quiet hours, opt-outs and rate limits
# apply to them. The in-app inbox is silent and always kept.
INTERRUPTING = frozenset({"push", "sms", "voice"})
PERSON_CHANNELS = frozenset({"inapp", "push", "sms", "voice"})
BROADCAST_CHANNELS = frozenset({"speaker", "screen"})
# Device types of broadcast endpoints, by channel.
DEVICE_TYPE_OF = {"speaker": "voice_speaker", "screen": "e_screen"}

_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def parse_hhmm(value: str) -> time:
    match = _HHMM.match(value)
    if not match:
        raise ValueError(f"{value!r} is not HH:MM")
    return time(int(match.group(1)), int(match.group(2)))


def zone(name: str | None, default: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or default)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(default)


def quiet_until(now: datetime, start: str | None, end: str | None, tz: ZoneInfo) -> datetime | None:
    """When the quiet hours that contain ``now`` end; None when ``now`` is not in them.

    ``start``/``end`` are local HH:MM; a window may cross midnight (22:00-07:00). Equal
    start and end mean no quiet hours.
    """
    if not start or not end:
        return None
    begin, finish = parse_hhmm(start), parse_hhmm(end)
    if begin == finish:
        return None
    local = now.astimezone(tz)
    clock = local.time().replace(tzinfo=None)
    if begin < finish:
        inside = begin <= clock < finish
        end_day = local.date()
    else:  # crosses midnight
        inside = clock >= begin or clock < finish
        end_day = local.date() + timedelta(days=1) if clock >= begin else local.date()
    if not inside:
        return None
    return datetime.combine(end_day, finish, tzinfo=tz)


def backoff(attempt: int, base: float, cap: float) -> float:
    """Seconds to wait after failed attempt ``attempt`` (1-based): base * 2^(n-1), capped."""
    return float(min(cap, base * 2 ** max(0, attempt - 1)))
