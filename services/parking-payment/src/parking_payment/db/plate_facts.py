"""What the gate needs to know about one plate in one lot, in four indexed lookups."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from parking_payment.db.parking import SessionRow, VehicleRow, VisitorPassRow, WatchRow


@dataclass(slots=True)
class PlateFacts:
    watch: WatchRow | None = None
    vehicle: VehicleRow | None = None
    visitor: list[VisitorPassRow] = field(default_factory=list)
    session: SessionRow | None = None  # the open session in this lot, locked


async def load_plate_facts(
    s: AsyncSession, community_id: str, lot_id: uuid.UUID, index: str | None, at: datetime
) -> PlateFacts:
    if index is None:
        return PlateFacts()
    watch = (
        await s.execute(
            select(WatchRow).where(
                WatchRow.community_id == community_id,
                WatchRow.plate_index == index,
                WatchRow.active,
            )
        )
    ).scalar_one_or_none()
    vehicle = (
        await s.execute(
            select(VehicleRow).where(
                VehicleRow.community_id == community_id, VehicleRow.plate_index == index
            )
        )
    ).scalar_one_or_none()
    visitor = (
        await s.execute(
            select(VisitorPassRow).where(
                VisitorPassRow.community_id == community_id,
                VisitorPassRow.plate_index == index,
                VisitorPassRow.revoked_at.is_(None),
                VisitorPassRow.valid_until > at,
            )
        )
    ).scalars()
    session = (
        await s.execute(
            select(SessionRow)
            .where(
                SessionRow.lot_id == lot_id,
                SessionRow.plate_index == index,
                SessionRow.status == "open",
            )
            .with_for_update()
        )
    ).scalar_one_or_none()
    return PlateFacts(watch, vehicle, list(visitor), session)
