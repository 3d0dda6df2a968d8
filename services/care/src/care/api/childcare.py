"""Childcare (托育): nurseries and classes, enrolment, the guardian's check-in code and the
staff's scan at the door (check-in with the temperature, check-out), a child's days."""

from __future__ import annotations

import uuid
from datetime import datetime, time
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from care.api.deps import ChildcareDep
from care.db.models import ChildDayRow, ChildNoteRow, NurseryClassRow, NurseryRow, VideoGrantRow
from care.domain.childcare import NoteKind
from care.usecases.childcare import ChildView
from sc_contracts.events import CheckDirection
from sc_core.api import Page, Paging
from sc_core.auth import CurrentCaller
from sc_core.schema import AwareInstant

router = APIRouter(prefix="/api/v1/care", tags=["childcare"])

Text64 = Annotated[str, Field(min_length=1, max_length=64)]


class NurseryCreate(BaseModel):
    community_id: Text64
    name: Text64 = Field(description="幸福里社区托育园")
    opens: time = Field(description="Opening time in the community's time zone, 07:30")
    closes: time = Field(description="Closing time, 17:30")


class NurseryRead(BaseModel):
    id: str
    community_id: str
    name: str
    opens: str
    closes: str


class NurseryClassCreate(BaseModel):
    name: Text64 = Field(description="小一班")
    capacity: int = Field(ge=1, le=100)
    camera_ids: list[Text64] = Field(default_factory=list, max_length=20)


class NurseryClassRead(BaseModel):
    id: str
    nursery_id: str
    name: str
    capacity: int
    camera_ids: list[str]


class ChildGuardian(BaseModel):
    user_id: Annotated[str, Field(min_length=1, max_length=128)]
    relation: Annotated[str, Field(min_length=1, max_length=16)] = Field(
        description="母亲, 父亲, 祖母 ..."
    )
    can_pick_up: bool = True
    can_authorise: bool = False


class ChildEnrol(BaseModel):
    person_id: Text64 = Field(description="The child's care record (under 7)")
    class_id: uuid.UUID
    guardians: list[ChildGuardian] = Field(min_length=1, max_length=8)


class ChildRead(BaseModel):
    id: str
    person_id: str
    name: str
    community_id: str
    nursery_id: str
    class_id: str
    guardians: list[ChildGuardian]
    enrolled_at: datetime


class ChildQrRead(BaseModel):
    code: str = Field(description="Shown as a QR code; two minutes, used once")
    expires_at: datetime


class ChildScan(BaseModel):
    code: Annotated[str, Field(min_length=1, max_length=2000)]
    temperature: float | None = Field(
        default=None, ge=34.0, le=43.0, description="℃, taken at the door (check-in)"
    )


class ChildDayRead(BaseModel):
    child_id: str
    day: str
    checked_in_at: datetime | None
    checked_in_by: str | None
    temperature: float | None
    checked_out_at: datetime | None
    checked_out_by: str | None
    kept_home_at: datetime | None = Field(description="A fever at the door kept the child home")
    not_picked_up_told: bool


class ChildScanRead(BaseModel):
    child: ChildRead
    day: ChildDayRead


@router.post("/nurseries", status_code=201, response_model=NurseryRead)
async def create_nursery(
    body: NurseryCreate, who: CurrentCaller, kids: ChildcareDep
) -> NurseryRead:
    return _nursery(
        await kids.create_nursery(who, body.community_id, body.name, body.opens, body.closes)
    )


@router.get("/nurseries", response_model=Page[NurseryRead])
async def list_nurseries(
    who: CurrentCaller, kids: ChildcareDep, paging: Paging
) -> Page[NurseryRead]:
    """Staff: their communities' nurseries; a guardian: their children's."""
    rows, total = await kids.nurseries(who, paging.limit, paging.offset)
    return Page[NurseryRead].of([_nursery(r) for r in rows], total, paging)


@router.post("/nurseries/{nursery_id}/classes", status_code=201, response_model=NurseryClassRead)
async def create_class(
    nursery_id: uuid.UUID, body: NurseryClassCreate, who: CurrentCaller, kids: ChildcareDep
) -> NurseryClassRead:
    return _class(
        await kids.create_class(who, nursery_id, body.name, body.capacity, body.camera_ids)
    )


