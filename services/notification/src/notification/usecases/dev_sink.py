"""The development sink: what the development providers (push, SMS, voice) would have
sent, for platform admins; the numbers masked by the caller's grade, every read audited."""

from __future__ import annotations

from sqlalchemy import select

from notification.api.schemas.dev import SinkRecord
from notification.db.models import dev_sink
from sc_core.api import PageParams, PageTotal, fetch_page
from sc_core.auth import Caller
from sc_core.db.engine import Database
from sc_core.privacy import mask_model

s = dev_sink.c


class DevSink:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def page(
        self,
        who: Caller,
        paging: PageParams,
        *,
        channel: str | None,
        recipient_id: str | None,
    ) -> tuple[list[SinkRecord], PageTotal]:
        query = select(dev_sink)
        if channel:
            query = query.where(s.channel == channel)
        if recipient_id:
            query = query.where(s.recipient_id == recipient_id)
        async with self.db.uow(read_only=True) as uow:
            rows, total = await fetch_page(
                uow.session, query.order_by(s.id.desc()), paging, rows=True
            )
            items = [
                mask_model(SinkRecord.model_validate(x, from_attributes=True), who.principal.grade)
                for x in rows
            ]
            await uow.audit(
                who,
                "dev_sink.read",
                "dev_sink",
                detail={"channel": channel or "*", "rows": str(len(items))},
            )
            await uow.commit()
        return items, total
