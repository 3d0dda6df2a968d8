"""Consultation topics (议事协商, 6.5.1 b): the committee opens a topic; residents of the
community comment; a comment with a screened word (advertising, links) waits for a
moderator, who shows or hides it (hiding says why, and the author reads the reason). Every
one reads the visible comments; staff and the author also see the waiting and hidden ones.
Authors are shown by masked name (张*). The rules are in :mod:`gov_affairs.domain.consultation`."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Literal

from sqlalchemy import or_, select

from gov_affairs.db.votes import TopicCommentRow, TopicRow
from gov_affairs.domain import consultation as c
from gov_affairs.domain.certificates import mask_name
from sc_core.auth import Caller
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Problem
from sc_core.paging import PageParams, fetch_page
from sc_core.places import RESIDENT_ROLES, Places

OFFICE_ROLES = frozenset({"community_admin", "gov_officer", "platform_admin"})
# what makes a comment wait for a moderator: advertising and links (a community edits
# nothing here yet; the list is the service's)
SCREENED = ("代开发票", "加微信", "加v", "兼职刷单", "http://", "https://", "www.")


def _office(who: Caller, community_id: str) -> bool:
    p = who.principal
    return p.is_platform_admin or community_id in p.scope_ids("community", OFFICE_ROLES)


def _not_found() -> Problem:
    return Problem(404, "topic.not_found", "No such topic", zh="没有这个议题")


class Topics:
    def __init__(self, db: Database, places: Places) -> None:
        self.db = db
        self.places = places

    async def open(self, who: Caller, *, community_id: str, title: str, body: str) -> TopicRow:
        if not _office(who, community_id):
            raise Problem(
                403,
                "auth.out_of_scope",
                "Topics of this community are not yours to open",
                zh="您不负责该社区的议事协商",
            )
        row = TopicRow(
            id=uuid.uuid4(),
            community_id=community_id,
            title=title,
            body=body,
            status="open",
            created_by=who.subject,
        )
        async with self.db.uow() as uow:
            uow.session.add(row)
            await uow.audit(who, "topic.open", "topic", str(row.id), community_id=community_id)
            await uow.commit()
        return row

    async def page(
        self, who: Caller, community_id: str, limit: int, offset: int, cursor: str | None = None
    ) -> tuple[list[TopicRow], int]:
        async with self.db.uow(read_only=True) as uow:
            await self.places.ensure_readable(
                uow, who.principal, community_id=community_id, roles=OFFICE_ROLES
            )
            where = TopicRow.community_id == community_id
            rows, total = await fetch_page(
                uow.session,
                select(TopicRow).where(where).order_by(TopicRow.created_at.desc(), TopicRow.id),
                PageParams(limit=limit, offset=offset, cursor=cursor),
            )
            return list(rows), total

    async def get(self, who: Caller, topic_id: uuid.UUID) -> TopicRow:
        async with self.db.uow(read_only=True) as uow:
            return await self._readable(uow, who, topic_id)

    async def comment(self, who: Caller, topic_id: uuid.UUID, text: str) -> TopicCommentRow:
        async with self.db.uow() as uow:
            topic = await self._readable(uow, who, topic_id)
            homes = await self.places.home_communities(uow, who.principal, RESIDENT_ROLES)
            if topic.community_id not in homes and not _office(who, topic.community_id):
                raise Problem(
                    403,
                    "topic.not_a_resident",
                    "Only the community's residents and staff comment",
                    zh="只有本社区的居民和工作人员可以发表意见",
                )
            if topic.status != "open":
                raise Problem(409, "topic.closed", "The topic is closed", zh="该议题已结束讨论")
            row = TopicCommentRow(
                id=uuid.uuid4(),
                topic_id=topic.id,
                author=who.subject,
                author_name=mask_name(who.principal.name or "居民")[:100],
                text=text,
                status=c.screen(text, SCREENED),
                at=datetime.now(UTC),
            )
            uow.session.add(row)
            await uow.audit(
                who, "topic.comment", "topic", str(topic.id), community_id=topic.community_id
            )
            await uow.commit()
        return row

    async def comments(
        self, who: Caller, topic_id: uuid.UUID, limit: int, offset: int, cursor: str | None = None
    ) -> tuple[list[TopicCommentRow], int]:
        """Visible comments, oldest first; staff see every one, an author their own too."""
        async with self.db.uow(read_only=True) as uow:
            topic = await self._readable(uow, who, topic_id)
            where = [TopicCommentRow.topic_id == topic.id]
            if not _office(who, topic.community_id):
                where.append(
                    or_(TopicCommentRow.status == "visible", TopicCommentRow.author == who.subject)
                )
            rows, total = await fetch_page(
                uow.session,
                select(TopicCommentRow)
                .where(*where)
                .order_by(TopicCommentRow.at, TopicCommentRow.id),
                PageParams(limit=limit, offset=offset, cursor=cursor),
            )
            return list(rows), total

    async def moderate(
        self,
        who: Caller,
        topic_id: uuid.UUID,
        comment_id: uuid.UUID,
        decision: Literal["show", "hide"],
        note: str,
    ) -> TopicCommentRow:
        async with self.db.uow() as uow:
            topic = await uow.session.get(TopicRow, topic_id)
            row = await uow.session.get(TopicCommentRow, comment_id)
            if topic is None or row is None or row.topic_id != topic.id:
                raise Problem(404, "topic.comment_not_found", "No such comment", zh="没有这条意见")
            if not _office(who, topic.community_id):
                raise Problem(
                    403,
                    "auth.out_of_scope",
                    "Moderating this community's topics is not yours",
                    zh="您不负责该社区议题的审核",
                )
            status: c.Visibility = "pending" if row.status == "pending" else "visible"
            try:
                done = c.moderate(
                    c.Comment(author=row.author, text=row.text, at=row.at, status=status),
                    decision,
                    note,
                )
            except c.PollError as exc:
                raise Problem(422, exc.code, exc.message, zh=exc.zh) from exc
            row.status, row.moderation_note = done.status, done.moderation_note
            row.moderated_by = who.subject
            await uow.audit(
                who,
                "topic.moderate",
                "topic_comment",
                str(row.id),
                community_id=topic.community_id,
                detail={"decision": decision},
            )
            await uow.commit()
        return row

    async def _readable(self, uow: UnitOfWork, who: Caller, topic_id: uuid.UUID) -> TopicRow:
        row = await uow.session.get(TopicRow, topic_id)
        if row is None:
            raise _not_found()
        await self.places.ensure_readable(
            uow, who.principal, community_id=row.community_id, roles=OFFICE_ROLES
        )
        return row
