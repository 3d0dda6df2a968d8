"""What the alteration requests' use cases and their reminder sweep share (split from
:mod:`gov_affairs.usecases.alterations`): who reads and works a request, the refusals as
problems, the approval context of its signers, writing a request back with its run, and its
``AlterationChangedV1`` on ``gov.alterations.v1``."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from gov_affairs.db import hall as hall_repo
from gov_affairs.db.alterations import AlterationRow
from gov_affairs.domain import alterations as d
from gov_affairs.domain.approvals import engine
from sc_contracts.events import AlterationChangedV1
from sc_core.auth import Caller, in_scope
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Problem
from sc_core.places import RESIDENT_ROLES

# who reads a community's requests, and who works them (start, inspect, archive)
STAFF_ROLES = frozenset(
    {
        "property_manager",
        "property_staff",
        "community_admin",
        "gov_officer",
        "grid_worker",
        "platform_admin",
    }
)
WORKS_ROLES = frozenset({"property_manager", "property_staff", "community_admin", "platform_admin"})
ARCHIVE_ROLES = frozenset({"property_manager", "community_admin", "platform_admin"})


def problem(exc: d.AlterationError) -> Problem:
    status = 409 if exc.code == "alteration.bad_state" else 422
    extra: dict[str, Any] = {}
    if exc.reasons:
        extra["reasons"] = [r.model_dump() for r in exc.reasons]
    return Problem(status, exc.code, str(exc), zh=exc.zh, **extra)


def approval_problem(exc: engine.ApprovalError) -> Problem:
    status = 403 if exc.code in {"approval.not_your_turn", "approval.not_applicant"} else 409
    return Problem(status, exc.code, str(exc), zh=exc.zh or str(exc))


def not_found() -> Problem:
    return Problem(404, "alteration.not_found", "No such alteration request", zh="没有这份装修申请")


def may_see(who: Caller, row: AlterationRow) -> bool:
    """The applicant, a signer it waits for, staff in scope, the household."""
    return (
        who.subject == row.applicant_id
        or who.subject in row.waiting_for
        or in_scope(
            who.principal,
            community_id=row.community_id,
            grid_id=row.grid_id,
            building_id=row.building_id,
            roles=STAFF_ROLES,
        )
        or row.household_id in who.principal.scope_ids("household", RESIDENT_ROLES)
    )


def ensure(who: Caller, row: AlterationRow, roles: frozenset[str]) -> None:
    """The works' steps are the property's or the community's (403 otherwise)."""
    if not in_scope(
        who.principal,
        community_id=row.community_id,
        building_id=row.building_id,
        roles=roles,
    ):
        raise Problem(
            403,
            "auth.out_of_scope",
            "This step is the property's or the community's",
            zh="该操作由物业或社区办理",
        )


async def context(
    uow: UnitOfWork, row: AlterationRow, now: datetime, facts: dict[str, Any]
) -> engine.Context:
    holders = await hall_repo.role_holders(
        uow,
        {s.role for step in d.FLOW.steps for s in step.signers if s.role},
        community_id=row.community_id,
        building_id=row.building_id,
        grid_id=row.grid_id,
    )
    return engine.Context(now=now, facts=facts, resolve=hall_repo.resolver(holders))


def after_run(a: d.Alteration, run: engine.Approval, now: datetime) -> d.Alteration:
    if a.status == "submitted" and run.status in ("approved", "rejected"):
        return d.move(a, run.status, now)
    return a


def write(row: AlterationRow, a: d.Alteration, run: engine.Approval, now: datetime) -> None:
    row.status = a.status
    row.data = a.model_dump(mode="json")
    row.run = run.model_dump(mode="json")
    active = run.active()
    row.waiting_for = (
        sorted({t.assignee for t in active.pending()})
        if run.status == "running" and active is not None
        else []
    )
    row.sweep_at = d.sweep_at(run) if run.status == "running" else None
    row.remind_works_on = (
        a.planned_end - timedelta(days=d.WORKS_NOTICE_DAYS) if a.status == "in_works" else None
    )
    row.updated_at = now


async def changed(uow: UnitOfWork, row: AlterationRow, a: d.Alteration, now: datetime) -> None:
    await uow.publish(
        AlterationChangedV1(
            alteration_id=str(row.id),
            community_id=row.community_id,
            building_id=row.building_id,
            room_id=row.room_id,
            kind=a.kind,
            status=a.status,
            open=d.is_open(a),
            occurred_at=now,
        ),
        key=str(row.id),
    )
