"""Migrants (流动人口) as a service: the community's staff register a person living here
away from their household registration (居住登记: name, ID number, phone and employer
encrypted, the ID number also as a blind index), accept their residence-permit application
(居住证: half a year here and one of stable employment, residence or study; refused with the
conditions not met, in words), the police or the street office issue it and endorse it every
year (签注), and a daily sweep lapses permits past their end and reminds the holder and the
community's grid workers 30 and 7 days before, once each (``permit_reminders``). Lists are
masked and every read is audited. The rules are in :mod:`gov_affairs.domain.migrants`."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select

from gov_affairs.db.migrants import MigrantRow, PermitRow
from gov_affairs.domain import migrants as m
from gov_affairs.domain.approvals.calendar import CHINA
from gov_affairs.domain.certificates import mask_id_number, mask_name
from gov_affairs.domain.rules import Rule, evaluate, parse_rule
from gov_affairs.usecases.outbound import tell_accounts
from gov_affairs.usecases.permit_reminders import tell_desk
from sc_contracts.events import (
    NotificationChannel,
)
from sc_core.auth import Caller, in_scope
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Problem
from sc_core.paging import PageParams, fetch_page
from sc_core.privacy import get_cipher

# who registers migrants and accepts applications; who issues and endorses permits
DESK_ROLES = frozenset(
    {"community_admin", "gov_officer", "grid_worker", "police", "platform_admin"}
)
ISSUING_ROLES = frozenset({"police", "gov_officer", "platform_admin"})
ELIGIBILITY: Rule = parse_rule(m.PERMIT_ELIGIBILITY)


@dataclass(frozen=True)
class Registered:
    row: MigrantRow
    permit: PermitRow | None


def _refuse(who: Caller, community_id: str, roles: frozenset[str]) -> None:
    if not in_scope(who.principal, community_id=community_id, roles=roles):
        raise Problem(
            403,
            "auth.out_of_scope",
            "Migrants of this community are not yours to handle",
            zh="您不负责该社区的流动人口登记",
        )


def masked(row: MigrantRow) -> dict[str, Any]:
    """What a list shows of a registration: name and ID number masked, no phone."""
    return {
        "name": mask_name(row.name),
        "id_number": mask_id_number(row.id_number),
    }


class Migrants:
    def __init__(self, db: Database, clock: Callable[[], datetime] | None = None) -> None:
        self.db = db
        self.clock = clock or (lambda: datetime.now(UTC))

    # registrations ------------------------------------------------------------------
    async def register(self, who: Caller, values: dict[str, Any]) -> MigrantRow:
        community = values["community_id"]
        _refuse(who, community, DESK_ROLES)
        number = values["id_number"]
        row = MigrantRow(
            id=uuid.uuid4(),
            id_number_idx=get_cipher().blind_index(number, "id_number"),
            registered_on=self.clock().astimezone(CHINA).date(),
            registered_by=who.subject,
            created_at=self.clock(),
            **values,
        )
        async with self.db.uow() as uow:
            same = await uow.session.scalar(
                select(MigrantRow.id).where(
                    MigrantRow.community_id == community,
                    MigrantRow.id_number_idx == row.id_number_idx,
                    MigrantRow.left_on.is_(None),
                )
            )
            if same is not None:
                raise Problem(
                    409,
                    "migrant.already_registered",
                    "This person is already registered as living in the community",
                    zh="此人已在本社区登记居住",
                )
            uow.session.add(row)
            await uow.audit(
                who,
                "migrant.register",
                "migrant_registration",
                str(row.id),
                community_id=community,
            )
            await uow.commit()
        return row

    async def _registration(self, uow: UnitOfWork, registration_id: uuid.UUID) -> MigrantRow:
        row = await uow.session.get(MigrantRow, registration_id, with_for_update=True)
        if row is None:
            raise Problem(404, "migrant.not_found", "No such registration", zh="没有这条居住登记")
        return row

    async def leave(self, who: Caller, registration_id: uuid.UUID, on: date) -> MigrantRow:
        """The person moved away (注销): their permit in force is cancelled here."""
        async with self.db.uow() as uow:
            row = await self._registration(uow, registration_id)
            _refuse(who, row.community_id, DESK_ROLES)
            if row.left_on is not None:
                raise Problem(
                    409, "migrant.already_left", "Already recorded as left", zh="已登记迁出"
                )
            if on < row.moved_in_on:
                raise Problem(
                    422,
                    "migrant.left_before_moving_in",
                    "The day of leaving is before the day of moving in",
                    zh="迁出日期早于入住日期",
                    field="left_on",
                )
            row.left_on = on
            for permit in await uow.session.scalars(
                select(PermitRow).where(
                    PermitRow.registration_id == row.id,
                    PermitRow.status.in_(("applied", "issued")),
                )
            ):
                permit.status = "cancelled"
            await uow.audit(
                who,
                "migrant.leave",
                "migrant_registration",
                str(row.id),
                community_id=row.community_id,
            )
            await uow.commit()
            return row

    async def registrations(
        self,
        who: Caller,
        community_id: str,
        current: bool,
        limit: int,
        offset: int,
        cursor: str | None = None,
    ) -> tuple[list[Registered], int]:
        _refuse(who, community_id, DESK_ROLES)
        async with self.db.uow() as uow:
            where = [MigrantRow.community_id == community_id]
            if current:
                where.append(MigrantRow.left_on.is_(None))
            rows, total = await fetch_page(
                uow.session,
                select(MigrantRow)
                .where(*where)
                .order_by(MigrantRow.registered_on.desc(), MigrantRow.id),
                PageParams(limit=limit, offset=offset, cursor=cursor),
            )
            permits = await self._latest_permits(uow, [r.id for r in rows])
            await uow.audit(
                who,
                "migrant.list",
                "migrant_registration",
                community_id,
                community_id=community_id,
                detail={"rows": str(len(rows))},
            )
            await uow.commit()
            return [Registered(r, permits.get(r.id)) for r in rows], total

    async def _latest_permits(
        self, uow: UnitOfWork, ids: list[uuid.UUID]
    ) -> dict[uuid.UUID, PermitRow]:
        out: dict[uuid.UUID, PermitRow] = {}
        if not ids:
            return out
        for p in await uow.session.scalars(
            select(PermitRow)
            .where(PermitRow.registration_id.in_(ids))
            .order_by(PermitRow.applied_at)
        ):
            out[p.registration_id] = p  # the latest wins
        return out

    # permits --------------------------------------------------------------------------
    async def apply(
        self, who: Caller, registration_id: uuid.UUID, basis: dict[str, bool]
    ) -> PermitRow:
        """The desk accepts an application (受理); the conditions are checked at once."""
        now = self.clock()
        async with self.db.uow() as uow:
            row = await self._registration(uow, registration_id)
            _refuse(who, row.community_id, DESK_ROLES)
            if row.left_on is not None:
                raise Problem(
                    409, "migrant.already_left", "The person has moved away", zh="此人已迁出"
                )
            reg = m.Registration(
                person_ref=str(row.id),
                community_id=row.community_id,
                room_id=row.room_id or "",
                origin_division=row.origin_division,
                reason=row.reason,  # type: ignore[arg-type]
                moved_in_on=row.moved_in_on,
                registered_on=row.registered_on,
                registered_by=row.registered_by,
            )
            facts = m.permit_facts(reg, now.astimezone(CHINA).date(), **basis)
            verdict = evaluate(ELIGIBILITY, facts)
            if verdict.passed is not True:
                failed = verdict.failed or verdict.missing
                raise Problem(
                    422,
                    "permit.not_eligible",
                    "Not eligible for a residence permit: " + "; ".join(t.en for t in failed),
                    zh="不符合申领居住证的条件：" + "；".join(t.zh for t in failed),
                    reasons=[t.model_dump() for t in failed],
                )
            live = await uow.session.scalar(
                select(PermitRow.id).where(
                    PermitRow.registration_id == row.id,
                    PermitRow.status.in_(("applied", "issued")),
                )
            )
            if live is not None:
                raise Problem(
                    409,
                    "permit.already_live",
                    "A residence permit is already applied for or issued",
                    zh="已有在办或有效的居住证",
                )
            permit = PermitRow(
                id=uuid.uuid4(),
                registration_id=row.id,
                community_id=row.community_id,
                status="applied",
                basis=basis,
                applied_by=who.subject,
                applied_at=now,
                endorsements=[],
                reminders_sent=[],
            )
            uow.session.add(permit)
            await uow.audit(
                who,
                "permit.apply",
                "residence_permit",
                str(permit.id),
                community_id=row.community_id,
            )
            await uow.commit()
            return permit

    async def _permit(self, uow: UnitOfWork, permit_id: uuid.UUID) -> tuple[PermitRow, MigrantRow]:
        permit = await uow.session.get(PermitRow, permit_id, with_for_update=True)
        if permit is None:
            raise Problem(404, "permit.not_found", "No such residence permit", zh="没有这张居住证")
        row = await uow.session.get(MigrantRow, permit.registration_id)
        assert row is not None
        return permit, row

    async def issue(self, who: Caller, permit_id: uuid.UUID) -> PermitRow:
        """Issued for a year (有效期一年), numbered per community and year."""
        now = self.clock()
        today = now.astimezone(CHINA).date()
        async with self.db.uow() as uow:
            permit, row = await self._permit(uow, permit_id)
            _refuse(who, permit.community_id, ISSUING_ROLES)
            count = await uow.session.scalar(
                select(func.count())
                .select_from(PermitRow)
                .where(PermitRow.community_id == permit.community_id, PermitRow.number.is_not(None))
            )
            number = f"JZ{today.year}{permit.community_id[-6:].upper()}{int(count or 0) + 1:05d}"
            try:
                after = m.issue(_domain(permit), number, today)
            except m.PermitError as exc:
                raise Problem(409, exc.code, exc.message, zh=exc.zh) from None
            _write(permit, after)
            await self._tell(uow, row, permit, "gov.permit.issued")
            await uow.audit(
                who,
                "permit.issue",
                "residence_permit",
                str(permit.id),
                community_id=permit.community_id,
            )
            await uow.commit()
            return permit

    async def endorse(self, who: Caller, permit_id: uuid.UUID) -> PermitRow:
        """The yearly endorsement (签注): a year more from the old end, or from today once
        lapsed."""
        today = self.clock().astimezone(CHINA).date()
        async with self.db.uow() as uow:
            permit, row = await self._permit(uow, permit_id)
            _refuse(who, permit.community_id, ISSUING_ROLES)
            try:
                after = m.endorse(_domain(permit), today)
            except m.PermitError as exc:
                raise Problem(409, exc.code, exc.message, zh=exc.zh) from None
            _write(permit, after)
            await self._tell(uow, row, permit, "gov.permit.endorsed")
            await uow.audit(
                who,
                "permit.endorse",
                "residence_permit",
                str(permit.id),
                community_id=permit.community_id,
            )
            await uow.commit()
            return permit

    async def permits(
        self,
        who: Caller,
        community_id: str,
        status: str | None,
        limit: int,
        offset: int,
        cursor: str | None = None,
    ) -> tuple[list[tuple[PermitRow, MigrantRow]], int]:
        _refuse(who, community_id, DESK_ROLES)
        async with self.db.uow() as uow:
            where = [PermitRow.community_id == community_id]
            if status:
                where.append(PermitRow.status == status)
            rows, total = await fetch_page(
                uow.session,
                select(PermitRow, MigrantRow)
                .join(MigrantRow, MigrantRow.id == PermitRow.registration_id)
                .where(*where)
                .order_by(PermitRow.valid_until.asc().nulls_first(), PermitRow.id),
                PageParams(limit=limit, offset=offset, cursor=cursor),
                rows=True,
            )
            await uow.audit(
                who,
                "permit.list",
                "residence_permit",
                community_id,
                community_id=community_id,
                detail={"rows": str(len(rows))},
            )
            await uow.commit()
            return [(p, r) for p, r in rows], total

    # the daily sweep --------------------------------------------------------------------
    async def sweep(self, today: date | None = None) -> int:
        """Lapse permits past their end; remind holders 30 and 7 days before, once each.
        Returns how many reminders were sent."""
        day = today or self.clock().astimezone(CHINA).date()
        sent = 0
        async with self.db.uow() as uow:
            rows = list(
                await uow.session.execute(
                    select(PermitRow, MigrantRow)
                    .join(MigrantRow, MigrantRow.id == PermitRow.registration_id)
                    .where(PermitRow.status == "issued")
                    .with_for_update(of=PermitRow, skip_locked=True)
                )
            )
            for permit, row in rows:
                current = _domain(permit)
                lapsed = m.lapse_if_due(current, day)
                if lapsed.status != current.status:
                    _write(permit, lapsed)
                    continue
                for reminder in m.reminders_due([current], day):
                    permit.reminders_sent = [*permit.reminders_sent, reminder.key]
                    await self._tell(
                        uow, row, permit, "gov.permit.reminder", days=str(reminder.days_left)
                    )
                    await tell_desk(uow, row, permit, reminder.days_left, reminder.key)
                    sent += 1
            await uow.commit()
        return sent

    async def _tell(
        self, uow: UnitOfWork, row: MigrantRow, permit: PermitRow, template: str, **more: str
    ) -> None:
        """The holder hears about their permit when they have an account on the platform."""
        if not row.account_id:
            return
        variables = {
            "number": permit.number or "—",
            "valid_until": permit.valid_until.isoformat() if permit.valid_until else "—",
            **more,
        }
        await tell_accounts(
            uow,
            to=[row.account_id],
            template=template,
            variables=variables,
            community_id=permit.community_id,
            correlation_id=str(permit.id),
            once=f"{permit.id}:{template}:{permit.valid_until}:{more}",
            channels=(NotificationChannel.INAPP, NotificationChannel.PUSH, NotificationChannel.SMS),
        )


def _domain(p: PermitRow) -> m.Permit:
    return m.Permit(
        person_ref=str(p.registration_id),
        community_id=p.community_id,
        status=p.status,  # type: ignore[arg-type]
        number=p.number,
        issued_on=p.issued_on,
        valid_until=p.valid_until,
        endorsements=[date.fromisoformat(d) for d in p.endorsements],
        reminders_sent=list(p.reminders_sent),
    )


def _write(row: PermitRow, p: m.Permit) -> None:
    row.status = p.status
    row.number = p.number
    row.issued_on = p.issued_on
    row.valid_until = p.valid_until
    row.endorsements = [d.isoformat() for d in p.endorsements]
    row.reminders_sent = list(p.reminders_sent)
