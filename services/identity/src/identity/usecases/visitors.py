"""Visitor passes: residents invite (a signed QR pass), their household and the staff of
the place read them (visitors' phones masked but for the household's own; every read
audited), a phone is revealed for a stated purpose, the host revokes. Each in one unit of
work with its scope check and audit record."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from identity.access.schemas import PassCreate, PassRead
from identity.config import Settings
from identity.db.access import VisitorPass
from identity.db.register import Household
from identity.register import repo
from identity.roles import PASS_ISSUERS, PASS_READERS
from identity.scope import Places, Scope, load_scope
from sc_core.api import PageParams, fetch_page
from sc_core.auth import Caller
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import NotFound, Problem
from sc_core.privacy import RevealRequest, reveal_detail, revealable


def pass_places(p: VisitorPass) -> Places:
    return Places(
        community_id=p.community_id, building_id=p.building_id, household_id=p.household_id
    )


class VisitorPasses:
    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings

    async def create(self, who: Caller, body: PassCreate) -> tuple[VisitorPass, Scope]:
        async with self.db.uow() as uow:
            scope = await load_scope(uow.session, who.principal, PASS_ISSUERS)
            household = await repo.get_or_404(uow.session, Household, body.household_id)
            scope.ensure(repo.places(household))
            start = body.valid_from or datetime.now(UTC)
            if body.valid_until <= start:
                raise Problem(
                    422,
                    "pass.bad_window",
                    "valid_until must be after valid_from",
                    zh="失效时间须晚于生效时间",
                )
            days = self.settings.visitor_pass_max_days
            if body.valid_until - start > timedelta(days=days):
                raise Problem(
                    422,
                    "pass.too_long",
                    f"A pass lasts {days} days at most",
                    zh=f"访客通行证有效期最长 {days} 天",
                )
            row = VisitorPass(
                community_id=household.community_id,
                building_id=household.building_id,
                household_id=household.id,
                host_account_id=uuid.UUID(who.subject),
                valid_from=start,
                **body.model_dump(exclude={"household_id", "valid_from"}),
            )
            uow.session.add(row)
            await uow.session.flush()
            await _audit(uow, who, "visitor_pass.create", row)
            await uow.commit()
            return row, scope

    async def page(self, who: Caller, paging: PageParams) -> tuple[list[VisitorPass], int, Scope]:
        """Passes of the caller's households (staff: their places); the read is audited."""
        async with self.db.uow(read_only=True) as uow:
            scope = await load_scope(uow.session, who.principal, PASS_READERS)
            query = select(VisitorPass).where(
                scope.clause(
                    community_col=VisitorPass.community_id,
                    household_col=VisitorPass.household_id,
                )
            )
            order = (VisitorPass.valid_from.desc(), VisitorPass.id)
            rows, total = await fetch_page(uow.session, query.order_by(*order), paging)
            await _audit_read(uow, who, None, len(rows))
            return list(rows), total, scope

    async def get(self, who: Caller, pass_id: uuid.UUID) -> tuple[VisitorPass, Scope]:
        async with self.db.uow(read_only=True) as uow:
            scope = await load_scope(uow.session, who.principal, PASS_READERS)
            row = await _pass(uow, scope, pass_id)
            await _audit_read(uow, who, row, 1)
            return row, scope

    async def reveal(self, who: Caller, pass_id: uuid.UUID, body: RevealRequest) -> str | None:
        """The visitor's phone in clear, for a stated purpose: the audited read."""
        async with self.db.uow() as uow:
            scope = await load_scope(uow.session, who.principal, PASS_READERS)
            row = await _pass(uow, scope, pass_id)
            mine = str(row.host_account_id) == who.subject or (
                str(row.household_id) in who.principal.household_ids
            )
            grade = scope.grade([pass_places(row)])
            revealable(PassRead, body.field, grade, self_or_household=mine)
            await _audit(uow, who, "visitor_pass.reveal", row, detail=reveal_detail(body))
            await uow.commit()
            value: str | None = getattr(row, body.field)
            return value

    async def revoke(self, who: Caller, pass_id: uuid.UUID) -> None:
        async with self.db.uow() as uow:
            scope = await load_scope(uow.session, who.principal, PASS_READERS)
            row = await _pass(uow, scope, pass_id)
            if row.revoked_at is None:
                row.revoked_at = datetime.now(UTC)
                await _audit(uow, who, "visitor_pass.revoke", row)
                await uow.commit()


async def _pass(uow: UnitOfWork, scope: Scope, pass_id: uuid.UUID) -> VisitorPass:
    row = await uow.session.get(VisitorPass, pass_id)
    if row is None:
        raise NotFound("pass.not_found", "There is no such visitor pass", zh="找不到该访客通行证")
    scope.ensure(pass_places(row))
    return row


async def _audit(
    uow: UnitOfWork,
    who: Caller,
    action: str,
    row: VisitorPass,
    *,
    detail: dict[str, str] | None = None,
) -> None:
    await uow.audit(
        who,
        action,
        "visitor_pass",
        str(row.id),
        community_id=str(row.community_id),
        detail=detail,
    )


async def _audit_read(uow: UnitOfWork, who: Caller, row: VisitorPass | None, count: int) -> None:
    """Reads of visitor passes (who visits whom, their phones) are audited."""
    await uow.audit(
        who,
        "visitor_pass.read_sensitive",
        "visitor_pass",
        str(row.id) if row else None,
        community_id=str(row.community_id) if row else None,
        detail={"count": str(count)},
    )
    await uow.commit()
