"""Shop orders (6.4 d): a household orders products of a shop of its community, priced in
fen from the products when ordered (each on sale, in that shop); the merchant accepts,
ships once paid, completes, or refuses with a reason before shipping (a paid order's
payment then due back); the household cancels before paying. Each change goes out as
``ShopOrderChangedV1`` on ``commerce.orders.v1``, from which parking-payment knows what
may be paid and how much (``shop_order``) and which payment to refund; its payment
events mark the order paid here (``paid``), its refund events refunded (``refunded``)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, false, or_, select

from commerce.api.schemas.orders import ShopOrderCreate, ShopOrderStep
from commerce.db import queries as q
from commerce.db.models import Merchant, Product, Shop, ShopOrder, ShopOrderItem
from commerce.domain import orders as rules
from commerce.domain.merchants import RESIDENT_ROLES
from commerce.domain.text import problem
from sc_contracts.events import (
    MerchantStatus,
    ShopOrderChange,
    ShopOrderChangedV1,
    ShopOrderStatus,
)
from sc_contracts.events.payment import PaymentOrderPaidV1, PaymentRefundedV1
from sc_core.auth import Caller, Principal
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.paging import PageParams, PageTotal, fetch_page
from sc_core.places import Places

PURPOSE = "shop_order"  # parking-payment's Purpose.shop_order


@dataclass(frozen=True)
class ShownOrder:
    order: ShopOrder
    items: list[ShopOrderItem]
    shop_name: str
    mine: bool


def _households(principal: Principal) -> list[str]:
    return sorted(principal.scope_ids("household", RESIDENT_ROLES))


def _visible(principal: Principal) -> ColumnElement[bool]:
    """Residents: their households' orders; a merchant: their shop's; staff: their
    community's."""
    households = _households(principal)
    mine = ShopOrder.household_id.in_(households) if households else false()
    owned = ShopOrder.merchant_id.in_(
        select(Merchant.id).where(Merchant.owner_id == principal.subject)
    )
    return or_(mine, owned, q.staff_scope(principal, ShopOrder.community_id))