@router.post("/children", status_code=201, response_model=ChildRead)
async def enrol(body: ChildEnrol, who: CurrentCaller, kids: ChildcareDep) -> ChildRead:
    """The nursery's staff enrol a child (a care person under 7) with their guardians."""
    guardians = [g.model_dump() for g in body.guardians]
    return _child(await kids.enrol(who, body.person_id, body.class_id, guardians))


@router.get("/children", response_model=Page[ChildRead])
async def list_children(
    who: CurrentCaller, kids: ChildcareDep, paging: Paging,
    nursery_id: Annotated[uuid.UUID | None, Query()] = None,
) -> Page[ChildRead]:  # fmt: skip
    """Staff: their communities' enrolled children; a guardian: their own."""
    views, total = await kids.children(who, nursery_id, paging)
    return Page[ChildRead].of([_child(v) for v in views], total, paging)


@router.get("/children/{child_id}/qr", response_model=ChildQrRead)
async def qr(child_id: uuid.UUID, who: CurrentCaller, kids: ChildcareDep) -> ChildQrRead:
    """A registered guardian's check-in code: valid two minutes, used once."""
    code, expires = await kids.qr(who, child_id)
    return ChildQrRead(code=code, expires_at=expires)


@router.get("/children/{child_id}/days", response_model=Page[ChildDayRead])
async def days(
    child_id: uuid.UUID, who: CurrentCaller, kids: ChildcareDep, paging: Paging
) -> Page[ChildDayRead]:
    rows, total = await kids.days(who, child_id, paging.limit, paging.offset)
    return Page[ChildDayRead].of([_day(r) for r in rows], total, paging)


@router.post("/nurseries/{nursery_id}/check-in", response_model=ChildScanRead)
async def check_in(
    nursery_id: uuid.UUID, body: ChildScan, who: CurrentCaller, kids: ChildcareDep
) -> ChildScanRead:
    """Staff scan a guardian's code: the child is checked in with the temperature taken
    (37.3 ℃ or more keeps the child home: 422 ``care.childcare_fever``, guardians told)."""
    view, day = await kids.scan(who, nursery_id, body.code, CheckDirection.IN, body.temperature)
    return ChildScanRead(child=_child(view), day=_day(day))


@router.post("/nurseries/{nursery_id}/check-out", response_model=ChildScanRead)
async def check_out(
    nursery_id: uuid.UUID, body: ChildScan, who: CurrentCaller, kids: ChildcareDep
) -> ChildScanRead:
    """Staff scan the code of the guardian picking up: only one allowed to pick up (403
    ``care.childcare_not_pickup`` otherwise)."""
    view, day = await kids.scan(who, nursery_id, body.code, CheckDirection.OUT, None)
    return ChildScanRead(child=_child(view), day=_day(day))


def _nursery(r: NurseryRow) -> NurseryRead:
    return NurseryRead(
        id=str(r.id), community_id=r.community_id, name=r.name, opens=r.opens, closes=r.closes
    )


def _class(r: NurseryClassRow) -> NurseryClassRead:
    return NurseryClassRead(
        id=str(r.id), nursery_id=str(r.nursery_id), name=r.name, capacity=r.capacity,
        camera_ids=list(r.camera_ids),
    )  # fmt: skip


def _child(v: ChildView) -> ChildRead:
    c = v.child
    return ChildRead(
        id=str(c.id), person_id=c.person_id, name=v.name, community_id=c.community_id,
        nursery_id=str(c.nursery_id), class_id=str(c.class_id),
        guardians=[ChildGuardian(**g) for g in c.guardians], enrolled_at=c.enrolled_at,
    )  # fmt: skip


def _day(r: ChildDayRow) -> ChildDayRead:
    return ChildDayRead(
        child_id=str(r.child_id), day=r.day, checked_in_at=r.checked_in_at,
        checked_in_by=r.checked_in_by, temperature=r.temperature,
        checked_out_at=r.checked_out_at, checked_out_by=r.checked_out_by,
        kept_home_at=r.refused_at, not_picked_up_told=r.overdue_told,
    )  # fmt: skip


NOTE_WORDS = {
    "meal": ("进餐", "meal"),
    "nap": ("午睡", "nap"),
    "mood": ("情绪", "mood"),
    "activity": ("活动", "activity"),
    "incident": ("意外情况", "incident"),
}


