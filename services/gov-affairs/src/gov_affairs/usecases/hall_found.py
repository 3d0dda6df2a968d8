"""What the service hall's use cases share: an application as found (its row, domain
object and service), loading one the caller may see, the approval context of its signers,
and the domain's refusals as problems (split from :mod:`gov_affairs.usecases.hall`)."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from gov_affairs.db import hall as repo
from gov_affairs.db.models import ApplicationRow, ApprovalTaskRow, ServiceItemRow
from gov_affairs.domain.approvals import engine
from gov_affairs.domain.hall import applications as dom
from gov_affairs.domain.hall.catalogue import ServiceItem
from gov_affairs.usecases.certificates import HeldCertificate
from sc_core.auth import Caller
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Conflict, NotFound, Problem
from sc_core.places import Places

STAFF_ROLES = frozenset({"community_admin", "gov_officer", "grid_worker", "platform_admin"})


@dataclass
class Found:
    row: ApplicationRow
    app: dom.Application
    item: ServiceItem
    certificate_id: uuid.UUID | None = None
    certificate: HeldCertificate | None = None  # for the holder reading their own


def problem(exc: dom.HallError) -> Problem:
    status = (
        409
        if exc.code.startswith("approval.")
        or exc.code
        in {
            "hall.not_in_review",
            "hall.finished",
            "hall.not_waiting_for_material",
        }
        else 422
    )
    if exc.code in {"hall.not_applicant", "approval.not_your_turn"}:
        status = 403
    extra: dict[str, Any] = {}
    if exc.reasons:
        extra["reasons"] = [r.model_dump() for r in exc.reasons]
    if exc.errors:
        extra["errors"] = [
            {"field": e.field, "code": e.code, "message": e.message.model_dump()}
            for e in exc.errors
        ]
    return Problem(status, exc.code, str(exc), zh=exc.zh, **extra)


async def load(
    uow: UnitOfWork, places: Places, who: Caller, application_id: uuid.UUID, *, lock: bool
) -> Found:
    """The application, if the caller may see it (404 otherwise), with its service."""
    if lock:
        row = await repo.lock(uow, application_id)
    else:
        row = await uow.session.get(ApplicationRow, application_id)
    if row is None or not await may_see(uow, places, who, row):
        raise NotFound("hall.not_found", "No such application", zh="没有这份申请")
    item = repo.item_of(await item_row(uow, row))
    return Found(row, repo.to_domain(row), item)


async def may_see(uow: UnitOfWork, places: Places, who: Caller, row: ApplicationRow) -> bool:
    """The applicant, a signer of it, or staff in scope of its place."""
    if who.subject == row.applicant_id:
        return True
    tasks = await uow.session.scalar(
        select(ApprovalTaskRow.id)
        .where(ApprovalTaskRow.application_id == row.id, ApprovalTaskRow.assignee_id == who.subject)
        .limit(1)
    )
    if tasks is not None:
        return True
    try:
        await places.ensure_in_scope(
            uow,
            who.principal,
            community_id=row.community_id,
            building_id=row.building_id,
            roles=STAFF_ROLES,
        )
    except Problem:
        return False
    return True


async def context(
    uow: UnitOfWork, row: ApplicationRow, item: ServiceItem, now: datetime
) -> engine.Context:
    """The approval engine's context: now, and who holds each signing role here."""
    holders = await repo.role_holders(
        uow,
        repo.roles_of(item),
        community_id=row.community_id,
        building_id=row.building_id,
        grid_id=row.grid_id,
    )
    return engine.Context(now=now, resolve=repo.resolver(holders))


async def item_row(uow: UnitOfWork, row: ApplicationRow) -> Any:
    found = await uow.session.get(ServiceItemRow, row.item_id)
    if found is None:
        raise Conflict(
            "hall.service_missing",
            "The service of this application is gone",
            zh="此申请所办事项已不存在",
        )
    return found


def data_of(found: Found) -> dict[str, Any]:
    return dict(json.loads(found.row.data))
