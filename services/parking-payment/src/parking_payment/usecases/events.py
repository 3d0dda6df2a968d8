"""Contract events of payment orders, from the domain."""

from __future__ import annotations

from datetime import UTC, datetime

from parking_payment.domain.payments import PaymentOrder, Refund
from sc_contracts.events.payment import (
    PaymentOrderClosedV1,
    PaymentOrderPaidV1,
    PaymentRefundedV1,
)


def paid(order: PaymentOrder, household_id: str | None) -> PaymentOrderPaidV1:
    return PaymentOrderPaidV1(
        order_id=str(order.id),
        out_trade_no=order.out_trade_no,
        provider=order.provider.value,
        channel=order.channel.value,
        amount_fen=order.amount,
        purpose=order.purpose.value,
        target_id=order.target_id,
        community_id=order.community_id,
        household_id=household_id,
        payer_account=order.payer_account,
        trade_no=order.trade_no or "",
        paid_at=order.paid_at or datetime.now(UTC),
        late="paid_after_close" in order.flags,
    )


def closed(order: PaymentOrder) -> PaymentOrderClosedV1:
    return PaymentOrderClosedV1(
        order_id=str(order.id),
        out_trade_no=order.out_trade_no,
        purpose=order.purpose.value,
        target_id=order.target_id,
        community_id=order.community_id,
        closed_at=order.closed_at or datetime.now(UTC),
    )


def refunded(order: PaymentOrder, refund: Refund) -> PaymentRefundedV1:
    return PaymentRefundedV1(
        order_id=str(order.id),
        refund_id=str(refund.id),
        out_refund_no=refund.out_refund_no,
        amount_fen=refund.amount,
        refunded_total_fen=order.refunded,
        full=order.refund_state == "full",
        purpose=order.purpose.value,
        target_id=order.target_id,
        community_id=order.community_id,
        refunded_at=refund.succeeded_at or datetime.now(UTC),
    )
