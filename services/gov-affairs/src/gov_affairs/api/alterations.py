"""Alteration requests (装修/改建申请, 6.5.2 d): apply for one's own room, approval by the
property then the community, works, inspection, archive; the room register's view."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field, model_validator

from gov_affairs.api.deps import AlterationsDep
from gov_affairs.db.alterations import AlterationRow
from gov_affairs.domain import alterations as d
from gov_affairs.domain.approvals import engine
from gov_affairs.domain.text import Text
from gov_affairs.usecases.alterations import Request
from sc_core.api import Page, Paging
from sc_core.auth import CurrentCaller
from sc_core.schema import Day

router = APIRouter(prefix="/api/v1/alterations", tags=["alterations"])

KINDS = d.KINDS
SCOPES = {
    "walls_non_structural": Text(zh="非承重墙体", en="non-structural walls"),
    "floors": Text(zh="地面", en="floors"),
    "plumbing": Text(zh="给排水", en="plumbing"),
    "electrical": Text(zh="电路", en="electrical"),
    "kitchen_bath": Text(zh="厨卫", en="kitchen and bathroom"),
    "windows": Text(zh="门窗", en="windows"),
    "balcony_enclosure": Text(zh="封闭阳台", en="balcony enclosure"),
    "load_bearing": Text(zh="承重结构", en="load-bearing structure"),
    "wet_room_relocation": Text(zh="改变卫生间、厨房位置", en="moving a wet room"),
    "gas_heating_mains": Text(zh="燃气、供暖主管道", en="gas or heating mains"),
    "facade": Text(zh="外立面", en="facade"),
}


class AlterationCreate(BaseModel):
    household_id: str | None = Field(
        default=None, min_length=1, max_length=64, description="none: the caller's only one"
    )
    kind: d.Kind
    scopes: list[d.Scope] = Field(min_length=1, max_length=11)
    contractor: str | None = Field(default=None, min_length=1, max_length=100)
    planned_start: Day
    planned_end: Day

    @model_validator(mode="after")
    def _span(self) -> AlterationCreate:
        if self.planned_end - self.planned_start > timedelta(days=366):
            raise ValueError("the works last at most a year")
        return self


class Step(BaseModel):
    action: Literal["approve", "reject", "withdraw", "start", "inspect", "archive"]
    comment: str = Field(default="", max_length=500)
    passed: bool | None = Field(default=None, description="inspect: whether it passed")
    findings: str = Field(default="", max_length=2000, description="inspect: what was seen")


class InspectionRead(BaseModel):
    at: datetime
    by: str
    passed: bool
    findings: str


class ApprovalStepRead(BaseModel):
    key: str
    name: Text
    status: str
    signers: list[str]
    due_at: datetime | None


class AlterationRead(BaseModel):
    id: uuid.UUID
    community_id: str
    building_id: str
    room_id: str
    household_id: str
    applicant_id: str
    kind: str
    kind_name: Text
    scopes: list[str]
    scope_names: list[Text]
    contractor: str | None
    planned_start: date
    planned_end: date
    status: str
    status_name: Text
    open: bool = Field(description="the room shows this alteration in the register")
    waiting_for: list[str] = Field(description="who signs next")
    approval: list[ApprovalStepRead]
    inspections: list[InspectionRead]
    archived_at: datetime | None
    created_at: datetime


def alteration_read(row: AlterationRow) -> AlterationRead:
    a = d.Alteration.model_validate(row.data)
    run = engine.Approval.model_validate(row.run)
    zh, en = d.STATUS_WORDS[a.status]
    return AlterationRead(
        id=row.id,
        community_id=row.community_id,
        building_id=row.building_id,
        room_id=row.room_id,
        household_id=row.household_id,
        applicant_id=row.applicant_id,
        kind=a.kind,
        kind_name=KINDS[a.kind],
        scopes=list(a.scopes),
        scope_names=[SCOPES[s] for s in a.scopes],
        contractor=a.contractor,
        planned_start=a.planned_start,
        planned_end=a.planned_end,
        status=a.status,
        status_name=Text(zh=zh, en=en),
        open=d.is_open(a),
        waiting_for=list(row.waiting_for),
        approval=[
            ApprovalStepRead(
                key=s.key,
                name=run.flow.step(s.key).name,
                status=s.status,
                signers=[t.assignee for t in s.tasks],
                due_at=s.due_at,
            )
            for s in run.steps
        ],
        inspections=[
            InspectionRead(at=i.at, by=i.by, passed=i.passed, findings=i.findings)
            for i in a.inspections
        ],
        archived_at=a.archived_at,
        created_at=row.created_at,
    )


@router.post("", status_code=201, summary="Apply for an alteration of my room")
async def apply(
    body: AlterationCreate, who: CurrentCaller, alterations: AlterationsDep
) -> AlterationRead:
    """A resident, tenant or family member, for their household's room. Work art. 5 of
    the decoration measures forbids is refused at once (422 ``alteration.forbidden`` with
    ``reasons``); a room has one open request at a time (409 ``alteration.already_open``).
    The property approves, then the community for alterations, extensions and structural
    work (balcony enclosure, facade, windows)."""
    row = await alterations.apply(
        who,
        body.household_id,
        Request(
            kind=body.kind,
            scopes=list(body.scopes),
            contractor=body.contractor,
            planned_start=body.planned_start,
            planned_end=body.planned_end,
        ),
    )
    return alteration_read(row)


@router.get("", summary="Alteration requests (the room register: ?room_id=&status=open)")
async def list_alterations(
    who: CurrentCaller,
    alterations: AlterationsDep,
    paging: Paging,
    community_id: str | None = Query(default=None, min_length=1, max_length=64),
    room_id: str | None = Query(default=None, min_length=1, max_length=64),
    status: Literal[
        "open",
        "submitted",
        "approved",
        "rejected",
        "withdrawn",
        "in_works",
        "rectifying",
        "inspected",
        "archived",
    ]
    | None = None,
    waiting_for_me: bool = Query(default=False, description="only those I sign next"),
) -> Page[AlterationRead]:
    """Staff of the community (property, committee, street office, the grid's worker) see
    its requests; residents their household's. ``status=open``: what the room register
    shows for a room."""
    rows, total = await alterations.page(
        who,
        community_id=community_id,
        room_id=room_id,
        status=status,
        waiting_for_me=waiting_for_me,
        limit=paging.limit,
        offset=paging.offset,
        cursor=paging.cursor,
    )
    return Page.of([alteration_read(r) for r in rows], total, paging)


@router.get("/{alteration_id}", summary="One alteration request")
async def get_alteration(
    alteration_id: uuid.UUID, who: CurrentCaller, alterations: AlterationsDep
) -> AlterationRead:
    return alteration_read(await alterations.get(who, alteration_id))


@router.post("/{alteration_id}/steps", summary="Approve, reject, withdraw, start, inspect, archive")
async def step(
    alteration_id: uuid.UUID, body: Step, who: CurrentCaller, alterations: AlterationsDep
) -> AlterationRead:
    """approve / reject: the signer whose turn it is (403 ``approval.not_your_turn``);
    withdraw: the applicant before the works; start: the applicant or the property once
    approved; inspect: the property, with ``passed`` and ``findings`` (a failed inspection
    asks for rectification and a new inspection); archive: property_manager or
    community_admin once inspected."""
    row = await alterations.step(
        who,
        alteration_id,
        body.action,
        comment=body.comment,
        passed=body.passed,
        findings=body.findings,
    )
    return alteration_read(row)
