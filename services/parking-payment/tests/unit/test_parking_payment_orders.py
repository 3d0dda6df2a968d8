from datetime import UTC, datetime, timedelta

import pytest

from parking_payment.domain.errors import DomainError
from parking_payment.domain.payments import (
    Channel,
    OrderStatus,
    Outcome,
    PaymentOrder,
    Provider,
    ProviderResult,
    Purpose,
    RefundStatus,
    TradeState,
)

NOW = datetime(2026, 12, 3, 9, tzinfo=UTC)


def order(amount: int = 900) -> PaymentOrder:
    o = PaymentOrder(
        Provider.wechat,
        Channel.qr,
        amount,
        "停车费 京A12345",
        Purpose.parking,
        "session-1",
        merchant_id="1900000109",
        app_id="wx0000000000000001",
        created_at=NOW,
        expires_at=NOW + timedelta(minutes=15),
    )
    o.mark_pending()
    return o


def paid(o: PaymentOrder, **over) -> ProviderResult:
    values = dict(
        out_trade_no=o.out_trade_no,
        state=TradeState.paid,
        merchant_id=o.merchant_id,
        app_id=o.app_id,
        amount=o.amount,
        trade_no="4200000001",
        paid_at=NOW,
    )
    values.update(over)
    return ProviderResult(**values)


def test_out_trade_no_fits_both_providers():
    o = order()
    assert len(o.out_trade_no) == 32
    assert o.out_trade_no.isalnum()


def test_success_applies_once():
    o = order()
    assert o.apply(paid(o)).outcome is Outcome.applied
    assert o.status is OrderStatus.succeeded
    assert o.apply(paid(o)).outcome is Outcome.unchanged
    assert o.status is OrderStatus.succeeded


@pytest.mark.parametrize(
    ("override", "reason"),
    [
        ({"amount": 1}, "amount_mismatch"),
        ({"merchant_id": "1900000999"}, "merchant_mismatch"),
        ({"app_id": "wx-other"}, "merchant_mismatch"),
        ({"out_trade_no": "P-other"}, "order_mismatch"),
        ({"trade_no": None}, "missing_trade_no"),
    ],
)
def test_results_not_of_this_order_change_nothing(override, reason):
    o = order()
    applied = o.apply(paid(o, **override))
    assert (applied.outcome, applied.reason) == (Outcome.rejected, reason)
    assert o.status is OrderStatus.pending
    assert o.trade_no is None


def test_second_trade_for_a_paid_order_is_rejected():
    o = order()
    o.apply(paid(o))
    assert o.apply(paid(o, trade_no="4200000002")).reason == "other_trade_no"
    assert o.trade_no == "4200000001"


def test_paid_after_close_is_recorded_and_flagged():
    o = order()
    o.close(NOW)
    applied = o.apply(paid(o))
    assert applied.outcome is Outcome.applied_late
    assert o.status is OrderStatus.succeeded
    assert "paid_after_close" in o.flags


def test_not_paid_changes_nothing_and_closed_closes():
    o = order()
    assert o.apply(paid(o, state=TradeState.not_paid, amount=None)).outcome is Outcome.unchanged
    assert o.apply(paid(o, state=TradeState.closed, amount=None)).outcome is Outcome.applied
    assert o.status is OrderStatus.closed


def test_expiry():
    o = order()
    assert not o.is_expired(NOW + timedelta(minutes=14))
    assert o.is_expired(NOW + timedelta(minutes=15))
    o.apply(paid(o))
    assert not o.is_expired(NOW + timedelta(hours=1))


def test_closing_a_paid_order_is_refused():
    o = order()
    o.apply(paid(o))
    with pytest.raises(DomainError) as err:
        o.close(NOW)
    assert err.value.code == "payment.invalid_state"
    assert "已支付" in err.value.message_zh


def test_partial_then_full_refund_never_more_than_paid():
    o = order(1000)
    o.apply(paid(o))
    r1 = o.request_refund(400, "多缴退还", "staff-1", NOW)
    with pytest.raises(DomainError) as err:
        o.request_refund(700, "再退", "staff-1", NOW)  # 400 processing + 700 > 1000
    assert err.value.code == "payment.refund_too_large"
    assert o.refund_result(r1.out_refund_no, True, "5030001", NOW).outcome is Outcome.applied
    assert (o.refunded, o.refund_state) == (400, "partial")
    assert o.refund_result(r1.out_refund_no, True, "5030001", NOW).outcome is Outcome.unchanged
    assert o.refunded == 400
    r2 = o.request_refund(600, "全部退还", "staff-1", NOW)
    o.refund_result(r2.out_refund_no, True, "5030002", NOW)
    assert (o.refunded, o.refund_state, o.refundable) == (1000, "full", 0)


def test_failed_refund_frees_the_amount_again():
    o = order(1000)
    o.apply(paid(o))
    r = o.request_refund(1000, "退款", "staff-1", NOW)
    o.refund_result(r.out_refund_no, False, None, NOW)
    assert r.status is RefundStatus.failed
    assert o.refundable == 1000


def test_refund_of_unpaid_order_refused():
    with pytest.raises(DomainError) as err:
        order().request_refund(1, "x", "s", NOW)
    assert err.value.code == "payment.not_refundable"


def test_bad_amounts_refused():
    for amount in (0, -5):
        with pytest.raises(DomainError):
            order(amount)
