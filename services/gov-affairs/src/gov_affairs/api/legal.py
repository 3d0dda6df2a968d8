"""Legal services (法律服务, 6.5.4 a, c): the community's lawyers and legal advisers, their
consultation slots, residents' bookings with the outcome, the mediation case and the
rating. Legal education articles are community notices of the category ``legal``
(``/api/v1/notices?category=legal``)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from gov_affairs.api.deps import LegalBookingsDep, LegalDep
from gov_affairs.db.legal import LawyerRow
from gov_affairs.domain import legal as d
from gov_affairs.domain.hotline import CASE_STATUSES, words
from gov_affairs.domain.text import Text
from gov_affairs.usecases.legal import BookingView, SlotDraft, SlotView
from sc_core.api import Page, Paging
from sc_core.auth import CurrentCaller
from sc_core.schema import AwareInstant

router = APIRouter(prefix="/api/v1/legal", tags=["legal"])

CommunityId = Annotated[str, Query(min_length=1, max_length=64)]
CaseId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]
MAX_FEE_FEN = 10_000_000  # 100,000 yuan: more is a typing error


class LegalLawyerCreate(BaseModel):
    community_id: str = Field(min_length=1, max_length=64)
    account_id: str = Field(min_length=1, max_length=64, description="the lawyer's own account")
    name: str = Field(min_length=1, max_length=40, examples=["张律师"])
    kind: d.Kind = "lawyer"
    firm: str = Field(min_length=1, max_length=120, examples=["北京市某某律师事务所"])
    specialties: list[d.Topic] = Field(default_factory=list, max_length=8)
    intro: str = Field(default="", max_length=1000)


class LegalLawyerRead(BaseModel):
    id: uuid.UUID
    community_id: str
    account_id: str
    name: str
    kind: str
    kind_name: Text
    firm: str
    specialties: list[str]
    specialty_names: list[Text]
    intro: str
    active: bool = Field(description="false once the office deactivated the lawyer (暂停服务)")
    created_at: datetime


class LegalSlotIn(BaseModel):
    starts_at: AwareInstant
    ends_at: AwareInstant
    mode: d.Mode = "in_person"
    place: str = Field(default="", max_length=200, examples=["社区党群服务中心 法律服务室"])
    fee_fen: int = Field(
        default=0, ge=0, le=MAX_FEE_FEN, description="0 (free) unless said; recorded, never charged"
    )


class LegalSlotsCreate(BaseModel):
    slots: list[LegalSlotIn] = Field(min_length=1, max_length=50)


class LegalSlotRead(BaseModel):
    id: uuid.UUID
    community_id: str
    lawyer_id: uuid.UUID
    lawyer_name: str
    lawyer_kind_name: Text
    starts_at: datetime
    ends_at: datetime
    mode: str
    mode_name: Text
    place: str
    fee_fen: int
    fee: Text
    taken: bool
    withdrawn: bool = Field(description="the office withdrew it (撤回): no longer bookable")


class LegalBookingCreate(BaseModel):
    topic: d.Topic
    question: str = Field(min_length=1, max_length=1000, examples=["邻居装修噪音，如何维权？"])


class LegalCancelBody(BaseModel):
    reason: str = Field(default="", max_length=500)


class LegalOutcomeBody(BaseModel):
    outcome: str = Field(min_length=1, max_length=2000)
    case_id: CaseId | None = Field(
        default=None, description="the mediation case (a work order) the matter went on to"
    )


class LegalCaseBody(BaseModel):
    case_id: CaseId


class LegalRatingBody(BaseModel):
    stars: int = Field(ge=1, le=5)
    comment: str = Field(default="", max_length=500)


class LegalCaseRead(BaseModel):
    work_order_id: str
    known: bool = Field(description="whether work-orders' events about the case came yet")
    status: str | None
    status_name: Text | None
    updated_at: datetime | None


class LegalBookingRead(BaseModel):
    id: uuid.UUID
    community_id: str
    slot: LegalSlotRead
    resident: str
    mine: bool
    topic: str
    topic_name: Text
    question: str
    fee_fen: int
    fee: Text
    status: str
    status_name: Text
    outcome: str | None
    outcome_at: datetime | None
    case: LegalCaseRead | None
    rating: int | None
    rating_comment: str | None
    booked_at: datetime
    cancelled_at: datetime | None


def _lawyer(r: LawyerRow) -> LegalLawyerRead:
    return LegalLawyerRead(
        id=r.id,
        community_id=r.community_id,
        account_id=r.account_id,
        name=r.name,
        kind=r.kind,
        kind_name=d.KIND_WORDS[r.kind],
        firm=r.firm,
        specialties=r.specialties,
        specialty_names=[d.TOPIC_WORDS[s] for s in r.specialties if s in d.TOPIC_WORDS],
        intro=r.intro,
        active=r.active,
        created_at=r.created_at,
    )


def _slot(v: SlotView) -> LegalSlotRead:
    s = v.slot
    return LegalSlotRead(
        id=s.id,
        community_id=s.community_id,
        lawyer_id=v.lawyer.id,
        lawyer_name=v.lawyer.name,
        lawyer_kind_name=d.KIND_WORDS[v.lawyer.kind],
        starts_at=s.starts_at,
        ends_at=s.ends_at,
        mode=s.mode,
        mode_name=d.MODE_WORDS[s.mode],
        place=s.place,
        fee_fen=s.fee_fen,
        fee=d.fee_words(s.fee_fen),
        taken=v.taken,
        withdrawn=s.withdrawn,
    )


def _booking(v: BookingView, subject: str) -> LegalBookingRead:
    b = v.booking
    case = None
    if b.case_id:
        case = LegalCaseRead(
            work_order_id=b.case_id,
            known=v.case is not None,
            status=v.case.status if v.case else None,
            status_name=words(CASE_STATUSES, v.case.status) if v.case else None,
            updated_at=v.case.updated_at if v.case else None,
        )
    return LegalBookingRead(
        id=b.id,
        community_id=b.community_id,
        slot=_slot(SlotView(v.slot, v.lawyer, b.status != "cancelled")),
        resident=b.resident,
        mine=b.resident == subject,
        topic=b.topic,
        topic_name=d.TOPIC_WORDS[b.topic],
        question=b.question,
        fee_fen=b.fee_fen,
        fee=d.fee_words(b.fee_fen),
        status=b.status,
        status_name=d.STATUS_WORDS[b.status],
        outcome=b.outcome,
        outcome_at=b.outcome_at,
        case=case,
        rating=b.rating,
        rating_comment=b.rating_comment,
        booked_at=b.booked_at,
        cancelled_at=b.cancelled_at,
    )


@router.post("/lawyers", status_code=201, summary="Register a community lawyer (the office)")
async def add_lawyer(
    body: LegalLawyerCreate, who: CurrentCaller, legal: LegalDep
) -> LegalLawyerRead:
    row = await legal.add_lawyer(
        who,
        community_id=body.community_id,
        account_id=body.account_id,
        name=body.name,
        kind=body.kind,
        firm=body.firm,
        specialties=body.specialties,
        intro=body.intro,
    )
    return _lawyer(row)


@router.get("/lawyers", summary="The community's lawyers and legal advisers")
async def list_lawyers(
    community_id: CommunityId,
    who: CurrentCaller,
    legal: LegalDep,
    paging: Paging,
    include_inactive: Annotated[
        bool, Query(description="the deactivated ones too (the office only)")
    ] = False,
) -> Page[LegalLawyerRead]:
    rows, total = await legal.lawyers(who, community_id, paging, include_inactive=include_inactive)
    return Page.of([_lawyer(r) for r in rows], total, paging)


@router.post(
    "/lawyers/{lawyer_id}/slots", status_code=201, summary="Publish consultation slots (the office)"
)
async def publish_slots(
    lawyer_id: uuid.UUID, body: LegalSlotsCreate, who: CurrentCaller, legal: LegalDep
) -> list[LegalSlotRead]:
    drafts = [SlotDraft(s.starts_at, s.ends_at, s.mode, s.place, s.fee_fen) for s in body.slots]
    return [_slot(v) for v in await legal.publish(who, lawyer_id, drafts)]


@router.get("/slots", summary="The community's consultation slots to come, each free or taken")
async def list_slots(
    community_id: CommunityId,
    who: CurrentCaller,
    legal: LegalDep,
    paging: Paging,
    lawyer_id: Annotated[uuid.UUID | None, Query()] = None,
    free_only: Annotated[bool, Query(description="only the slots nobody has booked")] = False,
) -> Page[LegalSlotRead]:
    views, total = await legal.slots(
        who, community_id, paging, lawyer_id=lawyer_id, free_only=free_only
    )
    return Page.of([_slot(v) for v in views], total, paging)


@router.post(
    "/slots/{slot_id}/bookings", status_code=201, summary="Book a consultation slot (a resident)"
)
async def book(
    slot_id: uuid.UUID, body: LegalBookingCreate, who: CurrentCaller, bookings: LegalBookingsDep
) -> LegalBookingRead:
    """One booking per slot: of two residents booking one slot at once, one gets it and
    the other 409 ``legal.slot_taken``."""
    view = await bookings.book(who, slot_id, topic=body.topic, question=body.question)
    return _booking(view, who.subject)


@router.get("/bookings", summary="Bookings: the caller's own, as the lawyer, or the office's")
async def list_bookings(
    who: CurrentCaller,
    bookings: LegalBookingsDep,
    paging: Paging,
    community_id: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    status: Annotated[d.Status | None, Query()] = None,
) -> Page[LegalBookingRead]:
    views, total = await bookings.page(who, paging, community_id=community_id, status=status)
    return Page.of([_booking(v, who.subject) for v in views], total, paging)


@router.get("/bookings/{booking_id}", summary="One booking")
async def read_booking(
    booking_id: uuid.UUID, who: CurrentCaller, bookings: LegalBookingsDep
) -> LegalBookingRead:
    return _booking(await bookings.read(who, booking_id), who.subject)


@router.post("/bookings/{booking_id}/cancel", summary="Cancel a booking before it starts")
async def cancel(
    booking_id: uuid.UUID,
    who: CurrentCaller,
    bookings: LegalBookingsDep,
    body: LegalCancelBody | None = None,
) -> LegalBookingRead:
    reason = body.reason if body else ""
    return _booking(await bookings.cancel(who, booking_id, reason), who.subject)


@router.post("/bookings/{booking_id}/outcome", summary="Record the outcome (the lawyer)")
async def outcome(
    booking_id: uuid.UUID, body: LegalOutcomeBody, who: CurrentCaller, bookings: LegalBookingsDep
) -> LegalBookingRead:
    view = await bookings.record_outcome(who, booking_id, body.outcome, body.case_id)
    return _booking(view, who.subject)


@router.post("/bookings/{booking_id}/case", summary="Name the mediation case it went on to")
async def link_case(
    booking_id: uuid.UUID, body: LegalCaseBody, who: CurrentCaller, bookings: LegalBookingsDep
) -> LegalBookingRead:
    return _booking(await bookings.link_case(who, booking_id, body.case_id), who.subject)


@router.post("/bookings/{booking_id}/rating", summary="Rate the consultation once (1 to 5)")
async def rate(
    booking_id: uuid.UUID,
    body: LegalRatingBody,
    who: CurrentCaller,
    bookings: LegalBookingsDep,
) -> LegalBookingRead:
    return _booking(await bookings.rate(who, booking_id, body.stars, body.comment), who.subject)
