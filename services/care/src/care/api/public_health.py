"""Public health (6.1.1 d): the health-incident register, home isolation, notices to a
building or community, statistics per period."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import AwareDatetime, BaseModel, Field

from care.api.deps import PublicHealthDep
from care.db.models import HealthIncidentRow, IsolationRow
from care.domain import public_health as ph
from care.usecases.public_health import IncidentDetail, NewIncident, NewIsolation
from sc_core.auth import CurrentCaller
from sc_core.paging import Page, Paging
from sc_core.schema import Instant

router = APIRouter(prefix="/api/v1/care", tags=["public health"])
Ident = Annotated[str, Field(min_length=1, max_length=64)]
Account = Annotated[str, Field(min_length=1, max_length=128)]
# an instant with its offset, in the years sc_core's Instant allows
When = Annotated[AwareDatetime, *Instant.__metadata__]


class IncidentCreate(BaseModel):
    community_id: Ident
    building_id: Ident | None = None
    kind: ph.IncidentKind = Field(examples=["infectious"])
    title: str = Field(min_length=1, max_length=100, examples=["流感聚集性病例"])
    detail: str | None = Field(default=None, max_length=2000)
    cases: int = Field(default=1, ge=1, le=100_000)
    reported_at: When | None = None


class MeasureCreate(BaseModel):
    text: str = Field(min_length=1, max_length=2000, examples=["1号楼公共区域消毒"])


class IncidentStatusSet(BaseModel):
    status: Literal["controlled", "closed", "open"]
    cases: int | None = Field(default=None, ge=1, le=100_000)


class MeasureRead(BaseModel):
    at: datetime
    by: str
    text: str


class IncidentRead(BaseModel):
    """In the list without ``detail`` and ``measures`` (each read of those is audited on
    its own)."""

    id: str
    community_id: str
    building_id: str | None
    kind: ph.IncidentKind
    title: str
    cases: int
    status: str
    reported_at: datetime
    closed_at: datetime | None
    detail: str | None = None
    measures: list[MeasureRead] | None = None


class IsolationCreate(BaseModel):
    person_id: Ident
    community_id: Ident
    building_id: Ident | None = None
    household_id: Ident | None = None
    door_devices: list[Ident] = Field(min_length=1, max_length=8)
    start: When
    end: When
    grid_worker: Account
    doctor: Account | None = None


class IsolationRead(BaseModel):
    id: str
    person_id: str
    community_id: str
    household_id: str | None
    door_devices: list[str]
    start: datetime
    end: datetime
    grid_worker: str
    doctor: str | None
    openings: int = Field(description="door openings told so far")
    doors_open: list[str]


class HealthNoticeCreate(BaseModel):
    community_id: Ident
    building_id: Ident | None = Field(default=None, description="none: the whole community")
    title_zh: str = Field(min_length=1, max_length=100)
    title_en: str = Field(min_length=1, max_length=100)
    body_zh: str = Field(min_length=1, max_length=2000)
    body_en: str = Field(min_length=1, max_length=2000)


class HealthNoticeSent(BaseModel):
    request_id: str


class HealthStatistics(BaseModel):
    period: ph.Period
    buckets: dict[str, dict[str, int]] = Field(
        description="per period start (local date): incident_<kind>, cases, "
        "detection_no_mask, detection_fever"
    )


@router.post("/health-incidents", status_code=201, response_model=IncidentRead)
async def report_incident(
    body: IncidentCreate, who: CurrentCaller, health: PublicHealthDep
) -> IncidentRead:
    """Register a health incident (doctors and community admins of the community)."""
    row = await health.report(who, NewIncident(**body.model_dump()))
    return _incident(IncidentDetail(row, []))


@router.get("/health-incidents", response_model=Page[IncidentRead])
async def list_incidents(
    who: CurrentCaller,
    health: PublicHealthDep,
    paging: Paging,
    community_id: Annotated[str, Query(min_length=1, max_length=64)],
    status: Annotated[Literal["open", "controlled", "closed"] | None, Query()] = None,
) -> Page[IncidentRead]:
    rows, total = await health.incidents(who, community_id, status, paging)
    return Page[IncidentRead].of([_summary(r) for r in rows], total, paging)


@router.get("/health-incidents/{incident_id}", response_model=IncidentRead)
async def read_incident(
    incident_id: uuid.UUID, who: CurrentCaller, health: PublicHealthDep
) -> IncidentRead:
    return _incident(await health.incident(who, incident_id))


@router.post("/health-incidents/{incident_id}/measures", response_model=IncidentRead)
async def add_measure(
    incident_id: uuid.UUID, body: MeasureCreate, who: CurrentCaller, health: PublicHealthDep
) -> IncidentRead:
    """A measure taken (append-only; none once closed)."""
    return _incident(await health.add_measure(who, incident_id, body.text))


@router.post("/health-incidents/{incident_id}/status", response_model=IncidentRead)
async def set_incident_status(
    incident_id: uuid.UUID, body: IncidentStatusSet, who: CurrentCaller, health: PublicHealthDep
) -> IncidentRead:
    """Controlled, closed (after at least one measure) or reopened."""
    found = await health.set_status(who, incident_id, ph.IncidentStatus(body.status), body.cases)
    return _incident(found)


@router.post("/isolations", status_code=201, response_model=IsolationRead)
async def start_isolation(
    body: IsolationCreate, who: CurrentCaller, health: PublicHealthDep
) -> IsolationRead:
    """Home isolation watched by door contacts (doctors, grid workers and community admins
    of the community): a door opened within the period tells the grid worker and the
    doctor once per opening."""
    return _isolation(await health.isolate(who, NewIsolation(**body.model_dump())))


@router.get("/isolations", response_model=Page[IsolationRead])
async def list_isolations(
    who: CurrentCaller,
    health: PublicHealthDep,
    paging: Paging,
    community_id: Annotated[str, Query(min_length=1, max_length=64)],
) -> Page[IsolationRead]:
    rows, total = await health.isolations(who, community_id, paging)
    return Page[IsolationRead].of([_isolation(r) for r in rows], total, paging)


@router.post("/health-notices", status_code=202, response_model=HealthNoticeSent)
async def send_health_notice(
    body: HealthNoticeCreate, who: CurrentCaller, health: PublicHealthDep
) -> HealthNoticeSent:
    """A notice (disinfection, vaccination, a case nearby) to every resident of the
    building, or of the community, through the notification service."""
    request_id = await health.notify(
        who, body.community_id, body.building_id, (body.title_zh, body.title_en),
        (body.body_zh, body.body_en),
    )  # fmt: skip
    return HealthNoticeSent(request_id=request_id)


@router.get("/health-statistics", response_model=HealthStatistics)
async def health_statistics(
    who: CurrentCaller,
    health: PublicHealthDep,
    community_id: Annotated[str, Query(min_length=1, max_length=64)],
    since: Annotated[When, Query()],
    until: Annotated[When, Query()],
    period: Annotated[ph.Period, Query()] = ph.Period.DAY,
) -> HealthStatistics:
    """Incidents (and their cases) and detections per day, week or month (local dates);
    at most 400 days."""
    buckets = await health.statistics(who, community_id, period, since, until)
    return HealthStatistics(period=period, buckets=buckets)


def _summary(r: HealthIncidentRow) -> IncidentRead:
    return IncidentRead(
        id=str(r.id), community_id=r.community_id, building_id=r.building_id,
        kind=ph.IncidentKind(r.kind), title=r.title, cases=r.cases, status=r.status,
        reported_at=r.reported_at, closed_at=r.closed_at,
    )  # fmt: skip


def _incident(d: IncidentDetail) -> IncidentRead:
    out = _summary(d.row)
    out.detail = d.row.detail
    out.measures = [MeasureRead(at=m.at, by=m.by, text=m.text) for m in d.measures]
    return out


def _isolation(r: IsolationRow) -> IsolationRead:
    return IsolationRead(
        id=str(r.id), person_id=r.person_id, community_id=r.community_id,
        household_id=r.household_id, door_devices=list(r.door_devices), start=r.start,
        end=r.end, grid_worker=r.grid_worker, doctor=r.doctor, openings=r.openings,
        doors_open=list(r.open_doors or []),
    )  # fmt: skip
