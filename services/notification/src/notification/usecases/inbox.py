"""The in-app inbox: a person reads and marks only their own messages; a message read for
the first time is told once (NotificationOpenedV1) and every marking is audited."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update

from notification.db.models import inbox_message
from notification.usecases.outcomes import publish_read
from sc_core.api import PageParams, PageTotal, fetch_page
from sc_core.auth import Caller, Principal
from sc_core.db.engine import Database
from sc_core.errors import NotFound

m = inbox_message.c


class Inbox:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def page(
        self, principal: Principal, paging: PageParams, *, unread_only: bool
    ) -> tuple[list[Any], PageTotal]:
        """My messages, unread first, newest first."""
        query = select(inbox_message).where(m.user_id == principal.subject)
        if unread_only:
            query = query.where(m.read_at.is_(None))
        query = query.order_by(m.read_at.is_not(None), m.id.desc())
        async with self.db.uow(read_only=True) as uow:
            return await fetch_page(uow.session, query, paging, rows=True)

    async def unread(self, principal: Principal) -> int:
        async with self.db.uow(read_only=True) as uow:
            count = await uow.session.scalar(
                select(func.count()).where(m.user_id == principal.subject, m.read_at.is_(None))
            )
        return int(count or 0)

    async def read_all(self, who: Caller) -> int:
        """Mark all my unread messages read; how many were."""
        async with self.db.uow() as uow:
            result = await uow.session.execute(
                update(inbox_message)
                .where(m.user_id == who.subject, m.read_at.is_(None))
                .values(read_at=func.now())
                .returning(inbox_message)
            )
            rows = result.all()
            marked = len(rows)
            for row in rows:
                await publish_read(uow, row)
            await uow.audit(
                who, "inbox.read_all", "inbox", who.subject, detail={"marked": str(marked)}
            )
            await uow.commit()
        return marked

    async def read(self, who: Caller, message_id: int) -> Any:
        """Mark one of my messages read; the message. Someone else's is as absent as a
        missing one."""
        mine = (m.id == message_id) & (m.user_id == who.subject)
        async with self.db.uow() as uow:
            first = (
                await uow.session.execute(
                    update(inbox_message)
                    .where(mine, m.read_at.is_(None))
                    .values(read_at=func.now())
                    .returning(inbox_message)
                )
            ).first()
            row = first or (await uow.session.execute(select(inbox_message).where(mine))).first()
            if row is None:
                raise NotFound(
                    "inbox.not_found", "No such message in your inbox", zh="您的消息中没有这一条"
                )
            if first is not None:  # read for the first time: told once
                await publish_read(uow, first)
            await uow.audit(who, "inbox.read", "inbox_message", str(message_id))
            await uow.commit()
        return row
