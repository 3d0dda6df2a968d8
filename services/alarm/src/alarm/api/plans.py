"""``/api/v1/notification-plans`` and ``/api/v1/duty-roster`` (24-hour duty, 值班表)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response

from alarm.api.deps import PLAN_WRITERS, PlansDep, PlanWriter, Staff
from alarm.api.editing import editable
from alarm.api.filters import IdFilter, InstantFilter
from alarm.api.schemas import PlanBody, PlanFields, PlanRead, ShiftBody, ShiftFields, ShiftRead
from alarm.db.models import DutyShift, NotificationPlan
from alarm.usecases.plans import ShiftSearch, plan_writer_on
from sc_core.api import Page, Paging

router = APIRouter(tags=["notification plans"])


def plan_read(plan: NotificationPlan) -> PlanRead:
    return PlanRead.model_validate(plan, from_attributes=True)


def shift_read(shift: DutyShift) -> ShiftRead:
    return ShiftRead.model_validate(shift, from_attributes=True)


@router.post("/api/v1/notification-plans", status_code=201, response_model=PlanRead)
async def create_plan(body: PlanBody, who: PlanWriter, plans: PlansDep) -> PlanRead:
    return plan_read(await plans.create_plan(who, body))


@router.put("/api/v1/notification-plans/{plan_id}", response_model=PlanRead)
async def update_plan(
    plan_id: uuid.UUID, body: PlanBody, who: PlanWriter, plans: PlansDep
) -> PlanRead:
    return plan_read(await plans.update_plan(who, plan_id, body))


@router.get("/api/v1/notification-plans", response_model=Page[PlanRead])
async def list_plans(
    who: Staff, plans: PlansDep, paging: Paging, community_id: IdFilter = None
) -> Page[PlanRead]:
    items, total = await plans.plans(who, community_id, paging)
    return Page[PlanRead].of([plan_read(p) for p in items], total, paging)


@router.post("/api/v1/duty-roster", status_code=201, response_model=ShiftRead)
async def add_shift(body: ShiftBody, who: PlanWriter, plans: PlansDep) -> ShiftRead:
    return shift_read(await plans.add_shift(who, body))


@router.get("/api/v1/duty-roster", response_model=Page[ShiftRead])
async def list_shifts(
    who: Staff,
    plans: PlansDep,
    paging: Paging,
    community_id: IdFilter = None,
    at: InstantFilter = None,
) -> Page[ShiftRead]:
    """The roster; with ``at``, who is on duty at that moment."""
    items, total = await plans.shifts(who, ShiftSearch(community_id, at), paging)
    return Page[ShiftRead].of([shift_read(s) for s in items], total, paging)


@router.delete("/api/v1/duty-roster/{shift_id}", status_code=204)
async def remove_shift(shift_id: uuid.UUID, who: PlanWriter, plans: PlansDep) -> Response:
    await plans.remove_shift(who, shift_id)
    return Response(status_code=204)


editable(
    router,
    "/api/v1/notification-plans",
    model=NotificationPlan,
    body=PlanFields,
    read=lambda obj, _p: plan_read(obj),
    response_model=PlanRead,
    kind="notification_plan",
    writers=PLAN_WRITERS,
    check=plan_writer_on,
)
editable(  # a shift is removed by the DELETE above
    router,
    "/api/v1/duty-roster",
    model=DutyShift,
    body=ShiftFields,
    read=lambda obj, _p: shift_read(obj),
    response_model=ShiftRead,
    kind="duty_shift",
    writers=PLAN_WRITERS,
    check=plan_writer_on,
    with_delete=False,
)
