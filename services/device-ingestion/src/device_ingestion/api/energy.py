"""Energy statistics (6.1.3 c): water, electricity and gas consumption of a community,
building, unit or household by day, month or year.

Meters report cumulative counters (the ``counter`` key of their type). A counter at an
instant is the running maximum of its readings, so the consumption of a bucket is how much
the running maximum rose since the previous bucket (the bucket before the range is the
baseline; a meter's very first bucket counts from its own first reading). The figures come
from the day/month/year roll-ups; the scope's total is the sum over its meters. Community
and building figures come precomputed from ``energy_rollups`` up to the community's dirty
mark and live after it (:mod:`device_ingestion.energy`), so they are always exact.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from device_ingestion.api.deps import UseCasesDep
from device_ingestion.api.schemas import EnergyScope, EnergyStats
from sc_core.auth import CurrentCaller
from sc_core.dates import parse_instant

router = APIRouter(prefix="/api/v1", tags=["energy"])


@router.get("/energy", response_model=EnergyStats)
async def energy(
    who: CurrentCaller,
    uc: UseCasesDep,
    kind: Literal["water", "electricity", "gas"],
    scope: EnergyScope,
    id: Annotated[str, Query(min_length=1, max_length=64)],
    period: Literal["day", "month", "year"],
    from_: Annotated[
        str,
        Query(
            alias="from",
            max_length=40,
            description="A date (2026-12-01: that day's start in the community's time zone) "
            "or an ISO 8601 date-time.",
        ),
    ],
    to: Annotated[
        str,
        Query(
            max_length=40,
            description="A date (2026-12-31: included, up to the next midnight) or a date-time.",
        ),
    ],
) -> EnergyStats:
    """A household's figures: its members and the staff serving its place, every read
    audited (``energy.read_sensitive``); a unit's, building's or community's: anyone in
    that scope. Days, months and years are calendar periods in the community's time zone
    (``COMMUNITY_TIMEZONE``, Asia/Shanghai), and bucket starts are answered in it."""
    tz = uc.settings.community_timezone
    start = parse_instant(from_, tz, field="from")
    end = parse_instant(to, tz, end=True, field="to")
    return await uc.energy.read(
        who,
        kind=kind, scope=scope, id=id, period=period, from_=start, to=end, tz=tz,
    )  # fmt: skip
