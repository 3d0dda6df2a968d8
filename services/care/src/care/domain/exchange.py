"""Desensitised care facts for readers outside the platform (city elderly-care and health
platforms, 6.7.1 b) (pure).

Nothing that names or locates a person leaves: the person is a stable pseudonym (keyed
HMAC of their id, so the same person is the same reference across messages but cannot be
looked up), age is a ten-year band, time is the hour, place is the community, values are
reduced to what happened (a blood pressure above the person's range, not the numbers).
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import date, datetime


def pseudonym(person_id: str, key: bytes) -> str:
    return hmac.new(key, person_id.encode(), hashlib.sha256).hexdigest()[:20]


def age_band(birth_date: date, on: date) -> str:
    years = on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
    if years >= 90:
        return "90+"
    low = years // 10 * 10
    return f"{low}-{low + 9}"


def hour(at: datetime) -> datetime:
    return at.replace(minute=0, second=0, microsecond=0)


def alert_summary(
    *,
    person_id: str,
    birth_date: date,
    community_id: str,
    alert: str,
    detail: str,
    at: datetime,
    key: bytes,
) -> dict[str, str]:
    """One alert as an outside reader may see it: ``alert`` is what kind of thing happened
    (``vitals_breach``, ``lone_elder_anomaly``, ``wandering``, ``fall``), ``detail`` its
    code (``blood_pressure_high``, ``no_water``) — never a value, a name or a place finer
    than the community."""
    return {
        "ref": pseudonym(person_id, key),
        "age_band": age_band(birth_date, at.date()),
        "community_id": community_id,
        "alert": alert,
        "detail": detail,
        "hour": hour(at).isoformat(),
    }
