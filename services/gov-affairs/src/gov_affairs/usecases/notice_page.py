"""A page of notices (公告列表) read in a fixed number of statements, however long the page:
the places of every notice on it in one query, and the read figures (people it is for, of
whom have read it) of every published or withdrawn one in one ``UNION ALL`` of per-notice
counts. The staff's list used to read each row's places and make two counts per row: 61
statements for a page of 20 (ADR 0066's gov-affairs addendum)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import ColumnElement, func, literal, not_, select, union_all

from gov_affairs.db.models import NoticePlaceRow, NoticeReadRow, NoticeRow
from gov_affairs.domain import notices as d
from gov_affairs.usecases.notice_audience import audience
from sc_core.db.uow import UnitOfWork
from sc_core.paging import COUNT_LIMIT, PageTotal, count_query
from sc_core.places import Places

NEWEST = (func.coalesce(NoticeRow.published_at, NoticeRow.created_at).desc(), NoticeRow.id)
COUNTED = ("published", "withdrawn")
"""A draft or a pending notice has reached nobody yet: its figures are not counted."""


async def newest_first(
    uow: UnitOfWork,
    where: list[ColumnElement[bool]],
    pinned_now: ColumnElement[bool],
    limit: int,
    offset: int,
) -> tuple[list[NoticeRow], PageTotal]:
    """A page of the notices ``where`` holds, pinned (now) first, then the newest: the same
    rows and order as one ``ORDER BY pinned_now DESC, newest`` but read as two parts, each
    through its index (``ix_notices_community_pinned``, ``ix_notices_community_newest``)
    instead of sorting every notice of the community (73-75 ms for 10,000). The rest is read
    only when the pinned part leaves room on the page, and the number of pinned ones only
    when the page starts past them."""
    pinned = select(NoticeRow).where(*where, pinned_now).order_by(*NEWEST)
    rest = select(NoticeRow).where(*where, not_(pinned_now)).order_by(*NEWEST)
    rows = list(await uow.session.scalars(pinned.limit(limit).offset(offset)))
    if len(rows) < limit:
        skip = 0
        if not rows and offset:  # the page starts past every pinned one
            counted = select(func.count()).select_from(pinned.order_by(None).subquery())
            skip = max(offset - int(await uow.session.scalar(counted) or 0), 0)
        rows += await uow.session.scalars(rest.limit(limit - len(rows)).offset(skip))
    if len(rows) < limit and (rows or not offset):  # the last page: the total is known
        return rows, PageTotal(offset + len(rows))
    total = int(await uow.session.scalar(count_query(select(NoticeRow).where(*where))) or 0)
    return rows, PageTotal(min(total, COUNT_LIMIT), exact=total <= COUNT_LIMIT)


async def places_of(
    uow: UnitOfWork, rows: Sequence[NoticeRow]
) -> dict[uuid.UUID, list[d.PlaceRef]]:
    """Notice id -> its places, by type and id (as one notice's read shows them)."""
    found: dict[uuid.UUID, list[d.PlaceRef]] = {row.id: [] for row in rows}
    if not found:
        return found
    p = NoticePlaceRow
    for notice_id, kind, place_id in await uow.session.execute(
        select(p.notice_id, p.place_type, p.place_id)
        .where(p.notice_id.in_(list(found)))
        .order_by(p.notice_id, p.place_type, p.place_id)
    ):
        found[notice_id].append(d.PlaceRef(type=kind, id=place_id))
    return found


async def figures_of(
    uow: UnitOfWork,
    places: Places,
    rows: Sequence[NoticeRow],
    where: dict[uuid.UUID, list[d.PlaceRef]],
) -> dict[uuid.UUID, tuple[int, int]]:
    """Notice id -> (people it is for, of whom have read it), for the published and
    withdrawn notices of ``rows`` (the same counts as ``notice_audience.read_figures``)."""
    counted = [row for row in rows if row.status in COUNTED]
    if not counted:
        return {}
    parts = []
    for row in counted:
        aud = audience(places, row, where[row.id]).subquery()
        readers = select(NoticeReadRow.account_id).where(NoticeReadRow.notice_id == row.id)
        parts.append(
            select(
                literal(str(row.id)).label("notice_id"),
                func.count().label("people"),
                func.count().filter(aud.c.account_id.in_(readers)).label("reads"),
            ).select_from(aud)
        )
    statement = parts[0] if len(parts) == 1 else union_all(*parts)
    return {
        uuid.UUID(notice_id): (int(people), int(reads))
        for notice_id, people, reads in await uow.session.execute(statement)
    }
