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

from fastapi import APIRouter, Query, Request
from pydantic import AwareDatetime

from device_ingestion.api.deps import PartsDep
from device_ingestion.api.schemas import EnergyScope, EnergyStats
from device_ingestion.usecases.energy import read_energy
from sc_core.api import AuditorDep, UnitOfWorkDep
from sc_core.auth import CurrentPrincipal

router = APIRouter(prefix="/api/v1", tags=["energy"])


@router.get("/energy", response_model=EnergyStats)
async def energy(
    principal: CurrentPrincipal,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    parts: PartsDep,
    request: Request,
    kind: Literal["water", "electricity", "gas"],
    scope: EnergyScope,
    id: Annotated[str, Query(min_length=1, max_length=64)],
    period: Literal["day", "month", "year"],
    from_: Annotated[AwareDatetime, Query(alias="from")],
    to: AwareDatetime,
) -> EnergyStats:
    """A household's figures: its members and the staff serving its place, every read
    audited (``energy.read_sensitive``); a unit's, building's or community's: anyone in
    that scope."""
    return await read_energy(
        uow, auditor, parts.catalogue, principal, request,
        kind=kind, scope=scope, id=id, period=period, from_=from_, to=to,
    )  # fmt: skip
