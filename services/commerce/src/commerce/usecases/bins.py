"""Waste bins beside recycling points (6.4 c): staff place a bin device beside a point;
its fill level follows device-ingestion's telemetry (a batch consumer, idempotent: a
reading older than the one kept changes nothing); the points' lists show it."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import or_, select, update

from commerce.api.schemas.points import BinCreate
from commerce.db import queries as q
from commerce.db.models import RecyclingBin
from commerce.domain.merchants import STAFF_ROLES
from commerce.domain.text import problem
from sc_contracts.events import ServicePointKind, TelemetryRecordedV1
from sc_core.auth import Caller, in_scope
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork

BIN_TYPE = "waste_bin"


class Bins:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(self, who: Caller, point_id: uuid.UUID, body: BinCreate) -> RecyclingBin:
        async with self.db.uow() as uow:
            p = await q.point(uow, point_id)
            if p is None or not in_scope(
                who.principal, community_id=p.community_id, roles=STAFF_ROLES
            ):
                raise problem("commerce.point_not_found")
            if p.kind != ServicePointKind.RECYCLING_POINT:
                raise problem("commerce.not_recycling_point")
            if await uow.session.get(RecyclingBin, body.device_id) is not None:
                raise problem("commerce.bin_exists")
            b = RecyclingBin(
                device_id=body.device_id,
                service_point_id=p.id,
                community_id=p.community_id,
                label=" ".join(body.label.split()),
                created_by=who.subject,
                created_at=datetime.now(UTC),
            )
            uow.session.add(b)
            await uow.session.flush()
            await uow.audit(
                who,
                "commerce.recycling_bin.add",
                "service_point",
                str(p.id),
                community_id=p.community_id,
                detail={"device_id": b.device_id},
            )
            await uow.commit()
            return b

    async def on_telemetry(self, events: Sequence[TelemetryRecordedV1], uow: UnitOfWork) -> None:
        """A poll of telemetry: the fill levels of the bins placed beside points."""
        for e in sorted(events, key=lambda e: e.ts):
            level = e.values.get("fillingLevel")
            if e.device_type != BIN_TYPE or not isinstance(level, int | float):
                continue
            kind = e.values.get("wasteType")
            values: dict[str, object] = {"fill_level": float(level), "reported_at": e.ts}
            if isinstance(kind, str):
                values["waste_type"] = kind
            await uow.session.execute(
                update(RecyclingBin)
                .where(
                    RecyclingBin.device_id == e.device_id,
                    RecyclingBin.community_id == e.community_id,
                    or_(RecyclingBin.reported_at.is_(None), RecyclingBin.reported_at < e.ts),
                )
                .values(**values)
            )


async def bins_of(
    uow: UnitOfWork, point_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[RecyclingBin]]:
    """The bins beside each of these points, by label."""
    found: dict[uuid.UUID, list[RecyclingBin]] = {p: [] for p in point_ids}
    if not point_ids:
        return found
    rows = await uow.session.scalars(
        select(RecyclingBin)
        .where(RecyclingBin.service_point_id.in_(list(point_ids)))
        .order_by(RecyclingBin.label, RecyclingBin.device_id)
    )
    for b in rows:
        found[b.service_point_id].append(b)
    return found
