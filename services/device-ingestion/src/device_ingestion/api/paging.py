"""Pages of Core rows. ``sc_core.api.fetch_page`` returns ``scalars()`` (ORM entities or a
single column); the tables here are Core tables, so this keeps whole rows and counts the
same way."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from sc_core.api import PageParams


async def fetch_rows(
    session: AsyncSession, query: Select[Any], params: PageParams
) -> tuple[list[Any], int]:
    total = await session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = (await session.execute(query.limit(params.limit).offset(params.offset))).all()
    return list(rows), int(total or 0)