class Orders:
    def __init__(self, db: Database, places: Places) -> None:
        self.db = db
        self.places = places

    async def place(self, who: Caller, body: ShopOrderCreate) -> ShownOrder:
        households = _households(who.principal)
        household = body.household_id
        if household is None and len(households) == 1:
            [household] = households
        if household is None or household not in households:
            raise problem("commerce.household_required")
        if not body.items:
            raise problem("commerce.order_empty")
        wanted = [line.product_id for line in body.items]
        if len(set(wanted)) != len(wanted):
            raise problem("commerce.order_duplicate_product")
        async with self.db.uow() as uow:
            row = (
                await uow.session.execute(
                    select(Shop, Merchant)
                    .join(Merchant, Merchant.id == Shop.merchant_id)
                    .where(Shop.id == body.shop_id, Merchant.status == MerchantStatus.VERIFIED)
                )
            ).first()
            place = await self.places.household(uow, household)
            if row is None:
                raise problem("commerce.shop_not_found")
            shop, merchant = row[0], row[1]
            if place is None:
                raise problem("commerce.household_unknown")
            if place.community_id != shop.community_id:
                raise problem("commerce.shop_out_of_reach")
            found = await uow.session.scalars(
                select(Product).where(Product.id.in_(wanted), Product.shop_id == shop.id)
            )
            products = {p.id: p for p in found}
            if any(pid not in products or not products[pid].available for pid in wanted):
                raise problem("commerce.product_unavailable")
            lines = [
                rules.Line(
                    str(line.product_id),
                    products[line.product_id].name,
                    products[line.product_id].unit,
                    products[line.product_id].price_fen,
                    line.quantity,
                )
                for line in body.items
            ]
            now = datetime.now(UTC)
            order = ShopOrder(
                id=uuid.uuid4(),
                shop_id=shop.id,
                merchant_id=merchant.id,
                community_id=shop.community_id,
                household_id=household,
                status=ShopOrderStatus.PLACED.value,
                total_fen=rules.total_fen(lines),
                item_count=sum(line.quantity for line in lines),
                note=body.note.strip() if body.note else None,
                placed_by=who.subject,
                created_at=now,
                updated_at=now,
            )
            uow.session.add(order)
            await uow.session.flush()
            items = [
                ShopOrderItem(
                    order_id=order.id,
                    product_id=uuid.UUID(line.product_id),
                    position=i,
                    name=line.name,
                    unit=line.unit,
                    unit_price_fen=line.unit_price_fen,
                    quantity=line.quantity,
                )
                for i, line in enumerate(lines)
            ]
            uow.session.add_all(items)
            await self._publish(uow, order, ShopOrderChange.PLACED, who.subject, now)
            await uow.audit(
                who,
                "commerce.order.place",
                "shop_order",
                str(order.id),
                community_id=order.community_id,
                detail={"shop_id": str(shop.id), "total_fen": str(order.total_fen)},
            )
            await uow.commit()
            return ShownOrder(order, items, shop.name, True)

    async def page(
        self,
        who: Caller,
        paging: PageParams,
        *,
        status: ShopOrderStatus | None,
        shop_id: uuid.UUID | None,
    ) -> tuple[list[ShownOrder], PageTotal]:
        async with self.db.uow(read_only=True) as uow:
            query = select(ShopOrder).where(_visible(who.principal))
            if status is not None:
                query = query.where(ShopOrder.status == status.value)
            if shop_id is not None:
                query = query.where(ShopOrder.shop_id == shop_id)
            query = query.order_by(ShopOrder.created_at.desc(), ShopOrder.id.desc())
            rows, total = await fetch_page(uow.session, query, paging)
            return await self._shown(uow, who, rows), total

    async def get(self, who: Caller, order_id: uuid.UUID) -> ShownOrder:
        async with self.db.uow(read_only=True) as uow:
            order = await uow.session.scalar(
                select(ShopOrder).where(ShopOrder.id == order_id, _visible(who.principal))
            )
            if order is None:
                raise problem("commerce.order_not_found")
            [shown] = await self._shown(uow, who, [order])
            return shown

    async def step(
        self, who: Caller, order_id: uuid.UUID, action: str, body: ShopOrderStep
    ) -> ShownOrder:
        async with self.db.uow() as uow:
            order = await uow.session.scalar(
                select(ShopOrder)
                .where(ShopOrder.id == order_id, _visible(who.principal))
                .with_for_update()
            )
            if order is None:
                raise problem("commerce.order_not_found")
            if action in rules.MERCHANT_STEPS:
                owner = await uow.session.scalar(
                    select(Merchant.owner_id).where(Merchant.id == order.merchant_id)
                )
                if owner != who.subject:
                    raise problem("commerce.not_order_merchant")
            elif order.household_id not in _households(who.principal):
                raise problem("commerce.not_order_household")
            why = rules.step_refusal(action, order.status, order.paid_at is not None, body.reason)
            if why is not None:
                raise problem(why)
            now = datetime.now(UTC)
            order.status, order.updated_at = rules.next_status(action), now
            if action == "refuse" and body.reason:
                order.refuse_reason = body.reason.strip()
            refund = None
            if action == "refuse" and order.paid_at is not None:
                # refused after payment: the money goes back in full (parking-payment)
                order.refund_fen, order.refund_due_at = order.total_fen, now
                refund = order.payment_order_id
            await self._publish(
                uow, order, rules.CHANGE_OF[action], who.subject, now, refund=refund
            )
            detail = {"status": order.status}
            if refund is not None:
                detail |= {"refund_payment_order_id": refund, "refund_fen": str(order.total_fen)}
            await uow.audit(
                who,
                f"commerce.order.{action}",
                "shop_order",
                str(order.id),
                community_id=order.community_id,
                detail=detail,
            )
            [shown] = await self._shown(uow, who, [order])
            await uow.commit()
            return shown

    async def paid(self, uow: UnitOfWork, event: PaymentOrderPaidV1) -> None:
        """parking-payment took the money for a ``shop_order``. The order is paid, once
        (the consumer's inbox drops a redelivered event; the same payment told again
        changes nothing). A payment that is not to be kept is due back in full and said so
        on ``commerce.orders.v1`` (``refund_payment_order_id``), which parking-payment
        refunds: one for an order the household cancelled or the merchant refused before
        parking-payment knew (recorded on the order, which the household reads), one for
        an order paid already, or of an amount other than the order's total."""
        if event.purpose != PURPOSE:
            return
        try:
            order_id = uuid.UUID(event.target_id)
        except ValueError:
            return
        order = await uow.session.get(ShopOrder, order_id, with_for_update=True)
        if order is None or order.payment_order_id == event.order_id:
            return
        now = datetime.now(UTC)
        unpaid = order.paid_at is None
        if unpaid and rules.payable(order.status, False) and event.amount_fen == order.total_fen:
            order.paid_at, order.payment_order_id, order.updated_at = (
                event.paid_at,
                event.order_id,
                now,
            )
            await self._publish(uow, order, ShopOrderChange.PAID, "parking-payment", now)
            action = "commerce.order.paid"
        else:
            if unpaid and order.status in rules.CLOSED_UNPAID:
                # cancelled or refused meanwhile: the money is on the order, due back
                order.paid_at, order.payment_order_id = event.paid_at, event.order_id
                order.refund_fen, order.refund_due_at = event.amount_fen, now
                order.updated_at = now
            await self._publish(
                uow, order, ShopOrderChange.PAID, "parking-payment", now, refund=event.order_id
            )
            action = "commerce.order.refund_due"
        await uow.audit(
            None,
            action,
            "shop_order",
            str(order.id),
            community_id=order.community_id,
            detail={"payment_order_id": event.order_id, "amount_fen": str(event.amount_fen)},
        )

    async def refunded(self, uow: UnitOfWork, event: PaymentRefundedV1) -> None:
        """parking-payment refunded the order's payment in full: the household reads it
        (once; a refund of another payment of the order, a duplicate, changes nothing)."""
        if event.purpose != PURPOSE or not event.full:
            return
        try:
            order_id = uuid.UUID(event.target_id)
        except ValueError:
            return
        order = await uow.session.get(ShopOrder, order_id, with_for_update=True)
        if order is None or order.payment_order_id != event.order_id:
            return
        if order.refunded_at is not None:
            return
        order.refunded_at, order.updated_at = event.refunded_at, datetime.now(UTC)
        order.refund_fen = event.refunded_total_fen
        await uow.audit(
            None,
            "commerce.order.refunded",
            "shop_order",
            str(order.id),
            community_id=order.community_id,
            detail={
                "payment_order_id": event.order_id,
                "amount_fen": str(event.refunded_total_fen),
            },
        )

    # ---------------------------------------------------------------------------------
    async def _publish(
        self,
        uow: UnitOfWork,
        order: ShopOrder,
        change: ShopOrderChange,
        by: str,
        at: datetime,
        *,
        refund: str | None = None,
    ) -> None:
        paid = order.paid_at is not None
        await uow.publish(
            ShopOrderChangedV1(
                order_id=str(order.id),
                shop_id=str(order.shop_id),
                merchant_id=str(order.merchant_id),
                community_id=order.community_id,
                household_id=order.household_id,
                total_fen=order.total_fen,
                item_count=order.item_count,
                status=ShopOrderStatus(order.status),
                change=change,
                paid=paid,
                payable=rules.payable(order.status, paid),
                changed_by=by,
                changed_at=at,
                refund_payment_order_id=refund,
            ),
            key=str(order.id),
        )

    async def _shown(
        self, uow: UnitOfWork, who: Caller, orders: list[ShopOrder]
    ) -> list[ShownOrder]:
        if not orders:
            return []
        ids = [o.id for o in orders]
        items: dict[uuid.UUID, list[ShopOrderItem]] = {i: [] for i in ids}
        for item in await uow.session.scalars(
            select(ShopOrderItem)
            .where(ShopOrderItem.order_id.in_(ids))
            .order_by(ShopOrderItem.order_id, ShopOrderItem.position)
        ):
            items[item.order_id].append(item)
        shop_ids = sorted({o.shop_id for o in orders})
        names = dict(
            (await uow.session.execute(select(Shop.id, Shop.name).where(Shop.id.in_(shop_ids))))
            .tuples()
            .all()
        )
        households = set(_households(who.principal))
        return [
            ShownOrder(o, items[o.id], names[o.shop_id], o.household_id in households)
            for o in orders
        ]
