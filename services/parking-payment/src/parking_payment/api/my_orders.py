"""The caller's own payment orders (我的支付记录): what the residents' app lists as the
resident's payments, newest first. Only the orders the caller created are listed, whoever
calls; the pay parameters (QR link, signature) are never listed."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import select

from parking_payment.api import views
from parking_payment.api.deps import PaymentsDep
from parking_payment.api.schemas import OrderRead
from parking_payment.db.orders import to_domain
from parking_payment.db.payments import PaymentOrderRow
from parking_payment.domain.payments import OrderStatus
from parking_payment.usecases.payments import OrderView
from sc_core.api import Page, Paging, fetch_page
from sc_core.auth import CurrentCaller

router = APIRouter(prefix="/api/v1/payments", tags=["payments"])


@router.get("/my-orders", response_model=Page[OrderRead], summary="My payment orders")
async def my_orders(
    who: CurrentCaller,
    payments: PaymentsDep,
    paging: Paging,
    status: OrderStatus | None = None,
) -> Page[OrderRead]:
    """The orders the caller created (whatever they paid: fees, parking, charging, a shop
    order), newest first; ``status`` narrows them (``succeeded``: what was paid)."""
    async with payments.uow() as uow:
        query = select(PaymentOrderRow).where(PaymentOrderRow.payer_account == who.subject)
        if status is not None:
            query = query.where(PaymentOrderRow.status == status.value)
        query = query.order_by(PaymentOrderRow.created_at.desc(), PaymentOrderRow.id.desc())
        rows, total = await fetch_page(uow.session, query, paging)
        items = [views.order_read(OrderView(to_domain(r, []), {}, r.household_id)) for r in rows]
    return Page[OrderRead].of(items, total, paging)
