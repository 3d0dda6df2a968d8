"""Shops and products (6.4 d): a verified merchant opens one shop and publishes products
priced in fen; residents browse the shops of their community nearest first and the
products on sale; a shop registered at a room where a household lives is flagged (住人
风险) and a case opened for the grid worker, once per flag (:mod:`.living`)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, and_, or_, select

from commerce.api.schemas.shops import ProductCreate, ProductUpdate, ShopCreate, ShopUpdate
from commerce.db import queries as q
from commerce.db import shop_list
from commerce.db.models import Merchant, Product, Shop
from commerce.domain import living as living_rules
from commerce.domain import shops as rules
from commerce.domain.points import distance_m
from commerce.domain.text import problem
from commerce.usecases.living import flag
from commerce.usecases.points import Origin
from sc_contracts.events import MerchantStatus
from sc_core.auth import Caller, in_scope
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.paging import PageParams, PageTotal, fetch_page
from sc_core.places import Places


@dataclass(frozen=True)
class ShownShop:
    shop: Shop
    merchant: Merchant
    distance_m: float | None
    staff_or_owner: bool
    mine: bool


class Shops:
    def __init__(self, db: Database, places: Places) -> None:
        self.db = db
        self.places = places

    # shops ---------------------------------------------------------------------------
    async def open(self, who: Caller, body: ShopCreate) -> ShownShop:
        async with self.db.uow() as uow:
            m = await q.merchant(uow, body.merchant_id)
            if m is None or m.owner_id != who.subject:
                raise problem("commerce.merchant_not_found")
            if m.status != MerchantStatus.VERIFIED:
                raise problem("commerce.merchant_unverified")
            if await uow.session.scalar(select(Shop.id).where(Shop.merchant_id == m.id)):
                raise problem("commerce.shop_exists")
            now = datetime.now(UTC)
            shop = Shop(
                id=uuid.uuid4(),
                merchant_id=m.id,
                community_id=m.community_id,
                name=" ".join(body.name.split()),
                description=body.description.strip() if body.description else None,
                latitude=body.latitude,
                longitude=body.longitude,
                room_id=body.room_id,
                door_id=body.door_id,
                created_at=now,
                updated_at=now,
            )
            uow.session.add(shop)
            await uow.session.flush()
            await self._check_flag(uow, shop, m, now)
            await uow.audit(
                who, "commerce.shop.open", "shop", str(shop.id), community_id=shop.community_id
            )
            await uow.commit()
            return ShownShop(shop, m, None, True, True)

    async def update(self, who: Caller, shop_id: uuid.UUID, body: ShopUpdate) -> ShownShop:
        async with self.db.uow() as uow:
            shop, m = await self._owned(uow, who, shop_id, lock=True)
            changes = body.model_dump(exclude_unset=True, exclude_none=True)
            if "name" in changes:
                changes["name"] = " ".join(changes["name"].split())
            changed = [k for k, v in changes.items() if getattr(shop, k) != v]
            for key in changed:
                setattr(shop, key, changes[key])
            if changed:
                now = datetime.now(UTC)
                shop.updated_at = now
                if "room_id" in changed:
                    await self._check_flag(uow, shop, m, now)
                await uow.audit(
                    who,
                    "commerce.shop.update",
                    "shop",
                    str(shop.id),
                    community_id=shop.community_id,
                    detail={"fields": ",".join(sorted(changed))},
                )
                await uow.commit()
            return ShownShop(shop, m, None, True, True)

    async def nearby(
        self, who: Caller, paging: PageParams, *, origin: Origin | None, flagged: bool | None
    ) -> tuple[list[ShownShop], PageTotal]:
        async with self.db.uow(read_only=True) as uow:
            communities = await q.resident_communities(uow, self.places, who.principal)
            at = None if origin is None else (origin.latitude, origin.longitude, origin.radius_m)
            shape, values = shop_list.shape_and_values(
                who.principal, communities, flagged=flagged, origin=at
            )
            page, count = shop_list.statements(shape)
            rows, total = await fetch_page(
                uow.session, page, paging, rows=True, bind=values, count=count
            )
            return [self._shown(who, shop, m, origin) for shop, m in rows], total

    async def get(self, who: Caller, shop_id: uuid.UUID) -> ShownShop:
        async with self.db.uow(read_only=True) as uow:
            shop, m = await self._visible(uow, who, shop_id)
            return self._shown(who, shop, m, None)

    # products ------------------------------------------------------------------------
    async def add_product(self, who: Caller, shop_id: uuid.UUID, body: ProductCreate) -> Product:
        async with self.db.uow() as uow:
            shop, _ = await self._owned(uow, who, shop_id)
            now = datetime.now(UTC)
            p = Product(
                id=uuid.uuid4(),
                shop_id=shop.id,
                name=" ".join(body.name.split()),
                description=body.description.strip() if body.description else None,
                unit=body.unit.strip() if body.unit else None,
                price_fen=body.price_fen,
                available=body.available,
                created_at=now,
                updated_at=now,
            )
            uow.session.add(p)
            await uow.session.flush()
            await uow.audit(
                who,
                "commerce.product.create",
                "product",
                str(p.id),
                community_id=shop.community_id,
                detail={"price_fen": str(p.price_fen)},
            )
            await uow.commit()
            return p

    async def change_product(
        self, who: Caller, shop_id: uuid.UUID, product_id: uuid.UUID, body: ProductUpdate
    ) -> Product:
        async with self.db.uow() as uow:
            shop, _ = await self._owned(uow, who, shop_id)
            p = await uow.session.scalar(
                select(Product)
                .where(Product.id == product_id, Product.shop_id == shop.id)
                .with_for_update()
            )
            if p is None:
                raise problem("commerce.product_not_found")
            changes = body.model_dump(exclude_unset=True, exclude_none=True)
            changed = [k for k, v in changes.items() if getattr(p, k) != v]
            for key in changed:
                setattr(p, key, changes[key])
            if changed:
                p.updated_at = datetime.now(UTC)
                await uow.audit(
                    who,
                    "commerce.product.update",
                    "product",
                    str(p.id),
                    community_id=shop.community_id,
                    detail={"fields": ",".join(sorted(changed))},
                )
                await uow.commit()
            return p

    async def products(
        self, who: Caller, shop_id: uuid.UUID, paging: PageParams, *, available: bool | None
    ) -> tuple[list[Product], PageTotal]:
        """A shop's products; residents see those on sale only."""
        async with self.db.uow(read_only=True) as uow:
            shop, m = await self._visible(uow, who, shop_id)
            query = select(Product).where(Product.shop_id == shop.id)
            if not self._staff_or_owner(who, shop, m):
                query = query.where(Product.available.is_(True))
            if available is not None:
                query = query.where(Product.available.is_(available))
            query = query.order_by(Product.name, Product.id)
            return await fetch_page(uow.session, query, paging)

    # ---------------------------------------------------------------------------------
    def _staff_or_owner(self, who: Caller, shop: Shop, m: Merchant) -> bool:
        return m.owner_id == who.subject or in_scope(
            who.principal, community_id=shop.community_id, roles=rules.FLAG_READERS
        )

    def _shown(self, who: Caller, shop: Shop, m: Merchant, origin: Origin | None) -> ShownShop:
        far = (
            None
            if origin is None
            else distance_m(origin.latitude, origin.longitude, shop.latitude, shop.longitude)
        )
        return ShownShop(
            shop, m, far, self._staff_or_owner(who, shop, m), m.owner_id == who.subject
        )

    async def _seen(self, uow: UnitOfWork, who: Caller) -> ColumnElement[bool]:
        """Staff: their community's shops; a merchant: their own; residents: the shops of
        verified merchants of their community."""
        return or_(*await self._scope(uow, who))

    async def _scope(self, uow: UnitOfWork, who: Caller) -> list[ColumnElement[bool]]:
        """The parts of :meth:`_seen` (the staff's first: it reads shops alone)."""
        communities = await q.resident_communities(uow, self.places, who.principal)
        return [
            q.staff_scope(who.principal, Shop.community_id),
            Merchant.owner_id == who.subject,
            and_(
                Merchant.status == MerchantStatus.VERIFIED,
                q.in_communities(Shop.community_id, communities),
            ),
        ]

    async def _visible(
        self, uow: UnitOfWork, who: Caller, shop_id: uuid.UUID
    ) -> tuple[Shop, Merchant]:
        row = (
            await uow.session.execute(
                select(Shop, Merchant)
                .join(Merchant, Merchant.id == Shop.merchant_id)
                .where(Shop.id == shop_id, await self._seen(uow, who))
            )
        ).first()
        if row is None:
            raise problem("commerce.shop_not_found")
        return row[0], row[1]

    async def _owned(
        self, uow: UnitOfWork, who: Caller, shop_id: uuid.UUID, *, lock: bool = False
    ) -> tuple[Shop, Merchant]:
        """The caller's own shop; one they may see but not own is 403, others 404."""
        shop, m = await self._visible(uow, who, shop_id)
        if m.owner_id != who.subject:
            raise problem("commerce.not_shop_owner")
        if lock:
            await uow.session.refresh(shop, with_for_update=True)
        return shop, m

    async def _check_flag(self, uow: UnitOfWork, shop: Shop, m: Merchant, now: datetime) -> None:
        """Flag a shop whose registered room has a household living in it (a case for the
        grid worker, through work-orders: :func:`commerce.usecases.living.flag`); a room
        with nobody in it clears that flag (not one from its nights)."""
        living = await self.places.households_in_room(uow, shop.room_id) if shop.room_id else set()
        if not living:
            if shop.flag == living_rules.RESIDENTIAL:
                shop.flag = shop.flag_zh = shop.flag_en = shop.flagged_at = None
            return
        if shop.flag is not None:
            return
        place = await self.places.household(uow, sorted(living)[0])
        if place is not None and place.building_id:
            shop.building_id = place.building_id
        await flag(uow, shop, m, living_rules.residential(), now, mark=now.isoformat())
