"""Shop orders (社区商铺订单): a household orders, the merchant works the order (or
refuses it, a paid one refunded in full), the household cancels it before paying; paying
and refunding are parking-payment's (``shop_order``)."""

from __future__ import annotations

import uuid
from typing import Literal

from fastapi import APIRouter

from commerce.api.deps import OrdersDep
from commerce.api.schemas import label
from commerce.api.schemas.orders import (
    ShopOrderCreate,
    ShopOrderLineRead,
    ShopOrderRead,
    ShopOrderStep,
)
from commerce.domain import orders as rules
from commerce.domain.shops import price_text, yuan
from commerce.usecases.orders import ShownOrder
from sc_contracts.events import ShopOrderStatus
from sc_core.api import Page, Paging
from sc_core.auth import CurrentCaller

router = APIRouter(prefix="/api/v1/commerce/orders", tags=["commerce orders"])

Action = Literal["accept", "ship", "complete", "refuse", "cancel"]


def view(shown: ShownOrder) -> ShopOrderRead:
    o = shown.order
    paid = o.paid_at is not None
    refund = rules.refund_state(o.refund_fen, o.refunded_at is not None)
    words = rules.refund_label(refund, o.status, o.refund_fen)
    return ShopOrderRead(
        id=o.id,
        shop_id=o.shop_id,
        shop_name=shown.shop_name,
        community_id=o.community_id,
        household_id=o.household_id,
        status=ShopOrderStatus(o.status),
        status_label=label(rules.STATUS_LABELS[o.status]),
        items=[
            ShopOrderLineRead(
                product_id=i.product_id,
                name=i.name,
                unit=i.unit,
                unit_price_fen=i.unit_price_fen,
                quantity=i.quantity,
                amount_fen=i.unit_price_fen * i.quantity,
                price_label=label(price_text(i.unit_price_fen, i.unit)),
            )
            for i in shown.items
        ],
        item_count=o.item_count,
        total_fen=o.total_fen,
        total_label=label((f"{yuan(o.total_fen)} 元", f"{yuan(o.total_fen)} yuan")),
        note=o.note,
        refuse_reason=o.refuse_reason,
        paid=paid,
        paid_label=label(rules.PAID_LABELS[paid]),
        payable=rules.payable(o.status, paid),
        paid_at=o.paid_at,
        refund_state=refund,
        refund_fen=o.refund_fen,
        refund_label=label(words) if words else None,
        refunded_at=o.refunded_at,
        mine=shown.mine,
        created_at=o.created_at,
        updated_at=o.updated_at,
    )


@router.post(
    "", status_code=201, response_model=ShopOrderRead, summary="Order from a shop (resident)"
)
async def place_order(
    body: ShopOrderCreate, who: CurrentCaller, orders: OrdersDep
) -> ShopOrderRead:
    return view(await orders.place(who, body))


@router.get(
    "",
    response_model=Page[ShopOrderRead],
    summary="Orders: my household's, my shop's (merchant), my community's (staff)",
)
async def list_orders(
    who: CurrentCaller,
    orders: OrdersDep,
    paging: Paging,
    status: ShopOrderStatus | None = None,
    shop_id: uuid.UUID | None = None,
) -> Page[ShopOrderRead]:
    rows, total = await orders.page(who, paging, status=status, shop_id=shop_id)
    return Page[ShopOrderRead].of([view(r) for r in rows], total, paging)


@router.get("/{order_id}", response_model=ShopOrderRead, summary="An order")
async def get_order(order_id: uuid.UUID, who: CurrentCaller, orders: OrdersDep) -> ShopOrderRead:
    return view(await orders.get(who, order_id))


@router.post(
    "/{order_id}/{action}",
    response_model=ShopOrderRead,
    summary="Accept, ship, complete or refuse (merchant, a paid order refunded); cancel before "
    "paying (household)",
)
async def step_order(
    order_id: uuid.UUID,
    action: Action,
    who: CurrentCaller,
    orders: OrdersDep,
    body: ShopOrderStep | None = None,
) -> ShopOrderRead:
    return view(await orders.step(who, order_id, action, body or ShopOrderStep()))
