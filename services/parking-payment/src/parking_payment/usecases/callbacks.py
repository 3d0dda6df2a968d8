"""Provider callbacks (支付/退款通知): verify, record, apply once.

Every callback is stored in ``payment_callbacks`` (believed or not) and audited when
refused. A verified notification's id is unique there: the same notification again finds
its row and is answered "received" without being applied a second time. A verified
callback that does not fit its order (unknown order, other merchant or app, another
amount) changes nothing, is audited as denied and answered "fail" (the provider keeps
it visible by retrying; each retry is recorded and refused again).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert

from parking_payment.adapters.callbacks import CallbackRejected
from parking_payment.adapters.providers import Ack, CallbackEvent, CallbackKind, PaymentProvider
from parking_payment.db.orders import Orders
from parking_payment.db.payments import CallbackRow
from parking_payment.domain.payments import (
    OrderStatus,
    Outcome,
    PaymentOrder,
    Provider,
    Purpose,
    RefundStatus,
)
from parking_payment.usecases import events
from parking_payment.usecases.ports import PaymentTarget, Uow, UowFactory
from sc_core import failpoints


class Callbacks:
    def __init__(
        self,
        uow: UowFactory,
        providers: Mapping[Provider, PaymentProvider],
        targets: Mapping[Purpose, PaymentTarget],
    ) -> None:
        self.uow = uow
        self.providers = providers
        self.targets = targets

    async def receive(
        self, kind: Provider, headers: Mapping[str, str], body: bytes, remote_addr: str | None
    ) -> Ack:
        provider = self.providers[kind]
        try:
            event = provider.parse_callback(dict(headers), body)
        except CallbackRejected as exc:
            await self._record_refusal(kind, None, "refused", exc.reason, remote_addr)
            return provider.ack(False, exc.reason)
        async with self.uow() as uow:
            inserted = await uow.session.execute(
                insert(CallbackRow)
                .values(
                    provider=kind.value,
                    notification_id=event.notification_id,
                    out_trade_no=event.out_trade_no,
                    outcome="received",
                    reason="",
                    remote_addr=remote_addr,
                )
                .on_conflict_do_nothing()
                .returning(CallbackRow.id)
            )
            callback_id = inserted.scalar_one_or_none()
            if callback_id is None:  # this notification was applied already
                return provider.ack(True)
            outcome, reason = await self._apply(uow, event)
            await uow.session.execute(
                update(CallbackRow)
                .where(CallbackRow.id == callback_id)
                .values(
                    outcome=outcome,
                    reason=reason,
                    # a refused callback keeps no notification id: a retry is recorded again
                    notification_id=event.notification_id if outcome != "rejected" else None,
                )
            )
            # the reliability suite dies here: the provider has the money, we have no record
            failpoints.hit("payment.callback_before_commit")
            if outcome == "rejected":
                await uow.audit(
                    None,
                    "payment.callback",
                    "payment_order",
                    event.out_trade_no,
                    detail={"provider": kind.value, "reason": reason},
                    outcome="denied",
                )
            await uow.commit()
        return provider.ack(outcome != "rejected", reason)

    async def _apply(self, uow: Uow, event: CallbackEvent) -> tuple[str, str]:
        orders = Orders(uow.session)
        locked = await orders.lock(out_trade_no=event.out_trade_no)
        if locked is None:
            return "rejected", "unknown_order"
        row, order = locked
        if event.kind is CallbackKind.refund:
            assert event.refund is not None
            answer = event.refund
            if answer.status is RefundStatus.processing:
                return "unchanged", "processing"
            applied = order.refund_result(
                answer.out_refund_no,
                answer.status is RefundStatus.succeeded,
                answer.refund_id,
                answer.at or order.paid_at or datetime.now(UTC),
            )
            if applied.outcome is Outcome.applied:
                await orders.save(row, order)
                refund = next(r for r in order.refunds if r.out_refund_no == answer.out_refund_no)
                if refund.status is RefundStatus.succeeded:
                    await uow.publish(events.refunded(order, refund), key=str(order.id))
            return applied.outcome.value, applied.reason
        assert event.payment is not None
        was = order.status
        applied = order.apply(event.payment)
        if applied.outcome in (Outcome.applied, Outcome.applied_late):
            await self.after_change(uow, row.household_id, order, was)
            await orders.save(row, order)
        return applied.outcome.value, applied.reason

    async def after_change(
        self, uow: Uow, household_id: str | None, order: PaymentOrder, was: OrderStatus
    ) -> None:
        """Effects of a status change, in the same unit of work: the target learns it was
        paid (a target settled already flags the order for a refund), events go out."""
        if order.status is OrderStatus.succeeded and was is not OrderStatus.succeeded:
            settled = await self.targets[order.purpose].paid(uow, order)
            if not settled:
                order.flags.append("refund_due")
            await uow.publish(events.paid(order, household_id), key=str(order.id))
            await uow.audit(
                None,
                "payment_order.paid",
                "payment_order",
                str(order.id),
                community_id=order.community_id,
                detail={"amount_fen": str(order.amount), "trade_no": order.trade_no or ""},
            )
        elif order.status is OrderStatus.closed and was is not OrderStatus.closed:
            await uow.publish(events.closed(order), key=str(order.id))

    async def _record_refusal(
        self,
        kind: Provider,
        out_trade_no: str | None,
        outcome: str,
        reason: str,
        remote_addr: str | None,
    ) -> None:
        async with self.uow() as uow:
            uow.session.add(
                CallbackRow(
                    provider=kind.value,
                    notification_id=None,
                    out_trade_no=out_trade_no,
                    outcome=outcome,
                    reason=reason,
                    remote_addr=remote_addr,
                )
            )
            await uow.audit(
                None,
                "payment.callback",
                "payment_callback",
                None,
                detail={"provider": kind.value, "reason": reason, "from": remote_addr or ""},
                outcome="denied",
            )
            await uow.commit()
