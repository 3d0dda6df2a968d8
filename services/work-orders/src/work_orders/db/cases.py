"""Reading and writing cases: the queries the use cases need, in one place. Functions take
the unit of work they run in and never commit."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, func, or_, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from sc_core.api import PageParams, fetch_page
from sc_core.auth import Principal, scope_clause
from sc_core.db.uow import UnitOfWork
from work_orders.db import case_list
from work_orders.db.models import (
    Attachment,
    CaseType,
    SlaMark,
    StaffSkill,
    TimelineEntry,
    WorkOrder,
)
from work_orders.domain import states

SWEEPER_LOCK = 7_110_001  # advisory lock: one SLA sweeper at a time across replicas


# one case ------------------------------------------------------------------------------
async def get(uow: UnitOfWork, work_order_id: uuid.UUID) -> WorkOrder | None:
    return await uow.session.get(WorkOrder, work_order_id)


async def lock(uow: UnitOfWork, work_order_id: uuid.UUID) -> WorkOrder | None:
    return await uow.session.scalar(
        select(WorkOrder).where(WorkOrder.id == work_order_id).with_for_update()
    )


async def lock_by_alarm(uow: UnitOfWork, alarm_id: str) -> WorkOrder | None:
    return await uow.session.scalar(
        select(WorkOrder).where(WorkOrder.alarm_id == alarm_id).with_for_update()
    )


async def opened_for_alarm(uow: UnitOfWork, alarm_id: str) -> bool:
    found = await uow.session.scalar(select(WorkOrder.id).where(WorkOrder.alarm_id == alarm_id))
    return found is not None


async def opened_for_ref(uow: UnitOfWork, case_type: str, external_ref: str) -> bool:
    found = await uow.session.scalar(
        select(WorkOrder.id)
        .where(WorkOrder.case_type == case_type, WorkOrder.external_ref == external_ref)
        .limit(1)
    )
    return found is not None


async def add(uow: UnitOfWork, wo: WorkOrder) -> None:
    uow.session.add(wo)
    await uow.session.flush()  # the number (seq) comes from the database


async def case_type(uow: UnitOfWork, code: str) -> CaseType | None:
    return await uow.session.get(CaseType, code)


# timeline and attachments --------------------------------------------------------------
async def append_timeline(uow: UnitOfWork, entry: TimelineEntry) -> TimelineEntry:
    """Add ``entry`` as the case's next step (its ``seq`` is set here)."""
    seq = await uow.session.scalar(
        select(func.coalesce(func.max(TimelineEntry.seq), 0)).where(
            TimelineEntry.work_order_id == entry.work_order_id
        )
    )
    entry.seq = int(seq or 0) + 1
    uow.session.add(entry)
    await uow.session.flush()
    return entry


async def timeline(uow: UnitOfWork, work_order_id: uuid.UUID) -> list[TimelineEntry]:
    rows = await uow.session.scalars(
        select(TimelineEntry)
        .where(TimelineEntry.work_order_id == work_order_id)
        .order_by(TimelineEntry.seq)
    )
    return list(rows)


async def attachment_ids(uow: UnitOfWork, work_order_id: uuid.UUID) -> list[uuid.UUID]:
    rows = await uow.session.scalars(
        select(Attachment.id)
        .where(Attachment.work_order_id == work_order_id)
        .order_by(Attachment.created_at)
    )
    return list(rows)


async def attachments(uow: UnitOfWork, ids: list[uuid.UUID]) -> dict[uuid.UUID, Attachment]:
    rows = await uow.session.scalars(select(Attachment).where(Attachment.id.in_(ids)))
    return {a.id: a for a in rows}


# lists ---------------------------------------------------------------------------------
def staff_clause(principal: Principal) -> ColumnElement[bool]:
    return scope_clause(
        principal,
        community_col=WorkOrder.community_id,
        grid_col=WorkOrder.grid_id,
        building_col=WorkOrder.building_id,
        roles=states.STAFF_ROLES,
    )


def visible_clause(principal: Principal) -> ColumnElement[bool]:
    """The rules of :mod:`work_orders.domain.access` as a WHERE clause."""
    parts: list[Any] = [
        staff_clause(principal),
        WorkOrder.reporter_id == principal.subject,
        WorkOrder.assignee_id == principal.subject,
    ]
    households = sorted(principal.scope_ids("household", states.RESIDENT_ROLES))
    if households:
        parts.append(WorkOrder.household_id.in_(households))
    return or_(*parts)


overdue_clause = case_list.overdue_clause


@dataclass(frozen=True)
class CaseFilter:
    status: list[str] | None = None
    case_type: str | None = None
    assignee: str | None = None  # a user id
    overdue: bool | None = None


LISTED = tuple(c for c in WorkOrder.__table__.c if c.key not in ("sla_check_at", "rated_at"))
"""The columns a list of cases shows (``WorkOrderRead``, with ``seq`` for the number)."""


