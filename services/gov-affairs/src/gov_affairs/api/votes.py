"""Owners' assembly votes (业主大会表决): the committee opens them and enters paper
ballots, owners vote in the app, everyone in the community reads the live tally."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from gov_affairs.api.deps import AssemblyDep
from gov_affairs.db.votes import VoteRow
from gov_affairs.domain import assembly as a
from gov_affairs.domain.text import Text
from gov_affairs.usecases.assembly import KEYS, Counted
from sc_core.api import Page, Paging
from sc_core.auth import CurrentCaller
from sc_core.schema import AwareInstant

router = APIRouter(prefix="/api/v1/votes", tags=["votes"])

MATTERS = {
    "ordinary": Text(zh="一般事项（过半数同意）", en="ordinary matter (more than half)"),
    "special": Text(
        zh="特别事项（四分之三以上同意）", en="special matter (at least three-quarters)"
    ),
}
STATUSES = {
    "open": Text(zh="表决中", en="open"),
    "closed": Text(zh="已结束", en="closed"),
}
CHOICES = {
    "agree": Text(zh="同意", en="agree"),
    "disagree": Text(zh="反对", en="disagree"),
    "abstain": Text(zh="弃权", en="abstain"),
}
CHANNELS = {"app": Text(zh="线上", en="in the app"), "paper": Text(zh="纸质票", en="paper")}


class VoteCreate(BaseModel):
    community_id: str = Field(min_length=1, max_length=64)
    title: str = Field(min_length=1, max_length=200, examples=["使用专项维修资金更换电梯"])
    title_en: str = Field(min_length=1, max_length=200, examples=["Replace the lifts"])
    matter: Literal["ordinary", "special"] = Field(
        description="special: raising or using the maintenance fund, rebuilding, changing "
        "the use of common parts (art. 278 items 6-8); three-quarters must agree"
    )
    opens_at: AwareInstant
    closes_at: AwareInstant


class BallotCast(BaseModel):
    choice: Literal["agree", "disagree", "abstain"]
    room_id: str | None = Field(
        default=None, max_length=64, description="only for an owner of rooms voting separately"
    )


class PaperBallot(BaseModel):
    room_id: str = Field(min_length=1, max_length=64)
    choice: Literal["agree", "disagree", "abstain"]
    serial: str = Field(min_length=1, max_length=40, description="the ballot's printed number")


class VoteCheckRead(BaseModel):
    key: str
    name: Text
    counted: str
    of: str
    percent: str
    threshold: Text
    met: bool


class VoteShareRead(BaseModel):
    area_m2: Decimal
    owners: int


class MyBallotRead(BaseModel):
    choice: str
    choice_name: Text
    channel_name: Text


class VoteRead(BaseModel):
    id: uuid.UUID
    community_id: str
    title: str
    title_en: str
    matter: str
    matter_name: Text
    status: str
    status_name: Text
    opens_at: datetime
    closes_at: datetime
    eligible: int
    total_area_m2: Decimal


class TallyRead(VoteRead):
    final: bool
    passed: bool
    verdict: Text
    checks: list[VoteCheckRead]
    agree: VoteShareRead
    disagree: VoteShareRead
    abstain: VoteShareRead
    ballots: int
    in_app: int
    on_paper: int
    my_ballot: MyBallotRead | None = None


def vote_read(row: VoteRow) -> VoteRead:
    return VoteRead(
        id=row.id,
        community_id=row.community_id,
        title=row.title,
        title_en=row.title_en,
        matter=row.matter,
        matter_name=MATTERS[row.matter],
        status=row.status,
        status_name=STATUSES[row.status],
        opens_at=row.opens_at,
        closes_at=row.closes_at,
        eligible=row.eligible,
        total_area_m2=row.total_area_m2,
    )


def tally_read(c: Counted) -> TallyRead:
    t, final = c.tally, c.vote.status == "closed"
    verdict = a.verdict(t)
    if not final:
        verdict = Text(
            zh="表决进行中，按目前的票数：" + verdict.zh,
            en="Still open; as counted now: " + verdict.en,
        )
    mine = None
    if c.mine is not None:
        mine = MyBallotRead(
            choice=c.mine.choice,
            choice_name=CHOICES[c.mine.choice],
            channel_name=CHANNELS[c.mine.channel],
        )
    return TallyRead(
        **vote_read(c.vote).model_dump(),
        final=final,
        passed=t.passed,
        verdict=verdict,
        checks=[
            VoteCheckRead(
                key=key,
                name=ch.name,
                counted=ch.part,
                of=ch.whole,
                percent=f"{float(ch.ratio) * 100:.2f}%",
                threshold=ch.threshold,
                met=ch.met,
            )
            for key, ch in zip(KEYS, t.checks, strict=True)
        ],
        agree=VoteShareRead(area_m2=t.agree[0], owners=t.agree[1]),
        disagree=VoteShareRead(area_m2=t.disagree[0], owners=t.disagree[1]),
        abstain=VoteShareRead(area_m2=t.abstain[0], owners=t.abstain[1]),
        ballots=sum(t.by_channel.values()),
        in_app=t.by_channel.get("app", 0),
        on_paper=t.by_channel.get("paper", 0),
        my_ballot=mine,
    )


@router.post("", status_code=201, summary="Open an owners' assembly vote on the room register")
async def open_vote(body: VoteCreate, who: CurrentCaller, votes: AssemblyDep) -> TallyRead:
    """The electorate is the register's rooms with an owner, frozen now: 422
    ``vote.room_without_area`` names rooms whose exclusive area is missing."""
    counted = await votes.open(
        who,
        community_id=body.community_id,
        title=body.title,
        title_en=body.title_en,
        matter=body.matter,
        opens_at=body.opens_at,
        closes_at=body.closes_at,
    )
    return tally_read(counted)


@router.get("", summary="The community's votes, the latest first")
async def list_votes(
    who: CurrentCaller,
    votes: AssemblyDep,
    paging: Paging,
    community_id: str = Query(min_length=1, max_length=64),
) -> Page[VoteRead]:
    rows, total = await votes.page(who, community_id, paging.limit, paging.offset)
    return Page.of([vote_read(r) for r in rows], total, paging)


@router.get("/{vote_id}", summary="A vote and its tally: each threshold met or missed")
async def get_vote(vote_id: uuid.UUID, who: CurrentCaller, votes: AssemblyDep) -> TallyRead:
    return tally_read(await votes.count(who, vote_id))


@router.post("/{vote_id}/ballots", summary="An owner votes in the app (once per room)")
async def cast(
    vote_id: uuid.UUID, body: BallotCast, who: CurrentCaller, votes: AssemblyDep
) -> TallyRead:
    """409 ``vote.already_cast`` when the room has voted, in the app or on paper."""
    return tally_read(await votes.cast(who, vote_id, choice=body.choice, room_id=body.room_id))


@router.post("/{vote_id}/paper-ballots", summary="Staff enter a paper ballot for a room")
async def enter_paper(
    vote_id: uuid.UUID, body: PaperBallot, who: CurrentCaller, votes: AssemblyDep
) -> TallyRead:
    """409 ``vote.already_cast`` when the room's owner has voted in the app (or on paper)."""
    counted = await votes.enter_paper(
        who, vote_id, room_id=body.room_id, choice=body.choice, serial=body.serial
    )
    return tally_read(counted)


@router.post("/{vote_id}/close", summary="Close a vote whose period has ended")
async def close(vote_id: uuid.UUID, who: CurrentCaller, votes: AssemblyDep) -> TallyRead:
    return tally_read(await votes.close(who, vote_id))
