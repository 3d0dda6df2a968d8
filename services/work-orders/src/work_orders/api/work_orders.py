"""Cases: open, list (mine or my scope), read with the timeline, take a step, inbox."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Header, Query, Request, Response
from sqlalchemy import ColumnElement, and_, func, or_, select

from sc_core.api import AuditorDep, Page, Paging, UnitOfWorkDep, fetch_page
from sc_core.auth import CurrentPrincipal, Principal, in_scope
from sc_core.db.uow import UnitOfWork
from sc_core.errors import NotFound, Problem
from work_orders import access, assignment
from work_orders.api import views
from work_orders.api.deps import PartsDep
from work_orders.api.schemas import (
    CandidateRead,
    Inbox,
    InboxBucket,
    StepBody,
    WorkOrderCreate,
    WorkOrderDetail,
    WorkOrderRead,
)
from work_orders.cases import NewCase, StepInput, case_type, lock, now_utc, open_case, take_step
from work_orders.db.models import Attachment, HouseholdPlace, TimelineEntry, WorkOrder
from work_orders.domain import states

router = APIRouter(prefix="/api/v1/work-orders", tags=["work-orders"])
Action = Literal[
    "accept",
    "assign",
    "start",
    "reply",
    "resolve",
    "close",
    "reopen",
    "cancel",
    "rate",
    "reject",
    "comment",
]
STAFF_SOURCES = {"hotline_ticket": "hotline", "patrol_issue": "patrol"}


def _not_found() -> NotFound:
    return NotFound("workorder.not_found", "No such work order")


async def _visible(uow: UnitOfWork, principal: Principal, work_order_id: uuid.UUID) -> WorkOrder:
    wo = await uow.session.get(WorkOrder, work_order_id)
    if wo is None or not access.can_see(principal, wo):
        raise _not_found()
    return wo


def _creator_side(principal: Principal, body: WorkOrderCreate, roles: list[str]) -> str:
    """'app' (a resident for their household) or 'staff'; 403 when neither may create."""
    resident_roles = set(roles) & states.RESIDENT_ROLES
    households = principal.scope_ids("household", resident_roles) if resident_roles else set()
    if body.household_id and body.household_id in households:
        return "app"
    staff_roles = set(roles) & states.STAFF_ROLES | {"platform_admin"}
    if in_scope(
        principal,
        community_id=body.community_id,
        grid_id=body.grid_id,
        building_id=body.building_id,
        roles=staff_roles,
    ):
        return "staff"
    raise Problem(
        403,
        "workorder.create_forbidden",
        f"You may not open a {body.case_type} case at this place",
    )


@router.post("", status_code=201, response_model=WorkOrderDetail, summary="Open a case")
async def create(
    body: WorkOrderCreate,
    principal: CurrentPrincipal,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    parts: PartsDep,
    request: Request,
    response: Response,
) -> WorkOrderDetail:
    if body.household_id is None:
        households = principal.scope_ids("household", states.RESIDENT_ROLES)
        if len(households) == 1 and not principal.has_role(*states.STAFF_ROLES):
            body.household_id = next(iter(households))
    if body.household_id is not None:
        place = await uow.session.get(HouseholdPlace, body.household_id)
        if place is not None:  # identity's placement wins over what the app sent
            body.community_id, body.building_id = place.community_id, place.building_id
            body.unit_id, body.room_id = place.unit_id, place.room_id
            body.grid_id = place.grid_id
    ct = await case_type(uow, body.case_type)
    side = _creator_side(principal, body, ct.creator_roles)
    source = "app" if side == "app" else STAFF_SOURCES.get(ct.code, "staff")
    wo = await open_case(
        uow,
        parts.topics,
        NewCase(
            case_type=ct.code,
            title=body.title,
            description=body.description,
            priority=body.priority,
            community_id=body.community_id,
            grid_id=body.grid_id,
            building_id=body.building_id,
            unit_id=body.unit_id,
            room_id=body.room_id,
            household_id=body.household_id,
            place=body.place,
            longitude=body.longitude,
            latitude=body.latitude,
            reporter_id=principal.subject,
            external_ref=body.external_ref,
            details=dict(body.details),
            attachment_ids=list(body.attachment_ids),
            source=source,
        ),
        actor_id=principal.subject,
    )
    await auditor.within(
        uow,
        action="workorder.create",
        resource_type="work_order",
        resource_id=str(wo.id),
        principal=principal,
        request=request,
        community_id=wo.community_id,
        detail={"case_type": wo.case_type},
    )
    await uow.commit()
    response.headers["ETag"] = f'"{wo.version}"'
    return await _detail(uow, wo)


@router.get("", response_model=Page[WorkOrderRead], summary="Cases: mine, or my scope for staff")
async def list_cases(
    principal: CurrentPrincipal,
    uow: UnitOfWorkDep,
    paging: Paging,
    status: Annotated[list[str] | None, Query()] = None,
    case_type: Annotated[str | None, Query(alias="type", max_length=32)] = None,
    overdue: bool | None = None,
    assignee: Annotated[str | None, Query(max_length=64, description="'me' or a user id")] = None,
) -> Page[WorkOrderRead]:
    now = now_utc()
    query = select(WorkOrder).where(access.visible_clause(principal))
    if status:
        query = query.where(WorkOrder.status.in_(status))
    if case_type:
        query = query.where(WorkOrder.case_type == case_type)
    if assignee:
        query = query.where(
            WorkOrder.assignee_id == (principal.subject if assignee == "me" else assignee)
        )
    if overdue is not None:
        clause = _overdue_clause(now)
        query = query.where(clause if overdue else ~clause)
    query = query.order_by(WorkOrder.created_at.desc(), WorkOrder.id)
    rows, total = await fetch_page(uow.session, query, paging)
    return Page[WorkOrderRead].of([views.read(r, now) for r in rows], total, paging)


def _overdue_clause(now: datetime) -> ColumnElement[bool]:
    return or_(
        and_(
            WorkOrder.status.in_(sorted(states.AWAITING_RESPONSE)),
            WorkOrder.response_due_at < now,
        ),
        and_(WorkOrder.status.in_(sorted(states.OPEN)), WorkOrder.resolution_due_at < now),
    )


@router.get(
    "/inbox", response_model=Inbox, summary="Staff inbox: received, pending, in progress, overdue"
)
async def inbox(
    principal: CurrentPrincipal,
    uow: UnitOfWorkDep,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> Inbox:
    if not principal.has_role(*states.STAFF_ROLES):
        raise Problem(403, "auth.forbidden", "The inbox is for staff")
    now = now_utc()
    scope = access.staff_clause(principal)
    buckets = {
        "received": WorkOrder.status.in_([states.SUBMITTED, states.REOPENED]),
        "pending": WorkOrder.status.in_([states.ACCEPTED, states.ASSIGNED]),
        "in_progress": WorkOrder.status == states.IN_PROGRESS,
        "overdue": _overdue_clause(now),
    }
    out: dict[str, InboxBucket] = {}
    for name, clause in buckets.items():
        where = and_(scope, clause)
        count = await uow.session.scalar(select(func.count()).select_from(WorkOrder).where(where))
        rows = await uow.session.scalars(
            select(WorkOrder)
            .where(where)
            .order_by(WorkOrder.resolution_due_at, WorkOrder.id)
            .limit(limit)
        )
        out[name] = InboxBucket(count=int(count or 0), items=[views.read(r, now) for r in rows])
    return Inbox(**out)


@router.get("/{work_order_id}", response_model=WorkOrderDetail, summary="A case with its timeline")
async def get_case(
    work_order_id: uuid.UUID, principal: CurrentPrincipal, uow: UnitOfWorkDep, response: Response
) -> WorkOrderDetail:
    wo = await _visible(uow, principal, work_order_id)
    response.headers["ETag"] = f'"{wo.version}"'
    return await _detail(uow, wo)


@router.get(
    "/{work_order_id}/assignees",
    response_model=list[CandidateRead],
    summary="Who could take this case (skill and building), least loaded first",
)
async def assignees(
    work_order_id: uuid.UUID, principal: CurrentPrincipal, uow: UnitOfWorkDep
) -> list[CandidateRead]:
    wo = await _visible(uow, principal, work_order_id)
    if not access.is_staff_for(principal, wo):
        raise Problem(403, "auth.forbidden", "Only staff see the candidates")
    return [CandidateRead(**c.__dict__) for c in await assignment.suggest(uow, wo)]


@router.post("/{work_order_id}/{action}", response_model=WorkOrderDetail, summary="Take a step")
async def step(
    work_order_id: uuid.UUID,
    action: Action,
    principal: CurrentPrincipal,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    parts: PartsDep,
    request: Request,
    response: Response,
    body: StepBody | None = None,
    if_match: Annotated[str | None, Header()] = None,
) -> WorkOrderDetail:
    body = body or StepBody()
    wo = await lock(uow, work_order_id)
    if wo is None or not access.can_see(principal, wo):
        raise _not_found()
    expected = body.version
    if if_match:
        try:
            expected = int(if_match.strip().removeprefix("W/").strip('"'))
        except ValueError as exc:
            raise Problem(400, "workorder.bad_if_match", "If-Match must be the version") from exc
    actor = access.actor_for(principal, wo, action)
    assignee = body.assignee_id
    if action == "assign" and not assignee and access.is_staff_for(principal, wo):
        suggested = await assignment.suggest(uow, wo, limit=1)
        assignee = suggested[0].user_id if suggested else None
    data = {"category": body.category} if body.category else {}
    wo = await take_step(
        uow,
        parts.topics,
        wo,
        action,
        actor=actor,
        actor_id=principal.subject,
        step=StepInput(
            text=body.text,
            attachment_ids=list(body.attachment_ids),
            longitude=body.longitude,
            latitude=body.latitude,
            assignee_id=assignee,
            rating=body.rating,
            data=data,
        ),
        expected_version=expected,
    )
    await auditor.within(
        uow,
        action=f"workorder.{action}",
        resource_type="work_order",
        resource_id=str(wo.id),
        principal=principal,
        request=request,
        community_id=wo.community_id,
        detail={"status": wo.status},
    )
    await uow.commit()
    response.headers["ETag"] = f'"{wo.version}"'
    return await _detail(uow, wo)


async def _detail(uow: UnitOfWork, wo: WorkOrder) -> WorkOrderDetail:
    entries = (
        await uow.session.scalars(
            select(TimelineEntry)
            .where(TimelineEntry.work_order_id == wo.id)
            .order_by(TimelineEntry.seq)
        )
    ).all()
    attachment_ids = (
        await uow.session.scalars(
            select(Attachment.id)
            .where(Attachment.work_order_id == wo.id)
            .order_by(Attachment.created_at)
        )
    ).all()
    base = views.read(wo, now_utc())
    return WorkOrderDetail(
        **base.model_dump(),
        timeline=[views.timeline(e) for e in entries],
        attachment_ids=[str(a) for a in attachment_ids],
    )
