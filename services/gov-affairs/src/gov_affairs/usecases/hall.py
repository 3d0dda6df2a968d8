"""The online service hall's use cases: apply, add material, resubmit, sign, withdraw,
read, the signer's inbox and the sweeper of due dates. Each owns its unit of work, scope
check, audit record, events and notifications; the decisions are the domain's
(:mod:`gov_affairs.domain.hall.applications`)."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
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
from gov_affairs.usecases.disability import check_registered_card
from gov_affairs.usecases.disability_facts import with_registered_certificate
from gov_affairs.usecases.outbound import application_event, notify
from gov_affairs.usecases.welfare import Welfare
from sc_core.auth import Caller
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Conflict, NotFound, Problem
from sc_core.places import Places

STAFF_ROLES = frozenset({"community_admin", "gov_officer", "grid_worker", "platform_admin"})
Action = Literal["approve", "reject", "delegate", "request_more"]


@dataclass
class Found:
    row: ApplicationRow
    app: dom.Application
    item: ServiceItem
    certificate_id: uuid.UUID | None = None


def _problem(exc: dom.HallError) -> Problem:
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
            ctx = await self._context(uow, row, item, now)
            today = now.astimezone(CHINA).date()
            await check_registered_card(uow, place.community_id, item, data, today)
            try:
                out = dom.submit(
                    item, who.subject, data, materials, ctx, now.astimezone(CHINA).date()
                )
            except dom.HallError as exc:
                raise _problem(exc) from None
            found = Found(row, out.application, item)
            await self._apply(uow, who, found, out.effects, "submitted", now)
            await uow.commit()
            return found

    async def attach(
        self, who: Caller, application_id: uuid.UUID, code: str, files: list[str]
    ) -> Found:
        async with self.db.uow() as uow:
            found = await self._load(uow, who, application_id, lock=True)
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
                raise _problem(exc) from None
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
            found = await self._load(uow, who, application_id, lock=True)
            ctx = await self._context(uow, found.row, found.item, now)
            if data is not None:
                today = now.astimezone(CHINA).date()
                await check_registered_card(uow, found.row.community_id, found.item, data, today)
            try:
                out = dom.resubmit(
                    found.item, found.app, who.subject, ctx, now.astimezone(CHINA).date(), data
                )
            except dom.HallError as exc:
                raise _problem(exc) from None
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
            found = await self._load(uow, who, application_id, lock=True)
            ctx = await self._context(uow, found.row, found.item, now)
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
                raise _problem(exc) from None
            found.app = out.application
            await self._apply(uow, who, found, out.effects, action, now)
            await uow.commit()
            return found

    async def withdraw(self, who: Caller, application_id: uuid.UUID, reason: str) -> Found:
        now = datetime.now(UTC)
        async with self.db.uow() as uow:
            found = await self._load(uow, who, application_id, lock=True)
            try:
                out = dom.withdraw(found.app, who.subject, engine.Context(now=now), reason)
            except dom.HallError as exc:
                raise _problem(exc) from None
            found.app = out.application
            await self._apply(uow, who, found, out.effects, "withdrawn", now)
            await uow.commit()
            return found

    # reading ------------------------------------------------------------------------
    async def get(self, who: Caller, application_id: uuid.UUID) -> Found:
        async with self.db.uow() as uow:
            found = await self._load(uow, who, application_id, lock=False)
            issued = await self.certificates.of_application(uow, found.row.id)
            found.certificate_id = issued.id if issued is not None else None
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
        self, who: Caller, limit: int, offset: int
    ) -> tuple[list[ApprovalTaskRow], int]:
        """The caller's open approval tasks, the earliest due first."""
        from sqlalchemy import func

        async with self.db.uow() as uow:
            where = (
                ApprovalTaskRow.assignee_id == who.subject,
                ApprovalTaskRow.status == "pending",
            )
            total = await uow.session.scalar(
                select(func.count()).select_from(ApprovalTaskRow).where(*where)
            )
            rows = await uow.session.scalars(
                select(ApprovalTaskRow)
                .where(*where)
                .order_by(ApprovalTaskRow.due_at.asc().nulls_last(), ApprovalTaskRow.id)
                .limit(limit)
                .offset(offset)
            )
            return list(rows), int(total or 0)

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
                item = repo.item_of(await _item_row(uow, row))
                app = repo.to_domain(row)
                ctx = await self._context(uow, row, item, now)
                out = dom.tick(app, ctx)
                if out.effects:
                    await self._apply(
                        uow, None, Found(row, out.application, item), out.effects, "sweep", now
                    )
                    done += 1
                await uow.commit()
        return done

    # internals ----------------------------------------------------------------------
    async def _load(
        self, uow: UnitOfWork, who: Caller, application_id: uuid.UUID, *, lock: bool
    ) -> Found:
        if lock:
            row = await repo.lock(uow, application_id)
        else:
            row = await uow.session.get(ApplicationRow, application_id)
        if row is None or not await self._may_see(uow, who, row):
            raise NotFound("hall.not_found", "No such application", zh="没有这份申请")
        item = repo.item_of(await _item_row(uow, row))
        return Found(row, repo.to_domain(row), item)

    async def _may_see(self, uow: UnitOfWork, who: Caller, row: ApplicationRow) -> bool:
        if who.subject == row.applicant_id:
            return True
        tasks = await uow.session.scalar(
            select(ApprovalTaskRow.id)
            .where(
                ApprovalTaskRow.application_id == row.id, ApprovalTaskRow.assignee_id == who.subject
            )
            .limit(1)
        )
        if tasks is not None:
            return True
        try:
            await self.places.ensure_in_scope(
                uow,
                who.principal,
                community_id=row.community_id,
                building_id=row.building_id,
                roles=STAFF_ROLES,
            )
        except Problem:
            return False
        return True

    async def _context(
        self, uow: UnitOfWork, row: ApplicationRow, item: ServiceItem, now: datetime
    ) -> engine.Context:
        holders = await repo.role_holders(
            uow,
            repo.roles_of(item),
            community_id=row.community_id,
            building_id=row.building_id,
            grid_id=row.grid_id,
        )
        return engine.Context(now=now, resolve=repo.resolver(holders))

    async def _apply(
        self,
        uow: UnitOfWork,
        who: Caller | None,
        found: Found,
        effects: list[dom.Effect],
        action: str,
        now: datetime,
    ) -> None:
        """Write the application back with its tasks, then the events, notifications,
        certificate and audit record its effects call for."""
        row, app, item = found.row, found.app, found.item
        repo.write_back(row, app)
        await uow.session.flush()
        await repo.sync_tasks(uow, row, app)
        actor = who.subject if who else None
        final = next((e for e in effects if isinstance(e, dom.Decided)), None)
        await uow.publish(
            application_event(row, action if final is None else final.outcome, actor, now),
            key=str(row.id),
        )
        code = ""
        if final is not None and final.outcome == "approved" and item.certificate is not None:
            code = await self.certificates.issue(uow, row, item, app, now)
            issued = await self.certificates.of_application(uow, row.id)
            found.certificate_id = issued.id if issued is not None else None
        if final is not None and final.outcome == "approved":
            today = now.astimezone(CHINA).date()
            facts = dom.facts_for(item, app.data, app.materials, today)
            await self.welfare.enrol_from(
                uow,
                item.code,
                app,
                await with_registered_certificate(uow, row.community_id, item, app.data, facts),
                community_id=row.community_id,
                grid_id=row.grid_id,
                building_id=row.building_id,
                application_id=row.id,
                today=today,
            )
        for effect in effects:
            await notify(uow, row, item, effect, now, code=code)
        await uow.audit(
            who,
            f"hall.{action}",
            "application",
            str(row.id),
            community_id=row.community_id,
            detail={"status": row.status, "number": row.number},
        )


async def _item_row(uow: UnitOfWork, row: ApplicationRow) -> Any:
    from gov_affairs.db.models import ServiceItemRow

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
