"""``/api/v1/notification-plans`` and ``/api/v1/duty-roster`` (24-hour duty, 值班表)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request, Response
from sqlalchemy import select

from alarm.api.deps import PLAN_WRITERS, STAFF, PlanWriter, Staff, ensure_place
from alarm.api.editing import editable
from alarm.api.schemas import PlanBody, PlanRead, ShiftBody, ShiftRead
from alarm.db.models import DutyShift, NotificationPlan
from sc_core.api import AuditorDep, Page, Paging, UnitOfWorkDep, fetch_page
from sc_core.auth import Principal, scope_clause
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Problem

router = APIRouter(tags=["notification plans"])


def plan_read(plan: NotificationPlan) -> PlanRead:
    return PlanRead.model_validate(plan, from_attributes=True)


@router.post("/api/v1/notification-plans", status_code=201, response_model=PlanRead)
async def create_plan(
    body: PlanBody, principal: PlanWriter, uow: UnitOfWorkDep, auditor: AuditorDep, request: Request
) -> PlanRead:
    ensure_place(principal, body.community_id, body.building_id, allowed=PLAN_WRITERS)
    plan = NotificationPlan(id=uuid.uuid4(), **_plan_values(body))
    uow.session.add(plan)
    await uow.session.flush()
    await _audit(uow, auditor, principal, request, "notification_plan.create", plan)
    await uow.commit()
    return plan_read(plan)


def _plan_values(body: PlanBody) -> dict[str, Any]:
    values = body.model_dump()
    values["stages"] = [s.model_dump() for s in body.stages]
    values["updated_at"] = datetime.now(UTC)
    return values


async def _audit(
    uow: Any, auditor: Any, principal: Any, request: Any, action: str, obj: Any
) -> None:
    await auditor.within(
        uow,
        action=action,
        resource_type=action.split(".")[0],
        resource_id=str(obj.id),
        principal=principal,
        request=request,
        community_id=obj.community_id,
    )


@router.put("/api/v1/notification-plans/{plan_id}", response_model=PlanRead)
async def update_plan(
    plan_id: uuid.UUID,
    body: PlanBody,
    principal: PlanWriter,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    request: Request,
) -> PlanRead:
    plan = await uow.session.get(NotificationPlan, plan_id)
    if plan is None:
        raise Problem(404, "notification_plan.not_found", f"No plan {plan_id}")
    ensure_place(principal, plan.community_id, plan.building_id, allowed=PLAN_WRITERS)
    ensure_place(principal, body.community_id, body.building_id, allowed=PLAN_WRITERS)
    for key, value in _plan_values(body).items():
        setattr(plan, key, value)
    await _audit(uow, auditor, principal, request, "notification_plan.update", plan)
    await uow.commit()
    return plan_read(plan)


@router.get("/api/v1/notification-plans", response_model=Page[PlanRead])
async def list_plans(
    principal: Staff, uow: UnitOfWorkDep, paging: Paging, community_id: str | None = None
) -> Page[PlanRead]:
    query = select(NotificationPlan).where(
        scope_clause(principal, community_col=NotificationPlan.community_id, roles=STAFF)
    )
    if community_id:
        query = query.where(NotificationPlan.community_id == community_id)
    items, total = await fetch_page(
        uow.session, query.order_by(NotificationPlan.created_at, NotificationPlan.id), paging
    )
    return Page[PlanRead].of([plan_read(p) for p in items], total, paging)


@router.post("/api/v1/duty-roster", status_code=201, response_model=ShiftRead)
async def add_shift(
    body: ShiftBody,
    principal: PlanWriter,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    request: Request,
) -> ShiftRead:
    ensure_place(principal, body.community_id, allowed=PLAN_WRITERS)
    shift = DutyShift(id=uuid.uuid4(), **body.model_dump())
    uow.session.add(shift)
    await uow.session.flush()
    await _audit(uow, auditor, principal, request, "duty_shift.create", shift)
    await uow.commit()
    return ShiftRead.model_validate(shift, from_attributes=True)


@router.get("/api/v1/duty-roster", response_model=Page[ShiftRead])
async def list_shifts(
    principal: Staff,
    uow: UnitOfWorkDep,
    paging: Paging,
    community_id: str | None = None,
    at: datetime | None = None,
) -> Page[ShiftRead]:
    """The roster; with ``at``, who is on duty at that moment."""
    query = select(DutyShift).where(
        scope_clause(principal, community_col=DutyShift.community_id, roles=STAFF)
    )
    if community_id:
        query = query.where(DutyShift.community_id == community_id)
    if at is not None:
        query = query.where(DutyShift.starts_at <= at, DutyShift.ends_at > at)
    items, total = await fetch_page(
        uow.session, query.order_by(DutyShift.starts_at, DutyShift.id), paging
    )
    return Page[ShiftRead].of(
        [ShiftRead.model_validate(s, from_attributes=True) for s in items], total, paging
    )


@router.delete("/api/v1/duty-roster/{shift_id}", status_code=204)
async def remove_shift(
    shift_id: uuid.UUID,
    principal: PlanWriter,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    request: Request,
) -> Response:
    shift = await uow.session.get(DutyShift, shift_id)
    if shift is None:
        raise Problem(404, "duty_shift.not_found", f"No shift {shift_id}")
    ensure_place(principal, shift.community_id, allowed=PLAN_WRITERS)
    await uow.session.delete(shift)
    await _audit(uow, auditor, principal, request, "duty_shift.delete", shift)
    await uow.commit()
    return Response(status_code=204)


# update and delete -------------------------------------------------------------------
async def _plan_writer_on(
    uow: UnitOfWork, principal: Principal, community: str, building: str | None
) -> None:
    ensure_place(principal, community, building, allowed=PLAN_WRITERS)


editable(
    router,
    "/api/v1/notification-plans",
    model=NotificationPlan,
    body=PlanBody,
    read=lambda obj, _p: plan_read(obj),
    response_model=PlanRead,
    kind="notification_plan",
    writers=PLAN_WRITERS,
    check=_plan_writer_on,
)
editable(  # a shift is removed by the DELETE above
    router,
    "/api/v1/duty-roster",
    model=DutyShift,
    body=ShiftBody,
    read=lambda obj, _p: ShiftRead.model_validate(obj, from_attributes=True),
    response_model=ShiftRead,
    kind="duty_shift",
    writers=PLAN_WRITERS,
    check=_plan_writer_on,
    with_delete=False,
)
