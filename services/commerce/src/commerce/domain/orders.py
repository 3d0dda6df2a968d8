"""Shop orders (社区商铺订单, 6.4 d): a resident's household orders products of a shop of
its community, priced in fen from the products at order time; the merchant accepts,
ships (once paid) and completes it, or refuses it with a reason before shipping (a paid
order's money is then due back in full); the household cancels it before paying. Paying
goes through parking-payment (``shop_order``): commerce learns it from parking-payment's
payment events, and a payment that is not to be kept (the order cancelled or refused
meanwhile) is recorded on the order as due back, which parking-payment refunds. Pure."""

from __future__ import annotations

from dataclasses import dataclass

from commerce.domain.shops import yuan
from sc_contracts.events import ShopOrderChange, ShopOrderStatus

S = ShopOrderStatus

STATUS_LABELS: dict[str, tuple[str, str]] = {
    S.PLACED: ("待商户接单", "Waiting for the shop"),
    S.ACCEPTED: ("商户已接单", "Accepted by the shop"),
    S.SHIPPED: ("已发货", "On its way"),
    S.COMPLETED: ("已完成", "Completed"),
    S.REFUSED: ("商户已拒单", "Refused by the shop"),
    S.CANCELLED: ("已取消", "Cancelled"),
}

PAID_LABELS = {True: ("已支付", "Paid"), False: ("未支付", "Not paid")}


class RefundState:
    NONE = "none"  # nothing paid, or the payment is kept
    DUE = "due"  # the payment is due back: parking-payment refunds it
    REFUNDED = "refunded"  # the provider confirmed the refund


def refund_state(refund_fen: int | None, refunded: bool) -> str:
    if refunded:
        return RefundState.REFUNDED
    return RefundState.DUE if refund_fen else RefundState.NONE


def refund_label(state: str, status: str, refund_fen: int | None) -> tuple[str, str] | None:
    """What the household reads about its money, or None when nothing is due back."""
    if state == RefundState.NONE or not refund_fen:
        return None
    amount = yuan(refund_fen)
    if state == RefundState.REFUNDED:
        return (f"已退款 {amount} 元，原路退回", f"{amount} yuan refunded to how you paid")
    why = {
        S.CANCELLED: ("订单已取消", "The order was cancelled"),
        S.REFUSED: ("商户已拒单", "The shop refused the order"),
    }.get(status, ("订单重复支付", "The order was paid twice"))
    return (
        f"{why[0]}，已付的 {amount} 元正在原路退回",
        f"{why[1]}: the {amount} yuan paid is being refunded to how you paid",
    )


# the merchant's steps: action -> (states it may be taken from, state it leads to)
MERCHANT_STEPS: dict[str, tuple[frozenset[str], str]] = {
    "accept": (frozenset({S.PLACED}), S.ACCEPTED),
    "ship": (frozenset({S.ACCEPTED}), S.SHIPPED),
    "complete": (frozenset({S.SHIPPED}), S.COMPLETED),
    "refuse": (frozenset({S.PLACED, S.ACCEPTED}), S.REFUSED),
}
# the household's step
RESIDENT_STEPS: dict[str, tuple[frozenset[str], str]] = {
    "cancel": (frozenset({S.PLACED, S.ACCEPTED}), S.CANCELLED),
}
ACTIONS = frozenset(MERCHANT_STEPS) | frozenset(RESIDENT_STEPS)
CHANGE_OF = {
    "accept": ShopOrderChange.ACCEPTED,
    "ship": ShopOrderChange.SHIPPED,
    "complete": ShopOrderChange.COMPLETED,
    "refuse": ShopOrderChange.REFUSED,
    "cancel": ShopOrderChange.CANCELLED,
}
PAYABLE = frozenset({S.PLACED, S.ACCEPTED})
# ended before payment: a payment that comes after is due back
CLOSED_UNPAID = frozenset({S.CANCELLED, S.REFUSED})
MAX_LINES = 50
MAX_QUANTITY = 99


@dataclass(frozen=True)
class Line:
    """One product of an order, priced when ordered."""

    product_id: str
    name: str
    unit: str | None
    unit_price_fen: int
    quantity: int

    @property
    def amount_fen(self) -> int:
        return self.unit_price_fen * self.quantity


def total_fen(lines: list[Line]) -> int:
    return sum(line.amount_fen for line in lines)


def step_refusal(action: str, status: str, paid: bool, reason: str | None) -> str | None:
    """Why ``action`` may not be taken on an order in ``status`` (a problem code), or
    None. Shipping needs the payment; the household cancels only an unpaid order (a paid
    one the merchant refuses, and the payment is refunded in full)."""
    steps = MERCHANT_STEPS if action in MERCHANT_STEPS else RESIDENT_STEPS
    allowed, _ = steps[action]
    if status not in allowed:
        return "commerce.order_step_refused"
    if action == "ship" and not paid:
        return "commerce.order_unpaid"
    if action == "cancel" and paid:
        return "commerce.order_paid"
    if action == "refuse" and not (reason and reason.strip()):
        return "commerce.refuse_reason_required"
    return None


def next_status(action: str) -> str:
    steps = MERCHANT_STEPS if action in MERCHANT_STEPS else RESIDENT_STEPS
    return steps[action][1]


def payable(status: str, paid: bool) -> bool:
    return status in PAYABLE and not paid


ORDER_PROBLEMS: dict[str, tuple[int, str, str]] = {
    "commerce.order_not_found": (404, "没有找到这笔订单", "No such order"),
    "commerce.order_empty": (422, "请至少选择一件商品", "Order at least one product"),
    "commerce.order_duplicate_product": (
        422,
        "同一件商品请只列一次，用数量表示多件",
        "List each product once, with its quantity",
    ),
    "commerce.product_unavailable": (
        409,
        "所选商品暂不供应或不属于这家商铺",
        "A product chosen is not available in this shop",
    ),
    "commerce.shop_out_of_reach": (
        403,
        "只能在本社区的商铺下单",
        "You can order only from your community's shops",
    ),
    "commerce.order_step_refused": (
        409,
        "订单当前的状态不能进行此操作",
        "This order's state does not allow that",
    ),
    "commerce.order_unpaid": (409, "订单支付后才能发货", "The order is shipped once paid"),
    "commerce.order_paid": (
        409,
        "订单已支付，不能取消；请联系商户拒单并退款",
        "A paid order can no longer be cancelled: ask the shop to refuse it and refund you",
    ),
    "commerce.refuse_reason_required": (422, "拒单时请写明原因", "Say why the order is refused"),
    "commerce.not_order_merchant": (
        403,
        "只有这家商铺的商户可以处理订单",
        "Only the shop's merchant may work this order",
    ),
    "commerce.not_order_household": (
        403,
        "只有下单的住户可以取消订单",
        "Only the household that placed the order may cancel it",
    ),
}
