"""Cases: open, list (mine or my scope), read with the timeline, take a step, inbox.

Each route parses the request, calls one use case (:class:`~work_orders.usecases.Cases`)
and shapes its answer. (The first paragraph is the tag's description in the OpenAPI.)"""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Header, Query, Response

from sc_contracts.events import WorkOrderStatus
from sc_core.api import Page, Paging
from sc_core.auth import CurrentCaller
from work_orders.api import views
from work_orders.api.deps import CasesDep
from work_orders.api.schemas.cases import (
    CandidateRead,
    Inbox,
    InboxBucket,
    StepBody,
    WorkOrderCreate,
    WorkOrderDetail,
    WorkOrderRead,
)
from work_orders.db.cases import CaseFilter
from work_orders.usecases.cases import CaseDetail, now_utc

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


def _answer(found: CaseDetail, response: Response) -> WorkOrderDetail:
    response.headers["ETag"] = f'"{found.case.version}"'
    return views.detail(found, now_utc())


@router.post("", status_code=201, response_model=WorkOrderDetail, summary="Open a case")
async def create(
    body: WorkOrderCreate, who: CurrentCaller, cases: CasesDep, response: Response
) -> WorkOrderDetail:
    return _answer(await cases.open(who, body), response)


@router.get("", response_model=Page[WorkOrderRead], summary="Cases: mine, or my scope for staff")
async def list_cases(
    who: CurrentCaller,
    cases: CasesDep,
    paging: Paging,
    status: Annotated[list[WorkOrderStatus] | None, Query(max_length=len(WorkOrderStatus))] = None,
    case_type: Annotated[str | None, Query(alias="type", max_length=32)] = None,
    overdue: bool | None = None,
    assignee: Annotated[str | None, Query(max_length=64, description="'me' or a user id")] = None,
) -> Response:
    rows, total = await cases.page(who, CaseFilter(status, case_type, assignee, overdue), paging)
    body = views.case_page(rows, total, paging, now_utc())
    return Response(body, media_type="application/json")


@router.get(
    "/inbox", response_model=Inbox, summary="Staff inbox: received, pending, in progress, overdue"
)
async def inbox(
    who: CurrentCaller, cases: CasesDep, limit: Annotated[int, Query(ge=1, le=50)] = 10
) -> Inbox:
    buckets = await cases.inbox(who, limit)
    now = now_utc()
    return Inbox(
        **{
            name: InboxBucket(count=count, items=[views.case(r, now) for r in rows])
            for name, (count, rows) in buckets.items()
        }
    )


@router.get("/{work_order_id}", response_model=WorkOrderDetail, summary="A case with its timeline")
async def get_case(
    work_order_id: uuid.UUID, who: CurrentCaller, cases: CasesDep, response: Response
) -> WorkOrderDetail:
    return _answer(await cases.detail(who, work_order_id), response)


@router.get(
    "/{work_order_id}/assignees",
    response_model=list[CandidateRead],
    summary="Who could take this case (skill and building), least loaded first",
)
async def assignees(
    work_order_id: uuid.UUID, who: CurrentCaller, cases: CasesDep
) -> list[CandidateRead]:
    return [CandidateRead(**c.__dict__) for c in await cases.assignees(who, work_order_id)]


@router.post("/{work_order_id}/{action}", response_model=WorkOrderDetail, summary="Take a step")
async def step(
    work_order_id: uuid.UUID,
    action: Action,
    who: CurrentCaller,
    cases: CasesDep,
    response: Response,
    body: StepBody | None = None,
    if_match: Annotated[str | None, Header(max_length=64)] = None,
) -> WorkOrderDetail:
    found = await cases.step(who, work_order_id, action, body or StepBody(), if_match=if_match)
    return _answer(found, response)
