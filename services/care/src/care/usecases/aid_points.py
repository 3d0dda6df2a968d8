"""AED and first-aid points (AED 与急救点, issue 32 item 9): the community's staff keep
them on the map (in service or not, opening hours), anyone signed in lists a community's
points and asks for the nearest usable one from a position. The rules are
:mod:`care.domain.aed`'s."""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable
from datetime import datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from care.db.models import AidPointRow
from care.domain import aed
from care.domain.geo import check_position
from care.usecases.common import now_utc
from sc_core.auth import Caller, in_scope
from sc_core.db.engine import Database
from sc_core.errors import Forbidden, Problem

KEEPERS = ("community_admin", "doctor", "caregiver")
SEARCH_M = 5000.0  # the nearest are looked for within 5 km
MAX_CANDIDATES = 500


def point_not_found() -> Problem:
    return Problem(404, "care.aid_point_not_found", "No such AED or first-aid point",
                   zh="没有这个AED或急救点")  # fmt: skip


def _hours(opens: time | None, closes: time | None) -> tuple[str | None, str | None]:
    if (opens is None) != (closes is None):
        raise Problem(
            422, "care.aid_point_hours", "Give both opening and closing times, or neither",
            zh="请同时填写开放和关闭时间，或都不填（全天开放）",
        )  # fmt: skip
    return (f"{opens:%H:%M}" if opens else None, f"{closes:%H:%M}" if closes else None)


def domain_point(row: AidPointRow) -> aed.AidPoint:
    return aed.AidPoint(
        str(row.id), aed.PointKind(row.kind), row.name, row.lat, row.lng, row.in_service,
        time.fromisoformat(row.opens) if row.opens else None,
        time.fromisoformat(row.closes) if row.closes else None,
    )  # fmt: skip


class AidPoints:
    def __init__(self, db: Database, tz: ZoneInfo, clock: Callable[[], datetime] = now_utc) -> None:
        self.db = db
        self.tz = tz
        self.clock = clock

    async def create(
        self, who: Caller, community_id: str, kind: aed.PointKind, name: str, lat: float,
        lng: float, opens: time | None, closes: time | None,
    ) -> AidPointRow:  # fmt: skip
        if not in_scope(who.principal, community_id=community_id, roles=KEEPERS):
            raise Forbidden(
                "auth.out_of_scope", "Only the community's staff keep its AED and first-aid points",
                zh="只有本社区的工作人员可以维护AED与急救点",
            )  # fmt: skip
        o, c = _hours(opens, closes)
        async with self.db.uow() as uow:
            row = AidPointRow(
                id=uuid.uuid4(), community_id=community_id, kind=kind.value, name=name, lat=lat,
                lng=lng, in_service=True, opens=o, closes=c, updated_by=who.subject,
                updated_at=self.clock(),
            )  # fmt: skip
            uow.session.add(row)
            await uow.audit(
                who, "care.aid_point.create", "care_aid_point", str(row.id),
                community_id=community_id,
            )  # fmt: skip
            await uow.commit()
            return row

    async def update(
        self, who: Caller, point_id: uuid.UUID, in_service: bool | None,
        hours: tuple[time | None, time | None] | None,
    ) -> AidPointRow:  # fmt: skip
        """Out of service (battery or pads expired, maintenance) and back; opening hours."""
        async with self.db.uow() as uow:
            row = await uow.session.get(AidPointRow, point_id, with_for_update=True)
            if row is None:
                raise point_not_found()
            if not in_scope(who.principal, community_id=row.community_id, roles=KEEPERS):
                raise point_not_found()
            if in_service is not None:
                row.in_service = in_service
            if hours is not None:
                row.opens, row.closes = _hours(*hours)
            row.updated_by, row.updated_at = who.subject, self.clock()
            await uow.audit(
                who, "care.aid_point.update", "care_aid_point", str(row.id),
                community_id=row.community_id, detail={"in_service": str(row.in_service)},
            )  # fmt: skip
            await uow.commit()
            return row

    async def points(
        self, community_id: str, kind: aed.PointKind | None, limit: int, offset: int
    ) -> tuple[list[AidPointRow], int]:
        """A community's points for the map (those out of service too, marked)."""
        q = select(AidPointRow).where(AidPointRow.community_id == community_id)
        if kind is not None:
            q = q.where(AidPointRow.kind == kind.value)
        async with self.db.uow(read_only=True) as uow:
            total = (
                await uow.session.execute(select(func.count()).select_from(q.subquery()))
            ).scalar_one()
            rows = (
                await uow.session.execute(
                    q.order_by(AidPointRow.name, AidPointRow.id).limit(limit).offset(offset)
                )
            ).scalars().all()  # fmt: skip
            return list(rows), int(total)

    async def nearest(
        self, lat: float, lng: float, kind: aed.PointKind | None, limit: int
    ) -> list[tuple[AidPointRow, aed.Nearby]]:
        """The nearest usable points (in service, open now) within 5 km, nearest first."""
        try:
            check_position(lat, lng)
        except ValueError:
            raise Problem(
                422, "care.position_invalid", "Latitude must be within ±90 and longitude ±180",
                zh="纬度须在±90之间，经度须在±180之间",
            ) from None  # fmt: skip
        dlat = SEARCH_M / 111_320.0
        dlng = SEARCH_M / (111_320.0 * max(0.01, math.cos(math.radians(lat))))
        q = select(AidPointRow).where(
            AidPointRow.in_service.is_(True),
            AidPointRow.lat.between(lat - dlat, lat + dlat),
            AidPointRow.lng.between(lng - dlng, lng + dlng),
        )
        if kind is not None:
            q = q.where(AidPointRow.kind == kind.value)
        async with self.db.uow(read_only=True) as uow:
            rows = (await uow.session.execute(q.limit(MAX_CANDIDATES))).scalars().all()
        by_id = {str(r.id): r for r in rows}
        found = aed.nearest(
            [domain_point(r) for r in rows], lat, lng, self.clock(), kind=kind, limit=limit,
            within_m=SEARCH_M, tz=self.tz,
        )  # fmt: skip
        return [(by_id[n.point.id], n) for n in found]
