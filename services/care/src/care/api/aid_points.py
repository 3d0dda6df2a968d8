"""AED and first-aid points (AED 与急救点): kept by the community's staff, on the map,
and the nearest usable one from a position."""

from __future__ import annotations

import uuid
from datetime import datetime, time
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from care.api.deps import AidPointsDep
from care.db.models import AidPointRow
from care.domain.aed import PointKind
from sc_core.api import Page, Paging
from sc_core.auth import CurrentCaller

router = APIRouter(prefix="/api/v1/care", tags=["aid-points"])

KIND_WORDS = {"aed": ("AED（自动体外除颤器）", "AED"), "first_aid": ("急救点", "first-aid point")}


class AidPointCreate(BaseModel):
    community_id: Annotated[str, Field(min_length=1, max_length=64)]
    kind: PointKind = PointKind.AED
    name: Annotated[str, Field(min_length=1, max_length=100)] = Field(
        description="幸福里社区服务中心一楼大厅"
    )
    lat: float = Field(ge=-90, le=90)
    lng: float = Field(ge=-180, le=180)
    opens: time | None = Field(default=None, description="None with closes: around the clock")
    closes: time | None = None


class AidPointUpdate(BaseModel):
    in_service: bool | None = Field(
        default=None, description="False: battery or pads expired, under maintenance"
    )
    around_the_clock: bool | None = Field(default=None, description="True clears the hours")
    opens: time | None = None
    closes: time | None = None


class AidPointRead(BaseModel):
    id: str
    community_id: str
    kind: str
    kind_zh: str
    kind_en: str
    name: str
    lat: float
    lng: float
    in_service: bool
    opens: str | None
    closes: str | None
    updated_at: datetime


class AidPointNearby(AidPointRead):
    distance_m: int
    walk_minutes: int
    words_zh: str = Field(description="幸福里社区服务中心一楼大厅，约120米，步行约2分钟")
    words_en: str


@router.post("/aid-points", status_code=201, response_model=AidPointRead)
async def create(body: AidPointCreate, who: CurrentCaller, points: AidPointsDep) -> AidPointRead:
    """The community's admins, doctors and caregivers put a point on the map."""
    row = await points.create(
        who, body.community_id, body.kind, body.name, body.lat, body.lng, body.opens, body.closes
    )
    return _read(row)


@router.patch("/aid-points/{point_id}", response_model=AidPointRead)
async def update(
    point_id: uuid.UUID, body: AidPointUpdate, who: CurrentCaller, points: AidPointsDep
) -> AidPointRead:
    hours: tuple[time | None, time | None] | None = None
    if body.around_the_clock:
        hours = (None, None)
    elif body.opens is not None or body.closes is not None:
        hours = (body.opens, body.closes)
    return _read(await points.update(who, point_id, body.in_service, hours))


@router.get("/aid-points", response_model=Page[AidPointRead])
async def list_points(
    who: CurrentCaller, points: AidPointsDep, paging: Paging,
    community_id: Annotated[str, Query(min_length=1, max_length=64)],
    kind: Annotated[PointKind | None, Query()] = None,
) -> Page[AidPointRead]:  # fmt: skip
    """A community's points for the map, those out of service too (marked)."""
    rows, total = await points.points(community_id, kind, paging.limit, paging.offset)
    return Page[AidPointRead].of([_read(r) for r in rows], total, paging)


@router.get("/aid-points/nearest", response_model=list[AidPointNearby])
async def nearest(
    who: CurrentCaller, points: AidPointsDep,
    lat: Annotated[float, Query(ge=-90, le=90)],
    lng: Annotated[float, Query(ge=-180, le=180)],
    kind: Annotated[PointKind | None, Query()] = PointKind.AED,
    limit: Annotated[int, Query(ge=1, le=10)] = 3,
) -> list[AidPointNearby]:  # fmt: skip
    """The nearest usable points (in service, open now) within 5 km, nearest first, with
    the distance and the walk in words."""
    out = []
    for row, near in await points.nearest(lat, lng, kind, limit):
        zh, en = near.words()
        out.append(
            AidPointNearby(
                **_read(row).model_dump(),
                distance_m=round(near.distance_m),
                walk_minutes=near.walk_minutes,
                words_zh=zh,
                words_en=en,
            )
        )
    return out


def _read(r: AidPointRow) -> AidPointRead:
    zh, en = KIND_WORDS.get(r.kind, (r.kind, r.kind))
    return AidPointRead(
        id=str(r.id), community_id=r.community_id, kind=r.kind, kind_zh=zh, kind_en=en,
        name=r.name, lat=r.lat, lng=r.lng, in_service=r.in_service, opens=r.opens,
        closes=r.closes, updated_at=r.updated_at,
    )  # fmt: skip