async def page(
    conn: AsyncConnection,
    principal: Principal,
    where: CaseFilter,
    paging: PageParams,
    now: datetime,
) -> tuple[list[Row[Any]], int]:
    """A page of the cases ``principal`` sees, as rows of :data:`LISTED`: no ORM entities,
    identity map or attribute instrumentation for a list that only shows them (ADR 0040),
    read on a connection without a ``Session`` (``db.read()``, ADR 0054), through a
    statement built once per shape of caller and filter (:mod:`work_orders.db.case_list`)."""
    shape, values = case_list.shape_and_values(
        principal, where.status, where.case_type, where.assignee, where.overdue, now
    )
    query, count = case_list.statement(shape, LISTED)
    return await fetch_page(conn, query, paging, rows=True, bind=values, count=count)


async def bucket(
    uow: UnitOfWork, where: ColumnElement[bool], limit: int
) -> tuple[int, list[WorkOrder]]:
    """How many cases match, and the first ``limit`` by resolution deadline."""
    count = await uow.session.scalar(select(func.count()).select_from(WorkOrder).where(where))
    rows = await uow.session.scalars(
        select(WorkOrder)
        .where(where)
        .order_by(WorkOrder.resolution_due_at, WorkOrder.id)
        .limit(limit)
    )
    return int(count or 0), list(rows)


# assignment by skill and building ------------------------------------------------------
@dataclass
class Candidate:
    user_id: str
    display_name: str | None
    skills: list[str]
    open_cases: int


async def on_register(
    uow: UnitOfWork, community_id: str, user_id: str, building_id: str | None = None
) -> bool:
    """Whether ``user_id`` is on the community's staff register (active) and covers the
    building (when one is named): the only people a case or a patrol round is assigned to
    by name (issue 30)."""
    row = await uow.session.get(StaffSkill, (community_id, user_id))
    if row is None or not row.active:
        return False
    return not row.building_ids or building_id is None or building_id in row.building_ids


async def may_take(uow: UnitOfWork, wo: WorkOrder, user_id: str) -> bool:
    """Whether ``user_id`` may be named to handle this case (:func:`on_register`)."""
    return await on_register(uow, wo.community_id, user_id, wo.building_id)


async def candidates(uow: UnitOfWork, wo: WorkOrder, limit: int = 10) -> list[Candidate]:
    """Staff whose skills meet the case type's (or the case's ``skill``) and who cover the
    case's building, least loaded first."""
    ct = await uow.session.get(CaseType, wo.case_type)
    wanted = set(ct.skills if ct else [])
    if skill := (wo.details or {}).get("skill"):
        wanted = {str(skill)}
    staff = (
        await uow.session.scalars(
            select(StaffSkill).where(
                StaffSkill.community_id == wo.community_id, StaffSkill.active.is_(True)
            )
        )
    ).all()
    fitting = [
        s
        for s in staff
        if (not wanted or wanted & set(s.skills))
        and (not s.building_ids or wo.building_id is None or wo.building_id in s.building_ids)
    ]
    if not fitting:
        return []
    loads = dict(
        (
            await uow.session.execute(
                select(WorkOrder.assignee_id, func.count())
                .where(
                    WorkOrder.assignee_id.in_([s.user_id for s in fitting]),
                    WorkOrder.status.in_(sorted(states.OPEN)),
                )
                .group_by(WorkOrder.assignee_id)
            )
        ).all()
    )
    out = [
        Candidate(s.user_id, s.display_name, s.skills, int(loads.get(s.user_id, 0)))
        for s in fitting
    ]
    out.sort(key=lambda c: (c.open_cases, c.user_id))
    return out[:limit]


# SLA -----------------------------------------------------------------------------------
async def take_sweeper_lock(uow: UnitOfWork) -> bool:
    """One sweeper at a time across replicas (held until the transaction ends)."""
    got = await uow.session.scalar(
        text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": SWEEPER_LOCK}
    )
    return bool(got)


async def due_for_sla(uow: UnitOfWork, now: datetime, batch: int) -> list[WorkOrder]:
    """Cases whose ``sla_check_at`` has come, locked (others' locked ones skipped)."""
    rows = await uow.session.scalars(
        select(WorkOrder)
        .where(WorkOrder.sla_check_at <= now)
        .order_by(WorkOrder.sla_check_at)
        .limit(batch)
        .with_for_update(skip_locked=True)
    )
    return list(rows)


async def mark_sla(uow: UnitOfWork, wo: WorkOrder, kind: str, deadline: str, due: datetime) -> bool:
    """Record that this reminder/breach was handled; False when it was already."""
    result = await uow.session.execute(
        insert(SlaMark)
        .values(work_order_id=wo.id, kind=kind, deadline=deadline, due_at=due)
        .on_conflict_do_nothing()
        .returning(SlaMark.work_order_id)
    )
    return result.first() is not None
