"""Payments (支付): orders paid and closed, refunds, daily reconciliation, from
parking-payment. Amounts are integer fen."""

from __future__ import annotations

from pydantic import AwareDatetime, Field

from sc_contracts.events.base import EventData


class PaymentOrderPaidV1(EventData):
    """A payment order succeeded: the provider confirmed it (verified callback or query)."""

    order_id: str = Field(max_length=64, min_length=1, description="Payment order (message key).")
    out_trade_no: str = Field(
        max_length=32, min_length=1, description="Our order number at the provider."
    )
    provider: str = Field(max_length=16, min_length=1, description="wechat or alipay.")
    channel: str = Field(
        max_length=16, min_length=1, description="qr, mini_program, jsapi, h5, web, app."
    )
    amount_fen: int = Field(gt=0, description="Amount paid, in fen.")
    purpose: str = Field(
        max_length=24, min_length=1, description="parking, property_bill, ev_charging ..."
    )
    target_id: str = Field(
        max_length=64, min_length=1, description="What was paid: session, bill ..."
    )
    community_id: str | None = Field(
        max_length=64, default=None, description="Community, when known."
    )
    household_id: str | None = Field(
        max_length=64, default=None, description="Household, when known."
    )
    payer_account: str | None = Field(max_length=64, default=None, description="Account that paid.")
    trade_no: str = Field(max_length=64, min_length=1, description="The provider's transaction id.")
    paid_at: AwareDatetime = Field(description="When the provider took the money.")
    late: bool = Field(default=False, description="Paid after the order was closed: refund it.")


class PaymentOrderClosedV1(EventData):
    """An unpaid order was closed (timed out or cancelled), at the provider first."""

    order_id: str = Field(max_length=64, min_length=1, description="Payment order (message key).")
    out_trade_no: str = Field(
        max_length=32, min_length=1, description="Our order number at the provider."
    )
    purpose: str = Field(max_length=24, min_length=1, description="What it would have paid for.")
    target_id: str = Field(max_length=64, min_length=1, description="Session, bill ...")
    community_id: str | None = Field(
        max_length=64, default=None, description="Community, when known."
    )
    closed_at: AwareDatetime = Field(description="When it was closed.")


class PaymentRefundedV1(EventData):
    """A refund of a paid order succeeded (partial or full)."""

    order_id: str = Field(max_length=64, min_length=1, description="Payment order (message key).")
    refund_id: str = Field(max_length=64, min_length=1, description="Our refund id.")
    out_refund_no: str = Field(
        max_length=32, min_length=1, description="Our refund number at the provider."
    )
    amount_fen: int = Field(gt=0, description="This refund, in fen.")
    refunded_total_fen: int = Field(gt=0, description="Refunded of the order so far, in fen.")
    full: bool = Field(description="The order is now refunded in full.")
    purpose: str = Field(max_length=24, min_length=1, description="What the order paid for.")
    target_id: str = Field(max_length=64, min_length=1, description="Session, bill ...")
    community_id: str | None = Field(
        max_length=64, default=None, description="Community, when known."
    )
    refunded_at: AwareDatetime = Field(description="When the provider confirmed it.")


class PaymentReconciledV1(EventData):
    """A day was reconciled against a provider's bill."""

    reconciliation_id: str = Field(
        max_length=64, min_length=1, description="Reconciliation (message key)."
    )
    provider: str = Field(max_length=16, min_length=1, description="wechat or alipay.")
    merchant_id: str = Field(
        max_length=32, min_length=1, description="Merchant number at the provider."
    )
    day: str = Field(
        pattern=r"^\d{4}-\d{2}-\d{2}$", description="The provider's bill day (Beijing time)."
    )
    matched: int = Field(ge=0, description="Entries that agree.")
    differences: int = Field(ge=0, description="Entries that do not (see the report).")
    balanced: bool = Field(description="No difference at all.")
    local_paid_fen: int = Field(ge=0, description="Our payments of the day, in fen.")
    provider_paid_fen: int = Field(ge=0, description="The bill's payments, in fen.")
