"""What a resident reads of the service hall (网上办事大厅) in the app: the catalogue, paged
and searched by name, and her own applications (我的办件), newest first."""

from __future__ import annotations

from sqlalchemy import select

from gov_affairs.db import hall as repo
from gov_affairs.db.models import ApplicationRow, ServiceItemRow
from gov_affairs.domain.hall.catalogue import ServiceItem
from gov_affairs.domain.text import Text
from gov_affairs.usecases.hall import Hall
from sc_core.auth import Caller
from sc_core.paging import PageParams, fetch_page


async def catalogue(
    hall: Hall, who: Caller, community_id: str, q: str, limit: int, offset: int
) -> tuple[list[ServiceItem], int]:
    """A page of the community's services whose name (either language) contains ``q``."""
    items = await hall.items(who, community_id)
    needle = q.strip().casefold()
    if needle:
        items = [
            i for i in items if needle in i.name.zh.casefold() or needle in i.name.en.casefold()
        ]
    return items[offset : offset + limit], len(items)


async def mine(
    hall: Hall, who: Caller, limit: int, offset: int, cursor: str | None = None
) -> tuple[list[tuple[ApplicationRow, Text]], int]:
    """The caller's own applications, newest first, each with its service's name."""
    async with hall.db.uow() as uow:
        where = ApplicationRow.applicant_id == who.subject
        rows, total = await fetch_page(
            uow.session,
            select(ApplicationRow)
            .where(where)
            .order_by(ApplicationRow.submitted_at.desc(), ApplicationRow.id),
            PageParams(limit=limit, offset=offset, cursor=cursor),
        )
        # the page's services in one read (it looked each one up by its key)
        names: dict[object, Text] = {}
        wanted = list({r.item_id for r in rows})
        if wanted:
            for item in await uow.session.scalars(
                select(ServiceItemRow).where(ServiceItemRow.id.in_(wanted))
            ):
                names[item.id] = repo.item_of(item).name
        unknown = Text(zh="办事事项", en="A service")
        return [(r, names.get(r.item_id, unknown)) for r in rows], total
