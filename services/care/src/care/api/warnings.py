"""CAP 1.2 warnings (预警, 6.2.2): ``POST /api/v1/care/warnings`` takes an alert from the
city platform's client or a gov officer or admin; ``GET /api/v1/care/warnings`` and
``GET /api/v1/care/warnings/{id}`` show staff what it said, where it reached, whom it
told and the areas a person must place. The rules: :mod:`care.usecases.warnings`."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, Field

from care.adapters.cap import MAX_BYTES
from care.api.deps import usecases
from care.db.warning_models import WarningInfoRow, WarningRow
from care.domain import warning_audience as words
from care.usecases.warning_reads import WarningDetail, WarningReads
from care.usecases.warnings import POSTERS, Warnings
from sc_core.auth import Caller, CurrentCaller, callers
from sc_core.errors import Problem
from sc_core.paging import Page, Paging

router = APIRouter(prefix="/api/v1/care/warnings", tags=["warnings"])
Poster = Annotated[Caller, Depends(callers(*POSTERS))]
CAP_TYPES = ("application/cap+xml", "application/xml", "text/xml")


async def _warnings(request: Request) -> Warnings:
    return usecases(request).warnings


async def _reads(request: Request) -> WarningReads:
    return usecases(request).warning_reads


WarningsDep = Annotated[Warnings, Depends(_warnings)]
ReadsDep = Annotated[WarningReads, Depends(_reads)]


class CapWarningRead(BaseModel):
    id: uuid.UUID
    sender: str
    identifier: str
    sent: datetime
    status: str = Field(description="CAP status: Actual, Exercise, System, Test, Draft")
    msg_type: str = Field(description="CAP msgType: Alert, Update, Cancel, Ack, Error")
    msg_type_text: str = Field(description="zh-CN")
    msg_type_text_en: str
    state: str = Field(description="active, updated, cancelled or expired")
    state_text: str = Field(description="zh-CN")
    state_text_en: str
    audience: str = Field(description="residents, staff (an exercise) or none")
    audience_text: str = Field(description="zh-CN")
    audience_text_en: str
    title: str = Field(description="zh-CN, as the elders read it")
    title_en: str
    expires: datetime | None
    communities: list[str]
    untargeted_areas: list[str] = Field(description="Areas no machine could place: staff decide")
    references: list[list[str]] = Field(description="sender, identifier, sent of each")
    received_at: datetime
    changed_at: datetime | None
    changed_by: uuid.UUID | None = Field(description="The Update or Cancel that changed it")


class CapInfoRead(BaseModel):
    language: str
    categories: list[str]
    event: str
    urgency: str
    severity: str
    certainty: str
    headline: str | None
    description: str | None
    instruction: str | None
    sender_name: str | None
    effective: datetime | None
    onset: datetime | None
    expires: datetime | None
    areas: list[dict[str, Any]]


class CapPlaceRead(BaseModel):
    building_id: str
    community_id: str
    name: str = Field(description="zh-CN: 幸福里社区 3号楼")
    name_en: str


class CapToldRead(BaseModel):
    person_id: str
    name: str = Field(description="Masked: 张*")
    building_id: str | None
    told: int = Field(description="Accounts told (the elder, guardians, family); 0: nobody")


class CapWarningDetailRead(CapWarningRead):
    body: str = Field(description="zh-CN, as the elders read it")
    body_en: str
    infos: list[CapInfoRead]
    places: list[CapPlaceRead]
    told: list[CapToldRead]


def _read(row: WarningRow, said: dict[str, str]) -> CapWarningRead:
    state = words.state_of(row.state, row.expires, datetime.now(row.received_at.tzinfo))
    mt = words.MESSAGE_TYPES.get(row.msg_type, (row.msg_type, row.msg_type))
    return CapWarningRead(
        id=row.id, sender=row.sender, identifier=row.identifier, sent=row.sent,
        status=row.status, msg_type=row.msg_type, msg_type_text=mt[0], msg_type_text_en=mt[1],
        state=state, state_text=words.STATES[state][0], state_text_en=words.STATES[state][1],
        audience=row.audience, audience_text=words.AUDIENCES[row.audience][0],
        audience_text_en=words.AUDIENCES[row.audience][1],
        title=said.get("title_zh", mt[0]), title_en=said.get("title_en", mt[1]),
        expires=row.expires, communities=row.communities, untargeted_areas=row.untargeted,
        references=row.references, received_at=row.received_at, changed_at=row.changed_at,
        changed_by=row.changed_by,
    )  # fmt: skip


def _info(i: WarningInfoRow) -> CapInfoRead:
    return CapInfoRead.model_validate(i, from_attributes=True)


def _detail(d: WarningDetail) -> CapWarningDetailRead:
    return CapWarningDetailRead(
        **_read(d.row, d.words).model_dump(),
        body=d.words.get("body_zh", ""), body_en=d.words.get("body_en", ""),
        infos=[_info(i) for i in d.infos],
        places=[CapPlaceRead(building_id=p.building_id, community_id=p.community_id,
                          name=p.name_zh, name_en=p.name_en) for p in d.places],
        told=[CapToldRead(person_id=t.person_id, name=t.name, building_id=t.building_id,
                       told=t.told) for t in d.told],
    )  # fmt: skip


@router.post(
    "",
    response_model=CapWarningDetailRead,
    status_code=201,
    summary="Receive a CAP 1.2 alert (预警) and tell the elderly it reaches",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                t: {"schema": {"type": "string", "maxLength": MAX_BYTES}} for t in CAP_TYPES
            },
            "description": "One CAP 1.2 alert (urn:oasis:names:tc:emergency:cap:1.2), UTF-8, "
            "at most 1 MB.",
        }
    },
)
async def receive_warning(
    request: Request, who: Poster, warnings: WarningsDep, reads: ReadsDep, response: Response
) -> CapWarningDetailRead:
    """The city platform's client (client credentials, integrator over the communities it
    serves), gov officers and admins. 201 when new; the same alert again: 200 with what it
    became; another alert under the same sender and identifier: 409
    ``care.warning_changed``. Not XML, not CAP 1.2 or not valid: 422 ``care.cap_not_xml``,
    ``care.cap_not_cap12``, ``care.cap_invalid``; over 1 MB: 413 ``care.cap_too_large``."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in CAP_TYPES:
        raise Problem(
            415, "care.cap_media_type", "Send the alert as application/cap+xml",
            zh="请以 application/cap+xml 格式发送预警消息",
        )  # fmt: skip
    document = bytearray()
    async for chunk in request.stream():
        document += chunk
        if len(document) > MAX_BYTES:
            raise Problem(413, "care.cap_too_large", "The CAP message is too large.",
                          zh="预警消息过大。")  # fmt: skip
    found = await warnings.receive(who, bytes(document))
    if not found.new:
        response.status_code = 200
    return _detail(await reads.get(who, found.row.id))


@router.get("", response_model=Page[CapWarningRead])
async def list_warnings(
    who: CurrentCaller,
    reads: ReadsDep,
    paging: Paging,
    community_id: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
) -> Page[CapWarningRead]:
    """Newest first: the warnings that reached or may concern the caller's communities
    (gov officers, community admins, doctors, caregivers, grid workers), and a poster's own."""
    rows, total = await reads.page(who, community_id, paging)
    return Page[CapWarningRead].of([_read(r, said) for r, said in rows], total, paging)


@router.get("/{warning_id}", response_model=CapWarningDetailRead)
async def get_warning(
    warning_id: uuid.UUID, who: CurrentCaller, reads: ReadsDep
) -> CapWarningDetailRead:
    """What it said, where it reached, whom it told (names masked), the areas a person
    must place; the read is audited."""
    return _detail(await reads.get(who, warning_id))
