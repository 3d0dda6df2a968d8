"""Message templates per code and locale: seeded by migration, read by admins, created or
changed by platform admins (audited)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert

from notification.api.schemas.templates import TemplateWrite
from notification.db.models import template
from sc_core.api import PageParams, PageTotal, fetch_page
from sc_core.auth import Caller
from sc_core.db.engine import Database
from sc_core.errors import NotFound

t = template.c


class Templates:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def page(self, paging: PageParams, *, code: str | None) -> tuple[list[Any], PageTotal]:
        """Templates by code and locale; ``code`` a prefix (``workorder.``)."""
        query = select(template)
        if code:
            query = query.where(t.code.startswith(code, autoescape=True))
        async with self.db.uow(read_only=True) as uow:
            return await fetch_page(
                uow.session, query.order_by(t.code, t.locale), paging, rows=True
            )

    async def get(self, code: str, locale: str) -> Any:
        async with self.db.uow(read_only=True) as uow:
            row = (
                await uow.session.execute(
                    select(template).where(t.code == code, t.locale == locale)
                )
            ).first()
        if row is None:
            raise NotFound(
                "template.not_found",
                "No template of that code and locale",
                zh="没有该编码和语言的模板",
            )
        return row

    async def put(self, who: Caller, code: str, locale: str, body: TemplateWrite) -> Any:
        """Create or change one template."""
        values = {"title": body.title, "body": body.body, "updated_by": who.subject}
        async with self.db.uow() as uow:
            row = (
                await uow.session.execute(
                    insert(template)
                    .values(code=code, locale=locale, **values)
                    .on_conflict_do_update(
                        index_elements=["code", "locale"], set_={**values, "updated_at": func.now()}
                    )
                    .returning(template)
                )
            ).one()
            await uow.audit(who, "template.update", "notification_template", f"{code}/{locale}")
            await uow.commit()
        return row
