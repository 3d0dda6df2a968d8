"""Volunteers (志愿者, 6.5.2 c) as a service: a resident registers (services offered,
availability); the community certifies them, which gives the volunteer number (never the
ID number), suspends and reinstates; the community publishes services (志愿服务项目) with
the volunteer assigned and the times residents may book; hours are recorded per service
with the fields the measures ask for, and corrected by a correcting record, never edited;
a certificate of hours is issued as the hall's certificates are (same codes, PDF and public
check); banked hours are spent on care (时间银行).

Who a volunteer is (name, ID number, phone) is encrypted at rest, masked in every answer,
and a staff member's read of it is audited. The rules are in
:mod:`gov_affairs.domain.volunteers`; ``VolunteerChangedV1`` on ``gov.volunteers.v1``."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from gov_affairs.db.volunteers import (
    TimeBankRow,
    VolunteerHoursRow,
    VolunteerRow,
)
from gov_affairs.domain import volunteers as d
from gov_affairs.domain.approvals.calendar import CHINA
from gov_affairs.domain.certificates import mask_id_number, mask_name
from gov_affairs.domain.messages import both
from gov_affairs.usecases.certificates import Certificates
from sc_contracts.events import (
    NotificationChannel,
    NotificationRequestedV1,
    NotificationSeverity,
    Recipients,
    VolunteerChangedV1,
)
from sc_core.auth import Caller
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Problem
from sc_core.paging import PageParams, fetch_page
from sc_core.places import RESIDENT_ROLES, Places
from sc_core.privacy import get_cipher

OFFICE_ROLES = frozenset({"community_admin", "gov_officer", "platform_admin"})
DONE = {"certify": "certified", "suspend": "suspended", "reinstate": "reinstated"}
CONFLICTS = {"volunteer.bad_state", "volunteer.slot_taken", "timebank.insufficient"}


def _problem(exc: d.VolunteerError) -> Problem:
    return Problem(409 if exc.code in CONFLICTS else 422, exc.code, str(exc), zh=exc.zh)


def community_code(community_id: str) -> str:
    """The six digits a volunteer number starts with: the community's own code when its id
    is one, else six digits derived from its id (stable, the same on every replica)."""
    if community_id.isdigit() and len(community_id) == 6:
        return community_id
    return f"{int(hashlib.sha256(community_id.encode()).hexdigest(), 16) % 1_000_000:06d}"


@dataclass(frozen=True)
class Totals:
    hours: Decimal  # served, corrections applied
    spent: Decimal  # redeemed from the time bank

    @property
    def balance(self) -> Decimal:
        return self.hours - self.spent


class Volunteers:
    def __init__(
        self,
        db: Database,
        places: Places,
        certificates: Certificates,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.db = db
        self.places = places
        self.certificates = certificates
        self.clock = clock or (lambda: datetime.now(UTC))

    # who may ---------------------------------------------------------------------------
    @staticmethod
    def is_office(who: Caller, community_id: str) -> bool:
        p = who.principal
        return p.is_platform_admin or community_id in p.scope_ids("community", OFFICE_ROLES)

    def _office(self, who: Caller, community_id: str) -> None:
        if not self.is_office(who, community_id):
            raise Problem(
                403,
                "auth.out_of_scope",
                "The volunteers of this community are not yours to manage",
                zh="您不负责该社区的志愿者",
            )

    async def _resident(self, uow: UnitOfWork, who: Caller, community_id: str) -> None:
        if community_id not in await self.places.home_communities(
            uow, who.principal, RESIDENT_ROLES
        ):
            raise Problem(
                403,
                "volunteer.not_a_resident",
                "Residents of the community register and book",
                zh="本社区居民才能登记或预约",
            )

    # the register ----------------------------------------------------------------------
    async def register(
        self,
        who: Caller,
        *,
        community_id: str,
        name: str,
        id_number: str,
        phone: str | None,
        skills: list[str],
        availability: str,
    ) -> VolunteerRow:
        idx = get_cipher().blind_index(id_number, "id_number")
        async with self.db.uow() as uow:
            await self._resident(uow, who, community_id)
            known = await uow.session.scalar(
                select(VolunteerRow.id).where(
                    VolunteerRow.community_id == community_id,
                    (VolunteerRow.account_id == who.subject) | (VolunteerRow.id_number_idx == idx),
                )
            )
            if known is not None:
                raise _already()
            row = VolunteerRow(
                id=uuid.uuid4(),
                community_id=community_id,
                account_id=who.subject,
                name=name,
                id_number=id_number,
                id_number_idx=idx,
                phone=phone,
                skills=skills,
                availability=availability,
                status="applied",
                registered_at=self.clock(),
                updated_at=self.clock(),
            )
            uow.session.add(row)
            try:
                await uow.session.flush()
            except IntegrityError as exc:  # the same person registering twice at once
                raise _already() from exc
            await self._event(uow, row, "registered")
            await uow.audit(
                who, "volunteer.register", "volunteer", str(row.id), community_id=community_id
            )
            await uow.commit()
        return row

    async def page(
        self,
        who: Caller,
        community_id: str,
        status: str | None,
        limit: int,
        offset: int,
        cursor: str | None = None,
    ) -> tuple[list[tuple[VolunteerRow, Totals]], int]:
        """Staff: the community's register (an audited read); anyone else: their own."""
        office = self.is_office(who, community_id)
        async with self.db.uow() as uow:
            where = [VolunteerRow.community_id == community_id]
            if not office:
                where.append(VolunteerRow.account_id == who.subject)
            if status:
                where.append(VolunteerRow.status == status)
            rows, total = await fetch_page(
                uow.session,
                select(VolunteerRow)
                .where(*where)
                .order_by(VolunteerRow.registered_at.desc(), VolunteerRow.id),
                PageParams(limit=limit, offset=offset, cursor=cursor),
            )
            out = [(r, await self._totals(uow, r.id)) for r in rows]
            if office:
                await uow.audit(
                    who,
                    "volunteer.register_read",
                    "volunteer_register",
                    community_id,
                    community_id=community_id,
                    detail={"rows": str(len(out))},
                )
                await uow.commit()
            return out, total

    async def get(self, who: Caller, volunteer_id: uuid.UUID) -> tuple[VolunteerRow, Totals]:
        async with self.db.uow() as uow:
            row = await self._readable(uow, who, volunteer_id)
            totals = await self._totals(uow, row.id)
            await uow.commit()
            return row, totals

    async def move(
        self, who: Caller, volunteer_id: uuid.UUID, action: str, reason: str | None
    ) -> tuple[VolunteerRow, Totals]:
        """certify (gives the number), suspend (with a reason), reinstate."""
        async with self.db.uow() as uow:
            row = await self._locked(uow, volunteer_id)
            self._office(who, row.community_id)
            v = _domain(row)
            today = self.clock().astimezone(CHINA).date()
            try:
                if action == "certify":
                    await uow.session.execute(
                        text("SELECT pg_advisory_xact_lock(hashtext(:k))"),
                        {"k": f"volunteer-number:{row.community_id}"},
                    )
                    seq = 1 + int(
                        await uow.session.scalar(
                            select(func.coalesce(func.max(VolunteerRow.seq), 0)).where(
                                VolunteerRow.community_id == row.community_id
                            )
                        )
                        or 0
                    )
                    number = d.volunteer_number(community_code(row.community_id), today.year, seq)
                    v = d.certify(v, who.subject, today, number)
                    row.seq, row.number = seq, v.number
                    row.certified_by, row.certified_on = v.certified_by, v.certified_on
                elif action == "suspend":
                    if not reason:
                        raise Problem(
                            422,
                            "volunteer.reason_required",
                            "Say why the volunteer is suspended",
                            zh="请填写暂停的原因",
                        )
                    v = d.suspend(v)
                else:
                    v = d.reinstate(v)
            except d.VolunteerError as exc:
                raise _problem(exc) from exc
            row.status, row.note, row.updated_at = v.status, reason, self.clock()
            await self._event(uow, row, DONE[action])
            await uow.audit(
                who, f"volunteer.{action}", "volunteer", str(row.id), community_id=row.community_id
            )
            if action == "certify":
                await self._tell(
                    uow,
                    row,
                    "gov.volunteer.certified",
                    {"place": await self._community_name(uow, row.community_id), "number": number},
                    f"{row.id}:certified",
                )
            await uow.commit()
            return row, await self._totals(uow, row.id)

    # time bank -------------------------------------------------------------------------
    async def spend(
        self,
        who: Caller,
        volunteer_id: uuid.UUID,
        hours: Decimal,
        what: str,
        beneficiary: str | None,
    ) -> tuple[VolunteerRow, Totals]:
        """Redeem banked hours for care (the community records it); never below zero."""
        async with self.db.uow() as uow:
            row = await self._locked(uow, volunteer_id)
            self._office(who, row.community_id)
            totals = await self._totals(uow, row.id)
            now = self.clock()
            entries = [
                d.TimeEntry(now, totals.hours, "served"),
                d.TimeEntry(now, -totals.spent, ""),
            ]
            try:
                d.spend(entries, hours, what, now, beneficiary)
            except d.VolunteerError as exc:
                raise _problem(exc) from exc
            uow.session.add(
                TimeBankRow(
                    id=uuid.uuid4(),
                    volunteer_id=row.id,
                    community_id=row.community_id,
                    hours=hours,
                    what=what,
                    beneficiary=beneficiary,
                    recorded_by=who.subject,
                    at=now,
                )
            )
            await uow.session.flush()
            totals = await self._totals(uow, row.id)
            await self._event(uow, row, "hours_spent", hours=-hours, total=totals.hours)
            await uow.audit(
                who, "volunteer.spend", "volunteer", str(row.id), community_id=row.community_id
            )
            await uow.commit()
            return row, totals

    # shared by the modules of volunteers ---------------------------------------------------
    async def _readable(
        self, uow: UnitOfWork, who: Caller, volunteer_id: uuid.UUID
    ) -> VolunteerRow:
        """The volunteer themself, or the community's staff (an audited read)."""
        row = await uow.session.get(VolunteerRow, volunteer_id)
        if row is None or (
            row.account_id != who.subject and not self.is_office(who, row.community_id)
        ):
            raise _not_found()
        if row.account_id != who.subject:
            await uow.audit(
                who, "volunteer.read", "volunteer", str(row.id), community_id=row.community_id
            )
        return row

    async def _locked(self, uow: UnitOfWork, volunteer_id: uuid.UUID) -> VolunteerRow:
        row = await uow.session.get(VolunteerRow, volunteer_id, with_for_update=True)
        if row is None:
            raise _not_found()
        return row

    async def _totals(self, uow: UnitOfWork, volunteer_id: uuid.UUID) -> Totals:
        records = await uow.session.execute(
            select(VolunteerHoursRow.id, VolunteerHoursRow.hours, VolunteerHoursRow.corrects).where(
                VolunteerHoursRow.volunteer_id == volunteer_id
            )
        )
        items = list(records)
        corrected = {c for _, _, c in items if c is not None}
        served = sum((h for rid, h, _ in items if rid not in corrected), Decimal(0))
        spent = await uow.session.scalar(
            select(func.coalesce(func.sum(TimeBankRow.hours), 0)).where(
                TimeBankRow.volunteer_id == volunteer_id
            )
        )
        return Totals(Decimal(served), Decimal(spent or 0))

    async def _community_name(self, uow: UnitOfWork, community_id: str) -> str:
        name = await self.places.name_of(uow, community_id=community_id)
        return (name.community if name else None) or "本社区"

    async def _event(
        self,
        uow: UnitOfWork,
        row: VolunteerRow,
        action: str,
        *,
        record_id: uuid.UUID | None = None,
        corrects: uuid.UUID | None = None,
        hours: Decimal | None = None,
        total: Decimal | None = None,
    ) -> None:
        await uow.publish(
            VolunteerChangedV1(
                volunteer_id=str(row.id),
                community_id=row.community_id,
                action=action,
                status=row.status,
                record_id=str(record_id) if record_id else None,
                corrects=str(corrects) if corrects else None,
                hours=float(hours) if hours is not None else None,
                total_hours=float(total) if total is not None else None,
                occurred_at=self.clock(),
            ),
            key=str(row.id),
        )

    async def _tell(
        self,
        uow: UnitOfWork,
        row: VolunteerRow,
        template: str,
        variables: dict[str, str],
        once: str,
        to: str | None = None,
    ) -> None:
        """A message to the volunteer (or ``to``), in the app and by push, zh-CN and en."""
        key = "gov-" + hashlib.sha256(once.encode()).hexdigest()[:32]
        await uow.publish(
            NotificationRequestedV1(
                request_id=key,
                recipients=Recipients(user_ids=[to or row.account_id]),
                template=template,
                variables={**variables, **both(template, variables)},
                severity=NotificationSeverity.INFO,
                channels=[NotificationChannel.INAPP, NotificationChannel.PUSH],
                source_service="gov-affairs",
                community_id=row.community_id,
                correlation_id=str(row.id),
            ),
            key=key,
        )


def _domain(row: VolunteerRow) -> d.Volunteer:
    return d.Volunteer(
        person_ref=str(row.id),
        community_id=row.community_id,
        number=row.number,
        status=row.status,  # type: ignore[arg-type]
        skills=list(row.skills or []),
        certified_by=row.certified_by,
        certified_on=row.certified_on,
    )


def masked(row: VolunteerRow) -> tuple[str, str, str | None]:
    """Name, ID number and phone as every answer shows them."""
    phone = row.phone[:3] + "****" + row.phone[-4:] if row.phone and len(row.phone) > 7 else None
    return mask_name(row.name), mask_id_number(row.id_number), phone


def _already() -> Problem:
    return Problem(
        409,
        "volunteer.already_registered",
        "This person is registered as a volunteer of the community already",
        zh="此人已在本社区登记为志愿者",
    )


def _not_found() -> Problem:
    return Problem(404, "volunteer.not_found", "No such volunteer", zh="没有这位志愿者")


def today_in_china(now: datetime) -> date:
    return now.astimezone(CHINA).date()
