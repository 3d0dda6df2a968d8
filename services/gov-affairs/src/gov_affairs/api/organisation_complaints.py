"""Residents' complaints about an organisation or enterprise (6.5.1 d), each handled as a
complaint case (投诉) in work-orders: its state in words and staff's reply to the resident
follow the case."""

from __future__ import annotations

import uuid
from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, Field

from gov_affairs.api.deps import OrgComplaintsDep
from gov_affairs.db.organisations import OrganisationComplaintRow
from gov_affairs.domain.text import Text
from sc_core.api import Page, Paging
from sc_core.auth import CurrentCaller

router = APIRouter(prefix="/api/v1/organisations", tags=["organisations"])

# the state of a complaint: submitted until work-orders opened its case, then the case's
COMPLAINT_STATUSES = {
    "submitted": Text(zh="已提交", en="submitted"),
    "accepted": Text(zh="已受理", en="accepted"),
    "assigned": Text(zh="已派单", en="assigned"),
    "in_progress": Text(zh="处理中", en="in progress"),
    "resolved": Text(zh="已处理，待确认", en="resolved, awaiting confirmation"),
    "closed": Text(zh="已办结", en="closed"),
    "rejected": Text(zh="不予受理", en="declined"),
    "reopened": Text(zh="重新处理", en="reopened"),
    "cancelled": Text(zh="已撤销", en="cancelled"),
}


class ComplaintCreate(BaseModel):
    summary: str = Field(min_length=1, max_length=500, examples=["超市夜间卸货噪音扰民"])
    household_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        description="which of my homes (default: the one in the community)",
    )


class ComplaintRead(BaseModel):
    id: uuid.UUID
    organisation_id: uuid.UUID
    summary: str
    status: str
    status_name: Text
    work_order_id: str | None = Field(description="the case in work-orders, once opened")
    reply: str | None = Field(description="staff's latest reply to the resident on the case")
    replied_at: datetime | None
    mine: bool
    filed_at: datetime
    updated_at: datetime


def complaint_read(r: OrganisationComplaintRow, me: str) -> ComplaintRead:
    return ComplaintRead(
        id=r.id,
        organisation_id=r.organisation_id,
        summary=r.summary,
        status=r.status,
        status_name=COMPLAINT_STATUSES.get(r.status, Text(zh=r.status, en=r.status)),
        work_order_id=r.work_order_id,
        reply=r.reply_text,
        replied_at=r.replied_at,
        mine=r.filed_by == me,
        filed_at=r.filed_at,
        updated_at=r.updated_at,
    )


@router.post(
    "/{organisation_id}/complaints", status_code=201, summary="Complain about an organisation"
)
async def file_complaint(
    organisation_id: uuid.UUID,
    body: ComplaintCreate,
    who: CurrentCaller,
    complaints: OrgComplaintsDep,
) -> ComplaintRead:
    """A resident of its community; handled as a complaint case in work-orders (the state
    follows the case)."""
    row = await complaints.file(who, organisation_id, body.summary, body.household_id)
    return complaint_read(row, who.subject)


@router.get("/{organisation_id}/complaints", summary="Its complaints with their state")
async def list_complaints(
    organisation_id: uuid.UUID, who: CurrentCaller, complaints: OrgComplaintsDep, paging: Paging
) -> Page[ComplaintRead]:
    """Every one for the community's office, a resident's own otherwise; the latest first."""
    rows, total = await complaints.page(
        who, organisation_id, paging.limit, paging.offset, cursor=paging.cursor
    )
    return Page.of([complaint_read(r, who.subject) for r in rows], total, paging)
