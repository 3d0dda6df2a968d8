"""A commerce shop order as something to pay (``Purpose.shop_order``).

commerce owns the orders; this service learns them from ``commerce.orders.v1``
(``ShopOrderChangedV1``) into its own table, so the amount a payment asks for is the
order's total as commerce priced it, never a number from the client. Only a member of the
household that placed the order may pay it, once, while commerce says it may be paid
(placed or accepted, not paid, not cancelled or refused). The payment's success goes out
as the usual ``PaymentOrderPaidV1`` (purpose ``shop_order``), from which commerce marks
the order paid. A payment commerce says is not to be kept (``refund_payment_order_id``:
the order was cancelled or refused after it was paid, or paid twice) is refunded in full
through the provider, once (``Payments.refund_due``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.dialects.postgresql import insert

from parking_payment.db.shop_orders import ShopOrderRow
from parking_payment.domain.errors import DomainError
from parking_payment.domain.money import describe_fen
from parking_payment.domain.payments import PaymentOrder
from parking_payment.usecases.ports import Quote, Uow, Who
from parking_payment.usecases.problems import not_found
from sc_contracts.events import ShopOrderChangedV1, ShopOrderStatus

# the household roles that order in commerce (its RESIDENT_ROLES)
HOUSEHOLD_ROLES = frozenset({"resident", "tenant", "family"})


def _not_found() -> Exception:
    return not_found("payment.shop_order_not_found", "找不到该商铺订单", "no such shop order")


class ShopOrders:
    async def on_changed(self, uow: Uow, event: ShopOrderChangedV1) -> None:
        """Keep the order as commerce last told it (an older event changes nothing; the
        payment we took stays recorded whatever commerce says)."""
        values = {
            "shop_id": event.shop_id,
            "community_id": event.community_id,
            "household_id": event.household_id,
            "amount": event.total_fen,
            "status": event.status.value,
            "payable": event.payable,
            "changed_at": event.changed_at,
            "updated_at": event.changed_at,
        }
        stmt = insert(ShopOrderRow).values(order_id=event.order_id, **values)
        await uow.session.execute(
            stmt.on_conflict_do_update(
                index_elements=["order_id"],
                set_=values,
                where=ShopOrderRow.changed_at < stmt.excluded.changed_at,
            )
        )

    @staticmethod
    def refund_reason(event: ShopOrderChangedV1) -> str:
        """Why a payment of the order is due back, as the provider records it."""
        if event.status is ShopOrderStatus.CANCELLED:
            return "商铺订单已取消，全额退款"
        if event.status is ShopOrderStatus.REFUSED:
            return "商户拒单，全额退款"
        return "商铺订单重复支付，全额退款"

    # -- a payment target (Purpose.shop_order) ----------------------------------------
    async def quote(self, uow: Uow, who: Who, target_id: str, now: datetime) -> Quote:
        row = await uow.session.get(ShopOrderRow, target_id[:64])
        households = who.principal.scope_ids("household", HOUSEHOLD_ROLES) if who.principal else ()
        if row is None or row.household_id not in households:
            raise _not_found()  # another household's order is no one's to see
        if not row.payable or row.payment_order_id is not None:
            raise DomainError(
                "payment.shop_order_not_payable",
                "该订单当前无需支付（已支付、已取消或商户已拒单）",
                "this order is not to be paid now (paid, cancelled or refused)",
            )
        return Quote(
            row.amount, f"商铺订单 {describe_fen(row.amount)}", row.community_id, row.household_id
        )

    async def paid(self, uow: Uow, order: PaymentOrder) -> bool:
        """Once: a second payment of the order, or one for an order cancelled or refused
        meanwhile, is due back (the order is flagged ``refund_due``)."""
        row = await uow.session.get(ShopOrderRow, order.target_id, with_for_update=True)
        if row is None:
            raise _not_found()
        if row.payment_order_id is not None or not row.payable:
            return False
        row.payment_order_id, row.payable = order.id, False
        return True
