"""Payment orders between rows and the domain. Never commits (the unit of work does)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from parking_payment.db.payments import PaymentOrderRow, RefundRow
from parking_payment.domain.payments import (
    Channel,
    OrderStatus,
    PaymentOrder,
    Provider,
    Purpose,
    Refund,
    RefundStatus,
)


def to_domain(row: PaymentOrderRow, refunds: list[RefundRow]) -> PaymentOrder:
    order = PaymentOrder(
        provider=Provider(row.provider),
        channel=Channel(row.channel),
        amount=row.amount,
        description=row.description,
        purpose=Purpose(row.purpose),
        target_id=row.target_id,
        merchant_id=row.merchant_id,
        app_id=row.app_id,
        created_at=row.created_at,
        expires_at=row.expires_at,
        community_id=row.community_id,
        payer_account=row.payer_account,
        id=row.id,
        out_trade_no=row.out_trade_no,
        status=OrderStatus(row.status),
        trade_no=row.trade_no,
        paid_at=row.paid_at,
        closed_at=row.closed_at,
        refunded=row.refunded,
        flags=list(row.flags or []),
    )
    order.refunds = [
        Refund(
            order_id=r.order_id,
            out_refund_no=r.out_refund_no,
            amount=r.amount,
            reason=r.reason,
            requested_by=r.requested_by,
            created_at=r.created_at,
            id=r.id,
            status=RefundStatus(r.status),
            provider_refund_id=r.provider_refund_id,
            succeeded_at=r.succeeded_at,
        )
        for r in refunds
    ]
    return order


def new_row(order: PaymentOrder, household_id: str | None) -> PaymentOrderRow:
    row = PaymentOrderRow(
        id=order.id,
        out_trade_no=order.out_trade_no,
        provider=order.provider.value,
        channel=order.channel.value,
        amount=order.amount,
        description=order.description,
        purpose=order.purpose.value,
        target_id=order.target_id,
        community_id=order.community_id,
        household_id=household_id,
        payer_account=order.payer_account,
        merchant_id=order.merchant_id,
        app_id=order.app_id,
        created_at=order.created_at,
        expires_at=order.expires_at,
        prepay={},
    )
    copy_state(order, row)
    return row


def copy_state(order: PaymentOrder, row: PaymentOrderRow) -> None:
    row.status = order.status.value
    row.trade_no = order.trade_no
    row.paid_at = order.paid_at
    row.closed_at = order.closed_at
    row.refunded = order.refunded
    row.flags = list(order.flags)


class Orders:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def lock(
        self, *, order_id: uuid.UUID | None = None, out_trade_no: str | None = None
    ) -> tuple[PaymentOrderRow, PaymentOrder] | None:
        """The order's row under ``FOR UPDATE`` (one change at a time) and its domain."""
        query = select(PaymentOrderRow).with_for_update()
        if order_id is not None:
            query = query.where(PaymentOrderRow.id == order_id)
        else:
            query = query.where(PaymentOrderRow.out_trade_no == out_trade_no)
        row = (await self.session.execute(query)).scalar_one_or_none()
        if row is None:
            return None
        refunds = (
            await self.session.execute(
                select(RefundRow).where(RefundRow.order_id == row.id).order_by(RefundRow.created_at)
            )
        ).scalars()
        return row, to_domain(row, list(refunds))

    async def save(self, row: PaymentOrderRow, order: PaymentOrder) -> None:
        copy_state(order, row)
        known = {
            r.out_refund_no: r
            for r in (
                await self.session.execute(select(RefundRow).where(RefundRow.order_id == row.id))
            ).scalars()
        }
        for refund in order.refunds:
            stored = known.get(refund.out_refund_no)
            if stored is None:
                self.session.add(
                    RefundRow(
                        id=refund.id,
                        order_id=row.id,
                        out_refund_no=refund.out_refund_no,
                        amount=refund.amount,
                        reason=refund.reason,
                        requested_by=refund.requested_by,
                        status=refund.status.value,
                        provider_refund_id=refund.provider_refund_id,
                        created_at=refund.created_at,
                        succeeded_at=refund.succeeded_at,
                    )
                )
            else:
                stored.status = refund.status.value
                stored.provider_refund_id = refund.provider_refund_id
                stored.succeeded_at = refund.succeeded_at
        await self.session.flush()

    async def open_ids(self, before: datetime, limit: int = 200) -> list[uuid.UUID]:
        """Open orders (created, pending) created before ``before``: recovery and expiry."""
        query = (
            select(PaymentOrderRow.id)
            .where(PaymentOrderRow.status.in_(("created", "pending")))
            .where(PaymentOrderRow.created_at < before)
            .order_by(PaymentOrderRow.expires_at)
            .limit(limit)
        )
        return list((await self.session.execute(query)).scalars())

    async def open_for_target(self, purpose: str, target_id: str) -> PaymentOrderRow | None:
        query = select(PaymentOrderRow).where(
            PaymentOrderRow.purpose == purpose,
            PaymentOrderRow.target_id == target_id,
            PaymentOrderRow.status.in_(("created", "pending")),
        )
        return (await self.session.execute(query)).scalars().first()
