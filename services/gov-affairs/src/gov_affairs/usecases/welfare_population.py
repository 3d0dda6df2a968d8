"""The registered population behind welfare statistics: active residents per grid or for
the community, from identity's placement events (``population_residents``, kept by the
population checks). A resident whose building is in no grid counts under "—", as a
beneficiary without a grid does."""

from __future__ import annotations

from typing import Literal

from sqlalchemy import func, select

from gov_affairs.db.population import ResidentRow
from sc_core.db.uow import UnitOfWork

NO_GRID = "—"


async def residents_per_place(
    uow: UnitOfWork, community_id: str, by: Literal["grid", "community"]
) -> dict[str, int]:
    """Place id -> active registered residents of ``community_id``."""
    place = ResidentRow.grid_id if by == "grid" else ResidentRow.community_id
    rows = await uow.session.execute(
        select(place, func.count())
        .where(ResidentRow.community_id == community_id, ResidentRow.active)
        .group_by(place)
    )
    return {(p if p is not None else NO_GRID): int(n) for p, n in rows}
