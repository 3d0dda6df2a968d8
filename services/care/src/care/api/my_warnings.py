"""The warnings that reached me (我收到的预警), for the residents' app:
``GET /api/v1/care/my-warnings`` pages the CAP warnings sent to the elderly that reached a
building the caller lives in or told the caller (an elder, guardian or family), newest
first, in the plain words the elders were told. The rules:
:mod:`care.usecases.warning_mine`."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from care.api.deps import usecases
from care.domain import warning_audience as words
from care.usecases.warning_mine import MyWarning, ResidentWarnings
from sc_core.auth import CurrentCaller
from sc_core.paging import Page, Paging

router = APIRouter(prefix="/api/v1/care/my-warnings", tags=["warnings"])


async def _mine(request: Request) -> ResidentWarnings:
    return usecases(request).resident_warnings


MineDep = Annotated[ResidentWarnings, Depends(_mine)]


class MyWarningRead(BaseModel):
    id: uuid.UUID
    title: str = Field(description="zh-CN, as the elders read it: 台风橙色预警")
    title_en: str
    body: str = Field(description="zh-CN, what it says and what to do")
    body_en: str
    state: str = Field(description="active, updated, cancelled or expired")
    state_text: str = Field(description="zh-CN: 生效中")
    state_text_en: str
    sent: datetime
    expires: datetime | None
    places: list[str] = Field(description="zh-CN: my buildings it reached (幸福里社区 1号楼)")
    places_en: list[str]
    told_me: bool = Field(description="I was told (my own, a guardian's or family's notice)")


def _read(w: MyWarning) -> MyWarningRead:
    row = w.row
    state = words.state_of(row.state, row.expires, datetime.now(row.received_at.tzinfo))
    mt = words.MESSAGE_TYPES.get(row.msg_type, (row.msg_type, row.msg_type))
    return MyWarningRead(
        id=row.id, title=w.words.get("title_zh", mt[0]), title_en=w.words.get("title_en", mt[1]),
        body=w.words.get("body_zh", ""), body_en=w.words.get("body_en", ""), state=state,
        state_text=words.STATES[state][0], state_text_en=words.STATES[state][1], sent=row.sent,
        expires=row.expires, places=[zh for zh, _ in w.places],
        places_en=[en for _, en in w.places], told_me=w.told_me,
    )  # fmt: skip


@router.get("", response_model=Page[MyWarningRead])
async def my_warnings(who: CurrentCaller, mine: MineDep, paging: Paging) -> Page[MyWarningRead]:
    """Residents: the warnings that reached their buildings or told them; nothing of other
    buildings, exercises or tests. Staff read ``GET /api/v1/care/warnings``."""
    found, total = await mine.page(who, paging)
    return Page[MyWarningRead].of([_read(w) for w in found], total, paging)
