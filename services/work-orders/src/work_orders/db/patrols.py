"""Reading and writing patrol routes, rounds and scans (the use cases' queries)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select

from sc_core.api import PageParams, fetch_page
from sc_core.auth import Principal, scope_clause
from sc_core.db.uow import UnitOfWork
from work_orders.db.models import PatrolCheckpoint, PatrolRound, PatrolRoute, PatrolScan
from work_orders.domain.states import STAFF_ROLES


async def route(
    uow: UnitOfWork, route_id: uuid.UUID
) -> tuple[PatrolRoute, list[PatrolCheckpoint]] | None:
    found = await uow.session.get(PatrolRoute, route_id)
    if found is None:
        return None
    return found, await checkpoints(uow, route_id)


async def route_of(uow: UnitOfWork, rnd: PatrolRound) -> PatrolRoute:
    """The route of a round (a foreign key: it is there)."""
    found = await uow.session.scalars(select(PatrolRoute).where(PatrolRoute.id == rnd.route_id))
    return found.one()


async def checkpoints(uow: UnitOfWork, route_id: uuid.UUID) -> list[PatrolCheckpoint]:
    rows = await uow.session.scalars(
        select(PatrolCheckpoint)
        .where(PatrolCheckpoint.route_id == route_id)
        .order_by(PatrolCheckpoint.position)
    )
    return list(rows)


async def checkpoints_of(
    uow: UnitOfWork, route_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[PatrolCheckpoint]]:
    """Each route's checkpoints in order, for a page of routes in one query (one per route
    was 20 round trips a page)."""
    found: dict[uuid.UUID, list[PatrolCheckpoint]] = {i: [] for i in route_ids}
    if route_ids:
        rows = await uow.session.scalars(
            select(PatrolCheckpoint)
            .where(PatrolCheckpoint.route_id.in_(route_ids))
            .order_by(PatrolCheckpoint.route_id, PatrolCheckpoint.position)
        )
        for point in rows:
            found[point.route_id].append(point)
    return found


async def checkpoint(uow: UnitOfWork, route_id: uuid.UUID, code: str) -> PatrolCheckpoint | None:
    return await uow.session.scalar(
        select(PatrolCheckpoint).where(
            PatrolCheckpoint.route_id == route_id, PatrolCheckpoint.code == code
        )
    )


async def routes_page(
    uow: UnitOfWork, principal: Principal, paging: PageParams
) -> tuple[list[PatrolRoute], int]:
    query = (
        select(PatrolRoute)
        .where(scope_clause(principal, community_col=PatrolRoute.community_id, roles=STAFF_ROLES))
        .order_by(PatrolRoute.created_at.desc(), PatrolRoute.id.desc())
    )
    return await fetch_page(uow.session, query, paging)


async def lock_round(uow: UnitOfWork, round_id: uuid.UUID) -> PatrolRound | None:
    return await uow.session.scalar(
        select(PatrolRound).where(PatrolRound.id == round_id).with_for_update()
    )


async def rounds_page(
    uow: UnitOfWork,
    principal: Principal,
    paging: PageParams,
    *,
    status: str | None,
    assignee: str | None,
) -> tuple[list[PatrolRound], int]:
    query: Select[Any] = select(PatrolRound).where(
        scope_clause(principal, community_col=PatrolRound.community_id, roles=STAFF_ROLES)
    )
    if status:
        query = query.where(PatrolRound.status == status)
    if assignee:
        query = query.where(PatrolRound.assignee_id == assignee)
    query = query.order_by(PatrolRound.window_start.desc(), PatrolRound.id.desc())
    return await fetch_page(uow.session, query, paging)


async def scanned_codes(uow: UnitOfWork, round_id: uuid.UUID) -> list[str]:
    rows = await uow.session.scalars(
        select(PatrolCheckpoint.code)
        .join(PatrolScan, PatrolScan.checkpoint_id == PatrolCheckpoint.id)
        .where(PatrolScan.round_id == round_id)
        .distinct()
    )
    return sorted(rows)


async def scanned_codes_of(
    uow: UnitOfWork, round_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[str]]:
    """Each round's scanned checkpoint codes, sorted, for a page of rounds in one query."""
    found: dict[uuid.UUID, set[str]] = {i: set() for i in round_ids}
    if round_ids:
        rows = await uow.session.execute(
            select(PatrolScan.round_id, PatrolCheckpoint.code)
            .join(PatrolScan, PatrolScan.checkpoint_id == PatrolCheckpoint.id)
            .where(PatrolScan.round_id.in_(round_ids))
            .distinct()
        )
        for round_id, code in rows:
            found[round_id].add(code)
    return {i: sorted(codes) for i, codes in found.items()}


async def scans(uow: UnitOfWork, round_id: uuid.UUID) -> list[PatrolScan]:
    return list(
        await uow.session.scalars(select(PatrolScan).where(PatrolScan.round_id == round_id))
    )


async def ended_rounds(uow: UnitOfWork, now: datetime, batch: int) -> list[PatrolRound]:
    """Scheduled rounds whose window has ended, locked (others' locked ones skipped)."""
    rows = await uow.session.scalars(
        select(PatrolRound)
        .where(PatrolRound.status == "scheduled", PatrolRound.window_end <= now)
        .order_by(PatrolRound.window_end)
        .limit(batch)
        .with_for_update(skip_locked=True)
    )
    return list(rows)


async def closed_rounds_page(
    uow: UnitOfWork, community_id: str, paging: PageParams
) -> tuple[list[Any], int]:
    """Closed rounds of a community with their route's name: rows (round, name)."""
    query = (
        select(PatrolRound, PatrolRoute.name)
        .join(PatrolRoute, PatrolRoute.id == PatrolRound.route_id)
        .where(PatrolRound.community_id == community_id, PatrolRound.status != "scheduled")
        .order_by(PatrolRound.window_end.desc(), PatrolRound.id)
    )
    return await fetch_page(uow.session, query, paging, rows=True)


async def checkpoint_count(uow: UnitOfWork, route_id: uuid.UUID) -> int:
    count = await uow.session.scalar(
        select(func.count())
        .select_from(PatrolCheckpoint)
        .where(PatrolCheckpoint.route_id == route_id)
    )
    return int(count or 0)


async def places_of(uow: UnitOfWork, route_id: uuid.UUID, codes: list[str]) -> list[str]:
    if not codes:
        return []
    rows = await uow.session.scalars(
        select(PatrolCheckpoint.place)
        .where(PatrolCheckpoint.route_id == route_id, PatrolCheckpoint.code.in_(codes))
        .order_by(PatrolCheckpoint.position)
    )
    return list(rows)
