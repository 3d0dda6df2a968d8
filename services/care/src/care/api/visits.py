"""The lone-elder watch and visits: enrol a person, my visits (paged), record a visit."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict, Field, field_validator

from care.api.deps import HomeVisitsDep, WanderingDep, WatchDep
from care.db.models import VisitRow
from care.domain.visits import Purpose
from care.usecases.home_visits import NewVisit
from sc_core.api import Page, Paging
from sc_core.auth import CurrentCaller
from sc_core.schema import AwareInstant

router = APIRouter(prefix="/api/v1/care", tags=["watch and visits"])


class WatchRead(BaseModel):
    person_id: str
    enabled: bool
    params: dict[str, object]


class VisitRead(BaseModel):
    id: str
    person_id: str
    purpose: str
    status: str
    due: datetime
    reason: str | None
    outcome: str | None
    record: str | None
    done_at: datetime | None
    assignee: str | None = None
    assignee_name: str | None = None


class VisitSchedule(BaseModel):
    purpose: Literal["routine", "follow_up"] = "routine"
    due: AwareInstant
    reason: str = Field(min_length=1, max_length=200, description="血压随访，测量并调整用药")
    reason_en: str | None = Field(default=None, max_length=200)
    assignee: str | None = Field(
        default=None, max_length=128, description="Who visits (account); the doctor if not given"
    )
    assignee_name: str = Field(default="医生", min_length=1, max_length=64, examples=["张医生"])


class VisitRecord(BaseModel):
    outcome: Literal["well", "false_alarm", "needs_help", "unreachable"]
    record: str = Field(min_length=1, max_length=2000)


@router.post("/people/{person_id}/watch", response_model=WatchRead)
async def enroll(
    person_id: Annotated[str, Path(min_length=1, max_length=64)],
    who: CurrentCaller,
    watch: WatchDep,
) -> WatchRead:
    row = await watch.enroll(who, person_id)
    return WatchRead(person_id=row.person_id, enabled=row.enabled, params=row.params)


Lat = Annotated[float, Field(ge=-90, le=90)]
Lng = Annotated[float, Field(ge=-180, le=180)]
# [lat, lng] as a plain pair (a JSON array of two numbers, each within -180..180); the
# latitude's -90..90 is checked by the zone, since a fixed-length tuple would need JSON
# Schema's prefixItems, which OpenAPI 3.0 tools (and the chart check's Spectral rule) do
# not read
Corner = Annotated[
    list[Annotated[float, Field(ge=-180, le=180)]], Field(min_length=2, max_length=2)
]


class CircleZone(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: Literal["circle"]
    lat: Lat
    lng: Lng
    radius_m: float = Field(gt=0, le=100_000)


class PolygonZone(BaseModel):
    """Corners as ``[lat, lng]``; the shape itself (three corners or more, no crossing
    edges) is the use case's to check (``care.zone_invalid``)."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["polygon"]
    points: list[Corner] = Field(max_length=500)

    @field_validator("points")
    @classmethod
    def _on_the_map(cls, points: list[list[float]]) -> list[list[float]]:
        for lat, lng in points:
            if not (-90 <= lat <= 90 and -180 <= lng <= 180):
                raise ValueError("a corner is [lat, lng]: lat -90..90, lng -180..180")
        return points


class ZoneSet(BaseModel):
    name: str = Field(min_length=1, max_length=64, description="家附近 / 幸福里社区")
    geometry: CircleZone | PolygonZone = Field(
        discriminator="type",
        description='{"type": "circle", "lat": 31.23, "lng": 121.47, "radius_m": 500} or '
        '{"type": "polygon", "points": [[lat, lng], ...]}',
        examples=[{"type": "circle", "lat": 31.2304, "lng": 121.4737, "radius_m": 500}],
    )


@router.put("/people/{person_id}/safe-zone", status_code=204)
async def set_zone(
    person_id: Annotated[str, Path(min_length=1, max_length=64)],
    body: ZoneSet,
    who: CurrentCaller,
    zones: WanderingDep,
) -> None:
    await zones.set_zone(who, person_id, body.name, body.geometry.model_dump())


@router.post("/people/{person_id}/visits", status_code=201, response_model=VisitRead)
async def schedule(
    person_id: Annotated[str, Path(min_length=1, max_length=64)],
    body: VisitSchedule,
    who: CurrentCaller,
    visits: HomeVisitsDep,
) -> VisitRead:
    """A doctor schedules a home or follow-up visit; the person and family are told."""
    new = NewVisit(
        Purpose(body.purpose), body.due, body.reason, body.reason_en, body.assignee,
        body.assignee_name,
    )  # fmt: skip
    return _read(await visits.schedule(who, person_id, new))


@router.get("/people/{person_id}/visits", response_model=Page[VisitRead])
async def person_visits(
    person_id: Annotated[str, Path(min_length=1, max_length=64)],
    who: CurrentCaller,
    visits: HomeVisitsDep,
    paging: Paging,
) -> Page[VisitRead]:
    """A person's visits and their notes (consent on visits)."""
    rows, total = await visits.of_person(who, person_id, paging.limit, paging.offset)
    return Page[VisitRead].of([_read(r) for r in rows], total, paging)


@router.get("/visits", response_model=Page[VisitRead])
async def my_visits(who: CurrentCaller, watch: WatchDep, paging: Paging) -> Page[VisitRead]:
    rows, total = await watch.visits(who, paging.limit, paging.offset)
    return Page[VisitRead].of([_read(r) for r in rows], total, paging)


@router.post("/visits/{visit_id}/record", response_model=VisitRead)
async def record(
    visit_id: uuid.UUID, body: VisitRecord, who: CurrentCaller, watch: WatchDep
) -> VisitRead:
    return _read(await watch.complete(who, visit_id, body.outcome, body.record))


def _read(r: VisitRow) -> VisitRead:
    return VisitRead(
        id=str(r.id),
        person_id=r.person_id,
        purpose=r.purpose,
        status=r.status,
        due=r.due,
        reason=r.reason,
        outcome=r.outcome,
        record=r.record,
        done_at=r.done_at,
        assignee=r.assignee,
        assignee_name=r.assignee_name,
    )
