"""Payment orders (支付单) on the PaymentIntent model, refunds, and provider results.

States: ``created`` (stored, nothing asked of the provider yet) -> ``pending`` (the
provider holds a prepay: QR code, prepay_id, H5 url...) -> ``succeeded`` (the provider
says paid, by a verified callback or by our query) / ``failed`` (the provider refused
the order) / ``closed`` (not paid in time, or cancelled; closed at the provider first).
Refunds (退款) of a succeeded order, partial or full, never more than was paid in total.

A provider result is applied only when its merchant, app and amount are those of the
order; the same success twice changes nothing; a success arriving after we closed the
order is recorded (the money is real) and flagged, never dropped.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from parking_payment.domain.errors import DomainError


class Provider(StrEnum):
    wechat = "wechat"
    alipay = "alipay"


class Channel(StrEnum):
    qr = "qr"  # 扫码: WeChat Native, Alipay precreate
    mini_program = (
        "mini_program"  # 小程序: WeChat JSAPI with the mini-program's appid, Alipay create
    )
    jsapi = "jsapi"  # 公众号 (official account)
    h5 = "h5"  # 手机网页: WeChat H5, Alipay wap.pay
    web = "web"  # 电脑网页: WeChat Native QR shown on the page, Alipay page.pay
    app = "app"  # App: WeChat APP, Alipay app.pay


class Purpose(StrEnum):
    parking = "parking"
    property_bill = "property_bill"
    ev_charging = "ev_charging"
    ebike_charging = "ebike_charging"
    shop_order = "shop_order"  # a resident's order of a commerce shop


class OrderStatus(StrEnum):
    created = "created"
    pending = "pending"
    succeeded = "succeeded"
    failed = "failed"
    closed = "closed"


OPEN_STATUSES = (OrderStatus.created, OrderStatus.pending)


class TradeState(StrEnum):
    """What a provider says about a trade, in our words."""

    paid = "paid"  # WeChat SUCCESS / Alipay TRADE_SUCCESS, TRADE_FINISHED
    not_paid = "not_paid"  # NOTPAY, USERPAYING, WAIT_BUYER_PAY
    closed = "closed"  # CLOSED, REVOKED / TRADE_CLOSED (unpaid)
    failed = "failed"  # PAYERROR
    refunded = "refunded"  # REFUND: paid, then refunded (still a success for the order)
    unknown_order = "unknown_order"  # ORDER_NOT_EXIST / ACQ.TRADE_NOT_EXIST


class RefundStatus(StrEnum):
    processing = "processing"
    succeeded = "succeeded"
    failed = "failed"


@dataclass(frozen=True, slots=True)
class ProviderResult:
    out_trade_no: str
    state: TradeState
    merchant_id: str
    app_id: str
    amount: int | None  # fen; None when the provider states no amount (not paid)
    trade_no: str | None = None
    paid_at: datetime | None = None
    payer: str | None = None  # openid / buyer_id: kept only as a reference


class Outcome(StrEnum):
    applied = "applied"  # the order changed
    unchanged = "unchanged"  # nothing to do (still unpaid, or the same success again)
    applied_late = "applied_late"  # paid after we closed it: recorded, flagged for refund
    rejected = "rejected"  # does not belong to this order: nothing changed, audit it


@dataclass(frozen=True, slots=True)
class Applied:
    outcome: Outcome
    reason: str


@dataclass(slots=True)
class Refund:
    order_id: uuid.UUID
    out_refund_no: str
    amount: int
    reason: str
    requested_by: str
    created_at: datetime
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    status: RefundStatus = RefundStatus.processing
    provider_refund_id: str | None = None
    succeeded_at: datetime | None = None


@dataclass(slots=True)
class PaymentOrder:
    provider: Provider
    channel: Channel
    amount: int
    description: str
    purpose: Purpose
    target_id: str
    merchant_id: str
    app_id: str
    created_at: datetime
    expires_at: datetime
    community_id: str | None = None
    payer_account: str | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    out_trade_no: str = field(default_factory=lambda: new_out_trade_no("P"))
    status: OrderStatus = OrderStatus.created
    trade_no: str | None = None
    paid_at: datetime | None = None
    closed_at: datetime | None = None
    refunded: int = 0
    flags: list[str] = field(default_factory=list)
    refunds: list[Refund] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not 1 <= self.amount <= 10_000_000_000:
            raise DomainError(
                "payment.bad_amount",
                "支付金额必须在 0.01 元到 1 亿元之间",
                "the amount must be between 0.01 and 100,000,000 yuan",
            )
        if not self.description.strip() or len(self.description) > 127:
            raise DomainError(
                "payment.bad_description",
                "商品描述不能为空且不超过 127 个字",
                "the description must be 1 to 127 characters",
            )

    # -- lifecycle ---------------------------------------------------------------
    def mark_pending(self) -> None:
        if self.status is OrderStatus.pending:
            return
        self._require(OrderStatus.created, "mark_pending")
        self.status = OrderStatus.pending

    def mark_failed(self, reason: str) -> None:
        self._require_open("mark_failed")
        self.status = OrderStatus.failed
        self.flags.append(f"failed:{reason}")

    def close(self, at: datetime) -> None:
        if self.status is OrderStatus.closed:
            return
        self._require_open("close")
        self.status = OrderStatus.closed
        self.closed_at = at

    def is_expired(self, now: datetime) -> bool:
        return self.status in OPEN_STATUSES and now >= self.expires_at

    def apply(self, result: ProviderResult) -> Applied:
        """Apply what the provider says (a verified callback or our query)."""
        if result.out_trade_no != self.out_trade_no:
            return Applied(Outcome.rejected, "order_mismatch")
        if result.merchant_id != self.merchant_id or result.app_id != self.app_id:
            return Applied(Outcome.rejected, "merchant_mismatch")
        if result.state in (TradeState.paid, TradeState.refunded):
            return self._apply_paid(result)
        if result.state in (TradeState.closed, TradeState.failed):
            if self.status in OPEN_STATUSES:
                if result.state is TradeState.closed:
                    self.close(result.paid_at or self.expires_at)
                else:
                    self.mark_failed("provider")
                return Applied(Outcome.applied, result.state.value)
            return Applied(Outcome.unchanged, f"already_{self.status.value}")
        return Applied(Outcome.unchanged, result.state.value)

    def _apply_paid(self, result: ProviderResult) -> Applied:
        if result.amount != self.amount:
            return Applied(Outcome.rejected, "amount_mismatch")
        if not result.trade_no:
            return Applied(Outcome.rejected, "missing_trade_no")
        if self.status is OrderStatus.succeeded:
            if result.trade_no == self.trade_no:
                return Applied(Outcome.unchanged, "already_succeeded")
            return Applied(Outcome.rejected, "other_trade_no")
        late = self.status in (OrderStatus.closed, OrderStatus.failed)
        self.status = OrderStatus.succeeded
        self.trade_no = result.trade_no
        self.paid_at = result.paid_at
        if late:
            self.flags.append("paid_after_close")
            return Applied(Outcome.applied_late, "paid_after_close")
        return Applied(Outcome.applied, "paid")

    # -- refunds -----------------------------------------------------------------
    @property
    def refund_reserved(self) -> int:
        """Refunded plus refunds still processing: what can no longer be refunded."""
        return sum(r.amount for r in self.refunds if r.status is not RefundStatus.failed)

    @property
    def refundable(self) -> int:
        return self.amount - self.refund_reserved if self.status is OrderStatus.succeeded else 0

    @property
    def refund_state(self) -> str:
        if self.refunded == 0:
            return "none"
        return "full" if self.refunded >= self.amount else "partial"

    def request_refund(self, amount: int, reason: str, requested_by: str, at: datetime) -> Refund:
        if self.status is not OrderStatus.succeeded:
            raise DomainError(
                "payment.not_refundable",
                "只有支付成功的订单可以退款",
                "only a succeeded order can be refunded",
            )
        if amount <= 0 or amount > self.refundable:
            raise DomainError(
                "payment.refund_too_large",
                f"退款金额须在 0.01 元到 {self.refundable / 100:.2f} 元之间",
                f"the refund must be between 0.01 and {self.refundable / 100:.2f} yuan",
            )
        if not reason.strip() or len(reason) > 80:
            raise DomainError(
                "payment.bad_refund_reason",
                "退款原因不能为空且不超过 80 个字",
                "the refund reason must be 1 to 80 characters",
            )
        refund = Refund(self.id, new_out_trade_no("R"), amount, reason, requested_by, at)
        self.refunds.append(refund)
        return refund

    def refund_result(
        self, out_refund_no: str, succeeded: bool, refund_id: str | None, at: datetime
    ) -> Applied:
        refund = next((r for r in self.refunds if r.out_refund_no == out_refund_no), None)
        if refund is None:
            return Applied(Outcome.rejected, "unknown_refund")
        if refund.status is not RefundStatus.processing:
            return Applied(Outcome.unchanged, f"already_{refund.status.value}")
        refund.provider_refund_id = refund_id or refund.provider_refund_id
        if succeeded:
            refund.status = RefundStatus.succeeded
            refund.succeeded_at = at
            self.refunded += refund.amount
        else:
            refund.status = RefundStatus.failed
        return Applied(Outcome.applied, refund.status.value)

    # -- helpers -----------------------------------------------------------------
    def _require(self, status: OrderStatus, step: str) -> None:
        if self.status is not status:
            raise _bad_step(self.status, step)

    def _require_open(self, step: str) -> None:
        if self.status not in OPEN_STATUSES:
            raise _bad_step(self.status, step)


ORDER_STATUS_ZH = {
    OrderStatus.created: "待支付",
    OrderStatus.pending: "支付中",
    OrderStatus.succeeded: "已支付",
    OrderStatus.failed: "支付失败",
    OrderStatus.closed: "已关闭",
}


def _bad_step(status: OrderStatus, step: str) -> DomainError:
    return DomainError(
        "payment.invalid_state",
        f"订单{ORDER_STATUS_ZH[status]}，不能执行此操作",
        f"the order is {status.value}; {step} is not possible",
    )


def new_out_trade_no(prefix: str) -> str:
    """``P`` + 31 hex digits: 32 characters, within WeChat's 6-32 [0-9A-Za-z] and Alipay's 64."""
    return prefix + secrets.token_hex(16)[:31].upper()
