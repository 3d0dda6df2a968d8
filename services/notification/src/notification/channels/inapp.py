"""The in-app inbox: a row per message, announced to every replica's streams."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert

from notification.channels.base import Outgoing
from notification.db.models import inbox_message
from sc_core.db.uow import UnitOfWork

STREAM_CHANNEL = "notification_stream"


async def announce(uow: UnitOfWork, payload: str) -> None:
    """NOTIFY the streams (delivered to every listener when ``uow`` commits).

    A payload is at most 8000 bytes; an absurdly long id is cut (its stream then catches
    up on its next heartbeat instead of at once)."""
    await uow.session.execute(select(func.pg_notify(STREAM_CHANNEL, payload[:1000])))


class InAppAdapter:
    channel = "inapp"

    async def send(self, message: Outgoing, uow: UnitOfWork) -> str | None:
        row = (
            await uow.session.execute(
                insert(inbox_message)
                .values(
                    user_id=message.recipient_id,
                    delivery_id=message.delivery_id,
                    request_id=message.request_id,
                    template=message.template,
                    severity=message.severity,
                    title=message.title,
                    body=message.body,
                    community_id=message.community_id,
                    correlation_id=message.correlation_id,
                )
                .on_conflict_do_nothing(index_elements=["delivery_id"])
                .returning(inbox_message.c.id)
            )
        ).first()
        if row is None:  # already in the inbox (a retried completion)
            return None
        await announce(uow, f"inbox:{message.recipient_id}")
        return f"inbox:{row.id}"
