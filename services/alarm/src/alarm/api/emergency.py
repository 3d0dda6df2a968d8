"""Emergency management (6.1.4): plans by type (searchable by type, date, name), risk-map
points, drills with participation, shelters (and the nearest one), emergency supplies
with stock and movements (residents may read), warnings to residents, speakers and
e-screens (through the notification service)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import extract, func, select

from alarm.api.deps import (
    EMERGENCY_WRITERS,
    STAFF,
    EmergencyWriter,
    PartsDep,
    Staff,
    ensure_place,
)
from alarm.api.editing import editable
from alarm.api.schemas import Channel
from alarm.db.emergency import (
    Drill,
    EmergencyPlan,
    EmergencyWarning,
    RiskPoint,
    Shelter,
    Supply,
    SupplyMovement,
)
from alarm.domain.geo import distance_m
from alarm.engine.notify import request as notification_request
from sc_contracts.events.notification import Recipients, RoleInScope
from sc_core.api import AuditorDep, Page, Paging, UnitOfWorkDep, fetch_page
from sc_core.auth import CurrentPrincipal, Principal, scope_clause
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Problem

router = APIRouter(tags=["emergency"])
Id = Field(min_length=1, max_length=64)
PLAN_TYPES = (
    "fire",
    "public_health",
    "power_failure",
    "communication_failure",
    "flood",
    "typhoon",
    "earthquake",
    "gas_leak",
    "other",
)
PlanType = Literal[
    "fire",
    "public_health",
    "power_failure",
    "communication_failure",
    "flood",
    "typhoon",
    "earthquake",
    "gas_leak",
    "other",
]


class Orm(BaseModel):
    model_config = ConfigDict(from_attributes=True)


async def _create(
    uow: UnitOfWork,
    auditor: AuditorDep,
    principal: Principal,
    request: Request,
    obj: Any,
    kind: str,
) -> None:
    uow.session.add(obj)
    await uow.session.flush()
    await auditor.within(
        uow,
        action=f"{kind}.create",
        resource_type=kind,
        resource_id=str(obj.id),
        principal=principal,
        request=request,
        community_id=obj.community_id,
    )
    await uow.commit()


def _staff_scope(principal: Principal, column: Any) -> Any:
    return scope_clause(principal, community_col=column, roles=STAFF)


def _public_scope(principal: Principal, column: Any, community_id: str | None) -> Any:
    """Shelters and supplies are for everyone in the community: staff see their places;
    anyone else names the community they live in."""
    if principal.has_role(*STAFF):
        clause = _staff_scope(principal, column)
        return clause if community_id is None else clause & (column == community_id)
    if community_id is None:
        raise Problem(422, "emergency.community_required", "Name the community (community_id)")
    return column == community_id


# plans -------------------------------------------------------------------------------
class PlanBody(BaseModel):
    community_id: str = Id
    plan_type: PlanType
    name: str = Field(min_length=1, max_length=200)
    effective_on: date
    organisation: str | None = Field(default=None, max_length=4000)
    risks: str | None = Field(default=None, max_length=4000)
    procedures: str | None = Field(default=None, max_length=20000)
    contacts: list[dict[str, str]] = Field(default_factory=list, max_length=50)
    teams: list[dict[str, Any]] = Field(default_factory=list, max_length=50)


class PlanRead(PlanBody, Orm):
    id: uuid.UUID


@router.post("/api/v1/emergency-plans", status_code=201, response_model=PlanRead)
async def create_plan(
    body: PlanBody,
    principal: EmergencyWriter,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    request: Request,
) -> PlanRead:
    ensure_place(principal, body.community_id, allowed=EMERGENCY_WRITERS)
    plan = EmergencyPlan(id=uuid.uuid4(), **body.model_dump())
    await _create(uow, auditor, principal, request, plan, "emergency_plan")
    return PlanRead.model_validate(plan)


@router.get("/api/v1/emergency-plans", response_model=Page[PlanRead])
async def search_plans(
    principal: Staff,
    uow: UnitOfWorkDep,
    paging: Paging,
    plan_type: PlanType | None = None,
    name: Annotated[str | None, Query(max_length=100)] = None,
    effective_from: date | None = None,
    effective_to: date | None = None,
    community_id: str | None = None,
) -> Page[PlanRead]:
    query = select(EmergencyPlan).where(_staff_scope(principal, EmergencyPlan.community_id))
    if plan_type:
        query = query.where(EmergencyPlan.plan_type == plan_type)
    if name:
        escaped = name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(EmergencyPlan.name.ilike(f"%{escaped}%", escape="\\"))
    if effective_from:
        query = query.where(EmergencyPlan.effective_on >= effective_from)
    if effective_to:
        query = query.where(EmergencyPlan.effective_on <= effective_to)
    if community_id:
        query = query.where(EmergencyPlan.community_id == community_id)
    items, total = await fetch_page(
        uow.session, query.order_by(EmergencyPlan.effective_on.desc(), EmergencyPlan.id), paging
    )
    return Page[PlanRead].of([PlanRead.model_validate(p) for p in items], total, paging)


# risk map ----------------------------------------------------------------------------
class RiskBody(BaseModel):
    community_id: str = Id
    name: str = Field(min_length=1, max_length=200)
    risk_type: str = Field(min_length=1, max_length=32)
    level: Literal["low", "medium", "high", "critical"]
    lat: float = Field(ge=-90, le=90)
    lng: float = Field(ge=-180, le=180)
    description: str | None = Field(default=None, max_length=2000)


class RiskRead(RiskBody, Orm):
    id: uuid.UUID


@router.post("/api/v1/risk-points", status_code=201, response_model=RiskRead)
async def add_risk(
    body: RiskBody,
    principal: EmergencyWriter,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    request: Request,
) -> RiskRead:
    ensure_place(principal, body.community_id, allowed=EMERGENCY_WRITERS)
    point = RiskPoint(id=uuid.uuid4(), **body.model_dump())
    await _create(uow, auditor, principal, request, point, "risk_point")
    return RiskRead.model_validate(point)


@router.get("/api/v1/risk-points", response_model=Page[RiskRead])
async def risk_map(
    principal: Staff, uow: UnitOfWorkDep, paging: Paging, community_id: str | None = None
) -> Page[RiskRead]:
    query = select(RiskPoint).where(_staff_scope(principal, RiskPoint.community_id))
    if community_id:
        query = query.where(RiskPoint.community_id == community_id)
    items, total = await fetch_page(uow.session, query.order_by(RiskPoint.id), paging)
    return Page[RiskRead].of([RiskRead.model_validate(p) for p in items], total, paging)


# drills ------------------------------------------------------------------------------
class Participant(BaseModel):
    user_id: str = Id
    role: str | None = Field(default=None, max_length=32)
    attended: bool = True


class DrillBody(BaseModel):
    community_id: str = Id
    plan_id: uuid.UUID | None = None
    title: str = Field(min_length=1, max_length=200)
    drill_type: PlanType
    held_on: date
    location: str | None = Field(default=None, max_length=200)
    participants: list[Participant] = Field(default_factory=list, max_length=2000)
    summary: str | None = Field(default=None, max_length=4000)


class DrillRead(DrillBody, Orm):
    id: uuid.UUID


@router.post("/api/v1/drills", status_code=201, response_model=DrillRead)
async def record_drill(
    body: DrillBody,
    principal: EmergencyWriter,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    request: Request,
) -> DrillRead:
    ensure_place(principal, body.community_id, allowed=EMERGENCY_WRITERS)
    values = body.model_dump()
    values["participants"] = [p.model_dump() for p in body.participants]
    drill = Drill(id=uuid.uuid4(), **values)
    await _create(uow, auditor, principal, request, drill, "drill")
    return DrillRead.model_validate(drill)


@router.get("/api/v1/drills", response_model=Page[DrillRead])
async def list_drills(
    principal: Staff,
    uow: UnitOfWorkDep,
    paging: Paging,
    year: int | None = None,
    community_id: str | None = None,
) -> Page[DrillRead]:
    query = select(Drill).where(_staff_scope(principal, Drill.community_id))
    if year:
        query = query.where(extract("year", Drill.held_on) == year)
    if community_id:
        query = query.where(Drill.community_id == community_id)
    items, total = await fetch_page(
        uow.session, query.order_by(Drill.held_on.desc(), Drill.id), paging
    )
    return Page[DrillRead].of([DrillRead.model_validate(d) for d in items], total, paging)


@router.get("/api/v1/drills/compliance")
async def drill_compliance(
    principal: Staff,
    uow: UnitOfWorkDep,
    year: Annotated[int, Query(ge=1900, le=2200)],
    required: Annotated[int, Query(ge=1, le=366)] = 2,
) -> list[dict[str, Any]]:
    """Drills held per community in ``year`` and whether the required number was met."""
    rows = await uow.session.execute(
        select(Drill.community_id, func.count())
        .where(_staff_scope(principal, Drill.community_id))
        .where(extract("year", Drill.held_on) == year)
        .group_by(Drill.community_id)
        .order_by(Drill.community_id)
    )
    return [
        {"community_id": c, "year": year, "drills": n, "meets_requirement": n >= required}
        for c, n in rows
    ]


# shelters ----------------------------------------------------------------------------
class ShelterBody(BaseModel):
    community_id: str = Id
    name: str = Field(min_length=1, max_length=200)
    address: str | None = Field(default=None, max_length=200)
    capacity: int = Field(ge=0, le=1_000_000)
    lat: float = Field(ge=-90, le=90)
    lng: float = Field(ge=-180, le=180)
    facilities: str | None = Field(default=None, max_length=2000)


class ShelterRead(ShelterBody, Orm):
    id: uuid.UUID
    distance_m: float | None = None


@router.post("/api/v1/shelters", status_code=201, response_model=ShelterRead)
async def add_shelter(
    body: ShelterBody,
    principal: EmergencyWriter,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    request: Request,
) -> ShelterRead:
    ensure_place(principal, body.community_id, allowed=EMERGENCY_WRITERS)
    shelter = Shelter(id=uuid.uuid4(), **body.model_dump())
    await _create(uow, auditor, principal, request, shelter, "shelter")
    return ShelterRead.model_validate(shelter)


@router.get("/api/v1/shelters", response_model=Page[ShelterRead])
async def list_shelters(
    principal: CurrentPrincipal,
    uow: UnitOfWorkDep,
    paging: Paging,
    community_id: str | None = None,
) -> Page[ShelterRead]:
    query = select(Shelter).where(_public_scope(principal, Shelter.community_id, community_id))
    items, total = await fetch_page(uow.session, query.order_by(Shelter.name, Shelter.id), paging)
    return Page[ShelterRead].of([ShelterRead.model_validate(s) for s in items], total, paging)


@router.get("/api/v1/shelters/nearest", response_model=list[ShelterRead])
async def nearest_shelters(
    principal: CurrentPrincipal,
    uow: UnitOfWorkDep,
    lat: Annotated[float, Query(ge=-90, le=90)],
    lng: Annotated[float, Query(ge=-180, le=180)],
    community_id: str | None = None,
    limit: Annotated[int, Query(ge=1, le=20)] = 3,
) -> list[ShelterRead]:
    """The shelters nearest to a point (emergency-button guidance, 6.1.4 d)."""
    rows = (
        await uow.session.scalars(
            select(Shelter).where(_public_scope(principal, Shelter.community_id, community_id))
        )
    ).all()
    found = [
        ShelterRead.model_validate(s).model_copy(
            update={"distance_m": round(distance_m(lat, lng, s.lat, s.lng), 1)}
        )
        for s in rows
    ]
    found.sort(key=lambda s: s.distance_m or 0.0)
    return found[:limit]


# supplies ----------------------------------------------------------------------------
class SupplyBody(BaseModel):
    community_id: str = Id
    name: str = Field(min_length=1, max_length=200)
    category: str = Field(min_length=1, max_length=32)
    unit: str = Field(min_length=1, max_length=16)
    quantity: int = Field(ge=0, le=10_000_000)
    location: str | None = Field(default=None, max_length=200)


class SupplyRead(SupplyBody, Orm):
    id: uuid.UUID
    updated_at: datetime


class MovementBody(BaseModel):
    delta: int = Field(ge=-10_000_000, le=10_000_000)
    reason: str = Field(min_length=1, max_length=200)


@router.post("/api/v1/supplies", status_code=201, response_model=SupplyRead)
async def add_supply(
    body: SupplyBody,
    principal: EmergencyWriter,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    request: Request,
) -> SupplyRead:
    ensure_place(principal, body.community_id, allowed=EMERGENCY_WRITERS)
    supply = Supply(id=uuid.uuid4(), updated_at=datetime.now(UTC), **body.model_dump())
    await _create(uow, auditor, principal, request, supply, "supply")
    return SupplyRead.model_validate(supply)


@router.get("/api/v1/supplies", response_model=Page[SupplyRead])
async def list_supplies(
    principal: CurrentPrincipal,
    uow: UnitOfWorkDep,
    paging: Paging,
    community_id: str | None = None,
    category: str | None = None,
) -> Page[SupplyRead]:
    """What is in stock and where: residents see it too (6.1.4 e)."""
    query = select(Supply).where(_public_scope(principal, Supply.community_id, community_id))
    if category:
        query = query.where(Supply.category == category)
    items, total = await fetch_page(uow.session, query.order_by(Supply.name, Supply.id), paging)
    return Page[SupplyRead].of([SupplyRead.model_validate(s) for s in items], total, paging)


@router.post("/api/v1/supplies/{supply_id}/movements", status_code=201, response_model=SupplyRead)
async def move_stock(
    supply_id: uuid.UUID,
    body: MovementBody,
    principal: EmergencyWriter,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    request: Request,
) -> SupplyRead:
    supply = await uow.session.get(Supply, supply_id, with_for_update=True)
    if supply is None:
        raise Problem(404, "supply.not_found", f"No supply {supply_id}")
    ensure_place(principal, supply.community_id, allowed=EMERGENCY_WRITERS)
    if supply.quantity + body.delta < 0:
        raise Problem(409, "supply.insufficient_stock", f"Only {supply.quantity} in stock")
    supply.quantity += body.delta
    supply.updated_at = datetime.now(UTC)
    uow.session.add(
        SupplyMovement(
            id=uuid.uuid4(),
            supply_id=supply.id,
            delta=body.delta,
            reason=body.reason,
            actor_id=principal.subject,
        )
    )
    await auditor.within(
        uow,
        action="supply.move",
        resource_type="supply",
        resource_id=str(supply.id),
        principal=principal,
        request=request,
        community_id=supply.community_id,
        detail={"delta": str(body.delta)},
    )
    await uow.commit()
    return SupplyRead.model_validate(supply)


@router.get("/api/v1/supplies/{supply_id}/movements")
async def movements(
    supply_id: uuid.UUID, principal: Staff, uow: UnitOfWorkDep, paging: Paging
) -> Page[dict[str, Any]]:
    supply = await uow.session.get(Supply, supply_id)
    if supply is None:
        raise Problem(404, "supply.not_found", f"No supply {supply_id}")
    ensure_place(principal, supply.community_id, allowed=STAFF)
    query = select(SupplyMovement).where(SupplyMovement.supply_id == supply_id)
    items, total = await fetch_page(
        uow.session, query.order_by(SupplyMovement.created_at, SupplyMovement.id), paging
    )
    rows = [
        {"delta": m.delta, "reason": m.reason, "actor_id": m.actor_id, "at": m.created_at}
        for m in items
    ]
    return Page[dict[str, Any]].of(rows, total, paging)


# warnings ----------------------------------------------------------------------------
class WarningBody(BaseModel):
    community_id: str = Id
    title: str = Field(min_length=1, max_length=200)
    message: str = Field(min_length=1, max_length=2000)
    level: Literal["blue", "yellow", "orange", "red"] = "yellow"
    # each id as the notification request's scope ids are (an empty one was a 500)
    building_ids: list[Annotated[str, Field(min_length=1, max_length=64)]] = Field(
        default_factory=list, max_length=200
    )
    channels: list[Channel] = Field(
        default_factory=lambda: list[Channel](["inapp", "push", "speaker", "screen"]), min_length=1
    )


class WarningRead(WarningBody, Orm):
    id: uuid.UUID
    issued_by: str | None
    created_at: datetime


LEVEL_SEVERITY = {"blue": "info", "yellow": "warning", "orange": "urgent", "red": "critical"}


@router.post("/api/v1/emergency-warnings", status_code=201, response_model=WarningRead)
async def warn(
    body: WarningBody,
    principal: EmergencyWriter,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    parts: PartsDep,
    request: Request,
) -> WarningRead:
    """Warn residents (every household member holding a grant in the community, or in
    the buildings named) and the speakers and e-screens there (6.1.4 c)."""
    ensure_place(principal, body.community_id, allowed=EMERGENCY_WRITERS)
    warning = EmergencyWarning(
        id=uuid.uuid4(),
        issued_by=principal.subject,
        created_at=datetime.now(UTC),
        **body.model_dump(),
    )
    uow.session.add(warning)
    # Residents hold household grants: a role in a place reaches every holder of it
    # anywhere inside (the notification service resolves it with sc_core.places), so the
    # audience is the residents of the community, or of the buildings named; the
    # buildings also travel as a variable for speakers and screens to narrow to.
    places = [("building", b) for b in body.building_ids] or [("community", body.community_id)]
    recipients = Recipients(
        roles_in_scope=[
            RoleInScope(role=role, scope_type=scope_type, scope_id=scope_id)
            for scope_type, scope_id in places
            for role in ("resident", "tenant", "family")
        ]
    )
    await notification_request(
        uow,
        parts.settings.notification_topic,
        request_id=f"warning:{warning.id}",
        recipients=recipients,
        template="emergency.warning",
        variables={
            "title": body.title,
            "message": body.message,
            "building_ids": ",".join(body.building_ids),
        },
        severity=LEVEL_SEVERITY[body.level],
        channels=list(body.channels),
        community_id=body.community_id,
        correlation_id=str(warning.id),
    )
    await auditor.within(
        uow,
        action="emergency_warning.create",
        resource_type="emergency_warning",
        resource_id=str(warning.id),
        principal=principal,
        request=request,
        community_id=body.community_id,
    )
    await uow.commit()
    return WarningRead.model_validate(warning)


@router.get("/api/v1/emergency-warnings", response_model=Page[WarningRead])
async def list_warnings(
    principal: CurrentPrincipal,
    uow: UnitOfWorkDep,
    paging: Paging,
    community_id: str | None = None,
) -> Page[WarningRead]:
    query = select(EmergencyWarning).where(
        _public_scope(principal, EmergencyWarning.community_id, community_id)
    )
    items, total = await fetch_page(
        uow.session, query.order_by(EmergencyWarning.created_at.desc(), EmergencyWarning.id), paging
    )
    return Page[WarningRead].of([WarningRead.model_validate(w) for w in items], total, paging)


# update and delete -------------------------------------------------------------------
async def _writer_on(uow: UnitOfWork, principal: Principal, community: str, _: str | None) -> None:
    ensure_place(principal, community, allowed=EMERGENCY_WRITERS)


for _path, _model, _body, _read, _kind, _fixed in (
    ("/api/v1/emergency-plans", EmergencyPlan, PlanBody, PlanRead, "emergency_plan", ()),
    ("/api/v1/risk-points", RiskPoint, RiskBody, RiskRead, "risk_point", ()),
    ("/api/v1/drills", Drill, DrillBody, DrillRead, "drill", ()),
    ("/api/v1/shelters", Shelter, ShelterBody, ShelterRead, "shelter", ()),
    # stock moves only by movements (each one recorded), never by an edit
    ("/api/v1/supplies", Supply, SupplyBody, SupplyRead, "supply", ("quantity",)),
):
    editable(
        router,
        _path,
        model=_model,
        body=_body,
        read=lambda obj, _p, _r=_read: _r.model_validate(obj),
        response_model=_read,
        kind=_kind,
        writers=EMERGENCY_WRITERS,
        check=_writer_on,
        fixed=_fixed,
    )
