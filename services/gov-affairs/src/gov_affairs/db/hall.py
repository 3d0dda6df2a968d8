"""Queries of the service hall: the catalogue, applications with their approval tasks, the
signers of a role over a place, files. Functions take the unit of work and never commit."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select, update

from gov_affairs.db.models import (
    PLACES,
    ApplicationFileRow,
    ApplicationRow,
    ApprovalTaskRow,
    ServiceItemRow,
)
from gov_affairs.domain import defaults
from gov_affairs.domain.approvals.flow import SignerRef
from gov_affairs.domain.hall.applications import Application
from gov_affairs.domain.hall.catalogue import ServiceItem
from sc_core.db.uow import UnitOfWork

DEFAULT_ITEMS = {item.code: item for item in defaults.SERVICE_ITEMS}


async def current_item(uow: UnitOfWork, community_id: str, code: str) -> ServiceItemRow | None:
    """The community's latest active version of a service; the default version is stored
    the first time a community uses a service it has not edited."""
    row = await uow.session.scalar(
        select(ServiceItemRow)
        .where(ServiceItemRow.community_id == community_id, ServiceItemRow.code == code)
        .order_by(ServiceItemRow.version.desc())
        .limit(1)
    )
    if row is not None:
        return row if row.active else None
    default = DEFAULT_ITEMS.get(code)
    if default is None:
        return None
    row = ServiceItemRow(
        community_id=community_id,
        code=code,
        version=default.version,
        category=default.category,
        item=default.model_dump(mode="json", by_alias=True),
        created_by="system",
    )
    uow.session.add(row)
    await uow.session.flush()
    return row


async def items_of(uow: UnitOfWork, community_id: str) -> list[ServiceItem]:
    """The catalogue of a community: its own versions, and the defaults it has not edited."""
    latest = (
        select(ServiceItemRow.code, func.max(ServiceItemRow.version).label("v"))
        .where(ServiceItemRow.community_id == community_id)
        .group_by(ServiceItemRow.code)
        .subquery()
    )
    rows = await uow.session.scalars(
        select(ServiceItemRow)
        .join(
            latest,
            (ServiceItemRow.code == latest.c.code) & (ServiceItemRow.version == latest.c.v),
        )
        .where(ServiceItemRow.community_id == community_id)
    )
    mine = {r.code: r for r in rows}
    out = [ServiceItem.model_validate(r.item) for r in mine.values() if r.active]
    out += [item for code, item in DEFAULT_ITEMS.items() if code not in mine]
    return sorted(out, key=lambda i: (i.category, i.code))


def item_of(row: ServiceItemRow) -> ServiceItem:
    return ServiceItem.model_validate(row.item)


# --- applications ------------------------------------------------------------------------


def to_domain(row: ApplicationRow) -> Application:
    return Application.model_validate(
        {
            "item_code": row.item_code,
            "item_version": row.item_version,
            "applicant": row.applicant_id,
            "status": row.status,
            "data": json.loads(row.data),
            "materials": row.materials,
            "submitted_at": row.submitted_at,
            "decided_at": row.decided_at,
            "instant": row.instant,
            "requests": row.requests,
            "run": row.run,
            "timeline": row.timeline,
        }
    )


def write_back(row: ApplicationRow, app: Application) -> None:
    """Copy the domain's application onto its row (the run as JSON)."""
    row.status = app.status
    row.instant = app.instant
    row.data = json.dumps(app.data, ensure_ascii=False)
    row.materials = {k: list(v) for k, v in app.materials.items()}
    row.requests = [r.model_dump(mode="json") for r in app.requests]
    row.timeline = [s.model_dump(mode="json") for s in app.timeline]
    row.run = app.run.model_dump(mode="json") if app.run is not None else None
    row.decided_at = app.decided_at
    row.version = (row.version or 0) + 1


