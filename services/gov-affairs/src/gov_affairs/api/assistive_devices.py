"""Assistive devices (辅助器具): a resident with a registered disability certificate applies;
the welfare desk approves or refuses, issues the device for good or lends it, and records
its return. The applicant is told each decision (zh-CN and en); every step is on
``gov.welfare.v1`` and audited."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from gov_affairs.api.deps import AssistiveDevicesDep, DisabilityDep
from gov_affairs.domain import disability as d
from gov_affairs.usecases.assistive_devices import DeviceView
from sc_core.api import Page, Paging
from sc_core.auth import CurrentCaller
from sc_core.schema import Day

router = APIRouter(prefix="/api/v1/welfare/disability/devices", tags=["welfare"])
Status = Literal["applied", "approved", "refused", "issued", "on_loan", "returned"]


class Named(BaseModel):
    zh: str
    en: str


class DeviceApply(BaseModel):
    household_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        description="Default: the one household the caller belongs to",
    )
    certificate_number: str = Field(
        min_length=1, max_length=24, description="The holder's registered 残疾人证 number"
    )
    device_type: d.DeviceType
    reason: str = Field(min_length=1, max_length=500, description="Why the device is needed")


class Decision(BaseModel):
    outcome: Literal["approve", "refuse"]
    note: str = Field(default="", max_length=500, description="Required to refuse")


class Issue(BaseModel):
    mode: d.Mode = Field(description="grant: the holder keeps it; loan: to be returned")
    issued_on: Day | None = Field(default=None, description="Default: today in China")
    replace_by: Day | None = Field(
        default=None, description="Due for replacement; default: the device's usual life"
    )


class Return(BaseModel):
    returned_on: Day | None = Field(default=None, description="Default: today in China")


class DeviceRead(BaseModel):
    id: uuid.UUID
    community_id: str
    grid_id: str | None
    holder: str  # masked
    device_type: str
    device_name: Named
    status: str
    mode: str | None
    reason: str  # why the applicant needs it (kept encrypted; the desk's reads are audited)
    decision_note: str
    issued_on: date | None
    replace_by: date | None
    returned_on: date | None
    applied_at: datetime


def read(v: DeviceView) -> DeviceRead:
    r = v.row
    return DeviceRead(
        id=r.id,
        community_id=r.community_id,
        grid_id=r.grid_id,
        holder=v.holder_masked,
        device_type=r.device_type,
        device_name=Named(**d.device_name(r.device_type).model_dump()),
        status=r.status,
        mode=r.mode,
        reason=r.reason,
        decision_note=r.decision_note,
        issued_on=r.issued_on,
        replace_by=r.replace_by,
        returned_on=r.returned_on,
        applied_at=r.applied_at,
    )


@router.post("", status_code=201, summary="Apply for an assistive device (a registered holder)")
async def apply_for_device(
    body: DeviceApply, who: CurrentCaller, devices: AssistiveDevicesDep
) -> DeviceRead:
    done = await devices.apply(
        who, body.household_id, body.certificate_number, body.device_type, body.reason
    )
    return read(done)


@router.get(
    "",
    summary="Device applications: a community's for the welfare desk (audited), or mine",
)
async def device_applications(
    who: CurrentCaller,
    devices: AssistiveDevicesDep,
    disability: DisabilityDep,
    paging: Paging,
    mine: bool = Query(False, description="Only my own applications"),
    community_id: str | None = Query(None, min_length=1, max_length=64),
    status: Status | None = None,
) -> Page[DeviceRead]:
    community = None if mine else await disability.community_of(who, community_id)
    rows, total = await devices.listed(
        who, community, status, paging.limit, paging.offset, cursor=paging.cursor
    )
    return Page[DeviceRead].of([read(r) for r in rows], total, paging)


@router.post("/{device_id}/decision", summary="Approve or refuse (with a reason) an application")
async def decide_device(
    device_id: uuid.UUID, body: Decision, who: CurrentCaller, devices: AssistiveDevicesDep
) -> DeviceRead:
    return read(await devices.decide(who, device_id, body.outcome, body.note))


@router.post("/{device_id}/issue", summary="Hand an approved device over, for good or on loan")
async def issue_device(
    device_id: uuid.UUID, body: Issue, who: CurrentCaller, devices: AssistiveDevicesDep
) -> DeviceRead:
    return read(await devices.issue(who, device_id, body.mode, body.issued_on, body.replace_by))


@router.post("/{device_id}/return", summary="Record the return of a lent device")
async def return_device(
    device_id: uuid.UUID, body: Return, who: CurrentCaller, devices: AssistiveDevicesDep
) -> DeviceRead:
    return read(await devices.return_(who, device_id, body.returned_on))
