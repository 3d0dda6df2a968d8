"""Payment orders: create (idempotent), read, refund (by staff, or in full when another
service says a payment is due back: a shop order cancelled or refused after payment).

Creating an order never takes the amount from the client: the target (a parking
session, a bill, a charge) quotes what is due now. The provider is called outside any
transaction: first the order is stored (``created``) with the idempotency key marked in
progress, then the provider's prepay is asked, then the order becomes ``pending`` and the
answer is stored under the key. A crash between leaves a ``created`` order that the
expiry job settles (queries, then closes), and a key that a retry takes over after
``IN_PROGRESS_TAKEOVER``.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select

from parking_payment.adapters.providers import (
    PaymentProvider,
    ProviderRefused,
    ProviderUnavailable,
    RefundAnswer,
)
from parking_payment.db.orders import Orders, new_row
from parking_payment.db.payments import IdempotencyRow, PaymentOrderRow
from parking_payment.domain import idempotency
from parking_payment.domain.errors import DomainError
from parking_payment.domain.payments import (
    Channel,
    Outcome,
    PaymentOrder,
    Provider,
    Purpose,
    RefundStatus,
)
from parking_payment.usecases import events
from parking_payment.usecases.ports import PaymentTarget, UowFactory, Who
from parking_payment.usecases.problems import PROVIDER_UNAVAILABLE, not_found, problem
from sc_core.errors import Problem

IN_PROGRESS_TAKEOVER = timedelta(seconds=60)
UNSENT = "refund_unsent:"  # an order's flag: this refund is recorded, not yet asked for
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CreateOrder:
    purpose: Purpose
    target_id: str
    provider: Provider
    channel: Channel
    payer: str | None = None  # WeChat openid / Alipay buyer_id (mini-program, JSAPI)
    client_ip: str | None = None  # H5


@dataclass(slots=True)
class OrderView:
    order: PaymentOrder
    prepay: dict[str, Any] = field(default_factory=dict)
    household_id: str | None = None


@dataclass(frozen=True, slots=True)
class Replay:
    status_code: int
    body: dict[str, Any]


class Payments:
    def __init__(
        self,
        uow: UowFactory,
        providers: Mapping[Provider, PaymentProvider],
        targets: Mapping[Purpose, PaymentTarget],
        *,
        order_ttl: timedelta = timedelta(minutes=15),
        idempotency_ttl: timedelta = timedelta(hours=48),
        render: Callable[[OrderView], dict[str, Any]] = lambda v: {"id": str(v.order.id)},
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.uow = uow
        self.providers = providers
        self.targets = targets
        self.order_ttl = order_ttl
        self.idempotency_ttl = idempotency_ttl
        self.render = render  # the API's shape of an order, stored for replays
        self.clock = clock

    def provider(self, kind: Provider) -> PaymentProvider:
        found = self.providers.get(kind)
        if found is None:
            raise Problem(
                422,
                "payment.provider_not_offered",
                "暂不支持该支付方式（this payment provider is not offered）",
            )
        return found

    # -- create --------------------------------------------------------------------
    async def create(self, who: Who, cmd: CreateOrder, key: str | None) -> OrderView | Replay:
        provider = self.provider(cmd.provider)
        now = self.clock()
        body = {  # the request as the client sent it (its address is not part of it)
            k: (v.value if hasattr(v, "value") else v)
            for k, v in asdict(cmd).items()
            if k != "client_ip"
        }
        fp = idempotency.fingerprint(who.subject, "POST", "/api/v1/payment-orders", body)
        async with self.uow() as uow:
            if key is not None:
                replay = await self._claim(uow, who.subject, key, fp, now)
                if replay is not None:
                    return replay
            target = self.targets[cmd.purpose]
            try:
                quote = await target.quote(uow, who, cmd.target_id, now)
                order = PaymentOrder(
                    provider=cmd.provider,
                    channel=cmd.channel,
                    amount=quote.amount,
                    description=quote.description,
                    purpose=cmd.purpose,
                    target_id=cmd.target_id,
                    merchant_id=provider.merchant_id,
                    app_id=provider.app_id_for(cmd.channel),
                    created_at=now,
                    expires_at=now + self.order_ttl,
                    community_id=quote.community_id,
                    payer_account=who.subject,
                )
            except DomainError as exc:
                raise problem(exc) from None
            uow.session.add(new_row(order, quote.household_id))
            if key is not None:
                await self._mark(uow, who.subject, key, {"order_id": str(order.id)})
            await uow.audit(
                who,
                "payment_order.create",
                "payment_order",
                str(order.id),
                community_id=order.community_id,
                detail={"purpose": order.purpose.value, "amount_fen": str(order.amount)},
            )
            await uow.commit()
        try:
            answer = await provider.prepay(order, payer=cmd.payer, client_ip=cmd.client_ip)
        except ProviderUnavailable:
            await self._forget_key(who.subject, key)
            raise PROVIDER_UNAVAILABLE from None
        except Exception as exc:  # the provider refused the order itself
            await self._fail(order.id, who.subject, key, str(exc)[:120])
            raise Problem(
                502,
                "payment.provider_refused",
                "The payment provider refused the order: pay another way",
                zh="支付渠道拒绝了该订单，请更换支付方式",
            ) from None
        async with self.uow() as uow:
            locked = await Orders(uow.session).lock(order_id=order.id)
            assert locked is not None
            row, order = locked
            if order.status.value == "created":
                order.mark_pending()
            row.prepay = answer
            await Orders(uow.session).save(row, order)
            view = OrderView(order, answer, quote.household_id)
            if key is not None:
                await self._mark(uow, who.subject, key, self.render(view), status_code=201)
            await uow.commit()
        return view

    async def _claim(self, uow: Any, owner: str, key: str, fp: str, now: datetime) -> Replay | None:
        try:
            idempotency.validate_key(key)
        except DomainError as exc:
            raise problem(exc) from None
        row = (
            await uow.session.execute(
                select(IdempotencyRow)
                .where(IdempotencyRow.owner == owner, IdempotencyRow.key == key)
                .with_for_update()
            )
        ).scalar_one_or_none()
        record = None
        if row is not None:
            record = idempotency.IdempotencyRecord(
                row.key,
                row.owner,
                row.fingerprint,
                row.created_at,
                row.expires_at,
                row.status_code,
                row.response,
            )
        verdict = idempotency.check(record, fp, now)
        if verdict is idempotency.Verdict.replay:
            assert row is not None
            return Replay(row.status_code or 200, dict(row.response or {}))
        if verdict is idempotency.Verdict.conflict:
            raise problem(idempotency.CONFLICT)
        if verdict is idempotency.Verdict.in_progress:
            assert row is not None
            if now - row.created_at < IN_PROGRESS_TAKEOVER:
                raise problem(idempotency.IN_PROGRESS)
            await uow.session.delete(row)  # abandoned by a crashed request: take over
        elif row is not None:
            await uow.session.delete(row)  # expired
        await uow.session.flush()
        uow.session.add(
            IdempotencyRow(
                owner=owner,
                key=key,
                fingerprint=fp,
                status_code=None,
                response=None,
                created_at=now,
                expires_at=idempotency.expiry(now, self.idempotency_ttl),
            )
        )
        return None

    @staticmethod
    async def _mark(
        uow: Any, owner: str, key: str, response: dict[str, Any], status_code: int | None = None
    ) -> None:
        row = await uow.session.get(IdempotencyRow, (owner, key))
        if row is not None:
            row.response = response
            row.status_code = status_code

    async def _forget_key(self, owner: str, key: str | None) -> None:
        if key is None:
            return
        async with self.uow() as uow:
            await uow.session.execute(
                delete(IdempotencyRow).where(
                    IdempotencyRow.owner == owner, IdempotencyRow.key == key
                )
            )
            await uow.commit()

    async def _fail(self, order_id: uuid.UUID, owner: str, key: str | None, reason: str) -> None:
        async with self.uow() as uow:
            locked = await Orders(uow.session).lock(order_id=order_id)
            if locked is not None:
                row, order = locked
                if order.status.value in ("created", "pending"):
                    order.mark_failed("provider_refused")
                    await Orders(uow.session).save(row, order)
            if key is not None:
                await uow.session.execute(
                    delete(IdempotencyRow).where(
                        IdempotencyRow.owner == owner, IdempotencyRow.key == key
                    )
                )
            await uow.commit()

    # -- read ----------------------------------------------------------------------
    async def get(self, who: Who, order_id: uuid.UUID, *, staff: bool) -> OrderView:
        async with self.uow() as uow:
            locked = await Orders(uow.session).lock(order_id=order_id)
            row = locked[0] if locked else None
            if locked is None or row is None or (not staff and row.payer_account != who.subject):
                raise not_found("payment.not_found", "找不到该支付单", "no such payment order")
            return OrderView(locked[1], dict(row.prepay or {}), row.household_id)

    # -- refund --------------------------------------------------------------------
    async def refund(self, who: Who, order_id: uuid.UUID, amount: int, reason: str) -> OrderView:
        now = self.clock()
        async with self.uow() as uow:
            locked = await Orders(uow.session).lock(order_id=order_id)
            if locked is None:
                raise not_found("payment.not_found", "找不到该支付单", "no such payment order")
            row, order = locked
            try:
                refund = order.request_refund(amount, reason, who.subject, now)
            except DomainError as exc:
                raise problem(exc) from None
            await Orders(uow.session).save(row, order)
            await uow.audit(
                who,
                "payment_order.refund",
                "payment_order",
                str(order.id),
                community_id=order.community_id,
                detail={"amount_fen": str(amount), "out_refund_no": refund.out_refund_no},
            )
            await uow.commit()
        provider = self.provider(order.provider)
        try:
            answer = await provider.refund(order, refund)
        except ProviderUnavailable:
            return OrderView(order)  # stays processing; the refund job asks again
        except ProviderRefused as exc:  # e.g. refunded already in the merchant platform
            log.warning("refund %s refused by the provider: %s", refund.out_refund_no, exc)
            await self.apply_refund(order.id, refund.out_refund_no, RefundStatus.failed, None)
            raise Problem(
                502,
                "payment.refund_refused",
                "The payment provider refused this refund (for example, the amount was "
                "refunded already in its merchant platform); nothing was refunded",
                zh="支付渠道拒绝了这笔退款（例如已在商户平台退过款），本次未退款",
                provider_code=exc.code,
            ) from None
        return await self.apply_refund(
            order.id, answer.out_refund_no, answer.status, answer.refund_id
        )

    # -- refunds another service says are due (a shop order cancelled after payment) ----
    async def refund_due(
        self, uow: Any, order_id: str, *, purpose: Purpose, target_id: str, reason: str, by: str
    ) -> tuple[uuid.UUID, str] | None:
        """In the caller's unit of work (a consumer's, with its inbox): the payment order
        ``order_id`` of ``purpose``/``target_id`` is to be refunded in full. Recorded as a
        refund not yet sent (``refund_unsent:<no>``), once: an order refunded or being
        refunded already, of another target, or unknown, is left as it is. Returns what
        :meth:`send_refund` sends once the unit of work committed."""
        try:
            oid = uuid.UUID(order_id)
        except ValueError:
            return None
        locked = await Orders(uow.session).lock(order_id=oid)
        if locked is None:
            return None
        row, order = locked
        if order.purpose is not purpose or order.target_id != target_id:
            return None
        if order.refundable <= 0:
            return None  # not paid, or refunded (or being refunded) already
        refund = order.request_refund(order.refundable, reason, by, self.clock())
        order.flags.append(UNSENT + refund.out_refund_no)
        await Orders(uow.session).save(row, order)
        await uow.audit(
            None,
            "payment_order.refund",
            "payment_order",
            str(order.id),
            community_id=order.community_id,
            detail={
                "amount_fen": str(refund.amount),
                "out_refund_no": refund.out_refund_no,
                "requested_by": by,
            },
        )
        return order.id, refund.out_refund_no

    async def send_refund(self, order_id: uuid.UUID, out_refund_no: str) -> bool:
        """Ask the provider for a refund recorded as not yet sent (the same refund number
        every time, so a second request refunds nothing more). A provider that does not
        answer leaves it for the refund job; one that refuses it marks it failed (staff
        refund by hand). Returns whether it was sent."""
        async with self.uow() as uow:
            locked = await Orders(uow.session).lock(order_id=order_id)
            if locked is None or UNSENT + out_refund_no not in locked[1].flags:
                return False
            order = locked[1]
        refund = next(r for r in order.refunds if r.out_refund_no == out_refund_no)
        try:
            answer = await self.provider(order.provider).refund(order, refund)
        except ProviderUnavailable:
            return False
        except Exception as exc:  # the provider refused the refund itself
            log.warning("refund %s refused by the provider: %s", out_refund_no, exc)
            answer = RefundAnswer(out_refund_no, RefundStatus.failed)
        async with self.uow() as uow:
            locked = await Orders(uow.session).lock(order_id=order_id)
            assert locked is not None
            row, order = locked
            if UNSENT + out_refund_no in order.flags:
                order.flags.remove(UNSENT + out_refund_no)
                await Orders(uow.session).save(row, order)
                await uow.commit()
        await self.apply_refund(order_id, out_refund_no, answer.status, answer.refund_id)
        return True

    async def apply_refund(
        self, order_id: uuid.UUID, out_refund_no: str, status: RefundStatus, refund_id: str | None
    ) -> OrderView:
        if status is RefundStatus.processing:
            async with self.uow() as uow:
                locked = await Orders(uow.session).lock(order_id=order_id)
                assert locked is not None
                return OrderView(locked[1])
        async with self.uow() as uow:
            locked = await Orders(uow.session).lock(order_id=order_id)
            assert locked is not None
            row, order = locked
            applied = order.refund_result(
                out_refund_no, status is RefundStatus.succeeded, refund_id, self.clock()
            )
            if applied.outcome is Outcome.applied:
                await Orders(uow.session).save(row, order)
                refund = next(r for r in order.refunds if r.out_refund_no == out_refund_no)
                if refund.status is RefundStatus.succeeded:
                    await uow.publish(events.refunded(order, refund), key=str(order.id))
                await uow.commit()
            return OrderView(order)

    async def order_row(self, order_id: uuid.UUID) -> PaymentOrderRow | None:
        async with self.uow() as uow:
            row = await uow.session.get(PaymentOrderRow, order_id)
            if row is not None:
                uow.session.expunge(row)  # readable after the unit of work ends
            return row
