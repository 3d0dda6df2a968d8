"""Offers and opt-in pushes (6.4 d): a shop's merchant publishes an offer; residents of
the shop's community opt in to its pushes (and out); when an offer is published it is
pushed through notification (``NotificationRequestedV1``, ``generic.message``, in-app and
push, severity info: notification holds the push through each resident's quiet hours) to
the opted-in residents who had fewer than ``offer_pushes_per_week`` of this shop's offers
in the last 7 days; the others are counted as capped. The count and the pushes are taken
under a lock on each resident's opt-in row of the shop (``SELECT ... FOR UPDATE`` in one
order), so offers published at the same instant never pass the cap. The merchant
withdraws an offer (residents no longer see it). Both go out as ``ShopOfferChangedV1``
on ``commerce.shops.v1``."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.dialects.postgresql import insert

from commerce.api.schemas.offers import OfferCreate
from commerce.db import queries as q
from commerce.db.models import Merchant, OfferPush, Shop, ShopOffer, ShopSubscription
from commerce.domain import offers as rules
from commerce.domain.merchants import RESIDENT_ROLES, STAFF_ROLES
from commerce.domain.text import problem
from sc_contracts.events import (
    MerchantStatus,
    NotificationChannel,
    NotificationRequestedV1,
    NotificationSeverity,
    Recipients,
    ShopOfferChange,
    ShopOfferChangedV1,
)
from sc_core.auth import Caller, in_scope
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.paging import PageParams, PageTotal, fetch_page
from sc_core.places import Places


class Offers:
    def __init__(self, db: Database, places: Places, pushes_per_week: int) -> None:
        self.db = db
        self.places = places
        self.cap = pushes_per_week

    async def publish(self, who: Caller, shop_id: uuid.UUID, body: OfferCreate) -> ShopOffer:
        if (body.price_fen is None) == (body.discount_pct is None):
            raise problem("commerce.offer_price_or_discount")
        now = datetime.now(UTC)
        if body.valid_to <= body.valid_from or body.valid_to <= now:
            raise problem("commerce.offer_dates")
        async with self.db.uow() as uow:
            shop, m = await self._shop(uow, who, shop_id)
            if m.owner_id != who.subject:
                raise problem("commerce.not_shop_owner")
            offer = ShopOffer(
                id=uuid.uuid4(),
                shop_id=shop.id,
                community_id=shop.community_id,
                title_zh=" ".join(body.title_zh.split()),
                title_en=" ".join(body.title_en.split()),
                text=body.text.strip(),
                price_fen=body.price_fen,
                discount_pct=body.discount_pct,
                valid_from=body.valid_from,
                valid_to=body.valid_to,
                pushed_count=0,
                capped_count=0,
                created_by=who.subject,
                created_at=now,
            )
            uow.session.add(offer)
            await uow.session.flush()
            await self._push(uow, offer, shop, now)
            await self._publish(uow, offer, m, ShopOfferChange.PUBLISHED, who.subject, now)
            await uow.audit(
                who,
                "commerce.offer.publish",
                "shop_offer",
                str(offer.id),
                community_id=shop.community_id,
                detail={"pushed": str(offer.pushed_count), "capped": str(offer.capped_count)},
            )
            await uow.commit()
            return offer

    async def withdraw(self, who: Caller, shop_id: uuid.UUID, offer_id: uuid.UUID) -> ShopOffer:
        """The merchant takes an offer back: pushed no more, no longer shown to residents."""
        async with self.db.uow() as uow:
            shop, m = await self._shop(uow, who, shop_id)
            if m.owner_id != who.subject:
                raise problem("commerce.not_shop_owner")
            offer = await uow.session.scalar(
                select(ShopOffer)
                .where(ShopOffer.id == offer_id, ShopOffer.shop_id == shop.id)
                .with_for_update()
            )
            if offer is None:
                raise problem("commerce.offer_not_found")
            if offer.withdrawn_at is not None:
                raise problem("commerce.offer_withdrawn")
            now = datetime.now(UTC)
            offer.withdrawn_at, offer.withdrawn_by = now, who.subject
            await self._publish(uow, offer, m, ShopOfferChange.WITHDRAWN, who.subject, now)
            await uow.audit(
                who,
                "commerce.offer.withdraw",
                "shop_offer",
                str(offer.id),
                community_id=shop.community_id,
            )
            await uow.commit()
            return offer

    async def offers(
        self, who: Caller, shop_id: uuid.UUID, paging: PageParams
    ) -> tuple[list[ShopOffer], PageTotal, bool]:
        """A shop's offers, latest ending first; residents see those not yet over. The
        flag says whether the caller is the merchant (who reads the push counts)."""
        async with self.db.uow(read_only=True) as uow:
            shop, m = await self._shop(uow, who, shop_id)
            query = select(ShopOffer).where(ShopOffer.shop_id == shop.id)
            staff = in_scope(who.principal, community_id=shop.community_id, roles=STAFF_ROLES)
            owner = m.owner_id == who.subject
            if not (owner or staff):
                query = query.where(
                    ShopOffer.valid_to > datetime.now(UTC), ShopOffer.withdrawn_at.is_(None)
                )
            query = query.order_by(ShopOffer.valid_to.desc(), ShopOffer.id)
            rows, total = await fetch_page(uow.session, query, paging)
            return rows, total, owner

    async def subscription(self, who: Caller, shop_id: uuid.UUID) -> bool:
        async with self.db.uow(read_only=True) as uow:
            shop, _ = await self._shop(uow, who, shop_id)
            found = await uow.session.get(ShopSubscription, (shop.id, who.subject))
            return bool(found and found.opted_in)

    async def subscribe(self, who: Caller, shop_id: uuid.UUID, opted_in: bool) -> bool:
        """Opt in to (or out of) a shop's offer pushes, as a resident of its community."""
        async with self.db.uow() as uow:
            shop, _ = await self._shop(uow, who, shop_id)
            household = None
            for h in sorted(who.principal.scope_ids("household", RESIDENT_ROLES)):
                place = await self.places.household(uow, h)
                if place is not None and place.community_id == shop.community_id:
                    household = h
                    break
            if household is None:
                raise problem("commerce.subscribe_household_required")
            now = datetime.now(UTC)
            values = {"household_id": household, "opted_in": opted_in, "updated_at": now}
            await uow.session.execute(
                insert(ShopSubscription)
                .values(shop_id=shop.id, user_id=who.subject, **values)
                .on_conflict_do_update(index_elements=["shop_id", "user_id"], set_=values)
            )
            await uow.audit(
                who,
                "commerce.shop.opt_in" if opted_in else "commerce.shop.opt_out",
                "shop",
                str(shop.id),
                community_id=shop.community_id,
            )
            await uow.commit()
            return opted_in

    # ---------------------------------------------------------------------------------
    @staticmethod
    async def _publish(
        uow: UnitOfWork,
        offer: ShopOffer,
        merchant: Merchant,
        change: ShopOfferChange,
        by: str,
        at: datetime,
    ) -> None:
        await uow.publish(
            ShopOfferChangedV1(
                offer_id=str(offer.id),
                shop_id=str(offer.shop_id),
                merchant_id=str(merchant.id),
                community_id=offer.community_id,
                change=change,
                title_zh=offer.title_zh,
                title_en=offer.title_en,
                price_fen=offer.price_fen,
                discount_pct=offer.discount_pct,
                valid_from=offer.valid_from,
                valid_to=offer.valid_to,
                pushed_count=offer.pushed_count,
                capped_count=offer.capped_count,
                changed_by=by,
                changed_at=at,
            ),
            key=str(offer.shop_id),
        )

    async def _shop(
        self, uow: UnitOfWork, who: Caller, shop_id: uuid.UUID
    ) -> tuple[Shop, Merchant]:
        """The shop as the caller may see it (staff: their community's; the merchant: their
        own; residents: their community's shops of verified merchants), else 404."""
        communities = await q.resident_communities(uow, self.places, who.principal)
        row = (
            await uow.session.execute(
                select(Shop, Merchant)
                .join(Merchant, Merchant.id == Shop.merchant_id)
                .where(
                    Shop.id == shop_id,
                    or_(
                        q.staff_scope(who.principal, Shop.community_id),
                        Merchant.owner_id == who.subject,
                        and_(
                            Merchant.status == MerchantStatus.VERIFIED,
                            q.in_communities(Shop.community_id, communities),
                        ),
                    ),
                )
            )
        ).first()
        if row is None:
            raise problem("commerce.shop_not_found")
        return row[0], row[1]

    async def _push(self, uow: UnitOfWork, offer: ShopOffer, shop: Shop, now: datetime) -> None:
        """Push ``offer`` to the shop's opted-in residents under the weekly cap. Each
        resident's opt-in row is locked (in the order of their ids, so two publishers never
        wait on each other crosswise) before their pushes are counted: an offer published
        at the same instant waits, then counts this one's pushes."""
        subscribers = list(
            await uow.session.scalars(
                select(ShopSubscription.user_id)
                .where(ShopSubscription.shop_id == shop.id, ShopSubscription.opted_in.is_(True))
                .order_by(ShopSubscription.user_id)
                .with_for_update()
            )
        )
        if not subscribers:
            return
        recent = dict(
            (
                await uow.session.execute(
                    select(OfferPush.user_id, func.count())
                    .where(
                        OfferPush.shop_id == shop.id,
                        OfferPush.user_id.in_(subscribers),
                        OfferPush.pushed_at > now - rules.CAP_WINDOW,
                    )
                    .group_by(OfferPush.user_id)
                )
            )
            .tuples()
            .all()
        )
        eligible = [u for u in subscribers if recent.get(u, 0) < self.cap]
        offer.pushed_count, offer.capped_count = len(eligible), len(subscribers) - len(eligible)
        if not eligible:
            return
        uow.session.add_all(
            OfferPush(offer_id=offer.id, user_id=u, shop_id=shop.id, pushed_at=now)
            for u in eligible
        )
        words = rules.push_words(
            shop.name,
            offer.title_zh,
            offer.title_en,
            rules.deal_text(offer.price_fen, offer.discount_pct),
            offer.valid_from,
            offer.valid_to,
        )
        for n, start in enumerate(range(0, len(eligible), rules.PUSH_BATCH)):
            request_id = f"commerce-offer-{offer.id}-{n}"
            await uow.publish(
                NotificationRequestedV1(
                    request_id=request_id,
                    recipients=Recipients(user_ids=eligible[start : start + rules.PUSH_BATCH]),
                    template="generic.message",
                    variables=words,
                    severity=NotificationSeverity.INFO,
                    channels=[NotificationChannel.INAPP, NotificationChannel.PUSH],
                    source_service="commerce",
                    community_id=shop.community_id,
                    correlation_id=str(offer.id),
                ),
                key=request_id,
            )
