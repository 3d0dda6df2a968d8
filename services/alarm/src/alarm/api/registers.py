"""Safety registers: special populations (6.1.1 a), incidents and their statistics
(6.1.1 b), department linkage (6.1.1 c), key places and their cameras (6.1.1 e).

Readers are the roles that need them (community_admin, grid_worker, police,
property_manager) within their places; residents never. Personal fields are encrypted at
rest and masked by the caller's grade (a property manager sees names, not the person
reference, plan or contacts); every read is audited.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy import func, or_, select

from alarm.api.deps import (
    REGISTER_READERS,
    REGISTER_WRITERS,
    DispatchAnswerer,
    RegisterReader,
    RegisterWriter,
    ensure_place_in_grid,
    grid_scope,
)
from alarm.api.editing import editable
from alarm.db.registers import Incident, IncidentDispatch, KeyPlace, SpecialPerson
from alarm.domain.departments import Department, DispatchStatus
from alarm.engine import dispatches as answers
from sc_core.api import AuditorDep, Page, Paging, UnitOfWorkDep, fetch_page
from sc_core.auth import Principal, scope_clause
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Problem
from sc_core.privacy import Sensitive, mask_model

router = APIRouter(tags=["safety registers"])
Id = Field(min_length=1, max_length=64)
DEPARTMENTS = ("fire", "police", "traffic", "justice", "weather", "civil_affairs", "health")


# special populations ---------------------------------------------------------------
class SpecialPersonBody(BaseModel):
    community_id: str = Id
    building_id: str | None = Field(default=None, max_length=64)
    unit_id: str | None = Field(default=None, max_length=64)
    room_id: str | None = Field(default=None, max_length=64)
    household_id: str | None = Field(default=None, max_length=64)
    person_ref: str = Field(min_length=1, max_length=64, description="identity's person id")
    name: str = Field(min_length=1, max_length=100)
    category: Literal[
        "elderly_alone", "disabled", "community_correction", "mental_health", "minor", "other"
    ]
    responsible_user_ids: list[str] = Field(default_factory=list, max_length=50)
    notify_household_ids: list[str] = Field(default_factory=list, max_length=20)
    family_may_acknowledge: bool = Field(
        default=False, description="The notified households may acknowledge the alarm."
    )
    device_ids: list[str] = Field(default_factory=list, max_length=50)
    plan: str | None = Field(default=None, max_length=4000)
    emergency_contacts: list[dict[str, str]] = Field(default_factory=list, max_length=20)


class SpecialPersonRead(BaseModel):
    id: uuid.UUID
    community_id: str
    building_id: str | None
    unit_id: str | None
    room_id: str | None
    household_id: str | None
    person_ref: Annotated[str | None, Sensitive("redact")]
    name: Annotated[str | None, Sensitive("name")]
    category: str
    responsible_user_ids: list[str]
    notify_household_ids: list[str]
    family_may_acknowledge: bool
    device_ids: list[str]
    plan: Annotated[str | None, Sensitive("redact")]
    emergency_contacts: Annotated[str | None, Sensitive("redact")]


def _person_read(person: SpecialPerson, principal: Principal) -> SpecialPersonRead:
    read = SpecialPersonRead.model_validate(person, from_attributes=True)
    return mask_model(read, principal.grade)


async def _audit_read(
    auditor: AuditorDep,
    principal: Principal,
    request: Request,
    resource_type: str,
    resource_id: str | None,
    community_id: str | None = None,
    **detail: str,
) -> None:
    await auditor.record(
        action=f"{resource_type}.read",
        resource_type=resource_type,
        resource_id=resource_id,
        principal=principal,
        request=request,
        community_id=community_id,
        detail=detail,
    )


@router.post("/api/v1/special-persons", status_code=201, response_model=SpecialPersonRead)
async def register_person(
    body: SpecialPersonBody,
    principal: RegisterWriter,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    request: Request,
) -> SpecialPersonRead:
    await ensure_place_in_grid(
        uow, principal, body.community_id, body.building_id, allowed=REGISTER_WRITERS
    )
    values = body.model_dump()
    values["emergency_contacts"] = json.dumps(body.emergency_contacts, ensure_ascii=False)
    person = SpecialPerson(id=uuid.uuid4(), **values)
    uow.session.add(person)
    await uow.session.flush()
    await auditor.within(
        uow,
        action="special_person.create",
        resource_type="special_person",
        resource_id=str(person.id),
        principal=principal,
        request=request,
        community_id=person.community_id,
    )
    await uow.commit()
    return _person_read(person, principal)


def _person_scope(principal: Principal) -> Any:
    return or_(
        scope_clause(
            principal,
            community_col=SpecialPerson.community_id,
            building_col=SpecialPerson.building_id,
            roles=REGISTER_READERS,
        ),
        grid_scope(principal, SpecialPerson.building_id, REGISTER_READERS),
    )


@router.get("/api/v1/special-persons", response_model=Page[SpecialPersonRead])
async def list_persons(
    principal: RegisterReader,
    uow: UnitOfWorkDep,
    paging: Paging,
    auditor: AuditorDep,
    request: Request,
    category: str | None = None,
    community_id: str | None = None,
) -> Page[SpecialPersonRead]:
    query = select(SpecialPerson).where(_person_scope(principal))
    if category:
        query = query.where(SpecialPerson.category == category)
    if community_id:
        query = query.where(SpecialPerson.community_id == community_id)
    items, total = await fetch_page(
        uow.session, query.order_by(SpecialPerson.created_at, SpecialPerson.id), paging
    )
    await _audit_read(
        auditor, principal, request, "special_person", None, community_id, count=str(len(items))
    )
    return Page[SpecialPersonRead].of([_person_read(p, principal) for p in items], total, paging)


@router.get("/api/v1/special-persons/{person_id}", response_model=SpecialPersonRead)
async def get_person(
    person_id: uuid.UUID,
    principal: RegisterReader,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    request: Request,
) -> SpecialPersonRead:
    person = await uow.session.scalar(
        select(SpecialPerson).where(SpecialPerson.id == person_id, _person_scope(principal))
    )
    if person is None:
        raise Problem(404, "special_person.not_found", f"No person {person_id} in your places")
    await _audit_read(
        auditor, principal, request, "special_person", str(person.id), person.community_id
    )
    return _person_read(person, principal)


# incidents -------------------------------------------------------------------------
class IncidentBody(BaseModel):
    community_id: str = Id
    building_id: str | None = Field(default=None, max_length=64)
    incident_type: str = Field(min_length=1, max_length=64)
    occurred_at: datetime
    title: str = Field(min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=4000)
    measures: str | None = Field(default=None, max_length=4000)


class IncidentRecord(BaseModel):
    """An incident without its dispatches (what a correction answers)."""

    id: uuid.UUID
    community_id: str
    building_id: str | None
    incident_type: str
    occurred_at: datetime
    title: str
    description: str | None
    measures: str | None
    alarm_id: uuid.UUID | None
    source: str
    status: str


class IncidentRead(IncidentRecord):
    dispatches: list[dict[str, Any]] = Field(default_factory=list)


def _incident_scope(principal: Principal) -> Any:
    return or_(
        scope_clause(
            principal,
            community_col=Incident.community_id,
            building_col=Incident.building_id,
            roles=REGISTER_READERS,
        ),
        grid_scope(principal, Incident.building_id, REGISTER_READERS),
    )


@router.post("/api/v1/incidents", status_code=201, response_model=IncidentRead)
async def record_incident(
    body: IncidentBody,
    principal: RegisterReader,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    request: Request,
) -> IncidentRead:
    await ensure_place_in_grid(
        uow, principal, body.community_id, body.building_id, allowed=REGISTER_READERS
    )
    incident = Incident(
        id=uuid.uuid4(),
        source="manual",
        status="open",
        created_by=principal.subject,
        **body.model_dump(),
    )
    uow.session.add(incident)
    await uow.session.flush()
    await auditor.within(
        uow,
        action="incident.create",
        resource_type="incident",
        resource_id=str(incident.id),
        principal=principal,
        request=request,
        community_id=incident.community_id,
    )
    await uow.commit()
    return IncidentRead.model_validate(incident, from_attributes=True)


@router.get("/api/v1/incidents", response_model=Page[IncidentRead])
async def list_incidents(
    principal: RegisterReader,
    uow: UnitOfWorkDep,
    paging: Paging,
    auditor: AuditorDep,
    request: Request,
    incident_type: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Page[IncidentRead]:
    query = select(Incident).where(_incident_scope(principal))
    if incident_type:
        query = query.where(Incident.incident_type == incident_type)
    if since:
        query = query.where(Incident.occurred_at >= since)
    if until:
        query = query.where(Incident.occurred_at < until)
    items, total = await fetch_page(
        uow.session, query.order_by(Incident.occurred_at.desc(), Incident.id), paging
    )
    await _audit_read(auditor, principal, request, "incident", None, count=str(len(items)))
    reads = [IncidentRead.model_validate(i, from_attributes=True) for i in items]
    return Page[IncidentRead].of(reads, total, paging)


@router.get("/api/v1/incidents/stats")
async def incident_stats(
    principal: RegisterReader,
    uow: UnitOfWorkDep,
    since: datetime,
    until: datetime,
    period: Literal["day", "week", "month", "year"] = "month",
    timezone: str = "Asia/Shanghai",
) -> dict[str, Any]:
    """Incidents counted by period (in ``timezone``) and type (6.1.1 b)."""
    bucket = func.date_trunc(period, func.timezone(timezone, Incident.occurred_at))
    rows = await uow.session.execute(
        select(bucket.label("period"), Incident.incident_type, func.count())
        .where(_incident_scope(principal), Incident.occurred_at >= since)
        .where(Incident.occurred_at < until)
        .group_by(bucket, Incident.incident_type)
        .order_by(bucket, Incident.incident_type)
    )
    return {
        "period": period,
        "timezone": timezone,
        "rows": [
            {"period": r[0].date().isoformat(), "incident_type": r[1], "count": r[2]} for r in rows
        ],
    }


class DispatchBody(BaseModel):
    department: Department


class DispatchUpdate(BaseModel):
    """An answer: accepted (acknowledged), in progress (responding), done or declined,
    with text and photos (ids of uploaded pictures)."""

    status: DispatchStatus
    response: str | None = Field(default=None, max_length=2000)
    photo_ids: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(
        default_factory=list, max_length=9
    )


async def _incident_or_none(
    uow: UnitOfWork, principal: Principal, incident_id: uuid.UUID
) -> Incident | None:
    if not (principal.has_role(*REGISTER_READERS) or principal.is_platform_admin):
        return None
    found: Incident | None = await uow.session.scalar(
        select(Incident).where(Incident.id == incident_id, _incident_scope(principal))
    )
    return found


async def _incident(uow: UnitOfWork, principal: Principal, incident_id: uuid.UUID) -> Incident:
    incident = await _incident_or_none(uow, principal, incident_id)
    if incident is None:
        raise Problem(404, "incident.not_found", f"No incident {incident_id} in your places")
    return incident


@router.post("/api/v1/incidents/{incident_id}/dispatches", status_code=201)
async def route_incident(
    incident_id: uuid.UUID,
    body: DispatchBody,
    principal: RegisterReader,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    request: Request,
) -> dict[str, Any]:
    """Route an incident to a department (multi-department linkage, 6.1.1 c)."""
    incident = await _incident(uow, principal, incident_id)
    dispatch = IncidentDispatch(
        id=uuid.uuid4(),
        incident_id=incident.id,
        department=body.department,
        status="routed",
        updated_by=principal.subject,
        updated_at=datetime.now(UTC),
    )
    uow.session.add(dispatch)
    await uow.session.flush()
    await auditor.within(
        uow,
        action="incident.dispatch",
        resource_type="incident",
        resource_id=str(incident.id),
        principal=principal,
        request=request,
        community_id=incident.community_id,
        detail={"department": body.department},
    )
    await uow.commit()
    return _dispatch(dispatch)


def _dispatch(d: IncidentDispatch) -> dict[str, Any]:
    return {
        "id": str(d.id),
        "incident_id": str(d.incident_id),
        "department": d.department,
        "status": d.status,
        "response": d.response,
        "responses": list(d.responses or []),
        "updated_at": d.updated_at.isoformat(),
        "updated_by": d.updated_by,
    }


@router.patch("/api/v1/incidents/{incident_id}/dispatches/{dispatch_id}")
async def track_dispatch(
    incident_id: uuid.UUID,
    dispatch_id: uuid.UUID,
    body: DispatchUpdate,
    principal: DispatchAnswerer,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    request: Request,
) -> dict[str, Any]:
    """The department a dispatch is addressed to answers it (its officers on the
    community's roster); register staff may record an answer on its behalf."""
    staff = await _incident_or_none(uow, principal, incident_id)
    incident = staff or await answers.incident_for_officer(uow, principal, incident_id)
    if incident is None:
        raise Problem(404, "incident.not_found", f"No incident {incident_id} in your places")
    dispatch = await answers.answer(
        uow,
        auditor,
        principal,
        request,
        incident,
        dispatch_id,
        on_behalf=staff is not None,
        status=body.status,
        text=body.response,
        photo_ids=body.photo_ids,
    )
    return _dispatch(dispatch)


@router.get("/api/v1/incidents/{incident_id}", response_model=IncidentRead)
async def get_incident(
    incident_id: uuid.UUID,
    principal: DispatchAnswerer,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    request: Request,
) -> IncidentRead:
    """An incident with its dispatches and their answers: to register readers of its
    place, and to the officers of a department it is routed to."""
    incident = await _incident_or_none(
        uow, principal, incident_id
    ) or await answers.incident_for_officer(uow, principal, incident_id)
    if incident is None:
        raise Problem(404, "incident.not_found", f"No incident {incident_id} in your places")
    dispatches = await uow.session.scalars(
        select(IncidentDispatch)
        .where(IncidentDispatch.incident_id == incident.id)
        .order_by(IncidentDispatch.created_at)
    )
    await _audit_read(
        auditor, principal, request, "incident", str(incident.id), incident.community_id
    )
    read = IncidentRead.model_validate(incident, from_attributes=True)
    read.dispatches = [_dispatch(d) for d in dispatches]
    return read


# key places ------------------------------------------------------------------------
class Camera(BaseModel):
    device_id: str = Id
    lat: float = Field(ge=-90, le=90)
    lng: float = Field(ge=-180, le=180)


class KeyPlaceBody(BaseModel):
    community_id: str = Id
    building_id: str | None = Field(default=None, max_length=64)
    room_id: str | None = Field(default=None, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    kind: Literal["nine_small", "group_rental", "other"]
    address: str | None = Field(default=None, max_length=200)
    lat: float = Field(ge=-90, le=90)
    lng: float = Field(ge=-180, le=180)
    device_ids: list[str] = Field(default_factory=list, max_length=200)
    cameras: list[Camera] = Field(default_factory=list, max_length=100)


class KeyPlaceRead(KeyPlaceBody):
    id: uuid.UUID


@router.post("/api/v1/key-places", status_code=201, response_model=KeyPlaceRead)
async def register_place(
    body: KeyPlaceBody,
    principal: RegisterWriter,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    request: Request,
) -> KeyPlaceRead:
    await ensure_place_in_grid(
        uow, principal, body.community_id, body.building_id, allowed=REGISTER_WRITERS
    )
    values = body.model_dump()
    place = KeyPlace(id=uuid.uuid4(), **values)
    uow.session.add(place)
    await uow.session.flush()
    await auditor.within(
        uow,
        action="key_place.create",
        resource_type="key_place",
        resource_id=str(place.id),
        principal=principal,
        request=request,
        community_id=place.community_id,
    )
    await uow.commit()
    return KeyPlaceRead.model_validate(place, from_attributes=True)


@router.get("/api/v1/key-places", response_model=Page[KeyPlaceRead])
async def list_places(
    principal: RegisterReader,
    uow: UnitOfWorkDep,
    paging: Paging,
    kind: Annotated[str | None, Query(max_length=32)] = None,
) -> Page[KeyPlaceRead]:
    query = select(KeyPlace).where(
        or_(
            scope_clause(
                principal,
                community_col=KeyPlace.community_id,
                building_col=KeyPlace.building_id,
                roles=REGISTER_READERS,
            ),
            grid_scope(principal, KeyPlace.building_id, REGISTER_READERS),
        )
    )
    if kind:
        query = query.where(KeyPlace.kind == kind)
    items, total = await fetch_page(
        uow.session, query.order_by(KeyPlace.created_at, KeyPlace.id), paging
    )
    reads = [KeyPlaceRead.model_validate(p, from_attributes=True) for p in items]
    return Page[KeyPlaceRead].of(reads, total, paging)


# update and delete -------------------------------------------------------------------
def _writer_in_grid(allowed: frozenset[str]) -> Any:
    async def check(
        uow: UnitOfWork, principal: Principal, community: str, building: str | None
    ) -> None:
        await ensure_place_in_grid(uow, principal, community, building, allowed=allowed)

    return check


def _person_from_db(person: SpecialPerson) -> dict[str, Any]:
    values = {name: getattr(person, name) for name in SpecialPersonBody.model_fields}
    values["emergency_contacts"] = json.loads(person.emergency_contacts or "[]")
    return values


def _person_to_db(values: dict[str, Any]) -> dict[str, Any]:
    return {
        **values,
        "emergency_contacts": json.dumps(values["emergency_contacts"], ensure_ascii=False),
    }


editable(
    router,
    "/api/v1/special-persons",
    model=SpecialPerson,
    body=SpecialPersonBody,
    read=_person_read,
    response_model=SpecialPersonRead,
    kind="special_person",
    writers=REGISTER_WRITERS,
    check=_writer_in_grid(REGISTER_WRITERS),
    from_db=_person_from_db,
    to_db=_person_to_db,
)
# an incident record is corrected (type, time, place, account, measures taken), never
# deleted: it is the register of what happened, and every correction is audited
editable(
    router,
    "/api/v1/incidents",
    model=Incident,
    body=IncidentBody,
    read=lambda obj, _p: IncidentRecord.model_validate(obj, from_attributes=True),
    response_model=IncidentRecord,
    kind="incident",
    writers=REGISTER_READERS,
    check=_writer_in_grid(REGISTER_READERS),
    with_delete=False,
)
editable(
    router,
    "/api/v1/key-places",
    model=KeyPlace,
    body=KeyPlaceBody,
    read=lambda obj, _p: KeyPlaceRead.model_validate(obj, from_attributes=True),
    response_model=KeyPlaceRead,
    kind="key_place",
    writers=REGISTER_WRITERS,
    check=_writer_in_grid(REGISTER_WRITERS),
)
