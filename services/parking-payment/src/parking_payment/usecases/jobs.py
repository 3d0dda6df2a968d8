"""Periodic payment jobs: recovery and expiry of open orders, processing refunds, and
the daily reconciliation. Each order is settled in its own unit of work under its row
lock; a provider that does not answer leaves the order as it was, for the next round."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from parking_payment.adapters.providers import PaymentProvider, ProviderUnavailable
from parking_payment.db.orders import Orders
from parking_payment.db.payments import PaymentOrderRow, ReconciliationRow, RefundRow
from parking_payment.domain.payments import OPEN_STATUSES, Provider, RefundStatus
from parking_payment.domain.reconciliation import Entry, EntryKind, Mismatch, Report, reconcile
from parking_payment.usecases.callbacks import Callbacks
from parking_payment.usecases.payments import UNSENT, Payments
from parking_payment.usecases.ports import UowFactory
from parking_payment.usecases.settle import expire, settle
from sc_contracts.events.payment import PaymentReconciledV1

log = logging.getLogger(__name__)
CN = ZoneInfo("Asia/Shanghai")


class PaymentJobs:
    def __init__(
        self,
        uow: UowFactory,
        providers: Mapping[Provider, PaymentProvider],
        callbacks: Callbacks,
        payments: Payments,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        grace: timedelta = timedelta(seconds=20),
    ) -> None:
        self.uow = uow
        self.providers = providers
        self.callbacks = callbacks
        self.payments = payments
        self.clock = clock
        self.grace = grace  # let a fresh order's callback come first

    async def settle_open_orders(self) -> int:
        """Recovery (on start and every few seconds): ask about every open order; apply
        what the provider says; close what expired. Returns how many changed."""
        now = self.clock()
        async with self.uow() as uow:
            ids = await Orders(uow.session).open_ids(before=now - self.grace)
        changed = 0
        for order_id in ids:
            try:
                changed += await self._settle_one(order_id, now)
            except ProviderUnavailable as exc:
                log.warning("provider unavailable while settling %s: %s", order_id, exc)
        return changed

    async def _settle_one(self, order_id: uuid.UUID, now: datetime) -> int:
        async with self.uow() as uow:
            locked = await Orders(uow.session).lock(order_id=order_id)
            if locked is None or locked[1].status not in OPEN_STATUSES:
                return 0
            row, order = locked
            was = order.status
            provider = self.providers[order.provider]
            if order.is_expired(now):
                await expire(order, provider, now)
            else:
                await settle(order, provider)
            if order.status is was:
                return 0
            await self.callbacks.after_change(uow, row.household_id, order, was)
            await Orders(uow.session).save(row, order)
            await uow.commit()
            return 1

    async def settle_refunds(self) -> int:
        async with self.uow() as uow:
            pending = (
                await uow.session.execute(
                    select(RefundRow.order_id, RefundRow.out_refund_no).where(
                        RefundRow.status == RefundStatus.processing.value
                    )
                )
            ).all()
        done = 0
        for order_id, out_refund_no in pending:
            async with self.uow() as uow:
                locked = await Orders(uow.session).lock(order_id=order_id)
                assert locked is not None
                order = locked[1]
            if UNSENT + out_refund_no in order.flags:  # recorded, never asked for: ask
                done += await self.payments.send_refund(order_id, out_refund_no)
                continue
            refund = next(r for r in order.refunds if r.out_refund_no == out_refund_no)
            try:
                answer = await self.providers[order.provider].query_refund(order, refund)
            except ProviderUnavailable:
                continue
            if answer.status is not RefundStatus.processing:
                await self.payments.apply_refund(
                    order_id, out_refund_no, answer.status, answer.refund_id
                )
                done += 1
        return done

    async def reconcile_day(self, kind: Provider, day: date) -> Report:
        """Our day against the provider's bill; a payment only the bill has is recovered
        by query at once (and stays in the report: it was a difference)."""
        provider = self.providers[kind]
        bill = await provider.bill(day)
        start = datetime.combine(day, time(0), CN)
        end = start + timedelta(days=1)
        async with self.uow() as uow:
            paid = (
                await uow.session.execute(
                    select(PaymentOrderRow.out_trade_no, PaymentOrderRow.amount).where(
                        PaymentOrderRow.provider == kind.value,
                        PaymentOrderRow.merchant_id == provider.merchant_id,
                        PaymentOrderRow.paid_at >= start,
                        PaymentOrderRow.paid_at < end,
                    )
                )
            ).all()
            refunds = (
                await uow.session.execute(
                    select(RefundRow.out_refund_no, RefundRow.amount)
                    .join(PaymentOrderRow, PaymentOrderRow.id == RefundRow.order_id)
                    .where(
                        PaymentOrderRow.provider == kind.value,
                        RefundRow.status == RefundStatus.succeeded.value,
                        RefundRow.succeeded_at >= start,
                        RefundRow.succeeded_at < end,
                    )
                )
            ).all()
        local = [Entry(EntryKind.payment, n, a, provider.merchant_id) for n, a in paid]
        local += [Entry(EntryKind.refund, n, a, provider.merchant_id) for n, a in refunds]
        report = reconcile(kind, day, provider.merchant_id, local, bill)
        for diff in report.differences:
            if diff.kind is Mismatch.missing_locally and diff.entry_kind is EntryKind.payment:
                async with self.uow() as uow:
                    row = (
                        await uow.session.execute(
                            select(PaymentOrderRow.id).where(
                                PaymentOrderRow.out_trade_no == diff.number
                            )
                        )
                    ).scalar_one_or_none()
                if row is not None:
                    await self._settle_one(row, self.clock())
        await self._store(report)
        return report

    async def _store(self, report: Report) -> None:
        differences = [
            {
                "kind": d.kind.value,
                "entry_kind": d.entry_kind.value,
                "number": d.number,
                "local_amount": d.local_amount,
                "provider_amount": d.provider_amount,
            }
            for d in report.differences
        ]
        merchant = self.providers[report.provider].merchant_id
        async with self.uow() as uow:
            stored = await uow.session.execute(
                insert(ReconciliationRow)
                .values(
                    provider=report.provider.value,
                    merchant_id=merchant,
                    day=report.day,
                    matched=report.matched,
                    balanced=report.balanced,
                    local_total=report.local_total,
                    provider_total=report.provider_total,
                    differences=differences,
                )
                .on_conflict_do_update(
                    index_elements=["provider", "merchant_id", "day"],
                    set_={
                        "matched": report.matched,
                        "balanced": report.balanced,
                        "local_total": report.local_total,
                        "provider_total": report.provider_total,
                        "differences": differences,
                        "created_at": self.clock(),
                    },
                )
                .returning(ReconciliationRow.id)
            )
            rec_id = stored.scalar_one()
            await uow.publish(
                PaymentReconciledV1(
                    reconciliation_id=str(rec_id),
                    provider=report.provider.value,
                    merchant_id=merchant,
                    day=report.day.isoformat(),
                    matched=report.matched,
                    differences=len(report.differences),
                    balanced=report.balanced,
                    local_paid_fen=report.local_total.get("payment", 0),
                    provider_paid_fen=report.provider_total.get("payment", 0),
                ),
                key=str(rec_id),
            )
            await uow.commit()
