"""Recycling (6.4 c): staff weigh a household's drop-off at a recycling point and the
household earns credits (积分); staff redeem a household's credits at a recycling point
(积分兑换: never past its balance, audited); the household and its community's staff read
the credit statement (balance, drop-offs and redemptions, paged)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select

from commerce.api.schemas.recycling import DropOffCreate, RedemptionCreate
from commerce.db import queries as q
from commerce.db.models import CreditRedemption, DropOff
from commerce.domain.merchants import RESIDENT_ROLES, STAFF_ROLES
from commerce.domain.recycling import credits_for
from commerce.domain.text import problem
from sc_contracts.events import RecyclingDropOffRecordedV1, ServicePointKind
from sc_core.auth import Caller, in_scope
from sc_core.db.engine import Database
from sc_core.paging import PageParams, PageTotal, fetch_page
from sc_core.places import Places


@dataclass(frozen=True)
class Statement:
    household_id: str
    earned: int
    spent: int
    total_weight_g: int
    drop_offs: list[DropOff]
    total: PageTotal
    redemptions: list[CreditRedemption]
    redemptions_total: PageTotal

    @property
    def balance(self) -> int:
        return self.earned - self.spent


@dataclass(frozen=True)
class Redeemed:
    redemption: CreditRedemption
    balance_after: int


class Recycling:
    def __init__(self, db: Database, places: Places) -> None:
        self.db = db
        self.places = places

    async def record(self, who: Caller, body: DropOffCreate) -> DropOff:
        async with self.db.uow() as uow:
            p = await q.point(uow, body.service_point_id)
            if p is None or not in_scope(
                who.principal, community_id=p.community_id, roles=STAFF_ROLES
            ):
                raise problem("commerce.point_not_found")
            if p.kind != ServicePointKind.RECYCLING_POINT:
                raise problem("commerce.not_recycling_point")
            place = await self.places.household(uow, body.household_id)
            if place is None:
                raise problem("commerce.household_unknown")
            if place.community_id != p.community_id:
                raise problem("commerce.household_elsewhere")
            now = datetime.now(UTC)
            d = DropOff(
                id=uuid.uuid4(),
                service_point_id=p.id,
                community_id=p.community_id,
                household_id=body.household_id,
                category=body.category,
                weight_g=body.weight_g,
                credits=credits_for(body.category, body.weight_g),
                recorded_by=who.subject,
                recorded_at=now,
            )
            uow.session.add(d)
            await uow.session.flush()
            await uow.publish(
                RecyclingDropOffRecordedV1(
                    drop_off_id=str(d.id),
                    service_point_id=str(p.id),
                    community_id=d.community_id,
                    household_id=d.household_id,
                    category=d.category,
                    weight_g=d.weight_g,
                    credits=d.credits,
                    recorded_by=who.subject,
                    recorded_at=now,
                ),
                key=str(d.id),
            )
            await uow.audit(
                who,
                "commerce.drop_off.create",
                "drop_off",
                str(d.id),
                community_id=d.community_id,
                detail={"category": d.category, "weight_g": d.weight_g, "credits": d.credits},
            )
            await uow.commit()
            return d

    async def statement(self, who: Caller, household_id: str, paging: PageParams) -> Statement:
        async with self.db.uow(read_only=True) as uow:
            mine = household_id in who.principal.scope_ids("household", RESIDENT_ROLES)
            if not mine:
                place = await self.places.household(uow, household_id)
                if place is None or not in_scope(
                    who.principal, community_id=place.community_id, roles=STAFF_ROLES
                ):
                    raise problem("commerce.statement_forbidden")
            credits, grams, _ = await q.balance(uow, household_id)
            spent = await q.spent(uow, household_id)
            query = (
                select(DropOff)
                .where(DropOff.household_id == household_id)
                .order_by(DropOff.recorded_at.desc(), DropOff.id)
            )
            rows, total = await fetch_page(uow.session, query, paging)
            redeemed = (
                select(CreditRedemption)
                .where(CreditRedemption.household_id == household_id)
                .order_by(CreditRedemption.redeemed_at.desc(), CreditRedemption.id)
            )
            spent_rows, spent_total = await fetch_page(uow.session, redeemed, paging)
            return Statement(
                household_id, credits, spent, grams, rows, total, spent_rows, spent_total
            )

    async def redeem(self, who: Caller, body: RedemptionCreate) -> Redeemed:
        """Staff of the point's community spend a household's credits there; the balance
        is read and the spending written under a lock on the household, so two desks at
        once never take it below zero."""
        async with self.db.uow() as uow:
            p = await q.point(uow, body.service_point_id)
            if p is None or not in_scope(
                who.principal, community_id=p.community_id, roles=STAFF_ROLES
            ):
                raise problem("commerce.point_not_found")
            if p.kind != ServicePointKind.RECYCLING_POINT:
                raise problem("commerce.not_recycling_point")
            place = await self.places.household(uow, body.household_id)
            if place is None:
                raise problem("commerce.household_unknown")
            if place.community_id != p.community_id:
                raise problem("commerce.household_elsewhere")
            await uow.session.execute(
                select(func.pg_advisory_xact_lock(func.hashtext(f"credits:{body.household_id}")))
            )
            earned, _, _ = await q.balance(uow, body.household_id)
            balance = earned - await q.spent(uow, body.household_id)
            if body.credits > balance:
                raise problem("commerce.credits_insufficient", balance=balance)
            r = CreditRedemption(
                id=uuid.uuid4(),
                service_point_id=p.id,
                community_id=p.community_id,
                household_id=body.household_id,
                credits=body.credits,
                item=" ".join(body.item.split()),
                redeemed_by=who.subject,
                redeemed_at=datetime.now(UTC),
            )
            uow.session.add(r)
            await uow.session.flush()
            await uow.audit(
                who,
                "commerce.credits.redeem",
                "credit_redemption",
                str(r.id),
                community_id=r.community_id,
                detail={
                    "household_id": r.household_id,
                    "credits": str(r.credits),
                    "balance_after": str(balance - r.credits),
                },
            )
            await uow.commit()
            return Redeemed(r, balance - r.credits)
