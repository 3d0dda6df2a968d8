"""Merchants (6.3 b): a merchant registers and updates their shop; the community's staff
verify or reject it; residents find the verified ones. The contact phone is stored
encrypted, shown masked, and revealed (audited) to the owner and to staff who ask."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import false, or_, select

from commerce.api.schemas.merchants import MerchantCreate, MerchantUpdate
from commerce.db import queries as q
from commerce.db.counts import live, union_count
from commerce.db.models import Merchant
from commerce.domain import merchants as rules
from commerce.domain.text import problem
from sc_contracts.events import MerchantChange, MerchantChangedV1, MerchantStatus
from sc_core.auth import Caller, in_scope
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.industry import division_codes
from sc_core.paging import PageParams, PageTotal, fetch_page
from sc_core.places import Places
from sc_core.privacy.masking import mask_mobile


@dataclass(frozen=True)
class Shown:
    """A merchant as one reader sees it: the phone in full or masked."""

    merchant: Merchant
    phone: str
    masked: bool


def _staff_of(who: Caller, m: Merchant) -> bool:
    return in_scope(who.principal, community_id=m.community_id, roles=rules.STAFF_ROLES)


def _shown(who: Caller, m: Merchant, *, revealed: bool = False) -> Shown:
    if revealed or m.owner_id == who.subject:
        return Shown(m, m.phone, False)
    return Shown(m, mask_mobile(m.phone) or "", True)


class Merchants:
    def __init__(self, db: Database, places: Places) -> None:
        self.db = db
        self.places = places

    async def register(self, who: Caller, body: MerchantCreate) -> Shown:
        if not in_scope(who.principal, community_id=body.community_id, roles=rules.MERCHANT_ROLES):
            raise problem("commerce.not_merchant_here")
        async with self.db.uow() as uow:
            if await q.merchant_by_code(uow, body.community_id, body.credit_code) is not None:
                raise problem("commerce.merchant_exists")
            now = datetime.now(UTC)
            m = Merchant(
                id=uuid.uuid4(),
                community_id=body.community_id,
                owner_id=who.subject,
                name=" ".join(body.name.split()),
                credit_code=body.credit_code,
                licence_no=body.licence_no,
                category=body.category,
                industry_code=body.industry_code,
                address=body.address.strip(),
                opening_hours=[h.model_dump() for h in body.opening_hours],
                phone=body.phone,
                status=MerchantStatus.PENDING,
                created_at=now,
                updated_at=now,
            )
            uow.session.add(m)
            await uow.session.flush()
            await self._changed(uow, who, m, MerchantChange.REGISTERED, now)
            await uow.commit()
            return _shown(who, m)

    async def update(self, who: Caller, merchant_id: uuid.UUID, body: MerchantUpdate) -> Shown:
        async with self.db.uow() as uow:
            m = await self._visible(uow, who, merchant_id, lock=True)
            if m.owner_id != who.subject:
                raise problem("commerce.not_owner")
            changes = body.model_dump(exclude_unset=True, exclude_none=True)
            if "name" in changes:
                changes["name"] = " ".join(changes["name"].split())
            if "credit_code" in changes and changes["credit_code"] != m.credit_code:
                other = await q.merchant_by_code(uow, m.community_id, changes["credit_code"])
                if other is not None:
                    raise problem("commerce.merchant_exists")
            changed = [k for k, v in changes.items() if getattr(m, k) != v]
            for key in changed:
                setattr(m, key, changes[key])
            if changed:
                now = datetime.now(UTC)
                m.status = rules.after_update(m.status, changed)
                m.updated_at = now
                await self._changed(uow, who, m, MerchantChange.UPDATED, now, fields=changed)
                await uow.commit()
            return _shown(who, m)

    async def review(
        self, who: Caller, merchant_id: uuid.UUID, *, verified: bool, note: str | None
    ) -> Shown:
        async with self.db.uow() as uow:
            m = await self._visible(uow, who, merchant_id, lock=True)
            if not _staff_of(who, m):
                raise problem("commerce.not_verifier")
            if not rules.may_review(m.status):
                raise problem("commerce.already_reviewed")
            if not verified and not (note or "").strip():
                raise problem("commerce.reject_reason_required")
            now = datetime.now(UTC)
            m.status = MerchantStatus.VERIFIED if verified else MerchantStatus.REJECTED
            m.review_note = (note or "").strip() or None
            m.reviewed_by, m.reviewed_at = who.subject, now
            change = MerchantChange.VERIFIED if verified else MerchantChange.REJECTED
            await self._changed(uow, who, m, change, now)
            await uow.commit()
            return _shown(who, m)

    async def get(self, who: Caller, merchant_id: uuid.UUID, *, reveal: bool = False) -> Shown:
        """``reveal``: staff of the merchant's community read the phone in full (audited)."""
        async with self.db.uow() as uow:
            m = await self._visible(uow, who, merchant_id)
            if not (reveal and _staff_of(who, m)):
                return _shown(who, m)
            await uow.audit(
                who,
                "commerce.merchant.phone_revealed",
                "merchant",
                str(m.id),
                community_id=m.community_id,
            )
            await uow.commit()
            return _shown(who, m, revealed=True)

    async def page(
        self,
        who: Caller,
        paging: PageParams,
        *,
        status: str | None,
        category: str | None,
        industry_section: str | None = None,
    ) -> tuple[list[Shown], PageTotal]:
        async with self.db.uow(read_only=True) as uow:
            communities = await q.resident_communities(uow, self.places, who.principal)
            parts = live(q.merchant_scope(who.principal, communities))
            filters = []
            if status:
                filters.append(Merchant.status == status)
            if category:
                filters.append(Merchant.category == category)
            if industry_section:  # GB/T 4754 门类: the codes of its divisions
                filters.append(Merchant.industry_code.in_(division_codes(industry_section)))
            query = select(Merchant).where(or_(*parts) if parts else false(), *filters)
            query = query.order_by(Merchant.created_at.desc(), Merchant.id.desc())
            count = union_count([select(Merchant.id).where(p, *filters) for p in parts])
            rows, total = await fetch_page(uow.session, query, paging, count=count)
            return [_shown(who, m) for m in rows], total

    async def _visible(
        self, uow: UnitOfWork, who: Caller, merchant_id: uuid.UUID, *, lock: bool = False
    ) -> Merchant:
        communities = await q.resident_communities(uow, self.places, who.principal)
        query = select(Merchant).where(
            Merchant.id == merchant_id, q.merchants_visible(who.principal, communities)
        )
        m = await uow.session.scalar(query.with_for_update() if lock else query)
        if m is None:
            raise problem("commerce.merchant_not_found")  # another's looks absent
        return m

    async def _changed(
        self,
        uow: UnitOfWork,
        who: Caller,
        m: Merchant,
        change: MerchantChange,
        at: datetime,
        *,
        fields: list[str] | None = None,
    ) -> None:
        await uow.publish(
            MerchantChangedV1(
                merchant_id=str(m.id),
                community_id=m.community_id,
                name=m.name,
                category=m.category,
                credit_code=m.credit_code,
                industry_code=m.industry_code,
                status=MerchantStatus(m.status),
                change=change,
                changed_by=who.subject,
                changed_at=at,
            ),
            key=str(m.id),
        )
        detail: dict[str, object] = {"status": m.status}
        if fields:
            detail["fields"] = sorted(fields)
        await uow.audit(
            who,
            f"commerce.merchant.{change.value}",
            "merchant",
            str(m.id),
            community_id=m.community_id,
            detail=detail,
        )
