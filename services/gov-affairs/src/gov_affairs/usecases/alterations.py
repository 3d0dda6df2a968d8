"""Alteration requests (装修/改建申请, 6.5.2 d) as a service: a resident applies for the room
of their own household; what art. 5 of the decoration measures forbids is refused at once
with the reason; the property, then (for structural work) the community approve on the
approval engine the service hall uses (ADR 0019: ``domain.alterations.FLOW``); the works
start, the completion inspection is recorded (passed, or to be put right and inspected
again), and the file is archived. A room with an open request shows it in the register
(``GET /api/v1/alterations?room_id=``) and ``AlterationChangedV1`` on
``gov.alterations.v1`` says so at each step. The rules are in
:mod:`gov_affairs.domain.alterations`."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal

from sqlalchemy import select

from gov_affairs.db.alterations import AlterationRow
from gov_affairs.domain import alterations as d
from gov_affairs.domain.approvals import engine
from gov_affairs.usecases import alteration_messages as messages
from gov_affairs.usecases.alteration_rows import (
    ARCHIVE_ROLES,
    STAFF_ROLES,
    WORKS_ROLES,
    after_run,
    approval_problem,
    changed,
    context,
    ensure,
    may_see,
    not_found,
    problem,
    write,
)
from sc_core.auth import Caller
from sc_core.db.engine import Database
from sc_core.errors import Problem
from sc_core.paging import PageParams, fetch_page
from sc_core.places import RESIDENT_ROLES, Places

Action = Literal["approve", "reject", "withdraw", "start", "inspect", "archive"]


@dataclass(frozen=True)
class Request:
    kind: d.Kind
    scopes: list[d.Scope]
    contractor: str | None
    planned_start: date
    planned_end: date


class Alterations:
    def __init__(
        self, db: Database, places: Places, clock: Callable[[], datetime] | None = None
    ) -> None:
        self.db = db
        self.places = places
        self.clock = clock or (lambda: datetime.now(UTC))

    async def apply(self, who: Caller, household_id: str | None, req: Request) -> AlterationRow:
        households = who.principal.scope_ids("household", RESIDENT_ROLES)
        if household_id is None and len(households) == 1:
            household_id = next(iter(households))
        if household_id is None or household_id not in households:
            raise Problem(
                403,
                "alteration.household_required",
                "Apply for the room of a household you belong to",
                zh="请为你所在家庭的房屋申请",
            )
        now = self.clock()
        async with self.db.uow() as uow:
            place = await self.places.household(uow, household_id)
            if place is None or place.status != "active":
                raise Problem(
                    409,
                    "alteration.place_unknown",
                    "Your household's room is not known yet",
                    zh="你家庭的房屋尚未登记",
                )
            a = d.Alteration(
                room_id=place.room_id,
                community_id=place.community_id,
                applicant=who.subject,
                kind=req.kind,
                scopes=req.scopes,
                contractor=req.contractor,
                planned_start=req.planned_start,
                planned_end=req.planned_end,
            )
            try:
                facts = d.check_request(a)
            except d.AlterationError as exc:
                raise problem(exc) from None
            open_one = await uow.session.scalar(
                select(AlterationRow.id)
                .where(AlterationRow.room_id == place.room_id, AlterationRow.status.in_(d.OPEN))
                .limit(1)
            )
            if open_one is not None:
                raise Problem(
                    409,
                    "alteration.already_open",
                    "This room has an open alteration request",
                    zh="该房屋已有未办结的装修申请",
                )
            row = AlterationRow(
                id=uuid.uuid4(),
                community_id=place.community_id,
                building_id=place.building_id,
                unit_id=place.unit_id,
                room_id=place.room_id,
                grid_id=place.grid_id,
                household_id=household_id,
                applicant_id=who.subject,
                created_at=now,
            )
            ctx = await context(uow, row, now, facts)
            try:
                out = engine.start(d.FLOW, who.subject, ctx)
            except engine.ApprovalError as exc:
                raise approval_problem(exc) from None
            a = after_run(a, out.approval, now)
            write(row, a, out.approval, now)
            uow.session.add(row)
            await changed(uow, row, a, now)
            await messages.tell_step(
                uow, row, None, a, out.approval, who.subject, effects=out.effects
            )
            await uow.audit(
                who,
                "alteration.apply",
                "alteration",
                str(row.id),
                community_id=row.community_id,
                detail={"kind": a.kind, "scopes": list(a.scopes)},
            )
            await uow.commit()
            return row

    async def step(
        self,
        who: Caller,
        alteration_id: uuid.UUID,
        action: Action,
        *,
        comment: str = "",
        passed: bool | None = None,
        findings: str = "",
    ) -> AlterationRow:
        now = self.clock()
        async with self.db.uow() as uow:
            row = await uow.session.get(AlterationRow, alteration_id, with_for_update=True)
            if row is None or not may_see(who, row):
                raise not_found()
            a = d.Alteration.model_validate(row.data)
            run = engine.Approval.model_validate(row.run)
            before, effects = a.status, list[engine.Effect]()
            try:
                if action in ("approve", "reject"):
                    facts = d.check_request(a)
                    ctx = await context(uow, row, now, facts)
                    decided = engine.decide(run, who.subject, action, ctx, comment)
                    run, effects = decided.approval, decided.effects
                    a = after_run(a, run, now)
                elif action == "withdraw":
                    if who.subject != row.applicant_id:
                        raise Problem(
                            403,
                            "alteration.not_applicant",
                            "Only the applicant withdraws",
                            zh="只有申请人可以撤回",
                        )
                    if run.status == "running":
                        run = engine.withdraw(run, who.subject, engine.Context(now=now)).approval
                    a = d.move(a, "withdraw", now)
                elif action == "start":
                    if who.subject != row.applicant_id:
                        ensure(who, row, WORKS_ROLES)
                    a = d.move(a, "start", now)
                elif action == "inspect":
                    ensure(who, row, WORKS_ROLES)
                    if passed is None:
                        raise Problem(
                            422,
                            "alteration.passed_required",
                            "Say whether the inspection passed",
                            zh="请说明验收是否合格",
                        )
                    a = d.inspect(a, who.subject, now, passed=passed, findings=findings)
                else:
                    ensure(who, row, ARCHIVE_ROLES)
                    a = d.move(a, "archive", now)
            except d.AlterationError as exc:
                raise problem(exc) from None
            except engine.ApprovalError as exc:
                raise approval_problem(exc) from None
            write(row, a, run, now)
            await changed(uow, row, a, now)
            await messages.tell_step(
                uow, row, before, a, run, who.subject, comment=comment, effects=effects
            )
            await uow.audit(
                who,
                f"alteration.{action}",
                "alteration",
                str(row.id),
                community_id=row.community_id,
                detail={"status": a.status},
            )
            await uow.commit()
            return row

    async def get(self, who: Caller, alteration_id: uuid.UUID) -> AlterationRow:
        async with self.db.uow(read_only=True) as uow:
            row = await uow.session.get(AlterationRow, alteration_id)
            if row is None or not may_see(who, row):
                raise not_found()
            return row

    async def page(
        self,
        who: Caller,
        *,
        community_id: str | None,
        room_id: str | None,
        status: str | None,
        waiting_for_me: bool,
        limit: int,
        offset: int,
        cursor: str | None = None,
    ) -> tuple[list[AlterationRow], int]:
        """Staff: their communities' (or grids') requests; a signer: those waiting for
        them; a resident: their households'."""
        p = who.principal
        where: list[Any] = []
        if waiting_for_me:
            where.append(AlterationRow.waiting_for.contains([who.subject]))
        else:
            where.append(
                self.places.scope_clause(
                    p,
                    community_col=AlterationRow.community_id,
                    building_col=AlterationRow.building_id,
                    household_col=AlterationRow.household_id,
                    roles=STAFF_ROLES | RESIDENT_ROLES,
                )
            )
        if community_id is not None:
            where.append(AlterationRow.community_id == community_id)
        if room_id is not None:
            where.append(AlterationRow.room_id == room_id)
        if status == "open":
            where.append(AlterationRow.status.in_(d.OPEN))
        elif status is not None:
            where.append(AlterationRow.status == status)
        async with self.db.uow(read_only=True) as uow:
            rows, total = await fetch_page(
                uow.session,
                select(AlterationRow)
                .where(*where)
                .order_by(AlterationRow.created_at.desc(), AlterationRow.id),
                PageParams(limit=limit, offset=offset, cursor=cursor),
            )
            return list(rows), total

    # internals -----------------------------------------------------------------------