async def sync_tasks(uow: UnitOfWork, row: ApplicationRow, app: Application) -> None:
    """Make the task rows say what the run says (one row per task id)."""
    if app.run is None:
        return
    existing = {
        t.task_id: t
        for t in await uow.session.scalars(
            select(ApprovalTaskRow).where(ApprovalTaskRow.application_id == row.id)
        )
    }
    for state in app.run.steps:
        for task in state.tasks:
            found = existing.get(task.id)
            if found is None:
                uow.session.add(
                    ApprovalTaskRow(
                        application_id=row.id,
                        task_id=task.id,
                        step=state.key,
                        kind=task.kind,
                        assignee_id=task.assignee,
                        status=task.status,
                        community_id=row.community_id,
                        due_at=state.due_at,
                        decided_at=task.decided_at,
                    )
                )
            elif found.status != task.status or found.due_at != state.due_at:
                found.status, found.due_at, found.decided_at = (
                    task.status,
                    state.due_at,
                    task.decided_at,
                )


async def lock(uow: UnitOfWork, application_id: uuid.UUID) -> ApplicationRow | None:
    return await uow.session.scalar(
        select(ApplicationRow).where(ApplicationRow.id == application_id).with_for_update()
    )


async def next_number(uow: UnitOfWork, year: int) -> str:
    seq = await uow.session.scalar(select(func.coalesce(func.max(ApplicationRow.seq), 0)))
    return f"GA-{year}-{int(seq or 0) + 1:06d}"


async def due_applications(uow: UnitOfWork, before: datetime, limit: int) -> list[uuid.UUID]:
    """Applications with an open task due before ``before`` (reminder or escalation ahead)."""
    rows = await uow.session.scalars(
        select(ApprovalTaskRow.application_id)
        .where(ApprovalTaskRow.status == "pending", ApprovalTaskRow.due_at <= before)
        .distinct()
        .limit(limit)
    )
    return list(rows)


# --- who signs ---------------------------------------------------------------------------


async def role_holders(
    uow: UnitOfWork,
    roles: Iterable[str],
    *,
    community_id: str,
    building_id: str | None,
    grid_id: str | None,
) -> dict[str, list[str]]:
    """Accounts holding each role over the place: a grant on its community, building or
    grid, or platform-wide."""
    g = PLACES.grants
    assert g is not None
    wanted = sorted(set(roles))
    if not wanted:
        return {}
    places: list[Any] = [
        (g.c.scope_type == "community") & (g.c.scope_id == community_id),
        g.c.scope_type == "platform",
    ]
    if building_id:
        places.append((g.c.scope_type == "building") & (g.c.scope_id == building_id))
    if grid_id:
        places.append((g.c.scope_type == "grid") & (g.c.scope_id == grid_id))
    rows = await uow.session.execute(
        select(g.c.role, g.c.account_id)
        .where(g.c.role.in_(wanted), or_(*places))
        .order_by(g.c.role, g.c.account_id)
    )
    out: dict[str, list[str]] = {r: [] for r in wanted}
    for role, account in rows:
        if account not in out[role]:
            out[role].append(account)
    return out


def resolver(holders: dict[str, list[str]]) -> Any:
    def resolve(ref: SignerRef) -> list[str]:
        return [ref.account] if ref.account else list(holders.get(ref.role or "", []))

    return resolve


def roles_of(item: ServiceItem) -> set[str]:
    out = set()
    for step in item.flow.steps:
        out |= {s.role for s in step.signers if s.role}
        if step.due:
            out |= {s.role for s in step.due.escalate_to if s.role}
    return out


# --- files -------------------------------------------------------------------------------


async def claim_files(
    uow: UnitOfWork, owner: str, application_id: uuid.UUID, materials: dict[str, list[str]]
) -> list[str]:
    """Attach the caller's own loose files to the application; returns ids not found."""
    wanted = {fid: code for code, ids in materials.items() for fid in ids}
    if not wanted:
        return []
    ids = []
    for fid in wanted:
        try:
            ids.append(uuid.UUID(fid))
        except ValueError:
            return [fid]
    rows = list(
        await uow.session.scalars(
            select(ApplicationFileRow).where(
                ApplicationFileRow.id.in_(ids),
                ApplicationFileRow.owner_id == owner,
                or_(
                    ApplicationFileRow.application_id.is_(None),
                    ApplicationFileRow.application_id == application_id,
                ),
            )
        )
    )
    found = {str(r.id) for r in rows}
    missing = [fid for fid in wanted if fid not in found]
    if missing:
        return missing
    for r in rows:
        r.application_id, r.material = application_id, wanted[str(r.id)]
    await uow.session.execute(
        update(ApplicationFileRow)
        .where(ApplicationFileRow.id.in_(ids))
        .values(application_id=application_id)
    )
    return []
