"""Tenancies that end (issue 19 item 8): the owner (or the property) links a tenant with an
end date, when inviting them or approving their request. Some days before it
(``TENANCY_NOTICE_DAYS``) the household's owners are told; on that day, in the
community's time zone (``COMMUNITY_TIMEZONE``), the tenant's household grant is revoked
like any other (``GrantChangedV1`` revoked: every verifier refuses the tenant's tokens
that carry it, ADR 0028) and their residency ends on that day.

:meth:`Tenancies.sweep` does both for whatever is due at ``now`` (its clock is injected:
a job calls it with none, a test with the day it wants); rows are taken with
``FOR UPDATE SKIP LOCKED``, so replicas sweeping at once never do one twice.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from identity.db.auth import Account, Grant
from identity.db.register import Person, Residency
from identity.db.signup import JoinRequest
from identity.register import people
from identity.register.places import room_places
from identity.usecases import joining
from identity.usecases.grants import record_grant_change
from sc_contracts.events import GrantChange, Recipients, RoleInScope
from sc_core.dates import zone
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Problem

SERVICE = "identity"


def today_in(tz: str, now: datetime | None = None) -> date:
    """The calendar day in zone ``tz`` at ``now`` (default: the present)."""
    return (now or datetime.now(UTC)).astimezone(zone(tz)).date()


def checked_end(relation: str, ends_on: date | None, today: date) -> date | None:
    """An end date is a tenant's, and lies after ``today`` (422 naming ``body.ends_on``)."""
    if ends_on is None:
        return None
    if relation != "tenant":
        raise Problem(
            422,
            "join.end_date_for_tenants",
            "Only a tenant's link has an end date",
            zh="只有租户才设置租期截止日期",
            errors=[{"field": "body.ends_on", "message": "tenants only", "type": "relation"}],
        )
    if ends_on <= today:
        raise Problem(
            422,
            "join.end_date_past",
            f"The end date must be after today ({today.isoformat()})",
            zh=f"租期截止日期须晚于今天（{today.isoformat()}）",
            errors=[{"field": "body.ends_on", "message": "not after today", "type": "date"}],
        )
    return ends_on


def _day_zh(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass(frozen=True)
class Swept:
    reminded: int
    ended: int


class Tenancies:
    def __init__(
        self,
        db: Database,
        *,
        timezone: str = "Asia/Shanghai",
        notice_days: int = 3,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.db = db
        self.timezone = timezone
        self.notice_days = notice_days
        self.clock = clock

    async def sweep(self, now: datetime | None = None) -> Swept:
        """Tell the owners of the tenancies ending within the notice, end those due."""
        today = today_in(self.timezone, now or self.clock())
        async with self.db.uow() as uow:
            due = await self._due(uow, today + timedelta(days=self.notice_days))
            reminded = ended = 0
            for request in due:
                assert request.ends_on is not None  # the query's
                if request.ends_on <= today:
                    await self._end(uow, request)
                    ended += 1
                elif request.reminded_at is None:
                    await self._remind(uow, request)
                    reminded += 1
            await uow.commit()
        return Swept(reminded, ended)

    async def _due(self, uow: UnitOfWork, until: date) -> list[JoinRequest]:
        j = JoinRequest
        rows = await uow.session.scalars(
            select(j)
            .where(
                j.status == "approved",
                j.relation == "tenant",
                j.ends_on.is_not(None),
                j.ends_on <= until,
                j.ended_at.is_(None),
            )
            .order_by(j.ends_on, j.id)
            .limit(500)
            .with_for_update(skip_locked=True)
        )
        return list(rows)

    async def _place(self, uow: UnitOfWork, request: JoinRequest) -> str:
        place = (await room_places(uow.session, [request.room_id])).get(request.room_id)
        return place.label if place else ""

    async def _remind(self, uow: UnitOfWork, request: JoinRequest) -> None:
        assert request.ends_on is not None and request.household_id is not None
        place, day = await self._place(uow, request), request.ends_on
        owners = await uow.session.scalars(
            select(Person.account_id)
            .join(Residency, Residency.person_id == Person.id)
            .where(
                Residency.household_id == request.household_id,
                Residency.relation == "owner",
                Residency.moved_out_on.is_(None),
                Person.account_id.is_not(None),
            )
        )
        user_ids = sorted({str(a) for a in owners})
        recipients = (
            Recipients(user_ids=user_ids)
            if user_ids
            else Recipients(
                roles_in_scope=[
                    RoleInScope(
                        role="resident", scope_type="household", scope_id=str(request.household_id)
                    )
                ]
            )
        )
        key = f"identity-tenancy-{request.id}-ending"
        await uow.publish(
            joining.notice(
                key,
                recipients,
                "租期即将结束",
                f"租户{request.name}在 {place} 的租期将于{_day_zh(day)}结束，"
                "届时其住户权限（开门、访客、报修等）自动停止；租期结束后如需续租，可再次邀请。",
                str(request.community_id),
                english=(
                    "A tenancy is ending",
                    f"The tenancy of {request.name} at {place} ends on {day.isoformat()}: "
                    "from that day their household access (doors, visitors, repairs) stops. "
                    "To extend it, invite them again once it has ended.",
                ),
            ),
            key=key,
        )
        request.reminded_at = datetime.now(UTC)
        await uow.audit(
            None,
            "join_request.tenancy_reminded",
            "join_request",
            str(request.id),
            community_id=str(request.community_id),
            detail={"ends_on": day.isoformat(), "told": str(len(user_ids))},
        )

    async def _end(self, uow: UnitOfWork, request: JoinRequest) -> None:
        assert request.ends_on is not None and request.household_id is not None
        household = str(request.household_id)
        grants = await uow.session.scalars(
            select(Grant).where(
                Grant.account_id == request.account_id,
                Grant.role == joining.ROLE_OF["tenant"],
                Grant.scope_type == "household",
                Grant.scope_id == household,
            )
        )
        for grant in list(grants):
            await uow.session.delete(grant)
            await record_grant_change(uow, None, grant, GrantChange.REVOKED)
        account = await uow.session.get(Account, request.account_id)
        person_id: uuid.UUID | None = account.person_id if account else None
        if person_id is not None:
            living = await uow.session.scalars(
                select(Residency).where(
                    Residency.person_id == person_id,
                    Residency.household_id == request.household_id,
                    Residency.moved_out_on.is_(None),
                )
            )
            for residency in list(living):
                day = max(request.ends_on, residency.moved_in_on)
                await people.end_residency(uow, residency, day, SERVICE)
        request.ended_at = datetime.now(UTC)
        place = await self._place(uow, request)
        key = f"identity-tenancy-{request.id}-ended"
        await uow.publish(
            joining.notice(
                key,
                Recipients(user_ids=[str(request.account_id)]),
                "租期已结束",
                f"您在 {place} 的租期已于{_day_zh(request.ends_on)}结束，住户权限已停止。",
                str(request.community_id),
                english=(
                    "Your tenancy has ended",
                    f"Your tenancy at {place} ended on {request.ends_on.isoformat()}; "
                    "your household access has stopped.",
                ),
            ),
            key=key,
        )
        await uow.audit(
            None,
            "join_request.tenancy_ended",
            "join_request",
            str(request.id),
            community_id=str(request.community_id),
            detail={"ends_on": request.ends_on.isoformat(), "account_id": str(request.account_id)},
        )
