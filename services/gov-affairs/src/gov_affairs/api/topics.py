"""Consultation topics (议事协商): open a topic, comment, moderate."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from gov_affairs.api.deps import TopicsDep
from gov_affairs.db.votes import TopicCommentRow, TopicRow
from gov_affairs.domain.text import Text
from sc_core.api import Page, Paging
from sc_core.auth import CurrentCaller

router = APIRouter(prefix="/api/v1/topics", tags=["topics"])

TOPIC_STATUSES = {"open": Text(zh="讨论中", en="open"), "closed": Text(zh="已结束", en="closed")}
COMMENT_STATUSES = {
    "visible": Text(zh="已公开", en="shown"),
    "pending": Text(zh="待审核", en="awaiting moderation"),
    "hidden": Text(zh="已隐藏", en="hidden"),
}


class TopicCreate(BaseModel):
    community_id: str = Field(min_length=1, max_length=64)
    title: str = Field(min_length=1, max_length=200, examples=["小区停车位如何分配更公平？"])
    body: str = Field(min_length=1, max_length=5000)


class TopicRead(BaseModel):
    id: uuid.UUID
    community_id: str
    title: str
    body: str
    status: str
    status_name: Text
    created_at: datetime


class CommentCreate(BaseModel):
    text: str = Field(min_length=1, max_length=2000)


class Moderation(BaseModel):
    decision: Literal["show", "hide"]
    note: str = Field(default="", max_length=500, description="why it is hidden (required)")


class CommentRead(BaseModel):
    id: uuid.UUID
    author_name: str  # masked
    mine: bool
    text: str
    status: str
    status_name: Text
    moderation_note: str | None
    at: datetime


def topic_read(r: TopicRow) -> TopicRead:
    return TopicRead(
        id=r.id,
        community_id=r.community_id,
        title=r.title,
        body=r.body,
        status=r.status,
        status_name=TOPIC_STATUSES[r.status],
        created_at=r.created_at,
    )


def comment_read(r: TopicCommentRow, me: str) -> CommentRead:
    return CommentRead(
        id=r.id,
        author_name=r.author_name,
        mine=r.author == me,
        text=r.text,
        status=r.status,
        status_name=COMMENT_STATUSES[r.status],
        moderation_note=r.moderation_note,
        at=r.at,
    )


@router.post("", status_code=201, summary="Open a topic for the community's comments")
async def open_topic(body: TopicCreate, who: CurrentCaller, topics: TopicsDep) -> TopicRead:
    row = await topics.open(who, community_id=body.community_id, title=body.title, body=body.body)
    return topic_read(row)


@router.get("", summary="The community's topics, the latest first")
async def list_topics(
    who: CurrentCaller,
    topics: TopicsDep,
    paging: Paging,
    community_id: str = Query(min_length=1, max_length=64),
) -> Page[TopicRead]:
    rows, total = await topics.page(
        who, community_id, paging.limit, paging.offset, cursor=paging.cursor
    )
    return Page.of([topic_read(r) for r in rows], total, paging)


@router.get("/{topic_id}", summary="One topic")
async def get_topic(topic_id: uuid.UUID, who: CurrentCaller, topics: TopicsDep) -> TopicRead:
    return topic_read(await topics.get(who, topic_id))


@router.post("/{topic_id}/comments", status_code=201, summary="Comment on a topic")
async def comment(
    topic_id: uuid.UUID, body: CommentCreate, who: CurrentCaller, topics: TopicsDep
) -> CommentRead:
    """A comment with advertising or a link waits for a moderator (status pending)."""
    return comment_read(await topics.comment(who, topic_id, body.text), who.subject)


@router.get("/{topic_id}/comments", summary="The topic's comments, oldest first")
async def comments(
    topic_id: uuid.UUID, who: CurrentCaller, topics: TopicsDep, paging: Paging
) -> Page[CommentRead]:
    rows, total = await topics.comments(
        who, topic_id, paging.limit, paging.offset, cursor=paging.cursor
    )
    return Page.of([comment_read(r, who.subject) for r in rows], total, paging)


@router.post("/{topic_id}/comments/{comment_id}/moderate", summary="Show or hide a comment")
async def moderate(
    topic_id: uuid.UUID,
    comment_id: uuid.UUID,
    body: Moderation,
    who: CurrentCaller,
    topics: TopicsDep,
) -> CommentRead:
    row = await topics.moderate(who, topic_id, comment_id, body.decision, body.note)
    return comment_read(row, who.subject)
