"""The welfare register for the street office and the committee: the register (names
masked, every read audited), monthly payments, statistics per grid and community.

``community_id`` may be left out by an officer of one community: it follows from the
caller's grants (sc_core.places defaults, issue 19 item 2); an officer of several is told
to name one (422 ``place.ambiguous``, the communities named), a platform-wide caller too
(422 ``place.required``)."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from gov_affairs.api.deps import WelfareDep
from gov_affairs.domain.text import Text
from gov_affairs.usecases.welfare import PROGRAMMES, Listed, Welfare
from sc_core.api import Page, Paging
from sc_core.auth import Caller, CurrentCaller
from sc_core.schema import Day

router = APIRouter(prefix="/api/v1/welfare", tags=["welfare"])
MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"
DEFAULTED = "Default: the one community the caller keeps the welfare register of"


async def _community(who: Caller, welfare: Welfare, community_id: str | None) -> str:
    """The named community, or the one the caller's office grants lead to."""
    return await welfare.community_of(who, community_id)


class BeneficiaryRead(BaseModel):
    id: uuid.UUID
    programme: str
    programme_name: dict[str, str]
    name: str  # masked
    status: str
    since: date
    monthly_amount: Decimal | None
    grid_id: str | None
    next_review_on: date | None = None


class ReviewIn(BaseModel):
    """A re-examination (复核): the record continues, its amount is adjusted, it is
    suspended or it ends."""

    outcome: Literal["continue", "adjust", "suspend", "end"]
    note: str = Field(default="", max_length=1000, description="What the re-examination found")
    monthly_amount: str | None = Field(
        default=None,
        max_length=9,
        pattern=r"^\d{1,6}(\.\d{1,2})?$",
        examples=["180.00"],
        description="The new monthly amount in yuan, e.g. 180.00 (required to adjust)",
    )


class PaymentsRun(BaseModel):
    community_id: str | None = Field(
        default=None, min_length=1, max_length=64, description=DEFAULTED
    )
    month: str = Field(pattern=MONTH, examples=["2026-11"])


class PaymentsRecorded(BaseModel):
    recorded: int


class StatRead(BaseModel):
    place_id: str
    programme: str
    programme_name: dict[str, str]
    active: int
    monthly_total: Decimal
    paid_in_month: Decimal
    population: int | None = Field(
        description="Registered residents of the place (null when fewer than five: suppressed)"
    )
    coverage_per_thousand: Decimal | None = Field(
        description="Active beneficiaries per 1,000 registered residents (‰, one decimal; "
        "null when suppressed)"
    )
    suppressed: bool = Field(description="Fewer than five residents: no population or coverage")
    coverage_words: Text = Field(description="The coverage as a person reads it")


def _name(code: str) -> dict[str, str]:
    p = PROGRAMMES.get(code)
    return p.name.model_dump() if p else {"zh": code, "en": code}


@router.get("/register", summary="The welfare register of a community (names masked; audited)")
async def register(
    who: CurrentCaller,
    welfare: WelfareDep,
    paging: Paging,
    community_id: str | None = Query(None, min_length=1, max_length=64, description=DEFAULTED),
    programme: str | None = Query(None, max_length=40),
) -> Page[BeneficiaryRead]:
    community = await _community(who, welfare, community_id)
    rows, total = await welfare.register(
        who, community, programme, paging.limit, paging.offset, cursor=paging.cursor
    )
    return Page[BeneficiaryRead].of([_read(r) for r in rows], total, paging)


def _read(r: Listed) -> BeneficiaryRead:
    return BeneficiaryRead(
        id=r.id,
        programme=r.programme,
        programme_name=_name(r.programme),
        name=r.name_masked,
        status=r.status,
        since=r.since,
        monthly_amount=r.monthly_amount,
        grid_id=r.grid_id,
        next_review_on=r.next_review_on,
    )


@router.get(
    "/reviews",
    summary="Records whose re-examination (复核) is due, earliest first (masked; audited)",
)
async def reviews_due(
    who: CurrentCaller,
    welfare: WelfareDep,
    paging: Paging,
    community_id: str | None = Query(None, min_length=1, max_length=64, description=DEFAULTED),
    on: Day | None = Query(None, description="Due by this day (default: today in China)"),
) -> Page[BeneficiaryRead]:
    community = await _community(who, welfare, community_id)
    rows, total = await welfare.reviews_due(
        who, community, on, paging.limit, paging.offset, cursor=paging.cursor
    )
    return Page[BeneficiaryRead].of([_read(r) for r in rows], total, paging)


@router.post(
    "/register/{beneficiary_id}/reviews",
    summary="Record a re-examination: continue, adjust the amount, suspend or end (audited)",
)
async def review(
    beneficiary_id: uuid.UUID, body: ReviewIn, who: CurrentCaller, welfare: WelfareDep
) -> BeneficiaryRead:
    amount = Decimal(body.monthly_amount) if body.monthly_amount is not None else None
    done = await welfare.review(who, beneficiary_id, body.outcome, body.note, amount)
    return _read(done)


@router.post("/payments", summary="Record the payments a month owes (each once)")
async def payments(body: PaymentsRun, who: CurrentCaller, welfare: WelfareDep) -> PaymentsRecorded:
    community = await _community(who, welfare, body.community_id)
    return PaymentsRecorded(recorded=await welfare.record_payments(who, community, body.month))


@router.get(
    "/statistics",
    summary="Beneficiaries, amounts and coverage per 1,000 residents per grid or community",
)
async def statistics(
    who: CurrentCaller,
    welfare: WelfareDep,
    community_id: str | None = Query(None, min_length=1, max_length=64, description=DEFAULTED),
    by: Literal["grid", "community"] = "grid",
    month: str = Query(pattern=MONTH),
) -> list[StatRead]:
    community = await _community(who, welfare, community_id)
    stats = await welfare.statistics(who, community, by, month)
    return [
        StatRead(
            place_id=s.place_id,
            programme=s.programme,
            programme_name=_name(s.programme),
            active=s.active,
            monthly_total=s.monthly_total,
            paid_in_month=s.paid_in_month,
            population=c.population,
            coverage_per_thousand=c.per_thousand,
            suppressed=c.suppressed,
            coverage_words=c.words,
        )
        for s, c in stats
    ]
