"""The online service hall's use cases: apply, add material, resubmit, sign, withdraw,
read, the signer's inbox and the sweeper of due dates. Each owns its unit of work, scope
check, audit record, events and notifications; the decisions are the domain's
(:mod:`gov_affairs.domain.hall.applications`)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import select

from gov_affairs.db import hall as repo
from gov_affairs.db.models import ApplicationRow, ApprovalTaskRow
from gov_affairs.domain.approvals import engine
from gov_affairs.domain.approvals.calendar import CHINA
from gov_affairs.domain.hall import applications as dom
from gov_affairs.domain.hall.catalogue import RESIDENT_ROLES, ServiceItem
from gov_affairs.usecases.certificates import Certificates
from gov_affairs.usecases.disability_common import check_registered_card
from gov_affairs.usecases.hall_effects import apply_effects
from gov_affairs.usecases.hall_found import Found, context, item_row, load, problem
from gov_affairs.usecases.welfare import Welfare
from sc_core.auth import Caller
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import NotFound, Problem
from sc_core.paging import PageParams, fetch_page
from sc_core.places import Places

Action = Literal["approve", "reject", "delegate", "request_more"]


class Hall:
    def __init__(
        self, db: Database, places: Places, certificates: Certificates, welfare: Welfare
    ) -> None:
        self.db = db
        self.places = places
        self.certificates = certificates
        self.welfare = welfare

    # the catalogue ------------------------------------------------------------------
    async def items(self, who: Caller, community_id: str) -> list[ServiceItem]:
        async with self.db.uow() as uow:
            return await repo.items_of(uow, community_id)

    # applying -----------------------------------------------------------------------
    async def submit(
        self,
        who: Caller,
        item_code: str,
        household_id: str | None,
        data: dict[str, Any],
        materials: dict[str, list[str]],
    ) -> Found:
        households = who.principal.scope_ids("household", RESIDENT_ROLES)
        if household_id is None and len(households) == 1:
            household_id = next(iter(households))
        if household_id is None or household_id not in households:
            raise Problem(
                403,
                "hall.household_required",
                "Apply for a household you belong to",
                zh="请为你所在的家庭申请",
            )
        now = datetime.now(UTC)
        async with self.db.uow() as uow:
            place = await self.places.household(uow, household_id)
            if place is None:
                raise Problem(
                    409,
                    "hall.place_unknown",
                    "Your household's place is not known yet",
                    zh="你家庭的住址尚未登记",
                )
            item_row = await repo.current_item(uow, place.community_id, item_code)
            if item_row is None:
                raise NotFound(
                    "hall.no_such_service",
                    "This community has no such service",
                    zh="本社区没有此事项",
                )
            item = repo.item_of(item_row)
            if not who.principal.has_role(*item.who_may_apply):
                raise Problem(
                    403,
                    "hall.may_not_apply",
                    "Your role may not apply for this service",
                    zh="你的身份不能申请此事项",
                )
            row = ApplicationRow(
                id=uuid.uuid4(),
                number=await repo.next_number(uow, now.astimezone(CHINA).year),
                item_id=item_row.id,
                item_code=item.code,
                item_version=item_row.version,
                community_id=place.community_id,
                grid_id=place.grid_id,
                building_id=place.building_id,
                unit_id=place.unit_id,
                room_id=place.room_id,
                household_id=household_id,
                applicant_id=who.subject,
                data="{}",
                status="in_review",
                submitted_at=now,
            )
            uow.session.add(row)
            await uow.session.flush()
            missing = await repo.claim_files(uow, who.subject, row.id, materials)
            if missing:
                raise Problem(
                    422,
                    "hall.unknown_files",
                    "Upload the files first",
                    zh="请先上传文件",
                    files=missing,
                )
            ctx = await context(uow, row, item, now)
            today = now.astimezone(CHINA).date()
            await check_registered_card(uow, place.community_id, item, data, today)
            try:
                out = dom.submit(
                    item, who.subject, data, materials, ctx, now.astimezone(CHINA).date()
                )
            except dom.HallError as exc:
                raise problem(exc) from None
            found = Found(row, out.application, item)
            await self._apply(uow, who, found, out.effects, "submitted", now)
            await uow.commit()
            return found

    async def attach(
        self, who: Caller, application_id: uuid.UUID, code: str, files: list[str]
    ) -> Found:
        async with self.db.uow() as uow:
            found = await load(uow, self.places, who, application_id, lock=True)
            missing = await repo.claim_files(uow, who.subject, found.row.id, {code: files})
            if missing:
                raise Problem(
                    422,
                    "hall.unknown_files",
                    "Upload the files first",
                    zh="请先上传文件",
                    files=missing,
                )
            try:
                found.app = dom.attach(found.item, found.app, who.subject, code, files)
            except dom.HallError as exc:
                raise problem(exc) from None
            repo.write_back(found.row, found.app)
            await uow.audit(
                who,
                "hall.attach",
                "application",
                str(found.row.id),
                community_id=found.row.community_id,
                detail={"material": code},
            )
            await uow.commit()
            return found

    async def resubmit(
        self, who: Caller, application_id: uuid.UUID, data: dict[str, Any] | None
    ) -> Found:
        now = datetime.now(UTC)
        async with self.db.uow() as uow:
            found = await load(uow, self.places, who, application_id, lock=True)
            ctx = await context(uow, found.row, found.item, now)
            if data is not None:
                today = now.astimezone(CHINA).date()
                await check_registered_card(uow, found.row.community_id, found.item, data, today)
            try:
                out = dom.resubmit(
                    found.item, found.app, who.subject, ctx, now.astimezone(CHINA).date(), data
                )
            except dom.HallError as exc:
                raise problem(exc) from None
            found.app = out.application
            await self._apply(uow, who, found, out.effects, "resubmitted", now)
            await uow.commit()
            return found

    async def act(
        self,
        who: Caller,
        application_id: uuid.UUID,
        action: Action,
        *,
        comment: str = "",
        to: str | None = None,
        materials: list[str] | None = None,
    ) -> Found:
        now = datetime.now(UTC)
        async with self.db.uow() as uow:
            found = await load(uow, self.places, who, application_id, lock=True)
            ctx = await context(uow, found.row, found.item, now)
            try:
                out = dom.act(
                    found.item,
                    found.app,
                    who.subject,
                    action,
                    ctx,
                    comment=comment,
                    to=to,
                    materials=materials,
                )
            except dom.HallError as exc:
                raise problem(exc) from None
            found.app = out.application
            await self._apply(uow, who, found, out.effects, action, now)
            await uow.commit()
            return found

    async def withdraw(self, who: Caller, application_id: uuid.UUID, reason: str) -> Found:
        now = datetime.now(UTC)
        async with self.db.uow() as uow:
            found = await load(uow, self.places, who, application_id, lock=True)
            try:
                out = dom.withdraw(found.app, who.subject, engine.Context(now=now), reason)
            except dom.HallError as exc:
                raise problem(exc) from None
            found.app = out.application
            await self._apply(uow, who, found, out.effects, "withdrawn", now)
            await uow.commit()
            return found

    # reading ------------------------------------------------------------------------
    async def get(self, who: Caller, application_id: uuid.UUID) -> Found:
        async with self.db.uow() as uow:
            found = await load(uow, self.places, who, application_id, lock=False)
            issued = await self.certificates.of_application(uow, found.row.id)
            found.certificate_id = issued.id if issued is not None else None
            if issued is not None and issued.holder_id == who.subject:
                found.certificate = self.certificates.held(issued)
            if who.subject != found.row.applicant_id:
                # staff read a form with personal data: audited
                await uow.audit(
                    who,
                    "hall.read",
                    "application",
                    str(found.row.id),
                    community_id=found.row.community_id,
                )
                await uow.commit()
            return found

    async def inbox(
        self, who: Caller, limit: int, offset: int, cursor: str | None = None
    ) -> tuple[list[ApprovalTaskRow], int]:
        """The caller's open approval tasks, the earliest due first."""

        async with self.db.uow() as uow:
            where = (
                ApprovalTaskRow.assignee_id == who.subject,
                ApprovalTaskRow.status == "pending",
            )
            rows, total = await fetch_page(
                uow.session,
                select(ApprovalTaskRow)
                .where(*where)
                .order_by(ApprovalTaskRow.due_at.asc().nulls_last(), ApprovalTaskRow.id),
                PageParams(limit=limit, offset=offset, cursor=cursor),
            )
            return list(rows), total

    # the sweeper --------------------------------------------------------------------
    async def sweep(self, batch: int = 200, horizon: timedelta = timedelta(days=30)) -> int:
        """Reminders and escalations of runs whose due date comes within ``horizon``."""
        now = datetime.now(UTC)
        async with self.db.uow() as uow:
            ids = await repo.due_applications(uow, now + horizon, batch)
        done = 0
        for application_id in ids:
            async with self.db.uow() as uow:
                row = await repo.lock(uow, application_id)
                if row is None:
                    continue
                item = repo.item_of(await item_row(uow, row))
                app = repo.to_domain(row)
                ctx = await context(uow, row, item, now)
                out = dom.tick(app, ctx)
                if out.effects:
                    await self._apply(
                        uow, None, Found(row, out.application, item), out.effects, "sweep", now
                    )
                    done += 1
                await uow.commit()
        return done

    async def _apply(
        self,
        uow: UnitOfWork,
        who: Caller | None,
        found: Found,
        effects: list[dom.Effect],
        action: str,
        now: datetime,
    ) -> None:
        await apply_effects(uow, self.certificates, self.welfare, who, found, effects, action, now)
