"""Polls (民意征集投票): the committee asks, residents vote once, results when closed."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from gov_affairs.api.deps import PollsDep
from gov_affairs.api.votes import STATUSES
from gov_affairs.db.votes import PollRow
from gov_affairs.domain.text import Text
from gov_affairs.usecases.polls import PollView
from sc_core.api import Page, Paging
from sc_core.auth import CurrentCaller
from sc_core.schema import AwareInstant

router = APIRouter(prefix="/api/v1/polls", tags=["polls"])


class PollOption(BaseModel):
    zh: str = Field(min_length=1, max_length=100)
    en: str = Field(min_length=1, max_length=100)


class PollCreate(BaseModel):
    community_id: str = Field(min_length=1, max_length=64)
    question: str = Field(min_length=1, max_length=300, examples=["小区东门是否改为24小时开放？"])
    question_en: str = Field(min_length=1, max_length=300)
    options: list[PollOption] = Field(min_length=2, max_length=20)
    multiple: bool = False
    max_choices: int | None = Field(default=None, ge=1, le=20)
    opens_at: AwareInstant
    closes_at: AwareInstant


class PollVote(BaseModel):
    choices: list[Annotated[int, Field(ge=0, le=19)]] = Field(
        min_length=1, max_length=20, description="option indexes, from 0"
    )


class PollReceipt(BaseModel):
    receipt: str = Field(description="keep it: find your ballot among the published ones")
    message: Text


class PollCountRead(BaseModel):
    option: Text
    votes: int


class PollRead(BaseModel):
    id: uuid.UUID
    community_id: str
    question: str
    question_en: str
    options: list[Text]
    multiple: bool
    max_choices: int | None
    opens_at: datetime
    closes_at: datetime
    status: str
    status_name: Text
    ballots: int | None = None
    voted: bool | None = None
    results: list[PollCountRead] | None = Field(
        default=None, description="only once the poll has closed"
    )
    head: str | None = None


class PollBallotRead(BaseModel):
    seq: int
    receipt: str
    choices: list[int]
    prev: str
    hash: str


class PollBallotPage(Page[PollBallotRead]):
    head: str


def poll_read(p: PollRow, v: PollView | None = None) -> PollRead:
    options = [Text(**o) for o in p.options]
    return PollRead(
        id=p.id,
        community_id=p.community_id,
        question=p.question,
        question_en=p.question_en,
        options=options,
        multiple=p.multiple,
        max_choices=p.max_choices,
        opens_at=p.opens_at,
        closes_at=p.closes_at,
        status=p.status,
        status_name=STATUSES[p.status],
        ballots=v.ballots if v else None,
        voted=v.voted if v else None,
        results=(
            [PollCountRead(option=o, votes=n) for o, n in zip(options, v.counts, strict=True)]
            if v is not None and v.counts is not None
            else None
        ),
        head=p.head,
    )


@router.post("", status_code=201, summary="Open a poll for the community's residents")
async def open_poll(body: PollCreate, who: CurrentCaller, polls: PollsDep) -> PollRead:
    view = await polls.open(
        who,
        community_id=body.community_id,
        question=body.question,
        question_en=body.question_en,
        options=[o.model_dump() for o in body.options],
        multiple=body.multiple,
        max_choices=body.max_choices,
        opens_at=body.opens_at,
        closes_at=body.closes_at,
    )
    return poll_read(view.poll, view)


@router.get("", summary="The community's polls, the latest first")
async def list_polls(
    who: CurrentCaller,
    polls: PollsDep,
    paging: Paging,
    community_id: str = Query(min_length=1, max_length=64),
) -> Page[PollRead]:
    rows, total = await polls.page(who, community_id, paging.limit, paging.offset)
    return Page.of([poll_read(r) for r in rows], total, paging)


@router.get("/{poll_id}", summary="A poll; its results once closed")
async def get_poll(poll_id: uuid.UUID, who: CurrentCaller, polls: PollsDep) -> PollRead:
    view = await polls.get(who, poll_id)
    return poll_read(view.poll, view)


@router.post("/{poll_id}/votes", status_code=201, summary="Vote once (a resident)")
async def vote(
    poll_id: uuid.UUID, body: PollVote, who: CurrentCaller, polls: PollsDep
) -> PollReceipt:
    """409 ``poll.already_voted`` for a second vote; the receipt is shown once."""
    receipt = await polls.vote(who, poll_id, body.choices)
    return PollReceipt(
        receipt=receipt,
        message=Text(
            zh="投票成功。请保存回执号，投票结束后可凭它核对您的选票。",
            en="Your vote is in. Keep the receipt: after the poll closes it finds your ballot.",
        ),
    )


@router.get("/{poll_id}/ballots", summary="The ballots of a closed poll, to recount")
async def ballots(
    poll_id: uuid.UUID, who: CurrentCaller, polls: PollsDep, paging: Paging
) -> PollBallotPage:
    rows, total, head = await polls.ballots(
        who, poll_id, paging.limit, paging.offset, cursor=paging.cursor
    )
    page = Page.of(
        [
            PollBallotRead(
                seq=b.seq, receipt=b.receipt, choices=b.choices, prev=b.prev, hash=b.hash
            )
            for b in rows
        ],
        total,
        paging,
    )
    return PollBallotPage(**page.model_dump(), head=head)