class ChildNoteCreate(BaseModel):
    kind: NoteKind = Field(description="meal, nap, mood, activity or incident (tells guardians)")
    text: Annotated[str, Field(min_length=1, max_length=500)]


class ChildNoteRead(BaseModel):
    id: str
    child_id: str
    kind: str
    kind_zh: str
    kind_en: str
    text: str
    author: str
    at: datetime


class VideoGrantCreate(BaseModel):
    grantee: Annotated[str, Field(min_length=1, max_length=128)] = Field(
        description="A guardian of the child (the authorising guardian themself too)"
    )
    camera_id: Text64
    start: AwareInstant
    end: AwareInstant


class VideoGrantRead(BaseModel):
    id: str
    child_id: str
    camera_id: str
    grantee: str
    granted_by: str
    start: datetime
    end: datetime
    revoked_at: datetime | None


class VideoGrantSigned(VideoGrantRead):
    token: str = Field(description="EdDSA JWT: aud camera:<id>, nbf/exp the window")


class VideoGrantVerify(BaseModel):
    token: Annotated[str, Field(min_length=1, max_length=4000)]
    camera_id: Text64


@router.post("/children/{child_id}/notes", status_code=201, response_model=ChildNoteRead)
async def add_note(
    child_id: uuid.UUID, body: ChildNoteCreate, who: CurrentCaller, kids: ChildcareDep
) -> ChildNoteRead:
    """The nursery's staff note a child's day; an incident tells the guardians."""
    return _note(await kids.note(who, child_id, body.kind, body.text))


@router.get("/children/{child_id}/notes", response_model=Page[ChildNoteRead])
async def list_notes(
    child_id: uuid.UUID, who: CurrentCaller, kids: ChildcareDep, paging: Paging
) -> Page[ChildNoteRead]:
    rows, total = await kids.notes(who, child_id, paging.limit, paging.offset)
    return Page[ChildNoteRead].of([_note(r) for r in rows], total, paging)


@router.post("/children/{child_id}/video-grants", status_code=201, response_model=VideoGrantSigned)
async def grant_video(
    child_id: uuid.UUID, body: VideoGrantCreate, who: CurrentCaller, kids: ChildcareDep
) -> VideoGrantSigned:
    """A guardian allowed to authorise grants a guardian one camera of the child's class
    for a window within one day's opening hours; signed by the platform, audited."""
    row, token = await kids.grant_video(
        who, child_id, body.grantee, body.camera_id, body.start, body.end
    )
    return VideoGrantSigned(**_grant(row).model_dump(), token=token)


@router.post("/video-grants/{grant_id}/revoke", response_model=VideoGrantRead)
async def revoke_video(
    grant_id: uuid.UUID, who: CurrentCaller, kids: ChildcareDep
) -> VideoGrantRead:
    return _grant(await kids.revoke_video(who, grant_id))


@router.post("/video-grants/verify", response_model=VideoGrantRead)
async def verify_video(
    body: VideoGrantVerify, who: CurrentCaller, kids: ChildcareDep
) -> VideoGrantRead:
    """Whether a grant opens the camera now (signature, camera, window, revocation);
    403 ``care.token_*`` / ``care.video_revoked`` otherwise. Every answer is audited."""
    return _grant(await kids.verify_video(who, body.token, body.camera_id))


@router.get("/childcare/keys")
async def keys(who: CurrentCaller, kids: ChildcareDep) -> dict[str, Any]:
    """The public keys (JWKS, Ed25519) that verify check-in codes and video grants."""
    return kids.signer.jwks()


def _note(r: ChildNoteRow) -> ChildNoteRead:
    zh, en = NOTE_WORDS.get(r.kind, (r.kind, r.kind))
    return ChildNoteRead(
        id=str(r.id), child_id=str(r.child_id), kind=r.kind, kind_zh=zh, kind_en=en,
        text=r.text, author=r.author, at=r.at,
    )  # fmt: skip


def _grant(r: VideoGrantRow) -> VideoGrantRead:
    return VideoGrantRead(
        id=str(r.id), child_id=str(r.child_id), camera_id=r.camera_id, grantee=r.grantee,
        granted_by=r.granted_by, start=r.start, end=r.end, revoked_at=r.revoked_at,
    )  # fmt: skip
